#!/bin/sh
# --starttls means never in clear, in the console: a first line that is
# HELO or a transaction command waits while the engine says EHLO and
# STARTTLS itself (one line says so); nothing but EHLO goes out before the
# handshake (a capture of what the client sent shows it); when STARTTLS
# cannot be had (not offered, the handshake failed) the rest of the piped
# lines is not sent and the exit status is 3; when the input ends, QUIT
# is sent.  Against the harness's Postfix, its log showing what it saw.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server
postfix() { [ "$TLS_SERVER" = postfix ]; }

# run NAME PORT: the piped console with --starttls on PORT, input $T/in
run() {
	out=$T/$1.out
	LAST_OUT=$out
	postfix && pf_mark
	"$SMTPSCOPE" --plain --timeout 20 --starttls --cafile "$TLS_CA" \
	    "127.0.0.1:$2" <"$T/in" >"$out" 2>&1
	rc=$?
	postfix && pf_session
}

# --- HELO first, then a transaction, no QUIT: through a relay that keeps
# what the client sent --------------------------------------------------
start_server proxy "$PYTHON" "$TOP_SRCDIR/tests/lib/capture_proxy.py" \
    "$STARTTLS_PORT" "$T/capture"
proxy=$SERVER_PORT
printf 'HELO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.test>\n' \
    >"$T/in"
run helo "$proxy"
[ "$rc" = 0 ] || fail "HELO first: exit status $rc, expected 0"
assert_grep '^\* --starttls: EHLO me and STARTTLS first, "HELO me" once TLS is up \(nothing but EHLO, NOOP, RSET and QUIT goes out in clear\)$' "$out"
# the order: EHLO, STARTTLS, the handshake, then the waiting HELO in the
# place of the second EHLO, the rest, and QUIT at the end of the input
order=$(grep -E '^(C: |\* TLS)' "$out" | sed -e 's/^\* TLS.*/TLS/' \
    -e 's/^C: //' -e 's/ .*//' | tr '\n' ' ')
[ "$order" = "EHLO STARTTLS TLS HELO MAIL RCPT QUIT " ] ||
    fail "HELO first: wrong order: $order"
# in clear: EHLO and STARTTLS, then TLS records (a handshake record: 0x16)
printf 'EHLO me\r\nSTARTTLS\r\n' >"$T/want"
n=$(wc -c <"$T/want")
head -c "$n" "$T/capture" >"$T/clear"
cmp -s "$T/want" "$T/clear" ||
    { LAST_OUT=$T/clear; fail "sent in clear: $(od -c "$T/clear" | head -3)"; }
[ "$(tail -c +$((n + 1)) "$T/capture" | head -c 1 | od -An -tx1 | tr -d ' ')" = 16 ] ||
    fail "no TLS handshake after STARTTLS"
grep -a -q 'MAIL FROM\|HELO me' "$T/capture" && fail "a command went out in clear"
if postfix; then
	LAST_OUT=$T/pf/session
	assert_grep 'TLS connection established from localhost' "$T/pf/session"
	assert_grep 'disconnect from localhost\[127\.0\.0\.1\] helo=1 ehlo=1 starttls=1 mail=1 rcpt=1 quit=1 commands=6$' "$T/pf/session"
	assert_no_grep 'lost connection' "$T/pf/session"
fi

# --- a transaction command first: the engine's EHLO (--ehlo's name) -----
printf 'MAIL FROM:<a@example.org>\nQUIT\n' >"$T/in"
out=$T/mail.out
postfix && pf_mark
"$SMTPSCOPE" --plain --timeout 20 --starttls --cafile "$TLS_CA" \
    --ehlo client.example "127.0.0.1:$STARTTLS_PORT" <"$T/in" >"$out" 2>&1
rc=$?
LAST_OUT=$out
[ "$rc" = 0 ] || fail "MAIL first: exit status $rc, expected 0"
assert_grep '^\* --starttls: EHLO client\.example and STARTTLS first, "MAIL FROM:<a@example\.org>" once TLS is up' "$out"
order=$(grep -E '^(C: |\* TLS)' "$out" | sed -e 's/^\* TLS.*/TLS/' \
    -e 's/^C: //' | tr '\n' '|')
[ "$order" = "EHLO client.example|STARTTLS|TLS|EHLO client.example|MAIL FROM:<a@example.org>|QUIT|" ] ||
    fail "MAIL first: wrong order: $order"
if postfix; then
	pf_session
	assert_grep 'ehlo=2 starttls=1 mail=1 quit=1 commands=5$' "$T/pf/session"
fi

# --- a server that does not offer STARTTLS: nothing more is sent, 3 -----
printf 'HELO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.test>\nQUIT\n' \
    >"$T/in"
run notls "$NOTLS_PORT"
[ "$rc" = 3 ] || fail "no STARTTLS: exit status $rc, expected 3"
assert_grep '^smtpscope: 127\.0\.0\.1:[0-9]+ does not offer STARTTLS \(not in its EHLO reply\): ending the session' "$out"
assert_grep '^smtpscope: no TLS: "HELO me" not sent$' "$out"
assert_no_grep '^C: (HELO|MAIL|RCPT)' "$out"
[ "$(grep -c '^C: ' "$out")" = 2 ] || fail "no STARTTLS: more than EHLO and QUIT sent"
assert_grep '^C: QUIT$' "$out"
if postfix; then
	LAST_OUT=$T/pf/session
	assert_grep 'disconnect from localhost\[127\.0\.0\.1\] ehlo=1 quit=1 commands=2$' "$T/pf/session"
fi
# the same after the user's own EHLO (today's trap: MAIL went out after
# "ending the session")
printf 'EHLO me\nMAIL FROM:<a@example.org>\nQUIT\n' >"$T/in"
run notls2 "$NOTLS_PORT"
[ "$rc" = 3 ] || fail "no STARTTLS after EHLO: exit status $rc, expected 3"
assert_no_grep '^C: MAIL' "$out"
postfix && assert_grep 'ehlo=1 quit=1 commands=2$' "$T/pf/session"

# --- the handshake fails (an expired certificate): MAIL never sent -------
if postfix; then
	printf 'MAIL FROM:<a@example.org>\nQUIT\n' >"$T/in"
	run expired "$EXPIRED_PORT"
	[ "$rc" = 3 ] || fail "failed handshake: exit status $rc, expected 3"
	assert_grep '^smtpscope: TLS handshake with 127\.0\.0\.1:[0-9]+ failed: ' "$out"
	assert_grep '^smtpscope: the handshake failed: "MAIL FROM:<a@example\.org>" not sent$' "$out"
	assert_no_grep '^C: MAIL' "$out"
	assert_grep 'lost connection after STARTTLS' "$T/pf/session"
	assert_grep 'disconnect from .* ehlo=1 starttls=0/1 commands=1/2$' "$T/pf/session"
fi

# --- the input ends without QUIT: QUIT is sent ---------------------------
printf 'EHLO me\n' >"$T/in"
run eof "$STARTTLS_PORT"
[ "$rc" = 0 ] || fail "end of input: exit status $rc, expected 0"
[ "$(tail -n 3 "$out" | head -n 1)" = "C: QUIT" ] ||
    fail "end of input: QUIT not sent last"
assert_grep '^S: 221 ' "$out"
if postfix; then
	LAST_OUT=$T/pf/session
	assert_grep 'ehlo=2 starttls=1 quit=1 commands=4$' "$T/pf/session"
	assert_no_grep 'lost connection' "$T/pf/session"
fi
exit 0
