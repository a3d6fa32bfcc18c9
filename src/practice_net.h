/*
 * practice_net.h -- the network layer of the practice server: listen on
 * 127.0.0.1, one non-blocking poll() loop over many protocol engines
 * (practice.h), TLS (STARTTLS, RFC 3207, and implicit TLS, RFC 8314 3.3)
 * with a certificate made at start or read from files, the message store,
 * timeouts, and the child that `smtpscope practice` starts.  It logs
 * through a callback its front end supplies and never writes to the
 * terminal itself.
 */
#ifndef SMTPSCOPE_PRACTICE_NET_H
#define SMTPSCOPE_PRACTICE_NET_H

#include <signal.h>
#include <stddef.h>

#include "practice.h"

#define PRACTICE_NET_DEFAULT_PORT	2525
#define PRACTICE_NET_DEFAULT_CLIENTS	64
/* Seconds a connection may stay silent before its first command, and
 * between commands (RFC 5321 4.5.3.2.7: at least 5 minutes). */
#define PRACTICE_NET_FIRST_TIMEOUT	60
#define PRACTICE_NET_IDLE_TIMEOUT	(5 * 60)

struct practice_net_tls;

struct practice_net_opts {
	struct practice_opts	 server;	/* the engine's options */
	/* TLS (practice_net_tls_new()): STARTTLS is offered, and a TLS
	 * port may be served.  NULL: plain only. */
	struct practice_net_tls	*tls;
	const char		*store_dir;	/* keep accepted messages here, or NULL */
	int			 max_clients;	/* 0: 64; when full, the longest
						   idle client makes room */
	int			 first_timeout;	/* seconds; 0: the default */
	int			 idle_timeout;	/* seconds; 0: the default */
	/* One log line (no newline): id is the connection's number, 0 for
	 * the server itself.  NULL: quiet. */
	void			(*log)(void *arg, unsigned long id,
				    const char *line);
	void			*logarg;
};

/* Check opts (the engine's, and the store directory: created when
 * missing) and load GNU SASL, which AUTH needs (practice_auth_load()).
 * Returns 0 or -1 with err set. */
int practice_net_check(const struct practice_net_opts *, char *err,
    size_t errlen);

/* Listen on addr:port (port 0 picks a free one).  Returns the listening
 * socket and the port in *bound, or -1 with err set. */
int practice_net_listen(const char *addr, int port, int *bound, char *err,
    size_t errlen);

/*
 * TLS for the practice server: the certificate (a chain may follow it)
 * and key of cert_file and key_file (PEM; key_file NULL: in cert_file),
 * or, with cert_file NULL, a new P-256 key and a certificate signed by
 * itself for hostname (NULL: PRACTICE_DEFAULT_HOST), localhost and
 * 127.0.0.1, made in memory.  TLS 1.2 and later.  NULL with err set.
 */
struct practice_net_tls *practice_net_tls_new(const char *cert_file,
    const char *key_file, const char *hostname, char *err, size_t errlen);
void practice_net_tls_free(struct practice_net_tls *);
/* The server's certificate in PEM, for a client to trust it. */
const char *practice_net_tls_pem(const struct practice_net_tls *);

/* Serve clients on the listening socket (and on tls_fd, whose clients
 * speak TLS from the first octet, unless -1; it needs opts->tls) until
 * *stop becomes non-zero (a signal handler sets it) or a fatal error.
 * *accepted counts the messages accepted.  Returns 0, or -1 with err
 * set.  Writes use MSG_NOSIGNAL: no SIGPIPE. */
int practice_net_run(int listen_fd, int tls_fd,
    const struct practice_net_opts *, volatile sig_atomic_t *stop,
    unsigned long *accepted, char *err, size_t errlen);

/* Fork a child serving on a fresh port on 127.0.0.1; returns its pid and
 * the port in *port, or -1 with err set.  The port is bound before the
 * fork, so it accepts connections as soon as this returns.  The child
 * never logs, leaves the terminal's process group (Ctrl-C in the console
 * does not reach it), exits when the parent dies, and waits 30 minutes
 * for a command unless opts say other (one learner thinks).  Stop it with
 * practice_net_stop(). */
int practice_net_spawn(const struct practice_net_opts *, int *port,
    char *err, size_t errlen);

/* SIGTERM the child from practice_net_spawn() and reap it.  Returns its
 * exit status (0 on a clean stop) or -1. */
int practice_net_stop(int pid);

#endif
