/*
 * test_verbs.c -- the verb table and the command syntax checker.
 *
 * The grammar table (grammar_cases.h) lists command lines with the
 * highest severity the checker must report and the column of its first
 * diagnostic (-1: none); test_practice.c runs the same lines through the
 * practice server.
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grammar_cases.h"
#include "sanitize.h"
#include "verbs.h"

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
		sev = verbs_check(grammar[i].line, NULL, 0, &dl);
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

	cr_assert_eq(verbs_check("MAIL FROM: <a@b>", NULL, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(dl.n, 1);
	cr_assert_eq(dl.d[0].column, 10);
	cr_assert_eq(dl.d[0].length, 1);
	cr_assert(strstr(dl.d[0].msg, "space after the colon") != NULL);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 5321 4.1.1.2");

	cr_assert_eq(verbs_check("RCPT TO:a@b", NULL, 0, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 8);
	cr_assert_eq(dl.d[0].length, 3);
	cr_assert(strstr(dl.d[0].msg, "angle brackets") != NULL);

	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=abc", NULL, 0, &dl),
	    DIAG_ERROR);
	cr_assert_eq(dl.n, 1);
	cr_assert_eq(dl.d[0].column, 21);
	cr_assert_eq(dl.d[0].length, 3);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 1870 6");
}

Test(verbs, control_characters)
{
	struct diag_list dl;

	cr_assert_eq(verbs_check("MAIL FROM:<a@b>\r", NULL, 0, &dl),
	    DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 15);
	cr_assert_eq(verbs_check("NOOP\nQUIT", NULL, 0, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 4);
	cr_assert_eq(verbs_check("MAIL FROM:<a\x01@b>", NULL, 0, &dl),
	    DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 12);
	cr_assert_eq(dl.n, 1, "one mistake, one diagnostic");
	cr_assert_eq(verbs_check("HELO a\x7f", NULL, 0, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 6);
	/* Invalid UTF-8 is an error even with SMTPUTF8. */
	cr_assert_eq(verbs_check("MAIL FROM:<\xc3(@b> SMTPUTF8", NULL, 0, &dl),
	    DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 11);
	cr_assert_eq(verbs_check("MAIL FROM:<\xed\xa0\x80@b> SMTPUTF8", NULL, 0,
	    &dl), DIAG_ERROR, "UTF-16 surrogates are not UTF-8");
	/* Messages never quote control bytes from the line. */
	cr_assert_eq(verbs_check("F\x1b[2J", NULL, 0, &dl), DIAG_ERROR);
	cr_assert_eq(dl.n, 2);
	cr_assert_str_eq(dl.d[1].msg, "unknown command");
	cr_assert_eq(verbs_check("FR\xc3\xb6B x", NULL, 0, &dl), DIAG_ERROR);
	cr_assert_str_eq(dl.d[0].msg, "unknown command");
}

/* An unknown verb one edit away from a verb: the verb is suggested
 * (lint and the practice server say so too). */
Test(verbs, did_you_mean)
{
	struct diag_list dl;

	cr_assert_eq(verbs_check("EHOL me", NULL, 0, &dl), DIAG_ERROR);
	cr_assert_str_eq(dl.d[0].msg, "unknown command \"EHOL\": did you "
	    "mean EHLO?");
	cr_assert_eq(dl.d[0].reply, 500);
	(void)verbs_check("qiut", NULL, 0, &dl);
	cr_assert_str_eq(dl.d[0].msg, "unknown command \"qiut\": did you "
	    "mean QUIT?");
	(void)verbs_check("STARTLS", NULL, 0, &dl);
	cr_assert_str_eq(dl.d[0].msg, "unknown command \"STARTLS\": did "
	    "you mean STARTTLS?");
	(void)verbs_check("DTA", NULL, 0, &dl);
	cr_assert_str_eq(dl.d[0].msg, "unknown command \"DTA\": did you "
	    "mean DATA?");
	/* LHLO in LMTP, EHLO or HELO in SMTP */
	(void)verbs_check("LHOL x", NULL, VERBS_LMTP, &dl);
	cr_assert_str_eq(dl.d[0].msg, "unknown command \"LHOL\": did you "
	    "mean LHLO?");
	/* nothing near: no guess */
	(void)verbs_check("FROB", NULL, 0, &dl);
	cr_assert_str_eq(dl.d[0].msg, "unknown command \"FROB\"");
	(void)verbs_check("NOPE", NULL, 0, &dl);
	cr_assert_str_eq(dl.d[0].msg, "unknown command \"NOPE\"");
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
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), 0);
	free(a);
	a = repeat('a', 65);
	snprintf(line, sizeof line, "MAIL FROM:<%s@example.org>", a);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_WARNING);
	cr_assert_eq(dl.d[0].column, 11);
	cr_assert_eq(dl.d[0].length, 65);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 5321 4.5.3.1.1");
	free(a);

	/* RFC 1035 2.3.4: labels of 63 octets at most. */
	a = repeat('b', 63);
	snprintf(line, sizeof line, "EHLO %s.example", a);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), 0);
	free(a);
	a = repeat('b', 64);
	snprintf(line, sizeof line, "EHLO %s.example", a);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 5);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 1035 2.3.4");
	free(a);

	/* RFC 5321 4.5.3.1.2: a domain of more than 255 octets. */
	b = repeat('c', 60);
	snprintf(line, sizeof line, "EHLO %s.%s.%s.%s.%s", b, b, b, b, b);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[0].column, 5);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 5321 4.5.3.1.2");
	free(b);

	/* RFC 5321 4.5.3.1.3: a path of more than 256 octets. */
	b = repeat('d', 60);
	snprintf(line, sizeof line, "RCPT TO:<uuuuuuuuuuuuuuuuuuuu@%s.%s.%s.%s.x>",
	    b, b, b, b);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_WARNING);
	cr_assert_eq(dl.d[0].column, 8);
	cr_assert_str_eq(dl.d[0].rfc, "RFC 5321 4.5.3.1.3");
	free(b);
	b = repeat('d', 50);
	snprintf(line, sizeof line, "RCPT TO:<u@%s.%s.%s.%s.x>", b, b, b, b);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), 0);
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
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), 0);
	a = repeat('n', 511 - 5);
	snprintf(line, sizeof line, "NOOP %s", a);
	free(a);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[dl.n - 1].column, 510);
	cr_assert_str_eq(dl.d[dl.n - 1].rfc, "RFC 5321 4.5.3.1.4");

	/* An unknown verb is still measured. */
	a = repeat('Z', 600);
	cr_assert_eq(verbs_check(a, NULL, 0, &dl), DIAG_ERROR);
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
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_WARNING, "%s",
	    dl.d[0].msg);
	memcpy(strstr(line, "SIZE=1"), "X-SZ=1", 6);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_ERROR);
	cr_assert_eq(dl.d[dl.n - 1].column, 510);

	/* RFC 4954 4: the AUTH command keeps the 512-octet limit; a longer
	 * initial response goes after the 334 instead. */
	a = repeat('Q', 496);
	snprintf(line, sizeof line, "AUTH PLAIN %s", a);
	free(a);
	cr_assert_eq(strlen(line) + 2, 509);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), 0);
	a = repeat('Q', 1200);
	snprintf(line, sizeof line, "AUTH PLAIN %s", a);
	free(a);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_WARNING);
	cr_assert_eq(dl.d[dl.n - 1].column, 510);
	cr_assert_str_eq(dl.d[dl.n - 1].rfc, "RFC 4954 4");
	a = repeat('Q', 12300);
	snprintf(line, sizeof line, "AUTH PLAIN %s", a);
	free(a);
	cr_assert_eq(verbs_check(line, NULL, 0, &dl), DIAG_WARNING);
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
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=10", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(dl.d[0].column, 16);
	cr_assert(strstr(dl.d[0].msg, "SIZE") != NULL);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> BODY=8BITMIME", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert(strstr(dl.d[0].msg, "8BITMIME") != NULL);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> BODY=BINARYMIME", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SMTPUTF8", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> RET=HDRS", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert(strstr(dl.d[0].msg, "DSN") != NULL);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> ENVID=x", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> AUTH=<>", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> REQUIRETLS", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("RCPT TO:<a@b> NOTIFY=NEVER", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("RCPT TO:<a@b> ORCPT=rfc822;a@b", c, 0, &dl),
	    DIAG_WARNING);
	/* Whether AUTH or a mechanism is offered is the order checker's
	 * question (session.c): the grammar says it once, never. */
	cr_assert_eq(verbs_check("AUTH PLAIN", c, 0, &dl), 0);
	/* An error in the value still wins over the warning. */
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=x", c, 0, &dl),
	    DIAG_ERROR);

	/* Advertised: clean. */
	c->size = 1;
	c->size_max = 1000;
	c->eightbitmime = c->smtputf8 = c->dsn = c->requiretls = 1;
	c->binarymime = c->chunking = 1;
	snprintf(c->auth, sizeof c->auth, "PLAIN LOGIN");
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=10 BODY=8BITMIME "
	    "SMTPUTF8 RET=HDRS ENVID=x AUTH=<> REQUIRETLS", c, 0, &dl), 0);
	cr_assert_eq(verbs_check("RCPT TO:<a@b> NOTIFY=NEVER "
	    "ORCPT=rfc822;a@b", c, 0, &dl), 0);
	cr_assert_eq(verbs_check("AUTH LOGIN", c, 0, &dl), 0);
	cr_assert_eq(verbs_check("auth login", c, 0, &dl), DIAG_HINT);
	/* Above the advertised SIZE limit (RFC 1870 6.1). */
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=1001", c, 0, &dl),
	    DIAG_WARNING);
	cr_assert_eq(dl.d[0].column, 21);
	cr_assert_eq(verbs_check("AUTH CRAM-MD5", c, 0, &dl), 0);

	/* Unknown parameter: fine when its keyword was advertised. */
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> XFORWARD=1", c, 0, &dl),
	    DIAG_WARNING);
	c->nkeywords = 1;
	memcpy(c->keywords, kw, sizeof kw);
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> XFORWARD=1", c, 0, &dl), 0);
	c->nkeywords = 0;

	/* Without an EHLO reply nothing is known: no warnings. */
	c = caps_with("");
	c->ehlo = 0;
	cr_assert_eq(verbs_check("MAIL FROM:<a@b> SIZE=10", c, 0, &dl), 0);
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

/* The caret diag_show() draws under the whole line (no width limit). */
static void
caret_for(const char *line, const struct diag *d, int flags, char *buf,
    size_t size)
{
	char *shown = diag_show(line, strlen(line), d, flags, SIZE_MAX, buf, size);

	cr_assert_not_null(shown);
	free(shown);
}

Test(verbs, caret)
{
	struct diag d = { .severity = DIAG_ERROR, .column = 4, .length = 3 };
	char	 buf[64];

	caret_for("NOOP abcdef", &d, 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "    ^~~");
	d.column = 0;
	d.length = 1;
	caret_for("NOOP abcdef", &d, 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "^");
	d.column = 10;
	d.length = 5;
	caret_for("NOOP abcdefghijklm", &d, 0, buf, 8);
	cr_assert_eq(strlen(buf), 7, "truncated, still terminated");

	/* Display columns: one per UTF-8 character. */
	d.column = 13;
	d.length = 2;
	caret_for("MAIL FROM:<\xc3\xbc\xc3\xbc>", &d, 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "            ^");
	/* Escaped as \xc3\xbc with SANITIZE_ASCII: 8 columns each. */
	caret_for("MAIL FROM:<\xc3\xbc\xc3\xbc>", &d, SANITIZE_ASCII, buf,
	    sizeof buf);
	cr_assert_str_eq(buf, "                   ^~~~~~~~");
	/* A control byte shown as \x01 (4 columns) moves what follows. */
	d.column = 3;
	d.length = 1;
	caret_for("a\x01" "bc", &d, 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "      ^");
	/* East Asian wide characters take two columns on the terminal:
	 * the caret must land under the second dot, not inside the name. */
	if (setlocale(LC_CTYPE, "C.UTF-8") != NULL) {
		d.column = 20;	/* "RCPT TO:<", three 3-octet characters */
		d.length = 1;
		caret_for("RCPT TO:<\xe7\x94\xa8@\xe4\xbe\x8b\xe5\xad\x90"
		    "..x>", &d, 0, buf, sizeof buf);
		cr_assert_str_eq(buf, "                 ^", "got \"%s\"", buf);
		setlocale(LC_CTYPE, "C");
	}

	/* A line wider than the screen: shortened around the problem, the
	 * caret under the same octet. */
	{
		char	 line[600], *shown;

		memset(line, 'a', sizeof line - 1);
		line[sizeof line - 1] = '\0';
		line[300] = '\x1b';
		d.column = 300;
		d.length = 1;
		shown = diag_show(line, strlen(line), &d, 0, 60, buf, sizeof buf);
		cr_assert_not_null(shown);
		cr_assert_leq(strlen(shown), 60);
		cr_assert_eq(strncmp(shown + strlen(buf) - 4, "\\x1b", 4), 0,
		    "\"%s\"\n\"%s\"", shown, buf);
		cr_assert_str_eq(buf + strlen(buf) - 4, "^~~~");
		free(shown);
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
			(void)verbs_check(buf, NULL, 0, &dl);
			check_bounds(buf, &dl);
		}
	}
}


/* The parse result: what a server needs from the line, read once. */
Test(verbs, structured_result)
{
	struct verbs_cmd c;
	const struct verbs_param *vp;
	const char *l;

	l = "MAIL FROM:<@relay.example:user@example.org> SIZE=1000 "
	    "body=8bitmime ENVID=QQ+2Bx SMTPUTF8 X-FOO=bar";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), DIAG_WARNING);
	cr_assert_eq(c.verb->id, VERB_MAIL);
	cr_assert_eq(c.word.off, 0);
	cr_assert_eq(c.word.len, 4);
	cr_assert_eq(strncmp(l + c.path.off, "<@relay.example:user@example.org>",
	    c.path.len), 0);
	cr_assert_eq(c.path.len, 33);
	cr_assert_eq(c.mailbox.len, 16, "no source route in the mailbox");
	cr_assert_eq(strncmp(l + c.mailbox.off, "user@example.org", 16), 0);
	cr_assert_eq(c.nparams, 5);
	cr_assert_eq(c.params[0].id, VERBS_PARAM_SIZE);
	cr_assert_eq(strncmp(l + c.params[0].value.off, "1000", 4), 0);
	cr_assert_eq(c.params[1].id, VERBS_PARAM_BODY);
	cr_assert_eq(strncmp(l + c.params[1].name.off, "body", 4), 0);
	cr_assert_eq(c.params[2].id, VERBS_PARAM_ENVID);
	cr_assert_eq(c.params[2].value.len, 6);
	cr_assert_eq(c.params[3].id, VERBS_PARAM_SMTPUTF8);
	cr_assert_eq(c.params[3].has_value, 0);
	cr_assert_eq(c.params[4].id, VERBS_PARAM_OTHER);
	cr_assert_eq(strncmp(l + c.params[4].value.off, "bar", 3), 0);
	cr_assert_eq(c.size, 1000);
	cr_assert_eq(verbs_param(&c, VERBS_PARAM_SIZE), &c.params[0]);
	cr_assert_eq(c.body, VERBS_BODY_8BITMIME);
	cr_assert(c.smtputf8);
	vp = verbs_param(&c, VERBS_PARAM_ENVID);
	cr_assert_not_null(vp);
	cr_assert_eq(vp, &c.params[2]);
	cr_assert_null(verbs_param(&c, VERBS_PARAM_RET));

	l = "MAIL FROM:<>";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), 0);
	/* the null path: the brackets alone, no mailbox */
	cr_assert_eq(c.path.len, 2);
	cr_assert_eq(c.mailbox.len, 0);
	l = "RCPT TO:<postmaster>";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), 0);
	cr_assert_eq(strncmp(l + c.mailbox.off, "postmaster", c.mailbox.len), 0);
	cr_assert_eq(c.mailbox.len, 10);

	l = "EHLO [IPv6:2001:db8::1]";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), 0);
	cr_assert_eq(strncmp(l + c.arg.off, "[IPv6:2001:db8::1]", c.arg.len), 0);
	cr_assert_eq(c.arg.len, 18);
	l = "HELP mail";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), 0);
	cr_assert_eq(c.arg.off, 5);
	cr_assert_eq(c.arg.len, 4);
	l = "AUTH PLAIN AGJvYgBzZWNyZXQ=";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), 0);
	cr_assert_eq(strncmp(l + c.arg.off, "PLAIN", c.arg.len), 0);
	cr_assert_eq(c.arg2.off, 11);
	cr_assert_eq(c.arg2.len, 16);
	l = "BDAT 1000 last";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), 0);
	cr_assert_eq(c.chunk, 1000);
	cr_assert(c.last);
	cr_assert_eq(c.arg2.off, 10);
	l = "BDAT 18446744073709551616";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), 0);
	cr_assert_eq(c.chunk, UINTMAX_MAX, "saturated, never wrapped");
	cr_assert_not(c.last);
	l = "FOO bar";
	cr_assert_eq(verbs_parse(l, strlen(l), NULL, 0, &c), DIAG_ERROR);
	cr_assert_null(c.verb);
	cr_assert_eq(c.word.len, 3);
}

/* The reply a server gives for each kind of problem. */
static struct caps *
caps_practice(void)
{
	static struct caps c;

	caps_clear(&c);
	cr_assert_eq(caps_from_spec(&c, "PIPELINING SIZE 1000 8BITMIME "
	    "CHUNKING BINARYMIME DSN SMTPUTF8"), 0);
	return &c;
}

static void
expect_reply(const char *line, size_t len, const struct caps *caps,
    unsigned flags, int code, const char *esc)
{
	struct verbs_cmd c;
	const struct diag *d;

	(void)verbs_parse(line, len, caps, flags, &c);
	d = verbs_refusal(&c);
	if (code == 0) {
		cr_expect_null(d, "\"%s\": a server takes it, not %d %s (%s)",
		    line, d ? d->reply : 0, d ? d->esc : "", d ? d->msg : "");
		return;
	}
	cr_assert_not_null(d, "\"%s\": no reply predicted, want %d", line,
	    code);
	cr_expect_eq(d->reply, code, "\"%s\": %d, want %d (%s)", line,
	    d->reply, code, d->msg);
	cr_expect_str_eq(d->esc, esc, "\"%s\"", line);
}

#define REPLY(l, caps, code, esc) \
	expect_reply((l), strlen(l), (caps), 0, (code), (esc))

Test(verbs, predicted_replies)
{
	struct caps *pc = caps_practice();
	char	 line[1200], *a;
	struct verbs_cmd c;

	REPLY("FOO bar", NULL, 500, "5.5.2");
	REPLY("", NULL, 500, "5.5.2");
	REPLY("   ", NULL, 500, "5.5.2");
	REPLY(" NOOP", NULL, 500, "5.5.2");
	REPLY("NO\x01OP", NULL, 500, "5.5.2");
	REPLY("XCLIENT NAME=x", NULL, 500, "5.5.2");
	REPLY("TURN", NULL, 502, "5.5.1");
	REPLY("SEND FROM:<a@b.example>", NULL, 502, "5.5.1");
	REPLY("MAIL FROM:a@b", NULL, 501, "5.5.4");
	REPLY("MAIL FROM:<a\x01@b>", NULL, 501, "5.5.4");
	REPLY("DATA now", NULL, 501, "5.5.4");
	REPLY("MAIL FROM:<a@b> FOO=1", NULL, 555, "5.5.4");
	REPLY("RCPT TO:<a@b> SIZE=1", NULL, 555, "5.5.4");
	REPLY("MAIL FROM:<a@b> REQUIRETLS", pc, 555, "5.5.4");
	REPLY("MAIL FROM:<a@b> AUTH=<>", pc, 555, "5.5.4");
	REPLY("MAIL FROM:<a@b> PIPELINING", pc, 555, "5.5.4");
	REPLY("MAIL FROM:<a@b> SIZE=1001", pc, 552, "5.3.4");
	REPLY("MAIL FROM:<a@b> SIZE=1000", pc, 0, NULL);
	REPLY("BDAT 1001", pc, 552, "5.3.4");
	REPLY("BDAT 18446744073709551615 LAST", pc, 552, "5.3.4");
	REPLY("BDAT 1000", pc, 0, NULL);
	REPLY("MAIL FROM:<\xc3\xbc@b.example>", NULL, 550, "5.6.7");
	REPLY("RCPT TO:<\xc3\xbc@b.example>", NULL, 553, "5.6.7");
	expect_reply("RCPT TO:<\xc3\xbc@b.example>", 22, NULL,
	    VERBS_SMTPUTF8_TXN, 0, NULL);
	REPLY("AUTH PL@IN", NULL, 504, "5.5.4");
	REPLY("AUTH PLAIN abc", NULL, 501, "5.5.2");
	REPLY("AUTH PLAIN", pc, 0, NULL);
	/* Repeated parameters: RFC 3461 4.5 and 5.1, RFC 1870 6: 501. */
	REPLY("MAIL FROM:<a@b> SIZE=1 SIZE=2", NULL, 501, "5.5.4");
	REPLY("MAIL FROM:<a@b> RET=FULL RET=HDRS", NULL, 501, "5.5.4");
	REPLY("MAIL FROM:<a@b> ENVID=x ENVID=y", NULL, 501, "5.5.4");
	REPLY("RCPT TO:<a@b> NOTIFY=NEVER NOTIFY=NEVER", NULL, 501, "5.5.4");
	REPLY("RCPT TO:<a@b> ORCPT=rfc822;a@b ORCPT=rfc822;a@b", NULL, 501,
	    "5.5.4");
	/* A repeated NOTIFY element is a valid value (RFC 3461 4.1: 1#),
	 * which RFC 3461 5.1 (b) says a server MUST NOT refuse. */
	REPLY("RCPT TO:<a@b> NOTIFY=DELAY,DELAY", NULL, 0, NULL);
	cr_assert_eq(verbs_parse("RCPT TO:<a@b> NOTIFY=DELAY,DELAY", 32, NULL,
	    0, &c), DIAG_WARNING);
	/* Tolerated: what servers take although the RFC does not say so. */
	REPLY("MAIL FROM: <a@b>", NULL, 0, NULL);
	REPLY("MAIL FROM:<@r.example:a@b>", NULL, 0, NULL);
	REPLY("MAIL FROM:<a@b>  SIZE=1", NULL, 0, NULL);
	REPLY("NOOP \t", NULL, 0, NULL);
	REPLY("HELO [192.0.2.1]", NULL, 0, NULL);
	REPLY("VRFY John Smith", NULL, 0, NULL);
	/* Limits of RFC 5321 4.5.3.1: warned, 501 or 500 where applied. */
	a = repeat('a', 65);
	snprintf(line, sizeof line, "RCPT TO:<%s@example.org>", a);
	free(a);
	REPLY(line, NULL, 501, "5.5.4");
	a = repeat('n', 506);
	snprintf(line, sizeof line, "NOOP %s", a);
	free(a);
	REPLY(line, NULL, 500, "5.5.2");
	/* The one furthest to the left is what a server answers. */
	REPLY("MAIL FROM:<a@b> FOO=1 SIZE=x", NULL, 555, "5.5.4");
	REPLY("MAIL FROM:<a@b> SIZE=x FOO=1", NULL, 501, "5.5.4");
	caps_clear(pc);
}

/* Every error carries a reply of its class; so does every line without
 * a verb (the practice server relies on it). */
Test(verbs, every_error_has_a_reply)
{
	struct verbs_cmd c;
	const struct diag *d;
	size_t	 i, k;

	for (i = 0; i < GRAMMAR_NCASES; i++) {
		(void)verbs_parse(grammar[i].line, strlen(grammar[i].line),
		    NULL, 0, &c);
		d = verbs_refusal(&c);
		if (c.worst >= DIAG_ERROR || c.verb == NULL)
			cr_expect_not_null(d, "\"%s\": no reply", grammar[i].line);
		for (k = 0; k < c.diags.n; k++) {
			d = &c.diags.d[k];
			if (d->severity >= DIAG_ERROR)
				cr_expect(d->reply >= 500 && d->reply <= 559,
				    "\"%s\": %s has reply %d", grammar[i].line,
				    d->msg, d->reply);
			if (d->reply == 0) {
				cr_expect_null(d->esc);
				continue;
			}
			cr_assert_not_null(d->esc);
			cr_expect_eq(d->esc[0], '0' + d->reply / 100,
			    "\"%s\": %d with %s", grammar[i].line, d->reply,
			    d->esc);
		}
	}
}

/* A NUL octet is a control character like any other (the practice
 * server hands the grammar whole lines). */
Test(verbs, nul_octet)
{
	struct verbs_cmd c;

	cr_assert_eq(verbs_parse("NOOP a\0b", 8, NULL, 0, &c), DIAG_ERROR);
	cr_assert_eq(c.diags.d[0].column, 6);
	cr_assert_str_eq(c.diags.d[0].msg, "control character 0x00 in the "
	    "command");
	cr_assert_eq(verbs_refusal(&c)->reply, 501);
	cr_assert_eq(verbs_parse("NO\0OP", 5, NULL, 0, &c), DIAG_ERROR);
	cr_assert_null(c.verb);
	cr_assert_eq(verbs_refusal(&c)->reply, 500);
}

/* The refusal survives a full diagnostic list. */
Test(verbs, refusal_beyond_diag_max)
{
	struct verbs_cmd c;
	char	 line[600];
	size_t	 len, i;

	len = (size_t)snprintf(line, sizeof line, "RCPT TO:<a@b.example> "
	    "NOTIFY=DELAY");
	for (i = 0; i < DIAG_MAX + 4; i++)
		len += (size_t)snprintf(line + len, sizeof line - len,
		    ",DELAY");
	snprintf(line + len, sizeof line - len, " ORCPT=x");
	cr_assert_eq(verbs_parse(line, strlen(line), NULL, 0, &c), DIAG_ERROR);
	cr_assert_eq(c.diags.n, DIAG_MAX);
	cr_assert_eq(c.diags.d[DIAG_MAX - 1].severity, DIAG_WARNING);
	cr_assert_not_null(verbs_refusal(&c));
	cr_assert_eq(verbs_refusal(&c)->reply, 501);
	cr_assert_eq(verbs_refusal(&c)->column, strlen(line) - 1);
}

/* The grammar's Domain for other modules (MTA-STS mx patterns). */
Test(verbs, domain_ok)
{
	char	 d[300];

	cr_assert(verbs_domain_ok("mx.example.org", 14, 1));
	cr_assert(verbs_domain_ok("[192.0.2.1]", 11, 1));
	cr_assert(verbs_domain_ok("b\xc3\xbc" "cher.example", 14, 1));
	cr_assert_not(verbs_domain_ok("[192.0.2.300]", 13, 1));
	cr_assert_not(verbs_domain_ok("-bad.example", 12, 1));
	cr_assert_not(verbs_domain_ok("a.example extra", 15, 1));
	cr_assert_not(verbs_domain_ok("a.example.", 10, 1));
	cr_assert_not(verbs_domain_ok("", 0, 1));
	/* RFC 5321 4.5.3.1.2: more than 255 octets */
	memset(d, 'a', sizeof d);
	for (size_t i = 60; i < sizeof d; i += 61)
		d[i] = '.';
	cr_assert_not(verbs_domain_ok(d, 260, 0));
}

/* RFC 2033 4.1: LHLO is EHLO's grammar; each protocol's server refuses
 * the other's greeting with 500, which the checker predicts. */
Test(verbs, lmtp_greetings)
{
	struct verbs_cmd	 c;
	const struct verb_info	*v = verbs_get(VERB_LHLO);
	const struct diag	*d;

	cr_assert_not_null(v);
	cr_assert_str_eq(v->rfc, "RFC 2033 4.1");
	cr_assert(verbs_in_protocol(v, 1) && !verbs_in_protocol(v, 0));
	cr_assert(verbs_in_protocol(verbs_get(VERB_EHLO), 0));
	cr_assert(!verbs_in_protocol(verbs_get(VERB_HELO), 1));
	cr_assert(verbs_in_protocol(verbs_get(VERB_MAIL), 1) &&
	    verbs_in_protocol(verbs_get(VERB_MAIL), 0));

	cr_assert_eq(verbs_parse("LHLO me.example", 15, NULL, VERBS_LMTP, &c),
	    0);
	cr_assert_eq(c.verb, v);
	cr_assert_eq(c.arg.off, 5);
	cr_assert_eq(c.arg.len, 10);
	cr_assert_eq(verbs_parse("lhlo [192.0.2.1]", 16, NULL, VERBS_LMTP,
	    &c), 0);
	cr_assert_eq(verbs_parse("LHLO", 4, NULL, VERBS_LMTP, &c), DIAG_ERROR);

	cr_assert_eq(verbs_parse("LHLO me.example", 15, NULL, 0, &c),
	    DIAG_WARNING);
	cr_assert_not_null(d = verbs_refusal(&c));
	cr_assert_eq(d->reply, 500);
	cr_assert_str_eq(d->esc, "5.5.2");
	cr_assert_str_eq(d->rfc, "RFC 2033 4.1");
	cr_assert(strstr(d->msg, "use EHLO") != NULL, "%s", d->msg);

	cr_assert_eq(verbs_parse("EHLO me.example", 15, NULL, VERBS_LMTP, &c),
	    DIAG_WARNING);
	cr_assert_not_null(d = verbs_refusal(&c));
	cr_assert_eq(d->reply, 500);
	cr_assert(strstr(d->msg, "LMTP has no EHLO") != NULL, "%s", d->msg);
	cr_assert_eq(verbs_check("HELO me.example", NULL, VERBS_LMTP, &c.diags),
	    DIAG_WARNING);
	cr_assert_eq(verbs_check("HELO me.example", NULL, 0, &c.diags), 0);
}

/* Which extension each parameter needs, said once for the grammar and
 * for completion: BODY=BINARYMIME needs BINARYMIME and CHUNKING, the
 * other BODY values 8BITMIME; nothing is missing before an EHLO reply. */
Test(verbs, param_advertised)
{
	struct caps	c;

	memset(&c, 0, sizeof c);
	cr_assert(verbs_param_advertised(NULL, VERBS_PARAM_SIZE, "", 0));
	cr_assert(verbs_param_advertised(&c, VERBS_PARAM_RET, "FULL", 4),
	    "no EHLO reply yet");
	c.ehlo = 1;
	cr_assert(!verbs_param_advertised(&c, VERBS_PARAM_SIZE, "1", 1));
	c.size = 1;
	cr_assert(verbs_param_advertised(&c, VERBS_PARAM_SIZE, "1", 1));
	cr_assert(!verbs_param_advertised(&c, VERBS_PARAM_BODY, "8BITMIME",
	    8));
	c.eightbitmime = 1;
	cr_assert(verbs_param_advertised(&c, VERBS_PARAM_BODY, "7bit", 4));
	cr_assert(!verbs_param_advertised(&c, VERBS_PARAM_BODY, "binarymime",
	    10));
	c.binarymime = 1;
	cr_assert(!verbs_param_advertised(&c, VERBS_PARAM_BODY, "BINARYMIME",
	    10), "CHUNKING too");
	c.chunking = 1;
	cr_assert(verbs_param_advertised(&c, VERBS_PARAM_BODY, "BINARYMIME",
	    10));
	cr_assert(!verbs_param_advertised(&c, VERBS_PARAM_NOTIFY, "NEVER", 5));
	c.dsn = 1;
	cr_assert(verbs_param_advertised(&c, VERBS_PARAM_NOTIFY, "NEVER", 5));
	cr_assert(!verbs_param_advertised(&c, VERBS_PARAM_AUTH, "<>", 2));
	snprintf(c.auth, sizeof c.auth, "PLAIN");
	cr_assert(verbs_param_advertised(&c, VERBS_PARAM_AUTH, "<>", 2));
}
