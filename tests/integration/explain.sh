#!/bin/sh
# `smtpscope explain`: codes, enhanced codes, whole reply lines, errors
# with exit 2, and docs/reply-codes.md matching the code tables.
. "$TOP_SRCDIR/tests/lib/common.sh"

# explain ARGS...: run, expect exit 0, output in $T/out
explain_ok() {
	"$SMTPSCOPE" explain "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] || { LAST_OUT=$T/err; fail "explain $* exits $rc, not 0"; }
	[ -s "$T/err" ] && { LAST_OUT=$T/err; fail "explain $* wrote to stderr"; }
	return 0
}

# explain ARGS...: expect exit 2, one line on stderr, nothing on stdout
explain_bad() {
	"$SMTPSCOPE" explain "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] || { LAST_OUT=$T/err; fail "explain $* exits $rc, not 2"; }
	[ -s "$T/out" ] && { LAST_OUT=$T/out; fail "explain $* wrote to stdout"; }
	[ "$(wc -l <"$T/err")" -eq 1 ] || { LAST_OUT=$T/err; fail "explain $*: not one error line"; }
	assert_grep '^smtpscope: explain: ' "$T/err"
}

# A basic code with an enhanced code: meaning, next step, RFC sections.
explain_ok 550 5.1.1
assert_grep '^550 Requested action not taken: mailbox unavailable' "$T/out"
assert_grep '^meaning: ' "$T/out"
assert_grep '^next: ' "$T/out"
assert_grep 'after RCPT TO: recipient refused' "$T/out"
assert_grep '^5\.1\.1 Bad destination mailbox address' "$T/out"
assert_grep '^rfc: RFC 5321 4\.2\.2.*RFC 3463 3\.2' "$T/out"
cp "$T/out" "$T/two-args"

# The same as one argument and as a whole reply line.
explain_ok "550 5.1.1"
cmp -s "$T/out" "$T/two-args" || fail "explain '550 5.1.1' differs from explain 550 5.1.1"
explain_ok "550-5.1.1 The email account that you tried to reach does not exist"
cmp -s "$T/out" "$T/two-args" || fail "a whole reply line is not read as its codes"

# An enhanced code alone, and the X form.
explain_ok 5.7.1
assert_grep '^5\.7\.1 Delivery not authorized, message refused' "$T/out"
assert_grep '^hint: ' "$T/out"
assert_no_grep '^550' "$T/out"
explain_ok X.7.26
assert_grep 'Multiple authentication checks failed' "$T/out"
explain_ok 4.7.1
assert_grep '^4\.7\.1 ' "$T/out"
assert_grep 'Persistent Transient Failure' "$T/out"

# Unknown detail: explained from class and subject (RFC 3463 2).
explain_ok 5.1.99
assert_grep 'detail not registered' "$T/out"
assert_grep 'Addressing Status' "$T/out"

# Extension codes.
explain_ok 334
assert_grep 'RFC 4954' "$T/out"
explain_ok 521
assert_grep 'RFC 7504' "$T/out"
explain_ok 250
assert_grep 'after MAIL FROM: sender accepted' "$T/out"
assert_grep 'after end of data: the message is queued' "$T/out"

# Class mismatch is pointed out (RFC 2034 4).
explain_ok 550 4.2.2
assert_grep 'does not match reply code 550' "$T/out"

# No line much wider than a terminal.
explain_ok 550 5.7.26
awk 'length($0) > 100 { bad = 1 } END { exit bad }' "$T/out" || fail "line over 100 columns"

# Errors: one line, exit 2.
explain_bad 299
assert_grep 'not defined by any RFC' "$T/err"
explain_bad 650
explain_bad hello
explain_bad 5.9.1
explain_bad 55
explain_bad "550 5.1"
# What the user typed is quoted escaped and shortened, never raw.
explain_bad "$(printf '\033]0;pwned\007')"
if LC_ALL=C grep -q "$(printf '\033')" "$T/err" ||
    LC_ALL=C grep -q "$(printf '\007')" "$T/err"; then
	LAST_OUT=$T/err
	fail "a raw control byte in explain's error"
fi
assert_grep '"\\x1b\]0;pwned\\x07" is not a reply code' "$T/err"
explain_bad "550 5.1.1000$(printf '\033[2J')"
if LC_ALL=C grep -q "$(printf '\033')" "$T/err"; then LAST_OUT=$T/err; fail "raw ESC"; fi
explain_bad "$(awk 'BEGIN { while (length(s) < 900) s = s "z"; print s }')"
assert_grep '"z+\.\.\." is not a reply code' "$T/err"
[ "$(wc -c <"$T/err")" -lt 200 ] || fail "a long argument echoed in full"
"$SMTPSCOPE" explain >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "explain without arguments should exit 2"
assert_grep '^usage: smtpscope explain' "$T/err"

# --help on stdout, exit 0.
explain_ok --help
assert_grep '^usage: smtpscope explain' "$T/out"

# docs/reply-codes.md is generated from the tables: it must be current.
explain_ok --markdown
assert_grep '^# SMTP reply codes' "$T/out"
assert_grep '^\| 550 \| Requested action not taken' "$T/out"
assert_grep '^\| X\.7\.30 \| REQUIRETLS support required' "$T/out"
assert_grep '^\| PIPELINING \| ' "$T/out"
if ! diff -u "$TOP_SRCDIR/docs/reply-codes.md" "$T/out" >"$T/docs.diff"; then
	LAST_OUT=$T/docs.diff
	fail "docs/reply-codes.md is stale: run 'make reply-codes'"
fi
exit 0
