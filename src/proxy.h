/*
 * proxy.h -- reaching a server through a proxy: SOCKS5 (RFC 1928) with
 * username/password authentication (RFC 1929), the server's name resolved
 * by the proxy; and the PROXY protocol header of HAProxy (versions 1 and
 * 2, haproxy's proxy-protocol.txt) that a server behind a load balancer
 * reads first to learn who the client is (Postfix's
 * smtpd_upstream_proxy_protocol = haproxy).
 *
 * Below the engine: net_open() runs these on a connected socket before
 * the first SMTP byte.  The messages are built and read here, apart from
 * the socket, so that the unit tests check them octet by octet.  Nothing
 * here prints, and the SOCKS password appears in no text it returns.
 */
#ifndef SMTPSCOPE_PROXY_H
#define SMTPSCOPE_PROXY_H

#include <stddef.h>

/* RFC 1929 2: a user name and a password of 1 to 255 octets each. */
#define PROXY_SOCKS_FIELD_MAX	255

/* How the connection is made: --socks5, --proxy-protocol,
 * --proxy-source.  Zeroed: directly. */
struct proxy_opts {
	/* --socks5 [USER:PASS@]HOST:PORT; host "" for none */
	char	 socks_host[256];
	char	 socks_port[32];
	int	 socks_auth;			/* USER:PASS given */
	char	 socks_user[PROXY_SOCKS_FIELD_MAX + 1];
	char	 socks_pass[PROXY_SOCKS_FIELD_MAX + 1];	/* a secret: wiped
						   with proxy_opts_wipe() */
	/* --proxy-protocol v1|v2: 0 none, 1 or 2 */
	int	 pp_version;
	/* --proxy-source ADDR:PORT; "" for the connection's own address */
	char	 pp_addr[64];
	char	 pp_port[8];
};

/*
 * Parse the argument of --socks5: [USER:PASS@]HOST:PORT (the last "@"
 * ends the credentials, the first ":" in them ends the user).  Returns 0,
 * or -1 with err set (never quoting the password).
 */
int proxy_parse_socks(const char *arg, struct proxy_opts *, char *err,
    size_t errlen);

/* "v1", "v2" (or "1", "2") for --proxy-protocol: 0, or -1 with err. */
int proxy_parse_version(const char *arg, struct proxy_opts *, char *err,
    size_t errlen);

/* --proxy-source ADDR:PORT (a numeric IPv4 or [IPv6] address and a
 * numeric port): 0, or -1 with err set. */
int proxy_parse_source(const char *arg, struct proxy_opts *, char *err,
    size_t errlen);

/* The route in words, for the status bar, the recording's header and
 * :state: "SOCKS5 127.0.0.1:1080 (user alice)", "PROXY v2 (source
 * 192.0.2.7:4242)", both joined by ", ", or "" when direct.  Never the
 * password. */
void proxy_describe(const struct proxy_opts *, char *buf, size_t size);

/* Wipe the password (OPENSSL_cleanse). */
void proxy_opts_wipe(struct proxy_opts *);

/*
 * SOCKS5 over connected socket fd (blocking up to timeout_ms in all):
 * the method negotiation (RFC 1928 3), the user name and password when
 * given (RFC 1929 2), then CONNECT to host:port, a name sent as a name
 * (ATYP 3) for the proxy to resolve, an address literal as an address
 * (RFC 1928 4).  Returns 0 with note set to what the proxy answered (the
 * address it connects from, BND.ADDR and BND.PORT, RFC 1928 6), or a
 * negative enum net_error with err set to one sentence naming the step
 * and the proxy's reply (RFC 1928 6 reply codes in words).
 */
int proxy_socks5(int fd, const struct proxy_opts *, const char *host,
    const char *port, int timeout_ms, char *note, size_t notelen,
    char *err, size_t errlen);

/*
 * The PROXY header (version o->pp_version) for a TCP connection from
 * src:sport to dst:dport (numeric addresses of one family), into buf:
 * version 1 is the text line "PROXY TCP4 src dst sport dport\r\n",
 * version 2 the binary header (signature, PROXY command, TCP over IPv4
 * or IPv6, the addresses and ports in network order).  Returns its
 * length, or -1 with err set (families differ, a bad address, buf too
 * small).
 */
int proxy_header(int version, const char *src, const char *sport,
    const char *dst, const char *dport, unsigned char *buf, size_t size,
    char *err, size_t errlen);

/*
 * Send the PROXY header on connected socket fd: the source is
 * o->pp_addr:o->pp_port, or the socket's own address; the destination
 * the address it is connected to.  Returns 0 with note set ("PROXY v2
 * header sent: client 192.0.2.7:4242, server 127.0.0.1:25"), or a
 * negative enum net_error with err set.
 */
int proxy_send_header(int fd, const struct proxy_opts *, int timeout_ms,
    char *note, size_t notelen, char *err, size_t errlen);

#endif
