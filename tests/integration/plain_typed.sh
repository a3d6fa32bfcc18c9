#!/bin/sh
# What the plain console does with the lines it is given, in a pipe: an
# AUTH secret is masked wherever the line is shown, whatever its spacing;
# input that ends inside a message body is an error; a body line that
# reads as a command is pointed out once; a NUL is refused wherever it
# is, and octets that are not UTF-8 in a body; a long line is shown
# shortened around each problem, never repeated in full.
. "$TOP_SRCDIR/tests/lib/common.sh"

mkdir -p "$T/store"
start_practice --store "$T/store"
run() {
	"$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	cat "$T/out" "$T/err" >"$T/all"
	LAST_OUT=$T/all
}

# AUTH secrets: the line is refused (a space before the verb, a TAB) or
# warned about, and every echo of it (the diagnostic, the "send it with
# !" hint, the C: line) is masked.
printf '%s\n' 'EHLO me' ' AUTH PLAIN c2VjcmV0X29uZQ==' \
    "$(printf 'AUTH\tPLAIN c2VjcmV0X3R3bw==')" \
    'auth  plain c2VjcmV0X3RocmVl x' 'QUIT' | run
assert_grep '^   AUTH PLAIN \*\*\*\*\*\*\*\*$' "$T/all"
assert_grep 'auth  plain \*\*\*\*\*\*\*\*' "$T/all"
assert_no_grep 'c2VjcmV0' "$T/all"

# The input ends inside a body: said, exit status 1, nothing delivered.
# QUIT in the body is message text, and said so once.
printf '%s\n' 'EHLO me' 'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' \
    'DATA' 'Subject: cut' '' 'QUIT' 'RSET' | run
[ "$(cat "$T/rc")" = 1 ] || fail "exit status $(cat "$T/rc") when the input ended in a body"
assert_grep 'input ended inside the message body.*nothing was sent' "$T/err"
assert_grep '^D: QUIT$' "$T/out"
[ "$(grep -c 'this is message text' "$T/out")" = 1 ] ||
    fail "the hint about message text is not given exactly once"
[ -z "$(ls "$T/store")" ] || fail "a message was delivered"

# A verb mistyped: the checker guesses which was meant.
printf '%s\n' 'EHOL me' 'QUIT' | run
assert_grep 'error: unknown command "EHOL": did you mean EHLO\?' "$T/out"

# A NUL, in a command and in a body; a body line that is not UTF-8.
printf 'EHLO me\nNOOP a\000b\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nDATA\nbad \377 octet\nnul\000here\nkept\n.\nQUIT\n' | run
[ "$(cat "$T/rc")" = 0 ] || fail "exit status $(cat "$T/rc")"
assert_grep '^  NOOP a\\x00b$' "$T/out"
assert_grep 'error: a NUL octet \(0x00\) at column 7' "$T/out"
assert_no_grep '^C: NOOP' "$T/out"
assert_grep 'error: octet 0xff at column 5 is not valid UTF-8' "$T/out"
assert_grep 'error: a NUL octet \(0x00\) at column 4: message text' "$T/out"
assert_no_grep '^D: (bad|nul)' "$T/out"
msg=$(ls "$T/store"/*.eml | head -n 1)
[ -n "$msg" ] || fail "no message stored"
printf 'kept\r\n' | cmp - "$msg" || fail "the stored message is not the one line kept"

# 3000 octets: every problem quoted shortened, with its caret and text.
long=$(printf 'a%.0s' $(seq 1 3000))
printf '%s\n' 'EHLO me' "MAIL FROM:<$long@example.org> SIZE=x" 'QUIT' | run
assert_grep '^  +\^' "$T/out"
assert_grep 'error: SIZE= takes the message size' "$T/out"
assert_grep 'error: command line of 3033 octets' "$T/out"
assert_grep 'not sent: fix it, or send it unchecked as !\.\.\.a+@example\.org> SIZE=x$' "$T/err"
awk 'length($0) > 200 { exit 1 }' "$T/all" || fail "a line over 200 columns"
exit 0
