#!/bin/sh
# IPv6: an address literal in brackets with a port, -6, and -4 refusing an
# IPv6 literal with one line.  Skipped where the machine has no ::1.
. "$TOP_SRCDIR/tests/lib/common.sh"

"$PYTHON" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
	{ echo "SKIP: no IPv6 loopback (::1) on this machine"; exit 77; }
[ -x "$SMTP_SINK" ] || { echo "SKIP: smtp-sink not installed (Debian package postfix)"; exit 77; }

port=$("$PYTHON" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0)); print(s.getsockname()[1])')
user=""
[ "$(id -u)" = 0 ] && user="-u nobody"
# shellcheck disable=SC2086
"$SMTP_SINK" -6 $user "[::1]:$port" 10 >"$T/sink.out" 2>&1 &
bg_register $!
i=0
until "$PYTHON" -c 'import socket,sys; socket.create_connection(("::1",int(sys.argv[1])),0.2).close()' "$port" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { LAST_OUT=$T/sink.out; fail "smtp-sink on [::1] did not start"; }
	sleep 0.1
done

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
