/*
 * state.h -- where an SMTP dialogue stands, as the verb table, the
 * client's session and the practice server all name it.
 *
 * RFC 5321 3.3 and 4.1.4 describe the order of commands; the verb table
 * (verbs.c) says in which of these states each verb is valid, the
 * client's session (session.c) and the practice server (practice.c) each
 * track the state of their side.  Header only: no code.
 */
#ifndef SMTPSCOPE_STATE_H
#define SMTPSCOPE_STATE_H

enum state {
	STATE_CONNECTED,	/* connected, greeting not yet read */
	STATE_GREETED,		/* 220 greeting read, no EHLO/HELO yet */
	STATE_READY,		/* after EHLO/HELO: no transaction */
	STATE_MAIL,		/* MAIL accepted, no recipient yet */
	STATE_RCPT,		/* at least one RCPT accepted */
	STATE_DATA,		/* 354 read: sending the body */
	STATE_BDAT,		/* BDAT chunks sent, LAST not yet */
	STATE_AUTH,		/* inside an AUTH exchange (334 read) */
	STATE_QUIT,		/* QUIT sent or 221 read */
	STATE_CLOSED,		/* connection closed */
	STATE_COUNT
};
#define STATE_BIT(s)	(1u << (s))

#endif
