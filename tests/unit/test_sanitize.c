/*
 * test_sanitize.c -- unit tests of src/sanitize.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "sanitize.h"

/* sanitize() of len bytes must give want; sanitize_buf must agree. */
static void
check(const char *in, size_t len, int flags, const char *want)
{
	char *got, buf[256];
	size_t n;

	got = sanitize(in, len, flags);
	cr_assert_not_null(got);
	cr_assert_str_eq(got, want);
	n = sanitize_buf(buf, sizeof(buf), in, len, flags);
	cr_assert_eq(n, strlen(want));
	cr_assert_str_eq(buf, want);
	free(got);
}

#define CHECK(in, flags, want) check((in), sizeof(in) - 1, (flags), (want))

/* The output may only hold TAB, printable ASCII and valid UTF-8. */
static void
assert_safe(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; u[i] != '\0'; i++) {
		cr_assert(u[i] == '\t' || (u[i] >= 0x20 && u[i] != 0x7f),
		    "byte %#x at %zu", u[i], i);
		cr_assert(!(u[i] == 0xc2 && u[i + 1] >= 0x80 &&
		    u[i + 1] <= 0x9f), "C1 control at %zu", i);
		/* no bidi controls: E2 80 AA..AE and E2 81 A6..A9 */
		cr_assert(!(u[i] == 0xe2 && u[i + 1] == 0x80 &&
		    u[i + 2] >= 0xaa && u[i + 2] <= 0xae), "bidi at %zu", i);
		cr_assert(!(u[i] == 0xe2 && u[i + 1] == 0x81 &&
		    u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9), "bidi at %zu", i);
	}
}

static uint32_t
xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

Test(sanitize, plain_ascii_kept)
{
	CHECK("250 mx.example.org ESMTP ready", 0,
	    "250 mx.example.org ESMTP ready");
	CHECK("a\tb", 0, "a\tb");
	CHECK("", 0, "");
}

Test(sanitize, backslash_doubled)
{
	CHECK("C:\\x1b", 0, "C:\\\\x1b");
	CHECK("\\", SANITIZE_SHOW_CRLF, "\\\\");
}

Test(sanitize, escape_sequences)
{
	/* CSI colour */
	CHECK("\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m");
	/* OSC: set the window title, ended by BEL */
	CHECK("\x1b]0;x\x07", 0, "\\x1b]0;x\\x07");
	/* clear screen */
	CHECK("\x1b[2J\x1b[H", 0, "\\x1b[2J\\x1b[H");
	CHECK("\x7f\x01\x08", 0, "\\x7f\\x01\\x08");
}

Test(sanitize, nul_byte)
{
	static const char in[] = "a\0b";

	check(in, 3, 0, "a\\x00b");
}

Test(sanitize, crlf)
{
	CHECK("250 ok\r\n", 0, "250 ok\\x0d\\x0a");
	CHECK("250 ok\r\n", SANITIZE_SHOW_CRLF, "250 ok\\r\\n");
	CHECK("a\rb\nc", SANITIZE_SHOW_CRLF, "a\\rb\\nc");
}

Test(sanitize, c1_controls)
{
	/* raw C1 bytes are not UTF-8 */
	CHECK("\x9b" "31m", 0, "\\x9b31m");
	CHECK("\x80\x9f", 0, "\\x80\\x9f");
	/* UTF-8 encoded C1: CSI (U+009B), NEL (U+0085), U+0080 */
	CHECK("\xc2\x9b" "2J", 0, "\\xc2\\x9b2J");
	CHECK("\xc2\x85", 0, "\\xc2\\x85");
	CHECK("\xc2\x80", 0, "\\xc2\\x80");
	/* U+00A0 is the first code point after C1: kept */
	CHECK("\xc2\xa0", 0, "\xc2\xa0");
}

Test(sanitize, invalid_utf8)
{
	/* lone continuation byte, bytes never valid */
	CHECK("\x80", 0, "\\x80");
	CHECK("\xff\xfe", 0, "\\xff\\xfe");
	CHECK("\xc0\xc1\xf5", 0, "\\xc0\\xc1\\xf5");
	/* overlong "/" in two and three bytes */
	CHECK("\xc0\xaf", 0, "\\xc0\\xaf");
	CHECK("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");
	/* overlong forms of U+00A0 and U+FFFF, which would be printable */
	CHECK("\xe0\x82\xa0", 0, "\\xe0\\x82\\xa0");
	CHECK("\xf0\x8f\xbf\xbf", 0, "\\xf0\\x8f\\xbf\\xbf");
	/* overlong four-byte form */
	CHECK("\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf");
	/* surrogates U+D800 and U+DFFF */
	CHECK("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	CHECK("\xed\xbf\xbf", 0, "\\xed\\xbf\\xbf");
	/* above U+10FFFF */
	CHECK("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
	/* truncated sequence at the end and before ASCII */
	CHECK("a\xe2\x82", 0, "a\\xe2\\x82");
	CHECK("\xe2\x82z", 0, "\\xe2\\x82z");
	/* a bad lead byte does not swallow a following valid character */
	CHECK("\xe2\xc3\xa9", 0, "\\xe2\xc3\xa9");
}

Test(sanitize, valid_utf8_kept)
{
	CHECK("caf\xc3\xa9", 0, "caf\xc3\xa9");
	CHECK("\xe2\x82\xac 5", 0, "\xe2\x82\xac 5");
	CHECK("\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80");
	CHECK("\xed\x9f\xbf", 0, "\xed\x9f\xbf");		/* U+D7FF */
	CHECK("\xee\x80\x80", 0, "\xee\x80\x80");		/* U+E000 */
	CHECK("\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	CHECK("\xe2\x80\x90", 0, "\xe2\x80\x90");		/* U+2010 */
}

Test(sanitize, ascii_flag)
{
	CHECK("caf\xc3\xa9", SANITIZE_ASCII, "caf\\xc3\\xa9");
	CHECK("\xe2\x80\xae", SANITIZE_ASCII, "\\xe2\\x80\\xae");
	CHECK("a\r\n", SANITIZE_ASCII | SANITIZE_SHOW_CRLF, "a\\r\\n");
}

Test(sanitize, bidi_controls)
{
	/* RLO, LRE, PDF, LRI, PDI */
	CHECK("abc\xe2\x80\xae" "cba", 0, "abc\\u{202e}cba");
	CHECK("\xe2\x80\xaa", 0, "\\u{202a}");
	CHECK("\xe2\x80\xac", 0, "\\u{202c}");
	CHECK("\xe2\x81\xa6", 0, "\\u{2066}");
	CHECK("\xe2\x81\xa9", 0, "\\u{2069}");
	/* the neighbours are ordinary characters */
	CHECK("\xe2\x80\xa9", 0, "\xe2\x80\xa9");		/* U+2029 */
	CHECK("\xe2\x80\xaf", 0, "\xe2\x80\xaf");		/* U+202F */
	CHECK("\xe2\x81\xa5", 0, "\xe2\x81\xa5");		/* U+2065 */
	CHECK("\xe2\x81\xaa", 0, "\xe2\x81\xaa");		/* U+206A */
}

Test(sanitize, every_byte_alone)
{
	char in[1], *out;
	int c;

	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		out = sanitize(in, 1, 0);
		cr_assert_not_null(out);
		assert_safe(out);
		if (c >= 0x20 && c < 0x7f && c != '\\')
			cr_assert_eq(strlen(out), 1);
		else if (c != '\t' && c != '\\')
			cr_assert_eq(strlen(out), 4, "byte %#x", c);
		free(out);
	}
}

Test(sanitize, random_input_is_safe)
{
	unsigned char in[64];
	char *out;
	uint32_t seed = 0xdecaf;
	size_t i, n;
	int iter;

	for (iter = 0; iter < 5000; iter++) {
		n = xorshift32(&seed) % sizeof(in);
		for (i = 0; i < n; i++) {
			/* bias towards the bytes of interest */
			switch (xorshift32(&seed) % 4) {
			case 0:
				in[i] = (unsigned char)(0x80 +
				    xorshift32(&seed) % 64);
				break;
			case 1:
				in[i] = (unsigned char)(0xc2 +
				    xorshift32(&seed) % 51);
				break;
			default:
				in[i] = (unsigned char)xorshift32(&seed);
			}
		}
		out = sanitize((const char *)in, n, iter % 4);
		cr_assert_not_null(out);
		assert_safe(out);
		free(out);
	}
}

Test(sanitize, buf_return_value_and_truncation)
{
	static const char in[] = "ab\x1b[1m\xc3\xa9\xe2\x80\xae!";
	char *full, buf[64];
	size_t need, n, size;

	full = sanitize(in, sizeof(in) - 1, 0);
	cr_assert_not_null(full);
	cr_assert_str_eq(full, "ab\\x1b[1m\xc3\xa9\\u{202e}!");
	need = strlen(full);

	/* size 0: nothing written, length still returned */
	cr_assert_eq(sanitize_buf(NULL, 0, in, sizeof(in) - 1, 0), need);
	buf[0] = 'Z';
	cr_assert_eq(sanitize_buf(buf, 0, in, sizeof(in) - 1, 0), need);
	cr_assert_eq(buf[0], 'Z');

	for (size = 1; size <= need + 1; size++) {
		memset(buf, 'Z', sizeof(buf));
		n = sanitize_buf(buf, size, in, sizeof(in) - 1, 0);
		cr_assert_eq(n, need);
		cr_assert_lt(strlen(buf), size);
		/* a prefix of the full result */
		cr_assert_eq(strncmp(buf, full, strlen(buf)), 0);
		if (size == need + 1)
			cr_assert_str_eq(buf, full);
	}

	/* plain ASCII is cut anywhere */
	sanitize_buf(buf, 2, in, sizeof(in) - 1, 0);
	cr_assert_str_eq(buf, "a");
	/* but no half escape, no half character, nothing after a gap */
	sanitize_buf(buf, 5, in, sizeof(in) - 1, 0);
	cr_assert_str_eq(buf, "ab");
	sanitize_buf(buf, 7, in, sizeof(in) - 1, 0);
	cr_assert_str_eq(buf, "ab\\x1b");
	sanitize_buf(buf, 8, in, sizeof(in) - 1, 0);
	cr_assert_str_eq(buf, "ab\\x1b[");
	sanitize_buf(buf, 11, in, sizeof(in) - 1, 0);
	cr_assert_str_eq(buf, "ab\\x1b[1m");
	sanitize_buf(buf, 12, in, sizeof(in) - 1, 0);
	cr_assert_str_eq(buf, "ab\\x1b[1m\xc3\xa9");
	sanitize_buf(buf, 19, in, sizeof(in) - 1, 0);
	cr_assert_str_eq(buf, "ab\\x1b[1m\xc3\xa9");
	sanitize_buf(buf, 20, in, sizeof(in) - 1, 0);
	cr_assert_str_eq(buf, "ab\\x1b[1m\xc3\xa9\\u{202e}");
	free(full);
}

/* Text of our own that quotes server bytes: controls escaped, but a
 * backslash stays single so that carets line up (split view, messages). */
Test(sanitize, keep_backslash)
{
	char *s = sanitize("a\\b\x1b" "c\xff", 6, SANITIZE_KEEP_BACKSLASH);

	cr_assert_not_null(s);
	cr_assert_str_eq(s, "a\\b\\x1bc\\xff");
	cr_assert_eq(sanitize_buf(NULL, 0, "a\\b\x1b" "c\xff", 6,
	    SANITIZE_KEEP_BACKSLASH), strlen(s));
	free(s);
	s = sanitize("a\\b", 3, 0);
	cr_assert_str_eq(s, "a\\\\b", "without the flag it is doubled");
	free(s);
}

/* The one UTF-8 decoder of the program (the checker and the practice
 * server use it too): RFC 3629 well-formedness. */
Test(sanitize, utf8_valid)
{
	uint32_t cp = 0;

	cr_assert_eq(sanitize_utf8_end("plain ascii", 11), 11);
	cr_assert_eq(sanitize_utf8_end("j\xc3\xb6rg \xe6\x97\xa5", 9), 9);
	cr_assert_eq(sanitize_utf8_end("a\xc0\xaf", 3), 1, "overlong");
	cr_assert_eq(sanitize_utf8_end("ab\xed\xa0\x80", 5), 2, "surrogate");
	cr_assert_eq(sanitize_utf8_end("\xf4\x90\x80\x80", 4), 0,
	    "> U+10FFFF");
	cr_assert_eq(sanitize_utf8_end("\xc3\xb6\xe6\x97", 4), 2, "cut short");
	cr_assert_eq(sanitize_utf8((const unsigned char *)"\xe2\x82\xac", 3,
	    &cp), 3);
	cr_assert_eq(cp, 0x20ac);
	cr_assert_eq(sanitize_utf8((const unsigned char *)"", 0, NULL), 0);
}

/* sanitize_shorten() of in: the result, its caret column and width. */
static char *
shorten(const char *in, size_t len, size_t at, size_t span, size_t width,
    size_t *col, size_t *cols)
{
	char *s = sanitize_shorten(in, len, at, span, width, 0, col, cols);

	cr_assert_not_null(s);
	assert_safe(s);
	return s;
}

/* A line that fits is sanitize()'s, whole; the caret column counts what
 * is shown before it (an escape takes its four columns). */
Test(sanitize, shorten_keeps_what_fits)
{
	size_t	 col, cols;
	char	*s = shorten("NOOP \x1b]0;x\a", 11, 5, 1, 80, &col, &cols);

	cr_assert_str_eq(s, "NOOP \\x1b]0;x\\x07");
	cr_assert_eq(col, 5);
	cr_assert_eq(cols, 4);
	free(s);
	s = shorten("NOOP \x1b]0;x\a", 11, 7, 3, 80, &col, &cols);
	cr_assert_eq(col, 10, "after \\x1b and ']'");
	cr_assert_eq(cols, 3);
	free(s);
	/* the end of the line: the caret just after it */
	s = shorten("MAIL", 4, 4, 1, 80, &col, &cols);
	cr_assert_eq(col, 4);
	cr_assert_eq(cols, 1);
	free(s);
}

/* A 100 KB line: the part around the column of interest, an ellipsis on
 * each side, the caret under the same octet. */
Test(sanitize, shorten_around_the_column)
{
	size_t	 len = 100000, col, cols;
	char	*line = malloc(len), *s;

	cr_assert_not_null(line);
	memset(line, 'a', len);
	line[50000] = 'X';
	s = shorten(line, len, 50000, 1, 80, &col, &cols);
	cr_assert_leq(strlen(s), 80);
	cr_assert_eq(strncmp(s, "...", 3), 0);
	cr_assert_str_eq(s + strlen(s) - 3, "...");
	cr_assert_eq(s[col], 'X', "caret at %zu of \"%s\"", col, s);
	cr_assert_eq(cols, 1);
	free(s);

	/* near the start: no cut on the left */
	s = shorten(line, len, 3, 2, 80, &col, &cols);
	cr_assert_eq(col, 3);
	cr_assert_eq(cols, 2);
	cr_assert_eq(strncmp(s, "aaa", 3), 0);
	cr_assert_str_eq(s + strlen(s) - 3, "...");
	cr_assert_leq(strlen(s), 80);
	free(s);

	/* the end of the line: no cut on the right, room for the caret */
	s = shorten(line, len, len, 1, 80, &col, &cols);
	cr_assert_eq(strncmp(s, "...", 3), 0);
	cr_assert_eq(col, strlen(s));
	cr_assert_leq(col + cols, 80);
	free(s);

	/* a span wider than the width: its start, cut like the text */
	s = shorten(line, len, 1000, 5000, 80, &col, &cols);
	cr_assert_leq(strlen(s), 80);
	cr_assert_leq(col + cols, strlen(s));
	cr_assert_geq(cols, 40);
	free(s);

	/* too narrow a width counts as the narrowest */
	s = shorten(line, len, 500, 1, 1, &col, &cols);
	cr_assert_eq(strlen(s), SANITIZE_SHORTEN_MIN);
	free(s);
	free(line);
}

/* Cuts fall between characters: never inside an escape or a UTF-8
 * sequence. */
Test(sanitize, shorten_never_cuts_a_character)
{
	char	 line[3000], *s, *p;
	size_t	 i, col, cols, n;

	for (i = 0; i < 1000; i++)
		memcpy(line + 3 * i, i % 2 ? "\x1b" "ab" : "\xe6\x97\xa5",
		    3);
	s = shorten(line, sizeof line, 1500, 3, 61, &col, &cols);
	cr_assert(sanitize_cols(s, strlen(s)) <= 61);
	p = s + 3;
	n = strlen(p) - 3;
	/* what is between the ellipses is a run of whole characters */
	for (i = 0; i < n; ) {
		if (strncmp(p + i, "\\x1bab", 6) == 0)
			i += 6;
		else if (strncmp(p + i, "\xe6\x97\xa5", 3) == 0)
			i += 3;
		else
			cr_assert_fail("cut inside a character at %zu: \"%s\"",
			    i, s);
	}
	free(s);
}

/* Random lines, columns and widths: the result is safe, within the
 * width, the part kept is a piece of sanitize() of the whole, and the
 * caret lies inside it. */
Test(sanitize, shorten_random)
{
	uint32_t seed = 7;
	char	 line[600], *s, *full, *mid;
	size_t	 i, len, at, span, width, col, cols, w, n, left;
	int	 round;

	for (round = 0; round < 3000; round++) {
		len = xorshift32(&seed) % sizeof line;
		for (i = 0; i < len; i++)
			line[i] = (char)(xorshift32(&seed) % 4 ? 'a' +
			    xorshift32(&seed) % 26 : xorshift32(&seed));
		at = len ? xorshift32(&seed) % (len + 1) : 0;
		span = xorshift32(&seed) % 20;
		width = xorshift32(&seed) % 120;
		s = shorten(line, len, at, span, width, &col, &cols);
		full = sanitize(line, len, 0);
		cr_assert_not_null(full);
		w = sanitize_cols(s, strlen(s));
		if (sanitize_cols(full, strlen(full)) <= (width <
		    SANITIZE_SHORTEN_MIN ? SANITIZE_SHORTEN_MIN : width))
			cr_assert_str_eq(s, full);
		else
			cr_assert_leq(w, width < SANITIZE_SHORTEN_MIN ?
			    SANITIZE_SHORTEN_MIN : width);
		cr_assert_geq(cols, 1);
		cr_assert_leq(col, w);
		/* the text kept, without its ellipses, is part of the whole */
		n = strlen(s);
		left = strcmp(s, full) != 0 && strncmp(s, "...", 3) == 0 &&
		    strncmp(full, "...", 3) != 0 ? 3 : 0;
		if ((mid = strndup(s + left, n - left)) != NULL) {
			if (strcmp(s, full) != 0 && strlen(mid) >= 3 &&
			    strcmp(mid + strlen(mid) - 3, "...") == 0)
				mid[strlen(mid) - 3] = '\0';
			cr_assert_not_null(strstr(full, mid), "\"%s\" not in "
			    "the line", mid);
			free(mid);
		}
		free(full);
		free(s);
	}
}
