/*
 * session.c -- where the dialogue stands: state machine, EHLO
 * capabilities, and the queue of commands awaiting replies.
 *
 * No I/O.  The client engine tells this module what it sent and what
 * came back; the module pairs replies with commands (in order, RFC 2920
 * 3.1: "the server MUST send its responses in the same order") and moves
 * the state the way RFC 5321 4.1.4 and 3.3 describe.
 *
 * A line is read once, when it is sent: the queue keeps its verb, the
 * few facts its reply handler needs (flags) and the text for display.
 * Each kind of line has one reply handler (the table below) that returns
 * the next state and makes the side effects the RFC ties to that reply.
 * The same handlers, fed the reply each line gets when all goes well,
 * predict where pipelined commands will leave the session.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanitize.h"
#include "session.h"

/* What a handler needs to know about a line, found when it is sent. */
enum {
	PENDING_BDAT_LAST = 1 << 0,	/* BDAT n LAST (RFC 3030 2) */
	PENDING_AUTH_IR = 1 << 1,	/* AUTH with an initial response */
	PENDING_BINARYMIME = 1 << 2,	/* MAIL ... BODY=BINARYMIME */
	PENDING_SASL_CANCEL = 1 << 3,	/* the SASL response "*" */
};

/* The recipients a transaction accepted, in the order of their RCPT
 * commands: an LMTP server replies for each after the end of data. */
struct rcpts {
	char		**v;
	size_t		 n, cap;
};

/*
 * What replies change: the part of the session the handlers move.  The
 * prediction runs the handlers on a copy, with caps and accepted NULL.
 */
struct dialog {
	enum state	 state;
	int		 helo_done;	/* EHLO, HELO or LHLO accepted */
	int		 lmtp;		/* the dialogue is LMTP (RFC 2033) */
	int		 auth;		/* AUTH succeeded */
	int		 binarymime;	/* the transaction's MAIL said so */
	int		 indeterminate;	/* a BDAT failed: RSET needed */
	size_t		 rcpts;		/* accepted RCPTs */
	struct caps	*caps;		/* NULL while predicting */
	struct rcpts	*accepted;	/* their mailboxes; NULL while
					   predicting */
};

/* A reply as a handler sees it. */
struct turn {
	const struct pending	*p;	/* the line it answers */
	int			 code;
	int			 ok;	/* a 2yz reply */
	const struct reply	*r;	/* NULL while predicting */
};
typedef enum state (*reply_fn)(struct dialog *, const struct turn *);

/* One handler per kind of line.  success: the reply when all goes well. */
struct handler {
	enum verb_id	 verb;
	int		 success;
	reply_fn	 fn;
};

struct pending {
	const struct handler	*h;
	enum annotate_ctx	 kind;
	enum verb_id		 verb;
	unsigned		 flags;		/* PENDING_* */
	double			 sent_ms;
	char			*line;		/* as sent, for display; NULL
						   for the greeting */
	size_t			 replies;	/* LMTP: replies it got so far */
};

struct session {
	struct dialog		 d;
	struct caps		 caps;
	int			 tls;
	double			 connect_ms;
	struct pending		*q;		/* ring of pending lines */
	size_t			 qhead, qlen, qcap;
	char			*answered;	/* line given by session_on_reply */
	char			*answered_rcpt;	/* and its LMTP recipient */
	struct rcpts		 accepted;	/* d.accepted */
	char			 helo[256];
	char			 sasl[48];	/* "AUTH MECH" of the last AUTH */
	session_report_fn	 report;
	void			*report_arg;
	int			 fail_alloc;	/* test seam */
};

static const char *state_names[STATE_COUNT] = {
	[STATE_CONNECTED] = "connected",
	[STATE_GREETED] = "greeted",
	[STATE_READY] = "ready",
	[STATE_MAIL] = "mail",
	[STATE_RCPT] = "rcpt",
	[STATE_DATA] = "data",
	[STATE_BDAT] = "bdat",
	[STATE_AUTH] = "auth",
	[STATE_QUIT] = "quit",
	[STATE_CLOSED] = "closed",
};

/* RFC 2920 3.1: these end a group; the client waits for their reply. */
static const enum verb_id group_enders[] = {
	VERB_EHLO, VERB_HELO, VERB_DATA, VERB_VRFY, VERB_EXPN, VERB_TURN,
	VERB_QUIT, VERB_NOOP, VERB_STARTTLS, VERB_AUTH,
	VERB_LHLO,	/* RFC 2033 4.1: EHLO under another name */
};

static enum state reply_greeting(struct dialog *, const struct turn *);
static enum state reply_same(struct dialog *, const struct turn *);
static enum state reply_ehlo(struct dialog *, const struct turn *);
static enum state reply_helo(struct dialog *, const struct turn *);
static enum state reply_lhlo(struct dialog *, const struct turn *);
static enum state reply_mail(struct dialog *, const struct turn *);
static enum state reply_rcpt(struct dialog *, const struct turn *);
static enum state reply_data(struct dialog *, const struct turn *);
static enum state reply_data_end(struct dialog *, const struct turn *);
static enum state reply_bdat(struct dialog *, const struct turn *);
static enum state reply_rset(struct dialog *, const struct turn *);
static enum state reply_quit(struct dialog *, const struct turn *);
static enum state reply_starttls(struct dialog *, const struct turn *);
static enum state reply_auth(struct dialog *, const struct turn *);
static enum state reply_auth_step(struct dialog *, const struct turn *);
static enum state dialog_reply(struct dialog *, const struct pending *, int,
		    const struct reply *);
static enum state dialog_base(const struct dialog *);
static enum state dialog_greeted(struct dialog *);
static void	dialog_end_transaction(struct dialog *);
static const struct handler *handler_for(enum annotate_ctx, enum verb_id);
static unsigned	line_flags(const char *, enum annotate_ctx, enum verb_id);
static int	group_ender(enum verb_id);
static enum verb_id line_verb(const char *);
static int	queue_push(struct session *, const struct pending *);
static size_t	pending_replies(const struct dialog *, const struct pending *);
static void	rcpts_clear(struct rcpts *);
static char	*rcpt_mailbox(const char *);
static const struct pending *queue_last(const struct session *);
static size_t	add_msg(char **, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* The greeting (RFC 5321 3.1), a reply nothing was pending for, the end
 * of a body and a SASL response are not verbs: they have rows of their
 * own.  Verbs without a row (NOOP, VRFY, HELP ...) leave the state. */
static const struct handler handler_greeting = {
	VERB_UNKNOWN, 220, reply_greeting };
static const struct handler handler_unsolicited = {
	VERB_UNKNOWN, 250, reply_same };
static const struct handler handler_data_end = {
	VERB_UNKNOWN, 250, reply_data_end };
static const struct handler handler_auth_step = {
	VERB_UNKNOWN, 235, reply_auth_step };
static const struct handler handler_other = {
	VERB_UNKNOWN, 250, reply_same };
static const struct handler handlers[] = {
	{ VERB_EHLO,	 250, reply_ehlo },
	{ VERB_HELO,	 250, reply_helo },
	{ VERB_LHLO,	 250, reply_lhlo },	/* RFC 2033 4.1 */
	{ VERB_MAIL,	 250, reply_mail },
	{ VERB_RCPT,	 250, reply_rcpt },
	{ VERB_DATA,	 354, reply_data },
	{ VERB_BDAT,	 250, reply_bdat },
	{ VERB_RSET,	 250, reply_rset },
	{ VERB_QUIT,	 221, reply_quit },
	{ VERB_STARTTLS, 220, reply_starttls },	/* RFC 3207 4 */
	{ VERB_AUTH,	 235, reply_auth },
};

/* --- the reply handlers ------------------------------------------------- */

/* The state outside a transaction. */
static enum state
dialog_base(const struct dialog *d)
{
	return d->helo_done ? STATE_READY : STATE_GREETED;
}

/* RFC 5321 4.1.1.5, 4.1.4: the transaction is over (or reset). */
static void
dialog_end_transaction(struct dialog *d)
{
	d->rcpts = 0;
	d->binarymime = 0;
	d->indeterminate = 0;
	if (d->accepted != NULL)
		rcpts_clear(d->accepted);
}

/* EHLO or HELO accepted: RFC 5321 4.1.4, it also resets any transaction. */
static enum state
dialog_greeted(struct dialog *d)
{
	d->helo_done = 1;
	dialog_end_transaction(d);
	return STATE_READY;
}

/* RFC 5321 3.1: 220 greets; 554 refuses but waits for QUIT. */
static enum state
reply_greeting(struct dialog *d, const struct turn *t)
{
	(void)d;
	(void)t;
	return STATE_GREETED;
}

static enum state
reply_same(struct dialog *d, const struct turn *t)
{
	(void)t;
	return d->state;
}

static enum state
reply_ehlo(struct dialog *d, const struct turn *t)
{
	if (!t->ok)
		return d->state;
	if (d->caps != NULL && t->r != NULL)
		caps_from_ehlo(d->caps, t->r);
	d->lmtp = 0;	/* the server speaks SMTP, whatever was asked */
	return dialog_greeted(d);
}

/* RFC 2033 4.1: LHLO is EHLO for LMTP; its 250 makes the dialogue LMTP,
 * with one reply per recipient after the end of data (4.2). */
static enum state
reply_lhlo(struct dialog *d, const struct turn *t)
{
	enum state	st = reply_ehlo(d, t);

	if (t->ok)
		d->lmtp = 1;
	return st;
}

/* RFC 5321 4.1.1.1: after HELO no service extension is available. */
static enum state
reply_helo(struct dialog *d, const struct turn *t)
{
	if (!t->ok)
		return d->state;
	if (d->caps != NULL)
		caps_clear(d->caps);
	d->lmtp = 0;
	return dialog_greeted(d);
}

static enum state
reply_mail(struct dialog *d, const struct turn *t)
{
	if (!t->ok)
		return d->state;
	dialog_end_transaction(d);
	d->binarymime = (t->p->flags & PENDING_BINARYMIME) != 0;
	return STATE_MAIL;
}

/* RFC 5321 4.1.1.3: only a 250/251 adds the recipient. */
static enum state
reply_rcpt(struct dialog *d, const struct turn *t)
{
	struct rcpts	*a = d->accepted;
	char		**nv, *m;
	size_t		 ncap;

	if (!t->ok)
		return d->state;
	d->rcpts++;
	/* kept for the replies of an LMTP server after the data (read from
	 * the line then: an SMTP session needs none); out of memory, a
	 * reply is shown without its recipient's name */
	if (a != NULL && d->lmtp && t->p->line != NULL) {
		if (a->n == a->cap) {
			ncap = a->cap ? a->cap * 2 : 8;
			if ((nv = reallocarray(a->v, ncap, sizeof *nv)) == NULL)
				return STATE_RCPT;
			a->v = nv;
			a->cap = ncap;
		}
		if ((m = rcpt_mailbox(t->p->line)) != NULL)
			a->v[a->n++] = m;
	}
	return STATE_RCPT;
}

static enum state
reply_data(struct dialog *d, const struct turn *t)
{
	return t->code == 354 ? STATE_DATA : d->state;
}

/* RFC 5321 4.1.1.4: after the end of data, success or failure, the
 * transaction is over; a 3yz there is a server error, and must not put
 * the console back in body mode. */
static enum state
reply_data_end(struct dialog *d, const struct turn *t)
{
	(void)t;
	dialog_end_transaction(d);
	return dialog_base(d);
}

/*
 * RFC 3030 2: a 250 to BDAT LAST ends the transaction; a refused BDAT,
 * LAST or not, leaves it indeterminate until RSET ("the resulting state
 * from a failed BDAT command is indeterminate").
 */
static enum state
reply_bdat(struct dialog *d, const struct turn *t)
{
	if (!t->ok) {
		d->indeterminate = 1;
		return d->state;
	}
	if (d->indeterminate)
		/* chunks after a failure are accepted and discarded */
		return d->state;
	if (t->p->flags & PENDING_BDAT_LAST) {
		dialog_end_transaction(d);
		return dialog_base(d);
	}
	return STATE_BDAT;
}

static enum state
reply_rset(struct dialog *d, const struct turn *t)
{
	if (!t->ok)
		return d->state;
	dialog_end_transaction(d);
	return dialog_base(d);
}

static enum state
reply_quit(struct dialog *d, const struct turn *t)
{
	(void)d;
	(void)t;
	return STATE_QUIT;
}

/* RFC 3207 4: the handshake follows the 220; what the session knew is
 * forgotten when it succeeds (session_set_tls). */
static enum state
reply_starttls(struct dialog *d, const struct turn *t)
{
	return t->code == 220 ? STATE_GREETED : d->state;
}

/* RFC 4954 4: 334 starts the exchange, 235 ends it successfully. */
static enum state
reply_auth(struct dialog *d, const struct turn *t)
{
	if (t->code == 334)
		return STATE_AUTH;
	if (t->code == 235)
		d->auth = 1;
	return d->state == STATE_AUTH ? dialog_base(d) : d->state;
}

static enum state
reply_auth_step(struct dialog *d, const struct turn *t)
{
	if (t->code == 334)
		return STATE_AUTH;
	if (t->code == 235)
		d->auth = 1;
	return dialog_base(d);
}

/* The state after line p got reply code; r is NULL when predicting. */
static enum state
dialog_reply(struct dialog *d, const struct pending *p, int code,
    const struct reply *r)
{
	struct turn	t = { p, code, code >= 200 && code <= 299, r };

	/* RFC 5321 3.8 and 4.2.2: 421, and 221 whatever it answers, mean
	 * the server is closing the channel. */
	if (code == 421 || code == 221)
		return STATE_QUIT;
	return p->h->fn(d, &t);
}

static const struct handler *
handler_for(enum annotate_ctx kind, enum verb_id v)
{
	size_t i;

	if (kind == ANNOTATE_DATA_END)
		return &handler_data_end;
	if (kind == ANNOTATE_AUTH_STEP)
		return &handler_auth_step;
	for (i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
		if (handlers[i].verb == v)
			return &handlers[i];
	return &handler_other;
}

/*
 * How many replies line p gets: one, but in LMTP the end of data and BDAT
 * LAST get one per recipient accepted, in the order of their RCPT
 * commands (RFC 2033 4.2, 4.3); with none accepted, the one a server
 * refuses them with.  The RCPT replies all came before (RFC 2920 3.1:
 * in order), so the count is known when the first of them arrives.
 */
static size_t
pending_replies(const struct dialog *d, const struct pending *p)
{
	if (!d->lmtp || d->rcpts < 2)
		return 1;
	if (p->kind == ANNOTATE_DATA_END || (p->kind == ANNOTATE_BDAT &&
	    (p->flags & PENDING_BDAT_LAST)))
		return d->rcpts;
	return 1;
}

static void
rcpts_clear(struct rcpts *a)
{
	size_t	i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

/* The mailbox of a RCPT line (RFC 5321 4.1.1.3), as the grammar reads
 * it; the line itself when it has none. */
static char *
rcpt_mailbox(const char *line)
{
	struct verbs_cmd	 c;
	size_t			 len = strlen(line);

	(void)verbs_parse(line, len, NULL, 0, &c);
	if (c.mailbox.len > 0 && c.mailbox.off + c.mailbox.len <= len)
		return strndup(line + c.mailbox.off, c.mailbox.len);
	return strdup(line);
}

/* What the handler of line needs to know, read once. */
static unsigned
line_flags(const char *line, enum annotate_ctx kind, enum verb_id v)
{
	const char	*a;

	if (kind == ANNOTATE_AUTH_STEP)
		return strcmp(line, "*") == 0 ? PENDING_SASL_CANCEL : 0;
	switch (v) {
	case VERB_BDAT:
		a = strrchr(line, ' ');
		return a != NULL && strcasecmp(a + 1, "LAST") == 0 ?
		    PENDING_BDAT_LAST : 0;
	case VERB_AUTH:
		/* RFC 4954 4: AUTH mechanism [SP initial-response] */
		a = line + 4;
		a += strspn(a, " ");
		a += strcspn(a, " ");
		a += strspn(a, " ");
		return *a != '\0' ? PENDING_AUTH_IR : 0;
	case VERB_MAIL:
		/* at a space, as strcasestr() would find it, at a fraction
		 * of its cost (one MAIL a transaction) */
		for (a = strchr(line, ' '); a != NULL; a = strchr(a + 1, ' '))
			if (strncasecmp(a, " BODY=BINARYMIME", 16) == 0)
				return PENDING_BINARYMIME;
		return 0;
	default:
		return 0;
	}
}

/* --- the session -------------------------------------------------------- */

struct session *
session_new(double now_ms)
{
	struct session	*s;
	struct pending	 g;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->d.state = STATE_CONNECTED;
	s->d.caps = &s->caps;
	s->d.accepted = &s->accepted;
	s->connect_ms = now_ms;
	/* The greeting is the first reply awaited (RFC 5321 3.1). */
	memset(&g, 0, sizeof g);
	g.h = &handler_greeting;
	g.kind = ANNOTATE_GREETING;
	g.sent_ms = now_ms;
	if (queue_push(s, &g) == -1) {
		free(s);
		return NULL;
	}
	return s;
}

void
session_free(struct session *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->qlen; i++)
		free(s->q[(s->qhead + i) % s->qcap].line);
	free(s->q);
	free(s->answered);
	free(s->answered_rcpt);
	rcpts_clear(&s->accepted);
	free(s->accepted.v);
	caps_clear(&s->caps);
	free(s);
}

void
session_set_report(struct session *s, session_report_fn fn, void *arg)
{
	s->report = fn;
	s->report_arg = arg;
}

void
session_fail_alloc_for_test(struct session *s, int on)
{
	s->fail_alloc = on;
}

enum state
session_state(const struct session *s)
{
	return s->d.state;
}

const char *
session_state_name(enum state st)
{
	if ((unsigned)st >= STATE_COUNT)
		return "?";
	return state_names[st];
}

void
session_set_state(struct session *s, enum state st)
{
	enum state	old = s->d.state;

	if (st == old)
		return;
	s->d.state = st;
	if (s->report != NULL)
		s->report(s->report_arg, old, st);
}

const struct caps *
session_caps(const struct session *s)
{
	return &s->caps;
}

int
session_tls(const struct session *s)
{
	return s->tls;
}

/* RFC 3207 4.2: after the handshake the client MUST discard any knowledge
 * obtained from the server before TLS, and should send EHLO again. */
void
session_set_tls(struct session *s, int on)
{
	s->tls = on;
	if (!on)
		return;
	caps_clear(&s->caps);
	s->d.helo_done = 0;
	s->d.auth = 0;
	dialog_end_transaction(&s->d);
	if (s->d.state != STATE_CONNECTED)
		session_set_state(s, STATE_GREETED);
}

int
session_lmtp(const struct session *s)
{
	return s->d.lmtp;
}

void
session_set_lmtp(struct session *s, int on)
{
	s->d.lmtp = on;
}

int
session_authenticated(const struct session *s)
{
	return s->d.auth;
}

size_t
session_recipients(const struct session *s)
{
	return s->d.rcpts;
}

int
session_indeterminate(const struct session *s)
{
	return s->d.indeterminate;
}

const char *
session_helo_name(const struct session *s)
{
	return s->helo;
}

size_t
session_pending(const struct session *s)
{
	return s->qlen;
}

double
session_oldest_sent_ms(const struct session *s)
{
	return s->qlen > 0 ? s->q[s->qhead].sent_ms : -1;
}

static int
group_ender(enum verb_id v)
{
	size_t i;

	for (i = 0; i < sizeof group_enders / sizeof group_enders[0]; i++)
		if (group_enders[i] == v)
			return 1;
	return 0;
}

int
session_can_pipeline(const struct session *s, const char *line)
{
	enum verb_id v = line_verb(line);

	return s->caps.pipelining && v != VERB_UNKNOWN && !group_ender(v);
}

static enum verb_id
line_verb(const char *line)
{
	const struct verb_info *v = verbs_identify(line);

	return v ? v->id : VERB_UNKNOWN;
}

static int
queue_push(struct session *s, const struct pending *p)
{
	struct pending	*nq;
	size_t		 i, ncap;

	if (s->fail_alloc)
		return -1;
	if (s->qlen == s->qcap) {
		ncap = s->qcap ? s->qcap * 2 : 16;
		if ((nq = calloc(ncap, sizeof *nq)) == NULL)
			return -1;
		for (i = 0; i < s->qlen; i++)
			nq[i] = s->q[(s->qhead + i) % s->qcap];
		free(s->q);
		s->q = nq;
		s->qcap = ncap;
		s->qhead = 0;
	}
	s->q[(s->qhead + s->qlen) % s->qcap] = *p;
	s->qlen++;
	return 0;
}

static const struct pending *
queue_last(const struct session *s)
{
	if (s->qlen == 0)
		return NULL;
	return &s->q[(s->qhead + s->qlen - 1) % s->qcap];
}

int
session_on_send(struct session *s, const char *line, enum annotate_ctx kind,
    double sent_ms)
{
	struct pending	p;
	const char	*a;

	memset(&p, 0, sizeof p);
	p.kind = kind;
	p.verb = kind == ANNOTATE_COMMAND || kind == ANNOTATE_BDAT ?
	    line_verb(line) : VERB_UNKNOWN;
	p.h = handler_for(kind, p.verb);
	p.flags = line_flags(line, kind, p.verb);
	p.sent_ms = sent_ms;
	if (p.verb == VERB_AUTH) {
		a = line + 4;
		a += strspn(a, " ");
		snprintf(s->sasl, sizeof s->sasl, "AUTH %.*s",
		    (int)strcspn(a, " "), a);
	}
	/* A SASL response is a secret, and its reply is explained by the
	 * mechanism: keep the exchange's "AUTH MECH" in its place. */
	if (kind == ANNOTATE_AUTH_STEP && !(p.flags & PENDING_SASL_CANCEL))
		line = s->sasl[0] != '\0' ? s->sasl : "AUTH";
	if (s->fail_alloc || (p.line = strdup(line)) == NULL)
		return -1;
	if (queue_push(s, &p) == -1) {
		free(p.line);
		return -1;
	}
	if (p.verb == VERB_EHLO || p.verb == VERB_HELO ||
	    p.verb == VERB_LHLO) {
		a = line + 4;
		while (*a == ' ')
			a++;
		snprintf(s->helo, sizeof s->helo, "%s", a);
	}
	return 0;
}

void
session_on_reply(struct session *s, const struct reply *r,
    struct session_answer *a)
{
	static const struct pending unsolicited = {
		.h = &handler_unsolicited, .kind = ANNOTATE_UNSOLICITED };
	struct pending	p, *head;
	size_t		n;

	free(s->answered);
	free(s->answered_rcpt);
	s->answered = s->answered_rcpt = NULL;
	memset(a, 0, sizeof *a);
	if (s->qlen == 0) {
		a->ctx = ANNOTATE_UNSOLICITED;
		a->sent_ms = s->connect_ms;
		session_set_state(s, dialog_reply(&s->d, &unsolicited,
		    r->code, r));
		return;
	}
	head = &s->q[s->qhead];
	a->command = head->line;
	a->verb = head->verb;
	a->ctx = head->kind;
	a->sent_ms = head->sent_ms;
	/* RFC 2033 4.2: one reply per recipient, in the order of the RCPT
	 * commands; the line stays first in the queue until the last. */
	if ((n = pending_replies(&s->d, head)) > 1) {
		a->rcpt_index = ++head->replies;
		a->rcpt_count = n;
		if (head->replies <= s->accepted.n)
			a->rcpt = s->answered_rcpt =
			    strdup(s->accepted.v[head->replies - 1]);
		/* a 421 ends it all (RFC 5321 3.8) */
		if (head->replies < n && r->code != 421) {
			a->later = s->qlen - 1;
			return;
		}
	}
	p = *head;
	s->qhead = (s->qhead + 1) % s->qcap;
	s->qlen--;
	a->later = s->qlen;
	s->answered = p.line;
	session_set_state(s, dialog_reply(&s->d, &p, r->code, r));
}

void
session_rcpt_label(const char *rcpt, size_t index, size_t count, char *buf,
    size_t size)
{
	snprintf(buf, size, "for %s%s%srecipient %zu of %zu (RFC 2033 4.2)",
	    rcpt != NULL ? "<" : "", rcpt != NULL ? rcpt : "",
	    rcpt != NULL ? ">, " : "", index, count);
}

enum verb_id
session_last_pending_verb(const struct session *s)
{
	const struct pending *p = queue_last(s);

	return p != NULL ? p->verb : VERB_UNKNOWN;
}

int
session_awaiting_challenge(const struct session *s)
{
	const struct pending *p = queue_last(s);

	if (p == NULL)
		return 0;
	if (p->kind == ANNOTATE_AUTH_STEP)
		return !(p->flags & PENDING_SASL_CANCEL);
	return p->kind == ANNOTATE_COMMAND && p->verb == VERB_AUTH &&
	    !(p->flags & PENDING_AUTH_IR);
}

void
session_on_close(struct session *s)
{
	session_set_state(s, STATE_CLOSED);
}

enum state
session_expected_state(const struct session *s)
{
	struct dialog		 d = s->d;
	const struct pending	*p;
	size_t			 i;

	d.caps = NULL;
	d.accepted = NULL;
	for (i = 0; i < s->qlen; i++) {
		p = &s->q[(s->qhead + i) % s->qcap];
		d.state = dialog_reply(&d, p, p->h->success, NULL);
	}
	return d.state;
}

int
session_binarymime(const struct session *s)
{
	return s->d.binarymime && (s->d.state == STATE_MAIL ||
	    s->d.state == STATE_RCPT || s->d.state == STATE_BDAT);
}

int
session_in_body(const struct session *s)
{
	return s->d.state == STATE_DATA &&
	    session_expected_state(s) == STATE_DATA;
}

int
session_in_sasl(const struct session *s)
{
	return s->d.state == STATE_AUTH && s->qlen == 0;
}

/* Is the extension that enables v advertised (or unknown yet)? */
static int
extension_ok(const struct session *s, const struct verb_info *v)
{
	if (v->extension == NULL)
		return 1;
	if (!s->caps.ehlo)
		return 0;
	if (strcasecmp(v->extension, "STARTTLS") == 0 && s->tls)
		return 0;
	if (strcasecmp(v->extension, "AUTH") == 0 && s->d.auth)
		return 0;
	return caps_find(&s->caps, v->extension) != NULL;
}

/* RFC 3030 2: after a failed BDAT only RSET (and QUIT) make sense. */
static int
indeterminate_ok(enum verb_id v)
{
	return v == VERB_RSET || v == VERB_QUIT;
}

int
session_verb_next(const struct session *s, const struct verb_info *v)
{
	enum state st = session_expected_state(s);

	if (st == STATE_DATA || st == STATE_AUTH)
		return 0;
	if (v->obsolete || !(v->states & STATE_BIT(st)) ||
	    !verbs_in_protocol(v, s->d.lmtp))
		return 0;
	if (!extension_ok(s, v))
		return 0;
	if (s->d.indeterminate && !indeterminate_ok(v->id))
		return 0;
	return 1;
}

void
session_next_verbs(const struct session *s, char *buf, size_t size)
{
	const struct verb_info	*t;
	enum state		 st = session_expected_state(s);
	size_t			 i, n, len = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (st == STATE_DATA) {
		snprintf(buf, size, "(message body, then \".\")");
		return;
	}
	if (st == STATE_AUTH) {
		snprintf(buf, size, "(base64 response, or \"*\" to cancel)");
		return;
	}
	t = verbs_table(&n);
	for (i = 0; i < n; i++) {
		if (!session_verb_next(s, &t[i]))
			continue;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
		    "%s%s", len ? " " : "", t[i].name);
		if (len >= size) {
			buf[size - 1] = '\0';
			return;
		}
	}
}

static size_t
add_msg(char **out, size_t n, size_t max, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[512];

	if (n >= max)
		return n;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if ((out[n] = strdup(buf)) == NULL)
		return n;
	return n + 1;
}

/*
 * The AUTH warnings, given here only (RFC 4954): AUTH not advertised is
 * answered 502, a mechanism not among those advertised 504, a second
 * AUTH 503.  Returns the new count, or n when there is nothing to say.
 */
static size_t
check_auth(const struct session *s, const char *line, char **out, size_t n,
    size_t max)
{
	const char	*m = line + 4;
	char		 mech[64], *shown;
	size_t		 len;

	if (s->d.auth)
		return add_msg(out, n, max, "already authenticated: a second "
		    "AUTH is answered 503 (RFC 4954 4)");
	if (!s->caps.ehlo)
		return n;
	if (caps_find(&s->caps, "AUTH") == NULL)
		return add_msg(out, n, max, "the server did not advertise AUTH "
		    "in its EHLO reply: expect 502 (RFC 4954 3)");
	if (s->caps.auth[0] == '\0')
		return n;
	while (*m == ' ')
		m++;
	len = strcspn(m, " ");
	if (len == 0)
		return n;
	snprintf(mech, sizeof mech, "%.*s", (int)len, m);
	if (caps_list_has(s->caps.auth, mech, strlen(mech)))
		return n;
	/* the list is the server's text */
	shown = sanitize(s->caps.auth, strlen(s->caps.auth), 0);
	n = add_msg(out, n, max, "mechanism %s is not among those advertised "
	    "(%s): expect 504 (RFC 4954 4)", mech, shown != NULL ? shown : "?");
	free(shown);
	return n;
}

size_t
session_check_order(const struct session *s, const char *line, char **out,
    size_t max)
{
	const struct verb_info	*v = verbs_identify(line);
	const struct pending	*last;
	const struct verb_info	*lv;
	enum state		 st = session_expected_state(s);
	char			 next[256];
	size_t			 n = 0;

	if (s->d.state == STATE_CLOSED)
		return add_msg(out, n, max,
		    "the connection is closed: nothing will be sent");
	if (st == STATE_QUIT)
		return add_msg(out, n, max,
		    "QUIT was sent, or the server said 221/421: it reads "
		    "nothing more (RFC 5321 3.8, 4.1.1.10)");
	if (st == STATE_DATA && s->d.state != STATE_DATA)
		return add_msg(out, n, max, "DATA awaits its 354 reply: the "
		    "body can be sent only after it (RFC 5321 4.1.1.4)");
	if (v == NULL || st == STATE_DATA || st == STATE_AUTH)
		return 0;

	session_next_verbs(s, next, sizeof next);
	if (s->d.indeterminate && !indeterminate_ok(v->id))
		n = add_msg(out, n, max, "a BDAT was refused: the transaction "
		    "is indeterminate until RSET (RFC 3030 2); send RSET "
		    "first, or expect 503 5.5.1; valid now: %s", next);
	else if (!(v->states & STATE_BIT(st))) {
		if (v->id == VERB_MAIL && (st == STATE_MAIL || st == STATE_RCPT))
			n = add_msg(out, n, max, "MAIL inside a transaction: "
			    "finish it or send RSET first; expect 503 5.5.1 "
			    "(RFC 5321 4.1.4); valid now: %s", next);
		else if (st == STATE_GREETED && s->d.lmtp)
			n = add_msg(out, n, max, "%s before LHLO: start with "
			    "LHLO; expect 503 5.5.1 (RFC 2033 4.1); valid now: "
			    "%s", v->name, next);
		else if (st == STATE_GREETED)
			n = add_msg(out, n, max, "%s before EHLO/HELO: start "
			    "with EHLO; expect 503 5.5.1 (RFC 5321 4.1.4); "
			    "valid now: %s", v->name, next);
		else if (v->id == VERB_RCPT)
			n = add_msg(out, n, max, "RCPT before MAIL: give MAIL "
			    "FROM first; expect 503 5.5.1 (RFC 5321 4.1.4); "
			    "valid now: %s", next);
		else if (v->id == VERB_DATA && st == STATE_MAIL)
			n = add_msg(out, n, max, "DATA with no accepted "
			    "recipient: expect 503 or 554 (RFC 5321 4.1.1.4); "
			    "valid now: %s", next);
		else if (v->id == VERB_DATA)
			n = add_msg(out, n, max, "DATA outside a mail "
			    "transaction: give MAIL and RCPT first; expect 503 "
			    "5.5.1 (RFC 5321 4.1.4); valid now: %s", next);
		else
			n = add_msg(out, n, max, "%s is not expected in state "
			    "\"%s\"; expect 503 5.5.1 (RFC 5321 4.1.4); valid "
			    "now: %s", v->name, session_state_name(st), next);
	}
	if (v->obsolete)
		n = add_msg(out, n, max, "%s is obsolete: RFC 5321 removed it; "
		    "servers answer 500 or 502 (see :help %s)", v->name,
		    v->name);
	if (v->id == VERB_STARTTLS && s->tls)
		n = add_msg(out, n, max, "TLS is already active: a second "
		    "STARTTLS is refused (RFC 3207 4.2)");
	else if (v->id == VERB_AUTH && (s->d.auth || s->caps.ehlo))
		n = check_auth(s, line, out, n, max);
	else if (v->extension != NULL && s->caps.ehlo &&
	    caps_find(&s->caps, v->extension) == NULL)
		n = add_msg(out, n, max, "the server did not advertise %s in "
		    "its EHLO reply: expect 500 or 502", v->extension);
	else if (v->extension != NULL && s->d.helo_done && !s->caps.ehlo)
		n = add_msg(out, n, max, "the session began with HELO: no "
		    "service extension such as %s is available (RFC 5321 "
		    "4.1.1.1)", v->extension);
	/* RFC 4954 4: password mechanisms belong under TLS */
	if (v->id == VERB_AUTH && !s->tls && !s->d.auth)
		n = add_msg(out, n, max, "AUTH without TLS: PLAIN and LOGIN "
		    "send the password readable by anyone on the path, the "
		    "others expose it to offline guessing; send STARTTLS "
		    "first (RFC 4954 4)");
	/* RFC 2920 3.1: without PIPELINING, wait for each reply; with it,
	 * some commands still end a group.  (The greeting is awaited
	 * before anything is known: nothing to say then.) */
	if ((last = queue_last(s)) != NULL && last->kind != ANNOTATE_GREETING) {
		if (s->caps.ehlo && !s->caps.pipelining)
			n = add_msg(out, n, max, "the server did not advertise "
			    "PIPELINING: wait for the pending reply before "
			    "sending (RFC 2920 3)");
		else if (group_ender(last->verb)) {
			lv = verbs_get(last->verb);
			n = add_msg(out, n, max, "%s must be the last command "
			    "of a pipelined group: wait for its reply "
			    "(RFC 2920 3.1)", lv != NULL ? lv->name :
			    "the pending command");
		}
	}
	return n;
}
