#!/bin/sh
# The AUTH helpers against aiosmtpd (tests/lib/auth_server.py): :auth and
# --auth with PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and OAUTHBEARER get 235 with
# the right secret and 535 with a wrong one (the OAuth ones after the
# server's JSON error, answered as each format wants), the session going
# on.  The secrets come from SMTPSCOPE_PASSWORD, SMTPSCOPE_TOKEN or
# --auth-password-file, never from a pipe, and reach neither the screen,
# nor --record, nor :save.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/lib/auth.sh"
tls_make_certs
start_auth_server --cert "$TLS_CERT" --key "$TLS_KEY"

run() {	# run NAME ARGS...: the console on the server, input from $T/in
	out=$T/$1.out
	LAST_OUT=$out
	shift
	"$SMTPSCOPE" --plain --timeout 20 "$@" "127.0.0.1:$AUTH_PORT" \
	    <"$T/in" >"$out" 2>&1
}

files=""
for mech in PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER; do
	printf 'EHLO me\nSTARTTLS\nEHLO me\n:auth %s %s\nNOOP\n:save %s\nQUIT\n' \
	    "$mech" "$AUTH_USER" "$T/$mech.save" >"$T/in"
	SMTPSCOPE_PASSWORD=$AUTH_PASSWORD SMTPSCOPE_TOKEN=$AUTH_TOKEN \
	    run "$mech" --cafile "$TLS_CA" --record "$T/$mech.smtp"
	[ $? = 0 ] || fail "$mech: exit status not 0"
	assert_grep "^C: AUTH $mech" "$out"
	assert_grep '^S: 235 ' "$out"
	assert_no_grep 'AUTH without TLS' "$out"

	printf 'EHLO me\nSTARTTLS\nEHLO me\n:auth %s %s\nNOOP\nQUIT\n' "$mech" \
	    "$AUTH_USER" >"$T/in"
	SMTPSCOPE_PASSWORD=nope SMTPSCOPE_TOKEN=nope \
	    run "$mech-bad" --cafile "$TLS_CA" --record "$T/$mech-bad.smtp"
	[ $? = 0 ] || fail "$mech, wrong secret: exit status not 0"
	assert_grep '^S: 535 ' "$out"
	assert_no_grep '^S: 235 ' "$out"
	awk '/^S: 535 / { s = 1 } s && /^S: 250 / { ok = 1 }
	    END { exit ok ? 0 : 1 }' "$out" ||
	    fail "$mech: the session did not go on after 535"
	files="$files $T/$mech.out $T/$mech.smtp $T/$mech.save"
	files="$files $T/$mech-bad.out $T/$mech-bad.smtp"
done
# The OAuth errors: the JSON decoded and explained, answered as each
# format wants (RFC 7628 3.2.3: %x01 for OAUTHBEARER).
assert_grep 'challenge \(base64 decoded\): "\{"status": "invalid_token"' \
    "$T/OAUTHBEARER-bad.out"
assert_grep 'sasl: the server refused the token .* a single %x01' \
    "$T/OAUTHBEARER-bad.out"
assert_grep 'sasl: the server refused the token .* an empty line' \
    "$T/XOAUTH2-bad.out"
assert_grep 'sasl: the server asks for the password' "$T/LOGIN.out"
assert_grep 'sasl: a one-time challenge' "$T/CRAM-MD5.out"

# --auth on the command line, the password from a file, no TLS: warned.
printf '%s\n' "$AUTH_PASSWORD" >"$T/pw"
printf 'EHLO me\nQUIT\n' >"$T/in"
run cli --auth LOGIN --auth-user "$AUTH_USER" --auth-password-file "$T/pw"
[ $? = 0 ] || fail "--auth: exit status not 0"
assert_grep '^! warning: AUTH without TLS' "$out"
assert_grep '^C: AUTH LOGIN$' "$out"
assert_grep '^S: 235 ' "$out"
files="$files $out"

# No secret anywhere and no terminal to ask on: nothing is sent.
printf 'EHLO me\n:auth PLAIN %s\nNOOP\nQUIT\n' "$AUTH_USER" >"$T/in"
env -u SMTPSCOPE_PASSWORD "$SMTPSCOPE" --plain --timeout 20 \
    "127.0.0.1:$AUTH_PORT" <"$T/in" >"$T/nosecret.out" 2>&1
out=$T/nosecret.out
LAST_OUT=$out
assert_grep 'AUTH not started: no terminal to ask for the secret on' "$out"
assert_no_grep '^C: AUTH' "$out"
assert_grep '^S: 250 .*' "$out"
printf 'EHLO me\nQUIT\n' >"$T/in"
env -u SMTPSCOPE_PASSWORD "$SMTPSCOPE" --plain --auth PLAIN --auth-user u \
    "127.0.0.1:$AUTH_PORT" <"$T/in" >"$out" 2>&1
[ $? = 2 ] || fail "--auth without a password: exit status not 2"
assert_grep 'no password: set SMTPSCOPE_PASSWORD or use --auth-password-file' \
    "$out"
env SMTPSCOPE_TOKEN= "$SMTPSCOPE" --plain --auth XOAUTH2 --auth-user u \
    "127.0.0.1:$AUTH_PORT" <"$T/in" >"$out" 2>&1
[ $? = 2 ] || fail "--auth XOAUTH2 without a token: exit status not 2"
assert_grep 'no token: set SMTPSCOPE_TOKEN' "$out"

# :help auth: the mechanisms, what each proves, the practice account.
printf ':help auth\nQUIT\n' >"$T/in"
run help
assert_grep '^  SCRAM-SHA-256-PLUS +the client proves ' "$out"
assert_grep '^  OAUTHBEARER +the client proves possession of an OAuth 2.0' "$out"
assert_grep 'for user student, password practice' "$out"

# A typed AUTH line with a syntax error: the diagnostic masks it too.
printf 'EHLO me\nAUTH PLAIN %s extra\nQUIT\n' \
    "$(b64 "\\0$AUTH_USER\\0$AUTH_PASSWORD")" >"$T/in"
run typed
files="$files $out"
assert_grep 'AUTH PLAIN \*\*\*\*\*\*\*\*' "$out"

# Offline too: lint and explain never echo an initial response.
ir=$(b64 "\\0$AUTH_USER\\0$AUTH_PASSWORD")
"$SMTPSCOPE" lint "AUTH PLAIN $ir x" >"$T/lint.out" 2>&1
"$SMTPSCOPE" lint "AUTH PLAIN $ir" >>"$T/lint.out" 2>&1
"$SMTPSCOPE" explain "AUTH PLAIN $ir" >>"$T/lint.out" 2>&1
LAST_OUT=$T/lint.out
assert_grep '^AUTH PLAIN \*\*\*\*\*\*\*\*$' "$T/lint.out"
assert_grep '^error: unexpected text after the initial response' "$T/lint.out"
assert_grep 'explain: "AUTH PLAIN \*\*\*\*\*\*\*\*" is not a reply code' \
    "$T/lint.out"
files="$files $T/lint.out"

assert_no_secret $files

# The check can fail: with --show-secrets the secrets are there.
printf 'EHLO me\n:auth LOGIN %s\nQUIT\n' "$AUTH_USER" >"$T/in"
SMTPSCOPE_PASSWORD=$AUTH_PASSWORD run shown --show-secrets \
    --record "$T/shown.smtp"
for f in "$T/shown.out" "$T/shown.smtp"; do
	(assert_no_secret "$f") >/dev/null 2>&1 &&
	    fail "--show-secrets: the password is not in $(basename "$f")"
done
exit 0
