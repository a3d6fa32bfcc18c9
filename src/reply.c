/*
 * reply.c -- incremental SMTP reply parser.
 *
 * Bytes are cut into lines as they arrive; each complete line is then
 * looked at once (code, separator, text) and added to the reply being
 * built.  Work is linear in the input whatever the split: a byte is
 * copied into the line buffer once and the line is examined once when
 * its end is seen.
 *
 * Decisions taken where RFC 5321 leaves the client free:
 *
 * - A line ends at CRLF, and also at a bare LF (flagged BARE_LF, RFC 5321
 *   2.3.8).  A CR not followed by LF stays in the text (flagged BARE_CR).
 * - A reply code is three ASCII digits whose first digit is 1 to 5.
 *   RFC 5321 4.2 allows only 2..5 as first digit (and 0..5 as second),
 *   but a 1yz code is still recorded as sent so that the knowledge base
 *   can call it non-standard.  First digits 0 and 6..9 ("000", "999")
 *   are BAD_CODE: 0 is this parser's "no code" marker and no SMTP
 *   specification gives such codes a meaning, so reply.code stays in
 *   100..599 or 0 as reply.h promises.
 * - A BAD_CODE line that starts a reply is a one-line reply with code 0
 *   and the whole line as text.  Inside a multiline reply it is one more
 *   line of that reply (code 0) and the reply goes on.
 * - A code followed by anything but SP, '-' or the line end is
 *   BAD_SEPARATOR; the line counts as a final line and its text is
 *   everything after the three digits.
 * - A line whose code differs from the first line's is CODE_MISMATCH
 *   (RFC 5321 4.2.1); it still belongs to the same reply and, when it is
 *   a final line, ends it.
 * - A line longer than REPLY_LINE_HARD_MAX octets (without its line end)
 *   keeps its first REPLY_LINE_HARD_MAX octets; the rest up to the line
 *   end is dropped (TRUNCATED).  reply.raw then holds the kept octets
 *   and the line end, so raw is no longer the exact input.
 * - When a reply reaches REPLY_LINES_MAX lines and the last one is not a
 *   final line, the reply is delivered at once, flagged TOO_MANY_LINES.
 *   The remaining lines of that reply, up to and including its final
 *   line, are then dropped (only counted, see reply_parser_discarded()),
 *   so the next reply delivered is the answer to the next command and
 *   memory stays bounded however long the server goes on.
 *
 * Memory is bounded: one line buffer of at most REPLY_LINE_HARD_MAX
 * octets, and per reply at most REPLY_LINES_MAX lines of at most that
 * size (twice: text and raw).
 *
 * A reply is built in buffers the parser keeps from one reply to the
 * next; once complete it is copied into one allocation (struct
 * reply_block: the reply, its lines, raw and the texts), which
 * reply_free() frees at once.  Replies come by the thousand in a replay:
 * one allocation each instead of five.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

/* A complete reply, in one allocation: lines[] is followed by raw (and
 * its NUL), then each line's text and its NUL. */
struct reply_block {
	struct reply		 r;	/* first: reply_free() gets its address */
	struct reply_block	*next;	/* the queue of complete replies */
	struct reply_line	 lines[];
};

struct reply_parser {
	/* the line being read */
	char		*line;
	size_t		 linelen;
	size_t		 linecap;
	size_t		 linetotal;	/* octets seen, dropped ones included */
	int		 cr;		/* a CR was seen, next byte decides */
	unsigned	 linefaults;

	/* the reply being built (building set): cur's lines[] and raw are
	 * the buffers below, kept from one reply to the next; a line's text
	 * is the end of its raw line (reply_emit() copies it) */
	int		 building;
	struct reply	 cur;
	size_t		 curlinecap;
	size_t		 currawcap;

	int		 skipping;	/* dropping the rest of a cut reply */
	size_t		 discarded;	/* octets dropped so far */

	/* completed replies */
	struct reply_block *head;
	struct reply_block *tail;
};

struct reply_fault_desc {
	unsigned	 bit;
	const char	*text;
};

static const struct reply_fault_desc reply_fault_table[] = {
	{ .bit = REPLY_FAULT_LONG_LINE,
	  .text = "line longer than 512 octets including CRLF "
	    "(RFC 5321 4.5.3.1.5)" },
	{ .bit = REPLY_FAULT_TRUNCATED,
	  .text = "line longer than 64 KiB, cut (RFC 5321 4.5.3.1.5 "
	    "allows 512 octets)" },
	{ .bit = REPLY_FAULT_BARE_LF,
	  .text = "line ended by a bare LF instead of CRLF (RFC 5321 2.3.8)" },
	{ .bit = REPLY_FAULT_CODE_MISMATCH,
	  .text = "lines of a multiline reply carry different codes "
	    "(RFC 5321 4.2.1)" },
	{ .bit = REPLY_FAULT_BAD_CODE,
	  .text = "line does not start with a three-digit reply code "
	    "(RFC 5321 4.2)" },
	{ .bit = REPLY_FAULT_BAD_SEPARATOR,
	  .text = "reply code not followed by SP, \"-\" or CRLF "
	    "(RFC 5321 4.2)" },
	{ .bit = REPLY_FAULT_TOO_MANY_LINES,
	  .text = "reply longer than 1000 lines, cut" },
	{ .bit = REPLY_FAULT_NUL,
	  .text = "NUL byte in the reply text (RFC 5321 4.2 textstring)" },
	{ .bit = REPLY_FAULT_BARE_CR,
	  .text = "CR not followed by LF (RFC 5321 2.3.8)" },
	{ .bit = REPLY_FAULT_INCOMPLETE,
	  .text = "connection closed in the middle of a reply" },
};
#define REPLY_FAULT_TABLE_LEN \
	(sizeof(reply_fault_table) / sizeof(reply_fault_table[0]))

static int	 reply_line_add(struct reply_parser *, const char *, size_t);
static int	 reply_line_end(struct reply_parser *, const char *, size_t);
static int	 reply_raw_add(struct reply_parser *, const char *, size_t);
static int	 reply_line_code(const char *, size_t, size_t *, int *);
static int	 reply_emit(struct reply_parser *);
static void	 reply_line_reset(struct reply_parser *);

struct reply_parser *
reply_parser_new(void)
{
	return calloc(1, sizeof(struct reply_parser));
}

void
reply_parser_free(struct reply_parser *p)
{
	struct reply_block *b, *next;

	if (p == NULL)
		return;
	for (b = p->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(p->cur.lines);
	free(p->cur.raw);
	free(p->line);
	free(p);
}

/* A reply of the parser: one block (struct reply_block). */
void
reply_free(struct reply *r)
{
	free(r);
}

/*
 * Append octets to the current line, keeping at most REPLY_LINE_HARD_MAX
 * of them; the rest are counted as dropped.
 */
static int
reply_line_add(struct reply_parser *p, const char *s, size_t n)
{
	size_t keep, cap;
	char *nl;

	if (n == 0)
		return 0;
	p->linetotal += n;
	if (memchr(s, '\0', n) != NULL)
		p->linefaults |= REPLY_FAULT_NUL;
	keep = REPLY_LINE_HARD_MAX - p->linelen;
	if (keep > n)
		keep = n;
	if (keep < n) {
		p->linefaults |= REPLY_FAULT_TRUNCATED;
		p->discarded += n - keep;
	}
	if (keep == 0)
		return 0;
	if (p->linelen + keep > p->linecap) {
		cap = p->linecap ? p->linecap : 256;
		while (cap < p->linelen + keep)
			cap *= 2;
		if (cap > REPLY_LINE_HARD_MAX)
			cap = REPLY_LINE_HARD_MAX;
		if ((nl = realloc(p->line, cap)) == NULL)
			return -1;
		p->line = nl;
		p->linecap = cap;
	}
	memcpy(p->line + p->linelen, s, keep);
	p->linelen += keep;
	return 0;
}

static void
reply_line_reset(struct reply_parser *p)
{
	p->linelen = 0;
	p->linetotal = 0;
	p->linefaults = 0;
}

static int
reply_raw_add(struct reply_parser *p, const char *s, size_t n)
{
	struct reply *r = &p->cur;
	size_t cap;
	char *nr;

	if (r->rawlen + n + 1 > p->currawcap) {
		cap = p->currawcap ? p->currawcap : 256;
		while (cap < r->rawlen + n + 1)
			cap *= 2;
		if ((nr = realloc(r->raw, cap)) == NULL)
			return -1;
		r->raw = nr;
		p->currawcap = cap;
	}
	if (n > 0)
		memcpy(r->raw + r->rawlen, s, n);
	r->rawlen += n;
	r->raw[r->rawlen] = '\0';
	return 0;
}

/*
 * Look at the start of a line.  Returns its code (100..599), or 0 when it
 * has none (BAD_CODE; then *textoff is 0).  *textoff is where the text
 * begins; *final is 1 for "NNN " or a bare "NNN", 0 for "NNN-" and -1 for
 * a bad separator (which also ends a reply).  RFC 5321 4.2:
 * Reply-code "-" [ textstring ] / Reply-code [ SP textstring ].
 */
static int
reply_line_code(const char *s, size_t len, size_t *textoff, int *final)
{
	int code;

	if (len < 3 || s[0] < '1' || s[0] > '5' ||
	    s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') {
		*textoff = 0;
		*final = 0;
		return 0;
	}
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	if (len == 3) {
		/* RFC 5321 4.2: the code alone, without SP, is accepted */
		*textoff = 3;
		*final = 1;
	} else if (s[3] == ' ') {
		*textoff = 4;
		*final = 1;
	} else if (s[3] == '-') {
		*textoff = 4;
		*final = 0;
	} else {
		*textoff = 3;
		*final = -1;
	}
	return code;
}

/* Queue the current reply, copied into one block; the building buffers
 * stay for the next one. */
static int
reply_emit(struct reply_parser *p)
{
	const struct reply *c = &p->cur;
	struct reply_block *b;
	struct reply_line *l;
	size_t i, size, text = 0;
	char *t;

	for (i = 0; i < c->nlines; i++)
		text += c->lines[i].len + 1;
	size = sizeof(*b) + c->nlines * sizeof(b->lines[0]) + c->rawlen + 1 +
	    text;
	if ((b = malloc(size)) == NULL)
		return -1;
	b->r = *c;
	b->next = NULL;
	b->r.lines = b->lines;
	b->r.raw = (char *)(b->lines + c->nlines);
	if (c->rawlen > 0)
		memcpy(b->r.raw, c->raw, c->rawlen);
	b->r.raw[c->rawlen] = '\0';
	t = b->r.raw + c->rawlen + 1;
	for (i = 0; i < c->nlines; i++) {
		l = &b->lines[i];
		*l = c->lines[i];
		/* the text ends its raw line (the code and separator before) */
		memcpy(t, c->raw + l->rawoff + l->rawlen - l->len, l->len);
		t[l->len] = '\0';
		l->text = t;
		t += l->len + 1;
	}
	if (p->tail != NULL)
		p->tail->next = b;
	else
		p->head = b;
	p->tail = b;
	p->building = 0;
	p->cur.nlines = 0;
	p->cur.rawlen = 0;
	return 0;
}

/*
 * The current line is complete; term is its line end as received ("\r\n",
 * "\n", or "" at EOF).
 */
static int
reply_line_end(struct reply_parser *p, const char *term, size_t termlen)
{
	struct reply *r;
	struct reply_line *l, *nl;
	size_t textoff, cap;
	int code, final, start = 0;
	unsigned lf;

	code = reply_line_code(p->line, p->linelen, &textoff, &final);

	if (p->skipping) {
		/* dropping the tail of a reply cut at REPLY_LINES_MAX */
		p->discarded += p->linelen + termlen;
		if (code != 0 && final != 0)
			p->skipping = 0;
		reply_line_reset(p);
		return 0;
	}

	lf = p->linefaults;
	/* RFC 5321 4.5.3.1.5: 512 octets including CRLF */
	if (p->linetotal + 2 > REPLY_LINE_MAX)
		lf |= REPLY_FAULT_LONG_LINE;
	if (code == 0)
		lf |= REPLY_FAULT_BAD_CODE;
	else if (final < 0)
		lf |= REPLY_FAULT_BAD_SEPARATOR;

	r = &p->cur;
	if (!p->building) {
		p->building = 1;
		r->code = code;
		r->enhanced[0] = '\0';
		r->faults = 0;
		r->nlines = 0;
		r->rawlen = 0;
		start = 1;
	}
	if (!start && code != 0 && code != r->code)
		lf |= REPLY_FAULT_CODE_MISMATCH;

	if (r->nlines == p->curlinecap) {
		cap = p->curlinecap ? p->curlinecap * 2 : 4;
		/* cap stays small: at most 2 * REPLY_LINES_MAX */
		if ((nl = realloc(r->lines, cap * sizeof(*nl))) == NULL)
			return -1;
		r->lines = nl;
		p->curlinecap = cap;
	}
	l = &r->lines[r->nlines];
	l->len = p->linelen - textoff;
	l->text = NULL;		/* reply_emit() sets it */
	l->code = code;
	l->rawoff = r->rawlen;
	l->rawlen = p->linelen;

	/* p->line is NULL until the first octet of a line is kept */
	if ((p->linelen > 0 && reply_raw_add(p, p->line, p->linelen) == -1) ||
	    reply_raw_add(p, term, termlen) == -1)
		return -1;
	r->nlines++;
	r->faults |= lf;

	/* RFC 2034 4: the enhanced code starts the text of each line */
	if (start && code != 0)
		reply_parse_enhanced(p->line + textoff, l->len, r->enhanced);

	reply_line_reset(p);

	if (final != 0 || (start && code == 0))
		return reply_emit(p);
	if (r->nlines >= REPLY_LINES_MAX) {
		r->faults |= REPLY_FAULT_TOO_MANY_LINES;
		p->skipping = 1;
		return reply_emit(p);
	}
	return 0;
}

int
reply_feed(struct reply_parser *p, const char *buf, size_t len)
{
	size_t i, j;

	i = 0;
	while (i < len) {
		if (p->cr) {
			p->cr = 0;
			if (buf[i] == '\n') {
				i++;
				if (reply_line_end(p, "\r\n", 2) == -1)
					return -1;
				continue;
			}
			/* RFC 5321 2.3.8: a bare CR is not a line end */
			p->linefaults |= REPLY_FAULT_BARE_CR;
			if (reply_line_add(p, "\r", 1) == -1)
				return -1;
		}
		for (j = i; j < len && buf[j] != '\r' && buf[j] != '\n'; j++)
			;
		if (reply_line_add(p, buf + i, j - i) == -1)
			return -1;
		i = j;
		if (i == len)
			break;
		if (buf[i] == '\r') {
			p->cr = 1;
			i++;
		} else {
			/* RFC 5321 2.3.8: only CRLF ends a line; be lenient */
			i++;
			p->linefaults |= REPLY_FAULT_BARE_LF;
			if (reply_line_end(p, "\n", 1) == -1)
				return -1;
		}
	}
	return 0;
}

int
reply_parser_finish(struct reply_parser *p)
{
	int had_line;

	if (p->cr) {
		p->cr = 0;
		p->linefaults |= REPLY_FAULT_BARE_CR;
		if (reply_line_add(p, "\r", 1) == -1)
			return 0;
	}
	had_line = p->linetotal > 0;
	if (p->skipping) {
		p->discarded += p->linelen;
		p->skipping = 0;
		reply_line_reset(p);
		return 0;
	}
	if (had_line) {
		/* the line end never came: the reply cannot be complete */
		p->linefaults |= REPLY_FAULT_INCOMPLETE;
		if (reply_line_end(p, "", 0) == -1)
			return 0;
		p->skipping = 0;
		if (!p->building)
			return 1;
	}
	if (!p->building)
		return 0;
	p->cur.faults |= REPLY_FAULT_INCOMPLETE;
	if (reply_emit(p) == -1)
		return 0;
	return 1;
}

const char *
reply_line_raw(const struct reply *r, size_t i, size_t *len)
{
	*len = 0;
	if (r->raw == NULL || i >= r->nlines ||
	    r->lines[i].rawoff + r->lines[i].rawlen > r->rawlen)
		return NULL;
	*len = r->lines[i].rawlen;
	return r->raw + r->lines[i].rawoff;
}

struct reply *
reply_parser_next(struct reply_parser *p)
{
	struct reply_block *b;

	if ((b = p->head) == NULL)
		return NULL;
	p->head = b->next;
	if (p->head == NULL)
		p->tail = NULL;
	return &b->r;
}

size_t
reply_parser_pending(const struct reply_parser *p)
{
	return (p->building ? p->cur.rawlen : 0) + p->linelen +
	    (p->cr ? 1 : 0);
}

size_t
reply_parser_discarded(const struct reply_parser *p)
{
	return p->discarded;
}

/*
 * RFC 3463 2 / RFC 2034 4: status-code = class "." subject "." detail,
 * class = "2"/"4"/"5", subject and detail 1*3digit without leading zeros.
 * The code must be followed by SP, HTAB or the end of the text, so
 * "5.1.1000" and "2.0.0ok" are not codes.
 */
size_t
reply_parse_enhanced(const char *s, size_t len, char *out)
{
	size_t i, start, part;

	if (len < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
	    s[1] != '.')
		return 0;
	i = 2;
	for (part = 0; part < 2; part++) {
		start = i;
		while (i < len && i - start < 4 && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start || i - start > 3)
			return 0;
		if (s[start] == '0' && i - start > 1)
			return 0;	/* leading zero */
		if (part == 0) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
	}
	if (i < len && s[i] != ' ' && s[i] != '\t')
		return 0;
	/* at most "5.999.999" (9 characters) */
	memcpy(out, s, i);
	out[i] = '\0';
	return i;
}

void
reply_faults_describe(unsigned faults, char *buf, size_t size)
{
	size_t i, off = 0;
	unsigned known = 0;
	const char *text;
	int n;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i <= REPLY_FAULT_TABLE_LEN; i++) {
		if (i < REPLY_FAULT_TABLE_LEN) {
			known |= reply_fault_table[i].bit;
			if ((faults & reply_fault_table[i].bit) == 0)
				continue;
			text = reply_fault_table[i].text;
		} else {
			if ((faults & ~known) == 0)
				continue;
			text = "unknown fault";
		}
		n = snprintf(buf + off, size - off, "%s%s",
		    off > 0 ? "; " : "", text);
		if (n < 0 || (size_t)n >= size - off)
			return;		/* truncated, still terminated */
		off += (size_t)n;
	}
}
