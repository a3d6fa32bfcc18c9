#!/bin/sh
# lint.sh -- `smtpscope lint`: exit status, caret column, RFC citations,
# the reply a server gives, sanitised output, --caps; and the AUTH warning
# given once, by the console's order checker.
. "$TOP_SRCDIR/tests/lib/common.sh"

# lint LINE [ARGS...]: run it, output in $T/out, status in $rc.
lint() {
	rc=0
	"$SMTPSCOPE" lint "$@" >"$T/out" 2>"$T/err" || rc=$?
	LAST_OUT=$T/out
}

# caret_col FILE: 0-based column of the first '^' on the first caret line.
caret_col() {
	awk 'index($0, "^") { print index($0, "^") - 1; exit }' "$1"
}

# A clean command: exit 0, the line echoed, nothing else to say.
lint 'MAIL FROM:<user@example.org> SIZE=1000'
[ "$rc" = 0 ] || fail "clean line: exit $rc"
assert_grep '^MAIL FROM:<user@example.org> SIZE=1000$' "$T/out"
assert_no_grep '^(error|warning):' "$T/out"

# Warning only: still exit 0, caret under the space after the colon.
lint 'MAIL FROM: <a@b>'
[ "$rc" = 0 ] || fail "warning only: exit $rc"
assert_grep '^warning: space after the colon.*\(RFC 5321 4\.1\.1\.2\)$' "$T/out"
[ "$(caret_col "$T/out")" = 10 ] || fail "caret at $(caret_col "$T/out"), expected 10"

# Missing angle brackets: exit 1, caret and tildes under the address,
# and the reply a server gives.
lint 'RCPT TO:a@b'
[ "$rc" = 1 ] || fail "missing brackets: exit $rc"
assert_grep '^error: missing angle brackets' "$T/out"
assert_grep '^        \^~~$' "$T/out"
assert_grep '^  a server answers 501 5\.5\.4$' "$T/out"

# A bad parameter value: the caret points at the value, not the keyword.
lint 'MAIL FROM:<a@b> SIZE=abc'
[ "$rc" = 1 ] || fail "SIZE=abc: exit $rc"
[ "$(caret_col "$T/out")" = 21 ] || fail "SIZE caret at $(caret_col "$T/out")"
assert_grep '\(RFC 1870 6\)$' "$T/out"

# Unknown and private verbs.
lint 'FROB x'
[ "$rc" = 1 ] || fail "unknown verb: exit $rc"
assert_grep '^error: unknown command "FROB"' "$T/out"
assert_grep '^  a server answers 500 5\.5\.2$' "$T/out"
lint 'XCLIENT ADDR=192.0.2.1'
[ "$rc" = 0 ] || fail "X verb: exit $rc"
assert_grep '^warning: private-use command' "$T/out"
assert_grep '^  a server may answer 500 5\.5\.2$' "$T/out"

# A parameter given twice: RFC 3461 4.5 and RFC 1870 6, 501.  A repeated
# NOTIFY element is a valid value (RFC 3461 4.1, 5.1): a warning, no reply.
lint 'RCPT TO:<a@b> NOTIFY=DELAY NOTIFY=NEVER'
[ "$rc" = 1 ] || fail "NOTIFY twice: exit $rc"
assert_grep '^error: NOTIFY given twice.*\(RFC 3461 4\.5\)$' "$T/out"
assert_grep '^  a server answers 501 5\.5\.4$' "$T/out"
lint 'MAIL FROM:<a@b> SIZE=1 SIZE=2'
[ "$rc" = 1 ] || fail "SIZE twice: exit $rc"
assert_grep '^  a server answers 501 5\.5\.4$' "$T/out"
lint 'RCPT TO:<a@b> NOTIFY=DELAY,DELAY'
[ "$rc" = 0 ] || fail "DELAY twice: exit $rc"
assert_grep '^warning: DELAY given twice' "$T/out"
assert_no_grep 'a server' "$T/out"

# Other replies: SASL mechanism (504), base64 (501 5.5.2), SMTPUTF8 (550).
lint 'AUTH PL@IN'
assert_grep '^  a server answers 504 5\.5\.4$' "$T/out"
lint 'AUTH PLAIN abc'
assert_grep '^  a server answers 501 5\.5\.2$' "$T/out"
lint "$(printf 'MAIL FROM:<\303\274@b.example>')"
assert_grep '^  a server answers 550 5\.6\.7$' "$T/out"

# An obsolete verb is taught, not refused.
lint 'TURN'
[ "$rc" = 0 ] || fail "TURN: exit $rc"
assert_grep 'obsolete and insecure.*Appendix F\.1' "$T/out"

# IPv6 literal, quoted local part, null path: all clean.
for l in 'EHLO [IPv6:2001:db8::1]' 'MAIL FROM:<"john doe"@example.org>' \
    'MAIL FROM:<>' 'RCPT TO:<Postmaster>'; do
	lint "$l"
	[ "$rc" = 0 ] || fail "\"$l\": exit $rc"
	assert_no_grep '^(error|warning)' "$T/out"
done

# An overlong line (513 octets with CRLF): error at column 510, its last
# octet.  Wider than 80 columns, the line is shown shortened around that
# column ("..." where it is cut), the caret under the same octet.
long=$(awk 'BEGIN { s = "NOOP "; while (length(s) < 511) s = s "x"; print s }')
lint "$long"
[ "$rc" = 1 ] || fail "overlong: exit $rc"
assert_grep 'RFC 5321 4\.5\.3\.1\.4' "$T/out"
assert_grep '^\.\.\.x{77}$' "$T/out"
[ "$(caret_col "$T/out")" = 79 ] || fail "caret at $(caret_col "$T/out"), expected 79"

# Nothing echoed drives the terminal, and a long argument is not echoed
# in full: 100 KB shown in 80 columns around each problem.
lint "$(printf 'NOOP \033]0;x\007')"
[ "$rc" = 1 ] || fail "NOOP ESC: exit $rc"
for c in '\033' '\007'; do
	if LC_ALL=C grep -q "$(printf "$c")" "$T/out" "$T/err"; then
		fail "a raw control byte ($c) in lint's output"
	fi
done
assert_grep '^NOOP \\x1b\]0;x\\x07$' "$T/out"
big=$(awk 'BEGIN { s = "NOOP "; while (length(s) < 100000) s = s "a"; print s }')
lint "$big$(printf 'X\033')b"
[ "$rc" = 1 ] || fail "100 KB: exit $rc"
[ "$(wc -c <"$T/out")" -lt 2000 ] || fail "a 100 KB argument echoed in full"
if LC_ALL=C grep -q "$(printf '\033')" "$T/out"; then fail "raw ESC in the output"; fi
assert_grep '^\.\.\.a+X\\x1bb$' "$T/out"
awk 'length($0) > 80 && !/^(error|warning|hint):/ { bad = 1 } END { exit bad }' \
    "$T/out" || fail "a line shown wider than 80 columns"
# the caret stands under the escaped ESC
awk '/^\.\.\./ { l = $0; next } /\^/ && l != "" { print substr(l, index($0, "^"), 4); exit }' \
    "$T/out" | grep -qxF '\x1b' || fail "caret not under the ESC"
lint "$(printf -- '--\033]0;x\007')"
[ "$rc" = 2 ] || fail "unknown option: exit $rc"
if LC_ALL=C grep -q "$(printf '\033')" "$T/err"; then LAST_OUT=$T/err; fail "raw ESC in the usage error"; fi
assert_grep 'unexpected argument "--\\x1b\]0;x\\x07"' "$T/err"

# Control characters are shown escaped, never raw, and the caret follows
# the escaped text.
lint "$(printf 'MAIL FROM:<a\033[2Jb@c>')"
[ "$rc" = 1 ] || fail "control character: exit $rc"
if grep -q "$(printf '\033')" "$T/out"; then fail "raw ESC in the output"; fi
assert_grep 'control character 0x1b' "$T/out"
[ "$(caret_col "$T/out")" = 12 ] || fail "ESC caret at $(caret_col "$T/out")"

# --caps: parameters the server did not advertise are warned about.
lint 'MAIL FROM:<a@b> SIZE=10 RET=FULL' --caps 'SIZE 8BITMIME'
[ "$rc" = 0 ] || fail "--caps: exit $rc"
assert_grep '^warning: the server did not advertise DSN' "$T/out"
assert_no_grep 'advertise SIZE' "$T/out"
lint 'MAIL FROM:<a@b> SIZE=10' --caps '8BITMIME'
assert_grep '^warning: the server did not advertise SIZE' "$T/out"
assert_grep '^  a server may answer 555 5\.5\.4$' "$T/out"
lint 'MAIL FROM:<a@b> SIZE=101' --caps 'SIZE 100'
assert_grep '^warning: larger than the 100 octets' "$T/out"
assert_grep '^  a server may answer 552 5\.3\.4$' "$T/out"
# Whether AUTH and its mechanism are offered is the session's question,
# not the grammar's: lint says nothing of it.
lint 'AUTH CRAM-MD5' --caps 'AUTH PLAIN LOGIN'
[ "$rc" = 0 ] || fail "AUTH CRAM-MD5: exit $rc"
assert_grep '^ok$' "$T/out"
lint 'AUTH LOGIN' --caps 'PIPELINING AUTH=PLAIN LOGIN SIZE 100'
[ "$rc" = 0 ] || fail "advertised mechanism: exit $rc"
assert_no_grep '^warning' "$T/out"

# One checker, once: AUTH to a server that did not advertise it is warned
# about a single time in the console (it was twice: grammar and session).
start_practice --quiet
rc=0
printf 'EHLO me.example\nAUTH PLAIN\nQUIT\n' |
    "$SMTPSCOPE" --plain "127.0.0.1:$PRACTICE_PORT" >"$T/console.out" 2>&1 ||
    rc=$?
LAST_OUT=$T/console.out
[ "$rc" = 0 ] || fail "the console: exit $rc, expected 0"
assert_grep 'C: AUTH PLAIN' "$T/console.out"
[ "$(grep -c 'advertise AUTH' "$T/console.out")" = 1 ] ||
	fail "the AUTH warning should be given once"

# Usage: no line, an unknown option, --caps without a value.
lint
[ "$rc" = 2 ] || fail "no argument: exit $rc"
grep -q '^usage: smtpscope lint' "$T/err" || { LAST_OUT=$T/err; fail "no usage on stderr"; }
lint --frobnicate 'QUIT'
[ "$rc" = 2 ] || fail "unknown option: exit $rc"
lint 'QUIT' --caps
[ "$rc" = 2 ] || fail "--caps without value: exit $rc"
lint --help
[ "$rc" = 0 ] || fail "--help: exit $rc"
assert_grep '^usage: smtpscope lint' "$T/out"
assert_grep 'Exit status' "$T/out"

exit 0
