/*
 * base64.c -- base64 through OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock,
 * with the strictness RFC 4954 4 requires of SASL data: "servers and
 * clients MUST reject (and not ignore) any character not explicitly
 * allowed by the BASE64 alphabet, and MUST reject any sequence of BASE64
 * characters that contains the pad character ('=') anywhere other than
 * the end of the string".
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base64.h"

static int	base64_valid(const char *, size_t, size_t *);

char *
base64_encode(const void *buf, size_t len)
{
	char	*out;

	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return NULL;
	if ((out = malloc((len + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

/* The alphabet of RFC 4648 4 only, whole quanta, "=" only as the last
 * one or two characters.  *pad gets the number of "=". */
static int
base64_valid(const char *t, size_t len, size_t *pad)
{
	size_t	i;

	*pad = 0;
	if (len % 4 != 0)
		return 0;
	if (len > 0 && t[len - 1] == '=')
		(*pad)++;
	if (len > 1 && t[len - 2] == '=')
		(*pad)++;
	for (i = 0; i < len - *pad; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') ||
		    (t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= '0' && t[i] <= '9') || t[i] == '+' || t[i] == '/'))
			return 0;
	return 1;
}

int
base64_decode(const char *text, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char	*buf;
	size_t		 pad;
	int		 n;

	*out = NULL;
	*outlen = 0;
	if (!base64_valid(text, len, &pad) || len > (size_t)INT_MAX)
		return -1;
	if ((buf = malloc(len / 4 * 3 + 1)) == NULL)
		return -1;
	n = len > 0 ? EVP_DecodeBlock(buf, (const unsigned char *)text,
	    (int)len) : 0;
	if (n < 0 || (size_t)n < pad) {
		free(buf);
		return -1;
	}
	/* EVP_DecodeBlock counts the padding as zero octets. */
	*outlen = (size_t)n - pad;
	buf[*outlen] = '\0';
	*out = buf;
	return 0;
}

void
base64_free(void *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}
