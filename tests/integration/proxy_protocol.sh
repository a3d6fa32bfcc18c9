#!/bin/sh
# The HAProxy PROXY protocol header (haproxy's proxy-protocol.txt),
# versions 1 and 2, to a Postfix smtpd behind an imagined load balancer
# (smtpd_upstream_proxy_protocol = haproxy): Postfix's log names the
# client the header names, the session goes on as usual, and the route is
# in the recording's header.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"

start_tls_server --proxy-protocol

# Postfix's log is written by its own process: wait for the line
log_wait() {
	wait_grep "$1" "$T/pf/maillog" "Postfix never logged /$1/"
}

session() {
	printf '%s\n' 'EHLO client.example' 'QUIT'
}

# version 1: the text line, a source of our choosing
session | "$SMTPSCOPE" --record "$T/v1.smtp" --proxy-protocol v1 \
    --proxy-source 192.0.2.7:4242 "127.0.0.1:$PROXY_PORT" >"$T/out1" 2>&1
rc=$?
LAST_OUT=$T/out1
[ $rc -eq 0 ] || fail "PROXY v1: exit $rc"
assert_grep "^\* PROXY v1 header sent: client 192\.0\.2\.7:4242, server 127\.0\.0\.1:$PROXY_PORT " "$T/out1"
assert_grep '^S: 220 mx\.smtpscope\.test ESMTP' "$T/out1"
assert_grep '^S: 221 ' "$T/out1"
log_wait 'connect from unknown\[192\.0\.2\.7\]'
LAST_OUT=$T/v1.smtp
sed -n 2,3p "$T/v1.smtp" | grep -q '^# via PROXY v1 (source 192\.0\.2\.7:4242)$' ||
    fail "the recording's header does not name the PROXY header"

# version 2: the binary header
session | "$SMTPSCOPE" --proxy-protocol v2 --proxy-source 198.51.100.9:5353 \
    "127.0.0.1:$PROXY_PORT" >"$T/out2" 2>&1
rc=$?
LAST_OUT=$T/out2
[ $rc -eq 0 ] || fail "PROXY v2: exit $rc"
assert_grep '^\* PROXY v2 header sent: client 198\.51\.100\.9:5353, ' "$T/out2"
assert_grep '^S: 250[ -]' "$T/out2"
log_wait 'connect from unknown\[198\.51\.100\.9\]'

# version 2 without --proxy-source: our own address and port
session | "$SMTPSCOPE" --proxy-protocol v2 "127.0.0.1:$PROXY_PORT" \
    >"$T/out3" 2>&1
[ $? -eq 0 ] || { LAST_OUT=$T/out3; fail "PROXY v2, own address"; }
LAST_OUT=$T/out3
assert_grep '^\* PROXY v2 header sent: client 127\.0\.0\.1:[0-9]+, ' "$T/out3"
log_wait 'connect from unknown\[127\.0\.0\.1\]'

# a source of another family than the server's: refused before sending
"$SMTPSCOPE" --proxy-protocol v1 --proxy-source '[2001:db8::7]:25' \
    "127.0.0.1:$PROXY_PORT" </dev/null >"$T/out4" 2>&1
rc=$?
LAST_OUT=$T/out4
[ $rc -eq 3 ] || fail "families differ: exit $rc, want 3"
assert_grep 'not of one address family' "$T/out4"
"$SMTPSCOPE" --proxy-source 192.0.2.7:1 "127.0.0.1:$PROXY_PORT" \
    </dev/null >"$T/out5" 2>&1
[ $? -eq 2 ] || { LAST_OUT=$T/out5; fail "--proxy-source alone: not a usage error"; }
"$SMTPSCOPE" --proxy-protocol v3 "127.0.0.1:$PROXY_PORT" </dev/null \
    >"$T/out6" 2>&1
[ $? -eq 2 ] || { LAST_OUT=$T/out6; fail "--proxy-protocol v3: not a usage error"; }
exit 0
