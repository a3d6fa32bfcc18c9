#!/bin/sh
# The plain console against Postfix's smtp-sink: the foundation's
# acceptance example, a pipelined server, exit status 0.
. "$TOP_SRCDIR/tests/lib/common.sh"

start_sink
printf 'EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nQUIT\n' |
	"$SMTPSCOPE" "127.0.0.1:$SINK_PORT" >"$T/out" 2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ $rc -eq 0 ] || fail "exit status $rc"
assert_grep '^S: 220 ' "$T/out"
assert_grep '^S: 250-PIPELINING' "$T/out"
assert_grep '^C: MAIL FROM:<a@example.org>$' "$T/out"
assert_grep '^C: RCPT TO:<b@example.org>$' "$T/out"
assert_grep '^S: 221 ' "$T/out"
replies=$(grep -c '^S: [0-9][0-9][0-9] ' "$T/out")
notes=$(grep -c '^   = ' "$T/out")
[ "$replies" -eq 5 ] || fail "expected 5 replies, got $replies"
[ "$notes" -eq 5 ] || fail "expected 5 explanations, got $notes"
[ ! -s "$T/err" ] || { LAST_OUT=$T/err; fail "unexpected errors"; }

# a server that drops the connection mid-session: exit 1, one line
start_sink -q MAIL
printf 'EHLO me\nMAIL FROM:<a@example.org>\n' |
	"$SMTPSCOPE" "127.0.0.1:$SINK_PORT" >"$T/out2" 2>"$T/err2"
rc=$?
[ $rc -eq 1 ] || { LAST_OUT=$T/out2; fail "lost connection exits $rc, not 1"; }
LAST_OUT=$T/err2
assert_grep 'closed by 127\.0\.0\.1:[0-9]+ without a 221' "$T/err2"
exit 0
