/*
 * codes.c -- the knowledge base: lookups over the constant tables in
 * codes.def, codes_esc.def, codes_ctx.def and codes_ehlo.def.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codes.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static int	codes_cmp_code(const void *, const void *);
static int	codes_esc_key(const char *, int *, int *);
static int	codes_cmp_esc(const void *, const void *);
static int	codes_verb_eq(const char *, const char *);
static const struct ehlo_keyword *codes_find_name(const struct ehlo_keyword *,
		    size_t, const char *);

static const struct code_info codes_basic[] = {
#include "codes.def"
};

static const struct esc_info codes_esc[] = {
#include "codes_esc.def"
};

static const struct code_ctx codes_ctx[] = {
#include "codes_ctx.def"
};

#define CODES_EHLO_TABLE 1
static const struct ehlo_keyword codes_keywords[] = {
#include "codes_ehlo.def"
};
#undef CODES_EHLO_TABLE
#define CODES_EHLO_TABLE 2
static const struct ehlo_keyword codes_sasl[] = {
#include "codes_ehlo.def"
};
#undef CODES_EHLO_TABLE

/* RFC 5321 4.2.1: the first digit. */
static const char *codes_class_text[] = {
	[2] = "positive completion: the requested action was done",
	[3] = "positive intermediate: accepted, more information is needed",
	[4] = "transient negative completion: not done, but may work if repeated",
	[5] = "permanent negative completion: not done; do not repeat unchanged",
};

/* For learners: why the first digit is what a client acts on. */
static const char *codes_class_why_text[] = {
	[2] = "2yz: the command was done; a client that understands only the "
	    "first digit may go on (RFC 5321 4.2.1, 4.3.2)",
	[3] = "3yz: the server waits for more before it can finish: the "
	    "message after DATA, an answer after AUTH (RFC 5321 4.2.1)",
	[4] = "4yz: not done, but nothing is wrong for good; the same command "
	    "may work later, so a client queues and retries (RFC 5321 4.2.1, "
	    "4.5.4.1)",
	[5] = "5yz: not done, and repeating it unchanged fails again; the "
	    "sender must be told (RFC 5321 4.2.1, 6.1)",
};

/* RFC 5321 4.2.1: the second digit. */
static const char *codes_category_text[] = {
	[0] = "syntax",
	[1] = "information",
	[2] = "connections",
	[3] = "unspecified",
	[4] = "unspecified",
	[5] = "mail system",
};

/* RFC 3463 2: class sub-codes. */
static const char *codes_esc_class_text[] = {
	[2] = "Success",
	[4] = "Persistent Transient Failure",
	[5] = "Permanent Failure",
};

/* RFC 3463 2: what each class tells the client to do. */
static const char *codes_esc_class_effect_text[] = {
	[2] = "the action was done",
	[4] = "temporary: the same command may work later",
	[5] = "permanent: it fails again unless something changes",
};

/*
 * RFC 3463 2: "2.X.XXX Success" reports a positive result; the subject
 * then says what the success concerns.  A row of codes_esc.def with its
 * own .success text takes precedence.
 */
static const char *codes_esc_subject_success_text[] = {
	[0] = "Success; the code adds no detail.",
	[1] = "Success concerning an address: the address was accepted.",
	[2] = "Success concerning the mailbox: it takes the message.",
	[3] = "Success concerning the mail system: it took the request.",
	[4] = "Success concerning network and routing.",
	[5] = "Success: the protocol step was accepted.",
	[6] = "Success concerning the content: it was accepted.",
	[7] = "Success: the security or policy check passed.",
};

/* RFC 3463 2: subject sub-codes. */
static const char *codes_esc_subject_text[] = {
	[0] = "Other or Undefined Status",
	[1] = "Addressing Status",
	[2] = "Mailbox Status",
	[3] = "Mail System Status",
	[4] = "Network and Routing Status",
	[5] = "Mail Delivery Protocol Status",
	[6] = "Message Content or Media Status",
	[7] = "Security or Policy Status",
};

static int
codes_cmp_code(const void *k, const void *e)
{
	int a = *(const int *)k;
	int b = ((const struct code_info *)e)->code;

	return (a > b) - (a < b);
}

const struct code_info *
codes_lookup(int code)
{
	return bsearch(&code, codes_basic, NITEMS(codes_basic),
	    sizeof(codes_basic[0]), codes_cmp_code);
}

/*
 * Parse "C.S.D" (C a digit 2/4/5 or 'X'/'x'; S and D 1-3 digits, RFC 3463
 * 2) into subject and detail.  Returns 0 on success, -1 when malformed.
 */
static int
codes_esc_key(const char *s, int *subject, int *detail)
{
	int	 v[2], i, n;

	if (s == NULL)
		return -1;
	if (*s != '2' && *s != '4' && *s != '5' && *s != 'X' && *s != 'x')
		return -1;
	s++;
	for (i = 0; i < 2; i++) {
		if (*s++ != '.')
			return -1;
		v[i] = 0;
		for (n = 0; *s >= '0' && *s <= '9'; n++, s++) {
			if (n == 3)
				return -1;
			v[i] = v[i] * 10 + (*s - '0');
		}
		if (n == 0)
			return -1;
	}
	if (*s != '\0')
		return -1;
	*subject = v[0];
	*detail = v[1];
	return 0;
}

static int
codes_cmp_esc(const void *k, const void *e)
{
	const int *key = k;
	int s, d;

	if (codes_esc_key(((const struct esc_info *)e)->code, &s, &d) == -1)
		return -1;	/* cannot happen: the unit test checks every row */
	if (key[0] != s)
		return (key[0] > s) - (key[0] < s);
	return (key[1] > d) - (key[1] < d);
}

const struct esc_info *
codes_lookup_enhanced(const char *code)
{
	int key[2];

	if (codes_esc_key(code, &key[0], &key[1]) == -1)
		return NULL;
	return bsearch(key, codes_esc, NITEMS(codes_esc), sizeof(codes_esc[0]),
	    codes_cmp_esc);
}

static int
codes_verb_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

const struct code_ctx *
codes_lookup_context(const char *verb, int code)
{
	const struct code_ctx *klass = NULL, *any = NULL;
	size_t i;

	if (verb == NULL)
		return NULL;
	for (i = 0; i < NITEMS(codes_ctx); i++) {
		const struct code_ctx *c = &codes_ctx[i];

		if (codes_verb_eq(c->verb, verb)) {
			if (c->code == code)
				return c;
			if (c->code == 0 && c->klass == code / 100 &&
			    klass == NULL)
				klass = c;
		} else if (strcmp(c->verb, CODES_CTX_ANY) == 0 &&
		    c->code == code)
			any = c;
	}
	return any != NULL ? any : klass;
}

static const struct ehlo_keyword *
codes_find_name(const struct ehlo_keyword *t, size_t n, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

const struct ehlo_keyword *
codes_lookup_keyword(const char *name)
{
	return codes_find_name(codes_keywords, NITEMS(codes_keywords), name);
}

const struct ehlo_keyword *
codes_lookup_sasl(const char *name)
{
	return codes_find_name(codes_sasl, NITEMS(codes_sasl), name);
}

const char *
codes_class_meaning(int digit)
{
	if (digit < 2 || digit > 5)
		return NULL;
	return codes_class_text[digit];
}

const char *
codes_class_why(int digit)
{
	if (digit < 2 || digit > 5)
		return NULL;
	return codes_class_why_text[digit];
}

const char *
codes_category_meaning(int digit)
{
	if (digit < 0 || digit > 5)
		return NULL;
	return codes_category_text[digit];
}

const char *
codes_esc_class_meaning(int klass)
{
	if (klass != 2 && klass != 4 && klass != 5)
		return NULL;
	return codes_esc_class_text[klass];
}

const char *
codes_esc_subject_meaning(int subject)
{
	if (subject < 0 || subject > 7)
		return NULL;
	return codes_esc_subject_text[subject];
}

const char *
codes_esc_class_effect(int klass)
{
	if (klass != 2 && klass != 4 && klass != 5)
		return NULL;
	return codes_esc_class_effect_text[klass];
}

const char *
codes_esc_subject_success(int subject)
{
	if (subject < 0 || subject > 7)
		return NULL;
	return codes_esc_subject_success_text[subject];
}

const struct code_info *
codes_table(size_t *n)
{
	*n = NITEMS(codes_basic);
	return codes_basic;
}

const struct esc_info *
codes_esc_table(size_t *n)
{
	*n = NITEMS(codes_esc);
	return codes_esc;
}

const struct code_ctx *
codes_ctx_table(size_t *n)
{
	*n = NITEMS(codes_ctx);
	return codes_ctx;
}

const struct ehlo_keyword *
codes_keyword_table(size_t *n)
{
	*n = NITEMS(codes_keywords);
	return codes_keywords;
}

const struct ehlo_keyword *
codes_sasl_table(size_t *n)
{
	*n = NITEMS(codes_sasl);
	return codes_sasl;
}
