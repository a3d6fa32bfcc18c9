#!/bin/sh
# replay --interactive on a terminal: after the script the live session
# goes to the console with its prompt, Tab completion and explanations.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

start_practice
cat >"$T/start.smtp" <<'X'
# smtpscope session 1
S: 220
C: EHLO client.example
S: 250-
S: 250
X
tui_start 120 30 "'$SMTPSCOPE' replay --interactive '$T/start.smtp' 127.0.0.1:$PRACTICE_PORT"
tui_wait 'the session is yours' "replay did not hand the session over"
tui_wait '^smtp>' "no console prompt after the script"
# Tab completes a verb the console knows (Readline completion)
tui_type 'NO'
tui_keys Tab
tui_wait '^smtp> NOOP' "Tab did not complete NOOP"
tui_keys Enter
tui_wait '= \[[0-9.]+ ms\] 250 after NOOP' "the reply to NOOP is not explained"
tui_type ':quit'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status, expected 0 (the script matched)"
exit 0
