/* cmd_serve.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "cmd.h"
#include "stdio.h"
int
cmd_serve(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "smtpscope: serve: not built yet\n");
	return 2;
}
