#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof.h without heapprof: every call says "not profiling", with
# values no real count can have; the same in a child heapprof does not
# follow is checked by the program's own run below.
. "$top_srcdir/tests/lib.sh"

max=18446744073709551615
all="$max $max $max $max $max $max"
run_status rc "$PROGS/api" stats
expect_eq "runs without heapprof" 0 "$rc"
expect_eq "running says 0" "running 0" "$(sed -n 1p out)"
expect_eq "stats: HEAPPROF_NOT_PROFILING, all UINT64_MAX" \
    "before -1 $all" "$(sed -n 2p out)"
expect_eq "region: HEAPPROF_NOT_PROFILING" "region -1 $max $max" \
    "$(sed -n 4p out)"

# The agent loaded but not attached to a session (no ring): the same.
run_status rc env LD_PRELOAD="$top_builddir/src/.libs/libheapprof-agent.so" \
    "$PROGS/api" stats
expect_eq "agent without a session: not profiling" \
    "0 running 0 before -1 $all" "$rc $(sed -n 1,2p out | tr '\n' ' ' | sed 's/ $//')"
finish
