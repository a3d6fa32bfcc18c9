#!/bin/sh
# The plain console in a pipe against the built-in practice server: every
# reply is printed with its explanation, a body is dot-stuffed on the way
# out and arrives intact, order warnings appear, the exit status is 0.
. "$TOP_SRCDIR/tests/lib/common.sh"

mkdir -p "$T/store"
start_practice --store "$T/store"

printf '%s\n' 'EHLO me' 'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' \
    'DATA' 'Subject: dots' '' '.leading dot' '..two dots' '.' \
    'RCPT TO:<c@example.org>' 'QUIT' |
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out" 2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ $rc -eq 0 ] || fail "exit status $rc"
assert_grep '^S: 220 ' "$T/out"
assert_grep '^C: EHLO me$' "$T/out"
assert_grep '^S: 250-PIPELINING' "$T/out"
assert_grep '^S: 354 ' "$T/out"
# what went on the wire: the leading dot doubled, said once
assert_grep '^D: \.\.leading dot$' "$T/out"
assert_grep '^D: \.\.\.two dots$' "$T/out"
[ "$(grep -c 'the dot doubled' "$T/out")" = 1 ] ||
    fail "dot-stuffing not explained exactly once"
assert_grep '^S: 221 ' "$T/out"
# every reply is followed by its explanation line
replies=$(grep -c '^S: [0-9][0-9][0-9] ' "$T/out")
notes=$(grep -c '^   = ' "$T/out")
[ "$replies" -eq "$notes" ] || fail "$replies replies but $notes explanations"
[ "$replies" -ge 8 ] || fail "only $replies replies"
# RCPT after the transaction ended: warned about, sent, answered 503
assert_grep '^! warning: RCPT before MAIL' "$T/out"
assert_grep '^S: 503 5\.5\.1' "$T/out"

# the body arrived unstuffed and byte-exact
printf 'Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n' >"$T/expected"
msg=$(ls "$T/store"/*.eml | head -n 1)
[ -n "$msg" ] || fail "no message stored"
cmp "$T/expected" "$msg" || fail "stored body differs from what was typed"

# one line per reply by default; -v gives the whole explanation
assert_no_grep '^     next: ' "$T/out"
printf '%s\n' 'EHLO me' 'QUIT' |
	"$SMTPSCOPE" -v "127.0.0.1:$PRACTICE_PORT" >"$T/outv" 2>&1
LAST_OUT=$T/outv
assert_grep '^     next: ' "$T/outv"
assert_grep '^       PIPELINING: ' "$T/outv"

# a syntax error is not sent (exit still 0: the session ended normally)
printf '%s\n' 'EHLO me' 'RCPT TO:a@b' 'QUIT' |
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out2" 2>"$T/err2"
[ $? -eq 0 ] || fail "exit status with a syntax error"
LAST_OUT=$T/out2
assert_grep '^  RCPT TO:a@b$' "$T/out2"
assert_grep '^  +\^' "$T/out2"
assert_grep 'not sent' "$T/err2"
assert_no_grep '^C: RCPT' "$T/out2"

# ...unless forced with !
printf '%s\n' 'EHLO me' 'MAIL FROM:<a@b.example>' '!RCPT TO:a@b' 'QUIT' |
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out3" 2>&1
LAST_OUT=$T/out3
assert_grep '^C: RCPT TO:a@b$' "$T/out3"
assert_grep '^S: 501 ' "$T/out3"

# --no-check sends everything
printf '%s\n' 'EHLO me' 'RCPT TO:a@b' 'QUIT' |
	"$SMTPSCOPE" --no-check "127.0.0.1:$PRACTICE_PORT" >"$T/out4" 2>&1
LAST_OUT=$T/out4
assert_grep '^C: RCPT TO:a@b$' "$T/out4"

# :data FILE sends a file as the body, dot-stuffed
printf 'Subject: file\n\n.\n..\nend\n' >"$T/body.txt"
rm -f "$T/store"/*
printf '%s\n' 'EHLO me' 'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' \
    ":data $T/body.txt" ':state' 'QUIT' |
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out5" 2>&1
LAST_OUT=$T/out5
assert_grep '^S: 354' "$T/out5"
assert_grep '^S: 250 2\.0\.0' "$T/out5"
assert_grep 'state ready' "$T/out5"
printf 'Subject: file\r\n\r\n.\r\n..\r\nend\r\n' >"$T/expected5"
msg=$(ls "$T/store"/*.eml | head -n 1)
cmp "$T/expected5" "$msg" || fail ":data body differs"

# :bdat FILE CHUNK sends RFC 3030 chunks
rm -f "$T/store"/*
printf '%s\n' 'EHLO me' 'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' \
    ":bdat $T/body.txt 7" 'QUIT' |
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out6" 2>&1
LAST_OUT=$T/out6
assert_grep '^C: BDAT 7$' "$T/out6"
assert_grep '^C: BDAT [0-9]+ LAST$' "$T/out6"
msg=$(ls "$T/store"/*.eml | head -n 1)
printf 'Subject: file\r\n\r\n.\r\n..\r\nend\r\n' >"$T/expected6"
cmp "$T/expected6" "$msg" || fail ":bdat body differs"

# with BODY=BINARYMIME the file goes octet for octet (RFC 3030 3):
# bare LFs and a NUL byte arrive unchanged
rm -f "$T/store"/*
printf 'bin\nary\000\r\nend' >"$T/binary"
printf '%s\n' 'EHLO me' 'MAIL FROM:<a@example.org> BODY=BINARYMIME' \
    'RCPT TO:<b@example.org>' ":bdat $T/binary" 'QUIT' |
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out6b" 2>&1
LAST_OUT=$T/out6b
assert_grep '^C: BDAT 13 LAST$' "$T/out6b"
msg=$(ls "$T/store"/*.eml | head -n 1)
cmp "$T/binary" "$msg" || fail ":bdat BINARYMIME body was changed"

# a recording of BDAT says what it could not keep
printf '%s\n' 'EHLO me' 'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' \
    ":bdat $T/body.txt" 'QUIT' |
	"$SMTPSCOPE" --record "$T/bdat.smtp" "127.0.0.1:$PRACTICE_PORT" >/dev/null 2>&1
LAST_OUT=$T/bdat.smtp
assert_grep '^C: BDAT 29 LAST$' "$T/bdat.smtp"
assert_grep '^# \(29 octets of chunk data sent\)$' "$T/bdat.smtp"

# :help VERB explains one verb from the table; :explain a code
printf '%s\n' ':help mail' ':help SEND' ':help BOGUS' ':explain 550 5.1.1' \
    ':explain 999' 'QUIT' |
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out8" 2>"$T/err8"
LAST_OUT=$T/out8
assert_grep '^  syntax: MAIL FROM:<reverse-path>' "$T/out8"
assert_grep '^  defined in: RFC 5321 4\.1\.1\.2' "$T/out8"
assert_grep 'verbs are case-insensitive: MAIL and mail mean the same' "$T/out8"
assert_grep '^SEND \(obsolete\)' "$T/out8"
assert_grep '^550 Requested action not taken: mailbox unavailable' "$T/out8"
assert_grep '5\.1\.1 Bad destination mailbox address' "$T/out8"
LAST_OUT=$T/err8
assert_grep 'no SMTP verb "BOGUS"' "$T/err8"
assert_grep '999 is not an SMTP reply code' "$T/err8"

# :save writes the session so far as a session file
printf '%s\n' 'EHLO me' "AUTH PLAIN AGFAYg==" ":save $T/saved.smtp" 'QUIT' |
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out7" 2>&1
LAST_OUT=$T/saved.smtp
[ -f "$T/saved.smtp" ] || fail ":save wrote nothing"
assert_grep '^# smtpscope session 1' "$T/saved.smtp"
assert_grep '^C: EHLO me$' "$T/saved.smtp"
assert_grep '^S: 250' "$T/saved.smtp"
assert_grep '^C: AUTH PLAIN \*\*\*\*\*\*\*\*' "$T/saved.smtp"
assert_no_grep 'AGFAYg' "$T/saved.smtp"
exit 0
