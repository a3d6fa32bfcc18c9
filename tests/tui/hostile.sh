#!/bin/sh
# A hostile server: its greeting carries a clear-screen sequence and an
# OSC sequence setting the terminal title.  The split view must show the
# bytes escaped (\x1b...) and the terminal must not obey them.
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
exit 0
