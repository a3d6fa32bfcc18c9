/*
 * test_compose.c -- the header of the test message of --to/--from/
 * --header: which fields are made, which given ones replace them, their
 * form (RFC 5322), and the --header checks.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"

static const char *const one_to[] = { "b@example.org" };

static char *
compose(const struct compose_opts *o, size_t *len)
{
	char *m;

	/* Tue, 01 Dec 2026 17:04:05 UTC */
	setenv("TZ", "UTC", 1);
	tzset();
	m = compose_header(o, 1796144645, "[192.0.2.1]", len);
	cr_assert_not_null(m);
	cr_assert_eq(strlen(m), *len);
	return m;
}

static int
matches(const char *text, const char *re)
{
	regex_t	r;
	int	rc;

	cr_assert_eq(regcomp(&r, re, REG_EXTENDED | REG_NEWLINE), 0);
	rc = regexec(&r, text, 0, NULL, 0);
	regfree(&r);
	return rc == 0;
}

Test(compose, generated_fields)
{
	struct compose_opts	 o = { .from = "a@example.org", .to = one_to,
	    .nto = 1 };
	size_t			 len;
	char			*m = compose(&o, &len);

	cr_assert(matches(m, "^Date: Tue, 01 Dec 2026 17:04:05 \\+0000\r$"),
	    "%s", m);
	cr_assert(strstr(m, "\r\nFrom: a@example.org\r\nTo: b@example.org\r\n"
	    "Subject: test message from ") != NULL, "%s", m);
	/* RFC 5322 3.6.4: the sender's domain on the right */
	cr_assert(matches(m, "^Message-ID: <20261201170405\\.[0-9a-f]{24}"
	    "@example\\.org>\r$"), "%s", m);
	/* the empty line that ends the header, and nothing more */
	cr_assert_eq(strstr(m, "\r\n\r\n") + 4, m + len, "%s", m);
	free(m);
}

Test(compose, given_fields_replace_and_follow)
{
	static const char *const h[] = { "subject: mine", "X-Test: 1",
	    "Date: Mon, 30 Nov 2026 10:00:00 +0100" };
	struct compose_opts	 o = { .from = "a@example.org", .to = one_to,
	    .nto = 1, .headers = h, .nheaders = 3 };
	size_t			 len;
	char			*m = compose(&o, &len);

	cr_assert(strncmp(m, "From: a@example.org\r\n", 21) == 0, "%s", m);
	cr_assert(strstr(m, "Subject: test") == NULL, "%s", m);
	cr_assert(strstr(m, "\r\nsubject: mine\r\nX-Test: 1\r\nDate: Mon, 30 "
	    "Nov 2026 10:00:00 +0100\r\n\r\n") != NULL, "%s", m);
	cr_assert(strstr(m, "Date: Tue") == NULL, "%s", m);
	free(m);
}

/* The null sender names no author: no From: made; the Message-ID takes
 * the domain given. */
Test(compose, null_sender)
{
	struct compose_opts	 o = { .from = "", .to = one_to, .nto = 1 };
	size_t			 len;
	char			*m = compose(&o, &len);

	cr_assert(strstr(m, "From:") == NULL, "%s", m);
	cr_assert(matches(m, "^Message-ID: <[0-9]{14}\\.[0-9a-f]{24}"
	    "@\\[192\\.0\\.2\\.1\\]>\r$"), "%s", m);
	free(m);
}

/* RFC 5322 2.1.1, 2.2.3: To: folded before 78 characters. */
Test(compose, long_to_folded)
{
	static const char *const to[] = {
	    "first.recipient@example.org", "second.recipient@example.org",
	    "third.recipient@example.org", "fourth.recipient@example.org" };
	struct compose_opts	 o = { .from = "a@example.org", .to = to,
	    .nto = 4 };
	size_t			 len;
	char			*m = compose(&o, &len), *p, *nl;

	cr_assert(strstr(m, "To: first.recipient@example.org, "
	    "second.recipient@example.org,\r\n third.recipient@example.org, "
	    "fourth.recipient@example.org\r\n") != NULL, "%s", m);
	for (p = m; (nl = strstr(p, "\r\n")) != NULL; p = nl + 2)
		cr_assert_leq(nl - p, 78);
	free(m);
}

Test(compose, has_header)
{
	static const char *const h[] = { "FROM: x@example.org", "Fromage: no" };
	struct compose_opts	 o = { .headers = h, .nheaders = 2 };

	cr_assert(compose_has_header(&o, "From"));
	cr_assert_not(compose_has_header(&o, "Fro"));
	cr_assert_not(compose_has_header(&o, "To"));
}

Test(compose, check_header)
{
	char	err[256], big[1100];

	cr_assert_eq(compose_check_header("X-Test: yes", err, sizeof err), 0);
	cr_assert_eq(compose_check_header("X-Empty:", err, sizeof err), 0);
	cr_assert_eq(compose_check_header("no colon", err, sizeof err), -1);
	cr_assert(strstr(err, "no colon") != NULL, "%s", err);
	cr_assert_eq(compose_check_header(": value", err, sizeof err), -1);
	cr_assert(strstr(err, "no name") != NULL, "%s", err);
	cr_assert_eq(compose_check_header("Bad Name: x", err, sizeof err), -1);
	cr_assert(strstr(err, "RFC 5322 3.6.8") != NULL, "%s", err);
	cr_assert_eq(compose_check_header("X: a\r\nBcc: b", err, sizeof err),
	    -1);
	cr_assert(strstr(err, "line break") != NULL, "%s", err);
	cr_assert_eq(compose_check_header("X: a\tb", err, sizeof err), 0);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "X: ", 3);
	cr_assert_eq(compose_check_header(big, err, sizeof err), -1);
	cr_assert(strstr(err, "RFC 5322 2.1.1") != NULL, "%s", err);
}
