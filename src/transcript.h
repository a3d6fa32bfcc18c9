/*
 * transcript.h -- write a session file (docs/session-format.md) as the
 * session goes, one event a line, flushed after every event so that a
 * crash or a dropped connection loses nothing.  Secrets (the argument of
 * AUTH, every line answering a 334) are masked unless show_secrets.
 */
#ifndef SMTPSCOPE_TRANSCRIPT_H
#define SMTPSCOPE_TRANSCRIPT_H

#include <stdio.h>
#include "annotate.h"
#include "reply.h"

struct transcript;

/* Open path for writing (truncating) and write the header naming server
 * ("host:port").  NULL with err set on failure. */
struct transcript *transcript_open(const char *path, const char *server,
    int show_secrets, int latency_comments, char *err, size_t errlen);
/* Same on an open stream (not closed by transcript_close when own=0). */
struct transcript *transcript_fopen(FILE *, int own, const char *server,
    int show_secrets, int latency_comments);
void transcript_close(struct transcript *);

/* C: a command line, kind as in session_on_send() (AUTH_STEP is masked). */
int transcript_command(struct transcript *, const char *line, enum annotate_ctx kind);
/* D: one body line as typed (unstuffed); "." ends the body. */
int transcript_body(struct transcript *, const char *line);
/* S: every line of the reply, then "# +12.3ms" when latency comments are on. */
int transcript_reply(struct transcript *, const struct reply *, double ms);
/* T: starttls|tls SUMMARY */
int transcript_tls(struct transcript *, const char *what, const char *summary);
/* # text */
int transcript_comment(struct transcript *, const char *text);

/* 0 while every write succeeded, else the errno of the first failure
 * (events after it are dropped: the file ends at the last good event). */
int transcript_error(const struct transcript *);

/*
 * The one mask of an AUTH command line: "AUTH PLAIN ********" into buf
 * (size 0: nothing written), and 1, when line carries an initial
 * response (the verb AUTH, in any case, after any white space, then a
 * mechanism and more); else line as it is into buf, and 0.
 */
int transcript_mask_auth(const char *line, char *buf, size_t size);

#endif
