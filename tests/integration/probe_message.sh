#!/bin/sh
# A test message without a console (--to, --from, --header, --body)
# against the practice server: it arrives byte for byte as built (its
# --store keeps it), the fields not given are made (RFC 5322), a body
# from a file or from the command line, dots and
# line ends as a message wants them; refused recipients (the
# unknown-user scenario) and a server that does not know EHLO (no-esmtp:
# HELO instead); every step shown as in plain mode; the exit status.
. "$TOP_SRCDIR/tests/lib/common.sh"

mkdir -p "$T/store"
start_practice --store "$T/store"
port=$PRACTICE_PORT

# the last message stored
stored() { ls "$T/store"/*.eml | sort -V | tail -n 1; }

# --- every field given: the message is exactly what was asked for --------
printf 'first line\r\n.leading dot\n..two dots\nlast line, no line end' >"$T/body"
"$SMTPSCOPE" --from a@example.org --to '<b@example.org>' --to c@example.org \
    --header 'Date: Mon, 30 Nov 2026 10:00:00 +0100' \
    --header 'Message-ID: <fixed.1@example.org>' \
    --header 'Subject: exact' --header 'X-Test: yes' --body "$T/body" \
    --record "$T/msg.smtp" "127.0.0.1:$port" >"$T/out" 2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ "$rc" = 0 ] || fail "exit status $rc, expected 0"
[ ! -s "$T/err" ] || { LAST_OUT=$T/err; fail "errors said"; }
printf '%s\r\n' 'From: a@example.org' 'To: b@example.org, c@example.org' \
    'Date: Mon, 30 Nov 2026 10:00:00 +0100' \
    'Message-ID: <fixed.1@example.org>' 'Subject: exact' 'X-Test: yes' '' \
    'first line' '.leading dot' '..two dots' 'last line, no line end' \
    >"$T/expected"
cmp "$T/expected" "$(stored)" ||
    { LAST_OUT=$(stored); fail "the stored message differs from the one built"; }
env=$(stored | sed 's/\.eml$/.env/')
assert_grep '^MAIL FROM:<a@example\.org>' "$env"
assert_grep '^RCPT TO:<b@example\.org>' "$env"
assert_grep '^RCPT TO:<c@example\.org>' "$env"
# shown as in plain mode: each line sent, each reply explained
assert_grep '^S: 220 ' "$T/out"
assert_grep '^C: MAIL FROM:<a@example\.org>$' "$T/out"
# each body line as it went on the wire: the leading dot doubled
assert_grep '^D: \.\.leading dot$' "$T/out"
assert_grep '^D: \.\.\.two dots$' "$T/out"
assert_grep '^D: \.$' "$T/out"
replies=$(grep -c '^S: [0-9][0-9][0-9] ' "$T/out")
notes=$(grep -c '^   = ' "$T/out")
[ "$replies" = "$notes" ] || fail "$replies replies but $notes explanations"
assert_grep '^   = \[[0-9.]+ ms\] 250 after end of data: ' "$T/out"
# --record keeps it all, and replays green
LAST_OUT=$T/msg.smtp
# (as typed: a D: line is stuffed when replayed)
assert_grep '^D: \.leading dot$' "$T/msg.smtp"
"$SMTPSCOPE" replay "$T/msg.smtp" "127.0.0.1:$port" >"$T/replay.out" 2>&1 ||
    { LAST_OUT=$T/replay.out; fail "the recording does not replay"; }

# --- nothing given but the envelope: the fields are made ------------------
"$SMTPSCOPE" --from a@example.org --to b@example.org --ehlo client.example \
    "127.0.0.1:$port" >"$T/out2" 2>&1 || fail "default message: not sent"
m=$(stored)
LAST_OUT=$m
# RFC 5322 3.3, 3.6.2-3.6.5, 2.1
assert_grep '^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}.$' "$m"
assert_grep '^From: a@example\.org.$' "$m"
assert_grep '^To: b@example\.org.$' "$m"
assert_grep '^Subject: test message from smtpscope ' "$m"
assert_grep '^Message-ID: <[0-9]{14}\.[0-9a-f]{24}@example\.org>.$' "$m"
assert_grep '^This is a test message sent by smtpscope ' "$m"
[ "$(sed -n 6p "$m")" = "$(printf '\r')" ] || fail "no empty line after the 5 fields"
assert_grep '^C: EHLO client\.example$' "$T/out2"

# --- the body as text -------------------------------------------------------
"$SMTPSCOPE" --from a@example.org --to b@example.org --body 'just this' \
    "127.0.0.1:$port" >"$T/out3" 2>&1 || fail "--body TEXT: not sent"
[ "$(tail -n 1 "$(stored)")" = "$(printf 'just this\r')" ] ||
    { LAST_OUT=$(stored); fail "--body TEXT: not the body"; }

# a --body that names a file that cannot be read: a usage error, before
# anything is sent
"$SMTPSCOPE" --from a@example.org --to b@example.org --body "$T/store" \
    "127.0.0.1:$port" >"$T/out9" 2>&1
rc=$?
LAST_OUT=$T/out9
[ "$rc" = 2 ] || fail "unreadable --body: exit status $rc, expected 2"
assert_grep '^smtpscope: --body ".*store": .*store.*directory' "$T/out9"
assert_no_grep '^C: ' "$T/out9"

# the null sender, its From given
"$SMTPSCOPE" --from '' --to b@example.org --header 'From: daemon@example.org' \
    "127.0.0.1:$port" >"$T/out5" 2>&1 || fail "null sender: not sent"
assert_grep '^C: MAIL FROM:<>$' "$T/out5"
assert_grep '^From: daemon@example\.org.$' "$(stored)"

# --- refused recipients ---------------------------------------------------
start_practice --scenario unknown-user --store "$T/store"
"$SMTPSCOPE" --from a@example.org --to unknown1@example.org \
    --to b@example.org "127.0.0.1:$PRACTICE_PORT" >"$T/out6" 2>&1
rc=$?
LAST_OUT=$T/out6
[ "$rc" = 0 ] || fail "one recipient refused: exit status $rc, expected 0"
assert_grep '^S: 550 5\.1\.1 ' "$T/out6"
assert_grep '^! warning: 1 of 2 recipients refused: the message goes to the 1 accepted$' "$T/out6"
assert_grep '^C: DATA$' "$T/out6"
"$SMTPSCOPE" --from a@example.org --to unknown1@example.org \
    "127.0.0.1:$PRACTICE_PORT" >"$T/out7" 2>&1
rc=$?
LAST_OUT=$T/out7
[ "$rc" = 1 ] || fail "every recipient refused: exit status $rc, expected 1"
assert_no_grep '^C: DATA' "$T/out7"
assert_grep '^C: QUIT$' "$T/out7"

# --- a server that does not know EHLO: HELO instead (RFC 5321 3.2) --------
start_practice --scenario no-esmtp
"$SMTPSCOPE" --from a@example.org --to b@example.org \
    "127.0.0.1:$PRACTICE_PORT" >"$T/out8" 2>&1
rc=$?
LAST_OUT=$T/out8
[ "$rc" = 0 ] || fail "no-esmtp: exit status $rc, expected 0"
assert_grep '^S: 502 ' "$T/out8"
assert_grep '^\* EHLO answered 502: HELO instead \(RFC 5321 3\.2\)$' "$T/out8"
assert_grep '^C: HELO ' "$T/out8"
assert_grep '^S: 250 Message accepted' "$T/out8"
exit 0
