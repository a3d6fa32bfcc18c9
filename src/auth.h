/*
 * auth.h -- the client side of SMTP AUTH (RFC 4954): one SASL exchange
 * at a time, and the words that explain each of its steps.
 *
 * GNU SASL runs PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1 and SCRAM-SHA-256
 * (and their -PLUS variants with TLS channel binding); XOAUTH2 and
 * OAUTHBEARER (RFC 7628) are string formats built here.  Base64 is
 * base64.c's (OpenSSL).  Nothing here prints or touches a socket: the
 * engine hands over each 334 challenge and sends the line it gets back.
 * Secrets are wiped (OPENSSL_cleanse) when no longer needed.
 */
#ifndef SMTPSCOPE_AUTH_H
#define SMTPSCOPE_AUTH_H

#include <stddef.h>

/* The practice server's account (smtpscope practice, smtpscope serve). */
#define AUTH_PRACTICE_USER	"student"
#define AUTH_PRACTICE_PASSWORD	"practice"

/* What a mechanism needs from the user. */
enum auth_need {
	AUTH_NEED_PASSWORD,	/* SMTPSCOPE_PASSWORD, a file, or a prompt */
	AUTH_NEED_TOKEN,	/* an OAuth 2.0 bearer token: SMTPSCOPE_TOKEN */
};

/* A mechanism this module can run, and what it proves. */
struct auth_mech {
	const char	*name;		/* "SCRAM-SHA-256-PLUS" */
	enum auth_need	 need;
	int		 plus;		/* needs TLS channel binding */
	int		 client_first;	/* the client speaks first: the
					   initial response goes on the AUTH
					   line (RFC 4954 4) */
	const char	*rfc;
	const char	*proves;	/* what the client proves, and how */
	const char	*back;		/* what the server proves back */
};

/* The table, in the order a client would prefer them (strongest first). */
const struct auth_mech *auth_mechs(size_t *n);
/* The row for name (any case), or NULL when it is not one we run. */
const struct auth_mech *auth_mech_lookup(const char *name);

/* Channel binding data from the TLS layer (tls_channel_binding()). */
struct auth_binding {
	const char		*type;	/* "tls-exporter" or "tls-unique" */
	const unsigned char	*data;
	size_t			 len;
};

struct auth_opts {
	const char		*mech;		/* a name auth_mech_lookup() knows */
	const char		*user;		/* authentication identity */
	const char		*secret;	/* password, or token */
	const char		*host;		/* OAUTHBEARER host= (or NULL) */
	const char		*port;		/* OAUTHBEARER port= (or NULL) */
	const struct auth_binding *binding;	/* NULL without TLS */
};

struct auth;

/* Begin an exchange; the strings are copied.  NULL with one sentence in
 * err (unknown mechanism, -PLUS without channel binding, no user). */
struct auth *auth_new(const struct auth_opts *, char *err, size_t errlen);
/* Wipe and free. */
void auth_free(struct auth *);

/*
 * The AUTH command line to send first: "AUTH MECH initial-response" for
 * a mechanism where the client speaks first, unless the line would be
 * longer than RFC 5321 allows (then the response waits for the 334),
 * otherwise "AUTH MECH".  Returns a new string to free with
 * auth_line_free(), or NULL with err set.
 */
char *auth_command(struct auth *, char *err, size_t errlen);

enum auth_step {
	AUTH_STEP_SEND,		/* send *line (base64, possibly "") */
	AUTH_STEP_CANCEL,	/* send "*" (in *line): err says why */
	AUTH_STEP_ERROR,	/* out of memory: err says so */
};

/*
 * The answer to a 334 challenge (its text as received, base64).  A
 * challenge that is not base64, or that the mechanism refuses (a SCRAM
 * nonce that does not extend ours, a server signature that does not
 * verify), gives AUTH_STEP_CANCEL and "*" (RFC 4954 4).  *line is a new
 * string to free with auth_line_free().
 */
enum auth_step auth_respond(struct auth *, const char *challenge, size_t len,
    char **line, char *err, size_t errlen);

/* For a mutual mechanism: 1 once the server's proof verified, -1 when it
 * did not, 0 while not seen (or for a mechanism without one). */
int auth_server_verified(const struct auth *);

/*
 * The secret a mechanism needs, from where the user left it: a token in
 * SMTPSCOPE_TOKEN; a password in the first line of password_file (when
 * not NULL), else in SMTPSCOPE_PASSWORD.  Returns 1 with it in buf, 0
 * when there is none (ask the user), -1 with err set (the file cannot be
 * read, is empty, or the secret does not fit).
 */
int auth_secret_lookup(enum auth_need, const char *password_file, char *buf,
    size_t size, char *err, size_t errlen);

/* Wipe and free a line from auth_command() or auth_respond(). */
void auth_line_free(char *);

/*
 * The words for one step, for the explanation of a reply (annotate.c):
 * msg[0..len) is a decoded 334 challenge of mechanism mech.  Writes one
 * or more sentences into buf: what the server sent (and proves), what
 * the client answers (and proves).  Returns 0, or -1 when mech is not
 * one of ours (buf untouched).  The server's bytes are not quoted here.
 */
int auth_explain_challenge(const char *mech, const unsigned char *msg,
    size_t len, char *buf, size_t size);

#endif
