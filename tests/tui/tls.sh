#!/bin/sh
# The split view over STARTTLS with a real TLS server: the status bar shows
# "no TLS" before the upgrade and the protocol and verify result after it;
# :starttls drives the upgrade and EHLO is needed again (RFC 3207 4.2); the
# conversation shows the summary line of the handshake, :tls the details.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

start_tls_server
tui_start 140 40 "'$SMTPSCOPE' --timeout 20 --cafile '$TLS_CA' 127.0.0.1:$STARTTLS_PORT"
tui_wait 'S: 220 ' "no greeting"
tui_wait '\| no TLS \|' "status bar does not say no TLS"
tui_type 'EHLO me'
tui_keys Enter
tui_wait 'S: 250[ -]STARTTLS' "STARTTLS not advertised"
tui_type ':starttls'
tui_keys Enter
tui_wait '\| TLSv1\.[23] [A-Z0-9_-]+ verify=ok \|' "status bar lacks the TLS summary"
tui_wait '-- TLS \(starttls\): TLSv1\.[23] ' "no TLS summary in the conversation"
tui_wait 'group=X25519' "the summary lacks the key exchange group"
tui_type ':tls'
tui_keys Enter
tui_wait 'checks for 127\.0\.0\.1: chain ok, expiry ok, name ok' ":tls shows no checks"
tui_wait '\[0\] subject: CN=localhost' ":tls shows no chain"
# after the handshake the session starts over: EHLO again
tui_wait '\| greeted \|' "state not back to greeted after TLS"
tui_type 'EHLO me'
tui_keys Enter
tui_wait '\| ready \|'
tui_type 'QUIT'
tui_keys Enter
tui_wait 'S: 221 '
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status, expected 0"
exit 0
