/*
 * auth.c -- the client side of one SMTP AUTH exchange (RFC 4954), and
 * the words that explain each step.
 *
 * GNU SASL runs the mechanisms it provides; XOAUTH2 and OAUTHBEARER
 * (RFC 7628) are key/value strings assembled here.  Every message is
 * base64-encoded with base64.c (OpenSSL); no hash, HMAC or PBKDF2 is
 * computed here.  Copies of the secret and every line derived from it are
 * wiped with OPENSSL_cleanse before they are freed.
 *
 * GNU SASL is loaded when a mechanism first needs it (lazy.h), not
 * linked: with the three libraries it brings it cost every start of
 * smtpscope 0.15 ms of CPU, for the sessions that authenticate.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsasl.h>
#include <openssl/crypto.h>

#include "auth.h"
#include "base64.h"
#include "lazy.h"

/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets with CRLF;
 * RFC 4954 4: an initial response that would not fit waits for the 334. */
#define AUTH_LINE_MAX	512

enum auth_family {
	AUTH_PLAIN, AUTH_LOGIN, AUTH_CRAM, AUTH_SCRAM, AUTH_XOAUTH2,
	AUTH_OAUTHBEARER,
};

static const struct {
	struct auth_mech	m;
	enum auth_family	family;
} mechs[] = {
	{ { "SCRAM-SHA-256-PLUS", AUTH_NEED_PASSWORD, 1, 1,
	    "RFC 7677; RFC 5802; RFC 9266",
	    "SCRAM-SHA-256, and the proof is bound to this TLS channel: a "
	    "man in the middle with his own TLS session cannot relay it",
	    "the server signature, computed over the same channel binding" },
	  AUTH_SCRAM },
	{ { "SCRAM-SHA-256", AUTH_NEED_PASSWORD, 0, 1, "RFC 7677; RFC 5802",
	    "knowledge of the password without sending it: ClientProof = "
	    "ClientKey XOR HMAC(StoredKey, AuthMessage), SHA-256",
	    "ServerSignature = HMAC(ServerKey, AuthMessage): the server holds "
	    "the keys derived from your password" }, AUTH_SCRAM },
	{ { "SCRAM-SHA-1-PLUS", AUTH_NEED_PASSWORD, 1, 1,
	    "RFC 5802; RFC 5929; RFC 9266",
	    "SCRAM-SHA-1, and the proof is bound to this TLS channel",
	    "the server signature, computed over the same channel binding" },
	  AUTH_SCRAM },
	{ { "SCRAM-SHA-1", AUTH_NEED_PASSWORD, 0, 1, "RFC 5802",
	    "knowledge of the password without sending it: ClientProof = "
	    "ClientKey XOR HMAC(StoredKey, AuthMessage), SHA-1",
	    "ServerSignature = HMAC(ServerKey, AuthMessage): the server holds "
	    "the keys derived from your password" }, AUTH_SCRAM },
	{ { "OAUTHBEARER", AUTH_NEED_TOKEN, 0, 1, "RFC 7628",
	    "possession of an OAuth 2.0 bearer token, sent as it is: whoever "
	    "reads it can use it until it expires",
	    "nothing: only the TLS certificate says who the server is" },
	  AUTH_OAUTHBEARER },
	{ { "XOAUTH2", AUTH_NEED_TOKEN, 0, 1,
	    "no RFC: Google's XOAUTH2, the forerunner of OAUTHBEARER",
	    "possession of an OAuth 2.0 bearer token, sent as it is",
	    "nothing: only the TLS certificate says who the server is" },
	  AUTH_XOAUTH2 },
	{ { "CRAM-MD5", AUTH_NEED_PASSWORD, 0, 0, "RFC 2195",
	    "knowledge of the password without sending it: HMAC-MD5 keyed "
	    "with the password over the server's one-time challenge",
	    "nothing; and the server must keep the password itself" },
	  AUTH_CRAM },
	{ { "PLAIN", AUTH_NEED_PASSWORD, 0, 1, "RFC 4616",
	    "the password itself, base64-encoded (an encoding, not a "
	    "cipher): only TLS keeps it from others on the path",
	    "nothing: only the TLS certificate says who the server is" },
	  AUTH_PLAIN },
	{ { "LOGIN", AUTH_NEED_PASSWORD, 0, 0,
	    "no RFC: draft-murchison-sasl-login",
	    "the password itself, base64-encoded, after the user name: only "
	    "TLS keeps it from others on the path",
	    "nothing: only the TLS certificate says who the server is" },
	  AUTH_LOGIN },
};
#define NMECHS	(sizeof mechs / sizeof mechs[0])

static struct auth_mech mech_list[NMECHS];

struct auth {
	size_t		 mech;		/* index into mechs[] */
	Gsasl		*ctx;
	Gsasl_session	*sess;
	char		*user;
	char		*secret;
	char		*host;
	char		*port;
	char		*pending;	/* initial response not sent on the
					   AUTH line: the answer to the first
					   334 */
	int		 verified;
};

/* The functions of GNU SASL called here, once loaded. */
static struct {
	LAZY_FN(gsasl_, client_start);
	LAZY_FN(gsasl_, done);
	LAZY_FN(gsasl_, finish);
	LAZY_FN(gsasl_, free);
	LAZY_FN(gsasl_, init);
	LAZY_FN(gsasl_, property_set);
	LAZY_FN(gsasl_, step);
	LAZY_FN(gsasl_, strerror);
} sasl;
static const struct lazy_sym auth_syms[] = {
	LAZY_SYM(sasl, gsasl_, client_start),
	LAZY_SYM(sasl, gsasl_, done),
	LAZY_SYM(sasl, gsasl_, finish),
	LAZY_SYM(sasl, gsasl_, free),
	LAZY_SYM(sasl, gsasl_, init),
	LAZY_SYM(sasl, gsasl_, property_set),
	LAZY_SYM(sasl, gsasl_, step),
	LAZY_SYM(sasl, gsasl_, strerror),
};
LAZY_CHECK(sasl, auth_syms);
static struct lazy_lib auth_lib = LAZY_LIB(GSASL, "GNU SASL, which runs AUTH",
    auth_syms);

static int	 mech_index(const char *, size_t *);
static void	 str_free(char *);
static char	*oauth_message(const struct auth *, size_t *);
static void	 explain_scram(const unsigned char *, size_t, char *, size_t);
static int	 scram_attr(const unsigned char *, size_t, char, const char **,
		    size_t *);

const struct auth_mech *
auth_mechs(size_t *n)
{
	size_t	i;

	for (i = 0; i < NMECHS; i++)
		mech_list[i] = mechs[i].m;
	*n = NMECHS;
	return mech_list;
}

static int
mech_index(const char *name, size_t *i)
{
	for (*i = 0; *i < NMECHS; (*i)++)
		if (strcasecmp(mechs[*i].m.name, name) == 0)
			return 0;
	return -1;
}

const struct auth_mech *
auth_mech_lookup(const char *name)
{
	size_t	i;

	size_t	n;

	if (name == NULL || mech_index(name, &i) == -1)
		return NULL;
	auth_mechs(&n);
	return &mech_list[i];
}

static void
str_free(char *s)
{
	if (s != NULL)
		base64_free(s, strlen(s));
}

void
auth_line_free(char *line)
{
	str_free(line);
}

struct auth *
auth_new(const struct auth_opts *o, char *err, size_t errlen)
{
	struct auth	*a;
	char		*cb = NULL;
	size_t		 i;
	int		 rc;

	if (o->mech == NULL || mech_index(o->mech, &i) == -1) {
		snprintf(err, errlen, "%s is not a mechanism smtpscope can "
		    "run (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, "
		    "their -PLUS variants, XOAUTH2, OAUTHBEARER)",
		    o->mech != NULL ? o->mech : "(none)");
		return NULL;
	}
	if (o->user == NULL || *o->user == '\0') {
		snprintf(err, errlen, "%s needs a user name", mechs[i].m.name);
		return NULL;
	}
	if (mechs[i].m.plus && (o->binding == NULL || o->binding->len == 0)) {
		snprintf(err, errlen, "%s binds the proof to the TLS channel: "
		    "start TLS first (RFC 5802 6)", mechs[i].m.name);
		return NULL;
	}
	if ((a = calloc(1, sizeof *a)) == NULL)
		goto oom;
	a->mech = i;
	if ((a->user = strdup(o->user)) == NULL ||
	    (a->secret = strdup(o->secret != NULL ? o->secret : "")) == NULL ||
	    (o->host != NULL && (a->host = strdup(o->host)) == NULL) ||
	    (o->port != NULL && (a->port = strdup(o->port)) == NULL))
		goto oom;
	if (mechs[i].family == AUTH_XOAUTH2 ||
	    mechs[i].family == AUTH_OAUTHBEARER)
		return a;

	if (lazy_load(&auth_lib, err, errlen) == -1) {
		auth_free(a);
		return NULL;
	}
	if ((rc = sasl.init(&a->ctx)) != GSASL_OK ||
	    (rc = sasl.client_start(a->ctx, mechs[i].m.name, &a->sess)) !=
	    GSASL_OK) {
		snprintf(err, errlen, "GNU SASL cannot start %s: %s",
		    mechs[i].m.name, sasl.strerror(rc));
		auth_free(a);
		return NULL;
	}
	sasl.property_set(a->sess, GSASL_AUTHID, a->user);
	sasl.property_set(a->sess, GSASL_PASSWORD, a->secret);
	sasl.property_set(a->sess, GSASL_SERVICE, "smtp");
	if (a->host != NULL)
		sasl.property_set(a->sess, GSASL_HOSTNAME, a->host);
	/*
	 * Channel binding only for -PLUS: GNU SASL would otherwise send the
	 * "y" flag (RFC 5802 6), which a server that offers -PLUS takes
	 * for a downgrade.  GNU SASL takes tls-exporter when it is set
	 * (RFC 9266, TLS 1.3), else tls-unique (RFC 5929, TLS 1.2).
	 */
	if (mechs[i].m.plus) {
		if ((cb = base64_encode(o->binding->data, o->binding->len)) ==
		    NULL)
			goto oom;
		sasl.property_set(a->sess, strcmp(o->binding->type,
		    "tls-exporter") == 0 ? GSASL_CB_TLS_EXPORTER :
		    GSASL_CB_TLS_UNIQUE, cb);
		str_free(cb);
	}
	return a;
oom:
	snprintf(err, errlen, "out of memory");
	auth_free(a);
	return NULL;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	if (a->sess != NULL)
		sasl.finish(a->sess);	/* frees its properties */
	if (a->ctx != NULL)
		sasl.done(a->ctx);
	str_free(a->user);
	str_free(a->secret);
	str_free(a->host);
	str_free(a->port);
	str_free(a->pending);
	free(a);
}

/*
 * XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A.
 * RFC 7628 3.1: gs2-header ("n,a=" saslname ",") ^A [host= ^A port= ^A]
 * "auth=Bearer " token ^A ^A; "=" and "," in the name become "=3D" and
 * "=2C" (RFC 5801 4).
 */
static char *
oauth_message(const struct auth *a, size_t *len)
{
	size_t	 cap, n = 0, i;
	char	*m;

	cap = 3 * strlen(a->user) + strlen(a->secret) + 64 +
	    (a->host ? strlen(a->host) : 0) + (a->port ? strlen(a->port) : 0);
	if ((m = malloc(cap)) == NULL)
		return NULL;
	if (mechs[a->mech].family == AUTH_XOAUTH2) {
		n = (size_t)snprintf(m, cap, "user=%s\001auth=Bearer %s\001\001",
		    a->user, a->secret);
		*len = n;
		return m;
	}
	n = (size_t)snprintf(m, cap, "n,a=");
	for (i = 0; a->user[i] != '\0'; i++) {
		if (a->user[i] == '=')
			n += (size_t)snprintf(m + n, cap - n, "=3D");
		else if (a->user[i] == ',')
			n += (size_t)snprintf(m + n, cap - n, "=2C");
		else
			m[n++] = a->user[i];
	}
	n += (size_t)snprintf(m + n, cap - n, ",\001");
	if (a->host != NULL)
		n += (size_t)snprintf(m + n, cap - n, "host=%s\001", a->host);
	if (a->port != NULL)
		n += (size_t)snprintf(m + n, cap - n, "port=%s\001", a->port);
	n += (size_t)snprintf(m + n, cap - n, "auth=Bearer %s\001\001",
	    a->secret);
	*len = n;
	return m;
}

char *
auth_command(struct auth *a, char *err, size_t errlen)
{
	const struct auth_mech	*m = &mechs[a->mech].m;
	char			*msg = NULL, *b64, *line;
	size_t			 len = 0, size;
	int			 rc;

	if (!m->client_first)
		goto bare;
	if (a->sess == NULL) {
		if ((msg = oauth_message(a, &len)) == NULL)
			goto oom;
		b64 = base64_encode(msg, len);
		base64_free(msg, len);
	} else {
		rc = sasl.step(a->sess, NULL, 0, &msg, &len);
		if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE) {
			snprintf(err, errlen, "%s: %s", m->name,
			    sasl.strerror(rc));
			return NULL;
		}
		b64 = base64_encode(msg != NULL ? msg : "", len);
		if (msg != NULL)
			OPENSSL_cleanse(msg, len);
		sasl.free(msg);
	}
	if (b64 == NULL)
		goto oom;
	/* RFC 4954 4: an empty initial response is sent as "=" */
	size = strlen(m->name) + strlen(b64) + 8;
	if (size + 2 > AUTH_LINE_MAX) {
		a->pending = b64;
		goto bare;
	}
	if ((line = malloc(size)) == NULL) {
		str_free(b64);
		goto oom;
	}
	snprintf(line, size, "AUTH %s %s", m->name, *b64 ? b64 : "=");
	str_free(b64);
	return line;
bare:
	size = strlen(m->name) + 6;
	if ((line = malloc(size)) == NULL)
		goto oom;
	snprintf(line, size, "AUTH %s", m->name);
	return line;
oom:
	snprintf(err, errlen, "out of memory");
	return NULL;
}

/* Answer "*" and say why in err. */
#define CANCEL(...)	do {						\
	snprintf(err, errlen, __VA_ARGS__);				\
	if ((*line = strdup("*")) == NULL)				\
		goto oom;						\
	rc = AUTH_STEP_CANCEL;						\
	goto out;							\
} while (0)

enum auth_step
auth_respond(struct auth *a, const char *challenge, size_t len, char **line,
    char *err, size_t errlen)
{
	const struct auth_mech	*m = &mechs[a->mech].m;
	unsigned char		*in = NULL;
	char			*out = NULL;
	size_t			 inlen = 0, outlen = 0;
	enum auth_step		 rc = AUTH_STEP_SEND;
	int			 g;

	*line = NULL;
	while (len > 0 && (challenge[len - 1] == ' ' ||
	    challenge[len - 1] == '\t'))
		len--;
	if (base64_decode(challenge, len, &in, &inlen) == -1)
		CANCEL("the server's challenge is not valid base64: cancelled "
		    "with \"*\" (RFC 4954 4)");
	if (a->pending != NULL) {
		/* the initial response that did not fit on the AUTH line */
		*line = a->pending;
		a->pending = NULL;
		goto out;
	}
	switch (mechs[a->mech].family) {
	case AUTH_XOAUTH2:
		/* an error in JSON: an empty line ends the exchange */
		if ((*line = strdup("")) == NULL)
			goto oom;
		goto out;
	case AUTH_OAUTHBEARER:
		/* RFC 7628 3.2.3: the client answers an error with a
		 * single %x01 */
		if ((*line = base64_encode("\001", 1)) == NULL)
			goto oom;
		goto out;
	default:
		break;
	}
	g = sasl.step(a->sess, (const char *)in, inlen, &out, &outlen);
	if (mechs[a->mech].family == AUTH_SCRAM && inlen >= 2 &&
	    in[0] == 'v' && in[1] == '=')
		a->verified = g == GSASL_OK ? 1 : -1;
	if (g == GSASL_OK || g == GSASL_NEEDS_MORE) {
		if ((*line = base64_encode(out != NULL ? out : "", outlen)) ==
		    NULL)
			goto oom;
		goto out;
	}
	if (a->verified == -1)
		CANCEL("the server's signature does not verify: it does not "
		    "hold the keys of your password (a wrong server, or "
		    "someone in between); cancelled with \"*\" (RFC 5802 5)");
	if (mechs[a->mech].family == AUTH_SCRAM && inlen >= 2 &&
	    in[0] == 'e' && in[1] == '=') {
		/* RFC 5802 7: the server's verdict; let it say 535 */
		if ((*line = strdup("")) == NULL)
			goto oom;
		goto out;
	}
	if (mechs[a->mech].family == AUTH_SCRAM &&
	    g == GSASL_AUTHENTICATION_ERROR)
		CANCEL("the server's nonce does not begin with the one sent "
		    "(RFC 5802 5.1): cancelled with \"*\"");
	CANCEL("%s refuses the challenge (%s): cancelled with \"*\"", m->name,
	    sasl.strerror(g));
oom:
	snprintf(err, errlen, "out of memory");
	rc = AUTH_STEP_ERROR;
out:
	/* only GNU SASL's mechanisms have an answer of its making: the
	 * OAuth ones may not have loaded it */
	if (out != NULL) {
		OPENSSL_cleanse(out, outlen);
		sasl.free(out);
	}
	base64_free(in, inlen);
	return rc;
}
#undef CANCEL

int
auth_secret_lookup(enum auth_need need, const char *password_file, char *buf,
    size_t size, char *err, size_t errlen)
{
	const char	*v, *name;
	FILE		*f;
	size_t		 n;

	if (need == AUTH_NEED_PASSWORD && password_file != NULL) {
		if ((f = fopen(password_file, "r")) == NULL) {
			snprintf(err, errlen, "cannot read %s: %s",
			    password_file, strerror(errno));
			return -1;
		}
		if (fgets(buf, (int)size, f) == NULL)
			buf[0] = '\0';
		fclose(f);
		n = strcspn(buf, "\r\n");
		if (buf[n] == '\0' && n + 1 == size) {
			OPENSSL_cleanse(buf, size);
			snprintf(err, errlen, "%s: the password is longer "
			    "than %zu octets", password_file, size - 2);
			return -1;
		}
		buf[n] = '\0';
		if (n == 0) {
			snprintf(err, errlen, "%s: no password on its first "
			    "line", password_file);
			return -1;
		}
		return 1;
	}
	name = need == AUTH_NEED_TOKEN ? "SMTPSCOPE_TOKEN" :
	    "SMTPSCOPE_PASSWORD";
	if ((v = getenv(name)) == NULL || *v == '\0')
		return 0;
	if (strlen(v) >= size) {
		snprintf(err, errlen, "%s is longer than %zu octets", name,
		    size - 1);
		return -1;
	}
	memcpy(buf, v, strlen(v) + 1);
	return 1;
}

int
auth_server_verified(const struct auth *a)
{
	return a->verified;
}

/* --- explanations ------------------------------------------------------- */

/* The value of attribute "x=" in a SCRAM message (RFC 5802 5.1). */
static int
scram_attr(const unsigned char *msg, size_t len, char name, const char **val,
    size_t *vlen)
{
	size_t	i = 0, end;

	while (i < len) {
		for (end = i; end < len && msg[end] != ','; end++)
			continue;
		if (end - i >= 2 && msg[i] == (unsigned char)name &&
		    msg[i + 1] == '=') {
			*val = (const char *)msg + i + 2;
			*vlen = end - i - 2;
			return 1;
		}
		i = end + 1;
	}
	return 0;
}

static void
explain_scram(const unsigned char *msg, size_t len, char *buf, size_t size)
{
	const char	*v;
	size_t		 vlen;
	char		 num[16];
	long		 iter = 0;

	if (len >= 2 && msg[0] == 'r' && msg[1] == '=') {
		if (scram_attr(msg, len, 'i', &v, &vlen) && vlen < sizeof num) {
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			iter = strtol(num, NULL, 10);
		}
		snprintf(buf, size, "SCRAM server-first-message (RFC 5802 3): "
		    "r= is the client's nonce with the server's appended (a "
		    "fresh exchange that cannot be replayed), s= the salt and "
		    "i= the iteration count (%ld) for SaltedPassword = "
		    "PBKDF2(password, salt, i).  The client answers with the "
		    "client-final-message: c= the channel binding, r= the whole "
		    "nonce, p= ClientProof = ClientKey XOR HMAC(StoredKey, "
		    "AuthMessage), proof that it knows the password without "
		    "sending it.%s", iter, iter > 0 && iter < 4096 ?
		    "  Warning: fewer than 4096 iterations make the stored "
		    "keys cheap to attack (RFC 7677 4)." : "");
	} else if (len >= 2 && msg[0] == 'v' && msg[1] == '=')
		snprintf(buf, size, "SCRAM server-final-message (RFC 5802 3): "
		    "v= ServerSignature = HMAC(ServerKey, AuthMessage), the "
		    "server's proof that it holds the keys derived from your "
		    "password (mutual authentication).  The client checks it "
		    "against its own computation and answers an empty line, "
		    "since SMTP cannot carry this data with the 235 (RFC 4954 "
		    "4).");
	else if (len >= 2 && msg[0] == 'e' && msg[1] == '=')
		snprintf(buf, size, "SCRAM server-final-message with an error "
		    "(RFC 5802 7): the server did not accept the proof; the "
		    "client answers an empty line and the server fails the "
		    "exchange.");
	else
		snprintf(buf, size, "not a SCRAM server message (r=... first, "
		    "then v=...): a client cancels with \"*\" (RFC 4954 4).");
}

int
auth_explain_challenge(const char *mech, const unsigned char *msg,
    size_t len, char *buf, size_t size)
{
	size_t	i;

	if (mech == NULL || mech_index(mech, &i) == -1)
		return -1;
	switch (mechs[i].family) {
	case AUTH_SCRAM:
		if (len == 0)
			snprintf(buf, size, "an empty challenge: the server "
			    "waits for the client-first-message, n,,n=USER,"
			    "r=NONCE: the user name and a fresh random nonce "
			    "(RFC 5802 5.1).");
		else
			explain_scram(msg, len, buf, size);
		break;
	case AUTH_PLAIN:
		snprintf(buf, size, "%s: the client sends authzid NUL user NUL "
		    "password (RFC 4616 2), base64-encoded; the password goes "
		    "to the server as it is.", len == 0 ? "an empty challenge "
		    "asks for the initial response" : "PLAIN has no server "
		    "challenge, the server should send an empty one");
		break;
	case AUTH_LOGIN:
		if (len >= 4 && strncasecmp((const char *)msg, "user", 4) == 0)
			snprintf(buf, size, "the server asks for the user "
			    "name; the client answers with it, base64-encoded "
			    "(LOGIN, draft-murchison-sasl-login).");
		else if (len >= 4 &&
		    strncasecmp((const char *)msg, "pass", 4) == 0)
			snprintf(buf, size, "the server asks for the password; "
			    "the client answers with the password itself, "
			    "base64-encoded: an encoding, not a cipher, so "
			    "only TLS keeps it from others on the path.");
		else
			snprintf(buf, size, "LOGIN prompts with \"Username:\", "
			    "then \"Password:\"; a client answers the first "
			    "with the user name, the second with the "
			    "password.");
		break;
	case AUTH_CRAM:
		snprintf(buf, size, "a one-time challenge (RFC 2195 2); the "
		    "client answers \"USER DIGEST\", the digest being "
		    "HMAC-MD5 keyed with the password over this challenge, in "
		    "hex: proof of the password without sending it.  The "
		    "server proves nothing back, and must keep the password "
		    "itself to check the answer.");
		break;
	case AUTH_XOAUTH2:
	case AUTH_OAUTHBEARER:
		if (len == 0)
			snprintf(buf, size, "an empty challenge: the server "
			    "waits for the initial response carrying the user "
			    "and \"auth=Bearer TOKEN\"%s.",
			    mechs[i].family == AUTH_OAUTHBEARER ?
			    " (RFC 7628 3.1)" : "");
		else
			snprintf(buf, size, "the server refused the token and "
			    "says why in JSON (status, scope%s); the client "
			    "answers %s and the server ends the exchange with "
			    "a 5xx reply.", mechs[i].family ==
			    AUTH_OAUTHBEARER ? ", openid-configuration; RFC "
			    "7628 3.2.2" : "", mechs[i].family ==
			    AUTH_OAUTHBEARER ? "a single %x01 (RFC 7628 3.2.3)" :
			    "an empty line");
		break;
	}
	return 0;
}
