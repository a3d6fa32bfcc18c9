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

#endif
