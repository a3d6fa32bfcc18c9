#!/bin/sh
# --learn (on by default in smtpscope practice) adds a "why:" line to
# each explanation; :lesson runs on the practice server only, with the
# scenario its lesson needs, and can be followed to the end in plain
# mode too.
. "$TOP_SRCDIR/tests/lib/common.sh"

session='EHLO me\nMAIL FROM:<a@example.org>\nQUIT\n'
printf "$session" | "$SMTPSCOPE" practice >"$T/out" 2>&1 || fail "practice"
LAST_OUT=$T/out
assert_grep '^     why: MAIL starts a transaction' "$T/out"
assert_grep '^     why: the server speaks first' "$T/out"
printf "$session" | "$SMTPSCOPE" practice --no-learn >"$T/out" 2>&1 || fail "--no-learn"
assert_no_grep 'why:' "$T/out"
# elsewhere it is off unless asked for
start_practice
printf "$session" | "$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out" 2>&1 || fail "host"
assert_no_grep 'why:' "$T/out"
printf "$session" | "$SMTPSCOPE" --learn "127.0.0.1:$PRACTICE_PORT" >"$T/out" 2>&1 || fail "--learn"
assert_grep '^     why: MAIL starts a transaction' "$T/out"
# -v: under the summary
printf "$session" | "$SMTPSCOPE" -v practice >"$T/out" 2>&1 || fail "-v"
assert_grep '^     why: ' "$T/out"

# :lesson needs the practice server ...
printf ':lesson\nQUIT\n' | "$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out" 2>&1
assert_grep 'lessons run on the practice server' "$T/out"
# ... its scenario, no open transaction, and an existing name.
printf ':lesson unknown-user\n:lesson nosuch\nEHLO me\nMAIL FROM:<a@example.org>\n:lesson\nQUIT\n' |
    "$SMTPSCOPE" practice >"$T/out" 2>&1
assert_grep 'lesson unknown-user needs the unknown-user scenario: start smtpscope practice --scenario unknown-user' "$T/out"
assert_grep 'no lesson "nosuch": the lessons are transaction, pipelining, starttls, unknown-user' "$T/out"
assert_grep 'a transaction is open: finish it or RSET, then :lesson' "$T/out"
assert_no_grep '^step ' "$T/out"

# The error lesson, followed to the end, one mistake on the way.
printf ':lesson unknown-user\nEHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<bob@example.org>\nRCPT TO:<nobody@example.org>\nRCPT TO:<bob@example.org>\nDATA\nSubject: hi\n\nhello\n.\nQUIT\n' |
    "$SMTPSCOPE" practice --scenario unknown-user --no-learn >"$T/out" 2>&1 ||
	fail "the unknown-user lesson"
assert_grep '^step 3/9 done: 250: the transaction is open' "$T/out"
assert_grep '^not quite: this step wants "nobody" in the command' "$T/out"
assert_grep '^step 4/9 done: 550 5\.1\.1: no such mailbox.*\(RFC 5321 4\.2\.1, 3\.3; RFC 3463 3\.2\)' "$T/out"
assert_grep '^lesson "unknown-user" complete, with 1 mistake along the way' "$T/out"
# the refused line was not sent
[ "$(grep -c '^C: RCPT TO:<bob@example.org>' "$T/out")" -eq 1 ] || fail "the wrong RCPT was sent"

# PIPELINING, in RFC 2920 groups: the replies explained in their turn.
printf ':lesson pipelining\nEHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nDATA\nhi\n.\nQUIT\n' |
    "$SMTPSCOPE" practice --no-learn --pipeline >"$T/out" 2>&1 || fail "the pipelining lesson"
assert_grep '^step 3/8 answered: 250 to MAIL FROM' "$T/out"
assert_grep '^step 5/8 done: 354, the third reply' "$T/out"
assert_grep '^lesson "pipelining" complete, with 0 mistakes' "$T/out"
# STARTTLS on the practice server, the lesson to its end.
printf ':lesson starttls\nEHLO me\nSTARTTLS\nEHLO me\nQUIT\n' |
    "$SMTPSCOPE" practice --no-learn >"$T/out" 2>&1 || fail "the starttls lesson"
assert_grep '^step 3/5 done: 220: the TLS handshake follows at once' "$T/out"
assert_grep '^\* TLS \(starttls\): TLSv1\.[23] .*verify=ok' "$T/out"
assert_grep '^lesson "starttls" complete, with 0 mistakes' "$T/out"
exit 0
