/*
 * cmd_serve.c -- `smtpscope serve`: run the practice server alone on
 * 127.0.0.1 until SIGTERM or SIGINT.
 */
#include "auth.h"
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "exitcode.h"
#include "practice.h"
#include "practice_net.h"

static volatile sig_atomic_t serve_stop;

static void	serve_signal(int);
static void	serve_usage(FILE *);
static void	serve_log(void *, unsigned long, const char *);

static void
serve_signal(int sig)
{
	(void)sig;
	serve_stop = 1;
}

static void
serve_usage(FILE *f)
{
	fprintf(f,
"usage: smtpscope serve [--port N] [--store DIR] [--hostname NAME]\n"
"                       [--max-clients N] [--size N] [--scenario NAME] [--lmtp]\n"
"                       [--quiet] [--tls-port N] [--cert FILE --key FILE] [--no-tls]\n"
"       smtpscope serve --list-scenarios\n"
"\n"
"Run the practice SMTP server on 127.0.0.1 until interrupted.\n"
"  --port N          port to listen on (default %d; 0 picks a free one)\n"
"  --store DIR       write each accepted message to DIR/<n>.eml and its\n"
"                    envelope to DIR/<n>.env (n: the first free number)\n"
"  --hostname NAME   name in the greeting (default %s)\n"
"  --max-clients N   clients served at once (default %d); when full, the\n"
"                    longest idle one is closed to make room\n"
"  --size N          largest message accepted, in octets (default %d)\n"
"  --scenario NAME   how the server behaves (default normal): greylist,\n"
"                    unknown-user, slow ... (--list-scenarios)\n"
"  --list-scenarios  each scenario and what it teaches, one a line\n"
"  --greylist-delay S  greylist: seconds before a retry is taken (default %d)\n"
"  --reply-delay MS  slow: how long each reply is held (default %d)\n"
"  --lmtp            speak LMTP (RFC 2033): LHLO instead of HELO and EHLO,\n"
"                    one reply per recipient after the data\n"
"  --quiet           no log lines on stderr\n"
"  --tls-port N      also serve implicit TLS (RFC 8314) on port N (0: a free\n"
"                    one); STARTTLS (RFC 3207) is offered on --port\n"
"  --cert FILE       TLS certificate, PEM, its chain after it (default: a\n"
"                    key and a certificate signed by itself for the\n"
"                    hostname, localhost and 127.0.0.1, made at start)\n"
"  --key FILE        its private key (default: read from the --cert file)\n"
"  --no-tls          neither STARTTLS nor a TLS port\n"
"\n"
"A client that sends nothing is closed after %d s, one that stops\n"
"talking after %d s (RFC 5321 4.5.3.2.7).\n",
	    PRACTICE_NET_DEFAULT_PORT, PRACTICE_DEFAULT_HOST,
	    PRACTICE_NET_DEFAULT_CLIENTS, PRACTICE_DEFAULT_SIZE,
	    PRACTICE_GREYLIST_DELAY, PRACTICE_SLOW_DELAY,
	    PRACTICE_NET_FIRST_TIMEOUT, PRACTICE_NET_IDLE_TIMEOUT);
}

/* The server's log lines: already sanitised and masked by the engine. */
static void
serve_log(void *arg, unsigned long id, const char *line)
{
	(void)arg;
	if (id != 0)
		fprintf(stderr, "smtpscope: practice [%lu] %s\n", id, line);
	else
		fprintf(stderr, "smtpscope: practice: %s\n", line);
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port",	 required_argument, NULL, 'p' },
		{ "store",	 required_argument, NULL, 's' },
		{ "hostname",	 required_argument, NULL, 'H' },
		{ "max-clients", required_argument, NULL, 'm' },
		{ "size",	 required_argument, NULL, 'S' },
		CMD_SCENARIO_LONG_OPTIONS,
		{ "list-scenarios", no_argument,  NULL, 'l' },
		{ "quiet",	 no_argument,	    NULL, 'q' },
		{ "lmtp",	 no_argument,	    NULL, 'L' },
		{ "tls-port",	 required_argument, NULL, 't' },
		{ "cert",	 required_argument, NULL, 'C' },
		{ "key",	 required_argument, NULL, 'K' },
		{ "no-tls",	 no_argument,	    NULL, 'n' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ NULL,		 0,		    NULL, 0 },
	};
	struct practice_net_opts opts;
	struct sigaction	 sa;
	char			 err[256], quoted[128];
	unsigned long		 accepted;
	long			 v;
	int			 ch, port = PRACTICE_NET_DEFAULT_PORT, bound, fd;
	int			 quiet = 0, tls_port = -1, tls_bound, tls_fd = -1;
	int			 no_tls = 0;
	enum exitcode		 rc = EXIT_FAILED;
	const char		*cert = NULL, *key = NULL;

	memset(&opts, 0, sizeof opts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (cmd_number("serve", "--port", optarg, &v) == -1)
				return EXIT_USAGE;
			port = (int)v;
			break;
		case 's':
			opts.store_dir = optarg;
			break;
		case 'H':
			opts.server.hostname = optarg;
			break;
		case 'm':
			if (cmd_number("serve", "--max-clients", optarg,
			    &v) == -1)
				return EXIT_USAGE;
			opts.max_clients = (int)v;
			break;
		case 'S':
			if (cmd_number("serve", "--size", optarg, &v) == -1)
				return EXIT_USAGE;
			opts.server.max_size = (size_t)v;
			break;
		case CMD_OPT_SCENARIO:
		case CMD_OPT_GREYLIST_DELAY:
		case CMD_OPT_REPLY_DELAY:
			if (cmd_scenario_option("serve", ch, optarg,
			    &opts.server) == -1)
				return EXIT_USAGE;
			break;
		case 'l':
			cmd_list_scenarios(stdout);
			return EXIT_OK;
		case 'q':
			quiet = 1;
			break;
		case 'L':
			opts.server.lmtp = 1;
			break;
		case 't':
			if (cmd_number("serve", "--tls-port", optarg, &v) == -1)
				return EXIT_USAGE;
			tls_port = (int)v;
			break;
		case 'C':
			cert = optarg;
			break;
		case 'K':
			key = optarg;
			break;
		case 'n':
			no_tls = 1;
			break;
		case 'h':
			serve_usage(stdout);
			return EXIT_OK;
		default:
			serve_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmd_error("serve", "unexpected argument \"%s\"",
		    cmd_quote(argv[optind], quoted, sizeof quoted));
		serve_usage(stderr);
		return EXIT_USAGE;
	}
	if (opts.server.hostname != NULL && (*opts.server.hostname == '\0' ||
	    strcspn(opts.server.hostname, " \t\r\n") !=
	    strlen(opts.server.hostname))) {
		cmd_error("serve", "--hostname must be one word");
		return EXIT_USAGE;
	}
	if (practice_check_opts(&opts.server, err, sizeof err) == -1) {
		cmd_error("serve", "%s", err);
		return EXIT_USAGE;
	}
	if (no_tls && (tls_port != -1 || cert != NULL || key != NULL)) {
		cmd_error("serve", "--no-tls excludes --tls-port, --cert and "
		    "--key");
		return EXIT_USAGE;
	}
	if (key != NULL && cert == NULL) {
		cmd_error("serve", "--key needs --cert");
		return EXIT_USAGE;
	}
	if (!no_tls && (opts.tls = practice_net_tls_new(cert, key,
	    opts.server.hostname, err, sizeof err)) == NULL) {
		cmd_error("serve", "%s", err);
		return EXIT_USAGE;
	}
	if (!quiet)
		opts.log = serve_log;
	if (practice_net_check(&opts, err, sizeof err) == -1) {
		cmd_error("serve", "%s", err);
		goto out;
	}
	if ((fd = practice_net_listen("127.0.0.1", port, &bound, err,
	    sizeof err)) == -1) {
		cmd_error("serve", "%s", err);
		goto out;
	}
	if (tls_port != -1 && (tls_fd = practice_net_listen("127.0.0.1",
	    tls_port, &tls_bound, err, sizeof err)) == -1) {
		cmd_error("serve", "%s", err);
		close(fd);
		goto out;
	}

	/* No SA_RESTART: poll() returns at once on a signal. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = serve_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);

	/* tests/lib/common.sh reads this line for the port. */
	printf("smtpscope: practice %sserver listening on 127.0.0.1:%d\n",
	    opts.server.lmtp ? "LMTP " : "", bound);
	if (tls_fd != -1)
		printf("smtpscope: practice server: implicit TLS on "
		    "127.0.0.1:%d\n", tls_bound);
	printf("smtpscope: practice account for AUTH (offered after "
	    "STARTTLS): user %s, password %s\n", AUTH_PRACTICE_USER,
	    AUTH_PRACTICE_PASSWORD);
	fflush(stdout);
	if (practice_net_run(fd, tls_fd, &opts, &serve_stop, &accepted, err,
	    sizeof err) == -1)
		cmd_error("serve", "%s", err);
	else {
		printf("smtpscope: practice server stopped; %lu message%s "
		    "accepted\n", accepted, accepted == 1 ? "" : "s");
		fflush(stdout);
		rc = EXIT_OK;
	}
	close(fd);
	if (tls_fd != -1)
		close(tls_fd);
out:
	practice_net_tls_free(opts.tls);
	return rc;
}
