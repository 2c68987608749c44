#!/bin/sh
# SPDX-License-Identifier: MIT
# Two threads race to set up the agent's table of stacks (stackhold.c,
# held by the agent's test hooks): the loser sends its event's frames
# inline instead of waiting for the winner, here held until the loser is
# done; both events are recorded.
. "$top_srcdir/tests/lib.sh"

run_status rc env HEAPPROF_TEST_STACKS_HOLD=20,21 \
    HEAPPROF_TEST_STACKS_WON=22,23 "$HP" run -o race.data \
    "$PROGS/stackhold"
expect_eq "the loser does not wait: exit 0" 0 "$rc"
expect_eq "the loser does not wait: done" "done" "$(cat out)"
expect_eq "both threads' blocks recorded" \
    "tb=128 tbk=2 eb=0 ebk=0 gb=0 gbk=0 " \
    "$(profile_totals race.data worker)"
expect_no_anomalies "stack table race" race.data
finish
