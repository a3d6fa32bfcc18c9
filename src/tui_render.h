/*
 * tui_render.h -- draw the scrollback (scrollback.h) into an ncurses
 * window: both panes, colours, markers.
 *
 * Why a file of its own: the split view's drawing path is shared by the
 * program (ui_tui.c) and the benchmark (bench/tui_bench.c), which feeds
 * lines through exactly the code users run.  It stays out of the core
 * library because only front-end code is compiled with the ncursesw
 * flags (the wide API needs _XOPEN_SOURCE_EXTENDED); the core library and
 * its unit tests never include curses.h.
 */
#ifndef SMTPSCOPE_TUI_RENDER_H
#define SMTPSCOPE_TUI_RENDER_H

#include <curses.h>

#include "scrollback.h"

/* Terminals narrower than this stack each annotation under its reply. */
#define TUI_SIDE_MIN_COLS	100

/* Colour pairs (only set up when colours are on). */
enum tui_pair {
	TUI_PAIR_CLIENT = 1,
	TUI_PAIR_BODY,
	TUI_PAIR_REPLY_OK,	/* 2xx */
	TUI_PAIR_REPLY_MORE,	/* 3xx */
	TUI_PAIR_REPLY_TEMP,	/* 4xx */
	TUI_PAIR_REPLY_PERM,	/* 5xx, or no valid code */
	TUI_PAIR_INFO,
	TUI_PAIR_WARNING,
	TUI_PAIR_ERROR,
	TUI_PAIR_NOTE,
	TUI_PAIR_STATUS,
	TUI_PAIR_COUNT
};

/* Start colours when color is non-zero and the terminal has them;
 * returns whether colours are in use. */
int tui_render_colors(int color);

/* The locale is UTF-8: draw box lines as Unicode (else ASCII). */
void tui_render_set_utf8(int utf8);

/* A box line of n cells from y, x, vertical or horizontal. */
void tui_render_line(WINDOW *win, int y, int x, int n, int vertical);

/* How the annotations are shown (F2 cycles through them). */
enum tui_notes {
	TUI_NOTES_SUMMARY,	/* a summary beside each reply, the whole
				   explanation of one under the conversation */
	TUI_NOTES_FULL,		/* every explanation in full, beside its reply */
	TUI_NOTES_OFF,		/* the conversation alone */
	TUI_NOTES_COUNT
};

/* The layout for a conversation area cols wide. */
void tui_render_geom(struct scrollback_geom *, int cols, enum tui_notes,
    int raw);

/* Attribute for a colour pair, or A_NORMAL when colours are off. */
attr_t tui_render_attr(enum tui_pair, int color);

/*
 * Draw view into win, rows y0 .. y0 + rows - 1 (the caller cleared them),
 * laid out as g, which must be the geometry last given to
 * scrollback_set_geom().  Entry selected (UINT64_MAX: none) is marked as
 * the one explained.  rowmap, when not NULL, gets the entry on each of
 * the rows (UINT64_MAX under the last).  Costs O(rows) whatever the
 * history holds.
 */
void tui_render_conv(WINDOW *win, int y0, int rows,
    const struct scrollback_geom *g, struct scrollback *,
    struct scrollback_view *, int color, uint64_t selected,
    uint64_t *rowmap);

/*
 * The explanation of reply n on its own, under the conversation: a title
 * row (title on a rule, keys at its right end), then the annotation
 * wrapped to cols, in two columns when it would not fit in one and the
 * screen is wide enough; cut, with a last row saying so, at rows.
 * tui_render_detail_rows() gives the rows it takes when given at most
 * max (0: n is no reply with an annotation).  Costs O(annotation).
 */
int tui_render_detail_rows(struct scrollback *, uint64_t n, int cols,
    int max);
void tui_render_detail(WINDOW *win, int y0, int rows, int cols,
    struct scrollback *, uint64_t n, int color, const char *title,
    const char *keys);

/* Draw at most cols display columns of s (len bytes) at y, x. */
void tui_render_text(WINDOW *win, int y, int x, const char *s, size_t len,
    int cols);

#endif
