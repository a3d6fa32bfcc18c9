/*
 * verbs.h -- the SMTP verb table and the one command grammar.
 *
 * The table holds every verb with its syntax, RFC section, enabling
 * extension, the session states where it is valid and a help paragraph.
 * The grammar parses a command line against the RFC 5321 4.1 ABNF and
 * the parameters of the service extensions: it returns the parsed command
 * and each problem with its severity, column, RFC section and the reply a
 * server gives for it.  The console and `lint` check typed lines with it;
 * the practice server answers from it.  Nothing here prints.
 */
#ifndef SMTPSCOPE_VERBS_H
#define SMTPSCOPE_VERBS_H

#include <stddef.h>
#include <stdint.h>
#include "caps.h"
#include "state.h"

enum verb_id {
	VERB_UNKNOWN = 0,
	VERB_HELO, VERB_EHLO, VERB_MAIL, VERB_RCPT, VERB_DATA, VERB_BDAT,
	VERB_RSET, VERB_VRFY, VERB_EXPN, VERB_HELP, VERB_NOOP, VERB_QUIT,
	VERB_STARTTLS, VERB_AUTH, VERB_ETRN, VERB_ATRN, VERB_BURL,
	VERB_SEND, VERB_SOML, VERB_SAML, VERB_TURN, VERB_LHLO,
	VERB_COUNT
};

struct verb_info {
	enum verb_id	 id;
	const char	*name;		/* upper case, e.g. "MAIL" */
	const char	*syntax;	/* e.g. "MAIL FROM:<reverse-path> [SP mail-parameters]" */
	const char	*rfc;		/* e.g. "RFC 5321 4.1.1.2" */
	const char	*extension;	/* EHLO keyword that enables it, NULL for base SMTP */
	unsigned	 states;	/* STATE_BIT() mask of states where it is valid */
	int		 obsolete;	/* 1 for SEND, SOML, SAML, TURN ... */
	const char	*help;		/* one paragraph */
	/* The protocol that has it: LHLO is LMTP's, HELO and EHLO are
	 * SMTP's (RFC 2033 4.1); the rest are both (VERBS_PROTO_ANY). */
	int		 proto;
};

enum { VERBS_PROTO_ANY = 0, VERBS_PROTO_SMTP, VERBS_PROTO_LMTP };

/* 1 when verb v belongs to the protocol spoken: LMTP (lmtp set, RFC
 * 2033) or SMTP. */
int verbs_in_protocol(const struct verb_info *v, int lmtp);

/* Verb named by the first word of line (case-insensitive); NULL if none. */
const struct verb_info *verbs_identify(const char *line);
/* Verb by id or by name (case-insensitive); NULL when unknown. */
const struct verb_info *verbs_get(enum verb_id);
const struct verb_info *verbs_lookup(const char *name, size_t len);
const struct verb_info *verbs_table(size_t *n);

enum diag_severity { DIAG_HINT = 1, DIAG_WARNING = 2, DIAG_ERROR = 3 };

struct diag {
	enum diag_severity severity;
	size_t		 column;	/* 0-based byte offset into the line */
	size_t		 length;	/* bytes of the offending text (>= 1) */
	char		 msg[160];	/* one sentence, printable ASCII */
	const char	*rfc;		/* e.g. "RFC 5321 4.1.2" */
	/*
	 * The reply a server gives for this problem: 501 and "5.5.4" for a
	 * syntax error in the arguments (RFC 5321 4.2.2), 500 "5.5.2" for an
	 * unknown command, 555 "5.5.4" for a parameter not recognised (RFC
	 * 5321 4.1.1.11), 504 "5.5.4" for a bad SASL mechanism (RFC 4954 4),
	 * 552 "5.3.4" for SIZE over the limit (RFC 1870 6.1) ...  Every
	 * error has one.  A warning has one when a server that applies the
	 * rule refuses the command (a limit of RFC 5321 4.5.3.1, a parameter
	 * of an extension the server did not advertise, a private or
	 * obsolete verb); reply 0 means servers take the command.
	 */
	int		 reply;
	const char	*esc;		/* its enhanced status code, NULL when 0 */
};

#define DIAG_MAX 16
struct diag_list {
	size_t		n;
	struct diag	d[DIAG_MAX];
};

/* The ESMTP parameters the grammar knows (RFC 5321 4.1.2 esmtp-param). */
enum verbs_param_id {
	VERBS_PARAM_OTHER = 0,		/* well-formed, of no known extension */
	VERBS_PARAM_SIZE,		/* RFC 1870 */
	VERBS_PARAM_BODY,		/* RFC 6152, RFC 3030 */
	VERBS_PARAM_SMTPUTF8,		/* RFC 6531 */
	VERBS_PARAM_RET,		/* RFC 3461 */
	VERBS_PARAM_ENVID,		/* RFC 3461 */
	VERBS_PARAM_AUTH,		/* RFC 4954 5 */
	VERBS_PARAM_REQUIRETLS,		/* RFC 8689 */
	VERBS_PARAM_NOTIFY,		/* RFC 3461 */
	VERBS_PARAM_ORCPT,		/* RFC 3461 */
	VERBS_PARAM_COUNT
};

/* BODY= (RFC 6152 3, RFC 3030 3). */
enum verbs_body {
	VERBS_BODY_NONE = 0, VERBS_BODY_7BIT, VERBS_BODY_8BITMIME,
	VERBS_BODY_BINARYMIME
};

/* Part of the line: line[off .. off + len). */
struct verbs_span {
	size_t	 off;
	size_t	 len;
};

struct verbs_param {
	enum verbs_param_id	 id;
	struct verbs_span	 name;		/* the keyword as written */
	struct verbs_span	 value;		/* after "=", len 0 when none */
	int			 has_value;	/* "=" was given */
};

#define VERBS_PARAMS_MAX 16

/*
 * One command line, parsed.  Spans point into the line given to
 * verbs_parse(); fields a verb does not have stay zero.
 */
struct verbs_cmd {
	const struct verb_info	*verb;		/* NULL: not in the verb table */
	struct verbs_span	 word;		/* the verb as typed */
	/* MAIL, RCPT (and SEND, SOML, SAML): the path, "<...>" with its
	 * brackets, and the Mailbox in it without any source route (len 0
	 * for the null path <>; "Postmaster" for RCPT TO:<Postmaster>). */
	struct verbs_span	 path;
	struct verbs_span	 mailbox;
	/* HELO/EHLO/ETRN/ATRN: the domain (or literal, or list); VRFY,
	 * EXPN, HELP, NOOP: the string; AUTH: the mechanism; BDAT: the
	 * chunk size; BURL: the URL. */
	struct verbs_span	 arg;
	/* AUTH: the initial response; BDAT, BURL: "LAST". */
	struct verbs_span	 arg2;
	uintmax_t		 chunk;		/* BDAT size (UINTMAX_MAX when larger) */
	int			 last;		/* BDAT/BURL ... LAST */
	size_t			 nparams;
	struct verbs_param	 params[VERBS_PARAMS_MAX];
	/* The values of the known parameters given, read once. */
	uintmax_t		 size;		/* SIZE= (UINTMAX_MAX when larger;
						   0 when not given) */
	enum verbs_body		 body;
	int			 smtputf8;	/* the SMTPUTF8 parameter */
	struct diag_list	 diags;		/* in the order found */
	int			 worst;		/* highest severity, 0 when clean */
	/* The problem a server answers: of those with a reply, the one
	 * furthest to the left (a server reads from the left); it is kept
	 * even when the list above is full. */
	struct diag		 refusal;
	int			 refused;
};

/* verbs_parse() flags */
enum {
	/* The transaction was started with MAIL ... SMTPUTF8 (RFC 6531 3.4):
	 * non-ASCII addresses in RCPT are fine.  Without it the checker
	 * warns and predicts 553 5.6.7 (RFC 6531 3.5). */
	VERBS_SMTPUTF8_TXN = 1 << 0,
	/* The dialogue is LMTP (RFC 2033 4.1): LHLO is its greeting, and
	 * an LMTP server answers HELO and EHLO with 500.  Without it LHLO
	 * is warned about with the 500 an SMTP server gives. */
	VERBS_LMTP = 1 << 1,
};

/*
 * Parse one command line (without CRLF; it may hold NUL octets) against
 * the RFC 5321 4.1 ABNF and the parameters of the service extensions.
 * caps, when not NULL and caps->ehlo, is what the server advertised:
 * parameters of extensions it did not advertise, or SIZE over its limit,
 * are warned about with the reply such a server gives.  Fills out;
 * returns out->worst.
 */
int verbs_parse(const char *line, size_t len, const struct caps *caps,
    unsigned flags, struct verbs_cmd *out);

/* The problem a server answers with its reply, or NULL when a server
 * takes the command as it is (clean, hints, tolerated warnings).  Never
 * NULL for a line with an error or without a verb of the table. */
const struct diag *verbs_refusal(const struct verbs_cmd *);

/* The parameter with that id, or NULL when it was not given. */
const struct verbs_param *verbs_param(const struct verbs_cmd *,
    enum verbs_param_id);

/*
 * 1 when the server whose EHLO reply is in caps advertised the extension
 * parameter id belongs to, for value[0..vlen) (BODY=BINARYMIME needs
 * BINARYMIME and CHUNKING, RFC 3030 3; the other values need their
 * parameter's extension alone), or when caps holds no EHLO reply; else
 * 0.  What the grammar warns about, and what completion offers.
 */
int verbs_param_advertised(const struct caps *caps, enum verbs_param_id id,
    const char *value, size_t vlen);

/*
 * verbs_parse() of a C string with flags, keeping only the diagnostics
 * (the console's check).  Returns the highest severity found (0 when
 * clean).
 */
int verbs_check(const char *line, const struct caps *caps, unsigned flags,
    struct diag_list *out);

const char *diag_severity_name(enum diag_severity);

/*
 * 1 when s[0..n) is, as a whole, a Domain or an address literal of RFC
 * 5321 4.1.2-4.1.3 (U-labels allowed, RFC 6531 3.3).  strict: the size
 * limits of RFC 5321 4.5.3.1 count as errors too.
 */
int verbs_domain_ok(const char *s, size_t n, int strict);

/*
 * How a front end shows diagnostic d of the checked line (len octets, NUL
 * octets shown as "\x00"): the line as
 * sanitize_shorten() gives it (flags as sanitize(); at most width display
 * columns, SIZE_MAX for the whole line), shortened around the problem,
 * and in buf the caret line under it ("      ^~~~": columns count what
 * is shown, an escaped byte as wide as its escape, e.g. 4 for "\x1b").
 * Returns the line to show (the caller frees), or NULL when out of
 * memory.
 */
char *diag_show(const char *line, size_t len, const struct diag *d,
    int flags, size_t width, char *buf, size_t size);

#endif
