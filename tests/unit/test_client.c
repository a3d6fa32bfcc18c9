/*
 * test_client.c -- the engine against a server played by the test itself
 * on a loopback socket: what a front end may do from inside a callback.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>

#include "client.h"
#include "console.h"

struct seen {
	struct client	*c;
	int		 replies;
	int		 depth;		/* reply callbacks running */
	int		 nested;	/* one ran inside another */
	char		 command[64];	/* the first reply's command */
	char		 command2[64];	/* the second reply's command */
	int		 ctx2;		/* the second reply's context */
	char		 events[256];	/* "reply sent reply ..." */
	char		 error[512];
};

static void
on_reply(void *arg, const struct reply *r, const char *command,
    enum annotate_ctx ctx, double ms)
{
	struct seen *s = arg;

	(void)r;
	(void)ms;
	if (ctx == ANNOTATE_GREETING)
		return;
	if (s->depth++ > 0)
		s->nested = 1;
	strcat(s->events, "reply(");
	if (++s->replies == 1) {
		snprintf(s->command, sizeof s->command, "%s",
		    command ? command : "(null)");
		/* a front end sending from the callback */
		cr_assert_eq(client_send(s->c, "NOOP"), 0);
	} else {
		s->ctx2 = (int)ctx;
		snprintf(s->command2, sizeof s->command2, "%s",
		    command ? command : "(null)");
	}
	strcat(s->events, ") ");
	s->depth--;
}

static void
on_sent(void *arg, const char *line, enum client_line kind)
{
	struct seen *s = arg;

	(void)kind;
	if (strcmp(line, "NOOP") == 0)
		strcat(s->events, "sent ");
}

static void
on_message(void *arg, enum client_msg kind, const char *text)
{
	struct seen *s = arg;

	if (kind == CLIENT_MSG_ERROR || kind == CLIENT_MSG_INFO)
		snprintf(s->error, sizeof s->error, "%s", text);
}

static const struct client_ops ops = {
	.sent = on_sent,
	.reply = on_reply,
	.message = on_message,
};

/* A listening socket on 127.0.0.1; its port into port. */
static int
listener(char *port, size_t size)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	cr_assert_eq(listen(fd, 1), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(port, size, "%d", ntohs(sin.sin_port));
	return fd;
}

/* A client of options base (or none) connected to a server played by
 * the test, not greeted; the server's end of the connection into *fd. */
static struct client *
connected(const struct client_opts *base, const struct client_ops *o_ops,
    void *arg, int *fd)
{
	struct client_opts	o;
	struct client		*c;
	char			port[16];
	int			lfd;

	memset(&o, 0, sizeof o);
	if (base != NULL)
		o = *base;
	lfd = listener(port, sizeof port);
	o.host = "127.0.0.1";
	o.port = port;
	o.timeout_s = 5;
	c = client_new(&o, o_ops, arg);
	cr_assert_not_null(c);
	cr_assert_eq(client_connect(c), 0);
	*fd = accept(lfd, NULL, NULL);
	cr_assert(*fd >= 0);
	close(lfd);
	return c;
}

/* What the client has sent, as the server reads it: exactly want, and
 * nothing else within a moment. */
static void
expect_sent(int fd, const char *want)
{
	char	buf[1024];
	size_t	len = 0, n = strlen(want);
	ssize_t	r;

	while (len < n && net_wait(fd, POLLIN, 5000) == 1 &&
	    (r = read(fd, buf + len, n - len)) > 0)
		len += (size_t)r;
	buf[len] = '\0';
	cr_assert_str_eq(buf, want);
	if (net_wait(fd, POLLIN, 100) == 1) {
		r = read(fd, buf, sizeof buf - 1);
		buf[r > 0 ? r : 0] = '\0';
		cr_assert(r <= 0, "also sent: %s", buf);
	}
}

/* The server played by the test says text. */
static void
say(int fd, const char *text)
{
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

/* A client connected to a server played by the test, greeting read;
 * the server's end of the connection into *fd. */
static struct client *
greeted(const struct client_ops *o_ops, void *arg, int *fd)
{
	struct client	*c;

	c = connected(NULL, o_ops, arg, fd);
	cr_assert_eq(write(*fd, "220 hi\r\n", 8), 8);
	cr_assert_eq(client_wait(c, 5000), 0);
	return c;
}

/* s->c greeted, EHLO sent and read by the server; its end into *fd. */
static void
ehlo_sent(struct seen *s, int *fd)
{
	char	buf[256];

	memset(s, 0, sizeof *s);
	s->c = greeted(&ops, s, fd);
	cr_assert_eq(client_send(s->c, "EHLO me"), 0);
	cr_assert(read(*fd, buf, sizeof buf) > 0);
}

Test(client, send_from_reply_callback_after_reset)
{
	struct seen		s;
	struct linger		lg = { .l_onoff = 1, .l_linger = 0 };
	int			fd;

	ehlo_sent(&s, &fd);
	/* two replies in one segment, then a reset: the NOOP the first
	 * reply's callback sends cannot be written; what the server sent
	 * before is still handed over, the second reply after the first
	 * one's callback has returned, and answering nothing we sent */
	cr_assert_eq(write(fd, "250 ok\r\n250 extra\r\n", 19), 19);
	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
	close(fd);
	client_wait(s.c, 5000);
	cr_assert_str_eq(s.command, "EHLO me");
	cr_assert_eq(s.replies, 2, "the reply read before the reset was lost");
	cr_assert_not(s.nested, "a reply callback ran inside another");
	cr_assert_eq(s.ctx2, ANNOTATE_UNSOLICITED);
	cr_assert(strstr(s.error, "write to the server failed") != NULL,
	    "%s", s.error);
	cr_assert_eq(client_fd(s.c), -1);
	client_free(s.c);
}

/* A line sent from a reply callback goes out once that callback has
 * returned, before the next reply is handed over: the next reply read
 * answers it. */
Test(client, send_from_reply_callback_goes_out_after_it)
{
	struct seen	s;
	char		buf[256];
	int		fd;
	ssize_t		n;

	ehlo_sent(&s, &fd);
	cr_assert_eq(write(fd, "250 ok\r\n", 8), 8);
	/* the EHLO reply's callback sends NOOP */
	cr_assert_eq(net_wait(client_fd(s.c), POLLIN, 5000), 1);
	cr_assert_eq(client_on_readable(s.c), 0);
	cr_assert_str_eq(s.events, "reply() sent ");
	n = read(fd, buf, sizeof buf - 1);
	cr_assert(n > 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "NOOP\r\n");
	cr_assert_eq(write(fd, "250 noop\r\n", 10), 10);
	cr_assert_eq(client_wait(s.c, 5000), 0);
	cr_assert_str_eq(s.command2, "NOOP");
	cr_assert_eq(s.ctx2, ANNOTATE_COMMAND);
	cr_assert_not(s.nested);
	close(fd);
	client_free(s.c);
}

static void
quiet_message(void *arg, enum client_msg kind, const char *text)
{
	char *last = arg;

	if (kind == CLIENT_MSG_ERROR)
		snprintf(last, 512, "%s", text);
}

static const struct client_ops quiet_ops = {
	.message = quiet_message,
};

/* A response typed before the 334 came is not sent as a command, nor
 * kept in the history (RFC 4954 4). */
Test(client, sasl_response_before_challenge_refused)
{
	struct client		*c;
	char			buf[256], err[512] = "";
	int			fd, hist;
	ssize_t			n;

	c = greeted(&quiet_ops, err, &fd);
	cr_assert_eq(client_send(c, "AUTH LOGIN"), 0);
	hist = history_length;
	console_history_add(c, "c2VjcmV0");
	cr_assert_eq(history_length, hist, "a secret reached the history");
	cr_assert_eq(client_send(c, "c2VjcmV0"), -1);
	cr_assert(strstr(err, "334 challenge") != NULL, "%s", err);
	n = read(fd, buf, sizeof buf - 1);
	cr_assert(n > 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "AUTH LOGIN\r\n", "sent: %s", buf);
	/* once the challenge is in, the response goes out */
	cr_assert_eq(write(fd, "334 VXNlcm5hbWU6\r\n", 18), 18);
	cr_assert_eq(client_wait(c, 5000), 0);
	cr_assert_eq(client_send(c, "c2VjcmV0"), 0);
	close(fd);
	client_free(c);
}

/* Out of memory while queueing a command: the engine says so and ends
 * the session rather than pair the next replies with the wrong commands. */
Test(client, out_of_memory_while_queueing_ends_the_session)
{
	struct client		*c;
	char			err[512] = "";
	int			fd;

	c = greeted(&quiet_ops, err, &fd);
	session_fail_alloc_for_test(client_session(c), 1);
	cr_assert_eq(client_send(c, "NOOP"), -1);
	cr_assert(strstr(err, "out of memory") != NULL, "%s", err);
	cr_assert(strstr(err, "NOOP") != NULL, "%s", err);
	cr_assert_eq(client_fd(c), -1, "the session goes on");
	cr_assert_eq(client_failed(c), 1);
	close(fd);
	client_free(c);
}

/* The engine keeps the changes the session reports, for :state. */
Test(client, state_trail)
{
	struct client		*c;
	const enum state	*trail;
	char			buf[256], err[512] = "";
	int			fd;
	size_t			n;

	c = greeted(&quiet_ops, err, &fd);
	cr_assert_eq(client_send(c, "HELO me"), 0);
	cr_assert(read(fd, buf, sizeof buf) > 0);
	cr_assert_eq(write(fd, "250 hi\r\n", 8), 8);
	cr_assert_eq(client_wait(c, 5000), 0);
	trail = client_state_trail(c, &n);
	cr_assert_eq(n, 3);
	cr_assert_eq(trail[0], STATE_CONNECTED);
	cr_assert_eq(trail[1], STATE_GREETED);
	cr_assert_eq(trail[2], STATE_READY);
	close(fd);
	client_free(c);
}

struct said {
	int	warnings;	/* warnings and diagnostics: AUTH not offered */
	char	last[512];
};

static void
said_message(void *arg, enum client_msg kind, const char *text)
{
	struct said *s = arg;

	if ((kind == CLIENT_MSG_WARNING || kind == CLIENT_MSG_DIAG) &&
	    strstr(text, "advertise") != NULL) {
		s->warnings++;
		snprintf(s->last, sizeof s->last, "%s", text);
	}
}

static const struct client_ops said_ops = {
	.message = said_message,
};

/* AUTH to a server that did not advertise it: one warning, from the
 * order checker, with the reply to expect (the grammar does not repeat
 * it). */
Test(client, auth_not_advertised_warned_once)
{
	struct said	 s;
	struct client	*c;
	char		 buf[256];
	int		 fd;

	memset(&s, 0, sizeof s);
	c = greeted(&said_ops, &s, &fd);
	cr_assert_eq(client_send(c, "EHLO me"), 0);
	cr_assert(read(fd, buf, sizeof buf) > 0);
	cr_assert_eq(write(fd, "250-mx\r\n250 PIPELINING\r\n", 24), 24);
	cr_assert_eq(client_wait(c, 5000), 0);
	console_input(c, "AUTH PLAIN", 10, 1);
	cr_assert_eq(s.warnings, 1, "%d warnings, the last: %s", s.warnings,
	    s.last);
	cr_assert(strstr(s.last, "expect 502") != NULL, "%s", s.last);
	close(fd);
	client_free(c);
}

/* What a batching driver heard: the reply codes in order, the last note
 * and the last error. */
struct heard {
	char	codes[64];
	char	info[512];
	char	error[512];
};

static void
heard_reply(void *arg, const struct reply *r, const char *command,
    enum annotate_ctx ctx, double ms)
{
	struct heard	*h = arg;
	size_t		 n = strlen(h->codes);

	(void)command;
	(void)ctx;
	(void)ms;
	snprintf(h->codes + n, sizeof h->codes - n, "%d ", r->code);
}

static void
heard_message(void *arg, enum client_msg kind, const char *text)
{
	struct heard *h = arg;

	if (kind == CLIENT_MSG_ERROR)
		snprintf(h->error, sizeof h->error, "%s", text);
	else if (kind == CLIENT_MSG_INFO)
		snprintf(h->info, sizeof h->info, "%s", text);
}

static const struct client_ops heard_ops = {
	.reply = heard_reply,
	.message = heard_message,
};

/* The server's end reads exactly what is there, at most size - 1 bytes. */
static void
server_reads(int fd, char *buf, size_t size)
{
	ssize_t n;

	n = read(fd, buf, size - 1);
	cr_assert(n > 0);
	buf[n] = '\0';
}

/* A batching client writes nothing until it is about to wait, then all
 * of it at once: a body and its "." reach the server together. */
Test(client, batch_sends_body_and_dot_in_one_write)
{
	struct heard		 h;
	struct client		*c;
	char			 buf[512];
	unsigned long long	 out;
	int			 fd;

	memset(&h, 0, sizeof h);
	c = greeted(&heard_ops, &h, &fd);
	client_set_batch(c, 1);
	cr_assert_eq(client_send(c, "HELO me"), 0);
	cr_assert_eq(client_conn(c)->bytes_out, 0, "sent before a wait");
	cr_assert_eq(client_flush(c), 0);
	server_reads(fd, buf, sizeof buf);
	cr_assert_str_eq(buf, "HELO me\r\n");
	cr_assert_eq(write(fd, "250 hi\r\n", 8), 8);
	cr_assert_eq(client_wait(c, 5000), 0);
	cr_assert_eq(client_send(c, "DATA"), 0);
	cr_assert_eq(write(fd, "354 go\r\n", 8), 8);
	/* the wait sends DATA first, then reads the 354 */
	cr_assert_eq(client_wait(c, 5000), 0);
	cr_assert_str_eq(h.codes, "220 250 354 ");
	server_reads(fd, buf, sizeof buf);
	cr_assert_str_eq(buf, "DATA\r\n");
	out = client_conn(c)->bytes_out;
	cr_assert_eq(client_send(c, "Subject: x"), 0);
	cr_assert_eq(client_send(c, ""), 0);
	cr_assert_eq(client_send(c, ".dot"), 0);
	cr_assert_eq(client_send(c, "."), 0);
	cr_assert_eq(client_conn(c)->bytes_out, out, "a body line went out "
	    "alone");
	cr_assert_eq(client_flush(c), 0);
	cr_assert_eq(client_conn(c)->bytes_out, out + 24);
	server_reads(fd, buf, sizeof buf);
	cr_assert_str_eq(buf, "Subject: x\r\n\r\n..dot\r\n.\r\n");
	/* off again: each send goes out before it returns */
	cr_assert_eq(write(fd, "250 queued\r\n", 12), 12);
	cr_assert_eq(client_wait(c, 5000), 0);
	client_set_batch(c, 0);
	cr_assert_eq(client_send(c, "QUIT"), 0);
	server_reads(fd, buf, sizeof buf);
	cr_assert_str_eq(buf, "QUIT\r\n");
	close(fd);
	client_free(c);
}

/* A PIPELINING group leaves in one write when the client waits. */
Test(client, batch_sends_a_group_in_one_write)
{
	struct heard		 h;
	struct client		*c;
	char			 buf[512];
	unsigned long long	 out;
	int			 fd;

	memset(&h, 0, sizeof h);
	c = greeted(&heard_ops, &h, &fd);
	client_set_batch(c, 1);
	cr_assert_eq(client_send(c, "EHLO me"), 0);
	cr_assert_eq(write(fd, "250-mx\r\n250 PIPELINING\r\n", 24), 24);
	cr_assert_eq(client_wait(c, 5000), 0);
	server_reads(fd, buf, sizeof buf);
	cr_assert_str_eq(buf, "EHLO me\r\n");
	out = client_conn(c)->bytes_out;
	cr_assert_eq(client_send(c, "MAIL FROM:<a@example.org>"), 0);
	cr_assert_eq(client_send(c, "RCPT TO:<b@example.org>"), 0);
	cr_assert_eq(client_send(c, "DATA"), 0);
	cr_assert_eq(client_conn(c)->bytes_out, out, "a command went out "
	    "alone");
	/* the replies are there before the group is sent: the client sends
	 * it, then reads them */
	cr_assert_eq(write(fd, "250 ok\r\n250 ok\r\n354 go\r\n", 24), 24);
	cr_assert_eq(client_wait(c, 5000), 0);
	cr_assert_str_eq(h.codes, "220 250 250 250 354 ");
	server_reads(fd, buf, sizeof buf);
	cr_assert_str_eq(buf, "MAIL FROM:<a@example.org>\r\n"
	    "RCPT TO:<b@example.org>\r\nDATA\r\n");
	close(fd);
	client_free(c);
}

/* Batched lines the server closed on (a 421, then a reset): the write
 * fails when the client is about to wait; the 421 is handed over first,
 * and the end is the ordinary one after a 421. */
Test(client, batch_write_failure_reads_the_421_first)
{
	struct heard	 h;
	struct client	*c;
	struct linger	 lg = { .l_onoff = 1, .l_linger = 0 };
	int		 fd;

	memset(&h, 0, sizeof h);
	c = greeted(&heard_ops, &h, &fd);
	client_set_batch(c, 1);
	cr_assert_eq(write(fd, "421 4.3.0 closing\r\n", 19), 19);
	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
	close(fd);
	cr_assert_eq(client_send(c, "NOOP"), 0, "nothing is written yet");
	cr_assert_eq(client_wait(c, 5000), -1);
	cr_assert_str_eq(h.codes, "220 421 ");
	cr_assert(strstr(h.info, "the rest was not sent") != NULL, "%s",
	    h.info);
	cr_assert_str_eq(h.error, "");
	cr_assert_eq(client_fd(c), -1);
	cr_assert_eq(client_failed(c), EXIT_OK);
	client_free(c);
}

struct told {
	char	info[1024];	/* the last neutral message */
	char	error[2048];	/* every error, one a line */
};

static void
told_message(void *arg, enum client_msg kind, const char *text)
{
	struct told	*t = arg;
	size_t		 len = strlen(t->error);

	if (kind == CLIENT_MSG_INFO)
		snprintf(t->info, sizeof t->info, "%s", text);
	else if (kind == CLIENT_MSG_ERROR)
		snprintf(t->error + len, sizeof t->error - len, "%s\n", text);
}

static const struct client_ops told_ops = {
	.message = told_message,
};

/* --starttls, greeted: the client, and the server's end in *fd. */
static struct client *
starttls_greeted(struct told *t, int *fd)
{
	struct client_opts	o;
	struct client		*c;

	memset(t, 0, sizeof *t);
	memset(&o, 0, sizeof o);
	o.starttls = 1;
	o.ehlo = "client.example";
	c = connected(&o, &told_ops, t, fd);
	say(*fd, "220 hi\r\n");
	cr_assert_eq(client_wait(c, 5000), 0);
	return c;
}

/* --starttls and a transaction command first: EHLO goes out alone (the
 * engine's, with --ehlo's name); a server without STARTTLS gets QUIT and
 * nothing else, the session ends at its 221 with EXIT_CONNECT. */
Test(client, starttls_mail_first_never_in_clear)
{
	struct told	 t;
	struct client	*c;
	int		 fd;

	c = starttls_greeted(&t, &fd);
	cr_assert_eq(client_send(c, "MAIL FROM:<a@example.org>"), 0);
	cr_assert(strstr(t.info, "EHLO client.example and STARTTLS first") !=
	    NULL, "%s", t.info);
	expect_sent(fd, "EHLO client.example\r\n");
	say(fd, "250-mx\r\n250 PIPELINING\r\n");
	cr_assert_eq(net_wait(client_fd(c), POLLIN, 5000), 1);
	cr_assert_eq(client_on_readable(c), 0);
	expect_sent(fd, "QUIT\r\n");
	cr_assert(strstr(t.error, "does not offer STARTTLS") != NULL, "%s",
	    t.error);
	cr_assert(strstr(t.error, "\"MAIL FROM:<a@example.org>\" not sent") !=
	    NULL, "%s", t.error);
	/* nothing else goes out, even asked */
	cr_assert_eq(client_send(c, "RCPT TO:<b@example.org>"), -1);
	say(fd, "221 bye\r\n");
	client_wait(c, 5000);
	cr_assert_eq(client_fd(c), -1, "the session goes on after its 221");
	cr_assert_eq(client_failed(c), EXIT_CONNECT);
	cr_assert_eq(read(fd, t.info, sizeof t.info), 0, "more was sent");
	close(fd);
	client_free(c);
}

/* HELO first: EHLO with its name instead (only EHLO learns of
 * STARTTLS); a refused STARTTLS ends the session. */
Test(client, starttls_helo_first_and_refused)
{
	struct told	 t;
	struct client	*c;
	int		 fd;

	c = starttls_greeted(&t, &fd);
	cr_assert_eq(client_send(c, "HELO me.example"), 0);
	expect_sent(fd, "EHLO me.example\r\n");
	/* a second line waits for nothing: refused */
	cr_assert_eq(client_send(c, "MAIL FROM:<a@example.org>"), -1);
	cr_assert(strstr(t.error, "already waits for TLS") != NULL, "%s",
	    t.error);
	say(fd, "250-mx\r\n250 STARTTLS\r\n");
	cr_assert_eq(net_wait(client_fd(c), POLLIN, 5000), 1);
	cr_assert_eq(client_on_readable(c), 0);
	expect_sent(fd, "STARTTLS\r\n");
	say(fd, "454 4.7.0 TLS not available\r\n");
	cr_assert_eq(net_wait(client_fd(c), POLLIN, 5000), 1);
	cr_assert_eq(client_on_readable(c), 0);
	expect_sent(fd, "QUIT\r\n");
	cr_assert(strstr(t.error, "refused STARTTLS (454)") != NULL, "%s",
	    t.error);
	cr_assert_eq(client_failed(c), EXIT_CONNECT);
	close(fd);
	client_free(c);
}

/* EHLO, NOOP, RSET and QUIT go out in clear; EHLO's 250 starts TLS. */
Test(client, starttls_allowed_in_clear)
{
	struct told	 t;
	struct client	*c;
	int		 fd;

	c = starttls_greeted(&t, &fd);
	cr_assert_eq(client_send(c, "NOOP"), 0);
	expect_sent(fd, "NOOP\r\n");
	say(fd, "250 ok\r\n");
	cr_assert_eq(client_wait(c, 5000), 0);
	cr_assert_eq(client_send(c, "EHLO me.example"), 0);
	expect_sent(fd, "EHLO me.example\r\n");
	say(fd, "250-mx\r\n250 STARTTLS\r\n");
	cr_assert_eq(net_wait(client_fd(c), POLLIN, 5000), 1);
	cr_assert_eq(client_on_readable(c), 0);
	expect_sent(fd, "STARTTLS\r\n");
	/* nothing may follow STARTTLS, and BDAT never waits */
	cr_assert_eq(client_send_bdat(c, "x", 1, 1), -1);
	close(fd);
	client_free(c);
}

/* A server that accepts the connection and never greets: a connection
 * failure (EXIT_CONNECT), as is one that closes before its greeting. */
Test(client, no_greeting_is_a_connect_failure)
{
	struct told	 t;
	struct client	*c;
	int		 fd;

	memset(&t, 0, sizeof t);
	c = connected(NULL, &told_ops, &t, &fd);
	cr_assert_eq(client_wait(c, 200), -2);
	cr_assert(strstr(t.error, "accepted the connection but sent no "
	    "greeting within 1 s") != NULL, "%s", t.error);
	cr_assert_eq(client_failed(c), EXIT_CONNECT);
	close(fd);
	client_free(c);

	memset(&t, 0, sizeof t);
	c = connected(NULL, &told_ops, &t, &fd);
	close(fd);
	cr_assert_eq(client_wait(c, 5000), -1);
	cr_assert(strstr(t.error, "before its greeting") != NULL, "%s",
	    t.error);
	cr_assert_eq(client_failed(c), EXIT_CONNECT);
	client_free(c);
}

/* The EHLO name: --ehlo, else a host name with a dot, else the address
 * literal of our end (RFC 5321 4.1.4). */
Test(client, ehlo_name)
{
	struct client_opts	 o;
	struct told		 t;
	struct client		*c;
	char			 buf[256], host[256];
	const char		*name;
	int			 fd;

	memset(&o, 0, sizeof o);
	o.ehlo = "given.example";
	c = connected(&o, &told_ops, &t, &fd);
	cr_assert_str_eq(client_ehlo_name(c, buf, sizeof buf),
	    "given.example");
	cr_assert_str_eq(client_hello_line(c, NULL, buf, sizeof buf),
	    "EHLO given.example");
	cr_assert_str_eq(client_hello_line(c, "other.example", buf,
	    sizeof buf), "EHLO other.example");
	close(fd);
	client_free(c);
	/* RFC 2033 4.1: an LMTP client greets with LHLO */
	o.lmtp = 1;
	c = connected(&o, &told_ops, &t, &fd);
	cr_assert_str_eq(client_hello_line(c, NULL, buf, sizeof buf),
	    "LHLO given.example");
	close(fd);
	client_free(c);
	c = connected(NULL, &told_ops, &t, &fd);
	name = client_ehlo_name(c, buf, sizeof buf);
	cr_assert_eq(gethostname(host, sizeof host), 0);
	if (strchr(host, '.') != NULL)
		cr_assert_str_eq(name, host);
	else
		cr_assert_str_eq(name, "[127.0.0.1]");
	close(fd);
	client_free(c);
}

/* A body given whole: each LF, CRLF or lone CR ends a line, each line
 * dot-stuffed (RFC 5321 4.5.2). */
Test(client, send_body_splits_lines)
{
	struct told	 t;
	struct client	*c;
	int		 fd;

	memset(&t, 0, sizeof t);
	c = greeted(&told_ops, &t, &fd);
	cr_assert_eq(client_send(c, "DATA"), 0);
	expect_sent(fd, "DATA\r\n");
	say(fd, "354 go\r\n");
	cr_assert_eq(client_wait(c, 5000), 0);
	cr_assert_eq(client_send_body(c, "a\n.b\r\nc\rd", 9), 0);
	expect_sent(fd, "a\r\n..b\r\nc\r\nd\r\n");
	close(fd);
	client_free(c);
}

/* A line as every front end shows it: the AUTH argument and a SASL
 * response masked, a body line and an AUTH without a response as they
 * are, nothing masked with --show-secrets. */
Test(client, shown_line_masks_secrets)
{
	char	buf[64];

	cr_assert_str_eq(client_shown_line(0, "AUTH PLAIN AHN0dWRlbnQA",
	    CLIENT_LINE_COMMAND, buf, sizeof buf), "AUTH PLAIN ********");
	cr_assert_str_eq(client_shown_line(0, "auth\tplain\tAHN0",
	    CLIENT_LINE_COMMAND, buf, sizeof buf), "auth\tplain ********");
	cr_assert_str_eq(client_shown_line(0, "AUTH LOGIN",
	    CLIENT_LINE_COMMAND, buf, sizeof buf), "AUTH LOGIN");
	cr_assert_str_eq(client_shown_line(0, "c2VjcmV0",
	    CLIENT_LINE_SECRET, buf, sizeof buf), "********");
	cr_assert_str_eq(client_shown_line(0, "AUTH PLAIN is body text",
	    CLIENT_LINE_BODY, buf, sizeof buf), "AUTH PLAIN is body text");
	cr_assert_str_eq(client_shown_line(1, "AUTH PLAIN AHN0dWRlbnQA",
	    CLIENT_LINE_COMMAND, buf, sizeof buf), "AUTH PLAIN AHN0dWRlbnQA");
	cr_assert_str_eq(client_shown_line(1, "c2VjcmV0",
	    CLIENT_LINE_SECRET, buf, sizeof buf), "c2VjcmV0");
}
