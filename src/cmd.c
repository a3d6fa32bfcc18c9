/*
 * cmd.c -- what the subcommands' entry points share: the words of an
 * error line that quotes what the user typed, and the numeric options.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "sanitize.h"

const char *
cmd_quote(const char *arg, char *buf, size_t size)
{
	char	*shown;
	size_t	 col, cols;

	if (size == 0)
		return "";
	shown = sanitize_shorten(arg, strlen(arg), 0, 1, CMD_QUOTE_WIDTH, 0,
	    &col, &cols);
	snprintf(buf, size, "%s", shown != NULL ? shown : "");
	free(shown);
	return buf;
}

void
cmd_error(const char *cmd, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024], *safe;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* text of our own quoting the user's: escapes stay single */
	safe = sanitize(buf, strlen(buf), SANITIZE_KEEP_BACKSLASH);
	fprintf(stderr, "smtpscope: %s%s%s\n", cmd != NULL ? cmd : "",
	    cmd != NULL ? ": " : "", safe != NULL ? safe : "");
	free(safe);
}

int
cmd_number(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
