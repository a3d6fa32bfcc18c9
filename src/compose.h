/*
 * compose.h -- the header of the test message of --to/--from/--header:
 * the fields of RFC 5322 3.6 that were not given generated (Date, From,
 * To, Subject, Message-ID), the ones given as they are.  The body (--body,
 * or COMPOSE_BODY) follows it.  Pure: no I/O.
 */
#ifndef SMTPSCOPE_COMPOSE_H
#define SMTPSCOPE_COMPOSE_H

#include <stddef.h>
#include <time.h>

struct compose_opts {
	const char		*from;		/* the envelope sender, for
						   From: ("" the null sender:
						   no From: is made) */
	const char *const	*to;		/* the envelope recipients, for
						   To: */
	size_t			 nto;
	const char *const	*headers;	/* "Name: value" as given, each
						   checked by
						   compose_check_header() */
	size_t			 nheaders;
};

/* The body of a test message when --body gives none. */
#define COMPOSE_BODY	"This is a test message sent by " PACKAGE_STRING ".\r\n"

/*
 * Check one --header argument: "Name: value", the name one or more
 * printable US-ASCII characters but ":" (RFC 5322 3.6.8, 2.2), the
 * value free of CR, LF and the other control characters but HT (2.2.1:
 * a field given on the command line is not folded), the whole at most
 * 998 octets (2.1.1).  Returns 0, or -1 with one sentence in err.
 */
int compose_check_header(const char *field, char *err, size_t errlen);

/* 1 when one of o->headers is the field name (case-insensitive). */
int compose_has_header(const struct compose_opts *o, const char *name);

/*
 * The header: the generated fields first, in the order of RFC 5322 3.6
 * (Date, From, To, Subject, Message-ID), each only when no field given
 * has its name, then the fields given in their order, and the empty line
 * that ends it (2.1).  Lines end with CRLF.  now is the Date, in local
 * time with its offset (3.3); the Message-ID (3.6.4) is the time and 96
 * random bits "@" the sender's domain, or domain for the null sender.
 * Returns a new buffer (caller frees) and its length in *len; NULL when
 * out of memory or no random bits could be had.
 */
char *compose_header(const struct compose_opts *o, time_t now,
    const char *domain, size_t *len);

#endif
