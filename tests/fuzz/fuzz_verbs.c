/*
 * fuzz_verbs.c -- libFuzzer target for the command grammar (src/verbs.c)
 * and its agreement with the practice server (src/practice.c).
 *
 * Input: the first byte chooses which capabilities the "server"
 * advertised (none known, or a mix of EHLO flags); the rest is the
 * command line, NUL octets and all (verbs_parse()), and up to the first
 * NUL for verbs_check().  Every diagnostic must point inside the line (or
 * just after it), have a message, an RFC and a valid severity, and the
 * returned severity must be the highest one reported; every span of the
 * result lies inside the line; an error, and a line without a verb,
 * always carry the reply a server gives, and that reply is the leftmost
 * one.  Then the line goes to a practice server right after EHLO: when
 * the verb is one it implements and takes in that state, it answers
 * exactly the reply the grammar predicts, and refuses nothing on syntax
 * when the grammar predicts no reply.  A broken invariant aborts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "practice.h"
#include "reply.h"
#include "sanitize.h"
#include "verbs.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fuzz_caps(struct caps *, unsigned);
static void	 fuzz_check(const char *, const struct diag_list *, int);
static void	 fuzz_span(const struct verbs_span *, size_t);
static void	 fuzz_parse(const char *, size_t, const struct caps *);
static void	 fuzz_server(const char *, size_t);

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
		free(diag_show(line, len, d, SANITIZE_ASCII, 80, caret,
		    sizeof caret));
	}
	/* Diagnostics beyond DIAG_MAX are dropped, never a graver one. */
	if (dl->n < DIAG_MAX && max != worst)
		abort();
}

static void
fuzz_span(const struct verbs_span *sp, size_t len)
{
	if (sp->off > len || sp->len > len - sp->off)
		abort();
}

/* The structured result of verbs_parse() on line[0..len). */
static void
fuzz_parse(const char *line, size_t len, const struct caps *caps)
{
	static const int replies[] = { 500, 501, 502, 504, 550, 552, 553,
	    555 };
	struct verbs_cmd c;
	const struct diag *d;
	size_t	 i, k;

	(void)verbs_parse(line, len, caps, 0, &c);
	fuzz_span(&c.word, len);
	fuzz_span(&c.path, len);
	fuzz_span(&c.mailbox, len);
	fuzz_span(&c.arg, len);
	fuzz_span(&c.arg2, len);
	if (c.nparams > VERBS_PARAMS_MAX || c.diags.n > DIAG_MAX)
		abort();
	for (i = 0; i < c.nparams; i++) {
		fuzz_span(&c.params[i].name, len);
		fuzz_span(&c.params[i].value, len);
		if (c.params[i].id >= VERBS_PARAM_COUNT)
			abort();
	}
	if (c.mailbox.len > 0 && (c.mailbox.off < c.path.off ||
	    c.mailbox.off + c.mailbox.len > c.path.off + c.path.len))
		abort();
	d = verbs_refusal(&c);
	if ((c.worst >= DIAG_ERROR || c.verb == NULL) && d == NULL)
		abort();
	if (d == NULL)
		return;
	for (k = 0; k < sizeof replies / sizeof replies[0]; k++)
		if (d->reply == replies[k])
			break;
	if (k == sizeof replies / sizeof replies[0] || d->esc == NULL ||
	    d->esc[0] != '5' || d->column > len)
		abort();
	for (i = 0; i < c.diags.n; i++)
		if (c.diags.d[i].reply != 0 && c.diags.d[i].column < d->column)
			abort();
}

/*
 * The line through a practice server in the state after EHLO, judged
 * with what that server advertised: a verb it implements and takes now
 * is answered with the predicted reply, or is not refused on syntax.
 */
static void
fuzz_server(const char *line, size_t len)
{
	static struct caps caps;
	static int	 have_caps;
	struct practice_conn *c;
	struct reply_parser *rp;
	struct reply	*r;
	struct verbs_cmd cmd;
	const struct diag *d;
	const char	*out;
	char		*in, want[16];
	size_t		 olen;

	if (len > 4000 || memchr(line, '\n', len) != NULL ||
	    memchr(line, '\r', len) != NULL)
		return;
	if ((c = practice_conn_new(NULL, NULL)) == NULL)
		abort();
	practice_conn_input(c, "EHLO fuzz.example\r\n", 19);
	out = practice_conn_output(c, &olen);
	if (!have_caps) {
		/* What it advertised, read from its own reply. */
		if ((rp = reply_parser_new()) == NULL ||
		    reply_feed(rp, out, olen) != 0)
			abort();
		while ((r = reply_parser_next(rp)) != NULL) {
			if (r->code == 250)
				caps_from_ehlo(&caps, r);
			reply_free(r);
		}
		reply_parser_free(rp);
		have_caps = 1;
	}
	practice_conn_consume(c, olen);
	(void)verbs_parse(line, len, &caps, 0, &cmd);
	d = verbs_refusal(&cmd);
	if ((in = malloc(len + 2)) == NULL)
		abort();
	memcpy(in, line, len);
	memcpy(in + len, "\r\n", 2);
	practice_conn_input(c, in, len + 2);
	free(in);
	out = practice_conn_output(c, &olen);
	/* Verbs of the table it takes after EHLO, BDAT aside (its chunk). */
	if (cmd.verb == NULL || ((cmd.verb->states &
	    STATE_BIT(STATE_READY)) && cmd.verb->id <= VERB_QUIT &&
	    cmd.verb->id != VERB_BDAT)) {
		if (d != NULL) {
			snprintf(want, sizeof want, "%d %s ", d->reply, d->esc);
			if (olen < strlen(want) ||
			    memcmp(out, want, strlen(want)) != 0)
				abort();
		} else if (olen < 3 || memcmp(out, "500", 3) == 0 ||
		    memcmp(out, "501", 3) == 0 || memcmp(out, "550", 3) == 0 ||
		    memcmp(out, "552", 3) == 0 || memcmp(out, "553", 3) == 0 ||
		    memcmp(out, "555", 3) == 0)
			abort();
	}
	practice_conn_free(c);
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
	if (data[0] == 0) {
		worst = verbs_check(line, NULL, 0, &dl);
		fuzz_parse(line, size - 1, NULL);
	} else {
		fuzz_caps(&caps, data[0]);
		worst = verbs_check(line, &caps, 0, &dl);
		fuzz_parse(line, size - 1, &caps);
	}
	fuzz_check(line, &dl, worst);
	(void)verbs_identify(line);
	fuzz_server(line, size - 1);
	free(line);
	return 0;
}
