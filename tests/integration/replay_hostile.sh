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

# --- raw control bytes and invalid UTF-8 in C:, D: lines: refused, with the
# line and the column, before anything is sent (the grammar wants them
# escaped; raw, they were sent as they are) ------------------------------------
printf '# smtpscope session 1\nS: 220\nC: NOOP \033]0;x\007\nS: 250\n' \
    >"$T/raw1.smtp"
"$SMTPSCOPE" replay "$T/raw1.smtp" 127.0.0.1:1 >"$T/out7" 2>"$T/err7"
rc=$?
LAST_OUT=$T/err7
[ $rc -eq 2 ] || fail "raw ESC in a C: line: exit status $rc, expected 2"
no_raw_esc "$T/out7" "$T/err7"
assert_grep 'raw1\.smtp:3: a raw control byte \(0x1b\) at column 9' "$T/err7"
printf '# smtpscope session 1\nS: 220\nC: DATA\nS: 354\nD: caf\351\nD: .\n' \
    >"$T/raw2.smtp"
"$SMTPSCOPE" replay "$T/raw2.smtp" 127.0.0.1:1 >"$T/out7" 2>"$T/err7"
rc=$?
[ $rc -eq 2 ] || fail "invalid UTF-8 in a D: line: exit status $rc, expected 2"
assert_grep 'raw2\.smtp:5: invalid UTF-8 \(0xe9\) at column 7' "$T/err7"

# --- a file with no line end in its first 64 KiB: refused at once with exit
# 2, whatever kind of file (replay /dev/zero used to spin for ever) ----------
guard=
command -v timeout >/dev/null 2>&1 && guard="timeout 120"
$guard "$SMTPSCOPE" replay /dev/zero 127.0.0.1:1 >"$T/out8" 2>"$T/err8"
rc=$?
LAST_OUT=$T/err8
[ $rc -eq 2 ] || fail "/dev/zero: exit status $rc, expected 2"
assert_grep '^/dev/zero:1: no line end within 65536 octets' "$T/err8"
mkfifo "$T/fifo"
head -c 1000000 /dev/zero >"$T/fifo" 2>/dev/null &
bg_register $!
$guard "$SMTPSCOPE" replay "$T/fifo" 127.0.0.1:1 >"$T/out8" 2>"$T/err8"
rc=$?
[ $rc -eq 2 ] || fail "a FIFO without line ends: exit status $rc, expected 2"
assert_grep 'fifo:1: no line end within 65536 octets' "$T/err8"
# a valid file through a pipe: it cannot be read twice, said before
# anything is sent.  A FIFO of its own: the writer of zeros above may
# not have gone yet, and would write into this reader too.
mkfifo "$T/fifo2"
cat "$TOP_SRCDIR/examples/01-plain-send.smtp" >"$T/fifo2" &
bg_register $!
$guard "$SMTPSCOPE" replay "$T/fifo2" 127.0.0.1:1 >"$T/out8" 2>"$T/err8"
rc=$?
[ $rc -eq 2 ] || fail "a pipe: exit status $rc, expected 2"
assert_grep 'fifo2: cannot read it a second time .*not a pipe' "$T/err8"
assert_no_grep 'connect' "$T/err8"

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

# --- a greeting cut short by the close ("220 ok" without CRLF): no match,
# whatever its code -------------------------------------------------------------
printf '220 ok\n' >"$T/cut"
start_hostile "$T/cut"
printf '# smtpscope session 1\nS: 220\nC: QUIT\nS: 221\n' >"$T/cut.smtp"
"$SMTPSCOPE" replay "$T/cut.smtp" "127.0.0.1:$HOSTILE_PORT" >"$T/out9" 2>"$T/err9"
rc=$?
LAST_OUT=$T/out9
[ $rc -eq 1 ] || fail "cut-short greeting: exit status $rc, expected 1"
assert_grep 'cut\.smtp:2: mismatch in the greeting: the reply was cut short: the connection closed inside it' "$T/out9"

# --- replay's own recording: a reply with a line over 64 KiB is cut, so it
# is kept as comments, never as an expectation -----------------------------
big=$("$PYTHON" -c 'print("x" * 70000)')
printf '220 ok\\r\\n\n---\n250 %s\\r\\n\n---\n221 bye\\r\\n\n' "$big" >"$T/long"
start_hostile "$T/long"
printf '# smtpscope session 1\nS: 220\nC: NOOP\nS: 250\nC: QUIT\nS: 221\n' >"$T/l.smtp"
"$SMTPSCOPE" replay --record "$T/lrec.smtp" "$T/l.smtp" "127.0.0.1:$HOSTILE_PORT" \
    >"$T/out12" 2>"$T/err12"
rc=$?
LAST_OUT=$T/out12
[ $rc -eq 0 ] || fail "a 70000-octet line: exit status $rc, expected 0"
LAST_OUT=$T/lrec.smtp
assert_grep '^# a reply that no S: line can expect \(cut short: a line over 64 KiB\)' "$T/lrec.smtp"
assert_grep '^# S: 250 x{1000}' "$T/lrec.smtp"
assert_no_grep '^S: 250 ' "$T/lrec.smtp"
assert_grep '^S: 221 bye$' "$T/lrec.smtp"

# --- replies quoted exactly as they came (a bad separator, a line without
# a code), each mismatch naming its command or the greeting ---------------------
cat >"$T/q" <<'EOT'
220 ok\r\n
---
2200 long\r\n
---
22 short\r\n
EOT
start_hostile "$T/q"
printf '# smtpscope session 1\nS: 220\nC: EHLO me\nS: 250\nC: NOOP\nS: 250\nC: QUIT\nS: 221\n' \
    >"$T/q.smtp"
"$SMTPSCOPE" replay --keep-going "$T/q.smtp" "127.0.0.1:$HOSTILE_PORT" \
    >"$T/out10" 2>"$T/err10"
rc=$?
LAST_OUT=$T/out10
[ $rc -eq 1 ] || fail "misquoted replies: exit status $rc, expected 1"
assert_grep 'q\.smtp:4: mismatch after "EHLO me": expected 250$' "$T/out10"
assert_grep '^  received: 2200 long$' "$T/out10"
assert_grep 'q\.smtp:6: mismatch after "NOOP": expected 250$' "$T/out10"
assert_grep '^  received: 22 short$' "$T/out10"
# the server closed after its replies: QUIT found the connection closed
assert_grep 'q\.smtp:8: mismatch after "QUIT"' "$T/out10"
assert_no_grep 'after ""' "$T/out10"
"$SMTPSCOPE" replay --tap --keep-going "$T/q.smtp" "127.0.0.1:$HOSTILE_PORT" \
    >"$T/out10" 2>"$T/err10"
assert_grep '^#  received: 22 short$' "$T/out10"
assert_grep '^not ok 3 - line 6: no code after NOOP, expected 250$' "$T/out10"

# a server that closes without a greeting: the mismatch is the greeting's,
# and the command never sent is named as such; no greeting is a
# connection that could not be set up (3), as everywhere
printf '\n' >"$T/silent"
start_hostile "$T/silent"
printf '# smtpscope session 1\nS: 220\nC: QUIT\nS: 221\n' >"$T/s.smtp"
"$SMTPSCOPE" replay --keep-going "$T/s.smtp" "127.0.0.1:$HOSTILE_PORT" \
    >"$T/out11" 2>"$T/err11"
rc=$?
LAST_OUT=$T/out11
[ $rc -eq 3 ] || fail "no greeting: exit status $rc, expected 3"
assert_grep 's\.smtp:2: mismatch in the greeting: no reply came' "$T/out11"
assert_grep 's\.smtp:4: mismatch after "QUIT" \(not sent: the connection was closed\): no reply came' "$T/out11"
assert_no_grep 'after ""' "$T/out11"

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
$guard "$SMTPSCOPE" replay --timeout 1 "$T/t.smtp" "127.0.0.1:$port" >"$T/out5" 2>"$T/err5"
rc=$?
LAST_OUT=$T/err5
[ $rc -eq 1 ] || fail "trickle: exit status $rc, expected 1"
assert_grep '^smtpscope: replay: no reply from 127\.0\.0\.1:[0-9]+ within 1 s: .*--timeout' "$T/err5"
LAST_OUT=$T/out5
assert_grep 't\.smtp:4: mismatch after "EHLO me": no reply came' "$T/out5"
exit 0
