/*
 * test_tls.c -- tls_start/read/write against an in-process TLS server.
 *
 * Each test makes a fresh key and self-signed certificate for
 * localhost/127.0.0.1 with the EVP and X509 APIs, then forks a server
 * that speaks TLS on one end of a socketpair.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
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
};

static EVP_PKEY	*key;
static X509	*cert;
static char	 certfile[512];
static int	 cfd = -1;	/* client end */
static int	 sfd = -1;	/* server end */
static pid_t	 srv = -1;
static int	 srv_binding;	/* after the handshake, send the channel
				   binding data as the server sees it */

static void
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	cr_assert_not_null(ext);
	cr_assert(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
}

static void
setup(void)
{
	X509_NAME	*nm;
	FILE		*f;
	const char	*tmp;
	int		 fd, sv[2];

	key = EVP_EC_gen("P-256");
	cr_assert_not_null(key);
	cert = X509_new();
	cr_assert_not_null(cert);
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 42);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, key);
	nm = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0);
	X509_set_issuer_name(cert, nm);
	add_ext(cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
	cr_assert(X509_sign(cert, key, EVP_sha256()));

	tmp = getenv("TMPDIR");
	snprintf(certfile, sizeof(certfile), "%s/test_tls.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	fd = mkstemp(certfile);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	cr_assert(PEM_write_X509(f, cert));
	fclose(f);

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
	X509_free(cert);
	EVP_PKEY_free(key);
}

TestSuite(tls, .init = setup, .fini = teardown, .timeout = 20);

/* The server side, in a child process on the blocking end sfd. */
static void
server_run(enum srv_mode mode)
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
	if (ctx == NULL || !SSL_CTX_use_certificate(ctx, cert) ||
	    !SSL_CTX_use_PrivateKey(ctx, key))
		_exit(2);
	if (mode == SRV_TLS11) {
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
		SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
	} else if (mode == SRV_TLS12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
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
server_start(enum srv_mode mode)
{
	srv = fork();
	cr_assert(srv >= 0);
	if (srv == 0) {
		close(cfd);
		server_run(mode);
	}
	close(sfd);
	sfd = -1;
}

static struct tls *
start(const char *name, const char *ca, int insecure, int timeout_ms,
    char *err, size_t errlen)
{
	struct tls_opts	o;

	memset(&o, 0, sizeof(o));
	o.servername = name;
	o.cafile = ca;
	o.insecure = insecure;
	return tls_start(cfd, &o, timeout_ms, err, errlen);
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

Test(tls, insecure_self_signed_round_trip)
{
	struct tls	*t;
	char		 err[256], sum[256], buf[64];
	ssize_t		 r;

	server_start(SRV_ECHO);
	t = start("localhost", NULL, 1, 5000, err, sizeof(err));
	cr_assert_not_null(t, "handshake failed: %s", err);
	cr_assert_eq(tls_verified(t), 0);
	tls_summary(t, sum, sizeof(sum));
	cr_assert(strncmp(sum, "TLSv1.3 TLS_", 12) == 0, "summary: %s", sum);
	cr_assert(strstr(sum, " verify=failed (self-signed certificate)") !=
	    NULL, "summary: %s", sum);

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
	char		 err[256];

	server_start(SRV_ECHO);
	t = start("localhost", NULL, 0, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(err, "certificate verification failed for "
	    "localhost: self-signed certificate (trust its CA with --cafile "
	    "FILE, or go on unverified with --insecure)");
	cr_assert_null(strchr(err, '\n'));
}

Test(tls, verify_ok_with_cafile)
{
	struct tls	*t;
	char		 err[256], sum[256], buf[64];

	server_start(SRV_ECHO);
	t = start("localhost", certfile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "handshake failed: %s", err);
	cr_assert_eq(tls_verified(t), 1);
	tls_summary(t, sum, sizeof(sum));
	cr_assert(strstr(sum, " verify=ok") != NULL, "summary: %s", sum);
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
	tls_free(t);
}

Test(tls, hostname_mismatch)
{
	struct tls	*t;
	char		 err[256];

	server_start(SRV_ECHO);
	t = start("mx.example.org", certfile, 0, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(err, "certificate verification failed for "
	    "mx.example.org: hostname mismatch (connect by a name the "
	    "certificate holds, or go on unverified with --insecure)");
}

Test(tls, hostname_mismatch_insecure_goes_on)
{
	struct tls	*t;
	char		 err[256], sum[256];

	server_start(SRV_ECHO);
	t = start("mx.example.org", certfile, 1, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	tls_summary(t, sum, sizeof(sum));
	cr_assert(strstr(sum, "verify=failed (hostname mismatch)") != NULL,
	    "summary: %s", sum);
	tls_free(t);
}

Test(tls, cert_details)
{
	struct tls	*t;
	char		 err[256], d[2048], *p;

	server_start(SRV_ECHO);
	t = start("localhost", certfile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	tls_cert_details(t, d, sizeof(d));
	cr_assert(strstr(d, "\nsubject: CN=localhost\n") != NULL, "%s", d);
	cr_assert(strstr(d, "\nissuer: CN=localhost\n") != NULL, "%s", d);
	cr_assert(strstr(d, "\nsubjectAltName: DNS:localhost, IP:127.0.0.1\n")
	    != NULL, "%s", d);
	cr_assert(strstr(d, "\nnot before: 20") != NULL, "%s", d);
	cr_assert(strstr(d, "\nnot after: 20") != NULL, "%s", d);
	cr_assert(strstr(d, "\nchain: 1 certificate sent") != NULL, "%s", d);
	p = strstr(d, "\nsha256: ");
	cr_assert_not_null(p, "%s", d);
	/* 32 bytes as XX:XX:...: 95 characters, then the newline. */
	cr_assert_eq(strcspn(p + 9, "\n"), 95, "%s", d);
	/* A small buffer is cut, never overrun. */
	tls_cert_details(t, d, 20);
	cr_assert_eq(strlen(d), 19);
	tls_free(t);
}

Test(tls, tls12_summary)
{
	struct tls	*t;
	char		 err[256], sum[256];

	server_start(SRV_TLS12);
	t = start("localhost", certfile, 0, 5000, err, sizeof(err));
	cr_assert_not_null(t, "%s", err);
	tls_summary(t, sum, sizeof(sum));
	cr_assert(strncmp(sum, "TLSv1.2 ", 8) == 0, "summary: %s", sum);
	tls_free(t);
}

Test(tls, refuses_tls11)
{
	struct tls	*t;
	char		 err[256];

	server_start(SRV_TLS11);
	t = start("localhost", NULL, 1, 5000, err, sizeof(err));
	cr_assert_null(t);
	cr_assert(strncmp(err, "TLS handshake failed: ", 22) == 0, "%s", err);
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
	cr_assert(strncmp(err, "TLS handshake failed: ", 22) == 0, "%s", err);
}

Test(tls, handshake_timeout)
{
	struct tls	*t;
	char		 err[256];

	/* The server end stays open and never answers. */
	server_start(SRV_SILENT);
	t = start("localhost", NULL, 1, 300, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_str_eq(err, "TLS handshake timed out after 300 ms");
}

Test(tls, bad_cafile)
{
	struct tls	*t;
	char		 err[256];

	t = start("localhost", "/nonexistent/ca.pem", 0, 300, err, sizeof(err));
	cr_assert_null(t);
	cr_assert(strncmp(err, "cannot load CA file /nonexistent/ca.pem: ",
	    41) == 0, "%s", err);
}

Test(tls, summary_without_tls)
{
	char	sum[32];

	tls_summary(NULL, sum, sizeof(sum));
	cr_assert_str_eq(sum, "no TLS");
	cr_assert_eq(tls_verified(NULL), 0);
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
