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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "message.h"
#include "tls.h"
#include "transcript.h"
#include "verbs.h"

struct client {
	struct client_opts	 o;
	const struct client_ops	*ops;
	void			*arg;
	struct conn		 conn;
	int			 connected;
	int			 failed;
	int			 raw;
	int			 starttls_sent;	/* automatic STARTTLS done */
	struct reply_parser	*rp;
	struct session		*s;
	struct transcript	*rec;		/* --record FILE */
	struct transcript	*log;		/* always-on log for :save */
	FILE			*logf;		/* its temporary file */
	char			 server[300];
	char			 tls_sum[256];
};

static double	now_ms(void);
static int	write_line(struct client *, const char *, size_t);
static void	record_command(struct client *, const char *, enum annotate_ctx);
static void	dispatch(struct client *);
static void	lost(struct client *, const char *, int);
static void	after_reply(struct client *, const struct reply *,
		    const char *, enum annotate_ctx, int *);
static int	is_verb(const char *, enum verb_id);

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

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
	if (strchr(o->host, ':') != NULL)
		snprintf(c->server, sizeof c->server, "[%s]:%s", o->host, o->port);
	else
		snprintf(c->server, sizeof c->server, "%s:%s", o->host, o->port);
	return c;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->conn.tls != NULL)
		tls_free(c->conn.tls);
	if (c->conn.fd != -1)
		close(c->conn.fd);
	reply_parser_free(c->rp);
	session_free(c->s);
	transcript_close(c->rec);
	transcript_close(c->log);
	if (c->logf != NULL)
		fclose(c->logf);
	free(c);
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

static void
notify_state(struct client *c)
{
	if (c->ops->state != NULL)
		c->ops->state(c->arg);
}

static int
is_verb(const char *line, enum verb_id id)
{
	const struct verb_info *v;

	if (line == NULL)
		return 0;
	v = verbs_identify(line);
	return v != NULL && v->id == id;
}

static int
start_tls(struct client *c, const char *what)
{
	struct tls_opts	 to;
	char		 err[512];
	struct tls	*t;

	memset(&to, 0, sizeof to);
	to.servername = c->o.host;
	to.cafile = c->o.cafile;
	to.insecure = c->o.insecure;
	t = tls_start(c->conn.fd, &to, c->o.timeout_s * 1000, err, sizeof err);
	if (t == NULL) {
		lost(c, "", 0);
		client_message(c, CLIENT_MSG_ERROR, "TLS handshake with %s "
		    "failed: %s", c->server, err);
		c->failed = 3;
		return -1;
	}
	c->conn.tls = t;
	tls_summary(t, c->tls_sum, sizeof c->tls_sum);
	session_set_tls(c->s, 1);
	client_message(c, CLIENT_MSG_INFO, "TLS (%s): %s", what, c->tls_sum);
	transcript_tls(c->rec, what, c->tls_sum);
	transcript_tls(c->log, what, c->tls_sum);
	notify_state(c);
	return 0;
}

int
client_connect(struct client *c)
{
	char	err[512], peer[64];
	int	fd;

	if (c->o.record != NULL) {
		c->rec = transcript_open(c->o.record, c->server,
		    c->o.show_secrets, c->o.latency_comments, err, sizeof err);
		if (c->rec == NULL) {
			client_message(c, CLIENT_MSG_ERROR, "%s", err);
			c->failed = 1;
			return NET_ERR_USAGE;
		}
	}
	if (c->o.session_log && (c->logf = tmpfile()) != NULL)
		c->log = transcript_fopen(c->logf, 0, c->server,
		    c->o.show_secrets, c->o.latency_comments);

	fd = net_connect(c->o.host, c->o.port, c->o.family,
	    c->o.timeout_s * 1000, err, sizeof err);
	if (fd < 0) {
		client_message(c, CLIENT_MSG_ERROR, "%s", err);
		transcript_comment(c->rec, err);
		c->failed = 3;
		return fd;
	}
	c->conn.fd = fd;
	c->connected = 1;
	if ((c->rp = reply_parser_new()) == NULL ||
	    (c->s = session_new(now_ms())) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory");
		c->failed = 1;
		return NET_ERR_IO;
	}
	net_peer_name(fd, peer, sizeof peer);
	client_message(c, CLIENT_MSG_INFO, "connected to %s (%s)", c->server,
	    peer);
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
	if (!c->connected)
		return;
	if (c->conn.tls != NULL) {
		tls_free(c->conn.tls);
		c->conn.tls = NULL;
	}
	close(c->conn.fd);
	c->conn.fd = -1;
	c->connected = 0;
	if (!normal && !c->failed)
		c->failed = 1;
	if (*msg != '\0') {
		client_message(c, normal ? CLIENT_MSG_INFO : CLIENT_MSG_ERROR,
		    "%s", msg);
		transcript_comment(c->rec, msg);
		transcript_comment(c->log, msg);
	}
	if (c->s != NULL)
		session_on_close(c->s);
	notify_state(c);
}

/* What the engine itself does after some replies: the STARTTLS upgrade
 * and the automatic STARTTLS of --starttls. */
static void
after_reply(struct client *c, const struct reply *r, const char *command,
    enum annotate_ctx ctx, int *upgraded)
{
	const struct session_caps *caps = session_caps(c->s);

	if (ctx == ANNOTATE_COMMAND && is_verb(command, VERB_STARTTLS) &&
	    r->code == 220) {
		if (client_tls_upgrade(c) == 0)
			*upgraded = 1;
		return;
	}
	if (c->o.starttls && !session_tls(c->s) && !c->starttls_sent &&
	    ctx == ANNOTATE_COMMAND && is_verb(command, VERB_EHLO) &&
	    r->code == 250) {
		c->starttls_sent = 1;
		if (!caps->starttls) {
			client_message(c, CLIENT_MSG_ERROR, "%s does not offer "
			    "STARTTLS (not in its EHLO reply): ending the "
			    "session", c->server);
			c->failed = 3;
			client_send(c, "QUIT");
			return;
		}
		client_send(c, "STARTTLS");
	}
}

/* Hand every complete reply to the session, the transcripts and the
 * front end, in order. */
static void
dispatch(struct client *c)
{
	struct reply		*r;
	const char		*command;
	enum annotate_ctx	 ctx;
	double			 sent, ms;
	int			 upgraded = 0;
	size_t			 junk = 0;

	while ((r = reply_parser_next(c->rp)) != NULL) {
		if (upgraded) {
			/* RFC 3207 5 (and the plaintext injection attacks
			 * it invites): nothing read before the handshake
			 * may be taken as said under TLS. */
			junk += r->rawlen;
			reply_free(r);
			continue;
		}
		session_on_reply(c->s, r, &command, &ctx, &sent);
		ms = now_ms() - sent;
		transcript_reply(c->rec, r, ms);
		transcript_reply(c->log, r, ms);
		if (c->ops->reply != NULL)
			c->ops->reply(c->arg, r, command, ctx, ms);
		after_reply(c, r, command, ctx, &upgraded);
		reply_free(r);
		notify_state(c);
		if (!c->connected)
			break;
	}
	if (upgraded && (junk > 0 || reply_parser_pending(c->rp) > 0)) {
		junk += reply_parser_pending(c->rp);
		client_message(c, CLIENT_MSG_WARNING, "the server sent %zu "
		    "bytes after its 220 reply to STARTTLS, before the TLS "
		    "handshake: discarded (RFC 3207 5)", junk);
	}
	if (upgraded) {
		reply_parser_free(c->rp);
		c->rp = reply_parser_new();
		if (c->o.starttls && c->connected) {
			char line[300];
			snprintf(line, sizeof line, "EHLO %s",
			    session_helo_name(c->s)[0] ?
			    session_helo_name(c->s) : "localhost");
			client_send(c, line);
		}
	}
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
			normal = n == NET_ERR_CLOSED &&
			    session_state(c->s) == SESSION_QUIT;
			if (n == NET_ERR_CLOSED && !normal)
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

static int
write_bytes(struct client *c, const char *buf, size_t len)
{
	char	err[512];
	int	rc;

	if (!c->connected) {
		client_message(c, CLIENT_MSG_ERROR, "not connected: nothing sent");
		return -1;
	}
	rc = conn_write(&c->conn, buf, len, c->o.timeout_s * 1000, err,
	    sizeof err);
	if (rc != 0) {
		lost(c, err, 0);
		return -1;
	}
	return 0;
}

static int
write_line(struct client *c, const char *line, size_t len)
{
	char	*buf;
	int	 rc;

	if ((buf = malloc(len + 2)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory");
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = '\r';
	buf[len + 1] = '\n';
	rc = write_bytes(c, buf, len + 2);
	free(buf);
	return rc;
}

static void
record_command(struct client *c, const char *line, enum annotate_ctx kind)
{
	transcript_command(c->rec, line, kind);
	transcript_command(c->log, line, kind);
}

int
client_send(struct client *c, const char *line)
{
	enum annotate_ctx	kind = ANNOTATE_COMMAND;

	if (!c->connected) {
		client_message(c, CLIENT_MSG_ERROR, "not connected: nothing sent");
		return -1;
	}
	if (session_in_body(c->s)) {
		if (strcmp(line, ".") == 0)
			return client_send_body_end(c);
		return client_send_body_line(c, line, strlen(line));
	}
	if (session_expected_state(c->s) == SESSION_DATA &&
	    session_state(c->s) != SESSION_DATA) {
		client_message(c, CLIENT_MSG_WARNING, "waiting for the 354 "
		    "reply to DATA: type the body once it has arrived "
		    "(RFC 2920 3.1); line not sent");
		return -1;
	}
	if (session_in_sasl(c->s))
		kind = ANNOTATE_AUTH_STEP;
	if (write_line(c, line, strlen(line)) == -1)
		return -1;
	session_on_send(c->s, line, kind, now_ms());
	record_command(c, line, kind);
	if (c->ops->sent != NULL)
		c->ops->sent(c->arg, line, kind == ANNOTATE_AUTH_STEP ?
		    CLIENT_LINE_SECRET : CLIENT_LINE_COMMAND);
	notify_state(c);
	return 0;
}

int
client_send_body_line(struct client *c, const char *line, size_t len)
{
	char	*buf, *shown;
	size_t	 n;
	int	 rc;

	if (!c->connected || !session_in_body(c->s)) {
		client_message(c, CLIENT_MSG_ERROR, "no message body is "
		    "expected now (DATA was not answered 354): line not sent");
		return -1;
	}
	if ((buf = message_stuff_line(line, len, &n)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory");
		return -1;
	}
	rc = write_bytes(c, buf, n);
	free(buf);
	if (rc == -1)
		return -1;
	if ((shown = strndup(line, len)) == NULL)
		return 0;
	transcript_body(c->rec, shown);
	transcript_body(c->log, shown);
	if (c->ops->sent != NULL)
		c->ops->sent(c->arg, shown, CLIENT_LINE_BODY);
	free(shown);
	return 0;
}

/* RFC 5321 4.1.1.4: the body ends with CRLF "." CRLF. */
int
client_send_body_end(struct client *c)
{
	if (!c->connected || !session_in_body(c->s)) {
		client_message(c, CLIENT_MSG_ERROR, "no message body is "
		    "being sent: \".\" not sent");
		return -1;
	}
	if (write_bytes(c, ".\r\n", 3) == -1)
		return -1;
	session_on_send(c->s, ".", ANNOTATE_DATA_END, now_ms());
	transcript_body(c->rec, ".");
	transcript_body(c->log, ".");
	if (c->ops->sent != NULL)
		c->ops->sent(c->arg, ".", CLIENT_LINE_BODY);
	notify_state(c);
	return 0;
}

/* RFC 3030 2: "BDAT" SP chunk-size [SP end-marker] CRLF, then exactly
 * chunk-size octets. */
int
client_send_bdat(struct client *c, const char *chunk, size_t len, int last)
{
	char	line[64], note[96];

	snprintf(line, sizeof line, "BDAT %zu%s", len, last ? " LAST" : "");
	if (write_line(c, line, strlen(line)) == -1 ||
	    (len > 0 && write_bytes(c, chunk, len) == -1))
		return -1;
	session_on_send(c->s, line, ANNOTATE_BDAT, now_ms());
	record_command(c, line, ANNOTATE_BDAT);
	snprintf(note, sizeof note, "(%zu octets of chunk data sent)", len);
	if (c->ops->sent != NULL) {
		c->ops->sent(c->arg, line, CLIENT_LINE_COMMAND);
		c->ops->sent(c->arg, note, CLIENT_LINE_BODY);
	}
	notify_state(c);
	return 0;
}

int
client_wait(struct client *c, int timeout_ms)
{
	double	deadline;
	int	left, rc;

	if (timeout_ms < 0)
		timeout_ms = c->o.timeout_s * 1000;
	deadline = now_ms() + timeout_ms;
	while (c->connected && session_pending(c->s) > 0) {
		if (!client_has_buffered(c)) {
			left = (int)(deadline - now_ms());
			if (left <= 0) {
				client_message(c, CLIENT_MSG_ERROR, "no reply "
				    "from %s within %d s", c->server,
				    (timeout_ms + 999) / 1000);
				if (!c->failed)
					c->failed = 1;
				return -2;
			}
			rc = net_wait_readable(c->conn.fd, left);
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

int
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

int
client_failed(const struct client *c)
{
	return c->failed;
}
