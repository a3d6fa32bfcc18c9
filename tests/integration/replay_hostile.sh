#!/bin/sh
# Replay of hostile input: a session file whose text would drive the
# terminal is quoted escaped in every report (errors, TAP), and a server
# that trickles a reply without ever ending it times out with one line.
. "$TOP_SRCDIR/tests/lib/common.sh"

no_raw_esc() {
	if LC_ALL=C grep -q "$(printf '\033')" "$@"; then
		LAST_OUT=$1
		fail "a raw ESC reached the output"
	fi
}

# --- malformed files: the error quotes them escaped ----------------------------
printf '# smtpscope session 1\033[2J\nS: 220\n' >"$T/bad1.smtp"
"$SMTPSCOPE" replay "$T/bad1.smtp" 127.0.0.1:1 >"$T/out1" 2>"$T/err1"
rc=$?
LAST_OUT=$T/err1
[ $rc -eq 2 ] || fail "bad version: exit status $rc, expected 2"
no_raw_esc "$T/out1" "$T/err1"
assert_grep 'bad1\.smtp:1: bad version "1\\x1b\[2J"' "$T/err1"

printf '# smtpscope session 1\n# server mx\033]0;x\007.example:25\nS: 220\n' \
    >"$T/bad2.smtp"
"$SMTPSCOPE" replay "$T/bad2.smtp" >"$T/out2" 2>"$T/err2"
rc=$?
LAST_OUT=$T/err2
[ $rc -eq 2 ] || fail "bad server line: exit status $rc, expected 2"
no_raw_esc "$T/out2" "$T/err2"
assert_grep 'bad2\.smtp:2: bad "# server" line' "$T/err2"

printf '# smtpscope session 1\nS: 2\\x1bx\n' >"$T/bad3.smtp"
"$SMTPSCOPE" replay "$T/bad3.smtp" 127.0.0.1:1 >"$T/out3" 2>"$T/err3"
LAST_OUT=$T/err3
no_raw_esc "$T/out3" "$T/err3"
assert_grep 'bad3\.smtp:2: bad reply code "2\\x1bx"' "$T/err3"

# --- the TAP report names the command escaped ------------------------------------
cat >"$T/r" <<'EOT'
220 ok\r\n
---
500 5.5.2 what?\r\n
---
221 bye\r\n
EOT
start_hostile "$T/r"
port=$HOSTILE_PORT
cat >"$T/esc.smtp" <<'EOT'
# smtpscope session 1
S: 220
C: \x1b[2Jnoop
S: 5xx
C: QUIT
S: 221
EOT
"$SMTPSCOPE" replay --tap "$T/esc.smtp" "127.0.0.1:$port" >"$T/out4" 2>"$T/err4"
rc=$?
LAST_OUT=$T/out4
[ $rc -eq 0 ] || fail "TAP run: exit status $rc, expected 0"
no_raw_esc "$T/out4" "$T/err4"
assert_grep '^ok 2 - line 4: 500 after \\x1b\[2JNOOP$' "$T/out4"

# --- a reply trickled byte by byte, never ended: the timeout fires -----------
cat >"$T/trickle.py" <<'PY'
import socket, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
conn.sendall(b"220 ok\r\n")
conn.recv(100)
conn.sendall(b"250-still talking\r\n")
try:
    while True:
        conn.sendall(b".")
        time.sleep(0.2)
except OSError:
    pass
PY
start_server trickle "$PYTHON" "$T/trickle.py"
port=$SERVER_PORT
printf '# smtpscope session 1\nS: 220\nC: EHLO me\nS: 250\n' >"$T/t.smtp"
# (a guard, not a timed assertion: without the timeout this would hang)
guard=
command -v timeout >/dev/null 2>&1 && guard="timeout 120"
$guard "$SMTPSCOPE" replay --timeout 1 "$T/t.smtp" "127.0.0.1:$port" >"$T/out5" 2>"$T/err5"
rc=$?
LAST_OUT=$T/err5
[ $rc -eq 1 ] || fail "trickle: exit status $rc, expected 1"
assert_grep '^smtpscope: replay: no reply from 127\.0\.0\.1:[0-9]+ within 1 s: .*--timeout' "$T/err5"
LAST_OUT=$T/out5
assert_grep 't\.smtp:4: mismatch after "EHLO me": no reply came' "$T/out5"
exit 0
