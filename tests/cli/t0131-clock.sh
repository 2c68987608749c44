#!/bin/sh
# SPDX-License-Identifier: MIT
# Lifetimes are in ns whichever clock the ring uses: a block held across a
# 60 ms sleep lives as long as the program's own clock says, give or take
# what the agent spends around the two events (the TSC's rate is measured
# over the run; a wrong scale would be off by the TSC's GHz).  Where the
# CPU has no invariant TSC both runs use CLOCK_MONOTONIC.
. "$top_srcdir/tests/lib.sh"

for clock in monotonic tsc; do
	HEAPPROF_CLOCK=$clock "$HP" run -o "$clock.data" "$PROGS/lifetime" \
	    >out 2>err || fail "$clock: run failed"
	slept=$(sed -n 's/^slept //p' err)
	tl=$("$HP" report --format=dhat "$clock.data" |
	    tr ',' '\n' | sed -n 's/^"tl":\([0-9]*\).*/\1/p' | sort -n | tail -1)
	if [ "${tl:-0}" -ge "${slept:-1}" ] &&
	    [ "${tl:-0}" -le "$(( ${slept:-0} + 20000000 ))" ]; then
		echo "ok: $clock: lifetime $tl ns, the program slept $slept ns"
	else
		fail "$clock: lifetime ${tl:-none} ns, the program slept" \
		    "${slept:-?} ns (at most 20 ms more expected)"
	fi
done
finish
