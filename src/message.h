/*
 * message.h -- message bodies for DATA and BDAT (RFC 5321 4.5.2, RFC 3030):
 * the dot-stuffing of one body line, and a message file streamed from
 * disk (`:data FILE`, `:bdat FILE`), never held in memory whole.
 */
#ifndef SMTPSCOPE_MESSAGE_H
#define SMTPSCOPE_MESSAGE_H

#include <stddef.h>

#include "script.h"

/* The largest message :data and :bdat send from a file when the server
 * advertised no SIZE limit (RFC 1870); with one, its value is the limit. */
#define MESSAGE_FILE_MAX	(64UL * 1024 * 1024)
/* The longest line :data sends from a file, without its line end: its D:
 * line must read back from a recording, where an escaped octet takes
 * four (RFC 5321 4.5.3.1.6 allows 998). */
#define MESSAGE_LINE_MAX	((SCRIPT_LINE_MAX - 8) / 4)
/* The BDAT chunk :bdat sends when none is given, and the largest it
 * takes (one chunk is held in memory). */
#define MESSAGE_CHUNK_DEFAULT	(1024UL * 1024)
#define MESSAGE_CHUNK_MAX	MESSAGE_FILE_MAX

/* One body line as typed (no line ending) -> bytes to send: a leading
 * '.' doubled (RFC 5321 4.5.2), CRLF appended, into out, which holds
 * MESSAGE_STUFFED(len) octets.  Returns their number. */
#define MESSAGE_STUFFED(len)	((len) + 3)
size_t message_stuff_line(const char *line, size_t len, char *out);

/* How a message file is sent. */
enum message_how {
	MESSAGE_DATA,	/* DATA: line by line (the client dot-stuffs); no
			   NUL, no line over MESSAGE_LINE_MAX */
	MESSAGE_BDAT,	/* BDAT: every line end made CRLF (RFC 5321 2.3.8),
			   never stuffed (RFC 3030 2) */
	MESSAGE_BINARY,	/* BDAT after BODY=BINARYMIME: the octets as they
			   are (RFC 3030 3) */
};

struct message_file;

/*
 * Open path to send as a message and measure it, in one streaming pass,
 * before anything is sent.  Refused (NULL, with one sentence in err
 * naming the file and what is wrong): anything but a regular file (a
 * device, a FIFO, a directory; a FIFO is opened without waiting for a
 * writer); a message larger than limit octets as it will be sent (line
 * ends as CRLF but for MESSAGE_BINARY), where limit_what says where the
 * limit comes from ("the 10240000 octets the server advertised with
 * SIZE"); for MESSAGE_DATA a NUL octet or a line over MESSAGE_LINE_MAX.
 * *size gets the size of the message as sent.
 */
struct message_file *message_file_open(const char *path, enum message_how,
    unsigned long long limit, const char *limit_what,
    unsigned long long *size, char *err, size_t errlen);

/*
 * MESSAGE_DATA: the next line, without its line end (LF, CRLF or a lone
 * CR), in *line (valid until the next call) and its length in *len.
 * Returns 1, 0 at the end, -1 with err set (a read error, or the file
 * changed since it was measured).
 */
int message_file_line(struct message_file *, const char **line, size_t *len,
    char *err, size_t errlen);

/*
 * MESSAGE_BDAT, MESSAGE_BINARY: up to size octets of the message into
 * buf; *len gets how many, *last 1 when none follow (an empty message is
 * one empty last chunk).  Returns 0, or -1 with err set.
 */
int message_file_chunk(struct message_file *, char *buf, size_t size,
    size_t *len, int *last, char *err, size_t errlen);

void message_file_close(struct message_file *);

/*
 * The most a message may be as sent: the SIZE the server advertised
 * (RFC 1870 4) in caps, else MESSAGE_FILE_MAX; what gets the words that
 * say which (limit_what of message_file_open()).
 */
struct caps;
unsigned long long message_limit(const struct caps *caps, char *what,
    size_t size);

#endif
