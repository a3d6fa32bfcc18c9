/*
 * probe.c -- the one driver of a whole SMTP conversation without a
 * user, through the client engine (client.h): the engine parses the
 * replies, reads the EHLO capabilities, does the STARTTLS handshake and
 * the AUTH exchange, writes the transcripts and reports to whoever
 * shows them; this file only decides what to send next, waits for its
 * reply and keeps what came back.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "message.h"
#include "probe.h"

/* What the callbacks collect while a step runs, and where they pass
 * everything on to. */
struct probe_ctx {
	struct probe_result	*res;
	const struct client_ops	*show;
	void			*arg;
	int			 code;		/* the first reply since the step
						   began: the one answering it */
	int			 refused;	/* replies since then above 3xx
						   (LMTP answers the end of data
						   once per recipient) */
	char			 text[200];	/* the first line of the last
						   reply */
};

static void	probe_sent(void *, const char *, enum client_line);
static void	probe_reply(void *, const struct reply *, const char *,
		    enum annotate_ctx, double);
static void	probe_message(void *, enum client_msg, const char *);
static void	probe_state(void *);
static int	probe_step(struct client *, struct probe_ctx *, const char *);
static void	probe_failed(struct client *, struct probe_ctx *, const char *,
		    ...) __attribute__((format(printf, 3, 4)));
static void	probe_tls_result(struct client *, struct probe_result *);
static enum probe_step probe_tls_step(struct client *, struct probe_ctx *,
		    const struct probe_plan *, enum exitcode *);
static enum probe_step probe_envelope(struct client *, struct probe_ctx *,
		    const struct probe_plan *);
static enum probe_step probe_message_step(struct client *,
		    struct probe_ctx *, const struct probe_plan *);

static const struct client_ops probe_ops = {
	.sent = probe_sent,
	.reply = probe_reply,
	.message = probe_message,
	.state = probe_state,
};

/* --quit-after, in swaks' words; docs/design.md and the man page say
 * the same. */
static const struct probe_point points[] = {
	{ "connect", PROBE_CONNECT, "once connected (and, with --tls, the "
	    "handshake done): nothing read, nothing sent, the connection "
	    "closed" },
	{ "banner", PROBE_BANNER, "once the 220 greeting is read" },
	{ "tls", PROBE_TLS, "once TLS is up: with --starttls, after EHLO, "
	    "STARTTLS and the handshake, before the second EHLO; with --tls, "
	    "once the greeting is read" },
	{ "ehlo", PROBE_EHLO, "once EHLO is accepted: with --starttls, the "
	    "EHLO after the handshake" },
	{ "auth", PROBE_AUTH, "once --auth is accepted (235)" },
	{ "mail", PROBE_MAIL, "once MAIL FROM:<--from> is answered" },
	{ "rcpt", PROBE_RCPT, "once every RCPT TO:<--to> is answered" },
	{ "data", PROBE_DATA, "once the message is sent (DATA, 354, the "
	    "message, \".\") and answered: the default with --to" },
};
#define NPOINTS (sizeof points / sizeof points[0])

const struct probe_point *
probe_points(size_t *n)
{
	*n = NPOINTS;
	return points;
}

const struct probe_point *
probe_step_lookup(const char *name)
{
	size_t	i;

	for (i = 0; i < NPOINTS; i++)
		if (strcasecmp(points[i].name, name) == 0)
			return &points[i];
	return NULL;
}

static void
probe_sent(void *arg, const char *line, enum client_line kind)
{
	struct probe_ctx	*p = arg;

	if (p->show != NULL && p->show->sent != NULL)
		p->show->sent(p->arg, line, kind);
}

static void
probe_reply(void *arg, const struct reply *r, const char *command,
    enum annotate_ctx ctx, double ms)
{
	struct probe_ctx	*p = arg;
	size_t			 n = 0;

	if (p->code == 0)
		p->code = r->code;
	if (r->code >= 400)
		p->refused++;
	if (r->nlines > 0) {
		n = r->lines[0].len < sizeof p->text - 1 ? r->lines[0].len :
		    sizeof p->text - 1;
		memcpy(p->text, r->lines[0].text, n);
	}
	p->text[n] = '\0';
	if (p->show != NULL && p->show->reply != NULL)
		p->show->reply(p->arg, r, command, ctx, ms);
}

/* The first error the engine reports is why the probe stopped. */
static void
probe_message(void *arg, enum client_msg kind, const char *text)
{
	struct probe_ctx	*p = arg;

	if (kind == CLIENT_MSG_ERROR && p->res->error[0] == '\0')
		snprintf(p->res->error, sizeof p->res->error, "%s", text);
	if (p->show != NULL && p->show->message != NULL)
		p->show->message(p->arg, kind, text);
}

static void
probe_state(void *arg)
{
	struct probe_ctx	*p = arg;

	if (p->show != NULL && p->show->state != NULL)
		p->show->state(p->arg);
}

/* Send line (NULL: nothing, wait for the greeting) and wait for its
 * reply.  Returns the reply code, or 0 when none came. */
static int
probe_step(struct client *c, struct probe_ctx *p, const char *line)
{
	p->code = 0;
	p->refused = 0;
	p->text[0] = '\0';
	if (line != NULL && client_send(c, line) == -1)
		return 0;
	(void)client_wait(c, -1);
	return p->code;
}

/* A step went wrong: why, in the result and to whoever watches. */
static void
probe_failed(struct client *c, struct probe_ctx *p, const char *fmt, ...)
{
	va_list	ap;
	char	why[512];

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (p->res->error[0] == '\0')
		snprintf(p->res->error, sizeof p->res->error, "%s", why);
	client_message(c, CLIENT_MSG_ERROR, "%s", why);
}

static void
probe_tls_result(struct client *c, struct probe_result *res)
{
	const struct conn	*conn = client_conn(c);
	struct tls_tlsa		 m;

	res->tls = 1;
	tls_summary(conn->tls, 0, res->tls_summary, sizeof res->tls_summary);
	res->tls_info = *tls_get_info(conn->tls);
	res->verified = tls_verified(conn->tls);
	if ((res->dane_depth = tls_dane(conn->tls, &m)) >= 0) {
		res->dane_usage = m.usage;
		res->dane_selector = m.selector;
		res->dane_mtype = m.mtype;
	}
}

/*
 * STARTTLS after the first EHLO (RFC 3207 4), then EHLO again (4.2: the
 * session starts over).  Returns PROBE_DONE when it went well (or
 * PROBE_TLS when quit_after stops there), or the step it stopped at
 * with *rc set when TLS was required and could not be had.
 */
static enum probe_step
probe_tls_step(struct client *c, struct probe_ctx *p,
    const struct probe_plan *plan, enum exitcode *rc)
{
	char	ehlo[300];

	if (plan->starttls == PROBE_TLS_REQUIRED) {
		/* the engine says why it cannot, and ends the session */
		p->code = 0;
		if (client_starttls(c) == 0)
			(void)client_wait(c, -1);
		if (p->code != 220 || client_conn(c)->tls == NULL) {
			*rc = EXIT_CONNECT;
			return PROBE_TLS;
		}
	} else if (probe_step(c, p, "STARTTLS") != 220) {
		if (p->code != 0)
			probe_failed(c, p, "STARTTLS answered %d %s", p->code,
			    p->text);
		return PROBE_TLS;
	} else if (client_conn(c)->tls == NULL)
		return PROBE_TLS;	/* the handshake failed: said */
	probe_tls_result(c, p->res);
	if (plan->quit_after == PROBE_TLS)
		return PROBE_DONE;
	client_hello_line(c, NULL, ehlo, sizeof ehlo);
	if (probe_step(c, p, ehlo) != 250) {
		if (p->code != 0)
			probe_failed(c, p, "EHLO after STARTTLS answered %d %s",
			    p->code, p->text);
		return PROBE_TLS;
	}
	return PROBE_DONE;
}

/* MAIL FROM and each RCPT TO (RFC 5321 3.3).  Returns PROBE_DONE when
 * the message may follow (at least one recipient accepted; every one
 * for --quit-after rcpt), or the step it stopped at. */
static enum probe_step
probe_envelope(struct client *c, struct probe_ctx *p,
    const struct probe_plan *plan)
{
	char	line[600];
	size_t	i;

	snprintf(line, sizeof line, "MAIL FROM:<%s>", plan->from);
	if (probe_step(c, p, line) != 250) {
		if (p->code != 0)
			probe_failed(c, p, "MAIL FROM answered %d %s: no "
			    "transaction", p->code, p->text);
		return PROBE_MAIL;
	}
	if (plan->quit_after == PROBE_MAIL)
		return PROBE_DONE;
	for (i = 0; i < plan->nto && client_fd(c) != -1; i++) {
		snprintf(line, sizeof line, "RCPT TO:<%s>", plan->to[i]);
		switch (probe_step(c, p, line)) {
		case 250:
		case 251:	/* RFC 5321 3.4: forwarded, accepted */
			p->res->accepted++;
			break;
		case 0:
			return PROBE_RCPT;
		}
	}
	if (p->res->accepted == 0) {
		probe_failed(c, p, "no recipient accepted%s", plan->quit_after ==
		    PROBE_RCPT ? "" : ": the message is not sent");
		return PROBE_RCPT;
	}
	if (p->res->accepted < plan->nto) {
		if (plan->quit_after == PROBE_RCPT) {
			probe_failed(c, p, "%zu of %zu recipients refused",
			    plan->nto - p->res->accepted, plan->nto);
			return PROBE_RCPT;
		}
		client_message(c, CLIENT_MSG_WARNING, "%zu of %zu recipients "
		    "refused: the message goes to the %zu accepted",
		    plan->nto - p->res->accepted, plan->nto,
		    p->res->accepted);
	}
	return PROBE_DONE;
}

/*
 * DATA, the message (RFC 5321 4.1.1.4: each line dot-stuffed by the
 * engine) and its reply.  A body file is measured against the server's
 * SIZE before DATA and streamed, as :data does.
 */
static enum probe_step
probe_message_step(struct client *c, struct probe_ctx *p,
    const struct probe_plan *plan)
{
	struct message_file	*mf = NULL;
	const char		*line;
	char			*hdr = NULL, name[256], what[160], err[1024];
	unsigned long long	 size;
	size_t			 len;
	int			 rc = 0;

	/* made and measured before DATA: once the 354 has come, only the
	 * message or its end may follow */
	if ((hdr = compose_header(plan->message, time(NULL),
	    client_ehlo_name(c, name, sizeof name), &len)) == NULL) {
		probe_failed(c, p, "out of memory (or no random bits for the "
		    "Message-ID): the message is not sent");
		return PROBE_DATA;
	}
	if (plan->body_file != NULL && (mf = message_file_open(plan->body_file,
	    MESSAGE_DATA, message_limit(session_caps(client_session(c)), what,
	    sizeof what), what, &size, err, sizeof err)) == NULL) {
		probe_failed(c, p, "%s: the message is not sent", err);
		free(hdr);
		return PROBE_DATA;
	}
	if (probe_step(c, p, "DATA") != 354) {
		if (p->code != 0)
			probe_failed(c, p, "DATA answered %d %s: the message is "
			    "not sent", p->code, p->text);
		goto out;
	}
	p->code = 0;
	p->refused = 0;
	p->text[0] = '\0';
	if ((rc = client_send_body(c, hdr, len)) == 0 && mf != NULL) {
		while ((rc = message_file_line(mf, &line, &len, err,
		    sizeof err)) == 1 && client_send_body_line(c, line, len) ==
		    0)
			;
		if (rc == -1)
			/* "." now would deliver a part as the whole message */
			probe_failed(c, p, "%s: the message is not ended, nor "
			    "sent", err);
	} else if (rc == 0)
		rc = plan->body != NULL ? client_send_body(c, plan->body,
		    plan->bodylen) : client_send_body(c, COMPOSE_BODY,
		    strlen(COMPOSE_BODY));
	if (rc == 0 && client_send_body_end(c) == 0)
		(void)client_wait(c, -1);
out:
	free(hdr);
	message_file_close(mf);
	/* RFC 2033 4.2: in LMTP one reply for each recipient accepted */
	if (p->code != 250 || p->refused > 0) {
		if (p->code == 250)
			probe_failed(c, p, "the message was refused for %d of "
			    "the recipients (RFC 2033 4.2)", p->refused);
		else if (p->code != 0)
			probe_failed(c, p, "the message was answered %d %s",
			    p->code, p->text);
		return PROBE_DATA;
	}
	return PROBE_DONE;
}

enum exitcode
probe_drive(struct client *c, const struct probe_plan *plan,
    const struct client_ops *show, void *arg, struct probe_result *res)
{
	struct probe_ctx	 p;
	enum exitcode		 rc = EXIT_OK;
	enum probe_step		 at;
	size_t			 i;
	char			 ehlo[300];
	const char		*point = "";
	double			 t0;

	memset(res, 0, sizeof *res);
	res->dane_depth = -2;
	memset(&p, 0, sizeof p);
	p.res = res;
	p.show = show;
	p.arg = arg;
	for (i = 0; i < NPOINTS; i++)
		if (points[i].step == plan->quit_after)
			point = points[i].name;
	client_set_ops(c, &probe_ops, &p);
	t0 = net_clock_ms();

	res->step = PROBE_CONNECT;
	if (client_connect(c) != 0)
		goto out;
	if (client_conn(c)->tls != NULL)
		probe_tls_result(c, res);
	if (plan->quit_after == PROBE_CONNECT) {
		client_message(c, CLIENT_MSG_INFO, "--quit-after connect: "
		    "closing without reading the greeting or sending anything");
		goto done;
	}

	res->step = PROBE_BANNER;
	/* RFC 5321 4.3.1: 220 greets, 554 turns the client away */
	if ((res->greeting = probe_step(c, &p, NULL)) != 220) {
		if (res->greeting == 0)
			goto out;	/* no greeting: the engine said */
		probe_failed(c, &p, "greeting %d %s", p.code, p.text);
		goto quit;
	}
	if (plan->quit_after == PROBE_BANNER || (plan->quit_after ==
	    PROBE_TLS && res->tls))
		goto done;

	res->step = PROBE_EHLO;
	client_hello_line(c, NULL, ehlo, sizeof ehlo);
	if ((res->ehlo = probe_step(c, &p, ehlo)) != 250) {
		if (res->ehlo == 0)
			goto out;
		/* RFC 5321 3.2: "if the server returns a 'command not
		 * recognized' response to EHLO, the client SHOULD be able to
		 * fall back and send HELO" (where no extension is needed) */
		if (plan->helo_fallback && (res->ehlo == 500 ||
		    res->ehlo == 502) && plan->starttls != PROBE_TLS_REQUIRED &&
		    plan->auth == NULL && !session_lmtp(client_session(c))) {
			client_message(c, CLIENT_MSG_INFO, "EHLO answered %d: "
			    "HELO instead (RFC 5321 3.2)", res->ehlo);
			memcpy(ehlo, "HELO", 4);
			if (probe_step(c, &p, ehlo) == 250)
				goto greeted;
		}
		if (p.code != 0)
			probe_failed(c, &p, "%.4s answered %d %s%s", ehlo,
			    p.code, p.text, plan->starttls ==
			    PROBE_TLS_REQUIRED ? ": STARTTLS cannot be asked "
			    "for" : "");
		if (plan->starttls == PROBE_TLS_REQUIRED)
			rc = EXIT_CONNECT;
		goto quit;
	}
	res->starttls = session_caps(client_session(c))->starttls;
	if (plan->starttls == PROBE_TLS_REQUIRED ||
	    (plan->starttls == PROBE_TLS_OFFERED && res->starttls)) {
		res->step = PROBE_TLS;
		if ((at = probe_tls_step(c, &p, plan, &rc)) != PROBE_DONE)
			goto quit;
		if (plan->quit_after == PROBE_TLS)
			goto done;
	}
greeted:
	if (plan->quit_after == PROBE_EHLO || plan->quit_after == PROBE_TLS)
		goto done;

	if (plan->auth != NULL) {
		res->step = PROBE_AUTH;
		p.code = 0;
		if (client_auth(c, plan->auth) != 0) {
			probe_failed(c, &p, "AUTH %s not started",
			    plan->auth->mech);
			goto quit;
		}
		(void)client_wait(c, -1);
		if (!session_authenticated(client_session(c))) {
			if (p.code != 0)
				probe_failed(c, &p, "AUTH %s failed: %s",
				    plan->auth->mech, p.text);
			goto quit;
		}
	}
	if (plan->quit_after == PROBE_AUTH)
		goto done;

	res->step = PROBE_MAIL;
	if ((at = probe_envelope(c, &p, plan)) != PROBE_DONE) {
		res->step = at;
		goto quit;
	}
	if (plan->quit_after == PROBE_MAIL || plan->quit_after == PROBE_RCPT)
		goto done;
	res->step = PROBE_DATA;
	if (probe_message_step(c, &p, plan) != PROBE_DONE)
		goto quit;
done:
	res->step = PROBE_DONE;
	res->ok = 1;
	if (plan->quit_after != PROBE_DATA && plan->quit_after !=
	    PROBE_CONNECT)
		client_message(c, CLIENT_MSG_INFO, "--quit-after %s: "
		    "reached, QUIT", point);
quit:
	if (plan->quit_after == PROBE_CONNECT && res->ok)
		goto out;
	/* after a failed STARTTLS the engine has sent QUIT itself; inside
	 * a message that cannot be ended QUIT would be a line of it: the
	 * connection is closed, and the server delivers nothing */
	if (client_fd(c) != -1 && session_in_body(client_session(c)))
		goto out;
	if (client_fd(c) != -1 && session_expected_state(client_session(c)) !=
	    STATE_QUIT)
		(void)probe_step(c, &p, "QUIT");
	else if (client_fd(c) != -1)
		(void)client_wait(c, -1);
out:
	res->ms = net_clock_ms() - t0;
	if (!res->ok && res->error[0] == '\0')
		snprintf(res->error, sizeof res->error, "no reply");
	client_set_ops(c, show, arg);
	if (client_failed(c) != EXIT_OK)
		return client_failed(c);
	if (rc != EXIT_OK)
		return rc;
	return res->ok ? EXIT_OK : EXIT_FAILED;
}

int
probe_run(const struct probe_opts *o, struct probe_result *res)
{
	struct client_opts	 co;
	struct probe_plan	 plan;
	struct client		*c;

	memset(&co, 0, sizeof co);
	co.host = o->addr;
	co.port = o->port;
	co.family = AF_UNSPEC;
	co.timeout_s = o->timeout_s;
	co.ehlo = o->helo;
	co.tlsopt.cafile = o->cafile;
	/* finish the handshake whatever the verification says: the
	 * result is reported, judged by the caller */
	co.tlsopt.insecure = 1;
	co.tlsopt.servername = o->name;
	co.tlsopt.tlsa = o->tlsa;
	co.tlsopt.ntlsa = o->ntlsa;
	memset(&plan, 0, sizeof plan);
	plan.quit_after = PROBE_EHLO;
	plan.starttls = PROBE_TLS_OFFERED;
	if ((c = client_new(&co, &probe_ops, NULL)) == NULL) {
		memset(res, 0, sizeof *res);
		snprintf(res->error, sizeof res->error, "out of memory");
		return -1;
	}
	(void)probe_drive(c, &plan, NULL, NULL, res);
	client_free(c);
	return res->ok ? 0 : -1;
}
