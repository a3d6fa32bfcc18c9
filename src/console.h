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
	CONSOLE_REFUSED = 2,	/* not sent: the line has an error (said) */
};

/*
 * Handle one input line of len octets (it ends there or at the first CR
 * or LF).  check=0 is --no-check.  A NUL octet is refused wherever it is,
 * octets that are not UTF-8 in a body line or a SASL response, and a
 * command with a syntax error unless check is 0: CONSOLE_REFUSED.  Then
 * console_refused_line() gives the line, for the front end to put back
 * into the input (the caller frees it), and in *at the offset of its
 * first error, where the cursor goes; NULL when the line is not to be
 * shown again (an AUTH initial response, unless --show-secrets).
 */
enum console_result console_input(struct client *, const char *line,
    size_t len, int check);
char *console_refused_line(size_t *at);

/*
 * How the front end shows text.  width: the display columns a quoted
 * command line may take (a longer one is shown shortened around its
 * problem); wraps: 1 when the front end wraps text to its own panes (the
 * console then hands over logical lines, never wrapped), 0 when it shows
 * text as it is.  Until called: CONSOLE_WIDTH_DEFAULT, 0.
 */
#define CONSOLE_WIDTH_DEFAULT	100
#define CONSOLE_WIDTH_MAX	512
void console_set_display(size_t width, int wraps);

/*
 * Ctrl-D on an empty line.  Leaves (CONSOLE_QUIT, after QUIT is sent as
 * :quit does) unless a transaction is open or a message body is being
 * typed: then it says what leaving would lose and how to end the message
 * or keep the session (:save), and only a second Ctrl-D, with no line in
 * between, leaves.  Nothing is ever sent as body text.  A front end
 * calls console_leave_disarm() when the user does something else (Ctrl-C).
 */
enum console_result console_leave(struct client *);
void console_leave_disarm(void);

/* The prompt for the current state: "smtp> ", "data> ", "auth> ", or
 * "password for USER (not shown): " while :auth waits for a secret. */
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

/*
 * 1 while :auth waits for the password (or token) the user types next:
 * a front end shows the prompt but not what is typed, keeps the line out
 * of history, and wipes it after console_input().  A front end that
 * cannot ask (a pipe) calls console_secret_cancel() with the reason.
 */
int console_reading_secret(const struct client *);
void console_secret_cancel(struct client *, const char *why);

/*
 * Guided lessons (:lesson, lesson.h).  A front end calls
 * console_on_reply() for every reply it received, after showing it: a
 * lesson step advances on the reply to the command it asked for, and its
 * text is shown through the client's message callback.
 * console_lesson_status() gives the step for a status bar ("lesson
 * transaction 3/8: MAIL FROM"), "" when no lesson runs.
 */
void console_on_reply(struct client *, const struct reply *,
    const char *command, enum annotate_ctx);
const char *console_lesson_status(char *buf, size_t size);

/*
 * Command history shared by both front ends: $XDG_STATE_HOME/smtpscope/history
 * (or ~/.local/state/smtpscope/history), at most 1000 lines.  Secrets never
 * reach it: AUTH lines, SASL responses and message bodies are not added.
 */
void console_history_load(void);
void console_history_add(struct client *, const char *line);

#endif
