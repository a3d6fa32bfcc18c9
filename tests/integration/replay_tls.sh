#!/bin/sh
# Replay over TLS: a recorded STARTTLS session (T: starttls) and an
# implicit-TLS one (T: tls) replay green; a failed handshake exits 3.
# AUTH: a recording with the secret masked replays with the secret taken
# from the environment.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server

LAST_OUT=$T/console
printf 'EHLO me\nNOOP\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --starttls \
    --cafile "$TLS_CA" --record "$T/st.smtp" "127.0.0.1:$STARTTLS_PORT" \
    >"$T/console" 2>&1 || fail "recording the STARTTLS session"
LAST_OUT=$T/st.smtp
assert_grep '^C: STARTTLS$' "$T/st.smtp"
assert_grep '^T: starttls ' "$T/st.smtp"
LAST_OUT=$T/out
"$SMTPSCOPE" replay --tap --timeout 20 --cafile "$TLS_CA" "$T/st.smtp" \
    >"$T/out" 2>&1 || fail "replay of the STARTTLS session"
assert_no_grep '^not ok' "$T/out"
assert_grep '^ok [0-9]+ - line [0-9]+: 220 after STARTTLS$' "$T/out"
# Verification fails without the test CA: exit 3.
rc=0; "$SMTPSCOPE" replay --timeout 20 "$T/st.smtp" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "failed handshake: exit $rc, expected 3"
assert_grep 'TLS' "$T/out"

LAST_OUT=$T/console
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --tls \
    --cafile "$TLS_CA" --record "$T/im.smtp" "127.0.0.1:$SMTPS_PORT" \
    >"$T/console" 2>&1 || fail "recording the implicit-TLS session"
LAST_OUT=$T/im.smtp
assert_grep '^T: tls ' "$T/im.smtp"
# The T: tls line alone makes replay use TLS (the port is not 465).
LAST_OUT=$T/out
"$SMTPSCOPE" replay --timeout 20 --cafile "$TLS_CA" "$T/im.smtp" \
    "127.0.0.1:$SMTPS_PORT" >"$T/out" 2>&1 || fail "replay of the implicit-TLS session"
assert_grep ' 0 mismatches$' "$T/out"

# AUTH PLAIN: masked in the recording, filled in from the environment.
start_auth_server
b=$(auth_plain_b64)
LAST_OUT=$T/console
printf 'EHLO me\nAUTH PLAIN %s\nQUIT\n' "$b" | "$SMTPSCOPE" --plain --no-check \
    --timeout 20 --record "$T/auth.smtp" "127.0.0.1:$AUTH_PORT" >"$T/console" 2>&1 ||
	fail "recording the AUTH session"
LAST_OUT=$T/auth.smtp
assert_grep '^C: AUTH PLAIN \*\*\*\*\*\*\*\*$' "$T/auth.smtp"
assert_grep '^S: 235' "$T/auth.smtp"
assert_no_grep "$b" "$T/auth.smtp"
LAST_OUT=$T/out
SMTPSCOPE_SECRET=$b "$SMTPSCOPE" replay --timeout 20 "$T/auth.smtp" >"$T/out" 2>&1 ||
	fail "replay with SMTPSCOPE_SECRET"
# A wrong secret: the 235 expectation fails.
rc=0; SMTPSCOPE_SECRET=AHdyb25nAHdyb25n "$SMTPSCOPE" replay --timeout 20 \
    "$T/auth.smtp" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "wrong secret: exit $rc, expected 1"
assert_grep 'mismatch after "AUTH PLAIN \*\*\*\*\*\*\*\*": expected 235' "$T/out"
