/*
 * tui_bench.c -- cost per line of the split view's append+render path.
 *
 * usage: tui_bench LINES [REPEAT]
 *
 * Feeds LINES entries (a command, then its reply with an annotation,
 * alternately) into a scrollback of the default bound and, after each
 * one, redraws a 140x40 screen exactly as the console does by default
 * (tui_render_conv with a summary beside each reply, tui_render_detail
 * with the newest reply's explanation, then doupdate) on a terminal
 * whose output goes to /dev/null.  Prints "LINES ns-per-line"; with REPEAT > 1 the best of
 * REPEAT runs.  bench/tui.sh runs it at two sizes and prints the ratio.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scrollback.h"
#include "tui_render.h"

#define BENCH_ROWS	40
#define BENCH_COLS	140

static const char *const bench_cmds[] = {
	"EHLO client.example.org\r\n",
	"MAIL FROM:<alice@example.org> SIZE=1024\r\n",
	"RCPT TO:<bob@example.net>\r\n",
	"NOOP\r\n",
};
static const char *const bench_replies[] = {
	"250-practice.smtpscope.test greets client.example.org\r\n"
	    "250-PIPELINING\r\n250-SIZE 10240000\r\n250 SMTPUTF8\r\n",
	"250 2.1.0 Sender <alice@example.org> ok\r\n",
	"550 5.1.1 <bob@example.net>: Recipient address rejected: "
	    "User unknown in virtual mailbox table\r\n",
	"250 2.0.0 Ok\r\n",
};
static const char *const bench_note =
	"250 after MAIL: the sender is accepted and a mail transaction has "
	"begun; the server now expects RCPT TO.\n"
	"2.1.0: other address status (RFC 3463 3.2)\n"
	"next: RCPT TO:<address>, or RSET to start over\n"
	"RFC 5321 4.1.1.2, 3.3";

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double
bench_run(long lines)
{
	struct scrollback *sb;
	struct scrollback_view view;
	struct scrollback_geom g;
	struct scrollback_item it;
	uint64_t reply = UINT64_MAX;
	double t0, t1;
	long i;
	int k, rows, detail;

	if ((sb = scrollback_new(SCROLLBACK_DEFAULT, 1)) == NULL) {
		fputs("tui_bench: out of memory\n", stderr);
		exit(1);
	}
	scrollback_view_init(&view);
	tui_render_geom(&g, COLS, TUI_NOTES_SUMMARY, 0);
	scrollback_set_geom(sb, &g);
	rows = LINES - 2;
	t0 = bench_now();
	for (i = 0; i < lines; i++) {
		k = (int)((i / 2) % 4);
		memset(&it, 0, sizeof it);
		it.when = (time_t)i;
		if (i % 2 == 0) {
			it.kind = SCROLLBACK_CLIENT;
			it.ms = -1;
			it.bytes = bench_cmds[k];
		} else {
			it.kind = SCROLLBACK_SERVER;
			it.ms = 0.25 + k;
			it.code = k == 2 ? 550 : 250;
			it.bytes = bench_replies[k];
			it.note = bench_note;
		}
		it.len = strlen(it.bytes);
		if (scrollback_add(sb, &it) != 0) {
			fputs("tui_bench: out of memory\n", stderr);
			exit(1);
		}
		/* as the console draws by default: a summary beside each
		 * reply, the newest reply's explanation under them */
		if (it.kind == SCROLLBACK_SERVER)
			reply = scrollback_end(sb) - 1;
		detail = tui_render_detail_rows(sb, reply, COLS, rows / 5);
		werase(stdscr);
		tui_render_conv(stdscr, 0, rows - detail, &g, sb, &view, 1,
		    reply, NULL);
		if (detail > 0)
			tui_render_detail(stdscr, rows - detail, detail, COLS,
			    sb, reply, 1, " S: 250 2.1.0 Ok ", " F2 ");
		wnoutrefresh(stdscr);
		doupdate();
	}
	t1 = bench_now();
	scrollback_free(sb);
	return (t1 - t0) / (double)lines;
}

int
main(int argc, char **argv)
{
	SCREEN *scr;
	FILE *out, *in;
	char *end;
	long lines, repeat, r;
	double best, ns;

	if (argc < 2 || (lines = strtol(argv[1], &end, 10)) <= 0 ||
	    *end != '\0') {
		fputs("usage: tui_bench LINES [REPEAT]\n", stderr);
		return 2;
	}
	repeat = 1;
	if (argc > 2 && ((repeat = strtol(argv[2], &end, 10)) <= 0 ||
	    *end != '\0')) {
		fputs("usage: tui_bench LINES [REPEAT]\n", stderr);
		return 2;
	}
	setlocale(LC_ALL, "");
	/* A fixed screen size, whatever terminal runs the benchmark. */
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "140", 1);
	if ((out = fopen("/dev/null", "w")) == NULL ||
	    (in = fopen("/dev/null", "r")) == NULL) {
		perror("tui_bench: /dev/null");
		return 1;
	}
	if ((scr = newterm(getenv("TERM") != NULL ? NULL : "xterm", out,
	    in)) == NULL) {
		fputs("tui_bench: cannot start curses (set TERM=xterm)\n",
		    stderr);
		return 1;
	}
	tui_render_colors(1);
	best = 0;
	for (r = 0; r < repeat; r++) {
		ns = bench_run(lines);
		if (r == 0 || ns < best)
			best = ns;
	}
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	printf("%ld %.0f\n", lines, best);
	return 0;
}
