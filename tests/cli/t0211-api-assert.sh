#!/bin/sh
# SPDX-License-Identifier: MIT
# A failed HEAPPROF_ASSERT: its message with file:line on stderr, the
# profile kept whatever --keep says and marked failed (report shows it
# first), heapprof's error status; the program's own failure still wins.
. "$top_srcdir/tests/lib.sh"

# __FILE__ is the path the compiler was given: build trees differ.
msg='api.c:73: heapprof assertion failed: r.blocks == 2: three() allocated 3 blocks'

run_status rc "$HP" run --keep=never -o a.data "$PROGS/api" assert
expect_eq "heapprof exits with the budget status (3)" 3 "$rc"
expect_eq "the program goes on after the assertion" "assert 0" "$(cat out)"
expect_grep "the message, with file and line" "$msg" err
[ -f a.data ] && echo "ok: --keep=never keeps a failed profile" ||
	fail "--keep=never: no profile"
"$HP" report a.data >report 2>&1 || fail "report a.data"
expect_eq "report: the verdict first" "FAILED:   1 heapprof assertion" \
    "$(sed -n 1p report)"
expect_eq "report: then the message" "  $msg" \
    "$(sed -n '2s/^  [^ ]*\(api\.c:\)/  \1/p' report)"
expect_no_anomalies "assert" a.data
run_status rc "$HP" report --budget='main:blocks<1000' a.data
expect_eq "report --budget on a failed profile: the run's status" 3 "$rc"
"$HP" report --format=markdown a.data >report.md 2>&1 ||
	fail "report --format=markdown a.data"
expect_eq "markdown: the verdict first" "**FAILED:** 1 heapprof assertion" \
    "$(sed -n 3p report.md)"
expect_match "markdown: the message" \
    '^- `[^`]*api\.c:73: heapprof assertion failed: r\.blocks == 2: three\(\) allocated 3 blocks`$' \
    report.md

run_status rc "$HP" run --keep=on-failure --error-exitcode=9 -o b.data \
    "$PROGS/api" assert
expect_eq "--error-exitcode sets the status" 9 "$rc"
[ -f b.data ] && echo "ok: --keep=on-failure keeps it" ||
	fail "--keep=on-failure: no profile"

run_status rc "$HP" run -o c.data "$PROGS/api" assert 5
expect_eq "the program's failure wins" 5 "$rc"

# Without heapprof: the message, and nothing else changes.
run_status rc "$PROGS/api" assert
expect_eq "without heapprof the program's status" "0 assert 0" \
    "$rc $(cat out)"
expect_grep "without heapprof the message still" \
    "api.c:73: heapprof assertion failed: r.blocks == 2: three() allocated 18446744073709551615 blocks" err

# An assertion that holds changes nothing.
run_status rc "$HP" run -o d.data "$PROGS/api" stats
expect_eq "no failed assertion: status 0" 0 "$rc"
"$HP" report d.data >report 2>&1
if grep -q FAILED report; then fail "report marks a good run failed"; else
	echo "ok: a good run is not marked"; fi
finish
