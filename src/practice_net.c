/*
 * practice_net.c -- the network layer of the practice server: one
 * non-blocking poll() loop on 127.0.0.1 feeding many protocol engines
 * (practice.c), the store of accepted messages, timeouts, and the child
 * of `smtpscope practice`.
 *
 * Under load it keeps serving (docs/design.md): a connection that has
 * sent nothing gets a shorter timeout than one that has talked, and when
 * every slot is taken the longest-idle connection is closed with 421 to
 * make room, so idle connections cannot lock the others out.
 *
 * TLS is a layer of its own under the engine: a client is in clear,
 * sending the 220 to its STARTTLS (nothing is read then: the ClientHello
 * must reach OpenSSL, not the engine), in the handshake (driven by what
 * OpenSSL wants, on the same poll() loop), or under TLS, where reads and
 * writes go through SSL_read()/SSL_write().  The engine is told when TLS
 * is up (practice_conn_tls_started()).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "net.h"
#include "practice.h"
#include "practice_auth.h"
#include "practice_net.h"
#include "tls.h"

/* Descriptors kept free besides the clients: the listening socket,
 * stdio, a store file being written. */
#define PRACTICE_NET_SPARE_FDS	16
/* Enough output waiting for one client: stop reading it until sent. */
#define PRACTICE_NET_OUT_HIGH	(64 * 1024)
/* The child of `smtpscope practice` serves one learner, who may think
 * long before typing. */
#define PRACTICE_NET_LEARNER_TIMEOUT	(30 * 60)

/* Days the certificate made at start is valid. */
#define PRACTICE_NET_CERT_DAYS	30

struct practice_net_tls {
	SSL_CTX		*ctx;
	char		*pem;		/* the certificate, for clients */
};

/* Where a client is with TLS. */
enum practice_net_tls_state {
	PRACTICE_NET_CLEAR,		/* no TLS (yet) */
	PRACTICE_NET_STARTTLS,		/* sending the 220 to STARTTLS */
	PRACTICE_NET_HANDSHAKE,		/* in the handshake */
	PRACTICE_NET_TLS,		/* TLS is up */
};

/* The server's side of one run. */
struct practice_net {
	const struct practice_net_opts	*o;
	struct practice_opts		 server;	/* o->server, with the
							   run's memory */
	unsigned long			 accepted;	/* messages */
	unsigned long			 seq;		/* last <n> tried in store_dir */
	unsigned long			 ids;		/* last connection id */
};

struct practice_net_client {
	struct practice_net	*net;
	int			 fd;
	unsigned long		 id;
	struct practice_conn	*conn;
	int			 eof;		/* client closed its side */
	int			 spoke;		/* it has sent something */
	double			 last;		/* ms of the last input (or connect) */
	enum practice_net_tls_state tls;
	SSL			*ssl;		/* from the handshake on */
	short			 want;		/* poll events OpenSSL waits for */
};

static void	practice_net_log(struct practice_net *, unsigned long,
		    const char *, ...) __attribute__((format(__printf__, 3, 4)));
static void	practice_net_conn_log(void *, const char *);
static double	practice_net_clock(void *);
static unsigned long practice_net_deliver(void *,
		    const struct practice_envelope *, const char *, size_t,
		    char *, size_t);
static int	practice_net_write_all(int, const char *, size_t);
static int	practice_net_create(const char *, unsigned long, const char *,
		    char *, size_t);
static unsigned long practice_net_store(struct practice_net *,
		    const struct practice_envelope *, const char *, size_t,
		    char *, size_t);
static int	practice_net_flush(struct practice_net_client *);
static void	practice_net_drop(struct practice_net_client *, const char *,
		    const char *);
static int	practice_net_read(struct practice_net_client *);
static void	practice_net_accept(struct practice_net *, int, int,
		    struct practice_net_client *, int);
static int	practice_net_tls_cert(const char *, EVP_PKEY **, X509 **,
		    char *, size_t);
static void	practice_net_starttls(void *);
static int	practice_net_tls_begin(struct practice_net_client *);
static int	practice_net_handshake(struct practice_net_client *);
static int	practice_net_tls_read(struct practice_net_client *);
static int	practice_net_tls_flush(struct practice_net_client *);
static short	practice_net_events(struct practice_net_client *);
static void	practice_net_child_signal(int);

static pid_t practice_net_parent;	/* in the child of practice_net_spawn */
static volatile sig_atomic_t practice_net_child_stop;

/* ------------------------------------------------------------------------ */
/* Logging and the store. */

static void
practice_net_log(struct practice_net *net, unsigned long id, const char *fmt,
    ...)
{
	char	buf[600];
	va_list	ap;

	if (net->o->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	net->o->log(net->o->logarg, id, buf);
}

/* The engine's log lines, under the connection's number. */
static void
practice_net_conn_log(void *arg, const char *line)
{
	struct practice_net_client *cl = arg;

	practice_net_log(cl->net, cl->id, "%s", line);
}

/* The engine's clock: when held replies are due, how long a greylisted
 * pair has waited. */
static double
practice_net_clock(void *arg)
{
	(void)arg;
	return net_clock_ms();
}

static int
practice_net_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	w;

	while (len > 0) {
		if ((w = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Create dir/<n>.ext exclusively: the descriptor, or -1 with errno
 * (EEXIST when the name is taken). */
static int
practice_net_create(const char *dir, unsigned long n, const char *ext,
    char *path, size_t size)
{
	if ((size_t)snprintf(path, size, "%s/%lu.%s", dir, n, ext) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
}

/*
 * DIR/<n>.eml gets the body, DIR/<n>.env the envelope, for the first n
 * where both names are free: each is created with O_EXCL, so a file left
 * there earlier (or by another server) is skipped, never overwritten.
 * Returns n, or 0 with err set.
 */
static unsigned long
practice_net_store(struct practice_net *net,
    const struct practice_envelope *env, const char *body, size_t len,
    char *err, size_t errlen)
{
	const char	*dir = net->o->store_dir;
	char		 eml[PATH_MAX], envp[PATH_MAX], *text;
	size_t		 tlen, tcap, i;
	unsigned long	 n;
	int		 efd, vfd, tries, save, ok;

	/* The envelope as the commands that gave it. */
	tcap = 64 + strlen(env->from) + strlen(env->params);
	for (i = 0; i < env->nrcpts; i++)
		tcap += 16 + strlen(env->rcpts[i]);
	if ((text = malloc(tcap)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 0;
	}
	tlen = (size_t)snprintf(text, tcap, "MAIL FROM:<%s>%s%s\n", env->from,
	    *env->params ? " " : "", env->params);
	for (i = 0; i < env->nrcpts; i++)
		tlen += (size_t)snprintf(text + tlen, tcap - tlen,
		    "RCPT TO:<%s>\n", env->rcpts[i]);
	for (tries = 0; tries < 10000; tries++) {
		n = ++net->seq;
		if ((efd = practice_net_create(dir, n, "eml", eml,
		    sizeof eml)) == -1) {
			if (errno == EEXIST)
				continue;
			break;
		}
		if ((vfd = practice_net_create(dir, n, "env", envp,
		    sizeof envp)) == -1) {
			save = errno;
			close(efd);
			(void)unlink(eml);
			errno = save;
			if (errno == EEXIST)
				continue;
			break;
		}
		ok = practice_net_write_all(efd, body, len) == 0 &&
		    practice_net_write_all(vfd, text, tlen) == 0;
		save = errno;
		if (close(efd) == -1 && ok) {
			ok = 0;
			save = errno;
		}
		if (close(vfd) == -1 && ok) {
			ok = 0;
			save = errno;
		}
		if (!ok) {
			(void)unlink(eml);
			(void)unlink(envp);
			errno = save;
			break;
		}
		free(text);
		return n;
	}
	if (tries == 10000)
		errno = EEXIST;
	snprintf(err, errlen, "could not store a message in %s: %s", dir,
	    strerror(errno));
	free(text);
	return 0;
}

/* The engine's deliver hook: keep the message, number it. */
static unsigned long
practice_net_deliver(void *arg, const struct practice_envelope *env,
    const char *body, size_t len, char *err, size_t errlen)
{
	struct practice_net_client	*cl = arg;
	struct practice_net		*net = cl->net;
	unsigned long			 n;

	if (net->o->store_dir == NULL)
		return ++net->accepted;
	if ((n = practice_net_store(net, env, body, len, err, errlen)) != 0)
		net->accepted++;
	return n;
}

/* ------------------------------------------------------------------------ */
/* TLS. */

/* A new P-256 key and a certificate signed by it for host, localhost and
 * 127.0.0.1: the names a learner's client connects by.  0 or -1. */
static int
practice_net_tls_cert(const char *host, EVP_PKEY **keyp, X509 **certp,
    char *err, size_t errlen)
{
	X509V3_CTX	 v3;
	X509_EXTENSION	*ext;
	X509_NAME	*nm;
	EVP_PKEY	*key;
	X509		*x = NULL;
	char		 san[300];
	static const struct {
		int		 nid;
		const char	*value;
	} exts[] = {
		{ NID_basic_constraints, "critical,CA:FALSE" },
		{ NID_key_usage, "critical,digitalSignature" },
		{ NID_ext_key_usage, "serverAuth" },
		{ NID_subject_alt_name, NULL },		/* san */
	};
	size_t		 i;

	if ((key = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL)
		goto fail;
	snprintf(san, sizeof san, "DNS:%s,DNS:localhost,IP:127.0.0.1", host);
	if (!X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL)) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
	    (long)PRACTICE_NET_CERT_DAYS * 86400) == NULL ||
	    !X509_set_pubkey(x, key))
		goto fail;
	nm = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)host, -1, -1, 0) ||
	    !X509_set_issuer_name(x, nm))
		goto fail;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		ext = X509V3_EXT_conf_nid(NULL, &v3, exts[i].nid,
		    exts[i].value != NULL ? exts[i].value : san);
		if (ext == NULL || !X509_add_ext(x, ext, -1)) {
			X509_EXTENSION_free(ext);
			goto fail;
		}
		X509_EXTENSION_free(ext);
	}
	if (!X509_sign(x, key, EVP_sha256()))
		goto fail;
	*keyp = key;
	*certp = x;
	return 0;
fail:
	tls_error(err, errlen, "cannot make a certificate");
	X509_free(x);
	EVP_PKEY_free(key);
	return -1;
}

struct practice_net_tls *
practice_net_tls_new(const char *cert_file, const char *key_file,
    const char *hostname, char *err, size_t errlen)
{
	struct practice_net_tls	*t;
	EVP_PKEY		*key = NULL;
	X509			*cert = NULL;
	BIO			*b = NULL;
	char			 what[600], *p;
	long			 n;

	ERR_clear_error();
	if ((t = calloc(1, sizeof *t)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((t->ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    !SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION)) {
		tls_error(err, errlen, "cannot set up TLS");
		goto fail;
	}
	/* The engine's output buffer moves and grows between tries. */
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (cert_file != NULL) {
		if (!SSL_CTX_use_certificate_chain_file(t->ctx, cert_file)) {
			snprintf(what, sizeof what, "cannot load the "
			    "certificate %s", cert_file);
			tls_error(err, errlen, what);
			goto fail;
		}
		if (!SSL_CTX_use_PrivateKey_file(t->ctx, key_file != NULL ?
		    key_file : cert_file, SSL_FILETYPE_PEM)) {
			snprintf(what, sizeof what, "cannot load the key %s "
			    "(or it does not belong to %s)", key_file != NULL ?
			    key_file : cert_file, cert_file);
			tls_error(err, errlen, what);
			goto fail;
		}
		cert = SSL_CTX_get0_certificate(t->ctx);
	} else {
		if (practice_net_tls_cert(hostname != NULL ? hostname :
		    PRACTICE_DEFAULT_HOST, &key, &cert, err, errlen) == -1)
			goto fail;
		if (!SSL_CTX_use_certificate(t->ctx, cert) ||
		    !SSL_CTX_use_PrivateKey(t->ctx, key)) {
			tls_error(err, errlen, "cannot set up TLS");
			goto fail;
		}
	}
	if ((b = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(b, cert) ||
	    (n = BIO_get_mem_data(b, &p)) <= 0 ||
	    (t->pem = strndup(p, (size_t)n)) == NULL) {
		tls_error(err, errlen, "cannot set up TLS");
		goto fail;
	}
	BIO_free(b);
	if (cert_file == NULL) {
		/* the context holds references of its own */
		X509_free(cert);
		EVP_PKEY_free(key);
	}
	return t;
fail:
	BIO_free(b);
	if (cert_file == NULL) {
		X509_free(cert);
		EVP_PKEY_free(key);
	}
	practice_net_tls_free(t);
	return NULL;
}

void
practice_net_tls_free(struct practice_net_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t->pem);
	free(t);
}

const char *
practice_net_tls_pem(const struct practice_net_tls *t)
{
	return t->pem;
}

/* The engine's starttls hook: its 220 is in the output; the handshake
 * starts once it is sent (practice_net_flush). */
static void
practice_net_starttls(void *arg)
{
	struct practice_net_client *cl = arg;

	cl->tls = PRACTICE_NET_STARTTLS;
}

/* The handshake starts on cl's socket.  -1 when it cannot. */
static int
practice_net_tls_begin(struct practice_net_client *cl)
{
	if ((cl->ssl = SSL_new(cl->net->o->tls->ctx)) == NULL ||
	    !SSL_set_fd(cl->ssl, cl->fd)) {
		ERR_clear_error();
		return -1;
	}
	SSL_set_accept_state(cl->ssl);
	cl->tls = PRACTICE_NET_HANDSHAKE;
	cl->want = POLLIN;
	return practice_net_handshake(cl);
}

/* Drive the handshake one step.  -1 when it failed (logged). */
static int
practice_net_handshake(struct practice_net_client *cl)
{
	const SSL_CIPHER	*c;
	char			 why[300];
	const char		*cbtype;
	unsigned char		 cb[64];
	int			 r, e, n;

	ERR_clear_error();
	if ((r = SSL_accept(cl->ssl)) == 1) {
		cl->tls = PRACTICE_NET_TLS;
		cl->want = 0;
		c = SSL_get_current_cipher(cl->ssl);
		practice_net_log(cl->net, cl->id, "TLS up: %s %s",
		    SSL_get_version(cl->ssl), c != NULL ?
		    SSL_CIPHER_get_name(c) : "none");
		practice_conn_tls_started(cl->conn);
		/* SCRAM-SHA-256-PLUS binds to it (RFC 5802 6) */
		if ((n = tls_ssl_channel_binding(cl->ssl, &cbtype, cb,
		    sizeof cb)) > 0)
			practice_conn_channel_binding(cl->conn, cbtype, cb,
			    (size_t)n);
		return 0;
	}
	e = SSL_get_error(cl->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		cl->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return 0;
	}
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		snprintf(why, sizeof why, "TLS handshake failed: the client "
		    "closed the connection");
	else
		tls_error(why, sizeof why, "TLS handshake failed");
	practice_net_log(cl->net, cl->id, "%s", why);
	return -1;
}

/* Read what TLS has decrypted.  -1 when the connection is broken. */
static int
practice_net_tls_read(struct practice_net_client *cl)
{
	char	buf[16384];
	size_t	outlen;
	int	r, e;

	for (;;) {
		ERR_clear_error();
		if ((r = SSL_read(cl->ssl, buf, sizeof buf)) > 0) {
			cl->last = net_clock_ms();
			cl->spoke = 1;
			practice_conn_input(cl->conn, buf, (size_t)r);
			(void)practice_conn_output(cl->conn, &outlen);
			/* decrypted bytes wait inside OpenSSL, which poll()
			 * cannot see: read on, unless the output is full */
			if (practice_conn_done(cl->conn) ||
			    cl->tls != PRACTICE_NET_TLS ||
			    outlen >= PRACTICE_NET_OUT_HIGH)
				return 0;
			continue;
		}
		e = SSL_get_error(cl->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			cl->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
			return 0;
		}
		/* close_notify, or the client went without one */
		if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL &&
		    ERR_peek_error() == 0) || ERR_GET_REASON(ERR_peek_error()) ==
		    SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			cl->eof = 1;
			practice_conn_eof(cl->conn);
			return 0;
		}
		ERR_clear_error();
		practice_conn_eof(cl->conn);
		return -1;
	}
}

/* Send what can be sent now through TLS.  -1 when broken. */
static int
practice_net_tls_flush(struct practice_net_client *cl)
{
	const char	*out;
	size_t		 len;
	int		 r, e;

	for (;;) {
		out = practice_conn_output(cl->conn, &len);
		if (len == 0)
			return 0;
		ERR_clear_error();
		if ((r = SSL_write(cl->ssl, out, len > INT_MAX ? INT_MAX :
		    (int)len)) > 0) {
			practice_conn_consume(cl->conn, (size_t)r);
			continue;
		}
		e = SSL_get_error(cl->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			cl->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
			return 0;
		}
		ERR_clear_error();
		return -1;
	}
}

/* The poll() events cl waits for. */
static short
practice_net_events(struct practice_net_client *cl)
{
	size_t	outlen;
	short	ev = 0;

	(void)practice_conn_output(cl->conn, &outlen);
	switch (cl->tls) {
	case PRACTICE_NET_STARTTLS:
		/* only the 220: the ClientHello is for OpenSSL */
		return outlen > 0 ? POLLOUT : 0;
	case PRACTICE_NET_HANDSHAKE:
		return cl->want;
	case PRACTICE_NET_TLS:
		if (cl->want == POLLOUT)
			ev |= POLLOUT;
		break;
	case PRACTICE_NET_CLEAR:
		break;
	}
	if (!cl->eof && !practice_conn_done(cl->conn) &&
	    outlen < PRACTICE_NET_OUT_HIGH)
		ev |= POLLIN;
	if (outlen > 0)
		ev |= POLLOUT;
	return ev;
}

/* ------------------------------------------------------------------------ */
/* Options and the listening socket. */

int
practice_net_check(const struct practice_net_opts *o, char *err,
    size_t errlen)
{
	struct stat st;

	if (practice_check_opts(&o->server, err, errlen) == -1 ||
	    practice_auth_load(err, errlen) == -1)
		return -1;
	if (o->store_dir != NULL) {
		if (mkdir(o->store_dir, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s",
			    o->store_dir, strerror(errno));
			return -1;
		}
		if (stat(o->store_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s is not a directory",
			    o->store_dir);
			return -1;
		}
	}
	return 0;
}

int
practice_net_listen(const char *addr, int port, int *bound, char *err,
    size_t errlen)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof sin;
	int			fd, one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	if (port < 0 || port > 65535) {
		snprintf(err, errlen, "port %d out of range", port);
		return -1;
	}
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr != NULL ? addr : "127.0.0.1",
	    &sin.sin_addr) != 1) {
		snprintf(err, errlen, "%s is not an IPv4 address", addr);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s",
		    addr != NULL ? addr : "127.0.0.1", port, strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == -1) {
		snprintf(err, errlen, "listen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return fd;
}

/* ------------------------------------------------------------------------ */
/* Clients. */

/* Send what can be sent now (in clear, or through TLS); after the 220
 * to STARTTLS, start the handshake.  -1 when the connection is broken. */
static int
practice_net_flush(struct practice_net_client *cl)
{
	const char	*out;
	size_t		 len;
	ssize_t		 w;

	if (cl->tls == PRACTICE_NET_HANDSHAKE)
		return 0;	/* the greeting waits on a TLS port */
	if (cl->tls == PRACTICE_NET_TLS)
		return practice_net_tls_flush(cl);
	for (;;) {
		out = practice_conn_output(cl->conn, &len);
		if (len == 0)
			return 0;
		w = send(cl->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			practice_conn_consume(cl->conn, (size_t)w);
			(void)practice_conn_output(cl->conn, &len);
			if (len == 0 && cl->tls == PRACTICE_NET_STARTTLS &&
			    practice_conn_held(cl->conn) == 0)
				return practice_net_tls_begin(cl);
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1;
	}
}

/* Close the client, after a last reply when bye is not NULL. */
static void
practice_net_drop(struct practice_net_client *cl, const char *bye,
    const char *why)
{
	if (bye != NULL && cl->tls == PRACTICE_NET_TLS) {
		(void)practice_net_flush(cl);
		(void)SSL_write(cl->ssl, bye, (int)strlen(bye));
	} else if (bye != NULL && cl->tls == PRACTICE_NET_CLEAR) {
		(void)practice_net_flush(cl);
		(void)send(cl->fd, bye, strlen(bye), MSG_NOSIGNAL |
		    MSG_DONTWAIT);
	}
	practice_net_log(cl->net, cl->id, "closed (%s)", why);
	if (cl->ssl != NULL) {
		/* one close_notify, without waiting for the client's */
		if (cl->tls == PRACTICE_NET_TLS)
			(void)SSL_shutdown(cl->ssl);
		SSL_free(cl->ssl);
		ERR_clear_error();
		cl->ssl = NULL;
	}
	cl->tls = PRACTICE_NET_CLEAR;
	close(cl->fd);
	practice_conn_free(cl->conn);
	cl->fd = -1;
	cl->conn = NULL;
}

/* Read what is there (or take a handshake step); -1 when the connection
 * is broken. */
static int
practice_net_read(struct practice_net_client *cl)
{
	char	buf[16384];
	ssize_t	r;

	if (cl->tls == PRACTICE_NET_HANDSHAKE)
		return practice_net_handshake(cl);
	if (cl->tls == PRACTICE_NET_TLS)
		return practice_net_tls_read(cl);
	r = recv(cl->fd, buf, sizeof buf, MSG_DONTWAIT);
	if (r > 0) {
		cl->last = net_clock_ms();
		cl->spoke = 1;
		practice_conn_input(cl->conn, buf, (size_t)r);
		return 0;
	}
	if (r == 0) {
		cl->eof = 1;
		practice_conn_eof(cl->conn);
		return 0;
	}
	if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	practice_conn_eof(cl->conn);
	return -1;
}

/*
 * Take every pending connection.  When all max slots are in use, the
 * client that has been idle longest is closed with 421 (RFC 5321 3.8) to
 * make room: idle connections, even many, never keep a new client out.
 */
static void
practice_net_accept(struct practice_net *net, int lfd, int tls,
    struct practice_net_client *cls, int max)
{
	static const char room[] = "421 4.3.2 Too many connections: this "
	    "idle one is closed to make room\r\n";
	struct practice_hooks	 hooks;
	struct practice_net_client *cl;
	int			 fd, i, idlest;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;		/* EAGAIN, or an aborted connection */
		for (i = 0; i < max && cls[i].fd != -1; i++)
			continue;
		if (i == max) {
			idlest = 0;
			for (i = 1; i < max; i++)
				if (cls[i].last < cls[idlest].last)
					idlest = i;
			practice_net_drop(&cls[idlest], room, "idle longest; "
			    "room for a new client");
			i = idlest;
		}
		cl = &cls[i];
		cl->net = net;
		cl->fd = fd;
		cl->id = ++net->ids;
		cl->eof = 0;
		cl->spoke = 0;
		cl->last = net_clock_ms();
		cl->tls = PRACTICE_NET_CLEAR;
		cl->ssl = NULL;
		cl->want = 0;
		memset(&hooks, 0, sizeof hooks);
		hooks.log = net->o->log != NULL ? practice_net_conn_log : NULL;
		hooks.deliver = practice_net_deliver;
		hooks.clock = practice_net_clock;
		hooks.starttls = net->o->tls != NULL && !tls ?
		    practice_net_starttls : NULL;
		hooks.arg = cl;
		if ((cl->conn = practice_conn_new(&net->server, &hooks)) ==
		    NULL) {
			close(fd);
			cl->fd = -1;
			continue;
		}
		practice_net_log(net, cl->id, "connected%s", tls ?
		    " (implicit TLS)" : "");
		/* RFC 8314 3.3: TLS first; the greeting waits for it */
		if (tls && practice_net_tls_begin(cl) == -1) {
			practice_net_drop(cl, NULL, "TLS handshake failed");
			continue;
		}
		(void)practice_net_flush(cl);
	}
}

int
practice_net_run(int listen_fd, int tls_fd,
    const struct practice_net_opts *opts, volatile sig_atomic_t *stop,
    unsigned long *accepted, char *err, size_t errlen)
{
	static const char bye[] = "421 4.3.2 Practice server shutting "
	    "down\r\n";
	static const char idle[] = "421 4.4.2 Idle too long, closing\r\n";
	struct practice_net	 net;
	struct practice_net_client *cls = NULL, *cl;
	struct pollfd		*pfd = NULL;
	struct rlimit		 rl;
	double			 now, limit, held, due;
	int			 max, i, n, rc = -1, first, wait, timeout, nl;
	size_t			 outlen;
	short			 re;

	memset(&net, 0, sizeof net);
	net.o = opts;
	net.server = opts->server;
	*accepted = 0;
	max = opts->max_clients > 0 ? opts->max_clients :
	    PRACTICE_NET_DEFAULT_CLIENTS;
	first = opts->first_timeout > 0 ? opts->first_timeout :
	    PRACTICE_NET_FIRST_TIMEOUT;
	wait = opts->idle_timeout > 0 ? opts->idle_timeout :
	    PRACTICE_NET_IDLE_TIMEOUT;
	if (practice_net_check(opts, err, errlen) == -1)
		return -1;
	if (tls_fd != -1 && opts->tls == NULL) {
		snprintf(err, errlen, "a TLS port needs TLS set up");
		return -1;
	}
	nl = tls_fd != -1 ? 2 : 1;	/* listening sockets first in pfd */
	/*
	 * One descriptor per client, and poll() refuses (EINVAL) more
	 * descriptors than the open-file limit: --max-clients above it
	 * stopped the server at once.  Near the limit, accept() would fail
	 * with EMFILE and poll() report the same pending connection for
	 * ever.  Keep clear of it; past it, the idlest client makes room.
	 */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)max + PRACTICE_NET_SPARE_FDS > rl.rlim_cur) {
		max = rl.rlim_cur > PRACTICE_NET_SPARE_FDS + 1 ?
		    (int)(rl.rlim_cur - PRACTICE_NET_SPARE_FDS) : 1;
		practice_net_log(&net, 0, "serving at most %d clients at once "
		    "(open-file limit %lu)", max, (unsigned long)rl.rlim_cur);
	}
	if ((cls = calloc((size_t)max, sizeof *cls)) == NULL ||
	    (pfd = calloc((size_t)max + 2, sizeof *pfd)) == NULL ||
	    (net.server.memory = practice_memory_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < max; i++)
		cls[i].fd = -1;

	while (!*stop) {
		if (practice_net_parent != 0 &&
		    getppid() != practice_net_parent)
			break;
		pfd[0].fd = listen_fd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		if (nl == 2) {
			pfd[1].fd = tls_fd;
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
		}
		/* A timeout, so idle clients and a dead parent are noticed,
		 * and shorter when a held reply (slow) falls due sooner. */
		timeout = 1000;
		now = net_clock_ms();
		for (i = 0; i < max; i++) {
			cl = &cls[i];
			pfd[i + nl].fd = cl->fd;
			pfd[i + nl].events = 0;
			pfd[i + nl].revents = 0;
			if (cl->fd == -1)
				continue;
			pfd[i + nl].events = practice_net_events(cl);
			if ((held = practice_conn_held(cl->conn)) > 0) {
				due = held - now + 1;
				if (due < timeout)
					timeout = due < 0 ? 0 : (int)due;
			}
		}
		n = poll(pfd, (nfds_t)(max + nl), timeout);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			goto out;
		}
		for (i = 0; i < max; i++) {
			cl = &cls[i];
			re = pfd[i + nl].revents;
			if (cl->fd == -1 || pfd[i + nl].fd != cl->fd)
				continue;
			/* OpenSSL may want to read to write, and the other
			 * way round: its step runs on either event */
			if ((re & (POLLIN | POLLHUP | POLLERR)) &&
			    (pfd[i + nl].events & POLLIN) &&
			    practice_net_read(cl) == -1) {
				practice_net_drop(cl, NULL, cl->tls ==
				    PRACTICE_NET_HANDSHAKE ? "TLS handshake "
				    "failed" : "connection reset");
				continue;
			}
			if (cl->tls == PRACTICE_NET_HANDSHAKE &&
			    (re & POLLOUT) && practice_net_handshake(cl) == -1) {
				practice_net_drop(cl, NULL, "TLS handshake "
				    "failed");
				continue;
			}
			if (cl->tls == PRACTICE_NET_TLS && cl->want == POLLOUT &&
			    (re & POLLOUT)) {
				cl->want = 0;
				if (practice_net_read(cl) == -1) {
					practice_net_drop(cl, NULL,
					    "connection reset");
					continue;
				}
			}
			if (practice_net_flush(cl) == -1) {
				practice_net_drop(cl, NULL, "write failed");
				continue;
			}
			(void)practice_conn_output(cl->conn, &outlen);
			if (outlen == 0 && practice_conn_held(cl->conn) == 0 &&
			    practice_conn_done(cl->conn)) {
				practice_net_drop(cl, NULL, cl->eof ?
				    "client closed" : "finished");
				continue;
			}
			if ((re & (POLLERR | POLLNVAL)) ||
			    ((re & POLLHUP) && !(pfd[i + nl].events & POLLIN))) {
				practice_net_drop(cl, NULL, "hang-up");
				continue;
			}
			/* RFC 5321 4.5.3.2.7: a server waits at least 5
			 * minutes for a command; one that has said nothing
			 * at all waits less. */
			now = net_clock_ms();
			limit = 1000.0 * (cl->spoke ? wait : first);
			if (now - cl->last > limit)
				practice_net_drop(cl, idle, cl->spoke ?
				    "idle" : "silent since connecting");
		}
		/* Accepted last: a slot freed above is used at once. */
		if (pfd[0].revents & POLLIN)
			practice_net_accept(&net, listen_fd, 0, cls, max);
		if (nl == 2 && (pfd[1].revents & POLLIN))
			practice_net_accept(&net, tls_fd, 1, cls, max);
	}
	rc = 0;
 out:
	if (cls != NULL)
		for (i = 0; i < max; i++)
			if (cls[i].fd != -1)
				practice_net_drop(&cls[i], bye,
				    "server stopping");
	free(cls);
	free(pfd);
	practice_memory_free(net.server.memory);
	*accepted = net.accepted;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* The child of `smtpscope practice`. */

static void
practice_net_child_signal(int sig)
{
	(void)sig;
	practice_net_child_stop = 1;
}

int
practice_net_spawn(const struct practice_net_opts *opts, int *port,
    char *err, size_t errlen)
{
	struct practice_net_opts o;
	struct sigaction	 sa;
	sigset_t		 none;
	unsigned long		 accepted;
	pid_t			 pid, parent;
	int			 fd, nul;
	char			 cerr[256];

	o = *opts;
	o.log = NULL;
	if (o.first_timeout == 0)
		o.first_timeout = PRACTICE_NET_LEARNER_TIMEOUT;
	if (o.idle_timeout == 0)
		o.idle_timeout = PRACTICE_NET_LEARNER_TIMEOUT;
	if (practice_net_check(&o, err, errlen) == -1)
		return -1;
	/* Bound before the fork: the port is known and already accepts. */
	if ((fd = practice_net_listen("127.0.0.1", 0, port, err, errlen)) == -1)
		return -1;
	parent = getpid();
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (pid > 0) {
		close(fd);
		return (int)pid;
	}

	/* The child: out of the terminal's process group, so Ctrl-C in
	 * the console does not stop it; gone when the parent goes. */
	(void)setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = practice_net_child_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGCHLD, &sa, NULL);
	(void)sigaction(SIGWINCH, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	practice_net_parent = parent;
	if (getppid() != parent)
		_exit(0);
	if ((nul = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(nul, STDIN_FILENO);
		(void)dup2(nul, STDOUT_FILENO);
		if (nul > STDERR_FILENO)
			close(nul);
	}
	if (practice_net_run(fd, -1, &o, &practice_net_child_stop, &accepted,
	    cerr, sizeof cerr) == -1)
		_exit(1);
	_exit(0);
}

int
practice_net_stop(int pid)
{
	int	status;
	pid_t	r;

	if (pid <= 0)
		return -1;
	(void)kill((pid_t)pid, SIGTERM);
	while ((r = waitpid((pid_t)pid, &status, 0)) == -1 && errno == EINTR)
		continue;
	if (r == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
