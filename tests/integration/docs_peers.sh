#!/bin/sh
# The documentation's runs that need real peers (tests/lib/docs_check.py):
# Postfix with TLS and Cyrus SASL ("postfix", tests/lib/auth.sh) and the
# DNS test zones with their MX hosts ("mx", tests/lib/mx.sh), each
# started once, only when a page has such a block.  The words of the
# pages stand for the peers' real ports and files.
. "$TOP_SRCDIR/tests/lib/common.sh"
. "$TOP_SRCDIR/tests/lib/tls.sh"
. "$TOP_SRCDIR/tests/lib/auth.sh"
. "$TOP_SRCDIR/tests/lib/mx.sh"
cd "$TOP_SRCDIR" || fail "no source tree"
set -- README.md docs/*.md
LAST_OUT=$T/check
peers=$("$PYTHON" tests/lib/docs_check.py --peers "$@" 2>"$T/check") ||
	fail "a block of the documentation breaks the convention"
subs=""
case " $peers " in *" postfix "*)
	start_sasl_postfix
	subs="$subs --sub postfix localhost:39999=localhost:$STARTTLS_PORT"
	subs="$subs --sub postfix test-ca.pem=$TLS_CA" ;;
esac
case " $peers " in *" mx "*)
	start_mx_world
	subs="$subs --sub mx 127.0.0.1:34451=$RESOLVER"
	subs="$subs --sub mx Kdane.test.+013+14799.key=$DNS_ANCHOR"
	subs="$subs --sub mx 39299=$MX_PORT --sub mx ca.pem=$TLS_CA"
	subs="$subs --sub mx 127.220.23=$MX_NET" ;;
esac
[ -n "$subs" ] || fail "no block of the documentation needs a peer: drop this test"
mkdir -p "$T/work"
# shellcheck disable=SC2086
"$PYTHON" tests/lib/docs_check.py --only postfix,mx $subs \
    --smtpscope "$SMTPSCOPE" --examples "$TOP_SRCDIR/examples" \
    --work "$T/work" "$@" >"$T/check" 2>&1 ||
	fail "the documentation shows what the program no longer prints"
assert_grep '^[0-9]+ commands run, 0 differ$' "$T/check"
exit 0
