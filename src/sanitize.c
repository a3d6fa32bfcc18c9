/* sanitize.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "sanitize.h"
#include "stdlib.h"
#include "string.h"
char *sanitize(const char *s, size_t len, int flags) { (void)flags; char *o = malloc(len + 1); if (o) { memcpy(o, s, len); o[len] = 0; } return o; }
size_t sanitize_buf(char *out, size_t size, const char *s, size_t len, int flags) { (void)flags; if (size) { size_t n = len < size - 1 ? len : size - 1; memcpy(out, s, n); out[n] = 0; } return len; }
