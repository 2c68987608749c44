#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof.h in a forked child: not profiled without --children (the
# assertion only prints); with it, answered from the child's own ring,
# and a failed assertion there fails the run and marks the child's profile.
. "$top_srcdir/tests/lib.sh"

msg='heapprof assertion failed: rc > 0: in the child'

run_status rc "$HP" run -o a.data "$PROGS/api" fork
expect_eq "without --children: not profiling, status 0" "0 child -1" \
    "$rc $(cat out)"
expect_grep "the message still printed" "$msg" err

run_status rc "$HP" run --children -o b.%p.data "$PROGS/api" fork
expect_eq "with --children: answered, the run fails" "3 child 0" \
    "$rc $(cat out)"
child=$(sed -n 's/^heapprof: pid \([0-9]*\):.*/\1/p' err)
[ -n "$child" ] && "$HP" report "b.$child.data" >report 2>&1 ||
	fail "no profile of the child: $(cat err)"
expect_eq "the child's profile is marked" "FAILED:   1 heapprof assertion" \
    "$(sed -n 1p report)"
finish
