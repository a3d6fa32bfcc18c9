#!/bin/sh
# A reply that does not match: exit 1 and a clear report; --keep-going goes
# on; --tap prints one test per expectation; --strict compares the text.
. "$TOP_SRCDIR/tests/lib/common.sh"
start_practice
S=127.0.0.1:$PRACTICE_PORT
cat >"$T/bad.smtp" <<'X'
# smtpscope session 1
S: 220
C: EHLO client.example
S: 250-
S: 250
C: RCPT TO:<bob@example.org>
S: 250
C: MAIL FROM:<alice@example.org>
S: 250
C: FROB
S: 500 5.5.3
C: QUIT
S: 221
X
LAST_OUT=$T/out
rc=0; "$SMTPSCOPE" replay "$T/bad.smtp" "$S" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "mismatch: exit $rc, expected 1"
assert_grep 'bad\.smtp:7: mismatch after "RCPT TO:<bob@example\.org>": expected 250' "$T/out"
assert_grep '^  expected: 250$' "$T/out"
assert_grep '^  received: 503 5\.5\.1 ' "$T/out"
# the annotation's first line, under the reply
assert_grep '^            503 after RCPT' "$T/out"
assert_grep ': 3 replies checked, 1 mismatch$' "$T/out"
# stopped at the first mismatch: line 11 was never checked
assert_no_grep 'bad\.smtp:11' "$T/out"

rc=0; "$SMTPSCOPE" replay --keep-going "$T/bad.smtp" "$S" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "--keep-going: exit $rc, expected 1"
assert_grep 'bad\.smtp:7: mismatch' "$T/out"
assert_grep 'bad\.smtp:11: mismatch after "FROB": expected enhanced code 5\.5\.3, got 5\.5\.2' "$T/out"
assert_grep ': 6 replies checked, 2 mismatches$' "$T/out"

LAST_OUT=$T/tap
rc=0; "$SMTPSCOPE" replay --tap --keep-going "$T/bad.smtp" "$S" >"$T/tap" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "--tap: exit $rc, expected 1"
assert_grep '^ok 1 - line 2: 220 greeting$' "$T/tap"
assert_grep '^ok 2 - line 4: 250 after EHLO$' "$T/tap"
assert_grep '^not ok 3 - line 7: 503 after RCPT, expected 250$' "$T/tap"
assert_grep '^ok 4 - line 9: 250 after MAIL$' "$T/tap"
assert_grep '^not ok 5 - line 11: 500 after FROB, expected enhanced code 5\.5\.3, got 5\.5\.2$' "$T/tap"
assert_grep '^ok 6 - line 13: 221 after QUIT$' "$T/tap"
assert_grep '^1\.\.6$' "$T/tap"
assert_grep '^#  received: 503 5\.5\.1' "$T/tap"

# Text is ignored unless --strict.
cat >"$T/text.smtp" <<'X'
# smtpscope session 1
S: 220 some other greeting
C: NOOP
S: 250 this text is not what the server says
C: QUIT
S: 221
X
LAST_OUT=$T/out
"$SMTPSCOPE" replay "$T/text.smtp" "$S" >"$T/out" 2>&1 || fail "text ignored"
rc=0; "$SMTPSCOPE" replay --strict "$T/text.smtp" "$S" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "--strict: exit $rc, expected 1"
assert_grep 'text\.smtp:2: mismatch in the greeting: the text differs \(--strict\)' "$T/out"

# A reply nobody expected, and an expectation no reply answers.
cat >"$T/count.smtp" <<'X'
# smtpscope session 1
S: 220
C: NOOP
C: NOOP
S: 250
C: QUIT
S: 221
S: 250
X
rc=0; "$SMTPSCOPE" replay --keep-going "$T/count.smtp" "$S" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "counts: exit $rc, expected 1"
assert_grep 'count\.smtp:6: mismatch after "NOOP": unexpected reply' "$T/out"
assert_grep 'count\.smtp:8: mismatch after "QUIT": no reply came' "$T/out"
