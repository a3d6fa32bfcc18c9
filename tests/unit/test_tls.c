/*
 * test_tls.c -- tls_start/read/write against an in-process TLS server,
 * the verification report (which check failed, which fix), and the
 * formatting of struct tls_info.
 *
 * The set-up makes a key, a test CA, and certificates with the EVP and
 * X509 APIs: self-signed for localhost/127.0.0.1, signed by the CA (valid,
 * expired, for another name) and a client certificate; then each test
 * forks a server that speaks TLS on one end of a socketpair.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <criterion/criterion.h>

#include "net.h"
#include "tls.h"

enum srv_mode {
	SRV_ECHO,		/* read a line, answer PONG, close_notify */
	SRV_DROP,		/* close after the handshake, no notify */
	SRV_HANGUP,		/* close before the handshake */
	SRV_SILENT,		/* never answer the ClientHello */
	SRV_TLS11,		/* offer at most TLS 1.1 */
	SRV_TLS12,		/* offer at most TLS 1.2 */
	SRV_ASK_CERT,		/* ask for a client certificate; echo */
};

static EVP_PKEY	*key;
static X509	*cert;		/* self-signed, localhost and 127.0.0.1 */
static X509	*ca;		/* the test CA */
static X509	*leaf;		/* by the CA, localhost and 127.0.0.1 */
static X509	*expired;	/* by the CA, same names, expired */
static X509	*other;		/* by the CA, mx.example.org only */
static X509	*client;	/* by the CA, CN=unit test client */
static char	 dir[512], certfile[600], cafile[600], clientfile[600],
		 keyfile[600];
static int	 cfd = -1;	/* client end */
static int	 sfd = -1;	/* server end */
static pid_t	 srv = -1;
static int	 srv_binding;	/* after the handshake, send the channel
				   binding data as the server sees it */

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	cr_assert_not_null(ext);
	cr_assert(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
}

/* A certificate for cn (and san unless NULL), valid from `from` to `to`
 * seconds from now, signed by issuer (NULL: by itself). */
static X509 *
make_cert(const char *cn, const char *san, X509 *issuer, long from, long to,
    int serial)
{
	X509		*x;
	X509_NAME	*nm;

	x = X509_new();
	cr_assert_not_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_set_pubkey(x, key);
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : nm);
	if (san != NULL)
		add_ext(x, issuer != NULL ? issuer : x, NID_subject_alt_name,
		    san);
	if (issuer == NULL && san == NULL)
		add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
	cr_assert(X509_sign(x, key, EVP_sha256()));
	return x;
}

static void
write_pem(const char *path, X509 *x, EVP_PKEY *k)
{
	FILE	*f;

	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	if (x != NULL)
		cr_assert(PEM_write_X509(f, x));
	if (k != NULL)
		cr_assert(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL,
		    NULL));
	fclose(f);
}

static void
setup(void)
{
	const char	*tmp;
	int		 sv[2];

	key = EVP_EC_gen("P-256");
	cr_assert_not_null(key);
	cert = make_cert("localhost", "DNS:localhost,IP:127.0.0.1", NULL,
	    -3600, 3600, 42);
	ca = make_cert("unit test ca", NULL, NULL, -86400, 30 * 86400, 1);
	leaf = make_cert("localhost", "DNS:localhost,IP:127.0.0.1", ca,
	    -3600, 10 * 86400 + 3600, 2);
	expired = make_cert("localhost", "DNS:localhost,IP:127.0.0.1", ca,
	    -10 * 86400, -3 * 86400 - 3600, 3);
	other = make_cert("mx.example.org", "DNS:mx.example.org", ca,
	    -3600, 3600, 4);
	client = make_cert("unit test client", NULL, ca, -3600, 3600, 5);

	tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/test_tls.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(certfile, sizeof(certfile), "%s/self.pem", dir);
	snprintf(cafile, sizeof(cafile), "%s/ca.pem", dir);
	snprintf(clientfile, sizeof(clientfile), "%s/client.pem", dir);
	snprintf(keyfile, sizeof(keyfile), "%s/client.key", dir);
	write_pem(certfile, cert, NULL);
	write_pem(cafile, ca, NULL);
	write_pem(clientfile, client, NULL);
	write_pem(keyfile, NULL, key);

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cfd = sv[0];
	sfd = sv[1];
}

static void
teardown(void)
{
	int	st;

	if (cfd >= 0)
		close(cfd);
	if (sfd >= 0)
		close(sfd);
	if (srv > 0) {
		kill(srv, SIGKILL);
		waitpid(srv, &st, 0);
	}
	unlink(certfile);
	unlink(cafile);
	unlink(clientfile);
	unlink(keyfile);
	rmdir(dir);
	X509_free(cert);
	X509_free(ca);
	X509_free(leaf);
	X509_free(expired);
	X509_free(other);
	X509_free(client);
	EVP_PKEY_free(key);
}

/* s starts with p */
#define PREFIX(s, p)	(strncmp((s), (p), strlen(p)) == 0)

TestSuite(tls, .init = setup, .fini = teardown, .timeout = 20);

static int
accept_any(int ok, X509_STORE_CTX *xs)
{
	(void)ok;
	(void)xs;
	return 1;
}

/* The server side, in a child process on the blocking end sfd. */
static void
server_run(enum srv_mode mode, X509 *serve)
{
	SSL_CTX	*ctx;
	SSL	*ssl;
	char	 line[64];
	int	 n;

	if (mode == SRV_HANGUP)
		_exit(0);
	if (mode == SRV_SILENT) {
		pause();
		_exit(0);
	}
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL || !SSL_CTX_use_certificate(ctx, serve) ||
	    !SSL_CTX_use_PrivateKey(ctx, key))
		_exit(2);
	if (mode == SRV_TLS11) {
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
		SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
	} else if (mode == SRV_TLS12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	else if (mode == SRV_ASK_CERT)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, sfd);
	if (SSL_accept(ssl) != 1)
		_exit(0);
	if (mode == SRV_DROP)
		_exit(0);
	if (srv_binding) {
		unsigned char	b[64];
		size_t		bn = 32;

		/* RFC 9266 for TLS 1.3; RFC 5929 3.1 before: the client's
		 * Finished of a full handshake */
		if (SSL_version(ssl) >= TLS1_3_VERSION)
			SSL_export_keying_material(ssl, b, 32,
			    "EXPORTER-Channel-Binding", 24, NULL, 0, 0);
		else
			bn = SSL_get_peer_finished(ssl, b, sizeof(b));
		SSL_write(ssl, b, (int)bn);
		SSL_shutdown(ssl);
		_exit(0);
	}
	n = SSL_read(ssl, line, sizeof(line));
	if (n == 6 && memcmp(line, "PING\r\n", 6) == 0)
		SSL_write(ssl, "PONG\r\n", 6);
	SSL_shutdown(ssl);
	_exit(0);
}

static void
server_with(enum srv_mode mode, X509 *serve)
{
	srv = fork();
	cr_assert(srv >= 0);
	if (srv == 0) {
		close(cfd);
		server_run(mode, serve);
	}
	close(sfd);
	sfd = -1;
}

static void
server_start(enum srv_mode mode)
{
	server_with(mode, cert);
}

static struct tls *
start_opts(struct tls_opts *o, int timeout_ms, char *err, size_t errlen)
{
	return tls_start(cfd, o, timeout_ms, err, errlen);
}

static struct tls *
start(const char *name, const char *cafile_, int insecure, int timeout_ms,
    char *err, size_t errlen)
{
	struct tls_opts	o;

	memset(&o, 0, sizeof(o));
	o.servername = name;
	o.cafile = cafile_;
	o.insecure = insecure;
	return start_opts(&o, timeout_ms, err, errlen);
}

/* Read until n bytes or an error; returns bytes read or the error. */
static ssize_t
read_some(struct tls *t, char *buf, size_t size, char *err, size_t errlen)
{
	struct pollfd	pfd;
	ssize_t		r;

	for (;;) {
		r = tls_read(t, buf, size, err, errlen);
		if (r != 0)
			return r;
		pfd.fd = cfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10000) != 1)
			return -100;
	}
}

/* Line n (0-based) of text into buf; "" when there is none. */
static const char *
line_of(const char *text, int n, char *buf, size_t size)
{
	const char	*p = text, *nl;

	for (; n > 0 && p != NULL; n--)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL) {
		buf[0] = '\0';
		return buf;
	}
	nl = strchr(p, '\n');
	snprintf(buf, size, "%.*s", nl != NULL ? (int)(nl - p) : (int)strlen(p),
	    p);
	return buf;
}

Test(tls, insecure_self_signed_round_trip)
{
	struct tls	*t;
	char		 err[256], sum[512], buf[64];
	ssize_t		 r;

	server_start(SRV_ECHO);
	t = start("localhost", NULL, 1, 5000, err, sizeof(err));
	cr_assert_not_null(t, "handshake failed: %s", err);
	cr_assert_eq(tls_verified(t), 0);
	tls_summary(t, 0, sum, sizeof(sum));
	cr_assert(PREFIX(sum, "TLSv1.3 TLS_"), "summary: %s", sum);
	cr_assert(strstr(sum, " group=X25519 peer-sig=ECDSA-SHA256 "
	    "verify=failed (self-signed certificate)") != NULL, "summary: %s",
	    sum);

	cr_assert_eq(tls_write(t, "PING\r\n", 6, 5000, err, sizeof(err)), 0,
	    "%s", err);
	r = read_some(t, buf, sizeof(buf), err, sizeof(err));
	cr_assert_eq(r, 6, "read %zd: %s", r, err);
	cr_assert(memcmp(buf, "PONG\r\n", 6) == 0);
	cr_assert_eq(tls_pending(t), 0);
	/* The server sent close_notify. */
	r = read_some(t, buf, sizeof(buf), err, sizeof(err));
	cr_assert_eq(r, NET_ERR_CLOSED, "read %zd: %s", r, err);
	cr_assert(strstr(err, "closed") != NULL, "%s", err);
	tls_free(t);
}

Test(tls, verify_fails_without_insecure)
{
	struct tls	*t;
	char		 err[2048], l[1024];

	server_start(SRV_ECHO);
	t = start("localhost", NULL, 0, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(line_of(err, 0, l, sizeof(l)), "certificate "
	    "verification failed for localhost: self-signed certificate (or go "
	    "on unverified with --insecure)");
	cr_assert_str_eq(line_of(err, 1, l, sizeof(l)), "chain: self-signed "
	    "certificate (the server's certificate CN=localhost, signed by "
	    "itself, not trusted here): trust that very certificate with "
	    "--cafile FILE (--show-certs prints it) if you know it is the "
	    "server's");
	cr_assert_str_eq(line_of(err, 2, l, sizeof(l)), "", "%s", err);
}

Test(tls, verify_ok_with_cafile)
{
	struct tls	*t;
	char		 err[256], sum[256], buf[64];

	server_start(SRV_ECHO);
	t = start("localhost", certfile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "handshake failed: %s", err);
	cr_assert_eq(tls_verified(t), 1);
	tls_summary(t, 0, sum, sizeof(sum));
	cr_assert(strstr(sum, " verify=ok") != NULL, "summary: %s", sum);
	cr_assert_eq(tls_get_info(t)->nfaults, 0);
	cr_assert_eq(tls_write(t, "PING\r\n", 6, 5000, err, sizeof(err)), 0);
	cr_assert_eq(read_some(t, buf, sizeof(buf), err, sizeof(err)), 6);
	tls_free(t);
}

Test(tls, verify_ip_literal)
{
	struct tls	*t;
	char		 err[256];

	server_start(SRV_ECHO);
	t = start("127.0.0.1", certfile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "handshake failed: %s", err);
	cr_assert_eq(tls_verified(t), 1);
	/* RFC 6066 3: no address in SNI */
	cr_assert_str_eq(tls_get_info(t)->sni, "");
	cr_assert_str_eq(tls_get_info(t)->name, "127.0.0.1");
	tls_free(t);
}

Test(tls, hostname_mismatch)
{
	struct tls	*t;
	char		 err[2048], l[1024];

	server_start(SRV_ECHO);
	t = start("mx.example.org", certfile, 0, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(line_of(err, 0, l, sizeof(l)), "certificate "
	    "verification failed for mx.example.org: hostname mismatch (or go "
	    "on unverified with --insecure)");
	cr_assert_str_eq(line_of(err, 1, l, sizeof(l)), "name: hostname "
	    "mismatch (mx.example.org is not among the names of the server's "
	    "certificate CN=localhost: DNS:localhost, IP:127.0.0.1): connect "
	    "by one of its names, or name the one to check with --tls-name "
	    "NAME");
}

Test(tls, ip_mismatch)
{
	struct tls	*t;
	char		 err[2048];

	server_with(SRV_ECHO, other);
	t = start("127.0.0.1", cafile, 0, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert(strstr(err, "\nname: IP address mismatch (127.0.0.1 is not "
	    "among the names of the server's certificate CN=mx.example.org: "
	    "DNS:mx.example.org)") != NULL, "%s", err);
}

Test(tls, hostname_mismatch_insecure_goes_on)
{
	struct tls		*t;
	const struct tls_info	*in;
	char			 err[256], sum[512];

	server_start(SRV_ECHO);
	t = start("mx.example.org", certfile, 1, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	tls_summary(t, 0, sum, sizeof(sum));
	cr_assert(strstr(sum, "verify=failed (hostname mismatch)") != NULL,
	    "summary: %s", sum);
	in = tls_get_info(t);
	cr_assert_eq(in->nfaults, 1);
	cr_assert_eq(in->faults[0].check, TLS_CHECK_NAME);
	cr_assert_str_eq(in->sni, "mx.example.org");
	tls_free(t);
}

/*
 * The defect this report fixes: an expired certificate from the CA given
 * with --cafile was told to "trust its CA with --cafile FILE".  Now only
 * the expiry is named, with the fix that applies.
 */
Test(tls, expired_with_right_ca_names_expiry_only)
{
	struct tls	*t;
	char		 err[2048], l[1024];

	server_with(SRV_ECHO, expired);
	t = start("localhost", cafile, 0, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(line_of(err, 0, l, sizeof(l)), "certificate "
	    "verification failed for localhost: certificate has expired (or go "
	    "on unverified with --insecure)");
	line_of(err, 1, l, sizeof(l));
	cr_assert(PREFIX(l, "expiry: certificate has expired (the server's "
	    "certificate CN=localhost, on 20"), "%s", l);
	cr_assert(strstr(l, " UTC, 3 days ago): the server's admin must "
	    "renew it; no --cafile can make it valid") != NULL, "%s", l);
	cr_assert_null(strstr(err, "trust"), "%s", err);
	cr_assert_str_eq(line_of(err, 2, l, sizeof(l)), "", "%s", err);
}

/* The other half: without the CA, --insecure names every failed check
 * (chain, expiry, name), not only "self-signed certificate in chain". */
Test(tls, insecure_names_every_check)
{
	struct tls		*t;
	const struct tls_info	*in;
	char			 err[256], sum[512];

	server_with(SRV_ECHO, expired);
	t = start("mx.example.org", NULL, 1, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	in = tls_get_info(t);
	cr_assert_eq(in->nfaults, 3, "%d faults", in->nfaults);
	cr_assert_eq(in->faults[0].check, TLS_CHECK_CHAIN);
	cr_assert_eq(in->faults[0].error,
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	cr_assert_eq(in->faults[1].check, TLS_CHECK_EXPIRY);
	cr_assert_eq(in->faults[1].days, 3);
	cr_assert_eq(in->faults[2].check, TLS_CHECK_NAME);
	tls_summary(t, 0, sum, sizeof(sum));
	cr_assert(strstr(sum, "verify=failed (unable to get local issuer "
	    "certificate; certificate has expired; hostname mismatch)") !=
	    NULL, "summary: %s", sum);
	tls_free(t);
}

Test(tls, untrusted_chain_fix)
{
	struct tls	*t;
	char		 err[2048], l[1024];

	server_with(SRV_ECHO, leaf);
	t = start("localhost", certfile, 0, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(line_of(err, 1, l, sizeof(l)), "chain: unable to get "
	    "local issuer certificate (the server's certificate CN=localhost, "
	    "issued by CN=unit test ca, not trusted here): trust that issuer "
	    "with --cafile FILE or --capath DIR, or the server must send its "
	    "intermediate certificates too");
	cr_assert_str_eq(line_of(err, 2, l, sizeof(l)), "", "%s", err);
}

/* The context tls_opts_check() built is the one the handshake uses: the
 * CA file is read once, before connecting (a file removed after the
 * check does not matter), and kept for later connections. */
Test(tls, checked_context_is_kept)
{
	struct tls_opts	 o;
	struct tls	*t;
	char		 err[1024], copy[700];
	FILE		*in, *out;
	int		 ch;

	snprintf(copy, sizeof(copy), "%s/ca-copy.pem", dir);
	in = fopen(cafile, "r");
	out = fopen(copy, "w");
	cr_assert(in != NULL && out != NULL);
	while ((ch = getc(in)) != EOF)
		putc(ch, out);
	fclose(in);
	fclose(out);
	memset(&o, 0, sizeof(o));
	o.servername = "localhost";
	o.cafile = copy;
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(unlink(copy), 0);
	server_with(SRV_ECHO, leaf);
	t = start_opts(&o, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	cr_assert_eq(tls_verified(t), 1);
	tls_free(t);
	/* other options: a context of their own (the file is gone) */
	o.ciphersuites = "TLS_AES_128_GCM_SHA256";
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert(strstr(err, "cannot load CA file ") != NULL, "%s", err);
}

Test(tls, capath)
{
	struct tls_opts	 o;
	struct tls	*t;
	char		 err[1024], link[700];
	X509_NAME	*nm = X509_get_subject_name(ca);

	/* a hashed directory, as c_rehash makes it */
	snprintf(link, sizeof(link), "%s/%08lx.0", dir, X509_NAME_hash_ex(nm,
	    NULL, NULL, NULL));
	cr_assert_eq(symlink(cafile, link), 0);
	server_with(SRV_ECHO, leaf);
	memset(&o, 0, sizeof(o));
	o.servername = "localhost";
	o.capath = dir;
	t = start_opts(&o, 5000, err, sizeof(err));
	unlink(link);
	cr_assert_not_null(t, "%s", err);
	cr_assert_eq(tls_verified(t), 1);
	tls_free(t);
}

Test(tls, client_certificate)
{
	struct tls_opts		 o;
	struct tls		*t;
	const struct tls_info	*in;
	char			 err[1024];

	server_with(SRV_ASK_CERT, leaf);
	memset(&o, 0, sizeof(o));
	o.servername = "localhost";
	o.cafile = cafile;
	o.certfile = clientfile;
	o.keyfile = keyfile;
	t = start_opts(&o, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	in = tls_get_info(t);
	cr_assert_eq(in->ccert_asked, 1);
	cr_assert_str_eq(in->ccert, "CN=unit test client");
	tls_free(t);
}

Test(tls, client_certificate_asked_none_given)
{
	struct tls		*t;
	char			 err[1024], *d;

	server_with(SRV_ASK_CERT, leaf);
	t = start("localhost", cafile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	cr_assert_eq(tls_get_info(t)->ccert_asked, 1);
	d = tls_format_details(tls_get_info(t));
	cr_assert_not_null(d);
	cr_assert(strstr(d, "\nclient certificate: asked for by the server, "
	    "none sent (--cert FILE --key FILE gives one)\n") != NULL, "%s", d);
	free(d);
	tls_free(t);
}

Test(tls, details_of_a_real_chain)
{
	struct tls	*t;
	char		 err[256], *d, *p, *pem;

	server_with(SRV_ECHO, leaf);
	t = start("localhost", cafile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	d = tls_format_details(tls_get_info(t));
	cr_assert_not_null(d);
	cr_assert(PREFIX(d, "SNI: localhost; ALPN: none; session: new (not "
	    "resumed)\nclient certificate: not asked for\nchecks for "
	    "localhost: chain ok, expiry ok, name ok\nchain sent by the "
	    "server: 1 certificate\n[0] subject: CN=localhost\n    issuer: "
	    "CN=unit test ca\n    names: DNS:localhost, IP:127.0.0.1\n"
	    "    valid: 20"), "%s", d);
	cr_assert(strstr(d, " UTC (10 days left)\n    key: EC P-256, 256 bits"
	    "\n    signature: ecdsa-with-SHA256\n    SHA-256: ") != NULL, "%s",
	    d);
	p = strstr(d, "SHA-256: ");
	/* 32 bytes as XX:XX:...: 95 characters, the end of the text */
	cr_assert_eq(strlen(p + 9), 95, "%s", d);
	free(d);
	pem = tls_pem_chain(t);
	cr_assert_not_null(pem);
	cr_assert(PREFIX(pem, "-----BEGIN CERTIFICATE-----\n"));
	cr_assert_eq(strstr(pem + 1, "-----BEGIN"), NULL, "one certificate");
	free(pem);
	tls_free(t);
}

Test(tls, tls12_summary)
{
	struct tls	*t;
	char		 err[256], sum[256];

	server_start(SRV_TLS12);
	t = start("localhost", certfile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	tls_summary(t, 0, sum, sizeof(sum));
	cr_assert(PREFIX(sum, "TLSv1.2 ECDHE-ECDSA-"), "summary: %s",
	    sum);
	cr_assert(strstr(sum, " group=X25519 peer-sig=ECDSA-SHA256 verify=ok")
	    != NULL, "summary: %s", sum);
	tls_free(t);
}

Test(tls, max_version_and_ciphers)
{
	struct tls_opts	 o;
	struct tls	*t;
	char		 err[256];

	server_start(SRV_ECHO);
	memset(&o, 0, sizeof(o));
	o.servername = "localhost";
	o.cafile = certfile;
	o.max_version = 0x0303;
	o.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
	t = start_opts(&o, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	cr_assert_str_eq(tls_get_info(t)->protocol, "TLSv1.2");
	cr_assert_str_eq(tls_get_info(t)->cipher,
	    "ECDHE-ECDSA-AES128-GCM-SHA256");
	tls_free(t);
}

Test(tls, ciphersuites)
{
	struct tls_opts	 o;
	struct tls	*t;
	char		 err[256];

	server_start(SRV_ECHO);
	memset(&o, 0, sizeof(o));
	o.servername = "localhost";
	o.cafile = certfile;
	o.ciphersuites = "TLS_CHACHA20_POLY1305_SHA256";
	t = start_opts(&o, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	cr_assert_str_eq(tls_get_info(t)->cipher,
	    "TLS_CHACHA20_POLY1305_SHA256");
	tls_free(t);
}

Test(tls, min_version_refused_by_server)
{
	struct tls_opts	 o;
	struct tls	*t;
	char		 err[512];

	server_start(SRV_TLS12);
	memset(&o, 0, sizeof(o));
	o.servername = "localhost";
	o.insecure = 1;
	o.min_version = 0x0304;
	t = start_opts(&o, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert(strstr(err, ": the server accepts none of the TLS versions "
	    "offered (see --tls-min, --tls-max)") != NULL, "%s", err);
}

Test(tls, refuses_tls11)
{
	struct tls	*t;
	char		 err[512];

	server_start(SRV_TLS11);
	t = start("localhost", NULL, 1, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(err, "tlsv1 alert protocol version: the server accepts "
	    "none of the TLS versions offered (see --tls-min, --tls-max)");
}

/* With the security level lowered as the message says, TLS 1.1 works. */
Test(tls, tls11_at_security_level_0)
{
	struct tls_opts	 o;
	struct tls	*t;
	char		 err[512];

	server_start(SRV_TLS11);
	memset(&o, 0, sizeof(o));
	o.servername = "localhost";
	o.insecure = 1;
	o.min_version = 0x0301;
	o.ciphers = "DEFAULT:@SECLEVEL=0";
	t = start_opts(&o, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	cr_assert_str_eq(tls_get_info(t)->protocol, "TLSv1.1");
	tls_free(t);
}

Test(tls, opts_check)
{
	struct tls_opts	o;
	char		err[512];
	int		v;

	cr_assert_eq(tls_parse_version("1.0", &v), 0);
	cr_assert_eq(v, 0x0301);
	cr_assert_eq(tls_parse_version("1.3", &v), 0);
	cr_assert_eq(v, 0x0304);
	cr_assert_eq(tls_parse_version("1.4", &v), -1);
	cr_assert_eq(tls_parse_version("TLSv1.2", &v), -1);

	memset(&o, 0, sizeof(o));
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tls_opts_check(NULL, err, sizeof(err)), 0, "%s", err);

	o.min_version = 0x0304;
	o.max_version = 0x0303;
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "--tls-max 1.2 is below the lowest version "
	    "allowed, 1.3");
	/* --tls-max 1.1 alone means 1.0 to 1.1 */
	o.min_version = 0;
	o.max_version = 0x0302;
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert(PREFIX(err, "TLS 1.0 and 1.1 are forbidden by this "
	    "OpenSSL's security level "), "%s", err);
	cr_assert(strstr(err, " (they need level 0): add --ciphers "
	    "'DEFAULT:@SECLEVEL=0' to probe them") != NULL, "%s", err);
	o.ciphers = "DEFAULT:@SECLEVEL=0";
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), 0, "%s", err);

	memset(&o, 0, sizeof(o));
	o.ciphers = "NO-SUCH-CIPHER";
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert(PREFIX(err, "--ciphers \"NO-SUCH-CIPHER\" names no cipher "
	    "this OpenSSL has"), "%s", err);
	memset(&o, 0, sizeof(o));
	o.ciphersuites = "TLS_NO_SUCH";
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert(PREFIX(err, "--ciphersuites \"TLS_NO_SUCH\" names no TLS "
	    "1.3 suite"), "%s", err);

	memset(&o, 0, sizeof(o));
	o.keyfile = keyfile;
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "--key needs --cert: the client certificate "
	    "that goes with it");
	o.certfile = clientfile;
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), 0, "%s", err);
	o.keyfile = NULL;
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert(strstr(err, "(give it with --key FILE)") != NULL, "%s", err);

	memset(&o, 0, sizeof(o));
	o.capath = cafile;
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert(strstr(err, ": not a directory (a file of CAs goes to "
	    "--cafile)") != NULL, "%s", err);
	o.capath = "/nonexistent/certs";
	cr_assert_eq(tls_opts_check(&o, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "--capath /nonexistent/certs: No such file or "
	    "directory");
}

Test(tls, drop_without_close_notify)
{
	struct tls	*t;
	char		 err[256], buf[64];
	ssize_t		 r;

	server_start(SRV_DROP);
	t = start("localhost", NULL, 1, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	r = read_some(t, buf, sizeof(buf), err, sizeof(err));
	cr_assert_eq(r, NET_ERR_CLOSED, "read %zd: %s", r, err);
	cr_assert(strstr(err, "closed") != NULL, "%s", err);
	/* Writing to the dead connection is an error, not a SIGPIPE. */
	r = tls_write(t, "PING\r\n", 6, 1000, err, sizeof(err));
	cr_assert(r < 0);
	tls_free(t);
}

Test(tls, write_to_closed_peer_no_sigpipe)
{
	struct tls	*t;
	char		 err[256];
	int		 i, r = 0;

	server_start(SRV_DROP);
	t = start("localhost", NULL, 1, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	/* Wait for the child to be gone, then write until it fails. */
	waitpid(srv, NULL, 0);
	srv = -1;
	for (i = 0; i < 100 && r == 0; i++)
		r = tls_write(t, "PING\r\n", 6, 1000, err, sizeof(err));
	cr_assert(r == NET_ERR_CLOSED || r == NET_ERR_RESET, "r=%d %s", r,
	    err);
	tls_free(t);
}

Test(tls, hangup_during_handshake)
{
	struct tls	*t;
	char		 err[256];

	server_start(SRV_HANGUP);
	t = start("localhost", NULL, 1, 5000, err, sizeof(err));
	cr_assert_null(t);
	/* before or after the ClientHello went out */
	cr_assert(strcmp(err, "the server closed the connection") == 0 ||
	    strcmp(err, "the server reset the connection") == 0, "%s", err);
}

Test(tls, handshake_timeout)
{
	struct tls	*t;
	char		 err[256];

	/* The server end stays open and never answers. */
	server_start(SRV_SILENT);
	t = start("localhost", NULL, 1, 300, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(err, "no answer within 300 ms");
}

Test(tls, bad_cafile)
{
	struct tls	*t;
	char		 err[256];

	t = start("localhost", "/nonexistent/ca.pem", 0, 300, err, sizeof(err));
	cr_assert_null(t);
	/* the system's words, not OpenSSL's "no such file; system lib" */
	cr_assert_str_eq(err, "cannot load CA file /nonexistent/ca.pem: No "
	    "such file or directory");
}

Test(tls, summary_without_tls)
{
	char	sum[32];

	tls_summary(NULL, 0, sum, sizeof(sum));
	cr_assert_str_eq(sum, "no TLS");
	cr_assert_eq(tls_verified(NULL), 0);
	cr_assert_null(tls_get_info(NULL));
	tls_free(NULL);
}

/* SCRAM-*-PLUS: client and server see the same binding data, of the type
 * the protocol version calls for. */
static void
binding_matches(enum srv_mode mode, const char *want_type, int want_len)
{
	struct tls	*t;
	const char	*type = NULL;
	unsigned char	 mine[64];
	char		 err[256], theirs[64];
	ssize_t		 got = 0, r;
	int		 n;

	srv_binding = 1;
	server_start(mode);
	t = start("localhost", certfile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	n = tls_channel_binding(t, &type, mine, sizeof(mine));
	cr_assert_eq(n, want_len);
	cr_assert_str_eq(type, want_type);
	while (got < n && (r = read_some(t, theirs + got, sizeof(theirs) -
	    (size_t)got, err, sizeof(err))) > 0)
		got += r;
	cr_assert_eq(got, n, "%s", err);
	cr_assert(memcmp(mine, theirs, (size_t)n) == 0);
	cr_assert_eq(tls_channel_binding(t, &type, mine, 8), -1);
	tls_free(t);
	srv_binding = 0;
}

Test(tls, channel_binding_tls13)
{
	binding_matches(SRV_ECHO, "tls-exporter", 32);
}

Test(tls, channel_binding_tls12)
{
	binding_matches(SRV_TLS12, "tls-unique", 12);
}

/* ---- formatting, from a struct filled by hand ---------------------- */

static void
fill(struct tls_info *in)
{
	struct tls_cert	*c;

	memset(in, 0, sizeof(*in));
	snprintf(in->protocol, sizeof(in->protocol), "TLSv1.2");
	snprintf(in->cipher, sizeof(in->cipher), "ECDHE-RSA-AES256-GCM-SHA384");
	snprintf(in->group, sizeof(in->group), "P-256");
	snprintf(in->peer_sig, sizeof(in->peer_sig), "RSA-PSS-SHA256");
	snprintf(in->name, sizeof(in->name), "mx.example.org");
	snprintf(in->sni, sizeof(in->sni), "mx.example.org");
	in->nsent = 2;
	in->ncerts = 2;
	c = &in->certs[0];
	snprintf(c->subject, sizeof(c->subject), "CN=mx.example.org");
	snprintf(c->issuer, sizeof(c->issuer), "CN=Example CA,O=Example");
	snprintf(c->sans, sizeof(c->sans), "DNS:mx.example.org");
	snprintf(c->not_before, sizeof(c->not_before), "2026-01-01 00:00:00 UTC");
	snprintf(c->not_after, sizeof(c->not_after), "2026-04-01 00:00:00 UTC");
	c->days_left = 1;
	snprintf(c->key, sizeof(c->key), "RSA");
	c->key_bits = 2048;
	snprintf(c->sigalg, sizeof(c->sigalg), "sha256WithRSAEncryption");
	snprintf(c->sha256, sizeof(c->sha256), "AA:BB");
	c = &in->certs[1];
	snprintf(c->subject, sizeof(c->subject), "CN=Example CA,O=Example");
	snprintf(c->issuer, sizeof(c->issuer), "CN=Example Root");
	snprintf(c->sans, sizeof(c->sans), "none");
	snprintf(c->not_before, sizeof(c->not_before), "2020-01-01 00:00:00 UTC");
	snprintf(c->not_after, sizeof(c->not_after), "2025-01-01 00:00:00 UTC");
	c->days_left = -400;
	c->expired = 1;
	snprintf(c->key, sizeof(c->key), "EC P-384");
	c->key_bits = 384;
	snprintf(c->sigalg, sizeof(c->sigalg), "ecdsa-with-SHA384");
	snprintf(c->sha256, sizeof(c->sha256), "CC:DD");
}

static void
add_fault(struct tls_info *in, enum tls_check check, int depth, long error,
    const char *subject, const char *date, long days)
{
	struct tls_fault *f = &in->faults[in->nfaults++];

	memset(f, 0, sizeof(*f));
	f->check = check;
	f->depth = depth;
	f->error = error;
	snprintf(f->subject, sizeof(f->subject), "%s", subject);
	snprintf(f->issuer, sizeof(f->issuer), "CN=Example Root");
	snprintf(f->date, sizeof(f->date), "%s", date);
	f->days = days;
}

Test(tls_format, summary)
{
	struct tls_info	in;
	char		buf[512];

	fill(&in);
	tls_format_summary(&in, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 group=P-256 "
	    "peer-sig=RSA-PSS-SHA256 verify=ok");
	/* no key exchange group, no signature (RSA key transport) */
	in.group[0] = in.peer_sig[0] = '\0';
	tls_format_summary(&in, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 verify=ok");
	add_fault(&in, TLS_CHECK_EXPIRY, 1, X509_V_ERR_CERT_HAS_EXPIRED,
	    "CN=Example CA", "2025-01-01 00:00:00 UTC", 400);
	add_fault(&in, TLS_CHECK_NAME, 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "CN=mx.example.org", "", 0);
	tls_format_summary(&in, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 "
	    "verify=failed (certificate has expired; hostname mismatch)");
	tls_format_summary(&in, TLS_SUMMARY_SHORT, buf, sizeof(buf));
	cr_assert_str_eq(buf, "TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 "
	    "verify=failed");
	/* cut, never overrun */
	tls_format_summary(&in, 0, buf, 20);
	cr_assert_eq(strlen(buf), 19);
	in.nfaults = 0;
	in.nsent = in.ncerts = 0;
	tls_format_summary(&in, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 "
	    "verify=failed (no certificate)");
}

Test(tls_format, faults)
{
	struct tls_info	in;
	char		buf[1024];

	fill(&in);
	add_fault(&in, TLS_CHECK_EXPIRY, 1, X509_V_ERR_CERT_HAS_EXPIRED,
	    "CN=Example CA,O=Example", "2025-01-01 00:00:00 UTC", 400);
	tls_format_fault(&in, &in.faults[0], buf, sizeof(buf));
	cr_assert_str_eq(buf, "expiry: certificate has expired (CA certificate "
	    "CN=Example CA,O=Example, on 2025-01-01 00:00:00 UTC, 400 days "
	    "ago): the server's admin must renew it; no --cafile can make it "
	    "valid");
	add_fault(&in, TLS_CHECK_EXPIRY, 0, X509_V_ERR_CERT_NOT_YET_VALID,
	    "CN=mx.example.org", "2027-01-01 00:00:00 UTC", 1);
	tls_format_fault(&in, &in.faults[1], buf, sizeof(buf));
	cr_assert_str_eq(buf, "expiry: certificate is not yet valid (the "
	    "server's certificate CN=mx.example.org, valid from 2027-01-01 "
	    "00:00:00 UTC, in 1 day): check this machine's clock; if it is "
	    "right, the certificate was installed too early");
	add_fault(&in, TLS_CHECK_CHAIN, 1, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
	    "CN=Example Root", "", 0);
	tls_format_fault(&in, &in.faults[2], buf, sizeof(buf));
	cr_assert_str_eq(buf, "chain: self-signed certificate in certificate "
	    "chain (CA certificate CN=Example Root, a root sent by the server, "
	    "not trusted here): trust that CA with --cafile FILE or --capath "
	    "DIR if you know it is the right one");
	/* an error without a row of its own: the generic advice */
	add_fault(&in, TLS_CHECK_OTHER, 0, X509_V_ERR_CERT_SIGNATURE_FAILURE,
	    "CN=mx.example.org", "", 0);
	tls_format_fault(&in, &in.faults[3], buf, sizeof(buf));
	cr_assert_str_eq(buf, "certificate: certificate signature failure (the "
	    "server's certificate CN=mx.example.org): the server's admin must "
	    "fix the certificate; :tls shows the chain");
	add_fault(&in, TLS_CHECK_OTHER, 0, X509_V_ERR_INVALID_PURPOSE, "", "",
	    0);
	tls_format_fault(&in, &in.faults[4], buf, sizeof(buf));
	cr_assert(PREFIX(buf, "certificate: unsuitable certificate purpose "
	    "(the server's certificate): the certificate is not made for a TLS "
	    "server"), "%s", buf);
	/* cut, never overrun */
	tls_format_fault(&in, &in.faults[0], buf, 16);
	cr_assert_str_eq(buf, "expiry: certifi");
}

Test(tls_format, details)
{
	struct tls_info	 in;
	char		*d;

	fill(&in);
	in.resumed = 1;
	in.ccert_asked = 1;
	snprintf(in.ccert, sizeof(in.ccert), "CN=me");
	snprintf(in.alpn, sizeof(in.alpn), "smtp");
	add_fault(&in, TLS_CHECK_EXPIRY, 1, X509_V_ERR_CERT_HAS_EXPIRED,
	    "CN=Example CA,O=Example", "2025-01-01 00:00:00 UTC", 400);
	d = tls_format_details(&in);
	cr_assert_not_null(d);
	cr_assert_str_eq(d,
	    "SNI: mx.example.org; ALPN: smtp; session: resumed\n"
	    "client certificate: asked for by the server, sent: CN=me\n"
	    "checks for mx.example.org: chain ok, expiry FAILED, name ok\n"
	    "  expiry: certificate has expired (CA certificate CN=Example CA,"
	    "O=Example, on 2025-01-01 00:00:00 UTC, 400 days ago): the "
	    "server's admin must renew it; no --cafile can make it valid\n"
	    "chain sent by the server: 2 certificates\n"
	    "[0] subject: CN=mx.example.org\n"
	    "    issuer: CN=Example CA,O=Example\n"
	    "    names: DNS:mx.example.org\n"
	    "    valid: 2026-01-01 00:00:00 UTC to 2026-04-01 00:00:00 UTC "
	    "(1 day left)\n"
	    "    key: RSA, 2048 bits\n"
	    "    signature: sha256WithRSAEncryption\n"
	    "    SHA-256: AA:BB\n"
	    "[1] subject: CN=Example CA,O=Example\n"
	    "    issuer: CN=Example Root\n"
	    "    names: none\n"
	    "    valid: 2020-01-01 00:00:00 UTC to 2025-01-01 00:00:00 UTC "
	    "(expired 400 days ago)\n"
	    "    key: EC P-384, 384 bits\n"
	    "    signature: ecdsa-with-SHA384\n"
	    "    SHA-256: CC:DD");
	free(d);

	/* an address: no SNI; more certificates sent than kept */
	fill(&in);
	snprintf(in.name, sizeof(in.name), "192.0.2.1");
	in.sni[0] = '\0';
	in.nsent = 12;
	in.ncerts = 1;
	in.certs[0].days_left = 0;
	d = tls_format_details(&in);
	cr_assert_not_null(d);
	cr_assert(PREFIX(d, "SNI: none (192.0.2.1 is an address; RFC 6066 3 "
	    "allows names only); ALPN: none; session: new (not resumed)\n"
	    "client certificate: not asked for\n"), "%s", d);
	cr_assert(strstr(d, "\nchain sent by the server: 12 certificates (the "
	    "first 1 shown)\n[0] ") != NULL, "%s", d);
	cr_assert(strstr(d, "(less than a day left)") != NULL, "%s", d);
	cr_assert_null(strstr(d, "[1]"), "%s", d);
	free(d);
}

/* Every row of the fix table is reachable and says what to do. */
Test(tls_format, every_fault_has_a_fix)
{
	static const long errors[] = {
		X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
		X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
		X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE,
		X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
		X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
		X509_V_ERR_CERT_UNTRUSTED,
		X509_V_ERR_CERT_CHAIN_TOO_LONG,
		X509_V_ERR_CERT_HAS_EXPIRED,
		X509_V_ERR_CERT_NOT_YET_VALID,
		X509_V_ERR_HOSTNAME_MISMATCH,
		X509_V_ERR_IP_ADDRESS_MISMATCH,
		X509_V_ERR_EE_KEY_TOO_SMALL,
		X509_V_ERR_CA_KEY_TOO_SMALL,
		X509_V_ERR_CA_MD_TOO_WEAK,
		X509_V_ERR_INVALID_PURPOSE,
	};
	struct tls_info	in;
	char		buf[1024];
	size_t		i;

	fill(&in);
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		in.nfaults = 0;
		add_fault(&in, TLS_CHECK_OTHER, 0, errors[i], "CN=x", "", 0);
		tls_format_fault(&in, &in.faults[0], buf, sizeof(buf));
		cr_assert_null(strstr(buf, ":tls shows the chain"),
		    "error %ld has no fix of its own: %s", errors[i], buf);
		cr_assert_null(strchr(buf, '\n'));
	}
}
