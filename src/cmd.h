/*
 * cmd.h -- the subcommands main() dispatches to.  Each returns the
 * process exit status.
 */
#ifndef SMTPSCOPE_CMD_H
#define SMTPSCOPE_CMD_H

#include "exitcode.h"

int cmd_connect(int argc, char **argv);		/* smtpscope [opts] HOST[:PORT] */
int cmd_practice(int argc, char **argv);	/* smtpscope practice */
int cmd_serve(int argc, char **argv);		/* smtpscope serve */
int cmd_explain(int argc, char **argv);		/* smtpscope explain */
int cmd_lint(int argc, char **argv);		/* smtpscope lint */
int cmd_replay(int argc, char **argv);		/* smtpscope replay */
int cmd_mx(int argc, char **argv);		/* smtpscope mx */

/* The console's --mx: the first address of DOMAIN's MX hosts, in
 * preference order, that accepts a connection on port (each refusal
 * shown on stderr).  Fills addr and the host's name; returns EXIT_OK, or
 * EXIT_USAGE, or EXIT_CONNECT when nothing answered. */
enum exitcode cmd_mx_pick(const char *domain, const char *resolver,
    const char *anchor, const char *port, int family, int timeout_s,
    char *addr, size_t addrlen, char *name, size_t namelen);

/* A decimal option value in [min, max] into *out: 0, or -1 when s is not
 * all digits or out of range. */
int cmd_number(const char *s, long min, long max, long *out);

/* Usage text to stream f. */
#include <stdio.h>
void usage(FILE *f);

#endif
