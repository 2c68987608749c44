#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof_stats while heapprof is dead (SIGKILL) but not reaped: the call
# does not wait for an answer that cannot come, it says "not profiling"
# (the ring's robust futex tells the agent).  killcollector.c is the
# parent that does not reap, and the bound.
. "$top_srcdir/tests/lib.sh"

run_status rc "$PROGS/killcollector" "$HP" "$PROGS/killcollector" k.data stats
expect_eq "heapprof_stats returned HEAPPROF_NOT_PROFILING at once" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/    /' err
finish
