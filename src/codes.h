/*
 * codes.h -- the knowledge base: SMTP reply codes and enhanced status codes.
 *
 * Pure data plus lookup; nothing here prints.  The tables are constant
 * arrays with named fields, one row per entry, each citing its source:
 *   codes.def       basic reply codes (RFC 5321 4.2 and the extensions)
 *   codes_esc.def   enhanced status codes (RFC 3463 and its updates)
 *   codes_ctx.def   what a basic code means after a given command
 *   codes_ehlo.def  EHLO keywords and SASL mechanisms
 * The basic and enhanced tables are sorted by code (binary search), the
 * keyword tables by name; the unit test checks it.
 */
#ifndef SMTPSCOPE_CODES_H
#define SMTPSCOPE_CODES_H

#include <stddef.h>

struct code_info {
	int		 code;		/* 211 .. 556 */
	const char	*title;		/* short meaning, e.g. "Requested mail action okay, completed" */
	const char	*meaning;	/* what it means in general */
	const char	*action;	/* what the client should do next */
	const char	*rfc;		/* e.g. "RFC 5321 4.2.3" */
	const char	*hint;		/* common real-world cause, or NULL */
};

struct esc_info {
	const char	*code;		/* "X.1.1": class written as X */
	const char	*title;		/* registry title, e.g. "Bad destination mailbox address" */
	const char	*meaning;	/* what it means (in a 4.x.x or 5.x.x reply) */
	const char	*success;	/* what it means in a 2.x.x reply, for
					   codes used in positive replies; NULL:
					   codes_esc_subject_success() */
	const char	*hint;		/* common real-world cause, or NULL */
	const char	*rfc;		/* e.g. "RFC 3463 3.2" */
};

/*
 * What a basic code means as the answer to one command.  verb is an
 * upper-case command name or one of the pseudo verbs CODES_CTX_GREETING,
 * CODES_CTX_DATA_END, CODES_CTX_BDAT_LAST, CODES_CTX_UNSOLICITED, or
 * CODES_CTX_ANY (any command).  A row has either an exact code, or code 0
 * and a class digit (2..5) matching every code of that class.
 */
struct code_ctx {
	const char	*verb;
	int		 code;		/* exact code, or 0 */
	int		 klass;		/* 2..5 when code is 0, else 0 */
	const char	*summary;	/* what the reply means here */
	const char	*next;		/* what to do next, or NULL for the code's action */
	const char	*why;		/* for learners: why it works so, with its
					   RFC; NULL: codes_class_why() */
	const char	*rfc;
};

#define CODES_CTX_GREETING	"<greeting>"
#define CODES_CTX_DATA_END	"<data-end>"
#define CODES_CTX_BDAT_LAST	"<bdat-last>"
#define CODES_CTX_UNSOLICITED	"<unsolicited>"
#define CODES_CTX_ANY		"*"

/* An EHLO keyword (RFC 5321 4.1.1.1) or a SASL mechanism (RFC 4954). */
struct ehlo_keyword {
	const char	*name;		/* upper case, e.g. "PIPELINING" */
	const char	*title;		/* what it offers, one short phrase */
	const char	*rfc;		/* defining document and section */
	int		 deprecated;	/* 1 when obsolete or unsafe */
};

/* Lookup of a basic code; NULL when the code is not defined by any RFC. */
const struct code_info *codes_lookup(int code);

/* Lookup of an enhanced code given as "5.1.1" (or "X.1.1"); NULL when
 * subject.detail is not registered. */
const struct esc_info *codes_lookup_enhanced(const char *code);

/*
 * Meaning of code after verb (upper or lower case; a pseudo verb above
 * works too): the exact row, else the CODES_CTX_ANY row for the code,
 * else the verb's row for the code's class.  NULL when there is none.
 */
const struct code_ctx *codes_lookup_context(const char *verb, int code);

/* EHLO keyword / SASL mechanism by name (any case); NULL when unknown. */
const struct ehlo_keyword *codes_lookup_keyword(const char *name);
const struct ehlo_keyword *codes_lookup_sasl(const char *name);

/* Meaning of a first digit (2..5) and a second digit (0..5) of a basic
 * code, and of an enhanced class (2, 4, 5) and subject (0..7); NULL when
 * out of range. */
const char *codes_class_meaning(int digit);
const char *codes_category_meaning(int digit);
const char *codes_esc_class_meaning(int klass);
const char *codes_esc_subject_meaning(int subject);
/* For learners (--learn): why a reply of first digit 2..5 is read as it
 * is, with the RFC section; NULL when out of range. */
const char *codes_class_why(int digit);

/* What an enhanced class means for the client (2: done; 4: temporary, it
 * may work later; 5: permanent), and what a subject (0..7) means in a
 * success reply; NULL when out of range. */
const char *codes_esc_class_effect(int klass);
const char *codes_esc_subject_success(int subject);

/* Whole tables, for tests and the docs generator. */
const struct code_info *codes_table(size_t *n);
const struct esc_info *codes_esc_table(size_t *n);
const struct code_ctx *codes_ctx_table(size_t *n);
const struct ehlo_keyword *codes_keyword_table(size_t *n);
const struct ehlo_keyword *codes_sasl_table(size_t *n);

#endif
