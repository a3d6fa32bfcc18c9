#!/bin/sh
# What the plain console does with the lines it is given, in a pipe: an
# AUTH secret is masked wherever the line is shown, whatever its spacing.
. "$TOP_SRCDIR/tests/lib/common.sh"

start_practice
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
exit 0
