#!/bin/sh
# AUTH end to end against the practice server: `smtpscope practice`
# trusts the certificate its server made, STARTTLS, then each mechanism
# the server offers (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256 and, bound to
# the TLS channel, SCRAM-SHA-256-PLUS, under TLS 1.3 and 1.2) with the
# practice account gets 235 (SCRAM: the server's signature verified) and
# a wrong password 535 naming the account, the session going on.  Before
# STARTTLS AUTH is not offered: warned about and answered 538.  No SASL
# line reaches the screen or the recording.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/lib/auth.sh"
AUTH_USER=student
AUTH_PASSWORD=practice
# the greeting names the account: only its base64 forms are secrets here
AUTH_SECRET_RAW=0

files=""
for mech in PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256 SCRAM-SHA-256-PLUS; do
	out=$T/$mech.out
	LAST_OUT=$out
	printf 'EHLO me\nNOOP\nQUIT\n' | SMTPSCOPE_PASSWORD=$AUTH_PASSWORD \
	    "$SMTPSCOPE" --plain --timeout 20 --starttls --auth "$mech" \
	    --auth-user "$AUTH_USER" --record "$T/$mech.smtp" practice \
	    >"$out" 2>&1
	rc=$?
	[ "$rc" = 0 ] || fail "$mech: exit status $rc, expected 0"
	assert_grep '^\* TLS \(starttls\): .*verify=ok$' "$out"
	assert_grep '^S: 250-AUTH PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256 SCRAM-SHA-256-PLUS$' "$out"
	assert_grep "^C: AUTH $mech" "$out"
	assert_grep '^S: 235 2\.7\.0 ' "$out"
	assert_no_grep 'AUTH without TLS' "$out"
	files="$files $out $T/$mech.smtp"

	out=$T/$mech-bad.out
	LAST_OUT=$out
	printf 'EHLO me\n:starttls\nEHLO me\n:auth %s %s\nNOOP\nQUIT\n' \
	    "$mech" "$AUTH_USER" | SMTPSCOPE_PASSWORD=wrong "$SMTPSCOPE" \
	    --plain --timeout 20 practice >"$out" 2>&1
	[ $? = 0 ] || fail "$mech, wrong password: exit status not 0"
	assert_grep '^S: 535 5\.7\.8 .*the practice account is student' "$out"
	awk '/^S: 535 / { s = 1 } s && /^C: NOOP$/ { n = 1 }
	    n && /^S: 250 / { ok = 1 } END { exit ok ? 0 : 1 }' "$out" ||
	    fail "$mech: the session did not go on after 535"
	files="$files $out"
done
assert_grep '^\* the server.s signature verified' "$T/SCRAM-SHA-256.out"
assert_grep '^\* the server.s signature verified' "$T/SCRAM-SHA-256-PLUS.out"

# -PLUS under TLS 1.2 binds to tls-unique (RFC 5929), under TLS 1.3 to
# tls-exporter (RFC 9266): client and server must agree on either.
out=$T/plus12.out
LAST_OUT=$out
printf 'EHLO me\nQUIT\n' | SMTPSCOPE_PASSWORD=$AUTH_PASSWORD "$SMTPSCOPE" \
    --plain --timeout 20 --starttls --tls-max 1.2 \
    --auth SCRAM-SHA-256-PLUS --auth-user "$AUTH_USER" practice >"$out" 2>&1
assert_grep '^\* TLS \(starttls\): TLSv1\.2 ' "$out"
assert_grep '^\* the server.s signature verified' "$out"
assert_grep '^S: 235 ' "$out"
files="$files $out"
assert_grep 'sasl: SCRAM server-first-message' "$T/SCRAM-SHA-256.out"
assert_grep 'sasl: the server asks for the password' "$T/LOGIN.out"

# Before STARTTLS: not offered, warned about, refused.
out=$T/clear.out
LAST_OUT=$out
printf 'EHLO me\n:auth PLAIN %s\nQUIT\n' "$AUTH_USER" |
    SMTPSCOPE_PASSWORD=$AUTH_PASSWORD "$SMTPSCOPE" --plain --timeout 20 \
    practice >"$out" 2>&1
assert_no_grep '^S: 250-AUTH' "$out"
assert_grep '^! warning: the server did not advertise AUTH' "$out"
assert_grep '^! warning: AUTH without TLS' "$out"
assert_grep '^S: 538 5\.7\.11 ' "$out"
files="$files $out"

assert_no_secret $files
exit 0
