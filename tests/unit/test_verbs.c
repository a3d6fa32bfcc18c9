/*
 * test_verbs.c -- the verb table and the command syntax checker.
 *
 * The grammar table lists command lines with the highest severity the
 * checker must report and the column of its first diagnostic (-1: none).
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "verbs.h"

#define CLEAN	0

struct grammar_case {
	const char	*line;
	int		 severity;	/* highest expected, CLEAN for none */
	long		 column;	/* of the first diagnostic, -1 for none */
};

static const struct grammar_case grammar[] = {
	{ "HELO client.example.org", CLEAN, -1 },
	{ "HELO localhost", CLEAN, -1 },
	{ "helo client.example.org", CLEAN, -1 },
	{ "HELO", DIAG_ERROR, 4 },
	{ "HELO  client.example.org", DIAG_WARNING, 4 },
	{ "HELO client.example.org extra", DIAG_ERROR, 23 },
	{ "HELO [192.0.2.1]", DIAG_WARNING, 5 },
	{ "HELO -bad.example", DIAG_ERROR, 5 },
	{ "HELO bad-.example", DIAG_ERROR, 8 },
	{ "HELO my_host.example", DIAG_ERROR, 7 },
	{ "HELO a..b", DIAG_ERROR, 7 },
	{ "HELO example.org.", DIAG_ERROR, 16 },
	{ "EHLO client.example.org", CLEAN, -1 },
	{ "EHLO [192.0.2.1]", CLEAN, -1 },
	{ "EHLO [192.0.2.256]", DIAG_ERROR, 14 },
	{ "EHLO [192.0.2]", DIAG_ERROR, 13 },
	{ "EHLO [192.0.2.1.5]", DIAG_ERROR, 15 },
	{ "EHLO [IPv6:2001:db8::1]", CLEAN, -1 },
	{ "EHLO [IPv6:2001:db8:0:0:0:0:0:1]", CLEAN, -1 },
	{ "EHLO [IPv6:2001:db8:0:0:0:0:1]", DIAG_ERROR, 11 },
	{ "EHLO [IPv6:::1]", CLEAN, -1 },
	{ "EHLO [IPv6:::]", CLEAN, -1 },
	{ "EHLO [IPv6:2001:db8::1::2]", DIAG_ERROR, 22 },
	{ "EHLO [IPv6:12345::1]", DIAG_ERROR, 11 },
	{ "EHLO [IPv6:2001:db8:1:2:3:4:5::1]", DIAG_ERROR, 11 },
	{ "EHLO [IPv6:2001:db8:1:2:3:4::1]", DIAG_WARNING, 27 },
	{ "EHLO [IPv6:0:0:0:0:0:ffff:192.0.2.1]", CLEAN, -1 },
	{ "EHLO [IPv6:::ffff:192.0.2.1]", CLEAN, -1 },
	{ "EHLO [IPv6:1:2:3:4:5::192.0.2.1]", DIAG_WARNING, 20 },
	{ "EHLO [IPv6:2001:db8:]", DIAG_ERROR, 19 },
	{ "EHLO [ipv6:2001:db8::1]", CLEAN, -1 },
	{ "EHLO [x-tag:whatever]", DIAG_HINT, 6 },
	{ "EHLO [nonsense]", DIAG_ERROR, 6 },
	{ "EHLO [192.0.2.1", DIAG_ERROR, 5 },
	{ "EHLO []", DIAG_ERROR, 5 },
	{ "EHLO", DIAG_ERROR, 4 },
	{ "MAIL FROM:<user@example.org>", CLEAN, -1 },
	{ "MAIL FROM:<>", CLEAN, -1 },
	{ "mail from:<user@example.org>", CLEAN, -1 },
	{ "MAIL FROM: <user@example.org>", DIAG_WARNING, 10 },
	{ "MAIL FROM:user@example.org", DIAG_ERROR, 10 },
	{ "MAIL FROM <user@example.org>", DIAG_ERROR, 9 },
	{ "MAIL FROM :<user@example.org>", DIAG_ERROR, 9 },
	{ "MAIL TO:<user@example.org>", DIAG_ERROR, 5 },
	{ "MAIL FROM:", DIAG_ERROR, 10 },
	{ "MAIL", DIAG_ERROR, 4 },
	{ "MAIL FROM:<user@example.org", DIAG_ERROR, 10 },
	{ "MAIL FROM:<user>", DIAG_ERROR, 15 },
	{ "MAIL FROM:<@example.org>", DIAG_ERROR, 23 },
	{ "MAIL FROM:<.user@example.org>", DIAG_ERROR, 11 },
	{ "MAIL FROM:<us..er@example.org>", DIAG_ERROR, 14 },
	{ "MAIL FROM:<user.@example.org>", DIAG_ERROR, 15 },
	{ "MAIL FROM:<first.last@example.org>", CLEAN, -1 },
	{ "MAIL FROM:<\"john doe\"@example.org>", CLEAN, -1 },
	{ "MAIL FROM:<\"john\\\"doe\"@example.org>", CLEAN, -1 },
	{ "MAIL FROM:<\"unterminated@example.org>", DIAG_ERROR, 11 },
	{ "MAIL FROM:<\"plain\"@example.org>", DIAG_HINT, 11 },
	{ "MAIL FROM:<john doe@example.org>", DIAG_ERROR, 15 },
	{ "MAIL FROM:<user@[192.0.2.1]>", CLEAN, -1 },
	{ "MAIL FROM:<user@[IPv6:2001:db8::1]>", CLEAN, -1 },
	{ "MAIL FROM:<@relay.example,@other.example:user@example.org>", DIAG_WARNING, 11 },
	{ "MAIL FROM:<@relay.example:user@example.org>", DIAG_WARNING, 11 },
	{ "MAIL FROM:<@relay.example user@example.org>", DIAG_ERROR, 25 },
	{ "MAIL FROM:<user@example.org> SIZE=1000", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> SIZE=abc", DIAG_ERROR, 34 },
	{ "MAIL FROM:<user@example.org> SIZE=", DIAG_ERROR, 33 },
	{ "MAIL FROM:<user@example.org> SIZE", DIAG_ERROR, 29 },
	{ "MAIL FROM:<user@example.org> SIZE=123456789012345678901", DIAG_ERROR, 34 },
	{ "MAIL FROM:<user@example.org> SIZE=10 SIZE=20", DIAG_ERROR, 37 },
	{ "MAIL FROM:<user@example.org> BODY=7BIT", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> BODY=8BITMIME", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> body=8bitmime", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> BODY=BINARYMIME", DIAG_HINT, 34 },
	{ "MAIL FROM:<user@example.org> BODY=9BIT", DIAG_ERROR, 34 },
	{ "MAIL FROM:<user@example.org> SMTPUTF8", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> SMTPUTF8=yes", DIAG_ERROR, 37 },
	{ "MAIL FROM:<\xc3""\xbc""ser@example.org> SMTPUTF8", CLEAN, -1 },
	{ "MAIL FROM:<\xc3""\xbc""ser@example.org>", DIAG_ERROR, 11 },
	{ "MAIL FROM:<user@b\xc3""\xbc""cher.example> SMTPUTF8", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> RET=FULL", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> RET=HDRS", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> RET=ALL", DIAG_ERROR, 33 },
	{ "MAIL FROM:<user@example.org> ENVID=QQ314159", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> ENVID=a+2Bb", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> ENVID=a+2bb", DIAG_ERROR, 36 },
	{ "MAIL FROM:<user@example.org> ENVID=a+2", DIAG_ERROR, 36 },
	{ "MAIL FROM:<user@example.org> AUTH=<>", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> AUTH=user+40example.org", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> AUTH=e+3Dmc2", DIAG_WARNING, 34 },
	{ "MAIL FROM:<user@example.org> REQUIRETLS", CLEAN, -1 },
	{ "MAIL FROM:<user@example.org> REQUIRETLS=1", DIAG_ERROR, 39 },
	{ "MAIL FROM:<user@example.org> NOTIFY=NEVER", DIAG_ERROR, 29 },
	{ "MAIL FROM:<user@example.org>SIZE=10", DIAG_ERROR, 28 },
	{ "MAIL FROM:<user@example.org>  SIZE=10", DIAG_WARNING, 28 },
	{ "MAIL FROM:<user@example.org> X-FOO=bar", DIAG_WARNING, 29 },
	{ "MAIL FROM:<user@example.org> =bar", DIAG_ERROR, 29 },
	{ "MAIL FROM:<user@example.org> SIZE=1=2", DIAG_ERROR, 35 },
	{ "MAIL FROM:<user@example.org> ", DIAG_WARNING, 28 },
	{ "RCPT TO:<user@example.org>", CLEAN, -1 },
	{ "rcpt to:<user@example.org>", CLEAN, -1 },
	{ "RCPT TO:user@example.org", DIAG_ERROR, 8 },
	{ "RCPT TO: <user@example.org>", DIAG_WARNING, 8 },
	{ "RCPT TO:<>", DIAG_ERROR, 8 },
	{ "RCPT TO:<Postmaster>", CLEAN, -1 },
	{ "RCPT TO:<postmaster>", CLEAN, -1 },
	{ "RCPT TO:<Postmaster@example.org>", CLEAN, -1 },
	{ "RCPT TO:<user>", DIAG_ERROR, 13 },
	{ "RCPT TO:<user@example.org> NOTIFY=NEVER", CLEAN, -1 },
	{ "RCPT TO:<user@example.org> NOTIFY=SUCCESS,FAILURE,DELAY", CLEAN, -1 },
	{ "RCPT TO:<user@example.org> notify=success,delay", CLEAN, -1 },
	{ "RCPT TO:<user@example.org> NOTIFY=NEVER,SUCCESS", DIAG_ERROR, 34 },
	{ "RCPT TO:<user@example.org> NOTIFY=SOMETIMES", DIAG_ERROR, 34 },
	{ "RCPT TO:<user@example.org> NOTIFY=SUCCESS,", DIAG_ERROR, 42 },
	{ "RCPT TO:<user@example.org> ORCPT=rfc822;user@example.org", CLEAN, -1 },
	{ "RCPT TO:<user@example.org> ORCPT=rfc822;user+2Bx@example.org", CLEAN, -1 },
	{ "RCPT TO:<user@example.org> ORCPT=user@example.org", DIAG_ERROR, 33 },
	{ "RCPT TO:<user@example.org> ORCPT=rfc822;", DIAG_ERROR, 39 },
	{ "RCPT TO:<user@example.org> SIZE=10", DIAG_ERROR, 27 },
	{ "RCPT TO:<@a.example,@b.example:user@c.example>", DIAG_WARNING, 9 },
	{ "RCPT TO:<\xc3""\xbc""ser@example.org>", DIAG_WARNING, 9 },
	{ "RCPT FROM:<user@example.org>", DIAG_ERROR, 5 },
	{ "DATA", CLEAN, -1 },
	{ "data", CLEAN, -1 },
	{ "DATA now", DIAG_ERROR, 5 },
	{ "RSET", CLEAN, -1 },
	{ "RSET all", DIAG_ERROR, 5 },
	{ "QUIT", CLEAN, -1 },
	{ "QUIT bye", DIAG_ERROR, 5 },
	{ "NOOP", CLEAN, -1 },
	{ "NOOP hello", CLEAN, -1 },
	{ "NOOP \"hello world\"", CLEAN, -1 },
	{ "NOOP hello world", DIAG_WARNING, 10 },
	{ "HELP", CLEAN, -1 },
	{ "HELP MAIL", CLEAN, -1 },
	{ "VRFY postmaster", CLEAN, -1 },
	{ "VRFY user@example.org", CLEAN, -1 },
	{ "VRFY \"John Smith\"", CLEAN, -1 },
	{ "VRFY John Smith", DIAG_WARNING, 9 },
	{ "VRFY", DIAG_ERROR, 4 },
	{ "EXPN staff", CLEAN, -1 },
	{ "EXPN", DIAG_ERROR, 4 },
	{ "STARTTLS", CLEAN, -1 },
	{ "STARTTLS now", DIAG_ERROR, 9 },
	{ "AUTH PLAIN", CLEAN, -1 },
	{ "AUTH PLAIN AGFsaWNlAHNlY3JldA==", CLEAN, -1 },
	{ "AUTH PLAIN =", CLEAN, -1 },
	{ "AUTH LOGIN dXNlcg==", CLEAN, -1 },
	{ "AUTH CRAM-MD5", CLEAN, -1 },
	{ "AUTH plain", DIAG_HINT, 5 },
	{ "AUTH PLAIN abc", DIAG_ERROR, 11 },
	{ "AUTH PLAIN a=bc", DIAG_ERROR, 13 },
	{ "AUTH PLAIN !!!!", DIAG_ERROR, 11 },
	{ "AUTH SCRAM-SHA-256-PLUS-EXTRA-LONG", DIAG_ERROR, 5 },
	{ "AUTH PL@IN", DIAG_ERROR, 7 },
	{ "AUTH", DIAG_ERROR, 4 },
	{ "AUTH PLAIN AGFs AGFs", DIAG_ERROR, 15 },
	{ "BDAT 1000", CLEAN, -1 },
	{ "BDAT 1000 LAST", CLEAN, -1 },
	{ "BDAT 0 LAST", CLEAN, -1 },
	{ "BDAT 0", DIAG_HINT, 5 },
	{ "BDAT x", DIAG_ERROR, 5 },
	{ "BDAT 1000 FIRST", DIAG_ERROR, 10 },
	{ "BDAT", DIAG_ERROR, 4 },
	{ "ETRN example.org", CLEAN, -1 },
	{ "ETRN @example.org", CLEAN, -1 },
	{ "ETRN #queue1", CLEAN, -1 },
	{ "ETRN", DIAG_ERROR, 4 },
	{ "ATRN", CLEAN, -1 },
	{ "ATRN example.org,example.net", CLEAN, -1 },
	{ "BURL imap://user@imap.example/INBOX;UIDVALIDITY=1/;UID=2 LAST", CLEAN, -1 },
	{ "BURL notaurl", DIAG_ERROR, 5 },
	{ "SEND FROM:<user@example.org>", DIAG_WARNING, 0 },
	{ "SOML FROM:<user@example.org>", DIAG_WARNING, 0 },
	{ "SAML FROM:<user@example.org>", DIAG_WARNING, 0 },
	{ "TURN", DIAG_WARNING, 0 },
	{ "XCLIENT NAME=foo", DIAG_WARNING, 0 },
	{ "FOO bar", DIAG_ERROR, 0 },
	{ " MAIL FROM:<user@example.org>", DIAG_ERROR, 0 },
	{ "", DIAG_ERROR, 0 },
	{ "NOOP\tx", DIAG_ERROR, 4 },
	/* RFC 6531 3.3 esmtp-value =/ UTF8-non-ascii; RFC 6533 3 unitext */
	{ "RCPT TO:<j\xc3\xb6hn@example.org> ORCPT=utf-8;j\xc3\xb6hn@example.org",
	    DIAG_WARNING, 10 },
	{ "RCPT TO:<a@example.org> ORCPT=utf-8;j\xc3\xb6hn@example.org",
	    DIAG_WARNING, 37 },
	{ "MAIL FROM:<a@example.org> ENVID=a\xc3\xa9 SMTPUTF8", DIAG_ERROR,
	    33 },
	{ "RCPT TO:<a@example.org> ORCPT=utf-8;j\xff", DIAG_ERROR, 37 },
};

/* Every diagnostic must point inside (or just after) the line. */
static void
check_bounds(const char *line, const struct diag_list *dl)
{
	size_t	 i, len = strlen(line);

	cr_assert_leq(dl->n, DIAG_MAX);
	for (i = 0; i < dl->n; i++) {
		cr_assert_leq(dl->d[i].column, len, "%s: column %zu past %zu",
		    line, dl->d[i].column, len);
		cr_assert_geq(dl->d[i].length, 1);
		cr_assert_leq(dl->d[i].column + dl->d[i].length, len + 1,
		    "%s: diagnostic runs past the line", line);
		cr_assert_neq(dl->d[i].msg[0], '\0');
		cr_assert_not_null(dl->d[i].rfc, "%s: %s has no RFC", line,
		    dl->d[i].msg);
		cr_assert(dl->d[i].severity >= DIAG_HINT &&
		    dl->d[i].severity <= DIAG_ERROR);
	}
}

Test(verbs, grammar_table)
{
	struct diag_list dl;
	size_t	 i, n = sizeof grammar / sizeof grammar[0];
	int	 sev, valid = 0, invalid = 0;

	for (i = 0; i < n; i++) {
		sev = verbs_check(grammar[i].line, NULL, &dl);
		cr_expect_eq(sev, grammar[i].severity,
		    "\"%s\": severity %d, expected %d (first: %s)",
		    grammar[i].line, sev, grammar[i].severity,
		    dl.n ? dl.d[0].msg : "none");
		if (grammar[i].column < 0)
			cr_expect_eq(dl.n, 0, "\"%s\": unexpected \"%s\"",
			    grammar[i].line, dl.n ? dl.d[0].msg : "");
		else {
			cr_expect_gt(dl.n, 0, "\"%s\": no diagnostic",
			    grammar[i].line);
			if (dl.n > 0)
				cr_expect_eq((long)dl.d[0].column,
				    grammar[i].column,
				    "\"%s\": column %zu, expected %ld (%s)",
				    grammar[i].line, dl.d[0].column,
				    grammar[i].column, dl.d[0].msg);
		}
		check_bounds(grammar[i].line, &dl);
		if (grammar[i].severity >= DIAG_ERROR)
			invalid++;
		else
			valid++;
	}
	cr_assert_geq(n, 100);
	cr_assert_geq(valid, 40);
	cr_assert_geq(invalid, 40);
}

/* The three examples of the issue, with their exact place. */
Test(verbs, issue_examples)
{
	struct diag_list dl;

	cr_assert_eq(verbs_check("MAIL FROM: <a@b>", NULL, &dl), DIAG_WARNING);
	cr_assert_eq(dl.n, 1);
	cr_assert_eq(dl.d[0].column, 10);
	cr_assert_eq(dl.d[0].length, 1);
	cr_assert(strstr(dl.d[0].msg, "space after the colon") != NULL);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 5321 4.1.1.2");

	cr_assert_eq(verbs_check("RCPT TO:a@b", NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 8);
	cr_assert_eq(dl.d[0].length, 3);
	cr_assert(strstr(dl.d[0].msg, "angle brackets") != NULL);

	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=abc", NULL, &dl),
	    DIAG_ERROR);
	cr_assert_eq(dl.n, 1);
	cr_assert_eq(dl.d[0].column, 21);
	cr_assert_eq(dl.d[0].length, 3);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 1870 6");
}

Test(verbs, control_characters)
{
	struct diag_list dl;

	cr_assert_eq(verbs_check("MAIL FROM:<a@b>\r", NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 15);
	cr_assert_eq(verbs_check("NOOP\nQUIT", NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 4);
	cr_assert_eq(verbs_check("MAIL FROM:<a\x01@b>", NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 12);
	cr_assert_eq(dl.n, 1, "one mistake, one diagnostic");
	cr_assert_eq(verbs_check("HELO a\x7f", NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 6);
	/* Invalid UTF-8 is an error even with SMTPUTF8. */
	cr_assert_eq(verbs_check("MAIL FROM:<\xc3(@b> SMTPUTF8", NULL, &dl),
	    DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 11);
	cr_assert_eq(verbs_check("MAIL FROM:<\xed\xa0\x80@b> SMTPUTF8", NULL,
	    &dl), DIAG_ERROR, "UTF-16 surrogates are not UTF-8");
	/* Messages never quote control bytes from the line. */
	cr_assert_eq(verbs_check("F\x1b[2J", NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.n, 2);
	cr_assert_str_eq(dl.d[1].msg, "unknown command");
	cr_assert_eq(verbs_check("FR\xc3\xb6B x", NULL, &dl), DIAG_ERROR);
	cr_assert_str_eq(dl.d[0].msg, "unknown command");
}

static char *
repeat(char c, size_t n)
{
	char	*s = malloc(n + 1);

	cr_assert_not_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

Test(verbs, lengths)
{
	struct diag_list dl;
	char	 line[2048], *a, *b;

	/* RFC 5321 4.5.3.1.1: local part of 64 is fine, 65 is warned. */
	a = repeat('a', 64);
	snprintf(line, sizeof line, "MAIL FROM:<%s@example.org>", a);
	cr_assert_eq(verbs_check(line, NULL, &dl), 0);
	free(a);
	a = repeat('a', 65);
	snprintf(line, sizeof line, "MAIL FROM:<%s@example.org>", a);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_WARNING);
	cr_assert_eq(dl.d[0].column, 11);
	cr_assert_eq(dl.d[0].length, 65);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 5321 4.5.3.1.1");
	free(a);

	/* RFC 1035 2.3.4: labels of 63 octets at most. */
	a = repeat('b', 63);
	snprintf(line, sizeof line, "EHLO %s.example", a);
	cr_assert_eq(verbs_check(line, NULL, &dl), 0);
	free(a);
	a = repeat('b', 64);
	snprintf(line, sizeof line, "EHLO %s.example", a);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 5);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 1035 2.3.4");
	free(a);

	/* RFC 5321 4.5.3.1.2: a domain of more than 255 octets. */
	b = repeat('c', 60);
	snprintf(line, sizeof line, "EHLO %s.%s.%s.%s.%s", b, b, b, b, b);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 5);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 5321 4.5.3.1.2");
	free(b);

	/* RFC 5321 4.5.3.1.3: a path of more than 256 octets. */
	b = repeat('d', 60);
	snprintf(line, sizeof line, "RCPT TO:<uuuuuuuuuuuuuuuuuuuu@%s.%s.%s.%s.x>",
	    b, b, b, b);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_WARNING);
	cr_assert_eq(dl.d[0].column, 8);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 5321 4.5.3.1.3");
	free(b);
	b = repeat('d', 50);
	snprintf(line, sizeof line, "RCPT TO:<u@%s.%s.%s.%s.x>", b, b, b, b);
	cr_assert_eq(verbs_check(line, NULL, &dl), 0);
	free(b);
}

Test(verbs, overlong_lines)
{
	struct diag_list dl;
	char	 line[16000], *a;
	size_t	 n;

	/* 510 octets + CRLF = 512: the limit exactly (RFC 5321 4.5.3.1.4). */
	a = repeat('n', 510 - 5);
	snprintf(line, sizeof line, "NOOP %s", a);
	free(a);
	cr_assert_eq(strlen(line), 510);
	cr_assert_eq(verbs_check(line, NULL, &dl), 0);
	a = repeat('n', 511 - 5);
	snprintf(line, sizeof line, "NOOP %s", a);
	free(a);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[dl.n - 1].column, 510);
	cr_assert_str_eq(dl.d[dl.n - 1].rfc, "RFC 5321 4.5.3.1.4");

	/* An unknown verb is still measured. */
	a = repeat('Z', 600);
	cr_assert_eq(verbs_check(a, NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.n, 2);
	cr_assert_eq(dl.d[1].column, 510);
	free(a);

	/* SIZE= adds 26 octets to the MAIL limit (RFC 1870 5). */
	a = repeat('d', 60);
	snprintf(line, sizeof line, "MAIL FROM:<%s@%s.%s.%s.%s.abcdef> SIZE=1 "
	    "X-PAD=", a, a, a, a, a);
	free(a);
	n = strlen(line);
	a = repeat('p', 520 - n);
	memcpy(line + n, a, 520 - n + 1);
	free(a);
	cr_assert_eq(strlen(line), 520);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_WARNING, "%s",
	    dl.d[0].msg);
	memcpy(strstr(line, "SIZE=1"), "X-SZ=1", 6);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[dl.n - 1].column, 510);

	/* RFC 4954 4: the AUTH command keeps the 512-octet limit; a longer
	 * initial response goes after the 334 instead. */
	a = repeat('Q', 496);
	snprintf(line, sizeof line, "AUTH PLAIN %s", a);
	free(a);
	cr_assert_eq(strlen(line) + 2, 509);
	cr_assert_eq(verbs_check(line, NULL, &dl), 0);
	a = repeat('Q', 1200);
	snprintf(line, sizeof line, "AUTH PLAIN %s", a);
	free(a);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_WARNING);
	cr_assert_eq(dl.d[dl.n - 1].column, 510);
	cr_assert_str_eq(dl.d[dl.n - 1].rfc, "RFC 4954 4");
	a = repeat('Q', 12300);
	snprintf(line, sizeof line, "AUTH PLAIN %s", a);
	free(a);
	cr_assert_eq(verbs_check(line, NULL, &dl), DIAG_WARNING);
}

/* What the server advertised after EHLO. */
static struct caps *
caps_with(const char *auth)
{
	static struct caps c;

	memset(&c, 0, sizeof c);
	c.ehlo = 1;
	snprintf(c.auth, sizeof c.auth, "%s", auth);
	return &c;
}

Test(verbs, caps_warn_unadvertised)
{
	struct diag_list dl;
	struct caps *c = caps_with("");
	char	*kw[1] = { (char *)"XFORWARD NAME ADDR" };

	/* Nothing advertised: each extension parameter is warned about. */
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=10", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(dl.d[0].column, 16);
	cr_assert(strstr(dl.d[0].msg, "SIZE") != NULL);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> BODY=8BITMIME", c, &dl),
	    DIAG_WARNING);
	cr_assert(strstr(dl.d[0].msg, "8BITMIME") != NULL);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> BODY=BINARYMIME", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SMTPUTF8", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> RET=HDRS", c, &dl),
	    DIAG_WARNING);
	cr_assert(strstr(dl.d[0].msg, "DSN") != NULL);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> ENVID=x", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> AUTH=<>", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> REQUIRETLS", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("RCPT TO:<a@b> NOTIFY=NEVER", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("RCPT TO:<a@b> ORCPT=rfc822;a@b", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("AUTH PLAIN", c, &dl), DIAG_WARNING);
	/* An error in the value still wins over the warning. */
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=x", c, &dl),
	    DIAG_ERROR);

	/* Advertised: clean. */
	c->size = 1;
	c->size_max = 1000;
	c->eightbitmime = c->smtputf8 = c->dsn = c->requiretls = 1;
	c->binarymime = c->chunking = 1;
	snprintf(c->auth, sizeof c->auth, "PLAIN LOGIN");
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=10 BODY=8BITMIME "
	    "SMTPUTF8 RET=HDRS ENVID=x AUTH=<> REQUIRETLS", c, &dl), 0);
	cr_assert_eq(verbs_check("RCPT TO:<a@b> NOTIFY=NEVER "
	    "ORCPT=rfc822;a@b", c, &dl), 0);
	cr_assert_eq(verbs_check("AUTH LOGIN", c, &dl), 0);
	cr_assert_eq(verbs_check("auth login", c, &dl), DIAG_HINT);
	/* Above the advertised SIZE limit (RFC 1870 6.1). */
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=1001", c, &dl),
	    DIAG_WARNING);
	cr_assert_eq(dl.d[0].column, 21);
	/* A mechanism the server did not offer. */
	cr_assert_eq(verbs_check("AUTH CRAM-MD5", c, &dl), DIAG_WARNING);
	cr_assert(strstr(dl.d[0].msg, "PLAIN LOGIN") != NULL);
	/* Server text with control bytes is never quoted. */
	snprintf(c->auth, sizeof c->auth, "PLAIN \x1b[2J");
	cr_assert_eq(verbs_check("AUTH CRAM-MD5", c, &dl), DIAG_WARNING);
	cr_assert_str_eq(dl.d[0].msg, "the server did not offer this mechanism");
	snprintf(c->auth, sizeof c->auth, "PLAIN LOGIN");

	/* Unknown parameter: fine when its keyword was advertised. */
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> XFORWARD=1", c, &dl),
	    DIAG_WARNING);
	c->nkeywords = 1;
	memcpy(c->keywords, kw, sizeof kw);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> XFORWARD=1", c, &dl), 0);
	c->nkeywords = 0;

	/* Without an EHLO reply nothing is known: no warnings. */
	c = caps_with("");
	c->ehlo = 0;
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=10", c, &dl), 0);
}

Test(verbs, table_walk)
{
	const struct verb_info *t;
	size_t	 n, i, j, obsolete = 0;
	static const char *const old[] = { "SEND", "SOML", "SAML", "TURN" };

	t = verbs_table(&n);
	cr_assert_eq(n, VERB_COUNT - 1);
	for (i = 0; i < n; i++) {
		cr_assert_not_null(t[i].name);
		cr_assert_not_null(t[i].syntax, "%s: no syntax", t[i].name);
		cr_assert_not_null(t[i].rfc, "%s: no RFC", t[i].name);
		cr_assert_not_null(t[i].help, "%s: no help", t[i].name);
		cr_assert_gt(strlen(t[i].help), 60, "%s: help too short",
		    t[i].name);
		cr_assert_eq(strncmp(t[i].syntax, t[i].name,
		    strlen(t[i].name)), 0, "%s: syntax names another verb",
		    t[i].name);
		cr_assert_neq(t[i].states, 0, "%s: valid in no state",
		    t[i].name);
		cr_assert_eq(t[i].states & (STATE_BIT(STATE_CONNECTED) |
		    STATE_BIT(STATE_DATA) | STATE_BIT(STATE_QUIT) |
		    STATE_BIT(STATE_CLOSED)), 0,
		    "%s: valid where no command is", t[i].name);
		cr_assert_neq(t[i].id, VERB_UNKNOWN);
		cr_assert_eq(verbs_get(t[i].id), &t[i]);
		cr_assert_eq(verbs_lookup(t[i].name, strlen(t[i].name)),
		    &t[i]);
		for (j = 0; j < i; j++) {
			cr_assert_str_neq(t[i].name, t[j].name,
			    "duplicate %s", t[i].name);
			cr_assert_neq(t[i].id, t[j].id);
		}
		for (j = 0; j < 4; j++)
			if (strcmp(t[i].name, old[j]) == 0)
				break;
		cr_assert_eq(t[i].obsolete, j < 4, "%s: obsolete flag",
		    t[i].name);
		if (t[i].obsolete) {
			obsolete++;
			cr_assert(strstr(t[i].help, "bsolete") != NULL);
			cr_assert(strstr(t[i].help, "Appendix F") != NULL,
			    "%s: help does not say where it was removed",
			    t[i].name);
		}
	}
	cr_assert_eq(obsolete, 4);
	cr_assert(strstr(verbs_get(VERB_TURN)->help, "security") != NULL);
}

Test(verbs, table_facts)
{
	cr_assert_str_eq(verbs_get(VERB_BDAT)->extension, "CHUNKING");
	cr_assert_str_eq(verbs_get(VERB_STARTTLS)->extension, "STARTTLS");
	cr_assert_str_eq(verbs_get(VERB_AUTH)->extension, "AUTH");
	cr_assert_str_eq(verbs_get(VERB_ETRN)->extension, "ETRN");
	cr_assert_str_eq(verbs_get(VERB_ATRN)->extension, "ATRN");
	cr_assert_str_eq(verbs_get(VERB_BURL)->extension, "BURL");
	cr_assert_null(verbs_get(VERB_MAIL)->extension);
	cr_assert_null(verbs_get(VERB_HELO)->extension);
	/* RFC 5321 4.1.4 order rules. */
	cr_assert_eq(verbs_get(VERB_MAIL)->states, STATE_BIT(STATE_READY));
	cr_assert(verbs_get(VERB_RCPT)->states & STATE_BIT(STATE_MAIL));
	cr_assert(verbs_get(VERB_RCPT)->states & STATE_BIT(STATE_RCPT));
	cr_assert_eq(verbs_get(VERB_DATA)->states, STATE_BIT(STATE_RCPT));
	cr_assert_eq(verbs_get(VERB_STARTTLS)->states,
	    STATE_BIT(STATE_READY));
	cr_assert_eq(verbs_get(VERB_AUTH)->states, STATE_BIT(STATE_READY));
	cr_assert(verbs_get(VERB_NOOP)->states & STATE_BIT(STATE_GREETED));
	cr_assert(verbs_get(VERB_RSET)->states & STATE_BIT(STATE_MAIL));
	cr_assert(!(verbs_get(VERB_MAIL)->states & STATE_BIT(STATE_MAIL)));
	/* RFC 5321 4.1.4: these "can be used at any time during a session",
	 * between BDAT chunks too. */
	cr_assert(verbs_get(VERB_VRFY)->states & STATE_BIT(STATE_BDAT));
	cr_assert(verbs_get(VERB_EXPN)->states & STATE_BIT(STATE_BDAT));
	cr_assert(verbs_get(VERB_HELP)->states & STATE_BIT(STATE_BDAT));
	cr_assert(verbs_get(VERB_NOOP)->states & STATE_BIT(STATE_BDAT));
	cr_assert(verbs_get(VERB_RSET)->states & STATE_BIT(STATE_BDAT));
	cr_assert(verbs_get(VERB_VRFY)->states & STATE_BIT(STATE_GREETED));
}

Test(verbs, lookup)
{
	cr_assert_eq(verbs_lookup("mail", 4)->id, VERB_MAIL);
	cr_assert_eq(verbs_lookup("StartTLS", 8)->id, VERB_STARTTLS);
	cr_assert_null(verbs_lookup("MAI", 3));
	cr_assert_null(verbs_lookup("MAILX", 5));
	cr_assert_null(verbs_lookup(NULL, 0));
	cr_assert_null(verbs_get(VERB_UNKNOWN));
	cr_assert_null(verbs_get(VERB_COUNT));
	cr_assert_eq(verbs_identify("rcpt to:<a@b>")->id, VERB_RCPT);
	cr_assert_eq(verbs_identify("QUIT")->id, VERB_QUIT);
	cr_assert_eq(verbs_identify("noop\tx")->id, VERB_NOOP);
	cr_assert_null(verbs_identify(""));
	cr_assert_null(verbs_identify(" MAIL"));
	cr_assert_null(verbs_identify(NULL));
}

Test(verbs, caret)
{
	struct diag d = { .severity = DIAG_ERROR, .column = 4, .length = 3 };
	char	 buf[64];

	diag_caret(&d, buf, sizeof buf);
	cr_assert_str_eq(buf, "    ^~~");
	d.column = 0;
	d.length = 1;
	diag_caret(&d, buf, sizeof buf);
	cr_assert_str_eq(buf, "^");
	d.column = 10;
	d.length = 5;
	diag_caret(&d, buf, 8);
	cr_assert_eq(strlen(buf), 7, "truncated, still terminated");
	diag_caret(&d, buf, 0);

	/* Display columns: one per UTF-8 character. */
	d.column = 13;
	d.length = 2;
	diag_caret_for("MAIL FROM:<\xc3\xbc\xc3\xbc>", &d, 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "            ^");
	/* Escaped as \xc3\xbc with SANITIZE_ASCII: 8 columns each. */
	diag_caret_for("MAIL FROM:<\xc3\xbc\xc3\xbc>", &d, SANITIZE_ASCII, buf,
	    sizeof buf);
	cr_assert_str_eq(buf, "                   ^~~~~~~~");
	/* A control byte shown as \x01 (4 columns) moves what follows. */
	d.column = 3;
	d.length = 1;
	diag_caret_for("a\x01" "bc", &d, 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "      ^");
	/* East Asian wide characters take two columns on the terminal:
	 * the caret must land under the second dot, not inside the name. */
	if (setlocale(LC_CTYPE, "C.UTF-8") != NULL) {
		d.column = 20;	/* "RCPT TO:<", three 3-octet characters */
		d.length = 1;
		diag_caret_for("RCPT TO:<\xe7\x94\xa8@\xe4\xbe\x8b\xe5\xad\x90"
		    "..x>", &d, 0, buf, sizeof buf);
		cr_assert_str_eq(buf, "                 ^", "got \"%s\"", buf);
		setlocale(LC_CTYPE, "C");
	}

	cr_assert_str_eq(diag_severity_name(DIAG_ERROR), "error");
	cr_assert_str_eq(diag_severity_name(DIAG_WARNING), "warning");
	cr_assert_str_eq(diag_severity_name(DIAG_HINT), "hint");
}

/* Prefixes of valid lines must never crash and stay in bounds. */
Test(verbs, every_prefix)
{
	struct diag_list dl;
	char	 buf[512];
	size_t	 i, k, n = sizeof grammar / sizeof grammar[0];

	for (i = 0; i < n; i++) {
		for (k = 0; k <= strlen(grammar[i].line) && k < sizeof buf; k++) {
			memcpy(buf, grammar[i].line, k);
			buf[k] = '\0';
			(void)verbs_check(buf, NULL, &dl);
			check_bounds(buf, &dl);
		}
	}
}

/* The grammar the practice server borrows for single addresses. */
Test(verbs, mailbox_and_domain_for_the_server)
{
	char long_local[80];

	cr_assert(verbs_mailbox_ok("a@example.org", 13, 1));
	cr_assert(verbs_mailbox_ok("\"john doe\"@example.org", 22, 1));
	cr_assert(verbs_mailbox_ok("a@[IPv6:2001:db8::1]", 20, 1));
	cr_assert(verbs_mailbox_ok("j\xc3\xb6rg@example.org", 17, 1),
	    "well-formed UTF-8 is the caller's question");
	cr_assert_not(verbs_mailbox_ok("j\xc3rg@example.org", 16, 1));
	cr_assert_not(verbs_mailbox_ok("a@b@c", 5, 0));
	cr_assert_not(verbs_mailbox_ok("a..b@example.org", 16, 0));
	cr_assert_not(verbs_mailbox_ok("a@", 2, 0));
	cr_assert_not(verbs_mailbox_ok("a@exa_mple.org", 14, 0));
	cr_assert_not(verbs_mailbox_ok("a@example.org>", 14, 0),
	    "the whole string must be the mailbox");
	/* RFC 5321 4.5.3.1.1: a long local part only fails when strict */
	memset(long_local, 'x', 70);
	memcpy(long_local + 70, "@b.example", 10);
	cr_assert(verbs_mailbox_ok(long_local, 80, 0));
	cr_assert_not(verbs_mailbox_ok(long_local, 80, 1));

	cr_assert(verbs_domain_ok("mx.example.org", 14, 1));
	cr_assert(verbs_domain_ok("[192.0.2.1]", 11, 1));
	cr_assert_not(verbs_domain_ok("[192.0.2.300]", 13, 1));
	cr_assert_not(verbs_domain_ok("-bad.example", 12, 1));
	cr_assert_not(verbs_domain_ok("a.example extra", 15, 1));
}
