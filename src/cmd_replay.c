/* cmd_replay.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "cmd.h"
#include "stdio.h"
int
cmd_replay(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "smtpscope: replay: not built yet\n");
	return 2;
}
