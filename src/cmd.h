/*
 * cmd.h -- the subcommands main() dispatches to.  Each returns the
 * process exit status.
 */
#ifndef SMTPSCOPE_CMD_H
#define SMTPSCOPE_CMD_H

int cmd_connect(int argc, char **argv);		/* smtpscope [opts] HOST[:PORT] */
int cmd_practice(int argc, char **argv);	/* smtpscope practice */
int cmd_serve(int argc, char **argv);		/* smtpscope serve */
int cmd_explain(int argc, char **argv);		/* smtpscope explain */
int cmd_lint(int argc, char **argv);		/* smtpscope lint */
int cmd_replay(int argc, char **argv);		/* smtpscope replay */

/* A decimal option value in [min, max] into *out: 0, or -1 when s is not
 * all digits or out of range. */
int cmd_number(const char *s, long min, long max, long *out);

/* Usage text to stream f. */
#include <stdio.h>
void usage(FILE *f);

#endif
