#!/bin/sh
# Certificate verification: a server the CA does not vouch for stops the
# session with one error line and exit status 3 (implicit TLS and
# STARTTLS); --insecure goes on and shows why verification failed; a
# self-signed certificate is named as such.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server

# run NAME ARGS...: run the binary, stdout and stderr apart.
run() {
	_name=$1
	shift
	printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 "$@" \
	    >"$T/$_name.out" 2>"$T/$_name.err"
	rc=$?
	LAST_OUT=$T/$_name.err
}

# one_error NAME PATTERN: stderr is exactly one line and matches PATTERN.
one_error() {
	[ "$(wc -l <"$T/$1.err")" = 1 ] || { LAST_OUT=$T/$1.err;
	    fail "$1: expected one error line"; }
	assert_grep "$2" "$T/$1.err"
}

# Wrong CA, implicit TLS: no greeting, no EHLO.
run wrongca --tls --cafile "$TLS_OTHER_CA" "127.0.0.1:$SMTPS_PORT"
[ "$rc" = 3 ] || fail "wrong CA (tls): exit status $rc, expected 3"
one_error wrongca 'certificate verification failed.*unable to get local issuer certificate \(trust its CA with --cafile FILE, or go on unverified with --insecure\)$'
assert_no_grep '^S: ' "$T/wrongca.out"
assert_no_grep '^C: ' "$T/wrongca.out"

# Wrong CA, STARTTLS: stops after the 220 to STARTTLS, EHLO not sent again.
run wrongca_st --starttls --cafile "$TLS_OTHER_CA" --record "$T/wrongca_st.smtp" \
    "127.0.0.1:$STARTTLS_PORT"
[ "$rc" = 3 ] || fail "wrong CA (starttls): exit status $rc, expected 3"
one_error wrongca_st 'certificate verification failed.*unable to get local issuer certificate'
[ "$(grep -c '^C: EHLO' "$T/wrongca_st.out")" = 1 ] ||
    { LAST_OUT=$T/wrongca_st.out; fail "EHLO sent again after a failed handshake"; }
assert_no_grep '^C: QUIT' "$T/wrongca_st.out"
# the recording says why it ends
assert_grep '^# TLS handshake with 127\.0\.0\.1:[0-9]+ failed: certificate verification failed' "$T/wrongca_st.smtp"

# No --cafile: the system CAs do not know the test CA either.
run system --tls "127.0.0.1:$SMTPS_PORT"
[ "$rc" = 3 ] || fail "system CAs: exit status $rc, expected 3"
one_error system 'certificate verification failed'

# --insecure goes on and says why the certificate did not verify.
run insecure --tls --insecure --cafile "$TLS_OTHER_CA" "127.0.0.1:$SMTPS_PORT"
LAST_OUT=$T/insecure.out
[ "$rc" = 0 ] || fail "--insecure: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): TLSv1\.[23] [A-Z0-9_-]+ verify=failed \(unable to get local issuer certificate\)$' "$T/insecure.out"
assert_grep '^S: 250[ -]' "$T/insecure.out"
assert_grep '^S: 221 ' "$T/insecure.out"

run insecure_st --starttls --insecure --cafile "$TLS_OTHER_CA" "127.0.0.1:$STARTTLS_PORT"
LAST_OUT=$T/insecure_st.out
[ "$rc" = 0 ] || fail "--insecure (starttls): exit status $rc, expected 0"
assert_grep '^\* TLS \(starttls\): .* verify=failed \(unable to get local issuer certificate\)$' "$T/insecure_st.out"
[ "$(grep -c '^C: EHLO me$' "$T/insecure_st.out")" = 2 ] || fail "EHLO not sent twice"

# A self-signed certificate (aiosmtpd with implicit TLS).
start_auth_server --cert "$TLS_SELF_CERT" --key "$TLS_SELF_KEY" --implicit-tls
run self --tls --cafile "$TLS_CA" "localhost:$AUTH_PORT"
[ "$rc" = 3 ] || fail "self-signed: exit status $rc, expected 3"
one_error self 'certificate verification failed for localhost: self-signed certificate'

run self_insecure --tls --insecure "localhost:$AUTH_PORT"
LAST_OUT=$T/self_insecure.out
[ "$rc" = 0 ] || fail "self-signed --insecure: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): .* verify=failed \(self-signed certificate\)$' "$T/self_insecure.out"
assert_grep '^S: 221 ' "$T/self_insecure.out"

# Trusting the self-signed certificate itself makes it verify.
run self_trusted --tls --cafile "$TLS_SELF_CERT" "localhost:$AUTH_PORT"
LAST_OUT=$T/self_trusted.out
[ "$rc" = 0 ] || fail "self-signed trusted: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): .* verify=ok$' "$T/self_trusted.out"
exit 0
