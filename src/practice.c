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
 * Scenarios are rows of practice_scenarios[]: what each teaches and its
 * hooks, called where practice_judge() gives the default answer, where a
 * recipient and where a message is accepted.  A scenario that holds its
 * replies stamps the output with a release time (struct practice_mark)
 * that the network layer honours.
 *
 * STARTTLS: practice_starttls() answers 220 and asks the network layer
 * (hooks.starttls) to start TLS; the engine drops its input until
 * practice_conn_tls_started() (AUTH is offered from then on).
 *
 * LMTP (RFC 2033, practice_opts.lmtp): LHLO is a row of the verb table
 * and the grammar refuses the other protocol's greeting; the end of the
 * data gets one reply per recipient (practice_accept_message()).
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
#include "reply.h"
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
	PRACTICE_MODE_TLS,		/* STARTTLS answered: nothing is read
					   until TLS is up (RFC 3207 5) */
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
/* RFC 5321 4.5.3.1.6: a text line is at most 998 octets before CRLF. */
#define PRACTICE_TEXT_LINE_MAX	998
/* size-limit: the SIZE it advertises; mailbox-full: what is left in a
 * mailbox. */
#define PRACTICE_SMALL_SIZE	10240
#define PRACTICE_QUOTA_LEFT	4096
/* greylist: the sender-recipient pairs remembered (the oldest goes). */
#define PRACTICE_GREYLIST_MAX	256

/* Output up to end (an offset into the output) is released at the clock
 * time at; output after the last mark is released at once. */
struct practice_mark {
	size_t	 end;
	double	 at;
};

struct practice_memory {
	struct {
		char	*key;		/* sender "\n" recipient */
		double	 first;		/* clock time of the first try */
	}		 pairs[PRACTICE_GREYLIST_MAX];
	size_t		 n;
};

struct practice_conn {
	struct practice_opts	 opts;
	struct practice_hooks	 hooks;
	const struct practice_scenario *sc;
	const char		*host;
	size_t			 max_size;
	struct practice_memory	*memory;	/* opts.memory, or own_memory */
	struct practice_memory	*own_memory;
	int			 bare_lf;	/* this command ended in a bare LF */
	char			*divert;	/* replies made go here (one line,
						   PRACTICE_REPLY_MAX), not out */

	enum practice_mode	 mode;
	enum state		 state;		/* STATE_GREETED .. STATE_BDAT */
	int			 ehlo;		/* the session began with EHLO */
	int			 tls;		/* TLS is up: AUTH is offered */
	size_t			 tls_dropped;	/* octets after STARTTLS, in
						   clear, dropped */
	int			 authenticated;	/* AUTH got 235 (RFC 4954 4) */
	struct practice_auth	*sasl;		/* the AUTH exchange under way */
	struct practice_auth_binding binding;	/* of the TLS connection */
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
	/* slow: the release time of the replies being made, and of the
	 * output waiting (nondecreasing). */
	double			 stamp;
	struct practice_mark	*marks;
	size_t			 nmarks;
	size_t			 capmarks;

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
	int			 body_bare_lf;	/* a LF without CR in it */
	size_t			 body_col;	/* octets of its current line */
	int			 body_long;	/* a line over 998 octets */
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

typedef int practice_judge_hook(struct practice_conn *,
    const struct verbs_cmd *, const char *);
typedef int practice_rcpt_hook(struct practice_conn *, const char *);
typedef int practice_message_hook(struct practice_conn *);

static practice_judge_hook	practice_sc_tls_required;
static practice_judge_hook	practice_sc_auth_required;
static practice_judge_hook	practice_sc_strict;
static practice_judge_hook	practice_sc_tempfail;
static practice_judge_hook	practice_sc_no_esmtp;
static practice_rcpt_hook	practice_sc_greylist;
static practice_rcpt_hook	practice_sc_unknown_user;
static practice_rcpt_hook	practice_sc_mailbox_full;
static practice_rcpt_hook	practice_sc_relay_denied;
static practice_message_hook	practice_sc_quota;
static practice_message_hook	practice_sc_strict_message;

/*
 * Scenarios: how the server behaves, chosen with --scenario; one row
 * each, with what it teaches and its hooks (NULL: that step as a
 * well-behaved server does it).  judge is called after step 6 of
 * practice_judge(), before the verb's handler; rcpt before a recipient is
 * accepted; message before a complete message is accepted.  Each returns
 * 1 when it answered (the default answer is then not given).
 */
static const struct practice_scenario {
	const char		*name;
	const char		*teaches;
	size_t			 max_size;	/* SIZE; 0: the default */
	int			 slow;		/* replies held opts.delay_ms */
	int			 no_esmtp;	/* no EHLO, no enhanced codes */
	/* rcpt judges the mailbox, which an LMTP server looks at when it
	 * delivers: in LMTP it runs after the data, for that recipient's
	 * reply (RFC 2033 4.2), not at RCPT. */
	int			 mailbox;
	practice_judge_hook	*judge;
	practice_rcpt_hook	*rcpt;
	practice_message_hook	*message;
} practice_scenarios[] = {
	{ .name = "normal",
	  .teaches = "a well-behaved server: a whole transaction, every "
	      "extension it advertises (RFC 5321 3.3)" },
	{ .name = "greylist",
	  .teaches = "a temporary refusal: 451 4.7.1 for a new sender and "
	      "recipient, taken when retried later (RFC 6647, RFC 5321 4.2.5)",
	  .rcpt = practice_sc_greylist },
	{ .name = "unknown-user",
	  .teaches = "one recipient refused for good: 550 5.1.1 for local "
	      "parts starting \"unknown\" or \"nobody\"; the others still "
	      "count (RFC 5321 4.2.2, 3.3)",
	  .rcpt = practice_sc_unknown_user },
	{ .name = "mailbox-full",
	  .teaches = "temporary and permanent: 452 4.2.2 for local parts "
	      "starting \"full\", 552 5.2.2 for a message over the 4 KiB left "
	      "in a mailbox (RFC 3463 3.3)",
	  .rcpt = practice_sc_mailbox_full, .message = practice_sc_quota,
	  .mailbox = 1 },
	{ .name = "size-limit",
	  .teaches = "SIZE 10240 advertised: MAIL FROM with a larger SIZE= and "
	      "larger messages get 552 5.3.4 (RFC 1870 6)",
	  .max_size = PRACTICE_SMALL_SIZE },
	{ .name = "relay-denied",
	  .teaches = "no open relay: 554 5.7.1 for recipients outside "
	      "example.org, example.com and example.net (RFC 5321 3.6.2, "
	      "7.1)",
	  .rcpt = practice_sc_relay_denied },
	{ .name = "tls-required",
	  .teaches = "530 5.7.0 for MAIL and the rest until STARTTLS "
	      "(RFC 3207 4)",
	  .judge = practice_sc_tls_required },
	{ .name = "auth-required",
	  .teaches = "530 5.7.0 for MAIL and the rest until AUTH (RFC 4954 6)",
	  .judge = practice_sc_auth_required },
	{ .name = "slow",
	  .teaches = "every reply held a while: see the latency, and the "
	      "round trips PIPELINING saves (RFC 2920 3)",
	  .slow = 1 },
	{ .name = "strict",
	  .teaches = "refuses what most servers take: a bare LF, message "
	      "lines over 998 octets, and what the checker warns about, "
	      "such as MAIL FROM: <x> (RFC 5321 2.3.8, 4.5.3.1.6, 4.1.2)",
	  .judge = practice_sc_strict, .message = practice_sc_strict_message },
	{ .name = "tempfail",
	  .teaches = "421 4.3.2 to MAIL FROM and the connection closed: the "
	      "client keeps the message and retries later (RFC 5321 3.8, "
	      "4.2.2)",
	  .judge = practice_sc_tempfail },
	{ .name = "no-esmtp",
	  .teaches = "an old server: EHLO gets 502, HELO works, no extensions "
	      "and no enhanced codes (RFC 5321 3.2, 4.1.1.1)",
	  .no_esmtp = 1, .judge = practice_sc_no_esmtp },
};
#define PRACTICE_NSCENARIOS \
	(sizeof practice_scenarios / sizeof practice_scenarios[0])

/* Other names a scenario answers to. */
static const struct {
	const char	*alias;
	const char	*name;
} practice_scenario_aliases[] = {
	{ "default", "normal" },	/* its name before there were others */
};

/* The domains relay-denied delivers to (RFC 2606 names, and its own). */
static const char *const practice_local_domains[] = {
	"example.org", "example.com", "example.net", "localhost",
};

static const struct practice_scenario *practice_scenario_find(const char *);
static double	practice_now(const struct practice_conn *);
static int	practice_gate(struct practice_conn *, const struct verbs_cmd *,
		    int, const char *);
static int	practice_local_part(const char *, const char *const *, size_t);
static int	practice_refuse_rcpt(struct practice_conn *, const char *,
		    const char *, const char *, ...)
		    __attribute__((format(__printf__, 4, 5)));

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
static void	practice_accept_lmtp(struct practice_conn *);
static void	practice_keep(struct practice_conn *);
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
static int	practice_implemented(const struct practice_conn *,
		    enum verb_id);
static int	practice_keyword_on(const struct practice_conn *, size_t);
static void	practice_sasl_line(struct practice_conn *, char *, size_t);
static void	practice_sasl_step(struct practice_conn *,
		    const unsigned char *, size_t);
static void	practice_sasl_end(struct practice_conn *);

static practice_handler practice_ehlo;
static practice_handler practice_helo;
static practice_handler practice_lhlo;
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
static practice_handler practice_starttls;

/*
 * The verbs this server implements, by verb id; the verb table (verbs.c)
 * gives their names, syntax, help and the states where they are valid.
 * A verb of the table without a handler gets 502 (RFC 5321 4.2.4), so a
 * learner sees the difference between "unknown" (500) and "not here".
 */
static practice_handler *const practice_handlers[VERB_COUNT] = {
	[VERB_HELO] = practice_helo,
	[VERB_EHLO] = practice_ehlo,
	[VERB_LHLO] = practice_lhlo,
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
	[VERB_STARTTLS] = practice_starttls,	/* with hooks.starttls */
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
	"STARTTLS",		/* RFC 3207; with TLS, until it is up */
	"HELP",			/* RFC 5321 4.1.1.8 */
};
#define PRACTICE_NKEYWORDS \
	(sizeof practice_ehlo_keywords / sizeof practice_ehlo_keywords[0])

/* ------------------------------------------------------------------------ */
/* Output and logging. */

static void
practice_out(struct practice_conn *c, const char *s, size_t n)
{
	struct practice_mark	*m;
	size_t			 need, cap;
	char			*p;

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
	if (c->stamp <= 0)
		return;
	/* Held: the new octets join the last mark when it has this
	 * release time, else get their own. */
	if (c->nmarks > 0 && c->marks[c->nmarks - 1].at == c->stamp &&
	    c->marks[c->nmarks - 1].end == c->outlen - n) {
		c->marks[c->nmarks - 1].end = c->outlen;
		return;
	}
	if (c->nmarks == c->capmarks) {
		cap = c->capmarks ? c->capmarks * 2 : 8;
		if ((m = reallocarray(c->marks, cap, sizeof *m)) == NULL)
			return;		/* out of memory: sent at once */
		c->marks = m;
		c->capmarks = cap;
	}
	c->marks[c->nmarks].end = c->outlen;
	c->marks[c->nmarks].at = c->stamp;
	c->nmarks++;
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
	/* no-esmtp: a server without ENHANCEDSTATUSCODES sends none (RFC
	 * 2034 3). */
	if (c->sc->no_esmtp && n > 4) {
		char	esc[12];
		size_t	k = reply_parse_enhanced(buf + 4, (size_t)n - 4, esc);

		if (k > 0 && buf[4 + k] == ' ') {
			memmove(buf + 4, buf + 5 + k, (size_t)n - 5 - k);
			n -= (int)k + 1;
		}
	}
	buf[n++] = '\r';
	buf[n++] = '\n';
	if (c->divert != NULL) {
		memcpy(c->divert, buf, (size_t)n);
		c->divert[n] = '\0';
		return;
	}
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
	/* The mask reads a C string: the line is shown up to its first NUL
	 * (refused by the grammar anyway), so that nothing after one escapes
	 * the mask ("AUTH PLAIN<NUL>secret"). */
	if (transcript_mask_auth(line, masked, sizeof masked))
		practice_show(shown, sizeof shown, masked, strlen(masked), 0);
	else
		practice_show(shown, sizeof shown, line, strnlen(line, len), 0);
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

static const struct practice_scenario *
practice_scenario_find(const char *name)
{
	size_t	i;

	if (name == NULL)
		return &practice_scenarios[0];
	for (i = 0; i < sizeof practice_scenario_aliases /
	    sizeof practice_scenario_aliases[0]; i++)
		if (strcmp(name, practice_scenario_aliases[i].alias) == 0)
			name = practice_scenario_aliases[i].name;
	for (i = 0; i < PRACTICE_NSCENARIOS; i++)
		if (strcmp(name, practice_scenarios[i].name) == 0)
			return &practice_scenarios[i];
	return NULL;
}

const char *
practice_scenario_name(const char *name)
{
	const struct practice_scenario *sc = practice_scenario_find(name);

	return sc != NULL ? sc->name : NULL;
}

const char *
practice_scenario_list(size_t i, const char **teaches)
{
	if (i >= PRACTICE_NSCENARIOS)
		return NULL;
	*teaches = practice_scenarios[i].teaches;
	return practice_scenarios[i].name;
}

int
practice_check_opts(const struct practice_opts *o, char *err, size_t errlen)
{
	size_t	 i, len;
	char	 shown[PRACTICE_SHOWN_MAX];

	if (practice_scenario_find(o->scenario) != NULL)
		return 0;
	practice_show(shown, sizeof shown, o->scenario, strlen(o->scenario),
	    0);
	len = (size_t)snprintf(err, errlen, "unknown scenario \"%s\" (known:",
	    shown);
	for (i = 0; i < PRACTICE_NSCENARIOS && len < errlen; i++)
		len += (size_t)snprintf(err + len, errlen - len, " %s",
		    practice_scenarios[i].name);
	if (len < errlen)
		snprintf(err + len, errlen - len, "; smtpscope serve "
		    "--list-scenarios says what each teaches)");
	return -1;
}

struct practice_memory *
practice_memory_new(void)
{
	return calloc(1, sizeof(struct practice_memory));
}

void
practice_memory_free(struct practice_memory *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->pairs[i].key);
	free(m);
}

/* The clock, in ms; 0 when the caller gave none. */
static double
practice_now(const struct practice_conn *c)
{
	return c->hooks.clock != NULL ? c->hooks.clock(c->hooks.arg) : 0;
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
	/* An unknown name is the caller's error (practice_check_opts()):
	 * the well-behaved server then. */
	if ((c->sc = practice_scenario_find(c->opts.scenario)) == NULL)
		c->sc = &practice_scenarios[0];
	if ((c->memory = c->opts.memory) == NULL &&
	    (c->memory = c->own_memory = practice_memory_new()) == NULL) {
		free(c);
		return NULL;
	}
	if (c->opts.greylist_s == 0)
		c->opts.greylist_s = PRACTICE_GREYLIST_DELAY;
	if (c->opts.delay_ms == 0)
		c->opts.delay_ms = PRACTICE_SLOW_DELAY;
	c->host = c->opts.hostname != NULL && *c->opts.hostname != '\0' ?
	    c->opts.hostname : PRACTICE_DEFAULT_HOST;
	c->max_size = c->opts.max_size ? c->opts.max_size : c->sc->max_size ?
	    c->sc->max_size : PRACTICE_DEFAULT_SIZE;
	c->mode = PRACTICE_MODE_CMD;
	practice_set_state(c, STATE_GREETED);
	if (c->sc->slow && c->hooks.clock != NULL)
		c->stamp = practice_now(c) + c->opts.delay_ms;
	/* RFC 5321 4.2, 3.1: the greeting; no enhanced code (RFC 2034 3).
	 * It names the practice account, for AUTH after STARTTLS.  "ESMTP"
	 * in it is only a custom (RFC 5321 4.3.1): an old server says
	 * SMTP. */
	practice_reply(c, "220 %s %s smtpscope practice server ready; "
	    "AUTH after STARTTLS as %s, password %s", c->host,
	    c->opts.lmtp ? "LMTP" : c->sc->no_esmtp ? "SMTP" : "ESMTP",
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
	c->body_bare_lf = 0;
	c->body_long = 0;
	c->body_col = 0;
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
	practice_memory_free(c->own_memory);
	free(c->line);
	free(c->out);
	free(c->marks);
	free(c->last);
	free(c);
}

const char *
practice_conn_output(const struct practice_conn *c, size_t *len)
{
	double	now;
	size_t	i, start = 0;

	*len = c->outlen;
	if (c->nmarks == 0)
		return c->out;
	/* Up to the first mark not yet due. */
	now = practice_now(c);
	for (i = 0; i < c->nmarks; i++) {
		if (c->marks[i].at > now) {
			*len = start;
			break;
		}
		start = c->marks[i].end;
	}
	return c->out;
}

double
practice_conn_held(const struct practice_conn *c)
{
	double	now;
	size_t	i;

	if (c->nmarks == 0)
		return 0;
	now = practice_now(c);
	for (i = 0; i < c->nmarks; i++)
		if (c->marks[i].at > now)
			return c->marks[i].at;
	return 0;
}

void
practice_conn_consume(struct practice_conn *c, size_t n)
{
	size_t	i, j;

	if (n > c->outlen)
		n = c->outlen;
	memmove(c->out, c->out + n, c->outlen - n);
	c->outlen -= n;
	/* The marks move with the output; those fully sent go. */
	for (i = j = 0; i < c->nmarks; i++) {
		if (c->marks[i].end <= n)
			continue;
		c->marks[j] = c->marks[i];
		c->marks[j++].end -= n;
	}
	c->nmarks = j;
}

int
practice_conn_done(const struct practice_conn *c)
{
	return c->mode == PRACTICE_MODE_CLOSED;
}

int
practice_conn_in_message_for_test(const struct practice_conn *c)
{
	return c->mode == PRACTICE_MODE_DATA || c->mode == PRACTICE_MODE_BDAT;
}

unsigned long
practice_conn_messages_for_test(const struct practice_conn *c)
{
	return c->messages;
}

const char *
practice_conn_last_message_for_test(const struct practice_conn *c, size_t *len)
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
	double			 at;

	/* slow: what this input makes is held; what arrived together
	 * (a pipelined group, RFC 2920 3) is released together. */
	if (c->sc->slow && c->hooks.clock != NULL && len > 0) {
		at = practice_now(c) + c->opts.delay_ms;
		if (at > c->stamp)
			c->stamp = at;
	}
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
		case PRACTICE_MODE_TLS:
			/* RFC 3207 5: what came in clear after STARTTLS
			 * must not count as said under TLS. */
			c->tls_dropped += len - i;
			i = len;
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
	c->bare_lf = 1;
	if (take > 0 && c->line[take - 1] == '\r') {
		take--;
		c->bare_lf = 0;
	}
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
	(void)verbs_parse(line, len, &c->caps, (c->smtputf8 ?
	    VERBS_SMTPUTF8_TXN : 0) | (c->opts.lmtp ? VERBS_LMTP : 0), &cmd);
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
 * A scenario's judge hook (practice_scenarios[]) is called after 6: it
 * may answer instead of the handler.
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
	if (!practice_implemented(c, v->id)) {
		/* RFC 5321 4.2.4: 502 for a command not implemented.
		 * STARTTLS without TLS gets 502 too, not 454: RFC 3207 4
		 * keeps 454 for "TLS not available due to temporary reason",
		 * and then it is never available (nor in the EHLO reply). */
		practice_reply(c, "502 5.5.1 %s is not implemented by this "
		    "server", v->name);
		return;
	}
	if (v->id == VERB_BDAT) {
		practice_bdat(c, cmd, line);
		return;
	}
	if (v->id == VERB_STARTTLS && c->tls) {
		/* RFC 3207 4.2: no second STARTTLS (EHLO no longer offers
		 * it) */
		practice_reply(c, "503 5.5.1 TLS is already active (RFC 3207 "
		    "4.2)");
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
	if (c->sc->judge != NULL && c->sc->judge(c, cmd, line))
		return;
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

/* This server answers verb id with a handler of its own: STARTTLS only
 * when the network layer can start TLS. */
static int
practice_implemented(const struct practice_conn *c, enum verb_id id)
{
	if (practice_handlers[id] == NULL)
		return 0;
	return id != VERB_STARTTLS || c->hooks.starttls != NULL;
}

/* Keyword i of practice_ehlo_keywords[] is offered now: STARTTLS with
 * TLS, until it is up (RFC 3207 4.2). */
static int
practice_keyword_on(const struct practice_conn *c, size_t i)
{
	if (strcmp(practice_ehlo_keywords[i], "STARTTLS") != 0)
		return 1;
	return c->hooks.starttls != NULL && !c->tls;
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
		if (practice_implemented(c, t[i].id) &&
		    (t[i].states & STATE_BIT(c->state)) &&
		    verbs_in_protocol(&t[i], c->opts.lmtp) &&
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
		if (!practice_keyword_on(c, i))
			continue;
		len += (size_t)snprintf(spec + len, sizeof spec - len, "%s%s",
		    len ? " " : "", practice_ehlo_keywords[i]);
		if (strcmp(practice_ehlo_keywords[i], "SIZE") == 0 &&
		    len < sizeof spec)
			len += (size_t)snprintf(spec + len, sizeof spec - len,
			    " %zu", c->max_size);
	}
	/* RFC 4954 4 and 15: password mechanisms only under TLS */
	if (c->tls && len < sizeof spec)
		snprintf(spec + len, sizeof spec - len, " AUTH %s%s%s",
		    PRACTICE_AUTH_MECHS, c->binding.len > 0 ? " " : "",
		    c->binding.len > 0 ? PRACTICE_AUTH_PLUS : "");
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
	size_t	i, last;

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
		practice_reply(c, "250-AUTH %s%s%s", PRACTICE_AUTH_MECHS,
		    c->binding.len > 0 ? " " : "", c->binding.len > 0 ?
		    PRACTICE_AUTH_PLUS : "");
	for (last = 0, i = 0; i < PRACTICE_NKEYWORDS; i++)
		if (practice_keyword_on(c, i))
			last = i;
	for (i = 0; i < PRACTICE_NKEYWORDS; i++) {
		if (!practice_keyword_on(c, i))
			continue;
		if (strcmp(practice_ehlo_keywords[i], "SIZE") == 0)
			practice_reply(c, "250%cSIZE %zu", i == last ? ' ' : '-',
			    c->max_size);
		else
			practice_reply(c, "250%c%s", i == last ? ' ' : '-',
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

/* RFC 2033 4.1: LHLO has the semantics of EHLO. */
static void
practice_lhlo(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	practice_hello(c, cmd, line, 1);
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
	if (c->sc->rcpt != NULL && !(c->opts.lmtp && c->sc->mailbox) &&
	    c->sc->rcpt(c, c->rcpts[c->nrcpts])) {
		free(c->rcpts[c->nrcpts]);
		c->rcpts[c->nrcpts] = NULL;
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
	c->body_bare_lf = 0;
	c->body_long = 0;
	c->body_col = 0;
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

/*
 * RFC 3207 4: 220, then the handshake.  The network layer starts it once
 * the 220 is sent; what the client sent after STARTTLS in clear is
 * dropped (RFC 3207 5), never read as commands.
 */
static void
practice_starttls(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)cmd;
	(void)line;
	practice_txn_reset(c);
	practice_reply(c, "220 2.0.0 Ready to start TLS");
	c->mode = PRACTICE_MODE_TLS;
	c->tls_dropped = 0;
	c->hooks.starttls(c->hooks.arg);
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
		    !practice_implemented(c, v->id) ? "; not implemented by "
		    "this server" : "");
		practice_help_text(c, more, 1);
		return;
	}
	t = verbs_table(&n);
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof list; i++)
		if (practice_implemented(c, t[i].id) &&
		    verbs_in_protocol(&t[i], c->opts.lmtp))
			len += (size_t)snprintf(list + len, sizeof list - len,
			    "%s%s", len ? " " : "", t[i].name);
	practice_reply(c, "214-2.0.0 smtpscope practice server. Commands:");
	practice_reply(c, "214-2.0.0   %s", list);
	practice_reply(c, "214-2.0.0 A transaction: %s me.example, "
	    "MAIL FROM:<a@example.org>,", c->opts.lmtp ? "LHLO" : "EHLO");
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
	    cmd->arg.len, &c->binding)) == NULL) {
		practice_reply(c, "504 5.5.4 Unrecognized authentication "
		    "type: offered are %s%s%s (RFC 4954 4)",
		    PRACTICE_AUTH_MECHS, c->binding.len > 0 ? " " : "",
		    c->binding.len > 0 ? PRACTICE_AUTH_PLUS : "");
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

void
practice_conn_channel_binding(struct practice_conn *c, const char *type,
    const unsigned char *data, size_t len)
{
	if (len > sizeof c->binding.data)
		return;
	snprintf(c->binding.type, sizeof c->binding.type, "%s", type);
	memcpy(c->binding.data, data, len);
	c->binding.len = len;
}

/*
 * RFC 3207 4.2: after the handshake the session starts over, as after
 * the greeting; from now on EHLO offers AUTH.
 */
void
practice_conn_tls_started(struct practice_conn *c)
{
	if (c->tls_dropped > 0)
		practice_logf(c, "%zu octets sent in clear after STARTTLS "
		    "dropped (RFC 3207 5)", c->tls_dropped);
	c->tls_dropped = 0;
	practice_txn_reset(c);
	practice_sasl_end(c);
	caps_clear(&c->caps);
	c->ehlo = 0;
	c->authenticated = 0;
	c->tls = 1;
	if (c->mode == PRACTICE_MODE_TLS)
		c->mode = PRACTICE_MODE_CMD;
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

	if (c->opts.lmtp) {
		practice_accept_lmtp(c);
		return;
	}
	if (c->toobig) {
		/* RFC 1870 6.3, RFC 3463 X.3.4 */
		practice_reply(c, "552 5.3.4 Message size exceeds fixed "
		    "maximum message size (%zu)", c->max_size);
		practice_logf(c, "message refused: over %zu octets",
		    c->max_size);
		practice_txn_reset(c);
		return;
	}
	if (c->sc->message != NULL && c->sc->message(c)) {
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
	practice_keep(c);
	practice_reply(c, "250 2.0.0 Message accepted as message %lu "
	    "(%zu octets)", n, len);
	practice_logf(c, "message %lu accepted: %zu octets, %zu recipient%s",
	    n, len, c->nrcpts, c->nrcpts == 1 ? "" : "s");
	practice_txn_reset(c);
}

/* The message is taken: counted.  With a deliver hook it is the hook's
 * now, and its memory goes at once (a server of many idle clients must
 * not hold a message for each); without one (the unit tests, the fuzz
 * target) it is kept as the last one, for them to read. */
static void
practice_keep(struct practice_conn *c)
{
	c->messages++;
	free(c->last);
	c->last = NULL;
	c->lastlen = 0;
	if (c->hooks.deliver == NULL) {
		c->last = c->body;
		c->lastlen = c->bodylen;
	} else
		free(c->body);
	c->body = NULL;
	c->bodylen = c->bodycap = 0;
}

/*
 * LMTP (RFC 2033 4.2): one reply per recipient, in the order of the RCPT
 * commands.  Each recipient's fate is decided first, the replies a check
 * makes diverted to its verdict: the message as a whole (its size, a
 * scenario's message hook: the same for all), then the mailbox of a
 * scenario that judges mailboxes (mailbox-full).  The message is kept
 * once, for the recipients it goes to; then the replies go out.
 */
static void
practice_accept_lmtp(struct practice_conn *c)
{
	struct practice_envelope env;
	char		(*verdict)[PRACTICE_REPLY_MAX];
	char		 whole[PRACTICE_REPLY_MAX], err[256];
	char		 shown[PRACTICE_SHOWN_MAX];
	const char	*to[PRACTICE_MAX_RCPTS];
	size_t		 i, nto = 0, len = c->bodylen;
	unsigned long	 n = 0;

	if ((verdict = calloc(c->nrcpts, sizeof *verdict)) == NULL) {
		for (i = 0; i < c->nrcpts; i++)
			practice_reply(c, "451 4.3.0 Out of memory");
		practice_txn_reset(c);
		return;
	}
	whole[0] = '\0';
	c->divert = whole;
	if (c->toobig) {
		/* RFC 1870 6.3, RFC 3463 X.3.4 */
		practice_reply(c, "552 5.3.4 Message size exceeds fixed "
		    "maximum message size (%zu)", c->max_size);
		practice_logf(c, "message refused: over %zu octets",
		    c->max_size);
	} else if (c->sc->message != NULL)
		(void)c->sc->message(c);
	for (i = 0; i < c->nrcpts; i++) {
		c->divert = verdict[i];
		if (whole[0] != '\0')
			memcpy(verdict[i], whole, sizeof whole);
		else if (c->sc->mailbox && c->sc->rcpt != NULL)
			(void)c->sc->rcpt(c, c->rcpts[i]);
		if (verdict[i][0] == '\0')
			to[nto++] = c->rcpts[i];
	}
	c->divert = NULL;
	if (nto > 0) {
		n = c->messages + 1;
		err[0] = '\0';
		if (c->hooks.deliver != NULL) {
			env.from = c->from != NULL ? c->from : "";
			env.params = c->from_params != NULL ?
			    c->from_params : "";
			env.rcpts = to;
			env.nrcpts = nto;
			n = c->hooks.deliver(c->hooks.arg, &env, c->body !=
			    NULL ? c->body : "", c->bodylen, err, sizeof err);
		}
		if (n != 0)
			practice_keep(c);
		else
			practice_logf(c, "message refused: %s", err);
	}
	for (i = 0; i < c->nrcpts; i++) {
		practice_show(shown, sizeof shown, c->rcpts[i],
		    strlen(c->rcpts[i]), SANITIZE_ASCII |
		    SANITIZE_KEEP_BACKSLASH);
		if (verdict[i][0] != '\0')
			practice_out(c, verdict[i], strlen(verdict[i]));
		else if (n == 0)
			/* RFC 5321 4.2.2: 451 local error in processing */
			practice_reply(c, "451 4.3.0 <%s> Could not store the "
			    "message", shown);
		else
			practice_reply(c, "250 2.0.0 <%s> Delivered as message "
			    "%lu (%zu octets)", shown, n, len);
		practice_logf(c, "<%s> -> %.3s", shown, verdict[i][0] != '\0' ?
		    verdict[i] : n == 0 ? "451" : "250");
	}
	free(verdict);
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

		/* What strict refuses: a LF not after CR (RFC 5321 2.3.8),
		 * a line over 998 octets (4.5.3.1.6). */
		if (ch == '\n' && c->dstate != PRACTICE_D_CR &&
		    c->dstate != PRACTICE_D_DOTCR)
			c->body_bare_lf = 1;
		if (ch == '\n' || ch == '\r')
			c->body_col = 0;
		else if (++c->body_col > PRACTICE_TEXT_LINE_MAX)
			c->body_long = 1;
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

/* ------------------------------------------------------------------------ */
/* Scenarios: the hooks of practice_scenarios[]. */

/*
 * tls-required and auth-required: until done is set, every command but
 * those open ones gets 530 5.7.0 (RFC 3207 4: all but NOOP, EHLO,
 * STARTTLS and QUIT; RFC 4954 6: all but AUTH, EHLO, HELO, NOOP, RSET and
 * QUIT).
 */
static int
practice_gate(struct practice_conn *c, const struct verbs_cmd *cmd, int done,
    const char *why)
{
	static const enum verb_id open[] = {
		VERB_EHLO, VERB_HELO, VERB_NOOP, VERB_RSET, VERB_QUIT,
		VERB_STARTTLS, VERB_AUTH, VERB_HELP,
	};
	size_t	i;

	if (done)
		return 0;
	for (i = 0; i < sizeof open / sizeof open[0]; i++)
		if (cmd->verb->id == open[i])
			return 0;
	practice_reply(c, "530 5.7.0 %s", why);
	return 1;
}

static int
practice_sc_tls_required(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)line;
	return practice_gate(c, cmd, c->tls, "Must issue a STARTTLS command "
	    "first (RFC 3207 4)");
}

static int
practice_sc_auth_required(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)line;
	return practice_gate(c, cmd, c->authenticated, "Authentication "
	    "required (RFC 4954 6)");
}

/*
 * strict: a command line must end in CRLF (RFC 5321 2.3.8), and what the
 * checker only warns about (a space after the colon, trailing blanks, a
 * source route ...) is refused as a syntax error.
 */
static int
practice_sc_strict(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	size_t	i;

	(void)line;
	if (c->bare_lf) {
		practice_reply(c, "500 5.5.2 Line ended with a bare LF: SMTP "
		    "lines end with CRLF (RFC 5321 2.3.8)");
		return 1;
	}
	for (i = 0; i < cmd->diags.n; i++) {
		const struct diag *d = &cmd->diags.d[i];

		if (d->severity != DIAG_WARNING)
			continue;
		practice_reply(c, "501 5.5.4 %s (%s); this server is strict",
		    d->msg, d->rfc != NULL ? d->rfc : "RFC 5321 4.1");
		return 1;
	}
	return 0;
}

/* strict, at the end of data: RFC 5321 2.3.8 and 4.5.3.1.6. */
static int
practice_sc_strict_message(struct practice_conn *c)
{
	if (c->body_bare_lf)
		practice_reply(c, "554 5.6.0 Message refused: a line ends with "
		    "a bare LF, not CRLF (RFC 5321 2.3.8)");
	else if (c->body_long)
		practice_reply(c, "554 5.6.0 Message refused: a line longer "
		    "than %d octets (RFC 5321 4.5.3.1.6)",
		    PRACTICE_TEXT_LINE_MAX);
	else
		return 0;
	practice_logf(c, "message refused: %s", c->body_bare_lf ?
	    "bare LF" : "line too long");
	return 1;
}

/* tempfail: RFC 5321 3.8, a server that must stop answers 421 and
 * closes; the client keeps the message and tries again later. */
static int
practice_sc_tempfail(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)line;
	if (cmd->verb->id != VERB_MAIL)
		return 0;
	practice_reply(c, "421 4.3.2 %s Service not available, closing "
	    "transmission channel: try again later", c->host);
	practice_txn_reset(c);
	practice_set_state(c, STATE_QUIT);
	c->mode = PRACTICE_MODE_CLOSED;
	return 1;
}

/* no-esmtp: EHLO is not known to an RFC 821 server; the client falls
 * back to HELO (RFC 5321 3.2, 4.1.1.1). */
static int
practice_sc_no_esmtp(struct practice_conn *c, const struct verbs_cmd *cmd,
    const char *line)
{
	(void)line;
	if (cmd->verb->id != VERB_EHLO)
		return 0;
	practice_reply(c, "502 5.5.1 Command not implemented");
	return 1;
}

/* A recipient refused: "CODES <rcpt>: TEXT" (codes "550 5.1.1"), the
 * recipient made safe to quote.  Returns 1: the hook answered. */
static int
practice_refuse_rcpt(struct practice_conn *c, const char *rcpt,
    const char *codes, const char *fmt, ...)
{
	char	shown[PRACTICE_SHOWN_MAX], text[PRACTICE_REPLY_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	practice_show(shown, sizeof shown, rcpt, strlen(rcpt),
	    SANITIZE_ASCII | SANITIZE_KEEP_BACKSLASH);
	practice_reply(c, "%s <%s>: %s", codes, shown, text);
	return 1;
}

/* 1 when the local part of mailbox starts with one of the prefixes
 * (any case). */
static int
practice_local_part(const char *mailbox, const char *const *prefixes,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strncasecmp(mailbox, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/*
 * greylist (RFC 6647): the first try of a sender and recipient gets 451
 * 4.7.1; a retry before opts.greylist_s seconds have passed gets it again;
 * after that the pair passes.  The pairs live in the server's memory, so
 * a retry on a new connection counts.
 */
static int
practice_sc_greylist(struct practice_conn *c, const char *rcpt)
{
	struct practice_memory	*m = c->memory;
	char			*key;
	double			 now = practice_now(c), wait;
	size_t			 i, oldest = 0, klen;

	klen = strlen(c->from != NULL ? c->from : "") + strlen(rcpt) + 2;
	if ((key = malloc(klen)) == NULL)
		return 0;
	snprintf(key, klen, "%s\n%s", c->from != NULL ? c->from : "", rcpt);
	for (i = 0; i < m->n; i++)
		if (strcmp(m->pairs[i].key, key) == 0)
			break;
	if (i == m->n) {
		if (m->n == PRACTICE_GREYLIST_MAX) {
			for (i = 1; i < m->n; i++)
				if (m->pairs[i].first < m->pairs[oldest].first)
					oldest = i;
			free(m->pairs[oldest].key);
			i = oldest;
		} else
			m->n++;
		m->pairs[i].key = key;
		m->pairs[i].first = now;
		key = NULL;
	}
	free(key);
	wait = m->pairs[i].first + 1000.0 * c->opts.greylist_s - now;
	if (wait <= 0)
		return 0;
	return practice_refuse_rcpt(c, rcpt, "451 4.7.1", "Recipient address "
	    "rejected: greylisted, try again in %.0f s (RFC 6647)",
	    wait < 1000 ? 1 : wait / 1000);
}

static int
practice_sc_unknown_user(struct practice_conn *c, const char *rcpt)
{
	static const char *const unknown[] = { "unknown", "nobody" };

	if (!practice_local_part(rcpt, unknown, 2))
		return 0;
	return practice_refuse_rcpt(c, rcpt, "550 5.1.1", "Recipient address "
	    "rejected: User unknown");
}

static int
practice_sc_mailbox_full(struct practice_conn *c, const char *rcpt)
{
	static const char *const full[] = { "full" };

	if (!practice_local_part(rcpt, full, 1))
		return 0;
	return practice_refuse_rcpt(c, rcpt, "452 4.2.2", "Mailbox full, try "
	    "again later");
}

/* mailbox-full, at the end of data: a mailbox has 4 KiB left, and a
 * larger message will not fit before its owner makes room. */
static int
practice_sc_quota(struct practice_conn *c)
{
	if (c->bodylen <= PRACTICE_QUOTA_LEFT)
		return 0;
	practice_reply(c, "552 5.2.2 Mailbox full: the message has %zu "
	    "octets, the mailbox %d left", c->bodylen, PRACTICE_QUOTA_LEFT);
	practice_logf(c, "message refused: over the quota");
	return 1;
}

/* relay-denied: RFC 5321 3.6.2, 7.1: a server takes mail for its own
 * domains and refuses to relay to others for an unknown client. */
static int
practice_sc_relay_denied(struct practice_conn *c, const char *rcpt)
{
	const char	*at = strrchr(rcpt, '@');
	size_t		 i;

	if (at == NULL)		/* <Postmaster>: always local (4.5.1) */
		return 0;
	at++;
	if (strcasecmp(at, c->host) == 0)
		return 0;
	for (i = 0; i < sizeof practice_local_domains /
	    sizeof practice_local_domains[0]; i++)
		if (strcasecmp(at, practice_local_domains[i]) == 0)
			return 0;
	return practice_refuse_rcpt(c, rcpt, "554 5.7.1", "Relay access "
	    "denied");
}
