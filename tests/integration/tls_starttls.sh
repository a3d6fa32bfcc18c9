#!/bin/sh
# STARTTLS (RFC 3207) against a real server: the upgrade happens right
# after the first EHLO, the certificate verifies against the test CA, the
# summary is shown and recorded, and EHLO is sent again over TLS (RFC 3207
# 4.2: the session starts over).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server

out=$T/out
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --starttls \
    --cafile "$TLS_CA" --record "$T/s.smtp" "127.0.0.1:$STARTTLS_PORT" \
    >"$out" 2>&1
rc=$?
LAST_OUT=$out
[ "$rc" = 0 ] || fail "exit status $rc, expected 0"

assert_grep '^\* TLS \(starttls\): TLSv1\.[23] [A-Z0-9_-]+ group=[A-Za-z0-9-]+ peer-sig=[A-Za-z0-9-]+ verify=ok$' "$out"
assert_grep '^C: STARTTLS$' "$out"
assert_grep '^S: 220 ' "$out"
assert_grep '^S: 221 ' "$out"
[ "$(grep -c '^C: EHLO me$' "$out")" = 2 ] || fail "EHLO not sent twice"

# Order: EHLO, STARTTLS, its 220, the TLS line, EHLO again, QUIT.
order=$(grep -E '^(C: EHLO|C: STARTTLS|C: QUIT|\* TLS)' "$out" |
    sed -e 's/^C: EHLO.*/E/' -e 's/^C: STARTTLS.*/S/' -e 's/^C: QUIT.*/Q/' \
    -e 's/^\* TLS.*/T/' | tr -d '\n')
[ "$order" = ESTEQ ] || fail "wrong order of events: $order"
awk '/^C: STARTTLS$/ { s = 1; next }
    s && /^S: / { if ($2 != "220") exit 1; exit 0 }' "$out" ||
    fail "STARTTLS was not answered with 220"
# The server offers STARTTLS before the upgrade, not after it (RFC 3207 4.2).
awk '/^\* TLS/ { t = 1 } /^S: 250.STARTTLS/ { if (t) exit 1; n++ }
    END { exit n == 1 ? 0 : 1 }' "$out" ||
    fail "STARTTLS advertised after the upgrade (or never)"

# The session file records the handshake between the 220 and the new EHLO.
assert_grep '^T: starttls TLSv1\.[23] [A-Z0-9_-]+ group=[A-Za-z0-9-]+ peer-sig=[A-Za-z0-9-]+ verify=ok$' "$T/s.smtp"

# The server saw a TLS session.
if [ "$TLS_SERVER" = postfix ]; then
	assert_grep 'TLS connection established from localhost\[127\.0\.0\.1\]' \
	    "$T/pf/maillog"
	assert_grep 'ehlo=2 starttls=1 quit=1' "$T/pf/maillog"
fi
exit 0
