/*
 * lesson.h -- guided lessons (:lesson): a mail transaction, PIPELINING,
 * STARTTLS and an error case, walked through step by step.
 *
 * A lesson is data: a table of steps, each with what to type, the verb
 * (or body line) it expects, what the reply teaches and the RFC section.
 * The run is driven from the console through the reply path: a typed
 * line is checked against the step before it is sent, the step advances
 * when the reply to its command arrives (or, for the commands of a
 * pipelined group, when the command is sent).  Nothing here prints or
 * touches the client: every call fills a text the console shows.
 */
#ifndef SMTPSCOPE_LESSON_H
#define SMTPSCOPE_LESSON_H

#include <stddef.h>

#include "annotate.h"
#include "verbs.h"

/* What a step waits for. */
enum lesson_expect {
	LESSON_GREETING,	/* nothing to type: the server's greeting */
	LESSON_COMMAND,		/* a command with verb .verb */
	LESSON_BODY,		/* body lines; the step ends when one is sent */
	LESSON_END,		/* the line "." that ends the body */
};

struct lesson_step {
	const char		*title;		/* for the status bar: "MAIL FROM" */
	const char		*prompt;	/* what to do, with an example */
	enum lesson_expect	 expect;
	enum verb_id		 verb;		/* LESSON_COMMAND: the verb */
	const char		*must;		/* a word the line must hold (any
						   case), or NULL */
	int			 reply;		/* the first digit expected (2..5),
						   0: none (body lines) */
	int			 on_send;	/* advance when sent (pipelining),
						   the reply checked later */
	const char		*learn;		/* what the reply teaches */
	const char		*rfc;		/* "RFC 5321 4.1.1.2" */
};

struct lesson {
	const char		*name;		/* ":lesson NAME" */
	const char		*title;		/* one line: what it teaches */
	const char		*scenario;	/* the practice scenario it needs */
	const struct lesson_step *steps;
	size_t			 nsteps;
};

/* The lessons; the first is the default of :lesson. */
const struct lesson *lesson_table(size_t *n);
/* By name; NULL when there is none. */
const struct lesson *lesson_find(const char *name);

/* A lesson under way.  Zeroed: none. */
struct lesson_run {
	const struct lesson	*l;
	size_t			 step;		/* the current step */
	int			 sent;		/* its command went out; its reply
						   is awaited */
	size_t			 mistakes;
};

/*
 * Start l.  greeted: the greeting has arrived already (its step is then
 * explained at once).  The introduction and the first prompt go to buf.
 */
void lesson_start(struct lesson_run *, const struct lesson *, int greeted,
    char *buf, size_t size);

/* Stop the run (:lesson off). */
void lesson_stop(struct lesson_run *);

/* 1 while a lesson runs. */
int lesson_active(const struct lesson_run *);

/*
 * A line the user typed, before it is sent (in_body: it is a body line).
 * Returns 0 when it is what the step asks for, or -1 with why it is not
 * (the step, the mistake explained, the RFC section) in buf, counted as a
 * mistake: the console then does not send it.
 */
int lesson_check(struct lesson_run *, const char *line, int in_body,
    char *buf, size_t size);

/* A line went out.  Returns 1 with text for buf when the step advanced
 * on it (a body line, a pipelined command), else 0. */
int lesson_sent(struct lesson_run *, const char *line, int in_body,
    char *buf, size_t size);

/*
 * A reply arrived, answering command (NULL for the greeting) in context
 * ctx.  Returns 1 with what it teaches and the next prompt (or the end of
 * the lesson) in buf, or with the mistake when the reply is not the one
 * the step expects; 0 when the reply is not the lesson's business.
 */
int lesson_reply(struct lesson_run *, int code, const char *command,
    enum annotate_ctx ctx, char *buf, size_t size);

/* "lesson transaction 3/8: MAIL FROM" for a status bar, into buf; ""
 * when no lesson runs. */
const char *lesson_status(const struct lesson_run *, char *buf,
    size_t size);

#endif
