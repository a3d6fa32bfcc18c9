#!/bin/sh
# Probing what a server accepts: --tls-min/--tls-max, --ciphers (TLS 1.2
# and older) and --ciphersuites (TLS 1.3) against a real server; what it
# refuses is named with its likely reason; TLS 1.0/1.1 and the local
# OpenSSL security level; bad values are usage errors (exit status 2).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server

# run NAME ARGS...: implicit TLS to the test server, stdout and stderr apart
run() {
	_name=$1
	shift
	printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --tls \
	    --cafile "$TLS_CA" "$@" "127.0.0.1:$SMTPS_PORT" \
	    >"$T/$_name.out" 2>"$T/$_name.err"
	rc=$?
	LAST_OUT=$T/$_name.out
}

run max12 --tls-max 1.2
[ "$rc" = 0 ] || fail "--tls-max 1.2: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): TLSv1\.2 ECDHE-ECDSA-[A-Z0-9-]+ group=[A-Za-z0-9-]+ peer-sig=ECDSA-SHA[0-9]+ verify=ok$' "$T/max12.out"

run min13 --tls-min 1.3
[ "$rc" = 0 ] || fail "--tls-min 1.3: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): TLSv1\.3 ' "$T/min13.out"

run cipher --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256
[ "$rc" = 0 ] || fail "--ciphers: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): TLSv1\.2 ECDHE-ECDSA-AES128-GCM-SHA256 ' "$T/cipher.out"

run suite --tls-min 1.3 --ciphersuites TLS_CHACHA20_POLY1305_SHA256
[ "$rc" = 0 ] || fail "--ciphersuites: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): TLSv1\.3 TLS_CHACHA20_POLY1305_SHA256 ' "$T/suite.out"

if [ "$TLS_SERVER" = postfix ]; then
	LAST_OUT=$T/pf/maillog
	assert_grep 'TLS connection established from localhost\[127\.0\.0\.1\]: TLSv1\.2 with cipher ECDHE-ECDSA-AES128-GCM-SHA256' "$T/pf/maillog"
	assert_grep 'TLS connection established from localhost\[127\.0\.0\.1\]: TLSv1\.3 with cipher TLS_CHACHA20_POLY1305_SHA256' "$T/pf/maillog"
fi

# A cipher the server cannot use (an RSA one; its key is EC): refused,
# and said so.
run nocipher --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256
[ "$rc" = 3 ] || fail "RSA cipher: exit status $rc, expected 3"
LAST_OUT=$T/nocipher.err
# (aiosmtpd hangs up without a TLS alert: nothing more to say then)
[ "$TLS_SERVER" = postfix ] &&
    assert_grep '^smtpscope: TLS handshake with 127\.0\.0\.1:[0-9]+ failed: .*: the server accepts none of the ciphers or key exchange groups offered \(see --ciphers, --ciphersuites\)$' "$T/nocipher.err"

# TLS 1.0 and 1.1: the local security level forbids them, and says how to
# lift it; lifted, the probe shows what the server still accepts.
run tls11 --tls-max 1.1
[ "$rc" = 2 ] || fail "--tls-max 1.1: exit status $rc, expected 2"
LAST_OUT=$T/tls11.err
assert_grep "^smtpscope: TLS 1\\.0 and 1\\.1 are forbidden by this OpenSSL's security level [1-5] \\(they need level 0\\): add --ciphers 'DEFAULT:@SECLEVEL=0' to probe them\$" "$T/tls11.err"
assert_no_grep '^S: ' "$T/tls11.out"
run tls11_0 --tls-max 1.1 --ciphers 'DEFAULT:@SECLEVEL=0'
if [ "$TLS_SERVER" = postfix ]; then
	# Postfix lowers its own level: TLS 1.1 still gets through
	[ "$rc" = 0 ] || fail "--tls-max 1.1 at level 0: exit status $rc, expected 0"
	assert_grep '^\* TLS \(tls\): TLSv1\.1 ' "$T/tls11_0.out"
	assert_grep 'TLS connection established from localhost\[127\.0\.0\.1\]: TLSv1\.1 with cipher' "$T/pf/maillog"
else
	# Python's ssl module keeps OpenSSL's level: refused
	[ "$rc" = 3 ] || fail "--tls-max 1.1 at level 0: exit status $rc, expected 3"
fi

# Bad values: nothing is sent.
run badver --tls-min 1.4
[ "$rc" = 2 ] || fail "--tls-min 1.4: exit status $rc, expected 2"
assert_grep '^smtpscope: --tls-min wants a TLS version: 1\.0, 1\.1, 1\.2 or 1\.3, not "1\.4"$' "$T/badver.err"
run order --tls-min 1.3 --tls-max 1.2
[ "$rc" = 2 ] || fail "--tls-min above --tls-max: exit status $rc, expected 2"
assert_grep '^smtpscope: --tls-max 1\.2 is below the lowest version allowed, 1\.3$' "$T/order.err"
run badcipher --ciphers NO-SUCH-CIPHER
[ "$rc" = 2 ] || fail "bad --ciphers: exit status $rc, expected 2"
assert_grep '^smtpscope: --ciphers "NO-SUCH-CIPHER" names no cipher this OpenSSL has' "$T/badcipher.err"

# replay takes the same options
printf '# smtpscope session 1\nT: tls\nS: 220\nC: QUIT\nS: 221\n' >"$T/probe.smtp"
"$SMTPSCOPE" replay -v --timeout 20 --cafile "$TLS_CA" --tls-max 1.2 \
    "$T/probe.smtp" "127.0.0.1:$SMTPS_PORT" >"$T/replay.out" 2>&1
rc=$?
LAST_OUT=$T/replay.out
[ "$rc" = 0 ] || fail "replay --tls-max 1.2: exit status $rc, expected 0"
assert_grep 'TLSv1\.2 ECDHE-' "$T/replay.out"
exit 0
