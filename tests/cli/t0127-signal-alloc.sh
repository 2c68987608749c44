#!/bin/sh
# SPDX-License-Identifier: MIT
# A signal handler that allocates while the agent is recording an
# allocation on the same thread: no deadlock, no lost or doubled event.
# (sigalloc.c says how the signal is made to land there: through the
# agent's clock_gettime, so the ring's clock must be CLOCK_MONOTONIC.)
. "$top_srcdir/tests/lib.sh"

HEAPPROF_CLOCK=monotonic
export HEAPPROF_CLOCK
run_status rc "$HP" run -o sig.data "$PROGS/sigalloc"
expect_eq "sigalloc exits 0" 0 "$rc"
handled=$(sed -n 's/^handled //p' err)
[ "${handled:-0}" -gt 0 ] ||
	fail "no signal landed in the agent: it no longer reads the clock through clock_gettime"
expected=$(sed -n 's/^expect //p' err)
expect_eq "totals: the handler's blocks counted, once" "$expected" \
    "$(profile_totals sig.data | sed 's/ *gb=.*//')"
expect_no_anomalies "sigalloc" sig.data
finish
