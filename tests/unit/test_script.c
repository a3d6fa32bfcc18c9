/*
 * test_script.c -- the session file reader: events, escapes, header,
 * validation errors with file:line, rewind/seek and the repeat part;
 * and replay's comparison of one S: line with a reply line.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "script.h"
#include "transcript.h"

static struct script *
from_string(const char *text)
{
	FILE *f = tmpfile();

	cr_assert_not_null(f);
	fputs(text, f);
	rewind(f);
	return script_fopen(f, 1, "t.smtp");
}

/* Validate text; return 0 or -1 with the error in err. */
static int
validate(const char *text, struct script_info *info, char *err, size_t len)
{
	struct script *s = from_string(text);
	int rc = script_validate(s, info, err, len);

	script_close(s);
	return rc;
}

static void
expect_error(const char *text, const char *want)
{
	struct script_info info;
	char err[256] = "";

	cr_assert_eq(validate(text, &info, err, sizeof err), -1,
	    "accepted: %s", text);
	cr_assert(strstr(err, want) != NULL, "error \"%s\" lacks \"%s\"",
	    err, want);
}

Test(script, events_in_order)
{
	struct script *s = from_string(
	    "# smtpscope session 1\n"
	    "# server mx.example.org:2525 at 2026-11-24T19:04:53Z\n"
	    "S: 220 mx ESMTP\n"
	    "\n"
	    "C: EHLO me\n"
	    "S: 250-mx\n"
	    "# +1.2ms\n"
	    "S: 250 PIPELINING\n"
	    "C: MAIL FROM:<a@b>\n"
	    "S: 250 2.1.0 Ok\n"
	    "T: starttls TLSv1.3 X verify=ok\n"
	    "C: DATA\n"
	    "S: 3xx\n"
	    "D:\n"
	    "D: ..x\n"
	    "D: .\n");
	struct script_event ev;
	char err[256];

	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(ev.tag, SCRIPT_SERVER);
	cr_assert_str_eq(ev.code, "220");
	cr_assert_eq(ev.sep, ' ');
	cr_assert_eq(ev.line, 3);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(ev.tag, SCRIPT_CLIENT);
	cr_assert_str_eq(ev.text, "EHLO me");
	cr_assert_eq(ev.line, 5);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(ev.sep, '-');
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(ev.line, 8);
	cr_assert_eq(ev.sep, ' ');
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.text, "MAIL FROM:<a@b>");
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.enhanced, "2.1.0");
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(ev.tag, SCRIPT_TLS);
	cr_assert_eq(ev.starttls, 1);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.code, "3xx");
	cr_assert_eq(ev.enhanced[0], '\0');
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(ev.tag, SCRIPT_DATA);
	cr_assert_eq(ev.len, 0);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.text, "..x");
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.text, ".");
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 0);
	script_close(s);
}

Test(script, validate_collects_info)
{
	struct script_info info;
	char err[256] = "";

	cr_assert_eq(validate(
	    "# smtpscope session 1\r\n"
	    "# server [::1]:25 at 2026-11-24T19:04:53Z\r\n"
	    "T: tls TLSv1.3\r\n"
	    "S: 220 hi\r\n"
	    "C: EHLO me\r\n"
	    "S: 250 ok\r\n"
	    "C: MAIL FROM:<>\r\n"
	    "C: RCPT TO:<a@b>\r\n"
	    "S: 250\r\n"
	    "S: 250\r\n"
	    "C: QUIT\r\n"
	    "S: 221\r\n", &info, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(info.server, "[::1]:25");
	cr_assert_eq(info.implicit_tls, 1);
	cr_assert_eq(info.expectations, 5);
	cr_assert_eq(info.repeat_line, 7);
	cr_assert_eq(info.repeat_end_line, 11);
	cr_assert_eq(info.repeat_ok, 1);
}

/* "# practice NAME" in the header: recorded against the practice server
 * with that scenario; other "# practice ..." lines are comments. */
Test(script, practice_header)
{
	struct script_info info;
	char err[256] = "";

	cr_assert_eq(validate(
	    "# smtpscope session 1\n"
	    "# server 127.0.0.1:34923 at 2026-11-24T19:04:53Z\n"
	    "# practice greylist\n"
	    "S: 220 hi\n", &info, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(info.practice, "greylist");
	cr_assert_str_eq(info.server, "127.0.0.1:34923");
	cr_assert_eq(validate(
	    "# smtpscope session 1\n"
	    "S: 220 hi\n", &info, err, sizeof err), 0, "%s", err);
	cr_assert_str_empty(info.practice);
	/* after the first event, not a header */
	cr_assert_eq(validate(
	    "# smtpscope session 1\n"
	    "S: 220 hi\n"
	    "# practice slow\n", &info, err, sizeof err), 0, "%s", err);
	cr_assert_str_empty(info.practice);
	/* prose, upper case, a long name: comments */
	cr_assert_eq(validate(
	    "# smtpscope session 1\n"
	    "# practice makes perfect\n"
	    "# practice Normal\n"
	    "# practice abcdefghijklmnopqrstuvwxyz0123456789\n"
	    "# practice \n"
	    "S: 220 hi\n", &info, err, sizeof err), 0, "%s", err);
	cr_assert_str_empty(info.practice);
}

Test(script, repeat_needs_group_start)
{
	struct script_info info;
	char err[256] = "";

	cr_assert_eq(validate("# smtpscope session 1\nS: 220\n"
	    "C: EHLO x\nC: MAIL FROM:<>\nS: 250\nS: 250\n", &info, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(info.repeat_line, 4);
	cr_assert_eq(info.repeat_ok, 0);
	cr_assert_eq(info.repeat_end_offset, -1);
}

Test(script, malformed_files)
{
	expect_error("", "t.smtp:1: empty file");
	expect_error("S: 220\n", "t.smtp:1: not a session file");
	expect_error("# smtpscope session 2\n", "t.smtp:1: session format "
	    "version 2 is not supported");
	expect_error("# smtpscope session 1\nX: hello\n", "t.smtp:2: unknown");
	expect_error("# smtpscope session 1\nC:EHLO\n", "t.smtp:2: \"C:\" "
	    "must be followed by one space");
	expect_error("# smtpscope session 1\nS: hello\n", "t.smtp:2: an S: "
	    "line starts with a reply code");
	expect_error("# smtpscope session 1\nS: 2y0\n", "t.smtp:2: bad reply");
	expect_error("# smtpscope session 1\nS: 250x\n", "t.smtp:2: the reply "
	    "code must be followed");
	expect_error("# smtpscope session 1\nS: 250-a\n\nC: QUIT\n",
	    "t.smtp:4: the reply begun on line 2");
	expect_error("# smtpscope session 1\nS: 250-a\n",
	    "the file ends inside the reply begun on line 2");
	expect_error("# smtpscope session 1\nC: NOOP\nD: x\n",
	    "t.smtp:3: D: line without a DATA");
	expect_error("# smtpscope session 1\nC: DATA\nS: 354\nD: x\n"
	    "C: QUIT\n", "t.smtp:5: C: line inside a message body");
	expect_error("# smtpscope session 1\nC: DATA\nS: 354\nD: x\n",
	    "ends inside a message body");
	expect_error("# smtpscope session 1\nC: EHLO x\nT: tls\n",
	    "t.smtp:3: \"T: tls\" (implicit TLS) must come before");
	expect_error("# smtpscope session 1\nT: ssl\n", "t.smtp:2: a T: line");
	expect_error("# smtpscope session 1\nC: a\\qb\n",
	    "t.smtp:2: bad escape at column 5");
	expect_error("# smtpscope session 1\nC: a\\x0\n", "t.smtp:2: bad escape");
	expect_error("# smtpscope session 1\nC: a\\x00b\n", "t.smtp:2: a NUL");
}

Test(script, long_line_refused)
{
	size_t n = SCRIPT_LINE_MAX + 100;
	char *text = malloc(n + 64);

	cr_assert_not_null(text);
	snprintf(text, n + 64, "%s", "# smtpscope session 1\nC: ");
	memset(text + strlen(text), 'a', n);
	text[25 + n] = '\0';
	expect_error(text, "t.smtp:2: no line end within 65536 octets");
	free(text);
}

/* A stream that never ends its line (/dev/zero, a pipe): counted. */
static ssize_t
endless_read(void *cookie, char *buf, size_t size)
{
	size_t *total = cookie;

	if (*total >= 8 * 1024 * 1024)
		return 0;	/* a bound for the test only */
	memset(buf, 'a', size);
	*total += size;
	return (ssize_t)size;
}

/* A file without a line end in its first 64 KiB is refused at once,
 * whatever kind of file it is: the reader does not read on (replay
 * /dev/zero spun for ever). */
Test(script, no_line_end_stops_reading)
{
	cookie_io_functions_t io = { .read = endless_read };
	struct script_info info;
	struct script *s;
	size_t total = 0;
	char err[256] = "";
	FILE *f;

	f = fopencookie(&total, "r", io);
	cr_assert_not_null(f);
	s = script_fopen(f, 1, "zero");
	cr_assert_not_null(s);
	cr_assert_eq(script_validate(s, &info, err, sizeof err), -1);
	cr_assert(strstr(err, "zero:1: no line end within 65536 octets") !=
	    NULL, "%s", err);
	cr_assert_lt(total, 2 * SCRIPT_LINE_MAX, "read %zu octets", total);
	script_close(s);
}

/* The grammar's text: controls and bytes that are not UTF-8 are written
 * escaped; raw, they are refused (they would be sent as they are), with
 * the line and the column. */
Test(script, raw_controls_and_invalid_utf8_refused)
{
	struct script_info info;
	char err[256];

	expect_error("# smtpscope session 1\nS: 220\nC: NOOP \x1b]0;x\x07\n",
	    "t.smtp:3: a raw control byte (0x1b) at column 9");
	expect_error("# smtpscope session 1\nC: DATA\nS: 354\nD: a\tb\n",
	    "t.smtp:4: a raw control byte (0x09) at column 5");
	expect_error("# smtpscope session 1\nC: DATA\nS: 354\nD: caf\xe9\n",
	    "t.smtp:4: invalid UTF-8 (0xe9) at column 7");
	expect_error("# smtpscope session 1\nC: NOOP \xc0\xaf\n",
	    "t.smtp:2: invalid UTF-8 (0xc0) at column 9");
	expect_error("# smtpscope session 1\nS: 220 a\xc2\x9b\n",
	    "t.smtp:2: a raw C1 control (U+009B) at column 9");
	expect_error("# smtpscope session 1\nC: NOOP\x7f\n",
	    "t.smtp:2: a raw control byte (0x7f) at column 8");
	expect_error("# smtpscope session 1\nT: starttls \x01\n",
	    "t.smtp:2: a raw control byte (0x01)");
	/* the same written as the grammar says, and valid UTF-8: taken */
	cr_assert_eq(validate("# smtpscope session 1\nS: 220 caf\xc3\xa9 "
	    "\xe6\x97\xa5\nC: NOOP \\x1b]0;x\\x07\nS: 250\nC: DATA\n"
	    "S: 354\nD: a\\x09b caf\\xe9\nD: .\nS: 250\n", &info, err,
	    sizeof err), 0, "%s", err);
	/* a CR before the LF is the line end, and comments are free */
	cr_assert_eq(validate("# smtpscope session 1\r\n# \x1b\xff\r\n"
	    "S: 220\r\n", &info, err, sizeof err), 0, "%s", err);
}

Test(script, masked_secrets_need_environment)
{
	struct script_info info;
	char err[256] = "";
	const char *text = "# smtpscope session 1\nS: 220\n"
	    "C: AUTH PLAIN ********\nS: 235\n"
	    "C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ********\nS: 334 x\n"
	    "C: ********\nS: 235\n";

	unsetenv("SMTPSCOPE_SECRET");
	unsetenv("SMTPSCOPE_SECRET_1");
	unsetenv("SMTPSCOPE_SECRET_2");
	unsetenv("SMTPSCOPE_SECRET_3");
	expect_error(text, "t.smtp:3: masked secret: set SMTPSCOPE_SECRET_1");
	setenv("SMTPSCOPE_SECRET_1", "AGEAYg==", 1);
	setenv("SMTPSCOPE_SECRET_2", "dXNlcg==", 1);
	expect_error(text, "t.smtp:9: masked secret: set SMTPSCOPE_SECRET_3");
	setenv("SMTPSCOPE_SECRET", "cGFzcw==", 1);
	cr_assert_eq(validate(text, &info, err, sizeof err), 0, "%s", err);
	cr_assert_eq(info.secrets, 3);
	cr_assert_str_eq(script_secret(1), "AGEAYg==");
	cr_assert_str_eq(script_secret(3), "cGFzcw==");
	cr_assert(script_is_masked("AUTH PLAIN ********"));
	cr_assert(script_is_masked("auth login ********"));
	cr_assert(script_is_masked("********"));
	cr_assert(!script_is_masked("AUTH LOGIN"));
	cr_assert(!script_is_masked("MAIL FROM:<********>"));
	cr_assert(!script_is_masked("AUTH PLAIN x********"));
}

/* Whatever the spacing the writer masked (transcript_mask_auth()), the
 * reader finds the mask: replay sends the secret in its place, not the
 * eight stars. */
Test(script, masked_as_the_writer_masks)
{
	static const char *const lines[] = {
		"AUTH PLAIN dGVzdA==",
		"AUTH\tPLAIN dGVzdA==",
		" AUTH PLAIN dGVzdA==",
		"\tauth  plain\tdGVzdA== x",
		"AUTH XOAUTH2   dXNlcj1",
	};
	char	buf[64];
	size_t	i, mech;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		cr_assert_eq(transcript_mask_auth(lines[i], buf, sizeof buf), 1);
		cr_assert(script_is_masked(buf), "not read as masked: %s", buf);
		cr_assert_neq(script_auth_response(lines[i], &mech), 0);
		cr_assert_eq(strncmp(buf, lines[i], mech), 0);
	}
	cr_assert_eq(script_auth_response("AUTH LOGIN", &mech), 0);
	cr_assert_eq(script_auth_response("AUTH PLAIN  ", &mech), 0);
	cr_assert_eq(script_auth_response("NOOP AUTH PLAIN x", &mech), 0);
	cr_assert_eq(script_auth_response("AUTH\tPLAIN\tx", &mech), 11);
	cr_assert_eq(mech, 10);
}

Test(script, unescape)
{
	char s[64], err[128];
	long n;

	snprintf(s, sizeof s, "%s", "a\\\\b\\x1b[31m\\x20");
	n = script_unescape(s, strlen(s), err, sizeof err);
	cr_assert_eq(n, 9);
	cr_assert_eq(memcmp(s, "a\\b\x1b[31m ", 9), 0);
	snprintf(s, sizeof s, "%s", "\\x00\\xFF");
	cr_assert_eq(script_unescape(s, strlen(s), err, sizeof err), 2);
	cr_assert_eq(s[0], 0);
	cr_assert_eq((unsigned char)s[1], 0xff);
	snprintf(s, sizeof s, "%s", "trailing\\");
	cr_assert_eq(script_unescape(s, strlen(s), err, sizeof err), -1);
}

Test(script, status_and_patterns)
{
	char code[4], sep, esc[12], err[128];

	cr_assert_eq(script_parse_status("250 2.1.0 Ok", 12, code, &sep, esc,
	    err, sizeof err), 0);
	cr_assert_str_eq(code, "250");
	cr_assert_str_eq(esc, "2.1.0");
	cr_assert_eq(script_parse_status("25X-2.1.0.example", 17, code, &sep,
	    esc, err, sizeof err), 0);
	cr_assert_str_eq(code, "25x");
	cr_assert_eq(sep, '-');
	cr_assert_str_eq(esc, "");
	cr_assert_eq(script_parse_status("5xx", 3, code, &sep, esc, err,
	    sizeof err), 0);
	cr_assert_eq(sep, '\0');
	cr_assert_eq(script_parse_status("650", 3, code, &sep, esc, err,
	    sizeof err), -1);

	cr_assert(script_code_match("250", 250));
	cr_assert(!script_code_match("250", 251));
	cr_assert(script_code_match("2xx", 221));
	cr_assert(!script_code_match("2xx", 354));
	cr_assert(script_code_match("25x", 251));
	cr_assert(!script_code_match("25x", 221));
	cr_assert(!script_code_match("2xx", 0));
}

Test(script, rewind_and_seek)
{
	struct script *s = from_string("# smtpscope session 1\n"
	    "S: 220\nC: MAIL FROM:<>\nS: 250\nC: QUIT\n");
	struct script_info info;
	struct script_event ev;
	char err[256];
	long off;
	unsigned long line;

	cr_assert_eq(script_validate(s, &info, err, sizeof err), 0, "%s", err);
	cr_assert_eq(script_rewind(s), 0);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(ev.line, 2);
	script_tell(s, &off, &line);
	cr_assert_eq(off, info.repeat_offset);
	cr_assert_eq(line + 1, info.repeat_line);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_eq(script_seek(s, info.repeat_offset, info.repeat_line - 1), 0);
	cr_assert_eq(script_next(s, &ev, err, sizeof err), 1);
	cr_assert_str_eq(ev.text, "MAIL FROM:<>");
	cr_assert_eq(ev.line, 3);
	script_close(s);
}

/* replay_match_line() with S: line exp, its status parsed as
 * script_next() does. */
static int
match(const char *exp, const char *got, int first, int strict, char *why,
    size_t whylen)
{
	struct script_event	ev;
	char			err[128];

	memset(&ev, 0, sizeof ev);
	ev.tag = SCRIPT_SERVER;
	ev.text = (char *)exp;
	ev.len = strlen(exp);
	cr_assert_eq(script_parse_status(exp, ev.len, ev.code, &ev.sep,
	    ev.enhanced, err, sizeof err), 0, "%s", err);
	return replay_match_line(&ev, got, strlen(got), first, strict, why,
	    whylen);
}

/* The comparison replay makes for each S: line (replay.c). */
Test(replay_match, codes_enhanced_and_text)
{
	char why[160];

#define M(exp, got, first, strict) \
	match(exp, got, first, strict, why, sizeof why)
	cr_assert(M("250", "250 2.1.0 Ok", 1, 0));
	cr_assert(M("2xx", "221 Bye", 1, 0));
	cr_assert(M("25x Ok", "251 2.1.5 forwarded", 1, 0));
	cr_assert(!M("250", "550 5.1.1 no such user", 1, 0));
	cr_assert_str_eq(why, "expected 250");
	cr_assert(M("250 2.1.0 Ok", "250 2.1.0 Sender fine", 1, 0));
	cr_assert(!M("250 2.1.0 Ok", "250 2.1.5 Sender fine", 1, 0));
	cr_assert_str_eq(why, "expected enhanced code 2.1.0, got 2.1.5");
	cr_assert(!M("250 2.1.0", "250 Ok", 1, 0));
	cr_assert_str_eq(why, "expected enhanced code 2.1.0, got none");
	/* the enhanced code is checked on the first line only */
	cr_assert(M("250-2.1.0 x", "250-PIPELINING", 0, 0));
	cr_assert(!M("250 Ok", "250 OK", 1, 1));
	cr_assert_str_eq(why, "the text differs (--strict)");
	cr_assert(M("250 Ok", "250 Ok", 1, 1));
	cr_assert(!M("250", "xyz", 1, 0));
#undef M
}

/* Errors quote the file's text: a hostile file cannot drive the terminal. */
Test(script, errors_never_quote_control_bytes)
{
	struct script_info info;
	char err[256];

	cr_assert_eq(validate("# smtpscope session 1\x1b[2J\n", &info, err,
	    sizeof err), -1);
	cr_assert_null(strchr(err, '\x1b'), "raw ESC in: %s", err);
	cr_assert(strstr(err, "\\x1b[2J") != NULL, "not shown: %s", err);

	cr_assert_eq(validate("# smtpscope session 1\nS: 2\\x1bx ok\n", &info,
	    err, sizeof err), -1);
	cr_assert_null(strchr(err, '\x1b'), "raw ESC in: %s", err);
	cr_assert(strstr(err, "bad reply code \"2\\x1bx\"") != NULL,
	    "not shown: %s", err);

	/* the server line names what replay connects to and reports */
	expect_error("# smtpscope session 1\n# server mx\x1b]0;x\x07:25\n"
	    "S: 220\n", "bad \"# server\" line");
	cr_assert_eq(validate("# smtpscope session 1\n# server [::1]:2525 at "
	    "2026-11-24T19:04:53Z\nS: 220\n", &info, err, sizeof err), 0,
	    "%s", err);
	cr_assert_str_eq(info.server, "[::1]:2525");
}
