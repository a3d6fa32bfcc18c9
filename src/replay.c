/*
 * replay.c -- drive a server from a session file and check its replies.
 *
 * The file is read twice, both times streaming: script_validate() checks
 * it whole before anything is sent, then the events are played one by one.
 * Replies arrive through the client's reply callback and wait in a small
 * queue (at most one PIPELINING group) until the S: lines that expect them
 * are read.  Grammar and rules: docs/session-format.md.  Nothing here
 * prints: lines sent, results, errors and the summary go to the front end
 * through struct replay_ops.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "annotate.h"
#include "client.h"
#include "net.h"
#include "replay.h"
#include "reply.h"
#include "script.h"
#include "session.h"

/*
 * A reply received and not yet compared: a copy, in buffers the slot keeps
 * for the next reply (replies come and go by the thousand; their sizes
 * hardly change).
 */
struct got {
	struct reply		 r;		/* lines[].text point into text */
	enum annotate_ctx	 ctx;
	const char		*command;	/* the line it answers (cmd), or NULL */
	const char		*rcpt;		/* LMTP: its recipient (rcptbuf),
						   or NULL */
	size_t			 rcpt_index, rcpt_count;
	char			*cmd, *rcptbuf;
	char			*text;		/* every line's text, NUL after each */
	size_t			 linecap, textcap, rawcap, cmdcap, rcptcap;
};

struct replay {
	const struct replay_opts *o;
	const struct replay_ops	*ops;
	void			*arg;
	struct script		*sc;
	struct script_info	 info;
	struct client		*c;
	struct net_target	 target;	/* the file's server, when no
						   other is given */

	struct got		*q;		/* ring of received replies */
	size_t			 qhead, qlen, qcap;
	struct got		 spare;		/* one taken out of the ring */

	int			 stop;		/* stop at the next event */
	unsigned long		 tests, failed;
	unsigned long		 secret;	/* masked lines seen */
	enum exitcode		 status;	/* the worst so far */
	char			 last[512];	/* last C: line, as in the file */
	int			 last_unsent;	/* it was not sent */
};

static void	on_sent(void *, const char *, enum client_line);
static void	on_reply(void *, const struct reply *, const char *,
		    enum annotate_ctx, double);
static void	on_message(void *, enum client_msg, const char *);
static void	keep_text(char *, size_t, const char *, size_t);
static int	got_string(char **, size_t *, const char *, const char **);
static void	replay_error(struct replay *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static enum exitcode replay_connection(struct replay *, int, struct client **);

static const struct client_ops replay_client_ops = {
	.sent = on_sent,
	.reply = on_reply,
	.message = on_message,
};

/* A live connection handed over waits for its new driver with these. */
static const struct client_ops replay_no_ops;

/* --- received replies --------------------------------------------------- */

/* At least need bytes in *buf (of *cap).  0 or -1. */
static int
got_room(char **buf, size_t *cap, size_t need)
{
	char *nb;

	if (need <= *cap)
		return 0;
	if ((nb = realloc(*buf, need)) == NULL)
		return -1;
	*buf = nb;
	*cap = need;
	return 0;
}

/* Copy reply r (answering command, in ctx) into g, reusing its buffers. */
static int
got_copy(struct got *g, const struct reply *r, const char *command,
    enum annotate_ctx ctx, const struct client *c)
{
	struct reply_line *nl;
	const char *rcpt = NULL;
	size_t i, text = 0;
	char *t;

	for (i = 0; i < r->nlines; i++)
		text += r->lines[i].len + 1;
	if (r->nlines > g->linecap) {
		if ((nl = reallocarray(g->r.lines, r->nlines,
		    sizeof *nl)) == NULL)
			return -1;
		g->r.lines = nl;
		g->linecap = r->nlines;
	}
	if (got_room(&g->text, &g->textcap, text) == -1 ||
	    got_room(&g->r.raw, &g->rawcap, r->rawlen + 1) == -1)
		return -1;
	g->r.code = r->code;
	memcpy(g->r.enhanced, r->enhanced, sizeof g->r.enhanced);
	g->r.faults = r->faults;
	g->r.nlines = r->nlines;
	g->ctx = ctx;
	/* the bytes as received: reports quote them (reply_line_raw()) */
	if (r->raw != NULL)
		memcpy(g->r.raw, r->raw, r->rawlen);
	g->r.raw[r->rawlen] = '\0';
	g->r.rawlen = r->rawlen;
	for (i = 0, t = g->text; i < r->nlines; i++) {
		g->r.lines[i] = r->lines[i];
		g->r.lines[i].text = t;
		memcpy(t, r->lines[i].text, r->lines[i].len);
		t[r->lines[i].len] = '\0';
		t += r->lines[i].len + 1;
	}
	/* RFC 2033 4.2: the recipient an LMTP reply is for */
	g->rcpt_index = g->rcpt_count = 0;
	if (!client_reply_rcpt(c, &rcpt, &g->rcpt_index, &g->rcpt_count))
		rcpt = NULL;
	if (got_string(&g->cmd, &g->cmdcap, command, &g->command) == -1 ||
	    got_string(&g->rcptbuf, &g->rcptcap, rcpt, &g->rcpt) == -1)
		return -1;
	return 0;
}

/* A copy of s (or NULL) into *to, in *buf kept for the next.  0 or -1. */
static int
got_string(char **buf, size_t *cap, const char *s, const char **to)
{
	size_t len;

	*to = NULL;
	if (s == NULL)
		return 0;
	len = strlen(s);
	if (got_room(buf, cap, len + 1) == -1)
		return -1;
	memcpy(*buf, s, len + 1);
	*to = *buf;
	return 0;
}

static void
got_free(struct got *g)
{
	free(g->r.lines);
	free(g->r.raw);
	free(g->text);
	free(g->cmd);
	free(g->rcptbuf);
	memset(g, 0, sizeof *g);
}

static int
queue_push(struct replay *rp, const struct reply *r, const char *command,
    enum annotate_ctx ctx)
{
	struct got *nq;
	size_t i, ncap;

	if (rp->qlen == rp->qcap) {
		ncap = rp->qcap ? rp->qcap * 2 : 16;
		if ((nq = calloc(ncap, sizeof *nq)) == NULL)
			return -1;
		for (i = 0; i < rp->qcap; i++)
			nq[i] = rp->q[(rp->qhead + i) % rp->qcap];
		free(rp->q);
		rp->q = nq;
		rp->qcap = ncap;
		rp->qhead = 0;
	}
	if (got_copy(&rp->q[(rp->qhead + rp->qlen) % rp->qcap], r, command,
	    ctx, rp->c) == -1)
		return -1;
	rp->qlen++;
	return 0;
}

/* Take the oldest reply into *g, whose buffers the ring keeps instead.
 * 0, or -1 when none waits. */
static int
queue_pop(struct replay *rp, struct got *g)
{
	struct got t;

	if (rp->qlen == 0)
		return -1;
	t = *g;
	*g = rp->q[rp->qhead];
	rp->q[rp->qhead] = t;
	rp->qhead = (rp->qhead + 1) % rp->qcap;
	rp->qlen--;
	return 0;
}

/* Forget the replies waiting (their slots stay for the next ones). */
static void
queue_clear(struct replay *rp)
{
	rp->qhead = rp->qlen = 0;
}

/* The end: every buffer goes. */
static void
queue_free(struct replay *rp)
{
	size_t i;

	for (i = 0; i < rp->qcap; i++)
		got_free(&rp->q[i]);
	free(rp->q);
	got_free(&rp->spare);
}

/* --- client callbacks --------------------------------------------------- */

static void
on_sent(void *arg, const char *line, enum client_line kind)
{
	struct replay *rp = arg;

	if (rp->ops->sent != NULL)
		rp->ops->sent(rp->arg, line, kind);
}

static void
on_reply(void *arg, const struct reply *r, const char *command,
    enum annotate_ctx ctx, double ms)
{
	struct replay *rp = arg;

	(void)ms;
	if (queue_push(rp, r, command, ctx) == -1) {
		replay_error(rp, "out of memory");
		rp->status = EXIT_CONNECT;
		rp->stop = 1;
	}
}

static void
on_message(void *arg, enum client_msg kind, const char *text)
{
	struct replay *rp = arg;

	if (rp->ops->message != NULL)
		rp->ops->message(rp->arg, kind, text);
}

/* Keep a line of the file for the reports that may name it (the file's
 * line buffer is reused): cut to size, up to a NUL it may hold. */
static void
keep_text(char *dst, size_t size, const char *src, size_t len)
{
	const char *nul;

	if (len >= size)
		len = size - 1;
	if ((nul = memchr(src, '\0', len)) != NULL)
		len = (size_t)(nul - src);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* One error line for the front end. */
static void
replay_error(struct replay *rp, const char *fmt, ...)
{
	va_list	ap;
	char	buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	on_message(rp, CLIENT_MSG_ERROR, buf);
}

/* --- matching ----------------------------------------------------------- */

int
replay_match_line(const struct script_event *exp, const char *got,
    size_t gotlen, int first, int strict, char *why, size_t whylen)
{
	const char *code = exp->code, *esc = exp->enhanced;
	char gesc[12];
	int gcode = 0;
	size_t i;

	for (i = 0; i < 3 && i < gotlen; i++) {
		if (!isdigit((unsigned char)got[i]))
			break;
		gcode = gcode * 10 + (got[i] - '0');
	}
	if (i < 3)
		gcode = 0;
	if (!script_code_match(code, gcode)) {
		snprintf(why, whylen, "expected %s", code);
		return 0;
	}
	if (first && esc[0] != '\0') {
		gesc[0] = '\0';
		if (gotlen > 4)
			reply_parse_enhanced(got + 4, gotlen - 4, gesc);
		if (strcmp(esc, gesc) != 0) {
			snprintf(why, whylen, "expected enhanced code %s, got "
			    "%s", esc, gesc[0] ? gesc : "none");
			return 0;
		}
	}
	if (strict && (exp->len != gotlen ||
	    memcmp(exp->text, got, gotlen) != 0)) {
		snprintf(why, whylen, "the text differs (--strict)");
		return 0;
	}
	return 1;
}

/* Count one expectation and report it: ok, or the mismatch. */
static void
report(struct replay *rp, unsigned long line, const char *exp,
    const struct got *g, int ok, const char *why)
{
	struct replay_result res;

	rp->tests++;
	if (!ok)
		rp->failed++;
	if (rp->ops->result == NULL)
		return;
	memset(&res, 0, sizeof res);
	res.file = script_name(rp->sc);
	res.test = rp->tests;
	res.line = line;
	res.ok = ok;
	res.why = ok ? "" : why;
	res.expected = exp;
	/* no C: line yet on this connection: the greeting */
	res.after = rp->last[0] != '\0' ? rp->last : NULL;
	res.after_unsent = rp->last_unsent;
	if (g != NULL) {
		res.reply = &g->r;
		res.command = g->command;
		res.ctx = g->ctx;
		res.rcpt = g->rcpt;
		res.rcpt_index = g->rcpt_index;
		res.rcpt_count = g->rcpt_count;
	}
	rp->ops->result(rp->arg, &res);
}

/* --- the connection ----------------------------------------------------- */

static int
closed(struct replay *rp)
{
	return client_fd(rp->c) < 0;
}

/*
 * Read from the server until a reply waits in the queue, or nothing more
 * can come (nothing pending, connection closed, timeout).  0 when a reply
 * is queued, -1 otherwise.
 */
static int
await_reply(struct replay *rp)
{
	struct session *s;
	int rc, left, timeout = rp->o->client.timeout_s > 0 ?
	    rp->o->client.timeout_s * 1000 : 30000;
	/* One deadline for the whole reply: a server that trickles bytes
	 * without ever ending its reply must time out too. */
	double deadline = net_clock_ms() + timeout;

	while (rp->qlen == 0) {
		/* What was written goes out before the wait, in one write (a
		 * body and its ".", a PIPELINING group).  When the write
		 * fails, what the server said before it closed is queued. */
		if (client_flush(rp->c) == -1)
			continue;
		if (closed(rp))
			return -1;
		s = client_session(rp->c);
		if (!client_has_buffered(rp->c)) {
			/* Nothing sent awaits a reply, and the greeting is in. */
			if (session_pending(s) == 0 &&
			    session_state(s) != STATE_CONNECTED)
				return -1;
			left = (int)(deadline - net_clock_ms());
			rc = left > 0 ? net_wait(client_fd(rp->c), POLLIN,
			    left) : 0;
			/* no greeting: the engine says so and ends the
			 * session; the connection could not be set up (3).
			 * Its deadline (from the connection) may fall a
			 * fraction of a millisecond after this wait: wait
			 * for it. */
			if (rc == 0 && session_state(s) == STATE_CONNECTED) {
				if (client_check_timeout(rp->c))
					return -1;
				deadline = net_clock_ms() +
				    client_timeout_left(rp->c) + 1;
				continue;
			}
			if (rc == 0) {
				replay_error(rp, "no reply from %s within %d s: "
				    "the server may be slow (try a longer "
				    "--timeout) or stuck",
				    client_server_name(rp->c), timeout / 1000);
				return -1;
			}
			if (rc < 0)
				return -1;
		}
		if (client_on_readable(rp->c) == -1 && rp->qlen == 0)
			return -1;
	}
	return 0;
}

/* Wait until every line sent has its reply (not PIPELINING). */
static void
await_all(struct replay *rp)
{
	while (!closed(rp) && session_pending(client_session(rp->c)) > 0)
		if (client_wait(rp->c, -1) != 0)
			break;
}

/* Replies nobody expected, found at a group boundary or at the end. */
static void
report_unexpected(struct replay *rp, unsigned long line)
{
	while (!rp->stop && queue_pop(rp, &rp->spare) == 0) {
		report(rp, line, "(no reply expected here)", &rp->spare, 0,
		    "unexpected reply");
		rp->status = EXIT_FAILED;
		if (!rp->o->keep_going)
			rp->stop = 1;
	}
	queue_clear(rp);
}

/* Send a C: line, with its masked secret filled in. */
static int
send_command(struct replay *rp, const char *text)
{
	const char *secret;
	char *line;
	size_t n, m = sizeof SCRIPT_MASK - 1;
	int rc;

	keep_text(rp->last, sizeof rp->last, text, strlen(text));
	rp->last_unsent = 0;
	if (!script_is_masked(text))
		return client_send(rp->c, text);
	rp->secret++;
	if ((secret = script_secret(rp->secret)) == NULL)
		return -1;	/* checked by script_validate() */
	n = strlen(text) - m;
	if ((line = malloc(n + strlen(secret) + 1)) == NULL)
		return -1;
	memcpy(line, text, n);
	memcpy(line + n, secret, strlen(secret) + 1);
	rc = client_send(rp->c, line);
	OPENSSL_cleanse(line, n + strlen(secret));
	free(line);
	return rc;
}

/* RSET between two runs of the transaction part (--repeat). */
static void
repeat_rset(struct replay *rp, unsigned long run)
{
	int ok;
	char why[128];

	report_unexpected(rp, rp->info.repeat_line);
	if (rp->stop)
		return;
	/* RFC 5321 4.1.1.5: RSET aborts any transaction; 250 expected. */
	snprintf(rp->last, sizeof rp->last, "RSET");
	if (client_send(rp->c, "RSET") == -1 || await_reply(rp) == -1) {
		report(rp, rp->info.repeat_line, "250 (RSET before a repeat)",
		    NULL, 0, "no reply to RSET");
		rp->status = EXIT_FAILED;
		rp->stop = 1;
		return;
	}
	queue_pop(rp, &rp->spare);
	ok = script_code_match("250", rp->spare.r.code);
	snprintf(why, sizeof why, "expected 250 to RSET before run %lu", run);
	report(rp, rp->info.repeat_line, "250 (RSET before a repeat)",
	    &rp->spare, ok, why);
	if (!ok) {
		rp->status = EXIT_FAILED;
		if (!rp->o->keep_going)
			rp->stop = 1;
	}
}

/* Handle one S: line: start, continue or finish an expectation. */
struct expect {
	int		 open;		/* inside a multi-line expectation */
	int		 ok;
	unsigned long	 line;
	size_t		 index;		/* reply line to compare next */
	struct got	 g;
	int		 have;		/* g holds a reply */
	char		 first[600];	/* first S: text, for reports */
	char		 why[160];
};

static void
expect_line(struct replay *rp, struct expect *x, const struct script_event *ev)
{
	const char *got;
	size_t n;

	if (!x->open) {
		/* x->g keeps its buffers for the next reply */
		x->open = 1;
		x->ok = 1;
		x->have = 0;
		x->index = 0;
		x->why[0] = '\0';
		x->line = ev->line;
		keep_text(x->first, sizeof x->first, ev->text, ev->len);
		if (await_reply(rp) == 0) {
			queue_pop(rp, &x->g);
			x->have = 1;
		} else {
			x->ok = 0;
			snprintf(x->why, sizeof x->why, "no reply came%s",
			    closed(rp) ? " (the connection is closed)" : "");
		}
	}
	if (x->ok && x->have) {
		if (x->index >= x->g.r.nlines) {
			if (rp->o->strict) {
				x->ok = 0;
				snprintf(x->why, sizeof x->why, "the reply has "
				    "fewer lines (--strict)");
			}
		} else if ((got = reply_line_raw(&x->g.r, x->index,
		    &n)) != NULL) {
			/* the line as received, not rebuilt from its code */
			if (x->index == 0 || rp->o->strict)
				x->ok = replay_match_line(ev, got, n,
				    x->index == 0, rp->o->strict, x->why,
				    sizeof x->why);
		}
	}
	x->index++;
	if (ev->sep == '-')
		return;
	/* The last line of the expectation.  A reply the end of the
	 * connection cut short is none a server sends: never a match. */
	if (x->ok && x->have && (x->g.r.faults & REPLY_FAULT_INCOMPLETE)) {
		x->ok = 0;
		snprintf(x->why, sizeof x->why, "the reply was cut short: the "
		    "connection closed inside it");
	}
	if (x->ok && x->have && rp->o->strict && x->index < x->g.r.nlines) {
		x->ok = 0;
		snprintf(x->why, sizeof x->why, "the reply has more lines "
		    "(--strict)");
	}
	report(rp, x->line, x->first, x->have ? &x->g : NULL, x->ok, x->why);
	x->open = 0;
	if (!x->ok) {
		rp->status = EXIT_FAILED;
		if (!rp->o->keep_going)
			rp->stop = 1;
	}
}

/* Play one event of the script. */
static void
play_event(struct replay *rp, struct expect *x, const struct script_event *ev,
    int *prev, int *body_skipped)
{
	switch (ev->tag) {
	case SCRIPT_CLIENT:
		if (*prev != SCRIPT_CLIENT && *prev != SCRIPT_DATA) {
			/* A new group: every reply to the lines sent so far
			 * must have had its S: line. */
			await_all(rp);
			report_unexpected(rp, ev->line);
		}
		else if (!session_caps(client_session(rp->c))->pipelining)
			/* RFC 2920 3.1: without PIPELINING, one command at
			 * a time. */
			await_all(rp);
		if (rp->stop || closed(rp)) {
			/* the S: lines after it name it, not sent */
			keep_text(rp->last, sizeof rp->last, ev->text,
			    ev->len);
			rp->last_unsent = 1;
			break;
		}
		*body_skipped = 0;
		if (send_command(rp, ev->text) == -1)
			rp->last_unsent = 1;
		break;
	case SCRIPT_DATA:
		if (closed(rp))
			break;
		if (!session_in_body(client_session(rp->c))) {
			/* DATA was refused: never send the body as commands. */
			if (!*body_skipped)
				replay_error(rp, "%s:%lu: body not sent: the "
				    "server did not accept DATA",
				    script_name(rp->sc), ev->line);
			*body_skipped = 1;
			break;
		}
		if (ev->len == 1 && ev->text[0] == '.')
			keep_text(rp->last, sizeof rp->last,
			    "(end of the body)", 17);
		client_send(rp->c, ev->text);
		break;
	case SCRIPT_SERVER:
		expect_line(rp, x, ev);
		break;
	case SCRIPT_TLS:
		if (!ev->starttls)
			break;	/* implicit TLS: done at connect */
		/* The engine upgrades on the 220 to STARTTLS (RFC 3207 4). */
		if (closed(rp) || !session_tls(client_session(rp->c))) {
			replay_error(rp, "%s:%lu: TLS is not up after STARTTLS",
			    script_name(rp->sc), ev->line);
			rp->status = EXIT_CONNECT;
			rp->stop = 1;
		}
		break;
	}
	*prev = ev->tag;
}

/*
 * Play the script once over one new connection.  last: the final one;
 * then, with --interactive and the connection still open, *live gets it.
 */
static enum exitcode
replay_connection(struct replay *rp, int last, struct client **live)
{
	struct client_opts co = rp->o->client;
	struct script_event ev;
	struct expect x;
	char err[512];
	unsigned long run = 1, line = 0;
	int rc, at_end, prev = 0, body_skipped = 0;

	if (co.host == NULL && co.unix_path == NULL) {
		co.host = rp->target.path[0] == '\0' ? rp->target.host : NULL;
		co.port = rp->target.port;
		co.unix_path = rp->target.path[0] != '\0' ?
		    rp->target.path : NULL;
		co.lmtp |= rp->target.lmtp;
	}
	if (co.host != NULL && co.port == NULL)
		co.port = "25";
	if (rp->info.implicit_tls)
		co.tls = 1;
	memset(&x, 0, sizeof x);
	rp->secret = 0;
	rp->last[0] = '\0';	/* the greeting comes first */
	rp->last_unsent = 0;
	if ((rp->c = client_new(&co, &replay_client_ops, rp)) == NULL) {
		replay_error(rp, "out of memory");
		return EXIT_CONNECT;
	}
	if ((rc = client_connect(rp->c)) != 0) {
		client_free(rp->c);
		rp->c = NULL;
		/* --record FILE that cannot be written is a file error */
		if (rc == NET_ERR_USAGE) {
			rp->status = EXIT_USAGE;
			rp->stop = 1;
			return EXIT_USAGE;
		}
		return EXIT_CONNECT;
	}
	/* the engine sends when replay waits for a reply */
	client_set_batch(rp->c, 1);
	if (script_rewind(rp->sc) == -1) {
		replay_error(rp, "%s: cannot rewind", script_name(rp->sc));
		rp->status = EXIT_USAGE;
		goto out;
	}
	while (!rp->stop) {
		if ((rc = script_next(rp->sc, &ev, err, sizeof err)) == -1) {
			/* Validated before: only a file changed under us. */
			replay_error(rp, "%s", err);
			rp->status = EXIT_USAGE;
			break;
		}
		/* The end of the transaction part: run it again? */
		at_end = rc == 0 ? rp->info.repeat_end_line == 0 :
		    ev.line == rp->info.repeat_end_line;
		if (run < rp->o->repeat && at_end && !x.open) {
			repeat_rset(rp, ++run);
			if (script_seek(rp->sc, rp->info.repeat_offset,
			    rp->info.repeat_line - 1) == -1)
				break;
			rp->secret = rp->info.repeat_secret;
			prev = 0;
			continue;
		}
		if (rc == 0)
			break;
		line = ev.line;
		play_event(rp, &x, &ev, &prev, &body_skipped);
		if (rp->status == EXIT_CONNECT)
			break;
	}
	if (!rp->stop && rp->status != EXIT_USAGE) {
		/* Replies still owed to lines sent: nobody expects them. */
		if (!closed(rp))
			client_wait(rp->c, -1);
		report_unexpected(rp, line);
	}
out:
	/* what is left is sent, and a console taking the session over
	 * sends each line at once */
	client_set_batch(rp->c, 0);
	queue_clear(rp);
	got_free(&x.g);
	if (client_failed(rp->c) == EXIT_CONNECT && rp->status < EXIT_CONNECT)
		rp->status = EXIT_CONNECT;
	if (last && rp->o->interactive && !closed(rp) &&
	    rp->status != EXIT_USAGE) {
		/* the console takes it over: our callbacks end here */
		client_set_ops(rp->c, &replay_no_ops, NULL);
		*live = rp->c;
	} else
		client_free(rp->c);
	rp->c = NULL;
	return rp->status;
}

enum exitcode
replay_run(const char *path, const struct replay_opts *o,
    const struct replay_ops *ops, void *arg, struct client **live)
{
	struct replay rp;
	struct replay_summary sum;
	char err[512];
	const char *server;
	unsigned long i;
	enum exitcode rc = EXIT_OK;

	*live = NULL;
	memset(&rp, 0, sizeof rp);
	rp.o = o;
	rp.ops = ops;
	rp.arg = arg;
	if ((rp.sc = script_open(path, err, sizeof err)) == NULL) {
		replay_error(&rp, "%s", err);
		return EXIT_USAGE;
	}
	if (script_validate(rp.sc, &rp.info, err, sizeof err) == -1) {
		if (ops->invalid != NULL)
			ops->invalid(arg, err);
		rc = EXIT_USAGE;
		goto out;
	}
	/* Validated whole, then played: read twice, which a pipe cannot be.
	 * Said now, before anything is sent. */
	if (script_rewind(rp.sc) == -1) {
		replay_error(&rp, "%s: cannot read it a second time (replay "
		    "checks the whole file before it plays it): give a "
		    "regular file, not a pipe", path);
		rc = EXIT_USAGE;
		goto out;
	}
	if (o->repeat > 1 && (rp.info.repeat_line == 0 || !rp.info.repeat_ok)) {
		replay_error(&rp, "%s: --repeat: %s", path,
		    rp.info.repeat_line == 0 ? "nothing to repeat (no MAIL "
		    "command)" : "the MAIL and QUIT lines must each start a "
		    "group (follow an S: line)");
		rc = EXIT_USAGE;
		goto out;
	}
	if (o->client.host == NULL && o->client.unix_path == NULL) {
		server = rp.info.server;
		if (*server == '\0') {
			replay_error(&rp, "%s: no server: give HOST[:PORT] or "
			    "put a \"# server HOST:PORT\" line in the header",
			    path);
			rc = EXIT_USAGE;
			goto out;
		}
		/* HOST:PORT, lmtp://HOST:PORT or unix:PATH, as the
		 * engine names its server */
		if (net_parse_target(server, rp.info.implicit_tls ? "465" :
		    "25", &rp.target, err, sizeof err) != 0) {
			replay_error(&rp, "%s: %s", path, err);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (ops->start != NULL)
		ops->start(arg);
	for (i = 0; i < o->connections && !rp.stop; i++) {
		rc = replay_connection(&rp, i + 1 == o->connections, live);
		if (rc == EXIT_CONNECT)
			break;
	}
	if (ops->summary != NULL) {
		sum.file = path;
		sum.tests = rp.tests;
		sum.failed = rp.failed;
		sum.status = rc;
		ops->summary(arg, &sum);
	}
out:
	queue_free(&rp);
	script_close(rp.sc);
	return rc;
}
