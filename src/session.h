/*
 * session.h -- where the dialogue stands.
 *
 * Pure protocol bookkeeping, no I/O: what state the SMTP dialogue is in,
 * what the server advertised after EHLO, and the queue of commands sent
 * but not yet answered (RFC 2920 PIPELINING), so that each reply is paired
 * with the command it answers.  Each kind of command has one reply
 * handler that sets the next state and its side effects; the prediction
 * of where pending commands leave the session runs the same handlers.
 * State changes only in session_set_state(), which reports each change.
 */
#ifndef SMTPSCOPE_SESSION_H
#define SMTPSCOPE_SESSION_H

#include <stddef.h>
#include "annotate.h"
#include "caps.h"
#include "reply.h"
#include "state.h"
#include "verbs.h"

struct session;

/* now_ms: the connection time (latency of the greeting is measured from
 * it).  The greeting is the first reply awaited.  NULL when out of memory. */
struct session *session_new(double now_ms);
void session_free(struct session *);

/* Told of every state change, old -> new (never old == new). */
typedef void (*session_report_fn)(void *arg, enum state from, enum state to);
void session_set_report(struct session *, session_report_fn, void *arg);

enum state session_state(const struct session *);
const char *session_state_name(enum state);
/* The only way to change state; reports the change when there is one. */
void session_set_state(struct session *, enum state);

const struct caps *session_caps(const struct session *);
int session_tls(const struct session *);	/* TLS is up */
void session_set_tls(struct session *, int on);	/* also forgets caps (RFC 3207 4.2) */
int session_authenticated(const struct session *);
/* 1 when the dialogue is LMTP (RFC 2033): set by session_set_lmtp()
 * (--lmtp) before the greeting, then by the server's acceptance of LHLO
 * (on) or of EHLO or HELO (off).  LHLO is then offered instead of EHLO
 * and HELO, and the end of data gets one reply per recipient. */
int session_lmtp(const struct session *);
void session_set_lmtp(struct session *, int on);
size_t session_recipients(const struct session *);	/* accepted RCPTs */

/* 1 after a BDAT was refused, until RSET (or EHLO/HELO) is accepted:
 * RFC 3030 2, "the resulting state from a failed BDAT command is
 * indeterminate". */
int session_indeterminate(const struct session *);

/*
 * Record a line sent to the server.  kind is ANNOTATE_COMMAND for a command,
 * ANNOTATE_DATA_END for the "." ending a body, ANNOTATE_BDAT for a BDAT
 * chunk, ANNOTATE_AUTH_STEP for a SASL response.  Body lines (no reply
 * expected) are not recorded here.  The line is read once, here: its verb
 * and what the reply handler needs (BDAT LAST, an AUTH initial response,
 * BODY=BINARYMIME) are kept with it; the text is kept for display only.
 * Returns 0, or -1 when out of memory: nothing was queued, and the caller
 * must not go on (the next reply would be paired with the wrong command).
 */
int session_on_send(struct session *, const char *line, enum annotate_ctx kind,
    double sent_ms);

/* Number of replies still awaited: lines sent, and the greeting. */
size_t session_pending(const struct session *);
/* When the oldest line still awaiting its reply was sent (the sent_ms
 * given to session_on_send(); the greeting: session_new()'s now_ms), or
 * -1 when no reply is awaited. */
double session_oldest_sent_ms(const struct session *);

/* What a reply answered, from session_on_reply(). */
struct session_answer {
	const char		*command;	/* the line (NULL for the greeting
						   or an unsolicited reply); for a
						   SASL response the exchange's
						   "AUTH MECH", never the response;
						   valid until the next
						   session_on_reply() */
	enum verb_id		 verb;		/* its verb, VERB_UNKNOWN if none */
	enum annotate_ctx	 ctx;
	double			 sent_ms;	/* given to session_on_send(), or
						   to session_new() */
	/* LMTP (RFC 2033 4.2): after the end of data (or BDAT LAST) the
	 * server replies once per recipient accepted, in the order of the
	 * RCPT commands.  For such a reply rcpt_index (from 1) and
	 * rcpt_count say which, and rcpt is that recipient's mailbox (NULL
	 * when unknown; valid until the next session_on_reply()).  Zero
	 * for every other reply. */
	const char		*rcpt;
	size_t			 rcpt_index, rcpt_count;
	/* Lines sent after this one that still await their replies (RFC
	 * 2920 3.1: a pipelined group): the reply does not answer the line
	 * sent last. */
	size_t			 later;
};

/*
 * Pair reply r with the oldest pending line (RFC 2920 3.1: replies come
 * in order) and run that line's reply handler: the state moves the way the
 * RFC says (a 5xx RCPT adds no recipient, RSET clears the transaction, 354
 * enters DATA, 250 to EHLO records capabilities ...).  In LMTP the end of
 * data stays the oldest pending line until its last per-recipient reply,
 * which alone runs the handler.  Fills *a.
 */
void session_on_reply(struct session *, const struct reply *r,
    struct session_answer *a);

/* The words that pair an LMTP reply with its recipient (the fields of
 * struct session_answer): "for <b@example.org>, recipient 2 of 3 (RFC
 * 2033 4.2)"; rcpt NULL: "for recipient 2 of 3 ...".  Into buf; the
 * mailbox is the client's text, to pass through sanitize() to show. */
void session_rcpt_label(const char *rcpt, size_t index, size_t count,
    char *buf, size_t size);

/* The verb of the line sent last that still awaits its reply,
 * VERB_UNKNOWN when none does (or it is not a command). */
enum verb_id session_last_pending_verb(const struct session *);

/* 1 while the line sent last awaits a 334 challenge, so that the next
 * line typed is a SASL response, not a command (RFC 4954 4): an AUTH
 * without an initial response, or a response other than "*". */
int session_awaiting_challenge(const struct session *);

/* Connection lost. */
void session_on_close(struct session *);

/*
 * Warnings about sending line now (order, RFC 5321 4.1.4; STARTTLS not
 * advertised; second STARTTLS; AUTH not offered; a transaction left
 * indeterminate by a failed BDAT ...), each with the reply to expect.
 * Writes at most max one-line messages (each to be freed by the caller)
 * into out; returns how many.
 */
size_t session_check_order(const struct session *, const char *line,
    char **out, size_t max);

/* 1 when verb v is valid next: allowed in the state the pending
 * commands lead to, of this protocol (SMTP or LMTP), advertised in the
 * EHLO reply when it belongs to an extension (none before it), not
 * obsolete; none while a body or a SASL response is typed. */
int session_verb_next(const struct session *, const struct verb_info *v);

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

/* For tests: with on set, session_on_send() fails as when out of memory. */
void session_fail_alloc_for_test(struct session *, int on);

#endif
