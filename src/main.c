/*
 * main.c -- argv to subcommand; nothing else.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct {
	const char	*name;
	int		(*run)(int, char **);
} subcommands[] = {
	{ "practice",	cmd_practice },
	{ "serve",	cmd_serve },
	{ "explain",	cmd_explain },
	{ "lint",	cmd_lint },
	{ "replay",	cmd_replay },
	{ "mx",		cmd_mx },
};

void
usage(FILE *f)
{
	fputs(
"usage: smtpscope [options] HOST[:PORT]     open a console on an SMTP server\n"
"       smtpscope [options] lmtp://HOST:PORT | unix:PATH   ... on an LMTP server\n"
"       smtpscope [options] --mx DOMAIN      console on the first MX host that answers\n"
"       smtpscope practice [options]         console on the built-in practice server\n"
"       smtpscope serve [--port N] [--tls-port N] [--scenario NAME]\n"
"                                            run the practice server alone\n"
"                                            (smtpscope serve --help for its options)\n"
"       smtpscope explain CODE [X.Y.Z]       explain a reply code offline\n"
"       smtpscope lint 'COMMAND LINE'        syntax-check one command offline\n"
"       smtpscope replay FILE [HOST[:PORT]]  replay a session file, check replies\n"
"       smtpscope mx [options] DOMAIN        probe every MX host of a domain\n"
"                                            (smtpscope mx --help for its options)\n"
"\n"
"options:\n"
"  -4, -6               use IPv4 / IPv6 only\n"
"  --timeout S          connect and read timeout in seconds (default 30)\n"
"  --tls                implicit TLS (default when the port is 465)\n"
"  --starttls           upgrade with STARTTLS right after EHLO; nothing but\n"
"                       EHLO, NOOP, RSET and QUIT goes out before TLS (other\n"
"                       lines wait for it), and no TLS ends the session (3)\n"
"  --plain              line mode, no split view\n"
"  --json               line mode for scripts: one JSON object per event on\n"
"                       standard output (docs/json.md); never a prompt\n"
"  -v, --verbose        line mode: the full explanation under each reply\n"
"                       (default: one line; :explain CODE for more); the\n"
"                       details of each TLS handshake (:tls shows them)\n"
"  --no-check           send lines without syntax and order checks\n"
"  --learn, --no-learn  a short \"why\" in each explanation (default: on in\n"
"                       smtpscope practice, off elsewhere)\n"
"  --pipeline           in pipes, send commands in RFC 2920 groups when the\n"
"                       server advertises PIPELINING (default: one at a time)\n"
"  --record FILE        write the session to FILE as it goes\n"
"  --latency            with --record: each reply's latency as a comment\n"
"  --auth MECH          log in after EHLO (after TLS with --starttls) with\n"
"                       PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256,\n"
"                       their -PLUS variants, XOAUTH2 or OAUTHBEARER; each\n"
"                       step explained (:auth MECH [USER] in the console)\n"
"  --auth-user USER     the user for --auth and :auth\n"
"  --auth-password-file FILE  the password on FILE's first line; otherwise\n"
"                       SMTPSCOPE_PASSWORD, or asked without echo on a\n"
"                       terminal (tokens: SMTPSCOPE_TOKEN)\n"
"  --show-secrets       do not mask the AUTH lines (screen, recordings, :save)\n"
"  --color=WHEN         auto, always or never (NO_COLOR is honoured)\n"
"  --scrollback N       entries (lines sent, replies) kept by the split view\n"
"                       (default 100000)\n"
"  --mx DOMAIN          connect to DOMAIN's first MX host that answers\n"
"  --port N             with --mx: the port (default 25)\n"
"  --resolver ADDR[:PORT]  with --mx: ask this DNS server (default:\n"
"                       /etc/resolv.conf)\n"
"  --dns-trust-anchor FILE  DNSSEC trust anchor (default: the root key)\n"
"  --ehlo NAME          the name of the EHLO smtpscope says by itself (default:\n"
"                       this host's name when it has a dot, else [address])\n"
"  -h, --help           this help\n"
"  -V, --version        version\n"
"\n"
"one-shot probes and test messages (no console; every step shown):\n"
"  --quit-after POINT   stop there and QUIT: connect (nothing sent), banner,\n"
"                       tls, ehlo, auth, mail, rcpt, data\n"
"  --from ADDRESS       the sender, MAIL FROM (--from '' for <>)\n"
"  --to ADDRESS         a recipient, RCPT TO (repeatable); --from and --to\n"
"                       send one test message (exit 0 on 250 to its end)\n"
"  --header 'NAME: VALUE'  a header field (repeatable); Date, From, To,\n"
"                       Subject and Message-ID are made unless given\n"
"  --body FILE|TEXT     the body: FILE when it exists, else TEXT\n"
"\n"
"practice options:\n"
"  --scenario NAME      how the practice server behaves (default normal)\n"
"  --list-scenarios     each scenario and what it teaches\n"
"  --greylist-delay S   greylist: seconds before a retry is taken (default 30)\n"
"  --reply-delay MS     slow: how long each reply is held (default 1000)\n"
"\n"
"connection:\n"
CMD_NET_USAGE
"\n"
"TLS:\n"
CMD_TLS_USAGE
"  --show-certs         after each handshake, print the chain the server\n"
"                       sent, in PEM\n", f);
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc >= 2) {
		for (i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
			if (strcmp(argv[1], subcommands[i].name) == 0)
				return subcommands[i].run(argc - 1, argv + 1);
	}
	/* the console's options, --help and --version among them */
	return cmd_connect(argc, argv);
}
