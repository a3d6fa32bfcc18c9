/* test_mtasts.c -- MTA-STS TXT records, policies and MX patterns (RFC 8461). */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mtasts.h"

static int
txt(const char *s, struct mtasts_txt *t, char *err)
{
	return mtasts_parse_txt(s, strlen(s), t, err, 200);
}

static int
policy(const char *s, struct mtasts_policy *p, char *err)
{
	return mtasts_parse_policy(s, strlen(s), p, err, 200);
}

Test(mtasts, txt_records)
{
	struct mtasts_txt t;
	char err[200];

	cr_assert_eq(txt("v=STSv1; id=20160831085700Z;", &t, err), 0);
	cr_assert_str_eq(t.id, "20160831085700Z");
	/* delimiters with spaces, no final ";", extensions ignored */
	cr_assert_eq(txt("v=STSv1 ;\tid=abc ; x-ext.1=a:b/c", &t, err), 0);
	cr_assert_str_eq(t.id, "abc");
	/* the first id counts */
	cr_assert_eq(txt("v=STSv1; id=one; id=two", &t, err), 0);
	cr_assert_str_eq(t.id, "one");
}

Test(mtasts, txt_not_mta_sts)
{
	struct mtasts_txt t;
	char err[200];

	/* discarded, not errors (RFC 8461 3.1) */
	cr_assert_eq(txt("v=spf1 -all", &t, err), -1);
	cr_assert_eq(txt("v=STSv10; id=1", &t, err), -1);
	cr_assert_eq(txt("", &t, err), -1);
}

Test(mtasts, txt_malformed)
{
	struct mtasts_txt t;
	char err[200];

	cr_assert_eq(txt("v=STSv1", &t, err), -2);
	cr_assert(strstr(err, "no id") != NULL, "%s", err);
	cr_assert_eq(txt("v=STSv1;", &t, err), -2);
	cr_assert_eq(txt("v=STSv1; id=", &t, err), -2);
	cr_assert_eq(txt("v=STSv1; id=abc-def", &t, err), -2);
	cr_assert(strstr(err, "letters and digits") != NULL, "%s", err);
	cr_assert_eq(txt("v=STSv1; id=123456789012345678901234567890123",
	    &t, err), -2);
	cr_assert(strstr(err, "32") != NULL, "%s", err);
	cr_assert_eq(txt("v=STSv1 id=1", &t, err), -2);
	cr_assert_eq(txt("v=STSv1; =x; id=1", &t, err), -2);
	cr_assert_eq(txt("v=STSv1; id=1; ext=a=b", &t, err), -2);
	cr_assert_eq(txt("v=STSv1; id=1; ext=\x01", &t, err), -2);
}

Test(mtasts, policy_example)
{
	struct mtasts_policy p;
	char err[200];

	/* RFC 8461 3.2's example, CRLF */
	cr_assert_eq(policy("version: STSv1\r\nmode: enforce\r\n"
	    "mx: mail.example.com\r\nmx: *.example.net\r\n"
	    "mx: backupmx.example.com\r\nmax_age: 604800\r\n", &p, err), 0,
	    "%s", err);
	cr_assert_eq(p.mode, MTASTS_ENFORCE);
	cr_assert_eq(p.max_age, 604800);
	cr_assert_eq(p.nmx, 3);
	cr_assert_str_eq(p.mx[1], "*.example.net");
	cr_assert_str_eq(mtasts_mode_name(p.mode), "enforce");
	mtasts_policy_free(&p);
}

Test(mtasts, policy_forms)
{
	struct mtasts_policy p;
	char err[200];

	/* LF alone, no final newline, spaces around values, an extension,
	 * upper case patterns folded, mode none with no mx */
	cr_assert_eq(policy("version:STSv1\nmode:   testing  \nmax_age: 0\n"
	    "mx: MX.Example.ORG\nx_ext: whatever", &p, err), 0, "%s", err);
	cr_assert_eq(p.mode, MTASTS_TESTING);
	cr_assert_eq(p.max_age, 0);
	cr_assert_str_eq(p.mx[0], "mx.example.org");
	mtasts_policy_free(&p);
	cr_assert_eq(policy("version: STSv1\nmode: none\nmax_age: 31557600\n\n",
	    &p, err), 0, "%s", err);
	cr_assert_eq(p.mode, MTASTS_NONE);
	cr_assert_eq(p.nmx, 0);
	mtasts_policy_free(&p);
	/* a repeated field: the first counts */
	cr_assert_eq(policy("version: STSv1\nmode: testing\nmode: enforce\n"
	    "max_age: 1\n", &p, err), 0, "%s", err);
	cr_assert_eq(p.mode, MTASTS_TESTING);
	mtasts_policy_free(&p);
}

Test(mtasts, policy_not_nul_terminated)
{
	static const char text[] = "version: STSv1\nmode: none\nmax_age: 604800";
	struct mtasts_policy p;
	char err[200], *buf;

	/* the body as received: exactly its bytes, no NUL after the last
	 * value (found by fuzz_mtasts: strtol read past the end) */
	cr_assert_not_null(buf = malloc(sizeof text - 1));
	memcpy(buf, text, sizeof text - 1);
	cr_assert_eq(mtasts_parse_policy(buf, sizeof text - 1, &p, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(p.max_age, 604800);
	mtasts_policy_free(&p);
	free(buf);
}

Test(mtasts, policy_faults)
{
	static const struct {
		const char	*text;
		const char	*why;
	} bad[] = {
		{ "mode: enforce\nmax_age: 1\n", "no version" },
		{ "version: STSv1\nmax_age: 1\n", "no mode" },
		{ "version: STSv1\nmode: enforce\n", "no max_age" },
		{ "version: STSv2\nmode: enforce\nmax_age: 1\n", "line 1: version" },
		{ "version: STSv1\nmode: Enforce\nmax_age: 1\n", "line 2: mode" },
		{ "version: STSv1\nmode: enforce\nmax_age: 31557601\n", "line 3: max_age" },
		{ "version: STSv1\nmode: enforce\nmax_age: -1\n", "max_age" },
		{ "version: STSv1\nmode: enforce\nmax_age: 12345678901\n", "max_age" },
		{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: *.*.example.org\n", "line 4: mx" },
		{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: [127.0.0.1]\n", "mx" },
		{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: a..b\n", "mx" },
		{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx:\n", "mx" },
		{ "version: STSv1\n\nmode: enforce\nmax_age: 1\n", "line 2: empty" },
		{ "version: STSv1\nmode enforce\nmax_age: 1\n", "line 2: no \":\"" },
		{ "version: STSv1\nmode: enforce\rmax_age: 1\n", "CR inside" },
		{ "version: STSv1\n_x: y\nmode: enforce\nmax_age: 1\n", "line 2: malformed key" },
		{ "version: STSv1\nmode: enforce\x1b\nmax_age: 1\n", "control" },
	};
	struct mtasts_policy p;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(policy(bad[i].text, &p, err), -1, "accepted: %s",
		    bad[i].text);
		cr_assert(strstr(err, bad[i].why) != NULL, "%s: %s", bad[i].why,
		    err);
		cr_assert_eq(p.nmx, 0);
		mtasts_policy_free(&p);
	}
	/* a NUL byte */
	cr_assert_eq(mtasts_parse_policy("version: STSv1\0", 15, &p, err,
	    sizeof err), -1);
}

Test(mtasts, patterns)
{
	struct mtasts_policy p;
	char err[200];

	cr_assert_eq(policy("version: STSv1\nmode: enforce\nmax_age: 1\n"
	    "mx: mx1.example.org\nmx: *.backup.example.org\n", &p, err), 0);
	cr_assert_eq(mtasts_match(&p, "mx1.example.org"), 0);
	cr_assert_eq(mtasts_match(&p, "MX1.Example.Org."), 0);
	cr_assert_eq(mtasts_match(&p, "a.backup.example.org"), 1);
	/* RFC 8461 4.1: the wildcard is one leftmost label, no more, and
	 * never the domain itself */
	cr_assert_eq(mtasts_match(&p, "a.b.backup.example.org"), -1);
	cr_assert_eq(mtasts_match(&p, "backup.example.org"), -1);
	cr_assert_eq(mtasts_match(&p, ".backup.example.org"), -1);
	cr_assert_eq(mtasts_match(&p, "mx2.example.org"), -1);
	cr_assert_eq(mtasts_match(&p, "xmx1.example.org"), -1);
	mtasts_policy_free(&p);
}
