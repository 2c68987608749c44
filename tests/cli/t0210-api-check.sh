#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof.h in a Check test run under heapprof: the exact counts of a
# function, whole-process and per thread (while another thread
# allocates), and from C++; without heapprof both skip with status 77.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o check.data "$PROGS/api-check"
expect_eq "the Check test passes under heapprof" 0 "$rc"
expect_grep "every check ran" "100%: Checks: 3, Failures: 0, Errors: 0" out
[ "$rc" -eq 0 ] || sed 's/^/    /' out err

run_status rc "$PROGS/api-check"
expect_eq "the Check test skips without heapprof" 77 "$rc"
expect_grep "says why" "not running under heapprof: skipped" err

if [ -x "$PROGS/api-cxx" ]; then
	run_status rc "$HP" run -o cxx.data "$PROGS/api-cxx"
	expect_eq "C++: a vector's reserve(10) is one block of 40 bytes" \
	    "0 region 1 40" "$rc $(cat out)"
	run_status rc "$PROGS/api-cxx"
	expect_eq "C++: skips without heapprof" 77 "$rc"
fi
finish
