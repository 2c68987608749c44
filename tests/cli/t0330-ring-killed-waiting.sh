#!/bin/sh
# SPDX-License-Identifier: MIT
# The target dies of SIGKILL while its threads record into a ring that
# is full, some of them waiting for space, some holding a record they
# never publish: everything recorded before is still collected, and the
# places never written are skipped.
. "$top_srcdir/tests/lib.sh"
ulimit -c 0

HEAPPROF_TEST_SLOW_COLLECTOR=200 run_status rc "$HP" run -o k.data \
    "$PROGS/killfull" 3000 4 2000
expect_eq "heapprof dies of SIGKILL" 137 "$rc"
waits=$(sed -n 's/^heapprof: test: producers found the ring full \([0-9]*\) times.*/\1/p' err)
[ -n "$waits" ] && [ "$waits" -gt 0 ] ||
	fail "the ring never filled (waits: '$waits'):$(cat err)"
"$HP" report k.data >k.txt 2>&1 || fail "report: $(cat k.txt)"
# 3000 blocks of 40 B; 4 x 2000 of 24..56 B (400 of each size per thread).
expect_eq "every block allocated before the kill" \
    "tb=440000 tbk=11000 eb=440000 ebk=11000" \
    "$(profile_totals k.data 'keep_main|keep_thread' | sed 's/ *gb=.*//')"
finish
