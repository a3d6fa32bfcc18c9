#!/bin/sh
# The history file of the console: commands are kept in
# $XDG_STATE_HOME/smtpscope/history across runs, AUTH lines and message
# bodies never are, and Up recalls the last command of an earlier run.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

mkdir -p "$T/state"
tui_start 120 30 "XDG_STATE_HOME='$T/state' '$SMTPSCOPE' --plain practice"
tui_wait '^smtp>' "no prompt"
for line in 'EHLO history.example' 'AUTH PLAIN c2VjcmV0LXNlY3JldA==' \
    'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' 'DATA'; do
	tui_type "$line"
	tui_keys Enter
done
tui_wait '^data>' "no body prompt"
tui_type 'body line that is not a command'
tui_keys Enter
tui_type '.'
tui_keys Enter
tui_wait 'S: 250 2\.0\.0' "message not accepted"
tui_type 'NOOP'
tui_keys Enter
tui_wait 'S: 250 2\.0\.0 OK|NOOP' "no answer to NOOP"
tui_type ':quit'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status"

h=$T/state/smtpscope/history
[ -f "$h" ] || fail "no history file at \$XDG_STATE_HOME/smtpscope/history"
LAST_OUT=$h
assert_grep '^EHLO history\.example$' "$h"
assert_grep '^MAIL FROM:<a@example\.org>$' "$h"
assert_grep '^NOOP$' "$h"
assert_no_grep 'AUTH|c2VjcmV0' "$h"
assert_no_grep 'body line' "$h"

# a second run recalls the last command with Up
rm -f "$T/status"
tmx kill-server >/dev/null 2>&1
tui_start 120 30 "XDG_STATE_HOME='$T/state' '$SMTPSCOPE' --plain practice"
tui_wait '^smtp>' "no prompt in the second run"
tui_keys Up
tui_wait '^smtp> :quit|^smtp> NOOP' "Up did not recall the last run's history"
tui_keys C-u
tui_type ':quit'
tui_keys Enter
tui_wait_exit >/dev/null
exit 0
