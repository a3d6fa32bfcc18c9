/* reply.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "reply.h"
#include "stdlib.h"
struct reply_parser *reply_parser_new(void) { return NULL; }
void reply_parser_free(struct reply_parser *p) { (void)p; }
int reply_feed(struct reply_parser *p, const char *b, size_t n) { (void)p; (void)b; (void)n; return -1; }
int reply_parser_finish(struct reply_parser *p) { (void)p; return 0; }
struct reply *reply_parser_next(struct reply_parser *p) { (void)p; return NULL; }
size_t reply_parser_pending(const struct reply_parser *p) { (void)p; return 0; }
void reply_free(struct reply *r) { (void)r; }
size_t reply_parse_enhanced(const char *s, size_t len, char *out) { (void)s; (void)len; (void)out; return 0; }
const char *reply_fault_string(unsigned f) { (void)f; return "fault"; }
void reply_faults_describe(unsigned f, char *b, size_t n) { (void)f; if (n) b[0] = 0; }
