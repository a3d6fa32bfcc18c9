/*
 * test_proxy.c -- the options of --socks5, --proxy-protocol and
 * --proxy-source; the PROXY header octet by octet; and the SOCKS5
 * exchange over a socket pair whose other end holds the proxy's answers
 * (what the client sent is then read back and checked).
 */
#include "config.h"

#include <sys/socket.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "proxy.h"

Test(proxy, socks_forms)
{
	struct proxy_opts	o;
	char			err[256];

	memset(&o, 0, sizeof o);
	cr_assert_eq(proxy_parse_socks("127.0.0.1:1080", &o, err, sizeof err),
	    0);
	cr_assert_str_eq(o.socks_host, "127.0.0.1");
	cr_assert_str_eq(o.socks_port, "1080");
	cr_assert(!o.socks_auth);
	/* the last "@" ends the credentials, the first ":" the user */
	cr_assert_eq(proxy_parse_socks("alice:p:a@ss@[::1]:1080", &o, err,
	    sizeof err), 0);
	cr_assert(o.socks_auth);
	cr_assert_str_eq(o.socks_user, "alice");
	cr_assert_str_eq(o.socks_pass, "p:a@ss");
	cr_assert_str_eq(o.socks_host, "::1");
	proxy_opts_wipe(&o);
	cr_assert_eq(o.socks_pass[0], '\0');
}

Test(proxy, socks_errors_never_quote_the_password)
{
	struct proxy_opts	o;
	char			err[256], user[300];

	memset(&o, 0, sizeof o);
	cr_assert_eq(proxy_parse_socks("127.0.0.1", &o, err, sizeof err), -1,
	    "no port");
	cr_assert_eq(proxy_parse_socks("alice:topsecret@127.0.0.1", &o, err,
	    sizeof err), -1);
	cr_assert(strstr(err, "topsecret") == NULL, "%s", err);
	cr_assert_eq(o.socks_pass[0], '\0', "wiped on error");
	cr_assert_eq(proxy_parse_socks("topsecret@h:1", &o, err, sizeof err),
	    -1, "no \":\" between user and password");
	cr_assert(strstr(err, "topsecret") == NULL, "%s", err);
	cr_assert_eq(proxy_parse_socks(":pw@h:1", &o, err, sizeof err), -1);
	cr_assert(strstr(err, "RFC 1929") != NULL, "%s", err);
	memset(user, 'u', 256);
	memcpy(user + 256, ":pw@h:1", 8);
	cr_assert_eq(proxy_parse_socks(user, &o, err, sizeof err), -1,
	    "a user of 256 octets");
}

Test(proxy, pp_options)
{
	struct proxy_opts	o;
	char			err[256];

	memset(&o, 0, sizeof o);
	cr_assert_eq(proxy_parse_version("v1", &o, err, sizeof err), 0);
	cr_assert_eq(o.pp_version, 1);
	cr_assert_eq(proxy_parse_version("2", &o, err, sizeof err), 0);
	cr_assert_eq(o.pp_version, 2);
	cr_assert_eq(proxy_parse_version("v3", &o, err, sizeof err), -1);
	cr_assert_eq(proxy_parse_source("192.0.2.7:4242", &o, err,
	    sizeof err), 0);
	cr_assert_str_eq(o.pp_addr, "192.0.2.7");
	cr_assert_str_eq(o.pp_port, "4242");
	cr_assert_eq(proxy_parse_source("[2001:db8::7]:25", &o, err,
	    sizeof err), 0);
	cr_assert_str_eq(o.pp_addr, "2001:db8::7");
	cr_assert_eq(proxy_parse_source("client.example:25", &o, err,
	    sizeof err), -1, "a name is no address");
	cr_assert_eq(proxy_parse_source("192.0.2.7", &o, err, sizeof err), -1);
	cr_assert_eq(proxy_parse_source("192.0.2.7:smtp", &o, err,
	    sizeof err), -1);
}

/* What the status bar, :state and the recording show: never the
 * password. */
Test(proxy, describe)
{
	struct proxy_opts	o;
	char			err[256], buf[512];

	memset(&o, 0, sizeof o);
	proxy_describe(&o, buf, sizeof buf);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(proxy_parse_socks("alice:topsecret@[::1]:1080", &o, err,
	    sizeof err), 0);
	proxy_describe(&o, buf, sizeof buf);
	cr_assert_str_eq(buf, "SOCKS5 [::1]:1080 (user alice)");
	memset(&o, 0, sizeof o);
	o.pp_version = 2;
	proxy_describe(&o, buf, sizeof buf);
	cr_assert_str_eq(buf, "PROXY v2");
	cr_assert_eq(proxy_parse_source("192.0.2.7:4242", &o, err, sizeof err),
	    0);
	proxy_describe(&o, buf, sizeof buf);
	cr_assert_str_eq(buf, "PROXY v2 (source 192.0.2.7:4242)");
}

/* haproxy's proxy-protocol.txt 2.1 (text) and 2.2 (binary). */
Test(proxy, header_bytes)
{
	static const unsigned char v2_4[] = {
		0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49,
		0x54, 0x0a,		/* signature */
		0x21,			/* version 2, PROXY */
		0x11,			/* TCP over IPv4 */
		0x00, 0x0c,		/* 12 octets follow */
		192, 0, 2, 7,		/* source */
		127, 0, 0, 1,		/* destination */
		0x10, 0x92,		/* 4242 */
		0x00, 0x19,		/* 25 */
	};
	unsigned char	buf[128];
	char		err[256];
	int		n;

	n = proxy_header(1, "192.0.2.7", "4242", "127.0.0.1", "25", buf,
	    sizeof buf, err, sizeof err);
	cr_assert_eq(n, 40);
	cr_assert(memcmp(buf, "PROXY TCP4 192.0.2.7 127.0.0.1 4242 25\r\n",
	    40) == 0);
	n = proxy_header(1, "2001:db8::7", "1", "::1", "25", buf, sizeof buf,
	    err, sizeof err);
	cr_assert(n > 0 && memcmp(buf, "PROXY TCP6 2001:db8::7 ::1 1 25\r\n",
	    (size_t)n) == 0);
	n = proxy_header(2, "192.0.2.7", "4242", "127.0.0.1", "25", buf,
	    sizeof buf, err, sizeof err);
	cr_assert_eq(n, (int)sizeof v2_4);
	cr_assert(memcmp(buf, v2_4, sizeof v2_4) == 0);
	n = proxy_header(2, "2001:db8::7", "4242", "::1", "25", buf,
	    sizeof buf, err, sizeof err);
	cr_assert_eq(n, 16 + 36);
	cr_assert_eq(buf[13], 0x21, "TCP over IPv6");
	cr_assert_eq(buf[15], 36);
	cr_assert_eq(buf[16 + 32 + 3], 25);

	cr_assert_eq(proxy_header(1, "192.0.2.7", "4242", "::1", "25", buf,
	    sizeof buf, err, sizeof err), -1);
	cr_assert(strstr(err, "family") != NULL, "%s", err);
	cr_assert_eq(proxy_header(2, "192.0.2.7", "4242", "127.0.0.1", "25",
	    buf, 20, err, sizeof err), -1, "no room");
}

/*
 * The SOCKS5 exchange over a socket pair: the proxy's answers wait on the
 * other end before the call; what the client sent is read back after it.
 */
static int
socks_run(const struct proxy_opts *o, const char *host, const char *port,
    const void *answers, size_t alen, unsigned char *sent, size_t *slen,
    char *err, size_t errlen)
{
	char	note[512];
	int	sv[2], rc;
	ssize_t	n;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(write(sv[1], answers, alen), (ssize_t)alen);
	/* all the proxy will ever say */
	cr_assert_eq(shutdown(sv[1], SHUT_WR), 0);
	rc = proxy_socks5(sv[0], o, host, port, 5000, note, sizeof note, err,
	    errlen);
	close(sv[0]);
	n = read(sv[1], sent, 1024);
	*slen = n > 0 ? (size_t)n : 0;
	close(sv[1]);
	if (rc == 0)
		snprintf(err, errlen, "%s", note);
	return rc;
}

Test(proxy, socks5_name_resolved_by_the_proxy)
{
	static const unsigned char answers[] = {
		0x05, 0x00,			/* method: none */
		0x05, 0x00, 0x00, 0x01,		/* succeeded, IPv4 */
		127, 0, 0, 2, 0x9c, 0x40,	/* BND 127.0.0.2:40000 */
	};
	static const unsigned char want[] = {
		0x05, 0x01, 0x00,		/* SOCKS5, one method: none */
		0x05, 0x01, 0x00, 0x03,		/* CONNECT, a name */
		14, 'm', 'x', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
		'o', 'r', 'g',
		0x00, 0x19,			/* port 25 */
	};
	struct proxy_opts	o;
	unsigned char		sent[1024];
	size_t			n;
	char			msg[512];

	memset(&o, 0, sizeof o);
	snprintf(o.socks_host, sizeof o.socks_host, "127.0.0.1");
	snprintf(o.socks_port, sizeof o.socks_port, "1080");
	cr_assert_eq(socks_run(&o, "mx.example.org", "smtp", answers,
	    sizeof answers, sent, &n, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(n, sizeof want);
	cr_assert(memcmp(sent, want, n) == 0);
	cr_assert(strstr(msg, "connected to mx.example.org port 25 from "
	    "127.0.0.2 port 40000") != NULL, "%s", msg);
}

Test(proxy, socks5_password_and_an_address)
{
	static const unsigned char answers[] = {
		0x05, 0x02,			/* method: user name, password */
		0x01, 0x00,			/* RFC 1929: success */
		0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
	};
	static const unsigned char want[] = {
		0x05, 0x02, 0x00, 0x02,		/* none, or user/password */
		0x01, 5, 'a', 'l', 'i', 'c', 'e', 2, 'p', 'w',
		0x05, 0x01, 0x00, 0x04,		/* an IPv6 address */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x09, 0x1d,			/* 2333 */
	};
	struct proxy_opts	o;
	unsigned char		sent[1024];
	size_t			n;
	char			msg[512], err[256];

	memset(&o, 0, sizeof o);
	cr_assert_eq(proxy_parse_socks("alice:pw@127.0.0.1:1080", &o, err,
	    sizeof err), 0);
	cr_assert_eq(socks_run(&o, "::1", "2333", answers, sizeof answers,
	    sent, &n, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(n, sizeof want);
	cr_assert(memcmp(sent, want, n) == 0);
	cr_assert(strstr(msg, " as alice:") != NULL, "%s", msg);
	cr_assert(strstr(msg, " from ") == NULL, "BND left zero: %s", msg);
}

Test(proxy, socks5_refusals_named)
{
	static const unsigned char no_method[] = { 0x05, 0xff };
	static const unsigned char bad_password[] = { 0x05, 0x02, 0x01, 0x01 };
	static const unsigned char refused[] = {
		0x05, 0x00, 0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0 };
	static const unsigned char ruleset[] = {
		0x05, 0x00, 0x05, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0 };
	static const unsigned char socks4[] = { 0x04, 0x5a };
	struct proxy_opts	o;
	unsigned char		sent[1024];
	size_t			n;
	char			err[256];

	memset(&o, 0, sizeof o);
	cr_assert_eq(socks_run(&o, "h.example", "25", no_method,
	    sizeof no_method, sent, &n, err, sizeof err), NET_ERR_REFUSED);
	cr_assert(strstr(err, "--socks5 USER:PASS@HOST:PORT") != NULL, "%s",
	    err);
	cr_assert_eq(proxy_parse_socks("alice:topsecret@127.0.0.1:1080", &o,
	    err, sizeof err), 0);
	cr_assert_eq(socks_run(&o, "h.example", "25", bad_password,
	    sizeof bad_password, sent, &n, err, sizeof err), NET_ERR_REFUSED);
	cr_assert(strstr(err, "refused the user name and password for alice "
	    "(RFC 1929 2)") != NULL, "%s", err);
	cr_assert(strstr(err, "topsecret") == NULL);
	memset(&o, 0, sizeof o);
	cr_assert_eq(socks_run(&o, "h.example", "25", refused, sizeof refused,
	    sent, &n, err, sizeof err), NET_ERR_REFUSED);
	cr_assert(strstr(err, "could not connect to h.example port 25: "
	    "connection refused (RFC 1928 6, reply 5)") != NULL, "%s", err);
	cr_assert_eq(socks_run(&o, "h.example", "25", ruleset, sizeof ruleset,
	    sent, &n, err, sizeof err), NET_ERR_IO);
	cr_assert(strstr(err, "not allowed by ruleset") != NULL, "%s", err);
	cr_assert_eq(socks_run(&o, "h.example", "25", socks4, sizeof socks4,
	    sent, &n, err, sizeof err), NET_ERR_IO);
	cr_assert(strstr(err, "not SOCKS5") != NULL, "%s", err);
	/* the proxy hangs up before it answers */
	cr_assert_eq(socks_run(&o, "h.example", "25", "", 0, sent, &n, err,
	    sizeof err), NET_ERR_CLOSED);
	cr_assert(strstr(err, "closed the connection") != NULL, "%s", err);
}
