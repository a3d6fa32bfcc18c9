/*
 * fuzz_verbs.c -- libFuzzer target for the command syntax checker
 * (src/verbs.c).
 *
 * Input: the first byte chooses which capabilities the "server"
 * advertised (none known, or a mix of EHLO flags); the rest, cut at the
 * first NUL, is the command line.  Every diagnostic must point inside the
 * line (or just after it), have a message, an RFC and a valid severity,
 * and the returned severity must be the highest one reported.  A broken
 * invariant aborts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "verbs.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fuzz_caps(struct caps *, unsigned);
static void	 fuzz_check(const char *, const struct diag_list *, int);

static void
fuzz_caps(struct caps *c, unsigned bits)
{
	memset(c, 0, sizeof *c);
	c->ehlo = 1;
	c->size = (bits >> 0) & 1;
	c->size_max = (bits & 0x80) ? 1000 : 0;
	c->eightbitmime = (bits >> 1) & 1;
	c->smtputf8 = (bits >> 2) & 1;
	c->dsn = (bits >> 3) & 1;
	c->chunking = c->binarymime = (bits >> 4) & 1;
	c->requiretls = (bits >> 5) & 1;
	if (bits & 0x40)
		memcpy(c->auth, "PLAIN LOGIN", sizeof "PLAIN LOGIN");
}

static void
fuzz_check(const char *line, const struct diag_list *dl, int worst)
{
	size_t	 i, k, len = strlen(line);
	int	 max = 0;
	char	 caret[64];

	if (dl->n > DIAG_MAX)
		abort();
	if (len > 0 && dl->n == 0 && worst != 0)
		abort();
	for (i = 0; i < dl->n; i++) {
		const struct diag *d = &dl->d[i];

		if (d->column > len || d->length < 1 ||
		    d->column + d->length > len + 1)
			abort();
		if (d->severity < DIAG_HINT || d->severity > DIAG_ERROR)
			abort();
		if (d->msg[0] == '\0' || memchr(d->msg, '\0',
		    sizeof d->msg) == NULL || d->rfc == NULL)
			abort();
		/* Messages are printable ASCII: nothing from the line can
		 * reach the terminal through them. */
		for (k = 0; d->msg[k] != '\0'; k++)
			if ((unsigned char)d->msg[k] < 32 ||
			    (unsigned char)d->msg[k] > 126)
				abort();
		if ((int)d->severity > max)
			max = d->severity;
		diag_caret(d, caret, sizeof caret);
		diag_caret_for(line, d, SANITIZE_ASCII, caret, sizeof caret);
	}
	/* Diagnostics beyond DIAG_MAX are dropped, never a graver one. */
	if (dl->n < DIAG_MAX && max != worst)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct caps caps;
	struct diag_list dl;
	char	*line;
	int	 worst;

	if (size == 0)
		return 0;
	line = malloc(size);
	if (line == NULL)
		return 0;
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	if (data[0] == 0)
		worst = verbs_check(line, NULL, &dl);
	else {
		fuzz_caps(&caps, data[0]);
		worst = verbs_check(line, &caps, &dl);
	}
	fuzz_check(line, &dl, worst);
	(void)verbs_identify(line);
	free(line);
	return 0;
}
