/*
 * cmd_connect.c -- `smtpscope [options] HOST[:PORT]` and `smtpscope
 * practice`: parse the common options, pick a front end, run it.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "cmd.h"
#include "compose.h"
#include "exitcode.h"
#include "message.h"
#include "net.h"
#include "practice.h"
#include "practice_net.h"
#include "probe.h"
#include "ui.h"
#include "verbs.h"

/* RFC 5321 4.5.3.1.8: a server takes at least 100 recipients */
#define CONNECT_MAX_TO		100
#define CONNECT_MAX_HEADERS	100

struct connect_args {
	struct client_opts	 c;
	struct ui_opts		 u;
	int			 plain;
	int			 json;		/* --json */
	char			 host[256];
	char			 port[32];
	struct net_target	 target;	/* the server argument */
	const char		*mx;		/* --mx DOMAIN */
	const char		*resolver;	/* --resolver, for --mx */
	const char		*anchor;	/* --dns-trust-anchor */
	const char		*mxport;	/* --port, for --mx */
	char			 mxname[256];	/* the MX host picked */
	char			 secret[1024];	/* for --auth; wiped at the end */
	struct practice_opts	 po;		/* practice: --scenario ... */
	int			 learn;		/* --learn 1, --no-learn 0, else -1 */
	int			 practice_opt;	/* one of them was given */
	/* a one-shot probe or test message instead of the console */
	const struct probe_point *quit_after;	/* --quit-after */
	const char		*from;		/* --from */
	const char		*to[CONNECT_MAX_TO];	/* --to */
	size_t			 nto;
	const char		*headers[CONNECT_MAX_HEADERS];	/* --header */
	size_t			 nheaders;
	const char		*body_arg;	/* --body FILE|TEXT */
	struct compose_opts	 msg;
	struct probe_plan	 plan;
	int			 probe;		/* run plan, not the console */
};

enum {
	OPT_TIMEOUT = 256, OPT_TLS, OPT_STARTTLS, OPT_SHOW_CERTS,
	OPT_PLAIN, OPT_NO_CHECK, OPT_RECORD, OPT_SHOW_SECRETS, OPT_COLOR,
	OPT_SCROLLBACK, OPT_LATENCY, OPT_PIPELINE, OPT_MX, OPT_RESOLVER,
	OPT_ANCHOR, OPT_PORT, OPT_AUTH, OPT_AUTH_USER, OPT_AUTH_PASSWORD_FILE,
	OPT_JSON,
	OPT_LEARN, OPT_NO_LEARN,
	OPT_QUIT_AFTER, OPT_FROM, OPT_TO, OPT_HEADER, OPT_BODY, OPT_EHLO,
};

static const struct option long_options[] = {
	{ "timeout",		required_argument,	NULL, OPT_TIMEOUT },
	{ "tls",		no_argument,		NULL, OPT_TLS },
	{ "starttls",		no_argument,		NULL, OPT_STARTTLS },
	CMD_TLS_LONG_OPTIONS,
	CMD_NET_LONG_OPTIONS,
	{ "show-certs",		no_argument,		NULL, OPT_SHOW_CERTS },
	{ "plain",		no_argument,		NULL, OPT_PLAIN },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "no-check",		no_argument,		NULL, OPT_NO_CHECK },
	{ "record",		required_argument,	NULL, OPT_RECORD },
	{ "show-secrets",	no_argument,		NULL, OPT_SHOW_SECRETS },
	{ "latency",		no_argument,		NULL, OPT_LATENCY },
	{ "pipeline",		no_argument,		NULL, OPT_PIPELINE },
	{ "color",		optional_argument,	NULL, OPT_COLOR },
	{ "colour",		optional_argument,	NULL, OPT_COLOR },
	{ "scrollback",		required_argument,	NULL, OPT_SCROLLBACK },
	{ "mx",			required_argument,	NULL, OPT_MX },
	{ "resolver",		required_argument,	NULL, OPT_RESOLVER },
	{ "dns-trust-anchor",	required_argument,	NULL, OPT_ANCHOR },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "auth",		required_argument,	NULL, OPT_AUTH },
	{ "auth-user",		required_argument,	NULL, OPT_AUTH_USER },
	{ "auth-password-file",	required_argument,	NULL,
	    OPT_AUTH_PASSWORD_FILE },
	CMD_SCENARIO_LONG_OPTIONS,
	{ "list-scenarios",	no_argument,		NULL, 'l' },
	{ "learn",		no_argument,		NULL, OPT_LEARN },
	{ "no-learn",		no_argument,		NULL, OPT_NO_LEARN },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "quit-after",		required_argument,	NULL, OPT_QUIT_AFTER },
	{ "from",		required_argument,	NULL, OPT_FROM },
	{ "to",			required_argument,	NULL, OPT_TO },
	{ "header",		required_argument,	NULL, OPT_HEADER },
	{ "body",		required_argument,	NULL, OPT_BODY },
	{ "ehlo",		required_argument,	NULL, OPT_EHLO },
	{ NULL,			0,			NULL, 0 },
};

/* Returns -1 to go on, or an exit status (enum exitcode). */
static int	auth_option(struct connect_args *);
static int	probe_option(struct connect_args *, int, char *);
static int	probe_options(struct connect_args *);
static int	probe_body(struct connect_args *);
static int	read_secret(const char *, char *, size_t);

static int
parse_options(int argc, char **argv, struct connect_args *a)
{
	const char	*nc = getenv("NO_COLOR");
	long		 v;
	int		 ch, rc, color = nc == NULL || *nc == '\0';

	memset(a, 0, sizeof *a);
	a->c.family = AF_UNSPEC;
	a->c.timeout_s = 30;
	a->c.session_log = 1;
	a->u.check = 1;
	a->u.scrollback = 100000;
	a->learn = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "46hvV", long_options, NULL)) != -1) {
		switch (ch) {
		case '4':
			a->c.family = AF_INET;
			break;
		case '6':
			a->c.family = AF_INET6;
			break;
		case OPT_TIMEOUT:
			if (cmd_number(NULL, "--timeout", optarg, &v) == -1)
				return EXIT_USAGE;
			a->c.timeout_s = (int)v;
			break;
		case OPT_TLS:
			a->c.tls = 1;
			break;
		case OPT_STARTTLS:
			a->c.starttls = 1;
			break;
		case OPT_SHOW_CERTS:
			a->c.show_certs = 1;
			break;
		case OPT_PLAIN:
			a->plain = 1;
			break;
		case OPT_JSON:
			/* line mode, events as JSON Lines, never a prompt */
			a->json = 1;
			a->plain = 1;
			break;
		case OPT_NO_CHECK:
			a->u.check = 0;
			break;
		case OPT_RECORD:
			a->c.record = optarg;
			break;
		case OPT_SHOW_SECRETS:
			a->c.show_secrets = 1;
			break;
		case OPT_LATENCY:
			a->c.latency_comments = 1;
			break;
		case OPT_PIPELINE:
			a->u.pipeline = 1;
			break;
		case OPT_COLOR:
			if (optarg == NULL || strcmp(optarg, "always") == 0)
				color = 2;
			else if (strcmp(optarg, "never") == 0)
				color = 0;
			else if (strcmp(optarg, "auto") != 0) {
				cmd_error(NULL, "--color wants auto, always or "
				    "never");
				return EXIT_USAGE;
			}
			break;
		case OPT_SCROLLBACK:
			if (cmd_number(NULL, "--scrollback", optarg, &v) == -1)
				return EXIT_USAGE;
			a->u.scrollback = v;
			break;
		case OPT_MX:
			a->mx = optarg;
			break;
		case OPT_RESOLVER:
			a->resolver = optarg;
			break;
		case OPT_ANCHOR:
			a->anchor = optarg;
			break;
		case OPT_PORT:
			if (cmd_number(NULL, "--port", optarg, &v) == -1)
				return EXIT_USAGE;
			a->mxport = optarg;
			break;
		case OPT_AUTH:
			a->c.auth.mech = optarg;
			break;
		case OPT_AUTH_USER:
			a->c.auth.user = optarg;
			break;
		case OPT_AUTH_PASSWORD_FILE:
			a->c.auth_password_file = optarg;
			break;
		case CMD_OPT_SCENARIO:
		case CMD_OPT_GREYLIST_DELAY:
		case CMD_OPT_REPLY_DELAY:
			if (cmd_scenario_option(NULL, ch, optarg, &a->po) == -1)
				return EXIT_USAGE;
			a->practice_opt = 1;
			break;
		case OPT_QUIT_AFTER:
		case OPT_FROM:
		case OPT_TO:
		case OPT_HEADER:
		case OPT_BODY:
		case OPT_EHLO:
			if (probe_option(a, ch, optarg) == -1)
				return EXIT_USAGE;
			break;
		case 'l':
			cmd_list_scenarios(stdout);
			return EXIT_OK;
		case OPT_LEARN:
		case OPT_NO_LEARN:
			a->learn = ch == OPT_LEARN;
			break;
		case 'v':
			a->u.verbose = 1;
			/* the recording says where each reply left the
			 * session: "# state mail -> rcpt" */
			a->c.state_comments = 1;
			a->c.tls_details = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("%s\n", PACKAGE_STRING);
			return EXIT_OK;
		default:
			if ((rc = cmd_tls_option(ch, optarg, &a->c)) != -1 ||
			    (rc = cmd_net_option(ch, optarg, &a->c)) != -1) {
				if (rc != 0)
					return rc;
				break;
			}
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	a->u.color = color;
	a->u.learn = a->learn == 1;
	if (a->c.tls && a->c.starttls) {
		cmd_error(NULL, "--tls and --starttls exclude each other");
		return EXIT_USAGE;
	}
	if (cmd_tls_check(&a->c) != EXIT_OK ||
	    cmd_net_check(&a->c) != EXIT_OK)
		return EXIT_USAGE;
	if ((rc = auth_option(a)) != -1)
		return rc;
	return probe_options(a);
}

/*
 * An address given to --from or --to, as MAIL FROM:<...> or RCPT
 * TO:<...> would carry it: "<>" around it are taken off, and the line
 * is checked with the grammar of the console and lint.  Returns the
 * address (inside arg), or NULL after an error line.
 */
static const char *
probe_address(const char *opt, char *arg, const char *prefix)
{
	struct diag_list	 dl;
	char			 line[1100], quoted[128];
	size_t			 n = strlen(arg), i;

	if (n >= 2 && arg[0] == '<' && arg[n - 1] == '>') {
		arg[n - 1] = '\0';
		arg++;
	}
	snprintf(line, sizeof line, "%s<%s>", prefix, arg);
	memset(&dl, 0, sizeof dl);
	if (strlen(arg) > 1000 || verbs_check(line, NULL, 0, &dl) >= DIAG_ERROR) {
		for (i = 0; i < dl.n && dl.d[i].severity < DIAG_ERROR; i++)
			;
		cmd_error(NULL, "%s \"%s\": %s%s%s%s", opt, cmd_quote(arg, quoted,
		    sizeof quoted), i < dl.n ? dl.d[i].msg : "too long",
		    i < dl.n && dl.d[i].rfc != NULL ? " (" : "",
		    i < dl.n && dl.d[i].rfc != NULL ? dl.d[i].rfc : "",
		    i < dl.n && dl.d[i].rfc != NULL ? ")" : "");
		return NULL;
	}
	return arg;
}

/* One of the options of a one-shot probe or test message.  0, or -1
 * after an error line. */
static int
probe_option(struct connect_args *a, int ch, char *arg)
{
	char	err[512], quoted[128];

	if (ch != OPT_EHLO)
		a->probe = 1;
	switch (ch) {
	case OPT_QUIT_AFTER:
		if ((a->quit_after = probe_step_lookup(arg)) == NULL) {
			const struct probe_point *pt;
			char	names[128];
			size_t	i, n, len = 0;

			/* the names from the one table of points */
			pt = probe_points(&n);
			for (i = 0; i < n && len < sizeof names; i++)
				len += (size_t)snprintf(names + len,
				    sizeof names - len, "%s%s", i == 0 ? "" :
				    i + 1 == n ? " or " : ", ", pt[i].name);
			cmd_error(NULL, "--quit-after wants %s, not \"%s\"",
			    names, cmd_quote(arg, quoted, sizeof quoted));
			return -1;
		}
		return 0;
	case OPT_FROM:
		a->from = *arg == '\0' ? "" : probe_address("--from", arg,
		    "MAIL FROM:");
		return a->from != NULL ? 0 : -1;
	case OPT_TO:
		if (a->nto == CONNECT_MAX_TO) {
			cmd_error(NULL, "--to: %d recipients at most (RFC 5321 "
			    "4.5.3.1.8 asks servers to take 100)",
			    CONNECT_MAX_TO);
			return -1;
		}
		if ((a->to[a->nto] = probe_address("--to", arg,
		    "RCPT TO:")) == NULL)
			return -1;
		a->nto++;
		return 0;
	case OPT_HEADER:
		if (a->nheaders == CONNECT_MAX_HEADERS) {
			cmd_error(NULL, "--header: %d at most",
			    CONNECT_MAX_HEADERS);
			return -1;
		}
		if (compose_check_header(arg, err, sizeof err) == -1) {
			cmd_error(NULL, "--header \"%s\": %s", cmd_quote(arg, quoted,
			    sizeof quoted), err);
			return -1;
		}
		a->headers[a->nheaders++] = arg;
		return 0;
	case OPT_BODY:
		a->body_arg = arg;
		return 0;
	case OPT_EHLO:
		if (cmd_ehlo_check(arg) == -1)
			return -1;
		a->c.ehlo = arg;
		return 0;
	}
	return -1;
}

/*
 * --body FILE|TEXT: the file when one of that name exists, measured now
 * as :data would (a regular file, no NUL, no line too long) and streamed
 * after DATA; the text itself otherwise.  0, or -1 after an error line.
 */
static int
probe_body(struct connect_args *a)
{
	struct message_file	*mf;
	struct stat		 st;
	unsigned long long	 size;
	char			 err[1100], quoted[128];
	const char		*arg = a->body_arg;

	if (stat(arg, &st) == -1) {
		a->plan.body = arg;
		a->plan.bodylen = strlen(arg);
		return 0;
	}
	if ((mf = message_file_open(arg, MESSAGE_DATA, MESSAGE_FILE_MAX,
	    "the 64 MiB smtpscope sends", &size, err, sizeof err)) == NULL) {
		cmd_error(NULL, "--body \"%s\": %s", cmd_quote(arg, quoted,
		    sizeof quoted), err);
		return -1;
	}
	message_file_close(mf);
	a->plan.body_file = arg;
	return 0;
}

/*
 * Once every option is read: the plan of a one-shot probe (--quit-after)
 * or test message (--to), checked whole.  Returns -1 to go on, or an
 * exit status.
 */
static int
probe_options(struct connect_args *a)
{
	struct probe_plan	*p = &a->plan;
	enum probe_step		 at;

	if (!a->probe)
		return -1;
	at = a->quit_after != NULL ? a->quit_after->step : PROBE_DATA;
	if (at >= PROBE_MAIL && a->from == NULL) {
		cmd_error(NULL, "%s needs --from ADDRESS, the sender (--from '' "
		    "for the null sender <>)", a->quit_after != NULL ?
		    "--quit-after mail, rcpt and data" : "a test message");
		return EXIT_USAGE;
	}
	if (at >= PROBE_RCPT && a->nto == 0) {
		cmd_error(NULL, "%s needs --to ADDRESS, a recipient",
		    a->quit_after != NULL ? "--quit-after rcpt and data" :
		    "a test message");
		return EXIT_USAGE;
	}
	if ((a->from != NULL && at < PROBE_MAIL) || (a->nto > 0 &&
	    at < PROBE_RCPT)) {
		cmd_error(NULL, "--quit-after %s stops before %s: leave out "
		    "%s", a->quit_after->name, a->nto > 0 && at >= PROBE_MAIL ?
		    "RCPT TO" : "MAIL FROM", a->nto > 0 && at >= PROBE_MAIL ?
		    "--to" : "--from and --to");
		return EXIT_USAGE;
	}
	if ((a->nheaders > 0 || a->body_arg != NULL) && at != PROBE_DATA) {
		cmd_error(NULL, "--header and --body make the message: they go "
		    "with --to (and --quit-after data)");
		return EXIT_USAGE;
	}
	if (at == PROBE_TLS && !a->c.tls && !a->c.starttls) {
		cmd_error(NULL, "--quit-after tls needs --starttls or --tls");
		return EXIT_USAGE;
	}
	if (at == PROBE_AUTH && a->c.auth.mech == NULL) {
		cmd_error(NULL, "--quit-after auth needs --auth MECH");
		return EXIT_USAGE;
	}
	a->msg.from = a->from != NULL ? a->from : "";
	a->msg.to = a->to;
	a->msg.nto = a->nto;
	a->msg.headers = a->headers;
	a->msg.nheaders = a->nheaders;
	/* RFC 5322 3.6: From is required, and the null sender names no
	 * author */
	if (at == PROBE_DATA && *a->msg.from == '\0' &&
	    !compose_has_header(&a->msg, "From")) {
		cmd_error(NULL, "--from '' (the null sender) gives no From: "
		    "field: add --header 'From: ADDRESS' (RFC 5322 3.6)");
		return EXIT_USAGE;
	}
	memset(p, 0, sizeof *p);
	p->quit_after = at;
	p->starttls = a->c.starttls ? PROBE_TLS_REQUIRED : PROBE_TLS_NONE;
	p->helo_fallback = 1;
	p->auth = a->c.auth.mech != NULL ? &a->c.auth : NULL;
	p->from = a->msg.from;
	p->to = a->to;
	p->nto = a->nto;
	p->message = &a->msg;
	if (a->body_arg != NULL && probe_body(a) == -1)
		return EXIT_USAGE;
	return -1;
}

/*
 * Ask for a secret on the terminal without echo (termios).  Returns 0, or
 * -1 when there is no terminal or nothing was typed.
 */
static int
read_secret(const char *prompt, char *buf, size_t size)
{
	struct termios	 old, quiet;
	size_t		 n;
	int		 ok;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &old) == -1)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	fputs(prompt, stderr);
	fflush(stderr);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == -1)
		return -1;
	ok = fgets(buf, (int)size, stdin) != NULL;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (!ok)
		return -1;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return n > 0 ? 0 : -1;
}

/*
 * --auth MECH: check it and find the secret now, before the console owns
 * the terminal: --auth-password-file, SMTPSCOPE_PASSWORD (SMTPSCOPE_TOKEN
 * for the OAuth mechanisms), or a prompt without echo.  Returns -1 to go
 * on, or an exit status.
 */
static int
auth_option(struct connect_args *a)
{
	const struct auth_mech	*m;
	char			 err[512], prompt[320], quoted[128];

	if (a->c.auth.mech == NULL)
		return -1;	/* --auth-user and the file serve :auth */
	if ((m = auth_mech_lookup(a->c.auth.mech)) == NULL) {
		cmd_error(NULL, "--auth: \"%s\" is not a mechanism smtpscope "
		    "runs (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, "
		    "their -PLUS variants, XOAUTH2, OAUTHBEARER)",
		    cmd_quote(a->c.auth.mech, quoted, sizeof quoted));
		return EXIT_USAGE;
	}
	a->c.auth.mech = m->name;
	if (a->c.auth.user == NULL || *a->c.auth.user == '\0') {
		cmd_error(NULL, "--auth %s needs --auth-user USER", m->name);
		return EXIT_USAGE;
	}
	switch (auth_secret_lookup(m->need, a->c.auth_password_file,
	    a->secret, sizeof a->secret, err, sizeof err)) {
	case 1:
		break;
	case 0:
		/* the user as typed, made safe to show on the terminal */
		snprintf(prompt, sizeof prompt, "%s for %s (not shown): ",
		    m->need == AUTH_NEED_TOKEN ? "token" : "password",
		    cmd_quote(a->c.auth.user, quoted, sizeof quoted));
		/* --json is for scripts: it never asks */
		if (m->need == AUTH_NEED_PASSWORD && !a->json &&
		    read_secret(prompt, a->secret, sizeof a->secret) == 0)
			break;
		cmd_error(NULL, "--auth %s: no %s: %s", m->name,
		    m->need == AUTH_NEED_TOKEN ? "token" : "password",
		    m->need == AUTH_NEED_TOKEN ? "set SMTPSCOPE_TOKEN" :
		    "set SMTPSCOPE_PASSWORD or use --auth-password-file FILE "
		    "(or run on a terminal to be asked)");
		return EXIT_USAGE;
	default:
		cmd_error(NULL, "%s", err);
		return EXIT_USAGE;
	}
	a->c.auth.secret = a->secret;
	return -1;
}

static enum exitcode
run_ui(struct connect_args *a)
{
	struct winsize	ws;
	struct client_opts co;
	int		tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	enum exitcode	rc;

	signal(SIGPIPE, SIG_IGN);
	if (a->json && (a->u.json = jsonl_new("session", a->c.show_secrets,
	    cmd_json_emit, NULL)) == NULL) {
		cmd_error(NULL, "out of memory");
		rc = EXIT_FAILED;
	} else if (a->probe) {
		/* the plan does the STARTTLS and AUTH the engine would */
		co = a->c;
		co.starttls = 0;
		co.auth.mech = NULL;
		rc = ui_plain_probe(&co, &a->u, &a->plan);
	} else if (!a->plain && tty && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0 && ws.ws_col >= 80 && ws.ws_row >= 24)
		rc = ui_tui_run(&a->c, &a->u);
	else
		rc = ui_plain_run(&a->c, &a->u);
	jsonl_end(a->u.json, rc);
	a->u.json = NULL;
	OPENSSL_cleanse(a->secret, sizeof a->secret);
	proxy_opts_wipe(&a->c.proxy);
	return rc;
}

static enum exitcode run_practice(struct connect_args *);

/* --mx DOMAIN: the console on the first MX host that answers (RFC 5321
 * 5.1: in preference order), its certificate checked against its name. */
static int
run_mx(struct connect_args *a, int argc)
{
	int	rc;

	if (optind != argc) {
		cmd_error(NULL, "--mx takes no server");
		return EXIT_USAGE;
	}
	if (a->c.proxy.socks_host[0] != '\0') {
		/* the MX hosts are resolved and tried from here */
		cmd_error(NULL, "--mx and --socks5 exclude each other");
		return EXIT_USAGE;
	}
	snprintf(a->port, sizeof a->port, "%s", a->mxport != NULL ?
	    a->mxport : "25");
	if ((rc = cmd_mx_pick(a->mx, a->resolver, a->anchor, a->port,
	    a->c.family, a->c.timeout_s, a->host, sizeof a->host, a->mxname,
	    sizeof a->mxname)) != EXIT_OK)
		return rc;
	a->c.host = a->host;
	a->c.port = a->port;
	cmd_implicit_tls(&a->c);
	/* the MX name, unless --tls-name gave another */
	if (a->c.tlsopt.servername == NULL)
		a->c.tlsopt.servername = a->mxname;
	return run_ui(a);
}

int
cmd_connect(int argc, char **argv)
{
	struct connect_args	a;
	int			rc;

	if ((rc = parse_options(argc, argv, &a)) != -1)
		return rc;
	if (a.mx != NULL)
		return run_mx(&a, argc);
	if (a.mxport != NULL || a.resolver != NULL || a.anchor != NULL) {
		cmd_error(NULL, "--port, --resolver and --dns-trust-anchor go "
		    "with --mx (or smtpscope mx)");
		return EXIT_USAGE;
	}
	if (a.practice_opt && (optind != argc - 1 ||
	    strcmp(argv[optind], "practice") != 0)) {
		cmd_error(NULL, "--scenario, --greylist-delay and "
		    "--reply-delay go with smtpscope practice");
		return EXIT_USAGE;
	}
	if (optind != argc - 1) {
		cmd_error(NULL, "%s", optind >= argc ? "no server given" :
		    "one server only");
		usage(stderr);
		return EXIT_USAGE;
	}
	/* "smtpscope --plain practice": options before the subcommand.  A
	 * host really named "practice" is reached as practice:25. */
	if (strcmp(argv[optind], "practice") == 0)
		return run_practice(&a);
	if (cmd_target(NULL, argv[optind], "25", &a.target, &a.c) != EXIT_OK ||
	    cmd_net_check(&a.c) != EXIT_OK)
		return EXIT_USAGE;
	return run_ui(&a);
}

int
cmd_practice(int argc, char **argv)
{
	struct connect_args	a;
	int			rc;

	if ((rc = parse_options(argc, argv, &a)) != -1)
		return rc;
	if (optind != argc) {
		cmd_error(NULL, "practice takes no server");
		return EXIT_USAGE;
	}
	return run_practice(&a);
}

/* Start the practice server in a child on a free port, connect to it. */
static enum exitcode
run_practice(struct connect_args *a)
{
	struct practice_net_opts po;
	char			err[256];
	enum exitcode		rc;
	int			pid;

	memset(&po, 0, sizeof po);
	po.server = a->po;
	po.server.lmtp = a->c.lmtp;
	if (practice_check_opts(&po.server, err, sizeof err) == -1) {
		cmd_error("practice", "%s", err);
		return EXIT_USAGE;
	}
	/* STARTTLS with a certificate made now, which the console trusts
	 * (unless told other CAs): :starttls and --starttls verify */
	if ((pid = cmd_practice_start(NULL, &po, &a->c, a->host,
	    sizeof a->host, a->port, sizeof a->port)) == -1)
		return EXIT_CONNECT;
	/* a learner's console: each explanation says why (--no-learn) */
	if (a->learn == -1)
		a->u.learn = 1;
	rc = run_ui(a);
	cmd_practice_stop(pid, &po);
	return rc;
}
