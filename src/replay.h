/*
 * replay.h -- drive a server from a session file, check each reply
 * against its expectation and report (text or TAP).
 *
 * Replay is a third driver of the client engine (client.h): it sends the
 * C: and D: lines of a script (script.h), performs its T: handshakes and
 * compares the replies with its S: expectations, as docs/session-format.md
 * describes.
 */
#ifndef SMTPSCOPE_REPLAY_H
#define SMTPSCOPE_REPLAY_H

#include <stdio.h>
#include "client.h"

/* Exit statuses of smtpscope replay. */
enum replay_status {
	REPLAY_OK = 0,		/* every expectation matched */
	REPLAY_MISMATCH = 1,	/* a reply did not match (or never came) */
	REPLAY_USAGE = 2,	/* usage or file error: nothing was sent */
	REPLAY_CONNECT = 3,	/* connection or TLS failure */
};

struct replay_opts {
	/* Connection options; host and port NULL: from the file's
	 * "# server" line. */
	struct client_opts	 client;
	int			 strict;	/* compare the text too */
	int			 keep_going;	/* go on after a mismatch */
	int			 tap;		/* TAP output */
	int			 verbose;	/* show every line and result */
	int			 interactive;	/* console after the script */
	int			 check;		/* console checks (--no-check: 0) */
	unsigned long		 repeat;	/* transaction runs (>= 1) */
	unsigned long		 connections;	/* connections (>= 1) */
	FILE			*out;		/* report (stdout) */
	FILE			*err;		/* errors (stderr) */
	FILE			*in;		/* --interactive input (stdin) */
	/* --interactive: the console to hand the live session to (the
	 * plain console, given by the program); NULL: a line loop on in. */
	void			(*console)(struct client *, const struct replay_opts *);
};

/*
 * Validate the session file at path (nothing is sent when it is
 * malformed), connect to the server of o->client (or of the file) and play
 * the script, o->connections times.  Returns an enum replay_status.
 */
int replay_run(const char *path, const struct replay_opts *o);

/*
 * Compare reply line text (code, separator and text as received) with the
 * expectation of S: line exp: the code by pattern, the enhanced code when
 * exp has one and first is set, the whole text when strict.  Returns 1 on
 * a match, else 0 with why set.
 */
int replay_match_line(const char *exp, size_t explen, const char *got,
    size_t gotlen, int first, int strict, char *why, size_t whylen);

#endif
