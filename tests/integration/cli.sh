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
