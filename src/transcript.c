/* transcript.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "transcript.h"
#include "stdlib.h"
struct transcript *transcript_open(const char *path, const char *server, int s, int l, char *err, size_t errlen) { (void)path; (void)server; (void)s; (void)l; (void)err; (void)errlen; return NULL; }
struct transcript *transcript_fopen(FILE *f, int own, const char *server, int s, int l) { (void)f; (void)own; (void)server; (void)s; (void)l; return NULL; }
void transcript_close(struct transcript *t) { (void)t; }
int transcript_command(struct transcript *t, const char *line, enum annotate_ctx k) { (void)t; (void)line; (void)k; return 0; }
int transcript_body(struct transcript *t, const char *line) { (void)t; (void)line; return 0; }
int transcript_reply(struct transcript *t, const struct reply *r, double ms) { (void)t; (void)r; (void)ms; return 0; }
int transcript_tls(struct transcript *t, const char *w, const char *s) { (void)t; (void)w; (void)s; return 0; }
int transcript_comment(struct transcript *t, const char *s) { (void)t; (void)s; return 0; }
void transcript_mask_auth(const char *line, char *buf, size_t size) { (void)line; if (size) buf[0] = 0; }
