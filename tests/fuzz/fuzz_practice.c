/*
 * fuzz_practice.c -- libFuzzer target for the practice server's protocol
 * engine (src/practice.c, practice_conn_*).
 *
 * Input: the first byte seeds the split sizes, the rest is what a client
 * sends.  It is fed twice, once in one piece and once in pieces of 1..16
 * bytes, and both runs must answer the same.  Every reply line is checked:
 * CRLF-terminated, at most 512 octets (RFC 5321 4.5.3.1.5), a 3-digit
 * code then " " or "-", and for 2xx/4xx/5xx replies other than the
 * greeting and EHLO/HELO an enhanced code of the same class (RFC 2034 3).
 * Every log line is checked too: no control bytes (they reach a
 * terminal), at most a few hundred octets, and no AUTH argument shown
 * (RFC 4954 4: it is a secret).  STARTTLS is offered; TLS never comes
 * up, so after a 220 to it nothing more may be answered (RFC 3207 5),
 * however the input is split.  A broken invariant aborts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "practice.h"

struct fuzz_out {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 in_ehlo;	/* inside a 250- EHLO reply */
	int	 first;		/* the greeting comes first */
	int	 starttls;	/* the engine asked for TLS */
};

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_check_line(struct fuzz_out *, const char *, size_t);
static void	fuzz_log(void *, const char *);
static void	fuzz_starttls(void *);
static void	fuzz_take(struct practice_conn *, struct fuzz_out *);
static void	fuzz_run(const char *, size_t, unsigned, struct fuzz_out *);

static void
fuzz_check_line(struct fuzz_out *o, const char *s, size_t n)
{
	int	greeting = o->first;

	o->first = 0;
	if (n < 6 || n > 512 || s[n - 2] != '\r' || s[n - 1] != '\n')
		abort();
	if (s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9' || (s[3] != ' ' && s[3] != '-'))
		abort();
	if (memchr(s, '\r', n - 2) != NULL || memchr(s, '\n', n - 1) != NULL)
		abort();
	/* EHLO/HELO replies and the greeting carry no enhanced code. */
	if (greeting || o->in_ehlo || (memcmp(s, "250", 3) == 0 &&
	    memmem(s, n, " greets ", 8) != NULL) || s[0] == '3') {
		o->in_ehlo = s[3] == '-' && memcmp(s, "250", 3) == 0 &&
		    (o->in_ehlo || memmem(s, n, " greets ", 8) != NULL);
		return;
	}
	if (n < 11 || s[4] != s[0] || s[5] != '.')
		abort();
}

/* A log line: printable (TAB allowed), short, an AUTH argument masked:
 * "AUTH MECH ******** -> 502" (shortened: "AUTH MECH **... -> 502"). */
static void
fuzz_log(void *arg, const char *line)
{
	size_t	 i, n = strlen(line), end, w, words = 0;
	const char *arrow = NULL, *p;

	(void)arg;
	if (n > 600)
		abort();
	for (i = 0; i < n; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
		    (unsigned char)line[i] == 0x7f)
			abort();
	if (strncasecmp(line, "AUTH", 4) != 0 || (line[4] != ' ' &&
	    line[4] != '\t'))
		return;
	for (p = line; (p = strstr(p, " -> ")) != NULL; p++)
		arrow = p;
	if (arrow == NULL)
		return;
	end = (size_t)(arrow - line);
	for (i = 0; i < end; i += w) {
		i += strspn(line + i, " \t");
		if (i >= end)
			break;
		w = strcspn(line + i, " \t");
		if (w > end - i)
			w = end - i;
		/* the mask, or what is left of it when the line was
		 * shortened ("***..." or "...") */
		if (++words == 3 && strspn(line + i, "*.") < w)
			abort();
	}
	if (words > 3)
		abort();
}

/* The network layer would start TLS: once, and nothing is answered after
 * (the handshake never comes). */
static void
fuzz_starttls(void *arg)
{
	struct fuzz_out *o = arg;

	if (o->starttls++)
		abort();
}

/* Move the engine's output into o, checking each line. */
static void
fuzz_take(struct practice_conn *c, struct fuzz_out *o)
{
	const char	*p;
	size_t		 len, i, start;
	char		*nb;

	p = practice_conn_output(c, &len);
	if (len == 0)
		return;
	/* only the 220 to STARTTLS, taken with the reply before it */
	if (o->starttls && o->len > 0 && memmem(o->buf, o->len,
	    "220 2.0.0 Ready to start TLS\r\n", 30) != NULL)
		abort();
	if (o->len + len > o->cap) {
		o->cap = (o->len + len) * 2;
		if ((nb = realloc(o->buf, o->cap)) == NULL)
			abort();
		o->buf = nb;
	}
	memcpy(o->buf + o->len, p, len);
	/* the engine always emits whole lines */
	if (p[len - 1] != '\n')
		abort();
	for (i = start = 0; i < len; i++)
		if (p[i] == '\n') {
			fuzz_check_line(o, p + start, i + 1 - start);
			start = i + 1;
		}
	o->len += len;
	practice_conn_consume(c, len);
}

/* seed 0: one piece; else pieces of 1..16 bytes from a xorshift PRNG */
static void
fuzz_run(const char *buf, size_t len, unsigned seed, struct fuzz_out *o)
{
	struct practice_opts	 opts;
	struct practice_hooks	 hooks = { .log = fuzz_log,
	    .starttls = fuzz_starttls };
	struct practice_conn	*c;
	size_t			 off = 0, n;
	uint32_t		 x = seed * 2654435761u + 1;

	memset(&opts, 0, sizeof opts);
	opts.max_size = 4096;	/* reach the size limit with short inputs */
	memset(o, 0, sizeof *o);
	o->first = 1;
	hooks.arg = o;
	if ((c = practice_conn_new(&opts, &hooks)) == NULL)
		abort();
	fuzz_take(c, o);
	while (off < len) {
		if (seed == 0)
			n = len;
		else {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			n = 1 + x % 16;
			if (n > len - off)
				n = len - off;
		}
		practice_conn_input(c, buf + off, n);
		fuzz_take(c, o);
		off += n;
	}
	practice_conn_eof(c);
	fuzz_take(c, o);
	practice_conn_free(c);
}

/* Message numbers count per process: each becomes one "#" before the
 * two runs are compared. */
static void
fuzz_unnumber(struct fuzz_out *o)
{
	size_t i, w;

	for (i = w = 0; i < o->len; ) {
		if (w >= 11 && memcmp(o->buf + w - 11, "as message ", 11) == 0 &&
		    o->buf[i] >= '0' && o->buf[i] <= '9') {
			while (i < o->len && o->buf[i] >= '0' && o->buf[i] <= '9')
				i++;
			o->buf[w++] = '#';
			continue;
		}
		o->buf[w++] = o->buf[i++];
	}
	o->len = w;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_out a, b;

	if (size < 1)
		return 0;
	fuzz_run((const char *)data + 1, size - 1, 0, &a);
	fuzz_run((const char *)data + 1, size - 1, data[0] | 1u, &b);
	fuzz_unnumber(&a);
	fuzz_unnumber(&b);
	if (a.len != b.len || (a.len > 0 && memcmp(a.buf, b.buf, a.len) != 0))
		abort();
	free(a.buf);
	free(b.buf);
	return 0;
}
