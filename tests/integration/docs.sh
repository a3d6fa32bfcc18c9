#!/bin/sh
# The documentation does not rot: every command README.md and docs/*.md
# show with their output (console blocks, the convention of
# tests/lib/docs_check.py and docs/tutorial.md) runs again here, against
# a practice server this test starts, and must print what the page says.
# The blocks that need Postfix or the DNS test zones are
# tests/integration/docs_peers.sh's.
. "$TOP_SRCDIR/tests/lib/common.sh"
cd "$TOP_SRCDIR" || fail "no source tree"
set -- README.md docs/*.md
LAST_OUT=$T/check
"$PYTHON" tests/lib/docs_check.py --peers "$@" >"$T/check" 2>&1 ||
	fail "a block of the documentation breaks the convention"
start_practice
mkdir -p "$T/work"
"$PYTHON" tests/lib/docs_check.py --only offline,practice \
    --sub practice "127.0.0.1:2525=127.0.0.1:$PRACTICE_PORT" \
    --smtpscope "$SMTPSCOPE" --examples "$TOP_SRCDIR/examples" \
    --work "$T/work" "$@" >"$T/check" 2>&1 ||
	fail "the documentation shows what the program no longer prints"
assert_grep '^[0-9]+ commands run, 0 differ$' "$T/check"
n=$(sed -n 's/^\([0-9]*\) commands run.*/\1/p' "$T/check")
[ "$n" -ge 10 ] || fail "only $n commands of the documentation checked"
exit 0
