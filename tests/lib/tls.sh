# tests/lib/tls.sh -- TLS and AUTH servers for the integration tests.
#
# Source it after common.sh.  It gives:
#   tls_make_certs      a throw-away CA and certificates in $T/tls:
#       $TLS_CA              CA certificate (trust this with --cafile)
#       $TLS_CERT $TLS_KEY   server certificate signed by it, for
#                            DNS:localhost and IP:127.0.0.1
#       $TLS_SELF_CERT $TLS_SELF_KEY   a self-signed one for the same names
#       $TLS_OTHER_CA        a second CA that signed nothing we serve
#       $TLS_EXPIRED_CERT $TLS_EXPIRED_KEY   signed by the CA for the same
#                            names, valid in January 2020 only
#       $TLS_WRONG_CERT $TLS_WRONG_KEY   signed by the CA for DNS:mx.example.org
#                            only (connecting to 127.0.0.1 is a name mismatch)
#       $TLS_CLIENT_CERT $TLS_CLIENT_KEY   a client certificate from the CA
#                            (CN=smtpscope test client)
#   start_tls_server [--proxy-protocol]   a real SMTP server with TLS on
#                       127.0.0.1 (makes the certificates if needed):
#       $STARTTLS_PORT       plain, offers STARTTLS (RFC 3207)
#       $SMTPS_PORT          TLS from the first byte (RFC 8314 3.3)
#       $TLS_SERVER          "postfix" or "aiosmtpd" (the fallback)
#       $EXPIRED_PORT        STARTTLS with the expired certificate
#       $WRONGNAME_PORT      STARTTLS with the mx.example.org certificate
#       $CCERT_PORT          STARTTLS, asks for a client certificate
#                            (Postfix only: smtpd_tls_ask_ccert; its log
#                            $T/pf/maillog names the one it got)
#       $PROXY_PORT          with --proxy-protocol (Postfix only, else
#                            skip): reads a HAProxy PROXY header, v1 or
#                            v2, before the SMTP dialogue
#                            (smtpd_upstream_proxy_protocol = haproxy) and
#                            logs the client it names: "connect from
#                            unknown[ADDR]" (no reverse lookup)
#       $NOTLS_PORT          plain, does not offer STARTTLS
#     Postfix smtpd is used when it can run here: a private instance with
#     its own configuration and queue under $T, started in the foreground
#     and stopped at exit.  It accepts mail only for @example.test and
#     discards it; every other recipient gets "554 5.7.1 Relay access
#     denied".  Postfix's master must run as root; otherwise the aiosmtpd
#     server below stands in (TLS_SERVER=aiosmtpd).  TLS_FORCE_AIOSMTPD=1
#     selects the fallback.
#   pf_mark / pf_session   (Postfix only) pf_mark notes where its log ends;
#       pf_session waits until the log holds the end of a session begun
#       since ("disconnect from"), and puts the lines since the mark in
#       $T/pf/session: what Postfix saw of the session
#   start_auth_server [ARGS]   tests/lib/auth_server.py (aiosmtpd): AUTH
#       PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and OAUTHBEARER for $AUTH_USER / $AUTH_PASSWORD
#       ($AUTH_TOKEN for the OAuth ones); sets $AUTH_PORT.  ARGS go to the script
#       (--cert F --key F for STARTTLS, --implicit-tls, --require-tls).
#   b64 STRING          base64 of STRING after printf(1) escapes (\0 too)
#   auth_plain_b64      base64 of "\0$AUTH_USER\0$AUTH_PASSWORD" (RFC 4616)

AUTH_USER=smtpscope
AUTH_PASSWORD=test-secret
AUTH_TOKEN=test-token
POSTFIX_SBIN=/usr/lib/postfix/sbin
# Set by the functions below; used by the tests that source this file.
# shellcheck disable=SC2034
TLS_SERVER=

b64() {
	# shellcheck disable=SC2059
	printf "$1" | openssl base64 -A
}

auth_plain_b64() {
	b64 "\\0$AUTH_USER\\0$AUTH_PASSWORD"
}

_tls_openssl() {
	command -v openssl >/dev/null 2>&1 ||
	    skip "openssl(1) not installed (Debian package openssl)"
	openssl "$@" >>"$T/tls/openssl.log" 2>&1 ||
	    { LAST_OUT=$T/tls/openssl.log; fail "openssl $1 failed"; }
}

# _tls_ca NAME: a CA key and certificate $T/tls/NAME.{key,pem}
_tls_ca() {
	_tls_openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 2 -subj "/CN=smtpscope test $1" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    -keyout "$T/tls/$1.key" -out "$T/tls/$1.pem"
}

# _tls_csr NAME CN: a key $T/tls/NAME.key and a request $T/tls/NAME.csr
_tls_csr() {
	_tls_openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -subj "/CN=$2" -keyout "$T/tls/$1.key" -out "$T/tls/$1.csr"
}

# _tls_sign NAME SERIAL EXT...: $T/tls/NAME.pem from NAME.csr, signed by
# the CA for two days, with the extension lines EXT
_tls_sign() {
	_n=$1 _s=$2
	shift 2
	printf '%s\n' "$@" >"$T/tls/$_n.ext"
	_tls_openssl x509 -req -in "$T/tls/$_n.csr" -days 2 -sha256 \
	    -CA "$T/tls/ca.pem" -CAkey "$T/tls/ca.key" -set_serial "$_s" \
	    -extfile "$T/tls/$_n.ext" -out "$T/tls/$_n.pem"
}

# _tls_expired: $T/tls/expired.pem, valid in January 2020 only.  OpenSSL
# 3.0's x509 cannot set dates in the past; "openssl ca" can, given a
# throw-away CA directory.
_tls_expired() {
	_d=$T/tls/ca.d
	mkdir -p "$_d"
	: >"$_d/index.txt"
	echo 10 >"$_d/serial"
	cat >"$_d/ca.cnf" <<EOF
[ca]
default_ca = test
[test]
database = $_d/index.txt
serial = $_d/serial
new_certs_dir = $_d
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[server]
subjectAltName = DNS:localhost,IP:127.0.0.1
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
EOF
	_tls_csr expired localhost
	_tls_openssl ca -batch -config "$_d/ca.cnf" -cert "$T/tls/ca.pem" \
	    -keyfile "$T/tls/ca.key" -in "$T/tls/expired.csr" \
	    -out "$T/tls/expired.pem" -startdate 20200101000000Z \
	    -enddate 20200201000000Z -extensions server -notext
}

tls_make_certs() {
	[ -n "${TLS_CA:-}" ] && [ -f "$TLS_CA" ] && return 0
	mkdir -p "$T/tls"
	_tls_ca ca
	_tls_ca other-ca
	_tls_csr server localhost
	_tls_sign server 2 "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	    "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth"
	_tls_csr wrong mx.example.org
	_tls_sign wrong 3 "subjectAltName=DNS:mx.example.org" \
	    "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth"
	_tls_csr client "smtpscope test client"
	_tls_sign client 4 "basicConstraints=CA:FALSE" \
	    "extendedKeyUsage=clientAuth"
	_tls_expired
	_tls_openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 2 -subj "/CN=localhost" \
	    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	    -keyout "$T/tls/self.key" -out "$T/tls/self.pem"
	TLS_CA=$T/tls/ca.pem
	TLS_OTHER_CA=$T/tls/other-ca.pem
	TLS_CERT=$T/tls/server.pem
	TLS_KEY=$T/tls/server.key
	TLS_SELF_CERT=$T/tls/self.pem
	TLS_SELF_KEY=$T/tls/self.key
	TLS_EXPIRED_CERT=$T/tls/expired.pem
	TLS_EXPIRED_KEY=$T/tls/expired.key
	TLS_WRONG_CERT=$T/tls/wrong.pem
	TLS_WRONG_KEY=$T/tls/wrong.key
	TLS_CLIENT_CERT=$T/tls/client.pem
	TLS_CLIENT_KEY=$T/tls/client.key
}

start_auth_server() {
	"$PYTHON" -c 'import aiosmtpd' 2>/dev/null ||
	    skip "aiosmtpd not installed (Debian package python3-aiosmtpd)"
	_auth_n=$((${_auth_n:-0} + 1))
	start_server "auth$_auth_n" "$PYTHON" "$TOP_SRCDIR/tests/lib/auth_server.py" \
	    --user "$AUTH_USER" --password "$AUTH_PASSWORD" --token "$AUTH_TOKEN" "$@"
	AUTH_PORT=$SERVER_PORT
}

# Can a private Postfix instance run here?
_tls_postfix_usable() {
	[ "${TLS_FORCE_AIOSMTPD:-0}" = 1 ] && return 1
	[ "$(id -u)" = 0 ] || return 1
	[ -x "$POSTFIX_SBIN/master" ] && [ -x "$POSTFIX_SBIN/smtpd" ] || return 1
	command -v postfix >/dev/null 2>&1 || [ -x /usr/sbin/postfix ] || return 1
	id postfix >/dev/null 2>&1 || return 1
	return 0
}

# _tls_postfix_config: free ports and a configuration using them
_tls_postfix_config() {
	_pf=$T/pf
	_postfix=$(command -v postfix || echo /usr/sbin/postfix)
	mkdir -p "$_pf/etc" "$_pf/queue" "$_pf/data"
	# The daemons run as the postfix user and must reach their queue.
	chmod 0711 "$T" "$_pf"
	chown postfix "$_pf/data"
	STARTTLS_PORT=$(free_port)
	SMTPS_PORT=$(free_port)
	EXPIRED_PORT=$(free_port)
	WRONGNAME_PORT=$(free_port)
	CCERT_PORT=$(free_port)
	NOTLS_PORT=$(free_port)
	_pf_waits=""
	if [ -n "${_tls_proxy:-}" ]; then
		PROXY_PORT=$(free_port)
		_pf_waits="-p $PROXY_PORT"
	fi
	cat >"$_pf/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $_pf/queue
data_directory = $_pf/data
mail_owner = postfix
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.smtpscope.test
mydomain = smtpscope.test
myorigin = smtpscope.test
smtpd_banner = \$myhostname ESMTP smtpscope test server
maillog_file = $_pf/maillog
maillog_file_prefixes = $_pf
# Nothing leaves this instance: no local domains, no trusted networks,
# mail for example.test is accepted and discarded, the rest is refused.
mydestination =
mynetworks =
relayhost =
relay_domains = example.test
transport_maps = inline:{example.test=discard:}
default_transport = error:no delivery from the test server
local_transport = error:no delivery from the test server
smtpd_relay_restrictions = reject_unauth_destination
alias_maps =
alias_database =
biff = no
smtpd_tls_cert_file = $TLS_CERT
smtpd_tls_key_file = $TLS_KEY
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database =
EOF
	cat >"$_pf/etc/master.cf" <<EOF
127.0.0.1:$STARTTLS_PORT inet n - n - - smtpd
127.0.0.1:$SMTPS_PORT inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
127.0.0.1:$EXPIRED_PORT inet n - n - - smtpd
  -o smtpd_tls_cert_file=$TLS_EXPIRED_CERT
  -o smtpd_tls_key_file=$TLS_EXPIRED_KEY
127.0.0.1:$WRONGNAME_PORT inet n - n - - smtpd
  -o smtpd_tls_cert_file=$TLS_WRONG_CERT
  -o smtpd_tls_key_file=$TLS_WRONG_KEY
127.0.0.1:$CCERT_PORT inet n - n - - smtpd
  -o smtpd_tls_ask_ccert=yes
  -o smtpd_tls_CAfile=$TLS_CA
  -o smtpd_tls_loglevel=2
127.0.0.1:$NOTLS_PORT inet n - n - - smtpd
  -o smtpd_tls_security_level=none
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
	# A server behind a load balancer: the PROXY header first.
	[ -z "${_tls_proxy:-}" ] || cat >>"$_pf/etc/master.cf" <<EOF
127.0.0.1:$PROXY_PORT inet n - n - - smtpd
  -o smtpd_upstream_proxy_protocol=haproxy
  -o smtpd_peername_lookup=no
EOF
	# A caller's additions to the configuration (tests/lib/auth.sh).
	[ -z "${TLS_POSTFIX_HOOK:-}" ] || "$TLS_POSTFIX_HOOK" "$_pf/etc"
	# "postfix check" creates the queue directories with their owners.
	"$_postfix" -c "$_pf/etc" check >"$_pf/check.log" 2>&1 ||
	    { LAST_OUT=$_pf/check.log; fail "postfix check failed"; }
}

_tls_start_postfix() {
	# a port picked free may be taken (by a connection's local end, on
	# a busy machine) before master binds it: then master exits, and
	# other ports are tried
	_tls_tries=5
	while :; do
		_tls_postfix_config
		# shellcheck disable=SC2086
		start_server -q -p "$STARTTLS_PORT" -p "$SMTPS_PORT" \
		    -p "$EXPIRED_PORT" -p "$WRONGNAME_PORT" -p "$CCERT_PORT" \
		    -p "$NOTLS_PORT" $_pf_waits postfix \
		    "$POSTFIX_SBIN/master" -c "$_pf/etc" -d && break
		_tls_tries=$((_tls_tries - 1))
		[ $_tls_tries -gt 0 ] || { LAST_OUT=$_pf/maillog;
		    fail "postfix exited before it listened, 5 times"; }
	done
	# the sessions start_server opened to see the ports listen (pf_mark)
	_pf_nports=6
	[ -z "$_pf_waits" ] || _pf_nports=7
	TLS_SERVER=postfix
}

_tls_start_aiosmtpd() {
	start_auth_server --cert "$TLS_CERT" --key "$TLS_KEY"
	STARTTLS_PORT=$AUTH_PORT
	start_auth_server --cert "$TLS_CERT" --key "$TLS_KEY" --implicit-tls
	SMTPS_PORT=$AUTH_PORT
	start_auth_server --cert "$TLS_EXPIRED_CERT" --key "$TLS_EXPIRED_KEY"
	EXPIRED_PORT=$AUTH_PORT
	start_auth_server --cert "$TLS_WRONG_CERT" --key "$TLS_WRONG_KEY"
	WRONGNAME_PORT=$AUTH_PORT
	CCERT_PORT=
	start_auth_server
	NOTLS_PORT=$AUTH_PORT
	TLS_SERVER=aiosmtpd
}

start_tls_server() {
	_tls_proxy=
	[ "${1:-}" = --proxy-protocol ] && _tls_proxy=1
	tls_make_certs
	if _tls_postfix_usable; then
		_tls_start_postfix
	elif [ -n "${_tls_proxy:-}" ]; then
		skip "the PROXY protocol test needs a private Postfix smtpd (Debian package postfix), which must run as root"
	else
		echo "note: no private Postfix here (it needs root); TLS tests use aiosmtpd" >&2
		_tls_start_aiosmtpd
	fi
}

pf_mark() {
	if [ -z "${_pf_mark:-}" ]; then
		# Once: start_server connected to each port to see it listen;
		# smtpd may log those sessions late, on a busy machine.  Mark
		# the log once they are all in it.
		_pf_mark=0
		_pf_i=0
		while [ "$(cat "$T/pf/maillog" 2>/dev/null |
		    grep -c 'disconnect from')" -lt "$_pf_nports" ]; do
			_pf_i=$((_pf_i + 1))
			[ $_pf_i -lt 600 ] || { LAST_OUT=$T/pf/maillog;
			    fail "Postfix logged not the $_pf_nports first sessions"; }
			sleep 0.1
		done
	fi
	_pf_mark=$(cat "$T/pf/maillog" 2>/dev/null | wc -l)
}

pf_session() {
	_pf_i=0
	while [ $_pf_i -lt 600 ]; do
		tail -n +$((_pf_mark + 1)) "$T/pf/maillog" >"$T/pf/session" \
		    2>/dev/null
		grep -q 'disconnect from' "$T/pf/session" && return 0
		sleep 0.1
		_pf_i=$((_pf_i + 1))
	done
	LAST_OUT=$T/pf/maillog
	fail "Postfix logged no end of the session"
}
