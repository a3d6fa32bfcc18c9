#!/bin/sh
# bench/tui.sh -- cost per line of the split view's append+render path at
# 1 000 and 100 000 lines, and their ratio (the goal is <= 1.2: appending
# and redrawing cost O(screen), not O(history)).
#
# usage: bench/tui.sh [BUILDDIR]      (default: the current directory)
#
# Builds bench/tui_bench there (make bench/tui_bench) and runs it on a
# 140x40 terminal whose output goes to /dev/null (TERM=xterm).  Times are
# CPU time of the process; the 1 000-line figure is the best of 20 runs,
# the 100 000-line one the best of 2.  Set BENCH_CALLGRIND=1 to count
# instructions with valgrind instead (slow, but noise-free).
set -eu
builddir=${1:-.}
make -C "$builddir" -s bench/tui_bench >/dev/null
bench=$builddir/bench/tui_bench
export TERM=xterm

if [ "${BENCH_CALLGRIND:-0}" = 1 ]; then
	count() {
		out=$(mktemp)
		valgrind --tool=callgrind --callgrind-out-file="$out" \
		    "$bench" "$1" >/dev/null 2>&1
		ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out")
		rm -f "$out"
		echo "$1 $((ir / $1))"
	}
	small=$(count 1000)
	large=$(count 100000)
	unit="instructions"
else
	small=$("$bench" 1000 20)
	large=$("$bench" 100000 2)
	unit="ns"
fi
echo "$small $large" | awk -v unit="$unit" '{
	printf "split view, append + redraw of a 140x40 screen per line\n"
	printf "  %7d lines: %10.0f %s per line\n", $1, $2, unit
	printf "  %7d lines: %10.0f %s per line\n", $3, $4, unit
	r = $4 / $2
	printf "  ratio %d/%d: %.2f (goal <= 1.2) %s\n", $3, $1, r, r <= 1.2 ? "ok" : "OVER"
	exit r <= 1.2 ? 0 : 1
}'
