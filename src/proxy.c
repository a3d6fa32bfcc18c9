/*
 * proxy.c -- SOCKS5 (RFC 1928, RFC 1929) and the PROXY protocol header
 * (haproxy's proxy-protocol.txt, versions 1 and 2), on a socket that
 * net.c connected, before the first SMTP byte.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "net.h"
#include "proxy.h"
#include "sanitize.h"

/* RFC 1928 3, 4, 6; RFC 1929 2. */
#define SOCKS_VERSION		0x05
#define SOCKS_AUTH_VERSION	0x01
#define SOCKS_METHOD_NONE	0x00
#define SOCKS_METHOD_PASSWORD	0x02
#define SOCKS_METHOD_REFUSED	0xff
#define SOCKS_CMD_CONNECT	0x01
#define SOCKS_ATYP_IPV4		0x01
#define SOCKS_ATYP_NAME		0x03
#define SOCKS_ATYP_IPV6		0x04

/* proxy-protocol.txt 2.2: the binary header starts with these 12 octets
 * (which cannot begin any text protocol's line), then version 2 and the
 * PROXY command in one octet, then the family and transport. */
static const unsigned char pp2_signature[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};
#define PP2_VERSION_PROXY	0x21
#define PP2_TCP4		0x11
#define PP2_TCP6		0x21

static int	proxy_port(const char *, unsigned *);
static void	proxy_hostport(char *, size_t, const char *, const char *);
static int	proxy_read(int, unsigned char *, size_t, double, const char *,
		    char *, size_t);
static int	proxy_write(int, const unsigned char *, size_t, double,
		    const char *, char *, size_t);
static const char *socks_reply_name(unsigned);
static void	sockaddr_text(const struct sockaddr_storage *, char *, size_t,
		    char *, size_t);

int
proxy_parse_socks(const char *arg, struct proxy_opts *o, char *err,
    size_t errlen)
{
	const char	*at, *colon;
	size_t		 ulen, plen;

	o->socks_auth = 0;
	o->socks_user[0] = o->socks_pass[0] = '\0';
	if ((at = strrchr(arg, '@')) != NULL) {
		/* RFC 1929 2: USER:PASS, each 1 to 255 octets */
		if ((colon = memchr(arg, ':', (size_t)(at - arg))) == NULL) {
			snprintf(err, errlen, "--socks5 USER:PASS@HOST:PORT: "
			    "the user name and the password are separated by "
			    "\":\"");
			return -1;
		}
		ulen = (size_t)(colon - arg);
		plen = (size_t)(at - colon - 1);
		if (ulen == 0 || ulen > PROXY_SOCKS_FIELD_MAX || plen == 0 ||
		    plen > PROXY_SOCKS_FIELD_MAX) {
			snprintf(err, errlen, "--socks5: the user name and the "
			    "password take 1 to %d octets each (RFC 1929 2)",
			    PROXY_SOCKS_FIELD_MAX);
			return -1;
		}
		memcpy(o->socks_user, arg, ulen);
		o->socks_user[ulen] = '\0';
		memcpy(o->socks_pass, colon + 1, plen);
		o->socks_pass[plen] = '\0';
		o->socks_auth = 1;
		arg = at + 1;
	}
	/* the proxy has no default port worth guessing */
	if (net_parse_hostport(arg, "", o->socks_host, sizeof o->socks_host,
	    o->socks_port, sizeof o->socks_port, err, errlen) != 0) {
		snprintf(err, errlen, "--socks5 wants [USER:PASS@]HOST:PORT, "
		    "the proxy's address and port");
		proxy_opts_wipe(o);
		o->socks_host[0] = '\0';
		return -1;
	}
	return 0;
}

int
proxy_parse_version(const char *arg, struct proxy_opts *o, char *err,
    size_t errlen)
{
	if (strcmp(arg, "v1") == 0 || strcmp(arg, "1") == 0)
		o->pp_version = 1;
	else if (strcmp(arg, "v2") == 0 || strcmp(arg, "2") == 0)
		o->pp_version = 2;
	else {
		snprintf(err, errlen, "--proxy-protocol wants v1 (the text "
		    "line) or v2 (the binary header)");
		return -1;
	}
	return 0;
}

int
proxy_parse_source(const char *arg, struct proxy_opts *o, char *err,
    size_t errlen)
{
	unsigned char	a[16];
	char		host[256], port[32];
	unsigned	p;

	if (net_parse_hostport(arg, "", host, sizeof host, port, sizeof port,
	    err, errlen) != 0 || proxy_port(port, &p) == -1 ||
	    strspn(port, "0123456789") != strlen(port) ||
	    (inet_pton(AF_INET, host, a) != 1 &&
	    inet_pton(AF_INET6, host, a) != 1) ||
	    strlen(host) >= sizeof o->pp_addr) {
		snprintf(err, errlen, "--proxy-source wants ADDR:PORT, a "
		    "numeric address ([ADDR]:PORT for IPv6) and port");
		return -1;
	}
	snprintf(o->pp_addr, sizeof o->pp_addr, "%s", host);
	snprintf(o->pp_port, sizeof o->pp_port, "%u", p);
	return 0;
}

void
proxy_describe(const struct proxy_opts *o, char *buf, size_t size)
{
	char	hp[300];
	size_t	len = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (o->socks_host[0] != '\0') {
		proxy_hostport(hp, sizeof hp, o->socks_host, o->socks_port);
		len = (size_t)snprintf(buf, size, "SOCKS5 %s%s%s%s", hp,
		    o->socks_auth ? " (user " : "",
		    o->socks_auth ? o->socks_user : "",
		    o->socks_auth ? ")" : "");
	}
	if (o->pp_version == 0 || len >= size)
		return;
	if (o->pp_addr[0] != '\0') {
		proxy_hostport(hp, sizeof hp, o->pp_addr, o->pp_port);
		snprintf(buf + len, size - len, "%sPROXY v%d (source %s)",
		    len > 0 ? ", " : "", o->pp_version, hp);
	} else
		snprintf(buf + len, size - len, "%sPROXY v%d",
		    len > 0 ? ", " : "", o->pp_version);
}

/* "host:port", "[v6]:port". */
static void
proxy_hostport(char *buf, size_t size, const char *host, const char *port)
{
	if (strchr(host, ':') != NULL)
		snprintf(buf, size, "[%s]:%s", host, port);
	else
		snprintf(buf, size, "%s:%s", host, port);
}

void
proxy_opts_wipe(struct proxy_opts *o)
{
	OPENSSL_cleanse(o->socks_pass, sizeof o->socks_pass);
}

/* A port number or service name (getservbyname) to its number. */
static int
proxy_port(const char *port, unsigned *out)
{
	struct servent	*se;
	char		*end;
	long		 v;

	if (*port == '\0')
		return -1;
	if (strspn(port, "0123456789") == strlen(port)) {
		v = strtol(port, &end, 10);
		if (v < 1 || v > 65535)
			return -1;
		*out = (unsigned)v;
		return 0;
	}
	if ((se = getservbyname(port, "tcp")) == NULL)
		return -1;
	*out = ntohs((unsigned short)se->s_port);
	return 0;
}

/* Read exactly n octets of the proxy's answer before the deadline. */
static int
proxy_read(int fd, unsigned char *buf, size_t n, double deadline,
    const char *what, char *err, size_t errlen)
{
	ssize_t	r;
	int	left, rc;

	while (n > 0) {
		left = (int)(deadline - net_clock_ms());
		if (left <= 0 || (rc = net_wait(fd, POLLIN, left)) == 0) {
			snprintf(err, errlen, "the proxy did not answer %s in "
			    "time", what);
			return NET_ERR_TIMEOUT;
		}
		if (rc < 0) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return NET_ERR_IO;
		}
		do
			r = read(fd, buf, n);
		while (r == -1 && errno == EINTR);
		if (r == 0) {
			snprintf(err, errlen, "the proxy closed the connection "
			    "instead of answering %s", what);
			return NET_ERR_CLOSED;
		}
		if (r == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			snprintf(err, errlen, "reading the proxy's answer to "
			    "%s: %s", what, strerror(errno));
			return NET_ERR_IO;
		}
		buf += r;
		n -= (size_t)r;
	}
	return NET_OK;
}

/* Write n octets with conn_write()'s waits and errors. */
static int
proxy_write(int fd, const unsigned char *buf, size_t n, double deadline,
    const char *what, char *err, size_t errlen)
{
	struct conn	c = { .fd = fd };
	char		why[256];
	int		left = (int)(deadline - net_clock_ms()), rc;

	if ((rc = conn_write(&c, buf, n, left > 0 ? left : 1, why,
	    sizeof why)) != NET_OK)
		snprintf(err, errlen, "sending %s: %s", what, why);
	return rc;
}

/* RFC 1928 6: the reply field. */
static const char *
socks_reply_name(unsigned rep)
{
	static const char *const names[] = {
		"succeeded",
		"general SOCKS server failure",
		"connection not allowed by ruleset",
		"network unreachable",
		"host unreachable",
		"connection refused",
		"TTL expired",
		"command not supported",
		"address type not supported",
	};

	return rep < sizeof names / sizeof names[0] ? names[rep] :
	    "unassigned reply code";
}

int
proxy_socks5(int fd, const struct proxy_opts *o, const char *host,
    const char *port, int timeout_ms, char *note, size_t notelen, char *err,
    size_t errlen)
{
	unsigned char	 buf[4 + 1 + 255 + 2 + 255 + 1], bnd[258];
	char		 addr[INET6_ADDRSTRLEN], shown[300], via[300];
	char		 from[80];
	double		 deadline = net_clock_ms() + timeout_ms;
	size_t		 n, hlen = strlen(host), ulen, plen;
	unsigned	 p, bport;
	int		 rc;

	if (proxy_port(port, &p) == -1) {
		snprintf(err, errlen, "port %s: not a port number or a known "
		    "service", port);
		return NET_ERR_USAGE;
	}
	/* RFC 1928 3: the methods we offer */
	n = 0;
	buf[n++] = SOCKS_VERSION;
	buf[n++] = o->socks_auth ? 2 : 1;
	buf[n++] = SOCKS_METHOD_NONE;
	if (o->socks_auth)
		buf[n++] = SOCKS_METHOD_PASSWORD;
	if ((rc = proxy_write(fd, buf, n, deadline, "the SOCKS5 greeting",
	    err, errlen)) != NET_OK ||
	    (rc = proxy_read(fd, buf, 2, deadline, "the SOCKS5 greeting",
	    err, errlen)) != NET_OK)
		return rc;
	if (buf[0] != SOCKS_VERSION) {
		snprintf(err, errlen, "the proxy answered version %u, not "
		    "SOCKS5 (RFC 1928 3)", buf[0]);
		return NET_ERR_IO;
	}
	if (buf[1] == SOCKS_METHOD_REFUSED || (buf[1] != SOCKS_METHOD_NONE &&
	    (buf[1] != SOCKS_METHOD_PASSWORD || !o->socks_auth))) {
		snprintf(err, errlen, "the SOCKS5 proxy accepts none of the "
		    "methods offered (RFC 1928 3)%s", o->socks_auth ? "" :
		    ": it may want a user name and password, --socks5 "
		    "USER:PASS@HOST:PORT");
		return NET_ERR_REFUSED;
	}
	if (buf[1] == SOCKS_METHOD_PASSWORD) {
		/* RFC 1929 2: VER ULEN UNAME PLEN PASSWD */
		ulen = strlen(o->socks_user);
		plen = strlen(o->socks_pass);
		n = 0;
		buf[n++] = SOCKS_AUTH_VERSION;
		buf[n++] = (unsigned char)ulen;
		memcpy(buf + n, o->socks_user, ulen);
		n += ulen;
		buf[n++] = (unsigned char)plen;
		memcpy(buf + n, o->socks_pass, plen);
		n += plen;
		rc = proxy_write(fd, buf, n, deadline, "the SOCKS5 user name "
		    "and password", err, errlen);
		OPENSSL_cleanse(buf, sizeof buf);
		if (rc != NET_OK || (rc = proxy_read(fd, buf, 2, deadline,
		    "the user name and password", err, errlen)) != NET_OK)
			return rc;
		/* RFC 1929 2: STATUS 0 is success */
		if (buf[1] != 0) {
			snprintf(err, errlen, "the SOCKS5 proxy refused the user "
			    "name and password for %s (RFC 1929 2)",
			    o->socks_user);
			return NET_ERR_REFUSED;
		}
	}
	/* RFC 1928 4: CONNECT; a name goes as a name, for the proxy to
	 * resolve */
	n = 0;
	buf[n++] = SOCKS_VERSION;
	buf[n++] = SOCKS_CMD_CONNECT;
	buf[n++] = 0;
	if (inet_pton(AF_INET, host, buf + n + 1) == 1) {
		buf[n] = SOCKS_ATYP_IPV4;
		n += 1 + 4;
	} else if (inet_pton(AF_INET6, host, buf + n + 1) == 1) {
		buf[n] = SOCKS_ATYP_IPV6;
		n += 1 + 16;
	} else {
		if (hlen == 0 || hlen > 255) {
			snprintf(err, errlen, "a SOCKS5 request carries a name "
			    "of 1 to 255 octets (RFC 1928 5)");
			return NET_ERR_USAGE;
		}
		buf[n++] = SOCKS_ATYP_NAME;
		buf[n++] = (unsigned char)hlen;
		memcpy(buf + n, host, hlen);
		n += hlen;
	}
	buf[n++] = (unsigned char)(p >> 8);
	buf[n++] = (unsigned char)(p & 0xff);
	if ((rc = proxy_write(fd, buf, n, deadline, "the SOCKS5 request",
	    err, errlen)) != NET_OK ||
	    (rc = proxy_read(fd, buf, 4, deadline, "the SOCKS5 request", err,
	    errlen)) != NET_OK)
		return rc;
	sanitize_buf(shown, sizeof shown, host, hlen, SANITIZE_ASCII);
	if (buf[1] != 0) {
		snprintf(err, errlen, "the SOCKS5 proxy could not connect to "
		    "%s port %u: %s (RFC 1928 6, reply %u)", shown, p,
		    socks_reply_name(buf[1]), buf[1]);
		return buf[1] == 5 ? NET_ERR_REFUSED : NET_ERR_IO;
	}
	/* RFC 1928 6: BND.ADDR and BND.PORT, the proxy's end of its own
	 * connection to the server */
	switch (buf[3]) {
	case SOCKS_ATYP_IPV4:
		n = 4;
		break;
	case SOCKS_ATYP_IPV6:
		n = 16;
		break;
	case SOCKS_ATYP_NAME:
		if ((rc = proxy_read(fd, bnd, 1, deadline, "the SOCKS5 "
		    "request", err, errlen)) != NET_OK)
			return rc;
		n = bnd[0];
		break;
	default:
		snprintf(err, errlen, "the SOCKS5 proxy answered an unknown "
		    "address type %u (RFC 1928 6)", buf[3]);
		return NET_ERR_IO;
	}
	if ((rc = proxy_read(fd, bnd, n + 2, deadline, "the SOCKS5 request",
	    err, errlen)) != NET_OK)
		return rc;
	bport = (unsigned)bnd[n] << 8 | bnd[n + 1];
	if (buf[3] == SOCKS_ATYP_NAME)
		sanitize_buf(addr, sizeof addr, (const char *)bnd, n,
		    SANITIZE_ASCII);
	else
		inet_ntop(buf[3] == SOCKS_ATYP_IPV4 ? AF_INET : AF_INET6, bnd,
		    addr, sizeof addr);
	proxy_hostport(via, sizeof via, o->socks_host, o->socks_port);
	/* a proxy may leave BND.ADDR and BND.PORT zero */
	if (bport != 0)
		snprintf(from, sizeof from, " from %s port %u", addr, bport);
	else
		from[0] = '\0';
	snprintf(note, notelen, "through the SOCKS5 proxy %s%s%s: it connected "
	    "to %s port %u%s (RFC 1928 6)", via, o->socks_auth ? " as " : "",
	    o->socks_auth ? o->socks_user : "", shown, p, from);
	return NET_OK;
}

int
proxy_header(int version, const char *src, const char *sport, const char *dst,
    const char *dport, unsigned char *buf, size_t size, char *err,
    size_t errlen)
{
	unsigned char	s[16], d[16];
	unsigned	sp, dp;
	int		fam, sfam, n;
	size_t		alen;

	sfam = inet_pton(AF_INET, src, s) == 1 ? AF_INET :
	    inet_pton(AF_INET6, src, s) == 1 ? AF_INET6 : 0;
	fam = inet_pton(AF_INET, dst, d) == 1 ? AF_INET :
	    inet_pton(AF_INET6, dst, d) == 1 ? AF_INET6 : 0;
	if (sfam == 0 || fam == 0 || proxy_port(sport, &sp) == -1 ||
	    proxy_port(dport, &dp) == -1) {
		snprintf(err, errlen, "PROXY header: bad address or port");
		return -1;
	}
	if (sfam != fam) {
		/* proxy-protocol.txt 2.1 and 2.2: one family for both */
		snprintf(err, errlen, "PROXY header: the source %s and the "
		    "server %s are not of one address family (choose the "
		    "server's with -4 or -6, or another --proxy-source)",
		    src, dst);
		return -1;
	}
	if (version == 1) {
		/* proxy-protocol.txt 2.1: at most 107 octets with CRLF */
		n = snprintf((char *)buf, size, "PROXY %s %s %s %u %u\r\n",
		    fam == AF_INET ? "TCP4" : "TCP6", src, dst, sp, dp);
		if (n < 0 || (size_t)n >= size) {
			snprintf(err, errlen, "PROXY header: no room");
			return -1;
		}
		return n;
	}
	alen = fam == AF_INET ? 4 : 16;
	if (size < 16 + 2 * alen + 4) {
		snprintf(err, errlen, "PROXY header: no room");
		return -1;
	}
	/* proxy-protocol.txt 2.2: signature, version and command, family
	 * and transport, the length of what follows, then the addresses
	 * and ports in network order */
	memcpy(buf, pp2_signature, sizeof pp2_signature);
	buf[12] = PP2_VERSION_PROXY;
	buf[13] = fam == AF_INET ? PP2_TCP4 : PP2_TCP6;
	buf[14] = 0;
	buf[15] = (unsigned char)(2 * alen + 4);
	memcpy(buf + 16, s, alen);
	memcpy(buf + 16 + alen, d, alen);
	buf[16 + 2 * alen] = (unsigned char)(sp >> 8);
	buf[17 + 2 * alen] = (unsigned char)(sp & 0xff);
	buf[18 + 2 * alen] = (unsigned char)(dp >> 8);
	buf[19 + 2 * alen] = (unsigned char)(dp & 0xff);
	return (int)(16 + 2 * alen + 4);
}

/* A socket address as numeric host and port. */
static void
sockaddr_text(const struct sockaddr_storage *ss, char *host, size_t hostlen,
    char *port, size_t portlen)
{
	if (getnameinfo((const struct sockaddr *)ss, sizeof *ss, host,
	    (socklen_t)hostlen, port, (socklen_t)portlen,
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(host, hostlen, "?");
		snprintf(port, portlen, "0");
	}
}

int
proxy_send_header(int fd, const struct proxy_opts *o, int timeout_ms,
    char *note, size_t notelen, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	unsigned char		 hdr[128];
	char			 src[64], sport[8], dst[64], dport[8];
	char			 shost[80], dhost[80];
	int			 n, rc;

	len = sizeof ss;
	memset(&ss, 0, sizeof ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1) {
		snprintf(err, errlen, "getpeername: %s", strerror(errno));
		return NET_ERR_IO;
	}
	sockaddr_text(&ss, dst, sizeof dst, dport, sizeof dport);
	if (o->pp_addr[0] != '\0') {
		snprintf(src, sizeof src, "%s", o->pp_addr);
		snprintf(sport, sizeof sport, "%s", o->pp_port);
	} else {
		len = sizeof ss;
		memset(&ss, 0, sizeof ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
			snprintf(err, errlen, "getsockname: %s",
			    strerror(errno));
			return NET_ERR_IO;
		}
		sockaddr_text(&ss, src, sizeof src, sport, sizeof sport);
	}
	if ((n = proxy_header(o->pp_version, src, sport, dst, dport, hdr,
	    sizeof hdr, err, errlen)) == -1)
		return NET_ERR_USAGE;
	if ((rc = proxy_write(fd, hdr, (size_t)n, net_clock_ms() + timeout_ms,
	    "the PROXY header", err, errlen)) != NET_OK)
		return rc;
	proxy_hostport(shost, sizeof shost, src, sport);
	proxy_hostport(dhost, sizeof dhost, dst, dport);
	snprintf(note, notelen, "PROXY v%d header sent: client %s, server %s "
	    "(haproxy's proxy-protocol.txt)", o->pp_version, shost, dhost);
	return NET_OK;
}
