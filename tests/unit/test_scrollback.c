/*
 * test_scrollback.c -- unit tests of the split view's display model
 * (src/scrollback.c): the bounded ring, wrapping, the side-by-side and
 * stacked layouts, and scrolling.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "scrollback.h"

#define MAXROWS 64

struct rows {
	struct scrollback_row	 r[MAXROWS];
	char			 text[MAXROWS][256];
	char			 note[MAXROWS][256];
	int			 n;
};

static int
collect(void *arg, const struct scrollback_row *r)
{
	struct rows *rs = arg;

	cr_assert_lt(rs->n, MAXROWS);
	rs->r[rs->n] = *r;
	snprintf(rs->text[rs->n], sizeof rs->text[0], "%.*s",
	    (int)r->text_len, r->text != NULL ? r->text : "");
	snprintf(rs->note[rs->n], sizeof rs->note[0], "%.*s",
	    (int)r->note_len, r->note != NULL ? r->note : "");
	rs->n++;
	return 0;
}

static void
add(struct scrollback *sb, enum scrollback_kind kind, const char *bytes,
    const char *note, double ms)
{
	struct scrollback_item it = {
		.kind = kind, .when = 0, .ms = ms, .code = 0,
		.bytes = bytes, .len = strlen(bytes), .note = note,
	};

	cr_assert_eq(scrollback_add(sb, &it), 0);
}

static void
geom(struct scrollback *sb, enum scrollback_mode mode, int width, int left,
    int raw)
{
	struct scrollback_geom g = {
		.mode = mode, .width = width, .left = left, .raw = raw,
	};

	scrollback_set_geom(sb, &g);
}

static void
setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
}

TestSuite(scrollback, .init = setup);

Test(scrollback, ring_is_bounded_and_drops_oldest)
{
	struct scrollback *sb = scrollback_new(3, 1);
	struct rows rs = { .n = 0 };
	char line[32];
	int i;

	cr_assert_not_null(sb);
	cr_assert_eq(scrollback_end(sb), 0);
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof line, "NOOP %d\r\n", i);
		add(sb, SCROLLBACK_CLIENT, line, NULL, -1);
	}
	cr_assert_eq(scrollback_first(sb), 2);
	cr_assert_eq(scrollback_end(sb), 5);
	cr_assert_eq(scrollback_height(sb, 1), 0, "dropped entry has no rows");
	geom(sb, SCROLLBACK_LEFT_ONLY, 80, 80, 0);
	cr_assert_eq(scrollback_layout(sb, 2, 0, 10, collect, &rs), 1);
	cr_assert_str_eq(rs.text[0], "NOOP 2");
	cr_assert_str_eq(rs.r[0].mark, "C:");
	scrollback_free(sb);
}

/* Memory is bounded too: the oldest entries go when the text held passes
 * the byte limit, whatever the entry count; the newest always stays. */
Test(scrollback, byte_limit_drops_oldest)
{
	struct scrollback *sb = scrollback_new(1000, 1);
	char note[1001];
	int i;

	memset(note, 'n', sizeof note - 1);
	note[sizeof note - 1] = '\0';
	scrollback_set_byte_limit_for_test(sb, 10 * 1024);
	for (i = 0; i < 100; i++)
		add(sb, SCROLLBACK_SERVER, "250 ok\r\n", note, 1);
	cr_assert_leq(scrollback_bytes_for_test(sb), 10 * 1024);
	cr_assert_gt(scrollback_bytes_for_test(sb), 8 * 1024);
	cr_assert_eq(scrollback_end(sb), 100);
	cr_assert_geq(scrollback_first(sb), 88, "first %llu",
	    (unsigned long long)scrollback_first(sb));
	/* an entry larger than the limit is still kept, alone */
	scrollback_set_byte_limit_for_test(sb, 100);
	add(sb, SCROLLBACK_SERVER, "250 ok\r\n", note, 1);
	cr_assert_eq(scrollback_end(sb) - scrollback_first(sb), 1);
	scrollback_free(sb);
}

Test(scrollback, default_bound)
{
	struct scrollback *sb = scrollback_new(0, 1);
	int i;

	for (i = 0; i < SCROLLBACK_DEFAULT + 10; i++)
		add(sb, SCROLLBACK_INFO, "x", NULL, -1);
	cr_assert_eq(scrollback_end(sb) - scrollback_first(sb),
	    SCROLLBACK_DEFAULT);
	scrollback_free(sb);
}

Test(scrollback, wrap_words_and_hard)
{
	size_t next, n;
	const char *s = "hello world again";

	n = scrollback_wrap(s, strlen(s), 11, 1, &next);
	cr_assert_eq(n, 11);
	cr_assert_eq(next, 12, "the space at the break is consumed");
	n = scrollback_wrap(s, strlen(s), 8, 1, &next);
	cr_assert_eq(n, 5, "breaks at the last space that fits");
	cr_assert_eq(next, 6);
	n = scrollback_wrap(s, strlen(s), 8, 0, &next);
	cr_assert_eq(n, 8, "hard wrap cuts at the width");
	cr_assert_eq(next, 8);
	n = scrollback_wrap("abcdefghij", 10, 4, 1, &next);
	cr_assert_eq(n, 4, "a word longer than the width is cut");
	n = scrollback_wrap(s, strlen(s), 80, 1, &next);
	cr_assert_eq(n, strlen(s));
	cr_assert_eq(next, strlen(s));
}

Test(scrollback, wrap_counts_display_columns)
{
	/* "日本語" is three characters of two columns each (9 bytes). */
	const char *s = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
	size_t next, n;

	cr_assert_eq(scrollback_cols(s, strlen(s)), 6);
	n = scrollback_wrap(s, strlen(s), 5, 0, &next);
	cr_assert_eq(n, 6, "two wide characters fit in 5 columns, not three");
	cr_assert_eq(scrollback_cols("caf\xc3\xa9", 5), 4);
	n = scrollback_wrap(s, strlen(s), 1, 0, &next);
	cr_assert_eq(n, 3, "always makes progress");
}

Test(scrollback, reply_lines_get_markers_and_latency)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };

	add(sb, SCROLLBACK_SERVER, "250-mx.example\r\n250 PIPELINING\r\n",
	    NULL, 12.34);
	geom(sb, SCROLLBACK_LEFT_ONLY, 80, 80, 0);
	cr_assert_eq(scrollback_height(sb, 0), 2);
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_eq(rs.n, 2);
	cr_assert_str_eq(rs.text[0], "250-mx.example");
	cr_assert_str_eq(rs.text[1], "250 PIPELINING");
	cr_assert_str_eq(rs.r[0].mark, "S:");
	cr_assert_str_eq(rs.r[1].mark, "S:");
	cr_assert_not_null(rs.r[0].time);
	cr_assert_eq(strlen(rs.r[0].time), 8, "HH:MM:SS");
	cr_assert_null(rs.r[1].time, "time only on the entry's first row");
	cr_assert_str_eq(rs.r[0].latency, "12.3 ms");
	cr_assert_eq(rs.r[0].latency_x + (int)strlen("12.3 ms"), 79);
	cr_assert_eq(rs.r[0].text_x,
	    SCROLLBACK_TIME_COLS + SCROLLBACK_MARK_COLS);
	scrollback_free(sb);
}

Test(scrollback, latency_gets_own_row_when_line_is_full)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };

	/* 40 columns: 12 of gutter, 28 of text; the line fills them. */
	add(sb, SCROLLBACK_SERVER, "250 aaaaaaaaaaaaaaaaaaaaaaaa\r\n", NULL, 5);
	geom(sb, SCROLLBACK_LEFT_ONLY, 40, 40, 0);
	cr_assert_eq(scrollback_height(sb, 0), 2);
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_null(rs.r[0].latency);
	cr_assert_str_eq(rs.r[1].latency, "5.0 ms");
	scrollback_free(sb);
}

Test(scrollback, side_by_side_note_wraps_and_keeps_alignment)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };
	int i;

	add(sb, SCROLLBACK_CLIENT, "MAIL FROM:<a@example.org>\r\n", NULL, -1);
	add(sb, SCROLLBACK_SERVER, "250 2.1.0 Ok\r\n",
	    "250 after MAIL: sender accepted, the transaction has begun\n"
	    "2.1.0: other address status, ok\nRFC 5321 4.1.1.2", 1);
	add(sb, SCROLLBACK_CLIENT, "RCPT TO:<b@example.org>\r\n", NULL, -1);
	/* 100 columns: left pane 60, separator, right pane 38. */
	geom(sb, SCROLLBACK_SIDE, 100, 60, 0);
	cr_assert_eq(scrollback_height(sb, 0), 1);
	scrollback_layout(sb, 1, 0, 20, collect, &rs);
	cr_assert_gt(rs.n, 3, "the long annotation wraps (%d rows)", rs.n);
	cr_assert_eq(scrollback_height(sb, 1), rs.n,
	    "height is the taller side");
	cr_assert_str_eq(rs.text[0], "250 2.1.0 Ok");
	cr_assert_str_eq(rs.note[0], "250 after MAIL: sender accepted, the");
	cr_assert_str_eq(rs.r[0].mark, "S:");
	cr_assert_eq(rs.r[0].note_x, 62);
	cr_assert_eq(rs.r[1].note_x, 62 + SCROLLBACK_NOTE_HANG,
	    "a wrapped row hangs under its line");
	for (i = 0; i < rs.n; i++) {
		cr_assert_eq(rs.r[i].sep_x, 60);
		cr_assert_not_null(rs.r[i].note);
		cr_assert_leq(rs.r[i].note_x +
		    scrollback_cols(rs.r[i].note, rs.r[i].note_len), 100,
		    "row %d stays in the pane", i);
		if (i > 0)
			cr_assert_eq(rs.r[i].text_len, 0,
			    "left side is empty under a one-line reply");
	}
	cr_assert_str_eq(rs.note[rs.n - 1], "RFC 5321 4.1.1.2");
	cr_assert_eq(rs.r[rs.n - 1].note_x, 62, "a new line starts flush");
	/* The annotation is not shown when the right pane is off. */
	geom(sb, SCROLLBACK_LEFT_ONLY, 100, 100, 0);
	cr_assert_eq(scrollback_height(sb, 1), 1);
	scrollback_free(sb);
}

/* Help and the output of local commands have no annotation: side by
 * side they use the whole width, wrapped once. */
Test(scrollback, messages_span_both_panes)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };
	char text[200];

	memset(text, 'h', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	memcpy(text + 80, " ", 1);
	add(sb, SCROLLBACK_HELP, text, NULL, -1);
	geom(sb, SCROLLBACK_SIDE, 100, 60, 0);
	scrollback_layout(sb, 0, 0, 20, collect, &rs);
	cr_assert_eq(rs.r[0].sep_x, -1, "no separator across a message");
	cr_assert_eq(strlen(rs.text[0]), 80, "%s", rs.text[0]);
	cr_assert_eq(strlen(rs.text[1]), 100 - 12, "the whole width");
	cr_assert_eq(rs.n, 3);
	scrollback_free(sb);
}

/* Summaries: one row beside each reply (stacked: under it), the whole
 * first line handed over to be shortened where it is drawn. */
Test(scrollback, summary_is_one_row)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };
	struct scrollback_geom g = {
		.mode = SCROLLBACK_SIDE, .width = 100, .left = 60,
		.notes = SCROLLBACK_NOTES_SUMMARY,
	};
	const char *note = "250 after NOOP: nothing done; the connection is "
	    "alive, and this summary is far longer than the pane\n"
	    "code: 250\nnext: go on";

	add(sb, SCROLLBACK_CLIENT, "NOOP\r\n", NULL, -1);
	add(sb, SCROLLBACK_SERVER, "250 2.0.0 OK\r\n", note, 1);
	scrollback_set_geom(sb, &g);
	cr_assert_eq(scrollback_height(sb, 1), 1, "a reply, a row");
	scrollback_layout(sb, 1, 0, 10, collect, &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_eq(rs.r[0].note_clip, 1);
	cr_assert_eq(rs.r[0].note_x, 62);
	cr_assert_eq(rs.r[0].note_len, strcspn(note, "\n"),
	    "the whole first line, to be shortened where drawn");
	g.mode = SCROLLBACK_STACKED;
	scrollback_set_geom(sb, &g);
	cr_assert_eq(scrollback_height(sb, 1), 2, "the reply, its summary");
	/* the whole note alone, wrapped to a width */
	cr_assert_eq(scrollback_note_layout(sb, 1, 200, 0, 100, NULL, NULL), 3);
	cr_assert_gt(scrollback_note_layout(sb, 1, 40, 0, 100, NULL, NULL), 3,
	    "wrapped");
	cr_assert_eq(scrollback_note_layout(sb, 1, 200, 1, 100, NULL, NULL), 2,
	    "from the second row");
	cr_assert_eq(scrollback_note_layout(sb, 0, 200, 0, 100, NULL, NULL), 0,
	    "a command has none");
	cr_assert_eq(scrollback_kind(sb, 1), SCROLLBACK_SERVER);
	cr_assert_eq(scrollback_kind(sb, 2), SCROLLBACK_KIND_COUNT);
	scrollback_free(sb);
}

Test(scrollback, stacked_puts_note_under_reply)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };

	add(sb, SCROLLBACK_SERVER, "250-one\r\n250 two\r\n",
	    "meaning\nnext step", 1);
	geom(sb, SCROLLBACK_STACKED, 90, 0, 0);
	cr_assert_eq(scrollback_height(sb, 0), 4);
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_str_eq(rs.text[0], "250-one");
	cr_assert_str_eq(rs.text[1], "250 two");
	cr_assert_null(rs.r[2].text);
	cr_assert_str_eq(rs.note[2], "meaning");
	cr_assert_str_eq(rs.note[3], "next step");
	cr_assert_gt(rs.r[2].note_x, rs.r[0].text_x, "indented");
	cr_assert_eq(rs.r[2].sep_x, -1);
	scrollback_free(sb);
}

Test(scrollback, layout_skip_and_max)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };

	add(sb, SCROLLBACK_SERVER, "250-a\r\n250-b\r\n250-c\r\n250 d\r\n",
	    NULL, -1);
	geom(sb, SCROLLBACK_LEFT_ONLY, 80, 80, 0);
	cr_assert_eq(scrollback_layout(sb, 0, 1, 2, collect, &rs), 2);
	cr_assert_str_eq(rs.text[0], "250-b");
	cr_assert_str_eq(rs.text[1], "250-c");
	scrollback_free(sb);
}

Test(scrollback, server_bytes_are_sanitized)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };
	int i;

	add(sb, SCROLLBACK_SERVER,
	    "220 evil \x1b[2J\x1b]0;pwned\x07 ESMTP\r\n", NULL, -1);
	geom(sb, SCROLLBACK_LEFT_ONLY, 200, 200, 0);
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_eq(rs.n, 1);
	cr_assert_not_null(strstr(rs.text[0], "\\x1b[2J"), "got %s",
	    rs.text[0]);
	for (i = 0; rs.text[0][i] != '\0'; i++)
		cr_assert_geq((unsigned char)rs.text[0][i], 0x20,
		    "no control byte may reach the screen");
	scrollback_free(sb);
}

/*
 * A diagnostic quotes the command line sanitized already, with its caret
 * under the bad octet: escaping it again doubled every backslash and
 * moved the caret.  Control bytes in messages and notes (a warning that
 * quotes advertised AUTH mechanisms) must still never reach the screen.
 */
Test(scrollback, own_text_is_escaped_once)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };

	add(sb, SCROLLBACK_WARNING,
	    "RCPT TO:<\"a\\\\\"b\"@c..d>\n                   ^\n"
	    "mechs PLAIN \x1b]0;pwned\x07", "note \\ \x1b[2J", -1);
	add(sb, SCROLLBACK_SERVER, "250 a\\b\r\n", "n", -1);
	geom(sb, SCROLLBACK_STACKED, 80, 80, 0);
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_eq(rs.n, 4);
	cr_assert_str_eq(rs.text[0], "RCPT TO:<\"a\\\\\"b\"@c..d>");
	cr_assert_eq(rs.text[0][19], '.', "the caret points at the second dot");
	cr_assert_str_eq(rs.text[1], "                   ^");
	cr_assert_str_eq(rs.text[2], "mechs PLAIN \\x1b]0;pwned\\x07");
	cr_assert_str_eq(rs.note[3], "note \\ \\x1b[2J");
	scrollback_layout(sb, 1, 0, 10, collect, &rs);
	cr_assert_str_eq(rs.text[4], "250 a\\\\b",
	    "wire bytes keep the unambiguous escaping");
	scrollback_free(sb);

}

Test(scrollback, raw_view_shows_line_endings)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };

	add(sb, SCROLLBACK_SERVER, "250-a\r\n250 b\n", NULL, -1);
	add(sb, SCROLLBACK_INFO, "note\n", NULL, -1);
	geom(sb, SCROLLBACK_LEFT_ONLY, 80, 80, 1);
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_eq(rs.n, 2);
	cr_assert_str_eq(rs.text[0], "250-a\\r\\n");
	cr_assert_str_eq(rs.text[1], "250 b\\n", "a bare LF is visible");
	scrollback_layout(sb, 1, 0, 10, collect, &rs);
	cr_assert_str_eq(rs.text[2], "note", "messages have no raw form");
	geom(sb, SCROLLBACK_LEFT_ONLY, 80, 80, 0);
	rs.n = 0;
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_str_eq(rs.text[0], "250-a");
	scrollback_free(sb);
}

Test(scrollback, tabs_become_spaces)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };

	add(sb, SCROLLBACK_SERVER, "250 a\tb\r\n", NULL, -1);
	geom(sb, SCROLLBACK_LEFT_ONLY, 80, 80, 0);
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_str_eq(rs.text[0], "250 a b");
	scrollback_free(sb);
}

static struct scrollback *
numbered(int count)
{
	struct scrollback *sb = scrollback_new(1000, 1);
	char line[32];
	int i;

	for (i = 0; i < count; i++) {
		snprintf(line, sizeof line, "NOOP %d\r\n", i);
		add(sb, SCROLLBACK_CLIENT, line, NULL, -1);
	}
	geom(sb, SCROLLBACK_LEFT_ONLY, 80, 80, 0);
	return sb;
}

Test(scrollback, view_follows_newest)
{
	struct scrollback *sb = numbered(100);
	struct scrollback_view v;
	uint64_t top;
	int skip;

	scrollback_view_init(&v);
	cr_assert_eq(scrollback_top(sb, &v, 10, &top, &skip), 10);
	cr_assert_eq(top, 90);
	cr_assert_eq(skip, 0);
	add(sb, SCROLLBACK_CLIENT, "QUIT\r\n", NULL, -1);
	scrollback_top(sb, &v, 10, &top, &skip);
	cr_assert_eq(top, 91, "the view moves with an append");
	scrollback_free(sb);
}

Test(scrollback, scrolled_view_stays_put)
{
	struct scrollback *sb = numbered(100);
	struct scrollback_view v;
	uint64_t top;
	int skip;

	scrollback_view_init(&v);
	scrollback_scroll(sb, &v, 5, 10);
	cr_assert_eq(v.follow, 0);
	scrollback_top(sb, &v, 10, &top, &skip);
	cr_assert_eq(top, 85);
	add(sb, SCROLLBACK_CLIENT, "QUIT\r\n", NULL, -1);
	scrollback_top(sb, &v, 10, &top, &skip);
	cr_assert_eq(top, 85, "reading older lines is not disturbed");
	scrollback_scroll(sb, &v, 1000, 10);
	scrollback_top(sb, &v, 10, &top, &skip);
	cr_assert_eq(top, 0, "stops at the oldest entry");
	cr_assert_eq(skip, 0);
	cr_assert_eq(v.bottom, 9, "no blank rows above the oldest");
	scrollback_scroll(sb, &v, -3, 10);
	scrollback_top(sb, &v, 10, &top, &skip);
	cr_assert_eq(top, 3);
	scrollback_scroll(sb, &v, -1000, 10);
	cr_assert_eq(v.follow, 1, "back at the bottom: following again");
	scrollback_top(sb, &v, 10, &top, &skip);
	cr_assert_eq(top, 91);
	scrollback_free(sb);
}

Test(scrollback, scroll_inside_a_tall_entry)
{
	struct scrollback *sb = numbered(20);
	struct scrollback_view v;
	uint64_t top;
	int skip;

	add(sb, SCROLLBACK_SERVER,
	    "250-1\r\n250-2\r\n250-3\r\n250-4\r\n250 5\r\n", NULL, -1);
	scrollback_view_init(&v);
	scrollback_top(sb, &v, 3, &top, &skip);
	cr_assert_eq(top, 20);
	cr_assert_eq(skip, 2, "only the last 3 of 5 rows show");
	scrollback_scroll(sb, &v, 1, 3);
	cr_assert_eq(v.bottom, 20);
	cr_assert_eq(v.skip, 1);
	scrollback_top(sb, &v, 3, &top, &skip);
	cr_assert_eq(top, 20);
	cr_assert_eq(skip, 1);
	scrollback_scroll(sb, &v, 4, 3);
	scrollback_top(sb, &v, 3, &top, &skip);
	cr_assert_eq(top, 17, "entries 17, 18, 19 show");
	cr_assert_eq(skip, 0);
	scrollback_free(sb);
}

Test(scrollback, short_history_fills_from_top)
{
	struct scrollback *sb = numbered(4);
	struct scrollback_view v;
	uint64_t top;
	int skip;

	scrollback_view_init(&v);
	cr_assert_eq(scrollback_top(sb, &v, 10, &top, &skip), 4);
	cr_assert_eq(top, 0);
	scrollback_scroll(sb, &v, 5, 10);
	cr_assert_eq(v.follow, 1, "nothing to scroll");
	cr_assert_eq(scrollback_top(sb, &v, 10, &top, &skip), 4);
	cr_assert_eq(top, 0);
	scrollback_free(sb);
}

Test(scrollback, geometry_change_reflows)
{
	struct scrollback *sb = scrollback_new(10, 1);

	add(sb, SCROLLBACK_SERVER, "250 abcdefghijklmnopqrstuvwxyz\r\n", NULL,
	    -1);
	geom(sb, SCROLLBACK_LEFT_ONLY, 80, 80, 0);
	cr_assert_eq(scrollback_height(sb, 0), 1);
	geom(sb, SCROLLBACK_LEFT_ONLY, 20, 20, 0);
	/* 20 columns: no time column, 3 for the marker, 17 of text. */
	cr_assert_eq(scrollback_height(sb, 0), 2);
	scrollback_free(sb);
}

Test(scrollback, indented_note_lines_hang_deeper)
{
	struct scrollback *sb = scrollback_new(10, 1);
	struct rows rs = { .n = 0 };

	add(sb, SCROLLBACK_SERVER, "250 ok\r\n",
	    "  PIPELINING: commands may be sent in groups without waiting", 1);
	geom(sb, SCROLLBACK_SIDE, 100, 60, 0);
	scrollback_layout(sb, 0, 0, 10, collect, &rs);
	cr_assert_eq(rs.n, 2);
	cr_assert_eq(rs.r[0].note_x, 62);
	cr_assert_eq(rs.r[1].note_x, 62 + 2 + SCROLLBACK_NOTE_HANG);
	scrollback_free(sb);
}
