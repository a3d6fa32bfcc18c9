/*
 * fuzz_console.c -- libFuzzer target for the console's handling of a
 * typed line: the check (verbs_check() against what a server advertised),
 * the mask (client_shown_line(), as every front end shows a command)
 * and the display (each diagnostic's line and caret through diag_show()
 * and sanitize_shorten(), at a width).
 *
 * Input: the first byte chooses the capabilities (bits 0-3; 1 and 3 both
 * set: an LMTP server), --show-secrets
 * (bit 4) and the display width (bits 5-7: from the narrowest to none);
 * the rest is the typed line, up to its first CR, LF or NUL as the console
 * takes it.  Checked: what is shown holds no terminal control (C0 but
 * TAB, DEL, C1, bidi controls) and is valid UTF-8; it fits the width;
 * the caret is spaces, one '^' and '~'s, and stands inside the shown line
 * (or just after it); a shortened line carries "..." where it is cut;
 * without --show-secrets an AUTH line's initial response never shows,
 * and a SASL response is the mask.  A broken invariant aborts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "client.h"
#include "sanitize.h"
#include "script.h"
#include "verbs.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_caps(struct caps *, unsigned);
static void	fuzz_safe(const char *);
static void	fuzz_mask(const char *, const char *, int);
static void	fuzz_show(const char *, const struct diag *, size_t);

static const size_t fuzz_widths[] = { 0, 24, 40, 60, 80, 132, 200, SIZE_MAX };

static void
fuzz_caps(struct caps *c, unsigned bits)
{
	memset(c, 0, sizeof *c);
	c->ehlo = (bits & 1) != 0;
	c->size = c->ehlo;
	c->size_max = (bits & 2) ? 1000 : 0;
	c->smtputf8 = (bits & 4) != 0;
	c->chunking = c->binarymime = c->pipelining = (bits & 8) != 0;
	if (bits & 8)
		memcpy(c->auth, "PLAIN LOGIN", sizeof "PLAIN LOGIN");
}

/* Printable ASCII, TAB and valid UTF-8 only; no C1, no bidi control. */
static void
fuzz_safe(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 i, n;

	for (i = 0; u[i] != '\0'; i += n) {
		n = 1;
		if (u[i] < 0x80) {
			if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
				abort();
			continue;
		}
		if ((n = sanitize_utf8(u + i, strlen(s) - i, &cp)) == 0)
			abort();
		if (cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			abort();
	}
}

/*
 * What a front end shows of the line: RFC 4954 4, an AUTH initial
 * response is a secret: the shown form is "AUTH MECH ********" at most,
 * unless --show-secrets.  A SASL response is the mask.
 */
static void
fuzz_mask(const char *line, const char *shown, int show_secrets)
{
	size_t	lead, verb, mech;

	if (show_secrets) {
		if (strcmp(shown, line) != 0)
			abort();
		return;
	}
	/* the verb after any white space, the mechanism after any */
	lead = strspn(line, " \t");
	verb = strcspn(line + lead, " \t");
	if (verb != 4 || strncasecmp(line + lead, "AUTH", 4) != 0 ||
	    line[lead + verb] == '\0')
		return;
	mech = lead + verb + strspn(line + lead + verb, " \t");
	mech += strcspn(line + mech, " \t");
	if (line[mech + strspn(line + mech, " \t")] == '\0')
		return;		/* no initial response: nothing to hide */
	if (strlen(shown) != mech + 1 + sizeof SCRIPT_MASK - 1 ||
	    strcmp(shown + mech + 1, SCRIPT_MASK) != 0)
		abort();
}

/* One diagnostic as the console shows it, at width (0: none given). */
static void
fuzz_show(const char *line, const struct diag *d, size_t width)
{
	char	 caret[4096], *shown, *full;
	size_t	 cols, i, at, w = width;

	if (w == 0)
		w = SIZE_MAX;
	else if (w < SANITIZE_SHORTEN_MIN)
		w = SANITIZE_SHORTEN_MIN;
	if ((shown = diag_show(line, strlen(line), d, 0, w, caret,
	    sizeof caret)) == NULL)
		return;		/* out of memory */
	fuzz_safe(shown);
	cols = sanitize_cols(shown, strlen(shown));
	if (w != SIZE_MAX && cols > w)
		abort();
	/* whole when it fits, else "..." where it is cut */
	if ((full = sanitize(line, strlen(line), 0)) != NULL) {
		if (sanitize_cols(full, strlen(full)) <= w) {
			if (strcmp(full, shown) != 0)
				abort();
		} else if (strncmp(shown, SANITIZE_ELLIPSIS, 3) != 0 &&
		    (strlen(shown) < 3 || strcmp(shown + strlen(shown) - 3,
		    SANITIZE_ELLIPSIS) != 0))
			abort();
		free(full);
	}
	/* the caret: spaces, '^', '~'s, under the shown line */
	at = strspn(caret, " ");
	if (caret[at] != '^')
		abort();
	for (i = at + 1; caret[i] != '\0'; i++)
		if (caret[i] != '~')
			abort();
	if (strlen(caret) < sizeof caret - 1 && at > cols)
		abort();
	free(shown);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct caps			 caps;
	struct diag_list		 dl;
	char				*line, masked[4096];
	const char			*shown;
	size_t				 len, i;
	unsigned			 bits;
	int				 show_secrets;

	if (size < 1)
		return 0;
	bits = data[0];
	data++;
	size--;
	/* the console takes the line up to its end, as console_input() */
	for (len = 0; len < size && data[len] != '\0' && data[len] != '\r' &&
	    data[len] != '\n'; len++)
		;
	if ((line = malloc(len + 1)) == NULL)
		return 0;
	memcpy(line, data, len);
	line[len] = '\0';
	fuzz_caps(&caps, bits & 0x0f);

	/* the check */
	memset(&dl, 0, sizeof dl);
	(void)verbs_check(line, caps.ehlo ? &caps : NULL,
	    (bits & 0x0a) == 0x0a ? VERBS_LMTP : 0, &dl);

	/* the mask, as the front ends show a command and a SASL response */
	show_secrets = (bits & 0x10) != 0;
	shown = client_shown_line(show_secrets, line, CLIENT_LINE_COMMAND,
	    masked, sizeof masked);
	fuzz_mask(line, shown, show_secrets);
	if (!show_secrets && strcmp(client_shown_line(show_secrets, line,
	    CLIENT_LINE_SECRET, masked, sizeof masked), SCRIPT_MASK) != 0)
		abort();

	/* the display of each diagnostic, under the line as shown */
	for (i = 0; i < dl.n; i++)
		fuzz_show(shown, &dl.d[i], fuzz_widths[(bits >> 5) & 7]);
	free(line);
	return 0;
}
