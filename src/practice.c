/*
 * practice.c -- the built-in practice server.
 *
 * The first half is the protocol engine: bytes in, reply bytes out, no
 * sockets (practice_conn_*).  The second half is the network layer: one
 * non-blocking poll() loop on 127.0.0.1 serving many engines at once, and
 * practice_spawn() for the console's `smtpscope practice`.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "practice.h"
#include "sanitize.h"
#include "verbs.h"

/* What the engine is reading. */
enum practice_mode {
	PRACTICE_MODE_CMD,		/* command lines */
	PRACTICE_MODE_DATA,		/* a DATA body, up to CRLF.CRLF */
	PRACTICE_MODE_BDAT,		/* the octets of a BDAT chunk */
	PRACTICE_MODE_CLOSED,		/* QUIT answered */
};

/* Where the session is (RFC 5321 3.3, 4.1.4). */
enum practice_state {
	PRACTICE_FRESH,			/* greeted, no EHLO/HELO yet */
	PRACTICE_READY,			/* EHLO/HELO done, no transaction */
	PRACTICE_MAIL,			/* MAIL accepted */
	PRACTICE_RCPT,			/* at least one RCPT accepted */
	PRACTICE_CHUNKING,		/* BDAT chunks arriving (RFC 3030) */
};

static const char *const practice_state_names[] = {
	[PRACTICE_FRESH] = "fresh",
	[PRACTICE_READY] = "ready",
	[PRACTICE_MAIL] = "mail",
	[PRACTICE_RCPT] = "rcpt",
	[PRACTICE_CHUNKING] = "chunking",
};

/* Where the DATA reader is inside a line (RFC 5321 4.5.2, 4.1.1.4). */
enum practice_dstate {
	PRACTICE_D_BOL,			/* after CRLF, or first octet of the body */
	PRACTICE_D_DOT,			/* "." at the start of a line */
	PRACTICE_D_DOTCR,		/* "." CR at the start of a line */
	PRACTICE_D_MID,			/* inside a line */
	PRACTICE_D_CR,			/* after a CR inside a line */
};

/* BODY= values (RFC 6152, RFC 3030). */
enum practice_body {
	PRACTICE_BODY_NONE,
	PRACTICE_BODY_7BIT,
	PRACTICE_BODY_8BITMIME,
	PRACTICE_BODY_BINARYMIME,
};

/* Descriptors kept free besides the clients: the listening socket,
 * stdio, a store file being written, the 421 to a client over the limit. */
#define PRACTICE_SPARE_FDS	16
/* Enough output waiting for one client: stop reading it until sent. */
#define PRACTICE_OUT_HIGH	(64 * 1024)
/* RFC 5321 4.5.3.1.3: a path is at most 256 octets; 4.5.3.1.1 and
 * 4.5.3.1.2: local part 64, domain 255. */
#define PRACTICE_PATH_MAX	256
/* RFC 3461 4.4: ENVID at most 100 characters; 4.2: ORCPT at most 500. */
#define PRACTICE_ENVID_MAX	100
#define PRACTICE_ORCPT_MAX	500
/* RFC 5321 4.5.3.2.7: a server waits at least 5 minutes for a command;
 * a learner may think longer, so allow half an hour. */
#define PRACTICE_IDLE_SECONDS	(30 * 60)

struct practice_conn {
	struct practice_opts	 opts;
	const char		*host;
	size_t			 max_size;
	void			(*log)(void *, const char *);
	void			*logarg;

	enum practice_mode	 mode;
	enum practice_state	 state;
	int			 ehlo;		/* EHLO (not HELO) was used */

	char			 line[PRACTICE_LINE_MAX + 1];
	size_t			 linelen;
	int			 discard;	/* dropping the rest of a long line */

	char			*out;
	size_t			 outlen;
	size_t			 outcap;

	/* The transaction. */
	char			*from;
	char			*from_params;
	char			*rcpts[PRACTICE_MAX_RCPTS];
	size_t			 nrcpts;
	enum practice_body	 body_type;
	int			 smtputf8;

	/* The message being received. */
	char			*body;
	size_t			 bodylen;
	size_t			 bodycap;
	int			 toobig;
	enum practice_dstate	 dstate;
	uintmax_t		 bdat_left;
	int			 bdat_last;
	int			 bdat_fail;	/* 0 or the reply code to give */

	unsigned long		 messages;
	char			*last;
	size_t			 lastlen;
};

/* Parameters of one MAIL or RCPT command. */
struct practice_params {
	unsigned		 seen;		/* bit per practice_param_table row */
	uintmax_t		 size;
	int			 has_size;
	enum practice_body	 body;
	int			 smtputf8;
	int			 utf8;		/* UTF-8 allowed in values */
};

struct practice_verb {
	const char	*name;
	void		(*run)(struct practice_conn *, const char *);
	const char	*syntax;
	const char	*help;
};

struct practice_param {
	const char	*name;
	int		 mail;		/* allowed on MAIL */
	int		 rcpt;		/* allowed on RCPT */
	int		 needs_value;
	/* NULL when value is good, else a short reason. */
	const char	*(*check)(struct practice_params *, const char *);
};

static void	practice_set_state(struct practice_conn *, enum practice_state);
static void	practice_reply(struct practice_conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	practice_out(struct practice_conn *, const char *, size_t);
static void	practice_logf(struct practice_conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	practice_txn_reset(struct practice_conn *);
static int	practice_body_add(struct practice_conn *, const char *, size_t);
static void	practice_accept_message(struct practice_conn *);
static size_t	practice_cmd_bytes(struct practice_conn *,
		    const unsigned char *, size_t);
static size_t	practice_data_bytes(struct practice_conn *,
		    const unsigned char *, size_t);
static size_t	practice_bdat_bytes(struct practice_conn *,
		    const unsigned char *, size_t);
static void	practice_dispatch(struct practice_conn *, char *, size_t);
static void	practice_escape(char *, size_t, const char *, size_t);

static void	cmd_ehlo(struct practice_conn *, const char *);
static void	cmd_helo(struct practice_conn *, const char *);
static void	cmd_mail(struct practice_conn *, const char *);
static void	cmd_rcpt(struct practice_conn *, const char *);
static void	cmd_data(struct practice_conn *, const char *);
static void	cmd_bdat(struct practice_conn *, const char *);
static void	cmd_rset(struct practice_conn *, const char *);
static void	cmd_noop(struct practice_conn *, const char *);
static void	cmd_vrfy(struct practice_conn *, const char *);
static void	cmd_expn(struct practice_conn *, const char *);
static void	cmd_help(struct practice_conn *, const char *);
static void	cmd_quit(struct practice_conn *, const char *);
static void	cmd_notoffered(struct practice_conn *, const char *);

static const char *param_size(struct practice_params *, const char *);
static const char *param_body(struct practice_params *, const char *);
static const char *param_smtputf8(struct practice_params *, const char *);
static const char *param_ret(struct practice_params *, const char *);
static const char *param_envid(struct practice_params *, const char *);
static const char *param_notify(struct practice_params *, const char *);
static const char *param_orcpt(struct practice_params *, const char *);

/* The verbs this server knows, with the help HELP gives. */
static const struct practice_verb practice_verbs[] = {
	{ .name = "EHLO", .run = cmd_ehlo, .syntax = "EHLO <your-domain>",
	  .help = "Start the session and list extensions (RFC 5321 4.1.1.1)" },
	{ .name = "HELO", .run = cmd_helo, .syntax = "HELO <your-domain>",
	  .help = "Start the session without extensions (RFC 5321 4.1.1.1)" },
	{ .name = "MAIL", .run = cmd_mail,
	  .syntax = "MAIL FROM:<sender> [SIZE=n] [BODY=8BITMIME] [SMTPUTF8]",
	  .help = "Start a transaction; <> is the null sender (RFC 5321 4.1.1.2)" },
	{ .name = "RCPT", .run = cmd_rcpt,
	  .syntax = "RCPT TO:<recipient> [NOTIFY=...] [ORCPT=...]",
	  .help = "Add a recipient, up to 100 (RFC 5321 4.1.1.3)" },
	{ .name = "DATA", .run = cmd_data, .syntax = "DATA",
	  .help = "Send the message, end with a line holding only \".\" "
	  "(RFC 5321 4.1.1.4)" },
	{ .name = "BDAT", .run = cmd_bdat, .syntax = "BDAT <octets> [LAST]",
	  .help = "Send the message in chunks of exact size (RFC 3030)" },
	{ .name = "RSET", .run = cmd_rset, .syntax = "RSET",
	  .help = "Abort the transaction, keep the session (RFC 5321 4.1.1.5)" },
	{ .name = "NOOP", .run = cmd_noop, .syntax = "NOOP [text]",
	  .help = "Do nothing; the server answers 250 (RFC 5321 4.1.1.9)" },
	{ .name = "VRFY", .run = cmd_vrfy, .syntax = "VRFY <user>",
	  .help = "Ask whether a mailbox exists; answered 252 (RFC 5321 3.5.3)" },
	{ .name = "EXPN", .run = cmd_expn, .syntax = "EXPN <list>",
	  .help = "Expand a mailing list; disabled here (RFC 5321 7.3)" },
	{ .name = "HELP", .run = cmd_help, .syntax = "HELP [verb]",
	  .help = "This help (RFC 5321 4.1.1.8)" },
	{ .name = "QUIT", .run = cmd_quit, .syntax = "QUIT",
	  .help = "End the session; the server answers 221 and closes "
	  "(RFC 5321 4.1.1.10)" },
	/* Known verbs this server does not offer: 502, not 500 (RFC 5321
	 * 4.2.4), so a learner sees the difference between "unknown" and
	 * "not here". */
	{ .name = "STARTTLS", .run = cmd_notoffered, .syntax = "STARTTLS",
	  .help = "Upgrade to TLS (RFC 3207); not offered by this server" },
	{ .name = "AUTH", .run = cmd_notoffered, .syntax = "AUTH <mechanism>",
	  .help = "Authenticate (RFC 4954); not offered by this server" },
	{ .name = "ETRN", .run = cmd_notoffered, .syntax = "ETRN <domain>",
	  .help = "Ask to flush a queue (RFC 1985); not offered" },
	{ .name = "TURN", .run = cmd_notoffered, .syntax = "TURN",
	  .help = "Swap roles; obsolete and unsafe (RFC 5321 F.1)" },
	{ .name = "SEND", .run = cmd_notoffered, .syntax = "SEND FROM:<sender>",
	  .help = "Obsolete (RFC 5321 F.6)" },
	{ .name = "SOML", .run = cmd_notoffered, .syntax = "SOML FROM:<sender>",
	  .help = "Obsolete (RFC 5321 F.6)" },
	{ .name = "SAML", .run = cmd_notoffered, .syntax = "SAML FROM:<sender>",
	  .help = "Obsolete (RFC 5321 F.6)" },
};

/* MAIL and RCPT parameters this server accepts (and ignores once checked). */
static const struct practice_param practice_param_table[] = {
	{ .name = "SIZE", .mail = 1, .needs_value = 1, .check = param_size },
	{ .name = "BODY", .mail = 1, .needs_value = 1, .check = param_body },
	{ .name = "SMTPUTF8", .mail = 1, .check = param_smtputf8 },
	{ .name = "RET", .mail = 1, .needs_value = 1, .check = param_ret },
	{ .name = "ENVID", .mail = 1, .needs_value = 1, .check = param_envid },
	{ .name = "NOTIFY", .rcpt = 1, .needs_value = 1, .check = param_notify },
	{ .name = "ORCPT", .rcpt = 1, .needs_value = 1, .check = param_orcpt },
};

/* The EHLO keywords, in the order they are listed. */
static const char *const practice_ehlo_keywords[] = {
	"PIPELINING",		/* RFC 2920 */
	"SIZE",			/* RFC 1870; value added when listed */
	"8BITMIME",		/* RFC 6152 */
	"ENHANCEDSTATUSCODES",	/* RFC 2034 */
	"CHUNKING",		/* RFC 3030 */
	"BINARYMIME",		/* RFC 3030 */
	"DSN",			/* RFC 3461 */
	"SMTPUTF8",		/* RFC 6531 */
	"HELP",			/* RFC 5321 4.1.1.8 */
};

static unsigned long practice_accepted;		/* this process */
static unsigned long practice_file_seq;		/* last <n> used in store_dir */
static pid_t practice_watch_parent;		/* child of practice_spawn */

/* ------------------------------------------------------------------------ */
/* Output and logging. */

static void
practice_out(struct practice_conn *c, const char *s, size_t n)
{
	size_t	 need;
	char	*p;

	need = c->outlen + n;
	if (need > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 256;

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
	char	buf[PRACTICE_LINE_MAX];
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

static void
practice_logf(struct practice_conn *c, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	if (c->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	c->log(c->logarg, buf);
}

/* Client bytes made safe for a log line or a reply: printable ASCII kept,
 * everything else as \xNN; cut with "..." when long. */
static void
practice_escape(char *dst, size_t size, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, o = 0;

	if (size == 0)
		return;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch >= 0x20 && ch < 0x7f) {
			if (o + 1 + 4 >= size)
				break;
			dst[o++] = (char)ch;
		} else {
			if (o + 4 + 4 >= size)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
		}
	}
	if (i < len && o + 3 < size) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

/* The one place the session state changes. */
static void
practice_set_state(struct practice_conn *c, enum practice_state s)
{
	c->state = s;
}

/* ------------------------------------------------------------------------ */
/* Engine life cycle. */

struct practice_conn *
practice_conn_new(const struct practice_opts *opts,
    void (*log)(void *, const char *), void *logarg)
{
	struct practice_conn *c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	if (opts != NULL)
		c->opts = *opts;
	c->host = c->opts.hostname != NULL && *c->opts.hostname != '\0' ?
	    c->opts.hostname : PRACTICE_DEFAULT_HOST;
	c->max_size = c->opts.max_size ? c->opts.max_size :
	    PRACTICE_DEFAULT_SIZE;
	c->log = log;
	c->logarg = logarg;
	c->mode = PRACTICE_MODE_CMD;
	c->state = PRACTICE_FRESH;
	/* RFC 5321 4.2, 3.1: the greeting; no enhanced code (RFC 2034 3). */
	practice_reply(c, "220 %s ESMTP smtpscope practice server ready",
	    c->host);
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
	c->body_type = PRACTICE_BODY_NONE;
	c->smtputf8 = 0;
	free(c->body);
	c->body = NULL;
	c->bodylen = c->bodycap = 0;
	c->toobig = 0;
	c->bdat_left = 0;
	c->bdat_last = 0;
	c->bdat_fail = 0;
	if (c->state > PRACTICE_READY)
		practice_set_state(c, PRACTICE_READY);
}

void
practice_conn_free(struct practice_conn *c)
{
	if (c == NULL)
		return;
	practice_txn_reset(c);
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
	if (c->mode != PRACTICE_MODE_CLOSED)
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
 * is dropped.  RFC 5321 4.5.3.1.4: at most 512 octets with CRLF; a longer
 * line gets 500 (4.2.2: "command line too long") once, and the rest of it
 * is dropped, so memory stays bounded.
 */
static size_t
practice_cmd_bytes(struct practice_conn *c, const unsigned char *p, size_t n)
{
	const unsigned char	*lf;
	size_t			 take, used;

	lf = memchr(p, '\n', n);
	used = lf != NULL ? (size_t)(lf - p) + 1 : n;
	take = lf != NULL ? (size_t)(lf - p) : n;
	if (c->discard) {
		if (lf != NULL)
			c->discard = 0;
		return used;
	}
	/* Room for the line and its CR: the LF makes 512. */
	if (c->linelen + take > PRACTICE_LINE_MAX - 1) {
		c->linelen = 0;
		c->discard = lf == NULL;
		practice_reply(c, "500 5.5.2 Line too long "
		    "(limit %d octets with CRLF)", PRACTICE_LINE_MAX);
		practice_logf(c, "line over %d octets -> 500",
		    PRACTICE_LINE_MAX);
		return used;
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
	practice_dispatch(c, c->line, take);
	return used;
}

static void
practice_dispatch(struct practice_conn *c, char *line, size_t len)
{
	const struct practice_verb	*v = NULL;
	char				 shown[160], *arg;
	size_t				 i, vlen, before;
	const char			*code;

	/* Trailing blanks are forgiven. */
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	practice_escape(shown, sizeof shown, line, len);
	before = c->outlen;

	if (memchr(line, '\0', len) != NULL) {
		practice_reply(c, "500 5.5.2 NUL octet in command line");
		goto out;
	}
	if (len == 0) {
		practice_reply(c, "500 5.5.2 Empty command line");
		goto out;
	}
	vlen = strcspn(line, " ");
	for (i = 0; i < sizeof practice_verbs / sizeof practice_verbs[0]; i++)
		if (strlen(practice_verbs[i].name) == vlen &&
		    strncasecmp(practice_verbs[i].name, line, vlen) == 0) {
			v = &practice_verbs[i];
			break;
		}
	if (v == NULL) {
		char verb[40];

		practice_escape(verb, sizeof verb, line, vlen);
		/* RFC 5321 4.2.4: 500 for an unrecognized command. */
		practice_reply(c, "500 5.5.2 Command unrecognized: %s "
		    "(HELP lists the commands)", verb);
		goto out;
	}
	arg = line[vlen] == ' ' ? line + vlen + 1 : NULL;
	v->run(c, arg);
 out:
	/* BDAT answers after its chunk: nothing to show yet. */
	code = c->outlen > before + 3 ? c->out + before : "...";
	practice_logf(c, "%s -> %.3s [%s]", shown, code,
	    practice_state_names[c->state]);
}

/* ------------------------------------------------------------------------ */
/* Addresses (RFC 5321 4.1.2; RFC 6531 3.3 for UTF-8). */

/* atext of RFC 5322 3.2.3, ASCII (an ORCPT addr-type) */
static int
practice_is_atext(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL;
}

/*
 * Parse "FROM:<path> params" or "TO:<path> params".  RFC 5321 4.1.1.2
 * has no space after the colon; one or more are forgiven, as most servers
 * do.  On success *addr (without brackets, source route dropped: RFC 5321
 * 4.1.1.3, appendix C) and *params are set, pointing into arg (which is
 * modified).  Returns NULL or the reason for a 501.
 */
static const char *
practice_path(char *arg, const char *prefix, char **addr, char **params)
{
	size_t	 plen = strlen(prefix);
	char	*p, *end;
	int	 quoted = 0;

	if (arg == NULL || strncasecmp(arg, prefix, plen) != 0)
		return "Syntax error";
	p = arg + plen;
	while (*p == ' ')
		p++;
	if (*p != '<')
		return "Address must be in angle brackets";
	for (end = p + 1; *end != '\0'; end++) {
		if (quoted && *end == '\\' && end[1] != '\0')
			end++;
		else if (*end == '"')
			quoted = !quoted;
		else if (!quoted && *end == '>')
			break;
	}
	if (*end != '>')
		return "Missing closing angle bracket";
	if ((size_t)(end - p) + 1 > PRACTICE_PATH_MAX)
		return "Path too long (RFC 5321 4.5.3.1.3)";
	*end++ = '\0';
	if (*end != '\0' && *end != ' ')
		return "Junk after the address";
	while (*end == ' ')
		end++;
	*params = end;
	p++;
	/* A-d-l ":" Mailbox: a source route, accepted and ignored. */
	if (*p == '@') {
		char *colon = strchr(p, ':');
		char *at = p;

		if (colon == NULL)
			return "Bad source route";
		*colon = '\0';
		while (at != NULL) {
			char *next = strchr(at + 1, ',');
			size_t dl = next ? (size_t)(next - at - 1) : strlen(at + 1);

			if (*at != '@' || !verbs_domain_ok(at + 1, dl, 1))
				return "Bad source route";
			at = next ? next + 1 : NULL;
		}
		p = colon + 1;
	}
	*addr = p;
	return NULL;
}

static int
practice_has_8bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* ESMTP parameters (RFC 5321 4.1.2 esmtp-param). */

static const char *
param_size(struct practice_params *pp, const char *v)
{
	char		*end;
	uintmax_t	 n;

	/* RFC 1870 3 (4): size-value ::= 1*20DIGIT */
	if (strlen(v) > 20 || strspn(v, "0123456789") != strlen(v))
		return "SIZE needs a number";
	errno = 0;
	n = strtoumax(v, &end, 10);
	if (errno != 0)
		n = UINTMAX_MAX;
	pp->size = n;
	pp->has_size = 1;
	return NULL;
}

static const char *
param_body(struct practice_params *pp, const char *v)
{
	if (strcasecmp(v, "7BIT") == 0)
		pp->body = PRACTICE_BODY_7BIT;
	else if (strcasecmp(v, "8BITMIME") == 0)
		pp->body = PRACTICE_BODY_8BITMIME;
	else if (strcasecmp(v, "BINARYMIME") == 0)
		pp->body = PRACTICE_BODY_BINARYMIME;
	else
		return "BODY must be 7BIT, 8BITMIME or BINARYMIME";
	return NULL;
}

static const char *
param_smtputf8(struct practice_params *pp, const char *v)
{
	/* RFC 6531 3.4: SMTPUTF8 takes no value. */
	if (v != NULL)
		return "SMTPUTF8 takes no value";
	pp->smtputf8 = 1;
	return NULL;
}

static const char *
param_ret(struct practice_params *pp, const char *v)
{
	(void)pp;
	/* RFC 3461 4.3 */
	if (strcasecmp(v, "FULL") != 0 && strcasecmp(v, "HDRS") != 0)
		return "RET must be FULL or HDRS";
	return NULL;
}

/* RFC 3461 4: xtext = *( xchar / "+" 2HEXDIG-uppercase ) */
static int
practice_xtext_ok(const char *v, int utf8)
{
	for (; *v != '\0'; v++) {
		unsigned char ch = (unsigned char)*v;

		if (ch >= 0x80 && utf8)
			continue;	/* checked by practice_params_parse() */

		if (ch == '+') {
			if (strchr("0123456789ABCDEF", v[1]) == NULL ||
			    v[1] == '\0' ||
			    strchr("0123456789ABCDEF", v[2]) == NULL ||
			    v[2] == '\0')
				return 0;
			v += 2;
		} else if (ch < 33 || ch > 126 || ch == '=')
			return 0;
	}
	return 1;
}

static const char *
param_envid(struct practice_params *pp, const char *v)
{
	(void)pp;
	/* RFC 3461 4.4 */
	if (strlen(v) > PRACTICE_ENVID_MAX || !practice_xtext_ok(v, 0))
		return "ENVID must be xtext of at most 100 characters";
	return NULL;
}

static const char *
param_notify(struct practice_params *pp, const char *v)
{
	static const char *const words[] = { "SUCCESS", "FAILURE", "DELAY" };
	const char	*p = v;
	unsigned	 seen = 0;
	size_t		 i, n;

	(void)pp;
	/* RFC 3461 4.1: "NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" ) */
	if (strcasecmp(v, "NEVER") == 0)
		return NULL;
	for (;;) {
		n = strcspn(p, ",");
		for (i = 0; i < 3; i++)
			if (strlen(words[i]) == n &&
			    strncasecmp(words[i], p, n) == 0)
				break;
		if (i == 3 || (seen & (1u << i)))
			return "NOTIFY must be NEVER or a list of "
			    "SUCCESS, FAILURE, DELAY";
		seen |= 1u << i;
		if (p[n] == '\0')
			return NULL;
		p += n + 1;
	}
}

static const char *
param_orcpt(struct practice_params *pp, const char *v)
{
	size_t t;

	/* RFC 3461 4.2: addr-type ";" xtext, at most 500 characters;
	 * RFC 6533 3: "utf-8" addresses carry UTF-8 as it is with SMTPUTF8
	 * (utf-8-addr-unitext), their ASCII octets as xtext. */
	t = strcspn(v, ";");
	if (strlen(v) > PRACTICE_ORCPT_MAX || t == 0 || v[t] != ';' ||
	    !practice_xtext_ok(v + t + 1, pp->utf8 && t == 5 &&
	    strncasecmp(v, "utf-8", 5) == 0))
		return "ORCPT must be addr-type;xtext, e.g. rfc822;a@example.org";
	for (; v[0] != ';'; v++)
		if (!practice_is_atext((unsigned char)v[0]))
			return "ORCPT must be addr-type;xtext";
	return NULL;
}

/* Whether the space-separated list s has word w (any case). */
static int
practice_word_in(const char *s, const char *w)
{
	size_t	n = strlen(w), k;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		k = strcspn(s, " ");
		if (k == n && strncasecmp(s, w, n) == 0)
			return 1;
		s += k;
	}
	return 0;
}

/*
 * Check the parameters after a path.  Returns 0 when all are good; else
 * it has replied (501 5.5.4 for bad syntax, 555 5.5.4 for a parameter
 * this server does not know for this command, RFC 5321 4.1.1.11) and
 * returns -1.
 */
static int
practice_params_parse(struct practice_conn *c, char *s, int is_mail,
    struct practice_params *pp)
{
	char		*tok, *val;
	const char	*why;
	size_t		 i;

	memset(pp, 0, sizeof *pp);
	/* RFC 6531 3.3: esmtp-value =/ UTF8-non-ascii, in a transaction
	 * that uses SMTPUTF8 (this MAIL command, or the one before RCPT). */
	pp->utf8 = is_mail ? practice_word_in(s, "SMTPUTF8") : c->smtputf8;
	while (*s != '\0') {
		tok = s;
		s += strcspn(s, " ");
		if (*s == ' ') {
			*s++ = '\0';
			while (*s == ' ')
				s++;
		}
		val = strchr(tok, '=');
		if (val != NULL)
			*val++ = '\0';
		/* esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") */
		if (tok[0] == '\0' || tok[0] == '-' ||
		    strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
		    "rstuvwxyz0123456789-") != strlen(tok)) {
			practice_reply(c, "501 5.5.4 Bad parameter syntax");
			return -1;
		}
		/* esmtp-value = 1*(%d33-60 / %d62-126) */
		if (val != NULL) {
			const unsigned char *u = (const unsigned char *)val;

			if (*u == '\0') {
				practice_reply(c, "501 5.5.4 Empty value for %s",
				    tok);
				return -1;
			}
			for (; *u != '\0'; u++)
				if ((*u >= 0x80 && !pp->utf8) || *u < 33 ||
				    *u == 127 || *u == '=') {
					practice_reply(c, "501 5.5.4 Bad value "
					    "for %s", tok);
					return -1;
				}
			if (pp->utf8 && !sanitize_utf8_valid(val,
			    strlen(val))) {
				practice_reply(c, "501 5.5.4 Value of %s is not "
				    "valid UTF-8", tok);
				return -1;
			}
		}
		for (i = 0; i < sizeof practice_param_table /
		    sizeof practice_param_table[0]; i++)
			if (strcasecmp(practice_param_table[i].name, tok) == 0 &&
			    (is_mail ? practice_param_table[i].mail :
			    practice_param_table[i].rcpt))
				break;
		if (i == sizeof practice_param_table / sizeof practice_param_table[0]) {
			practice_reply(c, "555 5.5.4 Parameter %s not "
			    "recognized for %s", tok, is_mail ? "MAIL" : "RCPT");
			return -1;
		}
		if (!c->ehlo) {
			/* Extensions are negotiated by EHLO (RFC 5321
			 * 4.1.1.1); after HELO there are none. */
			practice_reply(c, "555 5.5.4 Parameter %s needs EHLO, "
			    "not HELO", tok);
			return -1;
		}
		if (pp->seen & (1u << i)) {
			/* RFC 3461 4.5, RFC 1870 6: at most once */
			practice_reply(c, "501 5.5.4 Parameter %s given twice",
			    tok);
			return -1;
		}
		pp->seen |= 1u << i;
		if (practice_param_table[i].needs_value && val == NULL) {
			practice_reply(c, "501 5.5.4 Parameter %s needs a value",
			    practice_param_table[i].name);
			return -1;
		}
		if ((why = practice_param_table[i].check(pp, val)) != NULL) {
			practice_reply(c, "501 5.5.4 %s", why);
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The commands. */

static void
practice_hello(struct practice_conn *c, const char *arg, int ehlo)
{
	size_t	i;
	char	shown[80];

	/* RFC 5321 4.1.1.1: "EHLO" SP ( Domain / address-literal ) */
	if (arg == NULL || *arg == '\0') {
		practice_reply(c, "501 5.5.4 Syntax: %s <your-domain>",
		    ehlo ? "EHLO" : "HELO");
		return;
	}
	if (!verbs_domain_ok(arg, strlen(arg), 1)) {
		practice_reply(c, "501 5.5.4 Not a domain or address literal");
		return;
	}
	/* RFC 5321 4.1.4: EHLO in a transaction resets it. */
	practice_txn_reset(c);
	practice_set_state(c, PRACTICE_READY);
	c->ehlo = ehlo;
	practice_escape(shown, sizeof shown, arg, strlen(arg));
	if (!ehlo) {
		practice_reply(c, "250 %s greets %s", c->host, shown);
		return;
	}
	/* RFC 5321 4.1.1.1: the reply lists the extensions, one a line. */
	practice_reply(c, "250-%s greets %s", c->host, shown);
	for (i = 0; i < sizeof practice_ehlo_keywords /
	    sizeof practice_ehlo_keywords[0]; i++) {
		int last = i + 1 == sizeof practice_ehlo_keywords /
		    sizeof practice_ehlo_keywords[0];

		if (strcmp(practice_ehlo_keywords[i], "SIZE") == 0)
			practice_reply(c, "250%cSIZE %zu", last ? ' ' : '-',
			    c->max_size);
		else
			practice_reply(c, "250%c%s", last ? ' ' : '-',
			    practice_ehlo_keywords[i]);
	}
}

static void
cmd_ehlo(struct practice_conn *c, const char *arg)
{
	practice_hello(c, arg, 1);
}

static void
cmd_helo(struct practice_conn *c, const char *arg)
{
	practice_hello(c, arg, 0);
}

static void
cmd_mail(struct practice_conn *c, const char *arg)
{
	struct practice_params	 pp;
	char			 buf[PRACTICE_LINE_MAX], shown[300];
	char			 ptext[PRACTICE_LINE_MAX];
	char			*addr, *params;
	const char		*why;

	if (c->state == PRACTICE_FRESH) {
		/* RFC 5321 4.1.4: a session starts with EHLO. */
		practice_reply(c, "503 5.5.1 Send EHLO or HELO first");
		return;
	}
	if (c->state != PRACTICE_READY) {
		/* RFC 5321 4.1.4: MAIL MUST NOT be sent in a transaction. */
		practice_reply(c, "503 5.5.1 Sender already given; "
		    "RSET to start over");
		return;
	}
	snprintf(buf, sizeof buf, "%s", arg != NULL ? arg : "");
	if ((why = practice_path(arg != NULL ? buf : NULL, "FROM:", &addr,
	    &params)) != NULL) {
		practice_reply(c, "501 5.5.4 %s: MAIL FROM:<address>", why);
		return;
	}
	/* The parameters as given, for the .env file; parsing cuts them. */
	snprintf(ptext, sizeof ptext, "%s", params);
	if (practice_params_parse(c, params, 1, &pp) == -1)
		return;
	if (practice_has_8bit(addr)) {
		if (!pp.smtputf8) {
			/* RFC 6531 3.5: 550 and X.6.7 for MAIL. */
			practice_reply(c, "550 5.6.7 Non-ASCII address needs "
			    "the SMTPUTF8 parameter");
			return;
		}
		if (!sanitize_utf8_valid(addr, strlen(addr))) {
			practice_reply(c, "501 5.5.4 Address is not valid "
			    "UTF-8");
			return;
		}
	}
	/* Reverse-path = Path / "<>": the checker's grammar (verbs.c) */
	if (*addr != '\0' && !verbs_mailbox_ok(addr, strlen(addr), 1)) {
		practice_reply(c, "501 5.5.4 Bad sender address syntax");
		return;
	}
	if (pp.has_size && pp.size > c->max_size) {
		/* RFC 1870 6.1 */
		practice_reply(c, "552 5.3.4 Message size exceeds fixed "
		    "maximum message size (%zu)", c->max_size);
		return;
	}
	if ((c->from = strdup(addr)) == NULL ||
	    (c->from_params = strdup(ptext)) == NULL) {
		practice_txn_reset(c);
		practice_reply(c, "452 4.3.1 Out of memory");
		return;
	}
	c->body_type = pp.body;
	c->smtputf8 = pp.smtputf8;
	practice_set_state(c, PRACTICE_MAIL);
	practice_escape(shown, sizeof shown, addr, strlen(addr));
	practice_reply(c, "250 2.1.0 Sender <%s> ok", shown);
}

static void
cmd_rcpt(struct practice_conn *c, const char *arg)
{
	struct practice_params	 pp;
	char			 buf[PRACTICE_LINE_MAX], shown[300];
	char			*addr, *params;
	const char		*why;

	if (c->state != PRACTICE_MAIL && c->state != PRACTICE_RCPT) {
		practice_reply(c, "503 5.5.1 %s", c->state ==
		    PRACTICE_CHUNKING ? "Recipients come before BDAT" :
		    "Need MAIL before RCPT");
		return;
	}
	snprintf(buf, sizeof buf, "%s", arg != NULL ? arg : "");
	if ((why = practice_path(arg != NULL ? buf : NULL, "TO:", &addr,
	    &params)) != NULL) {
		practice_reply(c, "501 5.5.4 %s: RCPT TO:<address>", why);
		return;
	}
	if (practice_params_parse(c, params, 0, &pp) == -1)
		return;
	/* Forward-path = Path; "<Postmaster>" needs no domain (4.1.1.3). */
	if (*addr == '\0') {
		practice_reply(c, "501 5.5.4 A recipient cannot be <>");
		return;
	}
	if (practice_has_8bit(addr)) {
		if (!c->smtputf8) {
			/* RFC 6531 3.5: 553 and X.6.7 for RCPT. */
			practice_reply(c, "553 5.6.7 Non-ASCII address needs "
			    "SMTPUTF8 on MAIL");
			return;
		}
		if (!sanitize_utf8_valid(addr, strlen(addr))) {
			practice_reply(c, "501 5.5.4 Address is not valid "
			    "UTF-8");
			return;
		}
	}
	if (strcasecmp(addr, "postmaster") != 0 &&
	    !verbs_mailbox_ok(addr, strlen(addr), 1)) {
		practice_reply(c, "501 5.5.4 Bad recipient address syntax");
		return;
	}
	if (c->nrcpts >= PRACTICE_MAX_RCPTS) {
		/* RFC 5321 4.5.3.1.10 and 3.3: 452, the client sends the
		 * rest in another transaction. */
		practice_reply(c, "452 4.5.3 Too many recipients (limit %d)",
		    PRACTICE_MAX_RCPTS);
		return;
	}
	if ((c->rcpts[c->nrcpts] = strdup(addr)) == NULL) {
		practice_reply(c, "452 4.3.1 Out of memory");
		return;
	}
	c->nrcpts++;
	practice_set_state(c, PRACTICE_RCPT);
	practice_escape(shown, sizeof shown, addr, strlen(addr));
	practice_reply(c, "250 2.1.5 Recipient <%s> ok", shown);
}

static void
cmd_data(struct practice_conn *c, const char *arg)
{
	if (arg != NULL) {
		practice_reply(c, "501 5.5.4 DATA takes no argument");
		return;
	}
	switch (c->state) {
	case PRACTICE_FRESH:
	case PRACTICE_READY:
		practice_reply(c, "503 5.5.1 Need MAIL and RCPT before DATA");
		return;
	case PRACTICE_MAIL:
		practice_reply(c, "503 5.5.1 Need RCPT before DATA");
		return;
	case PRACTICE_CHUNKING:
		/* RFC 3030 2: no DATA after BDAT in one transaction. */
		practice_reply(c, "503 5.5.1 DATA after BDAT; RSET first");
		return;
	case PRACTICE_RCPT:
		break;
	}
	if (c->body_type == PRACTICE_BODY_BINARYMIME) {
		/* RFC 3030 3: BINARYMIME needs BDAT. */
		practice_reply(c, "503 5.5.1 BODY=BINARYMIME needs BDAT, "
		    "not DATA");
		return;
	}
	c->mode = PRACTICE_MODE_DATA;
	c->dstate = PRACTICE_D_BOL;
	c->bodylen = 0;
	c->toobig = 0;
	/* RFC 5321 4.2: 3xx replies carry no enhanced code (RFC 2034 3). */
	practice_reply(c, "354 End data with <CR><LF>.<CR><LF>");
}

static void
cmd_bdat(struct practice_conn *c, const char *arg)
{
	char		*end;
	const char	*p;
	uintmax_t	 n;
	size_t		 digits;

	/* RFC 3030 2: "BDAT" SP chunk-size [ SP end-marker ] */
	p = arg != NULL ? arg : "";
	digits = strspn(p, "0123456789");
	if (digits == 0 || digits > 20 ||
	    (p[digits] != '\0' && !(p[digits] == ' ' &&
	    strcasecmp(p + digits + 1, "LAST") == 0))) {
		practice_reply(c, "501 5.5.4 Syntax: BDAT <octets> [LAST]");
		return;
	}
	errno = 0;
	n = strtoumax(p, &end, 10);
	if (errno != 0) {
		practice_reply(c, "501 5.5.4 Chunk size too large");
		return;
	}
	c->bdat_left = n;
	c->bdat_last = p[digits] != '\0';
	c->bdat_fail = 0;
	/* RFC 3030 2: whatever is wrong, the chunk's octets are read and
	 * dropped first, then the error is given. */
	if (!c->ehlo || (c->state != PRACTICE_RCPT &&
	    c->state != PRACTICE_CHUNKING))
		c->bdat_fail = 503;
	else {
		practice_set_state(c, PRACTICE_CHUNKING);
		if (n > c->max_size - c->bodylen || c->toobig)
			c->bdat_fail = 552;
	}
	c->mode = PRACTICE_MODE_BDAT;
	if (n == 0)
		practice_bdat_bytes(c, NULL, 0);
}

static void
cmd_rset(struct practice_conn *c, const char *arg)
{
	if (arg != NULL) {
		practice_reply(c, "501 5.5.4 RSET takes no argument");
		return;
	}
	practice_txn_reset(c);
	practice_reply(c, "250 2.0.0 Reset ok");
}

static void
cmd_noop(struct practice_conn *c, const char *arg)
{
	/* RFC 5321 4.1.1.9: an argument is allowed and ignored. */
	(void)arg;
	practice_reply(c, "250 2.0.0 OK");
}

static void
cmd_vrfy(struct practice_conn *c, const char *arg)
{
	if (arg == NULL || *arg == '\0') {
		practice_reply(c, "501 5.5.4 Syntax: VRFY <user>");
		return;
	}
	/* RFC 5321 3.5.3: 252 when the server will not say. */
	practice_reply(c, "252 2.5.0 Cannot verify the user, but will accept "
	    "the message");
}

static void
cmd_expn(struct practice_conn *c, const char *arg)
{
	(void)arg;
	/* RFC 5321 7.3: sites may disable EXPN; most public ones do. */
	practice_reply(c, "502 5.5.1 EXPN is disabled here");
}

static void
cmd_help(struct practice_conn *c, const char *arg)
{
	size_t	 i, nv = sizeof practice_verbs / sizeof practice_verbs[0];
	char	 shown[40];

	if (arg != NULL && *arg != '\0') {
		for (i = 0; i < nv; i++)
			if (strcasecmp(practice_verbs[i].name, arg) == 0)
				break;
		if (i == nv) {
			practice_escape(shown, sizeof shown, arg, strlen(arg));
			practice_reply(c, "504 5.5.4 No help for %s", shown);
			return;
		}
		practice_reply(c, "214-2.0.0 %s", practice_verbs[i].syntax);
		practice_reply(c, "214 2.0.0 %s", practice_verbs[i].help);
		return;
	}
	practice_reply(c, "214-2.0.0 smtpscope practice server. Commands:");
	practice_reply(c, "214-2.0.0   EHLO HELO MAIL RCPT DATA BDAT RSET");
	practice_reply(c, "214-2.0.0   NOOP VRFY EXPN HELP QUIT");
	practice_reply(c, "214-2.0.0 A transaction: EHLO me.example, "
	    "MAIL FROM:<a@example.org>,");
	practice_reply(c, "214-2.0.0 RCPT TO:<b@example.org>, DATA, "
	    "the message, a line \".\", QUIT.");
	practice_reply(c, "214 2.0.0 HELP <verb> tells more about one "
	    "command.");
}

static void
cmd_quit(struct practice_conn *c, const char *arg)
{
	if (arg != NULL) {
		practice_reply(c, "501 5.5.4 QUIT takes no argument");
		return;
	}
	practice_txn_reset(c);
	practice_reply(c, "221 2.0.0 %s closing connection", c->host);
	c->mode = PRACTICE_MODE_CLOSED;
}

static void
cmd_notoffered(struct practice_conn *c, const char *arg)
{
	(void)arg;
	/*
	 * RFC 5321 4.2.4: 502 for a command not implemented.  STARTTLS
	 * gets 502 too, not 454: RFC 3207 4 keeps 454 for "TLS not
	 * available due to temporary reason", and here it is never
	 * available (it is not in the EHLO list).
	 */
	practice_reply(c, "502 5.5.1 Command not offered by this server");
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

/* Write buf to dir/name exclusively; 0, or -1 with errno (EEXIST). */
static int
practice_write_file(const char *dir, const char *name, const char *buf,
    size_t len)
{
	char	path[PATH_MAX];
	int	fd, save;
	ssize_t	w;

	if (snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	while (len > 0) {
		if ((w = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			save = errno;
			close(fd);
			unlink(path);
			errno = save;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	if (close(fd) == -1) {
		save = errno;
		unlink(path);
		errno = save;
		return -1;
	}
	return 0;
}

/* DIR/<n>.eml gets the body, DIR/<n>.env the envelope.  Returns n or 0. */
static unsigned long
practice_store(struct practice_conn *c)
{
	char		 name[64], *env = NULL;
	size_t		 envlen = 0, i;
	unsigned long	 n;
	int		 tries;
	FILE		*f;

	if ((f = open_memstream(&env, &envlen)) == NULL)
		return 0;
	fprintf(f, "MAIL FROM:<%s>%s%s\n", c->from,
	    *c->from_params ? " " : "", c->from_params);
	for (i = 0; i < c->nrcpts; i++)
		fprintf(f, "RCPT TO:<%s>\n", c->rcpts[i]);
	if (fclose(f) != 0) {
		free(env);
		return 0;
	}
	for (tries = 0; tries < 10000; tries++) {
		n = ++practice_file_seq;
		snprintf(name, sizeof name, "%lu.eml", n);
		if (practice_write_file(c->opts.store_dir, name,
		    c->body != NULL ? c->body : "", c->bodylen) == -1) {
			if (errno == EEXIST)
				continue;
			break;
		}
		snprintf(name, sizeof name, "%lu.env", n);
		if (practice_write_file(c->opts.store_dir, name, env,
		    envlen) == -1) {
			char path[PATH_MAX];
			int save = errno;

			snprintf(path, sizeof path, "%s/%lu.eml",
			    c->opts.store_dir, n);
			(void)unlink(path);
			errno = save;
			break;
		}
		free(env);
		return n;
	}
	practice_logf(c, "could not store a message in %s: %s",
	    c->opts.store_dir, strerror(errno));
	free(env);
	return 0;
}

/* The message is complete: check, keep, count, answer. */
static void
practice_accept_message(struct practice_conn *c)
{
	unsigned long	n;
	size_t		len = c->bodylen;

	if (c->toobig) {
		/* RFC 1870 6.3, RFC 3463 X.3.4 */
		practice_reply(c, "552 5.3.4 Message size exceeds fixed "
		    "maximum message size (%zu)", c->max_size);
		practice_logf(c, "message refused: over %zu octets",
		    c->max_size);
		practice_txn_reset(c);
		return;
	}
	n = practice_accepted + 1;
	if (c->opts.store_dir != NULL && (n = practice_store(c)) == 0) {
		/* RFC 5321 4.2.2: 451 local error in processing. */
		practice_reply(c, "451 4.3.0 Could not store the message");
		practice_txn_reset(c);
		return;
	}
	practice_accepted++;
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
	if (c->bdat_fail == 0 && take > 0 &&
	    practice_body_add(c, (const char *)p, take) == -1)
		c->bdat_fail = 452;
	c->bdat_left -= take;
	if (c->bdat_left > 0)
		return take;
	c->mode = PRACTICE_MODE_CMD;
	switch (c->bdat_fail) {
	case 503:
		practice_reply(c, "503 5.5.1 %s", !c->ehlo ?
		    "BDAT needs EHLO (CHUNKING), not HELO" :
		    "Need MAIL and RCPT before BDAT; chunk dropped");
		practice_logf(c, "BDAT chunk dropped -> 503");
		return take;
	case 552:
		practice_reply(c, "552 5.3.4 Message size exceeds fixed "
		    "maximum message size (%zu)", c->max_size);
		practice_logf(c, "BDAT chunk over the size limit -> 552");
		practice_txn_reset(c);
		return take;
	case 452:
		practice_reply(c, "452 4.3.1 Out of memory");
		practice_txn_reset(c);
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
/* The network side. */

unsigned long
practice_messages(void)
{
	return practice_accepted;
}

int
practice_check_opts(const struct practice_opts *o, char *err, size_t errlen)
{
	struct stat st;

	if (o->scenario != NULL && strcmp(o->scenario, "default") != 0) {
		snprintf(err, errlen, "unknown scenario \"%s\" (known: default)",
		    o->scenario);
		return -1;
	}
	if (o->store_dir != NULL) {
		if (mkdir(o->store_dir, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s",
			    o->store_dir, strerror(errno));
			return -1;
		}
		if (stat(o->store_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s is not a directory",
			    o->store_dir);
			return -1;
		}
	}
	return 0;
}

int
practice_listen(const char *addr, int port, int *bound, char *err,
    size_t errlen)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof sin;
	int			fd, one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	if (port < 0 || port > 65535) {
		snprintf(err, errlen, "port %d out of range", port);
		return -1;
	}
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr != NULL ? addr : "127.0.0.1",
	    &sin.sin_addr) != 1) {
		snprintf(err, errlen, "%s is not an IPv4 address", addr);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s",
		    addr != NULL ? addr : "127.0.0.1", port, strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, 64) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == -1) {
		snprintf(err, errlen, "listen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return fd;
}

struct practice_client {
	int			 fd;
	unsigned long		 id;
	struct practice_conn	*conn;
	int			 eof;		/* client closed its side */
	time_t			 last;		/* last input */
};

static void
practice_log_stderr(void *arg, const char *line)
{
	struct practice_client *cl = arg;

	fprintf(stderr, "smtpscope: practice [%lu] %s\n", cl->id, line);
}

static time_t
practice_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Send what can be sent now.  -1 when the connection is broken. */
static int
practice_flush(struct practice_client *cl)
{
	const char	*out;
	size_t		 len;
	ssize_t		 w;

	for (;;) {
		out = practice_conn_output(cl->conn, &len);
		if (len == 0)
			return 0;
		w = send(cl->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			practice_conn_consume(cl->conn, (size_t)w);
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1;
	}
}

static void
practice_drop(struct practice_client *cl, const struct practice_opts *o,
    const char *why)
{
	if (!o->quiet)
		fprintf(stderr, "smtpscope: practice [%lu] closed (%s)\n",
		    cl->id, why);
	close(cl->fd);
	practice_conn_free(cl->conn);
	cl->fd = -1;
	cl->conn = NULL;
}

/* Read what is there; -1 when the connection is broken. */
static int
practice_read(struct practice_client *cl)
{
	char	buf[16384];
	ssize_t	r;

	r = recv(cl->fd, buf, sizeof buf, MSG_DONTWAIT);
	if (r > 0) {
		cl->last = practice_now();
		practice_conn_input(cl->conn, buf, (size_t)r);
		return 0;
	}
	if (r == 0) {
		cl->eof = 1;
		practice_conn_eof(cl->conn);
		return 0;
	}
	if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	practice_conn_eof(cl->conn);
	return -1;
}

static void
practice_accept(int lfd, struct practice_client *cls, int max,
    const struct practice_opts *o, unsigned long *ids)
{
	static const char busy[] = "421 4.3.2 Too many connections, "
	    "try again later\r\n";
	struct practice_client	*cl;
	int			 fd, i;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;		/* EAGAIN, or an aborted connection */
		for (i = 0; i < max && cls[i].fd != -1; i++)
			;
		if (i == max) {
			/* RFC 5321 3.8, 4.2.3: 421 service not available. */
			(void)send(fd, busy, sizeof busy - 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			if (!o->quiet)
				fprintf(stderr, "smtpscope: practice: refused "
				    "a client over the limit of %d -> 421\n",
				    max);
			continue;
		}
		cl = &cls[i];
		cl->fd = fd;
		cl->id = ++*ids;
		cl->eof = 0;
		cl->last = practice_now();
		cl->conn = practice_conn_new(o, o->quiet ? NULL :
		    practice_log_stderr, cl);
		if (cl->conn == NULL) {
			close(fd);
			cl->fd = -1;
			continue;
		}
		if (!o->quiet)
			fprintf(stderr, "smtpscope: practice [%lu] connected\n",
			    cl->id);
		(void)practice_flush(cl);
	}
}

int
practice_run(int listen_fd, const struct practice_opts *opts,
    volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	static const char bye[] = "421 4.3.2 Practice server shutting down\r\n";
	static const char idle[] = "421 4.4.2 Idle too long, closing\r\n";
	struct practice_opts	 o;
	struct practice_client	*cls = NULL;
	struct pollfd		*pfd = NULL;
	struct rlimit		 rl;
	unsigned long		 ids = 0;
	int			 max, i, n, rc = -1;
	size_t			 outlen;

	o = *opts;
	max = o.max_clients > 0 ? o.max_clients : PRACTICE_DEFAULT_CLIENTS;
	if (practice_check_opts(&o, err, errlen) == -1)
		return -1;
	/*
	 * One descriptor per client, and poll() refuses (EINVAL) more
	 * descriptors than the open-file limit: --max-clients above it
	 * stopped the server at once.  Near the limit, accept() would fail
	 * with EMFILE and poll() report the same pending connection for
	 * ever.  Keep clear of it; the clients over it get the 421 of
	 * practice_accept().
	 */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)max + PRACTICE_SPARE_FDS > rl.rlim_cur) {
		max = rl.rlim_cur > PRACTICE_SPARE_FDS + 1 ?
		    (int)(rl.rlim_cur - PRACTICE_SPARE_FDS) : 1;
		if (!o.quiet)
			fprintf(stderr, "smtpscope: practice: serving at most "
			    "%d clients at once (open-file limit %lu)\n", max,
			    (unsigned long)rl.rlim_cur);
	}
	if ((cls = calloc((size_t)max, sizeof *cls)) == NULL ||
	    (pfd = calloc((size_t)max + 1, sizeof *pfd)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < max; i++)
		cls[i].fd = -1;
	practice_accepted = 0;

	while (!*stop) {
		if (practice_watch_parent != 0 &&
		    getppid() != practice_watch_parent)
			break;
		pfd[0].fd = listen_fd;
		pfd[0].events = POLLIN;
		for (i = 0; i < max; i++) {
			struct practice_client *cl = &cls[i];

			pfd[i + 1].fd = cl->fd;
			pfd[i + 1].events = 0;
			pfd[i + 1].revents = 0;
			if (cl->fd == -1)
				continue;
			(void)practice_conn_output(cl->conn, &outlen);
			if (!cl->eof && !practice_conn_done(cl->conn) &&
			    outlen < PRACTICE_OUT_HIGH)
				pfd[i + 1].events |= POLLIN;
			if (outlen > 0)
				pfd[i + 1].events |= POLLOUT;
		}
		/* A timeout, so idle clients and a dead parent are noticed. */
		n = poll(pfd, (nfds_t)max + 1, 1000);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			goto out;
		}
		if (pfd[0].revents & POLLIN)
			practice_accept(listen_fd, cls, max, &o, &ids);
		for (i = 0; i < max; i++) {
			struct practice_client *cl = &cls[i];
			short re = pfd[i + 1].revents;

			if (cl->fd == -1 || pfd[i + 1].fd != cl->fd)
				continue;
			if ((re & (POLLIN | POLLHUP | POLLERR)) &&
			    (pfd[i + 1].events & POLLIN) &&
			    practice_read(cl) == -1) {
				practice_drop(cl, &o, "connection reset");
				continue;
			}
			if (practice_flush(cl) == -1) {
				practice_drop(cl, &o, "write failed");
				continue;
			}
			(void)practice_conn_output(cl->conn, &outlen);
			if (outlen == 0 && practice_conn_done(cl->conn)) {
				practice_drop(cl, &o, cl->eof ?
				    "client closed" : "QUIT");
				continue;
			}
			if ((re & (POLLERR | POLLNVAL)) ||
			    ((re & POLLHUP) && !(pfd[i + 1].events & POLLIN))) {
				practice_drop(cl, &o, "hang-up");
				continue;
			}
			if (practice_now() - cl->last > PRACTICE_IDLE_SECONDS) {
				(void)send(cl->fd, idle, sizeof idle - 1,
				    MSG_NOSIGNAL | MSG_DONTWAIT);
				practice_drop(cl, &o, "idle");
			}
		}
	}
	rc = 0;
 out:
	if (cls != NULL)
		for (i = 0; i < max; i++)
			if (cls[i].fd != -1) {
				(void)practice_flush(&cls[i]);
				(void)send(cls[i].fd, bye, sizeof bye - 1,
				    MSG_NOSIGNAL | MSG_DONTWAIT);
				practice_drop(&cls[i], &o, "server stopping");
			}
	free(cls);
	free(pfd);
	return rc;
}

static volatile sig_atomic_t practice_child_stop;

static void
practice_child_signal(int sig)
{
	(void)sig;
	practice_child_stop = 1;
}

int
practice_spawn(const struct practice_opts *opts, int *port, char *err,
    size_t errlen)
{
	struct practice_opts	o;
	struct sigaction	sa;
	pid_t			pid, parent;
	int			fd, nul;
	char			cerr[256];

	o = *opts;
	o.quiet = 1;
	if (practice_check_opts(&o, err, errlen) == -1)
		return -1;
	/* Bound before the fork: the port is known and already accepts. */
	if ((fd = practice_listen("127.0.0.1", 0, port, err, errlen)) == -1)
		return -1;
	parent = getpid();
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (pid > 0) {
		close(fd);
		return (int)pid;
	}

	/* The child: out of the terminal's process group, so Ctrl-C in
	 * the console does not stop it; gone when the parent goes. */
	(void)setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = practice_child_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGCHLD, &sa, NULL);
	(void)sigaction(SIGWINCH, &sa, NULL);
	{
		sigset_t none;

		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
	}
#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	practice_watch_parent = parent;
	if (getppid() != parent)
		_exit(0);
	if ((nul = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(nul, STDIN_FILENO);
		(void)dup2(nul, STDOUT_FILENO);
		if (nul > STDERR_FILENO)
			close(nul);
	}
	if (practice_run(fd, &o, &practice_child_stop, cerr,
	    sizeof cerr) == -1)
		_exit(1);
	_exit(0);
}

int
practice_stop(int pid)
{
	int	status;
	pid_t	r;

	if (pid <= 0)
		return -1;
	(void)kill((pid_t)pid, SIGTERM);
	while ((r = waitpid((pid_t)pid, &status, 0)) == -1 && errno == EINTR)
		;
	if (r == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
