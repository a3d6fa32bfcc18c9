#!/bin/sh
# smtpscope mx and --mx against a test zone served by nsd (tests/lib/mx.sh):
# every MX host in preference order with each address probed, the
# implicit MX of a domain without one, the null MX, DANE against signed
# and unsigned zones, the exit statuses, and the console on the first MX
# host that answers.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/lib/mx.sh"
start_mx_world

# mx DOMAIN [ARGS]: run `smtpscope mx` on the test world into $T/DOMAIN.out
mx() {
	_d=$1
	shift
	"$SMTPSCOPE" mx --resolver "$RESOLVER" --dns-trust-anchor "$DNS_ANCHOR" \
	    --port "$MX_PORT" --cafile "$TLS_CA" --timeout 20 "$@" "$_d" \
	    >"$T/$_d.out" 2>"$T/$_d.err"
	rc=$?
	LAST_OUT=$T/$_d.out
}

# A signed zone, two MX hosts: one TLSA record matches, one does not.
mx dane.test --dane
[ $rc -eq 1 ] || fail "dane.test: exit $rc, expected 1 (one host fails DANE)"
o=$T/dane.test.out
assert_grep '^dane\.test: 2 MX hosts, DNSSEC secure' "$o"
assert_grep "^  DANE: TLSA at _${MX_PORT}\._tcp\.mx1\.dane\.test, DNSSEC secure: 3 1 1 " "$o"
assert_grep "^  $MX_NET\.11 +ok .* 220, EHLO 250, STARTTLS TLSv1\.[23] .*verify=ok, DANE match 3 1 1 \(DANE-EE, SPKI, SHA2-256\) at depth 0$" "$o"
assert_grep "^  $MX_NET\.12 +FAIL .*verify=failed \(no matching DANE TLSA records\); DANE: no TLSA record matched" "$o"
assert_grep '^verdict: 1 of 2 addresses answered: some fail$' "$o"
# RFC 5321 5.1: lower preference first, each host before its addresses
order=$(grep -E '^(MX |  127\.)' "$o" | sed -e 's/^MX \([0-9]*\) .*/P\1/' \
    -e 's/^  127\.[0-9]*\.[0-9]*\.\([0-9]*\) .*/A\1/' | tr '\n' ' ')
[ "$order" = "P10 A11 P20 A12 " ] || fail "dane.test: order $order"
[ ! -s "$T/dane.test.err" ] || { LAST_OUT=$T/dane.test.err; fail "stderr"; }

# Without --dane the same hosts both answer: no TLSA lookups, no DANE.
mx dane.test
[ $rc -eq 0 ] || fail "dane.test without --dane: exit $rc"
assert_no_grep 'DANE' "$o"
assert_grep '^verdict: 2 of 2 addresses answered$' "$o"

# --ehlo names the probes' EHLO, before and after STARTTLS.
mx dane.test --ehlo probe.example
[ $rc -eq 0 ] || fail "dane.test --ehlo: exit $rc"
LAST_OUT=$T/mxpeers.out
[ "$(grep -c '^EHLO probe\.example$' "$T/mxpeers.out")" -ge 4 ] ||
    fail "--ehlo: not the probes' EHLO name (2 addresses, 2 EHLO each)"

# An unsigned zone: its TLSA record does not count.
mx plain.test --dane
[ $rc -eq 0 ] || fail "plain.test: exit $rc"
o=$T/plain.test.out
assert_grep '^plain\.test: 2 MX hosts, DNSSEC insecure' "$o"
[ "$(grep -c '^  DANE not applicable (insecure)$' "$o")" = 2 ] ||
    fail "plain.test: DANE not reported as not applicable for both hosts"
# the certificate verified against each MX name (SNI and name check)
assert_grep "^  $MX_NET\.13 +ok .*STARTTLS TLSv1\.[23] [A-Z0-9_-]+ group=[A-Za-z0-9-]+ peer-sig=[A-Za-z0-9-]+ verify=ok$" "$o"
assert_grep "^MX 20 mx2\.backup\.plain\.test: 1 address" "$o"

# No MX: the domain's own address, said so (RFC 5321 5.1).
mx nomx.test
[ $rc -eq 0 ] || fail "nomx.test: exit $rc"
o=$T/nomx.test.out
assert_grep '^nomx\.test: no MX records: .*implicit MX of preference 0 \(RFC 5321 5\.1\)$' "$o"
assert_grep '^MX 0 nomx\.test: 1 address' "$o"
assert_grep "^  $MX_NET\.14 +ok .* 220, EHLO 250, no STARTTLS$" "$o"

# The null MX (RFC 7505): nothing to probe, exit 3.
mx nullmx.test
[ $rc -eq 3 ] || fail "nullmx.test: exit $rc, expected 3"
assert_grep '^nullmx\.test: null MX .*accepts no mail \(RFC 7505 3\)$' "$T/nullmx.test.out"
assert_no_grep '^(MX|verdict)' "$T/nullmx.test.out"

# One host down: exit 1; every host down: exit 3; no such domain: exit 3.
mx half.test
[ $rc -eq 1 ] || fail "half.test: exit $rc, expected 1"
assert_grep "^  $MX_NET\.15 +FAIL .*connection refused by $MX_NET\.15 port $MX_PORT$" "$T/half.test.out"
assert_grep '^verdict: 1 of 2 addresses answered: some fail$' "$T/half.test.out"
mx dead.test
[ $rc -eq 3 ] || fail "dead.test: exit $rc, expected 3"
assert_grep '^verdict: 0 of 1 address answered: none does$' "$T/dead.test.out"
mx nosuch.plain.test
[ $rc -eq 3 ] || fail "nosuch.plain.test: exit $rc, expected 3"
assert_grep '^nosuch\.plain\.test: no such domain \(NXDOMAIN\)$' "$T/nosuch.plain.test.out"

# A trust anchor that is not the zone's key: the answers are bogus.
(cd "$T" && ldns-keygen -a ECDSAP256SHA256 -k dane.test) >"$T/other.name" ||
    fail "ldns-keygen failed"
"$SMTPSCOPE" mx --resolver "$RESOLVER" --dns-trust-anchor \
    "$T/$(cat "$T/other.name").key" --port "$MX_PORT" --timeout 20 dane.test \
    >"$T/bogus.out" 2>&1
rc=$?
LAST_OUT=$T/bogus.out
[ $rc -eq 3 ] || fail "bogus: exit $rc, expected 3"
assert_grep '^dane\.test: no MX answer \(DNSSEC bogus\): ' "$T/bogus.out"

# Usage errors: exit 2.
"$SMTPSCOPE" mx >"$T/u1" 2>&1
[ $? -eq 2 ] || fail "mx without a domain does not exit 2"
"$SMTPSCOPE" mx --resolver localhost plain.test >"$T/u2" 2>&1
[ $? -eq 2 ] || fail "--resolver localhost does not exit 2"
assert_grep 'resolver wants an IP address' "$T/u2"
"$SMTPSCOPE" --port 25 127.0.0.1 </dev/null >"$T/u3" 2>&1
[ $? -eq 2 ] || fail "--port without --mx does not exit 2"
assert_grep 'go with --mx' "$T/u3"

# --mx: the console (plain, piped) on the first MX host that answers.
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --mx half.test \
    --resolver "$RESOLVER" --dns-trust-anchor "$DNS_ANCHOR" \
    --port "$MX_PORT" >"$T/c1.out" 2>"$T/c1.err"
rc=$?
LAST_OUT=$T/c1.err
[ $rc -eq 0 ] || fail "--mx half.test: exit $rc"
assert_grep "^smtpscope: --mx: mx1\.half\.test \(MX 10\): connection refused" "$T/c1.err"
assert_grep "^smtpscope: --mx: MX 20 mx2\.half\.test \($MX_NET\.14\) answers$" "$T/c1.err"
LAST_OUT=$T/c1.out
assert_grep "^S: 220 mx-$MX_NET\.14 " "$T/c1.out"
assert_grep '^S: 221 ' "$T/c1.out"

# --mx with STARTTLS: the certificate is checked against the MX name.
printf 'EHLO me\nQUIT\n' | "$SMTPSCOPE" --plain --timeout 20 --starttls \
    --cafile "$TLS_CA" --mx plain.test --resolver "$RESOLVER" \
    --dns-trust-anchor "$DNS_ANCHOR" --port "$MX_PORT" >"$T/c2.out" 2>&1
rc=$?
LAST_OUT=$T/c2.out
[ $rc -eq 0 ] || fail "--mx plain.test --starttls: exit $rc"
assert_grep "^smtpscope: --mx: MX 10 mx1\.plain\.test \($MX_NET\.13\) answers$" "$T/c2.out"
assert_grep '^\* TLS \(starttls\): TLSv1\.[23] [A-Z0-9_-]+ group=[A-Za-z0-9-]+ peer-sig=[A-Za-z0-9-]+ verify=ok$' "$T/c2.out"

# --mx on a null MX: nothing to connect to, exit 3.
"$SMTPSCOPE" --plain --mx nullmx.test --resolver "$RESOLVER" \
    --dns-trust-anchor "$DNS_ANCHOR" --port "$MX_PORT" </dev/null \
    >"$T/c3.out" 2>&1
rc=$?
LAST_OUT=$T/c3.out
[ $rc -eq 3 ] || fail "--mx nullmx.test: exit $rc, expected 3"
assert_grep 'accepts no mail' "$T/c3.out"

# mx --json: the same run as JSON Lines, each object as docs/json.md says.
mx dane.test --dane --json
[ $rc -eq 1 ] || fail "dane.test --json: exit $rc, expected 1"
"$PYTHON" "$TOP_SRCDIR/tests/lib/jsonl_check.py" "$TOP_SRCDIR/docs/json.md" \
    "$T/dane.test.out" --want 'start:command="mx"' \
    --want 'domain:kind="mx"' --want 'domain:dnssec="secure"' \
    --want 'domain:hosts=2' --want 'host:name="mx1.dane.test"' \
    --want 'host:dane="records"' \
    --want "address:address=\"$MX_NET.11\"" \
    --want 'address:dane_match.usage=3' --want 'address:ok=false' \
    --want 'verdict:answered=1' --want 'verdict:verdict="some fail"' \
    --want 'end:status=1' >"$T/check" 2>&1 ||
    { LAST_OUT=$T/check; fail "mx --json: $(cat "$T/check")"; }
"$PYTHON" -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert [o["type"] for o in objs][:3] == ["start", "domain", "host"], objs[:3]
h = [o for o in objs if o["type"] == "host"][0]
assert h["tlsa"][0]["usage"] == 3 and len(h["tlsa"][0]["data"]) == 64, h
a = [o for o in objs if o["type"] == "address"][0]
assert a["tls"]["chain"][0]["sha256"] and a["tls"]["verified"], a
' "$T/dane.test.out" || fail "mx --json: the host or address objects"
mx nullmx.test --json
[ $rc -eq 3 ] || fail "nullmx.test --json: exit $rc"
"$PYTHON" "$TOP_SRCDIR/tests/lib/jsonl_check.py" "$TOP_SRCDIR/docs/json.md" \
    "$T/nullmx.test.out" --want 'domain:kind="null"' \
    --want 'verdict:verdict="nothing to probe"' --want 'end:status=3' \
    >"$T/check" 2>&1 || { LAST_OUT=$T/check; fail "mx --json null MX"; }
exit 0
