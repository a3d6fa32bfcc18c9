/* codes.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "codes.h"
#include "stdlib.h"
const struct code_info *codes_lookup(int code) { (void)code; return NULL; }
const struct esc_info *codes_lookup_enhanced(const char *code) { (void)code; return NULL; }
const char *codes_class_meaning(int d) { (void)d; return NULL; }
const char *codes_category_meaning(int d) { (void)d; return NULL; }
const char *codes_esc_class_meaning(int d) { (void)d; return NULL; }
const char *codes_esc_subject_meaning(int d) { (void)d; return NULL; }
const struct code_info *codes_table(size_t *n) { *n = 0; return NULL; }
const struct esc_info *codes_esc_table(size_t *n) { *n = 0; return NULL; }
