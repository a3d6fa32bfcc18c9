/*
 * practice_auth.c -- the practice server's side of SMTP AUTH through GNU
 * SASL's server mechanisms, checking one account.
 *
 * The library asks this file, through its callback, for what it needs:
 * the password of the user named (only the practice account has one),
 * and for SCRAM the salt and iteration count.  An authorization identity
 * other than the user itself is refused: the practice account may not
 * act for anyone else.
 *
 * GNU SASL is loaded when the practice server starts (it offers AUTH to
 * every client: practice_auth_load()), not linked (lazy.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsasl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth.h"
#include "base64.h"
#include "lazy.h"
#include "practice_auth.h"

/* RFC 7677 4: at least 4096 iterations of SaltedPassword. */
#define PRACTICE_AUTH_ITER	"4096"

struct practice_auth {
	Gsasl		*ctx;
	Gsasl_session	*sess;
	int		 initial;	/* an initial response is taken */
	int		 login;		/* LOGIN: it is the user name */
	int		 started;	/* a step was taken */
	int		 done;		/* the last step was the server-final
					   message: the next line ends it */
	char		 salt[32];	/* base64 of 16 random octets */
};

/* The functions of GNU SASL called here, once loaded. */
static struct {
	LAZY_FN(gsasl_, callback_hook_get);
	LAZY_FN(gsasl_, callback_hook_set);
	LAZY_FN(gsasl_, callback_set);
	LAZY_FN(gsasl_, done);
	LAZY_FN(gsasl_, finish);
	LAZY_FN(gsasl_, free);
	LAZY_FN(gsasl_, init);
	LAZY_FN(gsasl_, property_fast);
	LAZY_FN(gsasl_, property_set);
	LAZY_FN(gsasl_, server_start);
	LAZY_FN(gsasl_, step);
} sasl;
static const struct lazy_sym practice_auth_syms[] = {
	LAZY_SYM(sasl, gsasl_, callback_hook_get),
	LAZY_SYM(sasl, gsasl_, callback_hook_set),
	LAZY_SYM(sasl, gsasl_, callback_set),
	LAZY_SYM(sasl, gsasl_, done),
	LAZY_SYM(sasl, gsasl_, finish),
	LAZY_SYM(sasl, gsasl_, free),
	LAZY_SYM(sasl, gsasl_, init),
	LAZY_SYM(sasl, gsasl_, property_fast),
	LAZY_SYM(sasl, gsasl_, property_set),
	LAZY_SYM(sasl, gsasl_, server_start),
	LAZY_SYM(sasl, gsasl_, step),
};
LAZY_CHECK(sasl, practice_auth_syms);
static struct lazy_lib practice_auth_lib = LAZY_LIB(GSASL,
    "GNU SASL, which runs the practice server's AUTH", practice_auth_syms);

static int	practice_auth_cb(Gsasl *, Gsasl_session *, Gsasl_property);

static const struct {
	const char	*name;
	int		 initial;
	int		 plus;		/* needs the channel binding */
} practice_auth_mechs[] = {
	{ "PLAIN", 1, 0 }, { "LOGIN", 1, 0 }, { "CRAM-MD5", 0, 0 },
	{ "SCRAM-SHA-256", 1, 0 }, { PRACTICE_AUTH_PLUS, 1, 1 },
};

int
practice_auth_load(char *err, size_t errlen)
{
	return lazy_load(&practice_auth_lib, err, errlen);
}

struct practice_auth *
practice_auth_new(const char *mech, size_t len,
    const struct practice_auth_binding *cb)
{
	struct practice_auth	*a;
	unsigned char		 salt[16];
	char			*b64, err[256];
	size_t			 i, n = sizeof practice_auth_mechs /
				    sizeof practice_auth_mechs[0];

	if (practice_auth_load(err, sizeof err) == -1)
		return NULL;
	for (i = 0; i < n; i++)
		if (strlen(practice_auth_mechs[i].name) == len &&
		    strncasecmp(practice_auth_mechs[i].name, mech, len) == 0)
			break;
	if (i == n || (practice_auth_mechs[i].plus && (cb == NULL ||
	    cb->len == 0)) || (a = calloc(1, sizeof *a)) == NULL)
		return NULL;
	a->initial = practice_auth_mechs[i].initial;
	a->login = strcmp(practice_auth_mechs[i].name, "LOGIN") == 0;
	if (RAND_bytes(salt, sizeof salt) != 1 ||
	    (b64 = base64_encode(salt, sizeof salt)) == NULL)
		goto fail;
	snprintf(a->salt, sizeof a->salt, "%s", b64);
	free(b64);
	if (sasl.init(&a->ctx) != GSASL_OK)
		goto fail;
	sasl.callback_set(a->ctx, practice_auth_cb);
	sasl.callback_hook_set(a->ctx, a);
	if (sasl.server_start(a->ctx, practice_auth_mechs[i].name,
	    &a->sess) != GSASL_OK)
		goto fail;
	sasl.property_set(a->sess, GSASL_SERVICE, "smtp");
	/* RFC 5802 6: the client proves it sees the same TLS channel */
	if (practice_auth_mechs[i].plus) {
		if ((b64 = base64_encode(cb->data, cb->len)) == NULL)
			goto fail;
		sasl.property_set(a->sess, strcmp(cb->type, "tls-exporter") ==
		    0 ? GSASL_CB_TLS_EXPORTER : GSASL_CB_TLS_UNIQUE, b64);
		free(b64);
	}
	return a;
fail:
	practice_auth_free(a);
	return NULL;
}

void
practice_auth_free(struct practice_auth *a)
{
	if (a == NULL)
		return;
	if (a->sess != NULL)
		sasl.finish(a->sess);
	if (a->ctx != NULL)
		sasl.done(a->ctx);
	free(a);
}

int
practice_auth_takes_initial(const struct practice_auth *a)
{
	return a->initial;
}


/* What GNU SASL asks of the server (gsasl.h, Gsasl_property). */
static int
practice_auth_cb(Gsasl *ctx, Gsasl_session *s, Gsasl_property prop)
{
	struct practice_auth	*a = sasl.callback_hook_get(ctx);
	const char		*user = sasl.property_fast(s, GSASL_AUTHID);
	const char		*authz = sasl.property_fast(s, GSASL_AUTHZID);

	switch (prop) {
	case GSASL_PASSWORD:
		/* only the practice account, acting as itself */
		if (user == NULL || strcmp(user, AUTH_PRACTICE_USER) != 0 ||
		    (authz != NULL && *authz != '\0' && strcmp(authz, user) != 0))
			return GSASL_NO_CALLBACK;
		return sasl.property_set(s, GSASL_PASSWORD,
		    AUTH_PRACTICE_PASSWORD);
	case GSASL_SCRAM_ITER:
		return sasl.property_set(s, GSASL_SCRAM_ITER,
		    PRACTICE_AUTH_ITER);
	case GSASL_SCRAM_SALT:
		return sasl.property_set(s, GSASL_SCRAM_SALT, a->salt);
	default:
		return GSASL_NO_CALLBACK;
	}
}

enum practice_auth_step
practice_auth_step(struct practice_auth *a, const unsigned char *in,
    size_t len, char **challenge)
{
	char	*out = NULL;
	size_t	 outlen = 0;
	int	 rc;

	*challenge = NULL;
	if (a->done)
		/* the answer to the server-final message: nothing more */
		return len == 0 ? PRACTICE_AUTH_OK : PRACTICE_AUTH_FAILED;
	if (!a->started && a->login && len > 0) {
		/* LOGIN's initial response answers the first prompt,
		 * which is then not sent */
		if (sasl.step(a->sess, "", 0, &out, &outlen) !=
		    GSASL_NEEDS_MORE) {
			sasl.free(out);
			return PRACTICE_AUTH_ERROR;
		}
		sasl.free(out);
		out = NULL;
		outlen = 0;
	}
	a->started = 1;
	rc = sasl.step(a->sess, (const char *)in, len, &out, &outlen);
	if (rc == GSASL_OK && outlen == 0) {
		sasl.free(out);
		return PRACTICE_AUTH_OK;
	}
	if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE) {
		a->done = rc == GSASL_OK;
		*challenge = base64_encode(out != NULL ? out : "", outlen);
		sasl.free(out);
		return *challenge != NULL ? PRACTICE_AUTH_CHALLENGE :
		    PRACTICE_AUTH_ERROR;
	}
	if (out != NULL)
		OPENSSL_cleanse(out, outlen);
	sasl.free(out);
	return rc == GSASL_MALLOC_ERROR ? PRACTICE_AUTH_ERROR :
	    PRACTICE_AUTH_FAILED;
}
