/* cmd_connect.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "cmd.h"
int cmd_connect(int argc, char **argv) { (void)argc; (void)argv; return 2; }
int cmd_practice(int argc, char **argv) { (void)argc; (void)argv; return 2; }
