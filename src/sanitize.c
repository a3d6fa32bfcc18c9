/*
 * sanitize.c -- make bytes from a server safe to show on a terminal.
 *
 * The output is printable ASCII, TAB and valid UTF-8 only, and it is
 * unambiguous: every escape starts with a backslash and a backslash sent
 * by the server is shown as "\\".  Escapes used:
 *
 *   \\          a backslash (kept single with SANITIZE_KEEP_BACKSLASH,
 *               for text of our own where the escapes need not be
 *               unambiguous but a caret must line up)
 *   \r \n       CR and LF, with SANITIZE_SHOW_CRLF
 *   \xNN        C0 controls but TAB (CR and LF too without SHOW_CRLF),
 *               DEL, every byte of a C1 control (raw 0x80-0x9f or UTF-8
 *               C2 80 - C2 9F), every byte that is not part of valid
 *               UTF-8, every byte >= 0x80 with SANITIZE_ASCII
 *   \u{NNNN}    Unicode bidi embedding, override and isolate controls
 *               (U+202A-U+202E, U+2066-U+2069): they reorder how the
 *               rest of the line is shown (the "Trojan Source" problem)
 *
 * Valid UTF-8 follows RFC 3629 3: shortest form only, no surrogates
 * (U+D800-U+DFFF), nothing above U+10FFFF.
 *
 * sanitize_buf() never cuts an escape or a multi-byte character: one that
 * does not fit is left out entirely (and so is all that follows), so a
 * truncated result never ends in half an escape.  Plain ASCII is cut
 * anywhere.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"

struct sanitize_out {
	char	*buf;
	size_t	 size;
	size_t	 len;		/* length of the whole result */
	int	 full;		/* a unit did not fit: write nothing more */
};

static void	 sanitize_put(struct sanitize_out *, const char *, size_t);
static void	 sanitize_put_run(struct sanitize_out *, const char *, size_t);
static void	 sanitize_hex(struct sanitize_out *, unsigned char);
static int	 sanitize_is_bidi(uint32_t);
static void	 sanitize_run(struct sanitize_out *, const char *, size_t, int);
static size_t	 sanitize_unit(const char *, size_t, int, char *, size_t *,
		    size_t *);
static void	 sanitize_append(char *, size_t *, const char *, size_t);

/* Room for one character shown: at most four "\xNN" escapes. */
#define SANITIZE_UNIT_MAX	32

static void
sanitize_put(struct sanitize_out *o, const char *s, size_t n)
{
	if (!o->full && o->buf != NULL && o->len + n < o->size) {
		memcpy(o->buf + o->len, s, n);
		o->buf[o->len + n] = '\0';
	} else
		o->full = 1;
	o->len += n;
}

/* Plain ASCII may be cut anywhere: write what fits. */
static void
sanitize_put_run(struct sanitize_out *o, const char *s, size_t n)
{
	size_t room;

	if (!o->full && o->buf != NULL && o->len + n >= o->size) {
		room = o->size > o->len + 1 ? o->size - o->len - 1 : 0;
		sanitize_put(o, s, room);
		o->len -= room;
		o->full = 1;
	}
	sanitize_put(o, s, n);
}

static void
sanitize_hex(struct sanitize_out *o, unsigned char c)
{
	static const char digits[] = "0123456789abcdef";
	char e[4];

	e[0] = '\\';
	e[1] = 'x';
	e[2] = digits[c >> 4];
	e[3] = digits[c & 0xf];
	sanitize_put(o, e, sizeof(e));
}

size_t
sanitize_utf8(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c, lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t v;

	if (len == 0)
		return 0;
	c = s[0];
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (c == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* no overlong forms */
		else if (c == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	v = (v << 6) | (s[1] & 0x3f);
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (cp != NULL)
		*cp = v;
	return n;
}

size_t
sanitize_utf8_end(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = sanitize_utf8(u + i, len - i, NULL)) == 0)
			return i;
		i += n;
	}
	return len;
}

size_t
sanitize_char(const char *s, size_t len, int *cols)
{
	uint32_t cp;
	size_t	 n;
	int	 w;

	*cols = 1;
	if (len == 0)
		return 0;
	if ((unsigned char)s[0] < 0x80 ||
	    (n = sanitize_utf8((const unsigned char *)s, len, &cp)) == 0)
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w >= 0)
		*cols = w;
	return n;
}

size_t
sanitize_cols(const char *s, size_t len)
{
	size_t	 i, n, cols = 0;
	int	 w;

	for (i = 0; i < len; i += n) {
		n = sanitize_char(s + i, len - i, &w);
		cols += (size_t)w;
	}
	return cols;
}

static int
sanitize_is_bidi(uint32_t cp)
{
	/* LRE RLE PDF LRO RLO, and LRI RLI FSI PDI (Unicode UAX #9) */
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static void
sanitize_run(struct sanitize_out *o, const char *s, size_t len, int flags)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i, j, n;
	uint32_t cp;
	char e[12];
	int k;

	i = 0;
	while (i < len) {
		/* a run of printable ASCII and TAB goes out as it is */
		for (j = i; j < len && ((u[j] >= 0x20 && u[j] < 0x7f &&
		    (u[j] != '\\' || (flags & SANITIZE_KEEP_BACKSLASH))) ||
		    u[j] == '\t'); j++)
			;
		if (j > i) {
			sanitize_put_run(o, s + i, j - i);
			i = j;
			continue;
		}
		if (u[i] == '\\') {
			sanitize_put(o, "\\\\", 2);
			i++;
		} else if (u[i] == '\r' && (flags & SANITIZE_SHOW_CRLF)) {
			sanitize_put(o, "\\r", 2);
			i++;
		} else if (u[i] == '\n' && (flags & SANITIZE_SHOW_CRLF)) {
			sanitize_put(o, "\\n", 2);
			i++;
		} else if (u[i] < 0x80 || (flags & SANITIZE_ASCII)) {
			sanitize_hex(o, u[i]);
			i++;
		} else if ((n = sanitize_utf8(u + i, len - i, &cp)) == 0) {
			sanitize_hex(o, u[i]);
			i++;
		} else if (cp <= 0x9f) {
			/* C1 control in UTF-8: show each byte */
			for (j = 0; j < n; j++)
				sanitize_hex(o, u[i + j]);
			i += n;
		} else if (sanitize_is_bidi(cp)) {
			e[0] = '\\';
			e[1] = 'u';
			e[2] = '{';
			for (j = 3, k = 12; k >= 0; k -= 4)
				e[j++] = digits[(cp >> k) & 0xf];
			e[j++] = '}';
			sanitize_put(o, e, j);
			i += n;
		} else {
			sanitize_put(o, s + i, n);
			i += n;
		}
	}
}

size_t
sanitize_buf(char *out, size_t size, const char *s, size_t len, int flags)
{
	struct sanitize_out o = { .buf = out, .size = size };

	if (out != NULL && size > 0)
		out[0] = '\0';
	sanitize_run(&o, s, len, flags);
	return o.len;
}

char *
sanitize(const char *s, size_t len, int flags)
{
	size_t need;
	char *out;

	need = sanitize_buf(NULL, 0, s, len, flags);
	if (need == SIZE_MAX || (out = malloc(need + 1)) == NULL)
		return NULL;
	sanitize_buf(out, need + 1, s, len, flags);
	return out;
}

/*
 * One character of s (or one octet that starts none) as sanitize() shows
 * it: returns its octets in s; rep (SANITIZE_UNIT_MAX) gets what is
 * shown, *replen its length and *w its columns.  Shown one at a time,
 * the characters of a line give exactly sanitize() of the whole line.
 */
static size_t
sanitize_unit(const char *s, size_t len, int flags, char *rep,
    size_t *replen, size_t *w)
{
	size_t	 n;
	int	 c;

	n = sanitize_char(s, len, &c);
	*replen = sanitize_buf(rep, SANITIZE_UNIT_MAX, s, n, flags);
	*w = sanitize_cols(rep, *replen);
	return n;
}

/* Append p[0..n) at out + *k (out NULL: only count). */
static void
sanitize_append(char *out, size_t *k, const char *p, size_t n)
{
	if (out != NULL)
		memcpy(out + *k, p, n);
	*k += n;
}

char *
sanitize_shorten(const char *s, size_t len, size_t at, size_t span,
    size_t width, int flags, size_t *col, size_t *cols)
{
	const size_t	 ell = sizeof SANITIZE_ELLIPSIS - 1;
	char		 rep[SANITIZE_UNIT_MAX], *out = NULL;
	size_t		 i, n, rl, w, pos, total = 0, c0 = SIZE_MAX, c1 = 0;
	size_t		 left, right, end, budget, ctx, size = 0, k = 0;
	size_t		 first = SIZE_MAX;
	int		 pass, cut_right = 0;

	if (at > len)
		at = len;
	if (span == 0 || span > len - at)
		span = len - at > 0 ? len - at : 1;
	if (width < SANITIZE_SHORTEN_MIN)
		width = SANITIZE_SHORTEN_MIN;

	/* Where the span lies in the whole line as shown: [c0, c1). */
	for (i = 0; i < len; i += n) {
		n = sanitize_unit(s + i, len - i, flags, rep, &rl, &w);
		if (c0 == SIZE_MAX && i + n > at)
			c0 = total;
		if (i < at + span)
			c1 = total + w;
		total += w;
	}
	if (c0 == SIZE_MAX) {		/* at the end of the line */
		c0 = total;
		c1 = total + 1;
	}
	*col = c0;
	*cols = c1 - c0;
	if (total <= width)
		return sanitize(s, len, flags);

	/* The columns kept, [left, right): the head, the tail, or the span
	 * with as much around it on each side. */
	end = c1 > total ? c1 : total;
	if (c1 + ell <= width) {
		left = 0;
		right = width - ell;
	} else if (c0 + width >= end + ell) {
		left = end - (width - ell);
		right = total;
	} else {
		budget = width - 2 * ell;
		ctx = c1 - c0 < budget ? budget - (c1 - c0) : 0;
		left = c0 - (c0 < ctx / 2 ? c0 : ctx / 2);
		right = left + budget;
	}

	/* Count, then copy, the characters that lie wholly inside. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && (out = malloc(size + 1)) == NULL)
			return NULL;
		k = 0;
		cut_right = 0;
		if (left > 0)
			sanitize_append(out, &k, SANITIZE_ELLIPSIS, ell);
		for (i = 0, pos = 0; i < len; i += n, pos += w) {
			n = sanitize_unit(s + i, len - i, flags, rep, &rl, &w);
			if (pos < left)
				continue;
			if (pos + w > right) {
				cut_right = 1;
				break;
			}
			if (first == SIZE_MAX)
				first = pos;
			sanitize_append(out, &k, rep, rl);
		}
		if (cut_right)
			sanitize_append(out, &k, SANITIZE_ELLIPSIS, ell);
		size = k;
	}
	out[k] = '\0';
	/* SANITIZE_SHORTEN_MIN leaves room for the widest character (four
	 * "\\xNN"), so the span's first character is always kept. */
	if (first == SIZE_MAX)
		first = c0;
	*col = (left > 0 ? ell : 0) + (c0 - first);
	*cols = (c1 < right ? c1 : right) > c0 ? (c1 < right ? c1 : right) -
	    c0 : 1;
	return out;
}
