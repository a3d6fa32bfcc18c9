/*
 * probe.h -- one short SMTP conversation with one address of a mail host
 * (connect, greeting, EHLO, STARTTLS when offered, QUIT) through the
 * client engine, and what it showed.  Never prints.
 */
#ifndef SMTPSCOPE_PROBE_H
#define SMTPSCOPE_PROBE_H

#include <stddef.h>
#include "tls.h"

struct probe_opts {
	const char	*addr;		/* numeric address */
	const char	*port;
	const char	*name;		/* the MX name: TLS verification, SNI */
	const char	*helo;		/* name to send with EHLO */
	int		 timeout_s;	/* connect and each reply */
	const char	*cafile;	/* NULL: the system CAs */
	const struct tls_tlsa *tlsa;	/* DANE records of name, or NULL */
	size_t		 ntlsa;
};

/* How far the conversation went. */
enum probe_step {
	PROBE_CONNECT,		/* no connection */
	PROBE_GREETING,		/* connected, no usable greeting */
	PROBE_EHLO,		/* greeted, EHLO not accepted */
	PROBE_STARTTLS,		/* STARTTLS offered, TLS not set up */
	PROBE_DONE,		/* all done (QUIT sent) */
};

struct probe_result {
	int		 ok;		/* greeted, EHLO accepted, and TLS
					   set up when offered */
	enum probe_step	 step;
	double		 ms;		/* from connect to the last reply */
	int		 greeting;	/* reply codes, 0 when none came */
	int		 ehlo;
	int		 starttls;	/* 1 when offered in the EHLO reply */
	int		 tls;		/* 1 when the handshake completed */
	char		 tls_summary[256];	/* tls_summary() */
	int		 verified;	/* certificate verified: against the
					   CAs and name, or by DANE */
	int		 dane_depth;	/* tls_dane(): depth, -1, -2 */
	unsigned char	 dane_usage, dane_selector, dane_mtype;
	char		 error[512];	/* why it stopped short, or "" */
};

/* Talk to one address.  Returns 0 when it was ok, -1 otherwise; the
 * result says how far it went and why it stopped. */
int probe_run(const struct probe_opts *, struct probe_result *);

#endif
