#!/bin/sh
# Colours for the two sides by default; none with --color=never or
# NO_COLOR, where the C:/S: markers still tell the sides apart.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

esc=$(printf '\033')

# run ARGS...: start the console, send EHLO, leave the coloured capture in
# $T/color and the plain one in $T/screen.
run() {
	rm -f "$T/status"
	# tall enough for EHLO and its whole reply (the annotation lists each
	# extension)
	tui_start 140 40 "$*"
	tui_wait '^smtp>'
	tui_type 'EHLO client.example'
	tui_keys Enter
	tui_wait 'S: 250 HELP'
	tmx capture-pane -e -p -t 0 >"$T/color"
	assert_grep '^[0-9:]{8} C: EHLO client\.example' "$T/screen"
	assert_grep '^[0-9:]{8} S: 250-' "$T/screen"
	tui_type ':quit'
	tui_keys Enter
	status=$(tui_wait_exit)
	[ "$status" = 0 ] || fail "exit status $status, expected 0"
	tmx kill-server >/dev/null 2>&1
	i=0
	while [ $i -lt 100 ] && tmx has-session >/dev/null 2>&1; do
		sleep 0.05
		i=$((i + 1))
	done
}

# --no-learn: a 30-row screen keeps the EHLO line in view without the
# learner's "why" lines
run "\"$SMTPSCOPE\" practice --no-learn"
# A 2xx reply in green (SGR 32), the client line in cyan (SGR 36).
grep -q "${esc}\[32m250-" "$T/color" || { LAST_OUT=$T/color; fail "replies not coloured"; }
grep -q "${esc}\[36mEHLO client" "$T/color" || { LAST_OUT=$T/color; fail "commands not coloured"; }

for how in "\"$SMTPSCOPE\" practice --no-learn --color=never" "NO_COLOR=1 \"$SMTPSCOPE\" practice --no-learn"; do
	run "$how"
	if grep -Eq "${esc}\[(3|4)[0-7]m|${esc}\[(38|48);" "$T/color"; then
		LAST_OUT=$T/color
		fail "colours with: $how"
	fi
done
exit 0
