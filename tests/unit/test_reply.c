/*
 * test_reply.c -- unit tests of the incremental reply parser (src/reply.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "reply.h"

#define MAXREPLIES 1024

struct parsed {
	struct reply	*r[MAXREPLIES];
	size_t		 n;
	size_t		 discarded;
	int		 finished;	/* what reply_parser_finish returned */
};

static void
drain(struct reply_parser *p, struct parsed *out)
{
	struct reply *r;

	while ((r = reply_parser_next(p)) != NULL) {
		cr_assert_lt(out->n, MAXREPLIES);
		out->r[out->n++] = r;
	}
}

/*
 * Feed buf in pieces: sizes come from splits[] (cycled), or one piece
 * when nsplits is 0; then finish when asked.
 */
static void
parse_split(const char *buf, size_t len, const size_t *splits, size_t nsplits,
    int finish, struct parsed *out)
{
	struct reply_parser *p;
	size_t off = 0, k = 0, n;

	memset(out, 0, sizeof(*out));
	p = reply_parser_new();
	cr_assert_not_null(p);
	while (off < len) {
		n = nsplits ? splits[k++ % nsplits] : len - off;
		if (n > len - off)
			n = len - off;
		cr_assert_eq(reply_feed(p, buf + off, n), 0);
		off += n;
		drain(p, out);
	}
	if (finish) {
		out->finished = reply_parser_finish(p);
		drain(p, out);
	}
	out->discarded = reply_parser_discarded(p);
	reply_parser_free(p);
}

static void
parse(const char *buf, size_t len, struct parsed *out)
{
	parse_split(buf, len, NULL, 0, 1, out);
}

static void
parse_str(const char *s, struct parsed *out)
{
	parse(s, strlen(s), out);
}

static void
parsed_free(struct parsed *pr)
{
	size_t i;

	for (i = 0; i < pr->n; i++)
		reply_free(pr->r[i]);
	pr->n = 0;
}

static void
assert_same(const struct parsed *a, const struct parsed *b)
{
	size_t i, j;

	cr_assert_eq(a->n, b->n, "reply count %zu != %zu", a->n, b->n);
	cr_assert_eq(a->discarded, b->discarded);
	for (i = 0; i < a->n; i++) {
		const struct reply *x = a->r[i], *y = b->r[i];

		cr_assert_eq(x->code, y->code);
		cr_assert_str_eq(x->enhanced, y->enhanced);
		cr_assert_eq(x->faults, y->faults, "reply %zu faults %#x != %#x",
		    i, x->faults, y->faults);
		cr_assert_eq(x->rawlen, y->rawlen);
		cr_assert_eq(memcmp(x->raw, y->raw, x->rawlen), 0);
		cr_assert_eq(x->nlines, y->nlines);
		for (j = 0; j < x->nlines; j++) {
			cr_assert_eq(x->lines[j].len, y->lines[j].len);
			cr_assert_eq(x->lines[j].code, y->lines[j].code);
			cr_assert_eq(memcmp(x->lines[j].text, y->lines[j].text,
			    x->lines[j].len), 0);
			cr_assert_eq(x->lines[j].rawoff, y->lines[j].rawoff);
			cr_assert_eq(x->lines[j].rawlen, y->lines[j].rawlen);
		}
	}
}

/* A small PRNG so that failures can be reproduced from the seed. */
static uint32_t
xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

Test(reply, single_line)
{
	struct parsed pr;

	parse_str("220 mx.example.org ESMTP ready\r\n", &pr);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.finished, 0);
	cr_assert_eq(pr.r[0]->code, 220);
	cr_assert_eq(pr.r[0]->nlines, 1);
	cr_assert_str_eq(pr.r[0]->lines[0].text, "mx.example.org ESMTP ready");
	cr_assert_eq(pr.r[0]->lines[0].code, 220);
	cr_assert_eq(pr.r[0]->faults, 0);
	cr_assert_str_eq(pr.r[0]->enhanced, "");
	cr_assert_eq(pr.r[0]->rawlen, 32);
	cr_assert_str_eq(pr.r[0]->raw, "220 mx.example.org ESMTP ready\r\n");
	parsed_free(&pr);
}

Test(reply, multiline)
{
	struct parsed pr;
	const char *in = "250-mx.example.org\r\n250-PIPELINING\r\n"
	    "250-SIZE 10240000\r\n250 SMTPUTF8\r\n";

	parse_str(in, &pr);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->code, 250);
	cr_assert_eq(pr.r[0]->nlines, 4);
	cr_assert_str_eq(pr.r[0]->lines[0].text, "mx.example.org");
	cr_assert_str_eq(pr.r[0]->lines[2].text, "SIZE 10240000");
	cr_assert_str_eq(pr.r[0]->lines[3].text, "SMTPUTF8");
	cr_assert_eq(pr.r[0]->faults, 0);
	cr_assert_str_eq(pr.r[0]->raw, in);
	parsed_free(&pr);
}

Test(reply, empty_text)
{
	struct parsed pr;

	parse_str("250\r\n250 \r\n250-\r\n250\r\n", &pr);
	cr_assert_eq(pr.n, 3);
	cr_assert_eq(pr.r[0]->code, 250);
	cr_assert_eq(pr.r[0]->nlines, 1);
	cr_assert_eq(pr.r[0]->lines[0].len, 0);
	cr_assert_str_eq(pr.r[0]->lines[0].text, "");
	cr_assert_eq(pr.r[0]->faults, 0);
	cr_assert_eq(pr.r[1]->lines[0].len, 0);
	cr_assert_eq(pr.r[1]->faults, 0);
	cr_assert_eq(pr.r[2]->nlines, 2);
	cr_assert_eq(pr.r[2]->faults, 0);
	parsed_free(&pr);
}

Test(reply, several_in_one_buffer)
{
	struct parsed pr;

	parse_str("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with "
	    "<CR><LF>.<CR><LF>\r\n550-5.1.1 no\r\n550 5.1.1 such user\r\n",
	    &pr);
	cr_assert_eq(pr.n, 4);
	cr_assert_eq(pr.r[0]->code, 250);
	cr_assert_str_eq(pr.r[0]->enhanced, "2.1.0");
	cr_assert_str_eq(pr.r[1]->enhanced, "2.1.5");
	cr_assert_eq(pr.r[2]->code, 354);
	cr_assert_str_eq(pr.r[2]->enhanced, "");
	cr_assert_eq(pr.r[3]->code, 550);
	cr_assert_eq(pr.r[3]->nlines, 2);
	cr_assert_str_eq(pr.r[3]->enhanced, "5.1.1");
	/* the text keeps the enhanced code; only the reply code is cut */
	cr_assert_str_eq(pr.r[3]->lines[1].text, "5.1.1 such user");
	parsed_free(&pr);
}

Test(reply, enhanced_parse)
{
	static const struct {
		const char	*in;
		size_t		 took;
		const char	*out;
	} cases[] = {
		{ "5.1.1 no such user", 5, "5.1.1" },
		{ "2.0.0", 5, "2.0.0" },
		{ "4.7.0\ttemp", 5, "4.7.0" },
		{ "5.999.999 x", 9, "5.999.999" },
		{ "5.10.10 x", 7, "5.10.10" },
		{ "5.01.1 x", 0, "" },
		{ "5.1.01 x", 0, "" },
		{ "6.1.1 x", 0, "" },
		{ "3.1.1 x", 0, "" },
		{ "5.1. x", 0, "" },
		{ "5.1.", 0, "" },
		{ "5.1", 0, "" },
		{ "5.1.1000 x", 0, "" },
		{ "5.1000.1 x", 0, "" },
		{ "2.0.0ok", 0, "" },
		{ "2.0.0.1", 0, "" },
		{ ".1.1", 0, "" },
		{ "", 0, "" },
	};
	char out[12];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 0, sizeof(out));
		n = reply_parse_enhanced(cases[i].in, strlen(cases[i].in), out);
		cr_assert_eq(n, cases[i].took, "\"%s\": took %zu", cases[i].in,
		    n);
		cr_assert_str_eq(out, cases[i].out, "\"%s\"", cases[i].in);
	}
	/* len is honoured: "2.0.0" followed by bytes beyond len */
	cr_assert_eq(reply_parse_enhanced("2.0.01", 5, out), 5);
}

Test(reply, enhanced_in_reply)
{
	struct parsed pr;

	parse_str("550 5.1.1 <x@example.org>: no such user\r\n"
	    "550 5.01.1 bad\r\n550 5.1.1000 bad\r\n250 6.1.1 bad\r\n"
	    "250-2.0.0 first\r\n250 2.0.1 last\r\n", &pr);
	cr_assert_eq(pr.n, 5);
	cr_assert_str_eq(pr.r[0]->enhanced, "5.1.1");
	cr_assert_str_eq(pr.r[1]->enhanced, "");
	cr_assert_str_eq(pr.r[2]->enhanced, "");
	cr_assert_str_eq(pr.r[3]->enhanced, "");
	/* taken from the first line */
	cr_assert_str_eq(pr.r[4]->enhanced, "2.0.0");
	parsed_free(&pr);
}

Test(reply, one_byte_feeding)
{
	static const char in[] = "220-a\r\n220 b\r\n250 ok\n"
	    "251-x\ry\r\n250 z\r\nfoo\r\n250x\r\n550 a\0b\r\n421 bye\r";
	static const size_t one[] = { 1 };
	struct parsed whole, bytes;

	parse(in, sizeof(in) - 1, &whole);
	parse_split(in, sizeof(in) - 1, one, 1, 1, &bytes);
	cr_assert_eq(whole.n, 7);
	assert_same(&whole, &bytes);
	cr_assert_eq(whole.finished, bytes.finished);
	parsed_free(&whole);
	parsed_free(&bytes);
}

Test(reply, random_splits)
{
	static const char in[] =
	    "220 mx ESMTP\r\n250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
	    "250 2.1.0 ok\n550-5.1.1 no\r\n551 5.1.1 mismatch\r\n"
	    "bogus line\r\n250-a\r\n\r\n250 b\r\n" "250x sep\r\n"
	    "334 \r\n" "354 go\r\r\n" "250 a\0b\r\n" "221 2.0.0 bye\r\n"
	    "250-unfinished\r\n250-x";
	struct parsed whole, split;
	size_t sizes[16];
	uint32_t seed = 0x5eed1234;
	int iter, k;

	parse(in, sizeof(in) - 1, &whole);
	cr_assert_gt(whole.n, 10);
	for (iter = 0; iter < 2000; iter++) {
		for (k = 0; k < 16; k++)
			sizes[k] = 1 + xorshift32(&seed) % 9;
		parse_split(in, sizeof(in) - 1, sizes, 16, 1, &split);
		assert_same(&whole, &split);
		cr_assert_eq(whole.finished, split.finished);
		parsed_free(&split);
	}
	parsed_free(&whole);
}

Test(reply, random_bytes_consistent)
{
	static const char alphabet[] = "25 -0\r\n.x\0";
	char buf[600];
	struct parsed whole, split;
	size_t sizes[8], i, total;
	uint32_t seed = 42;
	int iter, k;

	for (iter = 0; iter < 500; iter++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = alphabet[xorshift32(&seed) %
			    (sizeof(alphabet) - 1)];
		for (k = 0; k < 8; k++)
			sizes[k] = 1 + xorshift32(&seed) % 13;
		parse(buf, sizeof(buf), &whole);
		parse_split(buf, sizeof(buf), sizes, 8, 1, &split);
		assert_same(&whole, &split);
		/* nothing is dropped here, so raw covers every byte */
		total = whole.discarded;
		for (i = 0; i < whole.n; i++)
			total += whole.r[i]->rawlen;
		cr_assert_eq(total, sizeof(buf));
		parsed_free(&whole);
		parsed_free(&split);
	}
}

Test(reply, pending)
{
	struct reply_parser *p = reply_parser_new();
	struct reply *r;

	cr_assert_eq(reply_parser_pending(p), 0);
	cr_assert_eq(reply_feed(p, "250-a\r\n25", 9), 0);
	cr_assert_null(reply_parser_next(p));
	cr_assert_eq(reply_parser_pending(p), 9);
	cr_assert_eq(reply_feed(p, "0 b\r", 4), 0);
	cr_assert_eq(reply_parser_pending(p), 13);
	cr_assert_null(reply_parser_next(p));
	cr_assert_eq(reply_feed(p, "\n", 1), 0);
	cr_assert_eq(reply_parser_pending(p), 0);
	r = reply_parser_next(p);
	cr_assert_not_null(r);
	cr_assert_eq(r->nlines, 2);
	cr_assert_eq(r->faults, 0);
	cr_assert_null(reply_parser_next(p));
	reply_free(r);
	reply_parser_free(p);
}

Test(reply, long_line_512)
{
	char buf[600];
	struct parsed pr;

	/* exactly 512 octets with CRLF: allowed */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "250 ", 4);
	memcpy(buf + 510, "\r\n", 2);
	parse(buf, 512, &pr);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->faults, 0);
	cr_assert_eq(pr.r[0]->lines[0].len, 506);
	parsed_free(&pr);

	/* 513: flagged, kept whole */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "250 ", 4);
	memcpy(buf + 511, "\r\n", 2);
	parse(buf, 513, &pr);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_LONG_LINE);
	cr_assert_eq(pr.r[0]->lines[0].len, 507);
	cr_assert_eq(pr.r[0]->rawlen, 513);
	parsed_free(&pr);
}

Test(reply, hard_cut_64k)
{
	size_t len = 70004 + 11, i;
	char *buf = malloc(len);
	struct parsed pr, bytes;
	static const size_t chunk[] = { 1000, 1, 7 };

	cr_assert_not_null(buf);
	memcpy(buf, "250 ", 4);
	for (i = 4; i < 70004; i++)
		buf[i] = (char)('a' + i % 26);
	memcpy(buf + 70004, "\r\n221 bye\r\n", 11);
	parse(buf, len, &pr);
	cr_assert_eq(pr.n, 2);
	cr_assert_eq(pr.r[0]->faults,
	    REPLY_FAULT_TRUNCATED | REPLY_FAULT_LONG_LINE);
	cr_assert_eq(pr.r[0]->lines[0].len, REPLY_LINE_HARD_MAX - 4);
	cr_assert_eq(pr.r[0]->rawlen, REPLY_LINE_HARD_MAX + 2);
	cr_assert_eq(memcmp(pr.r[0]->raw + REPLY_LINE_HARD_MAX, "\r\n", 2), 0);
	cr_assert_eq(pr.discarded, 70004 - REPLY_LINE_HARD_MAX);
	/* the next reply is not disturbed */
	cr_assert_eq(pr.r[1]->code, 221);
	cr_assert_eq(pr.r[1]->faults, 0);
	parse_split(buf, len, chunk, 3, 1, &bytes);
	assert_same(&pr, &bytes);
	parsed_free(&pr);
	parsed_free(&bytes);
	free(buf);
}

static char *
many_lines(size_t ncont, const char *tail, size_t *lenp)
{
	size_t tlen = strlen(tail), off = 0, i;
	char *buf = malloc(ncont * 9 + tlen + 1);

	cr_assert_not_null(buf);
	for (i = 0; i < ncont; i++) {
		memcpy(buf + off, "250-abc\r\n", 9);
		off += 9;
	}
	memcpy(buf + off, tail, tlen + 1);
	*lenp = off + tlen;
	return buf;
}

Test(reply, exactly_1000_lines)
{
	struct parsed pr;
	size_t len;
	char *buf = many_lines(999, "250 end\r\n", &len);

	parse(buf, len, &pr);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->nlines, 1000);
	cr_assert_eq(pr.r[0]->faults, 0);
	cr_assert_eq(pr.r[0]->rawlen, len);
	parsed_free(&pr);
	free(buf);
}

Test(reply, too_many_lines)
{
	struct parsed pr, bytes;
	size_t len;
	static const size_t chunk[] = { 3, 64 };
	/* 1500 continuation lines, a bogus line, the final line, then more */
	char *buf = many_lines(1500, "junk\r\n250 end\r\n221 bye\r\n", &len);

	parse(buf, len, &pr);
	cr_assert_eq(pr.n, 2);
	cr_assert_eq(pr.r[0]->code, 250);
	cr_assert_eq(pr.r[0]->nlines, REPLY_LINES_MAX);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_TOO_MANY_LINES);
	cr_assert_eq(pr.r[0]->rawlen, 9 * REPLY_LINES_MAX);
	/* the rest of the cut reply, through "250 end", is dropped */
	cr_assert_eq(pr.discarded, 9 * 500 + 6 + 9);
	cr_assert_eq(pr.r[1]->code, 221);
	cr_assert_eq(pr.r[1]->faults, 0);
	parse_split(buf, len, chunk, 2, 1, &bytes);
	assert_same(&pr, &bytes);
	parsed_free(&pr);
	parsed_free(&bytes);
	free(buf);
}

Test(reply, too_many_lines_never_ends)
{
	struct parsed pr;
	size_t len;
	char *buf = many_lines(3000, "250-x", &len);

	parse(buf, len, &pr);
	/* one cut reply; the endless tail is dropped, finish adds nothing */
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.finished, 0);
	cr_assert_eq(pr.r[0]->nlines, REPLY_LINES_MAX);
	cr_assert_eq(pr.discarded + pr.r[0]->rawlen, len);
	parsed_free(&pr);
	free(buf);
}

Test(reply, bare_lf)
{
	struct parsed pr;

	parse_str("250-a\n250 b\r\n", &pr);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_BARE_LF);
	cr_assert_eq(pr.r[0]->nlines, 2);
	cr_assert_str_eq(pr.r[0]->lines[0].text, "a");
	cr_assert_str_eq(pr.r[0]->raw, "250-a\n250 b\r\n");
	parsed_free(&pr);
}

Test(reply, bare_cr)
{
	struct parsed pr;

	parse_str("250 o\rk\r\r\n220 x\r\n", &pr);
	cr_assert_eq(pr.n, 2);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_BARE_CR);
	cr_assert_eq(pr.r[0]->lines[0].len, 4);
	cr_assert_eq(memcmp(pr.r[0]->lines[0].text, "o\rk\r", 4), 0);
	cr_assert_eq(pr.r[1]->faults, 0);
	parsed_free(&pr);
}

Test(reply, nul_byte)
{
	static const char in[] = "250 a\0b\r\n";
	struct parsed pr;

	parse(in, sizeof(in) - 1, &pr);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_NUL);
	cr_assert_eq(pr.r[0]->lines[0].len, 3);
	cr_assert_eq(memcmp(pr.r[0]->lines[0].text, "a\0b", 4), 0);
	cr_assert_eq(pr.r[0]->rawlen, sizeof(in) - 1);
	parsed_free(&pr);
}

Test(reply, code_mismatch)
{
	struct parsed pr;

	parse_str("250-a\r\n251-b\r\n250 c\r\n250-a\r\n550 b\r\n", &pr);
	cr_assert_eq(pr.n, 2);
	cr_assert_eq(pr.r[0]->code, 250);
	cr_assert_eq(pr.r[0]->nlines, 3);
	cr_assert_eq(pr.r[0]->lines[1].code, 251);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_CODE_MISMATCH);
	/* a final line with another code ends the reply */
	cr_assert_eq(pr.r[1]->code, 250);
	cr_assert_eq(pr.r[1]->nlines, 2);
	cr_assert_eq(pr.r[1]->faults, REPLY_FAULT_CODE_MISMATCH);
	parsed_free(&pr);
}

Test(reply, bad_code)
{
	struct parsed pr;

	parse_str("hello there\r\n25 short\r\n\r\n250-a\r\nfoo\r\n250 b\r\n",
	    &pr);
	cr_assert_eq(pr.n, 4);
	cr_assert_eq(pr.r[0]->code, 0);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_BAD_CODE);
	cr_assert_str_eq(pr.r[0]->lines[0].text, "hello there");
	cr_assert_eq(pr.r[1]->code, 0);
	cr_assert_str_eq(pr.r[1]->lines[0].text, "25 short");
	/* an empty line is a reply without a code */
	cr_assert_eq(pr.r[2]->code, 0);
	cr_assert_eq(pr.r[2]->lines[0].len, 0);
	cr_assert_eq(pr.r[2]->faults, REPLY_FAULT_BAD_CODE);
	/* inside a multiline reply: one more line, the reply goes on */
	cr_assert_eq(pr.r[3]->code, 250);
	cr_assert_eq(pr.r[3]->nlines, 3);
	cr_assert_eq(pr.r[3]->lines[1].code, 0);
	cr_assert_str_eq(pr.r[3]->lines[1].text, "foo");
	cr_assert_eq(pr.r[3]->faults, REPLY_FAULT_BAD_CODE);
	parsed_free(&pr);
}

Test(reply, code_range)
{
	struct parsed pr;

	/* 1yz is recorded as sent; 0yz and 6yz..9yz are not codes */
	parse_str("199 x\r\n000 x\r\n999 x\r\n600 x\r\n599 x\r\n", &pr);
	cr_assert_eq(pr.n, 5);
	cr_assert_eq(pr.r[0]->code, 199);
	cr_assert_eq(pr.r[0]->faults, 0);
	cr_assert_eq(pr.r[1]->code, 0);
	cr_assert_eq(pr.r[1]->faults, REPLY_FAULT_BAD_CODE);
	cr_assert_str_eq(pr.r[1]->lines[0].text, "000 x");
	cr_assert_eq(pr.r[2]->code, 0);
	cr_assert_eq(pr.r[3]->code, 0);
	cr_assert_eq(pr.r[4]->code, 599);
	cr_assert_eq(pr.r[4]->faults, 0);
	parsed_free(&pr);
}

Test(reply, bad_separator)
{
	struct parsed pr;

	parse_str("250x ok\r\n2500\r\n250-a\r\n250_b\r\n221 bye\r\n", &pr);
	cr_assert_eq(pr.n, 4);
	cr_assert_eq(pr.r[0]->code, 250);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_BAD_SEPARATOR);
	cr_assert_str_eq(pr.r[0]->lines[0].text, "x ok");
	cr_assert_eq(pr.r[1]->code, 250);
	cr_assert_str_eq(pr.r[1]->lines[0].text, "0");
	/* a bad separator ends a multiline reply */
	cr_assert_eq(pr.r[2]->nlines, 2);
	cr_assert_eq(pr.r[2]->faults, REPLY_FAULT_BAD_SEPARATOR);
	cr_assert_str_eq(pr.r[2]->lines[1].text, "_b");
	cr_assert_eq(pr.r[3]->code, 221);
	parsed_free(&pr);
}

Test(reply, finish_partial)
{
	struct parsed pr;

	parse_str("250-a\r\n250-b", &pr);
	cr_assert_eq(pr.finished, 1);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->nlines, 2);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_INCOMPLETE);
	cr_assert_str_eq(pr.r[0]->raw, "250-a\r\n250-b");
	parsed_free(&pr);

	parse_str("250-a\r\n", &pr);
	cr_assert_eq(pr.finished, 1);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->nlines, 1);
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_INCOMPLETE);
	parsed_free(&pr);

	/* a final line without its CRLF */
	parse_str("221 bye", &pr);
	cr_assert_eq(pr.finished, 1);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->code, 221);
	cr_assert_str_eq(pr.r[0]->lines[0].text, "bye");
	cr_assert_eq(pr.r[0]->faults, REPLY_FAULT_INCOMPLETE);
	parsed_free(&pr);

	/* a CR at EOF is a bare CR */
	parse_str("221 bye\r", &pr);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->faults,
	    REPLY_FAULT_INCOMPLETE | REPLY_FAULT_BARE_CR);
	parsed_free(&pr);

	/* nothing pending */
	parse_str("221 bye\r\n", &pr);
	cr_assert_eq(pr.finished, 0);
	cr_assert_eq(pr.n, 1);
	cr_assert_eq(pr.r[0]->faults, 0);
	parsed_free(&pr);
	parse_str("", &pr);
	cr_assert_eq(pr.finished, 0);
	cr_assert_eq(pr.n, 0);
}

Test(reply, parser_reusable_after_finish)
{
	struct reply_parser *p = reply_parser_new();
	struct reply *r;

	cr_assert_eq(reply_feed(p, "250-a", 5), 0);
	cr_assert_eq(reply_parser_finish(p), 1);
	reply_free(reply_parser_next(p));
	cr_assert_eq(reply_parser_pending(p), 0);
	cr_assert_eq(reply_feed(p, "220 ok\r\n", 8), 0);
	r = reply_parser_next(p);
	cr_assert_not_null(r);
	cr_assert_eq(r->code, 220);
	cr_assert_eq(r->faults, 0);
	reply_free(r);
	reply_parser_free(p);
}

Test(reply, free_with_queued)
{
	struct reply_parser *p = reply_parser_new();

	/* queued and partial replies are released by reply_parser_free */
	cr_assert_eq(reply_feed(p, "250 a\r\n250 b\r\n250-c", 19), 0);
	reply_parser_free(p);
	reply_parser_free(NULL);
	reply_free(NULL);
}

/* raw line i of the only reply parsed from s, as a C string */
static void
expect_raw_line(const char *s, size_t i, const char *want)
{
	struct parsed	 pr;
	const char	*l;
	size_t		 n;

	parse_str(s, &pr);
	cr_assert_eq(pr.n, 1, "%s", s);
	l = reply_line_raw(pr.r[0], i, &n);
	cr_assert_not_null(l, "%s: line %zu", s, i);
	cr_assert_eq(n, strlen(want), "%s: line %zu is %zu octets", s, i, n);
	cr_assert_eq(memcmp(l, want, n), 0, "%s: line %zu", s, i);
	parsed_free(&pr);
}

/* Each line exactly as it came, for quoting: a bad separator or a line
 * without a code is not rebuilt from the code and the text. */
Test(reply, line_raw)
{
	struct reply	 hand;
	size_t		 n;

	expect_raw_line("2200 long\r\n", 0, "2200 long");
	expect_raw_line("22 short\r\n", 0, "22 short");
	expect_raw_line("250-a\r\n250-b c\n250 d\r\n", 1, "250-b c");
	expect_raw_line("250-a\r\n250-b c\n250 d\r\n", 2, "250 d");
	expect_raw_line("250 a\rb\r\n", 0, "250 a\rb");
	expect_raw_line("220 cut", 0, "220 cut");
	memset(&hand, 0, sizeof hand);
	cr_assert_null(reply_line_raw(&hand, 0, &n), "no raw bytes");
}

Test(reply, fault_strings)
{
	char buf[2048], small[20], s[512], t[512];
	unsigned bit, i;

	for (i = 0; i < REPLY_FAULT_COUNT; i++) {
		bit = 1u << i;
		reply_faults_describe(bit, s, sizeof s);
		cr_assert_str_neq(s, "", "bit %#x", bit);
		cr_assert_str_neq(s, "unknown fault", "bit %#x", bit);
		cr_assert_null(strchr(s, '\n'));
		cr_assert_null(strstr(s, "; "), "one text per bit");
		for (unsigned j = 0; j < i; j++) {
			reply_faults_describe(1u << j, t, sizeof t);
			cr_assert_str_neq(s, t, "bits %u and %u share a text",
			    i, j);
		}
	}
	reply_faults_describe(1u << REPLY_FAULT_COUNT, s, sizeof s);
	cr_assert_str_eq(s, "unknown fault");
	reply_faults_describe(REPLY_FAULT_LONG_LINE, s, sizeof s);
	cr_assert_not_null(strstr(s, "RFC 5321 4.5.3.1.5"));
	reply_faults_describe(REPLY_FAULT_BARE_LF, t, sizeof t);
	cr_assert_not_null(strstr(t, "RFC 5321 2.3.8"));

	reply_faults_describe(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
	reply_faults_describe(REPLY_FAULT_BARE_LF | REPLY_FAULT_NUL, buf,
	    sizeof(buf));
	cr_assert_not_null(strstr(buf, "; "));
	reply_faults_describe(REPLY_FAULT_NUL, s, sizeof s);
	cr_assert_not_null(strstr(buf, s));
	cr_assert_not_null(strstr(buf, t));
	/* truncation keeps the buffer terminated */
	reply_faults_describe(~0u, small, sizeof(small));
	cr_assert_lt(strlen(small), sizeof(small));
	reply_faults_describe(REPLY_FAULT_NUL, buf, 0);
}
