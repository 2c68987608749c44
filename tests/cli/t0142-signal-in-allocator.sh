#!/bin/sh
# SPDX-License-Identifier: MIT
# A signal handler that allocates while the thread is inside the real
# allocator under the agent: its blocks are the program's and counted,
# once; what the allocator allocates for itself is not.  (sigreal.c and
# raiser.c say how the signal is made to land there.)
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o real.data "$PROGS/sigreal"
expect_eq "sigreal exits 0" 0 "$rc"
handled=$(sed -n 's/^handled //p' err)
[ "${handled:-0}" -gt 0 ] ||
	fail "no signal landed: libraiser.so was not the real allocator"
expected=$(sed -n 's/^expect //p' err)
expect_eq "totals: the handler's blocks counted, the allocator's not" \
    "$expected" "$(profile_totals real.data | sed 's/ *gb=.*//')"
expect_no_anomalies "sigreal" real.data
finish
