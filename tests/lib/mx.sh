# tests/lib/mx.sh -- a small mail world for the MX, DANE and MTA-STS tests.
#
# Source it after common.sh and tls.sh.  start_mx_world starts, once:
#   - nsd, authoritative for the test zones, on 127.0.0.1:$DNS_PORT
#     (use --resolver "$RESOLVER"); dane.test is signed with a throw-away
#     key whose DNSKEY is in $DNS_ANCHOR (use --dns-trust-anchor);
#   - tests/lib/mx_peers.py: SMTP with STARTTLS on the MX addresses, all
#     on port $MX_PORT (use --port), and the MTA-STS policy host over
#     HTTPS on port 443 (RFC 8461 3.3 allows no other), certificates from
#     the test CA $TLS_CA (use --cafile).
# The hosts live on $MX_NET.0/24, a /24 of 127/8 picked at random for each
# run (Linux routes all of 127/8 to lo) so that parallel runs do not meet
# on port 443.
#
#   dane.test    signed   MX 10 mx1 ($MX_NET.11), MX 20 mx2 ($MX_NET.12);
#                         _PORT._tcp.mx1 TLSA 3 1 1 matches the server key,
#                         _PORT._tcp.mx2 TLSA 3 1 1 matches no key
#   plain.test   unsigned MX 10 mx1 ($MX_NET.13), MX 20 mx2.backup
#                         ($MX_NET.11); a TLSA record that does not count
#                         (insecure); MTA-STS: _mta-sts TXT, the policy
#                         "enforce" with mx1.plain.test and
#                         *.backup.plain.test, served by mta-sts
#                         ($MX_NET.11, port 443)
#   badsts.test  unsigned MX 10 mx.badsts.test ($MX_NET.13); MTA-STS
#                         "enforce" naming only mx1.plain.test
#   teststs.test unsigned MX 10 mx.teststs.test ($MX_NET.14, no STARTTLS);
#                         MTA-STS "testing" naming it
#   nomx.test    unsigned no MX, A $MX_NET.14 (no STARTTLS there)
#   nullmx.test  unsigned MX 0 . (RFC 7505)
#   half.test    unsigned MX 10 $MX_NET.15 (nothing listens), MX 20 mx2
#                         ($MX_NET.14)
#   dead.test    unsigned MX 10 $MX_NET.15 only
#   nowhere.test does not exist (nsd refuses: no such zone)
#
# Debian packages: nsd, ldnsutils, openssl, python3-aiosmtpd.

NSD=/usr/sbin/nsd

# _mx_cert: a certificate from the test CA for every host name served
_mx_cert() {
	[ -f "$T/tls/ca.key" ] || fail "tls_make_certs made no CA key"
	_tls_openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -subj "/CN=mx1.dane.test" \
	    -keyout "$T/mx/mx.key" -out "$T/mx/mx.csr"
	printf '%s\n' "subjectAltName=DNS:mx1.dane.test,DNS:mx2.dane.test,DNS:mx1.plain.test,DNS:mx2.backup.plain.test,DNS:mta-sts.plain.test,DNS:mta-sts.badsts.test,DNS:mta-sts.teststs.test,DNS:nomx.test,DNS:mx2.half.test" \
	    "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" \
	    >"$T/mx/mx.ext"
	_tls_openssl x509 -req -in "$T/mx/mx.csr" -days 2 -sha256 \
	    -CA "$T/tls/ca.pem" -CAkey "$T/tls/ca.key" -set_serial 11 \
	    -extfile "$T/mx/mx.ext" -out "$T/mx/mx.pem"
	MX_CERT=$T/mx/mx.pem
	MX_KEY=$T/mx/mx.key
	# RFC 6698 2.1: 3 1 1 = the server's own key, SHA-256 of its SPKI
	MX_TLSA_GOOD=$(openssl pkey -in "$MX_KEY" -pubout -outform DER |
	    openssl dgst -sha256 -r | cut -d' ' -f1)
	MX_TLSA_BAD=$(printf 'no such key' | openssl dgst -sha256 -r |
	    cut -d' ' -f1)
}

_mx_zones() {
	_z=$T/mx/zones
	mkdir -p "$_z"
	_soa="@ SOA ns hostmaster 1 3600 600 86400 300
@ NS ns
ns A 127.0.0.1"
	cat >"$_z/dane.test" <<EOF
\$ORIGIN dane.test.
\$TTL 300
$_soa
@ MX 10 mx1
@ MX 20 mx2
mx1 A $MX_NET.11
mx2 A $MX_NET.12
_$MX_PORT._tcp.mx1 TLSA 3 1 1 $MX_TLSA_GOOD
_$MX_PORT._tcp.mx2 TLSA 3 1 1 $MX_TLSA_BAD
EOF
	cat >"$_z/plain.test" <<EOF
\$ORIGIN plain.test.
\$TTL 300
$_soa
@ MX 10 mx1
@ MX 20 mx2.backup
mx1 A $MX_NET.13
mx2.backup A $MX_NET.11
_$MX_PORT._tcp.mx1 TLSA 3 1 1 $MX_TLSA_GOOD
_mta-sts TXT "v=STSv1; id=20261201T000000;"
mta-sts A $MX_NET.11
EOF
	for _d in badsts teststs; do
		cat >"$_z/$_d.test" <<EOF
\$ORIGIN $_d.test.
\$TTL 300
$_soa
@ MX 10 mx
mx A $MX_NET.$([ $_d = badsts ] && echo 13 || echo 14)
_mta-sts TXT "v=STSv1; id=1"
mta-sts A $MX_NET.11
EOF
	done
	cat >"$_z/nomx.test" <<EOF
\$ORIGIN nomx.test.
\$TTL 300
$_soa
@ A $MX_NET.14
EOF
	cat >"$_z/nullmx.test" <<EOF
\$ORIGIN nullmx.test.
\$TTL 300
$_soa
@ MX 0 .
EOF
	cat >"$_z/half.test" <<EOF
\$ORIGIN half.test.
\$TTL 300
$_soa
@ MX 10 mx1
@ MX 20 mx2
mx1 A $MX_NET.15
mx2 A $MX_NET.14
EOF
	cat >"$_z/dead.test" <<EOF
\$ORIGIN dead.test.
\$TTL 300
$_soa
@ MX 10 mx1
mx1 A $MX_NET.15
EOF
	# dane.test is signed with one throw-away key (KSK and ZSK at once);
	# its DNSKEY is the trust anchor the tests hand to smtpscope.
	(cd "$T/mx" && ldns-keygen -a ECDSAP256SHA256 -k dane.test) \
	    >"$T/mx/keyname" 2>"$T/mx/ldns.log" ||
	    { LAST_OUT=$T/mx/ldns.log; fail "ldns-keygen failed"; }
	_k=$T/mx/$(cat "$T/mx/keyname")
	ldns-signzone -f "$_z/dane.test.signed" "$_z/dane.test" "$_k" \
	    >>"$T/mx/ldns.log" 2>&1 ||
	    { LAST_OUT=$T/mx/ldns.log; fail "ldns-signzone failed"; }
	DNS_ANCHOR=$_k.key
}

_mx_nsd() {
	cat >"$T/mx/nsd.conf" <<EOF
server:
	do-ip6: no
	username: ""
	chroot: ""
	database: ""
	zonesdir: "$T/mx/zones"
	zonelistfile: "$T/mx/zone.list"
	xfrdfile: "$T/mx/xfrd.state"
	xfrdir: "$T/mx"
	pidfile: "$T/mx/nsd.pid"
	logfile: "$T/mx/nsd.log"
	server-count: 1
	verbosity: 1
remote-control:
	control-enable: no
EOF
	for _zone in dane.test plain.test badsts.test teststs.test nomx.test \
	    nullmx.test half.test dead.test; do
		_file=$_zone
		[ "$_zone" = dane.test ] && _file=dane.test.signed
		printf 'zone:\n\tname: %s\n\tzonefile: %s\n' "$_zone" "$_file" \
		    >>"$T/mx/nsd.conf"
	done
	# nsd serves TCP once it has read the zones
	start_server nsd "$NSD" -d -c "$T/mx/nsd.conf" -a 127.0.0.1 -p @PORT@
	DNS_PORT=$SERVER_PORT
	RESOLVER=127.0.0.1:$DNS_PORT
}

_mx_peers() {
	for _d in plain badsts teststs; do
		mkdir -p "$T/mx/www/mta-sts.$_d.test/.well-known"
	done
	printf 'version: STSv1\r\nmode: enforce\r\nmx: mx1.plain.test\r\nmx: *.backup.plain.test\r\nmax_age: 86400\r\n' \
	    >"$T/mx/www/mta-sts.plain.test/.well-known/mta-sts.txt"
	printf 'version: STSv1\nmode: enforce\nmx: mx1.plain.test\nmax_age: 600\n' \
	    >"$T/mx/www/mta-sts.badsts.test/.well-known/mta-sts.txt"
	printf 'version: STSv1\nmode: testing\nmx: mx.teststs.test\nmax_age: 600\n' \
	    >"$T/mx/www/mta-sts.teststs.test/.well-known/mta-sts.txt"
	start_server -H "$MX_NET.11" -p 443 mxpeers \
	    "$PYTHON" "$TOP_SRCDIR/tests/lib/mx_peers.py" --port @PORT@ \
	    --cert "$MX_CERT" --key "$MX_KEY" \
	    --smtp "$MX_NET.11" --smtp "$MX_NET.12" --smtp "$MX_NET.13" \
	    --smtp "$MX_NET.14" --no-tls "$MX_NET.14" \
	    --https "$MX_NET.11" --www "$T/mx/www"
	MX_PORT=$SERVER_PORT
}

start_mx_world() {
	[ -x "$NSD" ] || skip "nsd not installed (Debian package nsd)"
	command -v ldns-signzone >/dev/null 2>&1 ||
	    skip "ldns-signzone not installed (Debian package ldnsutils)"
	"$PYTHON" -c 'import aiosmtpd' 2>/dev/null ||
	    skip "aiosmtpd not installed (Debian package python3-aiosmtpd)"
	tls_make_certs
	mkdir -p "$T/mx"
	_mx_cert
	# A /24 of 127/8 of our own: another run may hold port 443 elsewhere.
	set -- $(od -An -N2 -tu1 /dev/urandom)
	MX_NET=127.$(($1 % 200 + 30)).$(($2 % 250 + 1))
	_mx_peers
	_mx_zones
	_mx_nsd
}
