/*
 * tls.c -- OpenSSL client side: implicit TLS (RFC 8314 3.3) and the
 * STARTTLS upgrade (RFC 3207 4), SNI, verification that names every failed
 * check, client certificates, version and cipher limits, and the picture
 * of a handshake (struct tls_info and its formatting).
 *
 * The socket stays non-blocking; the handshake and writes are driven with
 * poll() up to a deadline.  Reads never block: they return what OpenSSL
 * has decrypted, or 0 when a whole record has not arrived yet.
 *
 * Socket I/O goes through a small BIO of our own that uses send() with
 * MSG_NOSIGNAL, so a peer that drops the connection gives an error return
 * rather than a SIGPIPE that would end the program; its method is made
 * once per process.  Names from certificates are escaped by sanitize().
 *
 * Verification: a verify callback records each error OpenSSL finds (with
 * its depth) and lets the verification go on, so that an expired
 * certificate from an unknown CA is reported as both; the name is checked
 * apart, on the server's certificate, after the chain.  Only then is the
 * handshake ended (or, with insecure, allowed to go on), so that the
 * report names every failed check and not only the first one.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "net.h"
#include "sanitize.h"
#include "tls.h"

struct tls {
	SSL_CTX		*ctx;
	SSL		*ssl;
	int		 fd;
	int		 insecure;
	int		 failed;	/* fatal error: no close_notify */
	int		 dane;		/* usable TLSA records given */
	struct tls_info	 info;
};

/* Per-BIO state of the socket BIO. */
struct tls_sock {
	int	fd;
	int	eof;
};

/*
 * The certificate errors smtpscope explains: which check each belongs to
 * and what to do about it.  Errors not listed are TLS_CHECK_OTHER with
 * the generic advice of the last row.
 */
static const struct tls_fix {
	long		 error;
	enum tls_check	 check;
	const char	*fix;
} tls_fixes[] = {
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, TLS_CHECK_CHAIN,
	  "trust that issuer with --cafile FILE or --capath DIR, or the "
	  "server must send its intermediate certificates too" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, TLS_CHECK_CHAIN,
	  "trust that issuer with --cafile FILE or --capath DIR, or the "
	  "server must send its intermediate certificates too" },
	{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, TLS_CHECK_CHAIN,
	  "trust its issuer with --cafile FILE or --capath DIR" },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, TLS_CHECK_CHAIN,
	  "trust that very certificate with --cafile FILE (--show-certs "
	  "prints it) if you know it is the server's" },
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, TLS_CHECK_CHAIN,
	  "trust that CA with --cafile FILE or --capath DIR if you know it "
	  "is the right one" },
	{ X509_V_ERR_CERT_UNTRUSTED, TLS_CHECK_CHAIN,
	  "trust its CA with --cafile FILE or --capath DIR" },
	{ X509_V_ERR_CERT_CHAIN_TOO_LONG, TLS_CHECK_CHAIN,
	  "the server's admin must send a shorter chain" },
	{ X509_V_ERR_CERT_HAS_EXPIRED, TLS_CHECK_EXPIRY,
	  "the server's admin must renew it; no --cafile can make it valid" },
	{ X509_V_ERR_CERT_NOT_YET_VALID, TLS_CHECK_EXPIRY,
	  "check this machine's clock; if it is right, the certificate was "
	  "installed too early" },
	{ X509_V_ERR_HOSTNAME_MISMATCH, TLS_CHECK_NAME,
	  "connect by one of its names, or name the one to check with "
	  "--tls-name NAME" },
	{ X509_V_ERR_IP_ADDRESS_MISMATCH, TLS_CHECK_NAME,
	  "connect by one of its names, or name the one to check with "
	  "--tls-name NAME" },
	{ X509_V_ERR_EE_KEY_TOO_SMALL, TLS_CHECK_OTHER,
	  "this OpenSSL's security level refuses so weak a key: the server "
	  "needs a new key" },
	{ X509_V_ERR_CA_KEY_TOO_SMALL, TLS_CHECK_OTHER,
	  "this OpenSSL's security level refuses so weak a CA key" },
	{ X509_V_ERR_CA_MD_TOO_WEAK, TLS_CHECK_OTHER,
	  "this OpenSSL's security level refuses so weak a signature hash" },
	{ X509_V_ERR_DANE_NO_MATCH, TLS_CHECK_OTHER,
	  "no DNSSEC-signed TLSA record matches the certificate: the "
	  "server's admin must publish records for its current key" },
	{ X509_V_ERR_INVALID_PURPOSE, TLS_CHECK_OTHER,
	  "the certificate is not made for a TLS server (extendedKeyUsage "
	  "serverAuth): the server's admin must replace it" },
	{ X509_V_OK, TLS_CHECK_OTHER,
	  "the server's admin must fix the certificate; :tls shows the "
	  "chain" },
};

static const char *tls_check_names[] = {
	[TLS_CHECK_CHAIN] = "chain",
	[TLS_CHECK_EXPIRY] = "expiry",
	[TLS_CHECK_NAME] = "name",
	[TLS_CHECK_OTHER] = "certificate",
};

/*
 * Handshake failures a probe runs into, with what they most likely mean
 * (OpenSSL reason codes of the SSL library).
 */
static const struct {
	int		 reason;
	const char	*hint;
} tls_hints[] = {
	{ SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, "the server accepts none of "
	  "the TLS versions offered (see --tls-min, --tls-max)" },
	{ SSL_R_UNSUPPORTED_PROTOCOL, "the server chose a TLS version "
	  "outside the range offered (see --tls-min, --tls-max)" },
	{ SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, "the server accepts none of "
	  "the ciphers or key exchange groups offered (see --ciphers, "
	  "--ciphersuites)" },
	{ SSL_R_NO_CIPHERS_AVAILABLE, "no cipher is left to offer for "
	  "these TLS versions (see --ciphers, --ciphersuites)" },
	{ SSL_R_NO_PROTOCOLS_AVAILABLE, "no TLS version is left to offer "
	  "(see --tls-min, --tls-max and the OpenSSL security level)" },
	{ SSL_R_WRONG_VERSION_NUMBER, "the server does not speak TLS here "
	  "(plain SMTP on this port? then drop --tls, or use --starttls)" },
	{ SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, "the server requires a "
	  "client certificate: give one with --cert FILE --key FILE" },
	{ SSL_R_TLSV1_ALERT_UNKNOWN_CA, "the server does not trust the CA "
	  "of the client certificate given with --cert" },
	{ SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, "the server refused the client "
	  "certificate (or requires one: --cert FILE --key FILE)" },
};

static int	 tls_bio_create(BIO *);
static int	 tls_bio_destroy(BIO *);
static int	 tls_bio_read(BIO *, char *, int);
static int	 tls_bio_write(BIO *, const char *, int);
static long	 tls_bio_ctrl(BIO *, int, long, void *);
static BIO_METHOD *tls_bio_method(void);
static void	 tls_errq(char *, size_t, int *);
static void	 tls_fail(char *, size_t, const char *, const char *);
static int	 tls_is_ip(const char *);
static int	 tls_wait(int, short, long long);
static void	 tls_name(const X509_NAME *, char *, size_t);
static void	 tls_time(const ASN1_TIME *, char *, size_t);
static long	 tls_days(const ASN1_TIME *);
static void	 tls_sans(X509 *, char *, size_t);
static int	 tls_key(EVP_PKEY *, char *, size_t);
static void	 tls_cert_fill(X509 *, struct tls_cert *);
static const struct tls_fix *tls_fix_of(long);
static const char *tls_version_name(int);
static SSL_CTX	*tls_ctx_new(const struct tls_opts *, int, char *, size_t);
static SSL_CTX	*tls_ctx_get(const struct tls_opts *, int, char *, size_t);
static int	 tls_str_same(const char *, const char *);
static void	 tls_add_fault(struct tls_info *, long, int, X509 *);
static int	 tls_verify_cb(int, X509_STORE_CTX *);
static int	 tls_cert_verify(X509_STORE_CTX *, void *);
static int	 tls_cert_asked(SSL *, void *);
static void	 tls_fill_session(struct tls *);
static void	 tls_verify_error(const struct tls_info *, char *, size_t);
static void	 tls_reasons(const struct tls_info *, char *, size_t);
static int	 tls_dane_setup(struct tls *, const struct tls_opts *);
static int	 tls_trust_pem(SSL_CTX *, const char *);
static void	 tls_quickack(int);

/* ---- the socket BIO ----------------------------------------------- */

static int
tls_bio_create(BIO *b)
{
	struct tls_sock	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 0;
	s->fd = -1;
	BIO_set_data(b, s);
	BIO_set_init(b, 1);
	return 1;
}

static int
tls_bio_destroy(BIO *b)
{
	free(BIO_get_data(b));
	BIO_set_data(b, NULL);
	BIO_set_init(b, 0);
	return 1;
}

static int
tls_bio_read(BIO *b, char *buf, int len)
{
	struct tls_sock	*s = BIO_get_data(b);
	ssize_t		 n;

	BIO_clear_retry_flags(b);
	do
		n = recv(s->fd, buf, (size_t)len, 0);
	while (n == -1 && errno == EINTR);
	if (n == 0)
		s->eof = 1;
	else if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		BIO_set_retry_read(b);
		return -1;
	}
	return (int)n;
}

static int
tls_bio_write(BIO *b, const char *buf, int len)
{
	struct tls_sock	*s = BIO_get_data(b);
	ssize_t		 n;

	BIO_clear_retry_flags(b);
	do
		n = send(s->fd, buf, (size_t)len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		BIO_set_retry_write(b);
		return -1;
	}
	return (int)n;
}

static long
tls_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct tls_sock	*s = BIO_get_data(b);

	(void)ptr;
	switch (cmd) {
	case BIO_C_SET_FD:
		s->fd = (int)num;
		return 1;
	case BIO_C_GET_FD:
		return s->fd;
	case BIO_CTRL_EOF:
		/* OpenSSL asks this to tell a truncated stream from a retry. */
		return s->eof;
	case BIO_CTRL_FLUSH:
		return 1;
	default:
		return 0;
	}
}

static BIO_METHOD *
tls_bio_method(void)
{
	static BIO_METHOD	*method;	/* never freed: every connection
						   of the process uses it */
	BIO_METHOD		*m;

	if (method != NULL)
		return method;
	m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK |
	    BIO_TYPE_DESCRIPTOR, "smtpscope socket");
	if (m == NULL)
		return NULL;
	if (!BIO_meth_set_create(m, tls_bio_create) ||
	    !BIO_meth_set_destroy(m, tls_bio_destroy) ||
	    !BIO_meth_set_read(m, tls_bio_read) ||
	    !BIO_meth_set_write(m, tls_bio_write) ||
	    !BIO_meth_set_ctrl(m, tls_bio_ctrl)) {
		BIO_meth_free(m);
		return NULL;
	}
	return method = m;
}

/* ---- helpers ------------------------------------------------------ */

/* Drain the OpenSSL error queue into "reason; reason" (empty if none);
 * the reason code of the first SSL-library error in *reason (0 none). */
static void
tls_errq(char *buf, size_t size, int *reason)
{
	unsigned long	 e;
	const char	*r;
	size_t		 len = 0;
	char		 code[32];

	if (reason != NULL)
		*reason = 0;
	if (size == 0)
		return;
	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		if (reason != NULL && *reason == 0 &&
		    ERR_GET_LIB(e) == ERR_LIB_SSL)
			*reason = ERR_GET_REASON(e);
		/* A system error says it in the system's words; the layers
		 * above it only repeat it ("no such file", "system lib"). */
		if (ERR_SYSTEM_ERROR(e)) {
			snprintf(buf, size, "%s", strerror(ERR_GET_REASON(e)));
			ERR_clear_error();
			return;
		}
		if ((r = ERR_reason_error_string(e)) == NULL) {
			snprintf(code, sizeof(code), "error %lx", e);
			r = code;
		}
		/* The same reason is often queued by several layers. */
		if (strstr(buf, r) != NULL)
			continue;
		if (len + 1 < size) {
			snprintf(buf + len, size - len, "%s%s",
			    len > 0 ? "; " : "", r);
			len = strlen(buf);
		}
	}
}

void
tls_error(char *err, size_t errlen, const char *what)
{
	char	q[256];

	tls_errq(q, sizeof q, NULL);
	snprintf(err, errlen, "%s: %s", what, q[0] != '\0' ? q : "error");
}

/* err = "[WHAT: ]<queued OpenSSL reasons or fallback>[: what it means]". */
static void
tls_fail(char *err, size_t errlen, const char *what, const char *fallback)
{
	const char	*hint = NULL;
	char		 q[256];
	size_t		 i;
	int		 reason;

	tls_errq(q, sizeof(q), &reason);
	for (i = 0; i < sizeof(tls_hints) / sizeof(tls_hints[0]); i++)
		if (reason != 0 && tls_hints[i].reason == reason)
			hint = tls_hints[i].hint;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s%s%s%s%s", what != NULL ? what : "",
		    what != NULL ? ": " : "", q[0] != '\0' ? q : fallback,
		    hint != NULL ? ": " : "", hint != NULL ? hint : "");
}

static int
tls_is_ip(const char *name)
{
	unsigned char	a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, name, a) == 1 ||
	    inet_pton(AF_INET6, name, a) == 1;
}

/* Wait for events on fd until deadline: 1 ready, 0 timeout, -1 error. */
static int
tls_wait(int fd, short events, long long deadline)
{
	long long	left = deadline - (long long)net_clock_ms();
	int		n;

	if (left <= 0)
		return 0;
	/* Errors and hang-ups are reported by the next SSL call. */
	n = net_wait(fd, events, left > INT_MAX ? INT_MAX : (int)left);
	return n < 0 ? -1 : n;
}

static void
tls_name(const X509_NAME *nm, char *out, size_t size)
{
	BIO	*b;
	char	*p;
	long	 len;

	out[0] = '\0';
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return;
	/* RFC 2253 form escapes control and non-ASCII bytes. */
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(b, &p);
		sanitize_buf(out, size, p, len > 0 ? (size_t)len : 0,
		    SANITIZE_ASCII);
	}
	BIO_free(b);
}
static void
tls_time(const ASN1_TIME *at, char *out, size_t size)
{
	struct tm	tm;

	if (at == NULL || !ASN1_TIME_to_tm(at, &tm) ||
	    strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, size, "unknown");
}
static void
tls_sans(X509 *cert, char *out, size_t size)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*g;
	char			 one[300], addr[INET6_ADDRSTRLEN];
	size_t			 off = 0;
	int			 i, n;

	out[0] = '\0';
	gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL) {
		snprintf(out, size, "none");
		return;
	}
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		one[0] = '\0';
		if (g->type == GEN_DNS) {
			memcpy(one, "DNS:", 4);
			sanitize_buf(one + 4, sizeof(one) - 4, (const char *)
			    ASN1_STRING_get0_data(g->d.dNSName),
			    (size_t)ASN1_STRING_length(g->d.dNSName),
			    SANITIZE_ASCII);
		} else if (g->type == GEN_IPADD) {
			n = ASN1_STRING_length(g->d.iPAddress);
			if ((n == 4 && inet_ntop(AF_INET,
			    ASN1_STRING_get0_data(g->d.iPAddress), addr,
			    sizeof(addr)) != NULL) || (n == 16 &&
			    inet_ntop(AF_INET6,
			    ASN1_STRING_get0_data(g->d.iPAddress), addr,
			    sizeof(addr)) != NULL))
				snprintf(one, sizeof(one), "IP:%s", addr);
		} else if (g->type == GEN_EMAIL) {
			memcpy(one, "email:", 6);
			sanitize_buf(one + 6, sizeof(one) - 6, (const char *)
			    ASN1_STRING_get0_data(g->d.rfc822Name),
			    (size_t)ASN1_STRING_length(g->d.rfc822Name),
			    SANITIZE_ASCII);
		}
		if (one[0] == '\0' || off >= size)
			continue;
		n = snprintf(out + off, size - off, "%s%s", off > 0 ? ", " : "",
		    one);
		if (n > 0)
			off += (size_t)n;
	}
	GENERAL_NAMES_free(gens);
	if (out[0] == '\0')
		snprintf(out, size, "none");
}

/* Whole days from now to at (negative when it is past; 0 within a day). */
static long
tls_days(const ASN1_TIME *at)
{
	int	days = 0, secs = 0;

	if (at == NULL || !ASN1_TIME_diff(&days, &secs, NULL, at))
		return 0;
	return days;
}

/* "EC P-256", "RSA", "Ed25519", "X25519", "DH" into out; returns bits. */
static int
tls_key(EVP_PKEY *pk, char *out, size_t size)
{
	const char	*nist;
	char		 group[40];
	int		 id;

	out[0] = '\0';
	if (pk == NULL) {
		snprintf(out, size, "unknown");
		return 0;
	}
	switch ((id = EVP_PKEY_get_base_id(pk))) {
	case EVP_PKEY_RSA:
		snprintf(out, size, "RSA");
		break;
	case EVP_PKEY_RSA_PSS:
		snprintf(out, size, "RSA-PSS");
		break;
	case EVP_PKEY_DSA:
		snprintf(out, size, "DSA");
		break;
	case EVP_PKEY_DH:
		snprintf(out, size, "DH");
		break;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_group_name(pk, group, sizeof(group), NULL))
			snprintf(out, size, "EC");
		else if ((nist = EC_curve_nid2nist(OBJ_sn2nid(group))) != NULL)
			snprintf(out, size, "EC %s", nist);
		else
			snprintf(out, size, "EC %s", group);
		break;
	case EVP_PKEY_ED25519:
		snprintf(out, size, "Ed25519");
		break;
	case EVP_PKEY_ED448:
		snprintf(out, size, "Ed448");
		break;
	case EVP_PKEY_X25519:
		snprintf(out, size, "X25519");
		break;
	case EVP_PKEY_X448:
		snprintf(out, size, "X448");
		break;
	default:
		snprintf(out, size, "%s", id != NID_undef && OBJ_nid2sn(id) !=
		    NULL ? OBJ_nid2sn(id) : "unknown");
		break;
	}
	ERR_clear_error();
	return EVP_PKEY_get_bits(pk);
}

static void
tls_cert_fill(X509 *x, struct tls_cert *c)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	size_t		 off = 0;
	int		 nid;

	memset(c, 0, sizeof(*c));
	tls_name(X509_get_subject_name(x), c->subject, sizeof(c->subject));
	tls_name(X509_get_issuer_name(x), c->issuer, sizeof(c->issuer));
	tls_sans(x, c->sans, sizeof(c->sans));
	tls_time(X509_get0_notBefore(x), c->not_before, sizeof(c->not_before));
	tls_time(X509_get0_notAfter(x), c->not_after, sizeof(c->not_after));
	c->days_left = tls_days(X509_get0_notAfter(x));
	c->expired = X509_cmp_current_time(X509_get0_notAfter(x)) < 0;
	c->not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(x)) > 0;
	c->key_bits = tls_key(X509_get0_pubkey(x), c->key, sizeof(c->key));
	nid = X509_get_signature_nid(x);
	snprintf(c->sigalg, sizeof(c->sigalg), "%s", nid != NID_undef &&
	    OBJ_nid2ln(nid) != NULL ? OBJ_nid2ln(nid) : "unknown");
	if (X509_digest(x, EVP_sha256(), md, &mdlen))
		for (i = 0; i < mdlen && off + 4 <= sizeof(c->sha256); i++)
			off += (size_t)snprintf(c->sha256 + off,
			    sizeof(c->sha256) - off, "%s%02X", i > 0 ? ":" : "",
			    md[i]);
	ERR_clear_error();
}

static const struct tls_fix *
tls_fix_of(long error)
{
	size_t	i, n = sizeof(tls_fixes) / sizeof(tls_fixes[0]);

	for (i = 0; i + 1 < n; i++)
		if (tls_fixes[i].error == error)
			return &tls_fixes[i];
	return &tls_fixes[n - 1];
}

static const char *
tls_version_name(int v)
{
	switch (v) {
	case TLS1_VERSION:
		return "1.0";
	case TLS1_1_VERSION:
		return "1.1";
	case TLS1_2_VERSION:
		return "1.2";
	case TLS1_3_VERSION:
		return "1.3";
	default:
		return "?";
	}
}

/* ---- set-up and verification -------------------------------------- */

int
tls_parse_version(const char *s, int *version)
{
	static const struct {
		const char	*name;
		int		 version;
	} versions[] = {
		{ "1.0", TLS1_VERSION },
		{ "1.1", TLS1_1_VERSION },
		{ "1.2", TLS1_2_VERSION },
		{ "1.3", TLS1_3_VERSION },
	};
	size_t	i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (strcmp(s, versions[i].name) == 0) {
			*version = versions[i].version;
			return 0;
		}
	return -1;
}

/* A client context for opts: versions, ciphers, CAs, client certificate
 * and the verify callback.  NULL with err set.  check: only to check the
 * options (the system's CAs, given no --cafile, are not loaded). */
static SSL_CTX *
tls_ctx_new(const struct tls_opts *o, int check, char *err, size_t errlen)
{
	static const struct tls_opts none;
	SSL_CTX		*ctx;
	struct stat	 st;
	char		 what[600];
	int		 min, max;

	if (o == NULL)
		o = &none;
	/* RFC 8314 4.1: TLS 1.2 or later unless asked otherwise (a
	 * --tls-max below 1.2 asks otherwise). */
	max = o->max_version;
	min = o->min_version != 0 ? o->min_version : max != 0 &&
	    max < TLS1_2_VERSION ? TLS1_VERSION : TLS1_2_VERSION;
	if (max != 0 && max < min) {
		snprintf(err, errlen, "--tls-max %s is below the lowest version "
		    "allowed, %s", tls_version_name(max),
		    tls_version_name(min));
		return NULL;
	}
	/* OpenSSL's tables are the process's until it ends: freeing them
	 * all in an atexit handler costs a probe 5% of its instructions and
	 * gives nothing back (a no-op when OpenSSL is set up already). */
	(void)OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT, NULL);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_fail(err, errlen, "cannot set up TLS", "out of memory");
		return NULL;
	}
	if (o->ciphers != NULL && !SSL_CTX_set_cipher_list(ctx, o->ciphers)) {
		snprintf(what, sizeof(what), "--ciphers \"%.200s\" names no "
		    "cipher this OpenSSL has (openssl ciphers -v lists them)",
		    o->ciphers);
		tls_fail(err, errlen, what, "no match");
		goto fail;
	}
	if (o->ciphersuites != NULL &&
	    (!SSL_CTX_set_ciphersuites(ctx, o->ciphersuites) ||
	    o->ciphersuites[0] == '\0')) {
		snprintf(what, sizeof(what), "--ciphersuites \"%.200s\" names "
		    "no TLS 1.3 suite this OpenSSL has (openssl ciphers -v "
		    "-tls1_3 lists them)", o->ciphersuites);
		tls_fail(err, errlen, what, "no match");
		goto fail;
	}
	if (!SSL_CTX_set_min_proto_version(ctx, min)) {
		snprintf(err, errlen, "TLS %s is not available in this OpenSSL",
		    tls_version_name(min));
		goto fail;
	}
	if (!SSL_CTX_set_max_proto_version(ctx, max)) {
		snprintf(err, errlen, "TLS %s is not available in this OpenSSL",
		    tls_version_name(max));
		goto fail;
	}
	/* OpenSSL 3 allows TLS 1.0 and 1.1 only at security level 0: their
	 * handshake depends on MD5 and SHA-1. */
	if (min < TLS1_2_VERSION && SSL_CTX_get_security_level(ctx) > 0) {
		snprintf(err, errlen, "TLS 1.0 and 1.1 are forbidden by this "
		    "OpenSSL's security level %d (they need level 0): add "
		    "--ciphers 'DEFAULT:@SECLEVEL=0' to probe them",
		    SSL_CTX_get_security_level(ctx));
		goto fail;
	}
	if (o->capath != NULL && stat(o->capath, &st) == -1) {
		snprintf(err, errlen, "--capath %s: %s", o->capath,
		    strerror(errno));
		goto fail;
	}
	if (o->capath != NULL && !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--capath %s: not a directory (a file of "
		    "CAs goes to --cafile)", o->capath);
		goto fail;
	}
	if (o->ca_pem != NULL && tls_trust_pem(ctx, o->ca_pem) == -1) {
		tls_fail(err, errlen, "cannot trust the certificate given",
		    "not PEM");
		goto fail;
	}
	if (o->cafile != NULL || o->capath != NULL) {
		if (!SSL_CTX_load_verify_locations(ctx, o->cafile, o->capath)) {
			snprintf(what, sizeof(what), "cannot load CA %s %s",
			    o->cafile != NULL ? "file" : "directory",
			    o->cafile != NULL ? o->cafile : o->capath);
			tls_fail(err, errlen, what, "unreadable");
			goto fail;
		}
	} else if (!check && o->ca_pem == NULL &&
	    !SSL_CTX_set_default_verify_paths(ctx)) {
		tls_fail(err, errlen, "cannot load the system CA certificates",
		    "unreadable");
		goto fail;
	}
	if (o->keyfile != NULL && o->certfile == NULL) {
		snprintf(err, errlen, "--key needs --cert: the client "
		    "certificate that goes with it");
		goto fail;
	}
	if (o->certfile != NULL) {
		if (!SSL_CTX_use_certificate_chain_file(ctx, o->certfile)) {
			snprintf(what, sizeof(what), "cannot load the client "
			    "certificate %s", o->certfile);
			tls_fail(err, errlen, what, "unreadable");
			goto fail;
		}
		/* OpenSSL checks that the key matches the certificate. */
		if (!SSL_CTX_use_PrivateKey_file(ctx, o->keyfile != NULL ?
		    o->keyfile : o->certfile, SSL_FILETYPE_PEM)) {
			if (ERR_GET_REASON(ERR_peek_last_error()) ==
			    X509_R_KEY_VALUES_MISMATCH) {
				snprintf(err, errlen, "the key in %s does not "
				    "belong to the certificate in %s",
				    o->keyfile != NULL ? o->keyfile :
				    o->certfile, o->certfile);
				goto fail;
			}
			snprintf(what, sizeof(what), "cannot load the key of "
			    "the client certificate from %s%s",
			    o->keyfile != NULL ? o->keyfile : o->certfile,
			    o->keyfile != NULL ? "" : " (give it with --key "
			    "FILE)");
			tls_fail(err, errlen, what, "unreadable");
			goto fail;
		}
	}
	/* Every error is recorded by the callback and verification goes
	 * on; tls_cert_verify() decides at the end. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, tls_verify_cb);
	SSL_CTX_set_cert_verify_callback(ctx, tls_cert_verify, NULL);
	ERR_clear_error();
	return ctx;

fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * Acknowledge what arrives next at once.  After the handshake a TLS 1.3
 * server sends its session tickets, then the reply to the first command;
 * a server that leaves Nagle's algorithm on holds that small reply until
 * the tickets are acknowledged, and a client that delays its ACK (40 ms
 * on Linux) makes every probe wait that long.
 */
static void
tls_quickack(int fd)
{
#ifdef TCP_QUICKACK
	int	one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
#else
	(void)fd;
#endif
}

/* Trust the certificates of PEM text pem.  0, or -1 when it holds none. */
static int
tls_trust_pem(SSL_CTX *ctx, const char *pem)
{
	X509_STORE	*store = SSL_CTX_get_cert_store(ctx);
	BIO		*b;
	X509		*x;
	int		 n = 0;

	if ((b = BIO_new_mem_buf(pem, -1)) == NULL)
		return -1;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (X509_STORE_add_cert(store, x))
			n++;
		X509_free(x);
	}
	BIO_free(b);
	ERR_clear_error();
	return n > 0 ? 0 : -1;
}

int
tls_opts_check(const struct tls_opts *o, char *err, size_t errlen)
{
	SSL_CTX	*ctx;

	if (errlen > 0)
		err[0] = '\0';
	/* Nothing given, nothing to check: the defaults hold, and a context
	 * made for nothing costs a plain session (replay) a third of its
	 * start-up and a few MiB. */
	if (o == NULL || (o->cafile == NULL && o->capath == NULL &&
	    o->certfile == NULL && o->keyfile == NULL && o->ciphers == NULL &&
	    o->ciphersuites == NULL && o->min_version == 0 &&
	    o->max_version == 0))
		return 0;
	if ((ctx = tls_ctx_get(o, 1, err, errlen)) == NULL)
		return -1;
	SSL_CTX_free(ctx);
	return 0;
}

static int
tls_str_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * The context for opts, with a reference for the caller: one is kept for
 * the process, so that the one tls_opts_check() built (its CAs read, its
 * client certificate loaded) is the one the handshake uses, and every
 * later connection of the same options too (replay --connections).  The
 * options that belong to one connection (the name, insecure, DANE
 * records) are not the context's.  check: as for tls_ctx_new(); the
 * system's CAs are added once a handshake needs them.
 */
static SSL_CTX *
tls_ctx_get(const struct tls_opts *o, int check, char *err, size_t errlen)
{
	static struct {
		SSL_CTX		*ctx;
		struct tls_opts	 o;		/* its strings our own copies */
		int		 defaults;	/* the system's CAs loaded */
	} kept;
	static const struct tls_opts none;
	struct tls_opts	*k = &kept.o;
	SSL_CTX		*ctx;

	if (o == NULL)
		o = &none;
	if (kept.ctx == NULL || !tls_str_same(k->cafile, o->cafile) ||
	    !tls_str_same(k->capath, o->capath) ||
	    !tls_str_same(k->ca_pem, o->ca_pem) ||
	    !tls_str_same(k->certfile, o->certfile) ||
	    !tls_str_same(k->keyfile, o->keyfile) ||
	    !tls_str_same(k->ciphers, o->ciphers) ||
	    !tls_str_same(k->ciphersuites, o->ciphersuites) ||
	    k->min_version != o->min_version ||
	    k->max_version != o->max_version) {
		if ((ctx = tls_ctx_new(o, check, err, errlen)) == NULL)
			return NULL;
		SSL_CTX_free(kept.ctx);
		free((char *)k->cafile);
		free((char *)k->capath);
		free((char *)k->ca_pem);
		free((char *)k->certfile);
		free((char *)k->keyfile);
		free((char *)k->ciphers);
		free((char *)k->ciphersuites);
		memset(k, 0, sizeof(*k));
		kept.ctx = ctx;
		kept.defaults = !check;
		k->min_version = o->min_version;
		k->max_version = o->max_version;
		if ((o->cafile != NULL && (k->cafile = strdup(o->cafile)) ==
		    NULL) || (o->capath != NULL && (k->capath =
		    strdup(o->capath)) == NULL) || (o->ca_pem != NULL &&
		    (k->ca_pem = strdup(o->ca_pem)) == NULL) ||
		    (o->certfile != NULL && (k->certfile =
		    strdup(o->certfile)) == NULL) || (o->keyfile != NULL &&
		    (k->keyfile = strdup(o->keyfile)) == NULL) ||
		    (o->ciphers != NULL && (k->ciphers = strdup(o->ciphers)) ==
		    NULL) || (o->ciphersuites != NULL && (k->ciphersuites =
		    strdup(o->ciphersuites)) == NULL)) {
			/* out of memory: keep nothing, use this one */
			kept.ctx = NULL;
			return ctx;
		}
	}
	if (!check && !kept.defaults) {
		/* tls_ctx_new() left them out for the check */
		if (o->cafile == NULL && o->capath == NULL &&
		    o->ca_pem == NULL &&
		    !SSL_CTX_set_default_verify_paths(kept.ctx)) {
			tls_fail(err, errlen, "cannot load the system CA "
			    "certificates", "unreadable");
			return NULL;
		}
		kept.defaults = 1;
	}
	SSL_CTX_up_ref(kept.ctx);
	return kept.ctx;
}

/* Record what a check found wrong with cert (at depth), once. */
static void
tls_add_fault(struct tls_info *in, long error, int depth, X509 *cert)
{
	struct tls_fault	*f;
	const ASN1_TIME		*at = NULL;
	enum tls_check		 check;
	int			 i;

	check = tls_fix_of(error)->check;
	/* One chain fault says it: a missing issuer is reported again as
	 * "unable to verify the first certificate". */
	for (i = 0; i < in->nfaults; i++)
		if ((in->faults[i].error == error &&
		    in->faults[i].depth == depth) ||
		    (check == TLS_CHECK_CHAIN &&
		    in->faults[i].check == TLS_CHECK_CHAIN))
			return;
	if (in->nfaults >= TLS_FAULTS_MAX)
		return;
	f = &in->faults[in->nfaults++];
	memset(f, 0, sizeof(*f));
	f->check = check;
	f->depth = depth;
	f->error = error;
	if (cert == NULL)
		return;
	tls_name(X509_get_subject_name(cert), f->subject, sizeof(f->subject));
	tls_name(X509_get_issuer_name(cert), f->issuer, sizeof(f->issuer));
	if (error == X509_V_ERR_CERT_HAS_EXPIRED)
		at = X509_get0_notAfter(cert);
	else if (error == X509_V_ERR_CERT_NOT_YET_VALID)
		at = X509_get0_notBefore(cert);
	if (at != NULL) {
		tls_time(at, f->date, sizeof(f->date));
		f->days = tls_days(at);
		if (f->days < 0)
			f->days = -f->days;
	}
}

/* OpenSSL's verify callback: note the error, let verification go on. */
static int
tls_verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL		*ssl;
	struct tls	*t;

	if (ok)
		return 1;
	ssl = X509_STORE_CTX_get_ex_data(xs,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (t = SSL_get_app_data(ssl)) == NULL)
		return 0;
	tls_add_fault(&t->info, X509_STORE_CTX_get_error(xs),
	    X509_STORE_CTX_get_error_depth(xs),
	    X509_STORE_CTX_get_current_cert(xs));
	return 1;
}

/*
 * The whole verification of the server's certificate, in place of
 * OpenSSL's: the chain as sent is kept for the details, the chain is
 * verified (every error collected by tls_verify_cb), then the name is
 * checked on the server's certificate.  Returns 0 (the handshake ends
 * with an alert) when a check failed and insecure is not set.
 */
static int
tls_cert_verify(X509_STORE_CTX *xs, void *arg)
{
	SSL		*ssl = X509_STORE_CTX_get_ex_data(xs,
			    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls	*t = ssl != NULL ? SSL_get_app_data(ssl) : NULL;
	struct tls_info	*in;
	STACK_OF(X509)	*sent = X509_STORE_CTX_get0_untrusted(xs);
	X509		*leaf = X509_STORE_CTX_get0_cert(xs);
	int		 i, ok, match;

	(void)arg;
	if (t == NULL)
		return 0;
	in = &t->info;
	in->nfaults = 0;
	in->nsent = sent != NULL ? sk_X509_num(sent) : leaf != NULL;
	in->ncerts = 0;
	for (i = 0; i < in->nsent && in->ncerts < TLS_CHAIN_MAX; i++)
		tls_cert_fill(sent != NULL ? sk_X509_value(sent, i) : leaf,
		    &in->certs[in->ncerts++]);
	ok = X509_verify_cert(xs);
	if (ok <= 0 && in->nfaults == 0)
		tls_add_fault(in, X509_STORE_CTX_get_error(xs) != X509_V_OK ?
		    X509_STORE_CTX_get_error(xs) : X509_V_ERR_UNSPECIFIED,
		    X509_STORE_CTX_get_error_depth(xs), leaf);
	/* RFC 6125 6: the name asked for, among the certificate's DNS
	 * names (no partial wildcards) or IP addresses.  With DANE, OpenSSL
	 * checks the name itself (none for a DANE-EE match, RFC 7672
	 * 3.1.1) and the callback has recorded a mismatch. */
	if (in->name[0] != '\0' && leaf != NULL && t->dane == 0) {
		if (tls_is_ip(in->name))
			match = X509_check_ip_asc(leaf, in->name, 0) == 1;
		else
			match = X509_check_host(leaf, in->name, 0,
			    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
		if (!match)
			tls_add_fault(in, tls_is_ip(in->name) ?
			    X509_V_ERR_IP_ADDRESS_MISMATCH :
			    X509_V_ERR_HOSTNAME_MISMATCH, 0, leaf);
	}
	ERR_clear_error();
	if (in->nfaults == 0) {
		X509_STORE_CTX_set_error(xs, X509_V_OK);
		return 1;
	}
	X509_STORE_CTX_set_error(xs, in->faults[0].error);
	return t->insecure ? 1 : 0;
}

/* Called when the server asks for a client certificate (RFC 8446
 * 4.3.2, RFC 5246 7.4.4); whatever --cert gave is sent. */
static int
tls_cert_asked(SSL *ssl, void *arg)
{
	struct tls	*t = arg;

	(void)ssl;
	t->info.ccert_asked = 1;
	return 1;
}

/* After the handshake: what was negotiated. */
static void
tls_fill_session(struct tls *t)
{
	struct tls_info		*in = &t->info;
	const SSL_CIPHER	*c;
	const unsigned char	*alpn = NULL;
	const char		*sni, *type = NULL;
	EVP_PKEY		*pk = NULL;
	X509			*mine;
	unsigned int		 alpnlen = 0;
	char			 key[sizeof(in->group)];
	int			 bits, tnid, hnid;

	snprintf(in->protocol, sizeof(in->protocol), "%s",
	    SSL_get_version(t->ssl));
	c = SSL_get_current_cipher(t->ssl);
	snprintf(in->cipher, sizeof(in->cipher), "%s", c != NULL ?
	    SSL_CIPHER_get_name(c) : "none");
	if (SSL_get_peer_tmp_key(t->ssl, &pk)) {
		bits = tls_key(pk, key, sizeof(key));
		if (strncmp(key, "EC ", 3) == 0)
			snprintf(in->group, sizeof(in->group), "%s", key + 3);
		else if (strcmp(key, "DH") == 0)
			snprintf(in->group, sizeof(in->group), "DH-%d", bits);
		else
			snprintf(in->group, sizeof(in->group), "%s", key);
		EVP_PKEY_free(pk);
	}
	if (SSL_get_peer_signature_type_nid(t->ssl, &tnid)) {
		switch (tnid) {
		case EVP_PKEY_RSA:
			type = "RSA";
			break;
		case EVP_PKEY_RSA_PSS:
			type = "RSA-PSS";
			break;
		case EVP_PKEY_EC:
			type = "ECDSA";
			break;
		case EVP_PKEY_ED25519:
			type = "Ed25519";
			break;
		case EVP_PKEY_ED448:
			type = "Ed448";
			break;
		case EVP_PKEY_DSA:
			type = "DSA";
			break;
		default:
			type = OBJ_nid2sn(tnid);
			break;
		}
		if (SSL_get_peer_signature_nid(t->ssl, &hnid) &&
		    hnid != NID_undef && OBJ_nid2sn(hnid) != NULL)
			snprintf(in->peer_sig, sizeof(in->peer_sig), "%s-%s",
			    type != NULL ? type : "?", OBJ_nid2sn(hnid));
		else
			snprintf(in->peer_sig, sizeof(in->peer_sig), "%s",
			    type != NULL ? type : "?");
	}
	if ((sni = SSL_get_servername(t->ssl, TLSEXT_NAMETYPE_host_name)) !=
	    NULL)
		snprintf(in->sni, sizeof(in->sni), "%s", sni);
	SSL_get0_alpn_selected(t->ssl, &alpn, &alpnlen);
	if (alpn != NULL && alpnlen > 0)
		sanitize_buf(in->alpn, sizeof(in->alpn), (const char *)alpn,
		    alpnlen, SANITIZE_ASCII);
	in->resumed = SSL_session_reused(t->ssl);
	if (in->ccert_asked && (mine = SSL_get_certificate(t->ssl)) != NULL)
		tls_name(X509_get_subject_name(mine), in->ccert,
		    sizeof(in->ccert));
	in->verified = in->nfaults == 0 && in->nsent > 0;
	ERR_clear_error();
}

/*
 * DANE with OpenSSL's own support (RFC 7671, RFC 7672 3).  Records
 * OpenSSL cannot use (an unknown matching type) are left out; PKIX-TA(0)
 * and PKIX-EE(1) are unusable for SMTP (RFC 7672 3.1.3).  DANE-EE(3)
 * binds the key alone: no name check (RFC 7672 3.1.1).
 */
static int
tls_dane_setup(struct tls *t, const struct tls_opts *opts)
{
	const struct tls_tlsa	*r;
	size_t			 i;

	if (SSL_CTX_dane_enable(t->ctx) <= 0 ||
	    SSL_dane_enable(t->ssl, opts->servername) <= 0)
		return -1;
	(void)SSL_dane_set_flags(t->ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	for (i = 0; i < opts->ntlsa; i++) {
		r = &opts->tlsa[i];
		if (r->usage < 2)
			continue;
		if (SSL_dane_tlsa_add(t->ssl, r->usage, r->selector,
		    r->mtype, r->data, r->len) > 0)
			t->dane++;
	}
	ERR_clear_error();
	return 0;
}

/* "certificate verification failed for NAME: R; R (...)" and a line for
 * each failed check. */
static void
tls_verify_error(const struct tls_info *in, char *err, size_t errlen)
{
	char	reasons[512];
	size_t	off;
	int	i;

	tls_reasons(in, reasons, sizeof(reasons));
	snprintf(err, errlen, "certificate verification failed%s%s: %s (or "
	    "go on unverified with --insecure)", in->name[0] != '\0' ?
	    " for " : "", in->name, reasons);
	for (i = 0; i < in->nfaults; i++) {
		off = strlen(err);
		if (off + 2 >= errlen)
			break;
		err[off++] = '\n';
		tls_format_fault(in, &in->faults[i], err + off, errlen - off);
	}
}

/*
 * RFC 3207 4 and RFC 8314 3.3: the client starts the handshake at once
 * (after the 220 to STARTTLS, or on connect for implicit TLS).
 */
struct tls *
tls_start(int fd, const struct tls_opts *opts, int timeout_ms, char *err,
    size_t errlen)
{
	struct tls	*t;
	BIO		*bio;
	BIO_METHOD	*meth;
	const char	*name = opts != NULL ? opts->servername : NULL;
	long long	 deadline;
	int		 flags, r, e, w;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	ERR_clear_error();
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->fd = fd;
	t->insecure = opts != NULL && opts->insecure;
	if (name != NULL)
		snprintf(t->info.name, sizeof(t->info.name), "%s", name);

	/* The handshake is driven by poll(); a blocking socket would hang
	 * past the deadline. */
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "cannot make the socket non-blocking: %s",
		    strerror(errno));
		goto fail;
	}
	if ((t->ctx = tls_ctx_get(opts, 0, err, errlen)) == NULL)
		goto fail;
	if ((t->ssl = SSL_new(t->ctx)) == NULL) {
		tls_fail(err, errlen, "cannot set up TLS", "out of memory");
		goto fail;
	}
	SSL_set_app_data(t->ssl, t);
	SSL_set_cert_cb(t->ssl, tls_cert_asked, t);
	/* RFC 6066 3: no IP literals in SNI; the certificate's IP address
	 * entries are checked instead (tls_cert_verify). */
	if (name != NULL && name[0] != '\0' && !tls_is_ip(name) &&
	    !SSL_set_tlsext_host_name(t->ssl, name)) {
		tls_fail(err, errlen, "cannot set up TLS", "bad server name");
		goto fail;
	}
	if (opts != NULL && opts->ntlsa > 0 && name != NULL &&
	    tls_dane_setup(t, opts) == -1) {
		tls_fail(err, errlen, "cannot set up DANE", "bad TLSA record");
		goto fail;
	}

	if ((meth = tls_bio_method()) == NULL ||
	    (bio = BIO_new(meth)) == NULL) {
		tls_fail(err, errlen, "cannot set up TLS", "out of memory");
		goto fail;
	}
	BIO_ctrl(bio, BIO_C_SET_FD, fd, NULL);
	SSL_set_bio(t->ssl, bio, bio);

	deadline = (long long)net_clock_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		ERR_clear_error();
		errno = 0;
		if ((r = SSL_connect(t->ssl)) == 1)
			break;
		e = SSL_get_error(t->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			w = tls_wait(fd, e == SSL_ERROR_WANT_READ ? POLLIN :
			    POLLOUT, deadline);
			if (w == 1)
				continue;
			if (w == 0)
				snprintf(err, errlen, "no answer within %d ms",
				    timeout_ms);
			else
				snprintf(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		t->failed = 1;
		if (t->info.nfaults > 0 && !t->insecure) {
			ERR_clear_error();
			tls_verify_error(&t->info, err, errlen);
		} else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
			snprintf(err, errlen, "%s", errno == 0 || errno == EPIPE ?
			    "the server closed the connection" :
			    errno == ECONNRESET ? "the server reset the "
			    "connection" : strerror(errno));
		else
			tls_fail(err, errlen, NULL, "protocol error");
		goto fail;
	}
	tls_fill_session(t);
	/* Only an anonymous cipher (--ciphers aNULL) gets here without a
	 * certificate: nothing was verified. */
	if (t->info.nsent == 0 && !t->insecure) {
		snprintf(err, errlen, "certificate verification failed: the "
		    "server sent no certificate (or go on unverified with "
		    "--insecure)");
		goto fail;
	}
	return t;

fail:
	ERR_clear_error();
	tls_free(t);
	return NULL;
}

/* ---- I/O ----------------------------------------------------------- */

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL) {
		/* Send our close_notify if the connection is still sound;
		 * one non-blocking attempt, the socket is closed next. */
		if (!t->failed && SSL_is_init_finished(t->ssl))
			(void)SSL_shutdown(t->ssl);
		SSL_free(t->ssl);	/* frees the BIO too */
	}
	SSL_CTX_free(t->ctx);
	ERR_clear_error();
	free(t);
}

ssize_t
tls_read(struct tls *t, void *buf, size_t size, char *err, size_t errlen)
{
	int		r, e;
	unsigned long	q;

	if (size == 0)
		return 0;
	if (size > INT_MAX)
		size = INT_MAX;
	ERR_clear_error();
	errno = 0;
	if ((r = SSL_read(t->ssl, buf, (int)size)) > 0)
		return r;
	e = SSL_get_error(t->ssl, r);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		return 0;
	case SSL_ERROR_WANT_WRITE:
		/* A post-handshake message needs to go out first. */
		(void)tls_wait(t->fd, POLLOUT, (long long)net_clock_ms() + 1000);
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		snprintf(err, errlen, "the server closed the TLS connection");
		return NET_ERR_CLOSED;
	case SSL_ERROR_SYSCALL:
		t->failed = 1;
		if (errno == ECONNRESET) {
			snprintf(err, errlen, "connection reset by the server");
			return NET_ERR_RESET;
		}
		if (errno == 0 && ERR_peek_error() == 0) {
			snprintf(err, errlen,
			    "the server closed the connection");
			return NET_ERR_CLOSED;
		}
		snprintf(err, errlen, "TLS read failed: %s", strerror(errno));
		return NET_ERR_IO;
	default:
		t->failed = 1;
		q = ERR_peek_error();
		if (ERR_GET_LIB(q) == ERR_LIB_SSL &&
		    ERR_GET_REASON(q) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			snprintf(err, errlen, "the server closed the "
			    "connection without a TLS close_notify");
			return NET_ERR_CLOSED;
		}
		tls_fail(err, errlen, "TLS read failed", "protocol error");
		return NET_ERR_TLS;
	}
}

int
tls_write(struct tls *t, const void *buf, size_t len, int timeout_ms,
    char *err, size_t errlen)
{
	const char	*p = buf;
	long long	 deadline;
	int		 r, e, w, n;

	deadline = (long long)net_clock_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	while (len > 0) {
		n = len > INT_MAX ? INT_MAX : (int)len;
		ERR_clear_error();
		errno = 0;
		if ((r = SSL_write(t->ssl, p, n)) > 0) {
			p += r;
			len -= (size_t)r;
			continue;
		}
		e = SSL_get_error(t->ssl, r);
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
			/* Retry with the same buffer and length, as
			 * SSL_write(3) requires. */
			w = tls_wait(t->fd, e == SSL_ERROR_WANT_READ ? POLLIN :
			    POLLOUT, deadline);
			if (w == 1)
				continue;
			if (w == 0) {
				snprintf(err, errlen, "TLS write timed out "
				    "after %d ms", timeout_ms);
				return NET_ERR_TIMEOUT;
			}
			snprintf(err, errlen, "TLS write failed: %s",
			    strerror(errno));
			return NET_ERR_IO;
		}
		t->failed = 1;
		if (e == SSL_ERROR_ZERO_RETURN) {
			snprintf(err, errlen, "the server closed the TLS "
			    "connection");
			return NET_ERR_CLOSED;
		}
		if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
			if (errno == EPIPE || errno == 0) {
				snprintf(err, errlen, "the server closed the "
				    "connection");
				return NET_ERR_CLOSED;
			}
			if (errno == ECONNRESET) {
				snprintf(err, errlen, "connection reset by the "
				    "server");
				return NET_ERR_RESET;
			}
			snprintf(err, errlen, "TLS write failed: %s",
			    strerror(errno));
			return NET_ERR_IO;
		}
		tls_fail(err, errlen, "TLS write failed", "protocol error");
		return NET_ERR_TLS;
	}
	/* the reply comes next: acknowledge what precedes it at once */
	tls_quickack(t->fd);
	return 0;
}

int
tls_pending(struct tls *t)
{
	return t != NULL ? SSL_pending(t->ssl) : 0;
}


/* ---- the picture of a handshake ----------------------------------- */

const struct tls_info *
tls_get_info(const struct tls *t)
{
	return t != NULL ? &t->info : NULL;
}

int
tls_verified(const struct tls *t)
{
	return t != NULL && t->info.verified;
}

int
tls_dane(const struct tls *t, struct tls_tlsa *match)
{
	const unsigned char	*data = NULL;
	uint8_t			 u = 0, s = 0, m = 0;
	size_t			 len = 0;
	int			 depth;

	if (t == NULL || t->ssl == NULL || t->dane == 0)
		return -2;
	if ((depth = SSL_get0_dane_tlsa(t->ssl, &u, &s, &m, &data,
	    &len)) < 0)
		return -1;
	match->usage = u;
	match->selector = s;
	match->mtype = m;
	match->data = data;
	match->len = len;
	return depth;
}

int
tls_channel_binding(const struct tls *t, const char **type, unsigned char *buf,
    size_t size)
{
	if (t == NULL || t->ssl == NULL)
		return -1;
	return tls_ssl_channel_binding(t->ssl, type, buf, size);
}

int
tls_ssl_channel_binding(SSL *ssl, const char **type, unsigned char *buf,
    size_t size)
{
	static const char label[] = "EXPORTER-Channel-Binding";
	size_t	n;
	int	mine;

	if (SSL_version(ssl) >= TLS1_3_VERSION) {
		/* RFC 9266 2: 32 octets, no context */
		if (size < 32 || SSL_export_keying_material(ssl, buf, 32,
		    label, sizeof label - 1, NULL, 0, 0) != 1)
			return -1;
		*type = "tls-exporter";
		return 32;
	}
	/* RFC 5929 3.1: the first Finished message of the latest
	 * handshake: the client's after a full handshake, the server's
	 * after a resumed one */
	mine = SSL_is_server(ssl) == (int)SSL_session_reused(ssl);
	n = mine ? SSL_get_finished(ssl, buf, size) :
	    SSL_get_peer_finished(ssl, buf, size);
	if (n == 0 || n > size)
		return -1;
	*type = "tls-unique";
	return (int)n;
}

void
tls_summary(const struct tls *t, int flags, char *buf, size_t size)
{
	if (size == 0)
		return;
	if (t == NULL || t->ssl == NULL)
		snprintf(buf, size, "no TLS");
	else
		tls_format_summary(&t->info, flags, buf, size);
}

char *
tls_pem_chain(const struct tls *t)
{
	STACK_OF(X509)	*chain;
	FILE		*f;
	char		*buf = NULL;
	size_t		 len = 0;
	int		 i;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	chain = t != NULL ? SSL_get_peer_cert_chain(t->ssl) : NULL;
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		PEM_write_X509(f, sk_X509_value(chain, i));
	ERR_clear_error();
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The failed checks' reasons, "R; R" (each once), or "no certificate". */
static void
tls_reasons(const struct tls_info *in, char *buf, size_t size)
{
	const char	*r;
	size_t		 off = 0;
	int		 i;

	buf[0] = '\0';
	if (in->nfaults == 0 && in->nsent == 0) {
		snprintf(buf, size, "no certificate");
		return;
	}
	for (i = 0; i < in->nfaults && off + 1 < size; i++) {
		r = X509_verify_cert_error_string(in->faults[i].error);
		if (strstr(buf, r) != NULL)
			continue;
		snprintf(buf + off, size - off, "%s%s", off > 0 ? "; " : "", r);
		off = strlen(buf);
	}
}

void
tls_format_summary(const struct tls_info *in, int flags, char *buf,
    size_t size)
{
	char	reasons[512];
	int	ok = in->nfaults == 0 && in->nsent > 0;

	if (size == 0)
		return;
	if (flags & TLS_SUMMARY_SHORT) {
		snprintf(buf, size, "%s %s verify=%s", in->protocol, in->cipher,
		    ok ? "ok" : "failed");
		return;
	}
	if (!ok)
		tls_reasons(in, reasons, sizeof(reasons));
	snprintf(buf, size, "%s %s%s%s%s%s verify=%s%s%s", in->protocol,
	    in->cipher, in->group[0] != '\0' ? " group=" : "", in->group,
	    in->peer_sig[0] != '\0' ? " peer-sig=" : "", in->peer_sig,
	    ok ? "ok" : "failed", ok ? "" : " (", ok ? "" : reasons);
	if (!ok && strlen(buf) + 1 < size)
		strncat(buf, ")", size - strlen(buf) - 1);
}

/*
 * "CHECK: REASON (WHICH CERTIFICATE, DETAIL): FIX".  The certificate is
 * named by its subject; the detail says what exactly failed (the date,
 * the issuer not trusted, the names the certificate holds).
 */
void
tls_format_fault(const struct tls_info *in, const struct tls_fault *f,
    char *buf, size_t size)
{
	char	which[400], detail[800];

	if (size == 0)
		return;
	if (f->subject[0] == '\0')
		snprintf(which, sizeof(which), "%s", f->depth == 0 ?
		    "the server's certificate" : "a CA certificate");
	else if (f->depth == 0)
		snprintf(which, sizeof(which), "the server's certificate %s",
		    f->subject);
	else
		snprintf(which, sizeof(which), "CA certificate %s", f->subject);
	detail[0] = '\0';
	switch (f->error) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		if (f->days == 0)
			snprintf(detail, sizeof(detail), ", on %s, today",
			    f->date);
		else
			snprintf(detail, sizeof(detail), ", on %s, %ld day%s "
			    "ago", f->date, f->days, f->days == 1 ? "" : "s");
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(detail, sizeof(detail), ", valid from %s, in %ld "
		    "day%s", f->date, f->days, f->days == 1 ? "" : "s");
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		if (f->issuer[0] != '\0')
			snprintf(detail, sizeof(detail), ", issued by %s, not "
			    "trusted here", f->issuer);
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		snprintf(detail, sizeof(detail), ", signed by itself, not "
		    "trusted here");
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		snprintf(detail, sizeof(detail), ", a root sent by the server, "
		    "not trusted here");
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		snprintf(buf, size, "%s: %s (%s is not among the names of %s: "
		    "%s): %s", tls_check_names[f->check],
		    X509_verify_cert_error_string(f->error), in->name, which,
		    in->ncerts > 0 ? in->certs[0].sans : "unknown",
		    tls_fix_of(f->error)->fix);
		return;
	default:
		break;
	}
	snprintf(buf, size, "%s: %s (%s%s): %s", tls_check_names[f->check],
	    X509_verify_cert_error_string(f->error), which, detail,
	    tls_fix_of(f->error)->fix);
}

char *
tls_format_details(const struct tls_info *in)
{
	static const enum tls_check checks[] = {
		TLS_CHECK_CHAIN, TLS_CHECK_EXPIRY, TLS_CHECK_NAME,
	};
	const struct tls_cert	*c;
	FILE			*f;
	char			*buf = NULL, line[2048];
	size_t			 len = 0, k;
	int			 i, bad;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	if (in->sni[0] != '\0')
		fprintf(f, "SNI: %s", in->sni);
	else if (in->name[0] != '\0')
		fprintf(f, "SNI: none (%s is an address; RFC 6066 3 allows "
		    "names only)", in->name);
	else
		fprintf(f, "SNI: none");
	fprintf(f, "; ALPN: %s; session: %s\n", in->alpn[0] != '\0' ?
	    in->alpn : "none", in->resumed ? "resumed" : "new (not resumed)");
	if (in->ccert[0] != '\0')
		fprintf(f, "client certificate: asked for by the server, sent: "
		    "%s\n", in->ccert);
	else if (in->ccert_asked)
		fprintf(f, "client certificate: asked for by the server, none "
		    "sent (--cert FILE --key FILE gives one)\n");
	else
		fprintf(f, "client certificate: not asked for\n");

	fprintf(f, "checks%s%s:", in->name[0] != '\0' ? " for " : "",
	    in->name);
	for (k = 0; k < sizeof(checks) / sizeof(checks[0]); k++) {
		for (bad = 0, i = 0; i < in->nfaults; i++)
			if (in->faults[i].check == checks[k])
				bad = 1;
		fprintf(f, "%s %s %s", k > 0 ? "," : "",
		    tls_check_names[checks[k]],
		    checks[k] == TLS_CHECK_NAME && in->name[0] == '\0' ?
		    "not checked" : bad ? "FAILED" : in->nsent == 0 ?
		    "not checked" : "ok");
	}
	fprintf(f, "\n");
	for (i = 0; i < in->nfaults; i++) {
		tls_format_fault(in, &in->faults[i], line, sizeof(line));
		fprintf(f, "  %s\n", line);
	}

	fprintf(f, "chain sent by the server: %d certificate%s", in->nsent,
	    in->nsent == 1 ? "" : "s");
	if (in->ncerts < in->nsent)
		fprintf(f, " (the first %d shown)", in->ncerts);
	for (i = 0; i < in->ncerts; i++) {
		c = &in->certs[i];
		fprintf(f, "\n[%d] subject: %s\n    issuer: %s\n    names: %s\n"
		    "    valid: %s to %s (", i, c->subject, c->issuer, c->sans,
		    c->not_before, c->not_after);
		if (c->not_yet_valid)
			fprintf(f, "not valid yet)");
		else if (c->expired && c->days_left == 0)
			fprintf(f, "expired today)");
		else if (c->expired)
			fprintf(f, "expired %ld day%s ago)", -c->days_left,
			    c->days_left == -1 ? "" : "s");
		else if (c->days_left == 0)
			fprintf(f, "less than a day left)");
		else
			fprintf(f, "%ld day%s left)", c->days_left,
			    c->days_left == 1 ? "" : "s");
		fprintf(f, "\n    key: %s, %d bits\n    signature: %s\n"
		    "    SHA-256: %s", c->key, c->key_bits, c->sigalg,
		    c->sha256);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
