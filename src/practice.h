/*
 * practice.h -- the built-in practice server: a small, real RFC 5321
 * server on 127.0.0.1 for learning and for tests.
 */
#ifndef SMTPSCOPE_PRACTICE_H
#define SMTPSCOPE_PRACTICE_H

#include <signal.h>
#include <stddef.h>

struct practice_opts {
	const char	*hostname;	/* name in the greeting; NULL: "practice.smtpscope.test" */
	const char	*store_dir;	/* keep accepted messages here, or NULL */
	const char	*scenario;	/* NULL or "default" */
	int		 max_clients;	/* 0: 64 */
	int		 quiet;		/* no log lines on stderr */
};

/* Listen on addr:port (port 0 picks a free one).  Returns the listening
 * socket and the port in *bound, or -1 with err set. */
int practice_listen(const char *addr, int port, int *bound, char *err, size_t errlen);

/* Serve clients on the listening socket until *stop becomes non-zero
 * (signal handler) or a fatal error.  Returns 0 or -1 with err set. */
int practice_run(int listen_fd, const struct practice_opts *,
    volatile sig_atomic_t *stop, char *err, size_t errlen);

/* Messages accepted since practice_run() started (this process). */
unsigned long practice_messages(void);

/* Fork a child serving on a fresh port on 127.0.0.1; returns its pid and
 * the port in *port, or -1 with err set.  The caller kills it (SIGTERM). */
int practice_spawn(const struct practice_opts *, int *port, char *err, size_t errlen);

#endif
