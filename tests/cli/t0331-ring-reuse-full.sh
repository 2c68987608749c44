#!/bin/sh
# SPDX-License-Identifier: MIT
# Order when the ring is full: threads hand addresses to each other (a
# block freed in one is allocated again at once in another) while the
# collector is too slow, so that producers wait for space, some with
# their places taken a lap ahead (16 threads at 64 KiB: a hundred or so
# a run, and some dozens of places that straddle the end of the ring).  The collector still sees every free before the
# allocation that reuses its address: totals exact, no anomalies.
. "$top_srcdir/tests/lib.sh"

for prog in prodcons threads; do
	case $prog in
	threads) set -- 16 4000; sites=worker ;;
	*) set -- 6000; sites='producer|consumer' ;;
	esac
	HEAPPROF_TEST_SLOW_COLLECTOR=100 run_status rc "$HP" run \
	    -o $prog.data "$PROGS/$prog" "$@"
	expect_eq "$prog exits 0" 0 "$rc"
	waits=$(sed -n 's/^heapprof: test: producers found the ring full \([0-9]*\) times.*/\1/p' err)
	[ -n "$waits" ] && [ "$waits" -gt 0 ] ||
		fail "$prog: the ring never filled (waits: '$waits')"
	expected=$(sed -n 's/^expect //p' err)
	[ -n "$expected" ] || fail "$prog printed no totals"
	expect_eq "$prog: totals exact" "$expected" \
	    "$(profile_totals $prog.data "$sites" | sed 's/ *gb=.*//')"
	expect_no_anomalies "$prog" $prog.data
	[ $prog = threads ] ||
		[ "$(sed -n 's/^reused //p' err)" -gt 0 ] ||
		fail "prodcons: no address went back and forth between threads"
done
finish
