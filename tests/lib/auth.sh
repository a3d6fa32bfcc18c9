# tests/lib/auth.sh -- AUTH peers beyond aiosmtpd, for the integration tests.
#
# Source it after common.sh and tls.sh.  It gives:
#   start_sasl_postfix   the private Postfix smtpd of tls.sh (STARTTLS on
#       $STARTTLS_PORT, implicit TLS on $SMTPS_PORT), with Cyrus SASL
#       reading a sasldb of its own: AUTH PLAIN, LOGIN, CRAM-MD5,
#       SCRAM-SHA-1 and SCRAM-SHA-256 for $AUTH_USER / $AUTH_PASSWORD,
#       offered before and after TLS.  Skips when no private Postfix can
#       run here (it needs root) or Cyrus SASL's tools are missing
#       (Debian packages sasl2-bin, libsasl2-modules).  Instead of
#       start_tls_server, not beside it (one Postfix per script).
#   AUTH_REALM           the SASL realm of that user (smtpscope.test)
#   assert_no_secret FILE...   fails when $AUTH_PASSWORD or $AUTH_TOKEN
#       is in any FILE, as it is (unless AUTH_SECRET_RAW=0) or inside a
#       base64 word

AUTH_REALM=smtpscope.test

# The TLS_POSTFIX_HOOK of tls.sh: Cyrus SASL in the configuration ETC.
_auth_postfix_sasl() {
	# Debian's Postfix reads ETC/sasl/smtpd.conf; others read
	# cyrus_sasl_config_path.  The daemons run as postfix: they must
	# read the sasldb.
	mkdir -p "$1/sasl"
	printf '%s' "$AUTH_PASSWORD" | saslpasswd2 -f "$1/sasl/sasldb2" -c -p \
	    -u "$AUTH_REALM" "$AUTH_USER" ||
	    fail "saslpasswd2 could not write $1/sasl/sasldb2"
	chown postfix "$1/sasl/sasldb2"
	chmod 0755 "$1/sasl"
	cat >"$1/sasl/smtpd.conf" <<EOF2
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $1/sasl/sasldb2
mech_list: PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256
EOF2
	cat >>"$1/main.cf" <<EOF2
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $1/sasl
smtpd_sasl_local_domain = $AUTH_REALM
smtpd_sasl_security_options = noanonymous
smtpd_tls_auth_only = no
EOF2
}

start_sasl_postfix() {
	tls_make_certs
	_tls_postfix_usable ||
	    skip "no private Postfix here (it needs root and Debian package postfix)"
	command -v saslpasswd2 >/dev/null 2>&1 || [ -x /usr/sbin/saslpasswd2 ] ||
	    skip "saslpasswd2 not installed (Debian package sasl2-bin)"
	[ -n "$(ls /usr/lib/*/sasl2/libscram.so* 2>/dev/null)" ] ||
	    skip "Cyrus SASL mechanisms not installed (Debian package libsasl2-modules)"
	PATH=$PATH:/usr/sbin
	TLS_POSTFIX_HOOK=_auth_postfix_sasl
	_tls_start_postfix
	TLS_POSTFIX_HOOK=
}

# assert_no_secret FILE...: neither $AUTH_PASSWORD nor $AUTH_TOKEN in any
# FILE, as they are or inside any word that decodes as base64 (PLAIN,
# LOGIN, XOAUTH2 and OAUTHBEARER send them so).  AUTH_SECRET_RAW=0 skips
# the first check, for a password that is no secret where it is printed
# (the practice server names its account in its greeting).
assert_no_secret() {
	"$PYTHON" - "$AUTH_PASSWORD" "$AUTH_TOKEN" "${AUTH_SECRET_RAW:-1}" \
	    "$@" >"$T/secret.hit" <<'EOF2' ||
import base64, binascii, re, sys
secrets = [s.encode() for s in sys.argv[1:3]]
raw = sys.argv[3] != "0"
found = 0
for path in sys.argv[4:]:
    data = open(path, "rb").read()
    words = ([data] if raw else []) + [w + b"=" * (-len(w) % 4) for w in
                      re.findall(rb"[A-Za-z0-9+/]{4,}={0,2}", data)]
    for w in words:
        try:
            text = w if w is data else base64.b64decode(w)
        except (binascii.Error, ValueError):
            continue
        for s in secrets:
            if s in text:
                print("%s: %r holds %r" % (path, w[:80], s))
                found = 1
sys.exit(found)
EOF2
	    { LAST_OUT=$T/secret.hit; fail "a secret was shown or kept"; }
}
