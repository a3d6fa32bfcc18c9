#!/bin/sh
# Libraries loaded when first used (src/lazy.h): GNU SASL, libunbound and
# libcurl are not needed to start smtpscope, and a command that needs
# one it cannot load says so in one line naming the Debian package.
#
# The loader is made to fail the way a broken installation does: a
# directory in LD_LIBRARY_PATH holds an empty file under each library's
# soname, which the dynamic loader finds first and refuses ("file too
# short").  The program itself is untouched.
. "$TOP_SRCDIR/tests/lib/common.sh"

sasl=$(lib_soname GSASL) || exit 1
unbound=$(lib_soname UNBOUND) || exit 1
broken_libs GSASL UNBOUND LIBCURL

# broken COMMAND...: COMMAND with the broken libraries first in the path;
# its output in $T/out and $T/err, its status in $rc
broken() {
	LD_LIBRARY_PATH=$BROKEN_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
	    "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	LAST_OUT=$T/err
}

# Commands that use none of them start and work without them (linked,
# the program would not start at all: exit 127).
broken "$SMTPSCOPE" --version
[ $rc -eq 0 ] || fail "--version without the libraries: exit $rc"
broken "$SMTPSCOPE" explain 550 5.1.1
[ $rc -eq 0 ] || fail "explain without the libraries: exit $rc"
assert_grep '^550 ' "$T/out"

# A STARTTLS session with the practice server (started as usual), and a
# replay of what it recorded.
start_practice
printf 'EHLO client.example\nQUIT\n' >"$T/in"
LD_LIBRARY_PATH=$BROKEN_LIBS "$SMTPSCOPE" --plain --starttls --insecure \
    --record "$T/s.smtp" "127.0.0.1:$PRACTICE_PORT" <"$T/in" >"$T/out" 2>&1
rc=$?
LAST_OUT=$T/out
[ $rc -eq 0 ] || fail "STARTTLS session without the libraries: exit $rc"
assert_grep '^\* TLS \(starttls\): TLSv1\.[23] ' "$T/out"
assert_grep '^S: 221 ' "$T/out"
broken "$SMTPSCOPE" replay --insecure "$T/s.smtp" "127.0.0.1:$PRACTICE_PORT"
[ $rc -eq 0 ] || fail "replay without the libraries: exit $rc"

# said LINE: stderr is that one line
said() {
	printf '%s\n' "$1" >"$T/want"
	cmp -s "$T/want" "$T/err" ||
	    fail "expected on stderr: $1"
}

# DNS: mx cannot start without libunbound (exit 2, as when the resolver
# cannot be set up).
broken "$SMTPSCOPE" mx example.test
[ $rc -eq 2 ] || fail "mx without libunbound: exit $rc, expected 2"
said "smtpscope: cannot load libunbound, which resolves DNS: $BROKEN_LIBS/$unbound: file too short; on Debian: apt-get install libunbound8"
broken "$SMTPSCOPE" --mx example.test
[ $rc -eq 2 ] || fail "--mx without libunbound: exit $rc, expected 2"
said "smtpscope: cannot load libunbound, which resolves DNS: $BROKEN_LIBS/$unbound: file too short; on Debian: apt-get install libunbound8"

# The practice server offers AUTH to every client: it does not start
# without GNU SASL.
broken "$SMTPSCOPE" serve --port 0
[ $rc -eq 1 ] || fail "serve without GNU SASL: exit $rc, expected 1"
said "smtpscope: serve: cannot load GNU SASL, which runs the practice server's AUTH: $BROKEN_LIBS/$sasl: file too short; on Debian: apt-get install libgsasl18"

# --auth: the session goes on to say why AUTH was not sent, and ends as a
# failed probe does.
SMTPSCOPE_PASSWORD=practice
export SMTPSCOPE_PASSWORD
LD_LIBRARY_PATH=$BROKEN_LIBS "$SMTPSCOPE" --plain --starttls --insecure \
    --auth PLAIN --auth-user student --quit-after auth \
    "127.0.0.1:$PRACTICE_PORT" </dev/null >"$T/out" 2>&1
rc=$?
LAST_OUT=$T/out
[ $rc -eq 1 ] || fail "--auth without GNU SASL: exit $rc, expected 1"
assert_grep "cannot load GNU SASL, which runs AUTH: $BROKEN_LIBS/$sasl: file too short; on Debian: apt-get install libgsasl18\$" "$T/out"
assert_no_grep '^C: AUTH' "$T/out"
assert_grep '^C: QUIT' "$T/out"
exit 0
