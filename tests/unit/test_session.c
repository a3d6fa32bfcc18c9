/* test_session.c -- state machine, capabilities, pairing and order checks. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "session.h"

/* A reply built by hand: code and the text of each line. */
/* Feed one reply; return the command it was paired with (copied). */
static char paired[256];
static enum annotate_ctx paired_ctx;
static size_t paired_later;	/* lines sent after it, still unanswered */

static void
answer(struct session *s, struct reply *r)
{
	struct session_answer a;

	session_on_reply(s, r, &a);
	paired_ctx = a.ctx;
	paired_later = a.later;
	snprintf(paired, sizeof paired, "%s", a.command ? a.command : "(none)");
	reply_free(r);
}

static void
send_cmd(struct session *s, const char *line)
{
	cr_assert_eq(session_on_send(s, line, ANNOTATE_COMMAND, 1.0), 0);
}

static struct session *
greeted_ehlo(void)
{
	struct session *s = session_new(0);

	answer(s, fixture_reply(220, NULL, 1, "mx ESMTP"));
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 6, "mx greets me", "PIPELINING", "SIZE 1000",
	    "AUTH PLAIN LOGIN", "AUTH=LOGIN XOAUTH2", "CHUNKING"));
	return s;
}

/* MAIL and one RCPT, both accepted: state rcpt. */
static void
accepted_recipient(struct session *s)
{
	send_cmd(s, "MAIL FROM:<a@b>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	send_cmd(s, "RCPT TO:<c@d>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_eq(session_state(s), STATE_RCPT);
}

/* true when one of the n warnings contains needle */
static int
warns(struct session *s, const char *line, const char *needle)
{
	char	*w[8];
	size_t	 n = session_check_order(s, line, w, 8), i;
	int	 found = 0;

	for (i = 0; i < n; i++) {
		if (strstr(w[i], needle))
			found = 1;
		free(w[i]);
	}
	return found;
}

static size_t
nwarn(struct session *s, const char *line)
{
	char	*w[8];
	size_t	 n = session_check_order(s, line, w, 8), i;

	for (i = 0; i < n; i++)
		free(w[i]);
	return n;
}

Test(session, greeting_is_pending_from_the_start)
{
	struct session *s = session_new(5.0);

	cr_assert_eq(session_state(s), STATE_CONNECTED);
	cr_assert_eq(session_pending(s), 1);
	answer(s, fixture_reply(220, NULL, 1, "hi"));
	cr_assert_eq(paired_ctx, ANNOTATE_GREETING);
	cr_assert_str_eq(paired, "(none)");
	cr_assert_eq(session_state(s), STATE_GREETED);
	cr_assert_eq(session_pending(s), 0);
	session_free(s);
}

/* The consoles' timeout counts from when the oldest line awaiting its
 * reply was sent (the greeting: the connection). */
Test(session, oldest_sent_time)
{
	struct session *s = session_new(5.0);

	cr_assert_eq(session_oldest_sent_ms(s), 5.0);
	answer(s, fixture_reply(220, NULL, 1, "hi"));
	cr_assert_eq(session_oldest_sent_ms(s), -1);
	cr_assert_eq(session_on_send(s, "NOOP", ANNOTATE_COMMAND, 7.0), 0);
	cr_assert_eq(session_on_send(s, "NOOP", ANNOTATE_COMMAND, 9.0), 0);
	cr_assert_eq(session_oldest_sent_ms(s), 7.0);
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_eq(session_oldest_sent_ms(s), 9.0);
	session_free(s);
}

Test(session, greeting_421_ends_the_session)
{
	struct session *s = session_new(0);

	answer(s, fixture_reply(421, NULL, 1, "busy"));
	cr_assert_eq(session_state(s), STATE_QUIT);
	session_free(s);
}

Test(session, ehlo_capabilities)
{
	struct session			*s = greeted_ehlo();
	const struct caps	*c = session_caps(s);

	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert(c->ehlo);
	cr_assert(c->pipelining);
	cr_assert(c->size);
	cr_assert_eq(c->size_max, 1000);
	cr_assert(c->chunking);
	cr_assert_not(c->starttls);
	cr_assert_not(c->smtputf8);
	cr_assert_str_eq(c->auth, "PLAIN LOGIN XOAUTH2");
	cr_assert_eq(c->nkeywords, 5);
	cr_assert_str_eq(session_helo_name(s), "me");
	session_free(s);
}

Test(session, helo_gives_no_extensions)
{
	struct session *s = session_new(0);

	answer(s, fixture_reply(220, NULL, 1, "hi"));
	send_cmd(s, "HELO me");
	answer(s, fixture_reply(250, NULL, 1, "hello"));
	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert_not(session_caps(s)->ehlo);
	cr_assert(warns(s, "STARTTLS", "HELO"));
	session_free(s);
}

Test(session, pipelined_group_is_paired_in_order)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "MAIL FROM:<a@b>");
	send_cmd(s, "RCPT TO:<c@d>");
	send_cmd(s, "RCPT TO:<bad@d>");
	send_cmd(s, "DATA");
	cr_assert_eq(session_pending(s), 4);
	cr_assert_eq(session_expected_state(s), STATE_DATA);
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_str_eq(paired, "MAIL FROM:<a@b>");
	cr_assert_eq(paired_later, 3, "RCPT, RCPT and DATA sent after it");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_str_eq(paired, "RCPT TO:<c@d>");
	cr_assert_eq(paired_later, 2);
	answer(s, fixture_reply(550, NULL, 1, "5.1.1 no"));
	cr_assert_str_eq(paired, "RCPT TO:<bad@d>");
	cr_assert_eq(paired_later, 1);
	/* RFC 5321 4.1.1.3: a refused recipient is not added */
	cr_assert_eq(session_recipients(s), 1);
	answer(s, fixture_reply(354, NULL, 1, "go"));
	cr_assert_str_eq(paired, "DATA");
	cr_assert_eq(paired_later, 0, "the last line of the group");
	cr_assert_eq(session_state(s), STATE_DATA);
	session_on_send(s, ".", ANNOTATE_DATA_END, 2.0);
	answer(s, fixture_reply(250, NULL, 1, "queued"));
	cr_assert_eq(paired_ctx, ANNOTATE_DATA_END);
	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert_eq(session_recipients(s), 0);
	session_free(s);
}

Test(session, failed_mail_keeps_state)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "MAIL FROM:<a@b>");
	answer(s, fixture_reply(553, NULL, 1, "no"));
	cr_assert_eq(session_state(s), STATE_READY);
	session_free(s);
}

Test(session, rset_clears_the_transaction)
{
	struct session *s = greeted_ehlo();

	accepted_recipient(s);
	cr_assert_eq(session_state(s), STATE_RCPT);
	send_cmd(s, "rset");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert_eq(session_recipients(s), 0);
	session_free(s);
}

Test(session, data_end_failure_also_ends_the_transaction)
{
	struct session *s = greeted_ehlo();

	accepted_recipient(s);
	send_cmd(s, "DATA");
	answer(s, fixture_reply(354, NULL, 1, "go"));
	session_on_send(s, ".", ANNOTATE_DATA_END, 2.0);
	answer(s, fixture_reply(554, NULL, 1, "5.7.1 rejected"));
	cr_assert_eq(session_state(s), STATE_READY);
	session_free(s);
}

Test(session, unsolicited_421)
{
	struct session *s = greeted_ehlo();

	answer(s, fixture_reply(421, NULL, 1, "4.4.2 timeout"));
	cr_assert_eq(paired_ctx, ANNOTATE_UNSOLICITED);
	cr_assert_eq(session_state(s), STATE_QUIT);
	session_free(s);
}

Test(session, auth_exchange)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "AUTH LOGIN");
	answer(s, fixture_reply(334, NULL, 1, "VXNlcm5hbWU6"));
	cr_assert_eq(session_state(s), STATE_AUTH);
	session_on_send(s, "dXNlcg==", ANNOTATE_AUTH_STEP, 3.0);
	answer(s, fixture_reply(334, NULL, 1, "UGFzc3dvcmQ6"));
	cr_assert_eq(paired_ctx, ANNOTATE_AUTH_STEP);
	/* the response is a secret: the reply names the exchange instead,
	 * which is what its explanation needs */
	cr_assert_str_eq(paired, "AUTH LOGIN");
	cr_assert_eq(session_state(s), STATE_AUTH);
	session_on_send(s, "cGFzcw==", ANNOTATE_AUTH_STEP, 3.0);
	answer(s, fixture_reply(235, NULL, 1, "2.7.0 ok"));
	cr_assert_str_eq(paired, "AUTH LOGIN");
	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert(session_authenticated(s));
	cr_assert(warns(s, "AUTH PLAIN", "already authenticated"));
	session_free(s);
}

Test(session, bdat_chunks)
{
	struct session *s = greeted_ehlo();

	accepted_recipient(s);
	session_on_send(s, "BDAT 10", ANNOTATE_BDAT, 1);
	answer(s, fixture_reply(250, NULL, 1, "10 octets"));
	cr_assert_eq(session_state(s), STATE_BDAT);
	session_on_send(s, "BDAT 3 LAST", ANNOTATE_BDAT, 1);
	answer(s, fixture_reply(250, NULL, 1, "done"));
	cr_assert_eq(session_state(s), STATE_READY);
	session_free(s);
}

Test(session, quit)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "QUIT");
	cr_assert(warns(s, "NOOP", "QUIT was sent"));
	answer(s, fixture_reply(221, NULL, 1, "bye"));
	cr_assert_eq(session_state(s), STATE_QUIT);
	session_on_close(s);
	cr_assert_eq(session_state(s), STATE_CLOSED);
	cr_assert(warns(s, "NOOP", "closed"));
	session_free(s);
}

Test(session, order_warnings)
{
	struct session *s = greeted_ehlo();

	cr_assert(warns(s, "RCPT TO:<a@b>", "RCPT before MAIL"));
	cr_assert(warns(s, "DATA", "DATA outside"));
	cr_assert_eq(nwarn(s, "MAIL FROM:<a@b>"), 0);
	send_cmd(s, "MAIL FROM:<a@b>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert(warns(s, "MAIL FROM:<x@y>", "inside a transaction"));
	cr_assert(warns(s, "DATA", "no accepted recipient"));
	cr_assert_eq(nwarn(s, "RCPT TO:<a@b>"), 0);
	/* the next valid commands are part of the warning */
	cr_assert(warns(s, "DATA", "valid now: "));
	cr_assert(warns(s, "DATA", " RCPT"));
	session_free(s);
}

Test(session, before_ehlo)
{
	struct session *s = session_new(0);

	answer(s, fixture_reply(220, NULL, 1, "hi"));
	cr_assert(warns(s, "MAIL FROM:<a@b>", "before EHLO"));
	cr_assert_eq(nwarn(s, "EHLO me"), 0);
	session_free(s);
}

Test(session, extension_warnings)
{
	struct session *s = greeted_ehlo();

	cr_assert(warns(s, "STARTTLS", "did not advertise STARTTLS"));
	cr_assert(warns(s, "AUTH CRAM-MD5", "CRAM-MD5 is not among"));
	/* advertised: only the missing TLS is worth a word */
	cr_assert_eq(nwarn(s, "AUTH PLAIN"), 1);
	cr_assert(warns(s, "AUTH PLAIN", "AUTH without TLS"));
	cr_assert(warns(s, "SEND FROM:<a@b>", "obsolete"));
	session_free(s);
}

Test(session, tls_forgets_capabilities)
{
	struct session *s = session_new(0);

	answer(s, fixture_reply(220, NULL, 1, "hi"));
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 2, "hi", "STARTTLS"));
	cr_assert(session_caps(s)->starttls);
	send_cmd(s, "STARTTLS");
	answer(s, fixture_reply(220, NULL, 1, "go ahead"));
	session_set_tls(s, 1);
	/* RFC 3207 4.2: discard what was learnt before TLS */
	cr_assert_not(session_caps(s)->ehlo);
	cr_assert_eq(session_state(s), STATE_GREETED);
	cr_assert(session_tls(s));
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 2, "hi", "STARTTLS"));
	cr_assert(warns(s, "STARTTLS", "already active"));
	session_free(s);
}

Test(session, pipelining_warnings)
{
	struct session *s = session_new(0);

	answer(s, fixture_reply(220, NULL, 1, "hi"));
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 1, "hi"));	/* no PIPELINING */
	send_cmd(s, "MAIL FROM:<a@b>");
	cr_assert(warns(s, "RCPT TO:<c@d>", "PIPELINING"));
	session_free(s);

	s = greeted_ehlo();
	send_cmd(s, "MAIL FROM:<a@b>");
	cr_assert_eq(nwarn(s, "RCPT TO:<c@d>"), 0);
	send_cmd(s, "NOOP");
	cr_assert(warns(s, "RCPT TO:<c@d>", "NOOP must be the last command of a pipelined group"));
	send_cmd(s, "RCPT TO:<c@d>");
	send_cmd(s, "DATA");
	cr_assert(warns(s, "NOOP", "354"));
	session_free(s);
}

Test(session, next_verbs)
{
	struct session	*s = greeted_ehlo();
	char		 buf[256];

	session_next_verbs(s, buf, sizeof buf);
	cr_assert(strstr(buf, "MAIL") != NULL, "%s", buf);
	cr_assert(strstr(buf, "AUTH") != NULL, "%s", buf);
	cr_assert(strstr(buf, "RCPT") == NULL, "%s", buf);
	cr_assert(strstr(buf, "STARTTLS") == NULL, "%s", buf);
	cr_assert(strstr(buf, "SOML") == NULL, "%s", buf);
	send_cmd(s, "MAIL FROM:<a@b>");
	/* pending MAIL counts as accepted for what comes next */
	session_next_verbs(s, buf, sizeof buf);
	cr_assert(strstr(buf, "RCPT") != NULL, "%s", buf);
	cr_assert(strstr(buf, "DATA") == NULL, "%s", buf);
	session_free(s);
}

Test(session, state_names)
{
	int i;

	for (i = 0; i < STATE_COUNT; i++)
		cr_assert(session_state_name((enum state)i)[0] != '?');
	cr_assert_str_eq(session_state_name(STATE_COUNT), "?");
}

/* Body mode ends when "." is sent, not when its reply arrives: a line
 * typed in between is a command (it was sent as a body line once). */
Test(session, body_ends_when_the_dot_is_sent)
{
	struct session *s = greeted_ehlo();

	accepted_recipient(s);
	send_cmd(s, "DATA");
	cr_assert_not(session_in_body(s), "no body before the 354");
	answer(s, fixture_reply(354, NULL, 1, "go"));
	cr_assert(session_in_body(s));
	session_on_send(s, ".", ANNOTATE_DATA_END, 2.0);
	cr_assert_eq(session_state(s), STATE_DATA);
	cr_assert_not(session_in_body(s));
	cr_assert_eq(session_expected_state(s), STATE_READY);
	answer(s, fixture_reply(250, NULL, 1, "queued"));
	cr_assert_not(session_in_body(s));
	session_free(s);
}

Test(session, sasl_turns)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "AUTH LOGIN");
	cr_assert_not(session_in_sasl(s));
	answer(s, fixture_reply(334, NULL, 1, "VXNlcm5hbWU6"));
	cr_assert(session_in_sasl(s));
	session_on_send(s, "dXNlcg==", ANNOTATE_AUTH_STEP, 3.0);
	cr_assert_not(session_in_sasl(s), "the response is on its way");
	answer(s, fixture_reply(334, NULL, 1, "UGFzc3dvcmQ6"));
	cr_assert(session_in_sasl(s));
	session_free(s);
}

/* Mechanisms are whole words: PLAIN is not already listed by X-PLAIN. */
Test(session, auth_mechanisms_are_words)
{
	struct session *s = session_new(0);

	answer(s, fixture_reply(220, NULL, 1, "hi"));
	session_set_tls(s, 1);
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 3, "hi", "AUTH X-PLAIN LOGIN", "AUTH=plain login"));
	cr_assert_str_eq(session_caps(s)->auth, "X-PLAIN LOGIN plain");
	cr_assert_eq(nwarn(s, "AUTH PLAIN"), 0);
	cr_assert(warns(s, "AUTH CRAM-MD5", "not among"));
	session_free(s);
}

/* RFC 5321 3.8: a 221 closes the channel whatever command it answers. */
Test(session, reply_221_to_any_command_ends_the_session)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "NOOP");
	answer(s, fixture_reply(221, NULL, 1, "closing"));
	cr_assert_eq(session_state(s), STATE_QUIT);
	session_free(s);
}

/* RFC 3207 4: STARTTLS succeeds with 220, and the session starts over. */
Test(session, expected_state_after_pending_starttls)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "STARTTLS");
	cr_assert_eq(session_expected_state(s), STATE_GREETED);
	cr_assert(warns(s, "MAIL FROM:<a@b.example>", "before EHLO"));
	cr_assert_eq(session_last_pending_verb(s), VERB_STARTTLS);
	answer(s, fixture_reply(220, NULL, 1, "go ahead"));
	cr_assert_eq(session_last_pending_verb(s), VERB_UNKNOWN);
	session_free(s);
}

/* The AUTH list quoted in a warning is the server's text: sanitized. */
Test(session, auth_warning_sanitizes_server_text)
{
	struct session	*s = session_new(0);
	char		*out[8];
	size_t		 n, i;
	int		 esc = 0, shown = 0;

	answer(s, fixture_reply(220, NULL, 1, "mx"));
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 2, "mx", "AUTH PLAIN \x1b[31mRED"));
	n = session_check_order(s, "AUTH FOO", out, 8);
	for (i = 0; i < n; i++) {
		if (strchr(out[i], '\x1b') != NULL)
			esc = 1;
		if (strstr(out[i], "\\x1b[31mRED") != NULL)
			shown = 1;
		free(out[i]);
	}
	cr_assert(!esc, "a raw ESC from the server is in a warning");
	cr_assert(shown, "the mechanism list is not quoted");
	session_free(s);
}

/* A 354 (or any 3yz) to the final "." does not reopen the body. */
Test(session, reply_3yz_to_end_of_data_ends_the_transaction)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "MAIL FROM:<a@b.example>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	send_cmd(s, "RCPT TO:<c@d.example>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	send_cmd(s, "DATA");
	answer(s, fixture_reply(354, NULL, 1, "go ahead"));
	cr_assert(session_in_body(s));
	session_on_send(s, ".", ANNOTATE_DATA_END, 2.0);
	answer(s, fixture_reply(354, NULL, 1, "go ahead, again"));
	cr_assert_not(session_in_body(s));
	cr_assert_eq(session_state(s), STATE_READY);
	session_free(s);
}

/* RFC 4954 4: what follows an AUTH without initial response, or a SASL
 * response, is the next response: not a command. */
Test(session, awaiting_challenge)
{
	struct session *s = greeted_ehlo();

	cr_assert_not(session_awaiting_challenge(s));
	send_cmd(s, "AUTH LOGIN");
	cr_assert(session_awaiting_challenge(s));
	answer(s, fixture_reply(334, NULL, 1, "VXNlcm5hbWU6"));
	cr_assert_not(session_awaiting_challenge(s));
	session_on_send(s, "dXNlcg==", ANNOTATE_AUTH_STEP, 3.0);
	cr_assert(session_awaiting_challenge(s));
	answer(s, fixture_reply(334, NULL, 1, "UGFzc3dvcmQ6"));
	session_on_send(s, "*", ANNOTATE_AUTH_STEP, 4.0);
	cr_assert_not(session_awaiting_challenge(s), "\"*\" cancels");
	answer(s, fixture_reply(501, NULL, 1, "cancelled"));
	send_cmd(s, "AUTH PLAIN AGEAYg==");
	cr_assert_not(session_awaiting_challenge(s), "initial response");
	session_free(s);
}

Test(session, binarymime_follows_the_transaction)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "MAIL FROM:<a@b> BODY=BINARYMIME");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert(session_binarymime(s));
	send_cmd(s, "RSET");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_not(session_binarymime(s));
	send_cmd(s, "MAIL FROM:<a@b> BODY=8BITMIME");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_not(session_binarymime(s));
	session_free(s);
}

/*
 * Each kind of line has one reply handler, and the prediction of where
 * pending lines leave the session runs the same handlers: for every row,
 * the state predicted while the line is pending is the state its
 * success reply gives.
 */
struct handler_case {
	const char		*setup;		/* "" none, "ready", "rcpt", "data", "auth" */
	const char		*line;
	enum annotate_ctx	 kind;
	int			 code;		/* the reply when all goes well */
	enum state		 after;
};

static const struct handler_case handler_cases[] = {
	{ "",		"EHLO me",		ANNOTATE_COMMAND,  250, STATE_READY },
	{ "",		"HELO me",		ANNOTATE_COMMAND,  250, STATE_READY },
	{ "ready",	"MAIL FROM:<a@b>",	ANNOTATE_COMMAND,  250, STATE_MAIL },
	{ "ready",	"NOOP",			ANNOTATE_COMMAND,  250, STATE_READY },
	{ "ready",	"VRFY bob",		ANNOTATE_COMMAND,  250, STATE_READY },
	{ "ready",	"QUIT",			ANNOTATE_COMMAND,  221, STATE_QUIT },
	{ "ready",	"STARTTLS",		ANNOTATE_COMMAND,  220, STATE_GREETED },
	{ "ready",	"AUTH PLAIN AGEAYg==",	ANNOTATE_COMMAND,  235, STATE_READY },
	{ "rcpt",	"RCPT TO:<e@f>",	ANNOTATE_COMMAND,  250, STATE_RCPT },
	{ "rcpt",	"DATA",			ANNOTATE_COMMAND,  354, STATE_DATA },
	{ "rcpt",	"RSET",			ANNOTATE_COMMAND,  250, STATE_READY },
	{ "rcpt",	"BDAT 10",		ANNOTATE_BDAT,     250, STATE_BDAT },
	{ "rcpt",	"BDAT 10 LAST",		ANNOTATE_BDAT,     250, STATE_READY },
	{ "data",	".",			ANNOTATE_DATA_END, 250, STATE_READY },
	{ "auth",	"dXNlcg==",		ANNOTATE_AUTH_STEP, 235, STATE_READY },
};

static struct session *
session_at(const char *setup)
{
	struct session *s;

	if (strcmp(setup, "") == 0) {
		s = session_new(0);
		answer(s, fixture_reply(220, NULL, 1, "hi"));
		return s;
	}
	s = greeted_ehlo();
	if (strcmp(setup, "rcpt") == 0 || strcmp(setup, "data") == 0)
		accepted_recipient(s);
	if (strcmp(setup, "data") == 0) {
		send_cmd(s, "DATA");
		answer(s, fixture_reply(354, NULL, 1, "go"));
	}
	if (strcmp(setup, "auth") == 0) {
		send_cmd(s, "AUTH LOGIN");
		answer(s, fixture_reply(334, NULL, 1, "VXNlcm5hbWU6"));
	}
	return s;
}

Test(session, prediction_runs_the_reply_handlers)
{
	const struct handler_case	*hc;
	struct session			*s;
	size_t				 i;

	for (i = 0; i < sizeof handler_cases / sizeof handler_cases[0]; i++) {
		hc = &handler_cases[i];
		s = session_at(hc->setup);
		cr_assert_eq(session_on_send(s, hc->line, hc->kind, 1.0), 0);
		cr_assert_eq(session_expected_state(s), hc->after,
		    "%s: predicted %s, the handler gives %s", hc->line,
		    session_state_name(session_expected_state(s)),
		    session_state_name(hc->after));
		answer(s, fixture_reply(hc->code, NULL, 1, "ok"));
		cr_assert_eq(session_state(s), hc->after, "%s: %s", hc->line,
		    session_state_name(session_state(s)));
		cr_assert_eq(session_expected_state(s), hc->after);
		session_free(s);
	}
}

/* A pipelined group is predicted line by line, each line's handler
 * starting where the previous one left the session. */
Test(session, prediction_of_a_group)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "MAIL FROM:<a@b>");
	cr_assert_eq(session_expected_state(s), STATE_MAIL);
	send_cmd(s, "RCPT TO:<c@d>");
	cr_assert_eq(session_expected_state(s), STATE_RCPT);
	send_cmd(s, "RSET");
	cr_assert_eq(session_expected_state(s), STATE_READY);
	/* nothing moved yet: predicting changes nothing */
	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert_eq(session_recipients(s), 0);
	session_free(s);
}

static enum state	seen_from[32], seen_to[32];
static size_t		nseen;

static void
seen_change(void *arg, enum state from, enum state to)
{
	cr_assert_eq(arg, (void *)seen_from);
	cr_assert_lt(nseen, 32);
	seen_from[nseen] = from;
	seen_to[nseen] = to;
	nseen++;
}

/* Every change is reported once, old -> new; a reply that leaves the
 * state (a refused MAIL) reports nothing. */
Test(session, state_changes_are_reported)
{
	struct session *s = session_new(0);

	nseen = 0;
	session_set_report(s, seen_change, seen_from);
	answer(s, fixture_reply(220, NULL, 1, "hi"));
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 1, "hi"));
	send_cmd(s, "MAIL FROM:<a@b>");
	answer(s, fixture_reply(550, NULL, 1, "no"));
	send_cmd(s, "MAIL FROM:<a@b>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	session_on_close(s);
	cr_assert_eq(nseen, 4);
	cr_assert_eq(seen_from[0], STATE_CONNECTED);
	cr_assert_eq(seen_to[0], STATE_GREETED);
	cr_assert_eq(seen_from[1], STATE_GREETED);
	cr_assert_eq(seen_to[1], STATE_READY);
	cr_assert_eq(seen_from[2], STATE_READY);
	cr_assert_eq(seen_to[2], STATE_MAIL);
	cr_assert_eq(seen_from[3], STATE_MAIL);
	cr_assert_eq(seen_to[3], STATE_CLOSED);
	/* the predictions reported nothing */
	session_free(s);
}

/* RFC 3030 2: a refused BDAT leaves the transaction indeterminate until
 * RSET; the order checker says so, and only RSET or QUIT are offered. */
Test(session, failed_bdat_is_indeterminate_until_rset)
{
	struct session	*s = greeted_ehlo();
	char		 buf[256];

	accepted_recipient(s);
	session_on_send(s, "BDAT 10", ANNOTATE_BDAT, 1);
	answer(s, fixture_reply(250, NULL, 1, "10 octets"));
	session_on_send(s, "BDAT 5 LAST", ANNOTATE_BDAT, 1);
	answer(s, fixture_reply(552, NULL, 1, "5.3.4 too big"));
	cr_assert(session_indeterminate(s));
	cr_assert_eq(session_state(s), STATE_BDAT,
	    "a failed BDAT LAST does not end the transaction");
	cr_assert(warns(s, "MAIL FROM:<x@y>", "indeterminate until RSET"));
	cr_assert(warns(s, "BDAT 3 LAST", "RFC 3030 2"));
	cr_assert_eq(nwarn(s, "BDAT 3 LAST"), 1, "one warning, once");
	cr_assert_eq(nwarn(s, "RSET"), 0);
	cr_assert_eq(nwarn(s, "QUIT"), 0);
	session_next_verbs(s, buf, sizeof buf);
	cr_assert_str_eq(buf, "RSET QUIT");
	send_cmd(s, "RSET");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_not(session_indeterminate(s));
	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert_eq(nwarn(s, "MAIL FROM:<x@y>"), 0);
	session_free(s);
}

/* The first chunk refused: the state stays where it was, indeterminate. */
Test(session, failed_first_bdat)
{
	struct session *s = greeted_ehlo();

	accepted_recipient(s);
	session_on_send(s, "BDAT 10", ANNOTATE_BDAT, 1);
	/* a chunk already in the pipeline is accepted and discarded */
	session_on_send(s, "BDAT 3 LAST", ANNOTATE_BDAT, 1);
	answer(s, fixture_reply(451, NULL, 1, "4.3.0 try later"));
	cr_assert(session_indeterminate(s));
	answer(s, fixture_reply(250, NULL, 1, "discarded"));
	cr_assert(session_indeterminate(s), "still indeterminate");
	cr_assert_eq(session_state(s), STATE_RCPT);
	cr_assert(warns(s, "DATA", "indeterminate"));
	session_free(s);
}

/* One checker gives the AUTH warnings, once each, with the reply to
 * expect: 502 when AUTH was not advertised, 504 for a mechanism that
 * was not, 503 after a successful AUTH. */
Test(session, auth_warned_once_with_its_reply)
{
	struct session	*s = session_new(0);
	char		*w[8];
	size_t		 n, i;

	answer(s, fixture_reply(220, NULL, 1, "hi"));
	session_set_tls(s, 1);
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 2, "hi", "PIPELINING"));
	n = session_check_order(s, "AUTH PLAIN", w, 8);
	cr_assert_eq(n, 1);
	cr_assert(strstr(w[0], "did not advertise AUTH") != NULL, "%s", w[0]);
	cr_assert(strstr(w[0], "expect 502") != NULL, "%s", w[0]);
	for (i = 0; i < n; i++)
		free(w[i]);
	session_free(s);

	s = greeted_ehlo();
	n = session_check_order(s, "AUTH CRAM-MD5", w, 8);
	cr_assert_eq(n, 2);
	cr_assert(strstr(w[0], "expect 504") != NULL, "%s", w[0]);
	/* RFC 4954 4: a password mechanism without TLS */
	cr_assert(strstr(w[1], "AUTH without TLS") != NULL, "%s", w[1]);
	for (i = 0; i < n; i++)
		free(w[i]);
	session_free(s);
}

/* Out of memory while queueing: nothing is queued and the caller is
 * told, so that no later reply is paired with the wrong command. */
Test(session, out_of_memory_while_queueing_is_reported)
{
	struct session *s = greeted_ehlo();

	send_cmd(s, "MAIL FROM:<a@b>");
	session_fail_alloc_for_test(s, 1);
	cr_assert_eq(session_on_send(s, "RCPT TO:<c@d>", ANNOTATE_COMMAND, 1),
	    -1);
	cr_assert_eq(session_pending(s), 1, "a line half queued");
	session_fail_alloc_for_test(s, 0);
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_str_eq(paired, "MAIL FROM:<a@b>");
	cr_assert_eq(session_pending(s), 0);
	session_free(s);
}

/* --- LMTP (RFC 2033) ---------------------------------------------------- */

/* The answer of one reply, kept whole (rcpt copied). */
static struct session_answer lmtp_a;
static char lmtp_rcpt[128];

static void
answer_lmtp(struct session *s, struct reply *r)
{
	session_on_reply(s, r, &lmtp_a);
	snprintf(lmtp_rcpt, sizeof lmtp_rcpt, "%s",
	    lmtp_a.rcpt != NULL ? lmtp_a.rcpt : "(none)");
	reply_free(r);
}

static struct session *
greeted_lhlo(void)
{
	struct session *s = session_new(0);

	answer(s, fixture_reply(220, NULL, 1, "lmtp ready"));
	send_cmd(s, "LHLO me");
	cr_assert_eq(session_last_pending_verb(s), VERB_LHLO);
	answer(s, fixture_reply(250, NULL, 3, "lmtp", "PIPELINING",
	    "ENHANCEDSTATUSCODES"));
	return s;
}

/* RFC 2033 4.1: an accepted LHLO makes the dialogue LMTP, EHLO and HELO
 * make it SMTP; each protocol offers its own greeting. */
Test(session, lmtp_from_the_greeting)
{
	struct session	*s = greeted_lhlo();
	char		 next[256];

	cr_assert(session_lmtp(s));
	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert(session_caps(s)->pipelining, "LHLO lists the extensions");
	cr_assert_str_eq(session_helo_name(s), "me");
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(500, "5.5.2", 1, "unknown"));
	cr_assert(session_lmtp(s), "a refused EHLO changes nothing");
	send_cmd(s, "EHLO me");
	answer(s, fixture_reply(250, NULL, 1, "mx"));
	cr_assert(!session_lmtp(s), "the server took EHLO: SMTP");
	session_free(s);

	s = session_new(0);
	session_set_lmtp(s, 1);
	answer(s, fixture_reply(220, NULL, 1, "lmtp ready"));
	session_next_verbs(s, next, sizeof next);
	cr_assert(strstr(next, "LHLO") != NULL, "%s", next);
	cr_assert(strstr(next, "EHLO") == NULL && strstr(next, "HELO ") ==
	    NULL, "%s", next);
	cr_assert(warns(s, "MAIL FROM:<a@b>", "before LHLO"));
	cr_assert(session_can_pipeline(s, "LHLO me") == 0);
	session_set_lmtp(s, 0);
	session_next_verbs(s, next, sizeof next);
	cr_assert(strstr(next, "LHLO") == NULL, "%s", next);
	session_free(s);
}

/* RFC 2033 4.2: after the final dot, one reply per accepted RCPT, in
 * order, each paired with its recipient; the refused one gets none. */
Test(session, lmtp_reply_per_recipient)
{
	struct session	*s = greeted_lhlo();

	send_cmd(s, "MAIL FROM:<a@b>");
	send_cmd(s, "RCPT TO:<one@example.org> NOTIFY=NEVER");
	send_cmd(s, "RCPT TO:<nobody@example.org>");
	send_cmd(s, "RCPT TO:<Postmaster>");
	send_cmd(s, "DATA");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer(s, fixture_reply(550, "5.1.1", 1, "unknown"));
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer(s, fixture_reply(354, NULL, 1, "go"));
	cr_assert_eq(session_recipients(s), 2);
	cr_assert_eq(session_on_send(s, ".", ANNOTATE_DATA_END, 2.0), 0);
	cr_assert_eq(session_expected_state(s), STATE_READY);
	cr_assert_eq(session_recipients(s), 2, "prediction changes nothing");

	answer_lmtp(s, fixture_reply(250, "2.0.0", 1, "delivered"));
	cr_assert_eq(lmtp_a.ctx, ANNOTATE_DATA_END);
	cr_assert_str_eq(lmtp_a.command, ".");
	cr_assert_str_eq(lmtp_rcpt, "one@example.org");
	cr_assert_eq(lmtp_a.rcpt_index, 1);
	cr_assert_eq(lmtp_a.rcpt_count, 2);
	cr_assert_eq(lmtp_a.later, 0, "no line was sent after the data");
	cr_assert_eq(session_pending(s), 1, "one reply still owed");
	cr_assert_eq(session_state(s), STATE_DATA);
	cr_assert(!session_in_body(s));

	answer_lmtp(s, fixture_reply(452, "4.2.2", 1, "mailbox full"));
	cr_assert_str_eq(lmtp_rcpt, "Postmaster");
	cr_assert_eq(lmtp_a.rcpt_index, 2);
	cr_assert_eq(session_pending(s), 0);
	cr_assert_eq(session_state(s), STATE_READY);
	cr_assert_eq(session_recipients(s), 0, "the transaction is over");

	/* The next transaction starts afresh. */
	send_cmd(s, "MAIL FROM:<a@b>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	send_cmd(s, "RCPT TO:<two@example.org>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	send_cmd(s, "DATA");
	answer(s, fixture_reply(354, NULL, 1, "go"));
	cr_assert_eq(session_on_send(s, ".", ANNOTATE_DATA_END, 2.0), 0);
	answer_lmtp(s, fixture_reply(250, NULL, 1, "ok"));
	cr_assert_eq(lmtp_a.rcpt_count, 0, "one recipient: one reply");
	cr_assert_eq(session_pending(s), 0);
	session_free(s);
}

/* RFC 2033 4.3: BDAT LAST too, even pipelined behind the RCPTs whose
 * replies decide the count; a 421 ends it at once. */
Test(session, lmtp_bdat_last_and_421)
{
	struct session	*s = greeted_lhlo();

	send_cmd(s, "MAIL FROM:<a@b>");
	send_cmd(s, "RCPT TO:<x@example.org>");
	send_cmd(s, "RCPT TO:<y@example.org>");
	cr_assert_eq(session_on_send(s, "BDAT 10 LAST", ANNOTATE_BDAT, 2.0),
	    0);
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer_lmtp(s, fixture_reply(250, NULL, 1, "x delivered"));
	cr_assert_str_eq(lmtp_rcpt, "x@example.org");
	cr_assert_eq(lmtp_a.ctx, ANNOTATE_BDAT);
	answer_lmtp(s, fixture_reply(250, NULL, 1, "y delivered"));
	cr_assert_str_eq(lmtp_rcpt, "y@example.org");
	cr_assert_eq(session_pending(s), 0);
	cr_assert_eq(session_state(s), STATE_READY);

	send_cmd(s, "MAIL FROM:<a@b>");
	send_cmd(s, "RCPT TO:<x@example.org>");
	send_cmd(s, "RCPT TO:<y@example.org>");
	send_cmd(s, "DATA");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	answer(s, fixture_reply(354, NULL, 1, "go"));
	cr_assert_eq(session_on_send(s, ".", ANNOTATE_DATA_END, 2.0), 0);
	answer_lmtp(s, fixture_reply(421, "4.3.2", 1, "shutting down"));
	cr_assert_eq(session_pending(s), 0, "no more replies after 421");
	cr_assert_eq(session_state(s), STATE_QUIT);
	session_free(s);
}

/* An SMTP server's end of data gets one reply, however many RCPTs. */
Test(session, smtp_one_reply_after_data)
{
	struct session	*s = greeted_ehlo();

	send_cmd(s, "MAIL FROM:<a@b>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	send_cmd(s, "RCPT TO:<x@example.org>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	send_cmd(s, "RCPT TO:<y@example.org>");
	answer(s, fixture_reply(250, NULL, 1, "ok"));
	send_cmd(s, "DATA");
	answer(s, fixture_reply(354, NULL, 1, "go"));
	cr_assert_eq(session_on_send(s, ".", ANNOTATE_DATA_END, 2.0), 0);
	answer_lmtp(s, fixture_reply(250, NULL, 1, "queued"));
	cr_assert_eq(lmtp_a.rcpt_count, 0);
	cr_assert_eq(session_pending(s), 0);
	cr_assert_eq(session_state(s), STATE_READY);
	session_free(s);
}

Test(session, rcpt_label)
{
	char	buf[128];

	session_rcpt_label("b@example.org", 2, 3, buf, sizeof buf);
	cr_assert_str_eq(buf, "for <b@example.org>, recipient 2 of 3 (RFC "
	    "2033 4.2)");
	session_rcpt_label(NULL, 1, 2, buf, sizeof buf);
	cr_assert_str_eq(buf, "for recipient 1 of 2 (RFC 2033 4.2)");
}
