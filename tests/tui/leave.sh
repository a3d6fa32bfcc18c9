#!/bin/sh
# Leaving is safe, in the split view and in the plain console on a
# terminal: Ctrl-C clears the line and never leaves nor sends; Ctrl-D on
# an empty line asks once while a transaction or a message is open, and
# nothing typed as a key ever becomes message text (the recording stays a
# valid session file, the server delivers nothing).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"
mkdir -p "$T/store"
start_practice --store "$T/store"

for view in split plain; do
	opt=""
	[ "$view" = plain ] && opt=--plain
	rm -f "$T/status" "$T/$view.smtp"
	tmx kill-server >/dev/null 2>&1
	# Ctrl-C reaches the whole process group in the line mode: the
	# shell that runs the console must outlive it to write its status.
	tui_start 120 40 "trap '' INT; '$SMTPSCOPE' $opt \
	    --record '$T/$view.smtp' '127.0.0.1:$PRACTICE_PORT'"
	tui_wait 'smtp>' "$view: no prompt"
	tui_type 'EHLO me'
	tui_keys Enter
	tui_wait '250 HELP' "$view: no EHLO reply"

	# Ctrl-C on an empty line: says how to leave, does not leave.
	tui_keys C-c
	tui_wait 'Ctrl-C clears the line; to leave' "$view: Ctrl-C on an empty line"
	[ -f "$T/status" ] && fail "$view: Ctrl-C on an empty line left"
	# Ctrl-C on a line: the line goes, unsent.
	tui_type 'NOOP typed'
	tui_wait 'smtp> NOOP typed' "$view: typing"
	tui_keys C-c
	i=0
	while :; do
		tui_screen
		grep '^smtp>' "$T/screen" | tail -n 1 | grep -Eq '^smtp> *$' && break
		i=$((i + 1))
		[ $i -lt "$TUI_TRIES" ] || { LAST_OUT=$T/screen;
		    fail "$view: Ctrl-C did not clear the line"; }
		sleep 0.05
	done

	# A transaction is open: the first Ctrl-D asks, offering :save.
	tui_type 'MAIL FROM:<a@example.org>'
	tui_keys Enter
	tui_wait 'Sender <a@example.org> ok' "$view: MAIL"
	tui_keys C-d
	tui_wait 'a mail transaction is open' "$view: Ctrl-D did not ask"
	tui_wait 'Ctrl-D again' "$view: Ctrl-D did not ask"
	tui_wait ':save FILE' "$view: :save not offered"
	[ -f "$T/status" ] && fail "$view: the first Ctrl-D left"

	tui_type 'RCPT TO:<b@example.org>'
	tui_keys Enter
	tui_wait 'Recipient <b@example.org> ok' "$view: RCPT"
	tui_type 'DATA'
	tui_keys Enter
	tui_wait 'data>' "$view: no body mode"
	tui_type 'hello'
	tui_keys Enter
	tui_wait 'D: hello|data> hello' "$view: body line"
	# In the body: Ctrl-C and Ctrl-D are keys, never text.
	tui_keys C-c
	tui_keys C-d
	tui_wait 'you are typing the' "$view: Ctrl-D in the body said nothing"
	tui_wait 'abandon' "$view: Ctrl-D did not say how to abandon the message"
	[ -f "$T/status" ] && fail "$view: Ctrl-D in the body left at once"
	# QUIT typed in the body is message text: said once.
	tui_type 'QUIT'
	tui_keys Enter
	tui_wait 'D: QUIT|data> QUIT' "$view: QUIT in the body"
	tui_wait 'this is message text' "$view: no hint that QUIT is message text"
	tui_keys C-d
	tui_keys C-d
	status=$(tui_wait_exit)
	[ "$status" = 0 ] || fail "$view: exit status $status after leaving"
	LAST_OUT=$T/$view.smtp
	assert_grep '^D: QUIT$' "$T/$view.smtp"
	assert_no_grep ':quit|NOOP typed' "$T/$view.smtp"
	[ -z "$(ls "$T/store")" ] || fail "$view: a message was delivered"
done

# Nothing open: Ctrl-D leaves at once, with QUIT.
rm -f "$T/status"
tmx kill-server >/dev/null 2>&1
tui_start 120 40 "'$SMTPSCOPE' --record '$T/quit.smtp' '127.0.0.1:$PRACTICE_PORT'"
tui_wait 'smtp>' "no prompt"
tui_type 'EHLO me'
tui_keys Enter
tui_wait '250 HELP' "no EHLO reply"
tui_keys C-d
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status after Ctrl-D"
assert_grep '^C: QUIT$' "$T/quit.smtp"
exit 0
