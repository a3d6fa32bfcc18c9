/*
 * practice.c -- the protocol engine of the practice server: bytes in,
 * reply bytes out (practice_conn_*).  No sockets, no files, no terminal:
 * the network layer (practice_net.c) feeds it and keeps what it accepts.
 *
 * Each command line is parsed once, by the checker's grammar
 * (verbs_parse()), against the capabilities this server advertised; the
 * engine answers from that result.  The order of commands comes from the
 * verb table's states.  practice_judge() is the one place that decides
 * how a command is answered.
 *
 * Seams for later work (docs/design.md, "The practice server"):
 *   - scenarios: rows of practice_scenarios[]; their hooks go where
 *     practice_judge() gives the default answer and where a message is
 *     accepted;
 *   - STARTTLS: a handler in practice_handlers[] and the keyword in
 *     practice_ehlo_keywords[]; the handler asks the network layer
 *     (through the hooks) to start TLS, which then calls
 *     practice_conn_tls_started() (AUTH is offered from then on);
 *   - LMTP: LHLO in the verb table, and one reply per recipient after
 *     the final dot in practice_accept_message().
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "base64.h"
#include "caps.h"
#include "practice.h"
#include "practice_auth.h"
#include "sanitize.h"
#include "script.h"
#include "state.h"
#include "transcript.h"
#include "verbs.h"

/* What the engine is reading. */
enum practice_mode {
	PRACTICE_MODE_CMD,		/* command lines */
	PRACTICE_MODE_DATA,		/* a DATA body, up to CRLF.CRLF */
	PRACTICE_MODE_BDAT,		/* the octets of a BDAT chunk */
	PRACTICE_MODE_SASL,		/* lines answering a 334 (RFC 4954 4) */
	PRACTICE_MODE_CLOSED,		/* QUIT answered, or a 421 */
};

/* Where the DATA reader is inside a line (RFC 5321 4.5.2, 4.1.1.4). */
enum practice_dstate {
	PRACTICE_D_BOL,			/* after CRLF, or first octet of the body */
	PRACTICE_D_DOT,			/* "." at the start of a line */
	PRACTICE_D_DOTCR,		/* "." CR at the start of a line */
	PRACTICE_D_MID,			/* inside a line */
	PRACTICE_D_CR,			/* after a CR inside a line */
};

/* RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with CRLF. */
#define PRACTICE_REPLY_MAX	512
/* How much of a client's text a log line or a reply quotes. */
#define PRACTICE_SHOWN_MAX	160

struct practice_conn {
	struct practice_opts	 opts;
	struct practice_hooks	 hooks;
	const char		*host;
	size_t			 max_size;

	enum practice_mode	 mode;
	enum state		 state;		/* STATE_GREETED .. STATE_BDAT */
	int			 ehlo;		/* the session began with EHLO */
	int			 tls;		/* TLS is up: AUTH is offered */
	int			 authenticated;	/* AUTH got 235 (RFC 4954 4) */
	struct practice_auth	*sasl;		/* the AUTH exchange under way */
	/* What this server advertised in its last EHLO reply, by which
	 * commands are judged; after HELO nothing (RFC 5321 4.1.1.1). */
	struct caps		 caps;

	char			*line;		/* the command line being read */
	size_t			 linelen;
	size_t			 linecap;
	int			 discard;	/* dropping the rest of a long line */

	char			*out;
	size_t			 outlen;
	size_t			 outcap;

	/* The transaction. */
	char			*from;
	char			*from_params;
	char			*rcpts[PRACTICE_MAX_RCPTS];
	size_t			 nrcpts;
	enum verbs_body		 body_type;
	int			 smtputf8;	/* MAIL ... SMTPUTF8 */

	/* The message being received. */
	char			*body;
	size_t			 bodylen;
	size_t			 bodycap;
	int			 toobig;
	enum practice_dstate	 dstate;
	uintmax_t		 bdat_left;
	int			 bdat_last;
	/* The reply owed once the chunk is read, "" when it succeeds
	 * (RFC 3030 2: a failed BDAT still reads its octets first). */
	char			 bdat_fail[PRACTICE_REPLY_MAX];

	unsigned long		 messages;
	char			*last;
	size_t			 lastlen;
};

typedef void practice_handler(struct practice_conn *,
    const struct verbs_cmd *, const char *);

/*
 * Scenarios: how the server behaves, chosen with --scenario.  Only the
 * default exists; the others (greylist, unknown-user, tls-required,
 * auth-required, slow ...) become rows here with the hooks they need,
 * called from practice_judge() and practice_accept_message().
 */
static const struct practice_scenario {
	const char	*name;
} practice_scenarios[] = {
	{ "default" },		/* a well-behaved server */
};

static void	practice_set_state(struct practice_conn *, enum state);
static void	practice_out(struct practice_conn *, const char *, size_t);
static void	practice_reply(struct practice_conn *, const char *, ...)
		    __attribute__((format(__printf__, 2, 3)));
static void	practice_refuse(struct practice_conn *, const struct diag *);
static void	practice_logf(struct practice_conn *, const char *, ...)
		    __attribute__((format(__printf__, 2, 3)));
static void	practice_show(char *, size_t, const char *, size_t, int);
static void	practice_log_command(struct practice_conn *, const char *,
		    size_t, size_t);
static void	practice_txn_reset(struct practice_conn *);
static char	*practice_copy(const char *, const struct verbs_span *);
static int	practice_body_add(struct practice_conn *, const char *, size_t);
static void	practice_accept_message(struct practice_conn *);
static size_t	practice_cmd_bytes(struct practice_conn *,
		    const unsigned char *, size_t);
static size_t	practice_data_bytes(struct practice_conn *,
		    const unsigned char *, size_t);
static size_t	practice_bdat_bytes(struct practice_conn *,
		    const unsigned char *, size_t);
static void	practice_command(struct practice_conn *, char *, size_t);
static void	practice_judge(struct practice_conn *,
		    const struct verbs_cmd *, const char *);
static int	practice_negotiated(const struct practice_conn *,
		    const struct verb_info *);
static void	practice_sequence(struct practice_conn *,
		    const struct verb_info *);
static void	practice_valid_now(const struct practice_conn *, char *,
		    size_t);
static void	practice_ehlo_caps(struct practice_conn *);
static void	practice_sasl_line(struct practice_conn *, char *, size_t);
static void	practice_sasl_step(struct practice_conn *,
		    const unsigned char *, size_t);
static void	practice_sasl_end(struct practice_conn *);

static practice_handler practice_ehlo;
static practice_handler practice_helo;
static practice_handler practice_mail;
static practice_handler practice_rcpt;
static practice_handler practice_data;
static practice_handler practice_bdat;
static practice_handler practice_rset;
static practice_handler practice_noop;
static practice_handler practice_vrfy;
static practice_handler practice_expn;
static practice_handler practice_help;
static practice_handler practice_quit;
static practice_handler practice_auth;

/*
 * The verbs this server implements, by verb id; the verb table (verbs.c)
 * gives their names, syntax, help and the states where they are valid.
 * A verb of the table without a handler gets 502 (RFC 5321 4.2.4), so a
 * learner sees the difference between "unknown" (500) and "not here".
 */
static practice_handler *const practice_handlers[VERB_COUNT] = {
	[VERB_HELO] = practice_helo,
	[VERB_EHLO] = practice_ehlo,
	[VERB_MAIL] = practice_mail,
	[VERB_RCPT] = practice_rcpt,
	[VERB_DATA] = practice_data,
	[VERB_BDAT] = practice_bdat,
	[VERB_RSET] = practice_rset,
	[VERB_VRFY] = practice_vrfy,
	[VERB_EXPN] = practice_expn,
	[VERB_HELP] = practice_help,
	[VERB_NOOP] = practice_noop,
	[VERB_QUIT] = practice_quit,
	[VERB_AUTH] = practice_auth,
};

/* The EHLO keywords, in the order they are listed. */
static const char *const practice_ehlo_keywords[] = {
	"PIPELINING",		/* RFC 2920 */
	"SIZE",			/* RFC 1870; its limit is added when listed */
	"8BITMIME",		/* RFC 6152 */
	"ENHANCEDSTATUSCODES",	/* RFC 2034 */
	"CHUNKING",		/* RFC 3030 */
	"BINARYMIME",		/* RFC 3030 */
	"DSN",			/* RFC 3461 */
	"SMTPUTF8",		/* RFC 6531 */
	"HELP",			/* RFC 5321 4.1.1.8 */
};
#define PRACTICE_NKEYWORDS \
	(sizeof practice_ehlo_keywords / sizeof practice_ehlo_keywords[0])

/* ------------------------------------------------------------------------ */
/* Output and logging. */

static void
practice_out(struct practice_conn *c, const char *s, size_t n)
{
	size_t	 need, cap;
	char	*p;

	need = c->outlen + n;
	if (need > c->outcap) {
		cap = c->outcap ? c->outcap : 256;
		while (cap < need)
			cap *= 2;
		if ((p = realloc(c->out, cap)) == NULL)
			return;		/* out of memory: the reply is lost */
		c->out = p;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
}

/* One reply line; CRLF is added. */
static void
practice_reply(struct practice_conn *c, const char *fmt, ...)
{
	char	buf[PRACTICE_REPLY_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* RFC 5321 4.5.3.1.5: a reply line is at most 512 octets. */
	if ((size_t)n > sizeof buf - 3)
		n = sizeof buf - 3;
	buf[n++] = '\r';
	buf[n++] = '\n';
	practice_out(c, buf, (size_t)n);
}

/* The reply the grammar predicts for a problem: code, enhanced code, what
 * is wrong and where the RFC says so. */
static void
practice_refuse(struct practice_conn *c, const struct diag *d)
{
	practice_reply(c, "%d %s %s (%s)", d->reply, d->esc, d->msg, d->rfc);
}

static void
practice_logf(struct practice_conn *c, const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;

	if (c->hooks.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	c->hooks.log(c->hooks.arg, buf);
}

/* Client text made safe to quote (sanitize()), shortened with "..." when
 * it does not fit. */
static void
practice_show(char *dst, size_t size, const char *s, size_t len, int flags)
{
	if (sanitize_buf(dst, size, s, len, flags) >= size && size > 4) {
		size_t n = strlen(dst);

		if (n > size - 4)
			n = size - 4;
		memcpy(dst + n, "...", 4);
	}
}

/* One log line per command: the line (an AUTH secret masked, RFC 4954 4)
 * and the code of its reply. */
static void
practice_log_command(struct practice_conn *c, const char *line, size_t len,
    size_t before)
{
	char	 masked[PRACTICE_SHOWN_MAX + 16], shown[PRACTICE_SHOWN_MAX];
	const char *code;

	if (c->hooks.log == NULL)
		return;
	if (len >= 5 && strncasecmp(line, "AUTH", 4) == 0 &&
	    (line[4] == ' ' || line[4] == '\t')) {
		transcript_mask_auth(line, masked, sizeof masked);
		practice_show(shown, sizeof shown, masked, strlen(masked), 0);
	} else
		practice_show(shown, sizeof shown, line, len, 0);
	/* BDAT answers after its chunk: nothing to show yet. */
	code = c->outlen >= before + 3 ? c->out + before : "...";
	practice_logf(c, "%s -> %.3s", shown, code);
}

/* The one place the session state changes. */
static void
practice_set_state(struct practice_conn *c, enum state s)
{
	c->state = s;
}

/* ------------------------------------------------------------------------ */
/* Engine life cycle. */

int
practice_check_opts(const struct practice_opts *o, char *err, size_t errlen)
{
	size_t	 i, len, n = sizeof practice_scenarios /
		    sizeof practice_scenarios[0];
	char	 shown[PRACTICE_SHOWN_MAX];

	if (o->scenario == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(o->scenario, practice_scenarios[i].name) == 0)
			return 0;
	practice_show(shown, sizeof shown, o->scenario, strlen(o->scenario),
	    0);
	len = (size_t)snprintf(err, errlen, "unknown scenario \"%s\" (known:",
	    shown);
	for (i = 0; i < n && len < errlen; i++)
		len += (size_t)snprintf(err + len, errlen - len, " %s",
		    practice_scenarios[i].name);
	if (len < errlen)
		snprintf(err + len, errlen - len, ")");
	return -1;
}

struct practice_conn *
practice_conn_new(const struct practice_opts *opts,
    const struct practice_hooks *hooks)
{
	struct practice_conn *c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	if (opts != NULL)
		c->opts = *opts;
	if (hooks != NULL)
		c->hooks = *hooks;
	c->host = c->opts.hostname != NULL && *c->opts.hostname != '\0' ?
	    c->opts.hostname : PRACTICE_DEFAULT_HOST;
	c->max_size = c->opts.max_size ? c->opts.max_size :
	    PRACTICE_DEFAULT_SIZE;
	c->mode = PRACTICE_MODE_CMD;
	practice_set_state(c, STATE_GREETED);
	/* RFC 5321 4.2, 3.1: the greeting; no enhanced code (RFC 2034 3).
	 * It names the practice account, for AUTH after STARTTLS. */
	practice_reply(c, "220 %s ESMTP smtpscope practice server ready; "
	    "AUTH after STARTTLS as %s, password %s", c->host,
	    AUTH_PRACTICE_USER, AUTH_PRACTICE_PASSWORD);
	return c;
}

static void
practice_txn_reset(struct practice_conn *c)
{
	size_t i;

	free(c->from);
	free(c->from_params);
	c->from = c->from_params = NULL;
	for (i = 0; i < c->nrcpts; i++)
		free(c->rcpts[i]);
	c->nrcpts = 0;
	c->body_type = VERBS_BODY_NONE;
	c->smtputf8 = 0;
	free(c->body);
	c->body = NULL;
	c->bodylen = c->bodycap = 0;
	c->toobig = 0;
	c->bdat_left = 0;
	c->bdat_last = 0;
	c->bdat_fail[0] = '\0';
	if (c->state > STATE_READY && c->state < STATE_QUIT)
		practice_set_state(c, STATE_READY);
}

void
practice_conn_free(struct practice_conn *c)
{
	if (c == NULL)
		return;
	practice_txn_reset(c);
	practice_auth_free(c->sasl);
	caps_clear(&c->caps);
	free(c->line);
	free(c->out);
	free(c->last);
	free(c);
}

const char *
practice_conn_output(const struct practice_conn *c, size_t *len)
{
	*len = c->outlen;
	return c->out;
}

void
practice_conn_consume(struct practice_conn *c, size_t n)
{
	if (n >= c->outlen) {
		c->outlen = 0;
		return;
	}
	memmove(c->out, c->out + n, c->outlen - n);
	c->outlen -= n;
}

int
practice_conn_done(const struct practice_conn *c)
{
	return c->mode == PRACTICE_MODE_CLOSED;
}

int
practice_conn_in_message(const struct practice_conn *c)
{
	return c->mode == PRACTICE_MODE_DATA || c->mode == PRACTICE_MODE_BDAT;
}

unsigned long
practice_conn_messages(const struct practice_conn *c)
{
	return c->messages;
}

const char *
practice_conn_last_message(const struct practice_conn *c, size_t *len)
{
	*len = c->lastlen;
	return c->last;
}

void
practice_conn_eof(struct practice_conn *c)
{
	if (c->mode == PRACTICE_MODE_DATA || c->mode == PRACTICE_MODE_BDAT)
		practice_logf(c, "client vanished inside a message; "
		    "%zu octets dropped", c->bodylen);
	practice_txn_reset(c);
	c->mode = PRACTICE_MODE_CLOSED;
}

int
practice_conn_input(struct practice_conn *c, const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	size_t			 i = 0;

	while (i < len && c->mode != PRACTICE_MODE_CLOSED) {
		switch (c->mode) {
		case PRACTICE_MODE_CMD:
		case PRACTICE_MODE_SASL:
			i += practice_cmd_bytes(c, p + i, len - i);
			break;
		case PRACTICE_MODE_DATA:
			i += practice_data_bytes(c, p + i, len - i);
			break;
		case PRACTICE_MODE_BDAT:
			i += practice_bdat_bytes(c, p + i, len - i);
			break;
		case PRACTICE_MODE_CLOSED:
			break;
		}
	}
	return c->mode == PRACTICE_MODE_CLOSED;
}

/* ------------------------------------------------------------------------ */
/* Command lines. */

/*
 * Collect one command line.  RFC 5321 2.3.8 wants CRLF; a bare LF is also
 * taken as the end of a command line (as most servers do), a CR before it
 * is dropped.  A line longer than PRACTICE_LINE_CAP gets 500 at once
 * (RFC 5321 4.5.3.1.9: "500 Line too long") and the rest of it is
 * dropped, so memory stays bounded; shorter ones go to the grammar, which
 * knows each command's limit.
 */
static size_t
practice_cmd_bytes(struct practice_conn *c, const unsigned char *p, size_t n)
{
	const unsigned char	*lf;
	size_t			 take, used, cap;
	char			*nl;

	lf = memchr(p, '\n', n);
	used = lf != NULL ? (size_t)(lf - p) + 1 : n;
	take = lf != NULL ? (size_t)(lf - p) : n;
	if (c->discard) {
		if (lf != NULL)
			c->discard = 0;
		return used;
	}
	/* Room for the line and its CR: the LF makes the cap. */
	if (c->linelen + take > PRACTICE_LINE_CAP - 1) {
		c->linelen = 0;
		c->discard = lf == NULL;
		practice_reply(c, "500 5.5.2 Line too long: over %d octets "
		    "(RFC 5321 4.5.3.1.4)", PRACTICE_LINE_CAP);
		practice_logf(c, "line over %d octets -> 500",
		    PRACTICE_LINE_CAP);
		return used;
	}
	if (c->linelen + take + 1 > c->linecap) {
		cap = c->linecap ? c->linecap : 512;
		while (cap < c->linelen + take + 1)
			cap *= 2;
		if ((nl = realloc(c->line, cap)) == NULL) {
			c->linelen = 0;
			c->discard = lf == NULL;
			practice_reply(c, "451 4.3.0 Out of memory");
			return used;
		}
		c->line = nl;
		c->linecap = cap;
	}
	memcpy(c->line + c->linelen, p, take);
	c->linelen += take;
	if (lf == NULL)
		return used;
	take = c->linelen;
	c->linelen = 0;
	if (take > 0 && c->line[take - 1] == '\r')
		take--;
	c->line[take] = '\0';
	if (c->mode == PRACTICE_MODE_SASL)
		practice_sasl_line(c, c->line, take);
	else
		practice_command(c, c->line, take);
	return used;
}

/* One command line (without CRLF; it may hold NUL octets). */
static void
practice_command(struct practice_conn *c, char *line, size_t len)
{
	struct verbs_cmd	 cmd;
	size_t			 before = c->outlen;

	/* RFC 6531 3.4: non-ASCII recipients are fine in a transaction
	 * that MAIL started with SMTPUTF8. */
	(void)verbs_parse(line, len, &c->caps, c->smtputf8 ?
	    VERBS_SMTPUTF8_TXN : 0, &cmd);
	practice_judge(c, &cmd, line);
	practice_log_command(c, line, len, before);
}

/*
 * How the practice server answers a parsed command: the one place where
 * its answer is decided, in this order.
 *
 *  1. A verb the table does not know: the grammar's reply (500 5.5.2).
 *  2. A verb of the table without a handler here: 502 5.5.1.
 *  3. BDAT goes to its handler, which reads the chunk before it refuses
 *     (RFC 3030 2).
 *  4. A verb of an extension that EHLO did not offer (after HELO, or
 *     before any greeting): 503 5.5.1.
 *  5. A verb not valid in this state by the verb table: 503 5.5.1 (RFC
 *     5321 4.1.4).
 *  6. The grammar's refusal: the problem furthest to the left that has a
 *     reply.  That is every error, and the warnings that carry a reply
 *     (a limit of RFC 5321 4.5.3.1, a parameter of an extension this
 *     server did not advertise, SIZE over its limit, non-ASCII without
 *     SMTPUTF8): the practice server applies every rule a server may
 *     apply, where the checker only warns the user that some servers
 *     refuse.  Warnings without a reply (a space after the colon, a
 *     source route, trailing blanks, ...) and hints are tolerated.
 *  7. The handler, which answers as a real server would.
 *
 * A scenario's hooks (practice_scenarios[]) are called here, after 6.
 */
static void
practice_judge(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	const struct verb_info	*v = cmd->verb;
	const struct diag	*d = verbs_refusal(cmd);

	if (v == NULL) {	/* the grammar refuses every line without a verb */
		practice_refuse(c, d);
		return;
	}
	if (practice_handlers[v->id] == NULL) {
		/* RFC 5321 4.2.4: 502 for a command not implemented.
		 * STARTTLS gets 502 too, not 454: RFC 3207 4 keeps 454 for
		 * "TLS not available due to temporary reason", and here it is
		 * never available (it is not in the EHLO reply). */
		practice_reply(c, "502 5.5.1 %s is not implemented by this "
		    "server", v->name);
		return;
	}
	if (v->id == VERB_BDAT) {
		practice_bdat(c, cmd, line);
		return;
	}
	if (v->id == VERB_AUTH && c->ehlo && !c->tls) {
		/* RFC 4954 6: a password mechanism needs encryption here */
		practice_reply(c, "538 5.7.11 Encryption required: this server "
		    "offers AUTH after STARTTLS (RFC 4954 4, 6)");
		return;
	}
	if (!practice_negotiated(c, v)) {
		practice_reply(c, "503 5.5.1 %s needs the %s extension, which "
		    "only EHLO offers (RFC 5321 4.1.1.1)", v->name, v->extension);
		return;
	}
	if (!(v->states & STATE_BIT(c->state))) {
		practice_sequence(c, v);
		return;
	}
	if (d != NULL) {
		practice_refuse(c, d);
		return;
	}
	practice_handlers[v->id](c, cmd, line);
}

/* The extension that enables v was offered by the last EHLO (or v needs
 * none). */
static int
practice_negotiated(const struct practice_conn *c, const struct verb_info *v)
{
	return v->extension == NULL || (c->ehlo &&
	    caps_find(&c->caps, v->extension) != NULL);
}

/* The verbs this server takes now, space-separated, into buf. */
static void
practice_valid_now(const struct practice_conn *c, char *buf, size_t size)
{
	const struct verb_info	*t;
	size_t			 i, n, len = 0;

	buf[0] = '\0';
	t = verbs_table(&n);
	for (i = 0; i < n && len < size; i++)
		if (practice_handlers[t[i].id] != NULL &&
		    (t[i].states & STATE_BIT(c->state)) &&
		    practice_negotiated(c, &t[i]))
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    len ? " " : "", t[i].name);
}

/* RFC 5321 4.1.4 and 4.2.2: 503, bad sequence of commands. */
static void
practice_sequence(struct practice_conn *c, const struct verb_info *v)
{
	char	valid[200];

	practice_valid_now(c, valid, sizeof valid);
	practice_reply(c, "503 5.5.1 Bad sequence of commands: %s is not "
	    "valid now; valid now: %s (RFC 5321 4.1.4)", v->name, valid);
}

/* ------------------------------------------------------------------------ */
/* The commands. */

/* The capabilities of this server's EHLO reply, by which it judges the
 * commands that follow. */
static void
practice_ehlo_caps(struct practice_conn *c)
{
	char	spec[256];
	size_t	i, len = 0;

	for (i = 0; i < PRACTICE_NKEYWORDS && len < sizeof spec; i++) {
		len += (size_t)snprintf(spec + len, sizeof spec - len, "%s%s",
		    len ? " " : "", practice_ehlo_keywords[i]);
		if (strcmp(practice_ehlo_keywords[i], "SIZE") == 0 &&
		    len < sizeof spec)
			len += (size_t)snprintf(spec + len, sizeof spec - len,
			    " %zu", c->max_size);
	}
	/* RFC 4954 4 and 15: password mechanisms only under TLS */
	if (c->tls && len < sizeof spec)
		snprintf(spec + len, sizeof spec - len, " AUTH %s",
		    PRACTICE_AUTH_MECHS);
	if (caps_from_spec(&c->caps, spec) == -1)
		caps_clear(&c->caps);
	c->caps.ehlo = 1;
}

/* RFC 5321 4.1.1.1: EHLO and HELO; either resets a transaction (4.1.4). */
static void
practice_hello(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line, int ehlo)
{
	char	shown[PRACTICE_SHOWN_MAX];
	size_t	i;

	practice_txn_reset(c);
	practice_set_state(c, STATE_READY);
	c->ehlo = ehlo;
	caps_clear(&c->caps);
	if (ehlo)
		practice_ehlo_caps(c);
	else
		c->caps.ehlo = 1;	/* known: nothing offered */
	practice_show(shown, sizeof shown, line + cmd->arg.off, cmd->arg.len,
	    SANITIZE_ASCII);
	if (!ehlo) {
		practice_reply(c, "250 %s greets %s", c->host, shown);
		return;
	}
	/* The reply lists the extensions, one a line. */
	practice_reply(c, "250-%s greets %s", c->host, shown);
	if (c->tls)
		practice_reply(c, "250-AUTH %s", PRACTICE_AUTH_MECHS);
	for (i = 0; i < PRACTICE_NKEYWORDS; i++) {
		int last = i + 1 == PRACTICE_NKEYWORDS;

		if (strcmp(practice_ehlo_keywords[i], "SIZE") == 0)
			practice_reply(c, "250%cSIZE %zu", last ? ' ' : '-',
			    c->max_size);
		else
			practice_reply(c, "250%c%s", last ? ' ' : '-',
			    practice_ehlo_keywords[i]);
	}
}

static void
practice_ehlo(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	practice_hello(c, cmd, line, 1);
}

static void
practice_helo(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	practice_hello(c, cmd, line, 0);
}

/* A NUL-terminated copy of line[sp]. */
static char *
practice_copy(const char *line, const struct verbs_span *sp)
{
	return strndup(line + sp->off, sp->len);
}

static void
practice_mail(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	const struct verbs_param	*first, *last;
	struct verbs_span		 params = { 0, 0 };
	char				 shown[PRACTICE_SHOWN_MAX * 2];

	/* The parameters as given, for the envelope. */
	if (cmd->nparams > 0) {
		first = &cmd->params[0];
		last = &cmd->params[cmd->nparams - 1];
		params.off = first->name.off;
		params.len = (last->has_value ? last->value.off +
		    last->value.len : last->name.off + last->name.len) -
		    params.off;
	}
	if ((c->from = practice_copy(line, &cmd->mailbox)) == NULL ||
	    (c->from_params = practice_copy(line, &params)) == NULL) {
		practice_txn_reset(c);
		practice_reply(c, "452 4.3.1 Out of memory");
		return;
	}
	c->body_type = cmd->body;
	c->smtputf8 = cmd->smtputf8;
	practice_set_state(c, STATE_MAIL);
	practice_show(shown, sizeof shown, c->from, strlen(c->from),
	    SANITIZE_ASCII | SANITIZE_KEEP_BACKSLASH);
	practice_reply(c, "250 2.1.0 Sender <%s> ok", shown);
}

static void
practice_rcpt(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	char	shown[PRACTICE_SHOWN_MAX * 2];

	if (c->nrcpts >= PRACTICE_MAX_RCPTS) {
		/* RFC 5321 4.5.3.1.10: 452, the client sends the rest in
		 * another transaction. */
		practice_reply(c, "452 4.5.3 Too many recipients (limit %d)",
		    PRACTICE_MAX_RCPTS);
		return;
	}
	if ((c->rcpts[c->nrcpts] = practice_copy(line, &cmd->mailbox)) ==
	    NULL) {
		practice_reply(c, "452 4.3.1 Out of memory");
		return;
	}
	practice_show(shown, sizeof shown, c->rcpts[c->nrcpts],
	    strlen(c->rcpts[c->nrcpts]),
	    SANITIZE_ASCII | SANITIZE_KEEP_BACKSLASH);
	c->nrcpts++;
	practice_set_state(c, STATE_RCPT);
	practice_reply(c, "250 2.1.5 Recipient <%s> ok", shown);
}

static void
practice_data(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)cmd;
	(void)line;
	if (c->body_type == VERBS_BODY_BINARYMIME) {
		/* RFC 3030 3: BINARYMIME needs BDAT. */
		practice_reply(c, "503 5.5.1 BODY=BINARYMIME needs BDAT, "
		    "not DATA (RFC 3030 3)");
		return;
	}
	c->mode = PRACTICE_MODE_DATA;
	c->dstate = PRACTICE_D_BOL;
	c->bodylen = 0;
	c->toobig = 0;
	practice_set_state(c, STATE_DATA);
	/* RFC 5321 4.2: 3xx replies carry no enhanced code (RFC 2034 3). */
	practice_reply(c, "354 End data with <CR><LF>.<CR><LF>");
}

/*
 * RFC 3030 2: "BDAT" SP chunk-size [ SP end-marker ].  Whatever is wrong
 * once the size is known, the chunk's octets are read and dropped first,
 * then the error is given.  A chunk larger than the whole message may be
 * is refused at once with 552: reading it could take for ever, and the
 * octets that follow can be told from commands no more, so the
 * connection is closed with 421 (RFC 5321 3.8).
 */
static void
practice_bdat(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	const struct diag	*d = verbs_refusal(cmd);
	char			 valid[200];

	(void)line;
	if (d != NULL && cmd->chunk <= c->max_size) {
		practice_refuse(c, d);
		return;
	}
	if (cmd->chunk > c->max_size) {
		/* The grammar's 552 when EHLO advertised SIZE (or a syntax
		 * error before it); after HELO, the same limit. */
		if (d != NULL)
			practice_refuse(c, d);
		else
			practice_reply(c, "552 5.3.4 a chunk larger than the "
			    "%zu octets the server accepts (RFC 1870 6.1)",
			    c->max_size);
		practice_reply(c, "421 4.3.0 %s closing: the octets of that "
		    "chunk cannot be read as commands", c->host);
		practice_logf(c, "BDAT of %ju octets over the limit of %zu: "
		    "closed", cmd->chunk, c->max_size);
		practice_txn_reset(c);
		c->mode = PRACTICE_MODE_CLOSED;
		return;
	}
	c->bdat_left = cmd->chunk;
	c->bdat_last = cmd->last;
	c->bdat_fail[0] = '\0';
	if (!practice_negotiated(c, cmd->verb))
		snprintf(c->bdat_fail, sizeof c->bdat_fail, "503 5.5.1 BDAT "
		    "needs the CHUNKING extension, which only EHLO offers "
		    "(RFC 3030 2); chunk dropped");
	else if (!(cmd->verb->states & STATE_BIT(c->state))) {
		practice_valid_now(c, valid, sizeof valid);
		snprintf(c->bdat_fail, sizeof c->bdat_fail, "503 5.5.1 Bad "
		    "sequence of commands: BDAT is not valid now, chunk "
		    "dropped; valid now: %s (RFC 5321 4.1.4)", valid);
	} else {
		practice_set_state(c, STATE_BDAT);
		/* RFC 1870 6.3: over the limit, read on, refuse at the end. */
		if (cmd->chunk > c->max_size - c->bodylen || c->toobig)
			snprintf(c->bdat_fail, sizeof c->bdat_fail, "552 5.3.4 "
			    "Message size exceeds fixed maximum message size "
			    "(%zu)", c->max_size);
	}
	c->mode = PRACTICE_MODE_BDAT;
	if (cmd->chunk == 0)
		practice_bdat_bytes(c, NULL, 0);
}

static void
practice_rset(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)cmd;
	(void)line;
	practice_txn_reset(c);
	practice_reply(c, "250 2.0.0 Reset ok");
}

static void
practice_noop(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	/* RFC 5321 4.1.1.9: an argument is allowed and ignored. */
	(void)cmd;
	(void)line;
	practice_reply(c, "250 2.0.0 OK");
}

static void
practice_vrfy(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)cmd;
	(void)line;
	/* RFC 5321 3.5.3: 252 when the server will not say. */
	practice_reply(c, "252 2.5.0 Cannot verify the user, but will accept "
	    "the message");
}

static void
practice_expn(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)cmd;
	(void)line;
	/* RFC 5321 7.3: sites may disable EXPN; most public ones do. */
	practice_reply(c, "502 5.5.1 EXPN is disabled here (RFC 5321 7.3)");
}

/* Text as 214 reply lines of at most 72 columns of it; the last one ends
 * the reply when last is set. */
static void
practice_help_text(struct practice_conn *c, const char *text, int last)
{
	size_t	 n, cut;

	while (*text != '\0') {
		n = strlen(text);
		cut = n;
		if (n > 72) {
			for (cut = 72; cut > 0 && text[cut] != ' '; cut--)
				continue;
			if (cut == 0)
				cut = 72;
		}
		n = cut;
		while (n > 0 && text[n - 1] == ' ')
			n--;
		practice_reply(c, "214%c2.0.0 %.*s", last &&
		    text[cut + strspn(text + cut, " ")] == '\0' ? ' ' : '-',
		    (int)n, text);
		text += cut;
		while (*text == ' ')
			text++;
	}
}

/* RFC 5321 4.1.1.8: the verbs this server implements, or one verb's
 * syntax and help from the verb table. */
static void
practice_help(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	const struct verb_info	*t, *v;
	char			 list[200], shown[40], more[1024];
	size_t			 i, n, len = 0;

	if (cmd->arg.len > 0) {
		v = verbs_lookup(line + cmd->arg.off, cmd->arg.len);
		if (v == NULL) {
			practice_show(shown, sizeof shown, line + cmd->arg.off,
			    cmd->arg.len, SANITIZE_ASCII);
			practice_reply(c, "504 5.5.4 No help for %s", shown);
			return;
		}
		practice_reply(c, "214-2.0.0 %s", v->syntax);
		snprintf(more, sizeof more, "%s (%s%s)", v->help, v->rfc,
		    practice_handlers[v->id] == NULL ? "; not implemented by "
		    "this server" : "");
		practice_help_text(c, more, 1);
		return;
	}
	t = verbs_table(&n);
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof list; i++)
		if (practice_handlers[t[i].id] != NULL)
			len += (size_t)snprintf(list + len, sizeof list - len,
			    "%s%s", len ? " " : "", t[i].name);
	practice_reply(c, "214-2.0.0 smtpscope practice server. Commands:");
	practice_reply(c, "214-2.0.0   %s", list);
	practice_reply(c, "214-2.0.0 A transaction: EHLO me.example, "
	    "MAIL FROM:<a@example.org>,");
	practice_reply(c, "214-2.0.0 RCPT TO:<b@example.org>, DATA, "
	    "the message, a line \".\", QUIT.");
	practice_reply(c, "214 2.0.0 HELP <verb> tells more about one "
	    "command.");
}

static void
practice_quit(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)cmd;
	(void)line;
	practice_txn_reset(c);
	practice_set_state(c, STATE_QUIT);
	practice_reply(c, "221 2.0.0 %s closing connection", c->host);
	c->mode = PRACTICE_MODE_CLOSED;
}

/*
 * RFC 4954 4: AUTH mechanism [initial-response].  Once per session; not
 * in a transaction (the verb table's states say so); the mechanism must
 * be one advertised (the grammar refuses others with 504).
 */
static void
practice_auth(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	const char	*ir = line + cmd->arg2.off;
	unsigned char	*in = NULL;
	size_t		 inlen = 0;

	if (c->authenticated) {
		practice_reply(c, "503 5.5.1 Already authenticated: AUTH is "
		    "taken once a session (RFC 4954 4)");
		return;
	}
	if ((c->sasl = practice_auth_new(line + cmd->arg.off,
	    cmd->arg.len)) == NULL) {
		practice_reply(c, "504 5.5.4 Unrecognized authentication "
		    "type: offered are %s (RFC 4954 4)", PRACTICE_AUTH_MECHS);
		return;
	}
	c->mode = PRACTICE_MODE_SASL;
	if (cmd->arg2.len == 0) {
		practice_sasl_step(c, (const unsigned char *)"", 0);
		return;
	}
	if (!practice_auth_takes_initial(c->sasl)) {
		practice_sasl_end(c);
		practice_reply(c, "501 5.7.0 The server speaks first in this "
		    "mechanism: no initial response (RFC 4954 4)");
		return;
	}
	/* "=" is an initial response of zero length */
	if (!(cmd->arg2.len == 1 && *ir == '=') &&
	    base64_decode(ir, cmd->arg2.len, &in, &inlen) == -1) {
		practice_sasl_end(c);
		practice_reply(c, "501 5.5.2 The initial response is not "
		    "base64 (RFC 4954 4)");
		return;
	}
	practice_sasl_step(c, in != NULL ? in : (const unsigned char *)"",
	    inlen);
	base64_free(in, inlen);
}

/* A line answering a 334: base64, or "*" to cancel (RFC 4954 4). */
static void
practice_sasl_line(struct practice_conn *c, char *line, size_t len)
{
	unsigned char	*in;
	size_t		 inlen;

	if (len == 1 && line[0] == '*') {
		practice_sasl_end(c);
		practice_reply(c, "501 5.7.0 Authentication cancelled (RFC "
		    "4954 4)");
		practice_logf(c, "* -> 501");
		return;
	}
	if (base64_decode(line, len, &in, &inlen) == -1) {
		practice_sasl_end(c);
		practice_reply(c, "501 5.5.2 Cannot decode the response: not "
		    "base64 (RFC 4954 4)");
		practice_logf(c, "%s -> 501", SCRIPT_MASK);
	} else {
		size_t before = c->outlen;

		practice_sasl_step(c, in, inlen);
		base64_free(in, inlen);
		practice_logf(c, "%s -> %.3s", SCRIPT_MASK, c->outlen >=
		    before + 3 ? c->out + before : "...");
	}
	OPENSSL_cleanse(line, len);
}

/* One step of the exchange: a 334 challenge, or its end. */
static void
practice_sasl_step(struct practice_conn *c, const unsigned char *in,
    size_t len)
{
	char	*challenge;

	switch (practice_auth_step(c->sasl, in, len, &challenge)) {
	case PRACTICE_AUTH_CHALLENGE:
		/* RFC 4954 4: "334 " even when the challenge is empty */
		practice_out(c, "334 ", 4);
		practice_out(c, challenge, strlen(challenge));
		practice_out(c, "\r\n", 2);
		free(challenge);
		return;
	case PRACTICE_AUTH_OK:
		c->authenticated = 1;
		practice_reply(c, "235 2.7.0 Authentication successful");
		break;
	case PRACTICE_AUTH_FAILED:
		practice_reply(c, "535 5.7.8 Authentication credentials "
		    "invalid: the practice account is %s, password %s",
		    AUTH_PRACTICE_USER, AUTH_PRACTICE_PASSWORD);
		break;
	case PRACTICE_AUTH_ERROR:
		practice_reply(c, "454 4.7.0 Temporary authentication failure");
		break;
	}
	practice_sasl_end(c);
}

static void
practice_sasl_end(struct practice_conn *c)
{
	practice_auth_free(c->sasl);
	c->sasl = NULL;
	if (c->mode == PRACTICE_MODE_SASL)
		c->mode = PRACTICE_MODE_CMD;
}

/*
 * RFC 3207 4.2: after the handshake the session starts over, as after
 * the greeting; from now on EHLO offers AUTH.
 */
void
practice_conn_tls_started(struct practice_conn *c)
{
	practice_txn_reset(c);
	practice_sasl_end(c);
	caps_clear(&c->caps);
	c->ehlo = 0;
	c->authenticated = 0;
	c->tls = 1;
	practice_set_state(c, STATE_GREETED);
}

/* ------------------------------------------------------------------------ */
/* Message bodies. */

static int
practice_body_add(struct practice_conn *c, const char *s, size_t n)
{
	char	*p;
	size_t	 cap;

	if (c->toobig)
		return 0;
	if (n > c->max_size - c->bodylen) {
		/* RFC 1870 6.3: keep reading, refuse at the end. */
		c->toobig = 1;
		return 0;
	}
	if (c->bodylen + n > c->bodycap) {
		cap = c->bodycap ? c->bodycap : 4096;
		while (cap < c->bodylen + n)
			cap *= 2;
		if ((p = realloc(c->body, cap)) == NULL)
			return -1;
		c->body = p;
		c->bodycap = cap;
	}
	memcpy(c->body + c->bodylen, s, n);
	c->bodylen += n;
	return 0;
}

/* The message is complete: check, keep, count, answer. */
static void
practice_accept_message(struct practice_conn *c)
{
	struct practice_envelope env;
	unsigned long	n;
	size_t		len = c->bodylen;
	char		err[256];

	if (c->toobig) {
		/* RFC 1870 6.3, RFC 3463 X.3.4 */
		practice_reply(c, "552 5.3.4 Message size exceeds fixed "
		    "maximum message size (%zu)", c->max_size);
		practice_logf(c, "message refused: over %zu octets",
		    c->max_size);
		practice_txn_reset(c);
		return;
	}
	n = c->messages + 1;
	if (c->hooks.deliver != NULL) {
		env.from = c->from != NULL ? c->from : "";
		env.params = c->from_params != NULL ? c->from_params : "";
		env.rcpts = (const char *const *)c->rcpts;
		env.nrcpts = c->nrcpts;
		err[0] = '\0';
		if ((n = c->hooks.deliver(c->hooks.arg, &env, c->body != NULL ?
		    c->body : "", c->bodylen, err, sizeof err)) == 0) {
			/* RFC 5321 4.2.2: 451 local error in processing. */
			practice_reply(c, "451 4.3.0 Could not store the "
			    "message");
			practice_logf(c, "message refused: %s", err);
			practice_txn_reset(c);
			return;
		}
	}
	c->messages++;
	free(c->last);
	c->last = c->body;
	c->lastlen = c->bodylen;
	c->body = NULL;
	c->bodylen = c->bodycap = 0;
	practice_reply(c, "250 2.0.0 Message accepted as message %lu "
	    "(%zu octets)", n, len);
	practice_logf(c, "message %lu accepted: %zu octets, %zu recipient%s",
	    n, len, c->nrcpts, c->nrcpts == 1 ? "" : "s");
	practice_txn_reset(c);
}

/*
 * A DATA body, octet by octet.  RFC 5321 4.1.1.4: the body ends with
 * CRLF "." CRLF, where the first CRLF ends the last line and stays in the
 * message; right after the 354 the body starts at a line start, so "."
 * CRLF there is an empty message.  RFC 5321 4.5.2: a "." first on a line
 * with more after it is dropped (dot-unstuffing).  Only CRLF counts as a
 * line end here: a bare LF or CR never starts a line, so "\n.\n" cannot
 * end the message (the "SMTP smuggling" confusion).
 */
static size_t
practice_data_bytes(struct practice_conn *c, const unsigned char *p,
    size_t n)
{
	size_t	i, start = 0;
	char	cr = '\r';

#define FLUSH_RUN(upto) do {						\
	if ((upto) > start && practice_body_add(c,			\
	    (const char *)p + start, (upto) - start) == -1)		\
		c->toobig = 1;						\
} while (0)

	for (i = 0; i < n; i++) {
		unsigned char ch = p[i];

		switch (c->dstate) {
		case PRACTICE_D_BOL:
			if (ch == '.') {
				FLUSH_RUN(i);
				start = i + 1;
				c->dstate = PRACTICE_D_DOT;
			} else
				c->dstate = ch == '\r' ? PRACTICE_D_CR :
				    PRACTICE_D_MID;
			break;
		case PRACTICE_D_DOT:
			if (ch == '\r') {
				start = i + 1;
				c->dstate = PRACTICE_D_DOTCR;
			} else {
				/* dot dropped; the octet is the line's. */
				start = i;
				c->dstate = PRACTICE_D_MID;
			}
			break;
		case PRACTICE_D_DOTCR:
			if (ch == '\n') {
				c->mode = PRACTICE_MODE_CMD;
				practice_accept_message(c);
				return i + 1;
			}
			/* ".\r" and more: the dot goes, the CR stays. */
			if (practice_body_add(c, &cr, 1) == -1)
				c->toobig = 1;
			start = i;
			c->dstate = ch == '\r' ? PRACTICE_D_CR : PRACTICE_D_MID;
			break;
		case PRACTICE_D_MID:
			if (ch == '\r')
				c->dstate = PRACTICE_D_CR;
			break;
		case PRACTICE_D_CR:
			if (ch == '\n')
				c->dstate = PRACTICE_D_BOL;
			else if (ch != '\r')
				c->dstate = PRACTICE_D_MID;
			break;
		}
	}
	if (c->dstate != PRACTICE_D_DOT && c->dstate != PRACTICE_D_DOTCR)
		FLUSH_RUN(n);
#undef FLUSH_RUN
	return n;
}

/* The octets of a BDAT chunk (RFC 3030 2), then its reply. */
static size_t
practice_bdat_bytes(struct practice_conn *c, const unsigned char *p,
    size_t n)
{
	size_t	take;

	take = c->bdat_left < n ? (size_t)c->bdat_left : n;
	if (c->bdat_fail[0] == '\0' && take > 0 &&
	    practice_body_add(c, (const char *)p, take) == -1)
		snprintf(c->bdat_fail, sizeof c->bdat_fail,
		    "452 4.3.1 Out of memory");
	c->bdat_left -= take;
	if (c->bdat_left > 0)
		return take;
	c->mode = PRACTICE_MODE_CMD;
	if (c->bdat_fail[0] != '\0') {
		practice_reply(c, "%s", c->bdat_fail);
		practice_logf(c, "BDAT chunk dropped -> %.3s", c->bdat_fail);
		/* A refusal for the order leaves the transaction as it was;
		 * any other one ends it (RFC 3030 2: indeterminate, RSET). */
		if (strncmp(c->bdat_fail, "503", 3) != 0)
			practice_txn_reset(c);
		c->bdat_fail[0] = '\0';
		return take;
	}
	if (c->bdat_last) {
		practice_accept_message(c);
		return take;
	}
	practice_reply(c, "250 2.0.0 %zu octets received", c->bodylen);
	practice_logf(c, "BDAT chunk -> 250 (%zu octets so far)", c->bodylen);
	return take;
}
