#!/bin/sh
# What the plain console does with the lines it is given, in a pipe: an
# AUTH secret is masked wherever the line is shown, whatever its spacing;
# input that ends inside a message body is an error; a body line that
# reads as a command is pointed out once.
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
exit 0
