#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof.h(3)'s Check example, cut from the page, compiles against the
# source tree's header, passes under heapprof and skips without it; made
# to expect one block too many, it fails the run and keeps the profile.
. "$top_srcdir/tests/lib.sh"
[ -n "${CC:-}" ] || skip "no C compiler"

# The first literal display after "A Check test".
awk '/^A Check test/ { f = 1 } f && /^\.Bd -literal/ { p = 1; next }
    p && /^\.Ed/ { exit } p' "$top_srcdir/man/heapprof.h.3" | sed 's/\\e/\\/g' >t.c
grep -q START_TEST t.c || fail "no example found in heapprof.h.3"
# shellcheck disable=SC2086
$CC -O2 -g -I"$top_srcdir/include" $CHECK_CFLAGS t.c -o t $CHECK_LIBS ||
	skip "cannot build a Check program here"

run_status rc "$HP" run -o t.data ./t
expect_eq "the example passes under heapprof" 0 "$rc"
expect_grep "its one test ran" "100%: Checks: 1, Failures: 0" out
run_status rc ./t
expect_eq "and skips without" 77 "$rc"

sed 's/total_blocks == 3,/total_blocks == 4,/' t.c >bad.c
$CC -O2 -g -I"$top_srcdir/include" $CHECK_CFLAGS bad.c -o bad $CHECK_LIBS
run_status rc "$HP" run --keep=on-failure -o bad.data ./bad
expect_eq "a failed HEAPPROF_ASSERT fails the run" 3 "$rc"
expect_grep "with its message" "make_list(3) made 3 blocks" err
"$HP" report bad.data 2>&1 | sed -n 2p >first
expect_grep "the kept profile says so first" "make_list(3) made 3 blocks" first
finish
