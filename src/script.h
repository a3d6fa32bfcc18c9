/*
 * script.h -- read a session file (docs/session-format.md) back, one
 * event at a time, so that nothing is held whole.
 *
 * A script is read in two streaming passes: script_validate() reads the
 * whole file once, checking every line and gathering what the driver
 * needs to know before it connects (server, implicit TLS, masked secrets,
 * where the repeatable transaction lies); then script_rewind() and
 * script_next() give the events in order.  script_tell()/script_seek()
 * let the driver go back to a remembered event (--repeat).
 */
#ifndef SMTPSCOPE_SCRIPT_H
#define SMTPSCOPE_SCRIPT_H

#include <stddef.h>
#include <stdio.h>

/* The version this reader understands: "# smtpscope session 1". */
#define SCRIPT_VERSION		1
/* The longest line accepted, escapes included. */
#define SCRIPT_LINE_MAX		(64 * 1024)
/* The longest scenario name "# practice NAME" carries, NUL included. */
#define SCRIPT_PRACTICE_MAX	32
/* The mask written in place of a secret. */
#define SCRIPT_MASK		"********"

enum script_tag {
	SCRIPT_SERVER = 'S',	/* S: one line of an expected reply */
	SCRIPT_CLIENT = 'C',	/* C: a command line to send */
	SCRIPT_DATA = 'D',	/* D: a body line as typed ("." ends the body) */
	SCRIPT_TLS = 'T',	/* T: starttls|tls SUMMARY */
};

struct script_event {
	enum script_tag	 tag;
	char		*text;		/* unescaped, NUL-terminated; an S: line
					   may hold NULs (see len).  Owned by
					   the script, valid until the next call */
	size_t		 len;
	unsigned long	 line;		/* line number in the file, from 1 */
	long		 offset;	/* byte offset of that line */
	/* S: lines only (from the text) */
	char		 code[4];	/* "250", "2xx", "25x" */
	char		 sep;		/* '-' more lines follow, ' ' or 0 last */
	char		 enhanced[12];	/* "2.1.0" or "" */
	/* T: lines only: 1 for "starttls", 0 for "tls" (implicit) */
	int		 starttls;
};

/* What a validating pass learned about the whole file. */
struct script_info {
	char		 server[300];	/* "# server HOST:PORT" or "" */
	/* "# practice NAME": recorded against the built-in practice server
	 * with scenario NAME (its port is of no use), or "" */
	char		 practice[SCRIPT_PRACTICE_MAX];
	int		 implicit_tls;	/* "T: tls" before any C: line */
	unsigned long	 events;	/* C:, D:, S:, T: lines */
	unsigned long	 expectations;	/* replies expected (S: groups) */
	unsigned long	 secrets;	/* masked secrets */
	/* The repeatable part (--repeat): from the group holding the first
	 * MAIL up to the group holding the QUIT after it (or EOF).  line 0
	 * when the file has no MAIL. */
	unsigned long	 repeat_line, repeat_end_line;
	long		 repeat_offset, repeat_end_offset;	/* -1: EOF */
	unsigned long	 repeat_secret;	/* secrets seen before repeat_line */
	int		 repeat_ok;	/* MAIL and QUIT each start a group */
};

struct script;

/* Open path for reading.  NULL with err set on failure. */
struct script *script_open(const char *path, char *err, size_t errlen);
/* Read from an open, seekable stream; name is used in messages.  The
 * stream is closed by script_close() only when own is 1. */
struct script *script_fopen(FILE *, int own, const char *name);
void script_close(struct script *);
const char *script_name(const struct script *);

/*
 * Next event, skipping comments and blank lines.  Returns 1 with *ev
 * filled, 0 at end of file, -1 on a malformed line with err set to
 * "file:line: what is wrong".
 */
int script_next(struct script *, struct script_event *ev, char *err,
    size_t errlen);

/*
 * Read the whole file from where it stands (normally the start), check
 * every line and the order of events, fill *info.  Returns 0 or -1 with
 * err set to "file:line: what is wrong".  Masked secrets are checked
 * against the environment (script_secret()).  Rewind afterwards.
 */
int script_validate(struct script *, struct script_info *info, char *err,
    size_t errlen);

/* Back to the start of the file.  0 or -1. */
int script_rewind(struct script *);
/* Position of the next line to read / go back there.  0 or -1. */
void script_tell(const struct script *, long *offset, unsigned long *line);
int script_seek(struct script *, long offset, unsigned long line);

/*
 * The value for the n-th masked secret (from 1): the environment variable
 * SMTPSCOPE_SECRET_n, else SMTPSCOPE_SECRET; NULL when neither is set.
 */
const char *script_secret(unsigned long n);
/* 1 when a C: line holds a masked secret: the whole line is the mask, or
 * it is an AUTH command whose initial response (script_auth_response())
 * is the mask, as transcript_mask_auth() writes it. */
int script_is_masked(const char *line);

/*
 * RFC 4954 4: "AUTH" SP mechanism [SP initial-response].  The offset of
 * the initial response in line, and in *mech_end where the mechanism
 * ends; 0 when line is no AUTH command with one.  White space (a TAB
 * too) before the verb and between the words separates them: the writer
 * masks (transcript_mask_auth()) and the reader finds the mask by this
 * one rule, whatever the spacing.
 */
size_t script_auth_response(const char *line, size_t *mech_end);

/*
 * Undo the escapes of docs/session-format.md ("\\" and "\xHH") in place.
 * Returns the new length, or -1 with err set to what is wrong.
 */
long script_unescape(char *s, size_t len, char *err, size_t errlen);

/*
 * Parse the status part of an S: line: a code or pattern of three
 * characters (first 1-5, then digits or 'x'), then '-', ' ' or the end,
 * then an optional enhanced status code.  Returns 0 or -1 with err set.
 */
int script_parse_status(const char *text, size_t len, char code[4],
    char *sep, char enhanced[12], char *err, size_t errlen);

/* 1 when reply code matches pattern ("250", "2xx", "25x"), else 0. */
int script_code_match(const char *pattern, int code);

#endif
