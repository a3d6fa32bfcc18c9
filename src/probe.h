/*
 * probe.h -- the one driver of a whole SMTP conversation without a user:
 * connect, greeting, EHLO, STARTTLS, EHLO again, AUTH, MAIL, RCPT,
 * DATA and the message, QUIT, each step sent through the client engine
 * and its reply waited for, stopping at a chosen step or at the first
 * one refused.  Serves `smtpscope mx` (greeting, EHLO, STARTTLS when
 * offered, QUIT for every address) and the console's one-shot probes
 * and test messages (--quit-after, --to, --from).  Never prints: the
 * engine's callbacks show what happens; the result says how far it
 * went.
 */
#ifndef SMTPSCOPE_PROBE_H
#define SMTPSCOPE_PROBE_H

#include <stddef.h>
#include "client.h"
#include "compose.h"
#include "exitcode.h"
#include "tls.h"

/*
 * The steps, in order.  As a result: the step the conversation was at
 * when it stopped short (PROBE_DONE: it went as far as asked).  As
 * --quit-after: the last step done before QUIT (probe_step_lookup()).
 */
enum probe_step {
	PROBE_CONNECT,		/* the connection (and --tls's handshake) */
	PROBE_BANNER,		/* the 220 greeting */
	PROBE_EHLO,		/* EHLO accepted: with STARTTLS, the EHLO
				   after the handshake */
	PROBE_TLS,		/* STARTTLS answered 220 and the handshake
				   done (--tls: the greeting read over it) */
	PROBE_AUTH,		/* AUTH accepted (235) */
	PROBE_MAIL,		/* MAIL FROM answered */
	PROBE_RCPT,		/* every RCPT TO answered */
	PROBE_DATA,		/* the message sent and its reply read */
	PROBE_DONE,
};

/* One --quit-after point: its name and what it means exactly. */
struct probe_point {
	const char	*name;
	enum probe_step	 step;
	const char	*what;
};
/* The table of --quit-after points, in the order of the steps. */
const struct probe_point *probe_points(size_t *n);
/* The point named name (case-insensitive), or NULL. */
const struct probe_point *probe_step_lookup(const char *name);

enum probe_tls {
	PROBE_TLS_NONE,		/* no STARTTLS (plain, or --tls) */
	PROBE_TLS_OFFERED,	/* STARTTLS when the EHLO reply offers it */
	PROBE_TLS_REQUIRED,	/* --starttls: no TLS, no going on (the
				   session ends with EXIT_CONNECT) */
};

/* What to do: how far to go and with what. */
struct probe_plan {
	enum probe_step		 quit_after;	/* PROBE_DATA: a whole message */
	enum probe_tls		 starttls;
	int			 helo_fallback;	/* HELO when EHLO is answered 500
						   or 502 (RFC 5321 3.2), if
						   neither STARTTLS nor AUTH is
						   needed */
	const struct auth_opts	*auth;		/* --auth, with its secret;
						   NULL: no AUTH */
	const char		*from;		/* MAIL FROM:<from> ("": <>) */
	const char *const	*to;		/* RCPT TO:<to[i]> */
	size_t			 nto;
	const struct compose_opts *message;	/* the header of the message
						   (PROBE_DATA); its from and
						   to are the envelope's */
	const char		*body;		/* the body (any line ends),
						   or NULL: */
	size_t			 bodylen;
	const char		*body_file;	/* ... a file streamed (as
						   :data does), or NULL:
						   COMPOSE_BODY */
};

/* How far it went. */
struct probe_result {
	int		 ok;		/* every step went as hoped */
	enum probe_step	 step;		/* where it stopped short */
	double		 ms;		/* from connect to the last reply */
	int		 greeting;	/* reply codes, 0 when none came */
	int		 ehlo;
	int		 starttls;	/* 1 when offered in the EHLO reply */
	int		 tls;		/* 1 when the handshake completed */
	char		 tls_summary[256];	/* tls_summary() */
	struct tls_info	 tls_info;	/* tls_get_info(): the certificates */
	int		 verified;	/* certificate verified: against the
					   CAs and name, or by DANE */
	int		 dane_depth;	/* tls_dane(): depth, -1, -2 */
	unsigned char	 dane_usage, dane_selector, dane_mtype;
	size_t		 accepted;	/* recipients accepted */
	char		 error[512];	/* why it stopped short, or "" */
};

/*
 * Run plan on c, made by the caller with client_new() (not connected,
 * without the engine's automatic STARTTLS and AUTH: client_opts'
 * starttls and auth.mech clear; the plan says what to do).  Everything
 * the engine reports goes on to show and arg (show may be NULL); the
 * probe says through client_message() why it stops short and where it
 * quits.  Ends with QUIT, unless the connection is gone, no reply came,
 * or quit_after is PROBE_CONNECT (closed without a word).  Fills *res;
 * returns the exit status: EXIT_OK every step went as hoped, EXIT_FAILED
 * a step was refused (at PROBE_RCPT a recipient; for a message, no
 * recipient or the message) or the connection was lost, EXIT_CONNECT no
 * connection, no greeting or no TLS, EXIT_USAGE the --record file.
 */
enum exitcode probe_drive(struct client *c, const struct probe_plan *plan,
    const struct client_ops *show, void *arg, struct probe_result *res);

/* The MX probe's options. */
struct probe_opts {
	const char	*addr;		/* numeric address */
	const char	*port;
	const char	*name;		/* the MX name: TLS verification, SNI */
	const char	*helo;		/* name to send with EHLO (NULL:
					   client_ehlo_name()) */
	int		 timeout_s;	/* connect and each reply */
	const char	*cafile;	/* NULL: the system CAs */
	const struct tls_tlsa *tlsa;	/* DANE records of name, or NULL */
	size_t		 ntlsa;
};

/* `smtpscope mx`: greeting, EHLO, STARTTLS when offered (the handshake
 * finished whatever the verification says: the result is judged by the
 * caller), EHLO, QUIT, shown to nobody.  Returns 0 when it was ok, -1
 * otherwise; the result says how far it went and why it stopped. */
int probe_run(const struct probe_opts *, struct probe_result *);

#endif
