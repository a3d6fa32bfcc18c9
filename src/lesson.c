/*
 * lesson.c -- guided lessons: the tables of steps and the run through
 * them.  The console (console.c) calls lesson_check() before it sends a
 * typed line, lesson_sent() after, and lesson_reply() for every reply the
 * front end receives; each fills a text for the console to show.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lesson.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static void	lesson_add(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	lesson_prompt(const struct lesson_run *, char *, size_t);
static void	lesson_done(struct lesson_run *, char *, size_t);
static size_t	lesson_find_verb(const struct lesson *, enum verb_id, size_t);
static int	lesson_harmless(enum verb_id);
static enum verb_id lesson_verb_of(const char *);

/* The steps every lesson shares, by what they teach. */
#define STEP_GREETING \
	{ .title = "greeting", .expect = LESSON_GREETING, .reply = 2, \
	  .prompt = "wait for the server to speak first", \
	  .learn = "220: the server spoke first and is ready; its name " \
	      "follows the code.  A client always waits for this greeting " \
	      "before it says anything", \
	  .rfc = "RFC 5321 3.1, 4.2" }
#define STEP_EHLO(learn_) \
	{ .title = "EHLO", .expect = LESSON_COMMAND, .verb = VERB_EHLO, \
	  .reply = 2, \
	  .prompt = "say who you are: type EHLO and your host name, e.g. " \
	      "EHLO client.example", \
	  .learn = learn_, .rfc = "RFC 5321 4.1.1.1" }
#define STEP_MAIL(on_send_, learn_, rfc_) \
	{ .title = "MAIL FROM", .expect = LESSON_COMMAND, .verb = VERB_MAIL, \
	  .reply = 2, .on_send = on_send_, \
	  .prompt = "start a message with its envelope sender: " \
	      "MAIL FROM:<alice@example.org> (angle brackets, no space after " \
	      "the colon)", \
	  .learn = learn_, .rfc = rfc_ }
#define STEP_RCPT(on_send_, learn_, rfc_) \
	{ .title = "RCPT TO", .expect = LESSON_COMMAND, .verb = VERB_RCPT, \
	  .reply = 2, .on_send = on_send_, \
	  .prompt = "name a recipient: RCPT TO:<bob@example.org> (one a " \
	      "command; repeat it for more)", \
	  .learn = learn_, .rfc = rfc_ }
#define STEP_DATA(learn_) \
	{ .title = "DATA", .expect = LESSON_COMMAND, .verb = VERB_DATA, \
	  .reply = 3, \
	  .prompt = "ask to send the message: type DATA", \
	  .learn = learn_, .rfc = "RFC 5321 4.1.1.4" }
#define STEP_BODY \
	{ .title = "message", .expect = LESSON_BODY, \
	  .prompt = "type the message: a header line such as Subject: hello, " \
	      "an empty line, then the text (a line starting with \".\" goes " \
	      "with the dot doubled, smtpscope does it)", \
	  .learn = "these lines are the message itself, headers and body " \
	      "(RFC 5322); the server answers none of them", \
	  .rfc = "RFC 5321 4.1.1.4, 4.5.2" }
#define STEP_END(learn_) \
	{ .title = "end of data", .expect = LESSON_END, .reply = 2, \
	  .prompt = "end the message: type a line holding only a dot (.)", \
	  .learn = learn_, .rfc = "RFC 5321 4.1.1.4, 6.1" }
#define STEP_QUIT(learn_) \
	{ .title = "QUIT", .expect = LESSON_COMMAND, .verb = VERB_QUIT, \
	  .reply = 2, \
	  .prompt = "say goodbye: type QUIT", \
	  .learn = learn_, .rfc = "RFC 5321 4.1.1.10" }

static const struct lesson_step lesson_transaction[] = {
	STEP_GREETING,
	STEP_EHLO("250: the server greets you and lists what it can do, one "
	    "extension a line (PIPELINING, SIZE ...).  HELO would work too but "
	    "shows none"),
	STEP_MAIL(0, "250: the sender is noted and a transaction is open.  "
	    "This is the envelope sender: bounces go there; the From: header "
	    "of the message is another thing", "RFC 5321 3.3, 4.1.1.2"),
	STEP_RCPT(0, "250: this recipient is accepted.  Each recipient gets "
	    "its own answer; the message goes to those accepted",
	    "RFC 5321 3.3, 4.1.1.3"),
	STEP_DATA("354: go ahead.  From now on every line you type is message "
	    "text (the prompt says data>), not a command"),
	STEP_BODY,
	STEP_END("250: the message is queued.  With this reply the server "
	    "took responsibility for delivering it, or for telling the sender "
	    "why it could not"),
	STEP_QUIT("221: the server closes the connection in order.  That was "
	    "a whole mail transaction"),
};

static const struct lesson_step lesson_pipelining[] = {
	STEP_GREETING,
	STEP_EHLO("250: look for PIPELINING in the list: this server takes "
	    "several commands without waiting for each reply"),
	STEP_MAIL(1, "250 to MAIL FROM: replies come back in the order of the "
	    "commands, so the client knows which is which", "RFC 2920 3.1"),
	STEP_RCPT(1, "250 to RCPT TO, second in line", "RFC 2920 3.1"),
	{ .title = "DATA", .expect = LESSON_COMMAND, .verb = VERB_DATA,
	  .reply = 3,
	  .prompt = "and DATA, still without waiting: the three go out in one "
	      "round trip",
	  .learn = "354, the third reply: three commands, one round trip "
	      "instead of three.  On a slow link (smtpscope practice "
	      "--scenario slow) that is the time you save.  DATA is the last "
	      "of a group: the body waits for its 354",
	  .rfc = "RFC 2920 3.1" },
	STEP_BODY,
	STEP_END("250: queued, as without PIPELINING"),
	STEP_QUIT("221: done.  Only the replies' order told them apart"),
};

static const struct lesson_step lesson_starttls[] = {
	STEP_GREETING,
	STEP_EHLO("250: look for STARTTLS in the list: the server can "
	    "encrypt this connection"),
	{ .title = "STARTTLS", .expect = LESSON_COMMAND,
	  .verb = VERB_STARTTLS, .reply = 2,
	  .prompt = "ask for encryption: type STARTTLS (or :starttls)",
	  .learn = "220: the TLS handshake follows at once; then the status bar "
	      "shows the TLS version.  What was said in clear is forgotten "
	      "by both sides",
	  .rfc = "RFC 3207 4, 4.2" },
	{ .title = "EHLO again", .expect = LESSON_COMMAND, .verb = VERB_EHLO,
	  .reply = 2,
	  .prompt = "greet again, over TLS: EHLO client.example",
	  .learn = "250: a new list, which may differ from the one in clear: "
	      "AUTH is often offered only now",
	  .rfc = "RFC 3207 4.2" },
	STEP_QUIT("221: done; everything after STARTTLS went encrypted"),
};

static const struct lesson_step lesson_unknown_user[] = {
	STEP_GREETING,
	STEP_EHLO("250: the extensions, as usual"),
	STEP_MAIL(0, "250: the transaction is open", "RFC 5321 4.1.1.2"),
	{ .title = "RCPT TO nobody", .expect = LESSON_COMMAND,
	  .verb = VERB_RCPT, .must = "nobody", .reply = 5,
	  .prompt = "send to someone who does not exist here: "
	      "RCPT TO:<nobody@example.org>",
	  .learn = "550 5.1.1: no such mailbox.  5yz is permanent: the same "
	      "recipient would be refused again.  But only this recipient is "
	      "refused: the transaction is still open",
	  .rfc = "RFC 5321 4.2.1, 3.3; RFC 3463 3.2" },
	STEP_RCPT(0, "250: accepted.  One refused recipient does not stop the "
	    "others", "RFC 5321 3.3, 4.1.1.3"),
	STEP_DATA("354: a message is possible because one recipient was "
	    "accepted"),
	STEP_BODY,
	STEP_END("250: queued, for bob only.  The client saw the 550 itself, "
	    "so it tells its user at once; nobody will get a bounce"),
	STEP_QUIT("221: done.  A refused recipient is the client's to report"),
};

static const struct lesson lessons[] = {
	{ "transaction", "a whole mail transaction, step by step", NULL,
	    lesson_transaction, NITEMS(lesson_transaction) },
	{ "pipelining", "several commands in one round trip (PIPELINING)",
	    NULL, lesson_pipelining, NITEMS(lesson_pipelining) },
	{ "starttls", "encrypting the connection with STARTTLS", NULL,
	    lesson_starttls, NITEMS(lesson_starttls) },
	{ "unknown-user", "an error case: a recipient refused for good",
	    "unknown-user", lesson_unknown_user, NITEMS(lesson_unknown_user) },
};

const struct lesson *
lesson_table(size_t *n)
{
	*n = NITEMS(lessons);
	return lessons;
}

const struct lesson *
lesson_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NITEMS(lessons); i++)
		if (strcasecmp(name, lessons[i].name) == 0)
			return &lessons[i];
	return NULL;
}

/* Append to buf, which always stays NUL-terminated. */
static void
lesson_add(char *buf, size_t size, const char *fmt, ...)
{
	size_t	len = strlen(buf);
	va_list	ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* "step 3/8, MAIL FROM: start a message ..." */
static void
lesson_prompt(const struct lesson_run *r, char *buf, size_t size)
{
	const struct lesson_step *s = &r->l->steps[r->step];

	lesson_add(buf, size, "step %zu/%zu, %s: %s", r->step + 1,
	    r->l->nsteps, s->title, s->prompt);
}

/* The current step went well: what it taught, then the next prompt or
 * the end of the lesson. */
static void
lesson_done(struct lesson_run *r, char *buf, size_t size)
{
	const struct lesson_step *s = &r->l->steps[r->step];

	lesson_add(buf, size, "%sstep %zu/%zu done: %s (%s)", *buf ? "\n" : "",
	    r->step + 1, r->l->nsteps, s->learn, s->rfc);
	r->sent = 0;
	if (++r->step < r->l->nsteps) {
		lesson_add(buf, size, "\n");
		lesson_prompt(r, buf, size);
		return;
	}
	lesson_add(buf, size, "\nlesson \"%s\" complete, with %zu mistake%s "
	    "along the way.  :help lists the other lessons", r->l->name,
	    r->mistakes, r->mistakes == 1 ? "" : "s");
	r->l = NULL;
}

void
lesson_start(struct lesson_run *r, const struct lesson *l, int greeted,
    char *buf, size_t size)
{
	memset(r, 0, sizeof *r);
	r->l = l;
	buf[0] = '\0';
	lesson_add(buf, size, "lesson \"%s\": %s, in %zu steps (:lesson off "
	    "stops it)", l->name, l->title, l->nsteps);
	if (greeted && l->steps[0].expect == LESSON_GREETING)
		lesson_done(r, buf, size);
	else {
		lesson_add(buf, size, "\n");
		lesson_prompt(r, buf, size);
	}
}

void
lesson_stop(struct lesson_run *r)
{
	memset(r, 0, sizeof *r);
}

int
lesson_active(const struct lesson_run *r)
{
	return r->l != NULL;
}

/* Commands a lesson lets through whatever the step: they change nothing
 * in the dialogue (RFC 5321 4.1.1.6 - 4.1.1.9), or end it (QUIT: the
 * lesson stops on its 221). */
static const enum verb_id lesson_harmless_verbs[] = {
	VERB_NOOP, VERB_HELP, VERB_VRFY, VERB_EXPN, VERB_QUIT,
};

static int
lesson_harmless(enum verb_id id)
{
	size_t	i;

	for (i = 0; i < NITEMS(lesson_harmless_verbs); i++)
		if (lesson_harmless_verbs[i] == id)
			return 1;
	return 0;
}

/* The verb of a command line, VERB_UNKNOWN when it has none. */
static enum verb_id
lesson_verb_of(const char *line)
{
	const struct verb_info *v = line != NULL ? verbs_identify(line) : NULL;

	return v != NULL ? v->id : VERB_UNKNOWN;
}

/* The first step from `from` on that asks for verb; l->nsteps if none. */
static size_t
lesson_find_verb(const struct lesson *l, enum verb_id verb, size_t from)
{
	size_t	i;

	for (i = from; i < l->nsteps; i++)
		if (l->steps[i].expect == LESSON_COMMAND &&
		    l->steps[i].verb == verb)
			return i;
	return l->nsteps;
}

int
lesson_check(struct lesson_run *r, const char *line, int in_body, char *buf,
    size_t size)
{
	const struct lesson_step	*s;
	const struct verb_info		*v;
	enum verb_id			 id;
	size_t				 later, earlier;
	const char			*p;

	buf[0] = '\0';
	if (!lesson_active(r) || in_body)
		return 0;	/* message text: the lesson does not judge it */
	s = &r->l->steps[r->step];
	if (s->expect != LESSON_COMMAND)
		return 0;
	id = lesson_verb_of(line);
	v = verbs_get(id);
	if (lesson_harmless(id))
		return 0;
	if (id == s->verb) {
		if (s->must == NULL)
			return 0;
		for (p = line; *p != '\0'; p++)
			if (strncasecmp(p, s->must, strlen(s->must)) == 0)
				return 0;
		r->mistakes++;
		lesson_add(buf, size, "not quite: this step wants \"%s\" in the "
		    "command\n", s->must);
		lesson_prompt(r, buf, size);
		return -1;
	}
	r->mistakes++;
	/* RFC 5321 4.1.4: the order of commands; say where it belongs. */
	later = lesson_find_verb(r->l, id, r->step + 1);
	earlier = lesson_find_verb(r->l, id, 0);
	if (v == NULL)
		lesson_add(buf, size, "not a command of this lesson");
	else if (later < r->l->nsteps)
		lesson_add(buf, size, "not yet: %s is step %zu, and it needs %s "
		    "first (the order of commands, RFC 5321 4.1.4)", v->name,
		    later + 1, s->title);
	else if (earlier < r->step)
		lesson_add(buf, size, "%s was step %zu, done already; this step "
		    "is %s", v->name, earlier + 1, s->title);
	else
		lesson_add(buf, size, "%s is not part of this lesson (!%s sends "
		    "it anyway)", v->name, v->name);
	lesson_add(buf, size, "\n");
	lesson_prompt(r, buf, size);
	return -1;
}

int
lesson_sent(struct lesson_run *r, const char *line, int in_body, char *buf,
    size_t size)
{
	const struct lesson_step *s;

	buf[0] = '\0';
	if (!lesson_active(r))
		return 0;
	s = &r->l->steps[r->step];
	if (in_body) {
		if (s->expect == LESSON_BODY) {
			/* the text has begun: the next step is its end */
			r->step++;
			r->sent = 0;
			if (strcmp(line, ".") == 0) {
				r->sent = 1;	/* an empty message */
				return 0;
			}
			lesson_prompt(r, buf, size);
			lesson_add(buf, size, " (or more lines first)");
			return 1;
		}
		if (s->expect == LESSON_END && strcmp(line, ".") == 0)
			r->sent = 1;
		return 0;
	}
	if (s->expect != LESSON_COMMAND || lesson_verb_of(line) != s->verb)
		return 0;
	r->sent = 1;
	if (!s->on_send)
		return 0;
	/* a pipelined group: the next command goes out before this reply */
	r->step++;
	r->sent = 0;
	lesson_prompt(r, buf, size);
	return 1;
}

int
lesson_reply(struct lesson_run *r, int code, const char *command,
    enum annotate_ctx ctx, char *buf, size_t size)
{
	const struct lesson_step	*s;
	enum verb_id			 id;
	size_t				 k;

	buf[0] = '\0';
	if (!lesson_active(r))
		return 0;
	s = &r->l->steps[r->step];
	id = lesson_verb_of(command);
	/* RFC 5321 3.8: the connection is closing; the lesson with it,
	 * unless this was its last step. */
	if ((code == 421 || code == 221) && !(s->expect == LESSON_COMMAND &&
	    s->verb == VERB_QUIT && id == VERB_QUIT)) {
		lesson_add(buf, size, "the server closed the connection (%d): "
		    "lesson \"%s\" stops at step %zu/%zu; start smtpscope "
		    "practice again to retry", code, r->l->name, r->step + 1,
		    r->l->nsteps);
		r->l = NULL;
		return 1;
	}
	if (ctx == ANNOTATE_GREETING)
		k = s->expect == LESSON_GREETING ? r->step : r->l->nsteps;
	else if (ctx == ANNOTATE_DATA_END) {
		/* a body sent whole (:data FILE): its lines were not seen */
		if (s->expect == LESSON_BODY)
			s = &r->l->steps[++r->step];
		k = s->expect == LESSON_END ? r->step : r->l->nsteps;
	}
	else if (ctx == ANNOTATE_COMMAND && id != VERB_UNKNOWN) {
		/* the current step's, or a pipelined one sent before it */
		k = s->expect == LESSON_COMMAND && s->verb == id ? r->step :
		    r->l->nsteps;
		if (k == r->l->nsteps) {
			k = lesson_find_verb(r->l, id, 0);
			if (k >= r->step || !r->l->steps[k].on_send)
				k = r->l->nsteps;
		}
	} else
		k = r->l->nsteps;
	if (k == r->l->nsteps)
		return 0;	/* a command of the student's own */
	s = &r->l->steps[k];
	if (code / 100 != s->reply) {
		r->mistakes++;
		r->step = k;
		r->sent = 0;
		lesson_add(buf, size, "step %zu/%zu expects a %dyz reply; this "
		    "%d means it did not work (its explanation says why).  Try "
		    "the step again\n", k + 1, r->l->nsteps, s->reply, code);
		lesson_prompt(r, buf, size);
		return 1;
	}
	if (k < r->step) {
		/* a pipelined command's reply, in its turn */
		lesson_add(buf, size, "step %zu/%zu answered: %s (%s)", k + 1,
		    r->l->nsteps, s->learn, s->rfc);
		return 1;
	}
	lesson_done(r, buf, size);
	return 1;
}

const char *
lesson_status(const struct lesson_run *r, char *buf, size_t size)
{
	if (!lesson_active(r)) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	snprintf(buf, size, "lesson %s %zu/%zu: %s", r->l->name, r->step + 1,
	    r->l->nsteps, r->l->steps[r->step].title);
	return buf;
}
