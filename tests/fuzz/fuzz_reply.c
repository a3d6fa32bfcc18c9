/*
 * fuzz_reply.c -- libFuzzer target for the reply parser (src/reply.c).
 *
 * Input: the first byte seeds the split sizes, the rest is what the
 * server sends.  The rest is parsed twice, once in one piece and once in
 * pieces of 1..16 bytes, and both must give the same replies.  Each reply
 * is checked against the invariants of reply.h (each line as received,
 * reply_line_raw(), included); then every reply is written by the
 * transcript writer and the file must read back as a valid session file,
 * with an expectation only for the replies that came whole and valid (a
 * reply cut short is a comment).  A broken invariant aborts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "script.h"
#include "transcript.h"

struct fuzz_run {
	struct reply	**r;
	size_t		 n;
	size_t		 cap;
	size_t		 discarded;
};

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fuzz_drain(struct reply_parser *, struct fuzz_run *);
static void	 fuzz_parse(const char *, size_t, unsigned, struct fuzz_run *);
static void	 fuzz_check_reply(const struct reply *);
static void	 fuzz_compare(const struct reply *, const struct reply *);
static void	 fuzz_record(const struct fuzz_run *);

static void
fuzz_drain(struct reply_parser *p, struct fuzz_run *run)
{
	struct reply *r, **nr;

	while ((r = reply_parser_next(p)) != NULL) {
		if (run->n == run->cap) {
			run->cap = run->cap ? run->cap * 2 : 64;
			nr = realloc(run->r, run->cap * sizeof(*nr));
			if (nr == NULL)
				abort();
			run->r = nr;
		}
		run->r[run->n++] = r;
	}
}

/* seed 0: one piece; else pieces of 1..16 bytes from a xorshift PRNG */
static void
fuzz_parse(const char *buf, size_t len, unsigned seed, struct fuzz_run *run)
{
	struct reply_parser *p;
	size_t off = 0, n;
	uint32_t x = seed * 2654435761u + 1;

	if ((p = reply_parser_new()) == NULL)
		abort();
	while (off < len) {
		if (seed == 0)
			n = len - off;
		else {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			n = 1 + x % 16;
			if (n > len - off)
				n = len - off;
		}
		if (reply_feed(p, buf + off, n) != 0)
			abort();
		off += n;
		fuzz_drain(p, run);
	}
	reply_parser_finish(p);
	fuzz_drain(p, run);
	if (reply_parser_pending(p) != 0 || reply_parser_next(p) != NULL)
		abort();
	run->discarded = reply_parser_discarded(p);
	reply_parser_free(p);
}

static void
fuzz_check_reply(const struct reply *r)
{
	char enh[12], desc[1024];
	size_t i, linebytes = 0;

	if (r->code != 0 && (r->code < 100 || r->code > 599))
		abort();
	if (r->nlines == 0 || r->nlines > REPLY_LINES_MAX)
		abort();
	if (r->faults >= (1u << REPLY_FAULT_COUNT))
		abort();
	if ((r->code == 0) != ((r->faults & REPLY_FAULT_BAD_CODE) &&
	    r->lines[0].code == 0))
		abort();
	if (r->raw == NULL || r->rawlen == 0 || r->raw[r->rawlen] != '\0')
		abort();
	for (i = 0; i < r->nlines; i++) {
		const struct reply_line *l = &r->lines[i];

		if (l->text == NULL || l->text[l->len] != '\0')
			abort();
		if (l->len > REPLY_LINE_HARD_MAX)
			abort();
		if (l->code != 0 && (l->code < 100 || l->code > 599))
			abort();
		if (l->code != 0 && l->code != r->code &&
		    !(r->faults & REPLY_FAULT_CODE_MISMATCH))
			abort();
		if (memchr(l->text, '\0', l->len) != NULL &&
		    !(r->faults & REPLY_FAULT_NUL))
			abort();
		if (l->len + 2 > REPLY_LINE_MAX &&
		    !(r->faults & REPLY_FAULT_LONG_LINE))
			abort();
		/* the code and separator (0, 3 or 4 octets) and the text */
		linebytes += l->len + (l->code == 0 ? 0 : 3);
	}
	/* each line as received: in order inside raw, its text at its end,
	 * its code at its start */
	for (i = 0; i < r->nlines; i++) {
		const struct reply_line *l = &r->lines[i];
		const char *p;
		size_t n;

		if ((p = reply_line_raw(r, i, &n)) == NULL ||
		    p < r->raw || p + n > r->raw + r->rawlen)
			abort();
		if (i > 0 && l->rawoff < r->lines[i - 1].rawoff +
		    r->lines[i - 1].rawlen)
			abort();
		if (n < l->len || memcmp(p + n - l->len, l->text, l->len) != 0)
			abort();
		if (l->code != 0 && (n < 3 || p[0] != '0' + l->code / 100 ||
		    p[2] != '0' + l->code % 10))
			abort();
	}
	/* raw holds every kept octet: text, codes, separators, line ends */
	if (r->rawlen < linebytes || r->rawlen > linebytes + 4 * r->nlines)
		abort();
	/* a clean reply ends in CRLF */
	if (!(r->faults & (REPLY_FAULT_INCOMPLETE | REPLY_FAULT_BARE_LF)) &&
	    (r->rawlen < 2 || memcmp(r->raw + r->rawlen - 2, "\r\n", 2) != 0))
		abort();
	if (r->enhanced[0] != '\0' &&
	    reply_parse_enhanced(r->enhanced, strlen(r->enhanced), enh) !=
	    strlen(r->enhanced))
		abort();
	reply_faults_describe(r->faults, desc, sizeof(desc));
	if (strlen(desc) >= sizeof(desc) || ((r->faults != 0) != (desc[0] != 0)))
		abort();
}

static void
fuzz_compare(const struct reply *a, const struct reply *b)
{
	size_t i;

	if (a->code != b->code || a->faults != b->faults ||
	    a->nlines != b->nlines || a->rawlen != b->rawlen ||
	    strcmp(a->enhanced, b->enhanced) != 0 ||
	    memcmp(a->raw, b->raw, a->rawlen) != 0)
		abort();
	for (i = 0; i < a->nlines; i++)
		if (a->lines[i].len != b->lines[i].len ||
		    a->lines[i].code != b->lines[i].code ||
		    memcmp(a->lines[i].text, b->lines[i].text,
		    a->lines[i].len) != 0)
			abort();
}

/* The replies recorded: a valid session file, expecting only replies
 * that came whole and valid. */
static void
fuzz_record(const struct fuzz_run *run)
{
	const unsigned	 cut = REPLY_FAULT_INCOMPLETE | REPLY_FAULT_TRUNCATED |
			    REPLY_FAULT_TOO_MANY_LINES | REPLY_FAULT_BAD_CODE |
			    REPLY_FAULT_BAD_SEPARATOR;
	struct transcript	*t;
	struct script		*s;
	struct script_info	 info;
	char			 err[512];
	size_t			 i, whole = 0;
	FILE			*f;

	if ((f = tmpfile()) == NULL)
		return;
	if ((t = transcript_fopen(f, 0, NULL, 0, 0)) == NULL) {
		fclose(f);
		return;
	}
	for (i = 0; i < run->n; i++) {
		transcript_reply(t, run->r[i], -1);
		if ((run->r[i]->faults & cut) == 0)
			whole++;
	}
	transcript_close(t);
	rewind(f);
	if ((s = script_fopen(f, 1, "fuzz")) == NULL) {
		fclose(f);
		return;
	}
	if (script_validate(s, &info, err, sizeof err) != 0)
		abort();
	if (info.expectations > whole)
		abort();
	script_close(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* static: the reply arrays are reused from one input to the next */
	static struct fuzz_run whole, split;
	const char *buf;
	size_t len, i, total;

	if (size < 1)
		return 0;
	buf = (const char *)data + 1;
	len = size - 1;
	whole.n = split.n = 0;
	fuzz_parse(buf, len, 0, &whole);
	fuzz_parse(buf, len, (unsigned)data[0] + 1, &split);

	if (whole.n != split.n || whole.discarded != split.discarded)
		abort();
	total = whole.discarded;
	for (i = 0; i < whole.n; i++) {
		fuzz_check_reply(whole.r[i]);
		fuzz_compare(whole.r[i], split.r[i]);
		total += whole.r[i]->rawlen;
	}
	/* every octet fed is in some raw or counted as dropped */
	if (total != len)
		abort();
	fuzz_record(&whole);
	for (i = 0; i < whole.n; i++) {
		reply_free(whole.r[i]);
		reply_free(split.r[i]);
	}
	return 0;
}
