/* complete.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "complete.h"
#include "stdlib.h"
void complete_install(const struct session *(*get_session)(void)) { (void)get_session; }
char **complete_attempt(const char *text, int start, int end) { (void)text; (void)start; (void)end; return NULL; }
