#!/bin/sh
# SOCKS5 (RFC 1928, RFC 1929) through microsocks, with and without a user
# name and password: the SMTP server (smtp-sink, its dump file naming the
# client address) sees the proxy's address, not ours; the server's name
# is resolved by the proxy; the route is in the recording's header and
# :state; a refused password or a missing one is named; and the password
# appears nowhere: not on the screen, not in the recording, not in :save,
# not in the process's arguments.
. "$TOP_SRCDIR/tests/lib/common.sh"

pw='s0cks-Secret-9'
mkdir -p "$T/dump"
# smtp-sink drops root's privileges: its dump directory must let it in
chmod 0711 "$T"
chmod 0777 "$T/dump"
start_sink -D "$T/dump/sink"
# The proxies connect from 127.0.0.2 and 127.0.0.3 (all of 127/8 is
# loopback): the server then tells them from a direct connection.
start_socks -b 127.0.0.2
OPEN_PORT=$SOCKS_PORT
start_socks -b 127.0.0.3 alice "$pw"
AUTH_PORT=$SOCKS_PORT

send() {
	printf '%s\n' 'EHLO client.example' "MAIL FROM:<$1@example.org>" \
	    'RCPT TO:<b@example.org>' 'DATA' "Subject: $1" '' 'hi' '.' \
	    ':state' ":save $T/$1.save" 'QUIT'
}

# the client address smtp-sink saw for the message of sender $1
client_addr() {
	wait_grep "^X-Mail-Args: <$1@" "$T/dump/sink" "smtp-sink kept no message from $1"
	awk -v who="X-Mail-Args: <$1@example.org>" '
	    /^X-Client-Addr: / { addr = $2 }
	    index($0, who) == 1 { print addr; exit }' "$T/dump/sink"
}

# --- directly: the server sees 127.0.0.1 ------------------------------------
send direct | "$SMTPSCOPE" "127.0.0.1:$SINK_PORT" >"$T/out0" 2>&1 ||
    { LAST_OUT=$T/out0; fail "direct session"; }
[ "$(client_addr direct)" = 127.0.0.1 ] ||
    { LAST_OUT=$T/dump/sink; fail "direct: the sink saw $(client_addr direct)"; }

# --- through the proxy; the name "localhost" is resolved by it ----------
send open | "$SMTPSCOPE" --record "$T/open.smtp" \
    --socks5 "127.0.0.1:$OPEN_PORT" "localhost:$SINK_PORT" >"$T/out1" 2>&1
rc=$?
LAST_OUT=$T/out1
[ $rc -eq 0 ] || fail "through SOCKS5: exit $rc"
assert_grep "^\* through the SOCKS5 proxy 127\.0\.0\.1:$OPEN_PORT: it connected to localhost port $SINK_PORT " "$T/out1"
assert_grep "^server localhost:$SINK_PORT via SOCKS5 127\.0\.0\.1:$OPEN_PORT, state ready" "$T/out1"
assert_grep '^S: 250 ' "$T/out1"
[ "$(client_addr open)" = 127.0.0.2 ] ||
    { LAST_OUT=$T/dump/sink; fail "through SOCKS5: the sink saw $(client_addr open), not the proxy's 127.0.0.2"; }
# the route is in the recording's header, before the first event
LAST_OUT=$T/open.smtp
sed -n 2,3p "$T/open.smtp" | grep -q "^# via SOCKS5 127\.0\.0\.1:$OPEN_PORT\$" ||
    fail "the recording's header does not name the proxy"

# --- with a user name and password (RFC 1929) ------------------------------
send auth >"$T/in2"
mkfifo "$T/fifo"
"$SMTPSCOPE" --record "$T/auth.smtp" --socks5 "alice:$pw@127.0.0.1:$AUTH_PORT" \
    "localhost:$SINK_PORT" <"$T/fifo" >"$T/out2" 2>&1 &
pid=$!
bg_register "$pid"
exec 3>"$T/fifo"
# while it runs: the password has left its arguments (ps shows them)
wait_grep '^S: 220 ' "$T/out2" "no greeting through the proxy"
tr '\0' ' ' <"/proc/$pid/cmdline" >"$T/cmdline"
LAST_OUT=$T/cmdline
assert_grep "alice:" "$T/cmdline"
assert_no_grep "$pw" "$T/cmdline"
cat "$T/in2" >&3
exec 3>&-
wait "$pid"
rc=$?
LAST_OUT=$T/out2
[ $rc -eq 0 ] || fail "SOCKS5 with a password: exit $rc"
assert_grep "^\* through the SOCKS5 proxy 127\.0\.0\.1:$AUTH_PORT as alice: " "$T/out2"
assert_grep "via SOCKS5 127\.0\.0\.1:$AUTH_PORT \(user alice\), state ready" "$T/out2"
[ "$(client_addr auth)" = 127.0.0.3 ] ||
    { LAST_OUT=$T/dump/sink; fail "with a password: the sink saw $(client_addr auth)"; }
assert_grep "^# via SOCKS5 127\.0\.0\.1:$AUTH_PORT \(user alice\)\$" "$T/auth.smtp"

# a wrong password, and none: named, exit 3, nothing sent
printf 'QUIT\n' | "$SMTPSCOPE" --socks5 "alice:not-$pw@127.0.0.1:$AUTH_PORT" \
    "localhost:$SINK_PORT" >"$T/out3" 2>&1
rc=$?
LAST_OUT=$T/out3
[ $rc -eq 3 ] || fail "a refused password: exit $rc, want 3"
assert_grep 'the SOCKS5 proxy refused the user name and password for alice \(RFC 1929 2\)' "$T/out3"
printf 'QUIT\n' | "$SMTPSCOPE" --socks5 "127.0.0.1:$AUTH_PORT" \
    "localhost:$SINK_PORT" >"$T/out4" 2>&1
rc=$?
LAST_OUT=$T/out4
[ $rc -eq 3 ] || fail "no password for a proxy that wants one: exit $rc"
assert_grep 'accepts none of the methods offered \(RFC 1928 3\): it may want a user name and password' "$T/out4"
# the proxy cannot reach the server: its reply, in words
dead=$(free_port)
printf 'QUIT\n' | "$SMTPSCOPE" --socks5 "127.0.0.1:$OPEN_PORT" \
    "127.0.0.1:$dead" >"$T/out5" 2>&1
rc=$?
LAST_OUT=$T/out5
[ $rc -eq 3 ] || fail "server unreachable through the proxy: exit $rc"
assert_grep "could not connect to 127\.0\.0\.1 port $dead: .*\(RFC 1928 6, reply [0-9]\)" "$T/out5"
# bad option values are usage errors, quoting no password
"$SMTPSCOPE" --socks5 "alice:$pw@127.0.0.1" "localhost:$SINK_PORT" </dev/null \
    >"$T/out6" 2>&1
[ $? -eq 2 ] || fail "--socks5 without a port: not a usage error"
"$SMTPSCOPE" --socks5 "127.0.0.1:$OPEN_PORT" --proxy-protocol v1 \
    "localhost:$SINK_PORT" </dev/null >>"$T/out6" 2>&1
[ $? -eq 2 ] || fail "--socks5 with --proxy-protocol: not a usage error"
LAST_OUT=$T/out6
assert_grep 'exclude each other' "$T/out6"

# the password is nowhere
for f in "$T"/out* "$T"/*.smtp "$T"/*.save "$T"/socks*.out; do
	LAST_OUT=$f
	assert_no_grep "$pw" "$f"
done

# --json: the route in the connect object, the password nowhere
printf '%s\n' 'EHLO me' 'QUIT' | "$SMTPSCOPE" --json \
    --socks5 "alice:$pw@127.0.0.1:$AUTH_PORT" "localhost:$SINK_PORT" \
    >"$T/socks.json" 2>&1
[ $? -eq 0 ] || { LAST_OUT=$T/socks.json; fail "--json through SOCKS5"; }
"$PYTHON" "$TOP_SRCDIR/tests/lib/jsonl_check.py" "$TOP_SRCDIR/docs/json.md" \
    "$T/socks.json" --absent "$pw" \
    --want "connect:route=\"SOCKS5 127.0.0.1:$AUTH_PORT (user alice)\"" \
    --want 'connect:address="127.0.0.1"' --want 'connect:server="localhost:'"$SINK_PORT"'"' \
    >"$T/check" 2>&1 || { LAST_OUT=$T/check; fail "SOCKS5 JSON"; }

# replay goes through the proxy too
"$SMTPSCOPE" replay --socks5 "127.0.0.1:$OPEN_PORT" "$T/open.smtp" \
    >"$T/r1" 2>&1
rc=$?
LAST_OUT=$T/r1
[ $rc -eq 0 ] || fail "replay through SOCKS5: exit $rc"
exit 0
