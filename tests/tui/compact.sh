#!/bin/sh
# The conversation reads like a conversation: one summary beside each
# reply, the whole explanation of one reply under the conversation (the
# newest, or one picked with Alt-Up/Alt-Down), F2 cycling through
# summaries, every explanation in full, and none.  At 140x40, 15 of 20
# NOOP exchanges are in view at once, each with its summary; at 80x24 the
# EHLO explanation leaves "C: EHLO me" in view, the status bar keeps the
# state, QUIT and the keys, and a diagnostic is wrapped, not cut.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

# exchanges: "C: NOOP" rows followed by their reply with its summary
exchanges() {
	awk '/C: NOOP/ { c = NR } /S: 250 .*│ 250 after NOOP/ && c == NR - 1 { n++ }
	    END { print n + 0 }' "$T/screen"
}

tui_start 140 40 "\"$SMTPSCOPE\" practice"
tui_wait '^smtp>' "no prompt"
tui_type 'EHLO me'
tui_keys Enter
tui_wait 'S: 250 HELP' "no EHLO reply"
# each NOOP once the one before is answered (typed at once, they would be
# a pipelined group, their replies after them).  Answered: "C: NOOP k" is
# the last line sent, its reply the row under it and the newest row of
# the conversation (the explanation's title follows), on two captures in
# a row -- a capture taken while the pane scrolls may pair "C: NOOP k"
# with the reply of an older NOOP still on the row below.
replied_now() {
	awk -v c="C: NOOP $1 " '/C: NOOP / { last = NR } $0 ~ c { n = NR }
	    /S: 250 / && n && n == NR - 1 { s = NR }
	    /^─ S: / && s && prev == s { ok = 1 }
	    !/^[ │]*$/ { prev = NR }
	    END { exit !(ok && last == n) }' "$T/screen"
}
replied() {
	i=0
	while :; do
		tui_screen
		if replied_now "$1"; then
			tui_screen
			replied_now "$1" && return 0
		fi
		i=$((i + 1))
		[ $i -lt "$TUI_TRIES" ] || { LAST_OUT=$T/screen;
		    fail "NOOP $1 was not answered"; }
		sleep 0.05
	done
}
k=1
while [ $k -le 20 ]; do
	tui_type "NOOP $k"
	tui_keys Enter
	replied $k
	k=$((k + 1))
done
n=$(exchanges)
[ "$n" -ge 15 ] || { LAST_OUT=$T/screen; fail "only $n NOOP exchanges in view with their summary"; }
# the newest reply explained whole under the conversation
tui_wait '─ S: 250 2\.0\.0 OK \([0-9:]{8}\) ─' "the newest reply is not explained"
assert_grep '250 after NOOP: nothing done' "$T/screen"
assert_grep 'code: 250 Requested mail action okay' "$T/screen"

# Alt-Up to an older reply: the EHLO reply, 20 replies up
i=0
while [ $i -lt 20 ]; do
	tui_keys M-Up
	i=$((i + 1))
done
tui_wait '─ S: 250-practice\.smtpscope\.test greets me' "Alt-Up did not reach the EHLO reply"
tui_wait 'extensions advertised' "the EHLO reply is not explained"
tui_wait 'C: EHLO me' "the reply picked is not in view"
# Alt-Down past the newest: back to following it
i=0
while [ $i -lt 22 ]; do
	tui_keys M-Down
	i=$((i + 1))
done
tui_wait '─ S: 250 2\.0\.0 OK' "Alt-Down did not come back to the newest reply"
tui_wait_gone 'SCROLLED' "the view does not follow the newest again"

# F2: every explanation in full, then none, then summaries again.
tui_keys F2
tui_wait 'F2 no notes' "F2 did not show the explanations in full"
tui_wait_gone '─ S: 250' "the explanation under the conversation stayed"
[ "$(grep -c 'C: NOOP' "$T/screen")" -le 4 ] ||
    { LAST_OUT=$T/screen; fail "F2: the explanations are not in full"; }
tui_keys F2
tui_wait_gone '│' "F2 did not hide the explanations"
tui_keys F2
tui_wait '─ S: 250 2\.0\.0 OK' "F2 did not come back to summaries"
n=$(exchanges)
[ "$n" -ge 15 ] || { LAST_OUT=$T/screen; fail "only $n NOOP exchanges in view after F2"; }

# 80x24: EHLO's explanation leaves EHLO in view; the status bar keeps
# the state, the way out and the keys.
tmx resize-window -t 0 -x 80 -y 24 || fail "tmux resize-window failed"
tui_type 'EHLO again.example'
tui_keys Enter
tui_wait 'S: 250 HELP' "no second EHLO reply"
tui_wait 'C: EHLO again\.example' "C: EHLO went off the screen at 80x24"
tui_wait '\| ready \| next: .*QUIT \| F1 help  F2 ' "the status bar lost the state, QUIT or the keys"
sed 's/─/-/g; s/│/|/g' "$T/screen" | awk 'length($0) > 80 { exit 1 }' ||
    { LAST_OUT=$T/screen; fail "a line is wider than the terminal"; }
# a diagnostic wider than the screen is wrapped, not cut
tui_type 'MAIL FROM: <a@example.org>'
tui_keys Enter
tui_wait '^warning: space after the colon: many servers accept it, the RFC does not' "no warning"
n=$(tui_line '^warning: space after the colon')
sed -n "$((n + 1))p" "$T/screen" | grep -Eq '^ +(\(RFC )?5321 4\.1\.1\.2\)' ||
    { LAST_OUT=$T/screen; fail "the diagnostic is cut, not wrapped"; }

tui_type ':quit'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status after :quit, expected 0"
exit 0
