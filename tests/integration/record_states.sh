#!/bin/sh
# --record with -v: each state change is written as a "# state a -> b"
# comment right after the event that caused it; the file still replays,
# and :state shows the same changes.  Without -v there are none.
. "$TOP_SRCDIR/tests/lib/common.sh"
start_practice
S=127.0.0.1:$PRACTICE_PORT

printf '%s\n' 'EHLO client.example' 'MAIL FROM:<alice@example.org>' \
    'RCPT TO:<bob@example.org>' 'RSET' ':state' 'QUIT' >"$T/in"
LAST_OUT=$T/console
"$SMTPSCOPE" --plain -v --record "$T/rec.smtp" "$S" <"$T/in" >"$T/console" 2>&1 ||
	fail "recording session failed"
assert_grep '^state changes: connected -> greeted -> ready -> mail -> rcpt -> ready$' "$T/console"

# The comments, in order, each after the reply that moved the state.
# (Whether the close after the 221 is seen before the end depends on
# when the server's FIN is read: left out.)
LAST_OUT=$T/rec.smtp
grep -E '^(# state |[CS]: [0-9A-Z]{3,4})' "$T/rec.smtp" | grep -v ' -> closed$' |
    sed -E 's/^(S: [0-9]{3}).*/\1/; s/^(C: [A-Z]+).*/\1/' |
    uniq >"$T/events"
cat >"$T/expected" <<'X'
S: 220
# state connected -> greeted
C: EHLO
S: 250
# state greeted -> ready
C: MAIL
S: 250
# state ready -> mail
C: RCPT
S: 250
# state mail -> rcpt
C: RSET
S: 250
# state rcpt -> ready
C: QUIT
S: 221
# state ready -> quit
X
LAST_OUT=$T/events
cmp -s "$T/expected" "$T/events" || {
	diff "$T/expected" "$T/events" >"$T/diff"; LAST_OUT=$T/diff
	fail "state comments missing or out of place"; }

# Comments are comments: the recording replays.
LAST_OUT=$T/out
"$SMTPSCOPE" replay "$T/rec.smtp" >"$T/out" 2>&1 || fail "replay of the recording"
assert_grep ' 0 mismatches$' "$T/out"

# Without -v the recording has no state comments.
"$SMTPSCOPE" --plain --record "$T/quiet.smtp" "$S" <"$T/in" >"$T/console" 2>&1 ||
	fail "recording without -v failed"
assert_no_grep '^# state ' "$T/quiet.smtp"
exit 0
