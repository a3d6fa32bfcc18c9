#!/bin/sh
# A hostile server: escape sequences, C1 controls, bare LF, a reply line of
# 70 000 octets, a code mismatch inside a multiline reply, text without a
# code.  Nothing it sends may reach the terminal raw, every fault is named,
# and the session goes on.
. "$TOP_SRCDIR/tests/lib/common.sh"

big=$("$PYTHON" -c 'print("x" * 70000)')
cat >"$T/replies" <<EOT
220 evil \\x1b[2J\\x1b]0;pwned\\x07 ESMTP\\r\\n
---
250-evil\\r\\n250-\\xc2\\x9b31m C1 CSI\\r\\n251 mismatch\\r\\n
---
250 bare LF\\n
---
250 $big\\r\\n
---
hello without a code\\r\\n
---
221 bye\\r\\n
EOT
start_hostile "$T/replies"
port=$HOSTILE_PORT

printf 'EHLO me\nNOOP\nNOOP\nNOOP\nQUIT\n' |
	"$SMTPSCOPE" --no-check --record "$T/h.smtp" "127.0.0.1:$port" \
	>"$T/out" 2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ $rc -eq 0 ] || fail "exit status $rc"
# no ESC, BEL or C1 byte reaches the output
if LC_ALL=C grep -q "$(printf '\033')" "$T/out" "$T/err"; then fail "raw ESC in output"; fi
if LC_ALL=C grep -q "$(printf '\007')" "$T/out" "$T/err"; then fail "raw BEL in output"; fi
if LC_ALL=C grep -q "$(printf '\302\233')" "$T/out" "$T/err"; then fail "raw C1 CSI in output"; fi
assert_grep 'evil \\x1b\[2J\\x1b\]0;pwned\\x07 ESMTP' "$T/out"
# the session went on to the end despite every fault
assert_grep '^S: 221 bye' "$T/out"
# each fault is named under its reply, even in the one-line mode
assert_grep '^     faults: .*bare LF' "$T/out"
assert_grep '^     faults: .*512 octets' "$T/out"
assert_grep '^     faults: .*code' "$T/out"
# the over-long line was cut, the transcript says so
[ "$(wc -c <"$T/out")" -lt 200000 ] || fail "output not bounded"
# the recording of it is still a script replay reads (2: a file error)
"$SMTPSCOPE" replay "$T/h.smtp" "127.0.0.1:$port" >"$T/replay.out" 2>&1
rc=$?
LAST_OUT=$T/replay.out
[ $rc -ne 2 ] || fail "the recording is not a valid session file"
assert_grep '^# S: hello without a code$' "$T/h.smtp"
# the line cut at 64 KiB is not what the server sent: a comment, never an
# expectation
assert_grep '^# S: 250 x{1000}' "$T/h.smtp"
assert_no_grep '^S: 250 x' "$T/h.smtp"

# A reply cut short by the close ("220 ok" without CRLF): the screen names
# the fault, and the recording keeps it as a comment, never as an
# expectation that replay would accept (docs/session-format.md).
printf '220 ok\n' >"$T/cut"
start_hostile "$T/cut"
printf 'QUIT\n' | "$SMTPSCOPE" --record "$T/cut.smtp" "127.0.0.1:$HOSTILE_PORT" \
    >"$T/out" 2>"$T/err"
rc=$?
LAST_OUT=$T/out
[ $rc -eq 1 ] || fail "cut short by the close: exit status $rc, expected 1"
assert_grep '^S: 220 ok$' "$T/out"
assert_grep 'faults: connection closed in the middle of a reply' "$T/out"
LAST_OUT=$T/cut.smtp
assert_grep '^# a reply that no S: line can expect \(cut short: the connection closed inside it\); as received:$' "$T/cut.smtp"
assert_grep '^# S: 220 ok$' "$T/cut.smtp"
assert_no_grep '^S: ' "$T/cut.smtp"
"$SMTPSCOPE" replay "$T/cut.smtp" "127.0.0.1:$HOSTILE_PORT" >"$T/replay.out" 2>&1
rc=$?
LAST_OUT=$T/replay.out
[ $rc -eq 1 ] || fail "replay of a cut-short greeting: exit status $rc, expected 1"
assert_grep 'unexpected reply' "$T/replay.out"

# Replies no S: line can expect: a bad separator, no code.  Shown as they
# came with their faults named; recorded as comments, quoted as they came.
cat >"$T/bad" <<'EOT'
220 ok\r\n
---
2200 long\r\n
---
22 short\r\n
---
221 bye\r\n
EOT
start_hostile "$T/bad"
printf 'NOOP\nNOOP\nQUIT\n' | "$SMTPSCOPE" --record "$T/bad.smtp" \
    "127.0.0.1:$HOSTILE_PORT" >"$T/out" 2>"$T/err"
LAST_OUT=$T/out
assert_grep '^S: 2200 long$' "$T/out"
assert_grep '^S: 22 short$' "$T/out"
assert_grep 'faults: .*not followed by SP' "$T/out"
assert_grep 'faults: .*three-digit reply code' "$T/out"
LAST_OUT=$T/bad.smtp
assert_grep '^# S: 2200 long$' "$T/bad.smtp"
assert_grep '^# S: 22 short$' "$T/bad.smtp"
assert_grep '^S: 221 bye$' "$T/bad.smtp"
exit 0
