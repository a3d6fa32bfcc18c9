#!/bin/sh
# A refused line in the split view: every problem under the input, errors
# first and red, warnings yellow; the line stays in the input with the
# cursor at the error; what is said under it goes once the line changes.
# A 600-character line is shown shortened around each problem, never in
# full; an AUTH line is shown masked and not put back.  A body line is
# shown as it went on the wire (dot-stuffed).  The plain console on a
# terminal puts a refused line back too.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"

esc=$(printf '\033')
tui_start 140 30 "\"$SMTPSCOPE\" practice --no-learn"
tui_wait '^smtp>' "no prompt"
tui_type 'EHLO me'
tui_keys Enter
tui_wait 'S: 250 HELP' "no EHLO reply"

# Tab Tab on an empty line: the verbs valid now that the server offers.
tui_keys Tab Tab
tui_wait '^ +.*EHLO +.*MAIL +.*QUIT' "Tab Tab did not list the verbs"
n=$(tui_line '^ +.*EHLO +.*MAIL +.*QUIT')
sed -n "${n}p" "$T/screen" | grep -Eq 'ATRN|AUTH|BURL|ETRN|DATA|RCPT|BDAT' &&
    { LAST_OUT=$T/screen; fail "Tab offered verbs not valid now or not advertised"; }

# A warning and an error: both shown, the error first, in its colour.
tui_type 'MAIL FROM: <a@example.org> SIZE=x'
tui_keys Enter
tui_wait '^error: SIZE= takes' "the error is not under the input"
tui_wait '^warning: space after the colon' "the warning is not under the input"
[ "$(tui_line '^error: SIZE=')" -lt "$(tui_line '^warning: space')" ] ||
    { LAST_OUT=$T/screen; fail "the error is not shown first"; }
tmx capture-pane -e -p -t 0 >"$T/color"
grep -q "${esc}\[31m\^" "$T/color" || { LAST_OUT=$T/color; fail "the error's caret is not red"; }
grep -q "${esc}\[33m *\^" "$T/color" || { LAST_OUT=$T/color; fail "the warning's caret is not yellow"; }
# not sent, not in the conversation, but still in the input: the cursor
# on the error ("smtp> " is 6 columns, SIZE=x's x at 32)
assert_no_grep 'C: MAIL' "$T/screen"
assert_grep '^smtp> MAIL FROM: <a@example.org> SIZE=x' "$T/screen"
x=$(tmx display -p -t 0 '#{cursor_x}')
[ "$x" = 38 ] || fail "the cursor is at column $x, not at the error (38)"
# Fixing the line makes the diagnostics go.
tui_keys DC
tui_type '1'
tui_wait_gone '^error: SIZE=' "the diagnostic stayed while the line changed"
tui_keys Enter
tui_wait 'Sender <a@example.org> ok' "the fixed line was not sent"
tui_wait '^smtp> *$' "the input was not cleared after sending"

# 600 characters: shortened around each problem, never repeated in full.
long=$(printf 'a%.0s' $(seq 1 600))
tui_type "RCPT TO:<$long@example.org> NOTIFY=x"
tui_keys Enter
tui_wait '^error: command line of [0-9]+ octets.*\(RFC 5321 4\.5\.3\.1\.4\)' "the long line's error is not shown whole"
tui_wait '\.\.\.aaaa' "the long line is not shown shortened"
rows=$(grep -c 'aaaaaaaaaa' "$T/screen")
[ "$rows" -le 6 ] || { LAST_OUT=$T/screen; fail "the long line fills $rows rows"; }
assert_grep 'not sent: fix it, or send it unchecked as !' "$T/screen"
tui_keys C-c
tui_wait_gone '^error: command line of' "Ctrl-C kept the diagnostic"

# An AUTH line with a secret: masked under the input, not put back.
tui_type ' AUTH PLAIN c2VjcmV0X29uZQ=='
tui_keys Enter
tui_wait '^ +AUTH PLAIN \*\*\*\*\*\*\*\*' "the refused AUTH line is not shown masked"
tui_wait '^smtp> *$' "the AUTH line was put back into the input"
assert_no_grep 'c2VjcmV0' "$T/screen"

# A body line starting with a dot: shown as it went on the wire, said
# once; the raw view shows the bytes with their CRLF.
tui_type 'RCPT TO:<b@example.org>'
tui_keys Enter
tui_wait 'Recipient <b@example.org> ok' "RCPT"
tui_type 'DATA'
tui_keys Enter
tui_wait '^data>' "no body mode"
tui_type '.hidden'
tui_keys Enter
tui_wait 'D: \.\.hidden' "the stuffed line is not shown as sent"
tui_wait 'the dot doubled' "dot-stuffing not explained"
tui_keys F3
tui_wait 'D: \.\.hidden\\r\\n' "the raw view does not show the bytes sent"
tui_keys F3
tui_type '.'
tui_keys Enter
tui_wait 'S: 250 2\.0\.0 Message accepted' "end of data"

tui_type ':quit'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "exit status $status after :quit, expected 0"

# The plain console on a terminal puts a refused line back too, the
# cursor on the error.
rm -f "$T/status"
tmx kill-server >/dev/null 2>&1
tui_start 120 30 "\"$SMTPSCOPE\" --plain practice --no-learn"
tui_wait '^smtp>' "plain: no prompt"
tui_type 'EHLO me'
tui_keys Enter
tui_wait 'S: 250 HELP' "plain: no EHLO reply"
tui_type 'MAIL FRM:<a@example.org>'
tui_keys Enter
tui_wait 'error: expected FROM:' "plain: no diagnostic"
tui_wait 'not sent: fix it' "plain: not refused"
i=0
while :; do
	tui_screen
	grep '^smtp>' "$T/screen" | tail -n 1 | grep -q '^smtp> MAIL FRM:<a@example.org>$' &&
	    [ "$(tmx display -p -t 0 '#{cursor_x}')" = 11 ] && break
	i=$((i + 1))
	[ $i -lt "$TUI_TRIES" ] || { LAST_OUT=$T/screen;
	    fail "plain: the refused line is not back with the cursor at the error"; }
	sleep 0.05
done
tui_keys C-a C-k
tui_type ':quit'
tui_keys Enter
status=$(tui_wait_exit)
[ "$status" = 0 ] || fail "plain: exit status $status after :quit, expected 0"
exit 0
