#!/bin/sh
# Servers that misbehave in the middle of a session: text that would drive
# the terminal in what the console quotes (:state, warnings), a 221 to a
# command other than QUIT, a command pipelined behind STARTTLS, a reply
# that never ends, a 421 while the body is being written, and a recording
# that cannot be written.  Each gives one clear line, nothing received is
# lost, and the session goes on where it can.
. "$TOP_SRCDIR/tests/lib/common.sh"

# no_raw_controls FILE...: no ESC, BEL or C1 CSI byte in the files
no_raw_controls() {
	for _c in '\033' '\007' '\302\233'; do
		if LC_ALL=C grep -q "$(printf "$_c")" "$@"; then
			fail "a raw control byte ($_c) reached the output"
		fi
	done
}

# A server acting one scene (argument), written here so that the test
# needs nothing but Python's standard library.
cat >"$T/scene.py" <<'PY'
import socket, sys, time
scene = sys.argv[1]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
f = conn.makefile("rb")
conn.sendall(b"220 scene ESMTP\r\n")
if scene == "hang":
    # half a reply, then silence
    f.readline()
    conn.sendall(b"250-partial\r\n250-more")
    time.sleep(120)
elif scene == "421":
    # a 421 while the client is busy writing a long body, then close
    while True:
        line = f.readline()
        if not line:
            break
        if line.startswith(b"DATA"):
            conn.sendall(b"354 go ahead\r\n")
            f.read(4096)
            conn.sendall(b"421 4.3.0 out of disk, closing\r\n")
            time.sleep(0.5)
            conn.close()
            break
        conn.sendall(b"250 ok\r\n")
    time.sleep(5)
PY
# scene NAME: start the scene server acting NAME; sets $port
scene() {
	start_server "scene-$1" "$PYTHON" "$T/scene.py" "$1"
	port=$SERVER_PORT
}

# --- what the console quotes of the server is sanitized; 221 ends it -------
cat >"$T/r1" <<'EOT'
220 ok\r\n
---
250-evil\r\n250-AUTH PLAIN \x1b[31mRED\r\n250 X-KW \x1b]0;pwn\x07 \xc2\x9b1m\r\n
---
221 2.0.0 closing now\r\n
EOT
start_hostile "$T/r1"
port=$HOSTILE_PORT
printf 'EHLO me\n:state\nAUTH FOO\n' |
	"$SMTPSCOPE" --plain "127.0.0.1:$port" >"$T/out1" 2>"$T/err1"
rc=$?
LAST_OUT=$T/err1
no_raw_controls "$T/out1" "$T/err1"
assert_grep '^EHLO keywords: AUTH PLAIN \\x1b\[31mRED, X-KW \\x1b\]0;pwn\\x07 \\xc2\\x9b1m$' "$T/out1"
assert_grep 'mechanism FOO is not among those advertised \(PLAIN \\x1b\[31mRED\)' "$T/out1"
# RFC 5321 3.8: a 221 closes the session whatever it answers
assert_no_grep 'without a 221 or 421' "$T/err1"
[ $rc -eq 0 ] || fail "221 to AUTH then close: exit status $rc, expected 0"

# --- nothing is sent behind STARTTLS before its reply (RFC 3207 4) ----------
cat >"$T/r2" <<'EOT'
220 ok\r\n
---
250-x\r\n250-PIPELINING\r\n250 STARTTLS\r\n
---
454 4.7.0 TLS not available now\r\n
---
250 2.0.0 this NOOP went out in clear\r\n
---
221 bye\r\n
EOT
cat >"$T/p.smtp" <<'EOT'
# smtpscope session 1
S: 220
C: EHLO me
S: 250
C: STARTTLS
C: NOOP
S: 220
T: starttls
S: 250
C: QUIT
S: 221
EOT
start_hostile "$T/r2"
port=$HOSTILE_PORT
"$SMTPSCOPE" replay --verbose --keep-going "$T/p.smtp" "127.0.0.1:$port" \
    >"$T/out2" 2>"$T/err2"
LAST_OUT=$T/out2
assert_no_grep '^C: NOOP' "$T/out2"
assert_no_grep 'went out in clear' "$T/out2"
LAST_OUT=$T/err2
assert_grep 'STARTTLS awaits its reply: nothing may follow it before the TLS handshake \(RFC 3207 4\)' "$T/err2"
[ "$(grep -c 'STARTTLS awaits' "$T/err2")" -eq 1 ] || fail "error not one line"

# --- a reply that never ends: one line, and the recording keeps it ---------
scene hang
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 1 \
    --record "$T/hang.smtp" "127.0.0.1:$port" >"$T/out3" 2>"$T/err3"
rc=$?
LAST_OUT=$T/err3
[ $rc -eq 1 ] || fail "reply never ends: exit status $rc, expected 1"
[ "$(wc -l <"$T/err3")" -eq 1 ] || fail "the timeout is not one line"
assert_grep '^smtpscope: no reply from 127\.0\.0\.1:[0-9]+ within 1 s \(only 21 bytes of an unfinished reply came\): .*--timeout' "$T/err3"
LAST_OUT=$T/hang.smtp
assert_grep '^# no reply from 127\.0\.0\.1:[0-9]+ within 1 s' "$T/hang.smtp"
assert_grep '^# S: 250-partial$' "$T/hang.smtp"
assert_grep '^# S: 250-more$' "$T/hang.smtp"
# and the recording is still a valid script (2 would be a file error)
"$SMTPSCOPE" replay --timeout 1 "$T/hang.smtp" "127.0.0.1:1" >"$T/out3r" 2>&1
[ $? -ne 2 ] || { LAST_OUT=$T/out3r; fail "the recording is not a valid script"; }

# --- a 421 while the body is written: the reason is shown -------------------
"$PYTHON" -c 'import sys
sys.stdout.write(("a line of the body, long enough to fill buffers\n") * 400000)' \
    >"$T/big.txt"
scene 421
printf 'EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\n:data %s\nQUIT\n' \
    "$T/big.txt" | "$SMTPSCOPE" --plain --timeout 10 --record "$T/421.smtp" \
    "127.0.0.1:$port" >"$T/out4" 2>"$T/err4"
rc=$?
grep -v '^D: ' "$T/out4" >"$T/out4s"
LAST_OUT=$T/out4s
assert_grep '^S: 421 4\.3\.0 out of disk, closing$' "$T/out4s"
assert_grep '^S: 421 4\.3\.0 out of disk, closing$' "$T/421.smtp"
[ $rc -eq 0 ] || fail "421 then close: exit status $rc, expected 0"

# --- :data and :bdat stream regular files only, within the SIZE the server
# advertised: a device, a FIFO, a file over SIZE are refused with one line
# naming the file and the limit, before anything is sent -----------------------
cat >"$T/r7" <<'EOT'
220 ok\r\n
---
250-x\r\n250-SIZE 100\r\n250 CHUNKING\r\n
---
250 2.1.0 ok\r\n
---
250 2.1.5 ok\r\n
---
221 bye\r\n
EOT
start_hostile "$T/r7"
"$PYTHON" -c 'import sys; sys.stdout.write("a line of a body\n" * 10)' >"$T/170"
"$PYTHON" -c 'import sys; sys.stdout.write("123456789\n" * 10)' >"$T/100"
mkfifo "$T/fifo"
# (guards, not timed assertions: before the files were streamed :bdat
# /dev/zero grew without bound, and :data FIFO waited for a writer for
# ever; they make those a failure instead of a machine out of memory or
# a test that hangs)
guard=
command -v timeout >/dev/null 2>&1 && guard="timeout 120"
(
	# (not under AddressSanitizer, which reserves terabytes of address
	# space for its shadow memory at start)
	grep -q __asan_init "$SMTPSCOPE" 2>/dev/null ||
		ulimit -v 1000000 2>/dev/null
	printf 'EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\n:bdat /dev/zero\n:data %s\n:bdat %s\n:data %s\nQUIT\n' \
	    "$T/fifo" "$T/170" "$T/100" |
	    $guard "$SMTPSCOPE" --plain --no-check "127.0.0.1:$HOSTILE_PORT" >"$T/out7" 2>"$T/err7"
)
rc=$?
LAST_OUT=$T/err7
assert_grep '^smtpscope: cannot send /dev/zero: a character device, not a regular file$' "$T/err7"
assert_grep "^smtpscope: cannot send $T/fifo: a FIFO, not a regular file\$" "$T/err7"
assert_grep "^smtpscope: cannot send $T/170: 170 octets, more than the 100 octets the server advertised with SIZE \\(RFC 1870\\)\$" "$T/err7"
assert_grep "^smtpscope: cannot send $T/100: 110 octets as sent, more than the 100 octets the server advertised with SIZE" "$T/err7"
[ "$(wc -l <"$T/err7")" -eq 4 ] || fail "not one line per refusal"
LAST_OUT=$T/out7
assert_no_grep '^C: (DATA|BDAT)' "$T/out7"
assert_grep '^S: 221 bye$' "$T/out7"
[ $rc -eq 0 ] || fail "refused files: exit status $rc, expected 0"

# --- a 421 in the middle of a pipelined group: the rest is said lost.
# The server then closes (FIN), or resets (RST, after the client has read
# the 421): either way the ordinary end, exit 0, nothing on stderr. -------
group_421() {	# ENDING OUT: ENDING is "" or "!reset"
	printf '%s\n' '220 ok\r\n' '---' '250-x\r\n250 PIPELINING\r\n' '---' \
	    '250 2.1.0 ok\r\n' '---' '421 4.7.0 too busy, closing\r\n' "$1" \
	    >"$T/r6"
	start_hostile "$T/r6"
	port=$HOSTILE_PORT
	printf 'EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nRCPT TO:<c@example.org>\nDATA\nQUIT\n' |
		"$SMTPSCOPE" --plain --pipeline "127.0.0.1:$port" >"$2" 2>"$2.err"
	rc=$?
	LAST_OUT=$2
	assert_grep '^S: 421 4\.7\.0 too busy, closing$' "$2"
	assert_grep '[12] lines? sent got no reply$' "$2"
	[ ! -s "$2.err" ] || { LAST_OUT=$2.err; fail "the end after 421 reported as an error"; }
	[ $rc -eq 0 ] || fail "421 in a group ($1): exit status $rc, expected 0"
}
group_421 "" "$T/out6"
group_421 '!reset' "$T/out6r"
assert_grep 'reset by peer; [12] lines? sent got no reply$' "$T/out6r"

# --- a recording that cannot be written is reported at once -----------------
cat >"$T/r5" <<EOT
220 ok\\r\\n
---
250-$("$PYTHON" -c 'print("x" * 3000)')\\r\\n250-$("$PYTHON" -c 'print("y" * 3000)')\\r\\n250 $("$PYTHON" -c 'print("z" * 3000)')\\r\\n
---
250 ok\\r\\n
---
221 bye\\r\\n
EOT
start_hostile "$T/r5"
port=$HOSTILE_PORT
# 1 or 2 KiB at most (the unit differs between shells) for the files this
# shell writes, less than that reply; SIGXFSZ ignored, so that the
# write fails with EFBIG instead of killing the process
(
	trap '' XFSZ
	ulimit -f 2
	printf 'EHLO me\nNOOP\nQUIT\n' | "$SMTPSCOPE" --plain \
	    --record "$T/full.smtp" "127.0.0.1:$port" 2>&1
	echo "exit=$?"
) | cat >"$T/out5"
LAST_OUT=$T/out5
assert_grep '^smtpscope: cannot write the recording .*full\.smtp: .*; it ends at the last event written, the session goes on$' "$T/out5"
[ "$(grep -c 'cannot write the recording' "$T/out5")" -eq 1 ] || fail "reported more than once"
assert_grep '^S: 221 bye$' "$T/out5"
assert_grep '^exit=0$' "$T/out5"
exit 0
