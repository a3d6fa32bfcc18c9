#!/bin/sh
# AUTH against a real server: Postfix smtpd with Cyrus SASL (sasldb).
# Over STARTTLS, each mechanism both offer (PLAIN, LOGIN, CRAM-MD5,
# SCRAM-SHA-1, SCRAM-SHA-256) gets 235 with the right password (SCRAM:
# the server's signature verified) and 535 with a wrong one, after which
# the session goes on.  The secrets reach neither the screen nor the
# recording.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/lib/auth.sh"
start_sasl_postfix

printf '%s\n' "$AUTH_PASSWORD" >"$T/pw"
printf 'wrong-%s\n' "$AUTH_PASSWORD" >"$T/bad"
n=0
for mech in PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256; do
	n=$((n + 1))
	out=$T/out$n
	LAST_OUT=$out
	# --auth runs once EHLO is accepted under TLS
	printf 'EHLO me\nNOOP\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 \
	    --starttls --cafile "$TLS_CA" --auth "$mech" --auth-user "$AUTH_USER" \
	    --auth-password-file "$T/pw" --record "$T/rec$n.smtp" \
	    "127.0.0.1:$STARTTLS_PORT" >"$out" 2>&1
	rc=$?
	[ "$rc" = 0 ] || fail "$mech: exit status $rc, expected 0"
	assert_grep "^C: AUTH $mech" "$out"
	assert_grep '^S: 235 ' "$out"
	assert_grep '235 after AUTH' "$out"
	awk '/^\* TLS/ { t = 1 } /^C: AUTH/ { exit t ? 0 : 1 }' "$out" ||
	    fail "$mech: AUTH before TLS"
	assert_no_grep 'AUTH without TLS' "$out"
	case $mech in
	SCRAM*)
		assert_grep "sasl: SCRAM server-first-message" "$out"
		assert_grep "^\* the server's signature verified" "$out"
		;;
	esac

	# a wrong password: 535 explained, the session goes on
	out=$T/bad$n
	LAST_OUT=$out
	printf 'EHLO me\n:auth %s %s\nNOOP\nQUIT\n' "$mech" "$AUTH_USER" |
	    "$SMTPSCOPE" --plain --timeout 20 --starttls --cafile "$TLS_CA" \
	    --auth-password-file "$T/bad" --record "$T/recbad$n.smtp" \
	    "127.0.0.1:$STARTTLS_PORT" >"$out" 2>&1
	rc=$?
	[ "$rc" = 0 ] || fail "$mech, wrong password: exit status $rc"
	assert_grep '^S: 535 ' "$out"
	assert_grep '535 after AUTH .*credentials invalid' "$out"
	assert_no_grep '^S: 235 ' "$out"
	awk '/^S: 535 / { s = 1 } s && /^C: NOOP$/ { n = 1 }
	    n && /^S: 250 / { ok = 1 } END { exit ok ? 0 : 1 }' "$out" ||
	    fail "$mech: the session did not go on after 535"
	assert_no_secret "$T/out$n" "$T/rec$n.smtp" "$out" "$T/recbad$n.smtp"
	grep -q "wrong-$AUTH_PASSWORD" "$out" "$T/recbad$n.smtp" &&
	    fail "$mech: the wrong password was shown"
done

# Without TLS the server offers AUTH too: the warning says what it costs.
out=$T/plain
LAST_OUT=$out
printf 'EHLO me\n:auth PLAIN %s\nQUIT\n' "$AUTH_USER" |
    SMTPSCOPE_PASSWORD=$AUTH_PASSWORD "$SMTPSCOPE" --plain --timeout 20 \
    "127.0.0.1:$STARTTLS_PORT" >"$out" 2>&1
assert_grep '^! warning: AUTH without TLS' "$out"
assert_grep '^S: 235 ' "$out"
assert_no_secret "$out"

# The masking is what keeps the secret out: with --show-secrets it shows.
out=$T/shown
LAST_OUT=$out
printf 'EHLO me\n:auth PLAIN %s\nQUIT\n' "$AUTH_USER" |
    SMTPSCOPE_PASSWORD=$AUTH_PASSWORD "$SMTPSCOPE" --plain --timeout 20 \
    --show-secrets --starttls --cafile "$TLS_CA" \
    "127.0.0.1:$STARTTLS_PORT" >"$out" 2>&1
assert_grep "^C: AUTH PLAIN $(b64 "\\0$AUTH_USER\\0$AUTH_PASSWORD")\$" "$out"
exit 0
