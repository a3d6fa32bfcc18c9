#!/bin/sh
# The command line: --version, --help, usage errors and their exit codes,
# and one-line errors for connection failures.
. "$TOP_SRCDIR/tests/lib/common.sh"

"$SMTPSCOPE" --version >"$T/out" 2>&1 || fail "--version exits non-zero"
assert_grep '^smtpscope [0-9]+\.[0-9]+' "$T/out"

"$SMTPSCOPE" --help >"$T/out" 2>&1 || fail "--help exits non-zero"
assert_grep '^usage: smtpscope' "$T/out"
assert_grep 'replay FILE' "$T/out"

# unknown option: usage on stderr, exit 2
"$SMTPSCOPE" --no-such-option 127.0.0.1 >"$T/out" 2>"$T/err" </dev/null
rc=$?
[ $rc -eq 2 ] || fail "unknown option exits $rc, not 2"
assert_grep '^usage:' "$T/err"

# no server given
"$SMTPSCOPE" --plain </dev/null >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "missing server should exit 2"
assert_grep 'no server given' "$T/err"

# bad option values
"$SMTPSCOPE" --timeout abc 127.0.0.1 </dev/null >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "--timeout abc should exit 2"
assert_grep 'timeout' "$T/err"
# Every numeric option of every subcommand says its real range, and
# quotes the value refused escaped and shortened.
bad_number() {	# WANT ARGS...: exit 2, one line on stderr matching WANT
	_want=$1
	shift
	"$SMTPSCOPE" "$@" </dev/null >"$T/out" 2>"$T/err"
	_rc=$?
	LAST_OUT=$T/err
	[ $_rc -eq 2 ] || fail "$*: exit $_rc, expected 2"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "$*: not one line"
	assert_grep "^smtpscope: $_want" "$T/err"
}
bad_number '--timeout takes seconds from 1 to 86400, not "abc"$' \
    --timeout abc 127.0.0.1
bad_number '--timeout takes seconds from 1 to 86400, not "0"$' \
    practice --timeout 0
bad_number '--scrollback takes a number of entries from 100 to 100000000, not "5"$' \
    --scrollback 5 127.0.0.1
bad_number '--port takes a port number from 1 to 65535, not "65536"$' \
    --mx example.org --port 65536
bad_number 'replay: --repeat takes a count from 1 to 100000000, not "99999999999999"$' \
    replay --repeat 99999999999999 x.smtp
bad_number 'replay: --connections takes a count from 1 to 100000000, not "0"$' \
    replay --connections 0 x.smtp
bad_number 'replay: --timeout takes seconds from 1 to 86400, not "-1"$' \
    replay --timeout -1 x.smtp
bad_number 'mx: --timeout takes seconds from 1 to 86400, not "86401"$' \
    mx --timeout 86401 example.org
bad_number 'mx: --port takes a port number from 1 to 65535, not "0"$' \
    mx --port 0 example.org
bad_number 'serve: --port takes a port number from 0 to 65535, not "\\x1b\[2J"$' \
    serve --port "$(printf '\033[2J')"
bad_number 'serve: --max-clients takes a count from 1 to 10000, not "10001"$' \
    serve --max-clients 10001
bad_number 'serve: --size takes octets from 1 to [0-9]+, not "99999999999999999999"$' \
    serve --size 99999999999999999999
bad_number 'replay: --repeat takes a count from 1 to 100000000, not "9{50,60}\.\.\."$' \
    replay --repeat "$(awk 'BEGIN { while (length(s) < 500) s = s "9"; print s }')" x.smtp
"$SMTPSCOPE" "$(printf '[::1\033[2J')" </dev/null >"$T/out" 2>"$T/err"
LAST_OUT=$T/err
if LC_ALL=C grep -q "$(printf '\033')" "$T/err"; then fail "raw ESC in a usage error"; fi
assert_grep "missing ']' in \"\\[::1\\\\x1b" "$T/err"
# an unknown --auth mechanism is quoted the same way, never echoed raw
"$SMTPSCOPE" --auth "$(printf 'X\033]0;pwned\007Y')" --auth-user u \
    127.0.0.1:1 </dev/null >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "an unknown --auth mechanism should exit 2"
if LC_ALL=C grep -q "$(printf '\033')" "$T/err"; then
	fail "raw ESC in the --auth error"
fi
assert_grep '^smtpscope: --auth: "X\\x1b\]0;pwned\\x07Y" is not a mechanism' "$T/err"
"$SMTPSCOPE" --tls --starttls 127.0.0.1 </dev/null >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "--tls --starttls should exit 2"
"$SMTPSCOPE" '127.0.0.1:99999' </dev/null >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "port 99999 should exit 2"
assert_grep 'out of range' "$T/err"

# connection refused: one line on stderr, exit 3
port=$(free_port)
printf 'EHLO me\n' | "$SMTPSCOPE" "127.0.0.1:$port" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 3 ] || fail "refused connection exits $rc, not 3"
assert_grep "connection refused by 127.0.0.1 port $port" "$T/err"
[ "$(wc -l <"$T/err")" -eq 1 ] || { LAST_OUT=$T/err; fail "error is not one line"; }

# a name that cannot resolve (RFC 2606 .invalid): one line, exit 3
printf 'EHLO me\n' | "$SMTPSCOPE" --timeout 5 no-such-host.invalid >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 3 ] || fail "unresolvable name exits $rc, not 3"
assert_grep 'cannot resolve no-such-host.invalid' "$T/err"

# a --record file that cannot be written is a file error: exit 2, one line
printf 'EHLO me\n' | "$SMTPSCOPE" --record /nonexistent-dir/x.smtp practice >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 2 ] || { LAST_OUT=$T/err; fail "unwritable --record exits $rc, not 2"; }
[ "$(wc -l <"$T/err")" -eq 1 ] || { LAST_OUT=$T/err; fail "error is not one line"; }

# `practice` spawns its own server; options may come before or after it
for args in "practice" "--plain practice" "practice --timeout 5"; do
	# shellcheck disable=SC2086
	printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" $args >"$T/out" 2>"$T/err"
	rc=$?
	LAST_OUT=$T/out
	[ $rc -eq 0 ] || fail "smtpscope $args exits $rc"
	assert_grep '^S: 220 practice\.smtpscope\.test' "$T/out"
	assert_grep '^S: 221 ' "$T/out"
done
exit 0
