#!/bin/sh
# The split view on the practice server: both panes, the status bar, a
# syntax diagnostic under the input, Tab completion, a DATA body with
# UTF-8, QUIT and the exit status.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

tui_start 140 40 "\"$SMTPSCOPE\" practice"

# The greeting on the left, its explanation on the same row on the right.
tui_wait '^[0-9:]{8} S: 220 .*│ 220 ' "greeting and its annotation not side by side"
tui_wait '^smtp>' "no prompt"
assert_grep 'practice\.smtpscope\.test' "$T/screen"
assert_grep '127\.0\.0\.1:[0-9]+ \| no TLS \| greeted \| next: .*EHLO' "$T/screen"
assert_grep '[0-9.]+ ms ' "$T/screen"

tui_type 'EHLO client.example'
tui_keys Enter
tui_wait '^[0-9:]{8} C: EHLO client\.example'
tui_wait '^[0-9:]{8} S: 250-.*│ 250 ' "EHLO reply and annotation not aligned"
tui_wait '^ +S: 250 ' "last line of the EHLO reply"
tui_wait '\| ready \| next: .*MAIL' "status bar did not follow the state"

# A bad command: not sent, the diagnostic appears under the input line
# with a caret under the fault.
tui_type 'MAIL FRM:<a@example.org>'
tui_keys Enter
tui_wait '^ +\^'
n=$(tui_line '^smtp>')
[ -n "$n" ] || fail "no input line"
sed -n "$((n + 1))p" "$T/screen" | grep -q 'MAIL FRM:<a@example.org>' ||
    { LAST_OUT=$T/screen; fail "the command is not shown under the input"; }
sed -n "$((n + 2))p" "$T/screen" | grep -Eq '^ +\^' ||
    { LAST_OUT=$T/screen; fail "no caret under the command"; }
sed -n "$((n + 3))p" "$T/screen" | grep -q 'error' ||
    { LAST_OUT=$T/screen; fail "no message under the caret"; }
assert_no_grep 'C: MAIL FRM' "$T/screen"
# The refused line stays in the input, to be fixed; Ctrl-C clears it.
assert_grep '^smtp> MAIL FRM:<a@example\.org>' "$T/screen"
tui_keys C-c
tui_wait '^smtp> *$' "Ctrl-C did not clear the refused line"

# Tab completion, as in the plain console.
tui_type 'mail fr'
tui_keys Tab
tui_wait '^smtp> mail [Ff][Rr][Oo][Mm]:<' "Tab did not complete FROM:<"
tui_type 'a@example.org>'
tui_keys Enter
tui_wait 'S: 250 .*│ 250 ' "MAIL not accepted"
assert_no_grep '^ +\^' "$T/screen"

tui_type 'RCPT TO:<b@example.org>'
tui_keys Enter
tui_type 'DATA'
tui_keys Enter
tui_wait 'S: 354 .*│ 354 '
tui_wait '^data>'
tui_type 'Subject: test'
tui_keys Enter
tui_keys Enter
tui_type 'héllo wörld, 日本語'
tui_keys Enter
tui_type '.'
tui_keys Enter
tui_wait 'D: héllo wörld, 日本語' "UTF-8 body line not shown as typed"
tui_wait 'S: 250 .*│ 250 after' "end of data not accepted"
tui_wait '^smtp>'

# "." and the next command typed in one burst: the command goes out as a
# command even when the reply to the end of data has not arrived yet.
tui_type 'MAIL FROM:<r@example.org>'
tui_keys Enter
tui_wait 'Sender <r@example.org> ok'
tui_type 'RCPT TO:<s@example.org>'
tui_keys Enter
tui_wait 'Recipient <s@example.org> ok'
tui_type 'DATA'
tui_keys Enter
tui_wait '^data>'
tui_keys 'race' Enter '.' Enter 'NOOP' Enter
tui_wait 'C: NOOP' "NOOP after the end of data not sent as a command"
assert_no_grep 'D: NOOP' "$T/screen"
tui_wait '^smtp>'

# Help: F1 opens an overlay, any key closes it.
tui_keys F1
tui_wait 'smtpscope help'
assert_grep 'F2 +explanations: a summary beside each reply' "$T/screen"
tui_keys Escape
tui_wait_gone 'smtpscope help' "F1 help did not close"
# :help lists the local commands and the keys of the split view.
tui_type ':help'
tui_keys Enter
tui_wait ':: +:quit' ":help did not list the local commands"
tui_wait 'F3 +raw byte view' ":help did not list the keys"

tui_type 'QUIT'
tui_keys Enter
tui_wait 'S: 221 '
tui_wait 'connection closed'
tui_wait '\| CLOSED \|'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status after QUIT, expected 0"
exit 0
