/*
 * replay.h -- drive a server from a session file and check each reply
 * against its expectation.
 *
 * Replay is a third driver of the client engine (client.h): it sends the
 * C: and D: lines of a script (script.h), performs its T: handshakes and
 * compares the replies with its S: expectations, as docs/session-format.md
 * describes.  It never prints: everything it has to say goes through
 * struct replay_ops, and the front end (cmd_replay.c) words it as text or
 * TAP.
 */
#ifndef SMTPSCOPE_REPLAY_H
#define SMTPSCOPE_REPLAY_H

#include <stddef.h>
#include "client.h"
#include "exitcode.h"
#include "script.h"

struct replay_opts {
	/* Connection options; host and port NULL: from the file's
	 * "# server" line. */
	struct client_opts	 client;
	int			 strict;	/* compare the text too */
	int			 keep_going;	/* go on after a mismatch */
	int			 interactive;	/* keep the last connection */
	unsigned long		 repeat;	/* transaction runs (>= 1) */
	unsigned long		 connections;	/* connections (>= 1) */
};

/* One expectation checked (or a reply nobody expected). */
struct replay_result {
	const char		*file;		/* the session file's name */
	unsigned long		 test;		/* its number, from 1 */
	unsigned long		 line;		/* its line in the file */
	int			 ok;
	const char		*why;		/* when not ok: one phrase */
	const char		*expected;	/* the first S: text as in the
						   file, or "(...)" for one of
						   replay's own */
	const char		*after;		/* the C: line it follows, as in
						   the file (never shown raw);
						   NULL: none, the greeting */
	int			 after_unsent;	/* that line was not sent (the
						   connection had closed) */
	const struct reply	*reply;		/* what came; NULL: nothing */
	const char		*command;	/* the line it answers, or NULL */
	enum annotate_ctx	 ctx;
	/* An LMTP reply for one recipient (RFC 2033 4.2): as in struct
	 * session_answer; rcpt_count 0 for any other reply. */
	const char		*rcpt;
	size_t			 rcpt_index, rcpt_count;
};

/* The end of the run. */
struct replay_summary {
	const char		*file;
	unsigned long		 tests;		/* expectations checked */
	unsigned long		 failed;	/* of which failed */
	enum exitcode		 status;
};

/* What replay reports; any member may be NULL. */
struct replay_ops {
	/* The file is valid and the server known: the first connection is
	 * about to be opened. */
	void	(*start)(void *arg);
	/* A line was sent (as the engine reports it, not masked). */
	void	(*sent)(void *arg, const char *line, enum client_line kind);
	/* The engine's messages and replay's own (CLIENT_MSG_ERROR:
	 * errors; the others: notes such as the TLS summary). */
	void	(*message)(void *arg, enum client_msg kind, const char *text);
	/* The file was refused before anything was sent: "file:line: what". */
	void	(*invalid)(void *arg, const char *text);
	void	(*result)(void *arg, const struct replay_result *);
	/* Once, at the end, when the run got as far as start(). */
	void	(*summary)(void *arg, const struct replay_summary *);
};

/*
 * Validate the session file at path (nothing is sent when it is
 * malformed), connect to the server of o->client (or of the file) and play
 * the script, o->connections times, reporting through ops.  With
 * o->interactive and the last connection still open at the end, *live
 * gets it (the caller hands it to a console, then calls client_free());
 * otherwise *live is NULL.  Returns the exit status.
 */
enum exitcode replay_run(const char *path, const struct replay_opts *o,
    const struct replay_ops *ops, void *arg, struct client **live);

/*
 * Compare reply line text (code, separator and text as received) with the
 * expectation of S: line exp (as script_next() gives it, its status parsed):
 * the code by pattern, the enhanced code when exp has one and first is
 * set, the whole text when strict.  Returns 1 on a match, else 0 with why
 * set.
 */
int replay_match_line(const struct script_event *exp, const char *got,
    size_t gotlen, int first, int strict, char *why, size_t whylen);

#endif
