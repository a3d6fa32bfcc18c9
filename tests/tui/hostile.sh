#!/bin/sh
# A hostile server: its greeting carries a clear-screen sequence and an
# OSC sequence setting the terminal title.  The split view must show the
# bytes escaped (\x1b...) and the terminal must not obey them.  A server
# that sends its greeting one byte a second meets --timeout, in the split
# view and in the plain console on a terminal, with the engine's words.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

cat >"$T/hostile.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.sendall(b"220 evil.example \x1b[2J\x1b]0;pwned\x07 ready\r\n")
buf = b""
while True:
    d = c.recv(4096)
    if not d:
        break
    buf += d
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        if line.strip().upper() == b"QUIT":
            c.sendall(b"221 bye \x1b[31mred\x1b[0m\r\n")
            c.close()
            sys.exit(0)
        c.sendall(b"250 ok \x1b[H\x1b[2Jgone\r\n")
PY
start_server hostile "$PYTHON" "$T/hostile.py"
port=$SERVER_PORT

tui_start 140 40 "\"$SMTPSCOPE\" 127.0.0.1:$port"
tmx set-option -g set-titles on >/dev/null 2>&1
tui_wait 'S: 220 evil' "no greeting"
tui_wait '^smtp>'
# Shown escaped, byte for byte, on the left.
grep -F 'S: 220 evil.example \x1b[2J\x1b]0;pwned\x07 ready' "$T/screen" >/dev/null ||
    { LAST_OUT=$T/screen; fail "escape sequences not shown escaped"; }
# Not obeyed: the screen was not cleared (the line before the greeting
# is still there) and the title was not set.
assert_grep '-- connected to 127\.0\.0\.1' "$T/screen"
title=$(tmx display-message -p -t 0 '#{pane_title}')
case $title in
*pwned*) fail "the server set the terminal title: $title" ;;
esac

tui_type 'NOOP'
tui_keys Enter
tui_wait 'S: 250 ok \\x1b\[H\\x1b\[2Jgone' "NOOP reply not escaped"
# the explanation under the conversation names the reply, escaped too
tui_wait '─ S: 250 ok \\x1b\[H\\x1b\[2Jgone' "the explained reply's title not escaped"
assert_grep 'C: NOOP' "$T/screen"
assert_grep 'S: 220 evil' "$T/screen"

# The raw view (F3) escapes them too, and shows CR LF.
tui_keys F3
tui_wait 'S: 250 ok \\x1b\[H\\x1b\[2Jgone\\r\\n' "raw view"

tui_type 'QUIT'
tui_keys Enter
tui_wait 'S: 221 bye \\x1b\[31mred\\x1b\[0m'
tui_wait 'connection closed'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status after QUIT, expected 0"

cat >"$T/slow.py" <<'PY'
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(4)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    try:
        for b in b"220 slow.example ready\r\n":
            c.sendall(bytes([b]))
            time.sleep(1)
    except OSError:
        pass
    c.close()
PY
start_server slow "$PYTHON" "$T/slow.py"
slow=$SERVER_PORT
for view in split plain; do
	opt=""
	[ "$view" = plain ] && opt=--plain
	rm -f "$T/status"
	tmx kill-server >/dev/null 2>&1
	tui_start 140 40 "\"$SMTPSCOPE\" $opt --timeout 2 127.0.0.1:$slow"
	tui_wait "127\\.0\\.0\\.1:$slow accepted the connection but sent no greeting within 2 s \\(only [0-9]+ bytes of an unfinished reply came\\)" \
	    "$view: --timeout not applied to the slow greeting"
	[ "$view" = split ] && tui_keys Enter
	status=$(tui_wait_exit)
	# a greeting that never completes: the connection could not be set
	# up, as a TLS handshake that times out
	[ "$status" = 3 ] || fail "$view: exit status $status after the timeout, expected 3"
done
exit 0
