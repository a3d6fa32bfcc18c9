#!/bin/sh
# placeholder
. "$TOP_SRCDIR/tests/lib/common.sh"
"$SMTPSCOPE" --version >"$T/out" || fail "--version"
assert_grep '^smtpscope ' "$T/out"
