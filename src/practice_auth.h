/*
 * practice_auth.h -- the practice server's side of SMTP AUTH (RFC 4954):
 * GNU SASL checks PLAIN, LOGIN, CRAM-MD5 and SCRAM-SHA-256 against the
 * one practice account (AUTH_PRACTICE_USER, AUTH_PRACTICE_PASSWORD in
 * auth.h).  No I/O: the engine (practice.c) hands each client line over
 * and sends the challenge it gets back.
 */
#ifndef SMTPSCOPE_PRACTICE_AUTH_H
#define SMTPSCOPE_PRACTICE_AUTH_H

#include <stddef.h>

/* What the EHLO reply lists after AUTH, in this order; with the TLS
 * channel binding known, SCRAM-SHA-256-PLUS too (RFC 5802 6). */
#define PRACTICE_AUTH_MECHS	"PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256"
#define PRACTICE_AUTH_PLUS	"SCRAM-SHA-256-PLUS"

/* The channel binding of the connection, as the server sees it
 * (tls_ssl_channel_binding()). */
struct practice_auth_binding {
	char		 type[16];	/* "tls-exporter", "tls-unique" */
	unsigned char	 data[64];
	size_t		 len;		/* 0: none (no TLS yet) */
};

enum practice_auth_step {
	PRACTICE_AUTH_CHALLENGE,	/* send "334 " and *challenge */
	PRACTICE_AUTH_OK,		/* authenticated: 235 */
	PRACTICE_AUTH_FAILED,		/* wrong credentials: 535 */
	PRACTICE_AUTH_ERROR,		/* out of memory, or the library
					   failed: 454 */
};

struct practice_auth;

/*
 * Load GNU SASL, if not yet (lazy.h): the practice server does when it
 * starts (practice_net_check()), since it offers AUTH to every client.
 * 0, or -1 with one line in err naming the package to install.
 */
int practice_auth_load(char *err, size_t errlen);

/* An exchange with mechanism mech (one of PRACTICE_AUTH_MECHS, or
 * PRACTICE_AUTH_PLUS with a binding; any case).  NULL when it is not one
 * of them, out of memory, or GNU SASL cannot be loaded. */
struct practice_auth *practice_auth_new(const char *mech, size_t len,
    const struct practice_auth_binding *);
void practice_auth_free(struct practice_auth *);

/*
 * 1 when an initial response is taken on the AUTH line (RFC 4954 4): the
 * client's first message for PLAIN and SCRAM, the user name for LOGIN
 * (as most servers take it).  0 for CRAM-MD5, where the server speaks
 * first: a client that sends one gets 501.
 */
int practice_auth_takes_initial(const struct practice_auth *);


/*
 * One step: in[0..len) is the client's decoded message (the initial
 * response, or a line answering the last challenge); an empty first step
 * starts an exchange without initial response (the challenge is then
 * empty for PLAIN and SCRAM, RFC 4954 4).  For
 * PRACTICE_AUTH_CHALLENGE, *challenge is a new base64 string (free()).
 * A server-final message with data (SCRAM's v=) comes as a challenge
 * too: the client answers it with an empty line, and the next step
 * gives PRACTICE_AUTH_OK (RFC 4954 4: SMTP has no data with a 235).
 */
enum practice_auth_step practice_auth_step(struct practice_auth *,
    const unsigned char *in, size_t len, char **challenge);

#endif
