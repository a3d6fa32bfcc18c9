/*
 * verbs.h -- the SMTP verb table and the command syntax checker.
 *
 * The table holds every verb with its syntax, RFC section, enabling
 * extension, the session states where it is valid and a help paragraph.
 * The checker parses a command line against the RFC 5321 4.1 ABNF and
 * the parameters of the service extensions, and reports diagnostics with
 * severity, column and RFC section.  Nothing here prints.
 */
#ifndef SMTPSCOPE_VERBS_H
#define SMTPSCOPE_VERBS_H

#include <stddef.h>
#include "caps.h"
#include "state.h"

enum verb_id {
	VERB_UNKNOWN = 0,
	VERB_HELO, VERB_EHLO, VERB_MAIL, VERB_RCPT, VERB_DATA, VERB_BDAT,
	VERB_RSET, VERB_VRFY, VERB_EXPN, VERB_HELP, VERB_NOOP, VERB_QUIT,
	VERB_STARTTLS, VERB_AUTH, VERB_ETRN, VERB_ATRN, VERB_BURL,
	VERB_SEND, VERB_SOML, VERB_SAML, VERB_TURN,
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
};

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
	char		 msg[160];	/* one sentence */
	const char	*rfc;		/* e.g. "RFC 5321 4.1.2" or NULL */
};

#define DIAG_MAX 16
struct diag_list {
	size_t		n;
	struct diag	d[DIAG_MAX];
};

/*
 * Check one command line (without CRLF).  caps, when not NULL, is what the
 * server advertised: parameters it did not advertise are warned about.
 * Fills out; returns the highest severity found (0 when clean).
 */
int verbs_check(const char *line, const struct caps *caps,
    struct diag_list *out);

const char *diag_severity_name(enum diag_severity);

/*
 * The checker's grammar for one address, for the practice server: 1 when
 * s[0..n) is a Mailbox (RFC 5321 4.1.2; well-formed UTF-8 allowed, RFC
 * 6531 3.3: whether SMTPUTF8 permits it is the caller's question), or a
 * Domain or address-literal (4.1.2, 4.1.3).  strict: the size limits of
 * RFC 5321 4.5.3.1 (a local part over 64 octets) count as errors too.
 */
int verbs_mailbox_ok(const char *s, size_t n, int strict);
int verbs_domain_ok(const char *s, size_t n, int strict);

/* Writes the caret line for d ("      ^~~~") into buf. */
void diag_caret(const struct diag *d, char *buf, size_t size);

/*
 * Same, for showing under sanitize(line, strlen(line), flags) of the
 * checked line: columns count displayed characters (a UTF-8 character is
 * one column, an escaped byte as wide as its escape, e.g. 4 for "\x1b"),
 * not bytes.
 */
void diag_caret_for(const char *line, const struct diag *d, int flags,
    char *buf, size_t size);

#endif
