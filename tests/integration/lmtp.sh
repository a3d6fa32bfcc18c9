#!/bin/sh
# LMTP (RFC 2033): against aiosmtpd's LMTP class, on a Unix socket and on
# TCP, whose handler refuses one recipient after the data; against the
# practice server in LMTP mode; and the replay of an LMTP recording.  Each
# reply after the end of data is paired with its recipient on the screen,
# in the recording and in replay's reports.
. "$TOP_SRCDIR/tests/lib/common.sh"

"$PYTHON" -c 'import aiosmtpd.lmtp' 2>/dev/null ||
    skip "aiosmtpd not installed (Debian package python3-aiosmtpd)"
sock=$T/lmtp.sock
start_server lmtp "$PYTHON" "$TOP_SRCDIR/tests/lib/lmtp_server.py" \
    --unix "$sock"
LMTP_PORT=$SERVER_PORT

session() {
	printf '%s\n' 'LHLO client.example' 'MAIL FROM:<a@example.org>' \
	    'RCPT TO:<one@example.test>' 'RCPT TO:<refused@example.test>' \
	    'RCPT TO:<two@example.test>' 'DATA' 'Subject: lmtp' '' 'hi' '.' \
	    'QUIT'
}

# --- a Unix socket: unix:PATH speaks LMTP ----------------------------------
session | "$SMTPSCOPE" --record "$T/unix.smtp" "unix:$sock" >"$T/out" \
    2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ $rc -eq 0 ] || { cat "$T/err" >&2; fail "unix: exit status $rc"; }
assert_grep '^\* connected to unix:' "$T/out"
assert_grep '^C: LHLO client\.example$' "$T/out"
assert_grep '^S: 250 2\.0\.0 <one@example\.test>: delivered$' "$T/out"
# each reply after the data beside its recipient, in RCPT order
grep -A1 '^S: 250 2.0.0 <one@' "$T/out" | grep -q \
    '^   for <one@example\.test>, recipient 1 of 3 (RFC 2033 4\.2)$' ||
    fail "the first reply is not paired with its recipient"
grep -A1 '^S: 550 5.1.1 <refused@' "$T/out" | grep -q \
    '^   for <refused@example\.test>, recipient 2 of 3' ||
    fail "the refused recipient's reply is not paired"
grep -A1 '^S: 250 2.0.0 <two@' "$T/out" | grep -q \
    '^   for <two@example\.test>, recipient 3 of 3' ||
    fail "the third reply is not paired"
assert_grep '^S: 221 ' "$T/out"
assert_grep 'message from a@example.org to one@example.test,refused@example.test,two@example.test: 250,550,250' "$T/lmtp.err"
# the recording names the server and pairs each reply in a comment
LAST_OUT=$T/unix.smtp
assert_grep "^# server unix:$sock at " "$T/unix.smtp"
grep -A1 '^# for <refused@example.test>, recipient 2 of 3' "$T/unix.smtp" |
    grep -q '^S: 550 5\.1\.1 ' || fail "recording: no pairing comment"

# --- TCP: lmtp://HOST:PORT, and --lmtp HOST:PORT ---------------------------
session | "$SMTPSCOPE" --record "$T/tcp.smtp" \
    "lmtp://127.0.0.1:$LMTP_PORT" >"$T/out2" 2>&1
rc=$?
LAST_OUT=$T/out2
[ $rc -eq 0 ] || fail "lmtp://: exit status $rc"
assert_grep "^\* connected to lmtp://127\.0\.0\.1:$LMTP_PORT " "$T/out2"
assert_grep '^   for <refused@example\.test>, recipient 2 of 3 ' "$T/out2"
assert_grep "^# server lmtp://127\.0\.0\.1:$LMTP_PORT at " "$T/tcp.smtp"
# the checker knows the protocol: EHLO is LMTP's mistake, LHLO SMTP's
printf '%s\n' 'EHLO client.example' 'LHLO client.example' 'QUIT' |
	"$SMTPSCOPE" --lmtp "127.0.0.1:$LMTP_PORT" >"$T/out3" 2>&1
LAST_OUT=$T/out3
assert_grep '^  warning: LMTP has no EHLO: an LMTP server does not know it; use LHLO \(RFC 2033 4\.1\)$' "$T/out3"
assert_grep '^S: 500 ' "$T/out3"
assert_grep '^S: 250-' "$T/out3"
# lmtp:// needs its port: RFC 2033 names none
"$SMTPSCOPE" lmtp://127.0.0.1 </dev/null >"$T/out4" 2>&1
[ $? -eq 2 ] || fail "lmtp:// without a port: not a usage error"
LAST_OUT=$T/out4
assert_grep 'wants a port' "$T/out4"

# --json: each reply after the data names its recipient
session | "$SMTPSCOPE" --json "unix:$sock" >"$T/lmtp.json" 2>&1
[ $? -eq 0 ] || { LAST_OUT=$T/lmtp.json; fail "--json over LMTP"; }
"$PYTHON" "$TOP_SRCDIR/tests/lib/jsonl_check.py" "$TOP_SRCDIR/docs/json.md" \
    "$T/lmtp.json" --want 'connect:protocol="lmtp"' \
    --want "connect:server=\"unix:$sock\"" \
    --want 'reply:recipient.mailbox="refused@example.test"' \
    --want 'reply:recipient.index=3' --want 'reply:recipient.count=3' \
    >"$T/check" 2>&1 || { LAST_OUT=$T/check; fail "LMTP JSON"; }

# --- replay: the per-recipient replies are expectations of their own ------
"$SMTPSCOPE" replay "$T/unix.smtp" >"$T/r1" 2>&1
rc=$?
LAST_OUT=$T/r1
[ $rc -eq 0 ] || fail "replay of the Unix socket recording: exit $rc"
assert_grep 'replies checked, 0 mismatches' "$T/r1"
"$SMTPSCOPE" replay -v "$T/tcp.smtp" "lmtp://127.0.0.1:$LMTP_PORT" \
    >"$T/r2" 2>&1
[ $? -eq 0 ] || fail "replay over TCP"
LAST_OUT=$T/r2
assert_grep ': ok: 550 after the end of the body, for <refused@example\.test>, recipient 2 of 3 \(RFC 2033 4\.2\)$' "$T/r2"
# a recording that expects the refused recipient to be taken: the
# mismatch names that recipient
sed 's/^S: 550 5\.1\.1 <refused.*/S: 250/' "$T/tcp.smtp" >"$T/wrong.smtp"
"$SMTPSCOPE" replay --tap "$T/wrong.smtp" >"$T/r3" 2>&1
rc=$?
LAST_OUT=$T/r3
[ $rc -eq 1 ] || fail "a per-recipient mismatch: exit $rc, want 1"
assert_grep '^not ok [0-9]+ - line [0-9]+: 550 after the end of the body, for <refused@example\.test>, recipient 2 of 3 \(RFC 2033 4\.2\), expected 250$' "$T/r3"

# --- the practice server in LMTP mode ---------------------------------------
start_practice --lmtp --scenario mailbox-full
assert_grep 'practice LMTP server listening on ' "$T/practice.out"
printf '%s\n' 'LHLO me' 'MAIL FROM:<a@example.org>' \
    'RCPT TO:<b@example.org>' 'RCPT TO:<full@example.org>' 'DATA' 'hi' \
    '.' 'HELO me' 'QUIT' |
	"$SMTPSCOPE" --lmtp --record "$T/practice.smtp" \
	    "127.0.0.1:$PRACTICE_PORT" >"$T/p1" 2>&1
rc=$?
LAST_OUT=$T/p1
[ $rc -eq 0 ] || fail "practice --lmtp: exit $rc"
assert_grep '^S: 220 practice\.smtpscope\.test LMTP ' "$T/p1"
assert_grep '^S: 250 2\.0\.0 <b@example\.org> Delivered as message 1 ' "$T/p1"
grep -A1 '^S: 452 4.2.2 <full@example.org>' "$T/p1" | grep -q \
    '^   for <full@example\.org>, recipient 2 of 2 ' ||
    fail "practice: the mailbox refused after the data is not paired"
assert_grep '^S: 500 5\.5\.2 LMTP has no HELO' "$T/p1"
"$SMTPSCOPE" replay "$T/practice.smtp" >"$T/r4" 2>&1
[ $? -eq 0 ] || { LAST_OUT=$T/r4; fail "replay against serve --lmtp"; }
# smtpscope --lmtp practice: the child server speaks LMTP too
printf '%s\n' 'LHLO me' 'QUIT' | "$SMTPSCOPE" --lmtp practice >"$T/p2" 2>&1
LAST_OUT=$T/p2
assert_grep '^S: 220 practice\.smtpscope\.test LMTP ' "$T/p2"
assert_grep '^S: 250-PIPELINING' "$T/p2"
# after STARTTLS the session starts over with LHLO, not EHLO (RFC 3207
# 4.2, RFC 2033 4.1)
printf '%s\n' 'LHLO me' 'QUIT' | "$SMTPSCOPE" --lmtp --starttls --insecure \
    practice >"$T/p3" 2>&1
LAST_OUT=$T/p3
assert_grep '^\* TLS \(starttls\): ' "$T/p3"
[ "$(grep -c '^C: LHLO me$' "$T/p3")" = 2 ] || fail "no LHLO after STARTTLS"
assert_no_grep '^C: EHLO' "$T/p3"
exit 0
