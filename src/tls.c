/*
 * tls.c -- OpenSSL client side: implicit TLS (RFC 8314 3.3) and the
 * STARTTLS upgrade (RFC 3207 4), SNI, verification, summaries.
 *
 * The socket stays non-blocking; the handshake and writes are driven with
 * poll() up to a deadline.  Reads never block: they return what OpenSSL
 * has decrypted, or 0 when a whole record has not arrived yet.
 *
 * Socket I/O goes through a small BIO of our own that uses send() with
 * MSG_NOSIGNAL, so a peer that drops the connection gives an error return
 * rather than a SIGPIPE that would end the program.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "net.h"
#include "tls.h"

struct tls {
	SSL_CTX		*ctx;
	SSL		*ssl;
	BIO_METHOD	*biometh;
	int		 fd;
	long		 verify_result;	/* X509_V_OK or why not */
	int		 failed;	/* fatal error: no close_notify */
	int		 dane;		/* usable TLSA records given */
};

/* Per-BIO state of the socket BIO. */
struct tls_sock {
	int	fd;
	int	eof;
};

static int	 tls_bio_create(BIO *);
static int	 tls_bio_destroy(BIO *);
static int	 tls_bio_read(BIO *, char *, int);
static int	 tls_bio_write(BIO *, const char *, int);
static long	 tls_bio_ctrl(BIO *, int, long, void *);
static BIO_METHOD *tls_bio_method(void);
static void	 tls_errq(char *, size_t);
static void	 tls_fail(char *, size_t, const char *, const char *);
static int	 tls_is_ip(const char *);
static int	 tls_wait(int, short, long long);
static void	 tls_escape(char *, size_t, const unsigned char *, size_t);
static void	 tls_addline(char *, size_t, size_t *, const char *,
		    const char *);
static void	 tls_name(const X509_NAME *, char *, size_t);
static void	 tls_time(const ASN1_TIME *, char *, size_t);
static void	 tls_sans(X509 *, char *, size_t);
static int	 tls_dane_setup(struct tls *, const struct tls_opts *);

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
	BIO_METHOD	*m;

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
	return m;
}

/* ---- helpers ------------------------------------------------------ */

/* Drain the OpenSSL error queue into "reason; reason" (empty if none). */
static void
tls_errq(char *buf, size_t size)
{
	unsigned long	 e;
	const char	*r;
	size_t		 len = 0;
	char		 code[32];

	if (size == 0)
		return;
	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
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

/* err = "WHAT: <queued OpenSSL reasons or fallback>". */
static void
tls_fail(char *err, size_t errlen, const char *what, const char *fallback)
{
	char	q[256];

	tls_errq(q, sizeof(q));
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, q[0] != '\0' ? q :
		    fallback);
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
	struct pollfd	pfd;
	long long	left;
	int		n;

	for (;;) {
		left = deadline - (long long)net_clock_ms();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		/* Errors and hang-ups are reported by the next SSL call. */
		return n > 0 ? 1 : 0;
	}
}

/* Copy len bytes as printable ASCII, others as \xNN. */
static void
tls_escape(char *out, size_t size, const unsigned char *s, size_t len)
{
	size_t	i, o = 0;

	if (size == 0)
		return;
	for (i = 0; i < len && o + 1 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			out[o++] = (char)s[i];
		else {
			if (o + 5 >= size)
				break;
			snprintf(out + o, size - o, "\\x%02x", s[i]);
			o += 4;
		}
	}
	out[o] = '\0';
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

/* ---- public ------------------------------------------------------- */

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
	t->verify_result = X509_V_OK;

	/* The handshake is driven by poll(); a blocking socket would hang
	 * past the deadline. */
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "cannot make the socket non-blocking: %s",
		    strerror(errno));
		goto fail;
	}

	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_fail(err, errlen, "cannot set up TLS", "out of memory");
		goto fail;
	}
	/* RFC 8314 4.1: TLS 1.2 or later. */
	if (!SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION)) {
		tls_fail(err, errlen, "cannot set up TLS",
		    "TLS 1.2 unavailable");
		goto fail;
	}
	if (opts != NULL && opts->cafile != NULL) {
		if (!SSL_CTX_load_verify_locations(t->ctx, opts->cafile,
		    NULL)) {
			char	what[512];

			snprintf(what, sizeof(what), "cannot load CA file %s",
			    opts->cafile);
			tls_fail(err, errlen, what, "unreadable");
			goto fail;
		}
	} else if (!SSL_CTX_set_default_verify_paths(t->ctx)) {
		tls_fail(err, errlen, "cannot load the system CA certificates",
		    "unreadable");
		goto fail;
	}
	/* With --insecure OpenSSL still verifies and records the result;
	 * it only does not abort the handshake. */
	SSL_CTX_set_verify(t->ctx, opts != NULL && opts->insecure ?
	    SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);

	if ((t->ssl = SSL_new(t->ctx)) == NULL) {
		tls_fail(err, errlen, "cannot set up TLS", "out of memory");
		goto fail;
	}
	if (name != NULL && name[0] != '\0') {
		if (tls_is_ip(name)) {
			/* RFC 6066 3: no IP literals in SNI; check the
			 * certificate's IP address entries instead. */
			if (!X509_VERIFY_PARAM_set1_ip_asc(
			    SSL_get0_param(t->ssl), name)) {
				tls_fail(err, errlen, "cannot set up TLS",
				    "bad IP address");
				goto fail;
			}
		} else if (!SSL_set_tlsext_host_name(t->ssl, name) ||
		    !SSL_set1_host(t->ssl, name)) {
			tls_fail(err, errlen, "cannot set up TLS",
			    "bad server name");
			goto fail;
		}
	}

	if (opts != NULL && opts->ntlsa > 0 && name != NULL &&
	    tls_dane_setup(t, opts) == -1) {
		tls_fail(err, errlen, "cannot set up DANE", "bad TLSA record");
		goto fail;
	}

	if ((t->biometh = tls_bio_method()) == NULL ||
	    (bio = BIO_new(t->biometh)) == NULL) {
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
				snprintf(err, errlen, "TLS handshake timed out "
				    "after %d ms", timeout_ms);
			else
				snprintf(err, errlen, "TLS handshake failed: "
				    "%s", strerror(errno));
			goto fail;
		}
		t->failed = 1;
		t->verify_result = SSL_get_verify_result(t->ssl);
		if (t->verify_result != X509_V_OK) {
			ERR_clear_error();
			/* one line, and what to do about it */
			snprintf(err, errlen, "certificate verification failed"
			    "%s%s: %s (%s, or go on unverified with "
			    "--insecure)", name != NULL ? " for " : "",
			    name != NULL ? name : "",
			    X509_verify_cert_error_string(t->verify_result),
			    t->verify_result == X509_V_ERR_HOSTNAME_MISMATCH ||
			    t->verify_result == X509_V_ERR_IP_ADDRESS_MISMATCH ?
			    "connect by a name the certificate holds" :
			    "trust its CA with --cafile FILE");
		} else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
			snprintf(err, errlen, "TLS handshake failed: %s",
			    errno != 0 ? strerror(errno) :
			    "the server closed the connection");
		else
			tls_fail(err, errlen, "TLS handshake failed",
			    "protocol error");
		goto fail;
	}

	t->verify_result = SSL_get_verify_result(t->ssl);
	if (t->verify_result == X509_V_OK &&
	    SSL_get0_peer_certificate(t->ssl) == NULL)
		t->verify_result = X509_V_ERR_UNSPECIFIED;
	return t;

fail:
	ERR_clear_error();
	tls_free(t);
	return NULL;
}

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
	BIO_meth_free(t->biometh);
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
	return 0;
}

int
tls_pending(struct tls *t)
{
	return t != NULL ? SSL_pending(t->ssl) : 0;
}

void
tls_summary(const struct tls *t, char *buf, size_t size)
{
	const SSL_CIPHER	*c;

	if (size == 0)
		return;
	if (t == NULL || t->ssl == NULL) {
		snprintf(buf, size, "no TLS");
		return;
	}
	c = SSL_get_current_cipher(t->ssl);
	if (t->verify_result == X509_V_OK)
		snprintf(buf, size, "%s %s verify=ok", SSL_get_version(t->ssl),
		    c != NULL ? SSL_CIPHER_get_name(c) : "none");
	else
		snprintf(buf, size, "%s %s verify=failed (%s)",
		    SSL_get_version(t->ssl),
		    c != NULL ? SSL_CIPHER_get_name(c) : "none",
		    t->verify_result == X509_V_ERR_UNSPECIFIED &&
		    SSL_get0_peer_certificate(t->ssl) == NULL ?
		    "no certificate" :
		    X509_verify_cert_error_string(t->verify_result));
}

int
tls_verified(const struct tls *t)
{
	return t != NULL && t->verify_result == X509_V_OK;
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

/* Append "LABEL VALUE\n" to buf at *off; stops quietly when full. */
static void
tls_addline(char *buf, size_t size, size_t *off, const char *label,
    const char *value)
{
	int	n;

	if (*off + 1 >= size)
		return;
	n = snprintf(buf + *off, size - *off, "%s%s\n", label, value);
	if (n < 0)
		return;
	if ((size_t)n >= size - *off)
		*off = size - 1;
	else
		*off += (size_t)n;
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
		tls_escape(out, size, (const unsigned char *)p,
		    len > 0 ? (size_t)len : 0);
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
			tls_escape(one + 4, sizeof(one) - 4,
			    ASN1_STRING_get0_data(g->d.dNSName),
			    (size_t)ASN1_STRING_length(g->d.dNSName));
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
			tls_escape(one + 6, sizeof(one) - 6,
			    ASN1_STRING_get0_data(g->d.rfc822Name),
			    (size_t)ASN1_STRING_length(g->d.rfc822Name));
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

void
tls_cert_details(const struct tls *t, char *buf, size_t size)
{
	X509			*cert;
	STACK_OF(X509)		*chain;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	char			 v[1024];
	size_t			 off = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (t == NULL || t->ssl == NULL ||
	    (cert = SSL_get0_peer_certificate(t->ssl)) == NULL) {
		snprintf(buf, size, "no peer certificate\n");
		return;
	}
	tls_summary(t, v, sizeof(v));
	tls_addline(buf, size, &off, "tls: ", v);
	tls_name(X509_get_subject_name(cert), v, sizeof(v));
	tls_addline(buf, size, &off, "subject: ", v);
	tls_name(X509_get_issuer_name(cert), v, sizeof(v));
	tls_addline(buf, size, &off, "issuer: ", v);
	tls_sans(cert, v, sizeof(v));
	tls_addline(buf, size, &off, "subjectAltName: ", v);
	tls_time(X509_get0_notBefore(cert), v, sizeof(v));
	tls_addline(buf, size, &off, "not before: ", v);
	tls_time(X509_get0_notAfter(cert), v, sizeof(v));
	tls_addline(buf, size, &off, "not after: ", v);
	v[0] = '\0';
	if (X509_digest(cert, EVP_sha256(), md, &mdlen))
		for (i = 0; i < mdlen && 3 * i + 3 < sizeof(v); i++)
			snprintf(v + strlen(v), sizeof(v) - strlen(v), "%s%02X",
			    i > 0 ? ":" : "", md[i]);
	ERR_clear_error();
	tls_addline(buf, size, &off, "sha256: ", v);
	chain = SSL_get_peer_cert_chain(t->ssl);
	snprintf(v, sizeof(v), "%d certificate%s sent by the server",
	    chain != NULL ? sk_X509_num(chain) : 1,
	    chain != NULL && sk_X509_num(chain) == 1 ? "" : "s");
	tls_addline(buf, size, &off, "chain: ", v);
}

int
tls_channel_binding(const struct tls *t, const char **type, unsigned char *buf,
    size_t size)
{
	static const char label[] = "EXPORTER-Channel-Binding";
	size_t n;

	if (t == NULL || t->ssl == NULL)
		return -1;
	if (SSL_version(t->ssl) >= TLS1_3_VERSION) {
		/* RFC 9266 2: 32 octets, no context */
		if (size < 32 || SSL_export_keying_material(t->ssl, buf, 32,
		    label, sizeof label - 1, NULL, 0, 0) != 1)
			return -1;
		*type = "tls-exporter";
		return 32;
	}
	/* RFC 5929 3.1: the client's Finished, or the server's when the
	 * session was resumed (the server sent its Finished first) */
	n = SSL_session_reused(t->ssl) ? SSL_get_peer_finished(t->ssl, buf,
	    size) : SSL_get_finished(t->ssl, buf, size);
	if (n == 0 || n > size)
		return -1;
	*type = "tls-unique";
	return (int)n;
}
