# bench/lib.sh -- what the benchmarks beside their peers share (sourced by
# bench/replay.sh and bench/starttls.sh):
#
#   bench_pin "$@"     run the script again on one CPU (taskset), as
#                      bench/replay.sh explains; BENCH_CPU picks the CPU
#                      (default the last; "all": not pinned)
#   bench_setup "$@"   $here (bench/), SMTPSCOPE (the first argument, else
#                      $SMTPSCOPE, else ./smtpscope; it must run),
#                      TOP_SRCDIR, and tests/lib/common.sh: $T, $PYTHON,
#                      fail, assert_grep, start_sink ... (every server is
#                      stopped at exit)
#   bench_where        the lines saying where it ran: the CPU and the load

bench_pin() {
	if [ "${BENCH_CPU:-}" != all ] && [ -z "${BENCH_PINNED:-}" ] &&
	    command -v taskset >/dev/null 2>&1; then
		BENCH_PINNED=${BENCH_CPU:-$(($(nproc) - 1))}
		export BENCH_PINNED
		exec taskset -c "$BENCH_PINNED" sh "$0" "$@"
	fi
}

bench_setup() {
	here=$(cd "$(dirname "$0")" && pwd)
	SMTPSCOPE=${1:-${SMTPSCOPE:-./smtpscope}}
	TOP_SRCDIR=$(dirname "$here")
	export SMTPSCOPE TOP_SRCDIR
	[ -x "$SMTPSCOPE" ] ||
	    { echo "bench: no smtpscope binary at $SMTPSCOPE" >&2; exit 2; }
	. "$TOP_SRCDIR/tests/lib/common.sh"
}

bench_where() {
	_load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
	if [ -n "${BENCH_PINNED:-}" ]; then
		echo "everything on CPU $BENCH_PINNED; load average at start: $_load"
		return
	fi
	echo "not pinned to a CPU; load average at start: $_load"
	if awk -v l="$_load" -v n="$(nproc 2>/dev/null || echo 1)" \
	    'BEGIN { exit !(l > n / 4) }'; then
		echo "warning: the machine is busy: the wall times say more" \
		    "about the load than about the programs"
	fi
}
