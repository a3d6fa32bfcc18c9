#!/bin/sh
# A practice session saved with :save says it was the practice server
# and which scenario ("# practice NAME"): `smtpscope replay FILE` then
# starts a practice server of its own (the recorded port is long gone),
# as `smtpscope replay --practice FILE` does for any file.
. "$TOP_SRCDIR/tests/lib/common.sh"
EX=$TOP_SRCDIR/examples

# :save of a practice session: the header names the scenario.
printf 'EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<nobody@example.org>\nRCPT TO:<b@example.org>\nRSET\n:save %s\nQUIT\n' "$T/saved.smtp" |
    "$SMTPSCOPE" practice --scenario unknown-user >"$T/out" 2>&1 ||
	{ LAST_OUT=$T/out; fail "practice session"; }
LAST_OUT=$T/saved.smtp
assert_grep '^# server 127\.0\.0\.1:[0-9]+ at ' "$T/saved.smtp"
assert_grep '^# practice unknown-user$' "$T/saved.smtp"
assert_grep '^S: 550 5\.1\.1 ' "$T/saved.smtp"
# its port is dead now: replay starts a practice server of that scenario
"$SMTPSCOPE" replay -v "$T/saved.smtp" >"$T/out" 2>&1 ||
	{ LAST_OUT=$T/out; fail "the saved practice session did not replay green"; }
LAST_OUT=$T/out
assert_grep '^practice server, scenario unknown-user, on 127\.0\.0\.1:[0-9]+$' "$T/out"
assert_grep ' 6 replies checked, 0 mismatches$' "$T/out"
# and stops it at the end
port=$(sed -n 's/^practice server, .* on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/out")
"$PYTHON" -c 'import socket, sys
s = socket.socket()
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0 else 1)' "$port" ||
	fail "the practice server of replay still listens on $port"

# The default scenario is named too, and --record of a practice replay
# carries the header on.
printf 'EHLO me\n:save %s\nQUIT\n' "$T/normal.smtp" | "$SMTPSCOPE" practice >/dev/null 2>&1
assert_grep '^# practice normal$' "$T/normal.smtp"
"$SMTPSCOPE" replay --record "$T/again.smtp" "$T/normal.smtp" >"$T/out" 2>&1 ||
	{ LAST_OUT=$T/out; fail "replay of a normal practice session"; }
assert_grep '^# practice normal$' "$T/again.smtp"

# --practice for any file: the scenario is the file's, else --scenario,
# else normal.
"$SMTPSCOPE" replay --practice "$EX/01-plain-send.smtp" >"$T/out" 2>&1 ||
	{ LAST_OUT=$T/out; fail "replay --practice 01-plain-send"; }
"$SMTPSCOPE" replay --practice "$EX/scenarios/unknown-user.smtp" >"$T/out" 2>&1 ||
	{ LAST_OUT=$T/out; fail "replay --practice takes the file's scenario"; }
"$SMTPSCOPE" replay "$EX/scenarios/relay-denied.smtp" >"$T/out" 2>&1 ||
	{ LAST_OUT=$T/out; fail "replay of a file with a practice header"; }
# through STARTTLS (the practice server replay starts is trusted) and AUTH
"$SMTPSCOPE" replay "$EX/scenarios/tls-required.smtp" >"$T/out" 2>&1 ||
	{ LAST_OUT=$T/out; fail "tls-required through STARTTLS"; }
SMTPSCOPE_SECRET=AHN0dWRlbnQAcHJhY3RpY2U= \
    "$SMTPSCOPE" replay "$EX/scenarios/auth-required.smtp" >"$T/out" 2>&1 ||
	{ LAST_OUT=$T/out; fail "auth-required through STARTTLS and AUTH"; }
"$SMTPSCOPE" replay --scenario normal "$EX/scenarios/unknown-user.smtp" >"$T/out" 2>&1
[ $? -eq 1 ] || { LAST_OUT=$T/out; fail "--scenario normal should make unknown-user.smtp mismatch"; }
assert_grep 'mismatch after "RCPT TO:<nobody@example\.org>"' "$T/out"
"$SMTPSCOPE" replay --tap --practice --scenario slow --reply-delay 50 \
    "$EX/02-pipelined-send.smtp" >"$T/out" 2>&1 || { LAST_OUT=$T/out; fail "slow"; }
assert_grep '^1\.\.7$' "$T/out"

# Usage errors: a HOST with --practice, a scenario that does not exist.
"$SMTPSCOPE" replay --practice "$EX/01-plain-send.smtp" 127.0.0.1:25 >"$T/out" 2>&1
[ $? -eq 2 ] || fail "--practice with a HOST is not a usage error"
LAST_OUT=$T/out
assert_grep 'give no HOST' "$T/out"
"$SMTPSCOPE" replay --scenario nosuch "$EX/01-plain-send.smtp" >"$T/out" 2>&1
[ $? -eq 2 ] || fail "an unknown scenario is not a usage error"
assert_grep 'unknown scenario "nosuch"' "$T/out"
sed 's/^# practice unknown-user$/# practice nosuch/' "$EX/scenarios/unknown-user.smtp" >"$T/bad.smtp"
"$SMTPSCOPE" replay "$T/bad.smtp" >"$T/out" 2>&1
[ $? -eq 2 ] || fail "a file naming an unknown scenario is not a usage error"
assert_grep 'the file names it, --scenario picks another' "$T/out"
exit 0
