#!/bin/sh
# IPv6: an address literal in brackets with a port, -6, and -4 refusing an
# IPv6 literal with one line.  Skipped where the machine has no ::1.
. "$TOP_SRCDIR/tests/lib/common.sh"

"$PYTHON" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
	skip "no IPv6 loopback (::1) on this machine"
start_sink -6
port=$SINK_PORT

printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" -6 "[::1]:$port" >"$T/out" 2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ $rc -eq 0 ] || fail "-6 [::1]:$port exits $rc"
assert_grep '^\* connected to \[::1\]:[0-9]+ \(::1\)$' "$T/out"
assert_grep '^S: 221 ' "$T/out"

# -4 with an IPv6 literal: one clear line, exit 3
printf 'QUIT\n' | "$SMTPSCOPE" -4 "[::1]:$port" >"$T/out2" 2>"$T/err2"
rc=$?
[ $rc -eq 3 ] || { LAST_OUT=$T/err2; fail "-4 with [::1] exits $rc, not 3"; }
[ "$(wc -l <"$T/err2")" -eq 1 ] || { LAST_OUT=$T/err2; fail "not one line"; }
assert_grep 'cannot resolve ::1' "$T/err2"
exit 0
