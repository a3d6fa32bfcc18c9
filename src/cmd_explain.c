/* cmd_explain.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "cmd.h"
#include "stdio.h"
int
cmd_explain(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "smtpscope: explain: not built yet\n");
	return 2;
}
