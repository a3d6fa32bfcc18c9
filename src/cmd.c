/*
 * cmd.c -- what the subcommands' entry points share: the words of an
 * error line that quotes what the user typed, the numeric options, the
 * practice server's scenario options, the TLS and connection options of
 * the console and replay, and the line writer of --json.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "net.h"
#include "practice.h"
#include "practice_net.h"
#include "proxy.h"
#include "sanitize.h"
#include "verbs.h"

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
cmd_ehlo_check(const char *arg)
{
	char	quoted[128];

	/* RFC 5321 4.1.1.1: ehlo = "EHLO" SP ( Domain / address-literal ) */
	if (verbs_domain_ok(arg, strlen(arg), 1))
		return 0;
	cmd_error(NULL, "--ehlo wants a domain name or an address literal "
	    "such as [192.0.2.1] (RFC 5321 4.1.1.1), not \"%s\"",
	    cmd_quote(arg, quoted, sizeof quoted));
	return -1;
}

/*
 * Every numeric option of every subcommand, with its real range: one row
 * each, so that the error names the range the parser applies.  A row
 * whose cmd is NULL serves every subcommand without a row of its own.
 */
static const struct cmd_range {
	const char	*cmd;		/* "replay"; NULL: any */
	const char	*opt;		/* "--timeout" */
	const char	*unit;		/* what it counts */
	long		 min, max;
} cmd_ranges[] = {
	{ NULL,	    "--timeout",     "seconds",	      1, 86400 },
	{ NULL,	    "--port",	     "a port number", 1, 65535 },
	{ NULL,	    "--scrollback",  "a number of entries", 100, 100000000 },
	{ NULL,	    "--greylist-delay", "seconds",     1, 86400 },
	{ NULL,	    "--reply-delay", "milliseconds",  1, 60000 },
	{ "replay", "--repeat",	     "a count",	      1, 100000000 },
	{ "replay", "--connections", "a count",	      1, 100000000 },
	/* 0: any free port, said on standard output */
	{ "serve",  "--port",	     "a port number", 0, 65535 },
	{ "serve",  "--tls-port",    "a port number", 0, 65535 },
	{ "serve",  "--max-clients", "a count",	      1, 10000 },
	{ "serve",  "--size",	     "octets",	      1, LONG_MAX },
};

int
cmd_number(const char *cmd, const char *opt, const char *arg, long *out)
{
	const struct cmd_range	*r = NULL;
	char			*end, quoted[128];
	long			 v;
	size_t			 i;

	for (i = 0; i < sizeof cmd_ranges / sizeof cmd_ranges[0]; i++) {
		if (strcmp(cmd_ranges[i].opt, opt) != 0)
			continue;
		if (cmd_ranges[i].cmd == NULL && r == NULL)
			r = &cmd_ranges[i];
		else if (cmd_ranges[i].cmd != NULL && cmd != NULL &&
		    strcmp(cmd_ranges[i].cmd, cmd) == 0)
			r = &cmd_ranges[i];
	}
	if (r == NULL)
		abort();	/* an option without its row: a bug */
	errno = 0;
	if (*arg >= '0' && *arg <= '9') {
		v = strtol(arg, &end, 10);
		if (*end == '\0' && errno == 0 && v >= r->min && v <= r->max) {
			*out = v;
			return 0;
		}
	}
	cmd_error(cmd, "%s takes %s from %ld to %ld, not \"%s\"", opt,
	    r->unit, r->min, r->max, cmd_quote(arg, quoted, sizeof quoted));
	return -1;
}

void
cmd_list_scenarios(FILE *f)
{
	const char	*name, *teaches;
	size_t		 i;

	for (i = 0; (name = practice_scenario_list(i, &teaches)) != NULL; i++)
		fprintf(f, "%-14s %s\n", name, teaches);
}

int
cmd_scenario_option(const char *cmd, int opt, const char *arg,
    struct practice_opts *o)
{
	long	v;

	switch (opt) {
	case CMD_OPT_SCENARIO:
		o->scenario = arg;
		return 0;
	case CMD_OPT_GREYLIST_DELAY:
		if (cmd_number(cmd, "--greylist-delay", arg, &v) == -1)
			return -1;
		o->greylist_s = (unsigned)v;
		return 0;
	case CMD_OPT_REPLY_DELAY:
		if (cmd_number(cmd, "--reply-delay", arg, &v) == -1)
			return -1;
		o->delay_ms = (unsigned)v;
		return 0;
	}
	return -1;
}

int
cmd_practice_start(const char *cmd, struct practice_net_opts *po,
    struct client_opts *o, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	char	err[256];
	int	pid, bound;

	if ((po->tls = practice_net_tls_new(NULL, NULL, po->server.hostname,
	    err, sizeof err)) == NULL ||
	    (pid = practice_net_spawn(po, &bound, err, sizeof err)) == -1) {
		cmd_error(cmd, "cannot start the practice server: %s", err);
		practice_net_tls_free(po->tls);
		po->tls = NULL;
		return -1;
	}
	snprintf(host, hostlen, "127.0.0.1");
	snprintf(port, portlen, "%d", bound);
	o->host = host;
	o->port = port;
	o->unix_path = NULL;
	if (o->tlsopt.cafile == NULL && o->tlsopt.capath == NULL)
		o->tlsopt.ca_pem = practice_net_tls_pem(po->tls);
	/* recordings and :save say so: replay starts a server of its own */
	o->practice = practice_scenario_name(po->server.scenario);
	return pid;
}

void
cmd_practice_stop(int pid, struct practice_net_opts *po)
{
	if (pid > 0)
		practice_net_stop(pid);
	practice_net_tls_free(po->tls);
	po->tls = NULL;
}

void
cmd_implicit_tls(struct client_opts *o)
{
	if (o->port != NULL && strcmp(o->port, "465") == 0 && !o->starttls &&
	    !o->lmtp)
		o->tls = 1;
}

int
cmd_tls_option(int ch, const char *arg, struct client_opts *o)
{
	struct tls_opts	*t = &o->tlsopt;
	char		 quoted[128];
	int		*v;

	switch (ch) {
	case CMD_OPT_CAFILE:
		t->cafile = arg;
		return EXIT_OK;
	case CMD_OPT_CAPATH:
		t->capath = arg;
		return EXIT_OK;
	case CMD_OPT_INSECURE:
		t->insecure = 1;
		return EXIT_OK;
	case CMD_OPT_TLS_NAME:
		if (*arg == '\0') {
			cmd_error(NULL, "--tls-name wants a name");
			return EXIT_USAGE;
		}
		t->servername = arg;
		return EXIT_OK;
	case CMD_OPT_CERT:
		t->certfile = arg;
		return EXIT_OK;
	case CMD_OPT_KEY:
		t->keyfile = arg;
		return EXIT_OK;
	case CMD_OPT_TLS_MIN:
	case CMD_OPT_TLS_MAX:
		v = ch == CMD_OPT_TLS_MIN ? &t->min_version : &t->max_version;
		if (tls_parse_version(arg, v) == -1) {
			cmd_error(NULL, "--%s wants a TLS version: 1.0, 1.1, "
			    "1.2 or 1.3, not \"%s\"", ch == CMD_OPT_TLS_MIN ?
			    "tls-min" : "tls-max", cmd_quote(arg, quoted,
			    sizeof quoted));
			return EXIT_USAGE;
		}
		return EXIT_OK;
	case CMD_OPT_CIPHERS:
		t->ciphers = arg;
		return EXIT_OK;
	case CMD_OPT_CIPHERSUITES:
		t->ciphersuites = arg;
		return EXIT_OK;
	default:
		return -1;
	}
}

int
cmd_tls_check(const struct client_opts *o)
{
	char	err[1024];

	if (tls_opts_check(&o->tlsopt, err, sizeof err) == 0)
		return EXIT_OK;
	cmd_error(NULL, "%s", err);
	return EXIT_USAGE;
}

int
cmd_net_option(int ch, char *arg, struct client_opts *o)
{
	char	err[256], *at, *colon;
	int	rc;

	switch (ch) {
	case CMD_OPT_LMTP:
		o->lmtp = 1;
		return EXIT_OK;
	case CMD_OPT_SOCKS5:
		rc = proxy_parse_socks(arg, &o->proxy, err, sizeof err);
		/* the password leaves the process's arguments (ps) */
		if ((at = strrchr(arg, '@')) != NULL &&
		    (colon = memchr(arg, ':', (size_t)(at - arg))) != NULL)
			OPENSSL_cleanse(colon + 1, (size_t)(at - colon - 1));
		if (rc == -1)
			break;
		return EXIT_OK;
	case CMD_OPT_PROXY_PROTOCOL:
		if (proxy_parse_version(arg, &o->proxy, err, sizeof err) == -1)
			break;
		return EXIT_OK;
	case CMD_OPT_PROXY_SOURCE:
		if (proxy_parse_source(arg, &o->proxy, err, sizeof err) == -1)
			break;
		return EXIT_OK;
	default:
		return -1;
	}
	cmd_error(NULL, "%s", err);
	return EXIT_USAGE;
}

int
cmd_net_check(const struct client_opts *o)
{
	const struct proxy_opts	*p = &o->proxy;

	if (p->pp_addr[0] != '\0' && p->pp_version == 0)
		cmd_error(NULL, "--proxy-source goes with --proxy-protocol");
	else if (p->socks_host[0] != '\0' && p->pp_version != 0)
		/* the server would see the SOCKS proxy, not a balancer */
		cmd_error(NULL, "--socks5 and --proxy-protocol exclude each "
		    "other: a PROXY header speaks for a load balancer in front "
		    "of the server, and through SOCKS5 the server sees the "
		    "proxy");
	else if ((p->socks_host[0] != '\0' || p->pp_version != 0) &&
	    o->unix_path != NULL)
		cmd_error(NULL, "--socks5 and --proxy-protocol need a TCP "
		    "server, not unix:PATH");
	else
		return EXIT_OK;
	return EXIT_USAGE;
}

int
cmd_target(const char *cmd, const char *arg, const char *default_port,
    struct net_target *t, struct client_opts *o)
{
	char	err[256];

	if (net_parse_target(arg, default_port, t, err, sizeof err) != 0) {
		cmd_error(cmd, "%s", err);
		return EXIT_USAGE;
	}
	if (t->path[0] != '\0') {
		o->unix_path = t->path;
		o->host = NULL;
		o->port = NULL;
	} else {
		o->unix_path = NULL;
		o->host = t->host;
		o->port = t->port;
	}
	if (t->lmtp)
		o->lmtp = 1;
	cmd_implicit_tls(o);
	return EXIT_OK;
}

void
cmd_json_emit(void *arg, const char *line)
{
	(void)arg;
	fputs(line, stdout);
	putchar('\n');
	fflush(stdout);
}
