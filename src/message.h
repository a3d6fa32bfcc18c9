/*
 * message.h -- message bodies for DATA and BDAT (RFC 5321 4.5.2, RFC 3030).
 * Pure functions on buffers; nothing here does I/O.
 */
#ifndef SMTPSCOPE_MESSAGE_H
#define SMTPSCOPE_MESSAGE_H

#include <stddef.h>

/* One body line as typed (no line ending) -> bytes to send: a leading
 * '.' doubled (RFC 5321 4.5.2), CRLF appended.  Returns a new buffer
 * (caller frees) and its length in *outlen; NULL when out of memory. */
char *message_stuff_line(const char *line, size_t len, size_t *outlen);

/* A whole file -> a DATA body ready to send: LF and lone CR become CRLF,
 * leading dots doubled, a final CRLF added when missing, and the
 * terminating ".\r\n" appended.  Returns 0 or -1 (out of memory). */
int message_data_body(const char *in, size_t len, char **out, size_t *outlen);

/* A whole file -> a canonical CRLF message without dot-stuffing (BDAT
 * sends octets as they are, RFC 3030 2).  Returns 0 or -1. */
int message_canonical(const char *in, size_t len, char **out, size_t *outlen);

/* Read a whole file into a new buffer.  Returns 0 or -1 with err set. */
int message_read_file(const char *path, char **out, size_t *outlen,
    char *err, size_t errlen);

#endif
