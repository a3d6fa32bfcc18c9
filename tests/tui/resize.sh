#!/bin/sh
# Reflow: side by side at 140 columns; under 100 columns each annotation
# is stacked under its reply; back to side by side when wide again.  F2
# hides the annotation pane (full-width conversation).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

# --no-learn: the layout of the explanations as they are without the
# learner's "why" lines (which make each one a line taller)
tui_start 140 40 "\"$SMTPSCOPE\" practice --no-learn"
tui_wait '^smtp>'
tui_type 'EHLO client.example'
tui_keys Enter
tui_wait '^[0-9:]{8} S: 250-.*│ 250 ' "not side by side at 140 columns"

tmx resize-window -t 0 -x 90 -y 30 || fail "tmux resize-window failed"
tui_wait_gone '│' "still side by side at 90 columns"
# Stacked: the annotation starts on the row after the reply's last line,
# indented under the reply text (time 9 + marker 3 + indent 2 columns).
tui_wait '^ +S: 250 ' "the EHLO reply is not shown at 90 columns"
n=$(tui_line '^ +S: 250 ')
sed -n "$((n + 1))p" "$T/screen" | grep -Eq '^ {14}250 ' ||
    { LAST_OUT=$T/screen; fail "annotation not stacked under the reply"; }
sed 's/─/-/g; s/│/|/g' "$T/screen" | awk 'length($0) > 90 { exit 1 }' ||
    { LAST_OUT=$T/screen; fail "a line is wider than the terminal"; }
assert_grep '^smtp>' "$T/screen"
assert_grep '\| ready \|' "$T/screen"

tmx resize-window -t 0 -x 140 -y 40 || fail "tmux resize-window failed"
tui_wait '^ +S: 250 .*│' "not side by side again at 140 columns"

# F2 twice (every explanation in full, then none): the annotation pane
# goes away, the conversation takes the width.
tui_keys F2 F2
tui_wait_gone '│' "F2 did not hide the annotation pane"
tui_screen
assert_no_grep '^ {14}250 ' "$T/screen"
assert_grep '^ +S: 250 HELP' "$T/screen"
tui_keys F2
tui_wait '│' "F2 did not bring the annotation pane back"

tui_type ':quit'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status after :quit, expected 0"
exit 0
