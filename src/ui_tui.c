/*
 * ui_tui.c -- the split view: the conversation on the left, what each
 * reply means on the right, a status bar and a Readline input line.
 *
 * ncurses owns the terminal; Readline runs in callback mode and never
 * touches it: its terminal preparation is a no-op, it reads keys from a
 * queue this file fills (rl_getc_function) and its redisplay only marks
 * the screen dirty, the input line being drawn here from rl_line_buffer
 * and rl_point.  Keyboard, server socket and signals (through a self-pipe)
 * are read in one poll() loop, so neither blocks the other.
 *
 * What is shown lives in a scrollback (scrollback.c) and is drawn by
 * tui_render.c; each redraw costs O(screen), never O(history).
 */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

#include <openssl/crypto.h>

#include "annotate.h"
#include "complete.h"
#include "console.h"
#include "sanitize.h"
#include "scrollback.h"
#include "tui_render.h"
#include "ui.h"

#define TUI_KEYQ	64	/* bytes of one key, UTF-8 encoded */
#define TUI_WHEEL_ROWS	3
#define TUI_PROMPT_COLS	6	/* "smtp> ", "data> ": where the input starts */
#define TUI_TITLE_MAX	160	/* the explanation's title row */
#define TUI_FIELD_MAX	256	/* one field of the status bar */
#define TUI_NEXT_SHORT	32	/* "next: HELO EHLO MAIL ... QUIT" */

struct tui {
	struct client		*c;
	const struct ui_opts	*u;
	struct scrollback	*sb;
	struct scrollback_view	 view;
	struct scrollback_geom	 geom;
	SCREEN			*scr;
	FILE			*rl_out;	/* Readline's output: /dev/null */
	int			 color;
	int			 utf8;		/* the locale is UTF-8 */
	enum tui_notes		 notes;		/* F2 cycles */
	uint64_t		 sel;		/* the reply explained when the
						   user picked one, else
						   UINT64_MAX: the latest */
	uint64_t		 last_reply;	/* the latest reply's entry */
	uint64_t		*rowmap;	/* entry on each row drawn */
	int			 rowmap_n;
	int			 key_older;	/* Alt-Up, Alt-Down: their key */
	int			 key_newer;	/*   codes in this terminal */
	int			 detail_rows;	/* the explanation's, above the
						   status bar */
	int			 help;		/* F1 overlay shown */
	int			 quit;
	int			 closed;	/* connection gone */
	int			 conv_rows;
	int			 below_rows;	/* under the input line */
	char			*diag;		/* the diagnostics of the line
						   last entered: 3 lines each
						   (line, caret, message) */
	char			*hint;		/* completion candidates, or a
						   word on a key */
	char			*under;		/* the input line diag and hint
						   are about: once it changes
						   they go */
	char			*refill;	/* a refused line, back into the
						   input once Readline is done */
	size_t			 refill_at;	/* ... with the cursor here */
	char			 last_error[512];
	unsigned char		 keyq[TUI_KEYQ];
	size_t			 keyq_head, keyq_len;
};

/* Readline's callbacks take no argument. */
static struct tui	*tui_cur;
static int		 tui_sigfd[2] = { -1, -1 };

static const struct {
	const char	*key;
	const char	*what;
} tui_keys[] = {
	{ "F1", "this help (any key closes it); :help lists the commands" },
	{ "F2", "explanations: a summary beside each reply and the "
	    "whole of one under them (the default), every one in full, or "
	    "none" },
	{ "Alt-Up/Down", "explain an older or newer reply (Shift-Up, "
	    "Shift-Down, or a click on it); past the newest, follow the "
	    "newest again" },
	{ "F3", "raw byte view, CR LF visible (same as :raw)" },
	{ "PgUp PgDn", "scroll both panes together (the mouse wheel too)" },
	{ "Tab", "complete verbs, parameters, local commands" },
	{ "Up Down", "command history" },
	{ "Ctrl-C", "clear the line (never leaves, never sends)" },
	{ "Ctrl-D", "on an empty line, leave (asks first while a "
	    "transaction or a message is open)" },
	{ "Ctrl-L", "redraw the screen" },
};

static int tui_add(struct tui *, enum scrollback_kind, const char *,
    size_t, const char *, int, double);
static void tui_diag_add(struct tui *, const char *);
static void tui_below_clear(struct tui *);
static void tui_below_keep(struct tui *);
static int tui_draw_below(struct tui *, int, int, int);
static uint64_t tui_explained(struct tui *);
static void tui_select(struct tui *, int);
static void tui_click(struct tui *, int);
static void tui_show_entry(struct tui *, uint64_t);
static int tui_key_named(const char *);
static int tui_title_row(void *, const struct scrollback_row *);
static void tui_draw_detail(struct tui *, int);
static int tui_below_text(int, int, const char *, size_t, int, int);
static attr_t tui_severity_attr(struct tui *, const char *);
static const char *tui_status_sep(int);
static int tui_status_cols(char [][TUI_FIELD_MAX]);
static void tui_status_next(char *, const char *, int);

/* ---- engine callbacks ---------------------------------------------------- */

static void
tui_sent(void *arg, const char *line, enum client_line kind)
{
	struct tui *t = arg;
	char buf[1100], masked[512];
	int n;

	line = client_shown_line(client_show_secrets(t->c), line, kind,
	    masked, sizeof masked);
	/* The line goes over the wire with CRLF: the raw view shows it. */
	n = snprintf(buf, sizeof buf, "%s\r\n", line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	tui_add(t, kind == CLIENT_LINE_BODY ? SCROLLBACK_BODY :
	    SCROLLBACK_CLIENT, buf, (size_t)n, NULL, 0, -1);
}

static void
tui_reply(void *arg, const struct reply *r, const char *command,
    enum annotate_ctx ctx, double ms)
{
	struct tui *t = arg;
	const char *answered = command;
	char *note, *paired, *nl, masked[512];
	const char *rcpt;
	size_t len, ri, rn;

	note = annotate_reply(r, command, ctx, ANNOTATE_NO_WRAP |
	    (t->u->learn ? ANNOTATE_LEARN : 0));
	/* Pipelined: name the command this reply answers (RFC 2920 3.1). */
	if (note != NULL && command != NULL && ctx == ANNOTATE_COMMAND &&
	    client_reply_pipelined(t->c)) {
		command = client_shown_line(client_show_secrets(t->c),
		    command, CLIENT_LINE_COMMAND, masked, sizeof masked);
		len = strlen(command) + strlen(note) + 32;
		if ((paired = malloc(len)) != NULL) {
			/* the summary stays first: it is what shows beside
			 * the reply */
			nl = strchr(note, '\n');
			snprintf(paired, len, "%.*s\n< answers C: %s%s",
			    (int)(nl != NULL ? (size_t)(nl - note) :
			    strlen(note)), note, command, nl != NULL ? nl : "");
			free(note);
			note = paired;
		}
	}
	/* LMTP: the recipient this reply is for (RFC 2033 4.2). */
	if (note != NULL && client_reply_rcpt(t->c, &rcpt, &ri, &rn)) {
		char label[400];

		session_rcpt_label(rcpt, ri, rn, label, sizeof label);
		len = strlen(label) + strlen(note) + 2;
		if ((paired = malloc(len)) != NULL) {
			snprintf(paired, len, "%s\n%s", label, note);
			free(note);
			note = paired;
		}
	}
	if (tui_add(t, SCROLLBACK_SERVER, r->raw, r->rawlen, note, r->code,
	    ms) == 0)
		t->last_reply = scrollback_end(t->sb) - 1;
	free(note);
	/* a lesson step may advance on it */
	console_on_reply(t->c, r, answered, ctx);
}

static void
tui_message(void *arg, enum client_msg kind, const char *text)
{
	struct tui *t = arg;
	enum scrollback_kind k;

	switch (kind) {
	case CLIENT_MSG_DIAG:
		/* Shown under the input line, where the command was typed,
		 * and nowhere else: every problem of the line. */
		tui_diag_add(t, text);
		return;
	case CLIENT_MSG_HELP:
		k = SCROLLBACK_HELP;
		break;
	case CLIENT_MSG_WARNING:
		k = SCROLLBACK_WARNING;
		break;
	case CLIENT_MSG_ERROR:
		k = SCROLLBACK_ERROR;
		snprintf(t->last_error, sizeof t->last_error, "%s", text);
		break;
	case CLIENT_MSG_INFO:
	default:
		k = SCROLLBACK_INFO;
		break;
	}
	tui_add(t, k, text, strlen(text), NULL, 0, -1);
}

/* Keep one more diagnostic (3 lines) of the line just entered. */
static void
tui_diag_add(struct tui *t, const char *text)
{
	size_t	 have = t->diag != NULL ? strlen(t->diag) : 0;
	char	*d;

	if ((d = realloc(t->diag, have + strlen(text) + 2)) == NULL)
		return;
	if (have > 0)
		d[have++] = '\n';
	memcpy(d + have, text, strlen(text) + 1);
	t->diag = d;
}

/* The words under the input line go. */
static void
tui_below_clear(struct tui *t)
{
	free(t->diag);
	t->diag = NULL;
	free(t->hint);
	t->hint = NULL;
	free(t->under);
	t->under = NULL;
}

/* They are about the input as it is now; they go once it changes. */
static void
tui_below_keep(struct tui *t)
{
	free(t->under);
	t->under = strdup(rl_line_buffer != NULL ? rl_line_buffer : "");
}

static void
tui_state(void *arg)
{
	static const char closed[] = "connection closed: press Enter to "
	    "leave (:save FILE keeps the session first)";
	struct tui *t = arg;

	if (t->scr != NULL && rl_line_buffer != NULL)
		rl_set_prompt(console_prompt(t->c));
	if (client_fd(t->c) == -1 && !t->closed) {
		t->closed = 1;
		tui_add(t, SCROLLBACK_INFO, closed, sizeof closed - 1, NULL, 0,
		    -1);
	}
}

static const struct client_ops tui_ops = {
	.sent = tui_sent,
	.reply = tui_reply,
	.message = tui_message,
	.state = tui_state,
};

static int
tui_add(struct tui *t, enum scrollback_kind kind, const char *bytes,
    size_t len, const char *note, int code, double ms)
{
	struct scrollback_item it;

	memset(&it, 0, sizeof it);
	it.kind = kind;
	it.when = time(NULL);
	it.ms = ms;
	it.code = code;
	it.bytes = bytes != NULL ? bytes : "";
	it.len = bytes != NULL ? len : 0;
	it.note = note;
	/* Out of memory loses one line of display, not the session. */
	return scrollback_add(t->sb, &it);
}

/* ---- Readline, drawn by ncurses ------------------------------------------ */

static int
tui_rl_getc(FILE *f)
{
	struct tui *t = tui_cur;
	int c;

	(void)f;
	if (t == NULL || t->keyq_len == 0)
		return 0;	/* never asked for when empty (see avail) */
	c = t->keyq[t->keyq_head];
	t->keyq_head = (t->keyq_head + 1) % TUI_KEYQ;
	t->keyq_len--;
	return c;
}

static int
tui_rl_avail(void)
{
	return tui_cur != NULL && tui_cur->keyq_len > 0;
}

static void
tui_rl_redisplay(void)
{
	/* The whole screen is drawn once the keys at hand are handled. */
}

static void
tui_rl_prep(int meta)
{
	(void)meta;
}

static void
tui_rl_deprep(void)
{
}

static void
tui_rl_matches(char **matches, int n, int maxlen)
{
	struct tui *t = tui_cur;
	size_t len, used;
	int i;

	(void)maxlen;
	if (t == NULL)
		return;
	len = 1;
	for (i = 1; i <= n; i++)
		len += strlen(matches[i]) + 2;
	free(t->hint);
	if ((t->hint = malloc(len)) == NULL)
		return;
	used = 0;
	t->hint[0] = '\0';
	for (i = 1; i <= n; i++)
		used += (size_t)snprintf(t->hint + used, len - used, "%s%s",
		    i > 1 ? "  " : "", matches[i]);
	tui_below_keep(t);
}

static const struct session *
tui_session(void)
{
	return tui_cur != NULL ? client_session(tui_cur->c) : NULL;
}

static void
tui_help_entry(struct tui *t)
{
	char buf[1024];
	size_t i, used;

	used = (size_t)snprintf(buf, sizeof buf, "Keys of the split view:");
	for (i = 0; i < sizeof tui_keys / sizeof tui_keys[0] &&
	    used < sizeof buf; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used,
		    "\n  %-16s %s", tui_keys[i].key, tui_keys[i].what);
	if (used >= sizeof buf)
		used = sizeof buf - 1;
	tui_add(t, SCROLLBACK_HELP, buf, used, NULL, 0, -1);
}

static void
tui_rl_line(char *line)
{
	struct tui *t = tui_cur;
	const char *p;
	int secret;

	tui_below_clear(t);
	t->view.follow = 1;
	t->sel = UINT64_MAX;	/* back to the newest reply */
	if (line == NULL) {		/* Ctrl-D on an empty line */
		if (console_leave(t->c) == CONSOLE_QUIT)
			t->quit = 1;
		rl_inhibit_completion = console_reading_secret(t->c);
		rl_set_prompt(console_prompt(t->c));
		return;
	}
	p = line + strspn(line, " \t");
	if (t->closed && (*p == '\0' || strcasecmp(p, ":quit") == 0 ||
	    strcasecmp(p, "q") == 0)) {
		t->quit = 1;
		free(line);
		return;
	}
	secret = console_reading_secret(t->c);
	console_history_add(t->c, line);
	if (strcasecmp(p, ":help") == 0)
		tui_help_entry(t);
	switch (console_input(t->c, line, strlen(line), t->u->check)) {
	case CONSOLE_QUIT:
		t->quit = 1;
		break;
	case CONSOLE_REFUSED:
		/* back into the input, the cursor at the error */
		free(t->refill);
		t->refill = console_refused_line(&t->refill_at);
		break;
	default:
		break;
	}
	if (secret) {
		OPENSSL_cleanse(line, strlen(line));
		if (rl_line_buffer != NULL)
			OPENSSL_cleanse(rl_line_buffer, strlen(rl_line_buffer));
	}
	free(line);
	/* the password of :auth: Tab is a character, not a completion */
	rl_inhibit_completion = console_reading_secret(t->c);
	rl_set_prompt(console_prompt(t->c));
}

static void
tui_feed(struct tui *t, const char *bytes, size_t n)
{
	size_t i;

	for (i = 0; i < n && t->keyq_len < TUI_KEYQ; i++) {
		t->keyq[(t->keyq_head + t->keyq_len) % TUI_KEYQ] =
		    (unsigned char)bytes[i];
		t->keyq_len++;
	}
	while (t->keyq_len > 0 && !t->quit) {
		rl_callback_read_char();
		if (t->refill != NULL) {
			rl_replace_line(t->refill, 0);
			rl_point = t->refill_at < (size_t)rl_end ?
			    (int)t->refill_at : rl_end;
			free(t->refill);
			t->refill = NULL;
		}
		/* What is said under the input is about the line it was
		 * said for: it goes as soon as that line changes. */
		if (t->under == NULL && (t->diag != NULL || t->hint != NULL))
			tui_below_keep(t);
		else if (t->under != NULL && rl_line_buffer != NULL &&
		    strcmp(rl_line_buffer, t->under) != 0)
			tui_below_clear(t);
	}
	/* A key the handler did not eat (we are quitting) is dropped. */
	t->keyq_len = 0;
}

/* ---- the reply explained -------------------------------------------------- */

/* The reply whose whole explanation is shown: the one picked, else the
 * newest; UINT64_MAX when there is none (yet, or any longer). */
static uint64_t
tui_explained(struct tui *t)
{
	if (t->sel != UINT64_MAX &&
	    scrollback_kind(t->sb, t->sel) == SCROLLBACK_SERVER)
		return t->sel;
	t->sel = UINT64_MAX;
	if (scrollback_kind(t->sb, t->last_reply) == SCROLLBACK_SERVER)
		return t->last_reply;
	return UINT64_MAX;
}

/* Make entry n visible: the bottom of the screen when it is not. */
static void
tui_show_entry(struct tui *t, uint64_t n)
{
	int y;

	for (y = 0; t->rowmap != NULL && y < t->conv_rows &&
	    y < t->rowmap_n; y++)
		if (t->rowmap[y] == n)
			return;
	t->view.follow = n + 1 >= scrollback_end(t->sb);
	t->view.bottom = n;
	t->view.skip = 0;
}

/* Explain the reply before (dir < 0) or after (dir > 0) the one
 * explained; past the newest, follow the newest again. */
static void
tui_select(struct tui *t, int dir)
{
	uint64_t n, from, first = scrollback_first(t->sb),
	    end = scrollback_end(t->sb);

	if (t->notes != TUI_NOTES_SUMMARY)
		t->notes = TUI_NOTES_SUMMARY;
	if ((from = tui_explained(t)) == UINT64_MAX)
		return;
	if (dir < 0) {
		for (n = from; n > first;)
			if (scrollback_kind(t->sb, --n) == SCROLLBACK_SERVER) {
				t->sel = n;
				tui_show_entry(t, n);
				return;
			}
		return;		/* the oldest already */
	}
	for (n = from + 1; n < end; n++)
		if (scrollback_kind(t->sb, n) == SCROLLBACK_SERVER &&
		    n != t->last_reply) {
			t->sel = n;
			tui_show_entry(t, n);
			return;
		}
	t->sel = UINT64_MAX;
	t->view.follow = 1;
}

/* A click on a reply explains it. */
static void
tui_click(struct tui *t, int y)
{
	uint64_t n;

	if (y < 0 || y >= t->conv_rows || t->rowmap == NULL ||
	    y >= t->rowmap_n || (n = t->rowmap[y]) == UINT64_MAX ||
	    scrollback_kind(t->sb, n) != SCROLLBACK_SERVER)
		return;
	t->notes = TUI_NOTES_SUMMARY;
	t->sel = n == t->last_reply ? UINT64_MAX : n;
}

/* The key code this terminal's description gives capability name (an
 * extended key such as "kUP3", Alt-Up), or 0. */
static int
tui_key_named(const char *name)
{
	char	*seq = tigetstr(name);
	int	 k;

	if (seq == NULL || seq == (char *)-1 || (k = key_defined(seq)) <= 0)
		return 0;
	return k;
}

/* The explanation of the reply explained, under the conversation. */
static int
tui_title_row(void *arg, const struct scrollback_row *r)
{
	char *title = arg;

	snprintf(title, TUI_TITLE_MAX, " S: %.*s%s%s%s ", (int)r->text_len,
	    r->text, r->time != NULL ? " (" : "", r->time != NULL ? r->time :
	    "", r->time != NULL ? ")" : "");
	return 1;
}

static void
tui_draw_detail(struct tui *t, int y)
{
	char title[TUI_TITLE_MAX];
	uint64_t n = tui_explained(t);

	title[0] = '\0';
	scrollback_layout(t->sb, n, 0, 1, tui_title_row, title);
	tui_render_detail(stdscr, y, t->detail_rows, COLS, t->sb, n, t->color,
	    title, t->sel == UINT64_MAX ? " Alt-Up: an older reply  F2: all in "
	    "full " : " Alt-Up/Down: another reply  F2: all in full ");
}

/* ---- drawing ------------------------------------------------------------------ */

static void
tui_layout(struct tui *t)
{
	struct scrollback_geom g;
	int below;

	/* status bar and input, then what is said under the input: at
	 * most a third of the screen */
	t->below_rows = tui_draw_below(t, 0, LINES / 3, 0);
	below = 2 + t->below_rows;
	/* the explanation of one reply: a fifth of what is left at most, so
	 * that the conversation keeps most of the screen */
	t->detail_rows = 0;
	if (t->notes == TUI_NOTES_SUMMARY && LINES - below >= 12)
		t->detail_rows = tui_render_detail_rows(t->sb,
		    tui_explained(t), COLS, (LINES - below) / 5 > 3 ?
		    (LINES - below) / 5 : 3);
	t->conv_rows = LINES - below - t->detail_rows;
	if (t->conv_rows < 1)
		t->conv_rows = 1;
	if (t->rowmap_n < t->conv_rows) {
		uint64_t *m = reallocarray(t->rowmap, (size_t)t->conv_rows,
		    sizeof *m);

		if (m != NULL) {
			t->rowmap = m;
			t->rowmap_n = t->conv_rows;
		}
	}
	/* A quoted command line fits under the input text; the panes wrap
	 * what the console says. */
	console_set_display(COLS > TUI_PROMPT_COLS + SANITIZE_SHORTEN_MIN ?
	    (size_t)(COLS - TUI_PROMPT_COLS) : SANITIZE_SHORTEN_MIN, 1);
	tui_render_geom(&g, COLS, t->notes, client_raw(t->c));
	if (memcmp(&g, &t->geom, sizeof g) != 0) {
		t->geom = g;
		scrollback_set_geom(t->sb, &g);
	}
}

/*
 * The status bar, laid out by priority: when the screen is too narrow
 * for every field, the least needed go first (the server's name, TLS,
 * the F2/F3 keys), then the verbs valid next are cut in the middle, QUIT
 * kept last; the state and the key to help always stay.
 */
enum {
	TUI_FIELD_SCROLLED, TUI_FIELD_SERVER, TUI_FIELD_TLS, TUI_FIELD_STATE,
	TUI_FIELD_LESSON, TUI_FIELD_NEXT, TUI_FIELD_HELP, TUI_FIELD_KEYS,
	TUI_NFIELDS
};
/* the order fields are given up in, the least needed first (the verbs
 * valid next are cut first: to "next: ... QUIT" at least) */
static const int tui_field_drop[] = {
	TUI_FIELD_SERVER, TUI_FIELD_TLS, TUI_FIELD_KEYS, TUI_FIELD_NEXT,
	TUI_FIELD_SCROLLED, TUI_FIELD_LESSON,
};

/* " | " between fields, two spaces between the keys */
static const char *
tui_status_sep(int i)
{
	return i == TUI_FIELD_KEYS ? "  " : " | ";
}

/* Columns of the fields that are on, with their separators. */
static int
tui_status_cols(char f[][TUI_FIELD_MAX])
{
	int i, cols = 0;

	for (i = 0; i < TUI_NFIELDS; i++)
		if (f[i][0] != '\0')
			cols += (cols > 0 ? (int)strlen(tui_status_sep(i)) :
			    1) + scrollback_cols(f[i], strlen(f[i]));
	return cols;
}

/* "next: A B C D QUIT E" cut to fit room: "next: A B ... QUIT", QUIT
 * kept whatever goes (the way out), else the last verb. */
static void
tui_status_next(char *field, const char *next, int room)
{
	const char	*keep, *q;
	size_t		 n, klen;
	int		 cut;

	keep = strrchr(next, ' ');
	keep = keep != NULL ? keep + 1 : next;
	for (q = next; (q = strstr(q, "QUIT")) != NULL; q += 4)
		if ((q == next || q[-1] == ' ') && (q[4] == ' ' ||
		    q[4] == '\0')) {
			keep = q;
			break;
		}
	klen = strcspn(keep, " ");
	for (n = strlen(next); ; n--) {
		if (n > 0 && next[n] != ' ' && next[n] != '\0')
			continue;
		cut = n < strlen(next);
		snprintf(field, TUI_FIELD_MAX, "next: %.*s%s%.*s", (int)n, next,
		    !cut ? "" : keep < next + n ? (n > 0 ? " ..." : "...") :
		    n > 0 ? " ... " : "... ", !cut || keep < next + n ? 0 :
		    (int)klen, keep);
		if ((int)strlen(field) <= room || n == 0)
			return;
	}
}

static void
tui_draw_status(struct tui *t, int y)
{
	struct session *s = client_session(t->c);
	const char *tls;
	char f[TUI_NFIELDS][TUI_FIELD_MAX], next[256], lesson[128], line[1024],
	    safe[2048];
	size_t i, len;
	int room;

	memset(f, 0, sizeof f);
	next[0] = '\0';
	if (s != NULL)
		session_next_verbs(s, next, sizeof next);
	tls = client_tls_summary(t->c);
	if (!t->view.follow)
		snprintf(f[TUI_FIELD_SCROLLED], TUI_FIELD_MAX, "SCROLLED (PgDn)");
	/* how it is reached too: SOCKS5, PROXY header */
	snprintf(f[TUI_FIELD_SERVER], TUI_FIELD_MAX, "%s%s%s",
	    client_server_name(t->c) != NULL ? client_server_name(t->c) : "",
	    *client_route(t->c) != '\0' ? " via " : "", client_route(t->c));
	snprintf(f[TUI_FIELD_TLS], TUI_FIELD_MAX, "%s",
	    tls != NULL && *tls != '\0' ? tls : "no TLS");
	snprintf(f[TUI_FIELD_STATE], TUI_FIELD_MAX, "%s", t->closed ? "CLOSED" :
	    s != NULL ? session_state_name(session_state(s)) : "CONNECTING");
	/* the lesson's step, when one runs (:lesson) */
	snprintf(f[TUI_FIELD_LESSON], TUI_FIELD_MAX, "%s",
	    console_lesson_status(lesson, sizeof lesson));
	snprintf(f[TUI_FIELD_HELP], TUI_FIELD_MAX, "F1 help");
	snprintf(f[TUI_FIELD_KEYS], TUI_FIELD_MAX, "F2 %s  F3 raw",
	    t->notes == TUI_NOTES_SUMMARY ? "full" : t->notes ==
	    TUI_NOTES_FULL ? "no notes" : "summary");
	/* give fields up while even a short list of verbs does not fit;
	 * then the verbs take the room left */
	if (t->closed)
		snprintf(f[TUI_FIELD_NEXT], TUI_FIELD_MAX, "next: -");
	else
		tui_status_next(f[TUI_FIELD_NEXT], next, TUI_NEXT_SHORT);
	for (i = 0; i < sizeof tui_field_drop / sizeof tui_field_drop[0] &&
	    tui_status_cols(f) > COLS; i++)
		f[tui_field_drop[i]][0] = '\0';
	if (f[TUI_FIELD_NEXT][0] != '\0' && !t->closed) {
		room = COLS - tui_status_cols(f) + scrollback_cols(
		    f[TUI_FIELD_NEXT], strlen(f[TUI_FIELD_NEXT]));
		tui_status_next(f[TUI_FIELD_NEXT], next, room);
	}
	for (i = 0, len = 0; i < TUI_NFIELDS && len < sizeof line; i++)
		if (f[i][0] != '\0')
			len += (size_t)snprintf(line + len, sizeof line - len,
			    "%s%s", len > 0 ? tui_status_sep((int)i) : " ",
			    f[i]);
	wattrset(stdscr, t->color ?
	    tui_render_attr(TUI_PAIR_STATUS, t->color) : A_REVERSE);
	wmove(stdscr, y, 0);
	whline(stdscr, ' ', COLS);
	/* The TLS summary names the peer's certificate: sanitized. */
	sanitize_buf(safe, sizeof safe, line, strlen(line),
	    t->utf8 ? 0 : SANITIZE_ASCII);
	tui_render_text(stdscr, y, 0, safe, strlen(safe), COLS);
	wattrset(stdscr, A_NORMAL);
}

/* Draws the prompt and the line; returns the cursor column. */
static int
tui_draw_input(struct tui *t, int y)
{
	const char *prompt, *line;
	size_t start, n, next, end, point;
	int pcols, avail, w;

	prompt = rl_display_prompt != NULL ? rl_display_prompt :
	    console_prompt(t->c);
	line = rl_line_buffer != NULL ? rl_line_buffer : "";
	end = rl_line_buffer != NULL ? (size_t)rl_end : 0;
	point = rl_line_buffer != NULL ? (size_t)rl_point : 0;
	/* the password of :auth is not shown, not even its length */
	if (console_reading_secret(t->c))
		end = point = 0;
	pcols = scrollback_cols(prompt, strlen(prompt));
	wattrset(stdscr, A_BOLD);
	tui_render_text(stdscr, y, 0, prompt, strlen(prompt), COLS);
	wattrset(stdscr, A_NORMAL);
	avail = COLS - pcols - 1;
	if (avail < 1)
		return COLS - 1;
	/* Scroll the line sideways so that the cursor stays visible. */
	start = 0;
	while (start < point &&
	    scrollback_cols(line + start, point - start) >= avail) {
		n = scrollback_wrap(line + start, point - start, 1, 0, &next);
		start += n > 0 ? n : 1;
	}
	tui_render_text(stdscr, y, pcols, line + start, end - start, avail);
	w = scrollback_cols(line + start, point - start);
	return pcols + w;
}

/*
 * Text under the input, wrapped at spaces to the screen from column x
 * (continuation rows 2 further in), at most max rows from y.  Text of
 * our own that may quote sanitized bytes: made safe again, a backslash
 * kept single.  Draws only when draw is set; returns the rows it takes.
 */
static int
tui_below_text(int y, int x, const char *s, size_t len, int max, int draw)
{
	char	*safe;
	size_t	 pos, n, next, slen;
	int	 rows, hang;

	if (max <= 0 || (safe = sanitize(s, len, SANITIZE_KEEP_BACKSLASH)) ==
	    NULL)
		return 0;
	slen = strlen(safe);
	hang = COLS - x > 24 ? 2 : 0;
	for (pos = 0, rows = 0; rows < max && (pos < slen || rows == 0);
	    rows++) {
		n = scrollback_wrap(safe + pos, slen - pos, COLS - x -
		    (rows > 0 ? hang : 0), 1, &next);
		if (draw)
			tui_render_text(stdscr, y + rows, x + (rows > 0 ?
			    hang : 0), safe + pos, n, COLS - x);
		pos += next;
	}
	free(safe);
	return rows;
}

static attr_t
tui_severity_attr(struct tui *t, const char *msg)
{
	if (strncmp(msg, "error", 5) == 0)
		return A_BOLD | tui_render_attr(TUI_PAIR_ERROR, t->color);
	if (strncmp(msg, "warning", 7) == 0)
		return A_BOLD | tui_render_attr(TUI_PAIR_WARNING, t->color);
	return A_DIM;
}

/*
 * What is said under the input line: each diagnostic of the line last
 * entered (the line as the console quoted it, once while the next one
 * quotes the same, aligned with the input text; the caret; the message
 * wrapped to the screen, in the colour of its severity), then the hint.
 * At most max rows from y; draws when draw is set; returns the rows.
 */
static int
tui_draw_below(struct tui *t, int y, int max, int draw)
{
	const char	*p, *l[3], *prev = NULL;
	size_t		 ln[3], prevlen = 0;
	int		 i, x, pass, quote, rows = 0;
	attr_t		 a;

	x = rl_display_prompt != NULL ? scrollback_cols(rl_display_prompt,
	    strlen(rl_display_prompt)) : TUI_PROMPT_COLS;
	if (x > COLS / 2)
		x = 0;
	/* errors first: they are why the line was not sent */
	for (pass = 0; pass < 2; pass++)
	for (p = t->diag; p != NULL && *p != '\0' && rows < max;) {
		for (i = 0; i < 3; i++) {
			l[i] = p;
			ln[i] = strcspn(p, "\n");
			p += ln[i];
			if (*p == '\n')
				p++;
		}
		if ((strncmp(l[2], "error", 5) == 0) != (pass == 0))
			continue;
		a = tui_severity_attr(t, l[2]);
		quote = prev == NULL || prevlen != ln[0] ||
		    memcmp(prev, l[0], ln[0]) != 0;
		/* a diagnostic is shown whole, or not at all */
		if (rows + quote + 1 + tui_below_text(0, 0, l[2], ln[2],
		    max, 0) > max)
			break;
		if (quote) {
			if (draw)
				wattrset(stdscr, A_NORMAL);
			rows += tui_below_text(y + rows, x, l[0], ln[0], 1,
			    draw);
		}
		prev = l[0];
		prevlen = ln[0];
		if (draw)
			wattrset(stdscr, a);
		rows += tui_below_text(y + rows, x, l[1], ln[1], 1, draw);
		rows += tui_below_text(y + rows, 0, l[2], ln[2], max - rows,
		    draw);
	}
	if (t->hint != NULL && rows < max) {
		if (draw)
			wattrset(stdscr, A_DIM);
		rows += tui_below_text(y + rows, x, t->hint, strlen(t->hint),
		    max - rows < 2 ? max - rows : 2, draw);
	}
	if (draw)
		wattrset(stdscr, A_NORMAL);
	return rows;
}

static void
tui_draw_help(struct tui *t)
{
	const struct console_cmd *cmds;
	size_t i, ncmds;
	int h, w, y0, x0, y;
	char line[256];

	cmds = console_commands(&ncmds);
	h = (int)(sizeof tui_keys / sizeof tui_keys[0] + ncmds) + 5;
	w = COLS - 4 < 96 ? COLS - 4 : 96;
	if (h > t->conv_rows)
		h = t->conv_rows;
	if (w < 20 || h < 3)
		return;
	y0 = (t->conv_rows - h) / 2;
	x0 = (COLS - w) / 2;
	for (y = y0; y < y0 + h; y++) {
		wmove(stdscr, y, x0);
		whline(stdscr, ' ', w);
	}
	wattrset(stdscr, A_BOLD);
	tui_render_line(stdscr, y0, x0, w, 0);
	tui_render_line(stdscr, y0 + h - 1, x0, w, 0);
	tui_render_line(stdscr, y0 + 1, x0, h - 2, 1);
	tui_render_line(stdscr, y0 + 1, x0 + w - 1, h - 2, 1);
	mvwaddstr(stdscr, y0, x0 + 2, " smtpscope help ");
	wattrset(stdscr, A_NORMAL);
	y = y0 + 1;
	for (i = 0; i < sizeof tui_keys / sizeof tui_keys[0] &&
	    y < y0 + h - 1; i++, y++) {
		snprintf(line, sizeof line, "%-12s %s", tui_keys[i].key,
		    tui_keys[i].what);
		tui_render_text(stdscr, y, x0 + 2, line, strlen(line), w - 4);
	}
	if (y < y0 + h - 1) {
		snprintf(line, sizeof line, "Type SMTP commands; !LINE sends "
		    "LINE unchecked.  Local commands:");
		tui_render_text(stdscr, ++y, x0 + 2, line, strlen(line), w - 4);
		y++;
	}
	for (i = 0; i < ncmds && y < y0 + h - 1; i++, y++) {
		snprintf(line, sizeof line, "%-9s %-13s %s", cmds[i].name,
		    cmds[i].args, cmds[i].help);
		tui_render_text(stdscr, y, x0 + 2, line, strlen(line), w - 4);
	}
}

static void
tui_draw(struct tui *t)
{
	int x, y;

	tui_layout(t);
	werase(stdscr);
	tui_render_conv(stdscr, 0, t->conv_rows, &t->geom, t->sb, &t->view,
	    t->color, t->notes == TUI_NOTES_SUMMARY ? tui_explained(t) :
	    UINT64_MAX, t->rowmap_n >= t->conv_rows ? t->rowmap : NULL);
	if (t->detail_rows > 0)
		tui_draw_detail(t, t->conv_rows);
	if (t->help)
		tui_draw_help(t);
	y = t->conv_rows + t->detail_rows;
	tui_draw_status(t, y);
	x = tui_draw_input(t, y + 1);
	tui_draw_below(t, y + 2, t->below_rows, 1);
	wmove(stdscr, y + 1, x < COLS ? x : COLS - 1);
	wrefresh(stdscr);
}

/* ---- input ------------------------------------------------------------------ */

static void
tui_resize(struct tui *t)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

static void
tui_scroll(struct tui *t, int rows)
{
	tui_layout(t);
	scrollback_scroll(t->sb, &t->view, rows, t->conv_rows);
}

static void
tui_key_code(struct tui *t, wint_t k)
{
	MEVENT ev;

	switch (k) {
	case KEY_RESIZE:
		/* Pushed by resizeterm() (or by ncurses' own SIGWINCH
		 * handling): the size is already known, redraw only. */
		break;
	case KEY_PPAGE:
		tui_scroll(t, t->conv_rows > 2 ? t->conv_rows - 1 : 1);
		break;
	case KEY_NPAGE:
		tui_scroll(t, -(t->conv_rows > 2 ? t->conv_rows - 1 : 1));
		break;
	case KEY_MOUSE:
		if (getmouse(&ev) != OK)
			break;
		if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
			tui_click(t, ev.y);
		else if (ev.bstate & BUTTON4_PRESSED)
			tui_scroll(t, TUI_WHEEL_ROWS);
#ifdef BUTTON5_PRESSED
		else if (ev.bstate & BUTTON5_PRESSED)
			tui_scroll(t, -TUI_WHEEL_ROWS);
#endif
		break;
	case KEY_F(1):
		t->help = 1;
		break;
	case KEY_F(2):
		t->notes = (t->notes + 1) % TUI_NOTES_COUNT;
		break;
	case KEY_SR:		/* Shift-Up */
		tui_select(t, -1);
		break;
	case KEY_SF:		/* Shift-Down */
		tui_select(t, 1);
		break;
	case KEY_F(3):
		client_set_raw(t->c, !client_raw(t->c));
		break;
	/* Editing keys become the Emacs-mode bytes Readline knows. */
	case KEY_LEFT:
		tui_feed(t, "\002", 1);
		break;
	case KEY_RIGHT:
		tui_feed(t, "\006", 1);
		break;
	case KEY_HOME:
		tui_feed(t, "\001", 1);
		break;
	case KEY_END:
		tui_feed(t, "\005", 1);
		break;
	case KEY_UP:
		tui_feed(t, "\020", 1);
		break;
	case KEY_DOWN:
		tui_feed(t, "\016", 1);
		break;
	case KEY_BACKSPACE:
		tui_feed(t, "\177", 1);
		break;
	case KEY_ENTER:
		tui_feed(t, "\r", 1);
		break;
	case KEY_DC:
		/* Not ^D: on an empty line that would mean end of input. */
		if (rl_point < rl_end)
			rl_delete(1, 0);
		break;
	default:
		/* Alt-Up, Alt-Down: codes of this terminal's description */
		if (t->key_older != 0 && (int)k == t->key_older)
			tui_select(t, -1);
		else if (t->key_newer != 0 && (int)k == t->key_newer)
			tui_select(t, 1);
		break;
	}
}

static void
tui_key(struct tui *t, int rc, wint_t k)
{
	char mb[MB_LEN_MAX];
	mbstate_t ps;
	size_t n;

	if (t->help && !(rc == KEY_CODE_YES && (k == KEY_RESIZE ||
	    k == KEY_MOUSE))) {
		t->help = 0;
		return;
	}
	if (rc == KEY_CODE_YES) {
		tui_key_code(t, k);
		return;
	}
	switch (k) {
	case 3:				/* Ctrl-C */
		/* As in a shell: the line goes, nothing is sent, nobody
		 * leaves. */
		console_leave_disarm();
		if (console_reading_secret(t->c)) {
			/* gives up the password prompt of :auth */
			rl_replace_line("", 0);
			rl_point = 0;
			console_secret_cancel(t->c, "cancelled");
			rl_inhibit_completion = 0;
			rl_set_prompt(console_prompt(t->c));
		} else if (rl_end > 0) {
			rl_replace_line("", 0);
			rl_point = 0;
			tui_below_clear(t);
		} else {
			tui_below_clear(t);
			t->hint = strdup("Ctrl-C clears the line; to leave, "
			    "type :quit or press Ctrl-D on an empty line");
			tui_below_keep(t);
		}
		return;
	case 12:			/* Ctrl-L */
		clearok(curscr, TRUE);
		return;
	default:
		break;
	}
	memset(&ps, 0, sizeof ps);
	if ((n = wcrtomb(mb, (wchar_t)k, &ps)) == (size_t)-1)
		return;
	tui_feed(t, mb, n);
}

/* ---- signals through a self-pipe ------------------------------------------- */

static void
tui_on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (tui_sigfd[1] != -1)
		(void)write(tui_sigfd[1], &c, 1);
	errno = saved;
}

static int
tui_signals(int on)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	if (on) {
		if (pipe(tui_sigfd) == -1)
			return -1;
		for (i = 0; i < 2; i++) {
			fcntl(tui_sigfd[i], F_SETFL, fcntl(tui_sigfd[i],
			    F_GETFL) | O_NONBLOCK);
			fcntl(tui_sigfd[i], F_SETFD, FD_CLOEXEC);
		}
		sa.sa_handler = tui_on_signal;
	} else
		sa.sa_handler = SIG_DFL;
	/* Installed before ncurses starts, so it leaves SIGWINCH to us. */
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!on) {
		for (i = 0; i < 2; i++) {
			if (tui_sigfd[i] != -1)
				close(tui_sigfd[i]);
			tui_sigfd[i] = -1;
		}
	}
	return 0;
}

static void
tui_on_signals(struct tui *t)
{
	unsigned char c;

	while (read(tui_sigfd[0], &c, 1) == 1) {
		if (c == SIGWINCH)
			tui_resize(t);
		else
			t->quit = 1;
	}
}

/* ---- the loop ------------------------------------------------------------------ */

static void
tui_loop(struct tui *t)
{
	struct pollfd pfd[3];
	wint_t k;
	int rc, n;

	while (!t->quit) {
		tui_draw(t);
		if (client_fd(t->c) != -1 && client_has_buffered(t->c)) {
			client_on_readable(t->c);
			tui_state(t);
			continue;
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = tui_sigfd[0];
		pfd[1].events = POLLIN;
		pfd[2].fd = client_fd(t->c);
		pfd[2].events = POLLIN;
		/* no longer than the reply awaited may take (--timeout) */
		n = poll(pfd, pfd[2].fd != -1 ? 3 : 2, client_timeout_left(t->c));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			tui_on_signals(t);
		if (pfd[2].fd != -1 && pfd[2].revents) {
			client_on_readable(t->c);
			tui_state(t);
		}
		/* what came in time is read: now, is a reply late? */
		if (client_check_timeout(t->c))
			tui_state(t);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			t->quit = 1;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			while (!t->quit &&
			    (rc = wget_wch(stdscr, &k)) != ERR)
				tui_key(t, rc, k);
		}
	}
}

static int
tui_start_readline(struct tui *t)
{
	if ((t->rl_out = fopen("/dev/null", "w")) == NULL)
		return -1;
	rl_readline_name = "smtpscope";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = tui_rl_prep;
	rl_deprep_term_function = tui_rl_deprep;
	rl_getc_function = tui_rl_getc;
	rl_input_available_hook = tui_rl_avail;
	rl_redisplay_function = tui_rl_redisplay;
	rl_outstream = t->rl_out;
	complete_install(tui_session);
	rl_completion_display_matches_hook = tui_rl_matches;
	console_history_load();
	rl_callback_handler_install(console_prompt(t->c), tui_rl_line);
	return 0;
}

enum exitcode
ui_tui_run(const struct client_opts *copts, const struct ui_opts *u)
{
	struct tui t;
	const char *cs;
	enum exitcode status;

	memset(&t, 0, sizeof t);
	t.u = u;
	t.notes = TUI_NOTES_SUMMARY;
	t.sel = UINT64_MAX;
	t.last_reply = UINT64_MAX;
	scrollback_view_init(&t.view);
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t.utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	if ((t.sb = scrollback_new(u->scrollback, t.utf8)) == NULL) {
		fputs("smtpscope: out of memory\n", stderr);
		return EXIT_FAILED;
	}
	if (tui_signals(1) == -1) {
		scrollback_free(t.sb);
		return ui_plain_run(copts, u);
	}
	if ((t.scr = newterm(NULL, stdout, stdin)) == NULL) {
		/* No usable terminal description: the line mode works. */
		tui_signals(0);
		scrollback_free(t.sb);
		return ui_plain_run(copts, u);
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	    | BUTTON5_PRESSED
#endif
	    , NULL);
	mouseinterval(0);
	t.color = tui_render_colors(u->color);
	t.key_older = tui_key_named("kUP3");
	t.key_newer = tui_key_named("kDN3");
	tui_render_set_utf8(t.utf8);
	if ((t.c = client_new(copts, &tui_ops, &t)) == NULL) {
		status = EXIT_FAILED;
		snprintf(t.last_error, sizeof t.last_error, "out of memory");
		goto out;
	}
	tui_cur = &t;
	tui_draw(&t);
	if (client_connect(t.c) != 0) {
		status = client_failed(t.c);
		goto out;
	}
	if (tui_start_readline(&t) == -1) {
		status = EXIT_FAILED;
		goto out;
	}
	tui_loop(&t);
	rl_callback_handler_remove();
	status = client_failed(t.c);
	t.last_error[0] = '\0';
out:
	endwin();
	delscreen(t.scr);
	tui_signals(0);
	if (status != 0 && t.last_error[0] != '\0') {
		char *safe = sanitize(t.last_error, strlen(t.last_error), 0);

		fprintf(stderr, "smtpscope: %s\n", safe != NULL ? safe : "");
		free(safe);
	}
	if (t.c != NULL)
		client_free(t.c);
	tui_cur = NULL;
	if (t.rl_out != NULL) {
		rl_outstream = stdout;
		fclose(t.rl_out);
	}
	free(t.diag);
	free(t.hint);
	free(t.under);
	free(t.refill);
	free(t.rowmap);
	scrollback_free(t.sb);
	return status;
}
