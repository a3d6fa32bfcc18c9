#!/bin/sh
# Every session in examples/ replays green against the practice server.
. "$TOP_SRCDIR/tests/lib/common.sh"
start_practice
n=0
for f in "$TOP_SRCDIR"/examples/*.smtp; do
	LAST_OUT=$T/out
	"$SMTPSCOPE" replay "$f" "127.0.0.1:$PRACTICE_PORT" >"$T/out" 2>&1 ||
		fail "$(basename "$f") did not replay green"
	assert_grep ' 0 mismatches$' "$T/out"
	# Each file says what it teaches, right after the version line.
	sed -n 2p "$f" | grep -q '^# ..*' || fail "$(basename "$f"): no comment on line 2"
	n=$((n + 1))
done
[ "$n" -ge 8 ] || fail "only $n example sessions"
# The same with --strict off but TAP on: every expectation is one test.
"$SMTPSCOPE" replay --tap "$TOP_SRCDIR/examples/02-pipelined-send.smtp" \
    "127.0.0.1:$PRACTICE_PORT" >"$T/tap" 2>&1 || { LAST_OUT=$T/tap; fail "tap run"; }
assert_grep '^1\.\.7$' "$T/tap"
assert_no_grep '^not ok' "$T/tap"
