/*
 * test_base64.c -- base64 through OpenSSL with the strictness of
 * RFC 4954 4: the alphabet only, padding only at the end.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "base64.h"

static void
roundtrip(const char *plain, size_t len, const char *b64)
{
	unsigned char	*out;
	size_t		 outlen;
	char		*enc;

	enc = base64_encode(plain, len);
	cr_assert_not_null(enc);
	cr_assert_str_eq(enc, b64);
	base64_free(enc, strlen(enc));
	cr_assert_eq(base64_decode(b64, strlen(b64), &out, &outlen), 0, "%s",
	    b64);
	cr_assert_eq(outlen, len, "%s: %zu octets, not %zu", b64, outlen, len);
	cr_assert(memcmp(out, plain, len) == 0);
	cr_assert_eq(out[outlen], '\0');
	base64_free(out, outlen);
}

/* RFC 4648 10 test vectors, and a NUL inside (RFC 4616 PLAIN). */
Test(base64, rfc4648_vectors)
{
	roundtrip("", 0, "");
	roundtrip("f", 1, "Zg==");
	roundtrip("fo", 2, "Zm8=");
	roundtrip("foo", 3, "Zm9v");
	roundtrip("foob", 4, "Zm9vYg==");
	roundtrip("fooba", 5, "Zm9vYmE=");
	roundtrip("foobar", 6, "Zm9vYmFy");
	roundtrip("\0student\0practice", 17, "AHN0dWRlbnQAcHJhY3RpY2U=");
}

/* RFC 4954 4: "=AAA" and "AAA=BBB" are not allowed; neither is any
 * character outside the alphabet, nor a partial quantum. */
Test(base64, strict)
{
	static const char *bad[] = {
		"=AAA", "AAA=BBBB", "AA=A", "A===", "Zg=", "Zm9", "Zm9v Yg==",
		"Zm9v\nYg==", "Zm9-", "Zm9_", "Zm9v!A==", "====",
	};
	unsigned char	*out;
	size_t		 outlen, i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(base64_decode(bad[i], strlen(bad[i]), &out,
		    &outlen), -1, "accepted \"%s\"", bad[i]);
		cr_assert_null(out);
	}
}
