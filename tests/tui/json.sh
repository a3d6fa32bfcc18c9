#!/bin/sh
# --json on a terminal: no prompt and no split view, only JSON Lines, the
# typed lines read as from a pipe; and --auth without a password fails at
# once instead of asking for one.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

start_practice
tui_start 200 40 "'$SMTPSCOPE' --json 127.0.0.1:$PRACTICE_PORT"
tui_wait '"type":"reply","code":220,' "no greeting object"
tui_type 'EHLO me'
tui_keys Enter
tui_wait '"type":"command","kind":"command","line":"EHLO me"'
tui_wait '"summary":"250 after EHLO'
LAST_OUT=$T/screen
assert_no_grep 'smtp>' "$T/screen"
assert_no_grep 'next:' "$T/screen"
tui_type 'QUIT'
tui_keys Enter
tui_wait '"code":221,'
# the end of input, as in a pipe (the pane goes with the program: its
# exit status says the rest)
tui_keys C-d
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status, expected 0"

# a terminal, and still no password prompt
rm -f "$T/status"
tmx kill-server >/dev/null 2>&1
# (standard input is the terminal; what it says is kept in a file: the
# pane goes with the program)
tui_start 120 20 "'$SMTPSCOPE' --json --auth PLAIN --auth-user student 127.0.0.1:$PRACTICE_PORT >'$T/auth.out' 2>&1"
status=$(tui_wait_exit)
LAST_OUT=$T/auth.out
[ "$status" = 2 ] || fail "--json --auth without a password: exit $status, expected 2"
assert_no_grep 'not shown' "$T/auth.out"
assert_grep 'SMTPSCOPE_PASSWORD' "$T/auth.out"
exit 0
