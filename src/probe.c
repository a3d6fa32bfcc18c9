/*
 * probe.c -- one short SMTP conversation with one address of a mail host,
 * through the client engine (client.h): the engine parses the replies,
 * reads the EHLO capabilities and does the STARTTLS handshake; this file
 * only decides what to send next and keeps what came back.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "client.h"
#include "probe.h"

/* What the callbacks collect while a step runs. */
struct probe_ctx {
	struct probe_result	*res;
	int			 code;		/* the last reply's code */
	char			 text[200];	/* its first line */
};

static void	probe_reply(void *, const struct reply *, const char *,
		    enum annotate_ctx, double);
static void	probe_message(void *, enum client_msg, const char *);
static int	probe_step(struct client *, struct probe_ctx *, const char *);

static const struct client_ops probe_ops = {
	.reply = probe_reply,
	.message = probe_message,
};

static void
probe_reply(void *arg, const struct reply *r, const char *command,
    enum annotate_ctx ctx, double ms)
{
	struct probe_ctx	*p = arg;
	size_t			 n = 0;

	p->code = r->code;
	if (r->nlines > 0) {
		n = r->lines[0].len < sizeof p->text - 1 ? r->lines[0].len :
		    sizeof p->text - 1;
		memcpy(p->text, r->lines[0].text, n);
	}
	p->text[n] = '\0';
}

/* The first error the engine reports is why the probe stopped. */
static void
probe_message(void *arg, enum client_msg kind, const char *text)
{
	struct probe_ctx	*p = arg;

	if (kind == CLIENT_MSG_ERROR && p->res->error[0] == '\0')
		snprintf(p->res->error, sizeof p->res->error, "%s", text);
}

/* Send line (NULL: nothing, wait for the greeting) and wait for its
 * reply.  Returns the reply code, or 0 when none came. */
static int
probe_step(struct client *c, struct probe_ctx *p, const char *line)
{
	p->code = 0;
	p->text[0] = '\0';
	if (line != NULL && client_send(c, line) == -1)
		return 0;
	if (client_wait(c, -1) != 0)
		return 0;
	return p->code;
}

int
probe_run(const struct probe_opts *o, struct probe_result *res)
{
	struct client_opts	 co;
	struct client		*c;
	struct probe_ctx	 p;
	struct tls_tlsa		 m;
	const struct conn	*conn;
	char			 ehlo[300];
	double			 t0;

	memset(res, 0, sizeof *res);
	res->dane_depth = -2;
	memset(&p, 0, sizeof p);
	p.res = res;
	memset(&co, 0, sizeof co);
	co.host = o->addr;
	co.port = o->port;
	co.family = AF_UNSPEC;
	co.timeout_s = o->timeout_s;
	co.tlsopt.cafile = o->cafile;
	/* finish the handshake whatever the verification says: the
	 * result is reported, judged by the caller */
	co.tlsopt.insecure = 1;
	co.tlsopt.servername = o->name;
	co.tlsopt.tlsa = o->tlsa;
	co.tlsopt.ntlsa = o->ntlsa;
	if ((c = client_new(&co, &probe_ops, &p)) == NULL) {
		snprintf(res->error, sizeof res->error, "out of memory");
		return -1;
	}
	snprintf(ehlo, sizeof ehlo, "EHLO %s", o->helo);
	t0 = net_clock_ms();
	res->step = PROBE_CONNECT;
	if (client_connect(c) != 0)
		goto out;

	res->step = PROBE_GREETING;
	/* RFC 5321 4.3.1: 220 greets, 554 turns the client away */
	if ((res->greeting = probe_step(c, &p, NULL)) != 220) {
		if (res->greeting != 0)
			snprintf(res->error, sizeof res->error,
			    "greeting %d %s", p.code, p.text);
		goto quit;
	}
	res->step = PROBE_EHLO;
	if ((res->ehlo = probe_step(c, &p, ehlo)) != 250) {
		if (res->ehlo != 0)
			snprintf(res->error, sizeof res->error,
			    "EHLO answered %d %s", p.code, p.text);
		goto quit;
	}
	res->starttls = session_caps(client_session(c))->starttls;
	if (res->starttls) {
		res->step = PROBE_STARTTLS;
		/* the engine starts TLS as soon as the 220 arrives */
		if (probe_step(c, &p, "STARTTLS") != 220) {
			if (p.code != 0)
				snprintf(res->error, sizeof res->error,
				    "STARTTLS answered %d %s", p.code, p.text);
			goto quit;
		}
		conn = client_conn(c);
		if (conn->tls == NULL)
			goto out;	/* the engine said why */
		res->tls = 1;
		tls_summary(conn->tls, 0, res->tls_summary,
		    sizeof res->tls_summary);
		res->verified = tls_verified(conn->tls);
		if ((res->dane_depth = tls_dane(conn->tls, &m)) >= 0) {
			res->dane_usage = m.usage;
			res->dane_selector = m.selector;
			res->dane_mtype = m.mtype;
		}
		/* RFC 3207 4.2: the session starts over after TLS */
		if (probe_step(c, &p, ehlo) != 250) {
			snprintf(res->error, sizeof res->error,
			    "EHLO after STARTTLS answered %d %s", p.code,
			    p.text);
			goto quit;
		}
	}
	res->step = PROBE_DONE;
	res->ok = 1;
quit:
	if (client_fd(c) != -1)
		(void)probe_step(c, &p, "QUIT");
out:
	res->ms = net_clock_ms() - t0;
	if (!res->ok && res->error[0] == '\0')
		snprintf(res->error, sizeof res->error, "no reply");
	client_free(c);
	return res->ok ? 0 : -1;
}
