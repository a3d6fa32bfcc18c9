/*
 * test_annotate.c -- explanations of replies in context, of codes alone,
 * and the parsing of `explain` arguments.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "codes.h"
#include "fixture.h"

/* A reply with code, enhanced code (or NULL) and nlines texts. */
/* annotate_reply() of a fresh reply; frees the reply. */
static char *
ann(struct reply *r, const char *cmd, enum annotate_ctx ctx, int flags)
{
	char *s = annotate_reply(r, cmd, ctx, flags);

	cr_assert_not_null(s);
	reply_free(r);
	return s;
}

static char *
first_line(const char *s)
{
	size_t n = strcspn(s, "\n");
	char *l = malloc(n + 1);

	memcpy(l, s, n);
	l[n] = '\0';
	return l;
}

static void
assert_has(const char *s, const char *want)
{
	cr_assert(strstr(s, want) != NULL, "expected \"%s\" in:\n%s", want, s);
}

static void
assert_lacks(const char *s, const char *bad)
{
	cr_assert(strstr(s, bad) == NULL, "did not expect \"%s\" in:\n%s", bad,
	    s);
}

static void
assert_width(const char *s, size_t max)
{
	const char *p = s;

	while (*p) {
		size_t n = strcspn(p, "\n");

		cr_assert_leq(n, max, "line too long (%zu): %.*s", n, (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

Test(annotate, mail_250_first_line)
{
	char *s = ann(fixture_reply(250, "2.1.0", 1, "2.1.0 Ok"), "MAIL FROM:<a@example.org>",
	    ANNOTATE_COMMAND, 0);
	char *l = first_line(s);

	cr_assert_str_eq(l, "250 after MAIL FROM: sender accepted (RFC 5321 "
	    "4.1.1.2)");
	assert_has(s, "\nnext: now give RCPT TO\n");
	assert_has(s, "\nrfc: RFC 5321 4.1.1.2, 4.2.2; RFC 3463 3.2");
	assert_has(s, "2.1.0 Other address status");
	free(l);
	free(s);
}

Test(annotate, verb_found_in_odd_commands)
{
	char *a = ann(fixture_reply(250, NULL, 1, "ok"), "  mail   from:<a@b>", ANNOTATE_COMMAND,
	    ANNOTATE_SHORT);
	char *b = ann(fixture_reply(250, NULL, 1, "ok"), "MAIL FROM:<a@b>", ANNOTATE_COMMAND,
	    ANNOTATE_SHORT);
	char *c = ann(fixture_reply(250, NULL, 1, "ok"), "\tRcPt TO:<a@b>", ANNOTATE_COMMAND,
	    ANNOTATE_SHORT);
	char *d = ann(fixture_reply(250, NULL, 1, "ok"), NULL, ANNOTATE_COMMAND,
	    ANNOTATE_SHORT);

	cr_assert_str_eq(a, b);
	assert_has(c, "250 after RCPT TO: recipient accepted");
	assert_has(d, "250 reply: ");
	free(a);
	free(b);
	free(c);
	free(d);
}

Test(annotate, context_changes_meaning_of_250)
{
	char *mail = ann(fixture_reply(250, NULL, 1, "ok"), "MAIL FROM:<a@b>",
	    ANNOTATE_COMMAND, ANNOTATE_SHORT);
	char *rcpt = ann(fixture_reply(250, NULL, 1, "ok"), "RCPT TO:<a@b>",
	    ANNOTATE_COMMAND, ANNOTATE_SHORT);
	char *end = ann(fixture_reply(250, NULL, 1, "queued as 1234"), NULL,
	    ANNOTATE_DATA_END, ANNOTATE_SHORT);
	char *rset = ann(fixture_reply(250, NULL, 1, "ok"), "RSET", ANNOTATE_COMMAND,
	    ANNOTATE_SHORT);

	assert_has(mail, "sender accepted");
	assert_has(rcpt, "recipient accepted");
	assert_has(rcpt, "DATA");
	assert_has(end, "250 after end of data: the message is queued");
	assert_has(end, "RFC 5321 4.1.1.4, 4.2.5");
	assert_has(rset, "transaction cleared");
	cr_assert_str_neq(mail, rcpt);
	cr_assert_str_neq(rcpt, end);
	free(mail);
	free(rcpt);
	free(end);
	free(rset);
}

Test(annotate, ehlo_capabilities_listed)
{
	char *s = ann(fixture_reply(250, NULL, 11, "mx.example.org Hello", "PIPELINING",
	    "SIZE 35882577", "AUTH PLAIN LOGIN XOAUTH2", "AUTH=LOGIN",
	    "8BITMIME", "ENHANCEDSTATUSCODES", "X-EXPS GSSAPI NTLM", "XNOSUCH 1",
	    "TURN", "SMTPUTF8"), "ehlo client.example", ANNOTATE_COMMAND, 0);

	assert_has(s, "250 after EHLO: greeting accepted, 10 extensions "
	    "advertised");
	assert_has(s, "\n  PIPELINING: ");
	assert_has(s, "RFC 2920");
	assert_has(s, "\n  SIZE 35882577: messages up to 34.2 MiB (35882577 "
	    "bytes)");
	assert_has(s, "\n  AUTH PLAIN LOGIN XOAUTH2: ");
	assert_has(s, "\n      PLAIN: ");
	assert_has(s, "RFC 4616");
	assert_has(s, "\n      XOAUTH2: ");
	assert_has(s, "\n  AUTH=LOGIN: old pre-standard form");
	assert_has(s, "\n  8BITMIME: ");
	assert_has(s, "\n  X-EXPS GSSAPI NTLM: ");
	assert_has(s, "\n  XNOSUCH 1: not a keyword known here");
	assert_has(s, "\n  TURN: ");
	assert_has(s, "[deprecated]");
	assert_has(s, "\n  SMTPUTF8: ");
	assert_width(s, 100);
	free(s);
}

Test(annotate, ehlo_size_forms_and_helo)
{
	char *s = ann(fixture_reply(250, NULL, 3, "mx", "SIZE", "SIZE 0"), "EHLO x",
	    ANNOTATE_COMMAND, 0);
	char *h = ann(fixture_reply(250, NULL, 1, "mx"), "HELO x", ANNOTATE_COMMAND, 0);
	char *one = ann(fixture_reply(250, NULL, 1, "mx"), "EHLO x", ANNOTATE_COMMAND, 0);

	assert_has(s, "no limit stated");
	assert_has(s, "no fixed maximum");
	assert_has(h, "HELO gives no extensions");
	assert_has(one, "0 extensions advertised");
	assert_has(one, "no extensions advertised");
	free(s);
	free(h);
	free(one);
}

Test(annotate, auth_334_challenge_decoded)
{
	char *u = ann(fixture_reply(334, NULL, 1, "VXNlcm5hbWU6"), "AUTH LOGIN",
	    ANNOTATE_COMMAND, 0);
	char *p = ann(fixture_reply(334, NULL, 1, "UGFzc3dvcmQ6"), "xxx", ANNOTATE_AUTH_STEP,
	    0);
	char *pad = ann(fixture_reply(334, NULL, 1, "YWI="), "AUTH CRAM-MD5",
	    ANNOTATE_COMMAND, 0);
	char *empty = ann(fixture_reply(334, NULL, 1, ""), "AUTH PLAIN", ANNOTATE_COMMAND, 0);
	char *bad = ann(fixture_reply(334, NULL, 1, "not base64!"), "AUTH LOGIN",
	    ANNOTATE_COMMAND, 0);

	assert_has(u, "334 after AUTH LOGIN: server challenge");
	assert_has(u, "challenge (base64 decoded): \"Username:\"");
	assert_has(p, "334 after AUTH response: server challenge");
	assert_has(p, "\"Password:\"");
	assert_has(pad, "\"ab\"");
	assert_has(empty, "challenge: empty");
	assert_has(bad, "not valid base64");
	free(u);
	free(p);
	free(pad);
	free(empty);
	free(bad);
}

/* Each step of a mechanism we know is explained: what the server sent or
 * proves, what the client answers; a 235 says what was proven. */
Test(annotate, auth_steps_explained)
{
	char *scram = ann(fixture_reply(334, NULL, 1,
	    "cj1hYmMscz1jMkZzZEE9PSxpPTQwOTY="), "AUTH SCRAM-SHA-256 biws",
	    ANNOTATE_COMMAND, 0);
	char *login = ann(fixture_reply(334, NULL, 1, "VXNlcm5hbWU6"),
	    "auth login", ANNOTATE_COMMAND, 0);
	char *empty = ann(fixture_reply(334, NULL, 1, ""), "AUTH PLAIN",
	    ANNOTATE_COMMAND, 0);
	char *other = ann(fixture_reply(334, NULL, 1, "YWI="), "AUTH GSSAPI",
	    ANNOTATE_COMMAND, 0);
	char *ok = ann(fixture_reply(235, "2.7.0", 1, "2.7.0 ok"),
	    "AUTH SCRAM-SHA-256", ANNOTATE_COMMAND, 0);
	char *plain = ann(fixture_reply(235, "2.7.0", 1, "2.7.0 ok"),
	    "AUTH PLAIN", ANNOTATE_COMMAND, 0);

	assert_has(scram, "\"r=abc,s=c2FsdA==,i=4096\"");
	assert_has(scram, "\nsasl: SCRAM server-first-message");
	assert_has(scram, "ClientProof");
	assert_has(login, "\nsasl: the server asks for the user name");
	assert_has(empty, "\nsasl: an empty challenge asks for the initial");
	cr_assert_null(strstr(other, "sasl:"), "%s", other);
	assert_has(ok, "sasl: the client proved knowledge of the password");
	assert_has(ok, "ServerSignature");
	assert_has(plain, "the server proved back nothing");
	free(scram);
	free(login);
	free(empty);
	free(other);
	free(ok);
	free(plain);
}

Test(annotate, auth_secret_not_echoed)
{
	char *s = ann(fixture_reply(235, "2.7.0", 1, "2.7.0 Authentication successful"),
	    "AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=", ANNOTATE_COMMAND, 0);

	assert_has(s, "235 after AUTH PLAIN: authenticated");
	assert_lacks(s, "dGVzd");
	free(s);
}

Test(annotate, quit_221_versus_unsolicited)
{
	char *q = ann(fixture_reply(221, NULL, 1, "bye"), "QUIT", ANNOTATE_COMMAND, 0);
	char *u = ann(fixture_reply(221, NULL, 1, "bye"), NULL, ANNOTATE_UNSOLICITED, 0);
	char *o = ann(fixture_reply(221, NULL, 1, "bye"), "NOOP", ANNOTATE_COMMAND, 0);
	char *lq = first_line(q), *lu = first_line(u);

	assert_has(lq, "221 after QUIT: closing as asked");
	assert_has(lu, "221 unsolicited: the server closes the connection although "
	    "no QUIT was sent");
	assert_has(o, "no QUIT was sent");
	cr_assert_str_neq(lq, lu);
	free(q);
	free(u);
	free(o);
	free(lq);
	free(lu);
}

Test(annotate, unsolicited_421_and_greeting)
{
	char *u = ann(fixture_reply(421, "4.3.2", 1, "4.3.2 shutting down"), NULL,
	    ANNOTATE_UNSOLICITED, 0);
	char *g = ann(fixture_reply(220, NULL, 1, "mx ESMTP"), NULL, ANNOTATE_GREETING, 0);
	char *b = ann(fixture_reply(554, NULL, 1, "go away"), NULL, ANNOTATE_GREETING, 0);

	assert_has(u, "421 unsolicited: the server is closing the connection on "
	    "its own");
	assert_has(u, "4.3.2 System not accepting network messages");
	assert_has(g, "220 greeting: server ready (RFC 5321 3.1, 4.3.2)");
	assert_has(g, "\nnext: send EHLO");
	assert_has(b, "554 greeting: no SMTP service here");
	free(u);
	free(g);
	free(b);
}

Test(annotate, data_354_and_bdat)
{
	char *d = ann(fixture_reply(354, NULL, 1, "End data with <CR><LF>.<CR><LF>"), "DATA",
	    ANNOTATE_COMMAND, 0);
	char *c = ann(fixture_reply(250, NULL, 1, "ok"), "BDAT 100", ANNOTATE_BDAT,
	    ANNOTATE_SHORT);
	char *l = ann(fixture_reply(250, NULL, 1, "ok"), "BDAT 0 LAST", ANNOTATE_BDAT,
	    ANNOTATE_SHORT);

	assert_has(d, "354 after DATA: go ahead, send the message");
	assert_has(c, "chunk received");
	assert_has(l, "the message is queued for delivery");
	free(d);
	free(c);
	free(l);
}

Test(annotate, unknown_codes_from_digits)
{
	char *a = ann(fixture_reply(299, NULL, 1, "odd"), "NOOP", ANNOTATE_COMMAND, 0);
	char *b = ann(fixture_reply(650, NULL, 1, "odd"), "NOOP", ANNOTATE_COMMAND, 0);
	char *c = ann(fixture_reply(0, NULL, 1, "garbage"), "NOOP", ANNOTATE_COMMAND, 0);
	char *d = ann(fixture_reply(473, NULL, 1, "odd"), "RCPT TO:<a@b>", ANNOTATE_COMMAND,
	    0);

	assert_has(a, "299 after NOOP: non-standard code");
	assert_has(a, "2yz positive completion");
	assert_has(a, "x9z not a defined category");
	assert_has(b, "650 after NOOP: not a valid SMTP reply code");
	assert_has(c, "not SMTP");
	assert_has(d, "non-standard");
	assert_has(d, "x7z not a defined");
	assert_has(d, "next: Retry later");
	free(a);
	free(b);
	free(c);
	free(d);
}

Test(annotate, enhanced_code_lines)
{
	char *s = ann(fixture_reply(550, "5.1.1", 1, "5.1.1 User unknown"), "RCPT TO:<x@y>",
	    ANNOTATE_COMMAND, 0);
	char *f = ann(fixture_reply(550, "5.1.99", 1, "5.1.99 odd"), "RCPT TO:<x@y>",
	    ANNOTATE_COMMAND, 0);
	char *m = ann(fixture_reply(550, "4.2.2", 1, "4.2.2 full"), "RCPT TO:<x@y>",
	    ANNOTATE_COMMAND, 0);

	assert_has(s, "550 after RCPT TO: recipient refused");
	assert_has(s, "\n5.1.1 Bad destination mailbox address");
	assert_has(s, "\nhint: ");
	assert_has(s, "\nnext: ");
	assert_has(s, "RFC 3463 3.2");
	assert_width(s, 100);
	assert_has(f, "5.1.99: detail not registered");
	assert_has(f, "Addressing Status");
	assert_has(m, "does not match reply code 550");
	free(s);
	free(f);
	free(m);
}

Test(annotate, flags_short_and_no_rfc)
{
	char *s = ann(fixture_reply(550, "5.7.1", 1, "5.7.1 relay denied"), "RCPT TO:<x@y>",
	    ANNOTATE_COMMAND, ANNOTATE_SHORT);
	char *n = ann(fixture_reply(550, "5.7.1", 1, "5.7.1 relay denied"), "RCPT TO:<x@y>",
	    ANNOTATE_COMMAND, ANNOTATE_NO_RFC);

	cr_assert_null(strchr(s, '\n'));
	assert_has(s, "(RFC 5321 4.3.2)");
	assert_lacks(n, "RFC");
	assert_has(n, "5.7.1 Delivery not authorized");
	free(s);
	free(n);
}

Test(annotate, faults_mentioned)
{
	struct reply *r = fixture_reply(250, NULL, 1, "ok");
	char *s;

	r->faults = REPLY_FAULT_BARE_LF;
	s = ann(r, "NOOP", ANNOTATE_COMMAND, 0);
	assert_has(s, "\nfaults: ");
	free(s);
	s = ann(fixture_reply(250, NULL, 1, "ok"), "NOOP", ANNOTATE_COMMAND, 0);
	assert_lacks(s, "faults:");
	free(s);
}

Test(annotate, parse_query)
{
	char esc[12], err[128];
	int code;

	cr_assert_eq(annotate_parse_query("550", &code, esc, err, sizeof err), 0);
	cr_assert_eq(code, 550);
	cr_assert_str_empty(esc);
	cr_assert_eq(annotate_parse_query("5.7.1", &code, esc, err, sizeof err), 0);
	cr_assert_eq(code, 0);
	cr_assert_str_eq(esc, "5.7.1");
	cr_assert_eq(annotate_parse_query(" 550 5.1.1", &code, esc, err,
	    sizeof err), 0);
	cr_assert_eq(code, 550);
	cr_assert_str_eq(esc, "5.1.1");
	cr_assert_eq(annotate_parse_query("550-5.1.1 User unknown", &code, esc,
	    err, sizeof err), 0);
	cr_assert_eq(code, 550);
	cr_assert_str_eq(esc, "5.1.1");
	cr_assert_eq(annotate_parse_query("550 User 5.1.1 unknown", &code, esc,
	    err, sizeof err), 0);
	cr_assert_str_empty(esc);
	cr_assert_eq(annotate_parse_query("X.7.26", &code, esc, err, sizeof err),
	    0);
	cr_assert_str_eq(esc, "X.7.26");
	cr_assert_eq(annotate_parse_query("", &code, esc, err, sizeof err), -1);
	cr_assert_str_not_empty(err);
	cr_assert_eq(annotate_parse_query("abc", &code, esc, err, sizeof err), -1);
	cr_assert_eq(annotate_parse_query("5500", &code, esc, err, sizeof err), -1);
	cr_assert_eq(annotate_parse_query("550 5.1", &code, esc, err, sizeof err),
	    -1);
	cr_assert_eq(annotate_parse_query("5.1", &code, esc, err, sizeof err), -1);
	cr_assert_eq(annotate_parse_query(NULL, &code, esc, err, sizeof err), -1);
	/* "000" must not pass as "no code" (found by tests/fuzz/fuzz_args) */
	cr_assert_eq(annotate_parse_query("000", &code, esc, err, sizeof err), -1);
	cr_assert(strstr(err, "not an SMTP reply code") != NULL, "%s", err);
}

Test(annotate, code_alone)
{
	char err[256], *s;

	s = annotate_code(550, "5.1.1", 0, err, sizeof err);
	cr_assert_not_null(s, "%s", err);
	assert_has(s, "550 Requested action not taken: mailbox unavailable");
	assert_has(s, "\nmeaning: ");
	assert_has(s, "\nnext: ");
	assert_has(s, "after RCPT TO: ");
	assert_has(s, "5.1.1 Bad destination mailbox address");
	assert_has(s, "rfc: RFC 5321 4.2.2");
	assert_has(s, "RFC 3463 3.2");
	assert_width(s, 100);
	free(s);

	s = annotate_code(0, "X.7.26", 0, err, sizeof err);
	cr_assert_not_null(s);
	assert_has(s, "X.7.26 Multiple authentication checks failed");
	free(s);
	s = annotate_code(0, "5.1.99", 0, err, sizeof err);
	cr_assert_not_null(s);
	assert_has(s, "detail not registered");
	free(s);

	cr_assert_null(annotate_code(299, NULL, 0, err, sizeof err));
	assert_has(err, "299 is not defined by any RFC");
	cr_assert_null(annotate_code(650, NULL, 0, err, sizeof err));
	cr_assert_null(annotate_code(0, NULL, 0, err, sizeof err));
	cr_assert_null(annotate_code(0, "5.9.1", 0, err, sizeof err));
	cr_assert_null(annotate_code(0, "5.1", 0, err, sizeof err));
}

Test(annotate, query_whole_line)
{
	char err[256], *s;

	s = annotate_query("550 5.1.1 User unknown", 0, err, sizeof err);
	cr_assert_not_null(s, "%s", err);
	assert_has(s, "5.1.1 Bad destination mailbox address");
	free(s);
	cr_assert_null(annotate_query("hello", 0, err, sizeof err));
}

Test(annotate, hostile_replies_bounded)
{
	char *big = malloc(5001), *b64 = malloc(8001), *s;
	struct reply *r;

	memset(big, 'A', 5000);
	memcpy(big + 10, " \x1b[2J%s%n ", 10);
	big[5000] = '\0';
	memset(b64, 'Q', 8000);
	b64[8000] = '\0';
	r = fixture_reply(250, NULL, 3, "mx", big, "SIZE 99999999999999999999999");
	s = ann(r, "EHLO x", ANNOTATE_COMMAND, 0);
	cr_assert_lt(strlen(s), 4000);
	assert_has(s, "%s%n");
	free(s);
	s = ann(fixture_reply(334, NULL, 1, b64), "AUTH LOGIN", ANNOTATE_COMMAND, 0);
	cr_assert_lt(strlen(s), 4000);
	assert_has(s, "challenge (base64 decoded): \"");
	free(s);
	/* No lines at all. */
	r = fixture_reply(250, NULL, 0);
	s = ann(r, "EHLO x", ANNOTATE_COMMAND, 0);
	assert_has(s, "no extensions advertised");
	free(s);
	r = fixture_reply(334, NULL, 0);
	s = ann(r, "AUTH PLAIN", ANNOTATE_COMMAND, 0);
	assert_has(s, "challenge: empty");
	free(s);
	free(big);
	free(b64);
}

Test(annotate, x_form_takes_class_from_code)
{
	char err[256], *s = annotate_code(451, "X.4.1", 0, err, sizeof err);

	cr_assert_not_null(s, "%s", err);
	assert_has(s, "\n4.4.1 No answer from host");
	assert_lacks(s, "does not match");
	free(s);
}

/* ANNOTATE_NO_WRAP: the same items, one line each, for front ends that
 * wrap to their own width; the default wraps near 96 columns. */
Test(annotate, no_wrap_gives_logical_lines)
{
	char	*wrapped = ann(fixture_reply(354, NULL, 1, "go ahead"), "DATA",
	    ANNOTATE_COMMAND, 0);
	char	*flat = ann(fixture_reply(354, NULL, 1, "go ahead"), "DATA",
	    ANNOTATE_COMMAND, ANNOTATE_NO_WRAP);
	char	*p, *line;
	size_t	 nw = 0, nf = 0, longest = 0;

	for (p = wrapped; (p = strchr(p, '\n')) != NULL; p++)
		nw++;
	for (line = flat; line != NULL; line = p ? p + 1 : NULL) {
		p = strchr(line, '\n');
		nf++;
		if ((size_t)(p ? p - line : (long)strlen(line)) > longest)
			longest = (size_t)(p ? p - line : (long)strlen(line));
		cr_assert(strncmp(line, "    ", 4) != 0,
		    "a continuation line in unwrapped output: %s", flat);
	}
	cr_assert_gt(nw + 1, nf, "wrapped %zu lines, unwrapped %zu", nw + 1, nf);
	cr_assert_gt(longest, 96);
	free(wrapped);
	free(flat);
}

/* One table names every context key of the knowledge base, in prose and
 * as a heading: no pseudo key ("<greeting>", "*") is ever shown as it is. */
Test(annotate, context_labels)
{
	const struct code_ctx	*t;
	const char		*l, *h;
	size_t			 n, i;

	t = codes_ctx_table(&n);
	for (i = 0; i < n; i++) {
		l = annotate_ctx_label(t[i].verb, 0);
		h = annotate_ctx_label(t[i].verb, 1);
		cr_assert(l[0] != '\0' && h[0] != '\0', "%s", t[i].verb);
		cr_assert(l[0] != '<' && strcmp(l, "*") != 0, "%s", t[i].verb);
		cr_assert(h[0] != '<' && strcmp(h, "*") != 0, "%s", t[i].verb);
	}
	cr_assert_str_eq(annotate_ctx_label("MAIL", 0), "MAIL FROM");
	cr_assert_str_eq(annotate_ctx_label("MAIL", 1), "MAIL");
	cr_assert_str_eq(annotate_ctx_label(CODES_CTX_GREETING, 1), "(greeting)");
	cr_assert_str_eq(annotate_ctx_label("EHLO", 0), "EHLO");
}

/* Each reply's next step is the one for its command and context: after
 * the end of data the message is queued, never "send the next command of
 * the transaction" (the code's general action). */
Test(annotate, next_step_follows_the_context)
{
	char *end = ann(fixture_reply(250, "2.0.0", 1, "2.0.0 queued"), NULL,
	    ANNOTATE_DATA_END, 0);
	char *endshort = ann(fixture_reply(250, "2.0.0", 1, "2.0.0 queued"),
	    NULL, ANNOTATE_DATA_END, ANNOTATE_SHORT);
	char *rcpt = ann(fixture_reply(250, "2.1.5", 1, "2.1.5 ok"),
	    "RCPT TO:<b@example.org>", ANNOTATE_COMMAND, 0);
	char *noop = ann(fixture_reply(250, "2.0.0", 1, "2.0.0 ok"), "NOOP",
	    ANNOTATE_COMMAND, 0);
	char *vrfy = ann(fixture_reply(250, NULL, 1, "<b@example.org>"),
	    "VRFY b", ANNOTATE_COMMAND, 0);

	assert_has(end, "250 after end of data: the message is queued");
	assert_has(end, "\nnext: MAIL FROM for another message, or QUIT\n");
	assert_has(endshort, "the message is queued: the server is now "
	    "responsible for delivering it; MAIL FROM for another message, or "
	    "QUIT");
	assert_has(rcpt, "\nnext: more RCPT TO, or DATA");
	assert_has(noop, "\nnext: go on where you were");
	assert_has(vrfy, "\nnext: go on where you were: VRFY changes nothing");
	assert_lacks(end, "next command of the transaction");
	assert_lacks(rcpt, "next command of the transaction");
	assert_lacks(noop, "next command of the transaction");
	assert_lacks(vrfy, "next command of the transaction");
	/* The advice is given once, on the next: line. */
	assert_lacks(end, "QUIT (RFC");
	free(end);
	free(endshort);
	free(rcpt);
	free(noop);
	free(vrfy);
}

/* Every positive row of the context table: its own advice is the next:
 * line of the explanation. */
Test(annotate, every_context_row_gives_its_advice)
{
	const struct code_ctx *t;
	char want[300], *s;
	const char *cmd;
	enum annotate_ctx ctx;
	size_t n, i;

	t = codes_ctx_table(&n);
	for (i = 0; i < n; i++) {
		if (t[i].code == 0 || t[i].next == NULL)
			continue;
		ctx = ANNOTATE_COMMAND;
		cmd = t[i].verb;
		if (strcmp(t[i].verb, CODES_CTX_GREETING) == 0)
			ctx = ANNOTATE_GREETING;
		else if (strcmp(t[i].verb, CODES_CTX_DATA_END) == 0)
			ctx = ANNOTATE_DATA_END;
		else if (strcmp(t[i].verb, CODES_CTX_UNSOLICITED) == 0)
			ctx = ANNOTATE_UNSOLICITED;
		else if (strcmp(t[i].verb, CODES_CTX_BDAT_LAST) == 0) {
			ctx = ANNOTATE_BDAT;
			cmd = "BDAT 0 LAST";
		} else if (strcmp(t[i].verb, CODES_CTX_ANY) == 0)
			cmd = "XYZZY";
		if (ctx != ANNOTATE_COMMAND && ctx != ANNOTATE_BDAT)
			cmd = NULL;
		s = ann(fixture_reply(t[i].code, NULL, 1, "text"), cmd, ctx,
		    ANNOTATE_NO_WRAP);
		snprintf(want, sizeof want, "\nnext: %s\n", t[i].next);
		assert_has(s, want);
		free(s);
	}
}

/* QUIT answered: the session is over, said as such. */
Test(annotate, quit_221_says_what_now)
{
	char *q = ann(fixture_reply(221, "2.0.0", 1, "2.0.0 bye"), "QUIT",
	    ANNOTATE_COMMAND, 0);

	assert_has(q, "221 after QUIT: closing as asked: the session is over");
	assert_has(q, "\nnext: connect again to send more mail");
	assert_lacks(q, "nothing: the connection ends here");
	free(q);
}

/* RFC 5321 4.5.2: smtpscope stuffs the dots; a student who doubles them
 * too sends "..". */
Test(annotate, data_354_says_smtpscope_doubles_dots)
{
	char *d = ann(fixture_reply(354, NULL, 1, "go ahead"), "DATA",
	    ANNOTATE_COMMAND, ANNOTATE_NO_WRAP);
	char *s = ann(fixture_reply(354, NULL, 1, "go ahead"), "DATA",
	    ANNOTATE_COMMAND, ANNOTATE_SHORT);

	assert_has(d, "smtpscope doubles a leading dot itself");
	assert_has(d, "RFC 5321 4.1.1.4, 4.5.2");
	assert_has(s, "smtpscope doubles a leading dot itself");
	assert_lacks(d, "dot-stuffed");
	free(d);
	free(s);
}

/* RFC 3463 2: the enhanced code is read by its class.  A successful
 * 2.1.0 accepted an address; 4.x.x is temporary, 5.x.x permanent. */
Test(annotate, enhanced_code_read_by_its_class)
{
	char *mail = ann(fixture_reply(250, "2.1.0", 1, "2.1.0 Ok"),
	    "MAIL FROM:<a@example.org>", ANNOTATE_COMMAND, 0);
	char *rcpt = ann(fixture_reply(250, "2.1.5", 1, "2.1.5 Ok"),
	    "RCPT TO:<b@example.org>", ANNOTATE_COMMAND, 0);
	char *odd = ann(fixture_reply(250, "2.2.1", 1, "2.2.1 Ok"),
	    "RCPT TO:<b@example.org>", ANNOTATE_COMMAND, 0);
	char *auth = ann(fixture_reply(235, "2.7.0", 1, "2.7.0 ok"),
	    "AUTH PLAIN", ANNOTATE_COMMAND, 0);
	char *t = ann(fixture_reply(452, "4.2.2", 1, "4.2.2 full"),
	    "RCPT TO:<b@example.org>", ANNOTATE_COMMAND, 0);
	char *p = ann(fixture_reply(552, "5.2.2", 1, "5.2.2 full"),
	    "RCPT TO:<b@example.org>", ANNOTATE_COMMAND, 0);

	assert_has(mail, "2.1.0 Other address status\n  The address was "
	    "accepted");
	assert_lacks(mail, "Something about an address caused this result");
	assert_has(mail, "2.x.x Success (the action was done)");
	assert_has(rcpt, "recipient address is valid and was accepted");
	assert_has(odd, "Success concerning the mailbox");
	assert_lacks(odd, "does not accept messages");
	assert_has(auth, "security step succeeded");
	assert_has(t, "over quota");
	assert_has(t, "4.x.x Persistent Transient Failure (temporary: the same "
	    "command may work later)");
	assert_has(p, "5.x.x Permanent Failure (permanent: it fails again "
	    "unless something changes)");
	assert_lacks(p, "temporary");
	free(mail);
	free(rcpt);
	free(odd);
	free(auth);
	free(t);
	free(p);
}

/* --learn: a "why:" line after the summary, from the context row or,
 * where it has none, from the first digit; in the short form too. */
Test(annotate, learn_adds_why)
{
	char *mail = ann(fixture_reply(250, "2.1.0", 1, "2.1.0 Ok"),
	    "MAIL FROM:<a@example.org>", ANNOTATE_COMMAND, ANNOTATE_LEARN);
	char *shrt = ann(fixture_reply(250, "2.1.0", 1, "2.1.0 Ok"),
	    "MAIL FROM:<a@example.org>", ANNOTATE_COMMAND,
	    ANNOTATE_LEARN | ANNOTATE_SHORT);
	char *plain = ann(fixture_reply(250, "2.1.0", 1, "2.1.0 Ok"),
	    "MAIL FROM:<a@example.org>", ANNOTATE_COMMAND, ANNOTATE_SHORT);
	char *odd = ann(fixture_reply(473, NULL, 1, "odd"), "RCPT TO:<a@b>",
	    ANNOTATE_COMMAND, ANNOTATE_LEARN | ANNOTATE_NO_WRAP);
	char *junk = ann(fixture_reply(0, NULL, 1, "junk"), "NOOP",
	    ANNOTATE_COMMAND, ANNOTATE_LEARN);
	const char *nl = strchr(mail, '\n');

	cr_assert_not_null(nl);
	cr_assert(strncmp(nl + 1, "why: MAIL starts a transaction", 30) == 0,
	    "%s", mail);
	assert_has(mail, "envelope sender");
	assert_has(shrt, "; now give RCPT TO (RFC 5321 4.1.1.2)\nwhy: MAIL "
	    "starts a transaction");
	cr_assert_null(strchr(plain, '\n'));
	assert_lacks(plain, "why:");
	assert_has(odd, "\nwhy: 4yz: not done, but nothing is wrong for good");
	assert_lacks(junk, "why:");
	free(mail);
	free(shrt);
	free(plain);
	free(odd);
	free(junk);
}

/* A 501 after RCPT cites what applies to RCPT: not RFC 3207 (STARTTLS)
 * nor RFC 4954 (AUTH), which the code's general references name; after
 * STARTTLS and AUTH their own documents stay. */
Test(annotate, citations_fit_the_command)
{
	char err[256];
	char *s = ann(fixture_reply(501, "5.5.4", 1, "5.5.4 syntax"),
	    "RCPT TO:a@b", ANNOTATE_COMMAND, 0);

	assert_has(s, "\nrfc: RFC 5321 ");
	assert_lacks(s, "RFC 3207");
	assert_lacks(s, "RFC 4954");
	free(s);
	s = ann(fixture_reply(501, NULL, 1, "no parameters"), "STARTTLS x",
	    ANNOTATE_COMMAND, 0);
	assert_has(s, "RFC 3207");
	free(s);
	s = ann(fixture_reply(501, NULL, 1, "cancelled"), "AUTH PLAIN",
	    ANNOTATE_COMMAND, 0);
	assert_has(s, "RFC 4954");
	free(s);
	/* the code alone (explain 501): its own references, all of them */
	s = annotate_code(501, NULL, 0, err, sizeof err);
	cr_assert_not_null(s);
	assert_has(s, "RFC 3207 4");
	free(s);
}

/* The parts a program reads (JSON Lines): the summary alone, the next
 * step, each RFC section of the whole explanation. */
Test(annotate, reply_parts)
{
	struct annotate_parts	 p;
	struct reply		*r = fixture_reply(250, "2.1.0", 1,
	    "2.1.0 Sender ok");
	size_t			 i;
	int			 has5321 = 0, has3463 = 0;

	cr_assert_eq(annotate_reply_parts(r, "MAIL FROM:<a@b.example>",
	    ANNOTATE_COMMAND, &p), 0);
	cr_assert_str_eq(p.summary, "250 after MAIL FROM: sender accepted");
	cr_assert_str_eq(p.next, "now give RCPT TO");
	cr_assert_gt(p.nrfc, 1);
	for (i = 0; i < p.nrfc; i++) {
		cr_assert(strncmp(p.rfc[i], "RFC ", 4) == 0, "%s", p.rfc[i]);
		cr_assert(strchr(p.rfc[i], ',') == NULL &&
		    strchr(p.rfc[i], ';') == NULL, "%s", p.rfc[i]);
		has5321 |= strcmp(p.rfc[i], "RFC 5321 4.1.1.2") == 0;
		has3463 |= strncmp(p.rfc[i], "RFC 3463 ", 9) == 0;
	}
	cr_assert(has5321 && has3463);
	reply_free(r);
}
