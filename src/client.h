/*
 * client.h -- the SMTP client engine shared by every front end.
 *
 * It owns the connection, the reply parser, the session state and the
 * transcript, and reports everything to the front end through callbacks:
 * the plain console, the ncurses console and replay are three drivers of
 * this one engine.  It never prints.
 */
#ifndef SMTPSCOPE_CLIENT_H
#define SMTPSCOPE_CLIENT_H

#include <stddef.h>
#include "annotate.h"
#include "auth.h"
#include "exitcode.h"
#include "net.h"
#include "proxy.h"
#include "reply.h"
#include "session.h"
#include "tls.h"

struct client_opts {
	const char	*host;		/* NULL with unix_path */
	const char	*port;
	const char	*unix_path;	/* unix:PATH: a Unix socket, or NULL */
	int		 lmtp;		/* --lmtp, lmtp://, unix:: the dialogue
					   is LMTP (RFC 2033): LHLO, and one
					   reply per recipient after the data */
	struct proxy_opts proxy;	/* --socks5, --proxy-protocol (TCP
					   only); its password is wiped by
					   client_free() */
	int		 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	int		 timeout_s;	/* connect and read timeout */
	int		 tls;		/* implicit TLS (port 465) */
	int		 starttls;	/* STARTTLS right after the first EHLO,
					   and nothing in clear before TLS
					   but EHLO, HELO, NOOP, RSET and QUIT
					   (see client_send()) */
	const char	*ehlo;		/* --ehlo NAME: the name of the EHLO
					   the engine sends by itself; NULL:
					   client_ehlo_name()'s default */
	struct tls_opts	 tlsopt;	/* CAs, --insecure, the name to verify
					   and send as SNI (--tls-name, the
					   MX name; NULL: host), client
					   certificate, limits, DANE records */
	int		 tls_details;	/* after each handshake, show the
					   details too (-v), not only the
					   summary */
	int		 show_certs;	/* ... and the PEM chain */
	const char	*record;	/* --record FILE, or NULL */
	int		 show_secrets;
	int		 latency_comments;	/* "# +12.3ms" in transcripts */
	int		 session_log;	/* keep the session for :save (consoles) */
	/* The scenario of the built-in practice server this connects to
	 * ("normal"), or NULL: recordings then say "# practice NAME", so
	 * that replay starts a practice server of its own. */
	const char	*practice;
	int		 state_comments;	/* "# state a -> b" in transcripts
					   (--verbose) */
	struct auth_opts auth;		/* --auth MECH (auth.mech NULL: none),
					   run after the first EHLO accepted
					   (after STARTTLS with --starttls);
					   --auth-user also names the user of
					   :auth */
	const char	*auth_password_file;	/* --auth-password-file */
};

/* How many states client_state_trail() keeps. */
#define CLIENT_TRAIL_MAX	8

/* Kinds of line the client sends, as reported to the front end. */
enum client_line {
	CLIENT_LINE_COMMAND,	/* C: */
	CLIENT_LINE_BODY,	/* D: a body line as it went on the wire,
				   without CRLF: a leading dot doubled (RFC
				   5321 4.5.2); "." is the end of the body */
	CLIENT_LINE_SECRET,	/* C: a SASL response (shown masked) */
};

/* Kinds of message the client or the console hands to the front end. */
enum client_msg {
	CLIENT_MSG_INFO,	/* neutral: TLS summary, connection notes */
	CLIENT_MSG_HELP,	/* help text, explanations asked for */
	CLIENT_MSG_WARNING,	/* order or syntax warnings */
	CLIENT_MSG_ERROR,	/* one-line errors */
	CLIENT_MSG_DIAG,	/* a syntax diagnostic: text holds 3 lines
				   (the command, the caret, the message) */
};

struct client_ops {
	/* A line was sent. */
	void	(*sent)(void *arg, const char *line, enum client_line kind);
	/* A reply arrived; command is the line it answers (or NULL), ms the
	 * time since that line was sent (or since connect). */
	void	(*reply)(void *arg, const struct reply *r, const char *command,
		    enum annotate_ctx ctx, double ms);
	/* Anything else to show; text may hold several lines. */
	void	(*message)(void *arg, enum client_msg kind, const char *text);
	/* The session state, TLS or capabilities changed. */
	void	(*state)(void *arg);
};

struct client;

struct client *client_new(const struct client_opts *,
    const struct client_ops *, void *arg);

/* Hand the client to another driver (replay --interactive gives its live
 * session to the console): later events go to ops with arg. */
void client_set_ops(struct client *, const struct client_ops *, void *arg);
void client_free(struct client *);

/* Connect (and do implicit TLS).  Returns 0, or a negative enum net_error
 * after reporting one error line through ops->message. */
int client_connect(struct client *);

/* The socket to poll for reading; -1 when not connected. */
int client_fd(const struct client *);
/* 1 when decrypted bytes wait inside TLS (poll would not wake up). */
int client_has_buffered(const struct client *);

/* Call when client_fd() is readable: reads what is there and dispatches
 * every complete reply.  Returns 0, or -1 when the connection is gone
 * (reported through ops->message and ops->state). */
int client_on_readable(struct client *);

/*
 * Send one line as the user typed it (no CRLF).  In body mode (after a
 * 354) it is a body line: dot-stuffed, and "." ends the body.  After a
 * 334 it is a SASL response.  Returns 0 or -1 (reported).  With
 * client_set_batch() it is written to the output buffer, and a failed
 * write is reported by the flush that sends it.
 *
 * With --starttls (client_opts.starttls), until TLS is up only EHLO,
 * NOOP, RSET, QUIT and STARTTLS go out: any other line (HELO too: it
 * cannot learn whether STARTTLS is offered) waits, and the engine sends
 * EHLO and STARTTLS itself first unless they are on their way; it is
 * sent once TLS is up and the EHLO after it (or the waiting HELO or EHLO
 * in its place) and --auth are done.  One line waits at most; a second
 * is refused.  When STARTTLS cannot be had (not offered, refused, the
 * handshake failed, EHLO refused while a line waits) the waiting line is
 * dropped, QUIT sent, nothing more sent, the connection closed after the
 * 221, and the exit status is EXIT_CONNECT.
 *
 * These four may be called from a callback: while a reply is handed over
 * the send waits in a queue and goes out once that reply's callbacks
 * have returned (they return 0; a failure is reported through
 * ops->message).  A callback must not call client_on_readable() or
 * client_wait().
 */
int client_send(struct client *, const char *line);

/* In body mode: send one body line (never taken as the end: a line "."
 * is stuffed to ".."), or the end of the body.  Returns 0 or -1. */
int client_send_body_line(struct client *, const char *line, size_t len);
int client_send_body_end(struct client *);

/* Send "BDAT <len> [LAST]" and the chunk (RFC 3030 2).  Returns 0 or -1. */
int client_send_bdat(struct client *, const char *chunk, size_t len, int last);

/* In body mode: send buf[0..len) as body lines (client_send_body_line()):
 * LF, CRLF and a lone CR each end a line.  The end of the body is not
 * sent.  Returns 0 or -1 (reported). */
int client_send_body(struct client *, const char *buf, size_t len);

/*
 * STARTTLS now, with TLS required from here on (what --starttls does
 * after the first EHLO): when the last EHLO reply did not offer it,
 * says so and ends the session instead; otherwise sends STARTTLS, and
 * the handshake follows its 220.  Should the server refuse or the
 * handshake fail, the session ends as client_send() says for
 * --starttls (EXIT_CONNECT).  Returns 0 when STARTTLS was sent, -1
 * otherwise (reported).  May be called from a callback.
 */
int client_starttls(struct client *);

/*
 * The name the engine and the probes say EHLO (or HELO) with by
 * themselves: --ehlo NAME; else this host's name when it is a full
 * domain name (it has a dot); else, as RFC 5321 4.1.4 asks of a client
 * without one, the address literal of our end of the connection
 * ("[192.0.2.1]"); else "localhost".  Returns the name (the option, or
 * buf).
 */
const char *client_ehlo_name(const struct client *, char *buf, size_t size);

/*
 * The greeting the engine (or a probe) sends by itself: "EHLO name", or
 * in LMTP "LHLO name" (RFC 2033 4.1).  name NULL: --ehlo, else the name
 * of the last EHLO or HELO sent, else client_ehlo_name()'s.  Into buf;
 * returns buf.
 */
const char *client_hello_line(const struct client *, const char *name,
    char *buf, size_t size);

/*
 * Authenticate (RFC 4954) with o->mech as o->user (NULL: --auth-user)
 * with o->secret.  A NULL secret is looked up: the --auth one, then
 * auth_secret_lookup() (--auth-password-file, SMTPSCOPE_PASSWORD,
 * SMTPSCOPE_TOKEN); when there is none, nothing is sent and
 * CLIENT_AUTH_NEEDS_SECRET is returned: ask the user, call again.
 * o->binding is ignored: -PLUS binds to this TLS connection.
 *
 * Warns as for a typed AUTH line (no TLS, a mechanism not advertised
 * ...), sends the AUTH command, then answers each 334 itself and says
 * what the server proved (a SCRAM signature verified or not).  The SASL
 * lines are shown and recorded masked unless --show-secrets.  A 535 ends
 * the exchange, not the session.  Returns 0 once the AUTH command is
 * sent, or -1 (reported).
 */
#define CLIENT_AUTH_NEEDS_SECRET	1
int client_auth(struct client *, const struct auth_opts *o);
/* The user client_auth() takes: user, or the --auth-user one, or "". */
const char *client_auth_user(const struct client *, const char *user);

/*
 * Batch the writes (on = 1): what the sends write waits in the engine's
 * output buffer (16 KiB) and goes out in one write when the engine is
 * about to wait for a reply (client_wait(), client_flush()) or the buffer
 * is full, so that a message body and its ".", or a PIPELINING group,
 * leave in one segment.  A driver that batches and polls client_fd()
 * itself calls client_flush() before each poll.  Off (the default) each
 * send goes out before it returns: consoles send what the user typed at
 * once.  Turning it off sends what waits.  Not from a callback.
 */
void client_set_batch(struct client *, int on);

/*
 * Send what waits in the output buffer.  Returns 0, or -1 when the write
 * failed: what the server said before it closed (a 421) has then been
 * handed over and the connection closed, as for a failed send.  Not from
 * a callback (there it does nothing: dispatch sends once they return).
 */
int client_flush(struct client *);

/* Show raw bytes (CR LF visible) in front ends that support it. */
void client_set_raw(struct client *, int on);
int client_raw(const struct client *);

/* The exit status the session earned so far: EXIT_OK, EXIT_FAILED the
 * connection was lost without QUIT/221/421 (or a reply never came),
 * EXIT_USAGE the --record file could not be written, EXIT_CONNECT the
 * connection or TLS could not be set up. */
enum exitcode client_failed(const struct client *);

/* Wait (blocking) until no reply is pending, the connection closes or
 * timeout_ms passes (-1: the --timeout).  Returns 0, -1 closed, -2 timeout. */
int client_wait(struct client *, int timeout_ms);

/*
 * The one timeout rule, for front ends that wait in a poll() of their
 * own (the consoles on a terminal): the oldest reply awaited must be
 * complete within --timeout of the moment its line was sent (the
 * greeting: of the connection).  client_timeout_left() gives the
 * milliseconds left (0: late), or -1 when no reply is awaited: how long
 * such a poll() may wait.  client_check_timeout(), once it has run out:
 * when the reply is late indeed, says so as client_wait() does (the same
 * message, also in the recordings) and ends the session; returns 1 then,
 * else 0.
 */
int client_timeout_left(const struct client *);
int client_check_timeout(struct client *);

/* Write the whole session so far as a session file.  0 or -1 (reported). */
int client_save(struct client *, const char *path);

struct session *client_session(struct client *);
/* The last states the session went through, oldest first, the current
 * one last (at most CLIENT_TRAIL_MAX); *n gets their number (0 before
 * the connection). */
const enum state *client_state_trail(const struct client *, size_t *n);
int client_show_secrets(const struct client *);	/* --show-secrets */
const struct conn *client_conn(const struct client *);
const char *client_server_name(const struct client *);	/* "host:port" */
/* How the server is reached, for status bars and :state: "SOCKS5
 * 127.0.0.1:1080 (user alice), PROXY v2" (proxy_describe(): never the
 * password), or "" when directly. */
const char *client_route(const struct client *);
/* The practice server's scenario (client_opts.practice), or NULL when
 * the server is not smtpscope's practice server. */
const char *client_practice(const struct client *);
/*
 * In the reply callback: 1 when the reply is an LMTP server's reply for
 * one recipient after the end of data (RFC 2033 4.2), with that
 * recipient's mailbox (NULL when unknown), its place (from 1) and the
 * number of recipients; else 0.
 */
int client_reply_rcpt(const struct client *, const char **rcpt,
    size_t *index, size_t *count);
/*
 * In the reply callback: 1 when lines sent after the one the reply
 * answers still await their replies (RFC 2920 3.1: a pipelined group,
 * or a line typed before the reply came), so that a front end names the
 * command it answers rather than the line shown last; else 0.
 */
int client_reply_pipelined(const struct client *);
/* TLS summary line or "" when plain. */
const char *client_tls_summary(const struct client *);

/*
 * A line sent, as every front end shows it (the consoles, replay's -v,
 * --json): a SASL response as "********", the argument of AUTH masked as
 * in recordings ("AUTH PLAIN ********", transcript_mask_auth()), unless
 * show_secrets (--show-secrets); a body line as it is.  Returns line
 * itself, buf (size octets) or a constant.
 */
const char *client_shown_line(int show_secrets, const char *line,
    enum client_line kind, char *buf, size_t size);

/* Report a message through the front end's callback. */
void client_message(struct client *, enum client_msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same for a text of any length, as it is. */
void client_message_text(struct client *, enum client_msg, const char *);

#endif
