#!/bin/sh
# --interactive: after the script, console lines from stdin go on over the
# same connection.
. "$TOP_SRCDIR/tests/lib/common.sh"
start_practice
cat >"$T/start.smtp" <<'X'
# smtpscope session 1
S: 220
C: EHLO client.example
S: 250-
S: 250
X
LAST_OUT=$T/out
printf '%s\n' 'MAIL FROM:<alice@example.org>' 'VRFY bob' ":save $T/saved.smtp" 'QUIT' |
	"$SMTPSCOPE" replay --interactive "$T/start.smtp" "127.0.0.1:$PRACTICE_PORT" \
	>"$T/out" 2>&1 || fail "--interactive"
assert_grep 'the session is yours' "$T/out"
assert_grep '^C: MAIL FROM:<alice@example\.org>$' "$T/out"
# the MAIL is accepted: the EHLO of the script was on the same connection
assert_grep '^S: 250 .*' "$T/out"
assert_grep '^S: 252 ' "$T/out"
assert_grep '^S: 221 ' "$T/out"
# it is the console itself: replies are explained, :save keeps the whole
# session, the scripted part included
assert_grep '^   = \[[0-9.]+ ms\] 252 after VRFY' "$T/out"
LAST_OUT=$T/saved.smtp
assert_grep '^C: EHLO client\.example$' "$T/saved.smtp"
assert_grep '^C: MAIL FROM:<alice@example\.org>$' "$T/saved.smtp"
