#!/bin/sh
# Text is wrapped once, to the pane it is drawn in: :explain hands the
# split view logical lines (no continuation rows of its own wrapping), and
# help and the output of local commands span the whole width.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

tui_start 140 40 "\"$SMTPSCOPE\" practice"
tui_wait '^smtp>' "no prompt"

tui_type ':explain 554 5.7.1'
tui_keys Enter
tui_wait ':: 554 Transaction failed' ":explain said nothing"
# annotate's own wrapping indents its continuation lines by four spaces
assert_no_grep '^ +:: {5}[a-z]' "$T/screen"
# the whole width: no separator beside the text, lines longer than the
# left pane
n=$(tui_line ':: 554 Transaction failed')
sed -n "${n}p" "$T/screen" | grep -q '│' &&
    { LAST_OUT=$T/screen; fail ":explain drawn in the left pane only"; }
awk 'length($0) > 80 && /::/ { found = 1 } END { exit !found }' "$T/screen" ||
    { LAST_OUT=$T/screen; fail "no :explain line wider than the left pane"; }

tui_type ':help'
tui_keys Enter
tui_wait ':: +:quit +send QUIT' ":help did not list :quit"
n=$(tui_line ':: +:quit +send QUIT')
sed -n "${n}p" "$T/screen" | grep -q '│' &&
    { LAST_OUT=$T/screen; fail ":help drawn in the left pane only"; }

tui_type ':quit'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status after :quit, expected 0"
exit 0
