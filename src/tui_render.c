/*
 * tui_render.c -- draw the scrollback into an ncurses window.
 *
 * Text reaching ncurses here has been through sanitize() (scrollback.c
 * guarantees it): printable ASCII and valid UTF-8 only.  ncursesw decodes
 * UTF-8 given to waddnstr() in a UTF-8 locale, so SMTPUTF8 addresses show
 * as written.  Markers ("C:", "S:") are drawn whatever the colours, so
 * the two sides of the dialogue stay apart without colour.
 */
#include "config.h"

#include <string.h>

#include "scrollback.h"
#include "tui_render.h"

struct tui_draw {
	WINDOW		*win;
	int		 y;
	int		 cols;
	int		 color;
};

static int tui_render_row(void *, const struct scrollback_row *);

/* Box lines as Unicode characters in a UTF-8 locale, ASCII otherwise:
 * the alternate character set is not needed and every terminal (and
 * tmux capture-pane) shows them the same. */
static int	 tui_render_unicode;

void
tui_render_set_utf8(int utf8)
{
	tui_render_unicode = utf8;
}

void
tui_render_line(WINDOW *win, int y, int x, int n, int vertical)
{
	cchar_t cc;
	wchar_t wc[2];
	int i;

	wc[0] = tui_render_unicode ? (vertical ? 0x2502 : 0x2500) :
	    (vertical ? L'|' : L'-');
	wc[1] = L'\0';
	if (setcchar(&cc, wc, A_NORMAL, 0, NULL) == ERR)
		return;
	for (i = 0; i < n; i++)
		mvwadd_wch(win, vertical ? y + i : y, vertical ? x : x + i,
		    &cc);
}

int
tui_render_colors(int color)
{
	if (!color || !has_colors())
		return 0;
	if (start_color() == ERR)
		return 0;
	use_default_colors();
	init_pair(TUI_PAIR_CLIENT, COLOR_CYAN, -1);
	init_pair(TUI_PAIR_BODY, COLOR_BLUE, -1);
	init_pair(TUI_PAIR_REPLY_OK, COLOR_GREEN, -1);
	init_pair(TUI_PAIR_REPLY_MORE, COLOR_MAGENTA, -1);
	init_pair(TUI_PAIR_REPLY_TEMP, COLOR_YELLOW, -1);
	init_pair(TUI_PAIR_REPLY_PERM, COLOR_RED, -1);
	init_pair(TUI_PAIR_INFO, -1, -1);
	init_pair(TUI_PAIR_WARNING, COLOR_YELLOW, -1);
	init_pair(TUI_PAIR_ERROR, COLOR_RED, -1);
	init_pair(TUI_PAIR_NOTE, -1, -1);
	init_pair(TUI_PAIR_STATUS, COLOR_BLACK, COLOR_CYAN);
	return 1;
}

attr_t
tui_render_attr(enum tui_pair p, int color)
{
	return color ? COLOR_PAIR(p) : A_NORMAL;
}

void
tui_render_geom(struct scrollback_geom *g, int cols, int show_notes, int raw)
{
	memset(g, 0, sizeof *g);
	g->width = cols;
	g->raw = raw;
	if (!show_notes)
		g->mode = SCROLLBACK_LEFT_ONLY;
	else if (cols < TUI_SIDE_MIN_COLS)
		g->mode = SCROLLBACK_STACKED;
	else {
		/* A little more than half for the dialogue: replies are up
		 * to 512 octets, annotations are prose that wraps well. */
		g->mode = SCROLLBACK_SIDE;
		g->left = cols * 52 / 100;
	}
	g->left = g->mode == SCROLLBACK_SIDE ? g->left : cols;
}

void
tui_render_text(WINDOW *win, int y, int x, const char *s, size_t len,
    int cols)
{
	size_t n, next;

	if (cols <= 0 || len == 0)
		return;
	n = scrollback_wrap(s, len, cols, 0, &next);
	if (scrollback_cols(s, n) > cols)
		return;		/* one character wider than the room */
	mvwaddnstr(win, y, x, s, (int)n);
}

static enum tui_pair
tui_render_pair(const struct scrollback_row *r)
{
	switch (r->kind) {
	case SCROLLBACK_CLIENT:
		return TUI_PAIR_CLIENT;
	case SCROLLBACK_BODY:
		return TUI_PAIR_BODY;
	case SCROLLBACK_SERVER:
		/* RFC 5321 4.2.1: the first digit says how it went. */
		switch (r->code / 100) {
		case 2:
			return TUI_PAIR_REPLY_OK;
		case 3:
			return TUI_PAIR_REPLY_MORE;
		case 4:
			return TUI_PAIR_REPLY_TEMP;
		default:
			return TUI_PAIR_REPLY_PERM;
		}
	case SCROLLBACK_WARNING:
		return TUI_PAIR_WARNING;
	case SCROLLBACK_ERROR:
		return TUI_PAIR_ERROR;
	default:
		return TUI_PAIR_INFO;
	}
}

static int
tui_render_row(void *arg, const struct scrollback_row *r)
{
	struct tui_draw *d = arg;
	attr_t a;
	int lw;

	lw = r->sep_x >= 0 ? r->sep_x : d->cols;
	if (r->sep_x >= 0)
		tui_render_line(d->win, d->y, r->sep_x, 1, 1);
	a = tui_render_attr(tui_render_pair(r), d->color);
	if (r->time != NULL) {
		wattrset(d->win, A_DIM);
		tui_render_text(d->win, d->y, 0, r->time, strlen(r->time), lw);
	}
	if (r->mark != NULL) {
		wattrset(d->win, a | A_BOLD);
		tui_render_text(d->win, d->y, r->mark_x, r->mark,
		    strlen(r->mark), lw - r->mark_x);
	}
	if (r->text != NULL) {
		wattrset(d->win, a | (r->kind == SCROLLBACK_ERROR ? A_BOLD : 0));
		tui_render_text(d->win, d->y, r->text_x, r->text, r->text_len,
		    lw - r->text_x);
	}
	if (r->latency != NULL) {
		wattrset(d->win, A_DIM);
		tui_render_text(d->win, d->y, r->latency_x, r->latency,
		    strlen(r->latency), lw - r->latency_x);
	}
	if (r->note != NULL) {
		wattrset(d->win, tui_render_attr(TUI_PAIR_NOTE, d->color));
		tui_render_text(d->win, d->y, r->note_x, r->note, r->note_len,
		    d->cols - r->note_x);
	}
	wattrset(d->win, A_NORMAL);
	d->y++;
	return 0;
}

void
tui_render_conv(WINDOW *win, int y0, int rows, const struct scrollback_geom *g,
    struct scrollback *sb, struct scrollback_view *view, int color)
{
	struct tui_draw d;
	uint64_t n, end;
	int skip, have;

	d.win = win;
	d.y = y0;
	d.cols = g->width;
	d.color = color;
	have = scrollback_top(sb, view, rows, &n, &skip);
	end = scrollback_end(sb);
	for (; d.y < y0 + have && n < end; n++) {
		scrollback_layout(sb, n, skip, y0 + have - d.y,
		    tui_render_row, &d);
		skip = 0;
	}
	/* Each row of the panes draws its part of the separator (messages
	 * span both panes); it goes on under the last entry. */
	if (g->mode == SCROLLBACK_SIDE && d.y < y0 + rows)
		tui_render_line(win, d.y, g->left, y0 + rows - d.y, 1);
}
