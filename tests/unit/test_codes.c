/*
 * test_codes.c -- the knowledge base tables and their lookups.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"

static int
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* "X.S.D" -> subject, detail; -1 when malformed. */
static int
esc_parts(const char *c, int *s, int *d)
{
	char tail;

	if (c == NULL || c[0] != 'X' || c[1] != '.')
		return -1;
	if (sscanf(c + 2, "%d.%d%c", s, d, &tail) != 2)
		return -1;
	return 0;
}

Test(codes, basic_table_rows_complete_sorted_unique)
{
	const struct code_info *t;
	size_t n, i;

	t = codes_table(&n);
	cr_assert_gt(n, 30);
	for (i = 0; i < n; i++) {
		cr_assert(t[i].code >= 200 && t[i].code <= 599, "row %zu", i);
		cr_assert(nonempty(t[i].title), "%d: title", t[i].code);
		cr_assert(nonempty(t[i].meaning), "%d: meaning", t[i].code);
		cr_assert(nonempty(t[i].action), "%d: action", t[i].code);
		cr_assert(nonempty(t[i].rfc), "%d: rfc", t[i].code);
		cr_assert(strncmp(t[i].rfc, "RFC ", 4) == 0, "%d: rfc %s",
		    t[i].code, t[i].rfc);
		cr_assert(t[i].hint == NULL || nonempty(t[i].hint));
		if (i > 0)
			cr_assert_gt(t[i].code, t[i - 1].code,
			    "%d after %d: not sorted or duplicate", t[i].code,
			    t[i - 1].code);
		cr_assert_eq(codes_lookup(t[i].code), &t[i]);
	}
}

Test(codes, every_rfc5321_4_2_3_code_looks_up)
{
	/* RFC 5321 4.2.3, reply codes in numeric order. */
	static const int rfc5321[] = { 211, 214, 220, 221, 250, 251, 252, 354,
	    421, 450, 451, 452, 455, 500, 501, 502, 503, 504, 550, 551, 552,
	    553, 554, 555 };
	size_t i;

	for (i = 0; i < sizeof rfc5321 / sizeof rfc5321[0]; i++) {
		const struct code_info *c = codes_lookup(rfc5321[i]);

		cr_assert_not_null(c, "%d missing", rfc5321[i]);
		cr_assert_eq(c->code, rfc5321[i]);
		cr_assert(strstr(c->rfc, "RFC 5321") != NULL, "%d: %s",
		    c->code, c->rfc);
	}
}

Test(codes, extension_codes_look_up)
{
	static const struct { int code; const char *rfc; } ext[] = {
		{ 235, "RFC 4954" }, { 334, "RFC 4954" }, { 432, "RFC 4954" },
		{ 454, "RFC 3207" }, { 454, "RFC 4954" }, { 530, "RFC 3207" },
		{ 534, "RFC 4954" }, { 535, "RFC 4954" }, { 538, "RFC 4954" },
		{ 521, "RFC 7504" }, { 556, "RFC 7504" }, { 253, "RFC 1985" },
		{ 458, "RFC 1985" }, { 459, "RFC 1985" }, { 552, "RFC 1870" },
		{ 553, "RFC 6531" },
	};
	size_t i;

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		const struct code_info *c = codes_lookup(ext[i].code);

		cr_assert_not_null(c, "%d missing", ext[i].code);
		cr_assert(strstr(c->rfc, ext[i].rfc) != NULL, "%d: %s lacks %s",
		    c->code, c->rfc, ext[i].rfc);
	}
	cr_assert_null(codes_lookup(299));
	cr_assert_null(codes_lookup(650));
	cr_assert_null(codes_lookup(0));
	cr_assert_null(codes_lookup(-1));
}

Test(codes, esc_table_rows_complete_sorted_unique)
{
	const struct esc_info *t;
	size_t n, i;
	int ps = -1, pd = -1;

	t = codes_esc_table(&n);
	cr_assert_gt(n, 80);
	for (i = 0; i < n; i++) {
		int s, d;
		char q[16];
		static const char klass[] = "245";
		int k;

		cr_assert_eq(esc_parts(t[i].code, &s, &d), 0, "row %zu: %s", i,
		    t[i].code);
		cr_assert(s >= 0 && s <= 7, "%s", t[i].code);
		cr_assert(nonempty(t[i].title), "%s: title", t[i].code);
		cr_assert(nonempty(t[i].meaning), "%s: meaning", t[i].code);
		cr_assert(nonempty(t[i].rfc), "%s: rfc", t[i].code);
		cr_assert(strncmp(t[i].rfc, "RFC ", 4) == 0 ||
		    strncmp(t[i].rfc, "IANA ", 5) == 0, "%s: %s", t[i].code,
		    t[i].rfc);
		cr_assert(t[i].hint == NULL || nonempty(t[i].hint));
		cr_assert(s > ps || (s == ps && d > pd),
		    "%s: not sorted or duplicate", t[i].code);
		ps = s;
		pd = d;
		for (k = 0; k < 3; k++) {
			snprintf(q, sizeof q, "%c.%d.%d", klass[k], s, d);
			cr_assert_eq(codes_lookup_enhanced(q), &t[i], "%s", q);
		}
		cr_assert_eq(codes_lookup_enhanced(t[i].code), &t[i]);
	}
}

Test(codes, registry_codes_present)
{
	/* RFC 3463 3.1-3.8 ranges, RFC 4954 6, RFC 5248 2.4, RFC 6531 4.2,
	 * RFC 8689 7, and the codes whose RFCs are cited by reference. */
	static const struct { int s, max; } ranges[] = {
		{ 0, 0 }, { 1, 10 }, { 2, 4 }, { 3, 6 }, { 4, 7 }, { 5, 6 },
		{ 6, 10 }, { 7, 30 },
	};
	size_t i;
	int d;
	char q[16];

	for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		for (d = 0; d <= ranges[i].max; d++) {
			snprintf(q, sizeof q, "5.%d.%d", ranges[i].s, d);
			cr_assert_not_null(codes_lookup_enhanced(q), "%s", q);
		}
	cr_assert_str_eq(codes_lookup_enhanced("5.7.26")->title,
	    "Multiple authentication checks failed");
	cr_assert_str_eq(codes_lookup_enhanced("4.7.12")->rfc, "RFC 4954 6");
	cr_assert_str_eq(codes_lookup_enhanced("5.7.30")->title,
	    "REQUIRETLS support required");
	cr_assert_str_eq(codes_lookup_enhanced("x.2.2")->title, "Mailbox full");
}

Test(codes, enhanced_unknown_and_malformed)
{
	cr_assert_null(codes_lookup_enhanced("5.1.99"));
	cr_assert_null(codes_lookup_enhanced("5.8.1"));
	cr_assert_null(codes_lookup_enhanced("6.1.1"));
	cr_assert_null(codes_lookup_enhanced("5.1"));
	cr_assert_null(codes_lookup_enhanced("5.1.1.1"));
	cr_assert_null(codes_lookup_enhanced("5.1.1 "));
	cr_assert_null(codes_lookup_enhanced("5.1111.1"));
	cr_assert_null(codes_lookup_enhanced("5..1"));
	cr_assert_null(codes_lookup_enhanced(""));
	cr_assert_null(codes_lookup_enhanced(NULL));
}

Test(codes, class_and_subject_fallbacks)
{
	int d;

	for (d = 2; d <= 5; d++)
		cr_assert(nonempty(codes_class_meaning(d)));
	cr_assert_null(codes_class_meaning(1));
	cr_assert_null(codes_class_meaning(6));
	for (d = 0; d <= 5; d++)
		cr_assert(nonempty(codes_category_meaning(d)));
	cr_assert_null(codes_category_meaning(6));
	cr_assert_null(codes_category_meaning(-1));
	cr_assert_str_eq(codes_category_meaning(5), "mail system");
	cr_assert(nonempty(codes_esc_class_meaning(2)));
	cr_assert(nonempty(codes_esc_class_meaning(4)));
	cr_assert(nonempty(codes_esc_class_meaning(5)));
	cr_assert_null(codes_esc_class_meaning(3));
	for (d = 0; d <= 7; d++)
		cr_assert(nonempty(codes_esc_subject_meaning(d)));
	cr_assert_null(codes_esc_subject_meaning(8));
	/* 5.1.99: detail unknown, subject known (RFC 3463 2). */
	cr_assert_str_eq(codes_esc_subject_meaning(1), "Addressing Status");
}

Test(codes, context_table_rows)
{
	const struct code_ctx *t;
	size_t n, i, j;

	t = codes_ctx_table(&n);
	cr_assert_gt(n, 50);
	for (i = 0; i < n; i++) {
		cr_assert(nonempty(t[i].verb), "row %zu", i);
		cr_assert(nonempty(t[i].summary), "row %zu", i);
		cr_assert(nonempty(t[i].rfc), "row %zu", i);
		cr_assert(t[i].next == NULL || nonempty(t[i].next));
		if (t[i].code != 0) {
			cr_assert_eq(t[i].klass, 0, "%s %d", t[i].verb, t[i].code);
			cr_assert_not_null(codes_lookup(t[i].code),
			    "%s %d: code not in the basic table", t[i].verb,
			    t[i].code);
		} else
			cr_assert(t[i].klass >= 2 && t[i].klass <= 5, "%s",
			    t[i].verb);
		for (j = 0; j < i; j++)
			cr_assert(strcmp(t[i].verb, t[j].verb) != 0 ||
			    t[i].code != t[j].code || t[i].klass != t[j].klass,
			    "duplicate %s %d", t[i].verb, t[i].code);
	}
}

Test(codes, context_lookup_order)
{
	const struct code_ctx *c;

	c = codes_lookup_context("mail", 250);
	cr_assert_not_null(c);
	cr_assert_str_eq(c->summary, "sender accepted");
	c = codes_lookup_context("RCPT", 250);
	cr_assert_str_eq(c->summary, "recipient accepted");
	/* 421 may answer any command (RFC 5321 4.3.2). */
	c = codes_lookup_context("MAIL", 421);
	cr_assert_str_eq(c->verb, CODES_CTX_ANY);
	/* Class row for a code without its own row. */
	c = codes_lookup_context("MAIL", 451);
	cr_assert_eq(c->klass, 4);
	cr_assert_str_eq(c->verb, "MAIL");
	cr_assert_not_null(codes_lookup_context(CODES_CTX_DATA_END, 250));
	cr_assert_null(codes_lookup_context("NOSUCH", 250));
	cr_assert_null(codes_lookup_context(NULL, 250));
	cr_assert_neq(codes_lookup_context("QUIT", 221),
	    codes_lookup_context(CODES_CTX_UNSOLICITED, 221));
}

static void
check_keyword_table(const struct ehlo_keyword *t, size_t n)
{
	size_t i;
	const char *p;

	for (i = 0; i < n; i++) {
		cr_assert(nonempty(t[i].name));
		cr_assert(nonempty(t[i].title), "%s", t[i].name);
		cr_assert(nonempty(t[i].rfc), "%s", t[i].name);
		for (p = t[i].name; *p; p++)
			cr_assert(!islower((unsigned char)*p), "%s", t[i].name);
		if (i > 0)
			cr_assert_gt(strcmp(t[i].name, t[i - 1].name), 0,
			    "%s: not sorted or duplicate", t[i].name);
	}
}

Test(codes, keyword_tables)
{
	const struct ehlo_keyword *t;
	size_t n, i;
	static const char *want[] = { "PIPELINING", "SIZE", "8BITMIME",
	    "SMTPUTF8", "STARTTLS", "AUTH", "ENHANCEDSTATUSCODES", "DSN",
	    "CHUNKING", "BINARYMIME", "ETRN", "VRFY", "HELP", "DELIVERBY",
	    "MT-PRIORITY", "REQUIRETLS", "X-EXPS", "TURN" };

	t = codes_keyword_table(&n);
	check_keyword_table(t, n);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert_not_null(codes_lookup_keyword(want[i]), "%s", want[i]);
	cr_assert_not_null(codes_lookup_keyword("pipelining"));
	cr_assert(codes_lookup_keyword("TURN")->deprecated);
	cr_assert(!codes_lookup_keyword("SIZE")->deprecated);
	cr_assert_null(codes_lookup_keyword("XNOSUCH"));
	t = codes_sasl_table(&n);
	check_keyword_table(t, n);
	cr_assert_not_null(codes_lookup_sasl("plain"));
	cr_assert_not_null(codes_lookup_sasl("SCRAM-SHA-256"));
	cr_assert_null(codes_lookup_sasl("NOSUCH"));
}

Test(codes, real_world_hints)
{
	static const char *want[] = { "5.7.26", "4.7.0", "4.7.1", "5.1.1",
	    "5.7.1", "5.2.2" };
	size_t i;

	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert(nonempty(codes_lookup_enhanced(want[i])->hint), "%s",
		    want[i]);
}

Test(codes, no_markdown_breaking_text)
{
	const struct code_info *b;
	const struct esc_info *e;
	size_t n, i;

	b = codes_table(&n);
	for (i = 0; i < n; i++)
		cr_assert(strchr(b[i].meaning, '\n') == NULL &&
		    strchr(b[i].action, '\n') == NULL, "%d", b[i].code);
	e = codes_esc_table(&n);
	for (i = 0; i < n; i++)
		cr_assert(strchr(e[i].meaning, '\n') == NULL, "%s", e[i].code);
}

/* RFC 3463 2: class effects and success texts for every subject. */
Test(codes, class_effects_and_success_texts)
{
	int d;

	cr_assert_str_eq(codes_esc_class_effect(2), "the action was done");
	cr_assert(strstr(codes_esc_class_effect(4), "temporary") != NULL);
	cr_assert(strstr(codes_esc_class_effect(5), "permanent") != NULL);
	cr_assert_null(codes_esc_class_effect(3));
	for (d = 0; d <= 7; d++)
		cr_assert(strncmp(codes_esc_subject_success(d), "Success", 7) ==
		    0, "%d", d);
	cr_assert_null(codes_esc_subject_success(8));
	cr_assert_null(codes_esc_subject_success(-1));
}

/* The codes used in positive replies (RFC 5248 3, Table 1: associated
 * with a 2yz code; and 2.1.0, 2.6.0 that servers send with 250) say
 * what they mean there, in words of success. */
Test(codes, success_rows)
{
	static const char *positive[] = { "2.0.0", "2.1.0", "2.1.5", "2.3.0",
	    "2.5.0", "2.6.0", "2.6.4", "2.7.0", "2.3.6" };
	const struct esc_info *t;
	size_t i, n, with = 0;

	for (i = 0; i < sizeof positive / sizeof positive[0]; i++) {
		const struct esc_info *e = codes_lookup_enhanced(positive[i]);

		cr_assert(nonempty(e->success), "%s", positive[i]);
		cr_assert_null(strstr(e->success, "caused this result"), "%s",
		    positive[i]);
	}
	t = codes_esc_table(&n);
	for (i = 0; i < n; i++)
		if (t[i].success != NULL) {
			cr_assert(nonempty(t[i].success), "%s", t[i].code);
			with++;
		}
	cr_assert_eq(with, sizeof positive / sizeof positive[0]);
}

/* The general actions do not contradict the context: a 250 is not
 * always inside a transaction, and smtpscope stuffs the dots itself. */
Test(codes, general_actions_fit_every_context)
{
	cr_assert_null(strstr(codes_lookup(250)->action, "transaction"));
	cr_assert_null(strstr(codes_lookup(354)->action, "dot-stuffed"));
	cr_assert_not_null(strstr(codes_lookup(354)->action,
	    "smtpscope does that itself"));
}

/* Every positive context row has its own advice: a success never falls
 * back to the code's general action. */
Test(codes, positive_context_rows_advise)
{
	const struct code_ctx *t;
	size_t n, i;

	t = codes_ctx_table(&n);
	for (i = 0; i < n; i++)
		if ((t[i].code >= 200 && t[i].code < 400) ||
		    (t[i].code == 0 && t[i].klass < 4))
			cr_assert(nonempty(t[i].next), "%s %d", t[i].verb,
			    t[i].code);
}

/* --learn: every "why" cites its RFC, and every class has one. */
Test(codes, why_rows)
{
	const struct code_ctx *t;
	size_t n, i, with = 0;
	int d;

	t = codes_ctx_table(&n);
	for (i = 0; i < n; i++) {
		if (t[i].why == NULL)
			continue;
		with++;
		cr_assert(strstr(t[i].why, "(RFC ") != NULL, "%s %d", t[i].verb,
		    t[i].code);
	}
	cr_assert_geq(with, 40);
	for (d = 2; d <= 5; d++)
		cr_assert(strstr(codes_class_why(d), "(RFC 5321 4.2.1") != NULL,
		    "%d", d);
	cr_assert_null(codes_class_why(1));
	cr_assert_null(codes_class_why(6));
	/* the main path of a transaction has its own */
	cr_assert_not_null(codes_lookup_context(CODES_CTX_GREETING, 220)->why);
	cr_assert_not_null(codes_lookup_context("EHLO", 250)->why);
	cr_assert_not_null(codes_lookup_context("MAIL", 250)->why);
	cr_assert_not_null(codes_lookup_context("RCPT", 250)->why);
	cr_assert_not_null(codes_lookup_context("DATA", 354)->why);
	cr_assert_not_null(codes_lookup_context(CODES_CTX_DATA_END, 250)->why);
	cr_assert_not_null(codes_lookup_context("QUIT", 221)->why);
}
