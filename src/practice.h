/*
 * practice.h -- the protocol engine of the built-in practice server: a
 * small, real RFC 5321 server for learning and for tests.
 *
 * Bytes in, reply bytes out: the engine never touches a socket, a file or
 * a terminal.  It judges every command line with the checker's grammar
 * (verbs_parse() in verbs.c) and answers from its result, decides the
 * order of commands from the verb table's states (state.h), and reports
 * through the hooks its caller gives: one log line per command, and each
 * accepted message to keep.  The network layer (practice_net.c) runs many
 * engines in one poll() loop; unit tests and the fuzz target drive whole
 * dialogues through it directly.
 *
 * Scenarios (--scenario, practice_scenario_list()) make it behave like
 * the servers a learner meets: greylisting, unknown users, full
 * mailboxes, a size limit, relaying denied, TLS or AUTH required, slow
 * replies, strict parsing, a temporary failure, no ESMTP.  A scenario
 * that holds replies (slow) stamps them with a release time the network
 * layer honours (practice_conn_output(), practice_conn_held()): the
 * engine itself never waits.
 *
 * Extensions offered after EHLO: PIPELINING (RFC 2920), SIZE (RFC 1870),
 * 8BITMIME (RFC 6152), ENHANCEDSTATUSCODES (RFC 2034), CHUNKING and
 * BINARYMIME (RFC 3030), DSN (RFC 3461, parameters checked and ignored),
 * SMTPUTF8 (RFC 6531), HELP, STARTTLS (RFC 3207) when the network layer
 * can do TLS (practice_hooks.starttls) until TLS is up, and once TLS is
 * up AUTH (RFC 4954: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256, and with
 * the channel binding SCRAM-SHA-256-PLUS, for the practice account of
 * auth.h; before TLS, AUTH gets 538).  Verbs of the
 * table it does not implement (ETRN, ATRN, BURL and the obsolete ones,
 * STARTTLS without TLS) get 502 5.5.1.
 *
 * With practice_opts.lmtp it speaks LMTP (RFC 2033): LHLO opens the
 * session (HELO and EHLO get 500), and the end of the data gets one reply
 * per recipient, in the order of the RCPT commands (4.2).
 */
#ifndef SMTPSCOPE_PRACTICE_H
#define SMTPSCOPE_PRACTICE_H

#include <stddef.h>

#define PRACTICE_DEFAULT_HOST	"practice.smtpscope.test"
/* SIZE advertised and enforced unless practice_opts.max_size says other. */
#define PRACTICE_DEFAULT_SIZE	10485760
/* RFC 5321 4.5.3.1.8: at least 100 recipients must be buffered; more get
 * 452 4.5.3. */
#define PRACTICE_MAX_RCPTS	100
/*
 * The longest command line the engine reads before it answers 500 and
 * drops the rest.  The grammar decides the real limit of each command
 * (RFC 5321 4.5.3.1.4: 512 octets with CRLF, plus what the parameters'
 * extensions add); this only bounds the memory a connection may take.
 */
#define PRACTICE_LINE_CAP	16384

/* greylist: seconds before a retry of a refused (sender, recipient) is
 * taken (RFC 6647 4.3 leaves the delay to the server); slow: how long
 * each reply is held, in milliseconds. */
#define PRACTICE_GREYLIST_DELAY	30
#define PRACTICE_SLOW_DELAY	1000

struct practice_memory;

struct practice_opts {
	const char	*hostname;	/* name in the greeting; NULL: PRACTICE_DEFAULT_HOST */
	const char	*scenario;	/* NULL or a name from the scenario table */
	size_t		 max_size;	/* 0: PRACTICE_DEFAULT_SIZE octets, or the
					   scenario's (size-limit) */
	unsigned	 greylist_s;	/* 0: PRACTICE_GREYLIST_DELAY */
	unsigned	 delay_ms;	/* 0: PRACTICE_SLOW_DELAY */
	int		 lmtp;		/* speak LMTP (RFC 2033): LHLO, not HELO
					   or EHLO, and one reply per recipient
					   after the data */
	/* What outlives one connection (the greylist), shared by the
	 * connections of one server; NULL: each connection keeps its own. */
	struct practice_memory *memory;
};

/* What a message was sent with (pointers valid during the call). */
struct practice_envelope {
	const char		*from;		/* reverse-path mailbox, "" for <> */
	const char		*params;	/* MAIL parameters as given, "" if none */
	const char *const	*rcpts;
	size_t			 nrcpts;
};

struct practice_hooks {
	/* One log line, without newline, already sanitised and with AUTH
	 * secrets masked: "MAIL FROM:<a@b> -> 250", or an event. */
	void		(*log)(void *arg, const char *line);
	/* A message was accepted: keep it.  Returns its number (> 0), or
	 * 0 with err set when it could not be kept (the client gets 451).
	 * NULL: nothing kept, messages numbered per connection. */
	unsigned long	(*deliver)(void *arg, const struct practice_envelope *,
			    const char *body, size_t len, char *err,
			    size_t errlen);
	/* The time in milliseconds (a monotonic clock): when a greylisted
	 * retry may come, when a held reply is released.  NULL: time
	 * stands still, and replies are never held. */
	double		(*clock)(void *arg);
	/* STARTTLS was answered 220: start TLS once the output is sent,
	 * then call practice_conn_tls_started().  Until then the engine
	 * drops whatever it is given (RFC 3207 5).  NULL: no TLS here;
	 * STARTTLS is neither offered nor implemented. */
	void		(*starttls)(void *arg);
	void		*arg;
};

/* Check opts (the scenario name).  Returns 0 or -1 with err set. */
int practice_check_opts(const struct practice_opts *, char *err, size_t errlen);

/* The scenarios, in the order --list-scenarios shows them: the i-th name
 * and, in *teaches, what it teaches; NULL past the end.  "default" is
 * also accepted, for "normal". */
const char *practice_scenario_list(size_t i, const char **teaches);

/* The canonical name of a scenario ("normal" for NULL or "default"), or
 * NULL when there is no such scenario. */
const char *practice_scenario_name(const char *name);

/* Memory shared by the connections of one server (the greylist's
 * sender-recipient pairs, bounded).  NULL when out of memory. */
struct practice_memory *practice_memory_new(void);
void practice_memory_free(struct practice_memory *);

struct practice_conn;

/* A new connection; the 220 greeting is already in its output.  opts is
 * copied (its strings are borrowed and must outlive the connection);
 * hooks may be NULL.  Returns NULL when out of memory. */
struct practice_conn *practice_conn_new(const struct practice_opts *opts,
    const struct practice_hooks *hooks);
void practice_conn_free(struct practice_conn *);

/* Bytes from the client, in any split.  Replies are appended to the
 * output in command order (RFC 2920 pipelining).  Returns 1 once the
 * connection is finished (QUIT answered, or a 421): send what is in the
 * output, then close.  Otherwise 0.  Input after that is ignored. */
int practice_conn_input(struct practice_conn *, const void *buf, size_t len);

/* The client closed its side (or vanished): an unfinished message is
 * dropped.  Any output left may still be sent. */
void practice_conn_eof(struct practice_conn *);

/* Output that may be sent now (a held reply is not, until its release
 * time on the clock hook); *len gets its size.  practice_conn_consume()
 * drops the first n octets once they are sent. */
const char *practice_conn_output(const struct practice_conn *, size_t *len);
void practice_conn_consume(struct practice_conn *, size_t n);

/* The clock time (ms) when held output is released next, or 0 when no
 * output is held. */
double practice_conn_held(const struct practice_conn *);

/* 1 once the connection is finished (see practice_conn_input()); close
 * it once its output, held output included, is sent. */
int practice_conn_done(const struct practice_conn *);

/* TLS is up on the connection (the network layer did the handshake,
 * after STARTTLS or at once on an implicit TLS port): the session starts
 * over (RFC 3207 4.2), EHLO offers AUTH and no longer STARTTLS. */
void practice_conn_tls_started(struct practice_conn *);

/* The TLS channel binding as this server sees it (tls-exporter under TLS
 * 1.3, tls-unique before): with it EHLO offers SCRAM-SHA-256-PLUS too
 * (RFC 5802 6).  Call after practice_conn_tls_started(). */
void practice_conn_channel_binding(struct practice_conn *, const char *type,
    const unsigned char *data, size_t len);

/* For the unit tests: 1 while the engine is reading a DATA body or a
 * BDAT chunk; the messages accepted on this connection, and the body of
 * the last one when no deliver hook took it (exactly the octets stored:
 * DATA unstuffed, BDAT chunks joined). */
int practice_conn_in_message_for_test(const struct practice_conn *);
unsigned long practice_conn_messages_for_test(const struct practice_conn *);
const char *practice_conn_last_message_for_test(const struct practice_conn *,
    size_t *len);

#endif
