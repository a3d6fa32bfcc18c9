/*
 * net.h -- TCP transport: address parsing, connect with timeout, and a
 * connection that reads and writes either plain or through TLS.
 */
#ifndef SMTPSCOPE_NET_H
#define SMTPSCOPE_NET_H

#include <stddef.h>
#include <sys/types.h>
#include <poll.h>

enum net_error {
	NET_OK = 0,
	NET_ERR_USAGE = -1,	/* bad HOST[:PORT] */
	NET_ERR_DNS = -2,	/* name did not resolve */
	NET_ERR_REFUSED = -3,
	NET_ERR_TIMEOUT = -4,
	NET_ERR_RESET = -5,
	NET_ERR_CLOSED = -6,	/* orderly close by the peer */
	NET_ERR_IO = -7,	/* any other socket error */
	NET_ERR_TLS = -8,
};

/* Split "host", "host:port", "[v6]:port" or "v6addr" into host and port
 * (default_port when absent).  Returns 0 or NET_ERR_USAGE with err set. */
int net_parse_hostport(const char *arg, const char *default_port,
    char *host, size_t hostlen, char *port, size_t portlen,
    char *err, size_t errlen);

/* What a server argument names (net_parse_target()). */
struct net_target {
	char	 host[256];	/* TCP: the host; "" for a Unix socket */
	char	 port[32];
	char	 path[108];	/* unix:PATH: the socket; "" for TCP */
	int	 lmtp;		/* lmtp://HOST:PORT or unix:PATH: LMTP */
};

/*
 * Parse a server argument: HOST[:PORT] as net_parse_hostport() (with
 * default_port), lmtp://HOST:PORT (LMTP over TCP: RFC 2033 names no port
 * and forbids 25, so the port is required) or unix:PATH (LMTP over a Unix
 * socket, the way local delivery agents listen).  Returns 0 or
 * NET_ERR_USAGE with err set.
 */
int net_parse_target(const char *arg, const char *default_port,
    struct net_target *, char *err, size_t errlen);

struct proxy_opts;	/* proxy.h */

/*
 * Connect to host:port the way o says (o NULL, or zeroed: directly, as
 * net_connect()): through its SOCKS5 proxy (connect to the proxy, then
 * proxy_socks5(): the proxy resolves the name), then, with a PROXY
 * protocol version, send that header (proxy_send_header()).  What each
 * proxy step did is said in notes, one line each ("" when direct).
 * Returns a connected, non-blocking socket, or a negative enum net_error
 * with err set.
 */
int net_open(const struct proxy_opts *o, const char *host, const char *port,
    int family, int timeout_ms, char *notes, size_t noteslen, char *err,
    size_t errlen);

/* Connect to the Unix socket at path.  Returns a connected, non-blocking
 * socket, or a negative enum net_error with err set. */
int net_connect_unix(const char *path, char *err, size_t errlen);

/* Connect to host:port (family AF_UNSPEC, AF_INET or AF_INET6), trying
 * each address in turn, each within timeout_ms.  Returns a connected,
 * non-blocking socket, or a negative enum net_error with err set to one
 * sentence ("connection refused by 127.0.0.1 port 25"). */
int net_connect(const char *host, const char *port, int family,
    int timeout_ms, char *err, size_t errlen);

/* Numeric address of the peer of fd, "127.0.0.1" or "::1". */
void net_peer_name(int fd, char *buf, size_t size);

/* The local address of fd as an address literal (RFC 5321 4.1.3):
 * "[192.0.2.1]" or "[IPv6:2001:db8::1]", what a client without a host
 * name of its own says in EHLO (4.1.4).  Returns 0, or -1 (buf ""). */
int net_local_literal(int fd, char *buf, size_t size);

struct tls;	/* tls.h */

struct conn {
	int		 fd;
	struct tls	*tls;		/* NULL while plain */
	unsigned long long bytes_in, bytes_out;
};

/* Read what is available (at most size bytes) without blocking.
 * Returns > 0 bytes read, 0 when nothing is available yet, or a negative
 * enum net_error (NET_ERR_CLOSED on EOF). */
ssize_t conn_read(struct conn *, void *buf, size_t size, char *err, size_t errlen);

/* Write all len bytes, waiting up to timeout_ms for the socket to accept
 * them.  Returns 0 or a negative enum net_error. */
int conn_write(struct conn *, const void *buf, size_t len, int timeout_ms,
    char *err, size_t errlen);

/* Monotonic clock in milliseconds (with fractions): deadlines, latency. */
double net_clock_ms(void);

/* Wait up to timeout_ms (-1: for ever) until fd has one of events
 * (POLLIN, POLLOUT, from <poll.h>); a signal does not restart the wait
 * from the beginning.  Returns 1 ready (or an error or hang-up the next
 * read or write will report), 0 timeout, or NET_ERR_IO. */
int net_wait(int fd, short events, int timeout_ms);

#endif
