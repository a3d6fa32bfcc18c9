#!/bin/sh
# Command intelligence end to end, against the practice server and Postfix
# smtp-sink: state warnings, a pipelined group (RFC 2920) whose replies are
# paired with their commands in order, and a dot-stuffed body that arrives
# byte for byte.
. "$TOP_SRCDIR/tests/lib/common.sh"

input() {
	printf '%s\n' 'EHLO me' 'RCPT TO:<early@example.org>' \
	    'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' \
	    'RCPT TO:<c@example.org>' 'DATA' 'Subject: pipelined' '' \
	    '.leading dot' '..two dots' 'end' '.' 'DATA' 'QUIT'
}

# check_pairing OUT: the group went out before any of its replies, and
# each reply names the command it answers, in order.
check_pairing() {
	LAST_OUT=$1
	# the four commands of the group are consecutive C: lines
	grep -A3 '^C: MAIL FROM:<a@example.org>$' "$1" >"$T/group"
	[ "$(grep -c '^C: ' "$T/group")" -eq 4 ] || fail "group not sent at once"
	assert_grep '^C: DATA$' "$T/group"
	# replies paired in order
	grep '^   < answers C: ' "$1" >"$T/pairs"
	# RCPT may be pipelined too (RFC 2920 3.1): the early one joins the group
	printf '%s\n' '   < answers C: RCPT TO:<early@example.org>' \
	    '   < answers C: MAIL FROM:<a@example.org>' \
	    '   < answers C: RCPT TO:<b@example.org>' \
	    '   < answers C: RCPT TO:<c@example.org>' >"$T/want"
	cmp "$T/want" "$T/pairs" || { LAST_OUT=$T/pairs; fail "pairing differs"; }
}

# --- practice server -----------------------------------------------------------
mkdir -p "$T/store"
start_practice --store "$T/store"
input | "$SMTPSCOPE" --pipeline "127.0.0.1:$PRACTICE_PORT" >"$T/out" 2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ $rc -eq 0 ] || fail "practice: exit status $rc"
# state warnings: RCPT before MAIL, DATA outside a transaction
assert_grep '^! warning: RCPT before MAIL' "$T/out"
assert_grep '^! warning: DATA outside a mail transaction' "$T/out"
assert_grep '^S: 503 5\.5\.1' "$T/out"
check_pairing "$T/out"
printf 'Subject: pipelined\r\n\r\n.leading dot\r\n..two dots\r\nend\r\n' >"$T/expected"
msg=$(ls "$T/store"/*.eml)
cmp "$T/expected" "$msg" || fail "practice: stored body differs"
grep -q '^RCPT TO:<c@example.org>' "$T/store"/*.env || fail "practice: envelope lost a recipient"

# without --pipeline the same input waits for each reply: no pairing notes
input | "$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out1" 2>&1
LAST_OUT=$T/out1
assert_no_grep '^   < answers' "$T/out1"

# The engine says whether a reply answers the line shown last, not a
# comparison of texts: a line of 600 octets sent alone is answered in
# turn; of two identical lines in a group, the first one's reply names
# it.
long=$("$PYTHON" -c 'print("!NOOP " + "x" * 600)')
printf 'EHLO me\n%s\nQUIT\n' "$long" |
    "$SMTPSCOPE" "127.0.0.1:$PRACTICE_PORT" >"$T/out3" 2>&1
LAST_OUT=$T/out3
assert_grep '^S: 500 ' "$T/out3"
assert_no_grep '^   < answers' "$T/out3"
printf '%s\n' 'EHLO me' 'MAIL FROM:<a@example.org>' \
    'RCPT TO:<b@example.org>' 'RCPT TO:<b@example.org>' 'DATA' 'x' '.' \
    'QUIT' | "$SMTPSCOPE" --pipeline "127.0.0.1:$PRACTICE_PORT" \
    >"$T/out4" 2>&1
LAST_OUT=$T/out4
[ "$(grep -c '^   < answers C: RCPT TO:<b@example.org>$' "$T/out4")" = 2 ] ||
	fail "the first of two identical RCPT lines is not named"

# --- Postfix smtp-sink -------------------------------------------------------------
mkdir -p "$T/dump"
# smtp-sink runs as nobody: it must reach the dump directory
chmod 711 "$T"
chmod 777 "$T/dump"
start_sink -d "$T/dump/%H%M%S."
input | "$SMTPSCOPE" --pipeline "127.0.0.1:$SINK_PORT" >"$T/out2" 2>"$T/err2"
rc=$?
LAST_OUT=$T/out2
[ $rc -eq 0 ] || fail "sink: exit status $rc"
assert_grep '^! warning: RCPT before MAIL' "$T/out2"
check_pairing "$T/out2"
# smtp-sink writes its own headers first, then the body as received
i=0
while [ -z "$(ls "$T/dump")" ] && [ $i -lt $((SERVER_WAIT * 10)) ]; do sleep 0.1; i=$((i + 1)); done
dump=$(ls "$T/dump"/* | head -n 1)
[ -n "$dump" ] || fail "sink: no message dumped"
sed -n '/^Subject: pipelined/,$p' "$dump" >"$T/body"
# (the dump format ends each message with an empty line)
printf 'Subject: pipelined\n\n.leading dot\n..two dots\nend\n\n' >"$T/expected2"
cmp "$T/expected2" "$T/body" || { LAST_OUT=$T/body; fail "sink: body differs"; }
exit 0
