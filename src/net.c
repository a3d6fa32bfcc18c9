/* net.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "net.h"
int net_parse_hostport(const char *a, const char *d, char *h, size_t hl, char *p, size_t pl, char *e, size_t el) { (void)a; (void)d; (void)h; (void)hl; (void)p; (void)pl; (void)e; (void)el; return -1; }
