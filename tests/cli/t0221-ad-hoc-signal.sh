#!/bin/sh
# SPDX-License-Identifier: MIT
# Ad-hoc events from a signal handler that interrupts the agent, in heap
# and in ad-hoc mode: none lost, none counted twice, weights exact.
. "$top_srcdir/tests/lib.sh"

for mode in heap ad-hoc; do
	run_status rc "$HP" run --mode=$mode -o $mode.data \
	    "$PROGS/adhoc-signal"
	expect_eq "$mode: exits 0" 0 "$rc"
	set -- $(cat out)
	main=$2 handler=$4
	[ "${handler:-0}" -ge 20 ] && echo "ok: $mode: $handler signals" ||
	    fail "$mode: only '$handler' signals handled"
	"$HP" report --ad-hoc --format=dhat $mode.data >$mode.json ||
	    fail "$mode: report"
	expect_eq "$mode: events and weight" \
	    "tb=$((2 * main + handler)) tbk=$((main + handler)) eb=0 ebk=0 gb=0 gbk=0 " \
	    "$("$TOTALS" $mode.json)"
	expect_eq "$mode: the handler's events" \
	    "tb=$handler tbk=$handler eb=0 ebk=0 gb=0 gbk=0 " \
	    "$("$TOTALS" $mode.json on_prof)"
	expect_no_anomalies "$mode" $mode.data
done
finish
