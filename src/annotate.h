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
	ANNOTATE_SHORT = 1 << 0,	/* one line: code + meaning in context */
	ANNOTATE_NO_RFC = 1 << 1,	/* leave the RFC references out */
};

/*
 * Explanation of reply r.  command is the line the reply answers (NULL for
 * a greeting or unsolicited reply).  Returns a new string (caller frees):
 * lines separated by '\n', no trailing newline.  The first line is always
 * a self-contained summary ("250 after MAIL: sender accepted ..."); the
 * following lines give the enhanced code, what to do next and the RFC
 * sections.  NULL only when out of memory.
 */
char *annotate_reply(const struct reply *r, const char *command,
    enum annotate_ctx ctx, int flags);

/* Explanation of a code alone (smtpscope explain, :explain): code is a
 * basic code (0 = none), esc an enhanced code or NULL.  Returns NULL and
 * fills err when neither is known or well formed. */
char *annotate_code(int code, const char *esc, char *err, size_t errlen);

#endif
