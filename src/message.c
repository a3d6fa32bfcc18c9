/*
 * message.c -- message bodies for DATA and BDAT.
 *
 * RFC 5321 2.3.8: lines end with CRLF, and a bare CR or LF must not be
 * sent, so every line ending in the input (CRLF, LF or a lone CR) becomes
 * CRLF.  RFC 5321 4.5.2: before DATA sends a line, a leading "." is
 * doubled so that the line cannot be taken for the end of the data; the
 * end is CRLF "." CRLF.  BDAT (RFC 3030 2) counts octets instead, so its
 * body is only made canonical, never stuffed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "message.h"

static int	 message_convert(const char *, size_t, int, char **, size_t *);

char *
message_stuff_line(const char *line, size_t len, size_t *outlen)
{
	char	*o;
	size_t	 k = 0;

	if (len > (size_t)-1 - 4)
		return NULL;
	o = malloc(len + 4);
	if (o == NULL)
		return NULL;
	/* RFC 5321 4.5.2: "If the first character is a period ..." */
	if (len > 0 && line[0] == '.')
		o[k++] = '.';
	if (len > 0)
		memcpy(o + k, line, len);
	k += len;
	o[k++] = '\r';
	o[k++] = '\n';
	*outlen = k;
	return o;
}

/*
 * The common walk: normalise line endings to CRLF, make sure a non-empty
 * body ends with CRLF, and when stuff is set double leading dots and
 * append the ".\r\n" that ends DATA.
 */
static int
message_convert(const char *in, size_t len, int stuff, char **out,
    size_t *outlen)
{
	char	*o;
	size_t	 i, k = 0, cap;
	int	 bol = 1;	/* at the beginning of a line */

	*out = NULL;
	*outlen = 0;
	/*
	 * Worst case: each octet is a lone CR or LF (2 each) or a dot at
	 * the start of a line (2 each), plus the final CRLF and ".\r\n".
	 */
	if (len > ((size_t)-1 - 8) / 2)
		return -1;
	cap = 2 * len + 8;
	o = malloc(cap);
	if (o == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (in[i] == '\r' || in[i] == '\n') {
			if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
				i++;
			o[k++] = '\r';
			o[k++] = '\n';
			bol = 1;
			continue;
		}
		if (bol && stuff && in[i] == '.')
			o[k++] = '.';
		o[k++] = in[i];
		bol = 0;
	}
	if (!bol) {
		o[k++] = '\r';
		o[k++] = '\n';
	}
	if (stuff) {
		o[k++] = '.';
		o[k++] = '\r';
		o[k++] = '\n';
	}
	*out = o;
	*outlen = k;
	return 0;
}

int
message_data_body(const char *in, size_t len, char **out, size_t *outlen)
{
	return message_convert(in, len, 1, out, outlen);
}

int
message_canonical(const char *in, size_t len, char **out, size_t *outlen)
{
	return message_convert(in, len, 0, out, outlen);
}

int
message_read_file(const char *path, char **out, size_t *outlen, char *err,
    size_t errlen)
{
	FILE	*f;
	struct stat st;
	char	*buf = NULL, *nb;
	size_t	 len = 0, cap = 0, n;
	int	 ret = -1;

	*out = NULL;
	*outlen = 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot read %s: it is a directory", path);
		goto out;
	}
	for (;;) {
		if (cap - len < 4096) {
			if (cap > (size_t)-1 / 2 - 8192) {
				snprintf(err, errlen, "%s is too large", path);
				goto out;
			}
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				snprintf(err, errlen, "out of memory reading %s",
				    path);
				goto out;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		goto out;
	}
	buf[len] = '\0';	/* convenient for callers; not counted */
	*out = buf;
	*outlen = len;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	fclose(f);
	return ret;
}
