/*
 * cmd_lint.c -- `smtpscope lint 'LINE' [--caps 'KEYWORD ...']`: check one
 * command offline and print its diagnostics under the line.
 *
 * Exit status: 0 when there is no error (warnings and hints may be
 * printed), 1 with errors, 2 for a usage error.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "sanitize.h"
#include "session.h"
#include "verbs.h"

static void	 lint_usage(FILE *);
static void	 lint_caps(struct session_caps *, char *);
static void	 lint_free_caps(struct session_caps *);

static void
lint_usage(FILE *f)
{
	fputs(
"usage: smtpscope lint 'COMMAND LINE' [--caps 'EHLO-KEYWORD ...']\n"
"\n"
"Check one SMTP command against the RFC 5321 grammar and the parameters\n"
"of the service extensions, without connecting anywhere.  Each problem is\n"
"shown under the line with a caret, its severity and the RFC section.\n"
"\n"
"  --caps 'KW ...'   the EHLO keywords the server advertised, e.g.\n"
"                    --caps 'SIZE 10240000 8BITMIME DSN AUTH=PLAIN LOGIN';\n"
"                    parameters of extensions not listed are warned about.\n"
"                    Words after AUTH (or AUTH=) are its mechanisms; a number\n"
"                    after SIZE is its limit.\n"
"  -h, --help        this help\n"
"\n"
"Exit status: 0 no error, 1 errors found, 2 usage error.\n", f);
}

/*
 * Turn "SIZE 1000 8BITMIME AUTH PLAIN LOGIN" into capabilities as an EHLO
 * reply would have given them.
 */
static void
lint_caps(struct session_caps *c, char *spec)
{
	struct {
		const char	*kw;
		int		*field;
	} flags[] = {
		{ "PIPELINING",		&c->pipelining },
		{ "SIZE",		&c->size },
		{ "8BITMIME",		&c->eightbitmime },
		{ "SMTPUTF8",		&c->smtputf8 },
		{ "STARTTLS",		&c->starttls },
		{ "ENHANCEDSTATUSCODES", &c->enhancedstatuscodes },
		{ "DSN",		&c->dsn },
		{ "CHUNKING",		&c->chunking },
		{ "BINARYMIME",		&c->binarymime },
		{ "REQUIRETLS",		&c->requiretls },
	};
	const size_t nflags = sizeof flags / sizeof flags[0];
	char	*w, *next, *end;
	size_t	 i, n;
	int	 in_auth = 0, after_size = 0;
	unsigned long v;

	memset(c, 0, sizeof *c);
	c->ehlo = 1;
	for (w = spec; w != NULL; w = next) {
		while (*w == ' ' || *w == ',')
			w++;
		if (*w == '\0')
			break;
		next = strpbrk(w, " ,");
		if (next != NULL)
			*next++ = '\0';
		if (after_size) {
			/* "SIZE 10240000": RFC 1870 4, the limit in octets. */
			after_size = 0;
			v = strtoul(w, &end, 10);
			if (end != w && *end == '\0') {
				c->size_max = v;
				continue;
			}
		}
		if (strncasecmp(w, "AUTH=", 5) == 0 || strcasecmp(w, "AUTH") == 0) {
			/* The words after AUTH are its mechanisms (RFC 4954 3). */
			in_auth = 1;
			w += 4 + (w[4] == '=');
			if (*w == '\0')
				continue;
		} else {
			for (i = 0; i < nflags; i++)
				if (strcasecmp(w, flags[i].kw) == 0)
					break;
			if (i < nflags) {
				in_auth = 0;
				*flags[i].field = 1;
				after_size = flags[i].field == &c->size;
			}
		}
		if (in_auth) {
			n = strlen(c->auth);
			if (n + strlen(w) + 2 < sizeof c->auth)
				snprintf(c->auth + n, sizeof c->auth - n, "%s%s",
				    n ? " " : "", w);
			continue;
		}
		if (c->nkeywords < sizeof c->keywords / sizeof c->keywords[0])
			c->keywords[c->nkeywords++] = strdup(w);
	}
	if (c->auth[0] != '\0' &&
	    c->nkeywords < sizeof c->keywords / sizeof c->keywords[0])
		c->keywords[c->nkeywords++] = strdup("AUTH");
}

static void
lint_free_caps(struct session_caps *c)
{
	size_t	 i;

	for (i = 0; i < c->nkeywords; i++)
		free(c->keywords[i]);
	c->nkeywords = 0;
}

int
cmd_lint(int argc, char **argv)
{
	struct session_caps caps;
	struct diag_list dl;
	const char *line = NULL;
	char	*capspec = NULL, *shown, caret[1024];
	size_t	 i;
	int	 worst, a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
			lint_usage(stdout);
			return 0;
		}
		if (strcmp(argv[a], "--caps") == 0) {
			if (a + 1 >= argc) {
				fprintf(stderr, "smtpscope: lint: --caps needs a "
				    "list of EHLO keywords\n");
				return 2;
			}
			capspec = argv[++a];
		} else if (strncmp(argv[a], "--caps=", 7) == 0)
			capspec = argv[a] + 7;
		else if (strcmp(argv[a], "--") == 0 && a + 1 < argc &&
		    line == NULL)
			line = argv[++a];
		else if (line == NULL && (argv[a][0] != '-' ||
		    argv[a][1] == '\0'))
			line = argv[a];
		else {
			fprintf(stderr, "smtpscope: lint: unexpected argument "
			    "\"%s\"\n", argv[a]);
			lint_usage(stderr);
			return 2;
		}
	}
	if (line == NULL) {
		lint_usage(stderr);
		return 2;
	}
	if (capspec != NULL) {
		capspec = strdup(capspec);
		if (capspec == NULL) {
			fprintf(stderr, "smtpscope: lint: out of memory\n");
			return 2;
		}
		lint_caps(&caps, capspec);
		free(capspec);
	}
	worst = verbs_check(line, capspec != NULL ? &caps : NULL, &dl);

	/* The caret counts wide characters as two columns (wcwidth()). */
	setlocale(LC_CTYPE, "");

	shown = sanitize(line, strlen(line), 0);
	printf("%s\n", shown != NULL ? shown : line);
	free(shown);
	for (i = 0; i < dl.n; i++) {
		diag_caret_for(line, &dl.d[i], 0, caret, sizeof caret);
		printf("%s\n", caret);
		if (dl.d[i].rfc != NULL)
			printf("%s: %s (%s)\n", diag_severity_name(
			    dl.d[i].severity), dl.d[i].msg, dl.d[i].rfc);
		else
			printf("%s: %s\n", diag_severity_name(dl.d[i].severity),
			    dl.d[i].msg);
	}
	if (dl.n == 0)
		printf("ok\n");
	if (capspec != NULL)
		lint_free_caps(&caps);
	return worst >= DIAG_ERROR ? 1 : 0;
}
