/*
 * cmd_replay.c -- smtpscope replay FILE [HOST[:PORT]]: options to
 * struct replay_opts, and the words of the report (text or TAP) that
 * replay.c gives through struct replay_ops; the work is in replay.c.
 */
#include "config.h"

#include <sys/socket.h>

#include <ctype.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "cmd.h"
#include "exitcode.h"
#include "net.h"
#include "practice.h"
#include "practice_net.h"
#include "replay.h"
#include "sanitize.h"
#include "script.h"
#include "jsonl.h"
#include "ui.h"

/* The columns a line quoted in a report takes at most. */
#define REPORT_WIDTH	200

/* How the report is worded, and the summary kept for the end. */
struct report {
	int			 tap;
	int			 verbose;
	int			 show_secrets;
	int			 ended;		/* summary holds the end */
	struct replay_summary	 summary;
};

enum {
	OPT_TIMEOUT = 256, OPT_TLS, OPT_RECORD,
	OPT_SHOW_SECRETS, OPT_STRICT, OPT_KEEP_GOING, OPT_TAP, OPT_INTERACTIVE,
	OPT_JSON,
	OPT_REPEAT, OPT_CONNECTIONS, OPT_NO_CHECK, OPT_PLAIN, OPT_COLOR,
	OPT_PRACTICE,
};

static const struct option replay_options[] = {
	{ "timeout",	 required_argument, NULL, OPT_TIMEOUT },
	{ "tls",	 no_argument,	    NULL, OPT_TLS },
	CMD_TLS_LONG_OPTIONS,
	CMD_NET_LONG_OPTIONS,
	{ "record",	 required_argument, NULL, OPT_RECORD },
	{ "show-secrets", no_argument,	    NULL, OPT_SHOW_SECRETS },
	{ "strict",	 no_argument,	    NULL, OPT_STRICT },
	{ "keep-going",	 no_argument,	    NULL, OPT_KEEP_GOING },
	{ "tap",	 no_argument,	    NULL, OPT_TAP },
	{ "json",	 no_argument,	    NULL, OPT_JSON },
	{ "interactive", no_argument,	    NULL, OPT_INTERACTIVE },
	{ "repeat",	 required_argument, NULL, OPT_REPEAT },
	{ "connections", required_argument, NULL, OPT_CONNECTIONS },
	{ "no-check",	 no_argument,	    NULL, OPT_NO_CHECK },
	{ "plain",	 no_argument,	    NULL, OPT_PLAIN },
	{ "color",	 optional_argument, NULL, OPT_COLOR },
	{ "practice",	 no_argument,	    NULL, OPT_PRACTICE },
	CMD_SCENARIO_LONG_OPTIONS,
	{ "verbose",	 no_argument,	    NULL, 'v' },
	{ "help",	 no_argument,	    NULL, 'h' },
	{ NULL,		 0,		    NULL, 0 },
};

static void
replay_usage(FILE *f)
{
	fputs(
"usage: smtpscope replay [options] FILE [HOST[:PORT] | lmtp://HOST:PORT | unix:PATH]\n"
"       smtpscope replay --practice [--scenario NAME] FILE\n"
"Replay a session file (docs/session-format.md) and check every reply.\n"
"The server is the one given, or the file's \"# server\" line; a file\n"
"recorded against the practice server (\"# practice NAME\") is replayed\n"
"against a new one of the same scenario.\n"
"\n"
"  --practice           start a practice server and replay against it\n"
"  --scenario NAME      its scenario (default: the file's, else normal);\n"
"                       --greylist-delay S, --reply-delay MS as for serve\n"
"  --strict             compare the reply text too, not only the codes\n"
"  --keep-going         go on after a mismatch\n"
"  --tap                print TAP (one test per expected reply)\n"
"  --json               print JSON Lines instead: one object per event\n"
"                       (docs/json.md)\n"
"  -v, --verbose        show every line sent, every result and the details\n"
"                       of each TLS handshake\n"
"  --repeat N           play the transaction part N times (RSET between)\n"
"  --connections N      play the file N times, one connection after another\n"
"  --interactive        after the script, hand the session to the console\n"
"  --record FILE        record the replayed session\n"
"  --show-secrets       do not mask AUTH secrets in that recording\n"
"  --timeout S, --tls, -4, -6, --no-check   as for smtpscope HOST\n"
"\n"
"Connection and TLS, as for smtpscope HOST:\n"
CMD_NET_USAGE
CMD_TLS_USAGE
"\n"
"Masked secrets (********) are taken from SMTPSCOPE_SECRET_n or\n"
"SMTPSCOPE_SECRET.  Exit status: 0 all matched, 1 mismatch, 2 usage or\n"
"file error, 3 connection or TLS failure.\n", f);
}

/* Text of our own that may quote bytes from a server or a file: made
 * safe to show, each of its lines after prefix (the TLS details are
 * several lines). */
static void
report_line(FILE *f, const char *prefix, const char *text)
{
	const char	*nl;
	char		*safe;
	size_t		 n;

	do {
		n = (nl = strchr(text, '\n')) != NULL ? (size_t)(nl - text) :
		    strlen(text);
		safe = sanitize(text, n, SANITIZE_KEEP_BACKSLASH);
		fprintf(f, "%s%s\n", prefix, safe != NULL ? safe : "");
		free(safe);
		text += n + (nl != NULL);
	} while (nl != NULL && *text != '\0');
}

static void
report_start(void *arg)
{
	struct report *rep = arg;

	if (rep->tap)
		printf("TAP version 13\n");
}

/* -v: each line sent, masked as in recordings (RFC 4954 4: the AUTH
 * initial response and the SASL responses carry credentials). */
static void
report_sent(void *arg, const char *line, enum client_line kind)
{
	struct report	*rep = arg;
	char		 buf[1024], masked[1024];

	if (!rep->verbose)
		return;
	line = client_shown_line(rep->show_secrets, line, kind, masked,
	    sizeof masked);
	sanitize_buf(buf, sizeof buf, line, strlen(line), 0);
	printf("%s%c:%s%s\n", rep->tap ? "# " : "",
	    kind == CLIENT_LINE_BODY ? 'D' : 'C', *buf ? " " : "", buf);
}

static void
report_message(void *arg, enum client_msg kind, const char *text)
{
	struct report *rep = arg;

	if (kind == CLIENT_MSG_ERROR)
		report_line(stderr, "smtpscope: replay: ", text);
	else if (rep->verbose)
		report_line(stdout, rep->tap ? "# " : "", text);
}

static void
report_invalid(void *arg, const char *text)
{
	(void)arg;
	report_line(stderr, "", text);
}

/* "250 after MAIL", "220 greeting" */
static void
report_describe(const struct replay_result *res, char *buf, size_t size)
{
	char code[16], verb[16], shown[80];
	size_t n, i;

	if (res->reply == NULL) {
		snprintf(buf, size, "no reply");
		return;
	}
	if (res->reply->code != 0)
		snprintf(code, sizeof code, "%03d", res->reply->code);
	else
		snprintf(code, sizeof code, "no code");
	switch (res->ctx) {
	case ANNOTATE_GREETING:
		snprintf(buf, size, "%s greeting", code);
		break;
	case ANNOTATE_DATA_END:
		snprintf(buf, size, "%s after the end of the body", code);
		break;
	case ANNOTATE_AUTH_STEP:
		snprintf(buf, size, "%s after an AUTH response", code);
		break;
	case ANNOTATE_UNSOLICITED:
		snprintf(buf, size, "%s unsolicited", code);
		break;
	default:
		if (res->command == NULL) {
			snprintf(buf, size, "%s", code);
			break;
		}
		n = strcspn(res->command, " ");
		if (n > 16)
			n = 16;
		memcpy(verb, res->command, n);
		for (i = 0; i < n; i++)
			verb[i] = (char)toupper((unsigned char)verb[i]);
		/* the line comes from the file: never shown raw */
		sanitize_buf(shown, sizeof shown, verb, n, 0);
		snprintf(buf, size, "%s after %s", code, shown);
		break;
	}
	/* LMTP: the recipient it is for (the file's text: sanitised) */
	if (res->rcpt_count > 0 && (n = strlen(buf)) + 2 < size) {
		char label[400];

		session_rcpt_label(res->rcpt, res->rcpt_index,
		    res->rcpt_count, label, sizeof label);
		memcpy(buf + n, ", ", 3);
		sanitize_buf(buf + n + 2, size - n - 2, label, strlen(label),
		    0);
	}
}

/* A line from the file or the server, as a report quotes it: sanitised,
 * shortened to REPORT_WIDTH columns (a new string; NULL out of memory). */
static char *
report_quote(const char *s, size_t len)
{
	size_t	col, cols;

	return sanitize_shorten(s, len, 0, 1, REPORT_WIDTH, 0, &col, &cols);
}

/* One expectation: a TAP test, or with text nothing when it matched
 * (unless -v) and the mismatch with both replies when it did not. */
static void
report_result(void *arg, const struct replay_result *res)
{
	struct report		*rep = arg;
	const struct reply	*r = res->reply;
	const char		*hash = rep->tap ? "#" : "";
	const char		*first;
	char			 what[512];
	char			*note, *shown;
	size_t			 n;

	/* a match is worded only when it is printed */
	if (rep->tap) {
		report_describe(res, what, sizeof what);
		printf("%sok %lu - line %lu: %s%s%s\n", res->ok ? "" : "not ",
		    res->test, res->line, what, res->ok ? "" : ", ",
		    res->ok ? "" : res->why);
	} else if (res->ok) {
		if (rep->verbose) {
			report_describe(res, what, sizeof what);
			printf("%s:%lu: ok: %s\n", res->file, res->line, what);
		}
	} else if (res->after == NULL ||
	    (r != NULL && res->ctx == ANNOTATE_GREETING))
		printf("%s:%lu: mismatch in the greeting: %s\n", res->file,
		    res->line, res->why);
	else {
		shown = report_quote(res->after, strlen(res->after));
		printf("%s:%lu: mismatch after \"%s\"%s: %s\n", res->file,
		    res->line, shown != NULL ? shown : "", res->after_unsent ?
		    " (not sent: the connection was closed)" : "", res->why);
		free(shown);
	}
	if (res->ok)
		return;
	shown = report_quote(res->expected, strlen(res->expected));
	printf("%s  expected: %s\n", hash, shown != NULL ? shown : "");
	free(shown);
	if (r == NULL) {
		printf("%s  received: nothing\n", hash);
		return;
	}
	/* the first line exactly as it came, not rebuilt from its code */
	if ((first = reply_line_raw(r, 0, &n)) != NULL)
		shown = report_quote(first, n);
	else
		shown = report_quote("", 0);
	printf("%s  received: %s", hash, shown != NULL ? shown : "");
	free(shown);
	if (r->nlines > 1)
		printf(" (+%zu lines)", r->nlines - 1);
	putchar('\n');
	if ((note = annotate_reply(r, res->command, res->ctx,
	    ANNOTATE_SHORT)) != NULL) {
		n = strcspn(note, "\n");
		printf("%s            %.*s\n", hash, (int)n, note);
		free(note);
	}
}

/* Kept: it is printed once the console (--interactive) is done. */
static void
report_summary(void *arg, const struct replay_summary *sum)
{
	struct report *rep = arg;

	rep->summary = *sum;
	rep->ended = 1;
}

static void
report_end(const struct report *rep)
{
	const struct replay_summary *sum = &rep->summary;

	if (!rep->ended)
		return;
	if (rep->tap && sum->status == EXIT_CONNECT)
		printf("Bail out! connection or TLS failure\n");
	else if (rep->tap)
		printf("1..%lu\n", sum->tests);
	else if (sum->status != EXIT_CONNECT)
		printf("%s: %lu %s checked, %lu %s\n", sum->file, sum->tests,
		    sum->tests == 1 ? "reply" : "replies", sum->failed,
		    sum->failed == 1 ? "mismatch" : "mismatches");
}

static const struct replay_ops report_ops = {
	.start = report_start,
	.sent = report_sent,
	.message = report_message,
	.invalid = report_invalid,
	.result = report_result,
	.summary = report_summary,
};

/*
 * --practice, or a file recorded against the practice server ("# practice
 * NAME") and no HOST: a practice server of the scenario (--scenario, else
 * the file's, else normal) started on a free port of 127.0.0.1, and o
 * pointed at it (cmd_practice_start(): host and port written into host
 * and port).  Returns its pid; 0 when the file names no practice server
 * and --practice was not given; -1 a usage error, -2 the server could not
 * start (each said on stderr).  An unreadable or malformed file is
 * replay_run()'s to report.
 */
static int
replay_practice(const char *path, int forced, struct practice_net_opts *po,
    struct client_opts *o, const struct report *rep, char *host,
    size_t hostlen, char *port, size_t portlen)
{
	struct script		*s;
	struct script_info	 info;
	struct net_target	 t;
	char			 err[256], quoted[64];
	const char		*name;
	int			 pid;

	memset(&info, 0, sizeof info);
	if ((s = script_open(path, err, sizeof err)) != NULL) {
		if (script_validate(s, &info, err, sizeof err) == -1)
			info.practice[0] = '\0';
		script_close(s);
	}
	if (!forced && info.practice[0] == '\0')
		return 0;
	name = po->server.scenario != NULL ? po->server.scenario :
	    info.practice[0] != '\0' ? info.practice : NULL;
	if (practice_check_opts(&(struct practice_opts){ .scenario = name },
	    err, sizeof err) == -1) {
		cmd_error("replay", "%s%s", err, po->server.scenario == NULL ?
		    "; the file names it, --scenario picks another" : "");
		return -1;
	}
	/* the table's own string: it outlives the file */
	po->server.scenario = practice_scenario_name(name);
	/* a recording of the practice server speaking LMTP */
	if (net_parse_target(info.server, "25", &t, err, sizeof err) == 0 &&
	    t.lmtp)
		po->server.lmtp = 1;
	o->lmtp = po->server.lmtp;
	/* STARTTLS as the recording did, with a certificate made now */
	if ((pid = cmd_practice_start("replay", po, o, host, hostlen, port,
	    portlen)) == -1)
		return -2;
	if (rep->verbose)
		printf("%spractice server, scenario %s, on 127.0.0.1:%s\n",
		    rep->tap ? "# " : "", cmd_quote(po->server.scenario, quoted,
		    sizeof quoted), port);
	return pid;
}

/* --interactive: the plain console (Readline, history, completion on a
 * terminal; one line at a time in a pipe) takes the live session over. */
static void
replay_hand_over(struct client *c, int check)
{
	struct ui_opts u;

	printf("replay done: the session is yours (:quit or end of input to "
	    "stop)\n");
	fflush(stdout);
	memset(&u, 0, sizeof u);
	u.check = check;
	u.scrollback = 100000;
	ui_plain_attach(c, &u);
}

int
cmd_replay(int argc, char **argv)
{
	struct replay_opts o;
	struct report rep;
	struct client *live = NULL;
	struct practice_net_opts po;
	char host[256], port[32];
	struct net_target target;
	long n;
	int ch, rc, check = 1, practice = 0, pid = 0, json = 0;
	struct jsonl *j;
	enum exitcode status;

	/* A server that drops the connection gives a write error, not a
	 * signal that ends the run before its report. */
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof o);
	memset(&rep, 0, sizeof rep);
	memset(&po, 0, sizeof po);
	o.client.family = AF_UNSPEC;
	o.client.timeout_s = 30;
	o.repeat = o.connections = 1;
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
			if (cmd_number("replay", "--timeout", optarg, &n) == -1)
				return EXIT_USAGE;
			o.client.timeout_s = (int)n;
			break;
		case OPT_TLS:
			o.client.tls = 1;
			break;
		case OPT_RECORD:
			o.client.record = optarg;
			break;
		case OPT_SHOW_SECRETS:
			o.client.show_secrets = 1;
			rep.show_secrets = 1;
			break;
		case OPT_STRICT:
			o.strict = 1;
			break;
		case OPT_KEEP_GOING:
			o.keep_going = 1;
			break;
		case OPT_TAP:
			rep.tap = 1;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_INTERACTIVE:
			o.interactive = 1;
			/* :save in the console needs the session kept */
			o.client.session_log = 1;
			break;
		case OPT_REPEAT:
		case OPT_CONNECTIONS:
			if (cmd_number("replay", ch == OPT_REPEAT ? "--repeat" :
			    "--connections", optarg, &n) == -1)
				return EXIT_USAGE;
			if (ch == OPT_REPEAT)
				o.repeat = (unsigned long)n;
			else
				o.connections = (unsigned long)n;
			break;
		case OPT_NO_CHECK:
			check = 0;
			break;
		case OPT_PLAIN:
		case OPT_COLOR:
			break;	/* replay output is always plain */
		case OPT_PRACTICE:
			practice = 1;
			break;
		case CMD_OPT_SCENARIO:
		case CMD_OPT_GREYLIST_DELAY:
		case CMD_OPT_REPLY_DELAY:
			if (cmd_scenario_option("replay", ch, optarg,
			    &po.server) == -1)
				return EXIT_USAGE;
			practice = 1;
			break;
		case 'v':
			rep.verbose = 1;
			o.client.state_comments = 1;
			o.client.tls_details = 1;
			break;
		case 'h':
			replay_usage(stdout);
			return EXIT_OK;
		default:
			if ((rc = cmd_tls_option(ch, optarg, &o.client)) != -1 ||
			    (rc = cmd_net_option(ch, optarg, &o.client)) != -1) {
				if (rc != 0)
					return EXIT_USAGE;
				break;
			}
			replay_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (cmd_tls_check(&o.client) != EXIT_OK ||
	    cmd_net_check(&o.client) != EXIT_OK)
		return EXIT_USAGE;
	if (json && (rep.tap || o.interactive)) {
		cmd_error("replay", "--json excludes --tap and --interactive");
		return EXIT_USAGE;
	}
	if (json)
		rep.verbose = 0;	/* standard output is the JSON's */
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2) {
		replay_usage(stderr);
		return EXIT_USAGE;
	}
	if (practice && argc == 2) {
		cmd_error("replay", "--practice starts its own server: give no "
		    "HOST");
		return EXIT_USAGE;
	}
	po.server.lmtp = o.client.lmtp;
	if (argc == 1 && (pid = replay_practice(argv[0], practice, &po,
	    &o.client, &rep, host, sizeof host, port, sizeof port)) < 0)
		return pid == -1 ? EXIT_USAGE : EXIT_CONNECT;
	if (argc == 2 && (cmd_target("replay", argv[1], o.client.tls ? "465" :
	    "25", &target, &o.client) != EXIT_OK ||
	    cmd_net_check(&o.client) != EXIT_OK))
		return EXIT_USAGE;
	if (json) {
		/* JSON Lines: the same run, told by the one writer */
		if ((j = jsonl_new("replay", o.client.show_secrets,
		    cmd_json_emit, NULL)) == NULL) {
			cmd_error("replay", "out of memory");
			status = EXIT_FAILED;
		} else {
			status = replay_run(argv[0], &o, &jsonl_replay_ops, j,
			    &live);
			jsonl_end(j, status);
		}
	} else
		status = replay_run(argv[0], &o, &report_ops, &rep, &live);
	proxy_opts_wipe(&o.client.proxy);
	if (live != NULL) {
		/* the exit status is still the replay's */
		replay_hand_over(live, check);
		client_free(live);
	}
	cmd_practice_stop(pid, &po);
	if (!json)
		report_end(&rep);
	return status;
}
