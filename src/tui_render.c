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

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "scrollback.h"
#include "tui_render.h"

struct tui_draw {
	WINDOW		*win;
	int		 y;
	int		 x;		/* left edge (the explanation's columns) */
	int		 cols;
	int		 color;
	int		 selected;	/* the entry drawn is the one explained */
};

static int tui_render_row(void *, const struct scrollback_row *);
static int tui_render_note_row(void *, const struct scrollback_row *);
static void tui_render_clipped(WINDOW *, int, int, const char *, size_t,
    int);
static void tui_detail_layout(struct scrollback *, uint64_t, int, int, int *,
    int *, int *);

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
tui_render_geom(struct scrollback_geom *g, int cols, enum tui_notes notes,
    int raw)
{
	memset(g, 0, sizeof *g);
	g->width = cols;
	g->raw = raw;
	g->notes = notes == TUI_NOTES_FULL ? SCROLLBACK_NOTES_FULL :
	    SCROLLBACK_NOTES_SUMMARY;
	if (notes == TUI_NOTES_OFF)
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
		/* the reply the explanation below is about */
		wattrset(d->win, a | A_BOLD | (d->selected ? A_REVERSE : 0));
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
		wattrset(d->win, tui_render_attr(TUI_PAIR_NOTE, d->color) |
		    (d->selected ? A_BOLD : 0));
		if (r->note_clip)
			tui_render_clipped(d->win, d->y, r->note_x, r->note,
			    r->note_len, d->cols - r->note_x);
		else
			tui_render_text(d->win, d->y, r->note_x, r->note,
			    r->note_len, d->cols - r->note_x);
	}
	wattrset(d->win, A_NORMAL);
	d->y++;
	return 0;
}

/*
 * A whole line (sanitized already) on one row of cols columns: shortened
 * at its end with "..." when it is wider, the one way a line is shortened
 * (sanitize_shorten()).
 */
static void
tui_render_clipped(WINDOW *win, int y, int x, const char *s, size_t len,
    int cols)
{
	char	*cut;
	size_t	 col, span;

	if (cols <= 0)
		return;
	if (scrollback_cols(s, len) <= cols ||
	    (cut = sanitize_shorten(s, len, 0, 1, (size_t)cols,
	    SANITIZE_KEEP_BACKSLASH, &col, &span)) == NULL) {
		tui_render_text(win, y, x, s, len, cols);
		return;
	}
	tui_render_text(win, y, x, cut, strlen(cut), cols);
	free(cut);
}

void
tui_render_conv(WINDOW *win, int y0, int rows, const struct scrollback_geom *g,
    struct scrollback *sb, struct scrollback_view *view, int color,
    uint64_t selected, uint64_t *rowmap)
{
	struct tui_draw d;
	uint64_t n, end;
	int skip, have, y;

	d.win = win;
	d.y = y0;
	d.x = 0;
	d.cols = g->width;
	d.color = color;
	have = scrollback_top(sb, view, rows, &n, &skip);
	end = scrollback_end(sb);
	for (; d.y < y0 + have && n < end; n++) {
		y = d.y;
		d.selected = n == selected;
		scrollback_layout(sb, n, skip, y0 + have - d.y,
		    tui_render_row, &d);
		skip = 0;
		for (; rowmap != NULL && y < d.y; y++)
			rowmap[y - y0] = n;
	}
	for (y = d.y; rowmap != NULL && y < y0 + rows; y++)
		rowmap[y - y0] = UINT64_MAX;
	/* Each row of the panes draws its part of the separator (messages
	 * span both panes); it goes on under the last entry. */
	if (g->mode == SCROLLBACK_SIDE && d.y < y0 + rows)
		tui_render_line(win, d.y, g->left, y0 + rows - d.y, 1);
}

/* ---- the explanation of one reply, under the conversation ------------- */

#define TUI_DETAIL_COLS_MIN	56	/* two columns from 2 x this wide */

struct tui_detail {
	struct tui_draw	 d;
	int		 y0, rows, colw, two;
	int		 n;		/* rows handed over so far */
};

static int
tui_render_note_row(void *arg, const struct scrollback_row *r)
{
	struct tui_detail *t = arg;
	int y, x;

	/* column by column: the first one filled top to bottom first */
	y = t->y0 + (t->n % t->rows);
	x = t->d.x + (t->n / t->rows) * (t->colw + 3) + r->note_x;
	t->n++;
	tui_render_text(t->d.win, y, x, r->note, r->note_len,
	    t->colw - r->note_x);
	return 0;
}

/* How entry n's explanation is laid out in cols: one column, or two
 * when it would not fit in max - 1 rows and there is room. */
static void
tui_detail_layout(struct scrollback *sb, uint64_t n, int cols, int max,
    int *colw, int *two, int *need)
{
	*colw = cols;
	*two = 0;
	*need = scrollback_note_layout(sb, n, cols, 0, INT_MAX, NULL, NULL);
	if (*need > max - 1 && cols >= 2 * TUI_DETAIL_COLS_MIN + 3) {
		*colw = (cols - 3) / 2;
		*two = 1;
		*need = scrollback_note_layout(sb, n, *colw, 0, INT_MAX, NULL,
		    NULL);
		*need = (*need + 1) / 2;
	}
}

int
tui_render_detail_rows(struct scrollback *sb, uint64_t n, int cols, int max)
{
	int colw, two, need;

	if (scrollback_kind(sb, n) != SCROLLBACK_SERVER || max < 2)
		return 0;
	tui_detail_layout(sb, n, cols, max, &colw, &two, &need);
	if (need == 0)
		return 0;
	return 1 + (need < max - 1 ? need : max - 1);
}

void
tui_render_detail(WINDOW *win, int y0, int rows, int cols,
    struct scrollback *sb, uint64_t n, int color, const char *title,
    const char *keys)
{
	struct tui_detail t;
	int need, total, shown, w;

	if (rows < 2)
		return;
	memset(&t, 0, sizeof t);
	t.d.win = win;
	t.d.color = color;
	t.y0 = y0 + 1;
	t.rows = rows - 1;
	tui_detail_layout(sb, n, cols, rows, &t.colw, &t.two, &need);
	/* the title: which reply, and the keys */
	wattrset(win, A_BOLD);
	tui_render_line(win, y0, 0, cols, 0);
	tui_render_clipped(win, y0, 1, title, strlen(title), cols - 2);
	w = scrollback_cols(keys, strlen(keys));
	if (w + scrollback_cols(title, strlen(title)) + 4 < cols) {
		wattrset(win, A_DIM);
		tui_render_text(win, y0, cols - w - 1, keys, strlen(keys), w);
	}
	wattrset(win, tui_render_attr(TUI_PAIR_NOTE, color));
	total = scrollback_note_layout(sb, n, t.colw, 0, INT_MAX, NULL, NULL);
	shown = t.rows * (t.two ? 2 : 1);
	if (total > shown)
		shown--;	/* the last row says there is more */
	scrollback_note_layout(sb, n, t.colw, 0, shown, tui_render_note_row,
	    &t);
	if (total > shown) {
		char more[80];

		snprintf(more, sizeof more, "... %d more row%s: F2 shows "
		    "every explanation in full", total - shown,
		    total - shown == 1 ? "" : "s");
		wattrset(win, A_DIM);
		tui_render_text(win, t.y0 + (shown % t.rows), (shown /
		    t.rows) * (t.colw + 3), more, strlen(more), t.colw);
	}
	if (t.two) {
		wattrset(win, A_NORMAL);
		tui_render_line(win, t.y0, t.colw + 1, t.rows, 1);
	}
	wattrset(win, A_NORMAL);
}
