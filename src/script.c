/*
 * script.c -- read a session file back, one event at a time.
 *
 * The grammar is in docs/session-format.md.  Lines are read with a bounded
 * reader (SCRIPT_LINE_MAX) into one buffer that is reused, so memory does
 * not grow with the length of the file.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reply.h"
#include "sanitize.h"
#include "script.h"

struct script {
	FILE		*f;
	int		 own;
	char		*name;
	char		*buf;		/* the current line, SCRIPT_LINE_MAX + 1 */
	size_t		 len;
	char		 rbuf[16384];	/* read from f, not yet taken */
	size_t		 rpos, rlen;
	long		 offset;	/* of the next line to read */
	unsigned long	 line;		/* number of the last line read */
	char		 server[300];	/* from "# server HOST:PORT" */
	char		 practice[SCRIPT_PRACTICE_MAX];	/* "# practice NAME" */
	int		 seen_event;	/* an event was read: header is over */
};

static int	script_readline(struct script *, long *start);
static void	script_err(const struct script *, char *, size_t,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static int	script_header(struct script *, char *, size_t);
static int	script_verb_is(const char *, const char *);
static int	script_unprintable(const char *, size_t);
static int	script_check_text(const char *, size_t, char *, size_t);

struct script *
script_open(const char *path, char *err, size_t errlen)
{
	FILE *f;
	struct script *s;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((s = script_fopen(f, 1, path)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	return s;
}

struct script *
script_fopen(FILE *f, int own, const char *name)
{
	struct script *s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->f = f;
	s->own = own;
	s->name = strdup(name != NULL ? name : "(script)");
	s->buf = malloc(SCRIPT_LINE_MAX + 2);
	if (s->name == NULL || s->buf == NULL) {
		free(s->name);
		free(s->buf);
		free(s);
		return NULL;
	}
	s->offset = ftell(f);
	if (s->offset < 0)
		s->offset = 0;
	return s;
}

void
script_close(struct script *s)
{
	if (s == NULL)
		return;
	if (s->own)
		fclose(s->f);
	free(s->name);
	free(s->buf);
	free(s);
}

const char *
script_name(const struct script *s)
{
	return s->name;
}

static void
script_err(const struct script *s, char *err, size_t errlen,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (errlen == 0)
		return;
	n = snprintf(err, errlen, "%s:%lu: ", s->name, s->line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
}

/*
 * One line into s->buf without its line ending (LF, or CRLF as written by
 * some editors).  Returns 1, 0 at EOF, -1 when too long, -2 on a read
 * error.  *start gets the offset of the line.  A line with no line end
 * within SCRIPT_LINE_MAX octets (and its CR) is refused at once, without
 * reading on: a device such as /dev/zero, or a pipe, may never end it.
 * The file is read in blocks (rbuf), each line found with memchr().
 */
static int
script_readline(struct script *s, long *start)
{
	const char *p, *nl;
	size_t n = 0, taken = 0, k;

	*start = s->offset;
	for (;;) {
		if (s->rpos == s->rlen) {
			s->rpos = 0;
			s->rlen = fread(s->rbuf, 1, sizeof s->rbuf, s->f);
			if (s->rlen == 0) {
				if (ferror(s->f))
					return -2;
				break;
			}
		}
		p = s->rbuf + s->rpos;
		k = s->rlen - s->rpos;
		if ((nl = memchr(p, '\n', k)) != NULL)
			k = (size_t)(nl - p);
		if (k > SCRIPT_LINE_MAX + 1 - n) {
			s->line++;
			return -1;
		}
		memcpy(s->buf + n, p, k);
		n += k;
		k += nl != NULL;
		s->rpos += k;
		taken += k;
		if (nl != NULL)
			break;
	}
	if (taken == 0)
		return 0;
	s->offset += (long)taken;
	s->line++;
	if (n > 0 && s->buf[n - 1] == '\r')
		n--;
	if (n > SCRIPT_LINE_MAX)
		return -1;
	s->buf[n] = '\0';
	s->len = n;
	return 1;
}

/* 1 when s[0..n) holds anything but printable ASCII. */
static int
script_unprintable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 1;
	return 0;
}

/*
 * docs/session-format.md, text: a C0 control (TAB included), DEL, a C1
 * control and an octet that is not part of valid UTF-8 (RFC 3629) are
 * written as "\xHH", never raw.  0, or -1 with why naming the first one
 * and its column in the line (from 1; the text starts at column 4).
 */
static int
script_check_text(const char *text, size_t len, char *why, size_t whylen)
{
	const unsigned char	*u = (const unsigned char *)text;
	uint32_t		 cp;
	size_t			 i, n;

	for (i = 0; i < len; i += n) {
		n = 1;
		if (u[i] < 0x20 || u[i] == 0x7f) {
			snprintf(why, whylen, "a raw control byte (0x%02x) at "
			    "column %zu: write it as \"\\x%02x\"", u[i],
			    i + 4, u[i]);
			return -1;
		}
		if (u[i] < 0x80)
			continue;
		if ((n = sanitize_utf8(u + i, len - i, &cp)) == 0) {
			snprintf(why, whylen, "invalid UTF-8 (0x%02x) at column "
			    "%zu: write such octets as \"\\x%02x\"", u[i],
			    i + 4, u[i]);
			return -1;
		}
		if (cp <= 0x9f) {
			snprintf(why, whylen, "a raw C1 control (U+%04X) at "
			    "column %zu: write it as \"\\x%02x\\x%02x\"",
			    (unsigned)cp, i + 4, u[i], u[i + 1]);
			return -1;
		}
	}
	return 0;
}

/* The version line and the header comments. */
static int
script_header(struct script *s, char *err, size_t errlen)
{
	const char *p;
	char *end;
	long v;
	size_t n;

	if (s->line == 1) {
		static const char magic[] = "# smtpscope session ";

		if (strncmp(s->buf, magic, sizeof magic - 1) != 0) {
			script_err(s, err, errlen, "not a session file: the "
			    "first line must be \"# smtpscope session %d\"",
			    SCRIPT_VERSION);
			return -1;
		}
		p = s->buf + sizeof magic - 1;
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || *end != '\0' || errno != 0 || v < 1) {
			char shown[64];

			/* the file's text: never shown raw */
			sanitize_buf(shown, sizeof shown, p, strlen(p),
			    SANITIZE_ASCII);
			script_err(s, err, errlen, "bad version \"%s\"", shown);
			return -1;
		}
		if (v != SCRIPT_VERSION) {
			script_err(s, err, errlen, "session format version %ld "
			    "is not supported (this smtpscope reads version %d)",
			    v, SCRIPT_VERSION);
			return -1;
		}
		return 0;
	}
	if (!s->seen_event && strncmp(s->buf, "# server ", 9) == 0) {
		p = s->buf + 9;
		n = strcspn(p, " \t");
		/* it names the server to connect to, and shows in messages:
		 * printable ASCII only */
		if (n == 0 || n >= sizeof s->server ||
		    script_unprintable(p, n)) {
			script_err(s, err, errlen, "bad \"# server\" line: "
			    "expected \"# server HOST:PORT\" in printable "
			    "ASCII");
			return -1;
		}
		memcpy(s->server, p, n);
		s->server[n] = '\0';
	}
	/* "# practice NAME", one word of lower case, digits and "-": any
	 * other "# practice ..." line is a comment like the others. */
	if (!s->seen_event && strncmp(s->buf, "# practice ", 11) == 0) {
		p = s->buf + 11;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
		if (n > 0 && p[n] == '\0' && n < sizeof s->practice)
			memcpy(s->practice, p, n + 1);
	}
	return 0;
}

int
script_next(struct script *s, struct script_event *ev, char *err,
    size_t errlen)
{
	char why[128];
	long start, n;
	int rc;
	char *text;
	size_t tlen;

	for (;;) {
		rc = script_readline(s, &start);
		if (rc == 0) {
			if (s->line == 0) {
				s->line = 1;
				script_err(s, err, errlen, "empty file: the "
				    "first line must be \"# smtpscope "
				    "session %d\"", SCRIPT_VERSION);
				return -1;
			}
			return 0;
		}
		if (rc == -2) {
			script_err(s, err, errlen, "read error: %s",
			    strerror(errno));
			return -1;
		}
		if (rc == -1) {
			script_err(s, err, errlen, "no line end within %d "
			    "octets: a line is at most that long", SCRIPT_LINE_MAX);
			return -1;
		}
		if (s->line == 1 || s->buf[0] == '#') {
			if (script_header(s, err, errlen) == -1)
				return -1;
			continue;
		}
		/* blank: nothing, or only white space */
		if ((s->buf[0] == '\0' || s->buf[0] == ' ' ||
		    s->buf[0] == '\t') && s->buf[strspn(s->buf, " \t")] == '\0')
			continue;
		break;
	}

	memset(ev, 0, sizeof *ev);
	ev->line = s->line;
	ev->offset = start;
	/* RFC-like tag: one letter, a colon, then one space or the end. */
	if (s->len < 2 || s->buf[1] != ':' || (s->buf[0] != 'C' &&
	    s->buf[0] != 'D' && s->buf[0] != 'S' && s->buf[0] != 'T')) {
		script_err(s, err, errlen, "unknown line: expected \"C:\", "
		    "\"D:\", \"S:\", \"T:\", a \"#\" comment or a blank line");
		return -1;
	}
	if (s->len > 2 && s->buf[2] != ' ') {
		script_err(s, err, errlen, "\"%c:\" must be followed by one "
		    "space", s->buf[0]);
		return -1;
	}
	ev->tag = (enum script_tag)s->buf[0];
	text = s->len > 2 ? s->buf + 3 : s->buf + 2;
	tlen = s->len > 2 ? s->len - 3 : 0;
	/* Controls and bytes that are not UTF-8 are written escaped: raw,
	 * they would be sent as they are (or shown) */
	if (script_check_text(text, tlen, why, sizeof why) == -1) {
		script_err(s, err, errlen, "%s", why);
		return -1;
	}
	n = script_unescape(text, tlen, why, sizeof why);
	if (n < 0) {
		script_err(s, err, errlen, "%s", why);
		return -1;
	}
	ev->text = text;
	ev->len = (size_t)n;

	switch (ev->tag) {
	case SCRIPT_CLIENT:
	case SCRIPT_DATA:
		if (memchr(ev->text, '\0', ev->len) != NULL) {
			script_err(s, err, errlen, "a NUL byte (\\x00) cannot "
			    "be sent in a %c: line", ev->tag);
			return -1;
		}
		break;
	case SCRIPT_SERVER:
		if (script_parse_status(ev->text, ev->len, ev->code, &ev->sep,
		    ev->enhanced, why, sizeof why) == -1) {
			script_err(s, err, errlen, "%s", why);
			return -1;
		}
		break;
	case SCRIPT_TLS:
		if (strncmp(ev->text, "starttls", 8) == 0 &&
		    (ev->text[8] == ' ' || ev->text[8] == '\0'))
			ev->starttls = 1;
		else if (strncmp(ev->text, "tls", 3) == 0 &&
		    (ev->text[3] == ' ' || ev->text[3] == '\0'))
			ev->starttls = 0;
		else {
			script_err(s, err, errlen, "a T: line starts with "
			    "\"starttls\" or \"tls\"");
			return -1;
		}
		break;
	}
	s->seen_event = 1;
	return 1;
}

/* 1 when line's first word is verb (case-insensitive, RFC 5321 2.4). */
static int
script_verb_is(const char *line, const char *verb)
{
	size_t n = strlen(verb);

	return strncasecmp(line, verb, n) == 0 &&
	    (line[n] == '\0' || line[n] == ' ');
}

int
script_is_masked(const char *line)
{
	size_t n = strlen(line), m = sizeof SCRIPT_MASK - 1, rest, mech;

	/* either way it ends with the mask */
	if (n < m || line[n - 1] != '*')
		return 0;
	if (strcmp(line, SCRIPT_MASK) == 0)
		return 1;
	return (rest = script_auth_response(line, &mech)) != 0 &&
	    strcmp(line + rest, SCRIPT_MASK) == 0;
}

size_t
script_auth_response(const char *line, size_t *mech_end)
{
	size_t lead, mech, rest;

	lead = strspn(line, " \t");
	if (strcspn(line + lead, " \t") != 4 ||
	    strncasecmp(line + lead, "AUTH", 4) != 0)
		return 0;
	mech = lead + 4 + strspn(line + lead + 4, " \t");
	mech += strcspn(line + mech, " \t");
	rest = mech + strspn(line + mech, " \t");
	if (line[rest] == '\0')
		return 0;
	*mech_end = mech;
	return rest;
}

const char *
script_secret(unsigned long n)
{
	char name[48];
	const char *v;

	snprintf(name, sizeof name, "SMTPSCOPE_SECRET_%lu", n);
	if ((v = getenv(name)) != NULL)
		return v;
	return getenv("SMTPSCOPE_SECRET");
}

int
script_validate(struct script *s, struct script_info *info, char *err,
    size_t errlen)
{
	struct script_event ev;
	int rc, data_pending = 0, in_body = 0, sent = 0;
	int group_start = 1;	/* the next C:/D: line starts a group */
	unsigned long multi = 0;	/* line of an unfinished "NNN-" */

	memset(info, 0, sizeof *info);
	info->repeat_offset = info->repeat_end_offset = -1;
	info->repeat_ok = 1;
	while ((rc = script_next(s, &ev, err, errlen)) == 1) {
		info->events++;
		if (multi && ev.tag != SCRIPT_SERVER) {
			script_err(s, err, errlen, "the reply begun on line %lu "
			    "goes on (\"-\") but this is not an S: line", multi);
			return -1;
		}
		switch (ev.tag) {
		case SCRIPT_CLIENT:
			if (in_body) {
				script_err(s, err, errlen, "C: line inside a "
				    "message body: end the body with \"D: .\"");
				return -1;
			}
			if (script_is_masked(ev.text)) {
				info->secrets++;
				if (script_secret(info->secrets) == NULL) {
					script_err(s, err, errlen, "masked secret: "
					    "set SMTPSCOPE_SECRET_%lu or "
					    "SMTPSCOPE_SECRET to the text to "
					    "send", info->secrets);
					return -1;
				}
			}
			/* RFC 5321 3.3: a mail transaction starts with MAIL. */
			if (info->repeat_line == 0 &&
			    script_verb_is(ev.text, "MAIL")) {
				info->repeat_line = ev.line;
				info->repeat_offset = ev.offset;
				info->repeat_secret = info->secrets -
				    (script_is_masked(ev.text) ? 1 : 0);
				if (!group_start)
					info->repeat_ok = 0;
			} else if (info->repeat_line != 0 &&
			    info->repeat_end_line == 0 &&
			    script_verb_is(ev.text, "QUIT")) {
				info->repeat_end_line = ev.line;
				info->repeat_end_offset = ev.offset;
				if (!group_start)
					info->repeat_ok = 0;
			}
			data_pending = script_verb_is(ev.text, "DATA");
			sent = 1;
			group_start = 0;
			break;
		case SCRIPT_DATA:
			if (!data_pending && !in_body) {
				script_err(s, err, errlen, "D: line without a "
				    "DATA command before it");
				return -1;
			}
			in_body = 1;
			if (ev.len == 1 && ev.text[0] == '.')
				in_body = data_pending = 0;
			group_start = 0;
			break;
		case SCRIPT_SERVER:
			if (in_body) {
				script_err(s, err, errlen, "S: line inside a "
				    "message body: end the body with \"D: .\"");
				return -1;
			}
			if (ev.sep == '-') {
				if (multi == 0)
					multi = ev.line;
			} else {
				multi = 0;
				info->expectations++;
			}
			group_start = 1;
			break;
		case SCRIPT_TLS:
			if (in_body) {
				script_err(s, err, errlen, "T: line inside a "
				    "message body");
				return -1;
			}
			if (!ev.starttls) {
				if (sent) {
					script_err(s, err, errlen, "\"T: tls\" "
					    "(implicit TLS) must come before "
					    "the first C: line");
					return -1;
				}
				info->implicit_tls = 1;
			}
			group_start = 1;
			break;
		}
	}
	if (rc == -1)
		return -1;
	if (multi) {
		script_err(s, err, errlen, "the file ends inside the reply "
		    "begun on line %lu", multi);
		return -1;
	}
	if (in_body) {
		script_err(s, err, errlen, "the file ends inside a message "
		    "body: end it with \"D: .\"");
		return -1;
	}
	memcpy(info->server, s->server, sizeof info->server);
	memcpy(info->practice, s->practice, sizeof info->practice);
	return 0;
}

int
script_rewind(struct script *s)
{
	if (script_seek(s, 0, 0) == -1)
		return -1;
	s->seen_event = 0;
	return 0;
}

void
script_tell(const struct script *s, long *offset, unsigned long *line)
{
	*offset = s->offset;
	*line = s->line;
}

int
script_seek(struct script *s, long offset, unsigned long line)
{
	if (fseek(s->f, offset, SEEK_SET) == -1)
		return -1;
	clearerr(s->f);
	s->rpos = s->rlen = 0;
	s->offset = offset;
	s->line = line;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
script_unescape(char *s, size_t len, char *err, size_t errlen)
{
	const char *bs;
	size_t i, o;
	int hi, lo;

	/* most lines hold no backslash: nothing to undo */
	if ((bs = memchr(s, '\\', len)) == NULL) {
		s[len] = '\0';
		return (long)len;
	}
	for (i = o = (size_t)(bs - s); i < len; i++) {
		if (s[i] != '\\') {
			s[o++] = s[i];
			continue;
		}
		if (i + 1 < len && s[i + 1] == '\\') {
			s[o++] = '\\';
			i++;
			continue;
		}
		if (i + 3 < len && s[i + 1] == 'x' &&
		    (hi = hexval((unsigned char)s[i + 2])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 3])) >= 0) {
			s[o++] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		snprintf(err, errlen, "bad escape at column %zu: a backslash "
		    "is written \"\\\\\", a byte \"\\xHH\"", i + 4);
		return -1;
	}
	s[o] = '\0';
	return (long)o;
}

int
script_parse_status(const char *text, size_t len, char code[4], char *sep,
    char enhanced[12], char *err, size_t errlen)
{
	size_t i, n;

	/* RFC 5321 4.2: Reply-code = %x32-35 %x30-35 %x30-39; patterns with
	 * 'x' for any digit, and 1yz replies are allowed here. */
	if (len < 3 || text[0] < '1' || text[0] > '5') {
		snprintf(err, errlen, "an S: line starts with a reply code "
		    "(\"250\") or a pattern (\"2xx\", \"25x\")");
		return -1;
	}
	for (i = 1; i < 3; i++) {
		if (!isdigit((unsigned char)text[i]) && text[i] != 'x' &&
		    text[i] != 'X') {
			char shown[16];

			/* the file's text (escapes undone): never raw */
			sanitize_buf(shown, sizeof shown, text, 3,
			    SANITIZE_ASCII);
			snprintf(err, errlen, "bad reply code \"%s\": use "
			    "digits or 'x' (\"2xx\", \"25x\")", shown);
			return -1;
		}
	}
	for (i = 0; i < 3; i++)
		code[i] = (char)tolower((unsigned char)text[i]);
	code[3] = '\0';
	if (len == 3) {
		*sep = '\0';
		enhanced[0] = '\0';
		return 0;
	}
	if (text[3] != ' ' && text[3] != '-') {
		snprintf(err, errlen, "the reply code must be followed by "
		    "\" \", \"-\" or the end of the line");
		return -1;
	}
	*sep = text[3];
	enhanced[0] = '\0';
	n = reply_parse_enhanced(text + 4, len - 4, enhanced);
	/* Only a whole word counts: "2.1.0 Ok", not "2.1.0.example". */
	if (n > 0 && 4 + n < len && text[4 + n] != ' ')
		enhanced[0] = '\0';
	return 0;
}

int
script_code_match(const char *pattern, int code)
{
	int digits[3], i;

	if (code < 100 || code > 999)
		return 0;
	digits[0] = code / 100;
	digits[1] = code / 10 % 10;
	digits[2] = code % 10;
	for (i = 0; i < 3; i++)
		if (pattern[i] != 'x' && pattern[i] - '0' != digits[i])
			return 0;
	return 1;
}
