/*
 * session.c -- where the dialogue stands: state machine, EHLO
 * capabilities, and the queue of commands awaiting replies.
 *
 * No I/O.  The client engine tells this module what it sent and what
 * came back; the module pairs replies with commands (in order, RFC 2920
 * 3.1: "the server MUST send its responses in the same order") and moves
 * the state the way RFC 5321 4.1.4 and 3.3 describe.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanitize.h"
#include "session.h"
#include "verbs.h"

struct pending {
	char			*line;
	enum annotate_ctx	 kind;
	double			 sent_ms;
};

struct session {
	enum state	 state;
	struct caps	 caps;
	int			 tls;
	int			 auth;
	int			 helo_done;	/* EHLO or HELO accepted */
	size_t			 rcpts;
	int			 binarymime;	/* MAIL said BODY=BINARYMIME */
	int			 awaiting_greeting;
	double			 connect_ms;
	struct pending		*q;		/* ring of pending lines */
	size_t			 qhead, qlen, qcap;
	char			*answered;	/* line returned by session_on_reply */
	char			 helo[256];
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
};

static int	group_ender(enum verb_id);
static enum verb_id line_verb(const char *);
static enum state base_state(const struct session *);
static enum state transition(const struct session *,
		    enum state, const struct pending *, int code);
static int	success_code(const struct pending *);
static size_t	add_msg(char **, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

struct session *
session_new(double now_ms)
{
	struct session *s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->state = STATE_CONNECTED;
	s->awaiting_greeting = 1;
	s->connect_ms = now_ms;
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
	caps_clear(&s->caps);
	free(s);
}

enum state
session_state(const struct session *s)
{
	return s->state;
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
	s->state = st;
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
	s->helo_done = 0;
	s->auth = 0;
	s->rcpts = 0;
	if (s->state != STATE_CONNECTED)
		session_set_state(s, STATE_GREETED);
}

int
session_authenticated(const struct session *s)
{
	return s->auth;
}

size_t
session_recipients(const struct session *s)
{
	return s->rcpts;
}

const char *
session_helo_name(const struct session *s)
{
	return s->helo;
}

size_t
session_pending(const struct session *s)
{
	return s->qlen + (size_t)s->awaiting_greeting;
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

static enum state
base_state(const struct session *s)
{
	return s->helo_done ? STATE_READY : STATE_GREETED;
}

/* The reply a pending line gets when all goes well. */
static int
success_code(const struct pending *p)
{
	if (p->kind == ANNOTATE_AUTH_STEP)
		return 235;
	switch (line_verb(p->line)) {
	case VERB_DATA:
		return p->kind == ANNOTATE_DATA_END ? 250 : 354;
	case VERB_STARTTLS:
		return 220;	/* RFC 3207 4 */
	case VERB_QUIT:
		return 221;
	case VERB_AUTH:
		return 235;
	default:
		return 250;
	}
}

static int
bdat_is_last(const char *line)
{
	const char *p = strrchr(line, ' ');

	return p != NULL && strcasecmp(p + 1, "LAST") == 0;
}

/*
 * The state after pending line p got reply code.  Used both for real
 * replies and, with success_code(), to predict where pipelined commands
 * will leave the session.
 */
static enum state
transition(const struct session *s, enum state st,
    const struct pending *p, int code)
{
	int ok = code >= 200 && code < 300;

	/* RFC 5321 3.8 and 4.2.2: 421, and 221 whatever it answers, mean
	 * the server is closing the channel. */
	if (code == 421 || code == 221)
		return STATE_QUIT;
	if (p->kind == ANNOTATE_DATA_END)
		/* RFC 5321 4.1.1.4: after the end of data, success or
		 * failure, the transaction is over; a 3yz there is a server
		 * error, and must not put the console back in body mode. */
		return base_state(s);
	if (p->kind == ANNOTATE_AUTH_STEP)
		return code == 334 ? STATE_AUTH : base_state(s);
	switch (line_verb(p->line)) {
	case VERB_EHLO:
	case VERB_HELO:
		/* RFC 5321 4.1.4: EHLO also resets any transaction */
		return ok ? STATE_READY : st;
	case VERB_MAIL:
		return ok ? STATE_MAIL : st;
	case VERB_RCPT:
		return ok ? STATE_RCPT : st;
	case VERB_DATA:
		return code == 354 ? STATE_DATA : st;
	case VERB_BDAT:
		/* RFC 3030 2: LAST ends the transaction, success or not */
		if (bdat_is_last(p->line))
			return code >= 200 ? base_state(s) : st;
		return ok ? STATE_BDAT : st;
	case VERB_RSET:
		return ok ? base_state(s) : st;
	case VERB_QUIT:
		return STATE_QUIT;
	case VERB_STARTTLS:
		return code == 220 ? STATE_GREETED : st;
	case VERB_AUTH:
		if (code == 334)
			return STATE_AUTH;
		return st == STATE_AUTH ? base_state(s) : st;
	default:
		return st;
	}
}

void
session_on_send(struct session *s, const char *line, enum annotate_ctx kind,
    double sent_ms)
{
	struct pending	*nq;
	size_t		 i, ncap;

	if (s->qlen == s->qcap) {
		ncap = s->qcap ? s->qcap * 2 : 16;
		if ((nq = calloc(ncap, sizeof *nq)) == NULL)
			return;
		for (i = 0; i < s->qlen; i++)
			nq[i] = s->q[(s->qhead + i) % s->qcap];
		free(s->q);
		s->q = nq;
		s->qcap = ncap;
		s->qhead = 0;
	}
	nq = &s->q[(s->qhead + s->qlen) % s->qcap];
	nq->line = strdup(line);
	nq->kind = kind;
	nq->sent_ms = sent_ms;
	if (nq->line == NULL)
		return;
	s->qlen++;
	if (kind == ANNOTATE_COMMAND) {
		enum verb_id v = line_verb(line);
		if (v == VERB_EHLO || v == VERB_HELO) {
			const char *a = line + 4;
			while (*a == ' ')
				a++;
			snprintf(s->helo, sizeof s->helo, "%s", a);
		}
	}
}

void
session_on_reply(struct session *s, const struct reply *r,
    const char **command, enum annotate_ctx *ctx, double *sent_ms)
{
	struct pending		 p;
	enum state	 st;
	enum verb_id		 v;
	int			 ok = r->code >= 200 && r->code < 300;

	free(s->answered);
	s->answered = NULL;
	*command = NULL;
	*sent_ms = s->connect_ms;

	if (s->awaiting_greeting) {
		/* RFC 5321 3.1: 220 greets; 554 refuses but waits for QUIT. */
		s->awaiting_greeting = 0;
		*ctx = ANNOTATE_GREETING;
		session_set_state(s, r->code == 421 ? STATE_QUIT :
		    STATE_GREETED);
		return;
	}
	if (s->qlen == 0) {
		*ctx = ANNOTATE_UNSOLICITED;
		if (r->code == 421 || r->code == 221)
			session_set_state(s, STATE_QUIT);
		return;
	}
	p = s->q[s->qhead];
	s->qhead = (s->qhead + 1) % s->qcap;
	s->qlen--;
	s->answered = p.line;
	*command = p.line;
	*ctx = p.kind;
	*sent_ms = p.sent_ms;

	st = transition(s, s->state, &p, r->code);
	v = p.kind == ANNOTATE_COMMAND || p.kind == ANNOTATE_BDAT ?
	    line_verb(p.line) : VERB_UNKNOWN;
	/* Side effects the RFC ties to replies. */
	switch (v) {
	case VERB_EHLO:
		if (ok) {
			caps_from_ehlo(&s->caps, r);
			s->helo_done = 1;
			s->rcpts = 0;
		}
		break;
	case VERB_HELO:
		if (ok) {
			caps_clear(&s->caps);
			s->helo_done = 1;
			s->rcpts = 0;
		}
		break;
	case VERB_MAIL:
		if (ok) {
			s->rcpts = 0;
			s->binarymime = strcasestr(p.line, " BODY=BINARYMIME") !=
			    NULL;
		}
		break;
	case VERB_RSET:
		if (ok)
			s->rcpts = 0;
		break;
	case VERB_RCPT:
		/* RFC 5321 4.1.1.3: only a 250/251 adds the recipient */
		if (ok)
			s->rcpts++;
		break;
	case VERB_AUTH:
		if (r->code == 235)
			s->auth = 1;
		break;
	default:
		break;
	}
	if (p.kind == ANNOTATE_AUTH_STEP && r->code == 235)
		s->auth = 1;
	if (st == STATE_READY || st == STATE_GREETED)
		if (s->state == STATE_DATA || s->state == STATE_BDAT ||
		    s->state == STATE_RCPT || s->state == STATE_MAIL)
			s->rcpts = 0;
	if (st == STATE_READY && (v == VERB_EHLO || v == VERB_HELO))
		s->helo_done = 1;
	session_set_state(s, st);
}

const char *
session_last_pending(const struct session *s)
{
	if (s->qlen == 0)
		return NULL;
	return s->q[(s->qhead + s->qlen - 1) % s->qcap].line;
}

int
session_awaiting_challenge(const struct session *s)
{
	const struct pending	*p;
	const char		*a;

	if (s->qlen == 0)
		return 0;
	p = &s->q[(s->qhead + s->qlen - 1) % s->qcap];
	if (p->kind == ANNOTATE_AUTH_STEP)
		return strcmp(p->line, "*") != 0;
	if (p->kind != ANNOTATE_COMMAND || line_verb(p->line) != VERB_AUTH)
		return 0;
	/* RFC 4954 4: AUTH mechanism [SP initial-response] */
	a = p->line + 4;
	a += strspn(a, " ");
	a += strcspn(a, " ");
	a += strspn(a, " ");
	return *a == '\0';
}

void
session_on_close(struct session *s)
{
	session_set_state(s, STATE_CLOSED);
}

enum state
session_expected_state(const struct session *s)
{
	enum state	st = s->state;
	size_t			i;

	if (s->awaiting_greeting)
		st = STATE_GREETED;
	for (i = 0; i < s->qlen; i++) {
		const struct pending *p = &s->q[(s->qhead + i) % s->qcap];
		st = transition(s, st, p, success_code(p));
	}
	return st;
}

int
session_binarymime(const struct session *s)
{
	return s->binarymime && (s->state == STATE_MAIL ||
	    s->state == STATE_RCPT || s->state == STATE_BDAT);
}

int
session_in_body(const struct session *s)
{
	return s->state == STATE_DATA &&
	    session_expected_state(s) == STATE_DATA;
}

int
session_in_sasl(const struct session *s)
{
	return s->state == STATE_AUTH && s->qlen == 0;
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
	if (strcasecmp(v->extension, "AUTH") == 0 && s->auth)
		return 0;
	return caps_find(&s->caps, v->extension) != NULL;
}

void
session_next_verbs(const struct session *s, char *buf, size_t size)
{
	const struct verb_info	*t;
	enum state	 st = session_expected_state(s);
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
		if (t[i].obsolete || !(t[i].states & STATE_BIT(st)))
			continue;
		if (!extension_ok(s, &t[i]))
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

size_t
session_check_order(const struct session *s, const char *line, char **out,
    size_t max)
{
	const struct verb_info	*v = verbs_identify(line);
	enum state	 st = session_expected_state(s);
	char			 next[256];
	size_t			 n = 0;

	if (s->state == STATE_CLOSED)
		return add_msg(out, n, max,
		    "the connection is closed: nothing will be sent");
	if (st == STATE_QUIT)
		return add_msg(out, n, max,
		    "QUIT was sent, or the server said 221/421: it reads "
		    "nothing more (RFC 5321 3.8, 4.1.1.10)");
	if (st == STATE_DATA && s->state != STATE_DATA)
		return add_msg(out, n, max, "DATA awaits its 354 reply: the "
		    "body can be sent only after it (RFC 5321 4.1.1.4)");
	if (v == NULL || st == STATE_DATA || st == STATE_AUTH)
		return 0;

	session_next_verbs(s, next, sizeof next);
	if (!(v->states & STATE_BIT(st))) {
		if (v->id == VERB_MAIL && (st == STATE_MAIL || st == STATE_RCPT))
			n = add_msg(out, n, max, "MAIL inside a transaction: "
			    "finish it or send RSET first; expect 503 5.5.1 "
			    "(RFC 5321 4.1.4); valid now: %s", next);
		else if (st == STATE_GREETED && v->id != VERB_EHLO &&
		    v->id != VERB_HELO)
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
	else if (v->id == VERB_AUTH && s->auth)
		n = add_msg(out, n, max, "already authenticated: a second AUTH "
		    "is answered 503 (RFC 4954 4)");
	else if (v->extension != NULL && s->caps.ehlo &&
	    caps_find(&s->caps, v->extension) == NULL)
		n = add_msg(out, n, max, "the server did not advertise %s in "
		    "its EHLO reply: expect 500 or 502", v->extension);
	else if (v->extension != NULL && s->helo_done && !s->caps.ehlo)
		n = add_msg(out, n, max, "the session began with HELO: no "
		    "service extension such as %s is available (RFC 5321 "
		    "4.1.1.1)", v->extension);
	if (v->id == VERB_AUTH && s->caps.ehlo && s->caps.auth[0] != '\0') {
		const char *m = line + 4;
		size_t len;
		while (*m == ' ')
			m++;
		len = strcspn(m, " ");
		if (len > 0) {
			char mech[64];
			snprintf(mech, sizeof mech, "%.*s", (int)len, m);
			if (!caps_list_has(s->caps.auth, mech, strlen(mech))) {
				/* the list is the server's text */
				char *shown = sanitize(s->caps.auth,
				    strlen(s->caps.auth), 0);
				n = add_msg(out, n, max, "mechanism %s is not "
				    "among those advertised (%s): expect 504 "
				    "(RFC 4954 4)", mech, shown != NULL ?
				    shown : "?");
				free(shown);
			}
		}
	}
	/* RFC 2920 3.1: without PIPELINING, wait for each reply; with it,
	 * some commands still end a group. */
	if (s->qlen > 0) {
		const struct pending *last = &s->q[(s->qhead + s->qlen - 1) %
		    s->qcap];
		enum verb_id lv = line_verb(last->line);
		if (s->caps.ehlo && !s->caps.pipelining)
			n = add_msg(out, n, max, "the server did not advertise "
			    "PIPELINING: wait for the pending reply before "
			    "sending (RFC 2920 3)");
		else if (group_ender(lv))
			n = add_msg(out, n, max, "%s must be the last command "
			    "of a pipelined group: wait for its reply "
			    "(RFC 2920 3.1)", verbs_get(lv) ? verbs_get(lv)->name :
			    "the pending command");
	}
	return n;
}
