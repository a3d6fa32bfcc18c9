/*
 * scrollback.c -- the bounded ring of display entries behind the split
 * view, and how they wrap.
 *
 * The ring grows by doubling until it reaches its bound, then overwrites
 * the oldest slot: entry n lives in slot n % max, so appending never moves
 * the history.  Heights are cached per entry with the generation of the
 * geometry they were computed for; changing the geometry (resize, pane
 * toggles) bumps the generation and costs nothing until an entry is shown
 * again.  Scrolling keeps an anchor (entry + rows hidden below) instead
 * of an absolute row number, so no operation ever sums the whole history.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "scrollback.h"

struct sb_entry {
	enum scrollback_kind	 kind;
	int			 code;
	char			 time[9];	/* "HH:MM:SS" */
	char			 latency[16];	/* "12.3 ms" or "" */
	char			*text;		/* display lines, LF between them */
	size_t			 text_len;
	char			*raw;		/* raw-view lines, or NULL: text */
	size_t			 raw_len;
	char			*note;		/* annotation lines, or NULL */
	size_t			 note_len;
	unsigned		 gen;		/* geometry the height is for */
	int			 height;
};

struct scrollback {
	struct sb_entry		*slots;
	size_t			 nslots;	/* allocated */
	size_t			 max;
	uint64_t		 first, end;
	int			 utf8;
	struct scrollback_geom	 geom;
	unsigned		 gen;
	size_t			 bytes;		/* text held by the entries */
	size_t			 byte_limit;
};

/* Row iterator over one entry. */
struct sb_lay {
	const struct sb_entry	*e;
	/* columns */
	int			 lw;		/* left pane width */
	int			 time_on;
	int			 text_x, tw;	/* left text column and width */
	int			 note_x, nw;	/* annotation column and width */
	int			 sep_x;
	int			 words;		/* word-wrap the left side */
	/* left side */
	const char		*lbuf;
	size_t			 lpos, llen;
	int			 ldone, lstart, lfirst;
	int			 lat_pending;
	/* annotation side */
	size_t			 npos;
	int			 ndone, nstart;
	int			 nhang;		/* continuation rows' indent */
	int			 summary;	/* the first line only, clipped */
};

static const char *const sb_marks[SCROLLBACK_KIND_COUNT] = {
	[SCROLLBACK_CLIENT] = "C:",
	[SCROLLBACK_BODY] = "D:",
	[SCROLLBACK_SERVER] = "S:",
	[SCROLLBACK_INFO] = "--",
	[SCROLLBACK_HELP] = "::",
	[SCROLLBACK_WARNING] = "!!",
	[SCROLLBACK_ERROR] = "!!",
};

static struct sb_entry *sb_get(const struct scrollback *, uint64_t);
static void sb_entry_clear(struct sb_entry *);
static char *sb_lines(const char *, size_t, int, int, int, size_t *);
static void sb_lay_init(struct scrollback *, struct sb_lay *,
    const struct sb_entry *);
static int sb_lay_next(struct sb_lay *, struct scrollback_row *);

struct scrollback *
scrollback_new(long max, int utf8)
{
	struct scrollback *sb;

	if ((sb = calloc(1, sizeof *sb)) == NULL)
		return NULL;
	sb->max = max > 0 ? (size_t)max : SCROLLBACK_DEFAULT;
	sb->byte_limit = SCROLLBACK_BYTES_DEFAULT;
	sb->utf8 = utf8;
	sb->geom.mode = SCROLLBACK_LEFT_ONLY;
	sb->geom.width = 80;
	sb->geom.left = 80;
	sb->gen = 1;
	return sb;
}

void
scrollback_free(struct scrollback *sb)
{
	uint64_t n;

	if (sb == NULL)
		return;
	for (n = sb->first; n < sb->end; n++)
		sb_entry_clear(sb_get(sb, n));
	free(sb->slots);
	free(sb);
}

void
scrollback_set_byte_limit_for_test(struct scrollback *sb, size_t bytes)
{
	sb->byte_limit = bytes;
}

size_t
scrollback_bytes_for_test(const struct scrollback *sb)
{
	return sb->bytes;
}

static size_t
sb_entry_bytes(const struct sb_entry *e)
{
	return e->text_len + e->raw_len + e->note_len;
}

/* Drop the oldest entry. */
static void
sb_drop_first(struct scrollback *sb)
{
	struct sb_entry *e = sb_get(sb, sb->first);

	sb->bytes -= sb_entry_bytes(e);
	sb_entry_clear(e);
	sb->first++;
}

uint64_t
scrollback_first(const struct scrollback *sb)
{
	return sb->first;
}

uint64_t
scrollback_end(const struct scrollback *sb)
{
	return sb->end;
}

static struct sb_entry *
sb_get(const struct scrollback *sb, uint64_t n)
{
	return &sb->slots[n % sb->max];
}

static void
sb_entry_clear(struct sb_entry *e)
{
	free(e->text);
	free(e->raw);
	free(e->note);
	memset(e, 0, sizeof *e);
}

/*
 * Split bytes into lines at LF and sanitize each line on its own, joined
 * by LF.  raw: keep each line's CR LF and show it (SANITIZE_SHOW_CRLF);
 * else drop the line ending.  own: text of this program's own, made safe
 * with SANITIZE_KEEP_BACKSLASH (see sanitize.h); else wire bytes.  A final LF does not start another line.
 * TABs become spaces so that columns stay countable.
 */
static char *
sb_lines(const char *s, size_t len, int raw, int own, int flags,
    size_t *outlen)
{
	char *out, *o;
	size_t pos, cap, used, n, need, end;
	const char *lf;

	cap = len * 4 + 16;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	used = 0;
	pos = 0;
	do {
		lf = memchr(s + pos, '\n', len - pos);
		end = lf != NULL ? (size_t)(lf - s) + 1 : len;
		n = end - pos;
		if (!raw) {
			if (n > 0 && s[pos + n - 1] == '\n')
				n--;
			if (n > 0 && s[pos + n - 1] == '\r')
				n--;
		}
		if (raw)
			flags |= SANITIZE_SHOW_CRLF;
		if (own)
			flags |= SANITIZE_KEEP_BACKSLASH;
		need = sanitize_buf(NULL, 0, s + pos, n, flags);
		if (used + need + 2 > cap) {
			cap = used + need + 2 + cap / 2;
			if ((o = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = o;
		}
		if (used > 0)
			out[used++] = '\n';
		sanitize_buf(out + used, need + 1, s + pos, n, flags);
		used += need;
		pos = end;
	} while (pos < len);
	out[used] = '\0';
	for (o = out; (o = memchr(o, '\t', used - (size_t)(o - out))) != NULL;)
		*o = ' ';
	*outlen = used;
	/* Kept for the whole life of the entry: give back the slack of
	 * the worst-case estimate above. */
	if (used + 1 < cap && (o = realloc(out, used + 1)) != NULL)
		out = o;
	return out;
}

int
scrollback_add(struct scrollback *sb, const struct scrollback_item *it)
{
	struct sb_entry e, *slot, *ns;
	struct tm tm;
	size_t nn;
	int flags, wire;

	memset(&e, 0, sizeof e);
	e.kind = it->kind;
	e.code = it->code;
	if (localtime_r(&it->when, &tm) != NULL)
		strftime(e.time, sizeof e.time, "%H:%M:%S", &tm);
	if (it->ms >= 0) {
		if (it->ms < 1000)
			snprintf(e.latency, sizeof e.latency, "%.1f ms", it->ms);
		else
			snprintf(e.latency, sizeof e.latency, "%.2f s",
			    it->ms / 1000);
	}
	flags = sb->utf8 ? 0 : SANITIZE_ASCII;
	wire = it->kind == SCROLLBACK_CLIENT || it->kind == SCROLLBACK_BODY ||
	    it->kind == SCROLLBACK_SERVER;
	/* Wire bytes are sanitized; messages and notes are our own text,
	 * which may quote sanitized bytes already. */
	if ((e.text = sb_lines(it->bytes, it->len, 0, !wire, flags,
	    &e.text_len)) == NULL)
		goto fail;
	if (wire && (e.raw = sb_lines(it->bytes, it->len, 1, 0, flags,
	    &e.raw_len)) == NULL)
		goto fail;
	if (it->note != NULL && (e.note = sb_lines(it->note,
	    strlen(it->note), 0, 1, flags, &e.note_len)) == NULL)
		goto fail;

	if (sb->end - sb->first == sb->max) {
		sb_drop_first(sb);
	} else if (sb->end >= sb->nslots) {
		/* Not full yet, so first == 0 and slot n is index n. */
		nn = sb->nslots == 0 ? 64 : sb->nslots * 2;
		if (nn > sb->max)
			nn = sb->max;
		if ((ns = realloc(sb->slots, nn * sizeof *ns)) == NULL)
			goto fail;
		memset(ns + sb->nslots, 0, (nn - sb->nslots) * sizeof *ns);
		sb->slots = ns;
		sb->nslots = nn;
	}
	slot = sb_get(sb, sb->end);
	*slot = e;
	sb->end++;
	sb->bytes += sb_entry_bytes(slot);
	while (sb->bytes > sb->byte_limit && sb->end - sb->first > 1)
		sb_drop_first(sb);
	return 0;
fail:
	sb_entry_clear(&e);
	return -1;
}

void
scrollback_set_geom(struct scrollback *sb, const struct scrollback_geom *g)
{
	sb->geom = *g;
	if (sb->geom.width < 1)
		sb->geom.width = 1;
	if (sb->geom.mode == SCROLLBACK_SIDE &&
	    (sb->geom.left < 1 || sb->geom.left > sb->geom.width - 2))
		sb->geom.mode = SCROLLBACK_LEFT_ONLY;
	sb->gen++;
	if (sb->gen == 0)
		sb->gen = 1;
}

/* ---- wrapping --------------------------------------------------------- */

int
scrollback_cols(const char *s, size_t len)
{
	return (int)sanitize_cols(s, len);
}

size_t
scrollback_wrap(const char *s, size_t len, int width, int words,
    size_t *next)
{
	size_t i, n, space;
	int cols, w;

	if (width < 1)
		width = 1;
	cols = 0;
	space = 0;
	for (i = 0; i < len; i += n) {
		n = sanitize_char(s + i, len - i, &w);
		if (cols + w > width && i > 0) {
			if (words && s[i] == ' ') {
				/* Break at this very space. */
				*next = i + 1;
				return i;
			}
			if (words && space > 0) {
				*next = space + 1;
				return space;
			}
			*next = i;
			return i;
		}
		if (s[i] == ' ')
			space = i;
		cols += w;
	}
	*next = len;
	return len;
}

/* ---- layout ------------------------------------------------------------- */

static void
sb_lay_init(struct scrollback *sb, struct sb_lay *l, const struct sb_entry *e)
{
	const struct scrollback_geom *g = &sb->geom;
	int stacked_notes;

	memset(l, 0, sizeof *l);
	l->e = e;
	l->sep_x = -1;
	l->lw = g->mode == SCROLLBACK_SIDE ? g->left : g->width;
	l->time_on = l->lw >= 40;
	l->text_x = (l->time_on ? SCROLLBACK_TIME_COLS : 0) +
	    SCROLLBACK_MARK_COLS;
	l->tw = l->lw - l->text_x;
	if (l->tw < 1)
		l->tw = 1;
	l->words = e->kind >= SCROLLBACK_INFO;
	if (g->raw && e->raw != NULL) {
		l->lbuf = e->raw;
		l->llen = e->raw_len;
	} else {
		l->lbuf = e->text;
		l->llen = e->text_len;
	}
	l->lstart = 1;
	l->lfirst = 1;
	l->lat_pending = e->latency[0] != '\0';
	l->nstart = 1;
	stacked_notes = 0;
	switch (g->mode) {
	case SCROLLBACK_SIDE:
		/* Messages (help, local commands' output, errors) have no
		 * annotation: they take the whole width. */
		if (e->kind >= SCROLLBACK_INFO && e->note == NULL) {
			l->lw = g->width;
			l->tw = l->lw - l->text_x;
			if (l->tw < 1)
				l->tw = 1;
			break;
		}
		l->sep_x = g->left;
		l->note_x = g->left + 2;
		l->nw = g->width - l->note_x;
		break;
	case SCROLLBACK_STACKED:
		stacked_notes = 1;
		l->note_x = l->text_x + SCROLLBACK_NOTE_INDENT;
		l->nw = g->width - l->note_x;
		break;
	case SCROLLBACK_LEFT_ONLY:
		break;
	}
	if (e->note == NULL || (g->mode == SCROLLBACK_LEFT_ONLY) ||
	    (stacked_notes && l->nw < 1))
		l->ndone = 1;
	l->summary = g->notes == SCROLLBACK_NOTES_SUMMARY;
	if (l->nw < 1)
		l->nw = 1;
}

/* Next left-pane row into r; 0 when the left side is exhausted. */
static int
sb_lay_left(struct sb_lay *l, struct scrollback_row *r)
{
	const char *p, *lf;
	size_t seg, n, next, lend;
	int lat;

	if (l->ldone) {
		if (!l->lat_pending)
			return 0;
		/* The latency did not fit on the first row: a row of its own. */
		l->lat_pending = 0;
		lat = (int)strlen(l->e->latency);
		r->latency = l->e->latency;
		r->latency_x = l->lw - lat - 1 > l->text_x ?
		    l->lw - lat - 1 : l->text_x;
		r->text = "";
		r->text_x = l->text_x;
		return 1;
	}
	p = l->lbuf + l->lpos;
	lf = memchr(p, '\n', l->llen - l->lpos);
	lend = lf != NULL ? (size_t)(lf - l->lbuf) : l->llen;
	seg = lend - l->lpos;
	n = scrollback_wrap(p, seg, l->tw, l->words, &next);
	r->text = p;
	r->text_len = n;
	r->text_x = l->text_x;
	if (l->lstart) {
		r->mark = sb_marks[l->e->kind];
		r->mark_x = l->text_x - SCROLLBACK_MARK_COLS;
	}
	if (l->lfirst && l->time_on && l->e->time[0] != '\0')
		r->time = l->e->time;
	if (l->lfirst && l->lat_pending) {
		lat = (int)strlen(l->e->latency);
		if (scrollback_cols(p, n) + 2 + lat <= l->tw - 1) {
			r->latency = l->e->latency;
			r->latency_x = l->lw - lat - 1;
			l->lat_pending = 0;
		}
	}
	l->lfirst = 0;
	l->lpos += next;
	if (l->lpos >= lend) {
		if (lend >= l->llen)
			l->ldone = 1;
		else {
			l->lpos = lend + 1;
			l->lstart = 1;
		}
	} else
		l->lstart = 0;
	return 1;
}

/* Next annotation row into r; 0 when none is left. */
static int
sb_lay_note(struct sb_lay *l, struct scrollback_row *r)
{
	const char *buf = l->e->note, *p, *lf;
	size_t len = l->e->note_len, seg, n, next, lend;
	int hang;

	if (l->ndone)
		return 0;
	p = buf + l->npos;
	lf = memchr(p, '\n', len - l->npos);
	lend = lf != NULL ? (size_t)(lf - buf) : len;
	seg = lend - l->npos;
	if (l->summary) {
		/* one row: the renderer shortens it to the room */
		r->note = p;
		r->note_len = seg;
		r->note_x = l->note_x;
		r->note_clip = 1;
		l->ndone = 1;
		return 1;
	}
	if (l->nstart) {
		/* Wrapped rows hang under the text of their line, past its
		 * own indent, while the pane is wide enough for that. */
		l->nhang = (int)strspn(p, " ") + SCROLLBACK_NOTE_HANG;
		if (l->nw - l->nhang < 20)
			l->nhang = 0;
	}
	hang = l->nstart ? 0 : l->nhang;
	n = scrollback_wrap(p, seg, l->nw - hang, 1, &next);
	r->note = p;
	r->note_len = n;
	r->note_x = l->note_x + hang;
	l->npos += next;
	l->nstart = 0;
	if (l->npos >= lend) {
		if (lend >= len)
			l->ndone = 1;
		else {
			l->npos = lend + 1;
			l->nstart = 1;
		}
	}
	return 1;
}

static int
sb_lay_next(struct sb_lay *l, struct scrollback_row *r)
{
	int any;

	memset(r, 0, sizeof *r);
	r->kind = l->e->kind;
	r->code = l->e->code;
	r->sep_x = l->sep_x;
	if (l->sep_x >= 0) {
		/* Side by side: both panes advance together. */
		any = sb_lay_left(l, r);
		any |= sb_lay_note(l, r);
		return any;
	}
	if (sb_lay_left(l, r))
		return 1;
	return sb_lay_note(l, r);
}

int
scrollback_height(struct scrollback *sb, uint64_t n)
{
	struct sb_entry *e;
	struct sb_lay l;
	struct scrollback_row r;
	int h;

	if (n < sb->first || n >= sb->end)
		return 0;
	e = sb_get(sb, n);
	if (e->gen == sb->gen)
		return e->height;
	sb_lay_init(sb, &l, e);
	for (h = 0; sb_lay_next(&l, &r); h++)
		;
	e->gen = sb->gen;
	e->height = h > 0 ? h : 1;
	return e->height;
}

int
scrollback_layout(struct scrollback *sb, uint64_t n, int skip, int max,
    int (*fn)(void *, const struct scrollback_row *), void *arg)
{
	struct sb_lay l;
	struct scrollback_row r;
	int i, done;

	if (n < sb->first || n >= sb->end)
		return 0;
	sb_lay_init(sb, &l, sb_get(sb, n));
	done = 0;
	for (i = 0; done < max && sb_lay_next(&l, &r); i++) {
		if (i < skip)
			continue;
		done++;
		if (fn(arg, &r) != 0)
			break;
	}
	return done;
}

enum scrollback_kind
scrollback_kind(const struct scrollback *sb, uint64_t n)
{
	if (n < sb->first || n >= sb->end)
		return SCROLLBACK_KIND_COUNT;
	return sb_get(sb, n)->kind;
}

int
scrollback_note_layout(struct scrollback *sb, uint64_t n, int width,
    int skip, int max, int (*fn)(void *, const struct scrollback_row *),
    void *arg)
{
	struct sb_lay		 l;
	struct scrollback_row	 r;
	const struct sb_entry	*e;
	int			 i, done;

	if (n < sb->first || n >= sb->end || (e = sb_get(sb, n))->note == NULL)
		return 0;
	memset(&l, 0, sizeof l);
	l.e = e;
	l.nstart = 1;
	l.nw = width > 0 ? width : 1;
	for (i = 0, done = 0; done < max; i++) {
		memset(&r, 0, sizeof r);
		r.kind = e->kind;
		r.code = e->code;
		r.sep_x = -1;
		if (!sb_lay_note(&l, &r))
			break;
		if (i < skip)
			continue;
		done++;
		if (fn != NULL && fn(arg, &r) != 0)
			break;
	}
	return done;
}

/* ---- scrolling ------------------------------------------------------------ */

void
scrollback_view_init(struct scrollback_view *v)
{
	v->bottom = 0;
	v->skip = 0;
	v->follow = 1;
}

/* Make v point at an entry that exists. */
static void
sb_view_fix(struct scrollback *sb, struct scrollback_view *v)
{
	int h;

	if (v->follow || v->bottom >= sb->end) {
		v->bottom = sb->end - 1;
		v->skip = 0;
	}
	if (v->bottom < sb->first) {
		v->bottom = sb->first;
		v->skip = 0;
	}
	h = scrollback_height(sb, v->bottom);
	if (v->skip >= h)
		v->skip = h - 1;
	if (v->skip < 0)
		v->skip = 0;
}

static void
sb_scroll_down(struct scrollback *sb, struct scrollback_view *v, int rows)
{
	v->skip -= rows;
	while (v->skip < 0) {
		if (v->bottom + 1 >= sb->end) {
			v->skip = 0;
			break;
		}
		v->bottom++;
		v->skip += scrollback_height(sb, v->bottom);
	}
	if (v->bottom + 1 >= sb->end && v->skip == 0)
		v->follow = 1;
}

void
scrollback_scroll(struct scrollback *sb, struct scrollback_view *v,
    int rows, int screen_rows)
{
	uint64_t n;
	int have, h;

	if (sb->end == sb->first || rows == 0)
		return;
	sb_view_fix(sb, v);
	v->follow = 0;
	if (rows < 0) {
		sb_scroll_down(sb, v, -rows);
		return;
	}
	v->skip += rows;
	while (v->skip >= (h = scrollback_height(sb, v->bottom)) &&
	    v->bottom > sb->first) {
		v->skip -= h;
		v->bottom--;
	}
	if (v->skip >= h)
		v->skip = h - 1;
	/* Do not leave blank rows above the oldest entry: count the rows
	 * from the oldest to the bottom of the screen, at most a screen. */
	have = scrollback_height(sb, v->bottom) - v->skip;
	for (n = v->bottom; have < screen_rows && n > sb->first;)
		have += scrollback_height(sb, --n);
	if (have < screen_rows)
		sb_scroll_down(sb, v, screen_rows - have);
}

int
scrollback_top(struct scrollback *sb, struct scrollback_view *v,
    int screen_rows, uint64_t *top, int *top_skip)
{
	uint64_t n;
	int rows;

	*top = sb->first;
	*top_skip = 0;
	if (sb->end == sb->first || screen_rows <= 0)
		return 0;
	sb_view_fix(sb, v);
	n = v->bottom;
	rows = scrollback_height(sb, n) - v->skip;
	while (rows < screen_rows && n > sb->first)
		rows += scrollback_height(sb, --n);
	if (rows >= screen_rows) {
		*top = n;
		*top_skip = rows - screen_rows;
		return screen_rows;
	}
	/* Short history: start at the oldest entry and fill downwards. */
	rows += v->skip;
	for (n = v->bottom + 1; rows < screen_rows && n < sb->end; n++)
		rows += scrollback_height(sb, n);
	return rows < screen_rows ? rows : screen_rows;
}
