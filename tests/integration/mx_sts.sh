#!/bin/sh
# smtpscope mx --mta-sts against the test zones of tests/lib/mx.sh: the
# _mta-sts TXT record, the policy fetched over HTTPS from mta-sts.DOMAIN
# (its address from the same resolver, its certificate from the test CA
# given with --cafile), the MX patterns each host matches, and the
# verdict in enforce and testing modes (RFC 8461).
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/lib/mx.sh"
start_mx_world

# sts DOMAIN [ARGS]: `smtpscope mx --mta-sts` into $T/DOMAIN.out
sts() {
	_d=$1
	shift
	"$SMTPSCOPE" mx --mta-sts --resolver "$RESOLVER" \
	    --dns-trust-anchor "$DNS_ANCHOR" --port "$MX_PORT" --timeout 20 \
	    "$@" "$_d" >"$T/$_d.out" 2>"$T/$_d.err"
	rc=$?
	LAST_OUT=$T/$_d.out
}

# An enforced policy both MX hosts match: exit 0.
sts plain.test --cafile "$TLS_CA"
[ $rc -eq 0 ] || fail "plain.test: exit $rc"
o=$T/plain.test.out
assert_grep "^MTA-STS: id=20261201T000000, policy from mta-sts\.plain\.test \($MX_NET\.11\): mode enforce, max_age 86400, mx mx1\.plain\.test \*\.backup\.plain\.test$" "$o"
assert_grep '^  MTA-STS: matches mx mx1\.plain\.test$' "$o"
assert_grep '^  MTA-STS: matches mx \*\.backup\.plain\.test$' "$o"
assert_no_grep 'FAIL' "$o"
[ ! -s "$T/plain.test.err" ] || { LAST_OUT=$T/plain.test.err; fail "stderr"; }
# the policy line comes before the hosts
first=$(grep -nE '^(MTA-STS|MX )' "$o" | head -n 1)
case $first in *MTA-STS:*) ;; *) fail "policy not shown first: $first" ;; esac

# libcurl is loaded when the first policy is fetched: when it cannot be,
# no policy applies, and the line says which package to install.
broken_libs LIBCURL
(
	LD_LIBRARY_PATH=$BROKEN_LIBS
	export LD_LIBRARY_PATH
	sts plain.test --cafile "$TLS_CA"
	exit $rc
)
rc=$?
LAST_OUT=$T/plain.test.out
[ $rc -eq 0 ] || fail "plain.test without libcurl: exit $rc"
assert_grep "^MTA-STS: no policy applies: cannot load libcurl, which fetches MTA-STS policies: $BROKEN_LIBS/$(lib_soname LIBCURL): file too short; on Debian: apt-get install libcurl4\$" "$T/plain.test.out"

# Without the test CA the policy host cannot be authenticated: no policy
# applies (RFC 8461 3.3), delivery stays opportunistic: exit 0.
sts plain.test
[ $rc -eq 0 ] || fail "plain.test without --cafile: exit $rc"
assert_grep '^MTA-STS: no policy applies: https://mta-sts\.plain\.test/\.well-known/mta-sts\.txt: .*certificate' "$T/plain.test.out"
assert_no_grep 'matches' "$T/plain.test.out"

# Enforced, and the only MX host matches no pattern: exit 3.
sts badsts.test --cafile "$TLS_CA"
[ $rc -eq 3 ] || fail "badsts.test: exit $rc, expected 3"
o=$T/badsts.test.out
assert_grep '^MTA-STS: id=1, .*mode enforce, max_age 600, mx mx1\.plain\.test$' "$o"
assert_grep '^  MTA-STS: matches no mx pattern of the policy$' "$o"
assert_grep "^  $MX_NET\.13 +FAIL .*; MTA-STS enforce: the host matches no mx pattern of the policy \(RFC 8461 4\.1\)$" "$o"

# Testing mode: a host without STARTTLS is reported, not failed: exit 0.
sts teststs.test --cafile "$TLS_CA"
[ $rc -eq 0 ] || fail "teststs.test: exit $rc"
o=$T/teststs.test.out
assert_grep '^MTA-STS: id=1, .*mode testing' "$o"
assert_grep "^  $MX_NET\.14 +ok .*no STARTTLS; MTA-STS testing: no STARTTLS, which the policy demands \(RFC 8461 4\.2\) \(reported only\)$" "$o"

# No _mta-sts record: no policy, said so.
sts nomx.test --cafile "$TLS_CA"
[ $rc -eq 0 ] || fail "nomx.test: exit $rc"
assert_grep '^MTA-STS: no policy \(no v=STSv1 TXT record at _mta-sts\.nomx\.test\)$' "$T/nomx.test.out"

# DANE and MTA-STS together on a signed zone without a policy.
sts dane.test --dane --cafile "$TLS_CA"
[ $rc -eq 1 ] || fail "dane.test --dane --mta-sts: exit $rc, expected 1"
assert_grep '^MTA-STS: no policy' "$T/dane.test.out"
assert_grep 'DANE match 3 1 1' "$T/dane.test.out"
exit 0
