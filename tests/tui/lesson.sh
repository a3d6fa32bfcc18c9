#!/bin/sh
# :lesson in the split view: the transaction lesson followed to the end
# by typing its answers, one of them wrong (explained, not sent); the
# status bar shows the step as it goes.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

tui_start 140 40 "\"$SMTPSCOPE\" practice"
tui_wait '^smtp>' "no prompt"

tui_type ':lesson'
tui_keys Enter
tui_wait 'step 2/8, EHLO' "the lesson did not start"
tui_wait '\| lesson transaction 2/8: EHLO \| next:' "the status bar does not show the step"

tui_type 'EHLO client.example'
tui_keys Enter
tui_wait 'lesson transaction 3/8: MAIL FROM' "EHLO did not advance the lesson"

# The wrong answer: RCPT before MAIL.  Explained with its RFC section,
# and not sent.
tui_type 'RCPT TO:<bob@example.org>'
tui_keys Enter
tui_wait 'not yet: RCPT is step 4' "the mistake was not explained"
tui_wait 'RFC 5321 4\.1\.4'
assert_no_grep 'C: RCPT' "$T/screen"
assert_grep 'lesson transaction 3/8: MAIL FROM' "$T/screen"

tui_type 'MAIL FROM:<alice@example.org>'
tui_keys Enter
tui_wait 'lesson transaction 4/8: RCPT TO'
tui_type 'RCPT TO:<bob@example.org>'
tui_keys Enter
tui_wait 'lesson transaction 5/8: DATA'
tui_type 'DATA'
tui_keys Enter
tui_wait '^data>'
tui_wait 'lesson transaction 6/8: message'
tui_type 'Subject: my first mail'
tui_keys Enter
tui_wait 'lesson transaction 7/8: end of data'
tui_keys Enter
tui_type 'Hello Bob.'
tui_keys Enter
tui_type '.'
tui_keys Enter
tui_wait 'lesson transaction 8/8: QUIT' "the end of data did not advance the lesson"
tui_type 'QUIT'
tui_keys Enter
tui_wait 'complete, with 1 mistake' "the lesson did not complete"
tui_wait_gone '\| lesson ' "the status bar still shows a lesson"
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status, expected 0"
exit 0
