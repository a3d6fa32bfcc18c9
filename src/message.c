/* message.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "message.h"
#include "stdlib.h"
#include "string.h"
char *message_stuff_line(const char *line, size_t len, size_t *outlen) { char *o = malloc(len + 4); size_t k = 0; if (!o) return NULL; if (len && line[0] == '.') o[k++] = '.'; memcpy(o + k, line, len); k += len; o[k++] = '\r'; o[k++] = '\n'; *outlen = k; return o; }
int message_data_body(const char *in, size_t len, char **out, size_t *outlen) { (void)in; (void)len; (void)out; (void)outlen; return -1; }
int message_canonical(const char *in, size_t len, char **out, size_t *outlen) { (void)in; (void)len; (void)out; (void)outlen; return -1; }
int message_read_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen) { (void)path; (void)out; (void)outlen; (void)err; (void)errlen; return -1; }
