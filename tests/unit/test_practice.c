/*
 * test_practice.c -- the practice server's protocol engine, driven through
 * practice_conn_* without sockets; its agreement with the checker on
 * every line of the grammar table; and the network layer
 * (practice_net_spawn()) on loopback.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <criterion/criterion.h>

#include "caps.h"
#include "grammar_cases.h"
#include "auth.h"
#include "practice.h"
#include "practice_net.h"
#include "reply.h"
#include "verbs.h"

#define GREETING "220 practice.smtpscope.test ESMTP smtpscope practice server " \
    "ready; AUTH after STARTTLS as student, password practice\r\n"

/* Everything the engine has to say, taken out of its output. */
static char *
drain(struct practice_conn *c)
{
	const char	*out;
	size_t		 len;
	char		*s;

	out = practice_conn_output(c, &len);
	s = malloc(len + 1);
	cr_assert_not_null(s);
	if (len > 0)
		memcpy(s, out, len);
	s[len] = '\0';
	practice_conn_consume(c, len);
	return s;
}

static struct practice_conn *
fresh(const struct practice_opts *o)
{
	struct practice_conn	*c;
	char			*g;

	c = practice_conn_new(o, NULL);
	cr_assert_not_null(c);
	g = drain(c);
	free(g);
	return c;
}

/* Send input, return the replies (caller frees). */
static char *
say(struct practice_conn *c, const char *in)
{
	practice_conn_input(c, in, strlen(in));
	return drain(c);
}

/* Send input and check the replies are exactly want. */
static void
expect(struct practice_conn *c, const char *in, const char *want)
{
	char *got = say(c, in);

	cr_expect_str_eq(got, want, "after %s", in);
	free(got);
}

/* Send input and check the reply starts with prefix. */
static void
expect_code(struct practice_conn *c, const char *in, const char *prefix)
{
	char *got = say(c, in);

	cr_expect(strncmp(got, prefix, strlen(prefix)) == 0,
	    "after \"%s\": want \"%s...\", got \"%s\"", in, prefix, got);
	free(got);
}

/* A session in the state after EHLO / MAIL / RCPT. */
static struct practice_conn *
after_ehlo(const struct practice_opts *o)
{
	struct practice_conn *c = fresh(o);

	free(say(c, "EHLO client.example\r\n"));
	return c;
}

/* The same after STARTTLS: TLS is up, EHLO offers AUTH. */
static struct practice_conn *
after_tls_ehlo(void)
{
	struct practice_conn *c = fresh(NULL);

	practice_conn_tls_started(c);
	free(say(c, "EHLO client.example\r\n"));
	return c;
}

static struct practice_conn *
after_rcpt(const struct practice_opts *o)
{
	struct practice_conn *c = after_ehlo(o);

	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 2.1.0 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 2.1.5 ");
	return c;
}

static void
expect_body(struct practice_conn *c, const char *want, size_t wantlen)
{
	const char	*b;
	size_t		 len;

	b = practice_conn_last_message_for_test(c, &len);
	cr_assert_eq(len, wantlen, "body length %zu, want %zu", len, wantlen);
	if (wantlen > 0)
		cr_assert(memcmp(b, want, wantlen) == 0, "body differs");
}

/* ---- greeting and EHLO ------------------------------------------------- */

Test(practice, greeting)
{
	struct practice_conn	*c = practice_conn_new(NULL, NULL);
	char			*g = drain(c);

	cr_expect_str_eq(g, GREETING);
	free(g);
	practice_conn_free(c);
}

Test(practice, greeting_hostname)
{
	struct practice_opts	 o = { .hostname = "mx.test" };
	struct practice_conn	*c = practice_conn_new(&o, NULL);
	char			*g = drain(c);

	cr_expect_str_eq(g, "220 mx.test ESMTP smtpscope practice server ready; "
	    "AUTH after STARTTLS as student, password practice\r\n");
	free(g);
	expect(c, "QUIT\r\n", "221 2.0.0 mx.test closing connection\r\n");
	practice_conn_free(c);
}

Test(practice, ehlo_capabilities)
{
	struct practice_conn *c = fresh(NULL);

	expect(c, "EHLO client.example\r\n",
	    "250-practice.smtpscope.test greets client.example\r\n"
	    "250-PIPELINING\r\n"
	    "250-SIZE 10485760\r\n"
	    "250-8BITMIME\r\n"
	    "250-ENHANCEDSTATUSCODES\r\n"
	    "250-CHUNKING\r\n"
	    "250-BINARYMIME\r\n"
	    "250-DSN\r\n"
	    "250-SMTPUTF8\r\n"
	    "250 HELP\r\n");
	practice_conn_free(c);
}

Test(practice, ehlo_size_from_opts)
{
	struct practice_opts	 o = { .max_size = 1000 };
	struct practice_conn	*c = fresh(&o);
	char			*r = say(c, "ehlo [127.0.0.1]\r\n");

	cr_expect(strstr(r, "250-SIZE 1000\r\n") != NULL, "%s", r);
	free(r);
	practice_conn_free(c);
}

Test(practice, helo)
{
	struct practice_conn *c = fresh(NULL);

	expect(c, "HELO client.example\r\n",
	    "250 practice.smtpscope.test greets client.example\r\n");
	/* Extensions need EHLO. */
	expect(c, "MAIL FROM:<a@example.org> SIZE=10\r\n",
	    "555 5.5.4 the server did not advertise SIZE (RFC 1870 6)\r\n");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 2.1.0 ");
	practice_conn_free(c);
}

Test(practice, ehlo_syntax)
{
	struct practice_conn *c = fresh(NULL);

	expect_code(c, "EHLO\r\n", "501 5.5.4 ");
	expect_code(c, "EHLO bad_host!\r\n", "501 5.5.4 ");
	expect_code(c, "EHLO two words\r\n", "501 5.5.4 ");
	expect_code(c, "EHLO [IPv6:::1]\r\n", "250-");
	expect_code(c, "HELO [999.1.1.1]\r\n", "501 5.5.4 ");
	practice_conn_free(c);
}

/* ---- a whole transaction ------------------------------------------------ */

Test(practice, full_transaction)
{
	struct practice_conn *c = after_rcpt(NULL);

	cr_assert_eq(practice_conn_messages_for_test(c), 0);
	expect(c, "DATA\r\n", "354 End data with <CR><LF>.<CR><LF>\r\n");
	cr_expect(practice_conn_in_message_for_test(c));
	expect(c, "Subject: hi\r\n\r\nbody\r\n.\r\n",
	    "250 2.0.0 Message accepted as message 1 (21 octets)\r\n");
	cr_expect(!practice_conn_in_message_for_test(c));
	cr_expect_eq(practice_conn_messages_for_test(c), 1);
	expect_body(c, "Subject: hi\r\n\r\nbody\r\n", 21);
	/* The transaction is over: a new one needs MAIL again. */
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "503 5.5.1 ");
	expect(c, "QUIT\r\n",
	    "221 2.0.0 practice.smtpscope.test closing connection\r\n");
	cr_expect(practice_conn_done(c));
	/* Input after QUIT is ignored. */
	expect(c, "NOOP\r\n", "");
	practice_conn_free(c);
}

Test(practice, replies_echo_addresses)
{
	struct practice_conn *c = after_ehlo(NULL);

	expect(c, "MAIL FROM:<a@b.example>\r\n",
	    "250 2.1.0 Sender <a@b.example> ok\r\n");
	expect(c, "RCPT TO:<c@d.example>\r\n",
	    "250 2.1.5 Recipient <c@d.example> ok\r\n");
	practice_conn_free(c);
}

Test(practice, verbs_case_insensitive)
{
	struct practice_conn *c = fresh(NULL);

	expect_code(c, "eHlO x.example\r\n", "250-");
	expect_code(c, "mail from:<a@example.org>\r\n", "250 2.1.0 ");
	expect_code(c, "Rcpt To:<b@example.org>\r\n", "250 2.1.5 ");
	expect_code(c, "data\r\n", "354 ");
	expect_code(c, "x\r\n.\r\n", "250 2.0.0 ");
	expect_code(c, "noop\r\n", "250 2.0.0 ");
	practice_conn_free(c);
}

Test(practice, ehlo_resets_transaction)
{
	struct practice_conn *c = after_rcpt(NULL);

	expect_code(c, "EHLO again.example\r\n", "250-");
	expect_code(c, "DATA\r\n", "503 5.5.1 ");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 2.1.0 ");
	practice_conn_free(c);
}

Test(practice, rset_and_noop)
{
	struct practice_conn *c = after_rcpt(NULL);

	expect(c, "RSET\r\n", "250 2.0.0 Reset ok\r\n");
	expect_code(c, "DATA\r\n", "503 5.5.1 ");
	expect(c, "NOOP anything\r\n", "250 2.0.0 OK\r\n");
	expect_code(c, "RSET now\r\n", "501 5.5.4 ");
	practice_conn_free(c);
}

Test(practice, null_sender_and_postmaster)
{
	struct practice_conn *c = after_ehlo(NULL);

	expect(c, "MAIL FROM:<>\r\n", "250 2.1.0 Sender <> ok\r\n");
	expect_code(c, "RCPT TO:<>\r\n", "501 5.5.4 ");
	expect_code(c, "RCPT TO:<Postmaster>\r\n", "250 2.1.5 ");
	practice_conn_free(c);
}

Test(practice, source_route_ignored)
{
	struct practice_conn *c = after_ehlo(NULL);

	expect(c, "MAIL FROM:<@relay.example,@b.example:a@example.org>\r\n",
	    "250 2.1.0 Sender <a@example.org> ok\r\n");
	practice_conn_free(c);
}

Test(practice, address_forms)
{
	struct practice_conn *c = after_ehlo(NULL);

	expect_code(c, "MAIL FROM:<\"a b\"@example.org>\r\n", "250 2.1.0 ");
	expect_code(c, "RCPT TO:<x@[192.0.2.1]>\r\n", "250 2.1.5 ");
	expect_code(c, "RCPT TO:<x@[IPv6:2001:db8::1]>\r\n", "250 2.1.5 ");
	expect_code(c, "RCPT TO:<x.y+tag@sub.example.org>\r\n", "250 2.1.5 ");
	expect_code(c, "RCPT TO:<x..y@example.org>\r\n", "501 5.5.4 ");
	expect_code(c, "RCPT TO:<x@-bad.example>\r\n", "501 5.5.4 ");
	expect_code(c, "RCPT TO:<x@>\r\n", "501 5.5.4 ");
	expect_code(c, "RCPT TO:<@example.org>\r\n", "501 5.5.4 ");
	expect_code(c, "RCPT TO:<nobody>\r\n", "501 5.5.4 ");
	expect_code(c, "RCPT TO:<x@[300.1.1.1]>\r\n", "501 5.5.4 ");
	/* RFC 5321 4.5.3.1.1: local part at most 64 octets. */
	expect_code(c, "RCPT TO:<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.org>\r\n",
	    "501 5.5.4 ");
	/* One space after the colon is forgiven. */
	expect_code(c, "RCPT TO: <z@example.org>\r\n", "250 2.1.5 ");
	practice_conn_free(c);
}

/* ---- DATA and dot-unstuffing (RFC 5321 4.5.2) --------------------------- */

static void
data_case(const char *in, const char *want, size_t wantlen)
{
	struct practice_conn *c = after_rcpt(NULL);

	expect_code(c, "DATA\r\n", "354 ");
	expect_code(c, in, "250 2.0.0 ");
	expect_body(c, want, wantlen);
	practice_conn_free(c);
}

Test(practice, dot_unstuffing)
{
	data_case("..x\r\n.\r\n", ".x\r\n", 4);
	data_case("a\r\n..\r\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", 9);
	data_case("a\r\n...\r\n.\r\n", "a\r\n..\r\n", 7);
	/* a dot not at a line start stays */
	data_case("a.b\r\n x.\r\n.\r\n", "a.b\r\n x.\r\n", 10);
	/* an empty message: "." right after the 354 */
	data_case(".\r\n", "", 0);
	/* ". " is not the end; the dot is dropped */
	data_case(". \r\n.\r\n", " \r\n", 3);
	/* ".\r" with more after it: the dot goes, CR stays */
	data_case(".\rX\r\n.\r\n", "\rX\r\n", 4);
}

Test(practice, bare_lf_does_not_end_data)
{
	/* Only CRLF.CRLF ends a message: "\n.\n" and "\r\n.\n" do not. */
	data_case("a\n.\nb\r\n.\n\r\n.\r\n", "a\n.\nb\r\n\n\r\n", 10);
}

Test(practice, data_errors)
{
	struct practice_opts	 o = { .max_size = 10 };
	struct practice_conn	*c = after_ehlo(NULL);

	expect(c, "DATA\r\n", "503 5.5.1 Bad sequence of commands: DATA is "
	    "not valid now; valid now: HELO EHLO MAIL RSET VRFY EXPN HELP NOOP "
	    "QUIT (RFC 5321 4.1.4)\r\n");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect(c, "DATA\r\n", "503 5.5.1 Bad sequence of commands: DATA is "
	    "not valid now; valid now: HELO EHLO RCPT RSET VRFY EXPN HELP NOOP "
	    "QUIT (RFC 5321 4.1.4)\r\n");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	expect_code(c, "DATA now\r\n", "501 5.5.4 ");
	practice_conn_free(c);

	/* Over the size limit: read to the end, then 552 5.3.4. */
	c = after_rcpt(&o);
	expect_code(c, "DATA\r\n", "354 ");
	expect_code(c, "0123456789\r\nabc\r\n.\r\n", "552 5.3.4 ");
	cr_expect_eq(practice_conn_messages_for_test(c), 0);
	/* The session goes on. */
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 2.1.0 ");
	practice_conn_free(c);
}

Test(practice, data_exactly_at_limit)
{
	struct practice_opts	 o = { .max_size = 5 };
	struct practice_conn	*c = after_rcpt(&o);

	expect_code(c, "DATA\r\n", "354 ");
	expect_code(c, "abc\r\n.\r\n", "250 2.0.0 ");
	practice_conn_free(c);
}

Test(practice, vanished_inside_data)
{
	struct practice_conn *c = after_rcpt(NULL);

	expect_code(c, "DATA\r\nhalf a mess", "354 ");
	practice_conn_eof(c);
	cr_expect_eq(practice_conn_messages_for_test(c), 0);
	cr_expect(practice_conn_done(c));
	practice_conn_free(c);
}

/* ---- BDAT (RFC 3030) ----------------------------------------------------- */

Test(practice, bdat_chunks)
{
	struct practice_conn *c = after_rcpt(NULL);

	expect(c, "BDAT 5\r\nhello", "250 2.0.0 5 octets received\r\n");
	/* chunk octets are binary: CRLF.CRLF inside is just data */
	practice_conn_input(c, "BDAT 8 LAST\r\n\r\n.\r\n\0x\n", 21);
	expect_code(c, "", "250 2.0.0 Message accepted as message ");
	expect_body(c, "hello\r\n.\r\n\0x\n", 13);
	practice_conn_free(c);
}

Test(practice, bdat_zero_last_and_split)
{
	struct practice_conn *c = after_rcpt(NULL);

	expect(c, "BDAT 3\r\nab", "");
	expect(c, "c", "250 2.0.0 3 octets received\r\n");
	expect_code(c, "bdat 0 last\r\n", "250 2.0.0 Message accepted");
	expect_body(c, "abc", 3);
	practice_conn_free(c);
}

Test(practice, bdat_errors)
{
	struct practice_opts	 o = { .max_size = 4 };
	struct practice_conn	*c = after_ehlo(NULL);

	/* Out of order: the chunk is read and dropped, then 503. */
	expect(c, "BDAT 4\r\nNOOP", "503 5.5.1 Bad sequence of commands: BDAT "
	    "is not valid now, chunk dropped; valid now: HELO EHLO MAIL RSET "
	    "VRFY EXPN HELP NOOP QUIT (RFC 5321 4.1.4)\r\n");
	expect_code(c, "BDAT\r\n", "501 5.5.4 ");
	expect_code(c, "BDAT x\r\n", "501 5.5.4 ");
	expect_code(c, "BDAT 1 FIRST\r\n", "501 5.5.4 ");
	practice_conn_free(c);

	/* No DATA after BDAT in one transaction. */
	c = after_rcpt(NULL);
	expect_code(c, "BDAT 1\r\nx", "250 2.0.0 ");
	expect_code(c, "DATA\r\n", "503 5.5.1 ");
	expect_code(c, "RCPT TO:<c@example.org>\r\n", "503 5.5.1 ");
	expect_code(c, "RSET\r\n", "250 ");
	practice_conn_free(c);

	/* BINARYMIME needs BDAT. */
	c = after_ehlo(NULL);
	expect_code(c, "MAIL FROM:<a@example.org> BODY=BINARYMIME\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	expect_code(c, "DATA\r\n", "503 5.5.1 ");
	expect_code(c, "BDAT 2 LAST\r\nhi", "250 2.0.0 Message accepted");
	practice_conn_free(c);

	/* Too big with the chunks before it: 552 5.3.4 after the chunk
	 * (RFC 1870 6.3), transaction gone. */
	c = after_rcpt(&o);
	expect_code(c, "BDAT 3\r\nabc", "250 2.0.0 3 octets");
	expect_code(c, "BDAT 3 LAST\r\n123", "552 5.3.4 ");
	expect_code(c, "BDAT 1 LAST\r\nx", "503 5.5.1 ");
	cr_expect_eq(practice_conn_messages_for_test(c), 0);
	practice_conn_free(c);

	/* After HELO there is no CHUNKING. */
	c = fresh(NULL);
	expect_code(c, "HELO x.example\r\n", "250 ");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	expect_code(c, "BDAT 1 LAST\r\nx", "503 5.5.1 ");
	practice_conn_free(c);
}

/* ---- every error case, with its codes -------------------------------- */

Test(practice, out_of_order)
{
	struct practice_conn *c = fresh(NULL);

	expect(c, "MAIL FROM:<a@example.org>\r\n",
	    "503 5.5.1 Bad sequence of commands: MAIL is not valid now; valid "
	    "now: HELO EHLO RSET VRFY EXPN HELP NOOP QUIT (RFC 5321 4.1.4)\r\n");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "503 5.5.1 ");
	expect_code(c, "DATA\r\n", "503 5.5.1 ");
	free(say(c, "EHLO x.example\r\n"));
	expect_code(c, "RCPT TO:<b@example.org>\r\n",
	    "503 5.5.1 Bad sequence of commands: RCPT is not valid now; ");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n",
	    "503 5.5.1 Bad sequence of commands: MAIL is not valid now; ");
	practice_conn_free(c);
}

Test(practice, unknown_and_not_offered)
{
	struct practice_conn *c = fresh(NULL);

	expect(c, "FOO bar\r\n",
	    "500 5.5.2 unknown command \"FOO\" (RFC 5321 4.1.1)\r\n");
	expect_code(c, "\r\n", "500 5.5.2 ");
	expect_code(c, "MAILFROM:<a@b>\r\n", "500 5.5.2 ");
	expect(c, "STARTTLS\r\n",
	    "502 5.5.1 STARTTLS is not implemented by this server\r\n");
	expect_code(c, "EXPN staff\r\n", "502 5.5.1 ");
	expect_code(c, "TURN\r\n", "502 5.5.1 ");
	practice_conn_free(c);
}

Test(practice, mail_syntax)
{
	struct practice_conn *c = after_ehlo(NULL);

	expect_code(c, "MAIL\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL TO:<a@example.org>\r\n", "501 5.5.4 ");
	expect(c, "MAIL FROM:a@example.org\r\n",
	    "501 5.5.4 missing angle brackets: the address goes in <...> "
	    "(RFC 5321 4.1.2)\r\n");
	expect_code(c, "MAIL FROM:<a@example.org\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org>x\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<not an address>\r\n", "501 5.5.4 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "503 5.5.1 ");
	practice_conn_free(c);
}

Test(practice, mail_parameters)
{
	struct practice_conn *c = after_ehlo(NULL);

	/* RFC 5321 4.1.1.11: unknown parameter 555 */
	expect(c, "MAIL FROM:<a@example.org> FOO=1\r\n",
	    "555 5.5.4 unknown parameter FOO: send it only if the server "
	    "advertised its extension (RFC 5321 4.1.1.11)\r\n");
	expect_code(c, "MAIL FROM:<a@example.org> NOTIFY=NEVER\r\n",
	    "555 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> SIZE=abc\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> SIZE\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> SIZE=1 SIZE=2\r\n",
	    "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> BODY=9BIT\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> SMTPUTF8=yes\r\n",
	    "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> RET=ALL\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> ENVID=a=b\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> ENVID=a+zz\r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> =x\r\n", "501 5.5.4 ");
	/* RFC 1870: SIZE over the fixed maximum */
	expect(c, "MAIL FROM:<a@example.org> SIZE=10485761\r\n",
	    "552 5.3.4 larger than the 10485760 octets the server accepts "
	    "(RFC 1870 6.1)\r\n");
	expect_code(c, "MAIL FROM:<a@example.org> SIZE=99999999999999999999999\r\n",
	    "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> SIZE=10485760 "
	    "BODY=8bitmime RET=HDRS ENVID=QQ+2Bx smtputf8\r\n", "250 2.1.0 ");
	practice_conn_free(c);
}

Test(practice, rcpt_parameters)
{
	struct practice_conn *c = after_ehlo(NULL);

	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org> SIZE=1\r\n", "555 5.5.4 ");
	expect_code(c, "RCPT TO:<b@example.org> NOTIFY=SOMETIMES\r\n",
	    "501 5.5.4 ");
	expect_code(c, "RCPT TO:<b@example.org> NOTIFY=NEVER,DELAY\r\n",
	    "501 5.5.4 ");
	/* RFC 3461 4.5 and 5.1 (b): a parameter given twice gets 501; a
	 * repeated element of a valid value must be taken. */
	expect(c, "RCPT TO:<b@example.org> NOTIFY=DELAY NOTIFY=NEVER\r\n",
	    "501 5.5.4 NOTIFY given twice; it may appear only once (RFC 3461 "
	    "4.5)\r\n");
	expect_code(c, "RCPT TO:<b@example.org> ORCPT=rfc822;b@example.org "
	    "ORCPT=rfc822;b@example.org\r\n", "501 5.5.4 ");
	expect_code(c, "RCPT TO:<b@example.org> NOTIFY=DELAY,DELAY\r\n",
	    "250 2.1.5 ");
	expect_code(c, "RCPT TO:<b@example.org> ORCPT=b@example.org\r\n",
	    "501 5.5.4 ");
	expect_code(c, "RCPT TO:<b@example.org> NOTIFY=success,FAILURE "
	    "ORCPT=rfc822;b@example.org\r\n", "250 2.1.5 ");
	expect_code(c, "RCPT TO:<c@example.org> NOTIFY=NEVER\r\n", "250 2.1.5 ");
	practice_conn_free(c);
}

Test(practice, smtputf8_addresses)
{
	struct practice_conn *c = after_ehlo(NULL);

	/* RFC 6531 3.5: 550 for MAIL, 553 for RCPT, both X.6.7 */
	expect_code(c, "MAIL FROM:<j\xc3\xb6rg@example.org>\r\n", "550 5.6.7 ");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<j\xc3\xb6rg@example.org>\r\n", "553 5.6.7 ");
	expect_code(c, "RSET\r\n", "250 ");
	expect_code(c, "MAIL FROM:<j\xc3\xb6rg@example.org> SMTPUTF8\r\n",
	    "250 2.1.0 Sender <j\\xc3\\xb6rg@example.org> ok");
	expect_code(c, "RCPT TO:<\xe7\x94\xa8@\xe4\xbe\x8b.example>\r\n",
	    "250 2.1.5 ");
	/* not UTF-8 at all */
	expect_code(c, "RCPT TO:<\xff@example.org>\r\n", "501 5.5.4 ");
	/* RFC 6531 3.3 esmtp-value =/ UTF8-non-ascii; RFC 6533 3: a utf-8
	 * ORCPT carries the address as it is. */
	expect_code(c, "RCPT TO:<j\xc3\xb6rg@example.org> "
	    "ORCPT=utf-8;j\xc3\xb6rg@example.org\r\n", "250 2.1.5 ");
	expect_code(c, "RCPT TO:<a@example.org> ORCPT=utf-8;j\xff\r\n",
	    "501 5.5.4 ");
	expect_code(c, "RCPT TO:<a@example.org> ORCPT=rfc822;j\xc3\xb6@x\r\n",
	    "501 5.5.4 ");
	expect_code(c, "RSET\r\n", "250 ");
	expect_code(c, "MAIL FROM:<a@example.org> ENVID=\xc3\xb6 SMTPUTF8\r\n",
	    "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	/* without SMTPUTF8 a non-ASCII value is refused (RFC 6531 3.5) */
	expect_code(c, "RCPT TO:<a@example.org> ORCPT=utf-8;j\xc3\xb6@x\r\n",
	    "553 5.6.7 ");
	practice_conn_free(c);
}

Test(practice, too_many_recipients)
{
	struct practice_conn	*c = after_ehlo(NULL);
	char			 line[64];
	int			 i;

	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	for (i = 0; i < PRACTICE_MAX_RCPTS; i++) {
		snprintf(line, sizeof line, "RCPT TO:<r%d@example.org>\r\n", i);
		expect_code(c, line, "250 2.1.5 ");
	}
	expect(c, "RCPT TO:<one-more@example.org>\r\n",
	    "452 4.5.3 Too many recipients (limit 100)\r\n");
	/* the first 100 still get the message */
	expect_code(c, "DATA\r\n", "354 ");
	expect_code(c, "x\r\n.\r\n", "250 2.0.0 ");
	practice_conn_free(c);
}

Test(practice, vrfy_expn_help)
{
	struct practice_conn	*c = fresh(NULL);
	char			*r;

	expect(c, "VRFY postmaster\r\n", "252 2.5.0 Cannot verify the user, "
	    "but will accept the message\r\n");
	expect_code(c, "VRFY\r\n", "501 5.5.4 ");
	expect(c, "EXPN list\r\n", "502 5.5.1 EXPN is disabled here (RFC 5321 "
	    "7.3)\r\n");
	r = say(c, "HELP\r\n");
	cr_expect(strncmp(r, "214-2.0.0 ", 10) == 0, "%s", r);
	cr_expect(strstr(r, "MAIL RCPT DATA BDAT") != NULL, "%s", r);
	cr_expect(strstr(r, "\r\n214 2.0.0 ") != NULL, "%s", r);
	free(r);
	/* The syntax and help of the verb table (verbs.c). */
	r = say(c, "help rcpt\r\n");
	cr_expect(strncmp(r, "214-2.0.0 RCPT TO:<forward-path> [SP "
	    "rcpt-parameters]\r\n214-2.0.0 RCPT names one recipient", 81) == 0,
	    "%s", r);
	cr_expect(strstr(r, "\r\n214 2.0.0 ") != NULL &&
	    strstr(r, "(RFC 5321 4.1.1.3)\r\n") != NULL, "%s", r);
	free(r);
	expect_code(c, "HELP FROB\r\n", "504 5.5.4 ");
	practice_conn_free(c);
}

Test(practice, quit)
{
	struct practice_conn *c = fresh(NULL);

	expect_code(c, "QUIT now\r\n", "501 5.5.4 ");
	cr_expect(!practice_conn_done(c));
	cr_expect_eq(practice_conn_input(c, "QUIT\r\nNOOP\r\n", 12), 1);
	expect(c, "", "221 2.0.0 practice.smtpscope.test closing connection\r\n");
	practice_conn_free(c);
}

/* ---- framing: pipelining, splits, long lines ------------------------------ */

static const char dialogue[] =
    "EHLO client.example\r\n"
    "MAIL FROM:<a@example.org> SIZE=20\r\n"
    "RCPT TO:<b@example.org>\r\n"
    "RCPT TO:<bad\r\n"
    "RCPT TO:<c@example.org>\r\n"
    "DATA\r\n"
    "Subject: x\r\n\r\n..dot\r\n.\r\n"
    "MAIL FROM:<>\r\n"
    "RCPT TO:<d@example.org>\r\n"
    "BDAT 4\r\nab\r\n"
    "BDAT 0 LAST\r\n"
    "NOOP\r\n"
    "QUIT\r\n";

Test(practice, pipelined_in_order)
{
	struct practice_conn	*c = fresh(NULL);
	char			*r;
	const char		*p;
	static const char *const codes[] = {
		"250-", "250 2.1.0", "250 2.1.5", "501 5.5.4", "250 2.1.5",
		"354 ", "250 2.0.0 Message accepted", "250 2.1.0", "250 2.1.5",
		"250 2.0.0 4 octets", "250 2.0.0 Message accepted",
		"250 2.0.0 OK", "221 2.0.0",
	};
	size_t			 i;

	cr_expect_eq(practice_conn_input(c, dialogue, sizeof dialogue - 1), 1);
	r = drain(c);
	p = r;
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		cr_assert(strncmp(p, codes[i], strlen(codes[i])) == 0,
		    "reply %zu: want %s, got %.40s", i, codes[i], p);
		/* skip the whole (maybe multiline) reply */
		while (p[3] == '-')
			p = strstr(p, "\r\n") + 2;
		p = strstr(p, "\r\n") + 2;
	}
	cr_expect_str_eq(p, "");
	cr_expect_eq(practice_conn_messages_for_test(c), 2);
	expect_body(c, "ab\r\n", 4);
	free(r);
	practice_conn_free(c);
}

/* Message numbers count per process: blank them to compare dialogues. */
static char *
unnumber(char *s)
{
	char *p = s;

	while ((p = strstr(p, "as message ")) != NULL) {
		p += 11;
		while (*p >= '0' && *p <= '9')
			*p++ = '#';
	}
	return s;
}

Test(practice, one_byte_at_a_time)
{
	struct practice_conn	*a = fresh(NULL), *b = fresh(NULL);
	char			*ra, *rb;
	size_t			 i;

	practice_conn_input(a, dialogue, sizeof dialogue - 1);
	for (i = 0; i < sizeof dialogue - 1; i++)
		practice_conn_input(b, dialogue + i, 1);
	ra = unnumber(drain(a));
	rb = unnumber(drain(b));
	cr_expect_str_eq(rb, ra);
	cr_expect_eq(practice_conn_messages_for_test(b), 2);
	free(ra);
	free(rb);
	practice_conn_free(a);
	practice_conn_free(b);
}

Test(practice, line_length_limit)
{
	struct practice_conn	*c = fresh(NULL);
	char			 line[600];

	/* 510 octets + CRLF = 512: allowed (RFC 5321 4.5.3.1.4). */
	memset(line, 'x', sizeof line);
	memcpy(line, "NOOP ", 5);
	memcpy(line + 510, "\r\n", 3);
	expect(c, line, "250 2.0.0 OK\r\n");
	/* 511 + CRLF: one reply, the rest of the line dropped. */
	line[510] = 'x';
	memcpy(line + 511, "\r\n", 3);
	expect(c, line, "500 5.5.2 command line of 513 octets with CRLF; the "
	    "limit is 512 (RFC 5321 4.5.3.1.4)\r\n");
	expect(c, "NOOP\r\n", "250 2.0.0 OK\r\n");
	practice_conn_free(c);
}

Test(practice, huge_line_in_pieces)
{
	struct practice_conn	*c = fresh(NULL);
	char			 chunk[4096];
	char			*r;
	int			 i;

	memset(chunk, 'A', sizeof chunk);
	/* 4 MiB without a line end: one 500 reply, nothing kept. */
	for (i = 0; i < 1024; i++)
		practice_conn_input(c, chunk, sizeof chunk);
	practice_conn_input(c, "\r\nNOOP\r\n", 8);
	r = drain(c);
	cr_expect_str_eq(r, "500 5.5.2 Line too long: over 16384 octets (RFC "
	    "5321 4.5.3.1.4)\r\n250 2.0.0 OK\r\n");
	free(r);
	practice_conn_free(c);
}

Test(practice, nul_and_bare_lf)
{
	struct practice_conn *c = fresh(NULL);

	practice_conn_input(c, "NO\0OP\r\n", 7);
	expect_code(c, "", "500 5.5.2 ");
	practice_conn_input(c, "NOOP a\0b\r\n", 10);
	expect(c, "", "501 5.5.4 control character 0x00 in the command (RFC "
	    "5321 4.1.1)\r\n");
	/* a bare LF ends a command line too */
	expect(c, "NOOP\n", "250 2.0.0 OK\r\n");
	/* only one CR is taken off; the other is part of the verb */
	expect_code(c, "NOOP\r\r\n", "500 5.5.2 ");
	practice_conn_free(c);
}

/* RFC 2034 3, RFC 3463: every 2xx/4xx/5xx reply but the greeting and
 * EHLO/HELO carries an enhanced code of the same class. */
Test(practice, enhanced_codes_agree)
{
	struct practice_conn	*c = fresh(NULL);
	char			*r, *line, *nl;
	int			 n = 0;

	practice_conn_input(c, dialogue, sizeof dialogue - 1);
	r = drain(c);
	for (line = r; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		n++;
		if (strncmp(line, "250-", 4) == 0 || line[0] == '3' ||
		    strstr(line, "greets") != NULL ||
		    strncmp(line, "250 HELP", 8) == 0)
			continue;
		cr_expect(line[4] == line[0] && line[5] == '.' &&
		    line[7] == '.', "no matching enhanced code: %s", line);
	}
	cr_expect_eq(n, 22, "%d reply lines", n);
	free(r);
	practice_conn_free(c);
}

/* ---- the engine's hooks: log lines and delivered messages ----------------- */

struct captured {
	char		 log[8192];
	size_t		 loglen;
	unsigned long	 delivered;
	char		 env[512];
	char		 body[512];	/* the last message delivered */
	size_t		 bodylen;
	int		 refuse;	/* deliver fails */
};

static void
capture_log(void *arg, const char *line)
{
	struct captured *k = arg;

	k->loglen += (size_t)snprintf(k->log + k->loglen,
	    sizeof k->log - k->loglen, "%s\n", line);
	cr_assert_lt(k->loglen, sizeof k->log);
}

static unsigned long
capture_deliver(void *arg, const struct practice_envelope *env,
    const char *body, size_t len, char *err, size_t errlen)
{
	struct captured *k = arg;
	size_t	 n, i;

	if (k->refuse) {
		snprintf(err, errlen, "disk full");
		return 0;
	}
	n = (size_t)snprintf(k->env, sizeof k->env, "%s|%s", env->from,
	    env->params);
	for (i = 0; i < env->nrcpts; i++)
		n += (size_t)snprintf(k->env + n, sizeof k->env - n, "|%s",
		    env->rcpts[i]);
	cr_assert_leq(len, sizeof k->body);
	memcpy(k->body, body, len);
	k->bodylen = len;
	return 40 + ++k->delivered;
}

/* The hook has the message: the engine kept nothing. */
static void
expect_delivered(struct practice_conn *c, const struct captured *k,
    const char *want, size_t wantlen)
{
	size_t	 len;

	cr_assert_eq(k->bodylen, wantlen, "body length %zu, want %zu",
	    k->bodylen, wantlen);
	cr_assert(memcmp(k->body, want, wantlen) == 0, "body differs");
	cr_assert_null(practice_conn_last_message_for_test(c, &len));
}

static struct practice_conn *
captured_conn(struct captured *k)
{
	struct practice_hooks	 h = { .log = capture_log,
	    .deliver = capture_deliver, .arg = k };
	struct practice_conn	*c;

	memset(k, 0, sizeof *k);
	c = practice_conn_new(NULL, &h);
	cr_assert_not_null(c);
	free(drain(c));
	return c;
}

Test(practice, hooks_log_and_deliver)
{
	struct captured		 k;
	struct practice_conn	*c = captured_conn(&k);

	expect_code(c, "EHLO x.example\r\n", "250-");
	expect_code(c, "MAIL FROM:<@r.example:a@example.org>  SIZE=10 "
	    "BODY=8BITMIME\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org> NOTIFY=NEVER\r\n", "250 ");
	expect_code(c, "RCPT TO:<Postmaster>\r\n", "250 ");
	expect_code(c, "DATA\r\nhi\r\n.\r\n", "354 ");
	/* the number is the hook's */
	expect_delivered(c, &k, "hi\r\n", 4);
	cr_expect_str_eq(k.env, "a@example.org|SIZE=10 BODY=8BITMIME|"
	    "b@example.org|Postmaster");
	cr_expect(strstr(k.log, "EHLO x.example -> 250\n") != NULL, "%s",
	    k.log);
	cr_expect(strstr(k.log, "message 41 accepted: 4 octets, 2 "
	    "recipients\n") != NULL, "%s", k.log);
	/* A store that fails: 451, nothing counted. */
	k.refuse = 1;
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	expect_code(c, "DATA\r\n", "354 ");
	expect(c, "x\r\n.\r\n", "451 4.3.0 Could not store the message\r\n");
	cr_expect(strstr(k.log, "message refused: disk full\n") != NULL, "%s",
	    k.log);
	cr_expect_eq(practice_conn_messages_for_test(c), 1);
	practice_conn_free(c);
}

/* ---- STARTTLS (RFC 3207) with a network layer that can do TLS -------- */

static int starttls_calls;

static void
capture_starttls(void *arg)
{
	(void)arg;
	starttls_calls++;
}

static struct practice_conn *
tls_conn(struct captured *k)
{
	struct practice_hooks	 h = { .log = capture_log,
	    .starttls = capture_starttls, .arg = k };
	struct practice_conn	*c;

	memset(k, 0, sizeof *k);
	starttls_calls = 0;
	c = practice_conn_new(NULL, &h);
	cr_assert_not_null(c);
	free(drain(c));
	return c;
}

Test(practice, starttls_offered_and_started)
{
	struct captured		 k;
	struct practice_conn	*c = tls_conn(&k);
	char			*r;

	r = say(c, "EHLO x.example\r\n");
	cr_expect(strstr(r, "\r\n250-STARTTLS\r\n250 HELP\r\n") != NULL,
	    "%s", r);
	free(r);
	/* before EHLO offered it: the order */
	expect(c, "RSET\r\n", "250 2.0.0 Reset ok\r\n");
	/* in a transaction: not valid (the verb table: after EHLO only) */
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "STARTTLS\r\n", "503 5.5.1 Bad sequence of commands: "
	    "STARTTLS is not valid now");
	expect_code(c, "RSET\r\n", "250 ");
	cr_expect_eq(starttls_calls, 0);
	/* RFC 3207 5: what follows STARTTLS in clear is never read */
	expect(c, "STARTTLS\r\nMAIL FROM:<evil@example.org>\r\n",
	    "220 2.0.0 Ready to start TLS\r\n");
	cr_expect_eq(starttls_calls, 1);
	expect(c, "RCPT TO:<b@example.org>\r\n", "");
	practice_conn_tls_started(c);
	cr_expect(strstr(k.log, "55 octets sent in clear after STARTTLS "
	    "dropped (RFC 3207 5)\n") != NULL, "%s", k.log);
	/* RFC 3207 4.2: the session starts over, STARTTLS is gone */
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "503 5.5.1 ");
	r = say(c, "EHLO x.example\r\n");
	cr_expect(strstr(r, "\r\n250 HELP\r\n") != NULL, "%s", r);
	cr_expect(strstr(r, "STARTTLS") == NULL, "%s", r);
	free(r);
	expect(c, "STARTTLS\r\n", "503 5.5.1 TLS is already active (RFC 3207 "
	    "4.2)\r\n");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	cr_expect_eq(starttls_calls, 1);
	practice_conn_free(c);
}

Test(practice, starttls_after_helo)
{
	struct captured		 k;
	struct practice_conn	*c = tls_conn(&k);
	char			*r;

	expect_code(c, "HELO x.example\r\n", "250 ");
	expect_code(c, "STARTTLS\r\n", "503 5.5.1 STARTTLS needs the STARTTLS "
	    "extension, which only EHLO offers");
	r = say(c, "HELP\r\n");
	cr_expect(strstr(r, " STARTTLS") != NULL, "%s", r);
	free(r);
	practice_conn_free(c);
}

/* The certificate made at start: the names a client connects by. */
Test(practice, tls_certificate_made_at_start)
{
	struct practice_net_tls	*t;
	const char		*pem;
	char			 err[256];
	BIO			*b;
	X509			*x;

	t = practice_net_tls_new(NULL, NULL, "mx.practice.example", err,
	    sizeof err);
	cr_assert_not_null(t, "%s", err);
	pem = practice_net_tls_pem(t);
	b = BIO_new_mem_buf(pem, -1);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	cr_assert_not_null(x);
	cr_expect_eq(X509_check_host(x, "mx.practice.example", 0, 0, NULL), 1);
	cr_expect_eq(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	cr_expect_eq(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	cr_expect_eq(X509_check_host(x, "other.example", 0, 0, NULL), 0);
	cr_expect_eq(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0), 1);
	cr_expect_eq(X509_cmp_current_time(X509_get0_notBefore(x)), -1);
	cr_expect_eq(X509_cmp_current_time(X509_get0_notAfter(x)), 1);
	X509_free(x);
	BIO_free(b);
	practice_net_tls_free(t);

	cr_expect_null(practice_net_tls_new("/nonexistent/cert.pem", NULL,
	    NULL, err, sizeof err));
	cr_expect_str_eq(err, "cannot load the certificate "
	    "/nonexistent/cert.pem: No such file or directory");
	practice_net_tls_free(NULL);
}

/* The log never shows an AUTH secret, nor raw control bytes, nor a
 * whole long line. */
Test(practice, log_masks_and_sanitises)
{
	struct captured		 k;
	struct practice_conn	*c = captured_conn(&k);
	char			 line[600];

	expect_code(c, "AUTH PLAIN AHN0dWRlbnQAczNjcjN0LXB3\r\n", "503 ");
	cr_expect(strstr(k.log, "AUTH PLAIN ******** -> 503\n") != NULL, "%s",
	    k.log);
	cr_expect(strstr(k.log, "AHN0") == NULL, "%s", k.log);
	expect_code(c, "auth login dXNlcg==\r\n", "503 ");
	cr_expect(strstr(k.log, "dXNlcg") == NULL, "%s", k.log);
	expect_code(c, "NOOP \x1b]0;x\x07\r\n", "501 ");
	cr_expect(strchr(k.log, '\x1b') == NULL && strchr(k.log, '\x07') ==
	    NULL, "%s", k.log);
	cr_expect(strstr(k.log, "NOOP \\x1b]0;x\\x07 -> 501\n") != NULL,
	    "%s", k.log);
	memset(line, 'n', sizeof line);
	memcpy(line, "NOOP ", 5);
	memcpy(line + 597, "\r\n", 3);
	expect_code(c, line, "500 ");
	cr_expect(strstr(k.log, "nnn... -> 500\n") != NULL, "%s", k.log);
	cr_expect_lt(strlen(k.log), 600);
	practice_conn_free(c);

	/* a NUL before the secret does not unmask it (found by fuzz_practice) */
	c = captured_conn(&k);
	practice_conn_input(c, "AUTH PLAIN\0s3cr3t-pw\r\n",
	    sizeof "AUTH PLAIN\0s3cr3t-pw\r\n" - 1);
	free(drain(c));
	cr_expect(strstr(k.log, "s3cr3t") == NULL, "%s", k.log);
	cr_expect(strstr(k.log, "AUTH PLAIN -> 50") != NULL, "%s", k.log);
	practice_conn_free(c);
}

Test(practice, check_opts)
{
	struct practice_opts	 o = { .scenario = "nasty" };
	struct practice_net_opts no;
	char			 err[128];

	cr_expect_eq(practice_check_opts(&o, err, sizeof err), -1);
	cr_expect(strncmp(err, "unknown scenario \"nasty\" (known: normal "
	    "greylist unknown-user ", 55) == 0, "%s", err);
	o.scenario = "default";
	cr_expect_eq(practice_check_opts(&o, err, sizeof err), 0);
	memset(&no, 0, sizeof no);
	no.store_dir = "/dev/null";
	cr_expect_eq(practice_net_check(&no, err, sizeof err), -1);
	cr_expect_str_eq(err, "/dev/null is not a directory");
	no.store_dir = NULL;
	no.server.scenario = "nasty";
	cr_expect_eq(practice_net_check(&no, err, sizeof err), -1);
}

/* ---- scenarios ---------------------------------------------------------- */

/* A clock the test moves. */
static double test_now = 1000;

static double
test_clock(void *arg)
{
	(void)arg;
	return test_now;
}

/* A connection of scenario name, greeted, sharing memory m (may be
 * NULL), on the test clock, its messages captured in k (may be NULL). */
static struct practice_conn *
scenario_conn(const char *name, struct practice_memory *m,
    struct captured *k)
{
	struct practice_opts	 o;
	struct practice_hooks	 h = { .clock = test_clock,
	    .deliver = k != NULL ? capture_deliver : NULL, .arg = k };
	struct practice_conn	*c;

	memset(&o, 0, sizeof o);
	o.scenario = name;
	o.memory = m;
	if (k != NULL)
		memset(k, 0, sizeof *k);
	cr_assert_eq(practice_check_opts(&o, NULL, 0), 0, "%s", name);
	c = practice_conn_new(&o, &h);
	cr_assert_not_null(c);
	free(drain(c));
	return c;
}

Test(practice, scenario_table)
{
	const char	*name, *teaches, *prev[32];
	size_t		 i, j;

	for (i = 0; (name = practice_scenario_list(i, &teaches)) != NULL; i++) {
		cr_assert_lt(i, 32);
		cr_expect(*name != '\0' && strcspn(name, " \t") ==
		    strlen(name), "%zu", i);
		cr_expect(teaches != NULL && strstr(teaches, "(RFC ") != NULL,
		    "%s: what it teaches, with its RFC", name);
		cr_expect_eq(practice_scenario_name(name), name);
		for (j = 0; j < i; j++)
			cr_expect_str_neq(prev[j], name);
		prev[i] = name;
	}
	cr_expect_geq(i, 12);
	cr_expect_str_eq(practice_scenario_list(0, &teaches), "normal");
	cr_expect_str_eq(practice_scenario_name(NULL), "normal");
	cr_expect_str_eq(practice_scenario_name("default"), "normal");
	cr_expect_null(practice_scenario_name("nosuch"));
	cr_expect_null(practice_scenario_name("Normal"));
}

/* RFC 6647: 451 4.7.1 for a new pair, again when retried too soon, then
 * taken, on a new connection too (the memory is the server's). */
Test(practice, scenario_greylist)
{
	struct practice_memory	*m = practice_memory_new();
	struct practice_conn	*c, *d;

	test_now = 1000;
	c = scenario_conn("greylist", m, NULL);
	expect_code(c, "EHLO x\r\nMAIL FROM:<a@example.org>\r\n", "250-");
	expect(c, "RCPT TO:<b@example.org>\r\n", "451 4.7.1 <b@example.org>: "
	    "Recipient address rejected: greylisted, try again in 30 s (RFC "
	    "6647)\r\n");
	test_now += 10000;
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "451 4.7.1 ");
	expect_code(c, "DATA\r\n", "503 5.5.1 ");
	expect_code(c, "QUIT\r\n", "221 ");
	practice_conn_free(c);
	test_now += 20000;
	d = scenario_conn("greylist", m, NULL);
	expect_code(d, "EHLO x\r\nMAIL FROM:<a@example.org>\r\n", "250-");
	expect_code(d, "RCPT TO:<b@example.org>\r\n", "250 2.1.5 ");
	/* another pair is new */
	expect_code(d, "RCPT TO:<c@example.org>\r\n", "451 4.7.1 ");
	practice_conn_free(d);
	/* without shared memory a connection remembers alone */
	c = scenario_conn("greylist", NULL, NULL);
	expect_code(c, "EHLO x\r\nMAIL FROM:<a@example.org>\r\n", "250-");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "451 ");
	test_now += 31000;
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	practice_conn_free(c);
	practice_memory_free(m);
}

/* The memory is bounded: the oldest pair makes room. */
Test(practice, scenario_greylist_bounded)
{
	struct practice_memory	*m = practice_memory_new();
	struct practice_conn	*c;
	char			 line[80];
	int			 i;

	test_now = 5000;
	c = scenario_conn("greylist", m, NULL);
	expect_code(c, "EHLO x\r\nMAIL FROM:<a@example.org>\r\n", "250-");
	for (i = 0; i < 300; i++) {
		snprintf(line, sizeof line, "RCPT TO:<u%d@example.org>\r\n", i);
		test_now += 1;
		expect_code(c, line, "451 4.7.1 ");
		expect_code(c, "RSET\r\nMAIL FROM:<a@example.org>\r\n",
		    "250 2.0.0 Reset ok\r\n250 ");
	}
	test_now += 30000 - 290;
	/* u299 was seen late enough to wait still; u0 was forgotten */
	expect_code(c, "RCPT TO:<u299@example.org>\r\n", "451 ");
	expect_code(c, "RCPT TO:<u0@example.org>\r\n", "451 ");
	practice_conn_free(c);
	practice_memory_free(m);
}

Test(practice, scenario_unknown_user)
{
	struct captured		 k;
	struct practice_conn	*c = scenario_conn("unknown-user", NULL, &k);

	expect_code(c, "EHLO x\r\nMAIL FROM:<a@example.org>\r\n", "250-");
	expect(c, "RCPT TO:<nobody@example.org>\r\n", "550 5.1.1 "
	    "<nobody@example.org>: Recipient address rejected: User "
	    "unknown\r\n");
	expect_code(c, "RCPT TO:<Unknown.Person@example.org>\r\n", "550 5.1.1 ");
	expect_code(c, "DATA\r\n", "503 ");
	expect_code(c, "RCPT TO:<bob@example.org>\r\n", "250 2.1.5 ");
	expect_code(c, "RCPT TO:<Postmaster>\r\n", "250 2.1.5 ");
	expect_code(c, "DATA\r\nhi\r\n.\r\n", "354 ");
	expect_delivered(c, &k, "hi\r\n", 4);
	/* the message went to the recipients taken, and no other */
	cr_expect_str_eq(k.env, "a@example.org||bob@example.org|Postmaster");
	practice_conn_free(c);
}

/* 452 4.2.2 at RCPT (temporary), 552 5.2.2 after the data (permanent). */
Test(practice, scenario_mailbox_full)
{
	struct practice_conn	*c = scenario_conn("mailbox-full", NULL, NULL);
	char			*big, *got;

	expect_code(c, "EHLO x\r\nMAIL FROM:<a@example.org>\r\n", "250-");
	expect(c, "RCPT TO:<full@example.org>\r\n", "452 4.2.2 "
	    "<full@example.org>: Mailbox full, try again later\r\n");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	expect_code(c, "DATA\r\n", "354 ");
	big = malloc(5000);
	memset(big, 'x', 4100);
	memcpy(big + 4100, "\r\nmore\r\n.\r\n", 12);
	expect(c, big, "552 5.2.2 Mailbox full: the message has 4108 octets, "
	    "the mailbox 4096 left\r\n");
	free(big);
	cr_expect_eq(practice_conn_messages_for_test(c), 0);
	/* the transaction is over; a small one fits */
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "503 ");
	got = say(c, "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
	    "DATA\r\nsmall\r\n.\r\n");
	cr_expect(strstr(got, "\r\n250 2.0.0 Message accepted") != NULL, "%s",
	    got);
	free(got);
	practice_conn_free(c);
}

/* RFC 1870: SIZE 10240 advertised; more declared or sent: 552 5.3.4. */
Test(practice, scenario_size_limit)
{
	struct practice_conn	*c = scenario_conn("size-limit", NULL, NULL);
	char			*got, *big;

	got = say(c, "EHLO x\r\n");
	cr_expect(strstr(got, "250-SIZE 10240\r\n") != NULL, "%s", got);
	free(got);
	expect_code(c, "MAIL FROM:<a@example.org> SIZE=10241\r\n", "552 5.3.4 ");
	expect_code(c, "MAIL FROM:<a@example.org> SIZE=10240\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\nDATA\r\n", "250 ");
	big = malloc(11000);
	memset(big, 'y', 10990);
	memcpy(big + 10990, "\r\n.\r\n", 6);
	expect_code(c, big, "552 5.3.4 Message size exceeds fixed maximum "
	    "message size (10240)");
	free(big);
	practice_conn_free(c);
}

Test(practice, scenario_relay_denied)
{
	struct practice_conn	*c = scenario_conn("relay-denied", NULL, NULL);

	expect_code(c, "EHLO x\r\nMAIL FROM:<a@elsewhere.test>\r\n", "250-");
	expect(c, "RCPT TO:<b@elsewhere.test>\r\n", "554 5.7.1 "
	    "<b@elsewhere.test>: Relay access denied\r\n");
	expect_code(c, "RCPT TO:<b@example.org.evil.test>\r\n", "554 5.7.1 ");
	expect_code(c, "RCPT TO:<b@EXAMPLE.COM>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.net>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@practice.smtpscope.test>\r\n", "250 ");
	expect_code(c, "RCPT TO:<Postmaster>\r\n", "250 ");
	practice_conn_free(c);
}

/* RFC 3207 4, RFC 4954 6: 530 5.7.0 for all but the commands that lead
 * there; once TLS is up (and AUTH done) MAIL is taken.  The network layer
 * calls practice_conn_tls_started() after the handshake. */
Test(practice, scenario_tls_and_auth_required)
{
	static const char *const names[] = { "tls-required", "auth-required" };
	struct practice_conn	*c;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		c = scenario_conn(names[i], NULL, NULL);
		expect_code(c, "EHLO x\r\n", "250-");
		expect(c, "MAIL FROM:<a@example.org>\r\n", i == 0 ?
		    "530 5.7.0 Must issue a STARTTLS command first (RFC 3207 "
		    "4)\r\n" : "530 5.7.0 Authentication required (RFC 4954 "
		    "6)\r\n");
		expect_code(c, "VRFY b\r\n", "530 5.7.0 ");
		expect_code(c, "NOOP\r\n", "250 ");
		expect_code(c, "RSET\r\n", "250 ");
		expect_code(c, "HELO x\r\n", "250 ");
		/* out of order is still 503 first */
		expect_code(c, "DATA\r\n", "503 ");
		practice_conn_tls_started(c);
		expect_code(c, "EHLO x\r\n", "250-");
		if (i == 1) {
			expect_code(c, "MAIL FROM:<a@example.org>\r\n", "530 ");
			expect_code(c, "AUTH PLAIN AHN0dWRlbnQAcHJhY3RpY2U=\r\n",
			    "235 ");
		}
		expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 2.1.0 ");
		expect_code(c, "QUIT\r\n", "221 ");
		practice_conn_free(c);
	}
}

/* slow: every reply is held until its release time; what arrives
 * together (pipelined) is released together. */
Test(practice, scenario_slow)
{
	static const char	 pipelined[] = "EHLO x\r\nMAIL FROM:"
	    "<a@example.org>\r\nRCPT TO:<b@example.org>\r\n";
	struct practice_opts	 o = { .scenario = "slow", .delay_ms = 500 };
	struct practice_hooks	 h = { .clock = test_clock };
	struct practice_conn	*c;
	size_t			 len;
	char			*got;

	test_now = 10000;
	c = practice_conn_new(&o, &h);
	cr_assert_not_null(c);
	(void)practice_conn_output(c, &len);
	cr_expect_eq(len, 0, "the greeting is held");
	cr_expect_eq(practice_conn_held(c), 10500);
	test_now = 10499;
	(void)practice_conn_output(c, &len);
	cr_expect_eq(len, 0);
	test_now = 10500;
	got = drain(c);
	cr_expect_str_eq(got, GREETING);
	free(got);
	cr_expect_eq(practice_conn_held(c), 0);
	/* one round trip for three pipelined commands */
	practice_conn_input(c, pipelined, strlen(pipelined));
	(void)practice_conn_output(c, &len);
	cr_expect_eq(len, 0);
	cr_expect_eq(practice_conn_held(c), 11000);
	/* a command sent later is answered later, after the others */
	test_now = 10800;
	practice_conn_input(c, "NOOP\r\n", 6);
	cr_expect_eq(practice_conn_held(c), 11000);
	test_now = 11000;
	got = drain(c);
	cr_expect(strncmp(got, "250-", 4) == 0 && strstr(got,
	    "250 2.1.5 ") != NULL && strstr(got, "250 2.0.0 OK") == NULL,
	    "%s", got);
	free(got);
	cr_expect_eq(practice_conn_held(c), 11300);
	test_now = 11300;
	got = drain(c);
	cr_expect_str_eq(got, "250 2.0.0 OK\r\n");
	free(got);
	/* QUIT: done, but its 221 is still held */
	practice_conn_input(c, "QUIT\r\n", 6);
	cr_expect(practice_conn_done(c));
	cr_expect_eq(practice_conn_held(c), 11800);
	practice_conn_free(c);
	/* without a clock nothing is held */
	h.clock = NULL;
	c = practice_conn_new(&o, &h);
	(void)practice_conn_output(c, &len);
	cr_expect_eq(len, sizeof GREETING - 1);
	cr_expect_eq(practice_conn_held(c), 0);
	practice_conn_free(c);
}

/* Output consumed in pieces keeps the release times of what is left. */
Test(practice, scenario_slow_partial_send)
{
	struct practice_opts	 o = { .scenario = "slow", .delay_ms = 100 };
	struct practice_hooks	 h = { .clock = test_clock };
	struct practice_conn	*c;
	size_t			 len;

	test_now = 0.5;
	c = practice_conn_new(&o, &h);
	test_now = 100.5;
	(void)practice_conn_output(c, &len);
	cr_assert_eq(len, sizeof GREETING - 1);
	practice_conn_consume(c, 10);
	practice_conn_input(c, "NOOP\r\n", 6);
	(void)practice_conn_output(c, &len);
	cr_expect_eq(len, sizeof GREETING - 11, "the rest of the greeting");
	practice_conn_consume(c, len);
	(void)practice_conn_output(c, &len);
	cr_expect_eq(len, 0);
	test_now = 200.5;
	(void)practice_conn_output(c, &len);
	cr_expect_eq(len, 14);
	practice_conn_free(c);
}

/* strict: a bare LF, a warning of the checker, a bare LF or a long line
 * in the message are refused. */
Test(practice, scenario_strict)
{
	struct practice_conn	*c = scenario_conn("strict", NULL, NULL);
	char			*big;

	expect_code(c, "EHLO x\r\n", "250-");
	expect(c, "NOOP\n", "500 5.5.2 Line ended with a bare LF: SMTP lines "
	    "end with CRLF (RFC 5321 2.3.8)\r\n");
	expect(c, "MAIL FROM: <a@example.org>\r\n", "501 5.5.4 space after the "
	    "colon: many servers accept it, the RFC does not (RFC 5321 "
	    "4.1.1.2); this server is strict\r\n");
	expect_code(c, "MAIL FROM:<a@example.org> \r\n", "501 5.5.4 ");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\nDATA\r\n", "250 ");
	expect(c, "one\ntwo\r\n.\r\n", "554 5.6.0 Message refused: a line ends "
	    "with a bare LF, not CRLF (RFC 5321 2.3.8)\r\n");
	expect_code(c, "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
	    "DATA\r\n", "250 ");
	big = malloc(1100);
	memset(big, 'z', 999);
	memcpy(big + 999, "\r\n.\r\n", 6);
	expect(c, big, "554 5.6.0 Message refused: a line longer than 998 "
	    "octets (RFC 5321 4.5.3.1.6)\r\n");
	expect_code(c, "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
	    "DATA\r\n", "250 ");
	big[998] = '\r';
	big[999] = '\n';
	memcpy(big + 1000, "..x\r\n.\r\n", 9);
	expect_code(c, big, "250 2.0.0 Message accepted");
	free(big);
	practice_conn_free(c);
	/* the well-behaved server takes all of it */
	c = scenario_conn("normal", NULL, NULL);
	expect_code(c, "EHLO x\r\nMAIL FROM: <a@example.org>\n", "250-");
	expect_code(c, "RCPT TO:<b@example.org>\r\nDATA\r\none\ntwo\r\n.\r\n",
	    "250 ");
	practice_conn_free(c);
}

/* RFC 5321 3.8: 421 and the connection closes. */
Test(practice, scenario_tempfail)
{
	struct practice_conn	*c = scenario_conn("tempfail", NULL, NULL);

	expect_code(c, "EHLO x\r\n", "250-");
	cr_expect_eq(practice_conn_input(c, "MAIL FROM:<a@example.org>\r\n"
	    "RCPT TO:<b@example.org>\r\n", 51), 1);
	expect(c, "", "421 4.3.2 practice.smtpscope.test Service not "
	    "available, closing transmission channel: try again later\r\n");
	cr_expect(practice_conn_done(c));
	practice_conn_free(c);
}

/* An old server: no EHLO, HELO works, no extension, no enhanced code. */
Test(practice, scenario_no_esmtp)
{
	struct practice_opts	 o = { .scenario = "no-esmtp" };
	struct practice_conn	*c = practice_conn_new(&o, NULL);
	char			*got;

	expect_code(c, "", "220 practice.smtpscope.test SMTP smtpscope "
	    "practice server ready");
	expect(c, "EHLO x\r\n", "502 Command not implemented\r\n");
	expect(c, "HELO x\r\n", "250 practice.smtpscope.test greets x\r\n");
	expect(c, "MAIL FROM:<a@example.org>\r\n", "250 Sender <a@example.org> "
	    "ok\r\n");
	expect_code(c, "RCPT TO:<b@example.org> NOTIFY=NEVER\r\n", "555 ");
	expect(c, "RCPT TO:<b@example.org>\r\n", "250 Recipient "
	    "<b@example.org> ok\r\n");
	expect_code(c, "BDAT 1 LAST\r\nx", "503 BDAT needs the CHUNKING ");
	got = say(c, "HELP\r\n");
	cr_expect(strstr(got, "2.0.0") == NULL && strncmp(got, "214-smtpscope",
	    13) == 0, "%s", got);
	free(got);
	expect(c, "QUIT\r\n", "221 practice.smtpscope.test closing "
	    "connection\r\n");
	practice_conn_free(c);
}

/* ---- the network layer: practice_net_* on loopback ----------------------- */

Test(practice, listen_errors)
{
	char	err[128];
	int	fd, fd2, port = 0, port2 = 0;

	fd = practice_net_listen("127.0.0.1", 0, &port, err, sizeof err);
	cr_assert(fd >= 0, "%s", err);
	cr_assert(port > 0);
	/* the same port again: refused with a sentence naming it */
	fd2 = practice_net_listen("127.0.0.1", port, &port2, err, sizeof err);
	cr_expect_eq(fd2, -1);
	cr_expect(strstr(err, "cannot listen on 127.0.0.1:") != NULL, "%s", err);
	cr_expect_eq(practice_net_listen("localhost", 0, &port2, err,
	    sizeof err), -1);
	cr_expect_eq(practice_net_listen("127.0.0.1", 65536, &port2, err,
	    sizeof err), -1);
	close(fd);
}

static int
connect_port(int port)
{
	struct sockaddr_in	sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0,
	    "connect: %s", strerror(errno));
	return fd;
}

/* Read until the text so far ends with "\r\n" and holds want, or EOF. */
static void
read_until(int fd, char *buf, size_t size, const char *want)
{
	size_t	n = 0;
	ssize_t	r;

	buf[0] = '\0';
	while (n + 1 < size && strstr(buf, want) == NULL) {
		r = read(fd, buf + n, size - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
}

Test(practice, spawn_serves_and_stops, .timeout = 60)
{
	struct practice_net_opts o = { 0 };
	char			err[128], buf[4096];
	int			pid, port = 0, fd;

	pid = practice_net_spawn(&o, &port, err, sizeof err);
	cr_assert(pid > 0, "%s", err);
	cr_assert(port > 0);
	/* bound before the fork: connect right away, no wait */
	fd = connect_port(port);
	read_until(fd, buf, sizeof buf, "\r\n");
	cr_expect_str_eq(buf, GREETING);
	cr_assert_eq(write(fd, "NOOP\r\nQUIT\r\n", 12), 12);
	read_until(fd, buf, sizeof buf, "221 ");
	cr_expect(strstr(buf, "250 2.0.0 OK\r\n221 2.0.0 ") != NULL, "%s", buf);
	close(fd);
	cr_expect_eq(practice_net_stop(pid), 0);
}

#ifdef __linux__
/* The child goes when its parent goes (PR_SET_PDEATHSIG). */
Test(practice, spawn_child_exits_with_parent, .timeout = 60)
{
	int	 pfd[2], pid, status, got;
	pid_t	 mid;

	/* become the reaper of orphaned grandchildren */
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	cr_assert_eq(pipe(pfd), 0);
	if ((mid = fork()) == 0) {
		struct practice_net_opts o = { 0 };
		char err[128];
		int port;

		pid = practice_net_spawn(&o, &port, err, sizeof err);
		(void)!write(pfd[1], &pid, sizeof pid);
		_exit(0);	/* the parent dies; the server must follow */
	}
	cr_assert(mid > 0);
	close(pfd[1]);
	cr_assert_eq(read(pfd[0], &pid, sizeof pid), (ssize_t)sizeof pid);
	close(pfd[0]);
	cr_assert(pid > 0);
	cr_assert_eq(waitpid(mid, &status, 0), mid);
	/* blocks until the orphaned server exits; it would hang if not */
	got = (int)waitpid((pid_t)pid, &status, 0);
	cr_expect_eq(got, pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
#endif

/* Every verb HELP names has its own help, and none is "unknown". */
Test(practice, help_covers_every_verb)
{
	static const char *const verbs[] = {
		"EHLO", "HELO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP",
		"VRFY", "EXPN", "HELP", "QUIT", "STARTTLS", "AUTH",
	};
	struct practice_conn	*c = fresh(NULL);
	char			 line[64], *r;
	size_t			 i;

	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		snprintf(line, sizeof line, "HELP %s\r\n", verbs[i]);
		r = say(c, line);
		cr_expect(strncmp(r, "214-2.0.0 ", 10) == 0 &&
		    strstr(r, "\r\n214 2.0.0 ") != NULL, "%s: %s", verbs[i], r);
		cr_expect(strstr(r, "RFC") != NULL, "%s: no RFC cited", verbs[i]);
		free(r);
	}
	practice_conn_free(c);
}

/* ---- one grammar: the checker predicts what the server answers ----------- */

/* What the practice server advertises, read from its own EHLO reply. */
static void
practice_caps(struct caps *caps)
{
	struct practice_conn	*c = fresh(NULL);

	practice_conn_tls_started(c);
	struct reply_parser	*rp = reply_parser_new();
	struct reply		*r;
	char			*out;

	cr_assert_not_null(rp);
	out = say(c, "EHLO x.example\r\n");
	cr_assert_eq(reply_feed(rp, out, strlen(out)), 0);
	r = reply_parser_next(rp);
	cr_assert_not_null(r);
	cr_assert_eq(r->code, 250);
	memset(caps, 0, sizeof *caps);
	caps_from_ehlo(caps, r);
	cr_assert(caps->size && caps->size_max == PRACTICE_DEFAULT_SIZE);
	reply_free(r);
	reply_parser_free(rp);
	free(out);
	practice_conn_free(c);
}

/* A connection in a state where the verb table says v is valid (READY
 * when it can be, else MAIL, else RCPT); READY for an unknown verb. */
static struct practice_conn *
ready_for(const struct verb_info *v)
{
	struct practice_conn *c;

	if (v == NULL || (v->states & STATE_BIT(STATE_READY)))
		return after_tls_ehlo();
	if (v->states & STATE_BIT(STATE_MAIL)) {
		c = after_tls_ehlo();
		expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
		return c;
	}
	cr_assert(v->states & STATE_BIT(STATE_RCPT), "%s", v->name);
	c = after_tls_ehlo();
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	return c;
}

/* What the server answers a verb it takes, when the grammar finds
 * nothing to refuse: its handler's reply (EXPN is disabled here, RFC
 * 5321 7.3), or 502 for a verb it does not implement. */
static int
ordinary_reply(const struct verb_info *v)
{
	switch (v->id) {
	case VERB_HELO: case VERB_EHLO: case VERB_MAIL: case VERB_RCPT:
	case VERB_BDAT: case VERB_RSET: case VERB_NOOP:
		return 250;
	case VERB_DATA:
		return 354;
	case VERB_VRFY:
		return 252;
	case VERB_HELP:
		return 214;
	case VERB_QUIT:
		return 221;
	default:
		return 502;
	}
}

static int
implemented(const struct verb_info *v)
{
	return (v->id <= VERB_QUIT && v->id != VERB_UNKNOWN) ||
	    v->id == VERB_AUTH;
}

/*
 * Every line of the grammar table, through the checker (with what the
 * server advertised) and through the server (in a state where the verb
 * is valid): an error in the checker, or a warning that carries a
 * predicted reply, is refused by the server with exactly that code and
 * enhanced code; a clean line, hints and the other warnings are taken.
 * The difference from the checker's verdict is the one documented in
 * practice_judge(): the server applies the rules the checker only warns
 * about (limits, unadvertised parameters, obsolete and private verbs).
 * Verbs the server does not implement get 502 whatever their arguments.
 */
Test(practice, agrees_with_the_checker)
{
	struct caps		 caps;
	struct verbs_cmd	 cmd;
	struct practice_conn	*c;
	const struct diag	*d;
	char			*in, *out, want[16];
	size_t			 i, len, n_err = 0, n_warn_refused = 0;
	size_t			 n_taken = 0, n_502 = 0;
	int			 code;

	practice_caps(&caps);
	for (i = 0; i < GRAMMAR_NCASES; i++) {
		const char *line = grammar[i].line;

		len = strlen(line);
		(void)verbs_parse(line, len, &caps, 0, &cmd);
		d = verbs_refusal(&cmd);
		if (cmd.worst >= DIAG_ERROR)
			cr_assert_not_null(d, "\"%s\": an error without a "
			    "reply", line);
		c = ready_for(cmd.verb);
		in = malloc(len + 3 + 1000);
		cr_assert_not_null(in);
		memcpy(in, line, len);
		memcpy(in + len, "\r\n", 2);
		len += 2;
		/* A BDAT the server takes reads its chunk first. */
		if (cmd.verb != NULL && cmd.verb->id == VERB_BDAT && d == NULL) {
			cr_assert_leq(cmd.chunk, 1000);
			memset(in + len, 'x', (size_t)cmd.chunk);
			len += (size_t)cmd.chunk;
		}
		practice_conn_input(c, in, len);
		out = drain(c);
		if (cmd.verb != NULL && !implemented(cmd.verb)) {
			snprintf(want, sizeof want, "502 5.5.1 ");
			n_502++;
		} else if (d != NULL) {
			snprintf(want, sizeof want, "%d %s ", d->reply, d->esc);
			if (d->severity >= DIAG_ERROR)
				n_err++;
			else
				n_warn_refused++;
		} else {
			code = ordinary_reply(cmd.verb);
			/* AUTH: a challenge, or the verdict on a stranger */
			if (cmd.verb->id == VERB_AUTH)
				code = cmd.arg.len == 5 && strncasecmp(line +
				    cmd.arg.off, "PLAIN", 5) == 0 &&
				    cmd.arg2.len > 1 ? 535 : 334;
			snprintf(want, sizeof want, "%d", code);
			n_taken++;
		}
		cr_expect(strncmp(out, want, strlen(want)) == 0,
		    "\"%s\": the checker predicts \"%s\", the server says "
		    "\"%.60s\"", line, want, out);
		free(out);
		free(in);
		practice_conn_free(c);
	}
	caps_clear(&caps);
	cr_assert_eq(n_err + n_warn_refused + n_taken + n_502, GRAMMAR_NCASES);
	cr_expect_geq(n_err, 80, "%zu errors", n_err);
	cr_expect_geq(n_warn_refused, 10, "%zu refused warnings",
	    n_warn_refused);
	cr_expect_geq(n_taken, 60, "%zu taken", n_taken);
}

/* ---- regressions ------------------------------------------------------------ */

/* BDAT 18446744073709551615 was taken, and the server waited for ever
 * for its octets: a chunk larger than the message may be is refused at
 * once, and the connection closed (its octets cannot be told from
 * commands). */
Test(practice, huge_bdat_refused_at_once)
{
	struct practice_conn	*c = after_rcpt(NULL);

	cr_expect_eq(practice_conn_input(c, "BDAT 18446744073709551615\r\n",
	    27), 1);
	expect(c, "", "552 5.3.4 a chunk larger than the 10485760 octets the "
	    "server accepts (RFC 1870 6.1)\r\n"
	    "421 4.3.0 practice.smtpscope.test closing: the octets of that "
	    "chunk cannot be read as commands\r\n");
	cr_expect(practice_conn_done(c));
	cr_expect(!practice_conn_in_message_for_test(c));
	practice_conn_free(c);

	/* After HELO nothing advertises SIZE: the same limit holds. */
	c = fresh(NULL);
	expect_code(c, "HELO x.example\r\n", "250 ");
	expect_code(c, "BDAT 10485761 LAST\r\n", "552 5.3.4 ");
	cr_expect(practice_conn_done(c));
	practice_conn_free(c);

	/* At the limit it is read. */
	c = after_rcpt(NULL);
	expect(c, "BDAT 10485760\r\n", "");
	cr_expect(practice_conn_in_message_for_test(c));
	practice_conn_free(c);
}

/* Connect, read the greeting; a read timeout of 30 s guards the test. */
static int
greeted(int port, char *buf, size_t size)
{
	struct timeval	tv = { .tv_sec = 30 };
	int		fd = connect_port(port);

	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
	read_until(fd, buf, size, "\r\n");
	cr_expect(strncmp(buf, "220 ", 4) == 0, "greeting: %s", buf);
	return fd;
}

/* Read to the end of the connection (or the 30 s guard). */
static void
read_to_eof(int fd, char *buf, size_t size)
{
	read_until(fd, buf, size, "\1never\1");
}

/* RFC 5321 4.5.3.2.7: a client that says nothing is closed after the
 * first-command timeout, one that stops talking after the idle one. */
Test(practice, timeouts, .timeout = 60)
{
	struct practice_net_opts o = { .first_timeout = 1, .idle_timeout = 2 };
	char			 err[128], buf[4096];
	int			 pid, port = 0, a, b;

	pid = practice_net_spawn(&o, &port, err, sizeof err);
	cr_assert(pid > 0, "%s", err);
	a = greeted(port, buf, sizeof buf);
	b = greeted(port, buf, sizeof buf);
	cr_assert_eq(write(b, "NOOP\r\n", 6), 6);
	read_to_eof(a, buf, sizeof buf);
	cr_expect_str_eq(buf, "421 4.4.2 Idle too long, closing\r\n");
	read_to_eof(b, buf, sizeof buf);
	cr_expect_str_eq(buf, "250 2.0.0 OK\r\n421 4.4.2 Idle too long, "
	    "closing\r\n");
	close(a);
	close(b);
	cr_expect_eq(practice_net_stop(pid), 0);
}

/* When every slot is taken, the longest-idle client makes room: idle
 * connections never lock a new client out. */
Test(practice, full_server_closes_the_idlest, .timeout = 60)
{
	struct practice_net_opts o = { .max_clients = 2 };
	char			 err[128], buf[4096];
	int			 pid, port = 0, a, b, c;

	pid = practice_net_spawn(&o, &port, err, sizeof err);
	cr_assert(pid > 0, "%s", err);
	a = greeted(port, buf, sizeof buf);
	b = greeted(port, buf, sizeof buf);
	cr_assert_eq(write(b, "NOOP\r\n", 6), 6);
	read_until(b, buf, sizeof buf, "\r\n");
	c = greeted(port, buf, sizeof buf);
	read_to_eof(a, buf, sizeof buf);
	cr_expect_str_eq(buf, "421 4.3.2 Too many connections: this idle one "
	    "is closed to make room\r\n");
	cr_assert_eq(write(c, "NOOP\r\nQUIT\r\n", 12), 12);
	read_to_eof(c, buf, sizeof buf);
	cr_expect(strncmp(buf, "250 2.0.0 OK\r\n221 ", 18) == 0, "%s", buf);
	close(a);
	close(b);
	close(c);
	cr_expect_eq(practice_net_stop(pid), 0);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	cr_assert_not_null(f, "open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* --store: the body and envelope as sent; a file left in the directory
 * (here 1.env) made a message fail with 451: the next free number is
 * taken instead. */
Test(practice, store_takes_the_next_free_name, .timeout = 60)
{
	static const char txn[] = "EHLO x.example\r\n"
	    "MAIL FROM:<a@example.org> BODY=8BITMIME\r\n"
	    "RCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org> NOTIFY=NEVER\r\n"
	    "DATA\r\nl1\r\n..l2\r\n.\r\nQUIT\r\n";
	struct practice_net_opts o = { 0 };
	char			 dir[] = "/tmp/practice-test.XXXXXX", path[80];
	char			 err[128], buf[4096], *s;
	size_t			 len;
	int			 pid, port, fd, k;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/1.env", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	cr_assert(fd >= 0);
	close(fd);
	o.store_dir = dir;
	pid = practice_net_spawn(&o, &port, err, sizeof err);
	cr_assert(pid > 0, "%s", err);
	for (k = 2; k <= 3; k++) {
		fd = greeted(port, buf, sizeof buf);
		cr_assert_eq(write(fd, txn, sizeof txn - 1),
		    (ssize_t)sizeof txn - 1);
		read_until(fd, buf, sizeof buf, "221 ");
		snprintf(path, sizeof path, "250 2.0.0 Message accepted as "
		    "message %d (9 octets)", k);
		cr_expect(strstr(buf, path) != NULL, "%s", buf);
		close(fd);
	}
	cr_expect_eq(practice_net_stop(pid), 0);

	for (k = 2; k <= 3; k++) {
		snprintf(path, sizeof path, "%s/%d.eml", dir, k);
		s = slurp(path, &len);
		cr_expect_eq(len, 9);
		cr_expect(memcmp(s, "l1\r\n.l2\r\n", 9) == 0);
		free(s);
		unlink(path);
		snprintf(path, sizeof path, "%s/%d.env", dir, k);
		s = slurp(path, &len);
		cr_expect_str_eq(s, "MAIL FROM:<a@example.org> BODY=8BITMIME\n"
		    "RCPT TO:<b@example.org>\nRCPT TO:<c@example.org>\n");
		free(s);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/1.env", dir);
	s = slurp(path, &len);
	cr_expect_eq(len, 0, "the leftover file is never overwritten");
	free(s);
	unlink(path);
	cr_expect_eq(rmdir(dir), 0, "only the files above expected");
}

/* ---- AUTH (RFC 4954), after TLS ------------------------------------------ */

/* RFC 4954 4 and 15: AUTH is offered only once TLS is up; asked for
 * before, it gets 538. */
Test(practice, auth_offered_after_tls)
{
	struct practice_conn	*c = after_ehlo(NULL);
	char			*s;

	expect(c, "AUTH PLAIN AHN0dWRlbnQAcHJhY3RpY2U=\r\n", "538 5.7.11 "
	    "Encryption required: this server offers AUTH after STARTTLS "
	    "(RFC 4954 4, 6)\r\n");
	s = say(c, "EHLO again.example\r\n");
	cr_expect_null(strstr(s, "AUTH"), "%s", s);
	free(s);
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	/* RFC 3207 4.2: the session starts over under TLS */
	practice_conn_tls_started(c);
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "503 5.5.1 ");
	s = say(c, "EHLO again.example\r\n");
	cr_expect(strstr(s, "\r\n250-AUTH PLAIN LOGIN CRAM-MD5 "
	    "SCRAM-SHA-256\r\n") != NULL, "%s", s);
	free(s);
	/* without the channel binding there is no -PLUS */
	expect_code(c, "AUTH SCRAM-SHA-256-PLUS\r\n", "504 5.5.4 ");
	practice_conn_channel_binding(c, "tls-unique", (const unsigned char *)
	    "0123456789ab", 12);
	s = say(c, "EHLO again.example\r\n");
	cr_expect(strstr(s, "\r\n250-AUTH PLAIN LOGIN CRAM-MD5 "
	    "SCRAM-SHA-256 SCRAM-SHA-256-PLUS\r\n") != NULL, "%s", s);
	free(s);
	practice_conn_free(c);
}

Test(practice, auth_plain)
{
	struct practice_conn	*c = after_tls_ehlo();

	/* a stranger, then the practice account */
	expect_code(c, "AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n", "535 5.7.8 ");
	expect(c, "AUTH PLAIN AHN0dWRlbnQAcHJhY3RpY2U=\r\n",
	    "235 2.7.0 Authentication successful\r\n");
	expect_code(c, "AUTH PLAIN AHN0dWRlbnQAcHJhY3RpY2U=\r\n", "503 5.5.1 ");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	practice_conn_free(c);

	/* without initial response: an empty challenge (RFC 4954 4) */
	c = after_tls_ehlo();
	expect(c, "AUTH PLAIN\r\n", "334 \r\n");
	expect_code(c, "AHN0dWRlbnQAcHJhY3RpY2U=\r\n", "235 ");
	practice_conn_free(c);

	/* the practice account may not act for another one */
	c = after_tls_ehlo();
	expect_code(c, "AUTH PLAIN Ym9iAHN0dWRlbnQAcHJhY3RpY2U=\r\n",
	    "535 5.7.8 ");
	practice_conn_free(c);
}

Test(practice, auth_refusals)
{
	struct practice_conn	*c = after_tls_ehlo();

	expect(c, "AUTH LOGIN\r\n", "334 VXNlciBOYW1l\r\n");
	expect(c, "*\r\n", "501 5.7.0 Authentication cancelled (RFC 4954 "
	    "4)\r\n");
	expect(c, "AUTH LOGIN\r\n", "334 VXNlciBOYW1l\r\n");
	expect_code(c, "not base64!\r\n", "501 5.5.2 ");
	/* RFC 4954 4: no initial response where the server speaks first */
	expect_code(c, "AUTH CRAM-MD5 dGlt\r\n", "501 5.7.0 ");
	expect_code(c, "AUTH DIGEST-MD5\r\n", "504 5.5.4 ");
	/* not in a transaction (RFC 4954 4) */
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "AUTH PLAIN\r\n", "503 5.5.1 ");
	practice_conn_free(c);
}

/*
 * The client side (auth.c) against the server side (practice_auth.c):
 * every mechanism offered gets 235 with the practice account, 535 with
 * a wrong password; SCRAM's server signature verifies.
 */
static const unsigned char test_binding[32] = { 7, 7, 7 };

static int
auth_with(const char *mech, const char *password, int *verified)
{
	struct auth_binding	 cb = { "tls-exporter", test_binding,
				    sizeof test_binding };
	struct auth_opts	 o = { mech, AUTH_PRACTICE_USER, password, NULL,
				    NULL, &cb };
	struct practice_conn	*c = fresh(NULL);

	/* the network layer gives the engine the binding it sees */
	practice_conn_tls_started(c);
	practice_conn_channel_binding(c, "tls-exporter", test_binding,
	    sizeof test_binding);
	free(say(c, "EHLO client.example\r\n"));
	struct auth		*a;
	char			 err[256], *line, *out, *in;
	int			 code, turns = 0;

	a = auth_new(&o, err, sizeof err);
	cr_assert_not_null(a, "%s", err);
	line = auth_command(a, err, sizeof err);
	cr_assert_not_null(line, "%s", err);
	for (;;) {
		in = malloc(strlen(line) + 3);
		cr_assert_not_null(in);
		snprintf(in, strlen(line) + 3, "%s\r\n", line);
		auth_line_free(line);
		out = say(c, in);
		free(in);
		code = (int)strtol(out, NULL, 10);
		if (code != 334 || ++turns > 5)
			break;
		cr_assert_eq(auth_respond(a, out + 4, strcspn(out + 4, "\r"),
		    &line, err, sizeof err), AUTH_STEP_SEND, "%s: %s", mech,
		    err);
		free(out);
	}
	free(out);
	*verified = auth_server_verified(a);
	auth_free(a);
	practice_conn_free(c);
	return code;
}

Test(practice, auth_every_mechanism_with_the_client)
{
	static const char *mechs[] = { "PLAIN", "LOGIN", "CRAM-MD5",
	    "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS" };
	size_t	i;
	int	v;

	for (i = 0; i < sizeof mechs / sizeof mechs[0]; i++) {
		cr_expect_eq(auth_with(mechs[i], AUTH_PRACTICE_PASSWORD, &v),
		    235, "%s", mechs[i]);
		cr_expect_eq(v, strncmp(mechs[i], "SCRAM", 5) == 0, "%s",
		    mechs[i]);
		cr_expect_eq(auth_with(mechs[i], "wrong", &v), 535, "%s",
		    mechs[i]);
	}
}

/* The log shows the AUTH line masked and each response as the mask. */
Test(practice, auth_log_masked)
{
	struct captured		 k;
	struct practice_conn	*c = captured_conn(&k);

	practice_conn_tls_started(c);
	free(say(c, "EHLO x.example\r\n"));
	expect_code(c, "AUTH LOGIN\r\n", "334 ");
	expect_code(c, "c3R1ZGVudA==\r\n", "334 ");
	expect_code(c, "cHJhY3RpY2U=\r\n", "235 ");
	cr_expect(strstr(k.log, "AUTH LOGIN -> 334\n******** -> 334\n"
	    "******** -> 235\n") != NULL, "%s", k.log);
	cr_expect(strstr(k.log, "c3R1") == NULL && strstr(k.log, "cHJh") ==
	    NULL, "%s", k.log);
	practice_conn_free(c);
}

/* ---- LMTP (RFC 2033) ------------------------------------------------------ */

/* A connection speaking LMTP, scenario name (NULL: normal), its messages
 * captured in k. */
static struct practice_conn *
lmtp_conn(const char *name, struct captured *k)
{
	struct practice_opts	 o;
	struct practice_hooks	 h = { .log = capture_log,
	    .deliver = capture_deliver, .arg = k };
	struct practice_conn	*c;
	char			*g;

	memset(&o, 0, sizeof o);
	memset(k, 0, sizeof *k);
	o.scenario = name;
	o.lmtp = 1;
	c = practice_conn_new(&o, &h);
	cr_assert_not_null(c);
	g = drain(c);
	cr_expect(strncmp(g, "220 practice.smtpscope.test LMTP ", 33) == 0,
	    "%s", g);
	free(g);
	return c;
}

/* RFC 2033 4.1: LHLO opens it, HELO and EHLO are refused with what the
 * checker predicts; an SMTP server refuses LHLO the same way. */
Test(practice, lmtp_greeting)
{
	struct captured		 k;
	struct practice_conn	*c = lmtp_conn(NULL, &k);
	char			*got;

	expect(c, "EHLO x.example\r\n", "500 5.5.2 LMTP has no EHLO: an LMTP "
	    "server does not know it; use LHLO (RFC 2033 4.1)\r\n");
	expect_code(c, "HELO x.example\r\n", "500 5.5.2 LMTP has no HELO");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "503 5.5.1 Bad "
	    "sequence of commands: MAIL is not valid now; valid now: LHLO ");
	got = say(c, "LHLO x.example\r\n");
	cr_expect(strstr(got, "250-practice.smtpscope.test greets x.example"
	    "\r\n") == got, "%s", got);
	cr_expect(strstr(got, "250-PIPELINING\r\n") != NULL &&
	    strstr(got, "250-ENHANCEDSTATUSCODES\r\n") != NULL, "RFC 2033 5: "
	    "%s", got);
	free(got);
	got = say(c, "HELP\r\n");
	cr_expect(strstr(got, "LHLO") != NULL && strstr(got, "EHLO ") ==
	    NULL, "%s", got);
	free(got);
	practice_conn_free(c);

	c = fresh(NULL);
	expect_code(c, "LHLO x.example\r\n", "500 5.5.2 LHLO is the greeting "
	    "of LMTP, not SMTP");
	practice_conn_free(c);
}

/* RFC 2033 4.2: one reply per accepted recipient after the final dot, in
 * the order of the RCPT commands; DATA without one is refused 503. */
Test(practice, lmtp_reply_per_recipient)
{
	struct captured		 k;
	struct practice_conn	*c = lmtp_conn(NULL, &k);

	free(say(c, "LHLO x.example\r\n"));
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "DATA\r\n", "503 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<Postmaster>\r\n", "250 ");
	expect_code(c, "DATA\r\n", "354 ");
	expect(c, "hi\r\n.\r\n",
	    "250 2.0.0 <b@example.org> Delivered as message 41 (4 octets)\r\n"
	    "250 2.0.0 <Postmaster> Delivered as message 41 (4 octets)\r\n");
	expect_delivered(c, &k, "hi\r\n", 4);
	cr_expect_str_eq(k.env, "a@example.org||b@example.org|Postmaster");
	cr_expect(strstr(k.log, "<b@example.org> -> 250\n<Postmaster> -> "
	    "250\n") != NULL, "%s", k.log);
	/* BDAT LAST too (RFC 2033 4.3) */
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<c@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<d@example.org>\r\n", "250 ");
	expect(c, "BDAT 3 LAST\r\nabc",
	    "250 2.0.0 <c@example.org> Delivered as message 42 (3 octets)\r\n"
	    "250 2.0.0 <d@example.org> Delivered as message 42 (3 octets)\r\n");
	/* a store that fails: 451 for each */
	k.refuse = 1;
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<c@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<d@example.org>\r\n", "250 ");
	expect(c, "DATA\r\nx\r\n.\r\n", "354 End data with <CR><LF>.<CR><LF>"
	    "\r\n451 4.3.0 <c@example.org> Could not store the message\r\n"
	    "451 4.3.0 <d@example.org> Could not store the message\r\n");
	cr_expect_eq(practice_conn_messages_for_test(c), 2);
	practice_conn_free(c);
}

/* mailbox-full in LMTP: the mailbox is judged at delivery, each recipient
 * its own reply; a message over the quota is refused for every one. */
Test(practice, lmtp_mailbox_full)
{
	struct captured		 k;
	struct practice_conn	*c = lmtp_conn("mailbox-full", &k);
	char			*big;

	free(say(c, "LHLO x.example\r\n"));
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<full@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<c@example.org>\r\n", "250 ");
	expect(c, "DATA\r\nhi\r\n.\r\n", "354 End data with <CR><LF>.<CR><LF>"
	    "\r\n250 2.0.0 <b@example.org> Delivered as message 41 (4 octets)"
	    "\r\n452 4.2.2 <full@example.org>: Mailbox full, try again later"
	    "\r\n250 2.0.0 <c@example.org> Delivered as message 41 (4 octets)"
	    "\r\n");
	cr_expect_str_eq(k.env, "a@example.org||b@example.org|c@example.org",
	    "the refused recipient is not in the envelope kept");
	expect_code(c, "MAIL FROM:<a@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<b@example.org>\r\n", "250 ");
	expect_code(c, "RCPT TO:<c@example.org>\r\n", "250 ");
	expect_code(c, "DATA\r\n", "354 ");
	big = malloc(5000);
	cr_assert_not_null(big);
	memset(big, 'x', 4100);
	memcpy(big + 4100, "\r\n.\r\n", 6);
	expect(c, big, "552 5.2.2 Mailbox full: the message has 4102 octets, "
	    "the mailbox 4096 left\r\n552 5.2.2 Mailbox full: the message has "
	    "4102 octets, the mailbox 4096 left\r\n");
	free(big);
	cr_expect_eq(practice_conn_messages_for_test(c), 1);
	practice_conn_free(c);
}

/* STARTTLS through the network layer: the child of practice_net_spawn()
 * with a certificate made at start; the 220 in clear, then TLS. */
Test(practice, spawn_starttls, .timeout = 60)
{
	struct practice_net_opts o = { 0 };
	SSL_CTX			*ctx;
	SSL			*ssl;
	X509_STORE		*store;
	BIO			*b;
	X509			*x;
	char			 err[256], buf[4096];
	int			 pid, port = 0, fd, n, got = 0;

	o.tls = practice_net_tls_new(NULL, NULL, NULL, err, sizeof err);
	cr_assert_not_null(o.tls, "%s", err);
	pid = practice_net_spawn(&o, &port, err, sizeof err);
	cr_assert(pid > 0, "%s", err);
	fd = connect_port(port);
	read_until(fd, buf, sizeof buf, "\r\n");
	cr_assert_eq(write(fd, "EHLO me\r\n", 9), 9);
	read_until(fd, buf, sizeof buf, "250 HELP\r\n");
	cr_expect(strstr(buf, "\r\n250-STARTTLS\r\n") != NULL, "%s", buf);
	cr_assert_eq(write(fd, "STARTTLS\r\n", 10), 10);
	read_until(fd, buf, sizeof buf, "\r\n");
	cr_expect_str_eq(buf, "220 2.0.0 Ready to start TLS\r\n");

	/* trust the certificate it made, and nothing else */
	ctx = SSL_CTX_new(TLS_client_method());
	store = SSL_CTX_get_cert_store(ctx);
	b = BIO_new_mem_buf(practice_net_tls_pem(o.tls), -1);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	cr_assert(X509_STORE_add_cert(store, x));
	X509_free(x);
	BIO_free(b);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	SSL_set1_host(ssl, PRACTICE_DEFAULT_HOST);
	cr_assert_eq(SSL_connect(ssl), 1);
	cr_assert_eq(SSL_write(ssl, "EHLO me\r\nQUIT\r\n", 15), 15);
	while (got < (int)sizeof buf - 1 && (n = SSL_read(ssl, buf + got,
	    (int)sizeof buf - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	cr_expect(strncmp(buf, "250-practice.smtpscope.test greets me\r\n",
	    39) == 0, "%s", buf);
	cr_expect(strstr(buf, "STARTTLS") == NULL, "%s", buf);
	cr_expect(strstr(buf, "\r\n221 2.0.0 ") != NULL, "%s", buf);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	cr_expect_eq(practice_net_stop(pid), 0);
	practice_net_tls_free(o.tls);
}
