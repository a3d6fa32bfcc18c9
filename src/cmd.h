/*
 * cmd.h -- the subcommands main() dispatches to.  Each returns the
 * process exit status.
 */
#ifndef SMTPSCOPE_CMD_H
#define SMTPSCOPE_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "client.h"
#include "exitcode.h"

int cmd_connect(int argc, char **argv);		/* smtpscope [opts] HOST[:PORT] */
int cmd_practice(int argc, char **argv);	/* smtpscope practice */
int cmd_serve(int argc, char **argv);		/* smtpscope serve */
int cmd_explain(int argc, char **argv);		/* smtpscope explain */
int cmd_lint(int argc, char **argv);		/* smtpscope lint */
int cmd_replay(int argc, char **argv);		/* smtpscope replay */
int cmd_mx(int argc, char **argv);		/* smtpscope mx */

/* The console's --mx: the first address of DOMAIN's MX hosts, in
 * preference order, that accepts a connection on port (each refusal
 * shown on stderr).  Fills addr and the host's name; returns EXIT_OK, or
 * EXIT_USAGE, or EXIT_CONNECT when nothing answered. */
enum exitcode cmd_mx_pick(const char *domain, const char *resolver,
    const char *anchor, const char *port, int family, int timeout_s,
    char *addr, size_t addrlen, char *name, size_t namelen);

/*
 * The value of numeric option opt ("--timeout") of subcommand cmd
 * ("replay"; NULL for the console and practice), as typed in arg, into
 * *out.  The range is the option's row in cmd.c's table (every numeric
 * option has one).  Returns 0, or -1 after one line on stderr naming the
 * option, its range and the value refused ("smtpscope: replay: --repeat
 * takes a count from 1 to 100000000, not \"0\"").
 */
int cmd_number(const char *cmd, const char *opt, const char *arg, long *out);

/* --ehlo NAME (the console, the probes, `smtpscope mx`): 0 when arg is
 * a domain or an address literal (RFC 5321 4.1.1.1), -1 after an error
 * line. */
int cmd_ehlo_check(const char *arg);

/* The display columns an argument quoted in an error line takes at most. */
#define CMD_QUOTE_WIDTH		60

/*
 * An argument as an error line quotes it: through sanitize() (nothing
 * typed drives the terminal) and, when longer than CMD_QUOTE_WIDTH
 * columns, shortened with an ellipsis (sanitize_shorten()).  Into buf;
 * returns buf.
 */
const char *cmd_quote(const char *arg, char *buf, size_t size);

/*
 * One error line on stderr: "smtpscope: CMD: TEXT" ("smtpscope: TEXT"
 * when cmd is NULL), the text made safe to show, as it may quote what the
 * user typed or a file name.
 */
void cmd_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The practice server's scenarios, one a line: name, what it teaches
 * (--list-scenarios of serve and practice). */
void cmd_list_scenarios(FILE *f);

/* The options every command that starts a practice server takes, as
 * getopt_long() entries (CMD_SCENARIO_LONG_OPTIONS) and values:
 * --scenario NAME, --greylist-delay S, --reply-delay MS.
 * cmd_scenario_option() stores one into o; -1 with a message on stderr
 * (cmd_number() of subcommand cmd) when its value is bad. */
enum {
	CMD_OPT_SCENARIO = 1100,	/* after the TLS options below */
	CMD_OPT_GREYLIST_DELAY,
	CMD_OPT_REPLY_DELAY,
};

#define CMD_SCENARIO_LONG_OPTIONS \
	{ "scenario",	  required_argument, NULL, CMD_OPT_SCENARIO }, \
	{ "greylist-delay", required_argument, NULL, CMD_OPT_GREYLIST_DELAY }, \
	{ "reply-delay",  required_argument, NULL, CMD_OPT_REPLY_DELAY }
struct practice_opts;
int cmd_scenario_option(const char *cmd, int opt, const char *arg,
    struct practice_opts *o);

/*
 * The practice server a console or a replay talks to (smtpscope
 * practice, replay --practice): po->server's scenario served by a child
 * on a free port of 127.0.0.1, with STARTTLS on a certificate made now
 * (into po->tls), and o pointed at it: host and port (written into host
 * and port), that certificate trusted unless --cafile or --capath says
 * other, the scenario named for the recordings (o->practice).  Returns
 * the child's pid, or -1 after an error line ("smtpscope: CMD: cannot
 * start the practice server: ...").  cmd_practice_stop() ends it and
 * frees po->tls.
 */
struct practice_net_opts;
int cmd_practice_start(const char *cmd, struct practice_net_opts *po,
    struct client_opts *o, char *host, size_t hostlen, char *port,
    size_t portlen);
void cmd_practice_stop(int pid, struct practice_net_opts *po);

/*
 * RFC 8314 3.3: port 465 is implicit TLS.  Sets o->tls when o->port is
 * 465, unless --starttls or LMTP says other.
 */
void cmd_implicit_tls(struct client_opts *o);

/* --json: one line of JSON Lines (jsonl.h) on standard output, flushed
 * at once, for a script reading as the session goes. */
void cmd_json_emit(void *arg, const char *line);

/* Usage text to stream f. */
void usage(FILE *f);

/*
 * The TLS options of `smtpscope HOST` and `smtpscope replay`: getopt_long
 * entries (CMD_TLS_LONG_OPTIONS, in each command's table), their usage
 * lines, and one parser for both.
 */
enum {
	CMD_OPT_CAFILE = 1000, CMD_OPT_CAPATH, CMD_OPT_INSECURE,
	CMD_OPT_TLS_NAME, CMD_OPT_CERT, CMD_OPT_KEY, CMD_OPT_TLS_MIN,
	CMD_OPT_TLS_MAX, CMD_OPT_CIPHERS, CMD_OPT_CIPHERSUITES,
};

#define CMD_TLS_LONG_OPTIONS \
	{ "cafile",	  required_argument, NULL, CMD_OPT_CAFILE }, \
	{ "capath",	  required_argument, NULL, CMD_OPT_CAPATH }, \
	{ "insecure",	  no_argument,	     NULL, CMD_OPT_INSECURE }, \
	{ "tls-name",	  required_argument, NULL, CMD_OPT_TLS_NAME }, \
	{ "cert",	  required_argument, NULL, CMD_OPT_CERT }, \
	{ "key",	  required_argument, NULL, CMD_OPT_KEY }, \
	{ "tls-min",	  required_argument, NULL, CMD_OPT_TLS_MIN }, \
	{ "tls-max",	  required_argument, NULL, CMD_OPT_TLS_MAX }, \
	{ "ciphers",	  required_argument, NULL, CMD_OPT_CIPHERS }, \
	{ "ciphersuites", required_argument, NULL, CMD_OPT_CIPHERSUITES }

#define CMD_TLS_USAGE \
"  --cafile FILE        verify the server against the CAs in FILE\n" \
"  --capath DIR         ... or in DIR (hashed, as made by c_rehash)\n" \
"  --insecure           go on when a check of the certificate fails\n" \
"                       (every failed check is still named)\n" \
"  --tls-name NAME      send NAME as SNI and check the certificate for it\n" \
"                       (default: the host as given)\n" \
"  --cert FILE          client certificate (PEM), for servers that ask\n" \
"  --key FILE           its private key (default: read from the --cert file)\n" \
"  --tls-min V, --tls-max V   TLS versions to offer, 1.0 to 1.3 (default\n" \
"                       1.2 and up; 1.0 and 1.1 need OpenSSL's security\n" \
"                       level 0: --ciphers 'DEFAULT:@SECLEVEL=0')\n" \
"  --ciphers LIST       TLS 1.2 and older ciphers to offer (OpenSSL syntax)\n" \
"  --ciphersuites LIST  TLS 1.3 cipher suites to offer (OpenSSL syntax)\n"

/* Apply TLS option ch (a CMD_OPT_* value) with its argument to o:
 * EXIT_OK done, EXIT_USAGE a bad value (said on stderr), -1 ch is not a
 * TLS option. */
int cmd_tls_option(int ch, const char *arg, struct client_opts *o);

/*
 * The options of how the connection is made, for `smtpscope HOST` and
 * `smtpscope replay`: getopt_long entries (CMD_NET_LONG_OPTIONS), their
 * usage lines, and one parser for both.
 */
enum {
	CMD_OPT_LMTP = 1200, CMD_OPT_SOCKS5, CMD_OPT_PROXY_PROTOCOL,
	CMD_OPT_PROXY_SOURCE,
};

#define CMD_NET_LONG_OPTIONS \
	{ "lmtp",	  no_argument,	     NULL, CMD_OPT_LMTP }, \
	{ "socks5",	  required_argument, NULL, CMD_OPT_SOCKS5 }, \
	{ "proxy-protocol", required_argument, NULL, CMD_OPT_PROXY_PROTOCOL }, \
	{ "proxy-source", required_argument, NULL, CMD_OPT_PROXY_SOURCE }

#define CMD_NET_USAGE \
"  --lmtp               speak LMTP (RFC 2033): LHLO, and one reply per\n" \
"                       recipient after the data (also lmtp://HOST:PORT,\n" \
"                       or unix:PATH for a Unix socket)\n" \
"  --socks5 [USER:PASS@]HOST:PORT  through this SOCKS5 proxy (RFC 1928;\n" \
"                       USER:PASS: RFC 1929), which resolves the server's\n" \
"                       name; the password is never shown or recorded\n" \
"  --proxy-protocol v1|v2  send a HAProxy PROXY header first, as a load\n" \
"                       balancer does (Postfix: smtpd_upstream_proxy_protocol)\n" \
"  --proxy-source ADDR:PORT  the client it names (default: our own address)\n"

/* Apply connection option ch (a CMD_OPT_* value above) with its argument
 * to o: EXIT_OK done, EXIT_USAGE a bad value (said on stderr), -1 ch is
 * not such an option.  The password of --socks5 is overwritten in arg
 * (the process's arguments), so that ps(1) does not show it. */
int cmd_net_option(int ch, char *arg, struct client_opts *o);

/* Once every option is read: the connection options agree with each
 * other.  EXIT_OK, or EXIT_USAGE (said on stderr). */
int cmd_net_check(const struct client_opts *o);

/*
 * The server argument (HOST[:PORT], lmtp://HOST:PORT or unix:PATH,
 * net_parse_target()) into o: host and port (pointing into t), or the
 * Unix socket, LMTP when the form says so, and implicit TLS on port 465
 * (cmd_implicit_tls()).  EXIT_OK, or EXIT_USAGE (said on stderr).
 */
struct net_target;
int cmd_target(const char *cmd, const char *arg, const char *default_port,
    struct net_target *t, struct client_opts *o);

/* Once every option is read: check the TLS options (files, cipher lists,
 * versions) before connecting.  EXIT_OK, or EXIT_USAGE (said on
 * stderr). */
int cmd_tls_check(const struct client_opts *o);

#endif
