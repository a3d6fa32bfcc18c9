/*
 * session.h -- where the dialogue stands.
 *
 * Pure protocol bookkeeping, no I/O: what state the SMTP dialogue is in,
 * what the server advertised after EHLO, and the queue of commands sent
 * but not yet answered (RFC 2920 PIPELINING), so that each reply is paired
 * with the command it answers.  State changes only in session_set_state().
 */
#ifndef SMTPSCOPE_SESSION_H
#define SMTPSCOPE_SESSION_H

#include <stddef.h>
#include "annotate.h"
#include "caps.h"
#include "reply.h"
#include "state.h"

struct session;

/* now_ms: the connection time (latency of the greeting is measured from it). */
struct session *session_new(double now_ms);
void session_free(struct session *);

enum state session_state(const struct session *);
const char *session_state_name(enum state);
/* The only way to change state. */
void session_set_state(struct session *, enum state);

const struct caps *session_caps(const struct session *);
int session_tls(const struct session *);	/* TLS is up */
void session_set_tls(struct session *, int on);	/* also forgets caps (RFC 3207 4.2) */
int session_authenticated(const struct session *);
size_t session_recipients(const struct session *);	/* accepted RCPTs */

/*
 * Record a line sent to the server.  kind is ANNOTATE_COMMAND for a command,
 * ANNOTATE_DATA_END for the "." ending a body, ANNOTATE_BDAT for a BDAT
 * chunk, ANNOTATE_AUTH_STEP for a SASL response.  Body lines (no reply
 * expected) are not recorded here.
 */
void session_on_send(struct session *, const char *line, enum annotate_ctx kind,
    double sent_ms);

/* Number of sent lines still awaiting a reply. */
size_t session_pending(const struct session *);

/*
 * Pair reply r with the oldest pending line and update the state the way
 * the RFC says (a 5xx RCPT adds no recipient, RSET clears the transaction,
 * 354 enters DATA, 250 to EHLO records capabilities ...).  *command gets
 * the line it answers (valid until the next call; NULL for a greeting or
 * unsolicited reply), *ctx its kind and *sent_ms the time given to
 * session_on_send() (or to session_new() for the greeting).
 */
void session_on_reply(struct session *, const struct reply *r,
    const char **command, enum annotate_ctx *ctx, double *sent_ms);

/* The line sent last that still awaits its reply, or NULL when none
 * does.  Valid until the next session_on_send() or session_on_reply(). */
const char *session_last_pending(const struct session *);

/* 1 while the line sent last awaits a 334 challenge, so that the next
 * line typed is a SASL response, not a command (RFC 4954 4): an AUTH
 * without an initial response, or a response other than "*". */
int session_awaiting_challenge(const struct session *);

/* Connection lost. */
void session_on_close(struct session *);

/*
 * Warnings about sending line now (order, RFC 5321 4.1.4; STARTTLS not
 * advertised; second STARTTLS ...).  Writes at most max one-line messages
 * (each to be freed by the caller) into out; returns how many.
 */
size_t session_check_order(const struct session *, const char *line,
    char **out, size_t max);

/* Verbs valid now, space-separated, into buf (e.g. "MAIL RSET NOOP QUIT").
 * Pending commands count as if they will succeed. */
void session_next_verbs(const struct session *, char *buf, size_t size);

/* The state the session will be in once every pending command succeeds
 * (what the user types next is checked against it, RFC 2920). */
enum state session_expected_state(const struct session *);

/* 1 when the line just sent may be followed at once by the next one:
 * the server advertised PIPELINING and the line's verb does not end a
 * group (RFC 2920 3.1: EHLO, DATA, VRFY, EXPN, TURN, QUIT, NOOP; also
 * STARTTLS and AUTH, which change the session). */
int session_can_pipeline(const struct session *, const char *line);

/* 1 when the accepted MAIL of the current transaction said
 * BODY=BINARYMIME: the message goes by BDAT as it is (RFC 3030 3). */
int session_binarymime(const struct session *);

/* 1 while lines typed are message body: 354 read and the "." not yet
 * sent.  Once the "." is on its way the next line is a command again
 * (RFC 2920 3.1 lets it follow without waiting). */
int session_in_body(const struct session *);
/* 1 while lines typed answer a 334 challenge (none sent since it came). */
int session_in_sasl(const struct session *);

/* The argument of the last EHLO/HELO sent, "" if none. */
const char *session_helo_name(const struct session *);

#endif
