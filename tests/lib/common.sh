# tests/lib/common.sh -- shared by the integration and terminal tests.
#
# Source it first thing.  It gives:
#   $SMTPSCOPE      the binary under test (set by make check; defaults to ./smtpscope)
#   $T              a private temporary directory, removed at exit
#   PYTHON          Debian's python3 (has aiosmtpd), for helpers
#   free_port [HOST]        print a free TCP port on HOST (default 127.0.0.1;
#                           ::1 for IPv6)
#   start_server [-p PORT]... [-H HOST] NAME COMMAND [ARG...]
#       The one way to start a test server.  Runs COMMAND in the
#       background (stdout in $T/NAME.out, stderr in $T/NAME.err), kills
#       it at exit, and returns once it serves; sets SERVER_PORT and
#       SERVER_PID.  How it knows the server is ready:
#       - by default the server says where it listens: the first line of
#         its stdout that is a port alone ("2525") or ends "listening on
#         HOST:PORT" (tests/lib/*.py and `smtpscope serve` do);
#       - an ARG holding @PORT@: start_server puts a free port there and
#         waits until HOST:PORT accepts connections; should the server
#         exit first (the port was taken meanwhile), it tries again with
#         another port, five times in all;
#       - -p PORT (repeatable): ports the server was given another way (a
#         configuration file); wait until each accepts connections.
#       HOST is 127.0.0.1 unless -H says otherwise.  Fails (fail, exit 1)
#       when the server exits or is not ready within $SERVER_WAIT seconds
#       (default 60: generous, a loaded machine is no reason to fail);
#       with -q, a server that exits before it listens makes it return 1
#       instead: a port given with -p was taken meanwhile, and the caller
#       tries others.
#       Use a new NAME for a second server whose output a test reads.
#   start_practice [ARGS]   `smtpscope serve --port 0 ARGS`; sets
#                           PRACTICE_PORT, PRACTICE_PID; output in
#                           $T/practice.out and $T/practice.err
#   start_sink [-6] [ARGS]  Postfix smtp-sink ARGS on a free port of
#                           127.0.0.1 (-6: of ::1); sets SINK_PORT
#   start_hostile REPLIES   tests/lib/hostile_server.py serving the canned
#                           replies of the file REPLIES; sets HOSTILE_PORT
#   start_socks [-b ADDR] [USER PASS]   a SOCKS5 proxy (microsocks) on a
#                           free port of 127.0.0.1, connecting from ADDR
#                           (-b, e.g. 127.0.0.2: the server sees that
#                           address), asking for USER and PASS when given
#                           (RFC 1929); sets SOCKS_PORT
#   skip MSG                the test cannot run here: a peer cannot be
#                           installed (say which, and its Debian package).
#                           Exits 77 (skip), or 1 (fail) when CI is set: a
#                           missing peer must never pass CI vacuously.
#   bg_register PID         kill PID at exit
#   fail MSG                print MSG and the last output, exit 1
#   assert_grep PATTERN FILE / assert_no_grep PATTERN FILE   (grep -E)
#   wait_grep PATTERN FILE [WHAT]   wait (bounded: $SERVER_WAIT s) until
#                           FILE, written by another process (a server's
#                           log), has a line matching PATTERN (grep -E);
#                           else fail, saying WHAT
#   lib_soname NAME         print the soname of NAME, a library smtpscope
#                           loads when first used (GSASL, UNBOUND,
#                           LIBCURL: config.h)
#   broken_libs NAME...     $BROKEN_LIBS, a directory holding an empty file
#                           under the soname of each library NAME; first
#                           in LD_LIBRARY_PATH, it makes loading them fail
#                           ("file too short") as a broken installation
#                           would
# Every server started here is killed at exit, on failure too.

set -u
SMTPSCOPE=${SMTPSCOPE:-$(pwd)/smtpscope}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
# The source tree may be read-only (make distcheck): no __pycache__ in it.
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
SERVER_WAIT=${SERVER_WAIT:-60}
T=$(mktemp -d "${TMPDIR:-/tmp}/smtpscope-test.XXXXXX")
_bg_pids=""

_cleanup() {
	for p in $_bg_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $_bg_pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 1' INT TERM HUP

bg_register() { _bg_pids="$_bg_pids $1"; }

fail() {
	echo "FAIL: $*" >&2
	if [ -n "${LAST_OUT:-}" ] && [ -f "$LAST_OUT" ]; then
		echo "--- output ($LAST_OUT) ---" >&2
		tail -n 60 "$LAST_OUT" >&2
	fi
	exit 1
}

skip() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL: $* (CI is set: a test may not skip)" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

assert_grep() {
	grep -Eq -- "$1" "$2" || { LAST_OUT=$2; fail "expected /$1/ in $(basename "$2")"; }
}

assert_no_grep() {
	if grep -Eq -- "$1" "$2"; then LAST_OUT=$2; fail "did not expect /$1/ in $(basename "$2")"; fi
}

wait_grep() {
	_wg_i=0
	until grep -Eq -- "$1" "$2" 2>/dev/null; do
		_wg_i=$((_wg_i + 1))
		if [ $_wg_i -gt $((SERVER_WAIT * 10)) ]; then
			LAST_OUT=$2
			fail "${3:-never saw /$1/ in $(basename "$2")}"
		fi
		sleep 0.1
	done
}

lib_soname() {
	_ls=$(sed -n "s/^#define ${1}_SONAME \"\(.*\)\"\$/\1/p" \
	    "${TOP_BUILDDIR:-.}/config.h")
	[ -n "$_ls" ] || fail "no ${1}_SONAME in ${TOP_BUILDDIR:-.}/config.h"
	echo "$_ls"
}

broken_libs() {
	BROKEN_LIBS=$T/broken-libs
	mkdir -p "$BROKEN_LIBS"
	for _bl in "$@"; do
		_bl_so=$(lib_soname "$_bl") || exit 1
		: >"$BROKEN_LIBS/$_bl_so"
	done
}

free_port() {
	"$PYTHON" -c 'import socket, sys
h = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in h else socket.AF_INET)
s.bind((h, 0))
print(s.getsockname()[1])
s.close()' "${1:-127.0.0.1}"
}

# _server_spawn PORT NAME COMMAND [ARG...]: COMMAND in the background with
# each @PORT@ in its arguments replaced by PORT; sets SERVER_PID.
_server_spawn() {
	_sp_port=$1 _sp_name=$2
	shift 2
	_sp_n=$#
	while [ "$_sp_n" -gt 0 ]; do
		_sp_a=$1
		shift
		while :; do
			case $_sp_a in
			*@PORT@*) _sp_a=${_sp_a%%@PORT@*}$_sp_port${_sp_a#*@PORT@} ;;
			*) break ;;
			esac
		done
		set -- "$@" "$_sp_a"
		_sp_n=$((_sp_n - 1))
	done
	"$@" >"$T/$_sp_name.out" 2>"$T/$_sp_name.err" &
	SERVER_PID=$!
	bg_register "$SERVER_PID"
}

start_server() {
	_ss_ports="" _ss_host=127.0.0.1 _ss_quiet=0
	while :; do
		case ${1:-} in
		-p) _ss_ports="$_ss_ports $2"; shift 2 ;;
		-H) _ss_host=$2; shift 2 ;;
		-q) _ss_quiet=1; shift ;;
		*) break ;;
		esac
	done
	_ss_name=$1
	shift
	_ss_tries=1
	case "$*" in *@PORT@*) _ss_tries=5 ;; esac
	while :; do
		_ss_port=""
		case "$*" in *@PORT@*) _ss_port=$(free_port "$_ss_host") ;; esac
		_server_spawn "$_ss_port" "$_ss_name" "$@"
		# shellcheck disable=SC2086
		SERVER_PORT=$("$PYTHON" "$TOP_SRCDIR/tests/lib/wait_server.py" \
		    "$SERVER_PID" "$T/$_ss_name.out" "$_ss_host" "$SERVER_WAIT" \
		    $_ss_port $_ss_ports)
		_ss_rc=$?
		[ $_ss_rc -eq 0 ] && return 0
		_ss_tries=$((_ss_tries - 1))
		[ $_ss_rc -eq 1 ] && [ $_ss_tries -gt 0 ] || break
	done
	LAST_OUT=$T/$_ss_name.err
	[ -s "$LAST_OUT" ] || LAST_OUT=$T/$_ss_name.out
	if [ $_ss_rc -eq 1 ]; then
		[ $_ss_quiet = 1 ] && return 1
		fail "$_ss_name server exited before it listened: $*"
	fi
	fail "$_ss_name server not listening after $SERVER_WAIT s: $*"
}

start_practice() {
	start_server practice "$SMTPSCOPE" serve --port 0 "$@"
	PRACTICE_PORT=$SERVER_PORT
	PRACTICE_PID=$SERVER_PID
}

SMTP_SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)

start_sink() {
	[ -x "$SMTP_SINK" ] || skip "smtp-sink not installed (Debian package postfix)"
	_sink_host=127.0.0.1 _sink_addr=127.0.0.1
	if [ "${1:-}" = -6 ]; then
		_sink_host=::1 _sink_addr="[::1]"
		shift
	fi
	set -- "$@" "$_sink_addr:@PORT@" 10
	# smtp-sink refuses to keep root's privileges.
	[ "$(id -u)" = 0 ] && set -- -u nobody "$@"
	[ "$_sink_host" = ::1 ] && set -- -6 "$@"
	start_server -H "$_sink_host" sink "$SMTP_SINK" "$@"
	SINK_PORT=$SERVER_PORT
}

MICROSOCKS=$(command -v microsocks || echo /usr/bin/microsocks)

start_socks() {
	[ -x "$MICROSOCKS" ] || skip "microsocks not installed (Debian package microsocks)"
	_socks_bind=""
	if [ "${1:-}" = -b ]; then
		_socks_bind=$2
		shift 2
	fi
	set -- -i 127.0.0.1 -p @PORT@ ${_socks_bind:+-b "$_socks_bind"} \
	    ${1:+-u "$1"} ${2:+-P "$2"}
	_socks_n=$((${_socks_n:-0} + 1))
	start_server "socks$_socks_n" "$MICROSOCKS" "$@"
	SOCKS_PORT=$SERVER_PORT
}

start_hostile() {
	_hostile_n=$((${_hostile_n:-0} + 1))
	start_server "hostile$_hostile_n" "$PYTHON" \
	    "$TOP_SRCDIR/tests/lib/hostile_server.py" "$1"
	HOSTILE_PORT=$SERVER_PORT
}
