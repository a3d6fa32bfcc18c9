#!/bin/sh
# practice_server.sh -- `smtpscope serve` on loopback, driven by raw sockets:
# greeting, EHLO, a stored dot-stuffed message compared byte for byte,
# several clients at once, pipelining, garbage, the log (AUTH masked), the
# client limit (the idlest makes room), 200 idle connections, SIGTERM.
. "$TOP_SRCDIR/tests/lib/common.sh"

CLIENT="$PYTHON $TOP_SRCDIR/tests/lib/smtpclient.py"
crlf() { printf '%s\r\n' "$@"; }

# --- options --------------------------------------------------------------
rc=0
"$SMTPSCOPE" serve --bogus >"$T/usage.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || { LAST_OUT=$T/usage.out; fail "unknown option: exit $rc, want 2"; }
assert_grep '^usage: smtpscope serve' "$T/usage.out"
rc=0
"$SMTPSCOPE" serve --port 70000 >"$T/usage.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "bad port: exit $rc, want 2"

start_practice --store "$T/store"
assert_grep '^smtpscope: practice server listening on 127\.0\.0\.1:[0-9]+$' "$T/practice.out"
assert_grep '^smtpscope: practice account for AUTH \(offered after STARTTLS\): user student, password practice$' "$T/practice.out"
[ "$(wc -l <"$T/practice.out")" -eq 2 ] || fail "more than two lines on stdout at start"

# --- greeting and EHLO -----------------------------------------------------
crlf 'EHLO client.example' 'QUIT' >"$T/ehlo.in"
$CLIENT "$PRACTICE_PORT" "$T/ehlo.in" >"$T/ehlo.out" || fail "client failed"
LAST_OUT=$T/ehlo.out
head -n 1 "$T/ehlo.out" | grep -q '^220 practice\.smtpscope\.test ESMTP ' ||
	fail "no 220 greeting"
for cap in PIPELINING 'SIZE 10485760' 8BITMIME ENHANCEDSTATUSCODES CHUNKING SMTPUTF8; do
	grep -q "^250[- ]$cap"$(printf '\r') "$T/ehlo.out" || fail "EHLO lacks $cap"
done
assert_grep '^221 2\.0\.0 ' "$T/ehlo.out"

# --- a full transaction, stored byte-exact ---------------------------------
# The body as the client sends it (dot-stuffed), and as it must be kept.
{
	crlf 'EHLO client.example' 'MAIL FROM:<a@example.org> BODY=8BITMIME' \
	    'RCPT TO:<b@example.org>' 'RCPT TO:<c@example.org>' 'DATA'
	crlf 'Subject: dots' '' 'line one' '..' '...x' '..x' '. leading' \
	    'end.' '' '.'
	crlf 'QUIT'
} >"$T/txn.in"
{
	crlf 'Subject: dots' '' 'line one' '.' '..x' '.x' ' leading' 'end.' ''
} >"$T/txn.want"
$CLIENT "$PRACTICE_PORT" "$T/txn.in" >"$T/txn.out" || fail "client failed"
LAST_OUT=$T/txn.out
assert_grep '^354 ' "$T/txn.out"
assert_grep '^250 2\.0\.0 Message accepted as message 1 ' "$T/txn.out"
[ -f "$T/store/1.eml" ] || fail "no 1.eml in the store"
cmp "$T/txn.want" "$T/store/1.eml" || fail "stored body differs from the unstuffed body"
printf 'MAIL FROM:<a@example.org> BODY=8BITMIME\nRCPT TO:<b@example.org>\nRCPT TO:<c@example.org>\n' >"$T/env.want"
cmp "$T/env.want" "$T/store/1.env" || fail "stored envelope differs"

# --- pipelining: one write, replies in order --------------------------------
{
	crlf 'EHLO pipe.example' 'MAIL FROM:<>' 'RCPT TO:<x@example.org>' \
	    'RCPT TO:<broken' 'RCPT TO:<y@example.org>' 'DATA' 'hi' '.' \
	    'NOOP' 'FOO' 'MAIL FROM:<z@example.org>' 'RSET' 'QUIT'
} >"$T/pipe.in"
$CLIENT "$PRACTICE_PORT" "$T/pipe.in" >"$T/pipe.out" || fail "client failed"
grep -v '^250-' "$T/pipe.out" | cut -c1-9 | tr -d '\r' >"$T/pipe.codes"
printf '%s\n' '220 pract' '250 HELP' '250 2.1.0' '250 2.1.5' '501 5.5.4' \
    '250 2.1.5' '354 End d' '250 2.0.0' '250 2.0.0' '500 5.5.2' '250 2.1.0' \
    '250 2.0.0' '221 2.0.0' >"$T/pipe.want"
diff "$T/pipe.want" "$T/pipe.codes" >"$T/pipe.diff" ||
	{ LAST_OUT=$T/pipe.diff; fail "pipelined replies out of order"; }

# --- several clients at once ------------------------------------------------
# All five are greeted before any sends; then they send in interleaved
# 7-octet pieces, so the server holds five half-read sessions at once.
{
	crlf 'EHLO many.example' 'MAIL FROM:<m@example.org>' \
	    'RCPT TO:<n@example.org>' 'DATA' 'Subject: many' '' 'same body' '.' 'QUIT'
} >"$T/many.in"
$CLIENT "$PRACTICE_PORT" --clients 5 --chunk 7 --out "$T/many.out" "$T/many.in" ||
	fail "clients failed"
for i in 0 1 2 3 4; do
	assert_grep '^250 2\.0\.0 Message accepted' "$T/many.out.$i"
	assert_grep '^221 ' "$T/many.out.$i"
done
n=$(ls "$T/store" | grep -c '\.eml$')
[ "$n" = 7 ] || fail "want 7 stored messages, have $n"

# --- garbage does not kill the server ---------------------------------------
"$PYTHON" -c '
import random, sys
r = random.Random(5321)
sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))
sys.stdout.buffer.write(b"\0\0\0\r\n" + b"A" * 200000 + b"\r\n\r\n\n\n")
' >"$T/garbage.in"
$CLIENT "$PRACTICE_PORT" --chunk 1000 --half-close "$T/garbage.in" >"$T/garbage.out" ||
	fail "garbage client failed"
assert_grep '^500 5\.5\.2 Line too long' "$T/garbage.out"
# a client that vanishes in the middle of DATA
{
	crlf 'EHLO gone.example' 'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' 'DATA'
	printf 'half a message without an end'
} >"$T/vanish.in"
$CLIENT "$PRACTICE_PORT" --vanish "$T/vanish.in" || fail "vanishing client failed"
$CLIENT "$PRACTICE_PORT" --vanish "$T/garbage.in" || fail "vanishing client failed"
# and a fresh client is still served
crlf 'NOOP' 'QUIT' >"$T/after.in"
$CLIENT "$PRACTICE_PORT" "$T/after.in" >"$T/after.out" || fail "client failed"
LAST_OUT=$T/after.out
assert_grep '^220 ' "$T/after.out"
assert_grep '^250 2\.0\.0 OK' "$T/after.out"
kill -0 "$PRACTICE_PID" 2>/dev/null || fail "the server died"
n=$(ls "$T/store" | grep -c '\.eml$')
[ "$n" = 7 ] || fail "an unfinished message was stored"

# --- the log on stderr: an AUTH secret never appears (RFC 4954 4) -----------
crlf 'EHLO log.example' 'AUTH PLAIN AHN0dWRlbnQAczNjcjN0LXB3' 'QUIT' >"$T/auth.in"
$CLIENT "$PRACTICE_PORT" "$T/auth.in" >"$T/auth.out" || fail "client failed"
assert_grep '^538 5\.7\.11 ' "$T/auth.out"
wait_grep 'AUTH PLAIN' "$T/practice.err"
LAST_OUT=$T/practice.err
assert_grep '^smtpscope: practice \[[0-9]+\] AUTH PLAIN \*\*\*\*\*\*\*\* -> 538$' "$T/practice.err"
assert_no_grep 'AHN0dWRlbnQ' "$T/practice.err"

# --- the log on stderr --------------------------------------------------------
LAST_OUT=$T/practice.err
assert_grep '\[1\] connected' "$T/practice.err"
assert_grep 'MAIL FROM:<a@example\.org> BODY=8BITMIME -> 250' "$T/practice.err"
assert_grep 'client vanished inside a message' "$T/practice.err"

# --- SIGTERM: clean stop, exit 0, count printed ---------------------------------
kill -TERM "$PRACTICE_PID"
rc=0
wait "$PRACTICE_PID" || rc=$?
[ "$rc" = 0 ] || fail "serve exited $rc after SIGTERM"
LAST_OUT=$T/practice.out
assert_grep '^smtpscope: practice server stopped; 7 messages accepted$' "$T/practice.out"

# --- over the client limit: the longest-idle client makes room ------------------
start_practice --max-clients 2 --quiet
"$PYTHON" - "$PRACTICE_PORT" >"$T/limit.out" <<'EOF' || fail "limit client failed"
import socket, sys
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port), 20)
    s.settimeout(20)
    print(s.recv(512).decode().strip())
    return s
a = conn()
b = conn()
b.sendall(b"NOOP\r\n")
print(b.recv(512).decode().strip())
c = conn()
data = b""
while True:
    d = a.recv(512)
    if not d:
        break
    data += d
print("a: " + data.decode().strip())
c.sendall(b"QUIT\r\n")
print("c: " + c.recv(512).decode().strip())
EOF
LAST_OUT=$T/limit.out
[ "$(grep -c '^220 ' "$T/limit.out")" = 3 ] || fail "three clients should be greeted"
assert_grep '^a: 421 4\.3\.2 Too many connections' "$T/limit.out"
assert_grep '^c: 221 ' "$T/limit.out"
[ -s "$T/practice.err" ] && { LAST_OUT=$T/practice.err; fail "--quiet still logged"; }

# --- SIGINT stops it cleanly too -------------------------------------------------
kill -INT "$PRACTICE_PID"
rc=0
wait "$PRACTICE_PID" || rc=$?
[ "$rc" = 0 ] || fail "serve exited $rc after SIGINT"
assert_grep '^smtpscope: practice server stopped; 0 messages accepted$' "$T/practice.out"

# --- the open-file limit bounds the clients: poll() refuses more
# descriptors than it (the server stopped with "poll: Invalid argument"),
# and past it accept() fails with EMFILE; beyond it the idlest make room -----
start_server nofile sh -c 'ulimit -n 40 && exec "$0" "$@"' \
    "$SMTPSCOPE" serve --port 0 --max-clients 1000
port=$SERVER_PORT
# (the note comes once the server listens: wait for it)
wait_grep 'open-file limit' "$T/nofile.err"
LAST_OUT=$T/nofile.err
assert_grep '^smtpscope: practice: serving at most 24 clients at once \(open-file limit 40\)$' "$T/nofile.err"
"$PYTHON" - "$port" >"$T/nofile.clients" <<'EOF' || fail "nofile client failed"
import socket, sys
port = int(sys.argv[1])
held = []
for i in range(30):
    s = socket.create_connection(("127.0.0.1", port), 20)
    s.settimeout(20)
    print(s.recv(512).decode().split(" ")[0])
    held.append(s)
# the six connected first made room for the last six
for s in held[:6]:
    print("first: " + s.recv(512).decode().split(" ")[0])
EOF
LAST_OUT=$T/nofile.clients
[ "$(grep -c '^220$' "$T/nofile.clients")" = 30 ] || fail "30 clients should be greeted"
[ "$(grep -c '^first: 421$' "$T/nofile.clients")" = 6 ] || fail "6 clients should get 421"

# --- 200 idle connections: a new client is still greeted at once ------------
# 64 connections that never send used to lock everyone out for 30 minutes.
start_practice
"$PYTHON" - "$PRACTICE_PORT" >"$T/idle.out" <<'EOF' || fail "idle clients failed"
import socket, sys
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port), 20) for i in range(200)]
s = socket.create_connection(("127.0.0.1", port), 20)
s.settimeout(20)
buf = b""
while b"\r\n" not in buf:
    d = s.recv(512)
    if not d:
        break
    buf += d
print("new: " + buf.decode().strip())
s.sendall(b"EHLO late.example\r\nQUIT\r\n")
while b"\r\n221 " not in buf:
    d = s.recv(4096)
    if not d:
        break
    buf += d
print("221" if b"\r\n221 " in buf else "no 221")
EOF
LAST_OUT=$T/idle.out
assert_grep '^new: 220 practice\.smtpscope\.test ' "$T/idle.out"
assert_grep '^221$' "$T/idle.out"
kill -0 "$PRACTICE_PID" 2>/dev/null || fail "the server died"
exit 0
