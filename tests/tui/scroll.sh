#!/bin/sh
# PgUp/PgDn scroll both panes together; PgDn back at the bottom, or
# sending a command, follows the dialogue again.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

tui_start 120 24 "\"$SMTPSCOPE\" practice"
tui_wait '^smtp>'
tui_type 'EHLO client.example'
tui_keys Enter
tui_wait 'S: 250 HELP'
for i in 1 2 3 4 5 6; do
	tui_type "NOOP $i"
	tui_keys Enter
	tui_wait "C: NOOP $i"
done
tui_wait 'S: 250 .*│ 250 after NOOP'
tui_screen
assert_no_grep 'S: 220 ' "$T/screen"

# Up to the top: the greeting and its annotation come back together.
tui_keys PPage PPage PPage PPage PPage PPage PPage PPage
tui_wait 'S: 220 .*│ 220 ' "PgUp did not reach the greeting"
tui_wait 'SCROLLED' "the status bar does not say the view is scrolled"
# Paging down comes back to the bottom, which follows the dialogue.
tui_keys NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage NPage
tui_wait_gone 'SCROLLED' "PgDn did not come back to the bottom"
tui_screen
assert_no_grep 'S: 220 ' "$T/screen"

# Sending a line while scrolled up jumps back to the newest lines.
tui_keys PPage PPage PPage PPage PPage PPage PPage PPage
tui_wait 'SCROLLED'
tui_type 'NOOP 7'
tui_keys Enter
tui_wait 'C: NOOP 7'
tui_wait_gone 'SCROLLED' "typing a command did not return to the bottom"

tui_type ':quit'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status, expected 0"
exit 0
