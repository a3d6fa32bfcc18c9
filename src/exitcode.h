/*
 * exitcode.h -- the exit statuses of every smtpscope command, the same
 * everywhere (docs/design.md "Entry points").  The engine keeps the one a
 * session earned (client_failed()), replay the worst of its run, and the
 * front ends and cmd_*.c return them.  Header only: no code.
 */
#ifndef SMTPSCOPE_EXITCODE_H
#define SMTPSCOPE_EXITCODE_H

enum exitcode {
	EXIT_OK = 0,		/* the session ended normally; replay: every
				   expectation matched */
	EXIT_FAILED = 1,	/* the connection was lost or a reply never
				   came; replay: a mismatch; lint: an error;
				   mx: some host did not answer */
	EXIT_USAGE = 2,		/* usage or file error */
	EXIT_CONNECT = 3,	/* the connection or TLS could not be set up */
};

#endif
