/* test_net.c -- HOST[:PORT] parsing, connect errors, plain conn I/O. */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

static int
parse(const char *arg, char *host, char *port)
{
	char err[128];

	return net_parse_hostport(arg, "25", host, 256, port, 32, err, sizeof err);
}

Test(net, hostport_forms)
{
	char host[256], port[32];

	cr_assert_eq(parse("mx.example.org", host, port), 0);
	cr_assert_str_eq(host, "mx.example.org");
	cr_assert_str_eq(port, "25");
	cr_assert_eq(parse("127.0.0.1:2525", host, port), 0);
	cr_assert_str_eq(host, "127.0.0.1");
	cr_assert_str_eq(port, "2525");
	cr_assert_eq(parse("[::1]:587", host, port), 0);
	cr_assert_str_eq(host, "::1");
	cr_assert_str_eq(port, "587");
	cr_assert_eq(parse("[2001:db8::1]", host, port), 0);
	cr_assert_str_eq(host, "2001:db8::1");
	cr_assert_str_eq(port, "25");
	/* a bare IPv6 address has several colons and no port */
	cr_assert_eq(parse("2001:db8::25", host, port), 0);
	cr_assert_str_eq(host, "2001:db8::25");
	cr_assert_str_eq(port, "25");
	cr_assert_eq(parse("mail:submission", host, port), 0);
	cr_assert_str_eq(port, "submission");
}

Test(net, hostport_errors)
{
	char host[256], port[32], err[128];

	cr_assert_eq(parse("", host, port), NET_ERR_USAGE);
	cr_assert_eq(parse("[::1", host, port), NET_ERR_USAGE);
	cr_assert_eq(parse("[::1]x", host, port), NET_ERR_USAGE);
	cr_assert_eq(parse("host:", host, port), NET_ERR_USAGE);
	cr_assert_eq(parse(":25", host, port), NET_ERR_USAGE);
	cr_assert_eq(parse("host:0", host, port), NET_ERR_USAGE);
	cr_assert_eq(net_parse_hostport("host:70000", "25", host, sizeof host,
	    port, sizeof port, err, sizeof err), NET_ERR_USAGE);
	cr_assert(strstr(err, "out of range") != NULL, "%s", err);
}

/* The server argument: SMTP, LMTP over TCP, LMTP over a Unix socket. */
Test(net, target_forms)
{
	struct net_target	t;
	char			err[256];

	cr_assert_eq(net_parse_target("mx.example.org", "25", &t, err,
	    sizeof err), 0);
	cr_assert_str_eq(t.host, "mx.example.org");
	cr_assert_str_eq(t.port, "25");
	cr_assert(!t.lmtp && t.path[0] == '\0');
	cr_assert_eq(net_parse_target("lmtp://[::1]:2424", "25", &t, err,
	    sizeof err), 0);
	cr_assert_str_eq(t.host, "::1");
	cr_assert_str_eq(t.port, "2424");
	cr_assert(t.lmtp);
	cr_assert_eq(net_parse_target("unix:/run/dovecot/lmtp", "25", &t, err,
	    sizeof err), 0);
	cr_assert_str_eq(t.path, "/run/dovecot/lmtp");
	cr_assert(t.lmtp && t.host[0] == '\0');

	/* RFC 2033 5: no port of its own, so none is guessed */
	cr_assert_eq(net_parse_target("lmtp://mx.example.org", "25", &t, err,
	    sizeof err), NET_ERR_USAGE);
	cr_assert(strstr(err, "wants a port") != NULL, "%s", err);
	cr_assert_eq(net_parse_target("unix:", "25", &t, err, sizeof err),
	    NET_ERR_USAGE);
	cr_assert_eq(net_parse_target("lmtp://:24", "25", &t, err, sizeof err),
	    NET_ERR_USAGE);
}

Test(net, unix_socket)
{
	char			err[256], path[] = "/tmp/smtpscope-net-XXXXXX";
	char			sock[100];	/* fits sun_path (108) */
	struct sockaddr_un	sun;
	int			lfd, fd, afd;

	cr_assert_not_null(mkdtemp(path));
	snprintf(sock, sizeof sock, "%s/s", path);
	cr_assert_eq(net_connect_unix(sock, err, sizeof err), NET_ERR_REFUSED);
	cr_assert(strstr(err, sock) != NULL, "%s", err);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	cr_assert_eq(listen(lfd, 1), 0);
	fd = net_connect_unix(sock, err, sizeof err);
	cr_assert_geq(fd, 0, "%s", err);
	afd = accept(lfd, NULL, NULL);
	cr_assert_geq(afd, 0);
	cr_assert_eq(write(afd, "220 x\r\n", 7), 7);
	close(afd);
	close(fd);
	close(lfd);
	unlink(sock);
	rmdir(path);
}

/* A port nobody listens on: bind one, note it, close it. */
static int
dead_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	close(fd);
	return ntohs(sin.sin_port);
}

Test(net, connect_refused_is_named)
{
	char	port[16], err[256];
	int	rc;

	snprintf(port, sizeof port, "%d", dead_port());
	rc = net_connect("127.0.0.1", port, AF_INET, 2000, err, sizeof err);
	cr_assert_eq(rc, NET_ERR_REFUSED);
	cr_assert(strstr(err, "connection refused by 127.0.0.1 port") != NULL,
	    "%s", err);
}

Test(net, connect_and_count_bytes)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	struct conn		c;
	char			port[16], err[256], buf[64];
	int			lfd, peer;
	ssize_t			n;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	cr_assert_eq(listen(lfd, 1), 0);
	getsockname(lfd, (struct sockaddr *)&sin, &len);
	snprintf(port, sizeof port, "%d", ntohs(sin.sin_port));

	memset(&c, 0, sizeof c);
	c.fd = net_connect("127.0.0.1", port, AF_UNSPEC, 2000, err, sizeof err);
	cr_assert_geq(c.fd, 0, "%s", err);
	peer = accept(lfd, NULL, NULL);
	cr_assert_geq(peer, 0);

	/* nothing there yet: a non-blocking read says 0 */
	cr_assert_eq(conn_read(&c, buf, sizeof buf, err, sizeof err), 0);
	cr_assert_eq(conn_write(&c, "EHLO x\r\n", 8, 1000, err, sizeof err), 0);
	cr_assert_eq(c.bytes_out, 8);
	n = read(peer, buf, sizeof buf);
	cr_assert_eq(n, 8);
	cr_assert_eq(write(peer, "220 hi\r\n", 8), 8);
	cr_assert_eq(net_wait(c.fd, POLLIN, 2000), 1);
	n = conn_read(&c, buf, sizeof buf, err, sizeof err);
	cr_assert_eq(n, 8);
	cr_assert_eq(c.bytes_in, 8);
	close(peer);
	cr_assert_eq(net_wait(c.fd, POLLIN, 2000), 1);
	cr_assert_eq(conn_read(&c, buf, sizeof buf, err, sizeof err),
	    NET_ERR_CLOSED);
	net_peer_name(c.fd, buf, sizeof buf);
	cr_assert_str_eq(buf, "127.0.0.1");
	close(c.fd);
	close(lfd);
}

/* The one wait of the program: readable, writable, a timeout, a hang-up. */
Test(net, wait_events)
{
	int	sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(net_wait(sv[0], POLLIN, 0), 0, "nothing to read yet");
	cr_assert_eq(net_wait(sv[0], POLLIN, 50), 0, "a timeout");
	cr_assert_eq(net_wait(sv[0], POLLOUT, 0), 1, "room to write");
	cr_assert_eq(write(sv[1], "x", 1), 1);
	cr_assert_eq(net_wait(sv[0], POLLIN, -1), 1, "readable");
	close(sv[1]);
	cr_assert_eq(net_wait(sv[0], POLLIN, 1000), 1, "a hang-up wakes it");
	close(sv[0]);
}
