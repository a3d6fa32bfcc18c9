#!/bin/sh
# --starttls in the split view, the same rule as in the plain console (it
# is the engine's): MAIL typed first waits while EHLO and STARTTLS go out,
# and follows the handshake; against a server without STARTTLS it is
# never sent, the session ends and the exit status is 3.  Postfix's log
# says what it saw.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

start_tls_server
postfix() { [ "$TLS_SERVER" = postfix ]; }

# through a relay that keeps what the client sent
start_server proxy "$PYTHON" "$TOP_SRCDIR/tests/lib/capture_proxy.py" \
    "$STARTTLS_PORT" "$T/capture"
postfix && pf_mark
tui_start 140 40 "'$SMTPSCOPE' --timeout 20 --starttls --cafile '$TLS_CA' --ehlo client.example 127.0.0.1:$SERVER_PORT"
tui_wait 'S: 220 ' "no greeting"
tui_type 'MAIL FROM:<a@example.org>'
tui_keys Enter
tui_wait 'C: MAIL FROM:<a@example\.org>' "MAIL not sent after TLS"
tui_wait 'S: 250 2\.1\.0 ' "MAIL not answered"
tui_wait '\| TLSv1\.[23] [A-Z0-9_-]+ verify=ok \| mail \|' "status bar: not TLS, not mail"
# in clear: the engine's EHLO and STARTTLS, then TLS records only
printf 'EHLO client.example\r\nSTARTTLS\r\n' >"$T/want"
head -c "$(wc -c <"$T/want")" "$T/capture" >"$T/clear"
cmp -s "$T/want" "$T/clear" ||
    { LAST_OUT=$T/clear; fail "sent in clear: $(od -c "$T/clear" | head -3)"; }
grep -a -q 'MAIL FROM' "$T/capture" && fail "MAIL went out in clear"
tui_type 'QUIT'
tui_keys Enter
tui_wait 'S: 221 '
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status, expected 0"
if postfix; then
	pf_session
	assert_grep 'disconnect from .* ehlo=2 starttls=1 mail=1 quit=1 commands=5$' "$T/pf/session"
fi

# A server that does not offer STARTTLS: MAIL is never sent.
tmx kill-server >/dev/null 2>&1
rm -f "$T/status"
postfix && pf_mark
tui_start 140 40 "'$SMTPSCOPE' --timeout 20 --starttls 127.0.0.1:$NOTLS_PORT"
tui_wait 'S: 220 ' "no greeting"
tui_type 'MAIL FROM:<a@example.org>'
tui_keys Enter
tui_wait 'does not offer STARTTLS' "the missing STARTTLS not said"
tui_wait 'S: 221 ' "QUIT not answered"
assert_no_grep 'C: MAIL' "$T/screen"
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 3 ] || fail "no STARTTLS: exit status $status, expected 3"
if postfix; then
	pf_session
	assert_grep 'disconnect from .* ehlo=1 quit=1 commands=2$' "$T/pf/session"
fi
exit 0
