/*
 * test_message.c -- dot-stuffing (RFC 5321 4.5.2), CRLF normalisation and
 * file reading for DATA and BDAT bodies.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "message.h"

static void
expect_bytes(const char *got, size_t gotlen, const char *want, size_t wantlen)
{
	cr_assert_eq(gotlen, wantlen, "length %zu, expected %zu", gotlen,
	    wantlen);
	cr_assert_eq(memcmp(got, want, wantlen), 0, "bytes differ");
}

#define S(x)	x, sizeof(x) - 1

static void
data_case(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	char	*out;
	size_t	 n;

	cr_assert_eq(message_data_body(in, inlen, &out, &n), 0);
	expect_bytes(out, n, want, wantlen);
	free(out);
}

static void
canon_case(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	char	*out;
	size_t	 n;

	cr_assert_eq(message_canonical(in, inlen, &out, &n), 0);
	expect_bytes(out, n, want, wantlen);
	free(out);
}

static void
line_case(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	char	*out;
	size_t	 n;

	out = message_stuff_line(in, inlen, &n);
	cr_assert_not_null(out);
	expect_bytes(out, n, want, wantlen);
	free(out);
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

Test(message, data_body_binary)
{
	/* NUL and 8-bit octets pass through untouched. */
	data_case(S("a\0b\n\xff.\n"), S("a\0b\r\n\xff.\r\n.\r\n"));
	data_case(S("\0"), S("\0\r\n.\r\n"));
	data_case(S(".\0"), S("..\0\r\n.\r\n"));
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

/* The stuffed body never holds a line that is a lone dot but the end. */
Test(message, no_early_terminator)
{
	static const char in[] = ".\n.\r\n\r.\r..\n.";
	char	*out;
	size_t	 n, i;

	cr_assert_eq(message_data_body(in, sizeof in - 1, &out, &n), 0);
	cr_assert_geq(n, 3);
	cr_assert_eq(memcmp(out + n - 3, ".\r\n", 3), 0);
	for (i = 0; i + 5 <= n - 3; i++)
		cr_assert_neq(memcmp(out + i, "\r\n.\r\n", 5), 0,
		    "terminator at %zu", i);
	cr_assert_neq(memcmp(out, ".\r\n", 3), 0);
	for (i = 0; i < n; i++)
		if (out[i] == '\n')
			cr_assert(i > 0 && out[i - 1] == '\r', "bare LF");
		else if (out[i] == '\r')
			cr_assert(i + 1 < n && out[i + 1] == '\n', "bare CR");
	free(out);
}

Test(message, read_file)
{
	char	 path[] = "/tmp/test_message.XXXXXX", err[256], *out;
	size_t	 n, i;
	int	 fd;
	static char big[100000];

	for (i = 0; i < sizeof big; i++)
		big[i] = (char)(i % 251);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, big, sizeof big), (ssize_t)sizeof big);
	close(fd);
	cr_assert_eq(message_read_file(path, &out, &n, err, sizeof err), 0);
	expect_bytes(out, n, big, sizeof big);
	free(out);

	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(message_read_file(path, &out, &n, err, sizeof err), 0);
	cr_assert_eq(n, 0);
	cr_assert_not_null(out);
	free(out);
	unlink(path);

	err[0] = '\0';
	cr_assert_eq(message_read_file(path, &out, &n, err, sizeof err), -1);
	cr_assert_null(out);
	cr_assert(strstr(err, path) != NULL, "error names the file: %s", err);
	cr_assert(strstr(err, "No such file") != NULL, "%s", err);

	cr_assert_eq(message_read_file("/", &out, &n, err, sizeof err), -1);
	cr_assert(strstr(err, "directory") != NULL, "%s", err);
}
