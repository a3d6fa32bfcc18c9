#!/bin/sh
# Implicit TLS (RFC 8314 3.3): the handshake comes before the greeting,
# EHLO is sent once, and the certificate verifies by IP address and by
# name against the test CA.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server

for target in "127.0.0.1:$SMTPS_PORT" "localhost:$SMTPS_PORT"; do
	out=$T/out
	printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --tls \
	    --cafile "$TLS_CA" "$target" >"$out" 2>&1
	rc=$?
	LAST_OUT=$out
	[ "$rc" = 0 ] || fail "$target: exit status $rc, expected 0"
	assert_grep '^\* TLS \(tls\): TLSv1\.[23] [A-Z0-9_-]+ group=[A-Za-z0-9-]+ peer-sig=[A-Za-z0-9-]+ verify=ok$' "$out"
	assert_no_grep '^C: STARTTLS' "$out"
	[ "$(grep -c '^C: EHLO me$' "$out")" = 1 ] || fail "EHLO not sent once"
	assert_grep '^S: 250[ -]' "$out"
	assert_grep '^S: 221 ' "$out"
	# The TLS line comes before the server's first byte.
	first=$(grep -nE '^(\* TLS|S: )' "$out" | head -n 1)
	case $first in
	*'* TLS'*) ;;
	*) fail "$target: greeting before the TLS handshake: $first" ;;
	esac
done

if [ "$TLS_SERVER" = postfix ]; then
	[ "$(grep -c 'TLS connection established from localhost' \
	    "$T/pf/maillog")" -ge 2 ] || { LAST_OUT=$T/pf/maillog;
	    fail "the server did not see two TLS sessions"; }
fi
exit 0
