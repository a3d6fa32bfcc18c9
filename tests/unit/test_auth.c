/*
 * test_auth.c -- the SASL client steps against the example exchanges of
 * the RFCs (RFC 2195 CRAM-MD5, RFC 5802 SCRAM-SHA-1, RFC 7677
 * SCRAM-SHA-256, RFC 7628 OAUTHBEARER), and the words for each step.
 *
 * The SCRAM examples start from a fixed client nonce.  GNU SASL draws it
 * with gsasl_nonce() and base64-encodes it with gsasl_base64_to(), both
 * called through the library's PLT: this program defines its own
 * gsasl_nonce() (a marker) and, while `rfc_nonce` is set, turns the
 * marker's encoding into the RFC's nonce.  Nothing else is touched: the
 * proofs and signatures are GNU SASL's own.
 */
#define _GNU_SOURCE
#include "config.h"

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsasl.h>

#include "auth.h"
#include "base64.h"

static const char	*rfc_nonce;
static const char	 marker[18] = "smtpscope-nonce-18";

int gsasl_nonce(char *, size_t);
int gsasl_base64_to(const char *, size_t, char **, size_t *);

int
gsasl_nonce(char *data, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		data[i] = marker[i % sizeof marker];
	return GSASL_OK;
}

int
gsasl_base64_to(const char *in, size_t inlen, char **out, size_t *outlen)
{
	int	(*real)(const char *, size_t, char **, size_t *);

	if (rfc_nonce != NULL && inlen == sizeof marker &&
	    memcmp(in, marker, inlen) == 0) {
		*out = strdup(rfc_nonce);
		if (outlen != NULL)
			*outlen = strlen(rfc_nonce);
		return *out != NULL ? GSASL_OK : GSASL_MALLOC_ERROR;
	}
	real = (int (*)(const char *, size_t, char **, size_t *))
	    dlsym(RTLD_NEXT, "gsasl_base64_to");
	cr_assert_not_null(real);
	return real(in, inlen, out, outlen);
}

static char *
b64(const char *s, size_t len)
{
	char *e = base64_encode(s, len);

	cr_assert_not_null(e);
	return e;
}

/* The decoded text of a base64 line. */
static char *
unb64(const char *line)
{
	unsigned char	*out;
	size_t		 len;

	cr_assert_eq(base64_decode(line, strlen(line), &out, &len), 0,
	    "not base64: %s", line);
	return (char *)out;
}

static struct auth *
start(const char *mech, const char *user, const char *secret,
    const struct auth_binding *cb)
{
	struct auth_opts	 o = { mech, user, secret, NULL, NULL, cb };
	struct auth		*a;
	char			 err[256];

	a = auth_new(&o, err, sizeof err);
	cr_assert_not_null(a, "%s: %s", mech, err);
	return a;
}

static char *
command(struct auth *a)
{
	char	err[256], *line = auth_command(a, err, sizeof err);

	cr_assert_not_null(line, "%s", err);
	return line;
}

/* The answer to a challenge given in clear; the decoded answer. */
static char *
step(struct auth *a, const char *challenge, enum auth_step want)
{
	char		*in = b64(challenge, strlen(challenge)), *line, err[256];
	char		*text;
	enum auth_step	 rc;

	rc = auth_respond(a, in, strlen(in), &line, err, sizeof err);
	free(in);
	cr_assert_eq(rc, want, "challenge \"%s\": step %d, not %d (%s)",
	    challenge, rc, want, err);
	if (rc == AUTH_STEP_CANCEL) {
		cr_assert_str_eq(line, "*");
		auth_line_free(line);
		return strdup(err);
	}
	text = unb64(line);
	auth_line_free(line);
	return text;
}

Test(auth, table)
{
	const struct auth_mech	*t;
	size_t			 n, i, j;

	t = auth_mechs(&n);
	cr_assert_geq(n, 9);
	for (i = 0; i < n; i++) {
		cr_assert(t[i].name && t[i].rfc && t[i].proves && t[i].back,
		    "row %zu", i);
		for (j = i + 1; j < n; j++)
			cr_assert_str_neq(t[i].name, t[j].name);
		cr_assert_eq(auth_mech_lookup(t[i].name), &t[i]);
		cr_assert_eq(t[i].plus, strstr(t[i].name, "-PLUS") != NULL);
	}
	cr_assert_not_null(auth_mech_lookup("scram-sha-256"));
	cr_assert_null(auth_mech_lookup("DIGEST-MD5"));
	cr_assert_null(auth_mech_lookup(NULL));
	cr_assert_eq(auth_mech_lookup("XOAUTH2")->need, AUTH_NEED_TOKEN);
	cr_assert_eq(auth_mech_lookup("LOGIN")->client_first, 0);
}

/* RFC 4616 2: authzid NUL authcid NUL passwd, as the initial response. */
Test(auth, plain_initial_response)
{
	struct auth	*a = start("plain", "student", "practice", NULL);
	char		*line = command(a);

	cr_assert_str_eq(line, "AUTH PLAIN AHN0dWRlbnQAcHJhY3RpY2U=");
	auth_line_free(line);
	auth_free(a);
}

Test(auth, login_prompts)
{
	struct auth	*a = start("LOGIN", "student", "practice", NULL);
	char		*line = command(a), *s;

	cr_assert_str_eq(line, "AUTH LOGIN");
	auth_line_free(line);
	s = step(a, "Username:", AUTH_STEP_SEND);
	cr_assert_str_eq(s, "student");
	free(s);
	s = step(a, "Password:", AUTH_STEP_SEND);
	cr_assert_str_eq(s, "practice");
	free(s);
	auth_free(a);
}

/* RFC 2195 2, the example. */
Test(auth, cram_md5_rfc2195)
{
	struct auth	*a = start("CRAM-MD5", "tim", "tanstaaftanstaaf", NULL);
	char		*line = command(a), *s;

	cr_assert_str_eq(line, "AUTH CRAM-MD5");
	auth_line_free(line);
	s = step(a, "<1896.697170952@postoffice.reston.mci.net>",
	    AUTH_STEP_SEND);
	cr_assert_str_eq(s, "tim b913a602c7eda7a495b4e6e7334d3890");
	free(s);
	auth_free(a);
}

static void
scram_rfc(const char *mech, const char *nonce, const char *first,
    const char *server_first, const char *final, const char *server_final)
{
	struct auth	*a;
	char		*line, *s, bad[128];

	rfc_nonce = nonce;
	a = start(mech, "user", "pencil", NULL);
	line = command(a);
	cr_assert(strncmp(line, "AUTH ", 5) == 0);
	s = unb64(strrchr(line, ' ') + 1);
	cr_assert_str_eq(s, first);
	free(s);
	auth_line_free(line);
	s = step(a, server_first, AUTH_STEP_SEND);
	cr_assert_str_eq(s, final);
	free(s);
	cr_assert_eq(auth_server_verified(a), 0);
	s = step(a, server_final, AUTH_STEP_SEND);
	cr_assert_str_eq(s, "");
	free(s);
	cr_assert_eq(auth_server_verified(a), 1);
	auth_free(a);

	/* The same exchange with one character of the signature changed:
	 * the server is not who it says, and the client cancels. */
	a = start(mech, "user", "pencil", NULL);
	line = command(a);
	auth_line_free(line);
	free(step(a, server_first, AUTH_STEP_SEND));
	snprintf(bad, sizeof bad, "%s", server_final);
	bad[3] = bad[3] == 'A' ? 'B' : 'A';
	s = step(a, bad, AUTH_STEP_CANCEL);
	cr_assert(strstr(s, "signature does not verify") != NULL, "%s", s);
	free(s);
	cr_assert_eq(auth_server_verified(a), -1);
	auth_free(a);
	rfc_nonce = NULL;
}

/* RFC 5802 5, the example exchange. */
Test(auth, scram_sha1_rfc5802)
{
	scram_rfc("SCRAM-SHA-1", "fyko+d2lbbFgONRv9qkxdawL",
	    "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
	    "i=4096",
	    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
	    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
}

/* RFC 7677 3, the example exchange. */
Test(auth, scram_sha256_rfc7677)
{
	scram_rfc("SCRAM-SHA-256", "rOprNGfwEbeRWgbNEkqO",
	    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

/* RFC 5802 5.1: the server's nonce must begin with the client's. */
Test(auth, scram_foreign_nonce)
{
	struct auth	*a = start("SCRAM-SHA-256", "user", "pencil", NULL);
	char		*s;

	auth_line_free(command(a));
	s = step(a, "r=someone-else,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	    AUTH_STEP_CANCEL);
	cr_assert(strstr(s, "nonce") != NULL, "%s", s);
	free(s);
	auth_free(a);
}

/* RFC 5802 7: a server-final-message with e= gets an empty answer, so
 * that the server says 535. */
Test(auth, scram_server_error)
{
	struct auth	*a;
	char		*s;

	rfc_nonce = "rOprNGfwEbeRWgbNEkqO";
	a = start("SCRAM-SHA-256", "user", "wrong", NULL);
	auth_line_free(command(a));
	free(step(a, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", AUTH_STEP_SEND));
	s = step(a, "e=invalid-proof", AUTH_STEP_SEND);
	cr_assert_str_eq(s, "");
	free(s);
	cr_assert_eq(auth_server_verified(a), 0);
	auth_free(a);
	rfc_nonce = NULL;
}

/* -PLUS needs the channel binding, and names its type in the GS2 header
 * (RFC 5802 7; RFC 9266 for TLS 1.3, RFC 5929 for TLS 1.2). */
Test(auth, scram_plus_binding)
{
	static const unsigned char data[32] = { 1, 2, 3 };
	struct auth_binding	 exp = { "tls-exporter", data, sizeof data };
	struct auth_binding	 uniq = { "tls-unique", data, 12 };
	struct auth_opts	 o = { "SCRAM-SHA-256-PLUS", "user", "pencil",
				    NULL, NULL, NULL };
	struct auth		*a;
	char			 err[256], *line, *s;

	cr_assert_null(auth_new(&o, err, sizeof err));
	cr_assert(strstr(err, "start TLS first") != NULL, "%s", err);

	a = start("SCRAM-SHA-256-PLUS", "user", "pencil", &exp);
	line = command(a);
	s = unb64(strrchr(line, ' ') + 1);
	cr_assert(strncmp(s, "p=tls-exporter,,n=user,r=", 25) == 0, "%s", s);
	free(s);
	auth_line_free(line);
	auth_free(a);

	a = start("SCRAM-SHA-1-PLUS", "user", "pencil", &uniq);
	line = command(a);
	s = unb64(strrchr(line, ' ') + 1);
	cr_assert(strncmp(s, "p=tls-unique,,n=user,r=", 23) == 0, "%s", s);
	free(s);
	auth_line_free(line);
	auth_free(a);

	/* Without -PLUS the binding is not offered: "n", not "y". */
	a = start("SCRAM-SHA-256", "user", "pencil", &exp);
	line = command(a);
	s = unb64(strrchr(line, ' ') + 1);
	cr_assert(strncmp(s, "n,,n=user,r=", 12) == 0, "%s", s);
	free(s);
	auth_line_free(line);
	auth_free(a);
}

Test(auth, xoauth2)
{
	struct auth	*a = start("XOAUTH2", "someuser@example.com",
			    "ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg", NULL);
	char		*line = command(a), *s;

	cr_assert(strncmp(line, "AUTH XOAUTH2 ", 13) == 0, "%s", line);
	s = unb64(line + 13);
	cr_assert_str_eq(s, "user=someuser@example.com\001auth=Bearer "
	    "ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg\001\001");
	free(s);
	auth_line_free(line);
	s = step(a, "{\"status\":\"401\",\"schemes\":\"bearer\"}",
	    AUTH_STEP_SEND);
	cr_assert_str_eq(s, "");
	free(s);
	auth_free(a);
}

/* RFC 7628 4.1, the example's initial response; 3.2.3, the answer to an
 * error; RFC 5801 4, "=" and "," in the name. */
Test(auth, oauthbearer_rfc7628)
{
	struct auth_opts o = { "OAUTHBEARER", "user@example.com",
	    "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com",
	    "143", NULL };
	struct auth	*a;
	char		 err[256], *line, *s;

	a = auth_new(&o, err, sizeof err);
	cr_assert_not_null(a, "%s", err);
	line = command(a);
	s = unb64(line + strlen("AUTH OAUTHBEARER "));
	cr_assert_str_eq(s, "n,a=user@example.com,\001host=server.example.com"
	    "\001port=143\001auth=Bearer "
	    "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\001\001");
	free(s);
	auth_line_free(line);
	s = step(a, "{\"status\":\"invalid_token\"}", AUTH_STEP_SEND);
	cr_assert_str_eq(s, "\001");
	free(s);
	auth_free(a);

	a = start("OAUTHBEARER", "a=b,c", "t", NULL);
	line = command(a);
	s = unb64(line + strlen("AUTH OAUTHBEARER "));
	cr_assert_str_eq(s, "n,a=a=3Db=2Cc,\001auth=Bearer t\001\001");
	free(s);
	auth_line_free(line);
	auth_free(a);
}

/* RFC 4954 4: an initial response that makes the line too long waits
 * for the (empty) 334. */
Test(auth, long_initial_response_waits)
{
	char		 token[800], *line, *s;
	struct auth	*a;

	memset(token, 'x', sizeof token - 1);
	token[sizeof token - 1] = '\0';
	a = start("XOAUTH2", "u", token, NULL);
	line = command(a);
	cr_assert_str_eq(line, "AUTH XOAUTH2");
	auth_line_free(line);
	s = step(a, "", AUTH_STEP_SEND);
	cr_assert(strncmp(s, "user=u\001auth=Bearer xxx", 22) == 0, "%s", s);
	free(s);
	auth_free(a);
}

/* RFC 4954 4: a challenge that is not base64 is cancelled with "*". */
Test(auth, bad_challenge_cancelled)
{
	struct auth	*a = start("LOGIN", "u", "p", NULL);
	char		*line, err[256];

	auth_line_free(command(a));
	cr_assert_eq(auth_respond(a, "not base64!", 11, &line, err, sizeof err),
	    AUTH_STEP_CANCEL);
	cr_assert_str_eq(line, "*");
	cr_assert(strstr(err, "not valid base64") != NULL, "%s", err);
	auth_line_free(line);
	auth_free(a);
}

Test(auth, refusals)
{
	struct auth_opts o = { "DIGEST-MD5", "u", "p", NULL, NULL, NULL };
	char		 err[256];

	cr_assert_null(auth_new(&o, err, sizeof err));
	cr_assert(strstr(err, "DIGEST-MD5 is not a mechanism") != NULL, "%s",
	    err);
	o.mech = "PLAIN";
	o.user = "";
	cr_assert_null(auth_new(&o, err, sizeof err));
	cr_assert(strstr(err, "needs a user name") != NULL, "%s", err);
}

static char *
explain(const char *mech, const char *msg)
{
	static char buf[1024];

	buf[0] = '\0';
	cr_assert_eq(auth_explain_challenge(mech, (const unsigned char *)msg,
	    strlen(msg), buf, sizeof buf), 0, "%s", mech);
	return buf;
}

Test(auth, explanations)
{
	char buf[64] = "untouched";

	cr_assert(strstr(explain("SCRAM-SHA-256", "r=abc,s=c2FsdA==,i=4096"),
	    "ClientProof") != NULL);
	cr_assert(strstr(explain("SCRAM-SHA-256", "r=abc,s=c2FsdA==,i=4096"),
	    "(4096)") != NULL);
	cr_assert(strstr(explain("SCRAM-SHA-1", "r=abc,s=c2FsdA==,i=1000"),
	    "fewer than 4096") != NULL);
	cr_assert_null(strstr(explain("SCRAM-SHA-1",
	    "r=abc,s=c2FsdA==,i=4096"), "fewer than"));
	cr_assert(strstr(explain("scram-sha-256-plus", "v=xyz"),
	    "ServerSignature") != NULL);
	cr_assert(strstr(explain("SCRAM-SHA-256", "e=invalid-proof"),
	    "RFC 5802 7") != NULL);
	cr_assert(strstr(explain("LOGIN", "Username:"), "user name") != NULL);
	cr_assert(strstr(explain("LOGIN", "Password:"), "password itself") !=
	    NULL);
	cr_assert(strstr(explain("CRAM-MD5", "<1.2@h>"), "HMAC-MD5") != NULL);
	cr_assert(strstr(explain("PLAIN", ""), "initial response") != NULL);
	cr_assert(strstr(explain("OAUTHBEARER", "{}"), "%x01") != NULL);
	cr_assert(strstr(explain("XOAUTH2", "{}"), "empty line") != NULL);
	cr_assert_eq(auth_explain_challenge("DIGEST-MD5",
	    (const unsigned char *)"x", 1, buf, sizeof buf), -1);
	cr_assert_str_eq(buf, "untouched");
}

/* GNU SASL's server side, for the -PLUS exchanges below. */
static int
plus_server_cb(Gsasl *ctx, Gsasl_session *s, Gsasl_property prop)
{
	(void)ctx;
	switch (prop) {
	case GSASL_PASSWORD:
		return gsasl_property_set(s, GSASL_PASSWORD, "pencil");
	case GSASL_SCRAM_ITER:
		return gsasl_property_set(s, GSASL_SCRAM_ITER, "4096");
	case GSASL_SCRAM_SALT:
		return gsasl_property_set(s, GSASL_SCRAM_SALT,
		    "W22ZaJ0SNY7soEsUEjb6gQ==");
	default:
		return GSASL_NO_CALLBACK;
	}
}

/* One whole exchange of our client against GNU SASL's server, each side
 * with its own view of the channel binding; returns the server's last
 * verdict (GSASL_OK when it took the proof). */
static int
plus_exchange(const char *mech, const struct auth_binding *mine,
    const char *type, const unsigned char *theirs, size_t len)
{
	struct auth	*a = start(mech, "user", "pencil", mine);
	Gsasl		*ctx;
	Gsasl_session	*srv;
	char		*line, *out, *b, *sb, err[256];
	unsigned char	*in;
	size_t		 inlen, outlen;
	int		 rc, turn;

	cr_assert_eq(gsasl_init(&ctx), GSASL_OK);
	gsasl_callback_set(ctx, plus_server_cb);
	cr_assert_eq(gsasl_server_start(ctx, mech, &srv), GSASL_OK);
	cr_assert_not_null(sb = base64_encode(theirs, len));
	gsasl_property_set(srv, strcmp(type, "tls-exporter") == 0 ?
	    GSASL_CB_TLS_EXPORTER : GSASL_CB_TLS_UNIQUE, sb);
	free(sb);
	line = command(a);
	b = strrchr(line, ' ') + 1;
	for (turn = 0; turn < 4; turn++) {
		cr_assert_eq(base64_decode(b, strlen(b), &in, &inlen), 0);
		rc = gsasl_step(srv, (char *)in, inlen, &out, &outlen);
		free(in);
		auth_line_free(line);
		if (rc != GSASL_NEEDS_MORE && !(rc == GSASL_OK && outlen > 0)) {
			gsasl_free(out);
			break;
		}
		/* the server-final message: our client checks it */
		cr_assert_not_null(sb = base64_encode(out, outlen));
		gsasl_free(out);
		cr_assert_eq(auth_respond(a, sb, strlen(sb), &line, err,
		    sizeof err), AUTH_STEP_SEND, "%s", err);
		free(sb);
		b = line;
		if (rc == GSASL_OK) {
			auth_line_free(line);
			break;
		}
	}
	if (rc == GSASL_OK)
		cr_assert_eq(auth_server_verified(a), 1);
	auth_free(a);
	gsasl_finish(srv);
	gsasl_done(ctx);
	return rc;
}

/* RFC 5802 6: with the same binding on both sides the exchange succeeds
 * (tls-exporter of TLS 1.3, RFC 9266; tls-unique of TLS 1.2, RFC 5929);
 * a man in the middle, whose TLS session differs, is caught. */
Test(auth, scram_plus_against_gnu_sasl_server)
{
	static const unsigned char	exp[32] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	static const unsigned char	other[32] = { 1, 2, 3 };
	static const unsigned char	fin[12] = { 0xaa, 0xbb, 0xcc };
	struct auth_binding		be = { "tls-exporter", exp, sizeof exp };
	struct auth_binding		bu = { "tls-unique", fin, sizeof fin };

	cr_assert_eq(plus_exchange("SCRAM-SHA-256-PLUS", &be, "tls-exporter",
	    exp, sizeof exp), GSASL_OK);
	cr_assert_eq(plus_exchange("SCRAM-SHA-1-PLUS", &bu, "tls-unique", fin,
	    sizeof fin), GSASL_OK);
	cr_assert_neq(plus_exchange("SCRAM-SHA-256-PLUS", &be, "tls-exporter",
	    other, sizeof other), GSASL_OK);
}
