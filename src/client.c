/*
 * client.c -- the SMTP client engine shared by every front end.
 *
 * Owns the connection (net.c, tls.c), the reply parser (reply.c), the
 * session state (session.c) and the transcripts (transcript.c), and
 * reports to the front end through struct client_ops.  Never prints.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "client.h"
#include "message.h"
#include "script.h"
#include "tls.h"
#include "transcript.h"
#include "verbs.h"

struct client {
	struct client_opts	 o;
	const struct client_ops	*ops;
	void			*arg;
	struct conn		 conn;
	int			 connected;
	enum exitcode		 failed;	/* the exit status earned */
	int			 raw;
	int			 starttls_sent;	/* STARTTLS sent (--starttls or
						   client_starttls()) */
	int			 tls_required;	/* --starttls or client_starttls():
						   nothing in clear, a failure
						   ends the session */
	int			 tls_failed;	/* ... and TLS could not be had */
	int			 ehlo_for_tls;	/* an EHLO whose 250 starts TLS is
						   on its way */
	char			*held;		/* the line waiting for TLS */
	int			 auth_started;	/* --auth run */
	int			 stuff_told;	/* dot-stuffing explained */
	struct auth		*auth;		/* the exchange client_auth() runs */
	int			 rec_failed;	/* --record error shown */
	int			 dispatching;	/* replies are handed over: sends
						   wait in out[] */
	struct out		*out;		/* sends asked for meanwhile */
	size_t			 nout, outcap;
	char			 werr[512];	/* a write failed: why (the
						   connection is closed once what
						   the server said is read) */
	char			*wbuf;		/* written, not yet sent */
	size_t			 wlen;
	int			 batch;		/* client_set_batch(): wbuf goes
						   out before a wait, not after
						   each send */
	struct reply_parser	*rp;
	struct session		*s;
	struct transcript	*rec;		/* --record FILE */
	struct transcript	*log;		/* always-on log for :save */
	FILE			*logf;		/* its temporary file */
	enum state		 trail[CLIENT_TRAIL_MAX];	/* for :state */
	size_t			 ntrail;
	struct {
		enum state	 from, to;
	}			 unrecorded[CLIENT_TRAIL_MAX];	/* changes not yet
							   in the transcripts */
	size_t			 nunrecorded;
	char			 server[300];
	char			 route[600];	/* proxy_describe() */
	char			 tls_sum[256];
	const struct session_answer *answer;	/* the reply handed over */
};

/* The output buffer: a body and its ".", or a PIPELINING group, leave in
 * one write when the driver batches (client_set_batch()). */
#define WBUF_MAX	(16 * 1024)

/* A send asked for by a callback, done once it has returned. */
enum out_type { OUT_LINE, OUT_BODY_LINE, OUT_BODY_END, OUT_BDAT };
struct out {
	enum out_type	 type;
	char		*data;		/* the line or chunk (a copy) */
	size_t		 len;
	int		 last;		/* BDAT LAST */
};

/* One transcript event, for record(): both files get it. */
enum event_type { EVENT_COMMAND, EVENT_BODY, EVENT_REPLY, EVENT_TLS,
	EVENT_COMMENT };
struct event {
	enum event_type		 type;
	const char		*text;	/* line, comment, or "starttls"/"tls" */
	const char		*summary;	/* TLS summary */
	enum annotate_ctx	 kind;	/* EVENT_COMMAND */
	const struct reply	*r;	/* EVENT_REPLY */
	double			 ms;	/* EVENT_REPLY */
};

static int	write_line(struct client *, const char *, size_t);
static void	record(struct client *, const struct event *);
static void	record_comment(struct client *, const char *);
static void	record_states(struct client *);
static void	on_state_change(void *, enum state, enum state);
static int	track(struct client *, const char *, enum annotate_ctx, double);
static void	dispatch(struct client *);
static int	deliver(struct client *, const struct reply *);
static void	restart_parser(struct client *);
static int	read_rest(struct client *);
static void	close_after_write_error(struct client *);
static void	lost(struct client *, const char *, int);
static int	client_tls_upgrade(struct client *);
static int	after_reply(struct client *, const struct reply *,
		    const struct session_answer *);
static void	rec_check(struct client *);
static int	queue_send(struct client *, enum out_type, const char *,
		    size_t, int);
static void	flush(struct client *);
static void	queue_clear(struct client *);
static int	after_send(struct client *, int);
static int	write_bytes(struct client *, const char *, size_t);
static int	write_out(struct client *);
static int	wbuf_add(struct client *, const char *, size_t);
static int	write_raw(struct client *, const char *, size_t);
static int	send_line(struct client *, const char *);
static int	send_body_line(struct client *, const char *, size_t, int);
static int	send_body_end(struct client *);
static int	send_bdat(struct client *, const char *, size_t, int);
static int	refuse_after_starttls(struct client *);
static void	record_unfinished(struct client *);
static void	timed_out(struct client *, int);
static void	auth_reply(struct client *, const struct reply *);
static int	auth_start(struct client *, const struct auth_mech *,
		    const struct auth_opts *);
static void	report_tls(struct client *, const struct tls *, const char *);
static int	greeting_verb(enum verb_id);
static int	hold_for_tls(struct client *, const char *);
static void	release_held(struct client *);
static void	drop_held(struct client *, const char *);
static void	tls_failed(struct client *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static const char *auto_ehlo_name(const struct client *, char *, size_t);
static const char *shown_line(const struct client *, const char *, char *,
		    size_t);

struct client *
client_new(const struct client_opts *o, const struct client_ops *ops,
    void *arg)
{
	struct client *c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->o = *o;
	if (c->o.timeout_s <= 0)
		c->o.timeout_s = 30;
	c->ops = ops;
	c->arg = arg;
	c->conn.fd = -1;
	c->tls_required = o->starttls;
	/* as net_parse_target() reads it back (the recording's header) */
	if (o->unix_path != NULL)
		snprintf(c->server, sizeof c->server, "unix:%s", o->unix_path);
	else
		snprintf(c->server, sizeof c->server, "%s%s%s%s:%s",
		    o->lmtp ? "lmtp://" : "",
		    strchr(o->host, ':') != NULL ? "[" : "", o->host,
		    strchr(o->host, ':') != NULL ? "]" : "", o->port);
	proxy_describe(&o->proxy, c->route, sizeof c->route);
	return c;
}

/*
 * The session ends (a timeout, the end of input) while the parser still
 * holds part of a reply: keep what was received in the recording, as
 * comments so that the file stays a valid script.
 */
static void
record_unfinished(struct client *c)
{
	struct reply	*r;
	char		*text;
	const char	*p;
	size_t		 cap, len, n, i;

	if (c->rp == NULL || reply_parser_pending(c->rp) == 0 ||
	    (c->rec == NULL && c->log == NULL))
		return;
	if (!reply_parser_finish(c->rp))
		return;
	while ((r = reply_parser_next(c->rp)) != NULL) {
		cap = r->rawlen + 4 * (r->nlines + 1) + 128;
		if ((text = malloc(cap)) != NULL) {
			len = (size_t)snprintf(text, cap, "the session ended "
			    "inside a reply; received so far:");
			for (i = 0; (p = reply_line_raw(r, i, &n)) != NULL;
			    i++) {
				text[len++] = '\n';
				memcpy(text + len, "S: ", 3);
				len += 3;
				memcpy(text + len, p, n);
				len += n;
			}
			text[len] = '\0';
			record_comment(c, text);
			free(text);
		}
		reply_free(r);
	}
}

void
client_set_ops(struct client *c, const struct client_ops *ops, void *arg)
{
	c->ops = ops;
	c->arg = arg;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	record_unfinished(c);
	if (c->conn.tls != NULL)
		tls_free(c->conn.tls);
	if (c->conn.fd != -1)
		close(c->conn.fd);
	reply_parser_free(c->rp);
	session_free(c->s);
	auth_free(c->auth);
	drop_held(c, NULL);
	queue_clear(c);
	free(c->out);
	if (c->wbuf != NULL)
		OPENSSL_cleanse(c->wbuf, WBUF_MAX);
	free(c->wbuf);
	transcript_close(c->rec);
	transcript_close(c->log);
	if (c->logf != NULL)
		fclose(c->logf);
	proxy_opts_wipe(&c->o.proxy);
	free(c);
}

void
client_message_text(struct client *c, enum client_msg kind, const char *text)
{
	if (c->ops->message != NULL)
		c->ops->message(c->arg, kind, text);
}

void
client_message(struct client *c, enum client_msg kind, const char *fmt, ...)
{
	va_list	ap;
	char	buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (c->ops->message != NULL)
		c->ops->message(c->arg, kind, buf);
}

/*
 * The recording is written as the session goes: when a write to it fails
 * (disk full, a quota) say so once, at once, so that nobody trusts a file
 * that stops short.  The session itself goes on.
 */
static void
rec_check(struct client *c)
{
	int	e;

	if (c->rec == NULL || c->rec_failed ||
	    (e = transcript_error(c->rec)) == 0)
		return;
	c->rec_failed = 1;
	client_message(c, CLIENT_MSG_ERROR, "cannot write the recording %s: "
	    "%s; it ends at the last event written, the session goes on",
	    c->o.record, strerror(e));
}

static void
notify_state(struct client *c)
{
	if (c->ops->state != NULL)
		c->ops->state(c->arg);
}

/* Write one event to both transcripts: the --record file and the log
 * kept for :save. */
static void
record(struct client *c, const struct event *e)
{
	struct transcript	*t[2] = { c->rec, c->log };
	size_t			 i;

	/* no file: nothing to write, no state change kept for one */
	if (c->rec == NULL && c->log == NULL)
		return;
	for (i = 0; i < 2; i++) {
		if (t[i] == NULL)
			continue;
		switch (e->type) {
		case EVENT_COMMAND:
			transcript_command(t[i], e->text, e->kind);
			break;
		case EVENT_BODY:
			transcript_body(t[i], e->text);
			break;
		case EVENT_REPLY:
			transcript_reply(t[i], e->r, e->ms);
			break;
		case EVENT_TLS:
			transcript_tls(t[i], e->text, e->summary);
			break;
		case EVENT_COMMENT:
			transcript_comment(t[i], e->text);
			break;
		}
	}
	rec_check(c);
	/* a state change follows the event that caused it */
	record_states(c);
}

static void
record_comment(struct client *c, const char *text)
{
	struct event e = { .type = EVENT_COMMENT, .text = text };

	record(c, &e);
}

/* "# state mail -> rcpt" for each change not yet written (--verbose). */
static void
record_states(struct client *c)
{
	char	text[64];
	size_t	i, n = c->nunrecorded;

	c->nunrecorded = 0;
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof text, "state %s -> %s",
		    session_state_name(c->unrecorded[i].from),
		    session_state_name(c->unrecorded[i].to));
		record_comment(c, text);
	}
}

/* The session reports each state change: keep the trail for :state, and
 * the change for the transcripts once the event causing it is written. */
static void
on_state_change(void *arg, enum state from, enum state to)
{
	struct client	*c = arg;

	if (c->ntrail == 0)
		c->trail[c->ntrail++] = from;
	if (c->ntrail == CLIENT_TRAIL_MAX) {
		memmove(c->trail, c->trail + 1, sizeof c->trail -
		    sizeof c->trail[0]);
		c->ntrail--;
	}
	c->trail[c->ntrail++] = to;
	if (c->o.state_comments && (c->rec != NULL || c->log != NULL) &&
	    c->nunrecorded < CLIENT_TRAIL_MAX) {
		c->unrecorded[c->nunrecorded].from = from;
		c->unrecorded[c->nunrecorded].to = to;
		c->nunrecorded++;
	}
}

/*
 * Queue line as awaiting its reply; sent_ms is the clock read before it
 * was written, so that a latency is never shorter than the server's own
 * delay however late this process runs after the write.  Out of memory,
 * the reply could only be paired with the wrong command: say so and end
 * the session.
 */
static int
track(struct client *c, const char *line, enum annotate_ctx kind,
    double sent_ms)
{
	char	msg[600], masked[80];

	if (session_on_send(c->s, line, kind, sent_ms) == 0)
		return 0;
	transcript_mask_auth(line, masked, sizeof masked);
	snprintf(msg, sizeof msg, "out of memory: cannot keep track of "
	    "\"%.64s\" awaiting its reply; ending the session rather than "
	    "pair replies with the wrong commands", kind == ANNOTATE_AUTH_STEP ?
	    "********" : c->o.show_secrets ? line : masked);
	lost(c, msg, 0);
	return -1;
}

/*
 * After a handshake: the summary line, every failed check of the
 * certificate (the session goes on only with --insecure), and the details
 * of the chain: in the recording always (as comments), on the screen with
 * -v; the PEM chain with --show-certs.
 */
static void
report_tls(struct client *c, const struct tls *t, const char *what)
{
	const struct tls_info	*in = tls_get_info(t);
	char			 line[2048], *text;
	int			 i;

	tls_summary(t, 0, line, sizeof line);
	client_message(c, CLIENT_MSG_INFO, "TLS (%s): %s", what, line);
	record(c, &(struct event){ .type = EVENT_TLS, .text = what,
	    .summary = line });
	/* (-v: the details below name them) */
	for (i = 0; i < in->nfaults && !c->o.tls_details; i++) {
		tls_format_fault(in, &in->faults[i], line, sizeof line);
		client_message(c, CLIENT_MSG_WARNING, "%s", line);
	}
	if ((text = tls_format_details(in)) != NULL) {
		record_comment(c, text);
		if (c->o.tls_details)
			client_message_text(c, CLIENT_MSG_INFO, text);
		free(text);
	}
	if (c->o.show_certs && (text = tls_pem_chain(t)) != NULL) {
		client_message_text(c, CLIENT_MSG_HELP, text);
		free(text);
	}
}

static int
start_tls(struct client *c, const char *what)
{
	struct tls_opts	 to = c->o.tlsopt;
	char		 err[4096], msg[1024];
	const char	*more;
	struct tls	*t;

	if (to.servername == NULL)
		to.servername = c->o.host;
	/* RFC 3207 4: what was written before goes out in clear, then the
	 * handshake (nothing may follow STARTTLS: the buffer is empty) */
	if (write_out(c) == -1) {
		lost(c, c->werr, 0);
		c->werr[0] = '\0';
		return -1;
	}
	t = tls_start(c->conn.fd, &to, c->o.timeout_s * 1000, err, sizeof err);
	if (t == NULL) {
		/* one line, in the recording too: why the session ends;
		 * then one line for each check that failed */
		more = strchr(err, '\n');
		snprintf(msg, sizeof msg, "TLS handshake with %s failed: %.*s",
		    c->server, more != NULL ? (int)(more - err) :
		    (int)strlen(err), err);
		record_comment(c, msg);
		if (more != NULL)
			record_comment(c, more + 1);
		lost(c, "", 0);
		client_message(c, CLIENT_MSG_ERROR, "%s", msg);
		while (more != NULL) {
			const char *line = more + 1;

			more = strchr(line, '\n');
			client_message(c, CLIENT_MSG_ERROR, "%.*s",
			    more != NULL ? (int)(more - line) :
			    (int)strlen(line), line);
		}
		c->failed = EXIT_CONNECT;
		if (c->tls_required) {
			c->tls_failed = 1;
			drop_held(c, "the handshake failed");
		}
		return -1;
	}
	c->conn.tls = t;
	tls_summary(t, TLS_SUMMARY_SHORT, c->tls_sum, sizeof c->tls_sum);
	session_set_tls(c->s, 1);
	report_tls(c, t, what);
	notify_state(c);
	return 0;
}

int
client_connect(struct client *c)
{
	char	err[512], peer[64], notes[1300];
	const char *nl, *line;
	int	fd;

	if (c->o.record != NULL) {
		c->rec = transcript_open(c->o.record, c->server,
		    c->o.show_secrets, c->o.latency_comments, err, sizeof err);
		if (c->rec == NULL) {
			client_message(c, CLIENT_MSG_ERROR, "%s", err);
			c->failed = EXIT_USAGE;		/* a file error, as for replay */
			return NET_ERR_USAGE;
		}
	}
	if (c->o.session_log && (c->logf = tmpfile()) != NULL)
		c->log = transcript_fopen(c->logf, 0, c->server,
		    c->o.show_secrets, c->o.latency_comments);
	if (c->o.practice != NULL) {
		/* header: its port is of no use later (session-format.md) */
		snprintf(err, sizeof err, "practice %s", c->o.practice);
		record_comment(c, err);
	}

	/* the route is part of the header: how the server was reached */
	if (c->route[0] != '\0') {
		snprintf(notes, sizeof notes, "via %s", c->route);
		record_comment(c, notes);
	}
	notes[0] = '\0';
	if (c->o.unix_path != NULL)
		fd = net_connect_unix(c->o.unix_path, err, sizeof err);
	else
		fd = net_open(&c->o.proxy, c->o.host, c->o.port, c->o.family,
		    c->o.timeout_s * 1000, notes, sizeof notes, err,
		    sizeof err);
	if (fd < 0) {
		client_message(c, CLIENT_MSG_ERROR, "%s", err);
		record_comment(c, err);
		c->failed = EXIT_CONNECT;
		return fd;
	}
	c->conn.fd = fd;
	c->connected = 1;
	if ((c->rp = reply_parser_new()) == NULL ||
	    (c->s = session_new(net_clock_ms())) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory");
		c->failed = EXIT_FAILED;
		return NET_ERR_IO;
	}
	session_set_report(c->s, on_state_change, c);
	session_set_lmtp(c->s, c->o.lmtp);
	net_peer_name(fd, peer, sizeof peer);
	if (peer[0] != '\0' && c->o.proxy.socks_host[0] == '\0')
		client_message(c, CLIENT_MSG_INFO, "connected to %s (%s)",
		    c->server, peer);
	else
		client_message(c, CLIENT_MSG_INFO, "connected to %s", c->server);
	/* what the proxies did, on the screen and in the recording */
	for (line = notes; *line != '\0'; line = nl != NULL ? nl + 1 : "") {
		nl = strchr(line, '\n');
		snprintf(err, sizeof err, "%.*s", nl != NULL ?
		    (int)(nl - line) : (int)strlen(line), line);
		client_message(c, CLIENT_MSG_INFO, "%s", err);
		record_comment(c, err);
	}
	if (c->o.tls && start_tls(c, "tls") == -1)
		return NET_ERR_TLS;
	notify_state(c);
	return NET_OK;
}

int
client_fd(const struct client *c)
{
	return c->connected ? c->conn.fd : -1;
}

int
client_has_buffered(const struct client *c)
{
	return c->connected && c->conn.tls != NULL && tls_pending(c->conn.tls) > 0;
}

/* The connection is gone: close, say why (unless msg is ""), update state. */
static void
lost(struct client *c, const char *msg, int normal)
{
	char	full[700];
	size_t	unanswered = 0;

	if (!c->connected)
		return;
	/* RFC 2920 3.1: the rest of a pipelined group after a 421 (or a
	 * lost connection) is never answered; say so, not silently. */
	if (c->s != NULL) {
		unanswered = session_pending(c->s);
		/* the greeting is awaited, but nothing was sent for it */
		if (session_state(c->s) == STATE_CONNECTED && unanswered > 0)
			unanswered--;
	}
	if (*msg != '\0' && unanswered > 0) {
		snprintf(full, sizeof full, "%s; %zu line%s sent got no reply",
		    msg, unanswered, unanswered == 1 ? "" : "s");
		msg = full;
	}
	if (c->conn.tls != NULL) {
		tls_free(c->conn.tls);
		c->conn.tls = NULL;
	}
	close(c->conn.fd);
	c->conn.fd = -1;
	c->connected = 0;
	/* what was written and not sent never will be */
	if (c->wlen > 0)
		OPENSSL_cleanse(c->wbuf, c->wlen);
	c->wlen = 0;
	if (!normal && !c->failed)
		c->failed = EXIT_FAILED;
	if (*msg != '\0') {
		client_message(c, normal ? CLIENT_MSG_INFO : CLIENT_MSG_ERROR,
		    "%s", msg);
		record_comment(c, msg);
	}
	if (c->s != NULL)
		session_on_close(c->s);
	record_states(c);
	notify_state(c);
}

/* EHLO, or LHLO in LMTP (RFC 2033 4.1): the greeting that lists the
 * extensions. */
static int
greeting_verb(enum verb_id v)
{
	return v == VERB_EHLO || v == VERB_LHLO;
}

/* What the engine itself does after some replies: the STARTTLS upgrade,
 * the automatic STARTTLS of --starttls and the end of a session that
 * could not have TLS, --auth, and the line waiting for TLS.  Returns 1
 * when TLS is up. */
static int
after_reply(struct client *c, const struct reply *r,
    const struct session_answer *a)
{
	int	command = a->ctx == ANNOTATE_COMMAND;

	if (command && a->verb == VERB_STARTTLS) {
		if (r->code == 220)
			return client_tls_upgrade(c) == 0;
		/* RFC 3207 4: 454 (TLS not available now) or 501; a
		 * STARTTLS the user typed before ours may be retried */
		if (c->tls_required && c->starttls_sent && !session_tls(c->s))
			tls_failed(c, "%s refused STARTTLS (%d)", c->server,
			    r->code);
		return 0;
	}
	if (command && a->verb == VERB_QUIT && c->tls_failed) {
		/* nothing more will be sent: the session ends here */
		lost(c, "", 1);
		return 0;
	}
	if (command && greeting_verb(a->verb) && c->tls_required &&
	    !session_tls(c->s) && !c->starttls_sent) {
		c->ehlo_for_tls = 0;
		if (r->code == 250)
			client_starttls(c);
		else if (c->held != NULL)
			tls_failed(c, "%s refused EHLO: STARTTLS cannot be asked "
			    "for", c->server);
		return 0;
	}
	if (c->auth != NULL && (a->verb == VERB_AUTH ||
	    a->ctx == ANNOTATE_AUTH_STEP))
		auth_reply(c, r);
	/* --auth: once EHLO is accepted, under TLS when --starttls asked
	 * for it */
	else if (c->o.auth.mech != NULL && !c->auth_started &&
	    command && greeting_verb(a->verb) && r->code == 250 &&
	    (!c->tls_required || session_tls(c->s))) {
		c->auth_started = 1;
		client_auth(c, &c->o.auth);
	}
	release_held(c);
	return 0;
}

int
client_starttls(struct client *c)
{
	if (!c->connected || c->s == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "not connected: nothing "
		    "sent");
		return -1;
	}
	if (session_tls(c->s)) {
		client_message(c, CLIENT_MSG_ERROR, "TLS is already active");
		return -1;
	}
	c->tls_required = 1;
	c->starttls_sent = 1;
	if (!session_caps(c->s)->starttls) {
		tls_failed(c, "%s does not offer STARTTLS (not in its EHLO "
		    "reply)", c->server);
		return -1;
	}
	return client_send(c, "STARTTLS");
}

/*
 * TLS was required and cannot be had: say why, drop the line that
 * waited for it, and end the session: QUIT (the only line still sent),
 * the connection closed at its 221 (after_reply()).
 */
static void
tls_failed(struct client *c, const char *fmt, ...)
{
	va_list	ap;
	char	why[600], msg[700];

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	c->tls_failed = 1;
	c->failed = EXIT_CONNECT;
	snprintf(msg, sizeof msg, "%s: ending the session (with --starttls "
	    "nothing but EHLO, NOOP, RSET and QUIT goes out in clear)", why);
	client_message(c, CLIENT_MSG_ERROR, "%s", msg);
	record_comment(c, msg);
	drop_held(c, "no TLS");
	if (c->connected && session_expected_state(c->s) != STATE_QUIT)
		client_send(c, "QUIT");
}

/* A line as messages quote it: an AUTH argument masked (unless
 * --show-secrets). */
static const char *
shown_line(const struct client *c, const char *line, char *buf,
    size_t size)
{
	if (c->o.show_secrets)
		return line;
	transcript_mask_auth(line, buf, size);
	return buf;
}

/*
 * TLS is required and not up yet (send_line()): 0 when line may go out
 * now, 1 when it waits for TLS (the engine sends EHLO for STARTTLS first
 * unless one is on its way), -1 when it is refused (reported).
 */
static int
hold_for_tls(struct client *c, const char *line)
{
	const struct verb_info	*v = verbs_lookup(line, strcspn(line, " "));
	enum verb_id		 id = v != NULL ? v->id : VERB_UNKNOWN;
	const char		*name = NULL;
	char			 ehlo[300], shown[200], held[200];

	if (c->tls_failed) {
		if (id == VERB_QUIT)
			return 0;
		client_message(c, CLIENT_MSG_ERROR, "no TLS: \"%.100s\" not "
		    "sent (with --starttls nothing goes out in clear)",
		    shown_line(c, line, shown, sizeof shown));
		return -1;
	}
	switch (id) {
	case VERB_EHLO:
	case VERB_LHLO:
		if (!c->starttls_sent)
			c->ehlo_for_tls = 1;
		return 0;
	case VERB_NOOP:
	case VERB_RSET:
	case VERB_QUIT:
	case VERB_STARTTLS:
		return 0;
	default:
		break;
	}
	if (c->held != NULL) {
		client_message(c, CLIENT_MSG_ERROR, "\"%.100s\" already waits "
		    "for TLS (--starttls): \"%.100s\" not sent; send it once "
		    "TLS is up", shown_line(c, c->held, held, sizeof held),
		    shown_line(c, line, shown, sizeof shown));
		return -1;
	}
	if ((c->held = strdup(line)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory: line not "
		    "sent");
		return -1;
	}
	shown_line(c, line, shown, sizeof shown);
	if (c->ehlo_for_tls || c->starttls_sent) {
		client_message(c, CLIENT_MSG_INFO, "--starttls: \"%.100s\" "
		    "waits until TLS is up", shown);
		return 1;
	}
	/* EHLO, never HELO: only EHLO's reply says whether STARTTLS is
	 * offered (RFC 3207 4); a waiting HELO gives its name */
	if (id == VERB_HELO && line[4 + strspn(line + 4, " ")] != '\0')
		name = line + 4 + strspn(line + 4, " ");
	client_hello_line(c, name, ehlo, sizeof ehlo);
	client_message(c, CLIENT_MSG_INFO, "--starttls: %s and STARTTLS "
	    "first, \"%.100s\" once TLS is up (nothing but EHLO, NOOP, RSET "
	    "and QUIT goes out in clear)", ehlo, shown);
	if (send_line(c, ehlo) == -1) {
		drop_held(c, NULL);
		return -1;
	}
	return 1;
}

/*
 * The line that waited for TLS goes once TLS is up, the EHLO after the
 * handshake is answered and --auth is done: when nothing else is on its
 * way.  Called after every reply.
 */
static void
release_held(struct client *c)
{
	char	*line;

	if (c->held == NULL || !c->connected || !session_tls(c->s) ||
	    c->auth != NULL || c->nout > 0 || session_pending(c->s) > 0)
		return;
	line = c->held;
	c->held = NULL;
	client_send(c, line);
	OPENSSL_cleanse(line, strlen(line));
	free(line);
}

/* Forget the line that waited for TLS; why: say it was not sent (NULL:
 * silently). */
static void
drop_held(struct client *c, const char *why)
{
	char	shown[200];

	if (c->held == NULL)
		return;
	if (why != NULL)
		client_message(c, CLIENT_MSG_ERROR, "%s: \"%.100s\" not sent",
		    why, shown_line(c, c->held, shown, sizeof shown));
	OPENSSL_cleanse(c->held, strlen(c->held));
	free(c->held);
	c->held = NULL;
}

/* The name of an EHLO the engine sends by itself: --ehlo, else the
 * name of the user's last EHLO or HELO, else client_ehlo_name(). */
static const char *
auto_ehlo_name(const struct client *c, char *buf, size_t size)
{
	if (c->o.ehlo == NULL && c->s != NULL && *session_helo_name(c->s))
		return session_helo_name(c->s);
	return client_ehlo_name(c, buf, size);
}

const char *
client_ehlo_name(const struct client *c, char *buf, size_t size)
{
	if (c->o.ehlo != NULL)
		return c->o.ehlo;
	/* RFC 5321 4.1.4: the primary host name, a full domain name */
	if (size > 1 && gethostname(buf, size - 1) == 0) {
		buf[size - 1] = '\0';
		if (strchr(buf, '.') != NULL && buf[strlen(buf) - 1] != '.')
			return buf;
	}
	/* "If this is not possible ..., an address literal SHOULD be
	 * substituted for the domain name." */
	if (c->connected && net_local_literal(c->conn.fd, buf, size) == 0)
		return buf;
	return "localhost";
}

const char *
client_hello_line(const struct client *c, const char *name, char *buf,
    size_t size)
{
	char	own[256];

	if (name == NULL)
		name = auto_ehlo_name(c, own, sizeof own);
	snprintf(buf, size, "%s %.255s", c->s != NULL && session_lmtp(c->s) ?
	    "LHLO" : "EHLO", name);
	return buf;
}

/* --- AUTH ---------------------------------------------------------------- */

const char *
client_auth_user(const struct client *c, const char *user)
{
	if (user != NULL)
		return user;
	return c->o.auth.user != NULL ? c->o.auth.user : "";
}

int
client_auth(struct client *c, const struct auth_opts *o)
{
	const struct auth_mech	*m = auth_mech_lookup(o->mech);
	const struct auth_mech	*cm = auth_mech_lookup(c->o.auth.mech);
	struct auth_opts	 ao = *o;
	char			 err[512], secret[1024];
	int			 rc;

	if (m == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "%s is not a mechanism "
		    "smtpscope runs", o->mech != NULL ? o->mech : "(none)");
		return -1;
	}
	if (!c->connected || c->s == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "not connected: nothing "
		    "sent");
		return -1;
	}
	if (c->tls_required && !session_tls(c->s)) {
		client_message(c, CLIENT_MSG_ERROR, "AUTH waits for TLS "
		    "(--starttls): nothing sent; authenticate once TLS is up");
		return -1;
	}
	ao.user = client_auth_user(c, o->user);
	if (*ao.user == '\0') {
		client_message(c, CLIENT_MSG_ERROR, "AUTH %s needs a user: "
		    ":auth %s USER, or --auth-user USER", m->name, m->name);
		return -1;
	}
	if (ao.secret == NULL && cm != NULL && cm->need == m->need)
		ao.secret = c->o.auth.secret;
	if (ao.secret == NULL) {
		switch (auth_secret_lookup(m->need, c->o.auth_password_file,
		    secret, sizeof secret, err, sizeof err)) {
		case 0:
			return CLIENT_AUTH_NEEDS_SECRET;
		case 1:
			ao.secret = secret;
			break;
		default:
			client_message(c, CLIENT_MSG_ERROR, "%s", err);
			return -1;
		}
	}
	rc = auth_start(c, m, &ao);
	OPENSSL_cleanse(secret, sizeof secret);
	return rc;
}

/* client_auth() once the secret is known. */
static int
auth_start(struct client *c, const struct auth_mech *m,
    const struct auth_opts *o)
{
	struct auth_opts	 ao = *o;
	struct auth_binding	 b;
	unsigned char		 cb[64];
	char			 err[512], cmd[64], *line, *warn[8];
	size_t			 i, nwarn;
	int			 n, rc;

	if (c->auth != NULL) {
		client_message(c, CLIENT_MSG_ERROR, "an AUTH exchange is "
		    "already running");
		return -1;
	}
	/* RFC 5802 6: -PLUS binds the proof to this TLS connection */
	ao.mech = m->name;
	ao.binding = NULL;
	if (c->conn.tls != NULL && (n = tls_channel_binding(c->conn.tls,
	    &b.type, cb, sizeof cb)) > 0) {
		b.data = cb;
		b.len = (size_t)n;
		ao.binding = &b;
	}
	if (ao.host == NULL)
		ao.host = c->o.host;
	if (ao.port == NULL)
		ao.port = c->o.port;
	c->auth = auth_new(&ao, err, sizeof err);
	OPENSSL_cleanse(cb, sizeof cb);
	if (c->auth == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "%s", err);
		return -1;
	}
	/* the warnings a typed AUTH line gets, from the same checker */
	snprintf(cmd, sizeof cmd, "AUTH %s", m->name);
	nwarn = session_check_order(c->s, cmd, warn, 8);
	for (i = 0; i < nwarn; i++) {
		client_message(c, CLIENT_MSG_WARNING, "%s", warn[i]);
		free(warn[i]);
	}
	if ((line = auth_command(c->auth, err, sizeof err)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "%s", err);
		rc = -1;
	} else {
		rc = client_send(c, line);
		auth_line_free(line);
	}
	if (rc == -1) {
		auth_free(c->auth);
		c->auth = NULL;
	}
	return rc;
}

/* A reply in the exchange client_auth() runs: a 334 is answered (RFC
 * 4954 4), anything else ends the exchange (a 535 is explained like any
 * reply; the session goes on). */
static void
auth_reply(struct client *c, const struct reply *r)
{
	const char	*text = "";
	char		*line = NULL, err[512];
	size_t		 len = 0;
	int		 verified = auth_server_verified(c->auth);

	if (r->code != 334) {
		auth_free(c->auth);
		c->auth = NULL;
		return;
	}
	if (r->nlines > 0 && r->lines[0].text != NULL) {
		text = r->lines[0].text;
		len = r->lines[0].len;
	}
	switch (auth_respond(c->auth, text, len, &line, err, sizeof err)) {
	case AUTH_STEP_SEND:
		if (verified == 0 && auth_server_verified(c->auth) == 1)
			client_message(c, CLIENT_MSG_INFO, "the server's "
			    "signature verified: it holds the keys derived "
			    "from your password (mutual authentication, RFC "
			    "5802 3)");
		break;
	case AUTH_STEP_CANCEL:
		client_message(c, CLIENT_MSG_WARNING, "%s", err);
		break;
	case AUTH_STEP_ERROR:
		client_message(c, CLIENT_MSG_ERROR, "%s", err);
		break;
	}
	client_send(c, line != NULL ? line : "*");
	auth_line_free(line);
}

/*
 * TLS is up after a 220 to STARTTLS.  RFC 3207 5 (and the plaintext
 * injection attacks it invites): nothing read before the handshake may
 * be taken as said under TLS: drop it, and start a new parser.
 */
static void
restart_parser(struct client *c)
{
	const struct verb_info	*v;
	struct reply		*r;
	char			 line[300], *held;
	size_t			 junk = 0;

	while ((r = reply_parser_next(c->rp)) != NULL) {
		junk += r->rawlen;
		reply_free(r);
	}
	junk += reply_parser_pending(c->rp);
	if (junk > 0)
		client_message(c, CLIENT_MSG_WARNING, "the server sent %zu "
		    "bytes after its 220 reply to STARTTLS, before the TLS "
		    "handshake: discarded (RFC 3207 5)", junk);
	reply_parser_free(c->rp);
	if ((c->rp = reply_parser_new()) == NULL) {
		lost(c, "out of memory", 0);
		return;
	}
	if (!c->o.starttls || !c->connected)
		return;
	/* RFC 3207 4.2: the session starts over; a HELO that waited for
	 * TLS says it in place of the EHLO the engine would send */
	v = c->held != NULL ? verbs_lookup(c->held, strcspn(c->held, " ")) :
	    NULL;
	if (v != NULL && v->id == VERB_HELO) {
		held = c->held;
		c->held = NULL;
		client_send(c, held);
		free(held);
		return;
	}
	client_send(c, client_hello_line(c, NULL, line, sizeof line));
}

/* Hand one reply to the session, the transcripts and the front end.
 * Returns 1 when TLS came up on it. */
static int
deliver(struct client *c, const struct reply *r)
{
	struct session_answer	a;
	double			ms;
	int			upgraded;
	char			for_rcpt[400];

	session_on_reply(c->s, r, &a);
	ms = net_clock_ms() - a.sent_ms;
	/* RFC 2033 4.2: which recipient an LMTP reply is for, said before
	 * it in the recording (a comment: replay pairs them itself) */
	if (a.rcpt_count > 0) {
		session_rcpt_label(a.rcpt, a.rcpt_index, a.rcpt_count,
		    for_rcpt, sizeof for_rcpt);
		record_comment(c, for_rcpt);
	}
	record(c, &(struct event){ .type = EVENT_REPLY, .r = r, .ms = ms });
	c->answer = &a;
	if (c->ops->reply != NULL)
		c->ops->reply(c->arg, r, a.command, a.ctx, ms);
	c->answer = NULL;
	upgraded = after_reply(c, r, &a);
	notify_state(c);
	return upgraded;
}

/*
 * Hand every complete reply over, in order.  While it runs, lines the
 * callbacks send wait in the output queue; they go out once the reply's
 * callbacks have returned, before the next reply is handed over (so
 * that a reply read after them may answer them, and none read before).
 * A callback therefore never runs inside another one.
 *
 * After a failed write the server has probably closed the connection,
 * and may have said why first (a 421, RFC 5321 3.8): what it sent is
 * read and handed over before the connection is closed.
 */
static void
dispatch(struct client *c)
{
	struct reply	*r;
	int		 reads = 0;

	c->dispatching = 1;
	while (c->connected) {
		if ((r = reply_parser_next(c->rp)) != NULL) {
			if (deliver(c, r))
				restart_parser(c);
			reply_free(r);
			flush(c);
			continue;
		}
		if (c->werr[0] == '\0')
			break;
		/* bounded: the replies of one pipelined group at most */
		if (reads++ == 64 || !read_rest(c))
			close_after_write_error(c);
	}
	c->dispatching = 0;
	queue_clear(c);
}

/* After a failed write: read what the server sent before it closed.
 * 1 when something came, 0 when nothing more will. */
static int
read_rest(struct client *c)
{
	char	buf[16384], err[512];
	ssize_t	n;

	n = conn_read(&c->conn, buf, sizeof buf, err, sizeof err);
	if (n > 0)
		return reply_feed(c->rp, buf, (size_t)n) == 0;
	/* the end of the connection completes a reply cut short */
	return n < 0 && reply_parser_finish(c->rp);
}

/* The write failed and what the server said before is shown: close. */
static void
close_after_write_error(struct client *c)
{
	if (session_state(c->s) == STATE_QUIT)
		/* it said 421 (or 221) and closed: not our fault */
		lost(c, "the server closed the connection after its last "
		    "reply: the rest was not sent", 1);
	else
		lost(c, c->werr, 0);
	c->werr[0] = '\0';
}

int
client_on_readable(struct client *c)
{
	char	buf[16384], err[512];
	ssize_t	n;
	int	normal;

	if (!c->connected)
		return -1;
	for (;;) {
		n = conn_read(&c->conn, buf, sizeof buf, err, sizeof err);
		if (n == 0)
			break;
		if (n < 0) {
			if (reply_parser_finish(c->rp))
				dispatch(c);
			if (!c->connected)
				return -1;
			/* After a 421 or 221 the server closes; with lines of
			 * ours still unread its kernel may reset rather than
			 * close: the same ending, not a failure. */
			normal = (n == NET_ERR_CLOSED || n == NET_ERR_RESET) &&
			    session_state(c->s) == STATE_QUIT;
			if (session_state(c->s) == STATE_CONNECTED) {
				/* no greeting: a connection failure */
				c->failed = EXIT_CONNECT;
				if (n == NET_ERR_CLOSED)
					snprintf(err, sizeof err, "connection "
					    "closed by %s before its greeting",
					    c->server);
			} else if (n == NET_ERR_CLOSED && !normal)
				snprintf(err, sizeof err, "connection closed by "
				    "%s without a 221 or 421 reply", c->server);
			lost(c, err, normal);
			return -1;
		}
		if (reply_feed(c->rp, buf, (size_t)n) == -1) {
			lost(c, "out of memory", 0);
			return -1;
		}
		dispatch(c);
		if (!c->connected)
			return -1;
		if ((size_t)n < sizeof buf && !client_has_buffered(c))
			break;
	}
	return 0;
}

/* --- sending ------------------------------------------------------------ */

/*
 * A send asked for while replies are handed over waits here; dispatch()
 * runs it once the current reply's callbacks have returned.  Returns 0,
 * or -1 when out of memory (the session then ends: the line is lost).
 */
static int
queue_send(struct client *c, enum out_type type, const char *data,
    size_t len, int last)
{
	struct out	*nq, *o;
	size_t		 ncap;

	if (c->nout == c->outcap) {
		ncap = c->outcap ? c->outcap * 2 : 4;
		if ((nq = reallocarray(c->out, ncap, sizeof *nq)) == NULL)
			goto fail;
		c->out = nq;
		c->outcap = ncap;
	}
	o = &c->out[c->nout];
	o->type = type;
	o->len = len;
	o->last = last;
	if ((o->data = malloc(len + 1)) == NULL)
		goto fail;
	memcpy(o->data, data, len);
	o->data[len] = '\0';
	c->nout++;
	return 0;
fail:
	lost(c, "out of memory: a line to send was lost; ending the session",
	    0);
	return -1;
}

/* Send what the callbacks asked for, in order (a send may queue more). */
static void
flush(struct client *c)
{
	struct out	o;
	size_t		i;

	for (i = 0; i < c->nout; i++) {
		o = c->out[i];
		if (c->connected && c->werr[0] == '\0') {
			switch (o.type) {
			case OUT_LINE:
				send_line(c, o.data);
				break;
			case OUT_BODY_LINE:
				/* the queue's copy ends with a NUL */
				send_body_line(c, o.data, o.len, 1);
				break;
			case OUT_BODY_END:
				send_body_end(c);
				break;
			case OUT_BDAT:
				send_bdat(c, o.data, o.len, o.last);
				break;
			}
		}
		/* a SASL response is a secret */
		OPENSSL_cleanse(o.data, o.len);
		free(o.data);
	}
	c->nout = 0;
}

static void
queue_clear(struct client *c)
{
	size_t	i;

	for (i = 0; i < c->nout; i++) {
		OPENSSL_cleanse(c->out[i].data, c->out[i].len);
		free(c->out[i].data);
	}
	c->nout = 0;
}

/*
 * A public send has run (not from a callback): when its write failed,
 * read and show what the server said before it closed, then close.
 */
static int
after_send(struct client *c, int rc)
{
	if (c->werr[0] != '\0')
		dispatch(c);
	return rc;
}

/*
 * Write to the server: the bytes join the output buffer, which goes out
 * at once, or with client_set_batch() when the engine is about to wait
 * for a reply (client_wait(), client_flush()) or the buffer is full.  A
 * failure is kept in werr for dispatch().
 */
static int
write_bytes(struct client *c, const char *buf, size_t len)
{
	if (wbuf_add(c, buf, len) == -1)
		return -1;
	return c->batch ? 0 : write_out(c);
}

/* Add to the output buffer (sending it first when full).  0 or -1. */
static int
wbuf_add(struct client *c, const char *buf, size_t len)
{
	if (!c->connected) {
		client_message(c, CLIENT_MSG_ERROR, "not connected: nothing sent");
		return -1;
	}
	if (c->werr[0] != '\0')
		return -1;	/* the connection is going: said once */
	if (c->wbuf == NULL && (c->wbuf = malloc(WBUF_MAX)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory");
		return -1;
	}
	if (c->wlen + len > WBUF_MAX && write_out(c) == -1)
		return -1;
	if (len > WBUF_MAX)
		return write_raw(c, buf, len);	/* a large BDAT chunk */
	memcpy(c->wbuf + c->wlen, buf, len);
	c->wlen += len;
	return 0;
}

/* Send the output buffer in one write.  0, or -1 with werr set. */
static int
write_out(struct client *c)
{
	size_t	len = c->wlen;
	int	rc;

	if (len == 0)
		return 0;
	c->wlen = 0;
	rc = write_raw(c, c->wbuf, len);
	/* it may hold a SASL response */
	OPENSSL_cleanse(c->wbuf, len);
	return rc;
}

/* One write of buf to the server.  0, or -1 with werr set. */
static int
write_raw(struct client *c, const char *buf, size_t len)
{
	char	err[512];

	if (!c->connected || c->werr[0] != '\0')
		return -1;
	if (conn_write(&c->conn, buf, len, c->o.timeout_s * 1000, err,
	    sizeof err) != 0) {
		snprintf(c->werr, sizeof c->werr, "%s", err);
		return -1;
	}
	return 0;
}

void
client_set_batch(struct client *c, int on)
{
	c->batch = on;
	if (!on)
		client_flush(c);
}

int
client_flush(struct client *c)
{
	if (c->dispatching || c->wlen == 0)
		return 0;
	if (write_out(c) == 0)
		return 0;
	/* show what the server said before it closed, then close */
	dispatch(c);
	return -1;
}

/* A command line and its CRLF, in one write. */
static int
write_line(struct client *c, const char *line, size_t len)
{
	if (wbuf_add(c, line, len) == -1 || wbuf_add(c, "\r\n", 2) == -1)
		return -1;
	return c->batch ? 0 : write_out(c);
}

/*
 * RFC 3207 4: STARTTLS must be the last command of a group, and after
 * its 220 the client starts TLS before anything else.  A line sent behind
 * it would reach the server in clear where it expects the TLS handshake.
 */
static int
refuse_after_starttls(struct client *c)
{
	if (session_last_pending_verb(c->s) != VERB_STARTTLS)
		return 0;
	client_message(c, CLIENT_MSG_ERROR, "STARTTLS awaits its reply: "
	    "nothing may follow it before the TLS handshake (RFC 3207 4); "
	    "line not sent, send it again once TLS is up");
	return 1;
}

int
client_send(struct client *c, const char *line)
{
	if (c->dispatching)
		return queue_send(c, OUT_LINE, line, strlen(line), 0);
	return after_send(c, send_line(c, line));
}

static int
send_line(struct client *c, const char *line)
{
	enum annotate_ctx	kind = ANNOTATE_COMMAND;
	double			sent;

	if (!c->connected) {
		client_message(c, CLIENT_MSG_ERROR, "not connected: nothing sent");
		return -1;
	}
	if (session_in_body(c->s)) {
		if (strcmp(line, ".") == 0)
			return send_body_end(c);
		return send_body_line(c, line, strlen(line), 1);
	}
	if (session_expected_state(c->s) == STATE_DATA &&
	    session_state(c->s) != STATE_DATA) {
		client_message(c, CLIENT_MSG_WARNING, "waiting for the 354 "
		    "reply to DATA: type the body once it has arrived "
		    "(RFC 2920 3.1); line not sent");
		return -1;
	}
	if (c->tls_required && !session_tls(c->s)) {
		switch (hold_for_tls(c, line)) {
		case 1:
			return 0;
		case -1:
			return -1;
		}
	}
	if (refuse_after_starttls(c))
		return -1;
	if (session_awaiting_challenge(c->s)) {
		/* the line is likely the SASL response, typed too early:
		 * sent as a command it would be shown and recorded */
		client_message(c, CLIENT_MSG_ERROR, "AUTH awaits the server's "
		    "334 challenge: type the response once it has arrived "
		    "(RFC 4954 4); line not sent");
		return -1;
	}
	if (session_in_sasl(c->s))
		kind = ANNOTATE_AUTH_STEP;
	sent = net_clock_ms();
	if (write_line(c, line, strlen(line)) == -1 ||
	    track(c, line, kind, sent) == -1)
		return -1;
	record(c, &(struct event){ .type = EVENT_COMMAND, .text = line,
	    .kind = kind });
	if (c->ops->sent != NULL)
		c->ops->sent(c->arg, line, kind == ANNOTATE_AUTH_STEP ?
		    CLIENT_LINE_SECRET : CLIENT_LINE_COMMAND);
	notify_state(c);
	return 0;
}

int
client_send_body_line(struct client *c, const char *line, size_t len)
{
	if (c->dispatching)
		return queue_send(c, OUT_BODY_LINE, line, len, 0);
	return after_send(c, send_body_line(c, line, len, 0));
}

/* A body line of len octets; terminated: line[len] is a NUL, and the
 * recording takes the line as it is (else a copy ending there). */
static int
send_body_line(struct client *c, const char *line, size_t len,
    int terminated)
{
	char		 small[1024], *buf = small, *shown = NULL;
	const char	*text = line;
	size_t		 n;
	int		 rc;

	if (!c->connected || !session_in_body(c->s)) {
		client_message(c, CLIENT_MSG_ERROR, "no message body is "
		    "expected now (DATA was not answered 354): line not sent");
		return -1;
	}
	if (MESSAGE_STUFFED(len) > sizeof small &&
	    (len > SIZE_MAX - 3 || (buf = malloc(MESSAGE_STUFFED(len))) == NULL)) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory");
		return -1;
	}
	n = message_stuff_line(line, len, buf);
	if ((rc = write_bytes(c, buf, n)) == -1 ||
	    (!terminated && (text = shown = strndup(line, len)) == NULL))
		goto out;
	/* The recording keeps the line as typed (a session file's D: line
	 * is stuffed when replayed); the front end shows what went on the
	 * wire, without its CRLF. */
	record(c, &(struct event){ .type = EVENT_BODY, .text = text });
	buf[n - 2] = '\0';
	if (c->ops->sent != NULL)
		c->ops->sent(c->arg, buf, CLIENT_LINE_BODY);
	/* RFC 5321 4.5.2: said once, the first time it happens */
	if (n - 2 > len && !c->stuff_told) {
		c->stuff_told = 1;
		client_message(c, CLIENT_MSG_INFO, "the line starts with \".\": "
		    "it went out as \"%.20s%s\", the dot doubled, so that no "
		    "line but the last reads as the end of the message; the "
		    "server takes one dot off again (RFC 5321 4.5.2)", buf,
		    n - 2 > 20 ? "..." : "");
	}
out:
	free(shown);
	if (buf != small)
		free(buf);
	return rc;
}

int
client_send_body_end(struct client *c)
{
	if (c->dispatching)
		return queue_send(c, OUT_BODY_END, "", 0, 0);
	return after_send(c, send_body_end(c));
}

/* RFC 5321 4.1.1.4: the body ends with CRLF "." CRLF. */
static int
send_body_end(struct client *c)
{
	double	sent;

	if (!c->connected || !session_in_body(c->s)) {
		client_message(c, CLIENT_MSG_ERROR, "no message body is "
		    "being sent: \".\" not sent");
		return -1;
	}
	sent = net_clock_ms();
	if (write_bytes(c, ".\r\n", 3) == -1 ||
	    track(c, ".", ANNOTATE_DATA_END, sent) == -1)
		return -1;
	record(c, &(struct event){ .type = EVENT_BODY, .text = "." });
	if (c->ops->sent != NULL)
		c->ops->sent(c->arg, ".", CLIENT_LINE_BODY);
	notify_state(c);
	return 0;
}

int
client_send_body(struct client *c, const char *buf, size_t len)
{
	size_t	start = 0, i = 0;

	while (i < len) {
		if (buf[i] == '\n' || buf[i] == '\r') {
			if (client_send_body_line(c, buf + start, i - start) ==
			    -1)
				return -1;
			if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
				i++;
			start = ++i;
		} else
			i++;
	}
	if (start < len && client_send_body_line(c, buf + start,
	    len - start) == -1)
		return -1;
	return 0;
}

int
client_send_bdat(struct client *c, const char *chunk, size_t len, int last)
{
	if (c->dispatching)
		return queue_send(c, OUT_BDAT, chunk, len, last);
	return after_send(c, send_bdat(c, chunk, len, last));
}

/* RFC 3030 2: "BDAT" SP chunk-size [SP end-marker] CRLF, then exactly
 * chunk-size octets. */
static int
send_bdat(struct client *c, const char *chunk, size_t len, int last)
{
	char	line[64], note[96];
	double	sent;

	snprintf(line, sizeof line, "BDAT %zu%s", len, last ? " LAST" : "");
	if (c->connected && c->tls_required && !session_tls(c->s)) {
		client_message(c, CLIENT_MSG_ERROR, "no TLS yet: BDAT not sent "
		    "(with --starttls nothing but EHLO, NOOP, RSET and QUIT "
		    "goes out in clear)");
		return -1;
	}
	if (c->connected && refuse_after_starttls(c))
		return -1;
	sent = net_clock_ms();
	if (write_line(c, line, strlen(line)) == -1 ||
	    (len > 0 && write_bytes(c, chunk, len) == -1))
		return -1;
	if (track(c, line, ANNOTATE_BDAT, sent) == -1)
		return -1;
	record(c, &(struct event){ .type = EVENT_COMMAND, .text = line,
	    .kind = ANNOTATE_BDAT });
	snprintf(note, sizeof note, "(%zu octets of chunk data sent)", len);
	/* session format 1 does not carry chunk data: say what went */
	record_comment(c, note);
	if (c->ops->sent != NULL) {
		c->ops->sent(c->arg, line, CLIENT_LINE_COMMAND);
		c->ops->sent(c->arg, note, CLIENT_LINE_BODY);
	}
	notify_state(c);
	return 0;
}

/* No (complete) reply in time: one line, also in the recording. */
static void
timed_out(struct client *c, int timeout_ms)
{
	char	msg[512], part[128] = "";
	size_t	held = reply_parser_pending(c->rp);

	if (held > 0)
		snprintf(part, sizeof part, " (only %zu bytes of an unfinished "
		    "reply came)", held);
	if (session_state(c->s) == STATE_CONNECTED) {
		/* RFC 5321 4.5.3.2.1: a server may hold its greeting; one
		 * that never sends it cannot be talked to: a connection
		 * failure, as a TLS handshake that times out */
		snprintf(msg, sizeof msg, "%s accepted the connection but sent "
		    "no greeting within %d s%s: it may be overloaded (try a "
		    "longer --timeout), or not speak SMTP in clear (implicit "
		    "TLS wants --tls)", c->server, (timeout_ms + 999) / 1000,
		    part);
		c->failed = EXIT_CONNECT;
	} else
		snprintf(msg, sizeof msg, "no reply from %s within %d s%s: "
		    "the server may be slow (try a longer --timeout) or stuck",
		    c->server, (timeout_ms + 999) / 1000, part);
	client_message(c, CLIENT_MSG_ERROR, "%s", msg);
	record_comment(c, msg);
	if (!c->failed)
		c->failed = EXIT_FAILED;
}

int
client_timeout_left(const struct client *c)
{
	double	sent, left;

	if (!c->connected || c->s == NULL ||
	    (sent = session_oldest_sent_ms(c->s)) < 0)
		return -1;
	left = sent + c->o.timeout_s * 1000.0 - net_clock_ms();
	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left + 1;
}

int
client_check_timeout(struct client *c)
{
	if (client_timeout_left(c) != 0)
		return 0;
	/* RFC 5321 4.5.3.2: a client gives up on a server that does not
	 * answer; the same words as client_wait(), then the end */
	timed_out(c, c->o.timeout_s * 1000);
	lost(c, "", 0);
	return 1;
}

int
client_wait(struct client *c, int timeout_ms)
{
	double	deadline;
	int	left, rc;

	if (timeout_ms < 0)
		timeout_ms = c->o.timeout_s * 1000;
	deadline = net_clock_ms() + timeout_ms;
	for (;;) {
		/* what was written goes out before the wait */
		if (client_flush(c) == -1)
			return -1;
		if (!c->connected || session_pending(c->s) == 0)
			break;
		if (!client_has_buffered(c)) {
			left = (int)(deadline - net_clock_ms());
			if (left <= 0) {
				timed_out(c, timeout_ms);
				return -2;
			}
			rc = net_wait(c->conn.fd, POLLIN, left);
			if (rc == 0)
				continue;
			if (rc < 0) {
				lost(c, "poll failed", 0);
				return -1;
			}
		}
		if (client_on_readable(c) == -1)
			return -1;
	}
	return c->connected ? 0 : -1;
}

/* The STARTTLS handshake, once its 220 has arrived (RFC 3207 4). */
static int
client_tls_upgrade(struct client *c)
{
	if (!c->connected)
		return -1;
	if (c->conn.tls != NULL) {
		client_message(c, CLIENT_MSG_ERROR, "TLS is already active");
		return -1;
	}
	return start_tls(c, "starttls");
}

/* The log is a session file in a temporary file: copy it. */
int
client_save(struct client *c, const char *path)
{
	FILE	*out;
	char	 buf[8192];
	size_t	 n;
	long	 end;
	int	 rc = 0;

	if (c->logf == NULL || c->log == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "cannot save to %s: this "
		    "session is not being kept", path);
		return -1;
	}
	if ((out = fopen(path, "w")) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "cannot write %s: %s", path,
		    strerror(errno));
		return -1;
	}
	fflush(c->logf);
	end = ftell(c->logf);
	rewind(c->logf);
	while ((n = fread(buf, 1, sizeof buf, c->logf)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	fseek(c->logf, end, SEEK_SET);
	if (fclose(out) != 0)
		rc = -1;
	if (rc == -1)
		client_message(c, CLIENT_MSG_ERROR, "cannot write %s: %s", path,
		    strerror(errno));
	else
		client_message(c, CLIENT_MSG_INFO, "session saved to %s", path);
	return rc;
}

struct session *
client_session(struct client *c)
{
	return c->s;
}

const enum state *
client_state_trail(const struct client *c, size_t *n)
{
	*n = c->ntrail;
	return c->trail;
}

int
client_show_secrets(const struct client *c)
{
	return c->o.show_secrets;
}

const struct conn *
client_conn(const struct client *c)
{
	return &c->conn;
}

const char *
client_server_name(const struct client *c)
{
	return c->server;
}

int
client_reply_rcpt(const struct client *c, const char **rcpt, size_t *index,
    size_t *count)
{
	if (c->answer == NULL || c->answer->rcpt_count == 0)
		return 0;
	*rcpt = c->answer->rcpt;
	*index = c->answer->rcpt_index;
	*count = c->answer->rcpt_count;
	return 1;
}

int
client_reply_pipelined(const struct client *c)
{
	return c->answer != NULL && c->answer->later > 0;
}

const char *
client_practice(const struct client *c)
{
	return c->o.practice;
}

const char *
client_route(const struct client *c)
{
	return c->route;
}

const char *
client_tls_summary(const struct client *c)
{
	return c->conn.tls != NULL ? c->tls_sum : "";
}

void
client_set_raw(struct client *c, int on)
{
	c->raw = on;
}

int
client_raw(const struct client *c)
{
	return c->raw;
}

enum exitcode
client_failed(const struct client *c)
{
	return c->failed;
}

const char *
client_shown_line(int show_secrets, const char *line, enum client_line kind,
    char *buf, size_t size)
{
	if (show_secrets || kind == CLIENT_LINE_BODY)
		return line;
	/* RFC 4954 4: every line answering a 334 may carry credentials */
	if (kind == CLIENT_LINE_SECRET)
		return SCRIPT_MASK;
	return transcript_mask_auth(line, buf, size) ? buf : line;
}
