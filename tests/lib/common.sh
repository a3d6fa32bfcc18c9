# tests/lib/common.sh -- shared by the integration and terminal tests.
#
# Source it first thing.  It gives:
#   $SMTPSCOPE      the binary under test (set by make check; defaults to ./smtpscope)
#   $T              a private temporary directory, removed at exit
#   free_port       print a free TCP port on 127.0.0.1
#   wait_port P     wait (up to 10 s) until 127.0.0.1:P accepts connections
#   start_practice [ARGS]   run `smtpscope serve --port 0 ARGS`; sets PRACTICE_PORT
#   start_sink [ARGS]       run Postfix smtp-sink on a free port; sets SINK_PORT
#                           (exits 77 = skip when smtp-sink is not installed)
#   bg_register PID         kill PID at exit
#   fail MSG                print MSG and the last output, exit 1
#   assert_grep PATTERN FILE / assert_no_grep PATTERN FILE   (grep -E)
#   PYTHON                  Debian's python3 (has aiosmtpd), for helpers
# Every server started here is killed at exit, on failure too.

set -u
SMTPSCOPE=${SMTPSCOPE:-$(pwd)/smtpscope}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
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

assert_grep() {
	grep -Eq -- "$1" "$2" || { LAST_OUT=$2; fail "expected /$1/ in $(basename "$2")"; }
}

assert_no_grep() {
	if grep -Eq -- "$1" "$2"; then LAST_OUT=$2; fail "did not expect /$1/ in $(basename "$2")"; fi
}

free_port() {
	"$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() {
	_i=0
	while [ $_i -lt 100 ]; do
		if "$PYTHON" -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2); s.close()' "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "nothing listens on 127.0.0.1:$1 after 10 s"
}

start_practice() {
	"$SMTPSCOPE" serve --port 0 "$@" >"$T/practice.out" 2>"$T/practice.err" &
	bg_register $!
	_i=0
	PRACTICE_PORT=""
	while [ $_i -lt 100 ] && [ -z "$PRACTICE_PORT" ]; do
		PRACTICE_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/practice.out" | head -n 1)
		[ -n "$PRACTICE_PORT" ] || sleep 0.1
		_i=$((_i + 1))
	done
	[ -n "$PRACTICE_PORT" ] || { LAST_OUT=$T/practice.err; fail "practice server did not start"; }
	wait_port "$PRACTICE_PORT"
}

SMTP_SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)

start_sink() {
	[ -x "$SMTP_SINK" ] || { echo "SKIP: smtp-sink not installed (Debian package postfix)"; exit 77; }
	_user=""
	[ "$(id -u)" = 0 ] && _user="-u nobody"
	for _try in 1 2 3 4 5; do
		SINK_PORT=$(free_port)
		# shellcheck disable=SC2086
		"$SMTP_SINK" $_user "$@" "127.0.0.1:$SINK_PORT" 10 >"$T/sink.out" 2>&1 &
		_pid=$!
		sleep 0.2
		if kill -0 "$_pid" 2>/dev/null; then
			bg_register "$_pid"
			wait_port "$SINK_PORT"
			return 0
		fi
	done
	LAST_OUT=$T/sink.out
	fail "smtp-sink did not start"
}
