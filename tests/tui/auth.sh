#!/bin/sh
# The secret prompt of :auth, in the split view and in the plain console
# on a terminal: the password typed is never on the screen (not while it
# is typed, not after), never in the history file nor in :save, and the
# exchange runs (235; a wrong password gets 535 and the session goes on).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/lib/auth.sh"
start_auth_server
mkdir -p "$T/state"

# everything the terminal showed, scrolled off or not
screen_all() {
	tmx capture-pane -p -S - -t 0 >"$T/all" 2>/dev/null || : >"$T/all"
}

login() {	# login MECH PASSWORD: :auth, then the password at its prompt
	tui_type ":auth $1 $AUTH_USER"
	tui_keys Enter
	tui_wait "password for $AUTH_USER \\(not shown\\): *\$" "no password prompt"
	tui_type "$2"
	tui_screen
	LAST_OUT=$T/screen
	grep -qF -- "$2" "$T/screen" && fail "the password shows while typed"
	tui_keys Enter
}

for view in split plain; do
	opt=""
	[ "$view" = plain ] && opt=--plain
	rm -f "$T/status"
	tmx kill-server >/dev/null 2>&1
	# Ctrl-C reaches the whole process group in the line mode: the
	# shell that runs the console must outlive it to write its status.
	tui_start 120 40 "trap '' INT; env -u SMTPSCOPE_PASSWORD \
	    XDG_STATE_HOME='$T/state' \
	    '$SMTPSCOPE' $opt '127.0.0.1:$AUTH_PORT'"
	tui_wait 'smtp>' "$view: no prompt"
	tui_type 'EHLO me'
	tui_keys Enter
	tui_wait '250 HELP' "$view: no EHLO reply"
	login LOGIN "wrong-$AUTH_PASSWORD"
	tui_wait '535 ' "$view: a wrong password did not get 535"
	tui_wait 'smtp>' "$view: the session did not go on after 535"
	login PLAIN "$AUTH_PASSWORD"
	tui_wait '235 ' "$view: no 235"
	# Ctrl-C at the prompt gives it up
	tui_type ":auth CRAM-MD5 $AUTH_USER"
	tui_keys Enter
	tui_wait "password for $AUTH_USER" "$view: no password prompt"
	tui_keys C-c
	tui_wait 'AUTH not started: cancelled' "$view: Ctrl-C did not cancel"
	tui_type ":save $T/$view.smtp"
	tui_keys Enter
	tui_wait 'session saved' "$view: :save"
	screen_all
	cp "$T/all" "$T/$view.screen"
	tui_type ':quit'
	tui_keys Enter
	status=$(tui_wait_exit)
	[ "$status" = 0 ] || fail "$view: exit status $status"
	LAST_OUT=$T/$view.screen
	assert_grep 'C: AUTH PLAIN \*\*\*\*\*\*\*\*' "$T/$view.screen"
	assert_no_secret "$T/$view.screen" "$T/$view.smtp"
	grep -qF "wrong-$AUTH_PASSWORD" "$T/$view.screen" "$T/$view.smtp" &&
	    fail "$view: the wrong password was shown"
done

h=$T/state/smtpscope/history
LAST_OUT=$h
[ -f "$h" ] || fail "no history file"
assert_grep '^EHLO me$' "$h"
assert_grep '^:auth PLAIN ' "$h"
assert_no_secret "$h"
grep -qF "wrong-$AUTH_PASSWORD" "$h" && fail "the wrong password is in history"
exit 0
