#!/bin/sh
# The TLS picture against a real server with a certificate from the test
# CA: :tls shows the session and the chain as sent (subject, issuer, names,
# validity with days left, key, signature algorithm, SHA-256 fingerprint,
# all checked against openssl(1)'s view of the same certificate); -v shows
# it after the handshake, --record keeps it as comments (and the file still
# replays), --show-certs and ":tls pem" print the chain in PEM; a client
# certificate goes to a server that asks for one.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server

fp=$(openssl x509 -noout -fingerprint -sha256 -in "$TLS_CERT" | sed 's/.*=//')
[ -n "$fp" ] || fail "no fingerprint from openssl"
# openssl prints "Dec  1 16:42:28 2026 GMT"; we print "2026-12-01 16:42:28 UTC"
end=$(openssl x509 -noout -enddate -in "$TLS_CERT" | sed 's/.*=//')
end_iso=$(date -u -d "$end" '+%Y-%m-%d %H:%M:%S UTC')

# :tls in a pipe, after the STARTTLS of --starttls
out=$T/tls.out
printf 'EHLO me\n:tls\n:tls pem\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 \
    --starttls --cafile "$TLS_CA" --record "$T/rec.smtp" \
    "127.0.0.1:$STARTTLS_PORT" >"$out" 2>&1
rc=$?
LAST_OUT=$out
[ "$rc" = 0 ] || fail "exit status $rc, expected 0"
assert_grep '^TLS: TLSv1\.[23] [A-Z0-9_-]+ group=[A-Za-z0-9-]+ peer-sig=[A-Za-z0-9-]+ verify=ok$' "$out"
assert_grep '^SNI: none \(127\.0\.0\.1 is an address; RFC 6066 3 allows names only\); ALPN: none; session: new \(not resumed\)$' "$out"
assert_grep '^client certificate: not asked for$' "$out"
assert_grep '^checks for 127\.0\.0\.1: chain ok, expiry ok, name ok$' "$out"
assert_grep '^chain sent by the server: 1 certificate$' "$out"
assert_grep '^\[0\] subject: CN=localhost$' "$out"
assert_grep '^    issuer: CN=smtpscope test ca$' "$out"
assert_grep '^    names: DNS:localhost, IP:127\.0\.0\.1$' "$out"
assert_grep "^    valid: 20[0-9-]+ [0-9:]+ UTC to $end_iso \\((1 day|2 days) left\\)\$" "$out"
assert_grep '^    key: EC P-256, 256 bits$' "$out"
assert_grep '^    signature: ecdsa-with-SHA256$' "$out"
assert_grep "^    SHA-256: $fp\$" "$out"
# :tls pem is the certificate the server has
sed -n '/^-----BEGIN CERTIFICATE-----$/,/^-----END CERTIFICATE-----$/p' \
    "$out" >"$T/pem"
[ "$(openssl x509 -noout -fingerprint -sha256 -in "$T/pem" | sed 's/.*=//')" = "$fp" ] ||
    fail ":tls pem is not the server's certificate"

# The recording: the summary on the T: line, the details as comments after
# it; the file still replays.
assert_grep '^T: starttls TLSv1\.[23] .* verify=ok$' "$T/rec.smtp"
awk '/^T: starttls/ { t = 1; next }
    t && /^# chain sent by the server: 1 certificate$/ { c = 1 }
    t && /^C: / { exit }
    END { exit c ? 0 : 1 }' "$T/rec.smtp" ||
    { LAST_OUT=$T/rec.smtp; fail "no TLS details after the T: line"; }
assert_grep "^#     SHA-256: $fp\$" "$T/rec.smtp"
"$SMTPSCOPE" replay --timeout 20 --cafile "$TLS_CA" "$T/rec.smtp" \
    "127.0.0.1:$STARTTLS_PORT" >"$T/replay.out" 2>&1 ||
    { LAST_OUT=$T/replay.out; fail "the recording does not replay"; }

# -v: the details right after the handshake; --show-certs: the PEM chain.
out=$T/v.out
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain -v --show-certs --timeout 20 \
    --tls --cafile "$TLS_CA" "localhost:$SMTPS_PORT" >"$out" 2>&1
rc=$?
LAST_OUT=$out
[ "$rc" = 0 ] || fail "-v: exit status $rc, expected 0"
assert_grep '^\* SNI: localhost; ALPN: none; session: new \(not resumed\)$' "$out"
assert_grep '^\* checks for localhost: chain ok, expiry ok, name ok$' "$out"
assert_grep "^\\*     SHA-256: $fp\$" "$out"
sed -n '/^-----BEGIN CERTIFICATE-----$/,/^-----END CERTIFICATE-----$/p' \
    "$out" >"$T/pem2"
[ "$(openssl x509 -noout -fingerprint -sha256 -in "$T/pem2" | sed 's/.*=//')" = "$fp" ] ||
    fail "--show-certs did not print the server's certificate"
# the details come before the server's first reply over TLS
first=$(grep -nE '^(\* SNI:|S: )' "$out" | head -n 1)
case $first in
*'* SNI:'*) ;;
*) fail "details after the greeting: $first" ;;
esac

# replay -v shows the details too
"$SMTPSCOPE" replay -v --timeout 20 --cafile "$TLS_CA" "$T/rec.smtp" \
    "127.0.0.1:$STARTTLS_PORT" >"$T/replay_v.out" 2>&1
LAST_OUT=$T/replay_v.out
assert_grep '^checks for 127\.0\.0\.1: chain ok, expiry ok, name ok$' "$T/replay_v.out"

# A client certificate, to a server that asks for one (Postfix only: its
# log names the certificate it got).
if [ "$TLS_SERVER" = postfix ]; then
	out=$T/ccert.out
	printf 'EHLO me\n:tls\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 \
	    --starttls --cafile "$TLS_CA" --cert "$TLS_CLIENT_CERT" \
	    --key "$TLS_CLIENT_KEY" "127.0.0.1:$CCERT_PORT" >"$out" 2>&1
	rc=$?
	LAST_OUT=$out
	[ "$rc" = 0 ] || fail "--cert: exit status $rc, expected 0"
	assert_grep '^client certificate: asked for by the server, sent: CN=smtpscope test client$' "$out"
	# Postfix sends its CA after its certificate
	assert_grep '^chain sent by the server: 2 certificates$' "$out"
	assert_grep '^\[1\] subject: CN=smtpscope test ca$' "$out"
	LAST_OUT=$T/pf/maillog
	assert_grep 'Trusted TLS connection established from localhost\[127\.0\.0\.1\]: .* client-signature ECDSA' "$T/pf/maillog"
	assert_grep 'subject_CN=smtpscope test client' "$T/pf/maillog"

	# without one, the details say it was asked for
	out=$T/noccert.out
	printf 'EHLO me\n:tls\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 \
	    --starttls --cafile "$TLS_CA" "127.0.0.1:$CCERT_PORT" >"$out" 2>&1
	LAST_OUT=$out
	assert_grep '^client certificate: asked for by the server, none sent \(--cert FILE --key FILE gives one\)$' "$out"
fi

# Option errors are found before connecting (exit status 2).
"$SMTPSCOPE" --plain --key "$TLS_CLIENT_KEY" 127.0.0.1:1 >"$T/key.out" 2>&1
rc=$?
LAST_OUT=$T/key.out
[ "$rc" = 2 ] || fail "--key alone: exit status $rc, expected 2"
assert_grep '^smtpscope: --key needs --cert' "$T/key.out"
"$SMTPSCOPE" --plain --cert "$TLS_CLIENT_CERT" --key "$TLS_KEY" 127.0.0.1:1 \
    >"$T/mismatch.out" 2>&1
rc=$?
LAST_OUT=$T/mismatch.out
[ "$rc" = 2 ] || fail "wrong key: exit status $rc, expected 2"
assert_grep "^smtpscope: the key in .*/server\\.key does not belong to the certificate in " "$T/mismatch.out"
"$SMTPSCOPE" replay --cafile /nonexistent/ca.pem "$T/rec.smtp" >"$T/ca.out" 2>&1
rc=$?
LAST_OUT=$T/ca.out
[ "$rc" = 2 ] || fail "replay, bad --cafile: exit status $rc, expected 2"
assert_grep '^smtpscope: cannot load CA file /nonexistent/ca\.pem: ' "$T/ca.out"
exit 0
