/*
 * sanitize.h -- make bytes from a server safe to show on a terminal.
 *
 * Nothing a server sends may drive the terminal: C0 controls (except TAB),
 * DEL, C1 controls and invalid UTF-8 are rendered visibly, e.g. ESC as
 * "\x1b", and never written raw.  Valid UTF-8 (SMTPUTF8, RFC 6531) is kept.
 */
#ifndef SMTPSCOPE_SANITIZE_H
#define SMTPSCOPE_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

enum {
	SANITIZE_SHOW_CRLF = 1 << 0,	/* show CR and LF as "\r" and "\n" (raw view) */
	SANITIZE_ASCII     = 1 << 1,	/* escape every byte >= 0x80 too */
	SANITIZE_KEEP_BACKSLASH = 1 << 2, /* a backslash stays single: for text
					   of our own that quotes server bytes
					   (messages, notes), not for wire lines */
};

/* Returns a new NUL-terminated string (caller frees) or NULL when out of
 * memory. */
char *sanitize(const char *s, size_t len, int flags);

/* Same into a caller buffer; always NUL-terminates when size > 0; returns
 * the length the full result needs (like snprintf). */
size_t sanitize_buf(char *out, size_t size, const char *s, size_t len, int flags);

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 3, the table of
 * 4: shortest form, no surrogates, nothing above U+10FFFF), with its code
 * point in *cp when cp is not NULL; 0 when s does not start one. */
size_t sanitize_utf8(const unsigned char *s, size_t len, uint32_t *cp);

/* The offset of the first octet of s[0..len) that does not start a
 * well-formed UTF-8 sequence (ASCII counts as one), or len when all of it
 * is well formed. */
size_t sanitize_utf8_end(const char *s, size_t len);

/*
 * The character at s (len > 0): returns its length in octets, and in
 * *cols the columns a terminal gives it: wcwidth() of a well-formed UTF-8
 * character in the current locale (1 when wcwidth() does not know it),
 * 1 for ASCII and for an octet that starts no character.  The one
 * decoder for display widths (the caret under a checked command, the
 * split view's wrapping).
 */
size_t sanitize_char(const char *s, size_t len, int *cols);

/* Columns of s[0..len), character by character as sanitize_char(). */
size_t sanitize_cols(const char *s, size_t len);

/* The narrowest width sanitize_shorten() works to, and its cut mark. */
#define SANITIZE_SHORTEN_MIN	24
#define SANITIZE_ELLIPSIS	"..."

/*
 * The one way a long line is shown shortened (a checked command, a lint
 * argument, a quoted file or server line): s[0..len) as sanitize() shows
 * it (flags as there), in at most width display columns (less than
 * SANITIZE_SHORTEN_MIN counts as SANITIZE_SHORTEN_MIN; SIZE_MAX: never
 * cut).  When the whole line is wider, the part around the octets
 * [at, at + span) is kept, cut between characters (never inside an
 * escape or a UTF-8 sequence), and each cut is marked with
 * SANITIZE_ELLIPSIS.  at may be len (the end of the line); span 0 counts
 * as 1.
 *
 * *col gets the display column where the octet at starts in the result
 * (where a caret goes), *cols the columns of the span there (at least 1,
 * and cut like the text when the span is wider than what is shown).
 * Returns a new string (the caller frees), or NULL when out of memory.
 */
char *sanitize_shorten(const char *s, size_t len, size_t at, size_t span,
    size_t width, int flags, size_t *col, size_t *cols);

#endif
