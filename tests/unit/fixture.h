/*
 * fixture.h -- replies built by hand for the unit tests of the modules
 * that consume them (session, annotate).  Free them with reply_free().
 */
#ifndef SMTPSCOPE_TEST_FIXTURE_H
#define SMTPSCOPE_TEST_FIXTURE_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

/* A reply with code, enhanced code esc (or NULL) and nlines lines of
 * text given as const char * arguments. */
static inline struct reply *
fixture_reply(int code, const char *esc, size_t nlines, ...)
{
	struct reply	*r = calloc(1, sizeof *r);
	va_list		 ap;
	size_t		 i;

	cr_assert_not_null(r);
	r->code = code;
	if (esc != NULL)
		strncpy(r->enhanced, esc, sizeof r->enhanced - 1);
	r->nlines = nlines;
	r->lines = calloc(nlines ? nlines : 1, sizeof *r->lines);
	cr_assert_not_null(r->lines);
	va_start(ap, nlines);
	for (i = 0; i < nlines; i++) {
		const char *t = va_arg(ap, const char *);

		r->lines[i].text = strdup(t);
		r->lines[i].len = strlen(t);
		r->lines[i].code = code;
	}
	va_end(ap);
	return r;
}

#endif
