/*
 * cmd_lint.c -- `smtpscope lint 'LINE' [--caps 'KEYWORD ...']`: check one
 * command offline and print its diagnostics under the line.
 *
 * Exit status: 0 when there is no error (warnings and hints may be
 * printed), 1 with errors, 2 for a usage error.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "exitcode.h"
#include "sanitize.h"
#include "transcript.h"
#include "verbs.h"

/* The width a line is shown in when standard output is no terminal, and
 * at most on one. */
#define LINT_WIDTH		80
#define LINT_WIDTH_MAX		1000

static void	 lint_usage(FILE *);
static size_t	 lint_width(void);

static void
lint_usage(FILE *f)
{
	fputs(
"usage: smtpscope lint 'COMMAND LINE' [--caps 'EHLO-KEYWORD ...']\n"
"\n"
"Check one SMTP command against the RFC 5321 grammar and the parameters\n"
"of the service extensions, without connecting anywhere.  Each problem is\n"
"shown under the line with a caret, its severity and the RFC section, and\n"
"the reply a server gives for it (\"a server answers 501 5.5.4\").\n"
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

/* The columns a line is shown in: the terminal's, LINT_WIDTH in a pipe. */
static size_t
lint_width(void)
{
	struct winsize	ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col < LINT_WIDTH_MAX ? ws.ws_col : LINT_WIDTH_MAX;
	return LINT_WIDTH;
}

int
cmd_lint(int argc, char **argv)
{
	struct caps caps;
	struct verbs_cmd cmd;
	const struct diag *d;
	const char *line = NULL;
	const char *capspec = NULL;
	char	*shown, *full, caret[LINT_WIDTH_MAX + 8], quoted[256], *masked;
	size_t	 i, len, width, col, cols;
	int	 worst, a, fits;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
			lint_usage(stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[a], "--caps") == 0) {
			if (a + 1 >= argc) {
				cmd_error("lint", "--caps needs a list of EHLO "
				    "keywords");
				return EXIT_USAGE;
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
			cmd_error("lint", "unexpected argument \"%s\"",
			    cmd_quote(argv[a], quoted, sizeof quoted));
			lint_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (line == NULL) {
		lint_usage(stderr);
		return EXIT_USAGE;
	}
	memset(&caps, 0, sizeof caps);
	if (capspec != NULL && caps_from_spec(&caps, capspec) == -1) {
		cmd_error("lint", "out of memory");
		caps_clear(&caps);
		return EXIT_USAGE;
	}
	len = strlen(line);
	worst = verbs_parse(line, len, capspec != NULL ? &caps : NULL, 0, &cmd);

	/* RFC 4954 4: an AUTH line's initial response is a secret: it is
	 * shown masked, and a problem inside it is pointed at the mask. */
	if ((masked = malloc(len + sizeof "AUTH  ********")) == NULL) {
		cmd_error("lint", "out of memory");
		caps_clear(&caps);
		return EXIT_USAGE;
	}
	transcript_mask_auth(line, masked, len + sizeof "AUTH  ********");
	if (strcmp(masked, line) != 0) {
		line = masked;
		len = strlen(masked);
		for (i = 0; i < cmd.diags.n; i++)
			if (cmd.diags.d[i].column >= len) {
				cmd.diags.d[i].column = len - 1;
				cmd.diags.d[i].length = 1;
			}
	}

	/* The caret counts wide characters as two columns (wcwidth()). */
	setlocale(LC_CTYPE, "");

	/* Everything echoed is sanitised; a line wider than the screen is
	 * shown shortened around each problem, once per problem. */
	width = lint_width();
	full = sanitize(line, len, 0);
	fits = full != NULL && sanitize_cols(full, strlen(full)) <= width;
	free(full);
	if (fits || cmd.diags.n == 0) {
		shown = sanitize_shorten(line, len, 0, 1, width, 0, &col, &cols);
		printf("%s\n", shown != NULL ? shown : "");
		free(shown);
	}
	for (i = 0; i < cmd.diags.n; i++) {
		d = &cmd.diags.d[i];
		shown = diag_show(line, len, d, 0, width, caret, sizeof caret);
		if (!fits)
			printf("%s\n", shown != NULL ? shown : "");
		free(shown);
		printf("%s\n", caret);
		printf("%s: %s (%s)\n", diag_severity_name(d->severity),
		    d->msg, d->rfc);
		/* The reply the grammar predicts (verbs.h): certain for an
		 * error, from servers that apply the rule for a warning. */
		if (d->reply != 0)
			printf("  a server %s %d %s\n", d->severity >=
			    DIAG_ERROR ? "answers" : "may answer", d->reply,
			    d->esc);
	}
	if (cmd.diags.n == 0)
		printf("ok\n");
	free(masked);
	caps_clear(&caps);
	return worst >= DIAG_ERROR ? EXIT_FAILED : EXIT_OK;
}
