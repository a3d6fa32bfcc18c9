/*
 * reply.h -- incremental SMTP reply parser.
 *
 * Bytes from the server go in, in any split (one byte at a time works);
 * complete replies come out.  The parser never prints and never fails
 * hard: everything odd about a reply is recorded as a fault bit and the
 * reply is still delivered, so the user sees exactly what the server sent.
 *
 * RFC 5321 4.2:  Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *                             Reply-code [ SP textstring ] CRLF
 * RFC 2034 / RFC 3463: an enhanced status code "class.subject.detail"
 * may start the text of each line.
 */
#ifndef SMTPSCOPE_REPLY_H
#define SMTPSCOPE_REPLY_H

#include <stddef.h>

/* RFC 5321 4.5.3.1.5: a reply line is at most 512 octets including CRLF. */
#define REPLY_LINE_MAX		512
/* Hard caps: a longer line is cut (and flagged), a longer reply is cut. */
#define REPLY_LINE_HARD_MAX	(64 * 1024)
#define REPLY_LINES_MAX		1000

/* Fault bits: what was wrong with a reply.  Several may be set. */
enum reply_fault {
	REPLY_FAULT_LONG_LINE     = 1 << 0, /* a line over 512 octets */
	REPLY_FAULT_TRUNCATED     = 1 << 1, /* a line over 64 KiB was cut */
	REPLY_FAULT_BARE_LF       = 1 << 2, /* line ended by LF without CR */
	REPLY_FAULT_CODE_MISMATCH = 1 << 3, /* line code differs from first */
	REPLY_FAULT_BAD_CODE      = 1 << 4, /* line does not start with 3 digits */
	REPLY_FAULT_BAD_SEPARATOR = 1 << 5, /* code not followed by SP, '-' or CRLF */
	REPLY_FAULT_TOO_MANY_LINES = 1 << 6, /* over 1000 lines: reply cut */
	REPLY_FAULT_NUL           = 1 << 7, /* a NUL byte in the text */
	REPLY_FAULT_BARE_CR       = 1 << 8, /* a CR not followed by LF */
	REPLY_FAULT_INCOMPLETE    = 1 << 9, /* connection closed mid-reply (reply_parser_finish) */
};
#define REPLY_FAULT_COUNT 10

struct reply_line {
	char	*text;		/* text after "NNN-"/"NNN ", NUL-terminated, no CRLF;
				   may hold other NULs (see len) */
	size_t	 len;		/* length of text */
	int	 code;		/* this line's own code, 0 if not 3 digits */
	size_t	 rawoff;	/* the whole line as received: in reply.raw */
	size_t	 rawlen;	/* from rawoff, without its line end */
};

struct reply {
	int		 code;		/* 100..599 as sent; 0 when the first line had no valid code */
	char		 enhanced[12];	/* "5.1.1" from the first line, or "" */
	size_t		 nlines;
	struct reply_line *lines;
	char		*raw;		/* exact bytes received, CRLFs included */
	size_t		 rawlen;
	unsigned	 faults;	/* enum reply_fault bits */
};

struct reply_parser;

/* New parser; NULL only when out of memory. */
struct reply_parser *reply_parser_new(void);
void reply_parser_free(struct reply_parser *);

/* Feed len bytes (any split).  Completed replies queue up inside the
 * parser; take them with reply_parser_next().  Returns 0, or -1 when out
 * of memory. */
int reply_feed(struct reply_parser *, const char *buf, size_t len);

/* Call at EOF: a partial reply (if any) is completed and flagged
 * REPLY_FAULT_INCOMPLETE.  Returns 1 when a reply was queued, else 0. */
int reply_parser_finish(struct reply_parser *);

/* Next completed reply, in order, or NULL.  The caller owns it. */
struct reply *reply_parser_next(struct reply_parser *);

/* Bytes held for a reply not yet complete (0 when idle between replies). */
size_t reply_parser_pending(const struct reply_parser *);

/* Octets dropped so far and not found in any reply's raw: the tails of
 * lines cut at REPLY_LINE_HARD_MAX, and the lines of a reply after it was
 * cut at REPLY_LINES_MAX (those are skipped up to and including the
 * reply's final line).  With no drops, the raw lengths of all replies add
 * up to the octets fed. */
size_t reply_parser_discarded(const struct reply_parser *);

void reply_free(struct reply *);

/* Line i of r exactly as received, code and separator included, without
 * its line end (the kept part of a line cut at REPLY_LINE_HARD_MAX): a
 * pointer into r->raw, its length in *len.  NULL when r holds no raw
 * bytes (a reply built by hand) or no line i. */
const char *reply_line_raw(const struct reply *r, size_t i, size_t *len);

/* Parse "X.Y.Z" at the start of s (class 2, 4 or 5; subject and detail
 * 0..999).  On success copies it to out (size >= 12) and returns the
 * number of characters it took; else returns 0. */
size_t reply_parse_enhanced(const char *s, size_t len, char *out);

/* Writes "; "-separated descriptions of all fault bits into buf. */
void reply_faults_describe(unsigned faults, char *buf, size_t size);

#endif
