/*
 * base64.h -- base64 (RFC 4648 4) through OpenSSL, with the strict
 * checks RFC 4954 4 asks of SMTP AUTH: only the base64 alphabet, padding
 * only at the end, nothing else.  Used for SASL challenges and responses
 * on both sides (the client's AUTH helpers, the practice server) and by
 * the explanation of a 334 challenge.
 */
#ifndef SMTPSCOPE_BASE64_H
#define SMTPSCOPE_BASE64_H

#include <stddef.h>

/* The base64 text of buf[0..len), NUL-terminated; "" for len 0.  NULL
 * when out of memory.  Free with base64_free() when it holds a secret. */
char *base64_encode(const void *buf, size_t len);

/*
 * Decode text[0..len) (no blanks, no line breaks).  Returns 0 and a new
 * buffer in *out (NUL-terminated for convenience, *outlen octets without
 * it; "" for len 0), or -1 when text is not valid base64 (a character
 * outside the alphabet, a length that is not a multiple of 4, a "=" that
 * is not padding at the end) or memory ran out (*out stays NULL).
 */
int base64_decode(const char *text, size_t len, unsigned char **out,
    size_t *outlen);

/* Wipe (OPENSSL_cleanse) and free a buffer from the functions above. */
void base64_free(void *buf, size_t len);

#endif
