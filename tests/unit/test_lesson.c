/*
 * test_lesson.c -- the lesson tables, and runs through them driven as
 * the console drives them: a line checked, sent, its reply.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lesson.h"

static char	text[2048];

static void
has(const char *want)
{
	cr_assert(strstr(text, want) != NULL, "expected \"%s\" in:\n%s", want,
	    text);
}

/* A command typed at the console: checked, sent; then its reply. */
static void
command(struct lesson_run *r, const char *line, int code)
{
	cr_assert_eq(lesson_check(r, line, 0, text, sizeof text), 0,
	    "%s refused: %s", line, text);
	lesson_sent(r, line, 0, text, sizeof text);
	cr_assert_eq(lesson_reply(r, code, line, ANNOTATE_COMMAND, text,
	    sizeof text), 1, "%s: the lesson said nothing", line);
}

static void
body(struct lesson_run *r, const char *line)
{
	cr_assert_eq(lesson_check(r, line, 1, text, sizeof text), 0);
	lesson_sent(r, line, 1, text, sizeof text);
}

static const char *
status(const struct lesson_run *r)
{
	static char buf[128];

	return lesson_status(r, buf, sizeof buf);
}

Test(lesson, tables)
{
	const struct lesson	*t;
	size_t			 n, i, j;

	t = lesson_table(&n);
	cr_assert_geq(n, 4);
	cr_assert_str_eq(t[0].name, "transaction");
	for (i = 0; i < n; i++) {
		cr_assert(t[i].nsteps >= 4, "%s", t[i].name);
		cr_assert(*t[i].title != '\0');
		cr_assert_eq(lesson_find(t[i].name), &t[i]);
		cr_assert_eq(t[i].steps[0].expect, LESSON_GREETING, "%s",
		    t[i].name);
		cr_assert_eq(t[i].steps[t[i].nsteps - 1].verb, VERB_QUIT, "%s",
		    t[i].name);
		for (j = 0; j < t[i].nsteps; j++) {
			const struct lesson_step *s = &t[i].steps[j];

			cr_assert(*s->title && *s->prompt && *s->learn,
			    "%s %zu", t[i].name, j);
			cr_assert(strncmp(s->rfc, "RFC ", 4) == 0, "%s %zu",
			    t[i].name, j);
			cr_assert((s->expect == LESSON_COMMAND) ==
			    (s->verb != VERB_UNKNOWN), "%s %zu", t[i].name, j);
			cr_assert(s->expect == LESSON_BODY ? s->reply == 0 :
			    s->reply >= 2 && s->reply <= 5, "%s %zu",
			    t[i].name, j);
		}
	}
	cr_assert_eq(lesson_find("TRANSACTION"), &t[0]);
	cr_assert_null(lesson_find("nosuch"));
}

/* The whole transaction, with one command typed out of order. */
Test(lesson, transaction_with_a_mistake)
{
	struct lesson_run r;

	memset(&r, 0, sizeof r);
	cr_assert_str_eq(status(&r), "");
	lesson_start(&r, lesson_find("transaction"), 1, text, sizeof text);
	has("lesson \"transaction\"");
	has("step 1/8 done: 220");
	has("step 2/8, EHLO: say who you are");
	cr_assert_str_eq(status(&r), "lesson transaction 2/8: EHLO");
	command(&r, "EHLO client.example", 250);
	has("step 2/8 done: 250");
	has("(RFC 5321 4.1.1.1)");
	has("step 3/8, MAIL FROM");
	/* out of order: explained, not sent */
	cr_assert_eq(lesson_check(&r, "RCPT TO:<b@example.org>", 0, text,
	    sizeof text), -1);
	has("not yet: RCPT is step 4, and it needs MAIL FROM first");
	has("RFC 5321 4.1.4");
	has("step 3/8, MAIL FROM");
	cr_assert_eq(lesson_check(&r, "EHLO again", 0, text, sizeof text), -1);
	has("EHLO was step 2, done already; this step is MAIL FROM");
	cr_assert_eq(lesson_check(&r, "RSET", 0, text, sizeof text), -1);
	has("RSET is not part of this lesson");
	/* harmless ones pass, and QUIT always does */
	cr_assert_eq(lesson_check(&r, "NOOP", 0, text, sizeof text), 0);
	cr_assert_eq(lesson_check(&r, "QUIT", 0, text, sizeof text), 0);
	cr_assert_eq(lesson_reply(&r, 250, "NOOP", ANNOTATE_COMMAND, text,
	    sizeof text), 0);
	command(&r, "mail from:<alice@example.org>", 250);
	has("envelope sender");
	cr_assert_str_eq(status(&r), "lesson transaction 4/8: RCPT TO");
	/* a refused recipient: the step stays */
	command(&r, "RCPT TO:<x@example.org>", 550);
	has("step 4/8 expects a 2yz reply; this 550");
	cr_assert_str_eq(status(&r), "lesson transaction 4/8: RCPT TO");
	command(&r, "RCPT TO:<bob@example.org>", 250);
	command(&r, "DATA", 354);
	has("step 6/8, message");
	/* body lines are never judged */
	cr_assert_eq(lesson_check(&r, "QUIT", 1, text, sizeof text), 0);
	body(&r, "Subject: hi");
	has("step 7/8, end of data");
	body(&r, "");
	body(&r, "QUIT");
	body(&r, ".");
	cr_assert_eq(lesson_reply(&r, 250, NULL, ANNOTATE_DATA_END, text,
	    sizeof text), 1);
	has("step 7/8 done: 250: the message is queued");
	has("step 8/8, QUIT");
	command(&r, "QUIT", 221);
	has("step 8/8 done: 221");
	has("lesson \"transaction\" complete, with 4 mistakes");
	cr_assert(!lesson_active(&r));
	cr_assert_str_eq(status(&r), "");
}

/* Started before the greeting: it is the first step. */
Test(lesson, greeting_awaited)
{
	struct lesson_run r;

	lesson_start(&r, lesson_find("transaction"), 0, text, sizeof text);
	has("step 1/8, greeting");
	cr_assert_eq(lesson_reply(&r, 220, NULL, ANNOTATE_GREETING, text,
	    sizeof text), 1);
	has("step 1/8 done: 220");
	has("step 2/8, EHLO");
}

/* PIPELINING: MAIL and RCPT go out before their replies; the replies,
 * in order, are explained as they come; a refusal goes back. */
Test(lesson, pipelining)
{
	struct lesson_run r;

	lesson_start(&r, lesson_find("pipelining"), 1, text, sizeof text);
	command(&r, "EHLO me", 250);
	has("PIPELINING");
	cr_assert_eq(lesson_check(&r, "MAIL FROM:<a@example.org>", 0, text,
	    sizeof text), 0);
	cr_assert_eq(lesson_sent(&r, "MAIL FROM:<a@example.org>", 0, text,
	    sizeof text), 1);
	has("step 4/8, RCPT TO");
	cr_assert_eq(lesson_sent(&r, "RCPT TO:<b@example.org>", 0, text,
	    sizeof text), 1);
	has("step 5/8, DATA: and DATA, still without waiting");
	lesson_sent(&r, "DATA", 0, text, sizeof text);
	cr_assert_eq(lesson_reply(&r, 250, "MAIL FROM:<a@example.org>",
	    ANNOTATE_COMMAND, text, sizeof text), 1);
	has("step 3/8 answered: 250 to MAIL FROM");
	cr_assert_eq(lesson_reply(&r, 250, "RCPT TO:<b@example.org>",
	    ANNOTATE_COMMAND, text, sizeof text), 1);
	has("step 4/8 answered");
	cr_assert_eq(lesson_reply(&r, 354, "DATA", ANNOTATE_COMMAND, text,
	    sizeof text), 1);
	has("step 5/8 done: 354, the third reply");
	has("RFC 2920 3.1");
	/* a refusal inside the group goes back to its step */
	lesson_start(&r, lesson_find("pipelining"), 1, text, sizeof text);
	command(&r, "EHLO me", 250);
	lesson_sent(&r, "MAIL FROM:<a@example.org>", 0, text, sizeof text);
	lesson_sent(&r, "RCPT TO:<b@example.org>", 0, text, sizeof text);
	cr_assert_eq(lesson_reply(&r, 503, "MAIL FROM:<a@example.org>",
	    ANNOTATE_COMMAND, text, sizeof text), 1);
	has("step 3/8 expects a 2yz reply; this 503");
	cr_assert_str_eq(status(&r), "lesson pipelining 3/8: MAIL FROM");
}

/* The error case: the step wants the unknown recipient, and 550. */
Test(lesson, unknown_user)
{
	const struct lesson	*l = lesson_find("unknown-user");
	struct lesson_run	 r;

	cr_assert_str_eq(l->scenario, "unknown-user");
	lesson_start(&r, l, 1, text, sizeof text);
	command(&r, "EHLO me", 250);
	command(&r, "MAIL FROM:<a@example.org>", 250);
	cr_assert_eq(lesson_check(&r, "RCPT TO:<bob@example.org>", 0, text,
	    sizeof text), -1);
	has("this step wants \"nobody\" in the command");
	command(&r, "RCPT TO:<Nobody@example.org>", 550);
	has("550 5.1.1: no such mailbox");
	has("RFC 5321 4.2.1, 3.3; RFC 3463 3.2");
	command(&r, "RCPT TO:<bob@example.org>", 250);
	command(&r, "DATA", 354);
	/* a body sent whole (:data FILE): no line seen, the end's reply */
	cr_assert_eq(lesson_reply(&r, 250, NULL, ANNOTATE_DATA_END, text,
	    sizeof text), 1);
	has("queued, for bob only");
	command(&r, "QUIT", 221);
	has("complete, with 1 mistake along");
}

/* STARTTLS, answered to :starttls (the console does not see it typed). */
Test(lesson, starttls)
{
	struct lesson_run r;

	lesson_start(&r, lesson_find("starttls"), 1, text, sizeof text);
	command(&r, "EHLO me", 250);
	cr_assert_eq(lesson_reply(&r, 220, "STARTTLS", ANNOTATE_COMMAND, text,
	    sizeof text), 1);
	has("step 3/5 done: 220: the TLS handshake follows");
	has("RFC 3207 4, 4.2");
	command(&r, "EHLO me", 250);
	has("AUTH is often offered only now");
	command(&r, "QUIT", 221);
	cr_assert(!lesson_active(&r));
}

/* RFC 5321 3.8: the connection closes; the lesson stops with it. */
Test(lesson, closed_connection_stops)
{
	struct lesson_run r;

	lesson_start(&r, lesson_find("transaction"), 1, text, sizeof text);
	command(&r, "EHLO me", 250);
	cr_assert_eq(lesson_reply(&r, 421, "MAIL FROM:<a@example.org>",
	    ANNOTATE_COMMAND, text, sizeof text), 1);
	has("the server closed the connection (421): lesson \"transaction\" "
	    "stops at step 3/8");
	cr_assert(!lesson_active(&r));
	/* QUIT in the middle: the lesson stops on its 221 */
	lesson_start(&r, lesson_find("transaction"), 1, text, sizeof text);
	command(&r, "QUIT", 221);
	has("the server closed the connection (221): lesson \"transaction\" "
	    "stops at step 2/8");
	cr_assert(!lesson_active(&r));
	/* and :lesson off */
	lesson_start(&r, lesson_find("transaction"), 1, text, sizeof text);
	lesson_stop(&r);
	cr_assert(!lesson_active(&r));
	cr_assert_eq(lesson_check(&r, "RCPT TO:<b@c>", 0, text, sizeof text),
	    0);
	cr_assert_eq(lesson_reply(&r, 250, "EHLO me", ANNOTATE_COMMAND, text,
	    sizeof text), 0);
}
