/*
 * console.h -- what happens to a line the user typed, whichever front end
 * read it: ":" local commands, "!" unchecked sends, syntax and order
 * checks, then client_send().  Output goes through the client's callbacks.
 */
#ifndef SMTPSCOPE_CONSOLE_H
#define SMTPSCOPE_CONSOLE_H

#include "client.h"

enum console_result {
	CONSOLE_CONTINUE = 0,
	CONSOLE_QUIT = 1,	/* :quit, or the session is over */
};

/* Handle one input line.  check=0 is --no-check. */
enum console_result console_input(struct client *, const char *line, int check);

/* The prompt for the current state: "smtp> ", "data> ", "auth> ". */
const char *console_prompt(const struct client *);

/* Local commands: the table console_input() runs them from, which help
 * and completion read too. */
struct console_cmd {
	const char	*name;		/* ":help" */
	const char	*args;		/* "[VERB]" */
	const char	*help;
	enum console_result (*fn)(struct client *, const char *arg);
};
const struct console_cmd *console_commands(size_t *n);

/* A command line as front ends show it: the argument of AUTH masked as in
 * recordings ("AUTH PLAIN ********") unless --show-secrets.  Returns line
 * itself or buf. */
const char *console_shown_command(const struct client *, const char *line,
    char *buf, size_t size);

/*
 * Command history shared by both front ends: $XDG_STATE_HOME/smtpscope/history
 * (or ~/.local/state/smtpscope/history), at most 1000 lines.  Secrets never
 * reach it: AUTH lines, SASL responses and message bodies are not added.
 */
void console_history_load(void);
void console_history_add(struct client *, const char *line);

#endif
