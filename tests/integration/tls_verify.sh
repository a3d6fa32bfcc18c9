#!/bin/sh
# Certificate verification names every check that failed (chain, expiry,
# name), each with its own fix.  Without --insecure a failed check stops
# the session with exit status 3 (implicit TLS and STARTTLS): one line
# saying why, then one line per failed check.  With --insecure the session
# goes on and every failed check is still named.  --tls-name checks (and
# sends as SNI) another name than the one connected to.
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

# errors NAME N: stderr has exactly N lines.
errors() {
	[ "$(wc -l <"$T/$1.err")" = "$2" ] || { LAST_OUT=$T/$1.err;
	    fail "$1: expected $2 error lines"; }
}

# Wrong CA, implicit TLS: no greeting, no EHLO; the chain is named.
run wrongca --tls --cafile "$TLS_OTHER_CA" "127.0.0.1:$SMTPS_PORT"
[ "$rc" = 3 ] || fail "wrong CA (tls): exit status $rc, expected 3"
errors wrongca 2
assert_grep '^smtpscope: TLS handshake with 127\.0\.0\.1:[0-9]+ failed: certificate verification failed for 127\.0\.0\.1: unable to get local issuer certificate \(or go on unverified with --insecure\)$' "$T/wrongca.err"
assert_grep '^smtpscope: chain: unable to get local issuer certificate \(the server.s certificate CN=localhost, issued by CN=smtpscope test ca, not trusted here\): trust that issuer with --cafile FILE or --capath DIR' "$T/wrongca.err"
assert_no_grep '^S: ' "$T/wrongca.out"
assert_no_grep '^C: ' "$T/wrongca.out"

# Wrong CA, STARTTLS: stops after the 220 to STARTTLS, EHLO not sent again.
run wrongca_st --starttls --cafile "$TLS_OTHER_CA" --record "$T/wrongca_st.smtp" \
    "127.0.0.1:$STARTTLS_PORT"
[ "$rc" = 3 ] || fail "wrong CA (starttls): exit status $rc, expected 3"
errors wrongca_st 2
assert_grep 'certificate verification failed.*unable to get local issuer certificate' "$T/wrongca_st.err"
[ "$(grep -c '^C: EHLO' "$T/wrongca_st.out")" = 1 ] ||
    { LAST_OUT=$T/wrongca_st.out; fail "EHLO sent again after a failed handshake"; }
assert_no_grep '^C: QUIT' "$T/wrongca_st.out"
# the recording says why it ends, each check too
assert_grep '^# TLS handshake with 127\.0\.0\.1:[0-9]+ failed: certificate verification failed' "$T/wrongca_st.smtp"
assert_grep '^# chain: unable to get local issuer certificate' "$T/wrongca_st.smtp"
if [ "$TLS_SERVER" = postfix ]; then
	# the handshake ended with an alert, not after it
	assert_grep 'SSL_accept error from localhost\[127\.0\.0\.1\]' "$T/pf/maillog"
fi

# No --cafile: the system CAs do not know the test CA either.
run system --tls "127.0.0.1:$SMTPS_PORT"
[ "$rc" = 3 ] || fail "system CAs: exit status $rc, expected 3"
errors system 2
assert_grep 'certificate verification failed' "$T/system.err"

# --insecure goes on and says why the certificate did not verify.
run insecure --tls --insecure --cafile "$TLS_OTHER_CA" "127.0.0.1:$SMTPS_PORT"
LAST_OUT=$T/insecure.out
[ "$rc" = 0 ] || fail "--insecure: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): TLSv1\.[23] [A-Z0-9_-]+ group=[A-Za-z0-9-]+ peer-sig=[A-Za-z0-9-]+ verify=failed \(unable to get local issuer certificate\)$' "$T/insecure.out"
assert_grep '^! warning: chain: unable to get local issuer certificate \(the server.s certificate CN=localhost' "$T/insecure.out"
assert_grep '^S: 250[ -]' "$T/insecure.out"
assert_grep '^S: 221 ' "$T/insecure.out"

run insecure_st --starttls --insecure --cafile "$TLS_OTHER_CA" "127.0.0.1:$STARTTLS_PORT"
LAST_OUT=$T/insecure_st.out
[ "$rc" = 0 ] || fail "--insecure (starttls): exit status $rc, expected 0"
assert_grep '^\* TLS \(starttls\): .* verify=failed \(unable to get local issuer certificate\)$' "$T/insecure_st.out"
[ "$(grep -c '^C: EHLO me$' "$T/insecure_st.out")" = 2 ] || fail "EHLO not sent twice"

# Expired, from the right CA: only the expiry is named, and its fix is not
# "trust its CA" (the CA is trusted already).
run expired --starttls --cafile "$TLS_CA" "127.0.0.1:$EXPIRED_PORT"
[ "$rc" = 3 ] || fail "expired: exit status $rc, expected 3"
errors expired 2
assert_grep 'failed: certificate verification failed for 127\.0\.0\.1: certificate has expired \(or go on unverified with --insecure\)$' "$T/expired.err"
assert_grep '^smtpscope: expiry: certificate has expired \(the server.s certificate CN=localhost, on 2020-02-01 00:00:00 UTC, [0-9]+ days ago\): the server.s admin must renew it; no --cafile can make it valid$' "$T/expired.err"
assert_no_grep 'trust' "$T/expired.err"

# Expired, --insecure without --cafile: the chain and the expiry, both.
run expired_insecure --starttls --insecure "127.0.0.1:$EXPIRED_PORT"
LAST_OUT=$T/expired_insecure.out
[ "$rc" = 0 ] || fail "expired --insecure: exit status $rc, expected 0"
assert_grep '^\* TLS \(starttls\): .* verify=failed \(unable to get local issuer certificate; certificate has expired\)$' "$T/expired_insecure.out"
assert_grep '^! warning: chain: unable to get local issuer certificate ' "$T/expired_insecure.out"
assert_grep '^! warning: expiry: certificate has expired \(the server.s certificate CN=localhost, on 2020-02-01 ' "$T/expired_insecure.out"
assert_grep '^S: 221 ' "$T/expired_insecure.out"

# Wrong name, from the right CA: only the name, with the names it holds.
run wrongname --starttls --cafile "$TLS_CA" "127.0.0.1:$WRONGNAME_PORT"
[ "$rc" = 3 ] || fail "wrong name: exit status $rc, expected 3"
errors wrongname 2
assert_grep '^smtpscope: name: IP address mismatch \(127\.0\.0\.1 is not among the names of the server.s certificate CN=mx\.example\.org: DNS:mx\.example\.org\): connect by one of its names, or name the one to check with --tls-name NAME$' "$T/wrongname.err"
run wrongname_dns --starttls --cafile "$TLS_CA" "localhost:$WRONGNAME_PORT"
[ "$rc" = 3 ] || fail "wrong name (localhost): exit status $rc, expected 3"
assert_grep '^smtpscope: name: hostname mismatch \(localhost is not among the names' "$T/wrongname_dns.err"

# Wrong name, --insecure without --cafile: the chain and the name.
run wrongname_insecure --starttls --insecure "127.0.0.1:$WRONGNAME_PORT"
LAST_OUT=$T/wrongname_insecure.out
[ "$rc" = 0 ] || fail "wrong name --insecure: exit status $rc, expected 0"
assert_grep 'verify=failed \(unable to get local issuer certificate; IP address mismatch\)$' "$T/wrongname_insecure.out"
assert_grep '^! warning: name: IP address mismatch ' "$T/wrongname_insecure.out"

# --tls-name: connect to 127.0.0.1, check (and ask by SNI for) the name the
# certificate holds.
run tlsname -v --starttls --cafile "$TLS_CA" --tls-name mx.example.org \
    "127.0.0.1:$WRONGNAME_PORT"
LAST_OUT=$T/tlsname.out
[ "$rc" = 0 ] || fail "--tls-name: exit status $rc, expected 0"
assert_grep '^\* TLS \(starttls\): .* verify=ok$' "$T/tlsname.out"
assert_grep '^\* SNI: mx\.example\.org; ' "$T/tlsname.out"
assert_grep '^\* checks for mx\.example\.org: chain ok, expiry ok, name ok$' "$T/tlsname.out"
run tlsname_bad --starttls --cafile "$TLS_CA" --tls-name other.example.org \
    "127.0.0.1:$WRONGNAME_PORT"
[ "$rc" = 3 ] || fail "--tls-name other: exit status $rc, expected 3"
assert_grep '^smtpscope: name: hostname mismatch \(other\.example\.org is not among' "$T/tlsname_bad.err"

# A self-signed certificate (aiosmtpd with implicit TLS).
start_auth_server --cert "$TLS_SELF_CERT" --key "$TLS_SELF_KEY" --implicit-tls
run self --tls --cafile "$TLS_CA" "localhost:$AUTH_PORT"
[ "$rc" = 3 ] || fail "self-signed: exit status $rc, expected 3"
errors self 2
assert_grep 'certificate verification failed for localhost: self-signed certificate \(' "$T/self.err"
assert_grep '^smtpscope: chain: self-signed certificate \(the server.s certificate CN=localhost, signed by itself, not trusted here\): trust that very certificate with --cafile FILE' "$T/self.err"

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

# --capath: a hashed directory holding the test CA.
mkdir "$T/capath"
cp "$TLS_CA" "$T/capath/$(openssl x509 -hash -noout -in "$TLS_CA").0"
run capath --tls --capath "$T/capath" "127.0.0.1:$SMTPS_PORT"
LAST_OUT=$T/capath.out
[ "$rc" = 0 ] || fail "--capath: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): .* verify=ok$' "$T/capath.out"
exit 0
