/*
 * ui_plain.c -- the line-mode front end.
 *
 * On a terminal: GNU Readline in callback mode, so that server replies
 * (a 421 on idle timeout, say) show up while the user types, with history
 * and Tab completion.  Otherwise (a pipe, a file): commands are read from
 * standard input one line at a time, each sent once the previous one has
 * been answered, and the annotated transcript is printed.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <readline/readline.h>

#include <openssl/crypto.h>

#include "annotate.h"
#include "complete.h"
#include "console.h"
#include "probe.h"
#include "sanitize.h"
#include "ui.h"
#include "verbs.h"

struct plain {
	struct client		*c;
	const struct ui_opts	*u;
	int			 interactive;	/* Readline on a TTY */
	int			 color;
	int			 in_readline;	/* the input line is on screen */
	int			 quit;
	int			 unfinished;	/* input ended inside a body */
	char			*typed;		/* line just typed (echo shown) */
	char			*refill;	/* a refused line, back into the
						   input once Readline is done */
	size_t			 refill_at;	/* ... with the cursor here */
};

static struct plain		*current;	/* for Readline's callbacks */
static volatile sig_atomic_t	 got_sigint;
static volatile sig_atomic_t	 got_sigterm;

static void	out_begin(struct plain *);
static void	out_end(struct plain *);
static void	secret_mode(struct plain *);
static void	secret_redisplay(void);

static const char *
col(const struct plain *p, const char *code)
{
	return p->color ? code : "";
}

static void
out_begin(struct plain *p)
{
	if (p->interactive && p->in_readline) {
		rl_save_prompt();
		rl_clear_visible_line();
	}
}

static void
out_end(struct plain *p)
{
	fflush(stdout);
	if (p->interactive && p->in_readline) {
		rl_restore_prompt();
		rl_on_new_line();
		(*rl_redisplay_function)();
	}
}

static void
plain_sent(void *arg, const char *line, enum client_line kind)
{
	struct plain	*p = arg;
	char		*shown, masked[512];

	/* On a terminal the line the user just typed is already on screen. */
	if (p->interactive && p->typed != NULL && strcmp(p->typed, line) == 0) {
		free(p->typed);
		p->typed = NULL;
		return;
	}
	out_begin(p);
	line = client_shown_line(client_show_secrets(p->c), line, kind,
	    masked, sizeof masked);
	shown = sanitize(line, strlen(line), 0);
	printf("%s%s %s%s\n", col(p, "\033[36m"),
	    kind == CLIENT_LINE_BODY ? "D:" : "C:", shown ? shown : "",
	    col(p, "\033[0m"));
	free(shown);
	out_end(p);
}

static const char *
reply_color(const struct plain *p, int code)
{
	if (!p->color)
		return "";
	switch (code / 100) {
	case 2:
		return "\033[32m";
	case 3:
		return "\033[36m";
	case 4:
		return "\033[33m";
	default:
		return "\033[31m";
	}
}

static void
plain_reply(void *arg, const struct reply *r, const char *command,
    enum annotate_ctx ctx, double ms)
{
	struct plain	*p = arg;
	char		*text, *line, *nl, *shown;
	const char	*rcpt, *raw;
	size_t		 i, n, ri, rn;
	int		 first = 1;

	out_begin(p);
	if (client_raw(p->c)) {
		shown = sanitize(r->raw, r->rawlen, SANITIZE_SHOW_CRLF);
		printf("%sS: %s%s\n", reply_color(p, r->code), shown ? shown : "",
		    col(p, "\033[0m"));
		free(shown);
	} else {
		/* each line exactly as received, made safe to show */
		for (i = 0; (raw = reply_line_raw(r, i, &n)) != NULL; i++) {
			shown = sanitize(raw, n, 0);
			printf("%sS: %s%s\n", reply_color(p, r->code),
			    shown ? shown : "", col(p, "\033[0m"));
			free(shown);
		}
	}
	/* Pipelined: say which command this reply answers (RFC 2920 3.1:
	 * replies come in the order of the commands). */
	if (command != NULL && ctx == ANNOTATE_COMMAND &&
	    client_reply_pipelined(p->c)) {
		char masked[512];
		const char *cmd = client_shown_line(client_show_secrets(p->c),
		    command, CLIENT_LINE_COMMAND, masked, sizeof masked);
		shown = sanitize(cmd, strlen(cmd), 0);
		printf("%s   < answers C: %s%s\n", col(p, "\033[2m"),
		    shown ? shown : "", col(p, "\033[0m"));
		free(shown);
	}
	/* LMTP: the recipient this reply is for (RFC 2033 4.2). */
	if (client_reply_rcpt(p->c, &rcpt, &ri, &rn)) {
		char label[400];

		session_rcpt_label(rcpt, ri, rn, label, sizeof label);
		shown = sanitize(label, strlen(label), 0);
		printf("%s   %s%s\n", col(p, "\033[2m"), shown ? shown : "",
		    col(p, "\033[0m"));
		free(shown);
	}
	/* One line per reply unless --verbose: the summary in context; a
	 * malformed reply also gets its faults (they would hide in the full
	 * text otherwise). */
	text = annotate_reply(r, command, ctx, (p->u->verbose ? 0 :
	    ANNOTATE_SHORT) | (p->u->learn ? ANNOTATE_LEARN : 0));
	if (text != NULL && !p->u->verbose && r->faults != 0) {
		char faults[512], *more;
		size_t len;
		reply_faults_describe(r->faults, faults, sizeof faults);
		len = strlen(text) + strlen(faults) + 16;
		if ((more = malloc(len)) != NULL) {
			snprintf(more, len, "%s\nfaults: %s", text, faults);
			free(text);
			text = more;
		}
	}
	for (line = text; line != NULL; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (first)
			printf("%s   = [%.1f ms] %s%s\n", col(p, "\033[2m"), ms,
			    line, col(p, "\033[0m"));
		else
			printf("%s     %s%s\n", col(p, "\033[2m"), line,
			    col(p, "\033[0m"));
		first = 0;
	}
	free(text);
	out_end(p);
	/* a lesson step may advance on it */
	console_on_reply(p->c, r, command, ctx);
}

/*
 * Messages may quote server bytes (an advertised AUTH mechanism, a
 * certificate name): each line is made safe to show, a backslash kept
 * single because a diagnostic's command line is sanitized already.
 */
static void
print_lines(const char *prefix, const char *text, const char *suffix, FILE *f)
{
	const char *nl;
	char *safe;
	size_t n;

	while (*text) {
		nl = strchr(text, '\n');
		n = nl != NULL ? (size_t)(nl - text) : strlen(text);
		safe = sanitize(text, n, SANITIZE_KEEP_BACKSLASH);
		fprintf(f, "%s%s%s\n", prefix, safe != NULL ? safe : "",
		    suffix);
		free(safe);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

static void
plain_message(void *arg, enum client_msg kind, const char *text)
{
	struct plain *p = arg;
	const char *nl, *msg, *sev;
	char *safe, *line;

	out_begin(p);
	switch (kind) {
	case CLIENT_MSG_ERROR:
		fflush(stdout);
		safe = sanitize(text, strlen(text), SANITIZE_KEEP_BACKSLASH);
		fprintf(stderr, "%ssmtpscope: %s%s\n", col(p, "\033[31m"),
		    safe != NULL ? safe : "", col(p, "\033[0m"));
		free(safe);
		break;
	case CLIENT_MSG_WARNING:
		safe = sanitize(text, strlen(text), SANITIZE_KEEP_BACKSLASH);
		printf("%s! warning: %s%s\n", col(p, "\033[33m"),
		    safe != NULL ? safe : "", col(p, "\033[0m"));
		free(safe);
		break;
	case CLIENT_MSG_DIAG:
		/* the line, then the caret and the message in the colour of
		 * their severity: errors red, warnings yellow */
		nl = strchr(text, '\n');
		msg = nl != NULL ? strchr(nl + 1, '\n') : NULL;
		sev = msg == NULL ? "" : strncmp(msg + 1, "error", 5) == 0 ?
		    col(p, "\033[31m  ") : strncmp(msg + 1, "warning", 7) ==
		    0 ? col(p, "\033[33m  ") : col(p, "\033[2m  ");
		if (nl != NULL && (line = strndup(text, (size_t)(nl - text))) !=
		    NULL) {
			print_lines("  ", line, "", stdout);
			free(line);
			text = nl + 1;
		}
		print_lines(*sev != '\0' ? sev : "  ", text,
		    col(p, "\033[0m"), stdout);
		break;
	case CLIENT_MSG_HELP:
		print_lines("", text, "", stdout);
		break;
	case CLIENT_MSG_INFO:
	default:
		print_lines("* ", text, "", stdout);
		break;
	}
	out_end(p);
}

static void
plain_state(void *arg)
{
	struct plain	*p = arg;
	const char	*prompt = console_prompt(p->c);

	/* A reply can change the prompt while the user is typing (354:
	 * "data> "): show it at once, not at the next key. */
	if (p->interactive && p->in_readline &&
	    (rl_prompt == NULL || strcmp(rl_prompt, prompt) != 0)) {
		rl_clear_visible_line();
		rl_set_prompt(prompt);
		rl_on_new_line();
		(*rl_redisplay_function)();
	}
}

static const struct client_ops plain_ops = {
	.sent = plain_sent,
	.reply = plain_reply,
	.message = plain_message,
	.state = plain_state,
};

static const struct session *
current_session(void)
{
	return current ? client_session(current->c) : NULL;
}

/*
 * While :auth waits for the password, what is typed is not shown: the
 * prompt alone is drawn, and Tab inserts itself rather than completing.
 */
static void
secret_redisplay(void)
{
	FILE *f = rl_outstream != NULL ? rl_outstream : stdout;

	fprintf(f, "\r\033[K%s", rl_display_prompt != NULL ?
	    rl_display_prompt : "");
	fflush(f);
}

static void
secret_mode(struct plain *p)
{
	int on = console_reading_secret(p->c);

	rl_redisplay_function = on ? secret_redisplay : rl_redisplay;
	rl_inhibit_completion = on;
}

static void
on_line(char *line)
{
	struct plain	*p = current;
	int		 secret = console_reading_secret(p->c);

	if (line == NULL) {		/* Ctrl-D on an empty line */
		p->in_readline = 0;
		if (console_leave(p->c) == CONSOLE_QUIT)
			p->quit = 1;
		secret_mode(p);
		p->in_readline = !p->quit;
		rl_set_prompt(console_prompt(p->c));
		return;
	}
	p->in_readline = 0;
	if (secret)
		printf("\n");		/* the Enter that was not echoed */
	console_history_add(p->c, line);
	free(p->typed);
	p->typed = secret ? NULL : strdup(line[0] == '!' ? line + 1 : line);
	switch (console_input(p->c, line, strlen(line), p->u->check)) {
	case CONSOLE_QUIT:
		p->quit = 1;
		break;
	case CONSOLE_REFUSED:
		/* back into the input, the cursor at the error */
		free(p->refill);
		p->refill = console_refused_line(&p->refill_at);
		break;
	default:
		break;
	}
	free(p->typed);
	p->typed = NULL;
	if (secret) {
		OPENSSL_cleanse(line, strlen(line));
		if (rl_line_buffer != NULL)
			OPENSSL_cleanse(rl_line_buffer, strlen(rl_line_buffer));
	}
	free(line);
	secret_mode(p);
	p->in_readline = 1;
	rl_set_prompt(console_prompt(p->c));
}

static void
on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

static void
on_sigterm(int sig)
{
	(void)sig;
	got_sigterm = 1;
}

static int
run_interactive(struct plain *p)
{
	struct pollfd		pfd[2];
	struct sigaction	sa, old_term, old_hup;
	int			n, empty;

	console_history_load();
	complete_install(current_session);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	/*
	 * Readline has the terminal in its own mode (no echo, no canonical
	 * input) and, with rl_catch_signals = 0, would not restore it if
	 * SIGTERM or SIGHUP killed us: leave through the loop instead.
	 */
	sa.sa_handler = on_sigterm;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	rl_catch_signals = 0;
	rl_callback_handler_install(console_prompt(p->c), on_line);
	p->in_readline = 1;
	while (!p->quit) {
		if (got_sigterm) {
			rl_replace_line("", 0);
			out_begin(p);
			printf("* terminated by a signal; leaving\n");
			p->in_readline = 0;
			out_end(p);
			break;
		}
		if (got_sigint) {
			/* Ctrl-C drops the line being typed, as in a shell
			 * (and the password prompt of :auth). */
			got_sigint = 0;
			console_leave_disarm();
			empty = rl_end == 0 && !console_reading_secret(p->c);
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_replace_line("", 0);
			printf("\n");
			if (console_reading_secret(p->c)) {
				console_secret_cancel(p->c, "cancelled");
				secret_mode(p);
				rl_set_prompt(console_prompt(p->c));
				/* the password prompt goes */
				printf("\r\033[K");
			}
			if (empty)
				printf("* Ctrl-C clears the line; to leave, type "
				    ":quit or press Ctrl-D on an empty line\n");
			rl_on_new_line();
			(*rl_redisplay_function)();
		}
		if (client_fd(p->c) == -1) {
			out_begin(p);
			printf("* connection closed; leaving\n");
			out_end(p);
			break;
		}
		if (client_has_buffered(p->c)) {
			client_on_readable(p->c);
			continue;
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = client_fd(p->c);
		pfd[1].events = POLLIN;
		/* no longer than the reply awaited may take (--timeout) */
		n = poll(pfd, 2, client_timeout_left(p->c));
		if (n == -1)
			continue;	/* EINTR: Ctrl-C */
		if (pfd[1].revents)
			client_on_readable(p->c);
		/* what came in time is read: now, is a reply late? */
		if (client_check_timeout(p->c))
			continue;	/* said; the loop leaves */
		if (pfd[0].revents && !p->quit) {
			rl_callback_read_char();
			if (p->refill != NULL && !p->quit) {
				rl_insert_text(p->refill);
				rl_point = p->refill_at < (size_t)rl_end ?
				    (int)p->refill_at : rl_end;
				(*rl_redisplay_function)();
			}
			free(p->refill);
			p->refill = NULL;
		}
	}
	p->in_readline = 0;
	console_secret_cancel(p->c, "leaving");
	secret_mode(p);
	rl_callback_handler_remove();
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return 0;
}

static int
run_piped(struct plain *p)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 rc;

	if (client_wait(p->c, -1) == -2)
		goto out;
	while (client_fd(p->c) != -1 &&
	    (n = getline(&line, &cap, stdin)) != -1) {
		/* the length: a NUL in the line is refused, not a cut */
		if (console_input(p->c, line, (size_t)n, p->u->check) ==
		    CONSOLE_QUIT)
			break;
		/* :auth cannot ask for the password here: standard input
		 * is the script */
		if (console_reading_secret(p->c))
			console_secret_cancel(p->c, "no terminal to ask for the "
			    "secret on: set SMTPSCOPE_PASSWORD (SMTPSCOPE_TOKEN "
			    "for XOAUTH2 and OAUTHBEARER) or use "
			    "--auth-password-file FILE");
		line[strcspn(line, "\r\n")] = '\0';
		if (p->u->pipeline && client_session(p->c) != NULL &&
		    !session_in_body(client_session(p->c)) &&
		    session_can_pipeline(client_session(p->c), line))
			continue;	/* the next line joins the group */
		rc = client_wait(p->c, -1);
		if (rc == -2)
			goto out;
	}
	/* The script stopped in the middle of a message: the server never
	 * got its end, so nothing was delivered; not a normal ending. */
	if (client_fd(p->c) != -1 && client_session(p->c) != NULL &&
	    session_in_body(client_session(p->c))) {
		client_message(p->c, CLIENT_MSG_ERROR, "the input ended inside "
		    "the message body: the message was never ended (a line "
		    "with a single \".\"), so nothing was sent");
		p->unfinished = 1;
	}
	/* The input has ended: say goodbye as Ctrl-D does (QUIT unless it
	 * was sent, or a message body is unfinished), rather than leave
	 * the server to find the connection gone. */
	if (client_fd(p->c) != -1)
		console_input(p->c, ":quit", strlen(":quit"), 0);
	/* Read what the server still says (its reply to QUIT, its close). */
	if (client_fd(p->c) != -1)
		client_wait(p->c, -1);
out:
	free(line);
	return 0;
}

static void
plain_init(struct plain *p, const struct ui_opts *u)
{
	struct winsize	ws;

	memset(p, 0, sizeof *p);
	p->u = u;
	p->interactive = u->json == NULL && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO);
	/* --color=always (2) colours a pipe too; auto only a terminal. */
	p->color = u->color == 2 || (u->color && isatty(STDOUT_FILENO));
	/* A diagnostic quotes its line two columns in, within the
	 * terminal; text is printed as it is (annotate wraps it). */
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0 && ws.ws_col > 2)
		console_set_display(ws.ws_col - 2, 0);
	else
		console_set_display(CONSOLE_WIDTH_DEFAULT, 0);
}

/* Run the dialogue on p->c, connected; returns the exit status. */
static enum exitcode
plain_drive(struct plain *p)
{
	enum exitcode status;

	current = p;
	if (p->interactive)
		run_interactive(p);
	else
		run_piped(p);
	status = client_failed(p->c);
	if (p->unfinished && status == EXIT_OK)
		status = EXIT_FAILED;
	free(p->typed);
	p->typed = NULL;
	free(p->refill);
	p->refill = NULL;
	current = NULL;
	return status;
}

enum exitcode
ui_plain_run(const struct client_opts *copts, const struct ui_opts *u)
{
	struct plain	p;
	enum exitcode	status;

	plain_init(&p, u);
	/* --json: the events as JSON Lines, through the same driver */
	if ((p.c = client_new(copts, u->json != NULL ? &jsonl_client_ops :
	    &plain_ops, u->json != NULL ? (void *)u->json : &p)) == NULL) {
		fprintf(stderr, "smtpscope: out of memory\n");
		return EXIT_FAILED;
	}
	if (u->json != NULL)
		jsonl_attach(u->json, p.c);
	current = &p;
	if (client_connect(p.c) != 0)
		status = client_failed(p.c);
	else
		status = plain_drive(&p);
	/* the writer tells the client's last state before it goes */
	if (u->json != NULL)
		jsonl_attach(u->json, NULL);
	client_free(p.c);
	current = NULL;
	return status;
}

enum exitcode
ui_plain_attach(struct client *c, const struct ui_opts *u)
{
	struct plain p;

	plain_init(&p, u);
	p.c = c;
	client_set_ops(c, &plain_ops, &p);
	return plain_drive(&p);
}

enum exitcode
ui_plain_probe(const struct client_opts *copts, const struct ui_opts *u,
    const struct probe_plan *plan)
{
	struct plain		p;
	struct probe_result	res;
	enum exitcode		status;

	const struct client_ops	*ops = &plain_ops;
	void			*arg = &p;

	plain_init(&p, u);
	p.interactive = 0;	/* nothing is typed: nothing to echo */
	if (u->json != NULL) {		/* --json: to the writer */
		ops = &jsonl_client_ops;
		arg = u->json;
	}
	if ((p.c = client_new(copts, ops, arg)) == NULL) {
		fprintf(stderr, "smtpscope: out of memory\n");
		return EXIT_FAILED;
	}
	if (u->json != NULL)
		jsonl_attach(u->json, p.c);
	current = &p;
	status = probe_drive(p.c, plan, ops, arg, &res);
	if (u->json != NULL)
		jsonl_attach(u->json, NULL);
	client_free(p.c);
	current = NULL;
	return status;
}
