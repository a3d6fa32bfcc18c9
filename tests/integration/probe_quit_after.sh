#!/bin/sh
# One-shot probes against the harness's Postfix: each --quit-after point
# sends what it should and nothing more (the output and Postfix's log say
# so), QUIT last (but for connect), with its exit status; --quit-after
# auth against aiosmtpd with AUTH; --ehlo; a server that never greets
# (3, for the console and replay too) and one without STARTTLS (3); the
# options' usage errors (2).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server
postfix() { [ "$TLS_SERVER" = postfix ]; }

# probe NAME ARGS...: a one-shot probe with --starttls of the STARTTLS
# port; its output in $T/NAME.out, the commands it sent in $T/NAME.sent
# (verbs, one line), its exit status in rc
probe() {
	out=$T/$1.out
	LAST_OUT=$out
	shift
	postfix && pf_mark
	"$SMTPSCOPE" --timeout 20 --cafile "$TLS_CA" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	sed -n 's/^C: \([A-Z]*\).*/\1/p' "$out" | tr '\n' ' ' >"$T/sent"
	sent=$(cat "$T/sent")
	postfix && pf_session
}
st() { echo "--starttls 127.0.0.1:$STARTTLS_PORT"; }

# connect: nothing read, nothing sent
# shellcheck disable=SC2046
probe connect --quit-after connect $(st)
[ "$rc" = 0 ] || fail "connect: exit status $rc"
[ "$sent" = "" ] || fail "connect: sent $sent"
assert_no_grep '^S: ' "$out"
assert_grep '^\* --quit-after connect: closing without reading the greeting or sending anything$' "$out"
postfix && assert_grep 'lost connection after CONNECT' "$T/pf/session"

# shellcheck disable=SC2046
probe banner --quit-after banner $(st)
[ "$rc" = 0 ] || fail "banner: exit status $rc"
[ "$sent" = "QUIT " ] || fail "banner: sent $sent"
assert_grep '^S: 220 ' "$out"
postfix && assert_grep 'disconnect from .* quit=1 commands=1$' "$T/pf/session"

# tls: STARTTLS and the handshake, not the EHLO after it
# shellcheck disable=SC2046
probe tls --quit-after TLS $(st)
[ "$rc" = 0 ] || fail "tls: exit status $rc"
[ "$sent" = "EHLO STARTTLS QUIT " ] || fail "tls: sent $sent"
assert_grep '^\* TLS \(starttls\): TLSv1\.[23] .* verify=ok$' "$out"
assert_grep '^\* --quit-after tls: reached, QUIT$' "$out"
postfix && assert_grep 'disconnect from .* ehlo=1 starttls=1 quit=1 commands=3$' "$T/pf/session"

# ehlo: with --starttls, the EHLO after the handshake; --ehlo's name
# shellcheck disable=SC2046
probe ehlo --quit-after ehlo --ehlo probe.example $(st)
[ "$rc" = 0 ] || fail "ehlo: exit status $rc"
[ "$sent" = "EHLO STARTTLS EHLO QUIT " ] || fail "ehlo: sent $sent"
[ "$(grep -c '^C: EHLO probe\.example$' "$out")" = 2 ] || fail "--ehlo not used"
postfix && assert_grep 'disconnect from .* ehlo=2 starttls=1 quit=1 commands=4$' "$T/pf/session"
# the name said when none is given: a host name with a dot, or the
# address literal of our end (RFC 5321 4.1.4)
LAST_OUT=$T/ehlo.out
# shellcheck disable=SC2046
probe ehlo2 --quit-after ehlo $(st)
name=$(hostname)
case $name in
*.*) assert_grep "^C: EHLO $name\$" "$out" ;;
*) assert_grep '^C: EHLO \[127\.0\.0\.1\]$' "$out" ;;
esac

# mail: MAIL FROM, no RCPT
# shellcheck disable=SC2046
probe mail --quit-after mail --from a@example.org $(st)
[ "$rc" = 0 ] || fail "mail: exit status $rc"
[ "$sent" = "EHLO STARTTLS EHLO MAIL QUIT " ] || fail "mail: sent $sent"
postfix && assert_grep 'disconnect from .* ehlo=2 starttls=1 mail=1 quit=1 commands=5$' "$T/pf/session"

# rcpt: every RCPT, no DATA; one refused (relay denied) makes it 1
# shellcheck disable=SC2046
probe rcpt --quit-after rcpt --from a@example.org --to b@example.test $(st)
[ "$rc" = 0 ] || fail "rcpt: exit status $rc"
[ "$sent" = "EHLO STARTTLS EHLO MAIL RCPT QUIT " ] || fail "rcpt: sent $sent"
postfix && assert_grep 'disconnect from .* rcpt=1 quit=1 commands=6$' "$T/pf/session"
if postfix; then
	# shellcheck disable=SC2046
	probe rcpt2 --quit-after rcpt --from a@example.org \
	    --to b@example.test --to c@example.com $(st)
	[ "$rc" = 1 ] || fail "rcpt refused: exit status $rc, expected 1"
	[ "$sent" = "EHLO STARTTLS EHLO MAIL RCPT RCPT QUIT " ] ||
	    fail "rcpt refused: sent $sent"
	assert_grep '^S: 554 5\.7\.1 <c@example\.com>: Relay access denied$' "$out"
	assert_grep '^smtpscope: 1 of 2 recipients refused$' "$out"
	assert_grep 'rcpt=1/2 quit=1' "$T/pf/session"
fi

# data (the default with --to): a whole message, accepted
# shellcheck disable=SC2046
probe data --from a@example.org --to b@example.test --header 'X-Probe: 1' $(st)
[ "$rc" = 0 ] || fail "data: exit status $rc"
[ "$sent" = "EHLO STARTTLS EHLO MAIL RCPT DATA QUIT " ] || fail "data: sent $sent"
assert_grep '^D: X-Probe: 1$' "$out"
assert_grep '^D: \.$' "$out"
assert_grep '^S: 250 2\.0\.0 Ok: queued as ' "$out"
assert_no_grep '^\* --quit-after' "$out"
postfix && assert_grep 'disconnect from .* ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7$' "$T/pf/session"
# the message refused: no recipient accepted, no DATA, 1
# shellcheck disable=SC2046
if postfix; then
	# shellcheck disable=SC2046
	probe nodata --from a@example.org --to c@example.com $(st)
	[ "$rc" = 1 ] || fail "no recipient: exit status $rc, expected 1"
	[ "$sent" = "EHLO STARTTLS EHLO MAIL RCPT QUIT " ] ||
	    fail "no recipient: sent $sent"
	assert_grep '^smtpscope: no recipient accepted: the message is not sent$' "$out"
fi

# implicit TLS: tls is reached once the greeting is read over it
probe tlsimplicit --quit-after tls --tls "127.0.0.1:$SMTPS_PORT"
[ "$rc" = 0 ] || fail "tls with --tls: exit status $rc"
[ "$sent" = "QUIT " ] || fail "tls with --tls: sent $sent"
assert_grep '^\* TLS \(tls\): ' "$out"
postfix && assert_grep 'disconnect from .* quit=1 commands=1$' "$T/pf/session"

# a server without STARTTLS: stops, nothing more sent, 3
probe notls --quit-after ehlo --starttls "127.0.0.1:$NOTLS_PORT"
[ "$rc" = 3 ] || fail "no STARTTLS: exit status $rc, expected 3"
[ "$sent" = "EHLO QUIT " ] || fail "no STARTTLS: sent $sent"
assert_grep 'does not offer STARTTLS' "$out"
postfix && assert_grep 'disconnect from .* ehlo=1 quit=1 commands=2$' "$T/pf/session"

# the record of a probe is a session file that replays
probe rec --quit-after rcpt --from a@example.org --to b@example.test \
    --record "$T/rec.smtp" --starttls "127.0.0.1:$STARTTLS_PORT"
[ "$rc" = 0 ] || fail "--record: exit status $rc"
LAST_OUT=$T/rec.smtp
assert_grep '^T: starttls TLSv1\.[23] ' "$T/rec.smtp"
assert_grep '^C: RCPT TO:<b@example\.test>$' "$T/rec.smtp"
assert_grep '^C: QUIT$' "$T/rec.smtp"
"$SMTPSCOPE" replay --timeout 20 --cafile "$TLS_CA" "$T/rec.smtp" \
    "127.0.0.1:$STARTTLS_PORT" >"$T/replay.out" 2>&1 ||
    { LAST_OUT=$T/replay.out; fail "the probe's record does not replay"; }

# --- AUTH: --quit-after auth, with aiosmtpd's AUTH after STARTTLS ---------
start_auth_server --cert "$TLS_CERT" --key "$TLS_KEY"
postfix() { false; }	# Postfix logs nothing of these
SMTPSCOPE_PASSWORD=$AUTH_PASSWORD
export SMTPSCOPE_PASSWORD
probe auth --quit-after auth --starttls --auth PLAIN --auth-user "$AUTH_USER" \
    "127.0.0.1:$AUTH_PORT"
[ "$rc" = 0 ] || fail "auth: exit status $rc"
[ "$sent" = "EHLO STARTTLS EHLO AUTH QUIT " ] || fail "auth: sent $sent"
assert_grep '^C: AUTH PLAIN \*\*\*\*\*\*\*\*$' "$out"
assert_grep '^S: 235 ' "$out"
assert_no_grep "$AUTH_PASSWORD" "$out"
SMTPSCOPE_PASSWORD=wrong
probe authbad --quit-after auth --starttls --auth PLAIN --auth-user \
    "$AUTH_USER" "127.0.0.1:$AUTH_PORT"
[ "$rc" = 1 ] || fail "auth refused: exit status $rc, expected 1"
assert_grep '^S: 535 ' "$out"
assert_grep '^smtpscope: AUTH PLAIN failed: ' "$out"
assert_grep '^C: QUIT$' "$out"
unset SMTPSCOPE_PASSWORD

# --- a server that accepts the connection and never greets: 3 ------------
start_server silent "$PYTHON" -c 'import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])'
silent=$SERVER_PORT
"$SMTPSCOPE" --timeout 1 --quit-after banner "127.0.0.1:$silent" \
    >"$T/silent.out" 2>&1
rc=$?
LAST_OUT=$T/silent.out
[ "$rc" = 3 ] || fail "no greeting (probe): exit status $rc, expected 3"
assert_grep '^smtpscope: 127\.0\.0\.1:[0-9]+ accepted the connection but sent no greeting within 1 s' "$T/silent.out"
assert_no_grep '^C: ' "$T/silent.out"
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --timeout 1 "127.0.0.1:$silent" \
    >"$T/silent2.out" 2>&1
rc=$?
LAST_OUT=$T/silent2.out
[ "$rc" = 3 ] || fail "no greeting (console): exit status $rc, expected 3"
assert_no_grep '^C: ' "$T/silent2.out"
# replay says the same: 3
printf '# smtpscope session 1\nS: 220\nC: QUIT\nS: 221\n' >"$T/silent.smtp"
"$SMTPSCOPE" replay --timeout 1 "$T/silent.smtp" "127.0.0.1:$silent" \
    >"$T/silent4.out" 2>&1
rc=$?
LAST_OUT=$T/silent4.out
[ "$rc" = 3 ] || fail "no greeting (replay): exit status $rc, expected 3"
assert_grep 'accepted the connection but sent no greeting within 1 s' "$T/silent4.out"
# connect alone does not wait for it
"$SMTPSCOPE" --timeout 1 --quit-after connect "127.0.0.1:$silent" \
    >"$T/silent3.out" 2>&1 || fail "--quit-after connect waited for a greeting"

# --- usage errors: nothing connects ---------------------------------------
usage() {
	LAST_OUT=$T/usage.err
	"$SMTPSCOPE" "$@" 127.0.0.1:1 >/dev/null 2>"$T/usage.err"
	rc=$?
	[ "$rc" = 2 ] || fail "$*: exit status $rc, expected 2"
}
usage --quit-after quit
assert_grep '^smtpscope: --quit-after wants connect, banner, tls, ehlo, auth, mail, rcpt or data, not "quit"$' "$T/usage.err"
usage --quit-after tls
assert_grep '^smtpscope: --quit-after tls needs --starttls or --tls$' "$T/usage.err"
usage --quit-after auth
assert_grep '^smtpscope: --quit-after auth needs --auth MECH$' "$T/usage.err"
usage --to b@example.org
assert_grep '^smtpscope: a test message needs --from ADDRESS' "$T/usage.err"
usage --quit-after rcpt --from a@example.org
assert_grep '^smtpscope: --quit-after rcpt and data needs --to ADDRESS' "$T/usage.err"
usage --quit-after mail --from a@example.org --to b@example.org
assert_grep '^smtpscope: --quit-after mail stops before RCPT TO: leave out --to$' "$T/usage.err"
usage --quit-after rcpt --from a@example.org --to b@example.org --body hi
assert_grep '^smtpscope: --header and --body make the message' "$T/usage.err"
usage --from a@example.org --to 'b@example.org>x'
assert_grep '^smtpscope: --to ' "$T/usage.err"
usage --from '' --to b@example.org
assert_grep "^smtpscope: --from '' \\(the null sender\\) gives no From: field" "$T/usage.err"
usage --from a@example.org --to b@example.org --header 'Bad Name: x'
assert_grep '^smtpscope: --header "Bad Name: x": the header name' "$T/usage.err"
usage --ehlo 'not a name'
assert_grep '^smtpscope: --ehlo wants a domain name or an address literal' "$T/usage.err"
"$SMTPSCOPE" mx --ehlo '-' example.org >/dev/null 2>"$T/usage.err"
[ $? = 2 ] || fail "mx --ehlo -: not a usage error"
exit 0
