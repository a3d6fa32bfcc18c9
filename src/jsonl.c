/*
 * jsonl.c -- JSON Lines (--json): the events of a console session, a
 * replay and an mx run, each one JSON object on a line, built and escaped
 * by json-c.  The schema is docs/json.md; a change an older reader would
 * misread takes a new JSONL_VERSION.
 *
 * The writer is fed by the engine's callbacks only.  For a console
 * session it also reads the client when an event is handed over: the
 * connection (once it exists: "connect"), a new TLS handshake ("tls",
 * from struct tls_info) and a new state ("state"), each told before the
 * event that reveals it, a state change after the reply that caused it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json.h>
#include <openssl/crypto.h>

#include "annotate.h"
#include "jsonl.h"
#include "net.h"
#include "sanitize.h"
#include "session.h"

struct jsonl {
	int			 show_secrets;
	jsonl_emit_fn		 emit;
	void			*arg;
	/* a console session */
	struct client		*c;
	int			 connected;	/* "connect" told */
	unsigned long		 replies;	/* replies told */
	const struct tls	*tls;		/* the handshake told last */
	int			 have_state;
	enum state		 state;		/* the state told last */
	int			 counted;	/* bytes_* hold the counters */
	unsigned long long	 bytes_out, bytes_in;
	/* replay's summary, for "end" */
	int			 summarised;
	unsigned long		 tests, failed;
};

static json_object *jsonl_object(const char *);
static void	jsonl_put(struct jsonl *, json_object *);
static void	jsonl_add_str(json_object *, const char *, const char *);
static void	jsonl_add_text(json_object *, const char *, const char *,
		    size_t, int);
static void	jsonl_add_lines(json_object *, const char *, const char *);
static void	jsonl_add_int(json_object *, const char *, long long);
static void	jsonl_add_bool(json_object *, const char *, int);
static json_object *jsonl_reply(const struct reply *);
static void	jsonl_reply_into(json_object *, const struct reply *);
static void	jsonl_add_ms(json_object *, const char *, double);
static void	jsonl_explain(json_object *, const struct reply *,
		    const char *, enum annotate_ctx);
static json_object *jsonl_rcpt(const char *, size_t, size_t);
static json_object *jsonl_tls(const struct tls_info *, const char *);
static const char *jsonl_ctx_name(enum annotate_ctx);
static void	jsonl_sync(struct jsonl *, int);
static void	jsonl_sent(void *, const char *, enum client_line);
static void	jsonl_client_reply(void *, const struct reply *, const char *,
		    enum annotate_ctx, double);
static void	jsonl_message(void *, enum client_msg, const char *);
static void	jsonl_state(void *);
static void	jsonl_replay_invalid(void *, const char *);
static void	jsonl_replay_result(void *, const struct replay_result *);
static void	jsonl_replay_summary(void *, const struct replay_summary *);
static void	jsonl_mx_host(void *, const struct mx_host *);
static void	jsonl_mx_address(void *, const struct mx_host *,
		    const struct mx_address *);

const struct client_ops jsonl_client_ops = {
	.sent = jsonl_sent,
	.reply = jsonl_client_reply,
	.message = jsonl_message,
	.state = jsonl_state,
};

const struct replay_ops jsonl_replay_ops = {
	/* "start" is told when the writer is made */
	.sent = jsonl_sent,
	.message = jsonl_message,
	.invalid = jsonl_replay_invalid,
	.result = jsonl_replay_result,
	.summary = jsonl_replay_summary,
};

const struct mx_ops jsonl_mx_ops = {
	.host = jsonl_mx_host,
	.address = jsonl_mx_address,
};

/* The names the schema gives (docs/json.md). */
static const char *const jsonl_status_names[] = {
	[EXIT_OK] = "ok",
	[EXIT_FAILED] = "failed",
	[EXIT_USAGE] = "usage",
	[EXIT_CONNECT] = "connect",
};

static const char *const jsonl_check_names[] = {
	[TLS_CHECK_CHAIN] = "chain",
	[TLS_CHECK_EXPIRY] = "expiry",
	[TLS_CHECK_NAME] = "name",
	[TLS_CHECK_OTHER] = "other",
};

/* --- building and emitting ------------------------------------------------ */

/* A new event object: the schema's version and its type first. */
static json_object *
jsonl_object(const char *type)
{
	json_object	*o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "v", json_object_new_int(JSONL_VERSION));
	json_object_object_add(o, "type", json_object_new_string(type));
	return o;
}

/* One line out, and the object freed.  Out of memory, the event is
 * lost (the object is NULL, or json-c could not write it). */
static void
jsonl_put(struct jsonl *j, json_object *o)
{
	const char	*s;

	if (o == NULL)
		return;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s != NULL)
		j->emit(j->arg, s);
	json_object_put(o);
}

/* Text of our own (valid UTF-8, or ASCII): as it is; NULL: null. */
static void
jsonl_add_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s != NULL ?
	    json_object_new_string(s) : NULL);
}

/*
 * Text that holds a server's or a file's octets: as smtpscope shows it
 * (sanitize(): control bytes, C1 controls and invalid UTF-8 as \xHH,
 * with flags), so that it is valid UTF-8 and drives no terminal.
 */
static void
jsonl_add_text(json_object *o, const char *key, const char *s, size_t len,
    int flags)
{
	char	*safe;

	if (s == NULL) {
		json_object_object_add(o, key, NULL);
		return;
	}
	safe = sanitize(s, len, flags);
	json_object_object_add(o, key, safe != NULL ?
	    json_object_new_string(safe) : NULL);
	free(safe);
}

/* A message of our own, several lines joined by "\n": each line as the
 * consoles show it (server bytes it quotes made safe, a backslash kept
 * single). */
static void
jsonl_add_lines(json_object *o, const char *key, const char *text)
{
	char	*all, *safe;
	size_t	 len = 0, cap = 1, n;
	const char *p, *nl;

	for (p = text; ; p = nl + 1) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		/* an escape takes four octets at most (\xHH) */
		cap += 4 * n + 1;
		if (nl == NULL)
			break;
	}
	if ((all = malloc(cap)) == NULL) {
		json_object_object_add(o, key, NULL);
		return;
	}
	for (p = text; ; p = nl + 1) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if ((safe = sanitize(p, n, SANITIZE_KEEP_BACKSLASH)) != NULL) {
			len += (size_t)snprintf(all + len, cap - len, "%s%s",
			    p != text ? "\n" : "", safe);
			free(safe);
		}
		if (nl == NULL || len >= cap)
			break;
	}
	all[len < cap ? len : cap - 1] = '\0';
	json_object_object_add(o, key, json_object_new_string(all));
	free(all);
}

static void
jsonl_add_int(json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static void
jsonl_add_bool(json_object *o, const char *key, int v)
{
	json_object_object_add(o, key, json_object_new_boolean(v != 0));
}

static const char *
jsonl_ctx_name(enum annotate_ctx ctx)
{
	switch (ctx) {
	case ANNOTATE_GREETING:
		return "greeting";
	case ANNOTATE_COMMAND:
		return "command";
	case ANNOTATE_DATA_END:
		return "data-end";
	case ANNOTATE_BDAT:
		return "bdat";
	case ANNOTATE_AUTH_STEP:
		return "auth-step";
	case ANNOTATE_UNSOLICITED:
		return "unsolicited";
	}
	return "reply";
}

/* Milliseconds, written with three decimals. */
static void
jsonl_add_ms(json_object *o, const char *key, double ms)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "%.3f", ms);
	json_object_object_add(o, key, json_object_new_double_s(ms, buf));
}

/* A reply as data: its code, enhanced code, each line's text, faults. */
static json_object *
jsonl_reply(const struct reply *r)
{
	json_object	*o = json_object_new_object();

	if (o != NULL)
		jsonl_reply_into(o, r);
	return o;
}

static void
jsonl_reply_into(json_object *o, const struct reply *r)
{
	json_object	*lines, *f;
	char		 faults[512];
	size_t		 i;

	jsonl_add_int(o, "code", r->code);
	jsonl_add_str(o, "enhanced", r->enhanced[0] != '\0' ? r->enhanced :
	    NULL);
	if ((lines = json_object_new_array()) != NULL) {
		for (i = 0; i < r->nlines; i++) {
			char *safe = sanitize(r->lines[i].text,
			    r->lines[i].len, 0);

			json_object_array_add(lines, safe != NULL ?
			    json_object_new_string(safe) : NULL);
			free(safe);
		}
		json_object_object_add(o, "lines", lines);
	}
	if (r->faults != 0 && (f = json_object_new_array()) != NULL) {
		reply_faults_describe(r->faults, faults, sizeof faults);
		json_object_array_add(f, json_object_new_string(faults));
		json_object_object_add(o, "faults", f);
	}
}

/* The explanation as a program reads it: summary, next step, RFCs. */
static void
jsonl_explain(json_object *o, const struct reply *r, const char *command,
    enum annotate_ctx ctx)
{
	struct annotate_parts	 p;
	json_object		*rfc;
	size_t			 i;

	if (annotate_reply_parts(r, command, ctx, &p) == -1)
		return;
	jsonl_add_str(o, "summary", p.summary);
	jsonl_add_str(o, "next", p.next[0] != '\0' ? p.next : NULL);
	if ((rfc = json_object_new_array()) == NULL)
		return;
	for (i = 0; i < p.nrfc; i++)
		json_object_array_add(rfc, json_object_new_string(p.rfc[i]));
	json_object_object_add(o, "rfc", rfc);
}

/* RFC 2033 4.2: the recipient an LMTP reply is for. */
static json_object *
jsonl_rcpt(const char *rcpt, size_t index, size_t count)
{
	json_object	*o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (rcpt != NULL)
		jsonl_add_text(o, "mailbox", rcpt, strlen(rcpt), 0);
	else
		json_object_object_add(o, "mailbox", NULL);
	jsonl_add_int(o, "index", (long long)index);
	jsonl_add_int(o, "count", (long long)count);
	return o;
}

/* What a handshake established (struct tls_info: every string already
 * printable ASCII). */
static json_object *
jsonl_tls(const struct tls_info *in, const char *summary)
{
	json_object		*o = json_object_new_object(), *a, *x;
	const struct tls_cert	*ct;
	char			 text[1024];
	int			 i;

	if (o == NULL)
		return NULL;
	jsonl_add_str(o, "summary", summary);
	jsonl_add_str(o, "protocol", in->protocol);
	jsonl_add_str(o, "cipher", in->cipher);
	jsonl_add_str(o, "group", in->group[0] ? in->group : NULL);
	jsonl_add_str(o, "peer_sig", in->peer_sig[0] ? in->peer_sig : NULL);
	jsonl_add_str(o, "name", in->name[0] ? in->name : NULL);
	jsonl_add_str(o, "sni", in->sni[0] ? in->sni : NULL);
	jsonl_add_str(o, "alpn", in->alpn[0] ? in->alpn : NULL);
	jsonl_add_bool(o, "resumed", in->resumed);
	jsonl_add_bool(o, "client_cert_asked", in->ccert_asked);
	jsonl_add_str(o, "client_cert", in->ccert[0] ? in->ccert : NULL);
	jsonl_add_bool(o, "verified", in->verified);
	if ((a = json_object_new_array()) != NULL) {
		for (i = 0; i < in->nfaults; i++) {
			if ((x = json_object_new_object()) == NULL)
				break;
			jsonl_add_str(x, "check",
			    jsonl_check_names[in->faults[i].check]);
			jsonl_add_int(x, "depth", in->faults[i].depth);
			jsonl_add_int(x, "error", in->faults[i].error);
			jsonl_add_str(x, "subject", in->faults[i].subject);
			tls_format_fault(in, &in->faults[i], text, sizeof text);
			jsonl_add_str(x, "text", text);
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "faults", a);
	}
	jsonl_add_int(o, "certs_sent", in->nsent);
	if ((a = json_object_new_array()) != NULL) {
		for (i = 0; i < in->ncerts; i++) {
			if ((x = json_object_new_object()) == NULL)
				break;
			ct = &in->certs[i];
			jsonl_add_str(x, "subject", ct->subject);
			jsonl_add_str(x, "issuer", ct->issuer);
			jsonl_add_str(x, "names", ct->sans);
			jsonl_add_str(x, "not_before", ct->not_before);
			jsonl_add_str(x, "not_after", ct->not_after);
			jsonl_add_int(x, "days_left", ct->days_left);
			jsonl_add_bool(x, "expired", ct->expired);
			jsonl_add_bool(x, "not_yet_valid", ct->not_yet_valid);
			jsonl_add_str(x, "key", ct->key);
			jsonl_add_int(x, "key_bits", ct->key_bits);
			jsonl_add_str(x, "signature", ct->sigalg);
			jsonl_add_str(x, "sha256", ct->sha256);
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "chain", a);
	}
	return o;
}

/* --- the writer ----------------------------------------------------------- */

struct jsonl *
jsonl_new(const char *command, int show_secrets, jsonl_emit_fn emit,
    void *arg)
{
	struct jsonl	*j;
	json_object	*o;

	if ((j = calloc(1, sizeof *j)) == NULL)
		return NULL;
	j->show_secrets = show_secrets;
	j->emit = emit;
	j->arg = arg;
	if ((o = jsonl_object("start")) != NULL) {
		jsonl_add_str(o, "command", command);
		jsonl_add_str(o, "program", PACKAGE_STRING);
		jsonl_put(j, o);
	}
	return j;
}

void
jsonl_end(struct jsonl *j, enum exitcode status)
{
	json_object		*o;

	if (j == NULL)
		return;
	jsonl_attach(j, NULL);
	if ((o = jsonl_object("end")) != NULL) {
		jsonl_add_int(o, "status", status);
		jsonl_add_str(o, "status_name", (unsigned)status <
		    sizeof jsonl_status_names / sizeof jsonl_status_names[0] ?
		    jsonl_status_names[status] : NULL);
		if (j->counted) {
			jsonl_add_int(o, "bytes_sent", (long long)j->bytes_out);
			jsonl_add_int(o, "bytes_received",
			    (long long)j->bytes_in);
		}
		if (j->summarised) {
			jsonl_add_int(o, "tests", (long long)j->tests);
			jsonl_add_int(o, "failed", (long long)j->failed);
		}
		jsonl_put(j, o);
	}
	free(j);
}

/* --- a console session ---------------------------------------------------- */

void
jsonl_attach(struct jsonl *j, struct client *c)
{
	const struct conn	*conn;

	if (c == NULL && j->c != NULL) {
		jsonl_sync(j, 1);
		conn = client_conn(j->c);
		j->counted = 1;
		j->bytes_out = conn->bytes_out;
		j->bytes_in = conn->bytes_in;
	}
	j->c = c;
}

/*
 * Tell what the client shows now and nobody was told yet: the connection,
 * a new TLS handshake (implicit TLS when no reply came before it), and,
 * with state set, a new state.
 */
static void
jsonl_sync(struct jsonl *j, int state)
{
	const struct conn	*conn;
	struct session		*s;
	json_object		*o;
	char			 peer[64], sum[512];

	if (j->c == NULL)
		return;
	conn = client_conn(j->c);
	if (!j->connected && client_fd(j->c) != -1 &&
	    (o = jsonl_object("connect")) != NULL) {
		j->connected = 1;
		net_peer_name(client_fd(j->c), peer, sizeof peer);
		jsonl_add_text(o, "server", client_server_name(j->c),
		    strlen(client_server_name(j->c)), 0);
		jsonl_add_str(o, "address", peer[0] != '\0' ? peer : NULL);
		s = client_session(j->c);
		jsonl_add_str(o, "protocol", s != NULL && session_lmtp(s) ?
		    "lmtp" : "smtp");
		jsonl_add_str(o, "route", *client_route(j->c) != '\0' ?
		    client_route(j->c) : NULL);
		jsonl_put(j, o);
	}
	if (conn->tls != NULL && conn->tls != j->tls &&
	    (o = jsonl_object("tls")) != NULL) {
		j->tls = conn->tls;
		jsonl_add_str(o, "mode", j->replies == 0 ? "tls" : "starttls");
		tls_summary(conn->tls, 0, sum, sizeof sum);
		json_object_object_add(o, "tls",
		    jsonl_tls(tls_get_info(conn->tls), sum));
		jsonl_put(j, o);
	}
	if (!state || (s = client_session(j->c)) == NULL ||
	    (j->have_state && session_state(s) == j->state))
		return;
	if (j->have_state && (o = jsonl_object("state")) != NULL) {
		jsonl_add_str(o, "from", session_state_name(j->state));
		jsonl_add_str(o, "to", session_state_name(session_state(s)));
		jsonl_put(j, o);
	}
	j->have_state = 1;
	j->state = session_state(s);
}

/* A line sent: the console's and replay's callback alike. */
static void
jsonl_sent(void *arg, const char *line, enum client_line kind)
{
	struct jsonl	*j = arg;
	json_object	*o;
	char		 buf[1024];

	jsonl_sync(j, 1);
	if ((o = jsonl_object("command")) == NULL)
		return;
	jsonl_add_str(o, "kind", kind == CLIENT_LINE_BODY ? "body" :
	    kind == CLIENT_LINE_SECRET ? "secret" : "command");
	line = client_shown_line(j->show_secrets, line, kind, buf, sizeof buf);
	jsonl_add_text(o, "line", line, strlen(line), 0);
	jsonl_put(j, o);
	OPENSSL_cleanse(buf, sizeof buf);
}

static void
jsonl_client_reply(void *arg, const struct reply *r, const char *command,
    enum annotate_ctx ctx, double ms)
{
	struct jsonl	*j = arg;
	json_object	*o;
	const char	*rcpt;
	char		 buf[1024];
	size_t		 ri, rn;

	jsonl_sync(j, 0);
	j->replies++;
	if ((o = jsonl_object("reply")) == NULL)
		return;
	jsonl_reply_into(o, r);
	jsonl_add_ms(o, "latency_ms", ms);
	jsonl_add_str(o, "context", jsonl_ctx_name(ctx));
	if (command != NULL) {
		command = client_shown_line(j->show_secrets, command,
		    CLIENT_LINE_COMMAND, buf, sizeof buf);
		jsonl_add_text(o, "command", command, strlen(command), 0);
	} else
		json_object_object_add(o, "command", NULL);
	if (client_reply_rcpt(j->c, &rcpt, &ri, &rn))
		json_object_object_add(o, "recipient", jsonl_rcpt(rcpt, ri,
		    rn));
	jsonl_explain(o, r, command, ctx);
	jsonl_put(j, o);
	jsonl_sync(j, 1);
}

/* The engine's messages, and replay's: "info", "warning", "error",
 * "help" or "diag" (a syntax diagnostic: the line, the caret, the
 * problem). */
static void
jsonl_message(void *arg, enum client_msg kind, const char *text)
{
	struct jsonl	*j = arg;
	json_object	*o;
	const char	*type = "info";

	jsonl_sync(j, 1);
	switch (kind) {
	case CLIENT_MSG_INFO:
		type = "info";
		break;
	case CLIENT_MSG_HELP:
		type = "help";
		break;
	case CLIENT_MSG_WARNING:
		type = "warning";
		break;
	case CLIENT_MSG_ERROR:
		type = "error";
		break;
	case CLIENT_MSG_DIAG:
		type = "diag";
		break;
	}
	if ((o = jsonl_object(type)) == NULL)
		return;
	/* our text, quoting server bytes: as the consoles show it */
	jsonl_add_lines(o, "text", text);
	jsonl_put(j, o);
}

static void
jsonl_state(void *arg)
{
	jsonl_sync(arg, 1);
}

/* --- replay --------------------------------------------------------------- */

static void
jsonl_replay_invalid(void *arg, const char *text)
{
	struct jsonl	*j = arg;
	json_object	*o;

	if ((o = jsonl_object("invalid")) == NULL)
		return;
	jsonl_add_text(o, "text", text, strlen(text), SANITIZE_KEEP_BACKSLASH);
	jsonl_put(j, o);
}

static void
jsonl_replay_result(void *arg, const struct replay_result *res)
{
	struct jsonl	*j = arg;
	json_object	*o;
	char		 buf[1024];
	const char	*cmd;

	if ((o = jsonl_object("expect")) == NULL)
		return;
	jsonl_add_text(o, "file", res->file, strlen(res->file), 0);
	jsonl_add_int(o, "test", (long long)res->test);
	jsonl_add_int(o, "line", (long long)res->line);
	jsonl_add_bool(o, "ok", res->ok);
	jsonl_add_str(o, "why", res->ok ? NULL : res->why);
	jsonl_add_text(o, "expected", res->expected, strlen(res->expected),
	    0);
	/* the file's lines, masked as in the file */
	if (res->after != NULL)
		jsonl_add_text(o, "after", res->after, strlen(res->after), 0);
	else
		json_object_object_add(o, "after", NULL);
	jsonl_add_bool(o, "after_unsent", res->after_unsent);
	json_object_object_add(o, "reply", res->reply != NULL ?
	    jsonl_reply(res->reply) : NULL);
	jsonl_add_str(o, "context", res->reply != NULL ?
	    jsonl_ctx_name(res->ctx) : NULL);
	if (res->command != NULL) {
		cmd = client_shown_line(j->show_secrets, res->command,
		    CLIENT_LINE_COMMAND, buf, sizeof buf);
		jsonl_add_text(o, "command", cmd, strlen(cmd), 0);
	} else
		json_object_object_add(o, "command", NULL);
	if (res->rcpt_count > 0)
		json_object_object_add(o, "recipient", jsonl_rcpt(res->rcpt,
		    res->rcpt_index, res->rcpt_count));
	if (res->reply != NULL)
		jsonl_explain(o, res->reply, res->command, res->ctx);
	jsonl_put(j, o);
}

static void
jsonl_replay_summary(void *arg, const struct replay_summary *sum)
{
	struct jsonl	*j = arg;

	j->summarised = 1;
	j->tests = sum->tests;
	j->failed = sum->failed;
}

/* --- mx ------------------------------------------------------------------- */

static const char *
jsonl_mx_kind(enum mx_kind k)
{
	switch (k) {
	case MX_LIST:
		return "mx";
	case MX_IMPLICIT:
		return "implicit";
	case MX_NULL:
		return "null";
	case MX_NXDOMAIN:
		return "nxdomain";
	case MX_FAIL:
		return "fail";
	}
	return NULL;
}

static const char *
jsonl_dane_name(enum mx_dane d)
{
	switch (d) {
	case MX_DANE_OFF:
		return "off";
	case MX_DANE_INSECURE:
		return "insecure";
	case MX_DANE_NONE:
		return "none";
	case MX_DANE_RECORDS:
		return "records";
	case MX_DANE_BOGUS:
		return "bogus";
	}
	return NULL;
}

void
jsonl_mx_domain(struct jsonl *j, const struct mx_report *rep, int validating)
{
	const struct mx_sts_report	*st = &rep->sts;
	json_object			*o, *a;
	size_t				 i;

	if ((o = jsonl_object("domain")) != NULL) {
		jsonl_add_text(o, "domain", rep->domain, strlen(rep->domain),
		    0);
		jsonl_add_str(o, "kind", jsonl_mx_kind(rep->kind));
		jsonl_add_str(o, "dnssec", dns_sec_name(rep->mx.sec));
		jsonl_add_bool(o, "validating", validating);
		jsonl_add_int(o, "hosts", (long long)rep->nhosts);
		if (rep->kind == MX_FAIL) {
			jsonl_add_str(o, "status",
			    dns_status_name(rep->mx.status));
			jsonl_add_text(o, "why", rep->mx.why,
			    strlen(rep->mx.why), SANITIZE_KEEP_BACKSLASH);
		}
		jsonl_put(j, o);
	}
	if (st->state == MX_STS_OFF || (o = jsonl_object("mta_sts")) == NULL)
		return;
	jsonl_add_str(o, "state", st->state == MX_STS_POLICY ? "policy" :
	    st->state == MX_STS_NONE ? "none" : st->state == MX_STS_BAD_TXT ?
	    "bad-txt" : "no-policy");
	if (st->state == MX_STS_POLICY) {
		jsonl_add_text(o, "id", st->id, strlen(st->id), 0);
		jsonl_add_str(o, "mode", mtasts_mode_name(st->policy.mode));
		jsonl_add_int(o, "max_age", st->policy.max_age);
		jsonl_add_str(o, "from", st->host_addr);
		if ((a = json_object_new_array()) != NULL) {
			for (i = 0; i < st->policy.nmx; i++) {
				char *safe = sanitize(st->policy.mx[i],
				    strlen(st->policy.mx[i]), 0);

				json_object_array_add(a, safe != NULL ?
				    json_object_new_string(safe) : NULL);
				free(safe);
			}
			json_object_object_add(o, "mx", a);
		}
	} else if (st->state != MX_STS_NONE)
		jsonl_add_text(o, "why", st->why, strlen(st->why),
		    SANITIZE_KEEP_BACKSLASH);
	jsonl_put(j, o);
}

static void
jsonl_mx_host(void *arg, const struct mx_host *h)
{
	struct jsonl		*j = arg;
	const struct dns_record	*r;
	json_object		*o, *a, *x;
	const char		*addr;
	char			 hex[2 * 64 + 1];
	size_t			 i;

	if ((o = jsonl_object("host")) == NULL)
		return;
	jsonl_add_int(o, "pref", h->pref);
	jsonl_add_text(o, "name", h->name, strlen(h->name), 0);
	if ((a = json_object_new_array()) != NULL) {
		for (i = 0; (addr = mx_host_address(h, i)) != NULL; i++)
			json_object_array_add(a, json_object_new_string(addr));
		json_object_object_add(o, "addresses", a);
	}
	jsonl_add_str(o, "dnssec", dns_sec_name(h->addr_sec));
	jsonl_add_str(o, "dane", jsonl_dane_name(h->dane));
	if (h->dane == MX_DANE_RECORDS && (a = json_object_new_array()) !=
	    NULL) {
		for (i = 0; i < h->tlsa.nrr; i++) {
			r = &h->tlsa.rr[i];
			if ((x = json_object_new_object()) == NULL)
				break;
			jsonl_add_int(x, "usage", r->usage);
			jsonl_add_int(x, "selector", r->selector);
			jsonl_add_int(x, "mtype", r->mtype);
			/* the association data in hex (OpenSSL's) */
			if (OPENSSL_buf2hexstr_ex(hex, sizeof hex, NULL,
			    r->data, r->len < 64 ? r->len : 64, '\0') == 1)
				jsonl_add_str(x, "data", hex);
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "tlsa", a);
	}
	jsonl_add_int(o, "sts_match", h->sts_match);
	jsonl_put(j, o);
}

static void
jsonl_mx_address(void *arg, const struct mx_host *h,
    const struct mx_address *a)
{
	struct jsonl			*j = arg;
	const struct probe_result	*p = &a->probe;
	json_object			*o, *d;

	if ((o = jsonl_object("address")) == NULL)
		return;
	jsonl_add_text(o, "host", h->name, strlen(h->name), 0);
	jsonl_add_str(o, "address", a->addr);
	jsonl_add_bool(o, "ok", a->ok);
	jsonl_add_ms(o, "ms", p->ms);
	jsonl_add_int(o, "greeting", p->greeting);
	jsonl_add_int(o, "ehlo", p->ehlo);
	jsonl_add_bool(o, "starttls", p->starttls);
	json_object_object_add(o, "tls", p->tls ? jsonl_tls(&p->tls_info,
	    p->tls_summary) : NULL);
	jsonl_add_bool(o, "verified", p->verified);
	if (p->dane_depth >= 0 && (d = json_object_new_object()) != NULL) {
		jsonl_add_int(d, "usage", p->dane_usage);
		jsonl_add_int(d, "selector", p->dane_selector);
		jsonl_add_int(d, "mtype", p->dane_mtype);
		jsonl_add_int(d, "depth", p->dane_depth);
		json_object_object_add(o, "dane_match", d);
	} else
		json_object_object_add(o, "dane_match", NULL);
	jsonl_add_text(o, "error", p->error, strlen(p->error),
	    SANITIZE_KEEP_BACKSLASH);
	jsonl_add_text(o, "why", a->why, strlen(a->why),
	    SANITIZE_KEEP_BACKSLASH);
	jsonl_put(j, o);
}

void
jsonl_mx_verdict(struct jsonl *j, const struct mx_report *rep,
    enum exitcode status)
{
	json_object	*o;

	if ((o = jsonl_object("verdict")) == NULL)
		return;
	jsonl_add_text(o, "domain", rep->domain, strlen(rep->domain), 0);
	jsonl_add_int(o, "probed", (long long)rep->probed);
	jsonl_add_int(o, "answered", (long long)rep->answered);
	jsonl_add_str(o, "verdict", rep->probed == 0 ? "nothing to probe" :
	    status == EXIT_OK ? "all answer" : status == EXIT_FAILED ?
	    "some fail" : "none answers");
	jsonl_put(j, o);
}
