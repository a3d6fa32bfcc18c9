/*
 * verbs.c -- the SMTP verb table and the command syntax checker.
 *
 * The checker is a hand-written recursive-descent parser over the ABNF of
 * RFC 5321 4.1.1-4.1.3 and of the service extensions that add parameters
 * or verbs.  Each production has its own small function that cites where
 * its grammar comes from.  The parser never stops at the first problem
 * when it can go on sensibly: a diagnostic is recorded and parsing of the
 * enclosing element is abandoned, so one mistake gives one diagnostic.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanitize.h"
#include "verbs.h"

/*
 * States from the greeting to the end of a transaction.  RFC 5321 4.1.4:
 * NOOP, HELP, EXPN, VRFY and RSET "can be used at any time during a
 * session", so those also have STATE_BIT(STATE_BDAT), between chunks.
 */
#define ST_ANY	(STATE_BIT(STATE_GREETED) | STATE_BIT(STATE_READY) | \
		 STATE_BIT(STATE_MAIL) | STATE_BIT(STATE_RCPT))
#define ST_TXN	(STATE_BIT(STATE_MAIL) | STATE_BIT(STATE_RCPT))

/*
 * The verb table.  RFC 5321 2.4: verbs are not case sensitive; the names
 * here are in the conventional upper case.
 */
static const struct verb_info verb_table[] = {
	{
		.id = VERB_HELO, .name = "HELO",
		.syntax = "HELO SP Domain",
		.rfc = "RFC 5321 4.1.1.1",
		.extension = NULL,
		.states = STATE_BIT(STATE_GREETED) | STATE_BIT(STATE_READY) |
		    ST_TXN,
		.obsolete = 0,
		.help = "HELO introduces the client by its domain name and opens "
		    "the session the old way, without service extensions.  The "
		    "server answers 250 with its own name.  Use EHLO instead "
		    "when the server supports it (RFC 5321 F.3): only EHLO "
		    "tells you which extensions the server offers.",
		.proto = VERBS_PROTO_SMTP,
	},
	{
		.id = VERB_EHLO, .name = "EHLO",
		.syntax = "EHLO SP ( Domain / address-literal )",
		.rfc = "RFC 5321 4.1.1.1",
		.extension = NULL,
		.states = STATE_BIT(STATE_GREETED) | STATE_BIT(STATE_READY) |
		    ST_TXN,
		.obsolete = 0,
		.help = "EHLO introduces the client by its fully-qualified domain "
		    "name (or an address literal such as [192.0.2.1] when it has "
		    "none) and asks for the server's service extensions.  The "
		    "250 reply lists one keyword per line: SIZE, PIPELINING, "
		    "STARTTLS, AUTH ...  A new EHLO later in the session resets "
		    "it as RSET would (RFC 5321 4.1.4).",
		.proto = VERBS_PROTO_SMTP,
	},
	{
		.id = VERB_LHLO, .name = "LHLO",
		.syntax = "LHLO SP ( Domain / address-literal )",
		.rfc = "RFC 2033 4.1",
		.extension = NULL,
		.states = STATE_BIT(STATE_GREETED) | STATE_BIT(STATE_READY) |
		    ST_TXN,
		.obsolete = 0,
		.help = "LHLO opens an LMTP session (RFC 2033), the protocol "
		    "of local delivery: it is EHLO under another name, so that "
		    "a client and a server that do not speak the same protocol "
		    "find out at once (an LMTP server has no HELO or EHLO, an "
		    "SMTP server no LHLO).  The 250 reply lists the extensions "
		    "as for EHLO.  After the end of data an LMTP server sends "
		    "one reply per accepted recipient, in the order of the "
		    "RCPT commands (RFC 2033 4.2).",
		.proto = VERBS_PROTO_LMTP,
	},
	{
		.id = VERB_MAIL, .name = "MAIL",
		.syntax = "MAIL FROM:<reverse-path> [SP mail-parameters]",
		.rfc = "RFC 5321 4.1.1.2",
		.extension = NULL,
		.states = STATE_BIT(STATE_READY),
		.obsolete = 0,
		.help = "MAIL starts a mail transaction and gives the reverse-path, "
		    "the address where bounces go.  The path is in angle "
		    "brackets with no space after the colon; <> is the null "
		    "path used by bounces themselves.  Parameters such as "
		    "SIZE=, BODY= or SMTPUTF8 may follow when the server "
		    "advertised their extensions.  MAIL is refused inside a "
		    "transaction: finish it or send RSET first.",
	},
	{
		.id = VERB_RCPT, .name = "RCPT",
		.syntax = "RCPT TO:<forward-path> [SP rcpt-parameters]",
		.rfc = "RFC 5321 4.1.1.3",
		.extension = NULL,
		.states = ST_TXN,
		.obsolete = 0,
		.help = "RCPT names one recipient of the current transaction; send "
		    "it once per recipient after MAIL.  A 250 adds the recipient, "
		    "a 4xx or 5xx does not.  RCPT TO:<Postmaster> without a "
		    "domain must always be accepted.  DSN parameters NOTIFY= "
		    "and ORCPT= may follow when the server advertised DSN.",
	},
	{
		.id = VERB_DATA, .name = "DATA",
		.syntax = "DATA",
		.rfc = "RFC 5321 4.1.1.4",
		.extension = NULL,
		.states = STATE_BIT(STATE_RCPT),
		.obsolete = 0,
		.help = "DATA asks to send the message itself.  After the 354 "
		    "reply every line is message text, ended by CRLF; a line "
		    "holding a single dot ends the message, so lines that begin "
		    "with a dot get a second one (dot-stuffing, RFC 5321 "
		    "4.5.2).  The reply to the final dot says whether the "
		    "server took responsibility for the message.",
	},
	{
		.id = VERB_BDAT, .name = "BDAT",
		.syntax = "BDAT SP chunk-size [SP LAST]",
		.rfc = "RFC 3030 2",
		.extension = "CHUNKING",
		.states = STATE_BIT(STATE_RCPT) | STATE_BIT(STATE_BDAT),
		.obsolete = 0,
		.help = "BDAT sends the message in chunks of exactly the announced "
		    "number of octets, with no dot-stuffing and no end marker "
		    "inside the data.  The last chunk carries LAST.  It needs "
		    "the CHUNKING extension, and it is the only way to send "
		    "BODY=BINARYMIME messages.",
	},
	{
		.id = VERB_RSET, .name = "RSET",
		.syntax = "RSET",
		.rfc = "RFC 5321 4.1.1.5",
		.extension = NULL,
		.states = ST_ANY | STATE_BIT(STATE_BDAT),
		.obsolete = 0,
		.help = "RSET aborts the current mail transaction: the sender, the "
		    "recipients and any data are forgotten, but the session "
		    "(EHLO, TLS, authentication) stays.  It is always allowed "
		    "and always answered 250.",
	},
	{
		.id = VERB_VRFY, .name = "VRFY",
		.syntax = "VRFY SP String",
		.rfc = "RFC 5321 4.1.1.6",
		.extension = NULL,
		.states = ST_ANY | STATE_BIT(STATE_BDAT),
		.obsolete = 0,
		.help = "VRFY asks whether a user name or mailbox exists.  Most "
		    "public servers do not tell (252: cannot verify, but will "
		    "accept the message) because the answer helps spammers "
		    "harvest addresses (RFC 5321 7.3).",
	},
	{
		.id = VERB_EXPN, .name = "EXPN",
		.syntax = "EXPN SP String",
		.rfc = "RFC 5321 4.1.1.7",
		.extension = NULL,
		.states = ST_ANY | STATE_BIT(STATE_BDAT),
		.obsolete = 0,
		.help = "EXPN asks the server to expand a mailing list into its "
		    "members.  Like VRFY it is usually disabled on public "
		    "servers for privacy (RFC 5321 7.3).",
	},
	{
		.id = VERB_HELP, .name = "HELP",
		.syntax = "HELP [SP String]",
		.rfc = "RFC 5321 4.1.1.8",
		.extension = NULL,
		.states = ST_ANY | STATE_BIT(STATE_BDAT),
		.obsolete = 0,
		.help = "HELP asks the server for information, optionally about a "
		    "command (HELP MAIL).  Answers are free text in 211 or 214 "
		    "replies and vary widely between servers.",
	},
	{
		.id = VERB_NOOP, .name = "NOOP",
		.syntax = "NOOP [SP String]",
		.rfc = "RFC 5321 4.1.1.9",
		.extension = NULL,
		.states = ST_ANY | STATE_BIT(STATE_BDAT),
		.obsolete = 0,
		.help = "NOOP does nothing but get a 250 reply; any argument is "
		    "ignored.  It is useful to check that the connection is "
		    "alive or to measure round-trip time.",
	},
	{
		.id = VERB_QUIT, .name = "QUIT",
		.syntax = "QUIT",
		.rfc = "RFC 5321 4.1.1.10",
		.extension = NULL,
		.states = ST_ANY | STATE_BIT(STATE_BDAT),
		.obsolete = 0,
		.help = "QUIT ends the session: the server answers 221 and closes "
		    "the connection.  An unfinished transaction is abandoned.  "
		    "The last command of every session should be QUIT.",
	},
	{
		.id = VERB_STARTTLS, .name = "STARTTLS",
		.syntax = "STARTTLS",
		.rfc = "RFC 3207 4",
		.extension = "STARTTLS",
		.states = STATE_BIT(STATE_READY),
		.obsolete = 0,
		.help = "STARTTLS upgrades the connection to TLS after a 220 "
		    "reply.  Everything learned before is forgotten: the client "
		    "must send EHLO again and read the new capabilities (RFC "
		    "3207 4.2).  It is only valid outside a mail transaction, "
		    "and only once.",
	},
	{
		.id = VERB_AUTH, .name = "AUTH",
		.syntax = "AUTH SP mechanism [SP initial-response]",
		.rfc = "RFC 4954 4",
		.extension = "AUTH",
		.states = STATE_BIT(STATE_READY),
		.obsolete = 0,
		.help = "AUTH authenticates the client with a SASL mechanism the "
		    "server advertised (PLAIN, LOGIN, CRAM-MD5 ...).  The "
		    "server may send 334 challenges in base64, each answered "
		    "with one base64 line; \"*\" cancels.  An initial response "
		    "may follow the mechanism name (\"=\" for an empty one).  "
		    "AUTH is not allowed inside a transaction, and secrets "
		    "should only travel over TLS.",
	},
	{
		.id = VERB_ETRN, .name = "ETRN",
		.syntax = "ETRN SP [\"@\" / \"#\"] Domain",
		.rfc = "RFC 1985 5",
		.extension = "ETRN",
		.states = STATE_BIT(STATE_READY),
		.obsolete = 0,
		.help = "ETRN asks the server to start delivering the mail it has "
		    "queued for a domain, over a new connection to that "
		    "domain's mail server.  \"@domain\" includes subdomains, "
		    "\"#queue\" names a server-specific queue.",
	},
	{
		.id = VERB_ATRN, .name = "ATRN",
		.syntax = "ATRN [SP Domain *(\",\" Domain)]",
		.rfc = "RFC 2645 4",
		.extension = "ATRN",
		.states = STATE_BIT(STATE_READY),
		.obsolete = 0,
		.help = "ATRN (authenticated TURN, On-Demand Mail Relay) reverses "
		    "the roles of client and server on the same connection so "
		    "that a host with a dynamic address can collect its queued "
		    "mail.  Unlike TURN it requires prior authentication.",
	},
	{
		.id = VERB_BURL, .name = "BURL",
		.syntax = "BURL SP absolute-URI [SP LAST]",
		.rfc = "RFC 4468 3",
		.extension = "BURL",
		.states = STATE_BIT(STATE_RCPT) | STATE_BIT(STATE_BDAT),
		.obsolete = 0,
		.help = "BURL lets a submission server fetch message data from an "
		    "IMAP URL instead of receiving it over SMTP, so a client "
		    "need not upload a message it already stored.  Like BDAT, "
		    "LAST marks the final piece.",
	},
	{
		.id = VERB_SEND, .name = "SEND",
		.syntax = "SEND FROM:<reverse-path>",
		.rfc = "RFC 5321 Appendix F.6",
		.extension = NULL,
		.states = STATE_BIT(STATE_READY),
		.obsolete = 1,
		.help = "Obsolete: SEND asked RFC 821 servers to deliver to the "
		    "user's terminal instead of the mailbox.  It was rarely "
		    "implemented and RFC 5321 removed it (Appendix F.6): "
		    "clients should not use it.  Use MAIL.",
	},
	{
		.id = VERB_SOML, .name = "SOML",
		.syntax = "SOML FROM:<reverse-path>",
		.rfc = "RFC 5321 Appendix F.6",
		.extension = NULL,
		.states = STATE_BIT(STATE_READY),
		.obsolete = 1,
		.help = "Obsolete: SOML (send or mail) delivered to the terminal "
		    "when the user was logged in, else to the mailbox.  RFC "
		    "5321 removed it (Appendix F.6) together with SEND and "
		    "SAML.  Use MAIL.",
	},
	{
		.id = VERB_SAML, .name = "SAML",
		.syntax = "SAML FROM:<reverse-path>",
		.rfc = "RFC 5321 Appendix F.6",
		.extension = NULL,
		.states = STATE_BIT(STATE_READY),
		.obsolete = 1,
		.help = "Obsolete: SAML (send and mail) delivered both to the "
		    "terminal and to the mailbox.  RFC 5321 removed it "
		    "(Appendix F.6) together with SEND and SOML.  Use MAIL.",
	},
	{
		.id = VERB_TURN, .name = "TURN",
		.syntax = "TURN",
		.rfc = "RFC 5321 Appendix F.1",
		.extension = NULL,
		.states = STATE_BIT(STATE_READY),
		.obsolete = 1,
		.help = "Obsolete and a security hole: TURN swapped the roles of "
		    "client and server, so anyone who connected could collect "
		    "mail meant for another host.  RFC 5321 deprecates it "
		    "(Appendix F.1); ATRN with authentication replaced it.",
	},
};
#define NVERBS	(sizeof verb_table / sizeof verb_table[0])
#define VERBS_NEAR_MAX	12	/* longest word verbs_near() compares */

/* ------------------------------------------------------------------ */
/* The parser state.                                                  */

struct parser {
	const char		*s;		/* the whole line */
	size_t			 total;		/* its length */
	size_t			 len;		/* without trailing white space */
	size_t			 pos;
	const struct caps	*caps;		/* NULL: nothing known */
	unsigned		 flags;		/* VERBS_SMTPUTF8_TXN */
	struct verbs_cmd	*cmd;		/* the result */
	struct diag_list	*out;		/* &cmd->diags */
	int			 max;		/* highest severity so far */
	const struct verb_info	*verb;
	size_t			 utf8_col;	/* first non-ASCII octet, or SIZE_MAX */
	size_t			 utf8_n;	/* octets of that character */
	int			 smtputf8;	/* SMTPUTF8 parameter given */
	size_t			 extra;		/* octets extensions add to the limit */
	unsigned		 seen;		/* known parameters already given */
	int			 free_text;	/* HELP/NOOP: no mailbox limits */
};

static void	 diag_v(struct parser *, enum diag_severity, int,
		    const char *, size_t, size_t, const char *, const char *,
		    va_list) __attribute__((format(__printf__, 8, 0)));
static void	 diag(struct parser *, enum diag_severity, size_t, size_t,
		    const char *, const char *, ...)
		    __attribute__((format(__printf__, 6, 7)));
static void	 diag_reply(struct parser *, enum diag_severity, int,
		    const char *, size_t, size_t, const char *, const char *,
		    ...) __attribute__((format(__printf__, 8, 9)));
static int	 is_alpha(int);
static int	 is_digit(int);
static int	 is_hex(int);
static int	 is_atext(int);
static int	 take_utf8(struct parser *);
static size_t	 word_end(const struct parser *, size_t);
static int	 printable(const char *, size_t);
static int	 expect_sp(struct parser *, const char *);
static int	 expect_end(struct parser *, const char *);
static int	 parse_domain(struct parser *);
static int	 parse_ipv4(struct parser *, size_t, size_t);
static int	 parse_ipv6(struct parser *, size_t, size_t);
static int	 parse_address_literal(struct parser *);
static int	 parse_dot_string(struct parser *);
static int	 parse_quoted_string(struct parser *);
static int	 parse_local_part(struct parser *);
static int	 parse_mailbox(struct parser *);
static int	 parse_adl(struct parser *);
static void	 path_found(struct parser *, size_t, size_t, size_t);
static int	 parse_path(struct parser *, int);
static int	 parse_xtext(struct parser *, size_t, size_t, const char *);
static int	 parse_esmtp_param(struct parser *);
static void	 parse_params(struct parser *);
static int	 parse_string(struct parser *);
static void	 check_utf8_use(struct parser *);
static void	 check_no_args(struct parser *);
static void	 arg_found(struct parser *, struct verbs_span *, size_t);
static void	 check_helo(struct parser *);
static void	 check_ehlo(struct parser *);
static void	 check_mail(struct parser *);
static void	 check_rcpt(struct parser *);
static void	 check_string_arg(struct parser *);
static void	 check_opt_string(struct parser *);
static void	 check_bdat(struct parser *);
static void	 check_auth(struct parser *);
static void	 check_etrn(struct parser *);
static void	 check_atrn(struct parser *);
static void	 check_burl(struct parser *);
static void	 check_length(struct parser *);
static uintmax_t decimal(const char *, size_t);
static int	 parse_path_intro(struct parser *, const char *);
static void	 caret_fill(size_t, size_t, char *, size_t);
static const struct verb_info *verbs_near(const char *, size_t, int);
static int	 parse_domain_or_literal(struct parser *);

/*
 * Record one diagnostic, with the reply a server gives for it (0: none).
 * A second diagnostic at the same column is dropped: it is nearly always
 * a consequence of the first.  The refusal (the problem furthest to the
 * left that a server answers) is kept even when the list is full.
 */
static void
diag_v(struct parser *p, enum diag_severity sev, int reply, const char *esc,
    size_t col, size_t len, const char *rfc, const char *fmt, va_list ap)
{
	struct diag	 one, *d, *r = &p->cmd->refusal;
	size_t		 i;

	if ((int)sev > p->max)
		p->max = sev;
	if (col > p->total)
		col = p->total;
	if (len == 0)
		len = 1;
	memset(&one, 0, sizeof one);
	one.severity = sev;
	one.column = col;
	one.length = len;
	one.rfc = rfc;
	one.reply = reply;
	one.esc = reply != 0 ? esc : NULL;
	vsnprintf(one.msg, sizeof one.msg, fmt, ap);
	if (reply != 0 && (!p->cmd->refused || col < r->column ||
	    (col == r->column && sev > r->severity))) {
		*r = one;
		p->cmd->refused = 1;
	}
	d = NULL;
	for (i = 0; i < p->out->n; i++)
		if (p->out->d[i].column == col) {
			if (p->out->d[i].severity >= sev)
				return;
			d = &p->out->d[i];	/* the graver one wins */
		}
	if (d == NULL) {
		if (p->out->n >= DIAG_MAX)
			return;
		d = &p->out->d[p->out->n++];
	}
	*d = one;
}

/*
 * The common case: an error is a syntax error in the arguments, which a
 * server answers 501 5.5.4 (RFC 5321 4.2.2, RFC 3463 5.5.4); hints and
 * warnings are taken.
 */
static void
diag(struct parser *p, enum diag_severity sev, size_t col, size_t len,
    const char *rfc, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diag_v(p, sev, sev == DIAG_ERROR ? 501 : 0, "5.5.4", col, len, rfc,
	    fmt, ap);
	va_end(ap);
}

/* A problem a server answers with another reply than 501 5.5.4. */
static void
diag_reply(struct parser *p, enum diag_severity sev, int reply,
    const char *esc, size_t col, size_t len, const char *rfc,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diag_v(p, sev, reply, esc, col, len, rfc, fmt, ap);
	va_end(ap);
}

/* Character classes of RFC 5234 B.1, ASCII only (no locale). */
static int
is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/* RFC 5322 3.2.3 atext, which RFC 5321 4.1.2 uses for Atom. */
static int
is_atext(int c)
{
	return is_alpha(c) || is_digit(c) ||
	    (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * RFC 6531 3.3: with SMTPUTF8, atext, qtextSMTP and sub-domain also take
 * UTF-8 non-ASCII characters.  Whether that is allowed is decided when
 * the whole command has been read (check_utf8_use()); here the octets
 * are only checked to be well-formed UTF-8.  Returns 0, or -1 after an
 * error.
 */
static int
take_utf8(struct parser *p)
{
	size_t	 n;

	n = sanitize_utf8((const unsigned char *)p->s + p->pos,
	    p->len - p->pos, NULL);
	if (n == 0) {
		diag(p, DIAG_ERROR, p->pos, 1, "RFC 6531 3.3",
		    "octet 0x%02x is not valid UTF-8",
		    (unsigned char)p->s[p->pos]);
		return -1;
	}
	if (p->utf8_col == SIZE_MAX) {
		p->utf8_col = p->pos;
		p->utf8_n = n;
	}
	p->pos += n;
	return 0;
}

/* Whether s[0..n) is all printable ASCII (safe to quote in a message). */
static int
printable(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return 0;
	return 1;
}

/* End of the word starting at from: the next space or the end. */
static size_t
word_end(const struct parser *p, size_t from)
{
	while (from < p->len && p->s[from] != ' ')
		from++;
	return from;
}

/*
 * RFC 5321 4.1.1: a verb is "terminated by <SP> if parameters follow";
 * the grammar has exactly one SP between elements.  Returns 0, or -1 when
 * the argument is missing.
 */
static int
expect_sp(struct parser *p, const char *what)
{
	size_t	 start = p->pos;

	if (p->pos >= p->len) {
		diag(p, DIAG_ERROR, p->len, 1, p->verb->rfc,
		    "%s is missing", what);
		return -1;
	}
	if (p->s[p->pos] != ' ') {
		diag(p, DIAG_ERROR, p->pos, 1, p->verb->rfc,
		    "expected a space before %s", what);
		return -1;
	}
	while (p->pos < p->len && p->s[p->pos] == ' ')
		p->pos++;
	if (p->pos - start > 1)
		diag(p, DIAG_WARNING, start, p->pos - start, "RFC 5321 4.1.2",
		    "%zu spaces where the grammar has one", p->pos - start);
	return 0;
}

/* Nothing may follow.  Returns 0, or -1 after an error. */
static int
expect_end(struct parser *p, const char *after)
{
	if (p->pos >= p->len)
		return 0;
	diag(p, DIAG_ERROR, p->pos, p->len - p->pos, p->verb->rfc,
	    "unexpected text after %s", after);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Domains and address literals.                                      */

/*
 * RFC 5321 4.1.2:
 *	Domain     = sub-domain *("." sub-domain)
 *	sub-domain = Let-dig [Ldh-str]
 *	Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
 * RFC 6531 3.3 adds U-labels.  Labels are at most 63 octets (RFC 1035
 * 2.3.4), the domain at most 255 (RFC 5321 4.5.3.1.2).
 */
static int
parse_domain(struct parser *p)
{
	size_t	 start = p->pos, label;
	int	 c;

	for (;;) {
		label = p->pos;
		while (p->pos < p->len) {
			c = (unsigned char)p->s[p->pos];
			if (is_alpha(c) || is_digit(c) || c == '-')
				p->pos++;
			else if (c >= 0x80) {
				if (take_utf8(p) < 0)
					return -1;
			} else
				break;
		}
		if (p->pos < p->len && p->s[p->pos] == '_') {
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "'_' is not allowed in a domain name: letters, "
			    "digits and '-' only");
			return -1;
		}
		if (p->pos == label) {
			if (p->pos < p->len && p->s[p->pos] == '.')
				diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
				    "empty label in the domain name");
			else if (label == start)
				diag(p, DIAG_ERROR, p->pos,
				    word_end(p, p->pos) - p->pos,
				    "RFC 5321 4.1.2",
				    "expected a domain name");
			else
				diag(p, DIAG_ERROR, p->pos - 1, 1,
				    "RFC 5321 4.1.2",
				    "a domain name does not end with a dot");
			return -1;
		}
		if (p->s[label] == '-') {
			diag(p, DIAG_ERROR, label, 1, "RFC 5321 4.1.2",
			    "a domain label does not start with '-'");
			return -1;
		}
		if (p->s[p->pos - 1] == '-') {
			diag(p, DIAG_ERROR, p->pos - 1, 1, "RFC 5321 4.1.2",
			    "a domain label does not end with '-'");
			return -1;
		}
		if (p->pos - label > 63) {
			diag(p, DIAG_ERROR, label, p->pos - label,
			    "RFC 1035 2.3.4",
			    "domain label of %zu octets; at most 63 are allowed",
			    p->pos - label);
			return -1;
		}
		if (p->pos < p->len && p->s[p->pos] == '.')
			p->pos++;
		else
			break;
	}
	if (p->pos - start > 255) {
		diag(p, DIAG_ERROR, start, p->pos - start, "RFC 5321 4.5.3.1.2",
		    "domain of %zu octets; at most 255 are allowed",
		    p->pos - start);
		return -1;
	}
	return 0;
}

/*
 * RFC 5321 4.1.3:
 *	IPv4-address-literal = Snum 3("." Snum)
 *	Snum                 = 1*3DIGIT  ; 0 through 255
 * Checks s[from..to) entirely.
 */
static int
parse_ipv4(struct parser *p, size_t from, size_t to)
{
	size_t	 i = from, d;
	int	 n, v;

	for (n = 0; n < 4; n++) {
		d = i;
		v = 0;
		while (i < to && is_digit(p->s[i]) && i - d < 4) {
			v = v * 10 + (p->s[i] - '0');
			i++;
		}
		if (i == d) {
			diag(p, DIAG_ERROR, i, 1, "RFC 5321 4.1.3",
			    "expected a decimal number (0-255) of the IPv4 "
			    "address");
			return -1;
		}
		if (i - d > 3 || v > 255) {
			diag(p, DIAG_ERROR, d, i - d, "RFC 5321 4.1.3",
			    "IPv4 address part out of range 0-255");
			return -1;
		}
		if (n < 3) {
			if (i >= to || p->s[i] != '.') {
				diag(p, DIAG_ERROR, i, 1, "RFC 5321 4.1.3",
				    "an IPv4 address has four numbers "
				    "separated by dots");
				return -1;
			}
			i++;
		}
	}
	if (i != to) {
		diag(p, DIAG_ERROR, i, to - i, "RFC 5321 4.1.3",
		    "unexpected text after the IPv4 address");
		return -1;
	}
	return 0;
}

/*
 * RFC 5321 4.1.3:
 *	IPv6-addr   = IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp
 *	IPv6-full   = IPv6-hex 7(":" IPv6-hex)
 *	IPv6-comp   = [IPv6-hex *5(":" IPv6-hex)] "::" [IPv6-hex *5(":" IPv6-hex)]
 *	IPv6v4-full = IPv6-hex 5(":" IPv6-hex) ":" IPv4-address-literal
 *	IPv6v4-comp = [IPv6-hex *3(":" IPv6-hex)] "::"
 *	              [IPv6-hex *3(":" IPv6-hex) ":"] IPv4-address-literal
 * Checks s[from..to) (the part after "IPv6:").
 */
static int
parse_ipv6(struct parser *p, size_t from, size_t to)
{
	size_t	 i = from, tok, dcolon = SIZE_MAX, groups = 0, k;
	int	 v4 = 0;

	if (i == to) {
		diag(p, DIAG_ERROR, i, 1, "RFC 5321 4.1.3",
		    "expected an IPv6 address after \"IPv6:\"");
		return -1;
	}
	if (to - i >= 2 && p->s[i] == ':' && p->s[i + 1] == ':') {
		dcolon = i;
		i += 2;
	} else if (p->s[i] == ':') {
		diag(p, DIAG_ERROR, i, 1, "RFC 5321 4.1.3",
		    "an IPv6 address starts with a group or \"::\"");
		return -1;
	}
	while (i < to) {
		tok = i;
		for (k = i; k < to && p->s[k] != ':'; k++)
			if (p->s[k] == '.')
				v4 = 1;
		if (v4) {
			if (k != to) {
				diag(p, DIAG_ERROR, k, 1, "RFC 5321 4.1.3",
				    "the IPv4 part must end the IPv6 address");
				return -1;
			}
			if (parse_ipv4(p, tok, to) < 0)
				return -1;
			i = to;
			break;
		}
		while (i < to && is_hex(p->s[i]))
			i++;
		if (i == tok || i - tok > 4 || (i < to && p->s[i] != ':')) {
			diag(p, DIAG_ERROR, tok, (k > tok ? k - tok : 1),
			    "RFC 5321 4.1.3",
			    "an IPv6 group is 1 to 4 hexadecimal digits");
			return -1;
		}
		groups++;
		if (i == to)
			break;
		/* p->s[i] == ':' */
		if (i + 1 < to && p->s[i + 1] == ':') {
			if (dcolon != SIZE_MAX) {
				diag(p, DIAG_ERROR, i, 2, "RFC 5321 4.1.3",
				    "\"::\" may appear only once");
				return -1;
			}
			dcolon = i;
			i += 2;
			continue;
		}
		i++;
		if (i == to) {
			diag(p, DIAG_ERROR, i - 1, 1, "RFC 5321 4.1.3",
			    "an IPv6 address does not end with a single ':'");
			return -1;
		}
	}
	if (dcolon == SIZE_MAX) {
		if (groups != (v4 ? 6u : 8u)) {
			diag(p, DIAG_ERROR, from, to - from, "RFC 5321 4.1.3",
			    "%zu groups: a full IPv6 address has %d (or use "
			    "\"::\")", groups, v4 ? 6 : 8);
			return -1;
		}
	} else if (groups > (v4 ? 4u : 6u)) {
		if (groups == (v4 ? 5u : 7u)) {
			/* RFC 4291 2.2 lets "::" stand for one group. */
			diag(p, DIAG_WARNING, dcolon, 2, "RFC 5321 4.1.3",
			    "\"::\" stands for a single zero group here; RFC "
			    "5321 wants it to replace at least two");
			return 0;
		}
		diag(p, DIAG_ERROR, from, to - from, "RFC 5321 4.1.3",
		    "too many groups for an IPv6 address with \"::\"");
		return -1;
	}
	return 0;
}

/*
 * RFC 5321 4.1.2-4.1.3:
 *	address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
 *	                  General-address-literal ) "]"
 *	IPv6-address-literal = "IPv6:" IPv6-addr
 *	General-address-literal = Standardized-tag ":" 1*dcontent
 */
static int
parse_address_literal(struct parser *p)
{
	size_t	 open = p->pos, close, i;
	int	 c;

	for (close = open + 1; close < p->len; close++)
		if (p->s[close] == ']' || p->s[close] == '[' ||
		    p->s[close] == '>' || p->s[close] == ' ')
			break;
	if (close >= p->len || p->s[close] != ']') {
		diag(p, DIAG_ERROR, open, close - open, "RFC 5321 4.1.3",
		    "address literal without its closing ']'");
		return -1;
	}
	i = open + 1;
	if (i == close) {
		diag(p, DIAG_ERROR, open, 2, "RFC 5321 4.1.3",
		    "empty address literal");
		return -1;
	}
	if (is_digit(p->s[i])) {
		if (parse_ipv4(p, i, close) < 0)
			return -1;
	} else if (close - i >= 5 && strncasecmp(p->s + i, "IPv6:", 5) == 0) {
		if (parse_ipv6(p, i + 5, close) < 0)
			return -1;
	} else {
		/* Standardized-tag = Ldh-str, then ":" 1*dcontent. */
		while (i < close && (is_alpha(p->s[i]) || is_digit(p->s[i]) ||
		    p->s[i] == '-'))
			i++;
		if (i == open + 1 || i >= close || p->s[i] != ':' ||
		    p->s[i - 1] == '-') {
			diag(p, DIAG_ERROR, open + 1, close - open - 1,
			    "RFC 5321 4.1.3",
			    "an address literal holds an IPv4 address, "
			    "\"IPv6:\" and an IPv6 address, or tag:value");
			return -1;
		}
		if (++i == close) {
			diag(p, DIAG_ERROR, i, 1, "RFC 5321 4.1.3",
			    "address literal tag without a value");
			return -1;
		}
		for (; i < close; i++) {
			c = (unsigned char)p->s[i];
			if (c < 33 || c > 126 || c == '\\') {
				diag(p, DIAG_ERROR, i, 1, "RFC 5321 4.1.3",
				    "character not allowed in an address "
				    "literal");
				return -1;
			}
		}
		diag(p, DIAG_HINT, open + 1, close - open - 1, "RFC 5321 4.1.3",
		    "general address literal: no tag but IPv6 is registered, "
		    "so servers will not understand it");
	}
	p->pos = close + 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Local parts, mailboxes and paths.                                  */

/*
 * RFC 5321 4.1.2:
 *	Dot-string = Atom *("." Atom)
 *	Atom       = 1*atext
 */
static int
parse_dot_string(struct parser *p)
{
	size_t	 atom;
	int	 c;

	for (;;) {
		atom = p->pos;
		while (p->pos < p->len) {
			c = (unsigned char)p->s[p->pos];
			if (is_atext(c))
				p->pos++;
			else if (c >= 0x80) {
				if (take_utf8(p) < 0)
					return -1;
			} else
				break;
		}
		if (p->pos == atom) {
			if (p->pos < p->len && p->s[p->pos] == '.')
				diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
				    atom > 0 && p->s[atom - 1] == '.' ?
				    "two dots in a row in the local part; "
				    "quote it" :
				    "the local part does not start with a "
				    "dot; quote it");
			else if (atom > 0 && p->s[atom - 1] == '.')
				diag(p, DIAG_ERROR, atom - 1, 1,
				    "RFC 5321 4.1.2",
				    "the local part does not end with a dot; "
				    "quote it");
			else
				return 1;	/* nothing here at all */
			return -1;
		}
		if (p->pos < p->len && p->s[p->pos] == '.')
			p->pos++;
		else
			return 0;
	}
}

/*
 * RFC 5321 4.1.2:
 *	Quoted-string   = DQUOTE *QcontentSMTP DQUOTE
 *	QcontentSMTP    = qtextSMTP / quoted-pairSMTP
 *	quoted-pairSMTP = %d92 %d32-126
 *	qtextSMTP       = %d32-33 / %d35-91 / %d93-126
 * A hint when the quotes were not needed: 4.1.2 asks senders to use
 * "the form that uses the minimum quoting possible".
 */
static int
parse_quoted_string(struct parser *p)
{
	size_t	 open = p->pos, save;
	int	 c, needed = 0;
	struct diag_list scratch;
	struct parser sub;

	p->pos++;
	for (;;) {
		if (p->pos >= p->len) {
			diag(p, DIAG_ERROR, open, p->len - open,
			    "RFC 5321 4.1.2",
			    "quoted string without its closing '\"'");
			return -1;
		}
		c = (unsigned char)p->s[p->pos];
		if (c == '"')
			break;
		if (c == '\\') {
			needed = 1;
			if (p->pos + 1 >= p->len ||
			    (unsigned char)p->s[p->pos + 1] < 32 ||
			    (unsigned char)p->s[p->pos + 1] > 126) {
				diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
				    "'\\' must be followed by a printable "
				    "character or space");
				return -1;
			}
			p->pos += 2;
		} else if (c >= 0x80) {
			if (take_utf8(p) < 0)
				return -1;
		} else if (c >= 32 && c <= 126) {
			if (!is_atext(c) && c != '.')
				needed = 1;
			p->pos++;
		} else {
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "control character inside a quoted string");
			return -1;
		}
	}
	p->pos++;
	if (!needed) {
		/* Would the content be a valid Dot-string on its own? */
		memset(&scratch, 0, sizeof scratch);
		sub = *p;
		sub.out = &scratch;
		sub.len = p->pos - 1;
		sub.pos = open + 1;
		save = sub.pos;
		if (sub.pos < sub.len && parse_dot_string(&sub) == 0 &&
		    sub.pos == sub.len && sub.pos > save)
			diag(p, DIAG_HINT, open, p->pos - open, "RFC 5321 4.1.2",
			    "these quotes are not needed; send the form with "
			    "the least quoting");
	}
	return 0;
}

/*
 * RFC 5321 4.1.2: Local-part = Dot-string / Quoted-string; at most 64
 * octets (4.5.3.1.1).  Returns 0, 1 when there is no local part at all,
 * -1 after an error.
 */
static int
parse_local_part(struct parser *p)
{
	size_t	 start = p->pos;
	int	 r;

	if (p->pos < p->len && p->s[p->pos] == '"')
		r = parse_quoted_string(p);
	else
		r = parse_dot_string(p);
	if (r != 0)
		return r;
	/* RFC 5321 4.5.3.1.9: a server that applies the limit answers 501. */
	if (p->pos - start > 64 && !p->free_text)
		diag_reply(p, DIAG_WARNING, 501, "5.5.4", start, p->pos - start,
		    "RFC 5321 4.5.3.1.1",
		    "local part of %zu octets; servers need accept only 64",
		    p->pos - start);
	return 0;
}

/*
 * RFC 5321 4.1.2:
 *	Mailbox = Local-part "@" ( Domain / address-literal )
 */
static int
parse_mailbox(struct parser *p)
{
	int	 r, c;

	r = parse_local_part(p);
	if (r < 0)
		return -1;
	if (p->pos >= p->len || p->s[p->pos] != '@') {
		if (p->pos >= p->len || p->s[p->pos] == '>') {
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "missing \"@domain\" in the address");
			return -1;
		}
		c = (unsigned char)p->s[p->pos];
		if (c >= 32 && c < 127)
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "'%c' is not allowed in an unquoted local part",
			    c);
		else
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "octet 0x%02x is not allowed in a local part", c);
		return -1;
	}
	if (r == 1) {
		diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
		    "empty local part before '@'");
		return -1;
	}
	p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '[')
		return parse_address_literal(p);
	return parse_domain(p);
}

/*
 * RFC 5321 4.1.2 and Appendix C:
 *	A-d-l     = At-domain *( "," At-domain )
 *	At-domain = "@" Domain
 * The source route "MUST BE accepted, SHOULD NOT be generated".
 */
static int
parse_adl(struct parser *p)
{
	size_t	 start = p->pos;

	for (;;) {
		if (p->pos >= p->len || p->s[p->pos] != '@') {
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "expected \"@domain\" in the source route");
			return -1;
		}
		p->pos++;
		if (parse_domain(p) < 0)
			return -1;
		if (p->pos < p->len && p->s[p->pos] == ',')
			p->pos++;
		else
			break;
	}
	if (p->pos >= p->len || p->s[p->pos] != ':') {
		diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
		    "a source route ends with ':' before the mailbox");
		return -1;
	}
	p->pos++;
	diag(p, DIAG_WARNING, start, p->pos - start, "RFC 5321 Appendix C",
	    "source routes are deprecated: servers accept them but should "
	    "ignore them");
	return 0;
}

/* The path ends just before p->pos; its Mailbox is line[box..box+n). */
static void
path_found(struct parser *p, size_t open, size_t box, size_t n)
{
	p->cmd->path.off = open;
	p->cmd->path.len = p->pos - open;
	p->cmd->mailbox.off = box;
	p->cmd->mailbox.len = n;
}

/*
 * RFC 5321 4.1.2:
 *	Reverse-path = Path / "<>"
 *	Forward-path = Path
 *	Path         = "<" [ A-d-l ":" ] Mailbox ">"
 * null: 1 for a Reverse-path (MAIL), 0 for a Forward-path (RCPT), where
 * RFC 5321 4.1.1.3 also takes "<Postmaster>".  At most 256 octets
 * (4.5.3.1.3).
 */
static int
parse_path(struct parser *p, int null)
{
	size_t	 open = p->pos, end, box;

	if (p->pos >= p->len) {
		diag(p, DIAG_ERROR, p->pos, 1, p->verb->rfc,
		    "missing %s in angle brackets", null ? "reverse-path" :
		    "forward-path");
		return -1;
	}
	if (p->s[p->pos] != '<') {
		end = word_end(p, p->pos);
		diag(p, DIAG_ERROR, p->pos, end - p->pos, "RFC 5321 4.1.2",
		    "missing angle brackets: the address goes in <...>");
		return -1;
	}
	p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '>') {
		p->pos++;
		if (!null) {
			diag(p, DIAG_ERROR, open, 2, "RFC 5321 4.1.1.3",
			    "the null path <> is only for MAIL FROM");
			return -1;
		}
		path_found(p, open, open + 1, 0);
		return 0;
	}
	if (!null && p->len - p->pos >= 11 &&
	    strncasecmp(p->s + p->pos, "postmaster>", 11) == 0) {
		/* RFC 5321 4.1.1.3: "<Postmaster>", case-insensitive. */
		p->pos += 11;
		path_found(p, open, open + 1, 10);
		return 0;
	}
	if (p->pos < p->len && p->s[p->pos] == '@' && parse_adl(p) < 0)
		return -1;
	box = p->pos;
	if (parse_mailbox(p) < 0)
		return -1;
	if (p->pos >= p->len) {
		diag(p, DIAG_ERROR, open, p->pos - open, "RFC 5321 4.1.2",
		    "missing '>' at the end of the path");
		return -1;
	}
	if (p->s[p->pos] != '>') {
		if ((unsigned char)p->s[p->pos] >= 32 &&
		    (unsigned char)p->s[p->pos] < 127)
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "unexpected '%c' in the address", p->s[p->pos]);
		else
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "unexpected octet 0x%02x in the address",
			    (unsigned char)p->s[p->pos]);
		return -1;
	}
	p->pos++;
	path_found(p, open, box, p->pos - 1 - box);
	if (p->pos - open > 256)	/* RFC 5321 4.5.3.1.9: "501 Path too long" */
		diag_reply(p, DIAG_WARNING, 501, "5.5.4", open, p->pos - open,
		    "RFC 5321 4.5.3.1.3",
		    "path of %zu octets; servers need accept only 256",
		    p->pos - open);
	return 0;
}

/* ------------------------------------------------------------------ */
/* ESMTP parameters.                                                  */

/*
 * RFC 3461 4:
 *	xtext   = *( xchar / hexchar )
 *	xchar   = any ASCII CHAR between "!" (33) and "~" (126) inclusive,
 *	          except for "+" and "="
 *	hexchar = ASCII "+" immediately followed by two upper case
 *	          hexadecimal digits
 * Checks s[from..to).  rfc names the parameter's own section.
 */
static int
parse_xtext(struct parser *p, size_t from, size_t to, const char *rfc)
{
	size_t	 i;
	int	 c;

	for (i = from; i < to; i++) {
		c = (unsigned char)p->s[i];
		if (c == '+') {
			if (i + 2 >= to || !is_hex(p->s[i + 1]) ||
			    !is_hex(p->s[i + 2])) {
				diag(p, DIAG_ERROR, i, 1, rfc,
				    "'+' in xtext must be followed by two hex "
				    "digits (e.g. +2B for '+')");
				return -1;
			}
			if ((p->s[i + 1] >= 'a' && p->s[i + 1] <= 'f') ||
			    (p->s[i + 2] >= 'a' && p->s[i + 2] <= 'f')) {
				diag(p, DIAG_ERROR, i, 3, rfc,
				    "xtext hex digits are upper case");
				return -1;
			}
			i += 2;
		} else if (c < 33 || c > 126 || c == '=') {
			diag(p, DIAG_ERROR, i, 1, rfc,
			    "this character must be written as +XX in xtext");
			return -1;
		}
	}
	return 0;
}

/* One value check per known parameter; v..vend is the value. */
struct param_ctx {
	size_t	 k;		/* keyword column */
	size_t	 v;		/* value column (after "=") */
	size_t	 vend;
};

static int	 param_size(struct parser *, const struct param_ctx *);
static int	 param_body(struct parser *, const struct param_ctx *);
static int	 param_ret(struct parser *, const struct param_ctx *);
static int	 param_envid(struct parser *, const struct param_ctx *);
static int	 param_auth(struct parser *, const struct param_ctx *);
static int	 param_notify(struct parser *, const struct param_ctx *);
static int	 param_orcpt(struct parser *, const struct param_ctx *);

#define ON_MAIL	1u
#define ON_RCPT	2u

enum cap_field {
	CAP_NONE, CAP_SIZE, CAP_8BITMIME, CAP_SMTPUTF8, CAP_DSN, CAP_AUTH,
	CAP_REQUIRETLS
};

static int	 cap_advertised(const struct caps *, enum cap_field);
static int	 known_keyword(const char *, size_t);
static int	 value_is(const struct parser *, const struct param_ctx *,
		    const char *);

/* The parameters of the service extensions smtpscope knows. */
static const struct param_info {
	enum verbs_param_id id;
	const char	*name;
	unsigned	 on;		/* ON_MAIL / ON_RCPT */
	int		 value;		/* 1: "=" value required, 0: none */
	int		(*check)(struct parser *, const struct param_ctx *);
	enum cap_field	 cap;		/* what the server must advertise */
	const char	*ext;		/* its EHLO keyword */
	const char	*rfc;
	size_t		 extra;		/* octets added to the line limit */
	const char	*once;		/* where it says "at most once" */
} params[] = {
	{ VERBS_PARAM_SIZE, "SIZE", ON_MAIL, 1, param_size, CAP_SIZE, "SIZE",
	    "RFC 1870 6", 26, "RFC 1870 6" },
	{ VERBS_PARAM_BODY, "BODY", ON_MAIL, 1, param_body, CAP_8BITMIME,
	    "8BITMIME", "RFC 6152 3", 16, "RFC 6152 3" },
	{ VERBS_PARAM_SMTPUTF8, "SMTPUTF8", ON_MAIL, 0, NULL, CAP_SMTPUTF8,
	    "SMTPUTF8", "RFC 6531 3.4", 10, "RFC 6531 3.4" },
	{ VERBS_PARAM_RET, "RET", ON_MAIL, 1, param_ret, CAP_DSN, "DSN",
	    "RFC 3461 4.3", 0, "RFC 3461 4.5" },
	{ VERBS_PARAM_ENVID, "ENVID", ON_MAIL, 1, param_envid, CAP_DSN, "DSN",
	    "RFC 3461 4.4", 0, "RFC 3461 4.5" },
	{ VERBS_PARAM_AUTH, "AUTH", ON_MAIL, 1, param_auth, CAP_AUTH, "AUTH",
	    "RFC 4954 5", 500, "RFC 4954 5" },
	{ VERBS_PARAM_REQUIRETLS, "REQUIRETLS", ON_MAIL, 0, NULL,
	    CAP_REQUIRETLS, "REQUIRETLS", "RFC 8689 2", 11, "RFC 8689 2" },
	{ VERBS_PARAM_NOTIFY, "NOTIFY", ON_RCPT, 1, param_notify, CAP_DSN,
	    "DSN", "RFC 3461 4.1", 0, "RFC 3461 4.5" },
	{ VERBS_PARAM_ORCPT, "ORCPT", ON_RCPT, 1, param_orcpt, CAP_DSN, "DSN",
	    "RFC 3461 4.2", 0, "RFC 3461 4.5" },
};
#define NPARAMS	(sizeof params / sizeof params[0])

static int
cap_advertised(const struct caps *c, enum cap_field f)
{
	switch (f) {
	case CAP_SIZE:		return c->size;
	case CAP_8BITMIME:	return c->eightbitmime;
	case CAP_SMTPUTF8:	return c->smtputf8;
	case CAP_DSN:		return c->dsn;
	case CAP_AUTH:		return c->auth[0] != '\0';
	case CAP_REQUIRETLS:	return c->requiretls;
	case CAP_NONE:		break;
	}
	return 1;
}

int
verbs_param_advertised(const struct caps *caps, enum verbs_param_id id,
    const char *value, size_t vlen)
{
	size_t	i;

	if (caps == NULL || !caps->ehlo)
		return 1;
	if (id == VERBS_PARAM_BODY && vlen == 10 &&
	    strncasecmp(value, "BINARYMIME", 10) == 0)
		return caps->binarymime && caps->chunking;
	for (i = 0; i < NPARAMS; i++)
		if (params[i].id == id)
			return cap_advertised(caps, params[i].cap);
	return 1;
}

static int
value_is(const struct parser *p, const struct param_ctx *x, const char *w)
{
	size_t	 n = strlen(w);

	return x->vend - x->v == n && strncasecmp(p->s + x->v, w, n) == 0;
}

/* RFC 1870 6: size-value ::= 1*20DIGIT */
static int
param_size(struct parser *p, const struct param_ctx *x)
{
	size_t	 i;

	for (i = x->v; i < x->vend; i++)
		if (!is_digit(p->s[i]))
			break;
	if (i < x->vend || x->vend - x->v > 20) {
		diag(p, DIAG_ERROR, x->v, x->vend - x->v, "RFC 1870 6",
		    "SIZE= takes the message size in octets: 1 to 20 digits");
		return -1;
	}
	p->cmd->size = decimal(p->s + x->v, x->vend - x->v);
	/* RFC 1870 6.1 (2): over the fixed maximum, 552. */
	if (p->caps != NULL && p->caps->ehlo && p->caps->size &&
	    p->caps->size_max > 0 && p->cmd->size > p->caps->size_max)
		diag_reply(p, DIAG_WARNING, 552, "5.3.4", x->v, x->vend - x->v,
		    "RFC 1870 6.1",
		    "larger than the %lu octets the server accepts",
		    p->caps->size_max);
	return 0;
}

/*
 * RFC 6152 3 and RFC 3030 3:
 *	body-value ::= "7BIT" / "8BITMIME" / "BINARYMIME"
 */
static int
param_body(struct parser *p, const struct param_ctx *x)
{
	if (value_is(p, x, "7BIT")) {
		p->cmd->body = VERBS_BODY_7BIT;
		return 0;
	}
	if (value_is(p, x, "8BITMIME")) {
		p->cmd->body = VERBS_BODY_8BITMIME;
		return 0;
	}
	if (value_is(p, x, "BINARYMIME")) {
		p->cmd->body = VERBS_BODY_BINARYMIME;
		p->extra += 16;		/* RFC 3030 3 (8) */
		if (!verbs_param_advertised(p->caps, VERBS_PARAM_BODY,
		    p->s + x->v, x->vend - x->v))
			diag_reply(p, DIAG_WARNING, 555, "5.5.4", x->k,
			    x->vend - x->k, "RFC 3030 3",
			    "the server did not advertise BINARYMIME and "
			    "CHUNKING");
		else
			diag(p, DIAG_HINT, x->v, x->vend - x->v, "RFC 3030 3",
			    "a BINARYMIME body must be sent with BDAT, not DATA");
		return 0;
	}
	diag(p, DIAG_ERROR, x->v, x->vend - x->v, "RFC 6152 3",
	    "BODY= is 7BIT, 8BITMIME or BINARYMIME");
	return -1;
}

/* RFC 3461 4.3: RET=FULL / RET=HDRS, any case. */
static int
param_ret(struct parser *p, const struct param_ctx *x)
{
	if (value_is(p, x, "FULL") || value_is(p, x, "HDRS"))
		return 0;
	diag(p, DIAG_ERROR, x->v, x->vend - x->v, "RFC 3461 4.3",
	    "RET= is FULL or HDRS");
	return -1;
}

/* RFC 3461 4.4: envid-parameter = "ENVID=" xtext; up to 100 characters. */
static int
param_envid(struct parser *p, const struct param_ctx *x)
{
	if (parse_xtext(p, x->v, x->vend, "RFC 3461 4.4") < 0)
		return -1;
	/* RFC 3461 5.1 (a): a value that is not valid gets 501. */
	if (x->vend - x->v > 100)
		diag_reply(p, DIAG_WARNING, 501, "5.5.4", x->v, x->vend - x->v,
		    "RFC 3461 4.4",
		    "ENVID= of %zu characters; at most 100 are allowed",
		    x->vend - x->v);
	p->extra += x->vend - x->k + 1;
	return 0;
}

/*
 * RFC 4954 5: auth-param = "AUTH=" xtext, whose decoded form is a
 * mailbox or "<>".
 */
static int
param_auth(struct parser *p, const struct param_ctx *x)
{
	size_t	 i;
	int	 at = 0;

	if (parse_xtext(p, x->v, x->vend, "RFC 4954 5") < 0)
		return -1;
	if (value_is(p, x, "<>"))
		return 0;
	for (i = x->v; i < x->vend; i++)
		if (p->s[i] == '@' || (p->s[i] == '+' && i + 2 < x->vend &&
		    p->s[i + 1] == '4' && p->s[i + 2] == '0'))
			at = 1;
	if (!at)
		diag(p, DIAG_WARNING, x->v, x->vend - x->v, "RFC 4954 5",
		    "AUTH= carries a mailbox (xtext-encoded) or <>");
	return 0;
}

/*
 * RFC 3461 4.1:
 *	notify-esmtp-value  = "NEVER" / 1#notify-list-element
 *	notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"
 * NEVER must appear alone; any case.
 */
static int
param_notify(struct parser *p, const struct param_ctx *x)
{
	static const char *const words[] = { "NEVER", "SUCCESS", "FAILURE",
	    "DELAY" };
	size_t	 i = x->v, e, w, n;
	unsigned seen = 0;

	while (i <= x->vend) {
		for (e = i; e < x->vend && p->s[e] != ','; e++)
			continue;
		for (w = 0; w < 4; w++) {
			n = strlen(words[w]);
			if (e - i == n && strncasecmp(p->s + i, words[w], n) == 0)
				break;
		}
		if (w == 4) {
			diag(p, DIAG_ERROR, i, e - i, "RFC 3461 4.1",
			    "NOTIFY= is NEVER, or a list of SUCCESS, FAILURE "
			    "and DELAY separated by commas");
			return -1;
		}
		/*
		 * RFC 3461 4.1: 1#notify-list-element does not forbid a
		 * repeated element, so the value is valid and 5.1 (b) says a
		 * server MUST NOT refuse it: worth a warning, never a reply.
		 */
		if (seen & (1u << w))
			diag(p, DIAG_WARNING, i, e - i, "RFC 3461 4.1",
			    "%s given twice; servers take it, once is enough",
			    words[w]);
		seen |= 1u << w;
		i = e + 1;
	}
	if ((seen & 1u) && seen != 1u) {
		diag(p, DIAG_ERROR, x->v, x->vend - x->v, "RFC 3461 4.1",
		    "NEVER must appear by itself");
		return -1;
	}
	p->extra += x->vend - x->k + 1;
	return 0;
}

/*
 * RFC 3461 4.2:
 *	orcpt-parameter = "ORCPT=" original-recipient-address
 *	original-recipient-address = addr-type ";" xtext
 *	addr-type = atom
 * The whole parameter may be up to 500 characters.
 */
static int
param_orcpt(struct parser *p, const struct param_ctx *x)
{
	size_t	 i, j, k;

	for (i = x->v; i < x->vend && is_atext(p->s[i]); i++)
		continue;
	if (i == x->v || i >= x->vend || p->s[i] != ';') {
		diag(p, DIAG_ERROR, x->v, x->vend - x->v, "RFC 3461 4.2",
		    "ORCPT= is an address type, ';' and the address in xtext "
		    "(e.g. rfc822;user@example.org)");
		return -1;
	}
	if (!(i - x->v == 6 && strncasecmp(p->s + x->v, "rfc822", 6) == 0) &&
	    !(i - x->v == 5 && strncasecmp(p->s + x->v, "utf-8", 5) == 0) &&
	    !(i - x->v == 4 && strncasecmp(p->s + x->v, "x400", 4) == 0))
		diag(p, DIAG_HINT, x->v, i - x->v, "RFC 3461 4.2",
		    "address type is usually rfc822");
	if (i + 1 == x->vend) {
		diag(p, DIAG_ERROR, i, 1, "RFC 3461 4.2",
		    "ORCPT= has no address after ';'");
		return -1;
	}
	if (i - x->v == 5 && strncasecmp(p->s + x->v, "utf-8", 5) == 0) {
		/* RFC 6533 3: utf-8-addr-unitext may carry UTF-8 as it is
		 * (valid only with SMTPUTF8, see check_utf8_use()); the
		 * ASCII octets follow the xtext rules. */
		for (j = i + 1; j < x->vend; j = k) {
			for (k = j; k < x->vend &&
			    (unsigned char)p->s[k] < 0x80; k++)
				continue;
			if (k > j && parse_xtext(p, j, k, "RFC 3461 4.2") < 0)
				return -1;
			while (k < x->vend && (unsigned char)p->s[k] >= 0x80)
				k++;
		}
	} else if (parse_xtext(p, i + 1, x->vend, "RFC 3461 4.2") < 0)
		return -1;
	/* RFC 3461 5.1 (b): a value that is not valid gets 501. */
	if (x->vend - x->k > 500)
		diag_reply(p, DIAG_WARNING, 501, "5.5.4", x->k, x->vend - x->k,
		    "RFC 3461 4.2",
		    "ORCPT parameter of %zu characters; at most 500 are "
		    "allowed", x->vend - x->k);
	p->extra += x->vend - x->k + 1;
	return 0;
}

/*
 * RFC 5321 4.1.2:
 *	esmtp-param   = esmtp-keyword ["=" esmtp-value]
 *	esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
 *	esmtp-value   = 1*(%d33-60 / %d62-126)
 * then the checks of the parameter's own extension.  Returns 0, or -1
 * when the rest of the line cannot be trusted.
 */
static int
parse_esmtp_param(struct parser *p)
{
	struct param_ctx x;
	const struct param_info *pi = NULL;
	struct verbs_param *vp;
	size_t	 i, klen;
	unsigned on = p->verb->id == VERB_RCPT ? ON_RCPT : ON_MAIL;
	int	 c, has_value = 0;

	x.k = p->pos;
	if (p->pos < p->len && (is_alpha(p->s[p->pos]) ||
	    is_digit(p->s[p->pos]))) {
		while (p->pos < p->len && (is_alpha(p->s[p->pos]) ||
		    is_digit(p->s[p->pos]) || p->s[p->pos] == '-'))
			p->pos++;
	}
	klen = p->pos - x.k;
	if (klen == 0 || (p->pos < p->len && p->s[p->pos] != '=' &&
	    p->s[p->pos] != ' ')) {
		diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
		    "a parameter is KEYWORD or KEYWORD=VALUE (letters, "
		    "digits, '-')");
		p->pos = word_end(p, p->pos);
		return 0;
	}
	x.v = x.vend = p->pos;
	if (p->pos < p->len && p->s[p->pos] == '=') {
		has_value = 1;
		x.v = ++p->pos;
		while (p->pos < p->len && p->s[p->pos] != ' ') {
			c = (unsigned char)p->s[p->pos];
			if (c >= 0x80) {
				/* RFC 6531 3.3: esmtp-value =/ UTF8-non-ascii,
				 * with SMTPUTF8 (check_utf8_use()). */
				if (take_utf8(p) < 0) {
					p->pos = word_end(p, p->pos);
					return 0;
				}
				continue;
			}
			if (c < 33 || c > 126 || c == '=') {
				diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
				    c == '=' ? "'=' is not allowed in a "
				    "parameter value" : "parameter values are "
				    "printable ASCII (use xtext)");
				p->pos = word_end(p, p->pos);
				return 0;
			}
			p->pos++;
		}
		x.vend = p->pos;
		if (x.vend == x.v) {
			diag(p, DIAG_ERROR, x.v - 1, 1, "RFC 5321 4.1.2",
			    "'=' with no value after it");
			return 0;
		}
	}

	for (i = 0; i < NPARAMS; i++)
		if (strlen(params[i].name) == klen &&
		    strncasecmp(params[i].name, p->s + x.k, klen) == 0)
			pi = &params[i];
	if (p->cmd->nparams < VERBS_PARAMS_MAX) {
		vp = &p->cmd->params[p->cmd->nparams++];
		vp->id = pi != NULL ? pi->id : VERBS_PARAM_OTHER;
		vp->name.off = x.k;
		vp->name.len = klen;
		vp->value.off = x.v;
		vp->value.len = x.vend - x.v;
		vp->has_value = has_value;
	}
	if (pi == NULL) {
		/* An extension smtpscope does not know may define it. */
		if (p->caps != NULL && p->caps->ehlo &&
		    caps_findn(p->caps, p->s + x.k, klen) != NULL &&
		    !known_keyword(p->s + x.k, klen))
			return 0;
		/* RFC 5321 4.1.1.11: 555, parameter not recognised. */
		diag_reply(p, DIAG_WARNING, 555, "5.5.4", x.k, p->pos - x.k,
		    "RFC 5321 4.1.1.11",
		    "unknown parameter %.*s: send it only if the server "
		    "advertised its extension", (int)klen, p->s + x.k);
		return 0;
	}
	if (!(pi->on & on)) {
		/* RFC 5321 4.1.1.11: not recognised for this command. */
		diag_reply(p, DIAG_ERROR, 555, "5.5.4", x.k, p->pos - x.k,
		    pi->rfc, "%s is a parameter of %s, not of %s", pi->name,
		    pi->on == ON_MAIL ? "MAIL" : "RCPT", p->verb->name);
		return 0;
	}
	if (p->seen & (1u << (pi - params))) {
		/* RFC 3461 4.5 and 5.1: 501 for a DSN parameter given
		 * twice; the same syntax error for the others. */
		diag(p, DIAG_ERROR, x.k, p->pos - x.k, pi->once,
		    "%s given twice; it may appear only once", pi->name);
		return 0;
	}
	p->seen |= 1u << (pi - params);
	if (pi->value && !has_value) {
		diag(p, DIAG_ERROR, x.k, klen, pi->rfc,
		    "%s needs a value: %s=...", pi->name, pi->name);
		return 0;
	}
	if (!pi->value && has_value) {
		diag(p, DIAG_ERROR, x.v - 1, x.vend - x.v + 1, pi->rfc,
		    "%s takes no value", pi->name);
		return 0;
	}
	if (pi->cap == CAP_SMTPUTF8)
		p->smtputf8 = p->cmd->smtputf8 = 1;
	p->extra += pi->extra;
	if (pi->check != NULL && pi->check(p, &x) < 0)
		return 0;
	/* RFC 5321 4.1.1.11: a server that does not offer the extension
	 * answers 555 (BODY=BINARYMIME: said by param_body()). */
	if (!verbs_param_advertised(p->caps, pi->id, p->s + x.v,
	    x.vend - x.v) && !(pi->id == VERBS_PARAM_BODY &&
	    value_is(p, &x, "BINARYMIME")))
		diag_reply(p, DIAG_WARNING, 555, "5.5.4", x.k, p->pos - x.k,
		    pi->rfc, "the server did not advertise %s", pi->ext);
	return 0;
}

/*
 * An EHLO keyword whose parameters (if any) this grammar knows: the
 * extensions of the table above, of the verb table, and those that
 * define no parameter at all.  A parameter of that name is unknown even
 * when the server advertised the keyword.
 */
static int
known_keyword(const char *k, size_t n)
{
	static const char *const flags[] = { "PIPELINING", "BINARYMIME",
	    "ENHANCEDSTATUSCODES", "HELP" };
	size_t	 i;

	for (i = 0; i < NPARAMS; i++)
		if (strlen(params[i].ext) == n &&
		    strncasecmp(params[i].ext, k, n) == 0)
			return 1;
	for (i = 0; i < NVERBS; i++)
		if (verb_table[i].extension != NULL &&
		    strlen(verb_table[i].extension) == n &&
		    strncasecmp(verb_table[i].extension, k, n) == 0)
			return 1;
	for (i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (strlen(flags[i]) == n && strncasecmp(flags[i], k, n) == 0)
			return 1;
	return 0;
}

/*
 * RFC 5321 4.1.2:
 *	Mail-parameters = esmtp-param *(SP esmtp-param)
 *	Rcpt-parameters = esmtp-param *(SP esmtp-param)
 */
static void
parse_params(struct parser *p)
{
	while (p->pos < p->len) {
		if (p->s[p->pos] != ' ') {
			diag(p, DIAG_ERROR, p->pos, 1, "RFC 5321 4.1.2",
			    "expected a space before the next parameter");
			return;
		}
		if (expect_sp(p, "a parameter") < 0)
			return;
		if (parse_esmtp_param(p) < 0)
			return;
	}
}

/*
 * After the whole command: non-ASCII in an address needs SMTPUTF8 on
 * MAIL (RFC 6531 3.4); on RCPT and other commands it is only valid in a
 * transaction that was started with it.
 */
static void
check_utf8_use(struct parser *p)
{
	if (p->utf8_col == SIZE_MAX || p->smtputf8)
		return;
	/* RFC 6531 3.5: 550 for MAIL, 553 for RCPT, both X.6.7. */
	if (p->verb->id == VERB_MAIL)
		diag_reply(p, DIAG_ERROR, 550, "5.6.7", p->utf8_col, p->utf8_n,
		    "RFC 6531 3.4", "non-ASCII text in an address or a "
		    "parameter needs the SMTPUTF8 parameter");
	else if (!(p->flags & VERBS_SMTPUTF8_TXN))
		diag_reply(p, DIAG_WARNING, p->verb->id == VERB_RCPT ? 553 : 0,
		    "5.6.7", p->utf8_col, p->utf8_n, "RFC 6531 3.4",
		    "non-ASCII text is valid only with SMTPUTF8, in a "
		    "transaction started with MAIL ... SMTPUTF8");
}

/* ------------------------------------------------------------------ */
/* The commands.                                                      */

/* DATA, RSET, QUIT, STARTTLS (RFC 3207 4), TURN: no argument at all. */
static void
check_no_args(struct parser *p)
{
	size_t	 i = p->pos;

	if (i >= p->len)
		return;
	while (i < p->len && p->s[i] == ' ')
		i++;
	diag(p, DIAG_ERROR, i, p->len - i, p->verb->rfc,
	    "%s takes no arguments", p->verb->name);
}

/* An argument was read: line[start .. p->pos). */
static void
arg_found(struct parser *p, struct verbs_span *sp, size_t start)
{
	sp->off = start;
	sp->len = p->pos - start;
}

/* RFC 5321 4.1.1.1: helo = "HELO" SP Domain CRLF */
static void
check_helo(struct parser *p)
{
	size_t	 start;

	if (expect_sp(p, "the client's domain name") < 0)
		return;
	start = p->pos;
	if (p->s[p->pos] == '[') {
		if (parse_address_literal(p) < 0)
			return;
		diag(p, DIAG_WARNING, start, p->pos - start, "RFC 5321 4.1.1.1",
		    "HELO takes a domain name; address literals are for EHLO");
	} else if (parse_domain(p) < 0)
		return;
	arg_found(p, &p->cmd->arg, start);
	check_utf8_use(p);
	expect_end(p, "the domain");
}

/* RFC 5321 4.1.1.1: ehlo = "EHLO" SP ( Domain / address-literal ) CRLF */
static void
check_ehlo(struct parser *p)
{
	size_t	 start;

	if (expect_sp(p, "the client's domain name or address literal") < 0)
		return;
	start = p->pos;
	if (parse_domain_or_literal(p) < 0)
		return;
	arg_found(p, &p->cmd->arg, start);
	check_utf8_use(p);
	expect_end(p, "the domain");
}

/*
 * "FROM:" or "TO:", any case (RFC 5321 2.4), then the path with no space
 * after the colon.
 */
static int
parse_path_intro(struct parser *p, const char *word)
{
	size_t	 n = strlen(word), start = p->pos, i;

	if (expect_sp(p, word) < 0)
		return -1;
	start = p->pos;
	if (p->len - p->pos >= n && strncasecmp(p->s + p->pos, word, n) == 0) {
		p->pos += n;
		if (p->pos < p->len && p->s[p->pos] == ':') {
			p->pos++;
		} else {
			for (i = p->pos; i < p->len && p->s[i] == ' '; i++)
				continue;
			if (i < p->len && i > p->pos && p->s[i] == ':')
				diag(p, DIAG_ERROR, p->pos, i - p->pos,
				    p->verb->rfc,
				    "no space is allowed before the colon");
			else
				diag(p, DIAG_ERROR, p->pos, 1, p->verb->rfc,
				    "%s must be followed by ':'", word);
			return -1;
		}
	} else {
		diag(p, DIAG_ERROR, start, word_end(p, start) - start,
		    p->verb->rfc, "expected %s: before the address", word);
		return -1;
	}
	start = p->pos;
	while (p->pos < p->len && p->s[p->pos] == ' ')
		p->pos++;
	if (p->pos > start)
		diag(p, DIAG_WARNING, start, p->pos - start, p->verb->rfc,
		    "space after the colon: many servers accept it, the RFC "
		    "does not");
	return 0;
}

/*
 * RFC 5321 4.1.1.2:
 *	mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
 * SEND, SOML and SAML (RFC 821) had the same argument.
 */
static void
check_mail(struct parser *p)
{
	if (parse_path_intro(p, "FROM") < 0)
		return;
	if (parse_path(p, 1) < 0)
		return;
	parse_params(p);
	check_utf8_use(p);
}

/*
 * RFC 5321 4.1.1.3:
 *	rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" /
 *	       Forward-path ) [SP Rcpt-parameters] CRLF
 */
static void
check_rcpt(struct parser *p)
{
	if (parse_path_intro(p, "TO") < 0)
		return;
	if (parse_path(p, 0) < 0)
		return;
	parse_params(p);
	check_utf8_use(p);
}

/*
 * RFC 5321 4.1.2: String = Atom / Quoted-string.  Servers commonly take
 * a mailbox as well (VRFY user@example.org), so a Dot-string with an
 * optional "@" Domain, or a <path>, is accepted too.  Returns 0 when the
 * argument was read, 1 when it is not such a string, -1 after an error.
 */
static int
parse_string(struct parser *p)
{
	int	 r;

	if (p->s[p->pos] == '<') {
		if (parse_path(p, 0) < 0)
			return -1;
		return 0;
	}
	r = parse_local_part(p);
	if (r != 0)
		return r;
	if (p->pos < p->len && p->s[p->pos] == '@') {
		p->pos++;
		if (p->pos < p->len && p->s[p->pos] == '[')
			return parse_address_literal(p);
		return parse_domain(p);
	}
	return 0;
}

/* RFC 5321 4.1.1.6-7: vrfy = "VRFY" SP String CRLF (EXPN alike). */
static void
check_string_arg(struct parser *p)
{
	size_t	 start;
	int	 r;

	if (expect_sp(p, "the user name or mailbox") < 0)
		return;
	start = p->pos;
	r = parse_string(p);
	if (r < 0)
		return;
	arg_found(p, &p->cmd->arg, start);
	check_utf8_use(p);
	if (r == 1 || p->pos < p->len)
		diag(p, DIAG_WARNING, p->pos, p->len - p->pos,
		    "RFC 5321 4.1.2",
		    "%s takes one String: an atom or a quoted string",
		    p->verb->name);
}

/* RFC 5321 4.1.1.8-9: "HELP" [ SP String ], "NOOP" [ SP String ]. */
static void
check_opt_string(struct parser *p)
{
	size_t	 start;
	int	 r;

	if (p->pos >= p->len)
		return;
	if (expect_sp(p, "the argument") < 0)
		return;
	p->free_text = 1;
	start = p->pos;
	r = parse_string(p);
	if (r < 0)
		return;
	arg_found(p, &p->cmd->arg, start);
	if (r == 1 || p->pos < p->len)
		diag(p, DIAG_WARNING, p->pos, p->len - p->pos,
		    "RFC 5321 4.1.2",
		    "%s takes at most one String: an atom or a quoted string",
		    p->verb->name);
}

/*
 * RFC 3030 2:
 *	bdat-cmd   ::= "BDAT" SP chunk-size [ SP end-marker ] CR LF
 *	chunk-size ::= 1*DIGIT
 *	end-marker ::= "LAST"
 */
static void
check_bdat(struct parser *p)
{
	size_t	 start;

	if (expect_sp(p, "the chunk size in octets") < 0)
		return;
	start = p->pos;
	while (p->pos < p->len && is_digit(p->s[p->pos]))
		p->pos++;
	if (p->pos == start || (p->pos < p->len && p->s[p->pos] != ' ')) {
		diag(p, DIAG_ERROR, start, word_end(p, start) - start,
		    "RFC 3030 2", "the chunk size is a decimal number of octets");
		return;
	}
	arg_found(p, &p->cmd->arg, start);
	p->cmd->chunk = decimal(p->s + start, p->pos - start);
	/* RFC 1870 6.1 (2), RFC 3030 2: a chunk larger than the message
	 * may be. */
	if (p->caps != NULL && p->caps->ehlo && p->caps->size &&
	    p->caps->size_max > 0 && p->cmd->chunk > p->caps->size_max)
		diag_reply(p, DIAG_WARNING, 552, "5.3.4", start, p->pos - start,
		    "RFC 1870 6.1", "a chunk larger than the %lu octets the "
		    "server accepts", p->caps->size_max);
	if (p->pos == p->len) {
		if (p->pos - start == 1 && p->s[start] == '0')
			diag(p, DIAG_HINT, start, 1, "RFC 3030 2",
			    "an empty chunk is only useful as BDAT 0 LAST");
		return;
	}
	if (expect_sp(p, "LAST") < 0)
		return;
	if (p->len - p->pos >= 4 && strncasecmp(p->s + p->pos, "LAST", 4) == 0 &&
	    word_end(p, p->pos) == p->pos + 4) {
		start = p->pos;
		p->pos += 4;
		arg_found(p, &p->cmd->arg2, start);
		p->cmd->last = 1;
		expect_end(p, "LAST");
		return;
	}
	diag(p, DIAG_ERROR, p->pos, p->len - p->pos, "RFC 3030 2",
	    "only LAST may follow the chunk size");
}

/*
 * RFC 4954 4 and 8:
 *	auth-command     = "AUTH" SP sasl-mech [SP initial-response] ...
 *	initial-response = base64 / "="
 * RFC 4422 3.1: a mechanism name is 1 to 20 upper-case letters, digits,
 * '-' and '_'.  Whether the server offers the mechanism is the order
 * checker's question (session.c), not the grammar's.
 */
static void
check_auth(struct parser *p)
{
	size_t	 m, i, n, pad;
	int	 lower = 0, c;

	if (expect_sp(p, "the SASL mechanism name") < 0)
		return;
	m = p->pos;
	while (p->pos < p->len && p->s[p->pos] != ' ') {
		c = (unsigned char)p->s[p->pos];
		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
			/* RFC 4954 4: an invalid mechanism gets 504 5.5.4. */
			diag_reply(p, DIAG_ERROR, 504, "5.5.4", p->pos, 1,
			    "RFC 4422 3.1", "a SASL mechanism name has "
			    "letters, digits, '-' and '_' only");
			return;
		}
		p->pos++;
	}
	if (p->pos - m > 20) {
		diag_reply(p, DIAG_ERROR, 504, "5.5.4", m, p->pos - m,
		    "RFC 4422 3.1",
		    "a SASL mechanism name has at most 20 characters");
		return;
	}
	arg_found(p, &p->cmd->arg, m);
	if (lower)
		diag(p, DIAG_HINT, m, p->pos - m, "RFC 4422 3.1",
		    "SASL mechanism names are written in upper case");
	if (p->pos >= p->len)
		return;
	if (expect_sp(p, "the initial response") < 0)
		return;
	i = p->pos;
	n = word_end(p, i) - i;
	if (n == 1 && p->s[i] == '=') {
		p->pos++;
		arg_found(p, &p->cmd->arg2, i);
		expect_end(p, "the initial response");
		return;
	}
	/* RFC 4648 4: groups of four, "=" padding only at the end.  RFC
	 * 4954 4: a response that is not base64 gets 501 5.5.2. */
	for (pad = 0; p->pos < i + n; p->pos++) {
		c = (unsigned char)p->s[p->pos];
		if (c == '=' && pad < 2) {
			pad++;
			continue;
		}
		if (pad > 0 || !(is_alpha(c) || is_digit(c) || c == '+' ||
		    c == '/')) {
			diag_reply(p, DIAG_ERROR, 501, "5.5.2", p->pos, 1,
			    "RFC 4954 4", "the initial response is base64 "
			    "(or \"=\" when empty)");
			return;
		}
	}
	if (n % 4 != 0) {
		diag_reply(p, DIAG_ERROR, 501, "5.5.2", i, n, "RFC 4954 4",
		    "base64 comes in groups of four characters; padding "
		    "with '=' is missing");
		return;
	}
	arg_found(p, &p->cmd->arg2, i);
	expect_end(p, "the initial response");
}

/* RFC 1985 5: "ETRN" SP [ "@" / "#" ] domain-or-queue */
static void
check_etrn(struct parser *p)
{
	size_t	 start, arg;

	if (expect_sp(p, "the domain (or #queue)") < 0)
		return;
	arg = p->pos;
	if (p->s[p->pos] == '#') {
		start = ++p->pos;
		while (p->pos < p->len && (unsigned char)p->s[p->pos] > 32 &&
		    (unsigned char)p->s[p->pos] < 127)
			p->pos++;
		if (p->pos == start) {
			diag(p, DIAG_ERROR, start, 1, "RFC 1985 5",
			    "missing queue name after '#'");
			return;
		}
	} else {
		if (p->s[p->pos] == '@')
			p->pos++;
		if (parse_domain(p) < 0)
			return;
	}
	arg_found(p, &p->cmd->arg, arg);
	expect_end(p, "the domain");
}

/* RFC 2645 4: "ATRN" [SP domain *("," domain)] */
static void
check_atrn(struct parser *p)
{
	size_t	 start;

	if (p->pos >= p->len)
		return;
	if (expect_sp(p, "the domains") < 0)
		return;
	start = p->pos;
	for (;;) {
		if (parse_domain(p) < 0)
			return;
		if (p->pos < p->len && p->s[p->pos] == ',')
			p->pos++;
		else
			break;
	}
	arg_found(p, &p->cmd->arg, start);
	expect_end(p, "the domains");
}

/* RFC 4468 3: "BURL" SP absolute-URI [SP end-marker] */
static void
check_burl(struct parser *p)
{
	size_t	 start, e, i;

	if (expect_sp(p, "the URL") < 0)
		return;
	start = p->pos;
	e = word_end(p, start);
	/* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	for (i = start; i < e && (is_alpha(p->s[i]) || (i > start &&
	    (is_digit(p->s[i]) || p->s[i] == '+' || p->s[i] == '-' ||
	    p->s[i] == '.'))); i++)
		continue;
	if (i == start || i >= e || p->s[i] != ':') {
		diag(p, DIAG_ERROR, start, e - start, "RFC 4468 3",
		    "BURL takes an absolute URL such as imap://...");
		return;
	}
	p->pos = e;
	arg_found(p, &p->cmd->arg, start);
	if (p->pos >= p->len)
		return;
	if (expect_sp(p, "LAST") < 0)
		return;
	if (p->len - p->pos == 4 && strncasecmp(p->s + p->pos, "LAST", 4) == 0) {
		start = p->pos;
		p->pos += 4;
		arg_found(p, &p->cmd->arg2, start);
		p->cmd->last = 1;
		return;
	}
	diag(p, DIAG_ERROR, p->pos, p->len - p->pos, "RFC 4468 3",
	    "only LAST may follow the URL");
}

/*
 * RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its CRLF;
 * extensions add to that (RFC 1870 3, RFC 4954 3, RFC 6531 3.2 ...).
 * The AUTH command too: RFC 4954 4 says a client MUST NOT send an initial
 * response that makes it longer, but answer the empty 334 instead (the
 * 12288 octets of RFC 4954 4 are for the lines of that exchange).  Many
 * servers take longer AUTH lines (XOAUTH2 tokens), hence a warning.
 */
static void
check_length(struct parser *p)
{
	size_t	 total = p->total, limit;

	limit = 512 - 2 + p->extra;
	if (total <= limit)
		return;
	if (p->verb != NULL && p->verb->id == VERB_AUTH)
		diag(p, DIAG_WARNING, limit, total - limit, "RFC 4954 4",
		    "AUTH command of %zu octets with CRLF, over the %d of "
		    "RFC 5321: send the mechanism alone and the response "
		    "after the 334", total + 2, 512);
	else	/* RFC 5321 4.5.3.1.9: "500 Line too long" */
		diag_reply(p, DIAG_ERROR, 500, "5.5.2", limit, total - limit,
		    "RFC 5321 4.5.3.1.4",
		    "command line of %zu octets with CRLF; the limit is %zu",
		    total + 2, limit + 2);
}

/* A decimal number of n digits, UINTMAX_MAX when it does not fit. */
static uintmax_t
decimal(const char *s, size_t n)
{
	uintmax_t v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (v > (UINTMAX_MAX - (uintmax_t)(s[i] - '0')) / 10)
			return UINTMAX_MAX;
		v = v * 10 + (uintmax_t)(s[i] - '0');
	}
	return v;
}

static void (*const checkers[VERB_COUNT])(struct parser *) = {
	[VERB_HELO] = check_helo,
	[VERB_EHLO] = check_ehlo,
	[VERB_MAIL] = check_mail,
	[VERB_RCPT] = check_rcpt,
	[VERB_DATA] = check_no_args,
	[VERB_BDAT] = check_bdat,
	[VERB_RSET] = check_no_args,
	[VERB_VRFY] = check_string_arg,
	[VERB_EXPN] = check_string_arg,
	[VERB_HELP] = check_opt_string,
	[VERB_NOOP] = check_opt_string,
	[VERB_QUIT] = check_no_args,
	[VERB_STARTTLS] = check_no_args,
	[VERB_AUTH] = check_auth,
	[VERB_ETRN] = check_etrn,
	[VERB_ATRN] = check_atrn,
	[VERB_BURL] = check_burl,
	[VERB_SEND] = check_mail,
	[VERB_SOML] = check_mail,
	[VERB_SAML] = check_mail,
	[VERB_TURN] = check_no_args,
	[VERB_LHLO] = check_ehlo,
};

/* ------------------------------------------------------------------ */
/* Public functions.                                                  */

const struct verb_info *
verbs_table(size_t *n)
{
	*n = NVERBS;
	return verb_table;
}

int
verbs_in_protocol(const struct verb_info *v, int lmtp)
{
	return v->proto == VERBS_PROTO_ANY ||
	    v->proto == (lmtp ? VERBS_PROTO_LMTP : VERBS_PROTO_SMTP);
}

const struct verb_info *
verbs_get(enum verb_id id)
{
	size_t	 i;

	for (i = 0; i < NVERBS; i++)
		if (verb_table[i].id == id)
			return &verb_table[i];
	return NULL;
}

/* RFC 5321 2.4: verbs are not case sensitive. */
const struct verb_info *
verbs_lookup(const char *name, size_t len)
{
	size_t	 i;

	if (name == NULL)
		return NULL;
	if (len == 0)
		return NULL;
	/* the first letter (ASCII, case folded) and the length first: most
	 * rows differ there */
	for (i = 0; i < NVERBS; i++)
		if ((verb_table[i].name[0] | 0x20) == (name[0] | 0x20) &&
		    strlen(verb_table[i].name) == len &&
		    strncasecmp(verb_table[i].name, name, len) == 0)
			return &verb_table[i];
	return NULL;
}

/*
 * The verb an unknown word was most likely meant to be: at most one
 * edit away (a letter wrong, missing, extra, or two letters swapped:
 * "EHOL" for EHLO), two for words of six letters or more, any case; a
 * current verb of the protocol before any other.  NULL when none is
 * that close.
 */
static const struct verb_info *
verbs_near(const char *w, size_t n, int lmtp)
{
	size_t			 d[VERBS_NEAR_MAX + 2][VERBS_NEAR_MAX + 2];
	size_t			 i, j, k, m, cost, best = SIZE_MAX, limit;
	const struct verb_info	*v, *found = NULL;
	int			 rank, found_rank = 0;

	if (n < 3 || n > VERBS_NEAR_MAX)
		return NULL;
	limit = n >= 6 ? 2 : 1;
	for (k = 0; k < NVERBS; k++) {
		v = &verb_table[k];
		if ((m = strlen(v->name)) > VERBS_NEAR_MAX)
			continue;
		/* optimal string alignment distance */
		for (i = 0; i <= n; i++)
			d[i][0] = i;
		for (j = 0; j <= m; j++)
			d[0][j] = j;
		for (i = 1; i <= n; i++)
			for (j = 1; j <= m; j++) {
				cost = toupper((unsigned char)w[i - 1]) !=
				    v->name[j - 1];
				d[i][j] = d[i - 1][j] + 1;
				if (d[i][j - 1] + 1 < d[i][j])
					d[i][j] = d[i][j - 1] + 1;
				if (d[i - 1][j - 1] + cost < d[i][j])
					d[i][j] = d[i - 1][j - 1] + cost;
				if (i > 1 && j > 1 && toupper((unsigned char)
				    w[i - 1]) == v->name[j - 2] &&
				    toupper((unsigned char)w[i - 2]) ==
				    v->name[j - 1] && d[i - 2][j - 2] + 1 <
				    d[i][j])
					d[i][j] = d[i - 2][j - 2] + 1;
			}
		if (d[n][m] > limit)
			continue;
		rank = !v->obsolete && verbs_in_protocol(v, lmtp) ? 2 : 1;
		if (d[n][m] < best || (d[n][m] == best && rank > found_rank)) {
			best = d[n][m];
			found = v;
			found_rank = rank;
		}
	}
	return found;
}

const struct verb_info *
verbs_identify(const char *line)
{
	size_t	 n = 0;

	if (line == NULL)
		return NULL;
	while (line[n] != '\0' && line[n] != ' ' && line[n] != '\t')
		n++;
	return verbs_lookup(line, n);
}

int
verbs_parse(const char *line, size_t len, const struct caps *caps,
    unsigned flags, struct verbs_cmd *out)
{
	struct parser p;
	const struct verb_info *near;
	size_t	 i, w;
	int	 c;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	p.s = line;
	p.total = p.len = len;
	p.caps = caps;
	p.flags = flags;
	p.cmd = out;
	p.out = &out->diags;
	p.utf8_col = SIZE_MAX;

	if (len == 0) {
		/* RFC 5321 4.2.2, 4.2.4: 500, command unrecognised. */
		diag_reply(&p, DIAG_ERROR, 500, "5.5.2", 0, 1, "RFC 5321 4.1.1",
		    "empty command");
		return out->worst = p.max;
	}
	/* 4.1.1: receivers SHOULD tolerate trailing white space (SP or
	 * HTAB, RFC 5234 B.1 WSP). */
	while (p.len > 0 && (line[p.len - 1] == ' ' || line[p.len - 1] == '\t'))
		p.len--;
	/* The verb: up to the first space (or TAB, which is refused). */
	for (w = 0; w < p.len && line[w] != ' ' && line[w] != '\t'; w++)
		continue;
	/* RFC 5321 4.1.1: commands are printable text ended by CRLF.  A
	 * bad octet in the verb makes it unknown (500); after it, the
	 * arguments are wrong (501). */
	for (i = 0; i < p.len; i++) {
		c = (unsigned char)line[i];
		if (c == '\r' || c == '\n')
			diag_reply(&p, DIAG_ERROR, i < w ? 500 : 501,
			    i < w ? "5.5.2" : "5.5.4", i, 1, "RFC 5321 2.3.8",
			    "line break inside the command (CR and LF only "
			    "end it)");
		else if (c == '\t')
			diag(&p, DIAG_ERROR, i, 1, "RFC 5321 4.1.2",
			    "TAB where the grammar has a space");
		else if (c < 32 || c == 127)
			diag_reply(&p, DIAG_ERROR, i < w ? 500 : 501,
			    i < w ? "5.5.2" : "5.5.4", i, 1, "RFC 5321 4.1.1",
			    "control character 0x%02x in the command", c);
	}
	if (p.len < len)
		diag(&p, DIAG_WARNING, p.len, len - p.len, "RFC 5321 4.1.1",
		    "trailing white space: servers should tolerate it, "
		    "some do not");
	if (p.len == 0) {
		diag_reply(&p, DIAG_ERROR, 500, "5.5.2", 0, len,
		    "RFC 5321 4.1.1", "empty command: only white space");
		return out->worst = p.max;
	}
	if (line[0] == ' ') {
		diag_reply(&p, DIAG_ERROR, 500, "5.5.2", 0, 1, "RFC 5321 4.1.1",
		    "the command starts with a space");
		return out->worst = p.max;
	}
	out->word.len = w;
	p.verb = out->verb = verbs_lookup(line, w);
	if (p.verb == NULL) {
		/* RFC 5321 4.2.4: 500 for a command not recognised; a
		 * private one (4.1.5) too, by servers that do not know it. */
		if (line[0] == 'X' || line[0] == 'x')
			diag_reply(&p, DIAG_WARNING, 500, "5.5.2", 0, w,
			    "RFC 5321 4.1.5", "private-use command: only "
			    "servers that know it will understand it");
		else if (printable(line, w) && (near = verbs_near(line, w,
		    (flags & VERBS_LMTP) != 0)) != NULL)
			diag_reply(&p, DIAG_ERROR, 500, "5.5.2", 0, w,
			    "RFC 5321 4.1.1", "unknown command \"%.*s\": did "
			    "you mean %s?", (int)(w > 40 ? 40 : w), line,
			    near->name);
		else if (printable(line, w))
			diag_reply(&p, DIAG_ERROR, 500, "5.5.2", 0, w,
			    "RFC 5321 4.1.1", "unknown command \"%.*s\"",
			    (int)(w > 40 ? 40 : w), line);
		else	/* never copy control bytes into a message */
			diag_reply(&p, DIAG_ERROR, 500, "5.5.2", 0, w,
			    "RFC 5321 4.1.1", "unknown command");
		check_length(&p);
		return out->worst = p.max;
	}
	/* RFC 5321 4.2.4: 502, command not implemented. */
	if (p.verb->id == VERB_TURN)
		diag_reply(&p, DIAG_WARNING, 502, "5.5.1", 0, w, p.verb->rfc,
		    "TURN is obsolete and insecure: anyone could collect "
		    "another host's mail");
	else if (p.verb->obsolete)
		diag_reply(&p, DIAG_WARNING, 502, "5.5.1", 0, w, p.verb->rfc,
		    "%s is obsolete: RFC 5321 removed it; use MAIL",
		    p.verb->name);
	/* RFC 2033 4.1: LHLO replaces HELO and EHLO, so that a client and
	 * a server speaking different protocols find out at once; each
	 * side answers the other's greeting 500. */
	if (!verbs_in_protocol(p.verb, (flags & VERBS_LMTP) != 0)) {
		if (p.verb->id == VERB_LHLO)
			diag_reply(&p, DIAG_WARNING, 500, "5.5.2", 0, w,
			    "RFC 2033 4.1", "LHLO is the greeting of LMTP, not "
			    "SMTP: an SMTP server does not know it; use EHLO "
			    "(or --lmtp for an LMTP server)");
		else
			diag_reply(&p, DIAG_WARNING, 500, "5.5.2", 0, w,
			    "RFC 2033 4.1", "LMTP has no %s: an LMTP server "
			    "does not know it; use LHLO", p.verb->name);
	}
	p.pos = w;
	checkers[p.verb->id](&p);
	check_length(&p);
	return out->worst = p.max;
}

const struct diag *
verbs_refusal(const struct verbs_cmd *c)
{
	return c->refused ? &c->refusal : NULL;
}

const struct verbs_param *
verbs_param(const struct verbs_cmd *c, enum verbs_param_id id)
{
	size_t	 i;

	for (i = 0; i < c->nparams; i++)
		if (c->params[i].id == id)
			return &c->params[i];
	return NULL;
}

int
verbs_check(const char *line, const struct caps *caps, unsigned flags,
    struct diag_list *out)
{
	struct verbs_cmd c;

	(void)verbs_parse(line, strlen(line), caps, flags, &c);
	*out = c.diags;
	return c.worst;
}

/* Domain or address-literal, as after "@" or in HELO/EHLO. */
static int
parse_domain_or_literal(struct parser *p)
{
	if (p->pos < p->len && p->s[p->pos] == '[')
		return parse_address_literal(p);
	return parse_domain(p);
}

/*
 * The whole of s[0..n) is a Domain or an address literal.  strict: the
 * size limits of RFC 5321 4.5.3.1 count as errors too.
 */
int
verbs_domain_ok(const char *s, size_t n, int strict)
{
	struct verbs_cmd c;
	struct parser	 p;
	size_t		 i;
	int		 ok;

	memset(&c, 0, sizeof c);
	memset(&p, 0, sizeof p);
	p.s = s;
	p.total = p.len = n;
	p.cmd = &c;
	p.out = &c.diags;
	p.utf8_col = SIZE_MAX;
	ok = parse_domain_or_literal(&p) >= 0 && p.pos == n &&
	    p.max < DIAG_ERROR;
	for (i = 0; ok && strict && i < c.diags.n; i++)
		if (strncmp(c.diags.d[i].rfc, "RFC 5321 4.5.3.1", 16) == 0)
			ok = 0;
	return ok;
}

const char *
diag_severity_name(enum diag_severity s)
{
	switch (s) {
	case DIAG_ERROR:	return "error";
	case DIAG_WARNING:	return "warning";
	case DIAG_HINT:		return "hint";
	}
	return "?";
}

static void
caret_fill(size_t pad, size_t width, char *buf, size_t size)
{
	size_t	 k = 0, i;

	if (size == 0)
		return;
	for (i = 0; i < pad && k + 1 < size; i++)
		buf[k++] = ' ';
	if (k + 1 < size)
		buf[k++] = '^';
	for (i = 1; i < width && k + 1 < size; i++)
		buf[k++] = '~';
	buf[k] = '\0';
}

char *
diag_show(const char *line, size_t len, const struct diag *d, int flags,
    size_t width, char *buf, size_t size)
{
	char	*shown;
	size_t	 col, cols;

	if ((shown = sanitize_shorten(line, len, d->column,
	    d->length, width, flags, &col, &cols)) == NULL) {
		if (size > 0)
			buf[0] = '\0';
		return NULL;
	}
	caret_fill(col, cols, buf, size);
	return shown;
}
