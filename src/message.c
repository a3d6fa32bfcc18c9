/*
 * message.c -- message bodies for DATA and BDAT.
 *
 * RFC 5321 2.3.8: lines end with CRLF, and a bare CR or LF must not be
 * sent, so every line ending in a file (CRLF, LF or a lone CR) becomes
 * CRLF, and a last line without one gets one.  RFC 5321 4.5.2: before
 * DATA sends a line, a leading "." is doubled so that the line cannot be
 * taken for the end of the data.  BDAT (RFC 3030 2) counts octets
 * instead, so its body is only made canonical, never stuffed; after
 * BODY=BINARYMIME (RFC 3030 3) it goes octet for octet.
 *
 * A message file is read twice, streaming: once to measure it (size as
 * sent, NUL, longest line) so that it is refused before anything is
 * sent, then once to send it, a line (DATA) or a chunk (BDAT) at a time.
 * Memory stays one line or one chunk, whatever the size of the file.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "message.h"

struct message_file {
	FILE			*f;
	char			*path;
	enum message_how	 how;
	unsigned long long	 size;		/* as measured */
	unsigned long long	 done;		/* octets handed out */
	char			*line;		/* MESSAGE_DATA: the current line */
	int			 bol;		/* at the beginning of a line */
	int			 lf;		/* a CR went out, its LF is owed */
};

static const char	*message_kind(mode_t);
static int		 message_eol(FILE *, int);
static int		 message_measure(struct message_file *,
			    unsigned long long, const char *, char *, size_t);

size_t
message_stuff_line(const char *line, size_t len, char *o)
{
	size_t	 k = 0;

	/* RFC 5321 4.5.2: "If the first character is a period ..." */
	if (len > 0 && line[0] == '.')
		o[k++] = '.';
	if (len > 0)
		memcpy(o + k, line, len);
	k += len;
	o[k++] = '\r';
	o[k++] = '\n';
	return k;
}

/* What a file that is not a regular one is, for the refusal. */
static const char *
message_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* ch was read: 1 when it ends a line (a CR and the LF after it are one
 * line end), else 0. */
static int
message_eol(FILE *f, int ch)
{
	int next;

	if (ch == '\n')
		return 1;
	if (ch != '\r')
		return 0;
	if ((next = getc_unlocked(f)) != '\n' && next != EOF)
		ungetc(next, f);
	return 1;
}

/* The first pass: the size as sent, and for DATA what it cannot carry. */
static int
message_measure(struct message_file *m, unsigned long long limit,
    const char *limit_what, char *err, size_t errlen)
{
	unsigned long long	 size = 0, cur = 0;
	unsigned long		 line = 1, nul = 0, longline = 0;
	int			 ch, bol = 1;

	while ((ch = getc_unlocked(m->f)) != EOF) {
		if (m->how == MESSAGE_BINARY) {
			size++;
			continue;
		}
		if (message_eol(m->f, ch)) {
			size += 2;
			line++;
			cur = 0;
			bol = 1;
			continue;
		}
		if (ch == '\0' && nul == 0)
			nul = line;
		if (++cur > MESSAGE_LINE_MAX && longline == 0)
			longline = line;
		size++;
		bol = 0;
	}
	if (ferror(m->f)) {
		snprintf(err, errlen, "cannot read %s: %s", m->path,
		    strerror(errno));
		return -1;
	}
	if (!bol && m->how != MESSAGE_BINARY)
		size += 2;	/* the line end the last line lacks */
	if (size > limit) {
		snprintf(err, errlen, "cannot send %s: %llu octets as sent, "
		    "more than %s", m->path, size, limit_what);
		return -1;
	}
	if (m->how == MESSAGE_DATA && nul != 0) {
		snprintf(err, errlen, "cannot send %s with DATA: a NUL octet "
		    "on line %lu (message text holds none, RFC 5322 2.3); "
		    "send it with :bdat after MAIL FROM:<...> BODY=BINARYMIME "
		    "(RFC 3030 3)", m->path, nul);
		return -1;
	}
	if (m->how == MESSAGE_DATA && longline != 0) {
		snprintf(err, errlen, "cannot send %s with DATA: line %lu is "
		    "over %d octets, more than a session file records (RFC 5321 "
		    "4.5.3.1.6 allows 998); send it with :bdat", m->path,
		    longline, MESSAGE_LINE_MAX);
		return -1;
	}
	m->size = size;
	return 0;
}

struct message_file *
message_file_open(const char *path, enum message_how how,
    unsigned long long limit, const char *limit_what,
    unsigned long long *size, char *err, size_t errlen)
{
	struct message_file	*m;
	struct stat		 st;
	int			 fd;

	/* O_NONBLOCK: a FIFO would wait for a writer before it is seen to
	 * be one */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot send %s: %s, not a regular file",
		    path, message_kind(st.st_mode));
		close(fd);
		return NULL;
	}
	/* Line ends only grow as sent: larger already is refused unread. */
	if ((unsigned long long)st.st_size > limit) {
		snprintf(err, errlen, "cannot send %s: %llu octets, more than "
		    "%s", path, (unsigned long long)st.st_size, limit_what);
		close(fd);
		return NULL;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if ((m = calloc(1, sizeof *m)) == NULL ||
	    (m->path = strdup(path)) == NULL ||
	    (how == MESSAGE_DATA &&
	    (m->line = malloc(MESSAGE_LINE_MAX + 1)) == NULL) ||
	    (m->f = fdopen(fd, "rb")) == NULL) {
		snprintf(err, errlen, "cannot read %s: out of memory", path);
		if (m != NULL) {
			free(m->path);
			free(m->line);
			free(m);
		}
		close(fd);
		return NULL;
	}
	m->how = how;
	m->bol = 1;
	if (message_measure(m, limit, limit_what, err, errlen) == -1) {
		message_file_close(m);
		return NULL;
	}
	if (fseek(m->f, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "cannot read %s again: %s", path,
		    strerror(errno));
		message_file_close(m);
		return NULL;
	}
	*size = m->size;
	return m;
}

int
message_file_line(struct message_file *m, const char **line, size_t *len,
    char *err, size_t errlen)
{
	size_t	n = 0;
	int	ch;

	while ((ch = getc_unlocked(m->f)) != EOF) {
		if (message_eol(m->f, ch))
			break;
		if (n == MESSAGE_LINE_MAX || ch == '\0') {
			snprintf(err, errlen, "%s changed while it was sent",
			    m->path);
			return -1;
		}
		m->line[n++] = (char)ch;
	}
	if (ch == EOF && ferror(m->f)) {
		snprintf(err, errlen, "cannot read %s: %s", m->path,
		    strerror(errno));
		return -1;
	}
	if (ch == EOF && n == 0)
		return 0;
	m->line[n] = '\0';
	*line = m->line;
	*len = n;
	return 1;
}

int
message_file_chunk(struct message_file *m, char *buf, size_t size,
    size_t *len, int *last, char *err, size_t errlen)
{
	size_t	n = 0;
	int	ch;

	*len = 0;
	*last = 0;
	while (n < size) {
		if (m->lf) {
			buf[n++] = '\n';
			m->lf = 0;
			continue;
		}
		if ((ch = getc_unlocked(m->f)) == EOF) {
			if (ferror(m->f))
				goto fail;
			/* RFC 5321 2.3.8: the last line ends with CRLF too */
			if (m->how != MESSAGE_BINARY && !m->bol) {
				buf[n++] = '\r';
				m->lf = 1;
				m->bol = 1;
				continue;
			}
			break;
		}
		if (m->how != MESSAGE_BINARY && message_eol(m->f, ch)) {
			buf[n++] = '\r';
			m->lf = 1;
			m->bol = 1;
			continue;
		}
		buf[n++] = (char)ch;
		m->bol = 0;
	}
	/* Nothing follows when no LF is owed, the file is at its end and
	 * its last line ended. */
	if (!m->lf && (m->bol || m->how == MESSAGE_BINARY)) {
		if ((ch = getc_unlocked(m->f)) == EOF) {
			if (ferror(m->f))
				goto fail;
			*last = 1;
		} else
			ungetc(ch, m->f);
	}
	m->done += n;
	if (m->done > m->size) {
		snprintf(err, errlen, "%s changed while it was sent", m->path);
		return -1;
	}
	*len = n;
	return 0;
fail:
	snprintf(err, errlen, "cannot read %s: %s", m->path, strerror(errno));
	return -1;
}

void
message_file_close(struct message_file *m)
{
	if (m == NULL)
		return;
	if (m->f != NULL)
		fclose(m->f);
	free(m->path);
	free(m->line);
	free(m);
}

unsigned long long
message_limit(const struct caps *caps, char *what, size_t size)
{
	if (caps->size && caps->size_max > 0) {
		snprintf(what, size, "the %lu octets the server advertised "
		    "with SIZE (RFC 1870)", caps->size_max);
		return caps->size_max;
	}
	snprintf(what, size, "the %lu octets (64 MiB) smtpscope sends when "
	    "the server advertises no SIZE", MESSAGE_FILE_MAX);
	return MESSAGE_FILE_MAX;
}
