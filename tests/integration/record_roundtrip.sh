#!/bin/sh
# Record a session with --record (and :save), replay the recording; secrets
# are masked in it and taken from the environment on replay.
. "$TOP_SRCDIR/tests/lib/common.sh"
start_practice
S=127.0.0.1:$PRACTICE_PORT

printf '%s\n' 'EHLO client.example' 'MAIL FROM:<alice@example.org>' \
    'RCPT TO:<bob@example.org>' 'DATA' 'Subject: round trip' '' \
    '.a line with a leading dot' 'trailing blank ' '.' \
    ":save $T/saved.smtp" 'QUIT' >"$T/in"
LAST_OUT=$T/console
"$SMTPSCOPE" --plain --record "$T/rec.smtp" "$S" <"$T/in" >"$T/console" 2>&1 ||
	fail "recording session failed"
LAST_OUT=$T/rec.smtp
assert_grep '^# smtpscope session 1$' "$T/rec.smtp"
head -n 1 "$T/rec.smtp" | grep -q '^# smtpscope session 1$' || fail "version not on line 1"
assert_grep "^# server 127\\.0\\.0\\.1:$PRACTICE_PORT at " "$T/rec.smtp"
assert_grep '^S: 220 ' "$T/rec.smtp"
assert_grep '^C: EHLO client\.example$' "$T/rec.smtp"
assert_grep '^S: 250-' "$T/rec.smtp"
# body lines as typed (unstuffed), the empty line as "D:", the trailing
# blank escaped, the end as "D: ."
assert_grep '^D: \.a line with a leading dot$' "$T/rec.smtp"
assert_grep '^D:$' "$T/rec.smtp"
assert_grep '^D: trailing blank\\x20$' "$T/rec.smtp"
assert_grep '^D: \.$' "$T/rec.smtp"
assert_grep '^C: QUIT$' "$T/rec.smtp"
assert_grep '^S: 221 ' "$T/rec.smtp"

# --latency: each reply's latency as a comment after it
printf '%s\n' 'EHLO client.example' 'QUIT' >"$T/in"
LAST_OUT=$T/console
"$SMTPSCOPE" --plain --latency --record "$T/lat.smtp" "$S" <"$T/in" \
    >"$T/console" 2>&1 || fail "--latency session failed"
LAST_OUT=$T/lat.smtp
[ "$(grep -c '^# +[0-9]*\.[0-9]ms$' "$T/lat.smtp")" = 3 ] ||
	fail "--latency: not one comment for each of the 3 replies"
grep -A 1 '^S: 221 ' "$T/lat.smtp" | grep -q '^# +[0-9]*\.[0-9]ms$' ||
	fail "--latency: the comment does not follow its reply"
assert_no_grep '^# \+[0-9]' "$T/rec.smtp"

# Replay the recording against the same server: the server comes from the
# "# server" header line.
LAST_OUT=$T/out
"$SMTPSCOPE" replay "$T/rec.smtp" >"$T/out" 2>&1 || fail "replay of the recording"
assert_grep ' 0 mismatches$' "$T/out"
# Recording a replay gives the same events again.
"$SMTPSCOPE" replay --record "$T/rec2.smtp" "$T/rec.smtp" >"$T/out" 2>&1 ||
	fail "replay with --record"
grep -E '^[CD]:' "$T/rec.smtp" >"$T/a"
grep -E '^[CD]:' "$T/rec2.smtp" >"$T/b"
cmp -s "$T/a" "$T/b" || { diff "$T/a" "$T/b" >"$T/out"; fail "C:/D: lines differ after a round trip"; }

# :save wrote the session so far (up to the body end), and it replays.
LAST_OUT=$T/console
[ -s "$T/saved.smtp" ] || fail ":save wrote nothing"
LAST_OUT=$T/saved.smtp
assert_grep '^D: \.$' "$T/saved.smtp"
assert_no_grep '^C: QUIT' "$T/saved.smtp"
LAST_OUT=$T/out
"$SMTPSCOPE" replay "$T/saved.smtp" "$S" >"$T/out" 2>&1 || fail "replay of :save"

# Secrets: the AUTH argument and 334 answers are masked.  The practice
# server does not offer AUTH, so it answers 502; the argument must not be
# in the file all the same.
printf '%s\n' 'EHLO client.example' '!AUTH PLAIN AGFsaWNlAHNlY3JldA==' 'QUIT' >"$T/in"
LAST_OUT=$T/console
"$SMTPSCOPE" --plain --record "$T/auth.smtp" "$S" <"$T/in" >"$T/console" 2>&1 ||
	fail "auth session failed"
LAST_OUT=$T/auth.smtp
assert_grep '^C: AUTH PLAIN \*\*\*\*\*\*\*\*$' "$T/auth.smtp"
assert_no_grep 'AGFsaWNl' "$T/auth.smtp"
unset SMTPSCOPE_SECRET SMTPSCOPE_SECRET_1 2>/dev/null || true
LAST_OUT=$T/err
rc=0; "$SMTPSCOPE" replay "$T/auth.smtp" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "masked secret without environment: exit $rc, expected 2"
assert_grep 'auth\.smtp:[0-9]+: masked secret: set SMTPSCOPE_SECRET_1 or SMTPSCOPE_SECRET' "$T/err"
LAST_OUT=$T/out
SMTPSCOPE_SECRET_1=AGFsaWNlAHNlY3JldA== "$SMTPSCOPE" replay -v "$T/auth.smtp" \
    >"$T/out" 2>&1 || fail "replay with the secret from the environment"
# what was sent is shown masked too
assert_grep '^C: AUTH PLAIN \*\*\*\*\*\*\*\*$' "$T/out"
assert_no_grep 'AGFsaWNl' "$T/out"
# --show-secrets keeps them
printf '%s\n' 'EHLO client.example' '!AUTH PLAIN AGFsaWNlAHNlY3JldA==' 'QUIT' >"$T/in"
"$SMTPSCOPE" --plain --show-secrets --record "$T/shown.smtp" "$S" <"$T/in" \
    >"$T/console" 2>&1 || fail "--show-secrets session failed"
LAST_OUT=$T/shown.smtp
assert_grep '^C: AUTH PLAIN AGFsaWNlAHNlY3JldA==$' "$T/shown.smtp"
