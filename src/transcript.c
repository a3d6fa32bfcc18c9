/*
 * transcript.c -- write a session file as the session goes.
 *
 * Every event is one line, written and flushed at once, so that whatever
 * happens to the process the file holds the session up to the last event.
 * The format (docs/session-format.md) escapes control bytes, invalid UTF-8,
 * backslashes and a trailing blank so that script.c reads back exactly the
 * bytes that were sent or received.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sanitize.h"
#include "script.h"
#include "transcript.h"

struct transcript {
	FILE	*f;
	int	 own;
	int	 show_secrets;
	int	 latency;
	int	 failed;	/* errno of the first failed write: later
				   events are dropped */
};

static int	transcript_header(struct transcript *, const char *);
static void	transcript_escape(FILE *, const char *, size_t);
static int	transcript_escape_max(FILE *, const char *, size_t, size_t);
static size_t	escape_unit(const unsigned char *, size_t, size_t,
		    size_t *);
static const char *reply_unreplayable(const struct reply *, size_t);
static size_t	escaped_len(const char *, size_t);
static int	transcript_line(struct transcript *, char, const char *, size_t);
static int	transcript_end(struct transcript *);
static size_t	utf8_len(const unsigned char *, size_t);

struct transcript *
transcript_open(const char *path, const char *server, int show_secrets,
    int latency_comments, char *err, size_t errlen)
{
	FILE *f;
	struct transcript *t;

	if ((f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	t = transcript_fopen(f, 1, server, show_secrets, latency_comments);
	if (t == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    errno ? strerror(errno) : "out of memory");
		return NULL;
	}
	return t;
}

struct transcript *
transcript_fopen(FILE *f, int own, const char *server, int show_secrets,
    int latency_comments)
{
	struct transcript *t;

	if ((t = calloc(1, sizeof *t)) == NULL) {
		if (own)
			fclose(f);
		return NULL;
	}
	t->f = f;
	t->own = own;
	t->show_secrets = show_secrets;
	t->latency = latency_comments;
	if (transcript_header(t, server) == -1) {
		transcript_close(t);
		return NULL;
	}
	return t;
}

void
transcript_close(struct transcript *t)
{
	if (t == NULL)
		return;
	if (t->own)
		fclose(t->f);
	else
		fflush(t->f);
	free(t);
}

static int
transcript_header(struct transcript *t, const char *server)
{
	char when[32];
	time_t now;
	struct tm tm;

	fprintf(t->f, "# smtpscope session %d\n", SCRIPT_VERSION);
	if (server != NULL && *server != '\0') {
		now = time(NULL);
		/* the name as given, escaped: a file never drives the
		 * terminal of someone who cats it */
		fputs("# server ", t->f);
		transcript_escape(t->f, server, strlen(server));
		if (gmtime_r(&now, &tm) != NULL &&
		    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			fprintf(t->f, " at %s", when);
		putc('\n', t->f);
	}
	return transcript_end(t);
}

/* Flush after every event: a crash loses nothing already seen. */
static int
transcript_end(struct transcript *t)
{
	if (!t->failed && (fflush(t->f) == EOF || ferror(t->f)))
		t->failed = errno != 0 ? errno : EIO;
	return t->failed ? -1 : 0;
}

int
transcript_error(const struct transcript *t)
{
	return t != NULL ? t->failed : 0;
}

/*
 * Length of the valid UTF-8 sequence at s (sanitize_utf8(), RFC 3629),
 * 0 when the bytes there are not one.  C1 controls (U+0080..U+009F)
 * count as invalid here so that they are escaped like C0 controls.
 */
static size_t
utf8_len(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t	 n;

	if ((n = sanitize_utf8(s, len, &cp)) == 0 || cp <= 0x9f)
		return 0;
	return n;
}

/*
 * docs/session-format.md, "Escapes": the length written for the unit
 * (one octet, or one valid UTF-8 character) at u[i]; *n gets its octets.
 */
static size_t
escape_unit(const unsigned char *u, size_t len, size_t i, size_t *n)
{
	*n = 1;
	if (u[i] == '\\')
		return 2;
	if (u[i] < 0x20 || u[i] == 0x7f || (u[i] == ' ' && i == len - 1))
		return 4;
	if (u[i] < 0x80)
		return 1;
	if ((*n = utf8_len(u + i, len - i)) > 0)
		return *n;
	*n = 1;
	return 4;
}

/* Write s escaped, at most max octets (never half an escape or half a
 * character).  Returns 1 when it had to stop short. */
static int
transcript_escape_max(FILE *f, const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n, w, out = 0;

	for (i = 0; i < len; i += n) {
		w = escape_unit(u, len, i, &n);
		if (out + w > max)
			return 1;
		out += w;
		if (w == n)
			fwrite(u + i, 1, n, f);
		else if (w == 2)
			fputs("\\\\", f);
		else
			fprintf(f, "\\x%02x", u[i]);
	}
	return 0;
}

/* The octets s[0..len) take once escaped. */
static size_t
escaped_len(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n, out = 0;

	for (i = 0; i < len; i += n)
		out += escape_unit(u, len, i, &n);
	return out;
}

static void
transcript_escape(FILE *f, const char *s, size_t len)
{
	(void)transcript_escape_max(f, s, len, SIZE_MAX);
}

static int
transcript_line(struct transcript *t, char tag, const char *text, size_t len)
{
	putc(tag, t->f);
	putc(':', t->f);
	if (len > 0) {
		putc(' ', t->f);
		transcript_escape(t->f, text, len);
	}
	putc('\n', t->f);
	return 0;
}

int
transcript_mask_auth(const char *line, char *buf, size_t size)
{
	size_t mech;

	/* RFC 4954 4: AUTH mechanism [initial-response].  A TAB where the
	 * grammar has a space separates the secret all the same, and white
	 * space before the verb (a line the checker refuses, and shows) does
	 * not hide it either; the reader finds the mask by the same rule. */
	if (script_auth_response(line, &mech) == 0) {
		if (size > 0)
			snprintf(buf, size, "%s", line);
		return 0;
	}
	if (size > 0)
		snprintf(buf, size, "%.*s %s", (int)mech, line, SCRIPT_MASK);
	return 1;
}

int
transcript_command(struct transcript *t, const char *line,
    enum annotate_ctx kind)
{
	char *masked = NULL;
	size_t size;
	int rc;

	if (t == NULL)
		return 0;
	if (t->failed)
		return -1;
	if (kind == ANNOTATE_DATA_END)
		return transcript_body(t, ".");
	if (!t->show_secrets && kind == ANNOTATE_AUTH_STEP &&
	    strcmp(line, "*") != 0)
		/* RFC 4954 4: every line answering a 334 may carry the
		 * credentials; "*" only cancels the exchange. */
		line = SCRIPT_MASK;
	else if (!t->show_secrets && transcript_mask_auth(line, NULL, 0)) {
		size = strlen(line) + sizeof SCRIPT_MASK + 1;
		if ((masked = malloc(size)) == NULL)
			return -1;
		transcript_mask_auth(line, masked, size);
		line = masked;
	}
	transcript_line(t, 'C', line, strlen(line));
	rc = transcript_end(t);
	free(masked);
	return rc;
}

int
transcript_body(struct transcript *t, const char *line)
{
	if (t == NULL)
		return 0;
	if (t->failed)
		return -1;
	transcript_line(t, 'D', line, strlen(line));
	return transcript_end(t);
}

/*
 * Why the reply cannot be written as S: lines that script.c reads back as
 * the expectation of a reply (docs/session-format.md, "What the writer
 * does with faults"), or NULL when it can.  A reply is what came up to
 * the CRLF of its last line: one cut short (by the end of the
 * connection, by the 64 KiB line cap or the 1000-line cap, or by this
 * writer) is no reply a server can be expected to send again.
 */
static const char *
reply_unreplayable(const struct reply *r, size_t max)
{
	const char	*p;
	size_t		 i, n;

	if (r->faults & REPLY_FAULT_INCOMPLETE)
		return "cut short: the connection closed inside it";
	if (r->faults & REPLY_FAULT_TRUNCATED)
		return "cut short: a line over 64 KiB";
	if (r->faults & REPLY_FAULT_TOO_MANY_LINES)
		return "cut short: over 1000 lines";
	if (r->faults & (REPLY_FAULT_BAD_CODE | REPLY_FAULT_BAD_SEPARATOR))
		return "not valid SMTP";
	for (i = 0; (p = reply_line_raw(r, i, &n)) != NULL; i++)
		if (escaped_len(p, n) > max)
			return "a line too long for this file format";
	return NULL;
}

int
transcript_reply(struct transcript *t, const struct reply *r, double ms)
{
	const char *p, *why;
	size_t i, n;
	char head[8];
	int cut = 0;
	/* "S: " or "# S: ", and room to spare under the reader's limit */
	const size_t max = SCRIPT_LINE_MAX - 16;

	if (t == NULL)
		return 0;
	if (t->failed)
		return -1;
	if ((why = reply_unreplayable(r, max)) != NULL)
		fprintf(t->f, "# a reply that no S: line can expect (%s); as "
		    "received:\n", why);
	if (r->raw != NULL && r->rawlen > 0) {
		/* The lines exactly as received, without their line ends. */
		for (i = 0; (p = reply_line_raw(r, i, &n)) != NULL; i++) {
			/* a line the reader would refuse as too long is cut */
			fputs(why == NULL ? "S:" : "# S:", t->f);
			if (n > 0) {
				putc(' ', t->f);
				cut |= transcript_escape_max(t->f, p, n, max);
			}
			putc('\n', t->f);
		}
	} else {
		for (i = 0; i < r->nlines; i++) {
			snprintf(head, sizeof head, "%03d%c",
			    r->lines[i].code, i + 1 < r->nlines ? '-' : ' ');
			fputs(why == NULL ? "S: " : "# S: ", t->f);
			fputs(head, t->f);
			cut |= transcript_escape_max(t->f, r->lines[i].text,
			    r->lines[i].len, max);
			putc('\n', t->f);
		}
	}
	if (cut)
		fprintf(t->f, "# (lines above cut to %zu octets, the longest "
		    "this file format takes)\n", max);
	if (t->latency && ms >= 0)
		fprintf(t->f, "# +%.1fms\n", ms);
	return transcript_end(t);
}

int
transcript_tls(struct transcript *t, const char *what, const char *summary)
{
	if (t == NULL)
		return 0;
	if (t->failed)
		return -1;
	fputs("T: ", t->f);
	transcript_escape(t->f, what, strlen(what));
	if (summary != NULL && *summary != '\0') {
		putc(' ', t->f);
		transcript_escape(t->f, summary, strlen(summary));
	}
	putc('\n', t->f);
	return transcript_end(t);
}

int
transcript_comment(struct transcript *t, const char *text)
{
	const char *p = text;
	size_t n;
	int cut = 0;
	/* "# " and room to spare under the reader's limit */
	const size_t max = SCRIPT_LINE_MAX - 16;

	if (t == NULL)
		return 0;
	if (t->failed)
		return -1;
	/* One "# " line per line of text, cut where the reader would
	 * refuse it.  A comment never reads as the "# server" header, which
	 * names the server replay connects to. */
	do {
		n = strcspn(p, "\n");
		fputs(strncmp(p, "server ", 7) == 0 ? "#  " : "# ", t->f);
		cut |= transcript_escape_max(t->f, p, n, max);
		putc('\n', t->f);
		p += n;
		if (*p == '\n')
			p++;
	} while (*p != '\0');
	if (cut)
		fprintf(t->f, "# (lines above cut to %zu octets, the longest "
		    "this file format takes)\n", max);
	return transcript_end(t);
}
