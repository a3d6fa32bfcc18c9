/*
 * codes.h -- the knowledge base: SMTP reply codes and enhanced status codes.
 *
 * Pure data plus lookup; nothing here prints.  Tables live in codes.def
 * (basic codes) and the enhanced-code table in codes.c, each row citing
 * the RFC section it comes from.
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
};

struct esc_info {
	const char	*code;		/* "X.1.1": class written as X */
	const char	*title;		/* registry title, e.g. "Bad destination mailbox address" */
	const char	*meaning;	/* what it means */
	const char	*hint;		/* common real-world cause, or NULL */
	const char	*rfc;		/* e.g. "RFC 3463 3.2" */
};

/* Lookup of a basic code; NULL when the code is not defined by any RFC. */
const struct code_info *codes_lookup(int code);

/* Lookup of an enhanced code given as "5.1.1" (or "X.1.1"); NULL when
 * subject.detail is not registered. */
const struct esc_info *codes_lookup_enhanced(const char *code);

/* Meaning of a first digit (2..5) and a second digit (0..5) of a basic
 * code, and of an enhanced class (2, 4, 5) and subject (0..7); NULL when
 * out of range. */
const char *codes_class_meaning(int digit);
const char *codes_category_meaning(int digit);
const char *codes_esc_class_meaning(int klass);
const char *codes_esc_subject_meaning(int subject);

/* Whole tables, for tests and the docs generator. */
const struct code_info *codes_table(size_t *n);
const struct esc_info *codes_esc_table(size_t *n);

#endif
