#!/bin/sh
# The practice server's scenarios: every one that --list-scenarios names
# has a session file in examples/scenarios/ that replays green against
# `smtpscope serve --scenario NAME`; greylisting takes a retry once the
# delay has passed; slow holds every reply.  tls-required and
# auth-required go through STARTTLS (and AUTH) to a MAIL that is taken:
# the servers here use the test CA's certificate, which replay trusts.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
tls_make_certs
# the PLAIN initial response of the practice account (RFC 4616), for
# the masked AUTH line of auth-required.smtp
SMTPSCOPE_SECRET=$(b64 '\0student\0practice')
export SMTPSCOPE_SECRET
SC=$TOP_SRCDIR/examples/scenarios

"$SMTPSCOPE" serve --list-scenarios >"$T/list" 2>&1 || { LAST_OUT=$T/list; fail "serve --list-scenarios"; }
"$SMTPSCOPE" practice --list-scenarios >"$T/list2" 2>&1 || fail "practice --list-scenarios"
cmp -s "$T/list" "$T/list2" || fail "serve and practice list other scenarios"
for want in normal greylist unknown-user mailbox-full size-limit relay-denied \
    tls-required auth-required slow strict tempfail no-esmtp; do
	assert_grep "^$want +[a-zA-Z0-9].*\\(RFC [0-9]" "$T/list"
done

n=0
while read -r name teaches; do
	f=$SC/$name.smtp
	[ -f "$f" ] || fail "scenario $name has no session file examples/scenarios/$name.smtp"
	sed -n 2p "$f" | grep -q '^# Teaches: ' || fail "$name.smtp: no \"# Teaches:\" on line 2"
	grep -q "^# practice $name\$" "$f" || fail "$name.smtp: no \"# practice $name\" header"
	extra=""
	[ "$name" = slow ] && extra="--reply-delay 200"
	# shellcheck disable=SC2086
	start_server "sc-$name" "$SMTPSCOPE" serve --port 0 --quiet --scenario "$name" \
	    --cert "$TLS_CERT" --key "$TLS_KEY" $extra
	LAST_OUT=$T/out
	"$SMTPSCOPE" replay --cafile "$TLS_CA" "$f" "127.0.0.1:$SERVER_PORT" >"$T/out" 2>&1 ||
		fail "examples/scenarios/$name.smtp did not replay green"
	assert_grep ' 0 mismatches$' "$T/out"
	n=$((n + 1))
done <"$T/list"
[ "$n" -ge 12 ] || fail "only $n scenarios"
# and no session file for a scenario that does not exist
for f in "$SC"/*.smtp; do
	name=$(basename "$f" .smtp)
	grep -q "^$name " "$T/list" || fail "$name.smtp: no such scenario"
done

# The old name of the well-behaved server still works; a bad one says
# which exist.
"$SMTPSCOPE" serve --scenario nosuch >"$T/out" 2>&1 && fail "serve --scenario nosuch exits 0"
LAST_OUT=$T/out
assert_grep 'unknown scenario "nosuch" \(known: normal greylist' "$T/out"
printf 'QUIT\n' | "$SMTPSCOPE" practice --scenario default >"$T/out" 2>&1 ||
	fail "practice --scenario default"
assert_grep '^S: 221 ' "$T/out"
"$SMTPSCOPE" --scenario slow 127.0.0.1:1 >"$T/out" 2>&1
[ $? -eq 2 ] || fail "--scenario without practice is not a usage error"

# greylist: the same sender and recipient are taken on a new connection
# once the delay (1 s here) has passed; until then 451 4.7.1.
start_server grey "$SMTPSCOPE" serve --port 0 --quiet --scenario greylist --greylist-delay 1
GREY=$SERVER_PORT
try_rcpt() {
	printf 'EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nQUIT\n' |
	    "$SMTPSCOPE" --plain "127.0.0.1:$GREY" >"$T/grey" 2>&1
}
try_rcpt
LAST_OUT=$T/grey
assert_grep '^S: 451 4\.7\.1 <b@example\.org>: Recipient address rejected: greylisted' "$T/grey"
assert_grep '451 after RCPT TO: recipient not taken for now .*greylisting' "$T/grey"
tries=0
until try_rcpt && grep -q '^S: 250 2\.1\.5 ' "$T/grey"; do
	tries=$((tries + 1))
	[ $tries -lt 240 ] || fail "the retry was never taken"
	sleep 0.25
done

# slow: every reply, the greeting too, is held at least the delay; a
# pipelined group is answered together.
printf 'EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nDATA\nhi\n.\nQUIT\n' |
    "$SMTPSCOPE" practice --scenario slow --reply-delay 300 --pipeline >"$T/slow" 2>&1 ||
	{ LAST_OUT=$T/slow; fail "slow session"; }
LAST_OUT=$T/slow
[ "$(grep -c '^   = \[' "$T/slow")" -eq 7 ] || fail "not 7 replies"
grep '^   = \[' "$T/slow" | sed 's/^   = \[\([0-9]*\)\..*/\1/' | while read -r ms; do
	[ "$ms" -ge 300 ] || { echo "a reply came after $ms ms" >&2; exit 1; }
done || fail "a reply was not held"
exit 0
