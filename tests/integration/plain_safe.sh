#!/bin/sh
# The line mode in a pipe: engine messages that quote server bytes (here
# the AUTH mechanisms an EHLO reply advertised, repeated in the order
# warning for an unknown mechanism) reach the output escaped, never raw;
# --color=always colours a pipe too, auto and NO_COLOR do not.
. "$TOP_SRCDIR/tests/lib/common.sh"

cat >"$T/replies" <<'EOT'
220 evil ESMTP\r\n
---
250-evil\r\n250-AUTH PLAIN \x1b]0;pwned\x07\x1b[31mRED\r\n250 PIPELINING\r\n
---
504 5.5.4 no such mechanism\r\n
---
221 bye\r\n
EOT
start_hostile "$T/replies"
port=$HOSTILE_PORT

printf 'EHLO me.example\nAUTH FOO\nQUIT\n' |
	"$SMTPSCOPE" "127.0.0.1:$port" >"$T/out" 2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ $rc -eq 0 ] || fail "exit status $rc"
# the warning was given, with the mechanisms shown escaped
assert_grep '^! warning: mechanism FOO is not among those advertised' "$T/out"
assert_grep 'advertised \(PLAIN \\x1b\]0;pwned\\x07\\x1b\[31mRED\)' "$T/out"
if LC_ALL=C grep -q "$(printf '\033')" "$T/out" "$T/err"; then fail "raw ESC in output"; fi
if LC_ALL=C grep -q "$(printf '\007')" "$T/out" "$T/err"; then fail "raw BEL in output"; fi

# Colours: --color=always in a pipe, none by default or with NO_COLOR.
start_practice
printf 'NOOP\nQUIT\n' | "$SMTPSCOPE" --color=always "127.0.0.1:$PRACTICE_PORT" \
	>"$T/color" 2>&1
LAST_OUT=$T/color
LC_ALL=C grep -q "$(printf '\033')\[32mS: 250 " "$T/color" ||
	fail "--color=always did not colour the output"
printf 'NOOP\nQUIT\n' | NO_COLOR=1 "$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" \
	>"$T/nocolor" 2>&1
LAST_OUT=$T/nocolor
assert_grep '^S: 250 ' "$T/nocolor"
if LC_ALL=C grep -q "$(printf '\033')" "$T/nocolor"; then fail "colour in a pipe without --color=always"; fi
exit 0
