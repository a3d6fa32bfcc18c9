/*
 * compose.c -- the header of the test message of --to/--from/--header
 * (RFC 5322).  A message is header fields, an empty line, the body (2.1);
 * the only fields a message must have are Date and From (3.6), and
 * every message SHOULD have a Message-ID (3.6.4).  What the user gives
 * with --header replaces the field of that name we would make.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "compose.h"

/* RFC 5322 2.1.1: "Each line ... SHOULD be no more than 78 characters" */
#define COMPOSE_FOLD	78
/* ... "MUST be no more than 998 characters" */
#define COMPOSE_LINE_MAX 998

static void	compose_date(FILE *, time_t);
static int	compose_message_id(FILE *, time_t, const char *);
static void	compose_to(FILE *, const struct compose_opts *);

int
compose_check_header(const char *field, char *err, size_t errlen)
{
	size_t			 name = strcspn(field, ":");
	const unsigned char	*p;

	if (field[name] != ':' || name == 0) {
		snprintf(err, errlen, "a header is \"Name: value\", and this "
		    "one has no %s (RFC 5322 2.2)", name == 0 &&
		    field[0] == ':' ? "name before its colon" : "colon");
		return -1;
	}
	/* 3.6.8: "printable US-ASCII characters except SP and colon" */
	for (p = (const unsigned char *)field; p < (const unsigned char *)
	    field + name; p++)
		if (*p < 33 || *p > 126) {
			snprintf(err, errlen, "the header name \"%.*s\" may "
			    "hold printable US-ASCII characters only, no "
			    "space (RFC 5322 3.6.8)", (int)name, field);
			return -1;
		}
	/* 2.2: the body of a field is unstructured text; a line break
	 * given here would start a field of its own */
	for (p = (const unsigned char *)field + name + 1; *p != '\0'; p++)
		if ((*p < 32 && *p != '\t') || *p == 127) {
			snprintf(err, errlen, "the value of header \"%.*s\" "
			    "holds a control character (%s): one line of "
			    "text, please (RFC 5322 2.2)", (int)name, field,
			    *p == '\n' || *p == '\r' ? "a line break" :
			    "not shown");
			return -1;
		}
	if (strlen(field) > COMPOSE_LINE_MAX) {
		snprintf(err, errlen, "the header \"%.*s\" is %zu octets "
		    "long: a line of a message is at most %d (RFC 5322 "
		    "2.1.1)", (int)name, field, strlen(field),
		    COMPOSE_LINE_MAX);
		return -1;
	}
	return 0;
}

int
compose_has_header(const struct compose_opts *o, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < o->nheaders; i++)
		if (strncasecmp(o->headers[i], name, n) == 0 &&
		    o->headers[i][n] == ':')
			return 1;
	return 0;
}

/*
 * RFC 5322 3.3: "Mon, 01 Dec 2026 17:04:05 +0100", in local time (the
 * RECOMMENDED form) with its offset from UTC.  Names from our own
 * tables: strftime() would translate them under a locale.
 */
static void
compose_date(FILE *f, time_t now)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	tm;
	long		off;

	localtime_r(&now, &tm);
	off = tm.tm_gmtoff / 60;
	fprintf(f, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/*
 * RFC 5322 3.6.4: msg-id = "<" id-left "@" id-right ">", unique: the
 * time and 96 random bits on the left (dot-atom-text), a domain on the
 * right as the section recommends.
 */
static int
compose_message_id(FILE *f, time_t now, const char *domain)
{
	unsigned char	rnd[12];
	struct tm	tm;
	size_t		i;

	if (RAND_bytes(rnd, sizeof rnd) != 1)
		return -1;
	gmtime_r(&now, &tm);
	fprintf(f, "Message-ID: <%04d%02d%02d%02d%02d%02d.", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	for (i = 0; i < sizeof rnd; i++)
		fprintf(f, "%02x", rnd[i]);
	fprintf(f, "@%s>\r\n", domain);
	return 0;
}

/* RFC 5322 3.6.3: To: address-list, folded (2.2.3) before a line
 * grows past 78 characters. */
static void
compose_to(FILE *f, const struct compose_opts *o)
{
	size_t	i, col = 3;

	fputs("To:", f);
	for (i = 0; i < o->nto; i++) {
		if (i > 0) {
			fputc(',', f);
			col++;
		}
		if (i > 0 && col + 1 + strlen(o->to[i]) > COMPOSE_FOLD) {
			fputs("\r\n", f);
			col = 0;
		}
		fprintf(f, " %s", o->to[i]);
		col += 1 + strlen(o->to[i]);
	}
	fputs("\r\n", f);
}

char *
compose_header(const struct compose_opts *o, time_t now,
    const char *domain, size_t *len)
{
	FILE		*f;
	char		*buf = NULL;
	const char	*at;
	size_t		 i, size = 0;
	int		 ok = 1;

	*len = 0;
	if ((f = open_memstream(&buf, &size)) == NULL)
		return NULL;
	if (!compose_has_header(o, "Date"))
		compose_date(f, now);
	/* 3.6.2: the author; the envelope sender, unless it is null */
	if (!compose_has_header(o, "From") && *o->from != '\0')
		fprintf(f, "From: %s\r\n", o->from);
	if (!compose_has_header(o, "To") && o->nto > 0)
		compose_to(f, o);
	/* 3.6.5: informational, and what shows in a mailbox list */
	if (!compose_has_header(o, "Subject"))
		fputs("Subject: test message from " PACKAGE_STRING "\r\n", f);
	if (!compose_has_header(o, "Message-ID")) {
		at = strrchr(o->from, '@');
		ok = compose_message_id(f, now, at != NULL && at[1] != '\0' ?
		    at + 1 : domain) == 0;
	}
	for (i = 0; i < o->nheaders; i++)
		fprintf(f, "%s\r\n", o->headers[i]);
	/* 2.1: "an empty line ... followed by the body" */
	fputs("\r\n", f);
	if (ferror(f))
		ok = 0;
	if (fclose(f) != 0 || !ok) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}
