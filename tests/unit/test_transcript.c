/*
 * test_transcript.c -- the session file writer: header, masking, escapes,
 * latency comments, flushing, and the round trip through script.c.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "script.h"
#include "transcript.h"

static struct reply *
parse(const char *bytes, size_t len)
{
	struct reply_parser *p = reply_parser_new();
	struct reply *r;

	cr_assert_not_null(p);
	cr_assert_eq(reply_feed(p, bytes, len), 0);
	r = reply_parser_next(p);
	cr_assert_not_null(r, "no reply parsed");
	reply_parser_free(p);
	return r;
}

/* The whole content of f, as a string. */
static char *
slurp(FILE *f)
{
	long n;
	char *s;

	fflush(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	s = calloc(1, (size_t)n + 1);
	cr_assert_not_null(s);
	fseek(f, 0, SEEK_SET);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	return s;
}

Test(transcript, header_and_events)
{
	FILE *f = tmpfile();
	struct transcript *t = transcript_fopen(f, 0, "mx.example.org:25", 0, 1);
	struct reply *r = parse("250-mx\r\n250 PIPELINING\r\n", 24);
	char *s;

	cr_assert_not_null(t);
	cr_assert_eq(transcript_command(t, "EHLO me", ANNOTATE_COMMAND), 0);
	cr_assert_eq(transcript_reply(t, r, 12.34), 0);
	cr_assert_eq(transcript_tls(t, "starttls", "TLSv1.3 X verify=ok"), 0);
	cr_assert_eq(transcript_body(t, ""), 0);
	cr_assert_eq(transcript_comment(t, "two\nlines"), 0);
	/* Flushed per event: the content is there before close. */
	s = slurp(f);
	cr_assert(strncmp(s, "# smtpscope session 1\n# server mx.example.org:25 at ",
	    52) == 0, "%s", s);
	cr_assert(strstr(s, "Z\nC: EHLO me\nS: 250-mx\nS: 250 PIPELINING\n"
	    "# +12.3ms\nT: starttls TLSv1.3 X verify=ok\nD:\n"
	    "# two\n# lines\n") != NULL, "%s", s);
	free(s);
	transcript_close(t);
	fclose(f);
	reply_free(r);
}

Test(transcript, secrets_masked)
{
	FILE *f = tmpfile();
	struct transcript *t = transcript_fopen(f, 0, NULL, 0, 0);
	char *s;

	transcript_command(t, "AUTH PLAIN AGFsaWNlAHNlY3JldA==", ANNOTATE_COMMAND);
	transcript_command(t, "auth login", ANNOTATE_COMMAND);
	transcript_command(t, "YWxpY2U=", ANNOTATE_AUTH_STEP);
	transcript_command(t, "*", ANNOTATE_AUTH_STEP);
	transcript_command(t, "MAIL FROM:<a@b>", ANNOTATE_COMMAND);
	s = slurp(f);
	cr_assert_str_eq(s, "# smtpscope session 1\n"
	    "C: AUTH PLAIN ********\n"
	    "C: auth login\n"
	    "C: ********\n"
	    "C: *\n"
	    "C: MAIL FROM:<a@b>\n");
	cr_assert(strstr(s, "AGFsaWNl") == NULL);
	cr_assert(strstr(s, "YWxpY2U") == NULL);
	free(s);
	transcript_close(t);
	fclose(f);
}

Test(transcript, secrets_shown_on_request)
{
	FILE *f = tmpfile();
	struct transcript *t = transcript_fopen(f, 0, NULL, 1, 0);
	char *s;

	transcript_command(t, "AUTH PLAIN AGFsaWNlAHNlY3JldA==", ANNOTATE_COMMAND);
	transcript_command(t, "YWxpY2U=", ANNOTATE_AUTH_STEP);
	s = slurp(f);
	cr_assert(strstr(s, "C: AUTH PLAIN AGFsaWNlAHNlY3JldA==\nC: YWxpY2U=\n")
	    != NULL, "%s", s);
	free(s);
	transcript_close(t);
	fclose(f);
}

Test(transcript, mask_auth)
{
	char buf[64];

	transcript_mask_auth("AUTH PLAIN dGVzdA==", buf, sizeof buf);
	cr_assert_str_eq(buf, "AUTH PLAIN ********");
	transcript_mask_auth("AUTH XOAUTH2   dXNlcj1", buf, sizeof buf);
	cr_assert_str_eq(buf, "AUTH XOAUTH2 ********");
	transcript_mask_auth("AUTH LOGIN", buf, sizeof buf);
	cr_assert_str_eq(buf, "AUTH LOGIN");
	transcript_mask_auth("AUTHX a b", buf, sizeof buf);
	cr_assert_str_eq(buf, "AUTHX a b");
	transcript_mask_auth("NOOP AUTH PLAIN x", buf, sizeof buf);
	cr_assert_str_eq(buf, "NOOP AUTH PLAIN x");
}

/* White space before the verb or between the words (lines the checker
 * refuses, and shows) never uncovers the initial response. */
Test(transcript, mask_auth_whatever_the_spacing)
{
	char buf[64];

	cr_assert_eq(transcript_mask_auth(" AUTH PLAIN dGVzdA==", buf,
	    sizeof buf), 1);
	cr_assert_str_eq(buf, " AUTH PLAIN ********");
	cr_assert_eq(transcript_mask_auth("\tauth  plain\tdGVzdA==", buf,
	    sizeof buf), 1);
	cr_assert_str_eq(buf, "\tauth  plain ********");
	cr_assert_eq(transcript_mask_auth("AUTH\tPLAIN dGVzdA== x", buf,
	    sizeof buf), 1);
	cr_assert_str_eq(buf, "AUTH\tPLAIN ********");
	cr_assert_eq(transcript_mask_auth("AUTH PLAIN   ", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "AUTH PLAIN   ");
	/* size 0: only the verdict */
	cr_assert_eq(transcript_mask_auth("AUTH PLAIN x", NULL, 0), 1);
	cr_assert_eq(transcript_mask_auth("NOOP", NULL, 0), 0);
}

Test(transcript, escapes)
{
	FILE *f = tmpfile();
	struct transcript *t = transcript_fopen(f, 0, NULL, 0, 0);
	char *s;

	transcript_command(t, "a\\b\x1b[31m\ttrail ", ANNOTATE_COMMAND);
	transcript_body(t, "caf\xc3\xa9 \xff\xc2\x85 x");
	s = slurp(f);
	cr_assert_str_eq(s, "# smtpscope session 1\n"
	    "C: a\\\\b\\x1b[31m\\x09trail\\x20\n"
	    "D: caf\xc3\xa9 \\xff\\xc2\\x85 x\n");
	free(s);
	transcript_close(t);
	fclose(f);
}

/* What is written reads back as the same bytes and codes. */
Test(transcript, round_trip)
{
	static const char *lines[] = {
		"EHLO x", "MAIL FROM:<a\\b@example.org>  ", "\x01\x7f\xe2\x82\xac",
		" leading", "",
	};
	FILE *f = tmpfile();
	struct transcript *t = transcript_fopen(f, 0, "h:1", 0, 1);
	struct reply *r = parse("550-5.1.1 no\x1b\r\n550 5.1.1 such \r\n", 32);
	struct script *sc;
	struct script_event ev;
	struct script_info info;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
		transcript_command(t, lines[i], ANNOTATE_COMMAND);
	transcript_command(t, "DATA", ANNOTATE_COMMAND);
	transcript_body(t, ".hidden");
	transcript_body(t, ".");
	transcript_reply(t, r, 0.5);
	transcript_close(t);
	rewind(f);
	sc = script_fopen(f, 1, "rt.smtp");
	cr_assert_eq(script_validate(sc, &info, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(info.server, "h:1");
	cr_assert_eq(script_rewind(sc), 0);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		cr_assert_eq(script_next(sc, &ev, err, sizeof err), 1, "%s", err);
		cr_assert_eq(ev.tag, SCRIPT_CLIENT);
		cr_assert_eq(ev.len, strlen(lines[i]));
		cr_assert_str_eq(ev.text, lines[i]);
	}
	cr_assert_eq(script_next(sc, &ev, err, sizeof err), 1);
	cr_assert_eq(script_next(sc, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.text, ".hidden");
	cr_assert_eq(script_next(sc, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.text, ".");
	cr_assert_eq(script_next(sc, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.text, "550-5.1.1 no\x1b");
	cr_assert_str_eq(ev.code, "550");
	cr_assert_str_eq(ev.enhanced, "5.1.1");
	cr_assert_eq(script_next(sc, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.text, "550 5.1.1 such ");
	cr_assert_eq(script_next(sc, &ev, err, sizeof err), 0);
	script_close(sc);
	reply_free(r);
}

Test(transcript, open_fails_with_message)
{
	char err[256] = "";

	cr_assert_null(transcript_open("/nonexistent-dir/x.smtp", "h:1", 0, 0,
	    err, sizeof err));
	cr_assert(strstr(err, "cannot write /nonexistent-dir/x.smtp") != NULL,
	    "%s", err);
}

/* Validate what was written; return the number of expectations. */
static unsigned long
reads_back(FILE *f, char **text)
{
	struct script	*sc;
	struct script_info info;
	char		 err[256];

	*text = slurp(f);
	rewind(f);
	sc = script_fopen(f, 0, "w.smtp");
	cr_assert_not_null(sc);
	cr_assert_eq(script_validate(sc, &info, err, sizeof err), 0,
	    "the writer wrote what the reader refuses: %s", err);
	script_close(sc);
	return info.expectations;
}

/* Whatever a server sends, the file written stays a valid script. */
Test(transcript, hostile_replies_read_back)
{
	static const struct {
		const char	*bytes;
		int		 finish;	/* the connection closed */
		unsigned long	 expect;	/* expectations in the file */
		const char	*want;
	} cases[] = {
		{ "hello without a code\r\n", 0, 0,
		  "# S: hello without a code\n" },
		{ "250x bad separator\r\n", 0, 0, "# S: 250x bad separator\n" },
		{ "250-a\r\nno code inside\r\n250 b\r\n", 0, 0,
		  "# S: 250-a\n# S: no code inside\n# S: 250 b\n" },
		{ "250-first\r\n250-second", 1, 0,
		  "# S: 250-first\n# S: 250-second\n" },
		/* cut short by the close, even where the last line looks
		 * whole: a comment, never an expectation */
		{ "250-first\r\n250 last", 1, 0,
		  "# S: 250-first\n# S: 250 last\n" },
		{ "220 ok", 1, 0, "# a reply that no S: line can expect (cut "
		  "short: the connection closed inside it); as received:\n"
		  "# S: 220 ok\n" },
		{ "250-a\r\n251 mismatch\r\n", 0, 1, "S: 250-a\nS: 251 mismatch\n" },
	};
	struct reply_parser *p;
	struct reply	*r;
	struct transcript *t;
	FILE		*f;
	char		*s;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		f = tmpfile();
		t = transcript_fopen(f, 0, NULL, 0, 0);
		p = reply_parser_new();
		reply_feed(p, cases[i].bytes, strlen(cases[i].bytes));
		if (cases[i].finish)
			reply_parser_finish(p);
		r = reply_parser_next(p);
		cr_assert_not_null(r);
		cr_assert_eq(transcript_reply(t, r, -1), 0);
		cr_assert_eq(reads_back(f, &s), cases[i].expect, "case %zu: %s",
		    i, s);
		cr_assert(strstr(s, cases[i].want) != NULL, "case %zu: %s", i, s);
		free(s);
		reply_free(r);
		reply_parser_free(p);
		transcript_close(t);
		fclose(f);
	}
}

/* A line longer than the reader takes is cut, never half an escape, and
 * the reply it belongs to is kept as comments: cut, it is not what the
 * server sent.  Over 64 KiB the parser cut it already; shorter, its
 * escapes can still make it too long for the file. */
Test(transcript, long_lines_cut_to_what_the_reader_takes)
{
	size_t		 n = 70000, i;
	char		*bytes = malloc(n + 7);
	struct reply	*r;
	struct transcript *t;
	FILE		*f = tmpfile();
	char		*s;

	memcpy(bytes, "250 ", 4);
	for (i = 4; i < n; i++)
		bytes[i] = (char)(i % 3 == 0 ? '\x1b' : 'x');
	memcpy(bytes + n, "\r\n", 3);
	t = transcript_fopen(f, 0, NULL, 0, 0);
	r = parse(bytes, n + 2);
	cr_assert_eq(transcript_reply(t, r, -1), 0);
	cr_assert_eq(reads_back(f, &s), 0, "%s", s);
	cr_assert(strstr(s, "\n# (lines above cut to ") != NULL);
	cr_assert(strstr(s, "no S: line can expect (cut short: a line over "
	    "64 KiB)") != NULL);
	cr_assert(strstr(s, "\n# S: 250 ") != NULL);
	cr_assert_null(strstr(s, "\nS: "));
	free(s);
	reply_free(r);
	transcript_close(t);
	fclose(f);

	/* 30000 octets, each written as a four-octet escape */
	n = 30000;
	memcpy(bytes, "250 ", 4);
	memset(bytes + 4, '\x1b', n - 4);
	memcpy(bytes + n, "\r\n", 3);
	f = tmpfile();
	t = transcript_fopen(f, 0, NULL, 0, 0);
	r = parse(bytes, n + 2);
	cr_assert_eq(r->faults & REPLY_FAULT_TRUNCATED, 0);
	cr_assert_eq(transcript_reply(t, r, -1), 0);
	cr_assert_eq(reads_back(f, &s), 0, "%s", s);
	cr_assert(strstr(s, "(a line too long for this file format)") != NULL);
	cr_assert(strstr(s, "\n# (lines above cut to ") != NULL);
	free(s);
	reply_free(r);
	transcript_close(t);
	fclose(f);
	free(bytes);
}

/* The header names the server as given, escaped like any text. */
Test(transcript, header_server_escaped)
{
	FILE *f = tmpfile();
	struct transcript *t = transcript_fopen(f, 0, "mx\x1b[2J:25", 0, 0);
	char *s;

	cr_assert_not_null(t);
	s = slurp(f);
	cr_assert_null(strchr(s, '\x1b'), "%s", s);
	cr_assert(strstr(s, "# server mx\\x1b[2J:25 at ") != NULL, "%s", s);
	free(s);
	transcript_close(t);
	fclose(f);
}

/* Comments read back whatever they hold: a line too long for the reader
 * is cut (a partial reply kept at the end of a session may be 64 KiB of
 * control bytes, four octets each once escaped), and a comment never
 * reads as the "# server" header that names the server replay uses. */
Test(transcript, comments_read_back)
{
	FILE		 *f = tmpfile();
	struct transcript *t = transcript_fopen(f, 0, NULL, 0, 0);
	struct script	 *sc;
	struct script_info info;
	char		 err[256], *s, *big;
	size_t		 n = 40000;

	cr_assert_not_null(t);
	big = malloc(n + 1);
	cr_assert_not_null(big);
	memset(big, '\x1b', n);
	big[n] = '\0';
	cr_assert_eq(transcript_comment(t, "server evil.example:25"), 0);
	cr_assert_eq(transcript_comment(t, big), 0);
	cr_assert_eq(reads_back(f, &s), 0, "%s", s);
	cr_assert(strstr(s, "\n# (lines above cut to ") != NULL);
	free(s);
	rewind(f);
	sc = script_fopen(f, 0, "w.smtp");
	cr_assert_eq(script_validate(sc, &info, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(info.server, "", "a comment named the server");
	script_close(sc);
	transcript_close(t);
	fclose(f);
	free(big);
}
