/*
 * console.c -- what happens to a line the user typed, whichever front end
 * read it.  ":" lines are local commands, "!" lines are sent unchecked,
 * anything else is checked (syntax, then order) and sent.  Output goes
 * through the client's callbacks, so both front ends show the same thing.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <readline/history.h>

#include <openssl/crypto.h>

#include "annotate.h"
#include "auth.h"
#include "console.h"
#include "message.h"
#include "sanitize.h"
#include "lesson.h"
#include "transcript.h"
#include "verbs.h"

static enum console_result console_help(struct client *, const char *);
static enum console_result console_explain(struct client *, const char *);
static enum console_result console_save(struct client *, const char *);
static enum console_result console_data(struct client *, const char *);
static enum console_result console_bdat(struct client *, const char *);
static enum console_result console_raw(struct client *, const char *);
static enum console_result console_starttls(struct client *, const char *);
static enum console_result console_auth(struct client *, const char *);
static void	help_auth(struct client *);
static void	secret_input(struct client *, const char *);
static enum console_result console_state(struct client *, const char *);
static enum console_result console_tls(struct client *, const char *);
static enum console_result console_quit(struct client *, const char *);
static enum console_result console_lesson(struct client *, const char *);
static void	lesson_said(struct client *, int, const char *);

/* The lesson under way (one console per process, as for :auth) and the
 * text it has to say. */
static struct lesson_run	lesson;
static char			lesson_text[2048];

static const struct console_cmd commands[] = {
	{ ":help", "[VERB]", "list commands, or explain one SMTP verb",
	    console_help },
	{ ":explain", "CODE [X.Y.Z]", "explain a reply code or enhanced "
	    "status code", console_explain },
	{ ":state", "", "where the dialogue stands: state, TLS, what the "
	    "server advertised, what is valid next", console_state },
	{ ":data", "[FILE]", "send DATA (if needed) and FILE as the body, "
	    "dot-stuffed, then \".\"", console_data },
	{ ":bdat", "FILE [CHUNK]", "send FILE with BDAT in chunks of CHUNK "
	    "octets (RFC 3030; default 1 MiB)", console_bdat },
	{ ":starttls", "", "send STARTTLS and start TLS on its 220 reply",
	    console_starttls },
	{ ":auth", "MECH [USER]", "log in with SASL mechanism MECH; the "
	    "password is asked for without echo (or SMTPSCOPE_PASSWORD)",
	    console_auth },
	{ ":tls", "[pem]", "the TLS picture: checks, session, the chain the "
	    "server sent (pem: in PEM)", console_tls },
	{ ":save", "FILE", "write the session so far as a session file",
	    console_save },
	{ ":raw", "", "toggle the raw view of replies (CR LF visible)",
	    console_raw },
	{ ":lesson", "[NAME|off]", "a guided lesson on the practice server: "
	    "transaction (the default), pipelining, starttls, unknown-user",
	    console_lesson },
	{ ":quit", "", "send QUIT if needed and leave", console_quit },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

const struct console_cmd *
console_commands(size_t *n)
{
	*n = NCOMMANDS;
	return commands;
}

/*
 * :auth waiting for the secret the user types next (one console per
 * process: Readline's callbacks have no user pointer either).
 */
static struct {
	int	 waiting;
	char	 mech[32];
	char	 user[256];
	char	 prompt[320];
} secret;

static void	secret_clear(void);

/*
 * Leaving with a key: the first Ctrl-D while a transaction is open only
 * says what leaving would lose; a second one, with nothing typed in
 * between, leaves.  body_hint: a body line that reads like a command has
 * been pointed out in this message already.
 */
static int	leave_armed;
static int	body_hint;
static size_t	refused_at;	/* the first error of the line refused last */
static char	*refused_line;	/* ... and the line, to be edited again */

/* How the front end shows text (console_set_display()). */
static size_t	display_width = CONSOLE_WIDTH_DEFAULT;
static int	display_wraps;

const char *
console_prompt(const struct client *c)
{
	struct session *s = client_session((struct client *)c);

	if (secret.waiting)
		return secret.prompt;
	if (s == NULL || client_fd(c) == -1)
		return "closed> ";
	if (session_in_body(s))
		return "data> ";
	if (session_in_sasl(s))
		return "auth> ";
	return "smtp> ";
}

static const char *
skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* :help auth: what :auth runs, what each mechanism proves, and the
 * practice server's account. */
static void
help_auth(struct client *c)
{
	const struct auth_mech	*m;
	char			 buf[4096];
	size_t			 i, n, len;

	m = auth_mechs(&n);
	len = (size_t)snprintf(buf, sizeof buf, ":auth MECH [USER] runs the "
	    "exchange for you (SMTPSCOPE_PASSWORD, --auth-password-file, or "
	    "a prompt without echo; SMTPSCOPE_TOKEN for the OAuth ones), "
	    "each step explained; the SASL lines are masked unless "
	    "--show-secrets.  Mechanisms, strongest first:");
	for (i = 0; i < n && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len,
		    "\n  %-18s the client proves %s (%s)", m[i].name,
		    m[i].proves, m[i].rfc);
	if (len < sizeof buf)
		snprintf(buf + len, sizeof buf - len, "\nThe practice server "
		    "(smtpscope practice) offers PLAIN, LOGIN, CRAM-MD5, "
		    "SCRAM-SHA-256 and SCRAM-SHA-256-PLUS after STARTTLS, for "
		    "user %s, password %s: try :starttls, EHLO me, :auth "
		    "SCRAM-SHA-256-PLUS %s",
		    AUTH_PRACTICE_USER, AUTH_PRACTICE_PASSWORD,
		    AUTH_PRACTICE_USER);
	client_message(c, CLIENT_MSG_HELP, "%s", buf);
}

static enum console_result
console_help(struct client *c, const char *arg)
{
	const struct verb_info	*v;
	char			 buf[4096], next[256], lower[16];
	size_t			 i, len = 0;

	if (*arg != '\0' && *arg != ':') {
		if ((v = verbs_lookup(arg, strcspn(arg, " "))) == NULL) {
			client_message(c, CLIENT_MSG_ERROR, "no SMTP verb "
			    "\"%.*s\": try :help for the list", 40, arg);
			return CONSOLE_CONTINUE;
		}
		for (i = 0; v->name[i] != '\0' && i < sizeof lower - 1; i++)
			lower[i] = (char)tolower((unsigned char)v->name[i]);
		lower[i] = '\0';
		client_message(c, CLIENT_MSG_HELP, "%s%s\n  syntax: %s\n  "
		    "defined in: %s%s%s\n  %s\n  (verbs are case-insensitive: "
		    "%s and %s mean the same)", v->name,
		    v->obsolete ? " (obsolete)" : "", v->syntax, v->rfc,
		    v->extension ? "; needs the EHLO keyword " : "",
		    v->extension ? v->extension : "", v->help, v->name, lower);
		if (v->id == VERB_AUTH)
			help_auth(c);
		return CONSOLE_CONTINUE;
	}
	len += (size_t)snprintf(buf + len, sizeof buf - len,
	    "Type SMTP commands; each is checked, then sent with CRLF.\n"
	    "  !LINE            send LINE unchecked\n");
	for (i = 0; i < NCOMMANDS && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len,
		    "  %-16s %s\n", commands[i].name, commands[i].help);
	if (client_session(c) != NULL && len < sizeof buf) {
		session_next_verbs(client_session(c), next, sizeof next);
		snprintf(buf + len, sizeof buf - len, "Valid now: %s\n"
		    ":help VERB explains one verb.", next);
	}
	client_message(c, CLIENT_MSG_HELP, "%s", buf);
	return CONSOLE_CONTINUE;
}

/* ":explain 550 5.1.1", ":explain 5.7.1", ":explain 550 5.1.1 User unknown" */
static enum console_result
console_explain(struct client *c, const char *arg)
{
	char	 err[256];
	char	*text;

	if (*arg == '\0') {
		client_message(c, CLIENT_MSG_ERROR, "usage: :explain CODE "
		    "[X.Y.Z], e.g. :explain 550 5.1.1");
		return CONSOLE_CONTINUE;
	}
	if ((text = annotate_query(arg, display_wraps ? ANNOTATE_NO_WRAP : 0,
	    err, sizeof err)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "%s", err);
		return CONSOLE_CONTINUE;
	}
	client_message(c, CLIENT_MSG_HELP, "%s", text);
	free(text);
	return CONSOLE_CONTINUE;
}

static enum console_result
console_save(struct client *c, const char *arg)
{
	if (*arg == '\0')
		client_message(c, CLIENT_MSG_ERROR, "usage: :save FILE");
	else
		client_save(c, arg);
	return CONSOLE_CONTINUE;
}

static enum console_result
console_raw(struct client *c, const char *arg)
{
	client_set_raw(c, !client_raw(c));
	client_message(c, CLIENT_MSG_INFO, "raw view %s",
	    client_raw(c) ? "on" : "off");
	return CONSOLE_CONTINUE;
}

static enum console_result
console_starttls(struct client *c, const char *arg)
{
	client_send(c, "STARTTLS");
	return CONSOLE_CONTINUE;
}

/*
 * ":auth SCRAM-SHA-256 student": the engine runs the exchange; when the
 * secret is nowhere to be found, the next line typed is the secret (the
 * front ends neither echo it nor keep it in history).
 */
static enum console_result
console_auth(struct client *c, const char *arg)
{
	const struct auth_mech	*m;
	struct auth_opts	 o;
	char			 mech[32], shown[200];
	size_t			 n = strcspn(arg, " \t");
	const char		*user = skip_spaces(arg + n);

	if (n == 0 || n >= sizeof mech || user[strcspn(user, " \t")] != '\0') {
		client_message(c, CLIENT_MSG_ERROR, "usage: :auth MECH [USER], "
		    "e.g. :auth SCRAM-SHA-256 %s (:help auth)",
		    AUTH_PRACTICE_USER);
		return CONSOLE_CONTINUE;
	}
	snprintf(mech, sizeof mech, "%.*s", (int)n, arg);
	if ((m = auth_mech_lookup(mech)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "%s is not a mechanism "
		    "smtpscope runs: :help auth lists them", mech);
		return CONSOLE_CONTINUE;
	}
	memset(&o, 0, sizeof o);
	o.mech = m->name;
	o.user = *user != '\0' ? user : NULL;
	if (client_auth(c, &o) != CLIENT_AUTH_NEEDS_SECRET)
		return CONSOLE_CONTINUE;
	secret.waiting = 1;
	snprintf(secret.mech, sizeof secret.mech, "%s", m->name);
	snprintf(secret.user, sizeof secret.user, "%s", client_auth_user(c,
	    o.user));
	/* the user as given, made safe to show in the prompt */
	sanitize_buf(shown, sizeof shown, secret.user, strlen(secret.user), 0);
	snprintf(secret.prompt, sizeof secret.prompt, "%s for %s (not "
	    "shown): ", m->need == AUTH_NEED_TOKEN ? "token" : "password",
	    shown);
	return CONSOLE_CONTINUE;
}

static void
secret_clear(void)
{
	OPENSSL_cleanse(&secret, sizeof secret);
	secret.waiting = 0;
}

int
console_reading_secret(const struct client *c)
{
	return secret.waiting;
}

void
console_secret_cancel(struct client *c, const char *why)
{
	if (!secret.waiting)
		return;
	secret_clear();
	client_message(c, CLIENT_MSG_ERROR, "AUTH not started: %s", why);
}

/* The line typed at the secret prompt. */
static void
secret_input(struct client *c, const char *input)
{
	struct auth_opts	o;
	char			mech[32], user[256];

	if (*input == '\0') {
		console_secret_cancel(c, "nothing was typed");
		return;
	}
	snprintf(mech, sizeof mech, "%s", secret.mech);
	snprintf(user, sizeof user, "%s", secret.user);
	secret_clear();
	memset(&o, 0, sizeof o);
	o.mech = mech;
	o.user = user;
	o.secret = input;
	client_auth(c, &o);
}

/* ":tls": the details of the handshake (tls.c formats them); ":tls pem":
 * the chain as the server sent it. */
static enum console_result
console_tls(struct client *c, const char *arg)
{
	const struct tls	*t = client_conn(c)->tls;
	char			*text, sum[1024];

	if (t == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "no TLS on this connection%s",
		    client_fd(c) != -1 ? ": :starttls starts it" : "");
		return CONSOLE_CONTINUE;
	}
	if (*arg != '\0' && strcmp(arg, "pem") != 0) {
		client_message(c, CLIENT_MSG_ERROR, "usage: :tls [pem]");
		return CONSOLE_CONTINUE;
	}
	tls_summary(t, 0, sum, sizeof sum);
	client_message(c, CLIENT_MSG_HELP, "TLS: %s", sum);
	text = *arg != '\0' ? tls_pem_chain(t) :
	    tls_format_details(tls_get_info(t));
	if (text == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory");
		return CONSOLE_CONTINUE;
	}
	client_message_text(c, CLIENT_MSG_HELP, text);
	free(text);
	return CONSOLE_CONTINUE;
}

static enum console_result
console_state(struct client *c, const char *arg)
{
	struct session			*s = client_session(c);
	const struct caps		*caps;
	const struct conn		*conn = client_conn(c);
	const enum state		*trail;
	char				 next[256], kw[2048], changes[256];
	size_t				 i, n, len = 0;

	if (s == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "not connected");
		return CONSOLE_CONTINUE;
	}
	caps = session_caps(s);
	/* the last changes, as the session reported them */
	trail = client_state_trail(c, &n);
	changes[0] = '\0';
	for (i = 0, len = 0; i < n && len < sizeof changes; i++)
		len += (size_t)snprintf(changes + len, sizeof changes - len,
		    "%s%s", i > 0 ? " -> " : "", session_state_name(trail[i]));
	len = 0;
	session_next_verbs(s, next, sizeof next);
	kw[0] = '\0';
	/* the keywords are the server's text: never shown raw */
	for (i = 0; i < caps->nkeywords && len + 3 < sizeof kw; i++) {
		if (i > 0)
			len += (size_t)snprintf(kw + len, sizeof kw - len,
			    ", ");
		len += sanitize_buf(kw + len, sizeof kw - len,
		    caps->keywords[i], strlen(caps->keywords[i]), 0);
	}
	client_message(c, CLIENT_MSG_HELP, "server %s%s%s%s, state %s%s%s, "
	    "%zu recipient(s) accepted, %zu awaiting reply\nstate changes: "
	    "%s\nTLS: %s\nAUTH: %s\n"
	    "EHLO keywords: %s\nvalid now: %s\nbytes: %llu sent, %llu "
	    "received", client_server_name(c),
	    session_lmtp(s) ? " (LMTP)" : "",
	    *client_route(c) != '\0' ? " via " : "", client_route(c),
	    session_state_name(session_state(s)),
	    session_indeterminate(s) ? " (a BDAT failed: the transaction is "
	    "indeterminate until RSET)" : "",
	    client_fd(c) == -1 ? " (disconnected)" : "", session_recipients(s),
	    session_pending(s), changes[0] ? changes : "(none yet)",
	    *client_tls_summary(c) ?
	    client_tls_summary(c) : "off", session_authenticated(s) ?
	    "authenticated" : "no", caps->ehlo ? (kw[0] ? kw : "(none)") :
	    "(no EHLO reply yet)", next, conn->bytes_out, conn->bytes_in);
	return CONSOLE_CONTINUE;
}

static enum console_result
console_data(struct client *c, const char *arg)
{
	struct session		*s = client_session(c);
	struct message_file	*mf = NULL;
	const char		*line;
	char			 err[1024], what[160];
	unsigned long long	 size;
	size_t			 len;
	int			 rc;

	if (s == NULL || client_fd(c) == -1) {
		client_message(c, CLIENT_MSG_ERROR, "not connected");
		return CONSOLE_CONTINUE;
	}
	/* measured, and refused, before DATA is sent */
	if (*arg != '\0' && (mf = message_file_open(arg, MESSAGE_DATA,
	    message_limit(session_caps(s), what, sizeof what), what, &size, err,
	    sizeof err)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "%s", err);
		return CONSOLE_CONTINUE;
	}
	if (!session_in_body(s)) {
		if (client_send(c, "DATA") == -1 || client_wait(c, -1) != 0)
			goto out;
		if (!session_in_body(s)) {
			client_message(c, CLIENT_MSG_ERROR, "DATA was not "
			    "accepted: no body sent");
			goto out;
		}
	}
	if (mf == NULL) {
		client_message(c, CLIENT_MSG_INFO, "type the body; a line "
		    "with a single \".\" ends it (leading dots are doubled "
		    "for you, RFC 5321 4.5.2)");
		goto out;
	}
	/* one line at a time: the file is never held whole */
	while ((rc = message_file_line(mf, &line, &len, err,
	    sizeof err)) == 1)
		if (client_send_body_line(c, line, len) == -1)
			goto out;
	if (rc == -1) {
		/* "." now would send the part as the whole message */
		client_message(c, CLIENT_MSG_ERROR, "%s: the body is not "
		    "ended; type \".\" to end it as it is", err);
		goto out;
	}
	client_send_body_end(c);
out:
	message_file_close(mf);
	return CONSOLE_CONTINUE;
}

static enum console_result
console_bdat(struct client *c, const char *arg)
{
	struct session		*s = client_session(c);
	struct message_file	*mf = NULL;
	char			 path[1024], err[1024], what[160], *buf = NULL;
	char			*end;
	unsigned long long	 size;
	unsigned long		 chunk = MESSAGE_CHUNK_DEFAULT;
	size_t			 n;
	const char		*p;
	int			 pipelining, last;

	if (s == NULL || client_fd(c) == -1) {
		client_message(c, CLIENT_MSG_ERROR, "not connected");
		return CONSOLE_CONTINUE;
	}
	n = strcspn(arg, " ");
	if (n == 0 || n >= sizeof path) {
		client_message(c, CLIENT_MSG_ERROR, "usage: :bdat FILE [CHUNK]");
		return CONSOLE_CONTINUE;
	}
	snprintf(path, sizeof path, "%.*s", (int)n, arg);
	p = skip_spaces(arg + n);
	if (*p != '\0') {
		errno = 0;
		chunk = strtoul(p, &end, 10);
		if (!isdigit((unsigned char)*p) || *skip_spaces(end) != '\0' ||
		    errno != 0 || chunk == 0 || chunk > MESSAGE_CHUNK_MAX) {
			client_message(c, CLIENT_MSG_ERROR, "CHUNK takes octets "
			    "from 1 to %lu", MESSAGE_CHUNK_MAX);
			return CONSOLE_CONTINUE;
		}
	}
	if (session_caps(s)->ehlo && !session_caps(s)->chunking)
		client_message(c, CLIENT_MSG_WARNING, "the server did not "
		    "advertise CHUNKING: expect BDAT to be refused (RFC 3030 2)");
	/* RFC 3030 3: a BINARYMIME body goes as it is, octet for octet */
	if ((mf = message_file_open(path, session_binarymime(s) ?
	    MESSAGE_BINARY : MESSAGE_BDAT, message_limit(session_caps(s), what,
	    sizeof what), what, &size, err, sizeof err)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "%s", err);
		return CONSOLE_CONTINUE;
	}
	if (chunk > size)
		chunk = size > 0 ? (unsigned long)size : 1;
	if ((buf = malloc(chunk)) == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "out of memory");
		goto out;
	}
	pipelining = session_caps(s)->pipelining;
	/* RFC 3030 4.2: with PIPELINING, BDAT chunks may be sent without
	 * waiting; otherwise wait for each reply.  One chunk in memory. */
	do {
		if (message_file_chunk(mf, buf, chunk, &n, &last, err,
		    sizeof err) == -1) {
			client_message(c, CLIENT_MSG_ERROR, "%s: no more chunks "
			    "sent (RSET ends the transaction)", err);
			goto out;
		}
		if (client_send_bdat(c, buf, n, last) == -1)
			goto out;
		if (!pipelining && client_wait(c, -1) != 0)
			goto out;
	} while (!last);
out:
	free(buf);
	message_file_close(mf);
	return CONSOLE_CONTINUE;
}

static enum console_result
console_quit(struct client *c, const char *arg)
{
	struct session *s = client_session(c);

	if (s != NULL && client_fd(c) != -1 && session_state(s) != STATE_QUIT &&
	    !session_in_body(s)) {
		if (client_send(c, "QUIT") == 0)
			client_wait(c, 5000);
	}
	return CONSOLE_QUIT;
}

void
console_set_display(size_t width, int wraps)
{
	display_width = width > 0 ? width : CONSOLE_WIDTH_DEFAULT;
	if (display_width > CONSOLE_WIDTH_MAX)
		display_width = CONSOLE_WIDTH_MAX;
	display_wraps = wraps;
}

enum console_result
console_leave(struct client *c)
{
	struct session	*s = client_session(c);
	enum state	 st;
	int		 armed = leave_armed;

	leave_armed = 0;
	if (secret.waiting) {
		console_secret_cancel(c, "leaving");
		return CONSOLE_QUIT;
	}
	if (s == NULL || client_fd(c) == -1)
		return CONSOLE_QUIT;
	if (session_in_body(s)) {
		if (armed) {
			client_message(c, CLIENT_MSG_ERROR, "left inside the "
			    "message body: the message was never ended, so "
			    "the server delivers nothing");
			return console_quit(c, "");
		}
		client_message(c, CLIENT_MSG_INFO, "you are typing the "
		    "message body: a line with a single \".\" ends the "
		    "message and the server takes it.  To abandon it, press "
		    "Ctrl-D again: the connection closes before the end of "
		    "the message and nothing is delivered (:save FILE "
		    "cannot be typed here: it would be message text)");
		leave_armed = 1;
		return CONSOLE_CONTINUE;
	}
	st = session_expected_state(s);
	if ((st == STATE_MAIL || st == STATE_RCPT || st == STATE_DATA ||
	    st == STATE_BDAT) && !armed) {
		client_message(c, CLIENT_MSG_INFO, "a mail transaction is open "
		    "(%zu recipient%s accepted, no message sent yet): leaving "
		    "sends QUIT and the server drops it.  Press Ctrl-D again "
		    "to leave; :save FILE keeps the session first",
		    session_recipients(s), session_recipients(s) == 1 ? "" :
		    "s");
		leave_armed = 1;
		return CONSOLE_CONTINUE;
	}
	return console_quit(c, "");
}

void
console_leave_disarm(void)
{
	leave_armed = 0;
}

/*
 * A body line that reads as a command (QUIT, RSET, :quit ...) is message
 * text all the same; say so once per message.
 */
static void
body_line_hint(struct client *c, const char *line)
{
	struct verbs_cmd	cmd;
	size_t			i, n;

	if (body_hint)
		return;
	n = strcspn(line, " \t");
	if (line[0] == ':') {
		for (i = 0; i < NCOMMANDS; i++)
			if (strlen(commands[i].name) == n &&
			    strncasecmp(commands[i].name, line, n) == 0)
				break;
		if (i == NCOMMANDS)
			return;
	} else if (verbs_lookup(line, n) == NULL ||
	    verbs_parse(line, strlen(line), NULL, 0, &cmd) >= DIAG_ERROR)
		return;
	body_hint = 1;
	client_message(c, CLIENT_MSG_INFO, "this is message text, sent as "
	    "it is; end the message with a line holding a single \".\"");
}

static enum console_result
local_command(struct client *c, const char *line)
{
	size_t	i, n = strcspn(line, " \t");

	for (i = 0; i < NCOMMANDS; i++)
		if (strlen(commands[i].name) == n &&
		    strncasecmp(commands[i].name, line, n) == 0)
			return commands[i].fn(c, skip_spaces(line + n));
	client_message(c, CLIENT_MSG_ERROR, "unknown local command \"%.*s\": "
	    "type :help", (int)(n > 40 ? 40 : n), line);
	return CONSOLE_CONTINUE;
}

/*
 * One problem of a typed line, under the line as the front end shows
 * it: the line (masked, shortened around the problem to the display
 * width), the caret, the message.  Never repeats a long line in full.
 */
static void
show_problem(struct client *c, const char *line, size_t len,
    const struct diag *dp)
{
	char		*shown, *text, caret[CONSOLE_WIDTH_MAX + 8];
	char		 masked[600];
	struct diag	 d = *dp;
	size_t		 n;

	/* an AUTH line's initial response is a secret: shown masked, a
	 * caret that would point into it points at the mask */
	if (transcript_mask_auth(line, masked, sizeof masked) &&
	    !client_show_secrets(c)) {
		line = masked;
		len = strlen(masked);
	}
	if (d.column >= len) {
		d.column = len > 0 ? len - 1 : 0;
		d.length = 1;
	}
	if (d.column + d.length > len)
		d.length = len - d.column > 0 ? len - d.column : 1;
	if ((shown = diag_show(line, len, &d, 0, display_width, caret,
	    sizeof caret)) == NULL)
		return;
	n = strlen(shown) + strlen(caret) + strlen(d.msg) + 64 +
	    (d.rfc != NULL ? strlen(d.rfc) : 0);
	if ((text = malloc(n)) != NULL) {
		snprintf(text, n, "%s\n%s\n%s: %s%s%s%s", shown, caret,
		    diag_severity_name(d.severity), d.msg, d.rfc ? " (" : "",
		    d.rfc ? d.rfc : "", d.rfc ? ")" : "");
		client_message_text(c, CLIENT_MSG_DIAG, text);
		free(text);
	}
	free(shown);
}

/*
 * A typed line is text: a NUL octet would cut it where the line ends for
 * the engine, so it is refused wherever it is, and octets that are not
 * UTF-8 are refused in a body line or a SASL response (a command's are
 * the grammar's to judge; "!" sends them as they are).  Returns 1 when
 * refused (said), with the offset of the octet in *at.
 */
static int
refuse_octets(struct client *c, const char *line, size_t len, int utf8,
    size_t *at)
{
	struct diag	 d;
	const char	*nul;
	size_t		 i;

	memset(&d, 0, sizeof d);
	d.severity = DIAG_ERROR;
	d.length = 1;
	if ((nul = memchr(line, '\0', len)) != NULL) {
		d.column = (size_t)(nul - line);
		if (utf8 && session_in_body(client_session(c))) {
			snprintf(d.msg, sizeof d.msg, "a NUL octet (0x00) at "
			    "column %zu: message text cannot carry it (a binary "
			    "body goes with :bdat FILE); not sent",
			    d.column + 1);
			d.rfc = "RFC 5322 2.1";
		} else
			snprintf(d.msg, sizeof d.msg, "a NUL octet (0x00) at "
			    "column %zu: a typed line cannot carry it; not "
			    "sent", d.column + 1);
		goto refuse;
	}
	if (utf8 && (i = sanitize_utf8_end(line, len)) < len) {
		d.column = i;
		snprintf(d.msg, sizeof d.msg, "octet 0x%02x at column %zu is "
		    "not valid UTF-8; not sent (a body in another charset goes "
		    "with :data FILE)", (unsigned char)line[i], i + 1);
		goto refuse;
	}
	return 0;
refuse:
	show_problem(c, line, len, &d);
	*at = d.column;
	return 1;
}

static void
report_diags(struct client *c, const char *line, size_t len,
    const struct diag_list *dl)
{
	size_t	i;

	for (i = 0; i < dl->n; i++)
		show_problem(c, line, len, &dl->d[i]);
}

/* "not sent": how to send it all the same, quoting the line shortened
 * around its first error, never in full. */
static void
refused(struct client *c, const char *line, size_t len, size_t at)
{
	char	 masked[600], *shown;
	size_t	 col, cols, width;

	if (transcript_mask_auth(line, masked, sizeof masked) &&
	    !client_show_secrets(c)) {
		line = masked;
		len = strlen(masked);
		at = at < len ? at : 0;
	}
	width = display_width > 60 ? display_width - 40 : SANITIZE_SHORTEN_MIN;
	shown = sanitize_shorten(line, len, at, 1, width, 0, &col, &cols);
	client_message(c, CLIENT_MSG_ERROR, "not sent: fix it, or send it "
	    "unchecked as !%s", shown != NULL ? shown : "");
	free(shown);
}

char *
console_refused_line(size_t *at)
{
	char *line = refused_line;

	refused_line = NULL;
	*at = refused_at;
	return line;
}

enum console_result
console_input(struct client *c, const char *input, size_t inlen, int check)
{
	struct session		*s = client_session(c);
	struct diag_list	 dl;
	char			*line, *warn[8];
	size_t			 len, i, nwarn;
	int			 sev;
	enum console_result	 rc = CONSOLE_CONTINUE;

	if (secret.waiting) {
		secret_input(c, input);
		return CONSOLE_CONTINUE;
	}
	leave_armed = 0;
	refused_at = 0;
	free(refused_line);
	refused_line = NULL;
	for (len = 0; len < inlen && input[len] != '\r' && input[len] != '\n';)
		len++;
	if ((line = malloc(len + 1)) == NULL)
		return CONSOLE_CONTINUE;
	memcpy(line, input, len);
	line[len] = '\0';
	if (refuse_octets(c, line, len, s != NULL && (session_in_body(s) ||
	    session_in_sasl(s)), &refused_at)) {
		rc = CONSOLE_REFUSED;
		goto out;
	}

	if (line[0] == ':' && (s == NULL || !session_in_body(s))) {
		rc = local_command(c, line);
		goto out;
	}
	if (s == NULL || client_fd(c) == -1) {
		client_message(c, CLIENT_MSG_ERROR, "not connected: type :quit "
		    "to leave");
		goto out;
	}
	/* Body lines and SASL responses are data, not commands. */
	if (session_in_sasl(s)) {
		client_send(c, line);
		goto out;
	}
	if (session_in_body(s)) {
		if (client_send(c, line) == 0) {
			body_line_hint(c, line);
			lesson_said(c, lesson_sent(&lesson, line, 1, lesson_text,
			    sizeof lesson_text), lesson_text);
		}
		goto out;
	}
	body_hint = 0;
	if (line[0] == '!') {
		client_send(c, line + 1);
		goto out;
	}
	if (line[strspn(line, " \t")] == '\0')
		goto out;
	/* A lesson's step first: the wrong command is explained, not sent. */
	if (lesson_check(&lesson, line, 0, lesson_text,
	    sizeof lesson_text) == -1) {
		lesson_said(c, 1, lesson_text);
		goto out;
	}
	if (check) {
		const struct caps *caps = session_caps(s);

		/* no NUL is left in it (refuse_octets()) */
		sev = verbs_check(line, caps->ehlo ? caps : NULL,
		    session_lmtp(s) ? VERBS_LMTP : 0, &dl);
		report_diags(c, line, len, &dl);
		nwarn = session_check_order(s, line, warn, 8);
		for (i = 0; i < nwarn; i++) {
			client_message(c, CLIENT_MSG_WARNING, "%s", warn[i]);
			free(warn[i]);
		}
		if (sev >= DIAG_ERROR) {
			for (i = 0; i < dl.n; i++)
				if (dl.d[i].severity >= DIAG_ERROR)
					break;
			refused_at = i < dl.n ? dl.d[i].column : 0;
			refused(c, line, len, refused_at);
			rc = CONSOLE_REFUSED;
			goto out;
		}
	}
	if (client_send(c, line) == 0)
		lesson_said(c, lesson_sent(&lesson, line, 0, lesson_text,
		    sizeof lesson_text), lesson_text);
out:
	/* kept to be put back into the input, unless it holds an AUTH
	 * secret: that is not shown again */
	if (rc == CONSOLE_REFUSED && (client_show_secrets(c) ||
	    !transcript_mask_auth(line, NULL, 0)))
		refused_line = line;
	else
		free(line);
	return rc;
}

/* --- lessons ---------------------------------------------------------------- */

/*
 * ":lesson [NAME|off]": on the practice server only (a lesson sends real
 * mail), with the scenario the lesson needs, outside a transaction.
 */
static enum console_result
console_lesson(struct client *c, const char *arg)
{
	struct session		*s = client_session(c);
	const struct lesson	*l, *t;
	const char		*practice = client_practice(c);
	char			 names[256], quoted[64];
	size_t			 i, n, len = 0;

	t = lesson_table(&n);
	for (i = 1; i < n && len < sizeof names; i++)
		len += (size_t)snprintf(names + len, sizeof names - len,
		    "%s%s", i > 1 ? ", " : "", t[i].name);
	if (strcasecmp(arg, "off") == 0) {
		if (lesson_active(&lesson))
			client_message(c, CLIENT_MSG_INFO, "lesson stopped");
		lesson_stop(&lesson);
		return CONSOLE_CONTINUE;
	}
	if ((l = *arg == '\0' ? &t[0] : lesson_find(arg)) == NULL) {
		sanitize_buf(quoted, sizeof quoted, arg, strlen(arg), 0);
		client_message(c, CLIENT_MSG_ERROR, "no lesson \"%s\": the "
		    "lessons are %s, %s", quoted, t[0].name, names);
		return CONSOLE_CONTINUE;
	}
	if (practice == NULL) {
		client_message(c, CLIENT_MSG_ERROR, "lessons run on the practice "
		    "server: smtpscope practice");
		return CONSOLE_CONTINUE;
	}
	if (l->scenario != NULL && strcmp(l->scenario, practice) != 0) {
		client_message(c, CLIENT_MSG_ERROR, "lesson %s needs the %s "
		    "scenario: start smtpscope practice --scenario %s", l->name,
		    l->scenario, l->scenario);
		return CONSOLE_CONTINUE;
	}
	if (s == NULL || client_fd(c) == -1 || session_state(s) >= STATE_QUIT) {
		client_message(c, CLIENT_MSG_ERROR, "not connected: start "
		    "smtpscope practice again for a lesson");
		return CONSOLE_CONTINUE;
	}
	if (session_state(s) > STATE_READY) {
		client_message(c, CLIENT_MSG_ERROR, "a transaction is open: "
		    "finish it or RSET, then :lesson");
		return CONSOLE_CONTINUE;
	}
	lesson_start(&lesson, l, session_state(s) != STATE_CONNECTED,
	    lesson_text, sizeof lesson_text);
	client_message(c, CLIENT_MSG_HELP, "%s%s%s", lesson_text,
	    *arg == '\0' ? "\n:lesson NAME starts another: " : "",
	    *arg == '\0' ? names : "");
	return CONSOLE_CONTINUE;
}

/* What a lesson has to say, when it has something. */
static void
lesson_said(struct client *c, int said, const char *text)
{
	if (said)
		client_message(c, CLIENT_MSG_HELP, "%s", text);
}

void
console_on_reply(struct client *c, const struct reply *r, const char *command,
    enum annotate_ctx ctx)
{
	lesson_said(c, lesson_reply(&lesson, r->code, command, ctx,
	    lesson_text, sizeof lesson_text), lesson_text);
}

const char *
console_lesson_status(char *buf, size_t size)
{
	return lesson_status(&lesson, buf, size);
}

/* --- history ---------------------------------------------------------------- */

#define HISTORY_MAX 1000

static char history_file[1024];

void
console_history_load(void)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		 dir[900];

	history_file[0] = '\0';
	if (state != NULL && *state == '/')
		snprintf(dir, sizeof dir, "%s/smtpscope", state);
	else if (home != NULL && *home == '/') {
		snprintf(dir, sizeof dir, "%s/.local", home);
		mkdir(dir, 0700);
		snprintf(dir, sizeof dir, "%s/.local/state", home);
		mkdir(dir, 0700);
		snprintf(dir, sizeof dir, "%s/.local/state/smtpscope", home);
	} else
		return;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return;
	snprintf(history_file, sizeof history_file, "%s/history", dir);
	if (read_history(history_file) == ENOENT) {
		/* append_history() only appends to a file that exists; the
		 * history holds addresses: readable by its owner only */
		int fd = open(history_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd == -1) {
			history_file[0] = '\0';
			return;
		}
		close(fd);
	}
	history_truncate_file(history_file, HISTORY_MAX);
}

void
console_history_add(struct client *c, const char *line)
{
	struct session *s = client_session(c);

	if (line[strspn(line, " \t")] == '\0' || secret.waiting)
		return;
	/* a line typed before the 334 came is a SASL response too */
	if (s != NULL && (session_in_body(s) || session_in_sasl(s) ||
	    session_awaiting_challenge(s)))
		return;
	if (strncasecmp(line, "AUTH", 4) == 0 ||
	    strncasecmp(line, "!AUTH", 5) == 0)
		return;
	add_history(line);
	if (history_file[0] != '\0')
		append_history(1, history_file);
}
