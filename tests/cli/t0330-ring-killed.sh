#!/bin/sh
# SPDX-License-Identifier: MIT
# The target dies of SIGKILL with its ring partly written: what it
# published is still collected, behind a record a thread reserved and
# never published, and while its threads record into a full ring, some
# of them waiting for space.
. "$top_srcdir/tests/lib.sh"
ulimit -c 0

# A place taken and never written, then 2000 blocks, then SIGKILL.
run_status rc "$HP" run -o h.data "$PROGS/scribble" hole
expect_eq "hole: heapprof dies of SIGKILL" 137 "$rc"
expect_match "hole: the summary counts the place never written" \
    '^heapprof: .* 1 malformed event → h.data$' err
expect_eq "hole: every block before it" "tb=32000 tbk=1000 eb=0 ebk=0" \
    "$(profile_totals h.data before_scribble | sed 's/ *gb=.*//')"
expect_eq "hole: every block after it" "tb=96000 tbk=2000 eb=0 ebk=0" \
    "$(profile_totals h.data after_scribble | sed 's/ *gb=.*//')"

# Threads in a full ring: killfull.c.
HEAPPROF_TEST_SLOW_COLLECTOR=200 run_status rc "$HP" run -o k.data \
    "$PROGS/killfull" 3000 4 2000
expect_eq "full: heapprof dies of SIGKILL" 137 "$rc"
waits=$(sed -n 's/^heapprof: test: producers found the ring full \([0-9]*\) times.*/\1/p' err)
[ -n "$waits" ] && [ "$waits" -gt 0 ] ||
	fail "full: the ring never filled (waits: '$waits'):$(cat err)"
"$HP" report k.data >k.txt 2>&1 || fail "full: report: $(cat k.txt)"
# 3000 blocks of 40 B; 4 x 2000 of 24..56 B (400 of each size per thread).
expect_eq "full: every block allocated before the kill" \
    "tb=440000 tbk=11000 eb=440000 ebk=11000" \
    "$(profile_totals k.data 'keep_main|keep_thread' | sed 's/ *gb=.*//')"
finish
