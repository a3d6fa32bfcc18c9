#!/bin/sh
# docs/smtpscope.1 renders without a single groff warning, and names
# every option of every usage text, every local command of the console,
# every scenario and every lesson: the manual cannot fall behind the
# program.
. "$TOP_SRCDIR/tests/lib/common.sh"
MAN=$TOP_SRCDIR/docs/smtpscope.1

command -v groff >/dev/null 2>&1 || skip "groff not installed (Debian package groff-base)"
LAST_OUT=$T/warnings
groff -ww -man -Tutf8 "$MAN" >"$T/bold" 2>"$T/warnings" || fail "groff failed"
# overstrikes (bold, underline) out
bs=$(printf '\b')
sed "s/.$bs//g" "$T/bold" >"$T/rendered"
[ -s "$T/warnings" ] && fail "groff -ww warns"
assert_grep '^SYNOPSIS' "$T/rendered"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "THE CONSOLE" SCENARIOS LESSONS \
    FILES ENVIRONMENT "EXIT STATUS" EXAMPLES; do
	grep -q "^\.SH $section\$" "$MAN" || fail "no section $section"
done

# man(1) itself has nothing to say either (man-db, when there)
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man --warnings -l "$MAN" >/dev/null 2>"$T/warnings" ||
		fail "man -l failed"
	[ -s "$T/warnings" ] && fail "man --warnings warns"
fi

# named: NAME is in the page as the roff source writes it ("-" as "\-")
named() {
	_want=$(printf '%s' "$1" | sed 's/-/\\\\-/g')
	grep -q -- "$_want" "$MAN" || fail "the manual does not name $1 ($2)"
}

# Every long option of every usage text.
for cmd in "" serve replay mx lint explain; do
	# shellcheck disable=SC2086
	"$SMTPSCOPE" $cmd --help >"$T/help" 2>&1 || fail "smtpscope $cmd --help"
	grep -o -- '--[a-z][a-z0-9-]*' "$T/help" | sort -u >"$T/opts"
	[ -s "$T/opts" ] || [ "$cmd" = explain ] || fail "no options in smtpscope $cmd --help"
	while read -r opt; do
		named "$opt" "smtpscope $cmd --help"
	done <"$T/opts"
done
"$SMTPSCOPE" explain --markdown >/dev/null || fail "explain --markdown"
named --markdown "explain"

# Every local command of the console (:help lists the table).
printf ':help\n:quit\n' | "$SMTPSCOPE" practice >"$T/help" 2>&1 || fail ":help"
sed -n 's/^  \(:[a-z]*\) .*/\1/p' "$T/help" >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -ge 10 ] || { LAST_OUT=$T/help; fail "too few local commands in :help"; }
while read -r cmd; do
	grep -q "^\.BI\{0,1\}R\{0,1\} $cmd\( \|\$\)" "$MAN" || fail "the manual does not describe $cmd"
done <"$T/cmds"

# Every scenario and every lesson.
"$SMTPSCOPE" serve --list-scenarios >"$T/list" || fail "--list-scenarios"
while read -r name teaches; do
	grep -q "^\.B $(printf '%s' "$name" | sed 's/-/\\\\-/g')\$" "$MAN" ||
		fail "the manual does not describe scenario $name"
done <"$T/list"
printf ':lesson nosuch\n:quit\n' | "$SMTPSCOPE" practice >"$T/lessons" 2>&1
sed -n 's/.*the lessons are //p' "$T/lessons" | tr ',' '\n' | sed 's/^ *//' >"$T/names"
[ "$(wc -l <"$T/names")" -ge 4 ] || { LAST_OUT=$T/lessons; fail "no lesson names"; }
while read -r name; do
	grep -q "^\.B $(printf '%s' "$name" | sed 's/-/\\\\-/g')\$" "$MAN" ||
		fail "the manual does not describe lesson $name"
done <"$T/names"

# The exit statuses are those of src/exitcode.h.
for n in 0 1 2 3; do
	grep -q "^\.B $n\$" "$MAN" || fail "exit status $n not described"
done
exit 0
