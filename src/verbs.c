/* verbs.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "verbs.h"
#include "stdlib.h"
#include "string.h"
const struct verb_info *verbs_identify(const char *line) { (void)line; return NULL; }
const struct verb_info *verbs_get(enum verb_id id) { (void)id; return NULL; }
const struct verb_info *verbs_lookup(const char *name, size_t len) { (void)name; (void)len; return NULL; }
const struct verb_info *verbs_table(size_t *n) { *n = 0; return NULL; }
int verbs_check(const char *line, const struct session_caps *caps, struct diag_list *out) { (void)line; (void)caps; out->n = 0; return 0; }
const char *diag_severity_name(enum diag_severity s) { return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "hint"; }
void diag_caret(const struct diag *d, char *buf, size_t size) { (void)d; if (size) buf[0] = 0; }
