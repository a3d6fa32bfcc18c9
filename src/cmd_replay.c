/*
 * cmd_replay.c -- smtpscope replay FILE [HOST[:PORT]]: options to
 * struct replay_opts; the work is in replay.c.
 */
#include "config.h"

#include <sys/socket.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "net.h"
#include "replay.h"
#include "ui.h"

enum {
	OPT_TIMEOUT = 256, OPT_TLS, OPT_CAFILE, OPT_INSECURE, OPT_RECORD,
	OPT_SHOW_SECRETS, OPT_STRICT, OPT_KEEP_GOING, OPT_TAP, OPT_INTERACTIVE,
	OPT_REPEAT, OPT_CONNECTIONS, OPT_NO_CHECK, OPT_PLAIN, OPT_COLOR,
};

static const struct option replay_options[] = {
	{ "timeout",	 required_argument, NULL, OPT_TIMEOUT },
	{ "tls",	 no_argument,	    NULL, OPT_TLS },
	{ "cafile",	 required_argument, NULL, OPT_CAFILE },
	{ "insecure",	 no_argument,	    NULL, OPT_INSECURE },
	{ "record",	 required_argument, NULL, OPT_RECORD },
	{ "show-secrets", no_argument,	    NULL, OPT_SHOW_SECRETS },
	{ "strict",	 no_argument,	    NULL, OPT_STRICT },
	{ "keep-going",	 no_argument,	    NULL, OPT_KEEP_GOING },
	{ "tap",	 no_argument,	    NULL, OPT_TAP },
	{ "interactive", no_argument,	    NULL, OPT_INTERACTIVE },
	{ "repeat",	 required_argument, NULL, OPT_REPEAT },
	{ "connections", required_argument, NULL, OPT_CONNECTIONS },
	{ "no-check",	 no_argument,	    NULL, OPT_NO_CHECK },
	{ "plain",	 no_argument,	    NULL, OPT_PLAIN },
	{ "color",	 optional_argument, NULL, OPT_COLOR },
	{ "verbose",	 no_argument,	    NULL, 'v' },
	{ "help",	 no_argument,	    NULL, 'h' },
	{ NULL,		 0,		    NULL, 0 },
};

static void
replay_usage(FILE *f)
{
	fputs(
"usage: smtpscope replay [options] FILE [HOST[:PORT]]\n"
"Replay a session file (docs/session-format.md) and check every reply.\n"
"The server is HOST[:PORT], or the file's \"# server\" line.\n"
"\n"
"  --strict             compare the reply text too, not only the codes\n"
"  --keep-going         go on after a mismatch\n"
"  --tap                print TAP (one test per expected reply)\n"
"  -v, --verbose        show every line sent and every result\n"
"  --repeat N           play the transaction part N times (RSET between)\n"
"  --connections N      play the file N times, one connection after another\n"
"  --interactive        after the script, hand the session to the console\n"
"  --record FILE        record the replayed session\n"
"  --show-secrets       do not mask AUTH secrets in that recording\n"
"  --timeout S, --tls, --cafile FILE, --insecure, -4, -6, --no-check\n"
"\n"
"Masked secrets (********) are taken from SMTPSCOPE_SECRET_n or\n"
"SMTPSCOPE_SECRET.  Exit status: 0 all matched, 1 mismatch, 2 usage or\n"
"file error, 3 connection or TLS failure.\n", f);
}

/* A positive count, or 0 when arg is not one. */
/* --interactive: the plain console (Readline, history, completion on a
 * terminal; one line at a time in a pipe) takes the live session over. */
static void
replay_hand_over(struct client *c, const struct replay_opts *o)
{
	struct ui_opts u;

	memset(&u, 0, sizeof u);
	u.check = o->check;
	u.scrollback = 100000;
	fflush(o->out);
	ui_plain_attach(c, &u);
}

int
cmd_replay(int argc, char **argv)
{
	struct replay_opts o;
	char host[256], port[32], err[256];
	long n;
	int ch;

	/* A server that drops the connection gives a write error, not a
	 * signal that ends the run before its report. */
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof o);
	o.client.family = AF_UNSPEC;
	o.client.timeout_s = 30;
	o.check = 1;
	o.repeat = o.connections = 1;
	o.out = stdout;
	o.err = stderr;
	o.in = stdin;
	o.console = replay_hand_over;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "46vh", replay_options,
	    NULL)) != -1) {
		switch (ch) {
		case '4':
			o.client.family = AF_INET;
			break;
		case '6':
			o.client.family = AF_INET6;
			break;
		case OPT_TIMEOUT:
			if (cmd_number(optarg, 1, 86400, &n) == -1) {
				fprintf(stderr, "smtpscope: replay: --timeout "
				    "takes seconds (1..86400)\n");
				return REPLAY_USAGE;
			}
			o.client.timeout_s = (int)n;
			break;
		case OPT_TLS:
			o.client.tls = 1;
			break;
		case OPT_CAFILE:
			o.client.cafile = optarg;
			break;
		case OPT_INSECURE:
			o.client.insecure = 1;
			break;
		case OPT_RECORD:
			o.client.record = optarg;
			break;
		case OPT_SHOW_SECRETS:
			o.client.show_secrets = 1;
			break;
		case OPT_STRICT:
			o.strict = 1;
			break;
		case OPT_KEEP_GOING:
			o.keep_going = 1;
			break;
		case OPT_TAP:
			o.tap = 1;
			break;
		case OPT_INTERACTIVE:
			o.interactive = 1;
			/* :save in the console needs the session kept */
			o.client.session_log = 1;
			break;
		case OPT_REPEAT:
		case OPT_CONNECTIONS:
			if (cmd_number(optarg, 1, 100000000, &n) == -1) {
				fprintf(stderr, "smtpscope: replay: --%s takes "
				    "a count of at least 1\n",
				    ch == OPT_REPEAT ? "repeat" : "connections");
				return REPLAY_USAGE;
			}
			if (ch == OPT_REPEAT)
				o.repeat = (unsigned long)n;
			else
				o.connections = (unsigned long)n;
			break;
		case OPT_NO_CHECK:
			o.check = 0;
			break;
		case OPT_PLAIN:
		case OPT_COLOR:
			break;	/* replay output is always plain */
		case 'v':
			o.verbose = 1;
			o.client.state_comments = 1;
			break;
		case 'h':
			replay_usage(stdout);
			return 0;
		default:
			replay_usage(stderr);
			return REPLAY_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2) {
		replay_usage(stderr);
		return REPLAY_USAGE;
	}
	if (argc == 2) {
		if (net_parse_hostport(argv[1], o.client.tls ? "465" : "25",
		    host, sizeof host, port, sizeof port, err,
		    sizeof err) != 0) {
			fprintf(stderr, "smtpscope: replay: %s\n", err);
			return REPLAY_USAGE;
		}
		/* RFC 8314 3.3: port 465 is implicit TLS. */
		if (strcmp(port, "465") == 0)
			o.client.tls = 1;
		o.client.host = host;
		o.client.port = port;
	}
	return replay_run(argv[0], &o);
}
