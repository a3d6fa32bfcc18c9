/* ui_plain.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "ui.h"
int ui_plain_run(const struct client_opts *c, const struct ui_opts *u) { (void)c; (void)u; return 3; }
