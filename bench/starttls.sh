#!/bin/sh
# bench/starttls.sh -- a STARTTLS probe beside its peers, like with like.
#
# Starts the test Postfix smtpd of tests/lib/tls.sh (STARTTLS, a
# certificate from a test CA) and times one probe: connect, EHLO,
# STARTTLS, the handshake (certificate verified against the test CA, name
# checked), EHLO again, QUIT.  Each ratio is the median of PAIRS
# interleaved pairs A B A B ... of whole-process wall times
# (bench/pairs.py), every run's exit status checked:
#
#   (1) smtpscope --starttls --cafile CA, EHLO and QUIT on its input,
#       against `openssl s_client -starttls smtp -CAfile CA
#       -verify_return_error -verify_ip` with the same EHLO and QUIT after
#       the handshake (it sends its own EHLO before STARTTLS).
#       Target: smtpscope / s_client <= 1.0.
#   (2) `swaks --tls --quit-after TLS` (connect, EHLO, STARTTLS, handshake,
#       QUIT: one round trip less, and no verification) against the same
#       smtpscope probe.  Target: swaks / smtpscope >= 3.
#
# Everything runs on one CPU (taskset), as bench/replay.sh explains: on
# loopback each exchange is one wake-up after another, and across CPUs the
# wall time measures how fast an idle CPU wakes up.
#
# usage: bench/starttls.sh [path/to/smtpscope]
# Environment: PAIRS (21, at least 5), SWAKS_PAIRS (11, at least 5),
# BENCH_CPU (the CPU to run on, default the last; "all": not pinned).
# Needs root (a private Postfix instance), openssl(1) and swaks with
# Net::SSLeay (Debian packages postfix, openssl, swaks, libnet-ssleay-perl).
set -u
. "$(dirname "$0")/lib.sh"
bench_pin "$@"
# $here, $SMTPSCOPE, and tests/lib/common.sh: $T, fail, assert_grep
bench_setup "$@"
PAIRS=${PAIRS:-21}
SWAKS_PAIRS=${SWAKS_PAIRS:-11}
SWAKS=$(command -v swaks || true)

command -v openssl >/dev/null 2>&1 ||
    { echo "bench: openssl(1) not installed (Debian package openssl)" >&2; exit 2; }
[ "$PAIRS" -ge 5 ] && [ "$SWAKS_PAIRS" -ge 5 ] ||
    { echo "bench: a median needs at least 5 pairs" >&2; exit 2; }

# start_tls_server
. "$TOP_SRCDIR/tests/lib/tls.sh"
start_tls_server
[ "$TLS_SERVER" = postfix ] ||
    fail "the benchmark needs Postfix smtpd (run as root): got $TLS_SERVER"
target=127.0.0.1:$STARTTLS_PORT
printf 'EHLO bench.example\nQUIT\n' >"$T/probe.in"

# pairs COUNT A... -- B...: the line of bench/pairs.py, or exit 1; each
# run reads the probe's two lines on its standard input
pairs() {
	_n=$1
	shift
	"$PYTHON" "$here/pairs.py" "$_n" "$T/run.log" --stdin "$T/probe.in" \
	    -- "$@" || exit 1
}

# show LABEL "LINE OF pairs.py" NAME_A NAME_B TARGET
show() {
	echo "$2" | awk -v label="$1" -v a="$3" -v b="$4" -v target="$5" '{
		printf "%s\n    wall %s %.4f s, %s %.4f s; %s / %s = %.2fx " \
		    "(pairs %.2fx..%.2fx)   target %s\n" \
		    "    CPU  %s %.4f s, %s %.4f s\n",
		    label, a, $1, b, $2, a, b, $3, $4, $5, target, a, $6, b, $7 }'
}

# A probe must do what it says: the smtpscope run verifies and EHLOs over
# TLS, s_client verifies, swaks gets through TLS.
"$SMTPSCOPE" --plain --starttls --cafile "$TLS_CA" "$target" \
    <"$T/probe.in" >"$T/check.out" 2>&1 ||
    { LAST_OUT=$T/check.out; fail "the smtpscope probe failed"; }
assert_grep '^\* TLS \(starttls\): TLSv1\.3 .* verify=ok$' "$T/check.out"
[ "$(grep -c '^C: EHLO bench\.example$' "$T/check.out")" = 2 ] ||
    { LAST_OUT=$T/check.out; fail "the smtpscope probe did not EHLO twice"; }
assert_grep '^S: 221 ' "$T/check.out"

echo "Postfix smtpd (STARTTLS, test CA) on $target"
bench_where
echo "each figure the median of interleaved pairs (A B A B ...); wall:"
echo "whole-process wall time; CPU: user + system time of the process"
echo

r1=$(pairs "$PAIRS" "$SMTPSCOPE" --plain --starttls --cafile "$TLS_CA" \
    "$target" -- openssl s_client -starttls smtp -connect "$target" \
    -CAfile "$TLS_CA" -verify_return_error -verify_ip 127.0.0.1 -quiet \
    -crlf)
show "(1) STARTTLS probe, verified: smtpscope vs openssl s_client ($PAIRS pairs)" \
    "$r1" smtpscope s_client "<= 1.0"

if [ -z "$SWAKS" ]; then
	echo "(2) swaks not installed (Debian package swaks): skipped"
elif ! perl -MNet::SSLeay -e 1 2>/dev/null; then
	echo "(2) swaks cannot do TLS without Net::SSLeay (Debian package libnet-ssleay-perl): skipped"
else
	r2=$(pairs "$SWAKS_PAIRS" "$SWAKS" --server "$target" --tls \
	    --quit-after TLS --to sink@example.test --from bench@example.test \
	    -- "$SMTPSCOPE" --plain --starttls --cafile "$TLS_CA" "$target")
	show "(2) swaks --tls --quit-after TLS vs the smtpscope probe ($SWAKS_PAIRS pairs)" \
	    "$r2" swaks smtpscope ">= 3"
fi
