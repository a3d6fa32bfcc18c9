/*
 * ui.h -- the two front ends.  Both drive one client (client.h) and hand
 * every typed line to console_input().
 */
#ifndef SMTPSCOPE_UI_H
#define SMTPSCOPE_UI_H

#include "client.h"
#include "jsonl.h"

struct ui_opts {
	int		 check;		/* 0 with --no-check */
	int		 color;		/* 2 always (--color=always), 1 on a terminal,
				   0 none (NO_COLOR, --color=never) */
	long		 scrollback;	/* TUI entries kept, default 100000 */
	int		 pipeline;	/* pipes: send RFC 2920 groups without waiting */
	int		 verbose;	/* plain mode: full explanations, not one line */
	int		 learn;		/* --learn: a "why" in each explanation */
	struct jsonl	*json;		/* --json: the engine's events go to
					   this writer (jsonl.h), not to the
					   screen, and lines are read as from
					   a pipe: never a prompt */
};

/* Plain line mode (Readline on a TTY, plain reads otherwise): creates
 * the client with its own callbacks, connects, runs the dialogue.  Returns
 * the exit status: EXIT_OK the session ended normally, EXIT_CONNECT
 * connection failure, EXIT_FAILED the connection was lost mid-session. */
enum exitcode ui_plain_run(const struct client_opts *, const struct ui_opts *);

/* The plain console on a client that is connected already (replay
 * --interactive): installs its own callbacks and runs until :quit, end of
 * input or the end of the connection.  Returns the exit status. */
enum exitcode ui_plain_attach(struct client *, const struct ui_opts *);

/* A one-shot probe or test message (--quit-after, --to): plan run by
 * probe_drive() on a client of the given options, every step shown and
 * explained as the plain console shows it, no input read.  Returns the
 * exit status probe_drive() gives. */
struct probe_plan;
enum exitcode ui_plain_probe(const struct client_opts *,
    const struct ui_opts *, const struct probe_plan *);

/* ncurses split view; same contract. */
enum exitcode ui_tui_run(const struct client_opts *, const struct ui_opts *);

#endif
