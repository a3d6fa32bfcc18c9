/*
 * practice.h -- the built-in practice server: a small, real RFC 5321
 * server on 127.0.0.1 for learning and for tests.
 *
 * Two layers.  The protocol engine (struct practice_conn) takes the bytes a
 * client sent and produces the bytes to send back; it never touches a
 * socket, so unit tests and the fuzz target drive whole dialogues through
 * it.  The network layer (practice_listen, practice_run, practice_spawn)
 * runs one non-blocking poll() loop over many such engines.
 *
 * Extensions offered after EHLO: PIPELINING (RFC 2920), SIZE (RFC 1870),
 * 8BITMIME (RFC 6152), ENHANCEDSTATUSCODES (RFC 2034), CHUNKING and
 * BINARYMIME (RFC 3030), DSN (RFC 3461, parameters checked and ignored),
 * SMTPUTF8 (RFC 6531), HELP.  Not offered: STARTTLS and AUTH (502 5.5.1).
 */
#ifndef SMTPSCOPE_PRACTICE_H
#define SMTPSCOPE_PRACTICE_H

#include <signal.h>
#include <stddef.h>

#define PRACTICE_DEFAULT_PORT	2525
#define PRACTICE_DEFAULT_HOST	"practice.smtpscope.test"
/* SIZE advertised and enforced unless practice_opts.max_size says other. */
#define PRACTICE_DEFAULT_SIZE	10485760
#define PRACTICE_DEFAULT_CLIENTS 64
/* RFC 5321 4.5.3.1.8: at least 100 recipients must be buffered; more get
 * 452 4.5.3. */
#define PRACTICE_MAX_RCPTS	100
/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets with CRLF. */
#define PRACTICE_LINE_MAX	512

struct practice_opts {
	const char	*hostname;	/* name in the greeting; NULL: "practice.smtpscope.test" */
	const char	*store_dir;	/* keep accepted messages here, or NULL */
	const char	*scenario;	/* NULL or "default" */
	int		 max_clients;	/* 0: 64 */
	int		 quiet;		/* no log lines on stderr */
	size_t		 max_size;	/* 0: PRACTICE_DEFAULT_SIZE octets */
};

/* Listen on addr:port (port 0 picks a free one).  Returns the listening
 * socket and the port in *bound, or -1 with err set. */
int practice_listen(const char *addr, int port, int *bound, char *err, size_t errlen);

/* Serve clients on the listening socket until *stop becomes non-zero
 * (signal handler) or a fatal error.  Returns 0 or -1 with err set.
 * Log lines (one per connection event and per command) go to stderr
 * unless opts->quiet.  SIGPIPE is not raised (writes use MSG_NOSIGNAL). */
int practice_run(int listen_fd, const struct practice_opts *,
    volatile sig_atomic_t *stop, char *err, size_t errlen);

/* Messages accepted since practice_run() started (this process). */
unsigned long practice_messages(void);

/* Fork a child serving on a fresh port on 127.0.0.1; returns its pid and
 * the port in *port, or -1 with err set.  The port is bound before the
 * fork, so it accepts connections as soon as this returns.  The child is
 * quiet, leaves the terminal's process group (Ctrl-C in the console does
 * not reach it), and exits when the parent dies.  The caller stops it
 * with SIGTERM, or with practice_stop(). */
int practice_spawn(const struct practice_opts *, int *port, char *err, size_t errlen);

/* SIGTERM the child from practice_spawn() and reap it.  Returns its exit
 * status (0 on a clean stop) or -1. */
int practice_stop(int pid);

/* Check opts (scenario name, store directory: created when missing).
 * Returns 0 or -1 with err set. */
int practice_check_opts(const struct practice_opts *, char *err, size_t errlen);

/* --- the protocol engine, without sockets ------------------------------- */

struct practice_conn;

/* A new connection; the 220 greeting is already in its output.  opts is
 * copied (its strings are borrowed and must outlive the connection).  log,
 * if not NULL, receives one line (no newline) per command with its reply
 * code.  Returns NULL when out of memory. */
struct practice_conn *practice_conn_new(const struct practice_opts *opts,
    void (*log)(void *arg, const char *line), void *logarg);
void practice_conn_free(struct practice_conn *);

/* Bytes from the client, in any split.  Replies are appended to the
 * output in command order (RFC 2920 pipelining).  Returns 1 once the
 * connection is finished (QUIT answered): send what is in the output,
 * then close.  Otherwise 0.  Input after that is ignored. */
int practice_conn_input(struct practice_conn *, const void *buf, size_t len);

/* The client closed its side (or vanished): an unfinished message is
 * dropped.  Any output left may still be sent. */
void practice_conn_eof(struct practice_conn *);

/* Pending output; *len gets its size.  practice_conn_consume() drops the
 * first n octets once they are sent. */
const char *practice_conn_output(const struct practice_conn *, size_t *len);
void practice_conn_consume(struct practice_conn *, size_t n);

/* 1 once QUIT was answered. */
int practice_conn_done(const struct practice_conn *);

/* 1 while the engine is reading a DATA body or a BDAT chunk. */
int practice_conn_in_message(const struct practice_conn *);

/* Messages accepted on this connection, and the body of the last one
 * (exactly the octets stored: DATA unstuffed, BDAT chunks joined). */
unsigned long practice_conn_messages(const struct practice_conn *);
const char *practice_conn_last_message(const struct practice_conn *, size_t *len);

#endif
