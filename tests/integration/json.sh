#!/bin/sh
# JSON Lines (--json): every line of a console session, of a replay and of
# a failed connection parses (json.loads), holds the fields docs/json.md
# gives its type and no other, runs from "start" to "end" with the exit
# status, and never holds a secret; a STARTTLS session tells the
# certificate fields of the handshake.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"

SCHEMA=$TOP_SRCDIR/docs/json.md
check() {
	"$PYTHON" "$TOP_SRCDIR/tests/lib/jsonl_check.py" "$SCHEMA" "$@" \
	    >"$T/check" 2>&1 || { LAST_OUT=$T/check; fail "$1: $(cat "$T/check")"; }
}

start_practice
secret=$(b64 '\0student\0json-Secret-Pw')

# --- a console session ----------------------------------------------------
printf '%s\n' 'EHLO me' 'MAIL FROM:<a@example.org>' 'RCPT TO:<b@example.org>' \
    'DATA' 'Subject: json' '' 'a "quoted" line \ with a backslash' '.' \
    'RCPT TO:<c@example.org>' "AUTH PLAIN $secret" ':state' 'QUIT' |
	"$SMTPSCOPE" --json --record "$T/s.smtp" "127.0.0.1:$PRACTICE_PORT" \
	    >"$T/s.json" 2>"$T/s.err"
rc=$?
LAST_OUT=$T/s.err
[ $rc -eq 0 ] || fail "session: exit $rc"
[ ! -s "$T/s.err" ] || fail "session: something on stderr"
check "$T/s.json" --absent "$secret" --absent json-Secret-Pw \
    --want 'start:command="session"' \
    --want 'connect:protocol="smtp"' \
    --want "connect:server=\"127.0.0.1:$PRACTICE_PORT\"" \
    --want 'reply:context="greeting"' \
    --want 'reply:command="MAIL FROM:<a@example.org>"' \
    --want 'reply:enhanced="2.1.0"' \
    --want 'reply:summary="250 after MAIL FROM: sender accepted"' \
    --want 'reply:context="data-end"' \
    --want 'command:line="a \"quoted\" line \\\\ with a backslash"' \
    --want 'command:line="AUTH PLAIN ********"' \
    --want 'reply:command="AUTH PLAIN ********"' \
    --want 'state:to="rcpt"' \
    --want 'warning' --want 'help' \
    --want 'end:status=0' --want 'end:status_name="ok"'
# one object a line, in order: no prompt, nothing else on standard output
LAST_OUT=$T/s.json
[ "$(head -n 1 "$T/s.json" | cut -c1-30)" = '{"v":1,"type":"start","command' ] ||
    fail "the first line is not the start object"
"$PYTHON" -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
reply = [o for o in objs if o["type"] == "reply" and o["context"] == "command"][0]
assert reply["rfc"] and all(r.startswith("RFC ") for r in reply["rfc"]), reply
assert isinstance(reply["latency_ms"], float), reply
# the state change comes after the reply that caused it
types = [o["type"] for o in objs]
i = types.index("reply")
assert types[i + 1] == "state", types[:i + 2]
' "$T/s.json" || fail "session: the reply or the order of the objects"
# the recording is written as usual
assert_grep '^C: AUTH PLAIN \*\*\*\*\*\*\*\*$' "$T/s.smtp"

# --- no connection: the error, and end with status 3 -------------------------
dead=$(free_port)
printf 'QUIT\n' | "$SMTPSCOPE" --json "127.0.0.1:$dead" >"$T/refused.json" 2>&1
[ $? -eq 3 ] || fail "refused: exit status"
check "$T/refused.json" --want 'error' --want 'end:status=3' \
    --want 'end:status_name="connect"'

# --- never a prompt: --auth without a password fails at once --------------
"$SMTPSCOPE" --json --auth PLAIN --auth-user student \
    "127.0.0.1:$PRACTICE_PORT" </dev/null >"$T/auth.out" 2>&1
[ $? -eq 2 ] || { LAST_OUT=$T/auth.out; fail "--json --auth without a password: not a usage error"; }

# --- replay --json --------------------------------------------------------------
"$SMTPSCOPE" replay --json "$T/s.smtp" "127.0.0.1:$PRACTICE_PORT" \
    >"$T/r.json" 2>"$T/r.err"
rc=$?
LAST_OUT=$T/r.err
# the masked AUTH line needs its secret: the file is refused first
[ $rc -eq 2 ] || fail "replay --json without the secret: exit $rc"
check "$T/r.json" --want invalid --want 'end:status=2'
assert_grep 'SMTPSCOPE_SECRET' "$T/r.json"
SMTPSCOPE_SECRET=$secret; export SMTPSCOPE_SECRET
"$SMTPSCOPE" replay --json "$T/s.smtp" "127.0.0.1:$PRACTICE_PORT" \
    >"$T/r.json" 2>"$T/r.err"
[ $? -eq 0 ] || fail "replay --json with the secret"
check "$T/r.json" --absent "$secret" \
    --want 'start:command="replay"' --want 'expect:ok=true' \
    --want 'expect:reply.code=354' --want 'expect:after="DATA"' \
    --want 'command:line="AUTH PLAIN ********"' \
    --want 'end:status=0'
"$PYTHON" -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
end = objs[-1]
n = len([o for o in objs if o["type"] == "expect"])
assert end["tests"] == n and end["failed"] == 0, (end, n)
' "$T/r.json" || { LAST_OUT=$T/r.json; fail "replay: end does not count the expectations"; }
# a mismatch, and a file refused
sed 's/^S: 354 .*/S: 250/' "$T/s.smtp" >"$T/wrong.smtp"
"$SMTPSCOPE" replay --json "$T/wrong.smtp" "127.0.0.1:$PRACTICE_PORT" \
    >"$T/w.json" 2>&1
[ $? -eq 1 ] || fail "replay --json of a mismatch: exit status"
check "$T/w.json" --want 'expect:ok=false' --want 'expect:why="expected 250"' \
    --want 'end:status=1' --want 'end:failed=1'
printf '# smtpscope session 1\nS: 220\nD: body without DATA\n' >"$T/bad.smtp"
"$SMTPSCOPE" replay --json "$T/bad.smtp" "127.0.0.1:$PRACTICE_PORT" \
    >"$T/b.json" 2>&1
[ $? -eq 2 ] || fail "replay --json of a bad file: exit status"
check "$T/b.json" --want invalid --want 'end:status=2'
"$SMTPSCOPE" replay --json --tap "$T/s.smtp" </dev/null >"$T/tap.out" 2>&1
[ $? -eq 2 ] || fail "--json with --tap: not a usage error"

# --- TLS: the handshake's certificate fields -----------------------------------
start_tls_server
printf '%s\n' 'EHLO me' 'QUIT' | "$SMTPSCOPE" --json --starttls \
    --cafile "$TLS_CA" "127.0.0.1:$STARTTLS_PORT" >"$T/tls.json" 2>&1
[ $? -eq 0 ] || { LAST_OUT=$T/tls.json; fail "STARTTLS session: exit status"; }
check "$T/tls.json" --want 'tls:mode="starttls"' --want 'tls:tls.verified=true' \
    --want 'tls:tls.name="127.0.0.1"' --want 'command:line="STARTTLS"' \
    --want 'end:status=0'
"$PYTHON" -c '
import json, sys
t = [json.loads(l) for l in open(sys.argv[1]) if "\"type\":\"tls\"" in l][0]["tls"]
assert t["protocol"].startswith("TLSv1."), t
assert t["certs_sent"] >= 1 and t["chain"], t
c = t["chain"][0]
assert c["subject"] == "CN=localhost" and "IP:127.0.0.1" in c["names"], c
assert c["issuer"] == "CN=smtpscope test ca" and len(c["sha256"]) == 95, c
assert c["key"] and c["key_bits"] > 0 and c["days_left"] >= 0, c
assert t["faults"] == [] and t["summary"].endswith("verify=ok"), t
' "$T/tls.json" || { LAST_OUT=$T/tls.json; fail "the TLS object lacks the certificate fields"; }
# implicit TLS
printf 'QUIT\n' | "$SMTPSCOPE" --json --tls --cafile "$TLS_CA" \
    "127.0.0.1:$SMTPS_PORT" >"$T/tls2.json" 2>&1
check "$T/tls2.json" --want 'tls:mode="tls"' --want 'end:status=0'
exit 0
