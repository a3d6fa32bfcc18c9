/*
 * scrollback.h -- what the split view shows: a bounded ring of display
 * entries and the computation of how they wrap on a screen of a given
 * size.  No terminal I/O here: the ncurses code (tui_render.c) draws the
 * rows this module lays out, and the unit tests check the layout as data.
 *
 * An entry is one line sent (C:), one whole reply (S:, every line of it,
 * with its annotation), or one message (info, warning, error, help).
 * Everything stored is safe to show: server bytes go through sanitize()
 * on the way in, so no byte from a server reaches the terminal raw.
 *
 * Cost: appending is O(1) (amortised; the oldest entry is dropped when the
 * ring is full).  Each entry caches its height in rows for the current
 * geometry; a geometry change only bumps a generation number, so laying
 * out and scrolling touch the visible entries only, never the history.
 */
#ifndef SMTPSCOPE_SCROLLBACK_H
#define SMTPSCOPE_SCROLLBACK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SCROLLBACK_DEFAULT	100000
/* Text kept at most (wire lines, raw views, annotations): the oldest
 * entries go first when either bound is reached. */
#define SCROLLBACK_BYTES_DEFAULT (32UL * 1024 * 1024)

enum scrollback_kind {
	SCROLLBACK_CLIENT,	/* C: a command line sent */
	SCROLLBACK_BODY,	/* D: a DATA body line sent */
	SCROLLBACK_SERVER,	/* S: a reply */
	SCROLLBACK_INFO,	/* -- a neutral message */
	SCROLLBACK_HELP,	/* :: help text asked for */
	SCROLLBACK_WARNING,	/* !! a warning */
	SCROLLBACK_ERROR,	/* !! an error */
	SCROLLBACK_KIND_COUNT
};

/* What one entry is made of, as handed to scrollback_add(). */
struct scrollback_item {
	enum scrollback_kind	 kind;
	time_t			 when;
	double			 ms;	/* reply latency, < 0 when none */
	int			 code;	/* reply code (colour), 0 when none */
	/* For C:, D: and S: the bytes as they went over the wire, line
	 * endings included (a reply's raw bytes; a command with its CRLF).
	 * For messages the text, lines separated by LF. */
	const char		*bytes;
	size_t			 len;
	const char		*note;	/* annotation (lines by LF) or NULL */
};

/* How the entries are laid out. */
enum scrollback_mode {
	SCROLLBACK_SIDE,	/* conversation left, annotation right */
	SCROLLBACK_STACKED,	/* annotation under its reply (narrow screens) */
	SCROLLBACK_LEFT_ONLY,	/* conversation only, full width */
};

/* How much of each annotation the conversation shows. */
enum scrollback_notes {
	SCROLLBACK_NOTES_FULL,		/* every line, wrapped to the pane */
	SCROLLBACK_NOTES_SUMMARY,	/* its first line, on one row beside
					   the reply (stacked: under it) */
};

struct scrollback_geom {
	enum scrollback_mode	 mode;
	int			 width;	/* columns of the whole area */
	int			 left;	/* columns of the left pane (SIDE) */
	int			 raw;	/* raw byte view: CR and LF shown */
	enum scrollback_notes	 notes;
};

/* Geometry actually used: columns of each part of a row. */
#define SCROLLBACK_TIME_COLS	9	/* "HH:MM:SS " */
#define SCROLLBACK_MARK_COLS	3	/* "C: " */
#define SCROLLBACK_NOTE_INDENT	2	/* stacked annotations */
#define SCROLLBACK_NOTE_HANG	2	/* wrapped annotation rows */

/* One screen row of an entry.  Slices point into the entry (valid until
 * the entry is dropped); x positions are columns from the area's left. */
struct scrollback_row {
	enum scrollback_kind	 kind;
	int			 code;
	const char		*time;	/* "HH:MM:SS" on an entry's first row, else NULL */
	const char		*mark;	/* "C:", "S:" ... on a line's first row, else NULL */
	int			 mark_x;
	const char		*text;	/* conversation slice (may be empty) */
	size_t			 text_len;
	int			 text_x;
	const char		*latency; /* "12.3 ms", right-aligned in the left pane */
	int			 latency_x;
	const char		*note;	/* annotation slice, or NULL */
	size_t			 note_len;
	int			 note_x;
	int			 note_clip;	/* the slice is a whole line
					   (a summary): show it shortened to
					   the columns left, "..." where cut */
	int			 sep_x;	/* column of the pane separator, -1 none */
};

struct scrollback;

/* max entries kept (<= 0: SCROLLBACK_DEFAULT).  utf8: the terminal shows
 * UTF-8 (else every byte >= 0x80 is escaped).  NULL when out of memory. */
struct scrollback *scrollback_new(long max, int utf8);
/* Bound the text kept to bytes (default SCROLLBACK_BYTES_DEFAULT); the
 * oldest entries are dropped to fit, the newest is always kept. */
void scrollback_set_byte_limit_for_test(struct scrollback *, size_t bytes);
/* Bytes of text held now. */
size_t scrollback_bytes_for_test(const struct scrollback *);
void scrollback_free(struct scrollback *);

/* Append an entry, dropping the oldest when full.  Returns 0, or -1 when
 * out of memory (nothing appended). */
int scrollback_add(struct scrollback *, const struct scrollback_item *);

/* Entries are numbered from 0 at the first append; the ring holds
 * [scrollback_first(), scrollback_end()).  Both 0 when empty. */
uint64_t scrollback_first(const struct scrollback *);
uint64_t scrollback_end(const struct scrollback *);

/* Set the geometry; cached heights become stale (O(1)). */
void scrollback_set_geom(struct scrollback *, const struct scrollback_geom *);

/* Rows entry n takes with the current geometry (cached); 0 if n is not
 * in the ring. */
int scrollback_height(struct scrollback *, uint64_t n);

/* Lay out entry n: calls fn once per row, in order, skipping the first
 * skip rows and stopping after max rows (or when fn returns non-zero).
 * Returns the number of rows handed to fn. */
int scrollback_layout(struct scrollback *, uint64_t n, int skip, int max,
    int (*fn)(void *, const struct scrollback_row *), void *arg);

/* The kind of entry n; SCROLLBACK_KIND_COUNT when it is not in the
 * ring. */
enum scrollback_kind scrollback_kind(const struct scrollback *, uint64_t n);

/*
 * The annotation of entry n alone, wrapped to width columns as the right
 * pane wraps it (a wrapped row hangs under its line): calls fn for each
 * row from the skip-th, at most max, with note, note_len and note_x (from
 * 0) set.  Returns the rows handed to fn; with fn NULL, the rows there
 * are from skip on (at most max).  0 when the entry has no annotation.
 * Costs O(annotation).
 */
int scrollback_note_layout(struct scrollback *, uint64_t n, int width,
    int skip, int max, int (*fn)(void *, const struct scrollback_row *),
    void *arg);

/*
 * Where the view is.  bottom is the entry shown on the last row, skip how
 * many of its rows are hidden below the screen; follow means "stick to
 * the newest entry" (the view moves with each append).
 */
struct scrollback_view {
	uint64_t	 bottom;
	int		 skip;
	int		 follow;
};

void scrollback_view_init(struct scrollback_view *);

/* Scroll by rows (> 0 up, towards older entries; < 0 down) on a screen
 * of screen_rows rows.  Stops at the oldest entry and at the newest
 * (where follow is set again).  Costs O(rows scrolled + screen). */
void scrollback_scroll(struct scrollback *, struct scrollback_view *,
    int rows, int screen_rows);

/*
 * The first row to draw for view on screen_rows rows: entry *top and the
 * number of its rows hidden above the screen (*top_skip).  Returns the
 * number of rows of content to draw (<= screen_rows; fewer when the
 * history is short) or 0 when empty.  Costs O(screen).
 */
int scrollback_top(struct scrollback *, struct scrollback_view *,
    int screen_rows, uint64_t *top, int *top_skip);

/*
 * Where the next row of s (len bytes, one line without LF) breaks when
 * wrapped to width columns: returns the bytes of the row; *next gets the
 * offset where the following row starts (after a space the break used).
 * words: break at spaces when possible.  Counts display columns (UTF-8
 * wide characters take 2).  Always makes progress when len > 0.
 */
size_t scrollback_wrap(const char *s, size_t len, int width, int words,
    size_t *next);

/* Display columns of s (len bytes). */
int scrollback_cols(const char *s, size_t len);


#endif
