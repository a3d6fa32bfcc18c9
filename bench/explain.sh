#!/bin/sh
# bench/explain.sh -- wall time of `smtpscope explain 550 5.1.1` as a whole
# process (start-up, lookup, output).  Target: under 5 ms a run.
#
# usage: bench/explain.sh [PATH/TO/smtpscope] [RUNS]
# Uses hyperfine when installed, else a loop timed with date +%s%N.
set -eu
BIN=${1:-./smtpscope}
RUNS=${2:-200}
[ -x "$BIN" ] || { echo "bench/explain.sh: no executable $BIN" >&2; exit 2; }
"$BIN" explain 550 5.1.1 >/dev/null || { echo "bench/explain.sh: explain fails" >&2; exit 1; }

if command -v hyperfine >/dev/null 2>&1; then
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$tmp" \
	    "$BIN explain 550 5.1.1" >/dev/null 2>&1 ||
	    hyperfine --warmup 20 --runs "$RUNS" --export-json "$tmp" \
	    "$BIN explain 550 5.1.1" >/dev/null
	mean=$(sed -n 's/.*"mean": *\([0-9.eE+-]*\).*/\1/p' "$tmp" | head -n 1)
	sd=$(sed -n 's/.*"stddev": *\([0-9.eE+-]*\).*/\1/p' "$tmp" | head -n 1)
	med=$(sed -n 's/.*"median": *\([0-9.eE+-]*\).*/\1/p' "$tmp" | head -n 1)
	min=$(sed -n 's/.*"min": *\([0-9.eE+-]*\).*/\1/p' "$tmp" | head -n 1)
	awk -v m="$mean" -v s="$sd" -v d="$med" -v l="$min" -v n="$RUNS" 'BEGIN {
		printf "explain 550 5.1.1: mean %.2f ms (sd %.2f, median %.2f, min %.2f ms; " \
		    "%d runs, hyperfine)\n", m * 1000, s * 1000, d * 1000, l * 1000, n }'
else
	i=0
	start=$(date +%s%N)
	while [ $i -lt "$RUNS" ]; do
		"$BIN" explain 550 5.1.1 >/dev/null
		i=$((i + 1))
	done
	end=$(date +%s%N)
	awk -v a="$start" -v b="$end" -v n="$RUNS" 'BEGIN {
		printf "explain 550 5.1.1: mean %.2f ms (%d runs, shell loop, includes fork)\n",
		    (b - a) / n / 1e6, n }'
fi
