/* annotate.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "annotate.h"
#include "stdio.h"
#include "stdlib.h"
#include "string.h"
char *annotate_reply(const struct reply *r, const char *command, enum annotate_ctx ctx, int flags) { (void)command; (void)ctx; (void)flags; char b[64]; snprintf(b, sizeof b, "%d", r->code); return strdup(b); }
char *annotate_code(int code, const char *esc, char *err, size_t errlen) { (void)code; (void)esc; snprintf(err, errlen, "not implemented"); return NULL; }
