#!/bin/sh
# The aiosmtpd AUTH harness (tests/lib/auth_server.py) works with the
# binary: AUTH PLAIN (RFC 4616) with the test user gets 235, a wrong
# secret 535 (RFC 4954 6), and with --require-tls AUTH is offered only
# after STARTTLS.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"

start_auth_server
out=$T/out
printf 'EHLO me\nAUTH PLAIN %s\nQUIT\n' "$(auth_plain_b64)" |
    "$SMTPSCOPE" --plain --timeout 20 "127.0.0.1:$AUTH_PORT" >"$out" 2>&1
rc=$?
LAST_OUT=$out
[ "$rc" = 0 ] || fail "exit status $rc, expected 0"
assert_grep '^S: 250-AUTH( [A-Z0-9-]+)* PLAIN' "$out"
assert_grep '^S: 250-AUTH( [A-Z0-9-]+)* LOGIN' "$out"
assert_grep '^S: 250-AUTH( [A-Z0-9-]+)* CRAM-MD5' "$out"
assert_grep '^S: 235 ' "$out"
assert_grep '^S: 221 ' "$out"

printf 'EHLO me\nAUTH PLAIN %s\nQUIT\n' "$(b64 "\\0$AUTH_USER\\0wrong")" |
    "$SMTPSCOPE" --plain --timeout 20 "127.0.0.1:$AUTH_PORT" >"$out" 2>&1
assert_grep '^S: 535 ' "$out"
assert_no_grep '^S: 235 ' "$out"

# AUTH only over TLS.
tls_make_certs
start_auth_server --cert "$TLS_CERT" --key "$TLS_KEY" --require-tls
printf 'EHLO me\nAUTH PLAIN %s\nQUIT\n' "$(auth_plain_b64)" |
    "$SMTPSCOPE" --plain --timeout 20 --starttls --cafile "$TLS_CA" \
    "127.0.0.1:$AUTH_PORT" >"$out" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "STARTTLS + AUTH: exit status $rc, expected 0"
assert_grep '^\* TLS \(starttls\): .* verify=ok$' "$out"
awk '/^\* TLS/ { t = 1 } /^S: 250.AUTH/ { if (!t) exit 1; n++ }
    END { exit n == 1 ? 0 : 1 }' "$out" ||
    fail "AUTH advertised before STARTTLS (or never after it)"
assert_grep '^S: 235 ' "$out"
exit 0
