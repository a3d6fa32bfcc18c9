/* ui_tui.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "ui.h"
int ui_tui_run(const struct client_opts *c, const struct ui_opts *u) { return ui_plain_run(c, u); }
