/*
 * annotate.h -- turn a reply, the command it answers and the session's
 * context into the explanation both front ends show.
 */
#ifndef SMTPSCOPE_ANNOTATE_H
#define SMTPSCOPE_ANNOTATE_H

#include "reply.h"

/* What a reply answers. */
enum annotate_ctx {
	ANNOTATE_GREETING,	/* the connection greeting (220 / 554) */
	ANNOTATE_COMMAND,	/* a command line (see command) */
	ANNOTATE_DATA_END,	/* the end of a DATA body ("." line) */
	ANNOTATE_BDAT,		/* a BDAT chunk (command is the BDAT line) */
	ANNOTATE_AUTH_STEP,	/* a line answering a 334 challenge */
	ANNOTATE_UNSOLICITED,	/* nothing was pending: e.g. 421 on its own */
};

enum {
	ANNOTATE_SHORT = 1 << 0,	/* one line: code + meaning in context
					   (a 334 adds its decoded challenge
					   and what the step does) */
	ANNOTATE_NO_RFC = 1 << 1,	/* leave the RFC references out */
	ANNOTATE_NO_WRAP = 1 << 2,	/* one line per item, for front ends
					   that wrap to their own width */
	ANNOTATE_LEARN = 1 << 3,	/* --learn: a "why:" line after the
					   summary (with ANNOTATE_SHORT too) */
};

/*
 * Explanation of reply r.  command is the line the reply answers (NULL for
 * a greeting or unsolicited reply).  Returns a new string (caller frees):
 * lines separated by '\n', no trailing newline.  The first line is always
 * a self-contained summary ("250 after MAIL FROM: sender accepted (RFC
 * ...)"); the following lines give the code, the enhanced code (read by
 * its class: 2.x.x success, 4.x.x temporary, 5.x.x permanent), what to do
 * next (the advice for this command in this context, e.g. after the end
 * of data, before the code's general action) and the RFC sections.  Lines are wrapped near 96 columns, continuation lines
 * indented by four spaces (not with ANNOTATE_NO_WRAP); with ANNOTATE_SHORT the result is the summary
 * and the next step, on one line, unwrapped (for a 334, followed by its
 * decoded challenge and the words for that SASL step, a line each; with
 * ANNOTATE_LEARN the "why:" line comes right after the summary).  Text from the server (EHLO keywords,
 * decoded AUTH challenges) is passed through sanitize().  NULL only when
 * out of memory.
 */
char *annotate_reply(const struct reply *r, const char *command,
    enum annotate_ctx ctx, int flags);

/*
 * What a program reads of the explanation of reply r (JSON Lines): the
 * summary without its next step or RFC sections ("250 after MAIL FROM:
 * sender accepted"), the next step ("" when there is none), and each RFC
 * section the whole explanation cites, one a string ("RFC 5321 4.1.1.2",
 * "RFC 3463 3.2"; at most ANNOTATE_RFC_MAX).  Returns 0, or -1 when out
 * of memory.
 */
#define ANNOTATE_RFC_MAX	16
struct annotate_parts {
	char	 summary[512];
	char	 next[512];
	char	 rfc[ANNOTATE_RFC_MAX][48];
	size_t	 nrfc;
};
int annotate_reply_parts(const struct reply *r, const char *command,
    enum annotate_ctx ctx, struct annotate_parts *out);

/* Explanation of a code alone (smtpscope explain, :explain): code is a
 * basic code (0 = none), esc an enhanced code or NULL; flags 0 or
 * ANNOTATE_NO_WRAP.  Returns NULL and fills err when neither is known or
 * well formed. */
char *annotate_code(int code, const char *esc, int flags, char *err,
    size_t errlen);

/*
 * Parse what a user asks to have explained (`smtpscope explain ARGS`,
 * `:explain ARGS`): a basic code ("550"), an enhanced code ("5.7.1" or
 * "X.7.1"), both ("550 5.1.1"), or a whole reply line ("550-5.1.1 User
 * unknown"; text after the codes is ignored).  Sets *code (0 when absent)
 * and esc (size >= 12; "" when absent).  Returns 0, or -1 with one
 * sentence in err when s holds no code or a malformed one.  It does not
 * check that the codes are registered: annotate_code() does.
 */
int annotate_parse_query(const char *s, int *code, char *esc, char *err,
    size_t errlen);

/* The words for a context key of the knowledge base (a verb or one of
 * codes.h's CODES_CTX_*): in a sentence ("MAIL FROM" in "250 after MAIL
 * FROM", "greeting"), or with heading set as a table heading
 * ("(greeting)", "MAIL"). */
const char *annotate_ctx_label(const char *key, int heading);

/* annotate_parse_query() then annotate_code(): the whole of `:explain`.
 * Returns a new string (caller frees) or NULL with err filled. */
char *annotate_query(const char *s, int flags, char *err, size_t errlen);

#endif
