/*
 * net.c -- TCP transport: HOST[:PORT] parsing, connect with a timeout
 * (IPv4 and IPv6), and reads and writes through plain sockets or TLS.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "proxy.h"
#include "tls.h"

static int		copy_part(char *dst, size_t dstlen, const char *src,
			    size_t len);

double
net_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
copy_part(char *dst, size_t dstlen, const char *src, size_t len)
{
	if (len == 0 || len >= dstlen)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

int
net_parse_hostport(const char *arg, const char *default_port,
    char *host, size_t hostlen, char *port, size_t portlen,
    char *err, size_t errlen)
{
	const char	*p, *colon, *portstr = NULL;
	size_t		 hlen;

	if (arg == NULL || *arg == '\0') {
		snprintf(err, errlen, "no server given");
		return NET_ERR_USAGE;
	}
	if (arg[0] == '[') {
		/* "[v6addr]" or "[v6addr]:port" */
		if ((p = strchr(arg, ']')) == NULL) {
			snprintf(err, errlen, "missing ']' in \"%s\"", arg);
			return NET_ERR_USAGE;
		}
		hlen = (size_t)(p - arg - 1);
		if (copy_part(host, hostlen, arg + 1, hlen) == -1) {
			snprintf(err, errlen, "bad address in \"%s\"", arg);
			return NET_ERR_USAGE;
		}
		if (p[1] == ':')
			portstr = p + 2;
		else if (p[1] != '\0') {
			snprintf(err, errlen, "unexpected text after ']' in \"%s\"", arg);
			return NET_ERR_USAGE;
		}
	} else {
		colon = strchr(arg, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL) {
			/* Several colons: a bare IPv6 address, no port. */
			colon = NULL;
		}
		hlen = colon ? (size_t)(colon - arg) : strlen(arg);
		if (copy_part(host, hostlen, arg, hlen) == -1) {
			snprintf(err, errlen, "bad host in \"%s\"", arg);
			return NET_ERR_USAGE;
		}
		if (colon)
			portstr = colon + 1;
	}
	if (portstr == NULL)
		portstr = default_port;
	if (*portstr == '\0' || strlen(portstr) >= portlen) {
		snprintf(err, errlen, "bad port in \"%s\"", arg);
		return NET_ERR_USAGE;
	}
	if (strspn(portstr, "0123456789") == strlen(portstr)) {
		long v = strtol(portstr, NULL, 10);
		if (v < 1 || v > 65535) {
			snprintf(err, errlen, "port %s out of range 1-65535", portstr);
			return NET_ERR_USAGE;
		}
	}
	snprintf(port, portlen, "%s", portstr);
	return NET_OK;
}

int
net_parse_target(const char *arg, const char *default_port,
    struct net_target *t, char *err, size_t errlen)
{
	static const char lmtp[] = "lmtp://", unx[] = "unix:";
	size_t	n;

	memset(t, 0, sizeof *t);
	if (arg != NULL && strncmp(arg, unx, sizeof unx - 1) == 0) {
		n = strlen(arg + sizeof unx - 1);
		if (n == 0 || n >= sizeof t->path) {
			snprintf(err, errlen, "unix:PATH wants the path of a "
			    "socket, at most %zu octets", sizeof t->path - 1);
			return NET_ERR_USAGE;
		}
		memcpy(t->path, arg + sizeof unx - 1, n + 1);
		t->lmtp = 1;
		return NET_OK;
	}
	if (arg != NULL && strncmp(arg, lmtp, sizeof lmtp - 1) == 0) {
		arg += sizeof lmtp - 1;
		t->lmtp = 1;
		/* RFC 2033 5: not port 25, and no port of its own */
		default_port = "";
	}
	if (net_parse_hostport(arg, default_port, t->host, sizeof t->host,
	    t->port, sizeof t->port, err, errlen) != NET_OK) {
		if (t->lmtp && *default_port == '\0')
			snprintf(err, errlen, "lmtp://HOST:PORT wants a port: "
			    "LMTP has none of its own (RFC 2033 5)");
		return NET_ERR_USAGE;
	}
	return NET_OK;
}

int
net_connect_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un	sun;
	int			fd, e;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return NET_ERR_USAGE;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NET_ERR_IO;
	}
	/* A local connect completes at once, or fails. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		e = errno;
		snprintf(err, errlen, "cannot connect to the socket %s: %s",
		    path, strerror(e));
		close(fd);
		return e == ECONNREFUSED || e == ENOENT ? NET_ERR_REFUSED :
		    NET_ERR_IO;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		close(fd);
		return NET_ERR_IO;
	}
	return fd;
}

void
net_peer_name(int fd, char *buf, size_t size)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	getnameinfo((struct sockaddr *)&ss, len, buf, (socklen_t)size, NULL, 0,
	    NI_NUMERICHOST);
}

int
net_local_literal(int fd, char *buf, size_t size)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;
	char			addr[INET6_ADDRSTRLEN + 64];
	int			n;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, len, addr, sizeof addr, NULL,
	    0, NI_NUMERICHOST) != 0)
		return -1;
	/* a link-local address's "%eth0" means nothing to the server */
	addr[strcspn(addr, "%")] = '\0';
	n = snprintf(buf, size, "[%s%s]", ss.ss_family == AF_INET6 ?
	    "IPv6:" : "", addr);
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* One address: non-blocking connect, then poll for completion. */
static int
connect_one(const struct addrinfo *ai, int timeout_ms, int *fdp, int *errnop)
{
	int		fd, rc, soerr = 0;
	socklen_t	len = sizeof soerr;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    ai->ai_protocol);
	if (fd == -1) {
		*errnop = errno;
		return NET_ERR_IO;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		*fdp = fd;
		return NET_OK;
	}
	if (errno != EINPROGRESS) {
		*errnop = errno;
		close(fd);
		return errno == ECONNREFUSED ? NET_ERR_REFUSED : NET_ERR_IO;
	}
	rc = net_wait(fd, POLLOUT, timeout_ms);
	if (rc == 0) {
		close(fd);
		*errnop = ETIMEDOUT;
		return NET_ERR_TIMEOUT;
	}
	if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		soerr = errno;
	if (soerr != 0) {
		close(fd);
		*errnop = soerr;
		if (soerr == ECONNREFUSED)
			return NET_ERR_REFUSED;
		if (soerr == ETIMEDOUT)
			return NET_ERR_TIMEOUT;
		return NET_ERR_IO;
	}
	*fdp = fd;
	return NET_OK;
}

int
net_connect(const char *host, const char *port, int family, int timeout_ms,
    char *err, size_t errlen)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 addr[INET6_ADDRSTRLEN + 8];
	int		 rc, fd = -1, e = 0, result = NET_ERR_IO;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s port %s: %s", host,
		    port, gai_strerror(rc));
		return NET_ERR_DNS;
	}
	/* Try every address; report the failure of the last one. */
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr,
		    NULL, 0, NI_NUMERICHOST);
		result = connect_one(ai, timeout_ms, &fd, &e);
		if (result == NET_OK)
			break;
		switch (result) {
		case NET_ERR_REFUSED:
			snprintf(err, errlen, "connection refused by %s port %s",
			    addr, port);
			break;
		case NET_ERR_TIMEOUT:
			snprintf(err, errlen,
			    "connection to %s port %s timed out after %d s",
			    addr, port, (timeout_ms + 999) / 1000);
			break;
		default:
			snprintf(err, errlen, "cannot connect to %s port %s: %s",
			    addr, port, strerror(e));
			break;
		}
	}
	freeaddrinfo(res);
	if (result == NET_OK) {
		/* A console sends small lines and waits for each answer:
		 * Nagle's algorithm would hold them back for an ACK. */
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		return fd;
	}
	return result;
}

int
net_open(const struct proxy_opts *o, const char *host, const char *port,
    int family, int timeout_ms, char *notes, size_t noteslen, char *err,
    size_t errlen)
{
	char	why[512], note[600];
	double	deadline = net_clock_ms() + timeout_ms;
	size_t	len = 0;
	int	fd, rc, left;

	if (noteslen > 0)
		notes[0] = '\0';
	if (o == NULL || (o->socks_host[0] == '\0' && o->pp_version == 0))
		return net_connect(host, port, family, timeout_ms, err, errlen);
	if (o->socks_host[0] == '\0')
		fd = net_connect(host, port, family, timeout_ms, err, errlen);
	else if ((fd = net_connect(o->socks_host, o->socks_port, family,
	    timeout_ms, why, sizeof why)) < 0)
		snprintf(err, errlen, "cannot reach the SOCKS5 proxy: %s", why);
	else {
		left = (int)(deadline - net_clock_ms());
		if ((rc = proxy_socks5(fd, o, host, port, left > 0 ? left : 1,
		    note, sizeof note, err, errlen)) != NET_OK) {
			close(fd);
			return rc;
		}
		len = (size_t)snprintf(notes, noteslen, "%s", note);
	}
	if (fd < 0 || o->pp_version == 0)
		return fd;
	left = (int)(deadline - net_clock_ms());
	if ((rc = proxy_send_header(fd, o, left > 0 ? left : 1, note,
	    sizeof note, err, errlen)) != NET_OK) {
		close(fd);
		return rc;
	}
	if (len < noteslen)
		snprintf(notes + len, noteslen - len, "%s%s", len > 0 ? "\n" :
		    "", note);
	return fd;
}

int
net_wait(int fd, short events, int timeout_ms)
{
	struct pollfd	pfd;
	double		deadline = net_clock_ms() + timeout_ms;
	int		rc, left = timeout_ms;

	for (;;) {
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left);
		if (rc != -1 || errno != EINTR)
			break;
		if (timeout_ms >= 0 &&
		    (left = (int)(deadline - net_clock_ms())) < 0)
			left = 0;
	}
	if (rc == -1)
		return NET_ERR_IO;
	return rc > 0;
}

ssize_t
conn_read(struct conn *c, void *buf, size_t size, char *err, size_t errlen)
{
	ssize_t	n;

	if (c->tls != NULL)
		n = tls_read(c->tls, buf, size, err, errlen);
	else {
		do
			n = read(c->fd, buf, size);
		while (n == -1 && errno == EINTR);
		if (n == 0) {
			snprintf(err, errlen, "connection closed by the server");
			return NET_ERR_CLOSED;
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			snprintf(err, errlen, "read from the server failed: %s",
			    strerror(errno));
			return errno == ECONNRESET ? NET_ERR_RESET : NET_ERR_IO;
		}
	}
	if (n > 0)
		c->bytes_in += (unsigned long long)n;
	return n;
}

int
conn_write(struct conn *c, const void *buf, size_t len, int timeout_ms,
    char *err, size_t errlen)
{
	const char	*p = buf;
	double		 deadline = net_clock_ms() + timeout_ms;
	ssize_t		 n;
	int		 rc, left;

	if (c->tls != NULL) {
		rc = tls_write(c->tls, buf, len, timeout_ms, err, errlen);
		if (rc == 0)
			c->bytes_out += len;
		return rc;
	}
	while (len > 0) {
		n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			c->bytes_out += (unsigned long long)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			left = (int)(deadline - net_clock_ms());
			if (left <= 0) {
				snprintf(err, errlen,
				    "write to the server timed out after %d s",
				    (timeout_ms + 999) / 1000);
				return NET_ERR_TIMEOUT;
			}
			(void)net_wait(c->fd, POLLOUT, left);
			continue;
		}
		snprintf(err, errlen, "write to the server failed: %s",
		    strerror(errno));
		return (errno == EPIPE || errno == ECONNRESET) ?
		    NET_ERR_RESET : NET_ERR_IO;
	}
	return NET_OK;
}
