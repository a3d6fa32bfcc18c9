/* cmd_lint.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "cmd.h"
#include "stdio.h"
int
cmd_lint(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "smtpscope: lint: not built yet\n");
	return 2;
}
