#!/bin/sh
# The split view of an LMTP session through a SOCKS5 proxy with a user
# name and password: the status bar names the route (never the
# password), and each reply after the data is paired with its recipient
# in the notes beside it (RFC 2033 4.2).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

"$PYTHON" -c 'import aiosmtpd.lmtp' 2>/dev/null ||
    skip "aiosmtpd not installed (Debian package python3-aiosmtpd)"
pw='tui-Socks-Pass-7'
start_server lmtp "$PYTHON" "$TOP_SRCDIR/tests/lib/lmtp_server.py"
LMTP_PORT=$SERVER_PORT
start_socks alice "$pw"

tui_start 160 40 "'$SMTPSCOPE' --socks5 'alice:$pw@127.0.0.1:$SOCKS_PORT' lmtp://127.0.0.1:$LMTP_PORT"
tui_wait 'S: 220 ' "no greeting through the proxy"
tui_wait "lmtp://127\.0\.0\.1:$LMTP_PORT via SOCKS5 127\.0\.0\.1:$SOCKS_PORT \(user alice\) \|" \
    "the status bar does not name the route"
tui_wait 'next: LHLO ' "LHLO is not offered next"
for line in 'LHLO me' 'MAIL FROM:<a@example.org>' 'RCPT TO:<one@example.test>' \
    'RCPT TO:<refused@example.test>' 'DATA'; do
	tui_type "$line"
	tui_keys Enter
done
tui_wait 'S: 354 ' "no 354"
tui_type 'hi'
tui_keys Enter
tui_type '.'
tui_keys Enter
tui_wait 'for <one@example\.test>, recipient 1 of 2' "the first reply is not paired"
tui_wait 'for <refused@example\.test>, recipient 2 of 2' "the second reply is not paired"
tui_wait 'S: 550 5\.1\.1 <refused@example\.test>'
LAST_OUT=$T/screen
assert_no_grep "$pw" "$T/screen"
tui_type 'QUIT'
tui_keys Enter
tui_wait 'S: 221 '
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status, expected 0"
exit 0
