/*
 * test_message.c -- dot-stuffing (RFC 5321 4.5.2), CRLF normalisation and
 * message files streamed for DATA and BDAT: what they send, and what is
 * refused before anything is sent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "message.h"

#define S(x)	x, sizeof(x) - 1
#define NOLIMIT	(1ULL << 40)

static void
expect_bytes(const char *got, size_t gotlen, const char *want, size_t wantlen)
{
	cr_assert_eq(gotlen, wantlen, "length %zu, expected %zu", gotlen,
	    wantlen);
	cr_assert_eq(memcmp(got, want, wantlen), 0, "bytes differ");
}

/* A temporary file holding in[0..len); its name in path (64). */
static void
temp_file(char *path, const char *in, size_t len)
{
	int fd;

	snprintf(path, 64, "/tmp/test_message.XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, in, len), (ssize_t)len);
	close(fd);
}

/* in, sent with DATA: each line stuffed as the client does, then the
 * end; the whole must be want, and the size measured the lines with
 * CRLF (RFC 1870: without the stuffing and the final dot). */
static void
data_case(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	struct message_file	*m;
	char			 path[64], err[256], out[4096];
	const char		*line;
	unsigned long long	 size;
	size_t			 len, n, k = 0, stuffed = 0;
	int			 rc;

	temp_file(path, in, inlen);
	m = message_file_open(path, MESSAGE_DATA, NOLIMIT, "no limit", &size,
	    err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	while ((rc = message_file_line(m, &line, &len, err, sizeof err)) == 1) {
		cr_assert_lt(k + MESSAGE_STUFFED(len), sizeof out);
		n = message_stuff_line(line, len, out + k);
		k += n;
		stuffed += n - len - 2;
	}
	cr_assert_eq(rc, 0, "%s", err);
	memcpy(out + k, ".\r\n", 3);
	k += 3;
	expect_bytes(out, k, want, wantlen);
	cr_assert_eq(size, k - 3 - stuffed, "size %llu", size);
	message_file_close(m);
	unlink(path);
}

/* in, sent with BDAT in chunks of chunk octets: the chunks joined must be
 * want, only the last one flagged last, and their sum the size. */
static void
chunk_case(enum message_how how, const char *in, size_t inlen, size_t chunk,
    const char *want, size_t wantlen)
{
	struct message_file	*m;
	char			 path[64], err[256], out[4096], buf[4096];
	unsigned long long	 size;
	size_t			 n, k = 0, rounds = 0;
	int			 last = 0;

	temp_file(path, in, inlen);
	m = message_file_open(path, how, NOLIMIT, "no limit", &size, err,
	    sizeof err);
	cr_assert_not_null(m, "%s", err);
	while (!last) {
		cr_assert_lt(rounds++, 5000, "never the last chunk");
		cr_assert_eq(message_file_chunk(m, buf, chunk, &n, &last, err,
		    sizeof err), 0, "%s", err);
		cr_assert_leq(n, chunk);
		cr_assert(n == chunk || last, "a short chunk before the last");
		cr_assert_lt(k + n, sizeof out);
		memcpy(out + k, buf, n);
		k += n;
	}
	expect_bytes(out, k, want, wantlen);
	cr_assert_eq(size, k);
	message_file_close(m);
	unlink(path);
}

static void
line_case(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	char	*out;
	size_t	 n;

	cr_assert_not_null(out = malloc(MESSAGE_STUFFED(inlen)));
	n = message_stuff_line(in, inlen, out);
	expect_bytes(out, n, want, wantlen);
	free(out);
}

/* The same with every chunk size from 1 to a whole message. */
static void
canon_case(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	size_t chunk;

	for (chunk = 1; chunk <= wantlen + 2; chunk++)
		chunk_case(MESSAGE_BDAT, in, inlen, chunk, want, wantlen);
}

Test(message, stuff_line)
{
	line_case(S("hello"), S("hello\r\n"));
	line_case(S(""), S("\r\n"));
	line_case(S("."), S("..\r\n"));
	line_case(S(".."), S("...\r\n"));
	line_case(S(".x"), S("..x\r\n"));
	line_case(S(" ."), S(" .\r\n"));
	line_case(S("a.b."), S("a.b.\r\n"));
	line_case(S("\0."), S("\0.\r\n"));
}

Test(message, data_body_stuffing)
{
	data_case(S("."), S("..\r\n.\r\n"));
	data_case(S(".\n"), S("..\r\n.\r\n"));
	data_case(S("..\n"), S("...\r\n.\r\n"));
	data_case(S(".x\n"), S("..x\r\n.\r\n"));
	data_case(S("a\n.\nb\n"), S("a\r\n..\r\nb\r\n.\r\n"));
	data_case(S("a.\n x.\n"), S("a.\r\n x.\r\n.\r\n"));
	/* A dot after each kind of line ending. */
	data_case(S("a\r\n.b\r.c\n.d"), S("a\r\n..b\r\n..c\r\n..d\r\n.\r\n"));
}

Test(message, data_body_endings)
{
	data_case(S(""), S(".\r\n"));
	data_case(S("x"), S("x\r\n.\r\n"));
	data_case(S("x\n"), S("x\r\n.\r\n"));
	data_case(S("x\r\n"), S("x\r\n.\r\n"));
	data_case(S("x\r"), S("x\r\n.\r\n"));
	data_case(S("\n"), S("\r\n.\r\n"));
	data_case(S("\n\n"), S("\r\n\r\n.\r\n"));
	data_case(S("a\rb\rc"), S("a\r\nb\r\nc\r\n.\r\n"));
	data_case(S("a\r\rb"), S("a\r\n\r\nb\r\n.\r\n"));
	data_case(S("a\n\rb"), S("a\r\n\r\nb\r\n.\r\n"));
	data_case(S("Subject: t\n\nbody\n"),
	    S("Subject: t\r\n\r\nbody\r\n.\r\n"));
}

Test(message, canonical_is_not_stuffed)
{
	canon_case(S(""), S(""));
	canon_case(S("."), S(".\r\n"));
	canon_case(S(".\n..\n"), S(".\r\n..\r\n"));
	canon_case(S("a\rb\nc\r\n"), S("a\r\nb\r\nc\r\n"));
	canon_case(S("no newline"), S("no newline\r\n"));
	canon_case(S("a\0b"), S("a\0b\r\n"));
}

/* BODY=BINARYMIME: the octets as they are, NUL and bare LF included. */
Test(message, binary_as_is)
{
	chunk_case(MESSAGE_BINARY, S("a\0b\n\xff.\r"), 3, S("a\0b\n\xff.\r"));
	chunk_case(MESSAGE_BINARY, S("a\0b\n\xff.\r"), 100,
	    S("a\0b\n\xff.\r"));
	chunk_case(MESSAGE_BINARY, S(""), 1, S(""));
	chunk_case(MESSAGE_BDAT, S("a\0b"), 2, S("a\0b\r\n"));
}

/* open, expecting a refusal whose words hold want */
static void
refused(const char *path, enum message_how how, unsigned long long limit,
    const char *want)
{
	struct message_file	*m;
	unsigned long long	 size;
	char			 err[512] = "";

	m = message_file_open(path, how, limit, "the limit", &size, err,
	    sizeof err);
	cr_assert_null(m, "%s accepted", path);
	cr_assert(strstr(err, want) != NULL, "\"%s\" lacks \"%s\"", err,
	    want);
	cr_assert(strstr(err, path) != NULL, "\"%s\" does not name %s", err,
	    path);
}

/* Only regular files, measured before anything is sent: a device
 * (:bdat /dev/zero reached 2 GB in memory), a FIFO (never waited on), a
 * directory; a message over the limit as sent; for DATA, a NUL or a line
 * too long to record. */
Test(message, refusals)
{
	char	 path[64], fifo[64], *big;
	size_t	 n = MESSAGE_LINE_MAX + 1;

	refused("/dev/zero", MESSAGE_BDAT, NOLIMIT, "a character device");
	refused("/", MESSAGE_DATA, NOLIMIT, "a directory");
	refused("/nonexistent/x", MESSAGE_DATA, NOLIMIT, "No such file");
	snprintf(fifo, sizeof fifo, "/tmp/test_message_fifo.%ld",
	    (long)getpid());
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	refused(fifo, MESSAGE_DATA, NOLIMIT, "a FIFO");
	unlink(fifo);

	/* 10 octets, 12 as sent (CRLF): the size as sent counts */
	temp_file(path, S("abcd\nefgh\n"));
	refused(path, MESSAGE_BDAT, 9, "10 octets, more than the limit");
	refused(path, MESSAGE_DATA, 11, "12 octets as sent, more than the "
	    "limit");
	refused(path, MESSAGE_BINARY, 9, "10 octets");
	unlink(path);

	temp_file(path, S("ok\nnul \0 here\n"));
	refused(path, MESSAGE_DATA, NOLIMIT, "a NUL octet on line 2");
	unlink(path);

	big = malloc(n + 10);
	cr_assert_not_null(big);
	memcpy(big, "a\n", 2);
	memset(big + 2, 'x', n);
	temp_file(path, big, n + 2);
	refused(path, MESSAGE_DATA, NOLIMIT, "line 2 is over");
	unlink(path);
	free(big);
}

/* Within the limit, exactly at it, and the SIZE of a file with CRLF. */
Test(message, limit_is_the_size_as_sent)
{
	struct message_file	*m;
	unsigned long long	 size;
	char			 path[64], err[256];

	temp_file(path, S("abcd\r\nefgh"));
	m = message_file_open(path, MESSAGE_DATA, 12, "the limit", &size, err,
	    sizeof err);
	cr_assert_not_null(m, "%s", err);
	cr_assert_eq(size, 12);
	message_file_close(m);
	unlink(path);
}

/* The limit a message file is measured against: the server's SIZE, else
 * 64 MiB; the words say which (:data, :bdat and --body use it). */
Test(message, limit_from_size)
{
	struct caps	caps;
	char		what[160];

	memset(&caps, 0, sizeof caps);
	cr_assert_eq(message_limit(&caps, what, sizeof what),
	    MESSAGE_FILE_MAX);
	cr_assert(strstr(what, "advertises no SIZE") != NULL, "%s", what);
	caps.size = 1;		/* SIZE without a value: no limit given */
	cr_assert_eq(message_limit(&caps, what, sizeof what),
	    MESSAGE_FILE_MAX);
	caps.size_max = 10240;
	cr_assert_eq(message_limit(&caps, what, sizeof what), 10240);
	cr_assert_str_eq(what, "the 10240 octets the server advertised with "
	    "SIZE (RFC 1870)");
}
