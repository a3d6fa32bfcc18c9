#!/bin/sh
# Bad scripts: file:line and exit 2 before anything is sent; usage errors
# exit 2; a refused connection exits 3.
. "$TOP_SRCDIR/tests/lib/common.sh"
start_practice
S=127.0.0.1:$PRACTICE_PORT

# bad FILE LINE PATTERN: the file is refused at LINE and nothing was sent
# (--record would have created its file on connecting).
bad() {
	LAST_OUT=$T/err
	rc=0; "$SMTPSCOPE" replay --record "$T/rec.smtp" "$T/bad.smtp" "$S" \
	    >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 2 ] || fail "line $1: exit $rc, expected 2"
	assert_grep "^$T/bad\\.smtp:$1: $2" "$T/err"
	[ ! -e "$T/rec.smtp" ] || fail "line $1: a connection was made"
}

printf 'S: 220\nC: QUIT\n' >"$T/bad.smtp"
bad 1 'not a session file'
printf '# smtpscope session 7\n' >"$T/bad.smtp"
bad 1 'session format version 7 is not supported'
printf '# smtpscope session 1\nS: 220\nC: EHLO x\nS: 250\nQUIT\n' >"$T/bad.smtp"
bad 5 'unknown line'
printf '# smtpscope session 1\nS: 220\nC: EHLO x\nS: 250-a\nC: QUIT\n' >"$T/bad.smtp"
bad 5 'the reply begun on line 4 goes on'
printf '# smtpscope session 1\nS: 220\nC: DATA\nS: 354\nD: x\n' >"$T/bad.smtp"
bad 5 'the file ends inside a message body'
printf '# smtpscope session 1\nS: 220\nC: NOOP\nS: two fifty\n' >"$T/bad.smtp"
bad 4 'an S: line starts with a reply code'
printf '# smtpscope session 1\nS: 220\nC: NOOP\\q\nS: 250\n' >"$T/bad.smtp"
bad 3 'bad escape'
# An error on the very last line still stops everything before the connect.
{ printf '# smtpscope session 1\nS: 220\n'; i=0
  while [ $i -lt 200 ]; do printf 'C: NOOP\nS: 250\n'; i=$((i + 1)); done
  printf 'D: stray\n'; } >"$T/bad.smtp"
bad 403 'D: line without a DATA command'

# A masked secret without its value in the environment.
printf '# smtpscope session 1\nS: 220\nC: AUTH PLAIN ********\nS: 235\n' >"$T/bad.smtp"
unset SMTPSCOPE_SECRET SMTPSCOPE_SECRET_1 2>/dev/null || true
bad 3 'masked secret: set SMTPSCOPE_SECRET_1 or SMTPSCOPE_SECRET'

# Usage errors.
LAST_OUT=$T/err
rc=0; "$SMTPSCOPE" replay >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "no file: exit $rc"
rc=0; "$SMTPSCOPE" replay "$T/missing.smtp" "$S" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "missing file: exit $rc"
assert_grep 'missing\.smtp: No such file' "$T/err"
rc=0; "$SMTPSCOPE" replay --repeat 0 "$TOP_SRCDIR/examples/01-plain-send.smtp" "$S" \
    >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "--repeat 0: exit $rc"
rc=0; "$SMTPSCOPE" replay --repeat 2 "$TOP_SRCDIR/examples/09-vrfy-help.smtp" "$S" \
    >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "--repeat without MAIL: exit $rc"
assert_grep 'nothing to repeat' "$T/err"
# No server on the command line and none in the file.
rc=0; "$SMTPSCOPE" replay "$TOP_SRCDIR/examples/01-plain-send.smtp" \
    >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "no server: exit $rc"
assert_grep 'no server' "$T/err"

# Connection refused: exit 3 (a port that was free a moment ago).
port=$(free_port)
rc=0; "$SMTPSCOPE" replay "$TOP_SRCDIR/examples/01-plain-send.smtp" \
    "127.0.0.1:$port" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 3 ] || fail "refused: exit $rc, expected 3"
assert_grep 'refused' "$T/err"
rc=0; "$SMTPSCOPE" replay --tap "$TOP_SRCDIR/examples/01-plain-send.smtp" \
    "127.0.0.1:$port" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 3 ] || fail "refused, tap: exit $rc, expected 3"
LAST_OUT=$T/out
assert_grep '^Bail out!' "$T/out"

# A recording that cannot be opened is a file error: exit 2, one line.
rc=0; "$SMTPSCOPE" replay --record "$T/no-such-dir/r.smtp" \
    "$TOP_SRCDIR/examples/01-plain-send.smtp" "127.0.0.1:$port" \
    >"$T/out" 2>"$T/err" || rc=$?
LAST_OUT=$T/err
[ "$rc" = 2 ] || fail "--record unwritable: exit $rc, expected 2"
[ "$(wc -l <"$T/err")" = 1 ] || fail "--record unwritable: not one line"
assert_grep 'cannot write .*no-such-dir/r\.smtp' "$T/err"
