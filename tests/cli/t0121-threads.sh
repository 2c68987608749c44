#!/bin/sh
# SPDX-License-Identifier: MIT
# Threads: 32 threads x 100k mixed calls at once, and blocks that cross
# threads through queues, so an address freed in one thread is at once
# allocated again in another.  Totals exact, no anomalies.  The programs
# compute their own totals (DHAT checks that arithmetic on a small run;
# the full runs would take it minutes).
. "$top_srcdir/tests/lib.sh"

# own_totals FILE: the "expect" line a program printed, as dhat-totals.sh
# prints totals (peaks depend on the threads' timing: not compared).
own_totals() {
	sed -n 's/^expect //p' "$1"
}

# no_peak: totals without the gb and gbk fields.
no_peak() {
	sed 's/ *gb=.*//'
}

for prog in threads prodcons; do
	case $prog in
	threads) sites=worker ;;
	*) sites='producer|consumer' ;;
	esac
	if have_valgrind; then
		case $prog in
		threads) dhat_run $prog "$PROGS/$prog" 4 2000 ;;
		*) dhat_run $prog "$PROGS/$prog" 2000 ;;
		esac
		expect_eq "$prog: its arithmetic agrees with DHAT" \
		    "$(own_totals $prog.vg.err)" \
		    "$("$TOTALS" $prog.vg.json "$sites" | no_peak)"
	fi
	run_status rc "$HP" run -o $prog.data "$PROGS/$prog"
	expect_eq "$prog exits 0" 0 "$rc"
	expected=$(own_totals err)
	[ -n "$expected" ] || fail "$prog printed no totals"
	expect_eq "$prog: totals exact" "$expected" \
	    "$(profile_totals $prog.data "$sites" | no_peak)"
	expect_no_anomalies "$prog" $prog.data
done
reused=$(sed -n 's/^reused //p' err)
[ "${reused:-0}" -gt 0 ] ||
	fail "prodcons: no address went back and forth between threads"
finish
