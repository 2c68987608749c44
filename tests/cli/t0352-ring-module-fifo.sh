#!/bin/sh
# SPDX-License-Identifier: MIT
# A program that announces, through its event ring, a loaded object that
# is a FIFO (scribble.c fifo): heapprof does not open it, which would
# wait for ever, and writes the profile of everything, symbolized.
. "$top_srcdir/tests/lib.sh"

if command -v timeout >/dev/null 2>&1; then
	BOUND="timeout 60"
else
	BOUND=
fi

run_status rc $BOUND "$HP" run -o f.data "$PROGS/scribble" fifo
expect_eq "the program's status" 3 "$rc"
[ -p fifo ] || fail "no FIFO made"
expect_eq "the blocks before" "tb=32000 tbk=1000 eb=0 ebk=0" \
    "$(profile_totals f.data before_scribble | sed 's/ *gb=.*//')"
expect_eq "the blocks after" "tb=96000 tbk=2000 eb=0 ebk=0" \
    "$(profile_totals f.data after_scribble | sed 's/ *gb=.*//')"
expect_no_anomalies "a well-formed record" f.data
finish
