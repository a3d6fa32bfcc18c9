/*
 * cmd_serve.c -- `smtpscope serve`: run the practice server alone on
 * 127.0.0.1 until SIGTERM or SIGINT.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "practice.h"

static volatile sig_atomic_t serve_stop;

static void
serve_signal(int sig)
{
	(void)sig;
	serve_stop = 1;
}

static void
serve_usage(FILE *f)
{
	fputs(
"usage: smtpscope serve [--port N] [--store DIR] [--hostname NAME]\n"
"                       [--max-clients N] [--size N] [--scenario default] [--quiet]\n"
"\n"
"Run the practice SMTP server on 127.0.0.1 until interrupted.\n"
"  --port N          port to listen on (default 2525; 0 picks a free one)\n"
"  --store DIR       write each accepted message to DIR/<n>.eml and its\n"
"                    envelope to DIR/<n>.env\n"
"  --hostname NAME   name in the greeting (default practice.smtpscope.test)\n"
"  --max-clients N   clients served at once (default 64); more get 421\n"
"  --size N          largest message accepted, in octets (default 10485760)\n"
"  --scenario S      server behaviour (only \"default\" for now)\n"
"  --quiet           no log lines on stderr\n", f);
}

/* A whole decimal number in [min, max], or -1. */
static long
serve_number(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	return v;
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
		{ "scenario",	 required_argument, NULL, 'c' },
		{ "quiet",	 no_argument,	    NULL, 'q' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ NULL,		 0,		    NULL, 0 },
	};
	struct practice_opts	opts;
	struct sigaction	sa;
	char			err[256];
	long			v;
	int			ch, port = PRACTICE_DEFAULT_PORT, bound, fd;

	memset(&opts, 0, sizeof opts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if ((v = serve_number(optarg, 0, 65535)) == -1) {
				fprintf(stderr, "smtpscope: serve: bad port "
				    "\"%s\"\n", optarg);
				return 2;
			}
			port = (int)v;
			break;
		case 's':
			opts.store_dir = optarg;
			break;
		case 'H':
			opts.hostname = optarg;
			break;
		case 'm':
			if ((v = serve_number(optarg, 1, 10000)) == -1) {
				fprintf(stderr, "smtpscope: serve: bad "
				    "--max-clients \"%s\" (1 to 10000)\n",
				    optarg);
				return 2;
			}
			opts.max_clients = (int)v;
			break;
		case 'S':
			if ((v = serve_number(optarg, 1, LONG_MAX)) == -1) {
				fprintf(stderr, "smtpscope: serve: bad --size "
				    "\"%s\"\n", optarg);
				return 2;
			}
			opts.max_size = (size_t)v;
			break;
		case 'c':
			opts.scenario = optarg;
			break;
		case 'q':
			opts.quiet = 1;
			break;
		case 'h':
			serve_usage(stdout);
			return 0;
		default:
			serve_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "smtpscope: serve: unexpected argument "
		    "\"%s\"\n", argv[optind]);
		serve_usage(stderr);
		return 2;
	}
	if (opts.hostname != NULL && (*opts.hostname == '\0' ||
	    strcspn(opts.hostname, " \t\r\n") != strlen(opts.hostname))) {
		fprintf(stderr, "smtpscope: serve: --hostname must be one "
		    "word\n");
		return 2;
	}
	if (opts.scenario != NULL && strcmp(opts.scenario, "default") != 0) {
		fprintf(stderr, "smtpscope: serve: unknown scenario \"%s\" "
		    "(known: default)\n", opts.scenario);
		return 2;
	}
	if (practice_check_opts(&opts, err, sizeof err) == -1) {
		fprintf(stderr, "smtpscope: serve: %s\n", err);
		return 1;
	}
	if ((fd = practice_listen("127.0.0.1", port, &bound, err,
	    sizeof err)) == -1) {
		fprintf(stderr, "smtpscope: serve: %s\n", err);
		return 1;
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
	printf("smtpscope: practice server listening on 127.0.0.1:%d\n", bound);
	fflush(stdout);
	if (practice_run(fd, &opts, &serve_stop, err, sizeof err) == -1) {
		fprintf(stderr, "smtpscope: serve: %s\n", err);
		close(fd);
		return 1;
	}
	close(fd);
	printf("smtpscope: practice server stopped; %lu message%s accepted\n",
	    practice_messages(), practice_messages() == 1 ? "" : "s");
	fflush(stdout);
	return 0;
}
