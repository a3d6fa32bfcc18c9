#!/bin/sh
# The practice server's TLS: STARTTLS (RFC 3207) and implicit TLS (serve
# --tls-port, RFC 8314 3.3) with a certificate made at start for
# practice.smtpscope.test, or with --cert/--key; what a client sends in
# clear after STARTTLS is dropped, never read as commands (RFC 3207 5);
# `smtpscope practice` trusts the certificate of the server it started.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"

start_practice --tls-port 0
LAST_OUT=$T/practice.out
TLS_PORT=$(sed -n 's/^smtpscope: practice server: implicit TLS on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$T/practice.out")
[ -n "$TLS_PORT" ] || fail "no implicit TLS port announced"

# STARTTLS, the certificate made at start: self-signed, for the practice
# name, localhost and 127.0.0.1; --show-certs gives it to trust later.
out=$T/st.out
printf 'EHLO me\n:tls\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --starttls \
    --insecure --show-certs "127.0.0.1:$PRACTICE_PORT" >"$out" 2>&1
rc=$?
LAST_OUT=$out
[ "$rc" = 0 ] || fail "STARTTLS: exit status $rc, expected 0"
assert_grep '^S: 250-STARTTLS' "$out"
assert_grep '^\* TLS \(starttls\): TLSv1\.3 .* verify=failed \(self-signed certificate\)$' "$out"
assert_grep '^\[0\] subject: CN=practice\.smtpscope\.test$' "$out"
assert_grep '^    issuer: CN=practice\.smtpscope\.test$' "$out"
assert_grep '^    names: DNS:practice\.smtpscope\.test, DNS:localhost, IP:127\.0\.0\.1$' "$out"
assert_grep '^    key: EC P-256, 256 bits$' "$out"
# after TLS, EHLO no longer offers STARTTLS (RFC 3207 4.2)
[ "$(grep -c '^S: 250-STARTTLS' "$out")" = 1 ] || fail "STARTTLS offered under TLS"
sed -n '/^-----BEGIN CERTIFICATE-----$/,/^-----END CERTIFICATE-----$/p' \
    "$out" | head -n 30 >"$T/practice.pem"
assert_grep 'TLS up: TLSv1\.3 ' "$T/practice.err"

# Trusted as shown: verified, over STARTTLS and on the TLS port.
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --starttls \
    --cafile "$T/practice.pem" --tls-name practice.smtpscope.test \
    "127.0.0.1:$PRACTICE_PORT" >"$T/trusted.out" 2>&1
rc=$?
LAST_OUT=$T/trusted.out
[ "$rc" = 0 ] || fail "trusted STARTTLS: exit status $rc, expected 0"
assert_grep '^\* TLS \(starttls\): .* verify=ok$' "$T/trusted.out"
printf 'EHLO me\nMAIL FROM:<a@example.org>\nQUIT\n' | "$SMTPSCOPE" --plain \
    --timeout 20 --tls --cafile "$T/practice.pem" "localhost:$TLS_PORT" \
    >"$T/implicit.out" 2>&1
rc=$?
LAST_OUT=$T/implicit.out
[ "$rc" = 0 ] || fail "implicit TLS: exit status $rc, expected 0"
assert_grep '^\* TLS \(tls\): .* verify=ok$' "$T/implicit.out"
# TLS before the greeting; STARTTLS is not offered there
first=$(grep -nE '^(\* TLS|S: )' "$T/implicit.out" | head -n 1)
case $first in
*'* TLS'*) ;;
*) fail "greeting before the TLS handshake: $first" ;;
esac
assert_no_grep '^S: 250.STARTTLS' "$T/implicit.out"
assert_grep '^S: 250 2\.1\.0 ' "$T/implicit.out"
assert_grep 'connected \(implicit TLS\)' "$T/practice.err"

# RFC 3207 5: a command pipelined behind STARTTLS, in clear, is dropped;
# the first reply under TLS answers the first command under TLS.
"$PYTHON" - "$PRACTICE_PORT" >"$T/inject.out" 2>&1 <<'EOF' ||
import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
f = s.makefile("rb")
def reply():
    lines = []
    while True:
        line = f.readline().decode()
        lines.append(line.rstrip("\r\n"))
        if line[3:4] != "-":
            return lines
reply()
s.sendall(b"EHLO me\r\n")
reply()
s.sendall(b"STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n")
print(reply()[-1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s, server_hostname="practice.smtpscope.test")
g = t.makefile("rb")
t.sendall(b"NOOP\r\n")
print(g.readline().decode().rstrip("\r\n"))
t.sendall(b"QUIT\r\n")
print(g.readline().decode().rstrip("\r\n"))
EOF
	{ LAST_OUT=$T/inject.out; fail "injection client failed"; }
LAST_OUT=$T/inject.out
[ "$(sed -n 1p "$T/inject.out")" = "220 2.0.0 Ready to start TLS" ] ||
	fail "STARTTLS not answered 220"
[ "$(sed -n 2p "$T/inject.out")" = "250 2.0.0 OK" ] ||
	fail "the first reply under TLS is not NOOP's: the injected MAIL was read"
assert_grep '^221 ' "$T/inject.out"
assert_grep '[0-9]+ octets sent in clear after STARTTLS dropped \(RFC 3207 5\)' "$T/practice.err"
assert_no_grep 'injected' "$T/practice.err"

# A certificate of our own: --cert and --key, from the test CA.
tls_make_certs
start_practice --tls-port 0 --cert "$TLS_CERT" --key "$TLS_KEY"
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --starttls \
    --cafile "$TLS_CA" "localhost:$PRACTICE_PORT" >"$T/own.out" 2>&1
rc=$?
LAST_OUT=$T/own.out
[ "$rc" = 0 ] || fail "--cert/--key: exit status $rc, expected 0"
assert_grep '^\* TLS \(starttls\): .* verify=ok$' "$T/own.out"
"$SMTPSCOPE" serve --port 0 --cert /nonexistent/cert.pem >"$T/bad.out" 2>&1
rc=$?
LAST_OUT=$T/bad.out
[ "$rc" = 2 ] || fail "missing --cert: exit status $rc, expected 2"
assert_grep '^smtpscope: serve: cannot load the certificate /nonexistent/cert\.pem: No such file or directory$' "$T/bad.out"

# `smtpscope practice` trusts the server it started: STARTTLS verifies.
printf 'EHLO me\n:tls\nQUIT\n' | "$SMTPSCOPE" practice --plain --timeout 20 \
    --starttls >"$T/console.out" 2>&1
rc=$?
LAST_OUT=$T/console.out
[ "$rc" = 0 ] || fail "practice --starttls: exit status $rc, expected 0"
assert_grep '^\* TLS \(starttls\): TLSv1\.3 .* verify=ok$' "$T/console.out"
assert_grep '^checks for 127\.0\.0\.1: chain ok, expiry ok, name ok$' "$T/console.out"

# A recorded practice session with STARTTLS replays against a practice
# server replay starts itself, TLS verified the same way.
printf 'EHLO me\nSTARTTLS\nEHLO me\nQUIT\n' | "$SMTPSCOPE" practice --plain \
    --timeout 20 --record "$T/p.smtp" >"$T/rec.out" 2>&1 ||
    { LAST_OUT=$T/rec.out; fail "recording a practice session failed"; }
assert_grep '^T: starttls TLSv1\.3 .* verify=ok$' "$T/p.smtp"
"$SMTPSCOPE" replay --timeout 20 "$T/p.smtp" >"$T/replay.out" 2>&1
rc=$?
LAST_OUT=$T/replay.out
[ "$rc" = 0 ] || fail "replay of a practice STARTTLS session: exit status $rc, expected 0"
exit 0
