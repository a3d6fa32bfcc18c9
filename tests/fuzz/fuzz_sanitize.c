/*
 * fuzz_sanitize.c -- libFuzzer target for the terminal sanitizer
 * (src/sanitize.c).
 *
 * Input: the first byte chooses the flags (bits 0-1) and a truncation
 * size for sanitize_buf (bits 2-7); the rest is the server's bytes.  The
 * output must never hold a byte that drives a terminal, must be valid
 * UTF-8, and sanitize_buf must agree with sanitize.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fuzz_check_output(const unsigned char *, size_t);

/*
 * Every byte is TAB or printable ASCII, or belongs to a well-formed UTF-8
 * sequence (RFC 3629 4) that is neither a C1 control nor a bidi control.
 */
static void
fuzz_check_output(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
				abort();
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 2;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 3;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 4;
			cp = s[i] & 0x07;
		} else
			abort();
		if (len - i < n)
			abort();
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				abort();
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0xa0) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			abort();
		i += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in;
	char *out, *buf;
	size_t len, outlen, need, cut, i;
	int flags;

	if (size < 1)
		return 0;
	flags = data[0] & (SANITIZE_SHOW_CRLF | SANITIZE_ASCII);
	cut = data[0] >> 2;
	in = (const char *)data + 1;
	len = size - 1;

	if ((out = sanitize(in, len, flags)) == NULL)
		abort();
	outlen = strlen(out);
	fuzz_check_output((const unsigned char *)out, outlen);
	if (flags & SANITIZE_ASCII) {
		for (i = 0; i < outlen; i++)
			if ((unsigned char)out[i] >= 0x80)
				abort();
	}
	/* every input byte gives at least one output byte */
	if (outlen < len)
		abort();

	/* the same into a buffer of exactly the right size */
	if ((buf = malloc(outlen + 1)) == NULL)
		abort();
	need = sanitize_buf(buf, outlen + 1, in, len, flags);
	if (need != outlen || strcmp(buf, out) != 0)
		abort();
	/* size 0 and NULL: only the length */
	if (sanitize_buf(NULL, 0, in, len, flags) != outlen)
		abort();
	/* a cut buffer: terminated, a prefix, same return value */
	if (cut <= outlen) {
		memset(buf, 'Z', outlen + 1);
		if (sanitize_buf(buf, cut + 1, in, len, flags) != outlen)
			abort();
		if (strlen(buf) > cut || strncmp(buf, out, strlen(buf)) != 0)
			abort();
		fuzz_check_output((const unsigned char *)buf, strlen(buf));
	}
	free(buf);
	free(out);
	return 0;
}
