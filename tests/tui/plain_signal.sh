#!/bin/sh
# The line mode on a terminal, stopped by SIGTERM: Readline has the
# terminal without echo and without canonical input, so the console must
# leave through its loop and give the terminal back as it found it.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

tui_start 100 30 "stty -a >\"$T/stty.before\"; sh -c 'echo \$\$ >\"$T/pid\"; exec \"$SMTPSCOPE\" --plain practice'; stty -a >\"$T/stty.after\""
tui_wait '^smtp>' "no prompt"
pid=$(cat "$T/pid")
[ -n "$pid" ] || fail "no pid"
kill -TERM "$pid"
tui_wait_exit >/dev/null
[ -s "$T/stty.after" ] || fail "stty did not run after the console"
for flag in echo icanon icrnl; do
	before=$(tr ' ;' '\n\n' <"$T/stty.before" | grep -E -x -- "-?$flag")
	after=$(tr ' ;' '\n\n' <"$T/stty.after" | grep -E -x -- "-?$flag")
	LAST_OUT=$T/stty.after
	[ "$before" = "$after" ] ||
	    fail "terminal left with $after (was $before) after SIGTERM"
done
exit 0
