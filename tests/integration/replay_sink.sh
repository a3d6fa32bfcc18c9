#!/bin/sh
# Replay against Postfix's smtp-sink: examples that hold no practice-server
# specifics, the loops, and a generated file.
. "$TOP_SRCDIR/tests/lib/common.sh"
start_sink
S=127.0.0.1:$SINK_PORT
LAST_OUT=$T/out
for f in 01-plain-send 02-pipelined-send 03-several-recipients 08-dot-stuffed-body 10-patterns; do
	"$SMTPSCOPE" replay "$TOP_SRCDIR/examples/$f.smtp" "$S" >"$T/out" 2>&1 ||
		fail "$f against smtp-sink"
done
"$SMTPSCOPE" replay --repeat 50 "$TOP_SRCDIR/examples/02-pipelined-send.smtp" "$S" \
    >"$T/out" 2>&1 || fail "--repeat 50"
# 2 before, 4 per run, 49 RSETs, 1 QUIT
assert_grep ': 252 replies checked, 0 mismatches$' "$T/out"
"$SMTPSCOPE" replay --connections 3 "$TOP_SRCDIR/examples/01-plain-send.smtp" "$S" \
    >"$T/out" 2>&1 || fail "--connections 3"
assert_grep ': 21 replies checked, 0 mismatches$' "$T/out"
# A generated file of 300 transactions, read as a stream.
awk 'BEGIN { print "# smtpscope session 1"; print "S: 220"; print "C: EHLO x";
	print "S: 250-"; print "S: 250";
	for (i = 0; i < 300; i++) { print "C: MAIL FROM:<a@example.org>";
		print "C: RCPT TO:<b@example.org>"; print "C: DATA";
		print "S: 250"; print "S: 250"; print "S: 354";
		print "D: Subject: " i; print "D:"; print "D: ."; print "S: 250" }
	print "C: QUIT"; print "S: 221" }' >"$T/gen.smtp"
"$SMTPSCOPE" replay --tap "$T/gen.smtp" "$S" >"$T/out" 2>&1 || fail "generated file"
assert_grep '^1\.\.1203$' "$T/out"
# A mismatch on the last line of a long file.
sed 's/^S: 221$/S: 4xx/' "$T/gen.smtp" >"$T/gen2.smtp"
rc=0; "$SMTPSCOPE" replay "$T/gen2.smtp" "$S" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "mismatch against smtp-sink: exit $rc"
assert_grep 'gen2\.smtp:3007: mismatch after "QUIT": expected 4xx' "$T/out"
