/* practice.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "practice.h"
int practice_listen(const char *addr, int port, int *bound, char *err, size_t errlen) { (void)addr; (void)port; (void)bound; (void)err; (void)errlen; return -1; }
int practice_run(int fd, const struct practice_opts *o, volatile sig_atomic_t *stop, char *err, size_t errlen) { (void)fd; (void)o; (void)stop; (void)err; (void)errlen; return -1; }
unsigned long practice_messages(void) { return 0; }
int practice_spawn(const struct practice_opts *o, int *port, char *err, size_t errlen) { (void)o; (void)port; (void)err; (void)errlen; return -1; }
