#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof_ad_hoc(3) events: exact events and weight per site and in all,
# in heap mode beside the heap, in ad-hoc mode alone; DHAT's ad-hoc JSON,
# and valgrind's DHAT in --mode=ad-hoc as the oracle.  tests/progs/adhoc
# has site_a: 3 events of 10, 20, 30; site_b: 4 of 5; and 3 blocks.
. "$top_srcdir/tests/lib.sh"

# Heap mode: the heap as ever, the ad-hoc events beside it.
run_status rc "$HP" run -o h.data "$PROGS/adhoc"
expect_eq "heap mode: exits 0" 0 "$rc"
expect_grep "heap mode: heapprof_ad_hoc is recorded" "ad-hoc 0" out
expect_grep "heap mode: the summary counts them" ", 7 ad-hoc events" err
expect_grep "heap mode: the 3 blocks are counted" "blocks 3" out
"$HP" report h.data >h.txt 2>&1 || fail "report h.data"
expect_grep "heap report: the ad-hoc totals" "ad-hoc:   7 events, weight 80" h.txt
expect_grep "heap report: the heap sites" "avg size" h.txt
# And stdout's buffer, which the first printf allocates after the count.
expect_eq "heap profile: heap totals" 4 \
    "$(profile_totals h.data | sed 's/^tb=[0-9]* tbk=\([0-9]*\).*/\1/')"
"$HP" report --ad-hoc --format=dhat h.data >h-ad.json || fail "report --ad-hoc"
expect_eq "heap profile: ad-hoc totals" "tb=80 tbk=7 eb=0 ebk=0 gb=0 gbk=0 " \
    "$("$TOTALS" h-ad.json)"
expect_eq "heap profile: site_a" "tb=60 tbk=3 eb=0 ebk=0 gb=0 gbk=0 " \
    "$("$TOTALS" h-ad.json site_a)"
expect_eq "heap profile: site_b" "tb=20 tbk=4 eb=0 ebk=0 gb=0 gbk=0 " \
    "$("$TOTALS" h-ad.json site_b)"

# Ad-hoc mode: only the events; the allocator is left alone.
run_status rc "$HP" run --mode=ad-hoc -o a.data "$PROGS/adhoc"
expect_eq "ad-hoc mode: exits 0" 0 "$rc"
expect_grep "ad-hoc mode: no heap recorded" "blocks 0" out
expect_grep "ad-hoc mode: summary" "heapprof: 7 ad-hoc events, weight 80" err
"$HP" report --depth=2 a.data >a.txt 2>&1 || fail "report a.data"
expect_grep "ad-hoc report: mode" "mode:     ad-hoc" a.txt
expect_grep "ad-hoc report: summary" "events:   7, weight 80" a.txt
expect_match "ad-hoc report: columns" \
    "^ +events +weight +avg weight$" a.txt
expect_grep "ad-hoc report: sorted by weight" "showing 7 by weight" a.txt
# The heaviest event first, at site_a's call, the inline wrapper hidden.
expect_match "ad-hoc report: first row" "^ +1 +30 +30\.0$" a.txt
sed -n '/^ *events/{n;n;p;}' a.txt >first.txt
expect_match "ad-hoc report: its site" "^    site_a \(.*adhoc\.c:[0-9]+\)$" \
    first.txt
"$HP" report --sort=events --top=1 a.data >e.txt 2>&1 ||
    fail "report --sort=events"
expect_grep "ad-hoc report: --sort=events" "showing 1 by events" e.txt
run_status rc "$HP" report --sort=lifetime a.data
expect_eq "ad-hoc report: a heap key is refused" 64 "$rc"
expect_grep "ad-hoc report: why" "cannot sort ad-hoc events by lifetime" err
run_status rc "$HP" report --sort=weight h.data
expect_eq "heap report: an ad-hoc key is refused" 64 "$rc"

"$HP" report --format=dhat a.data >a.json || fail "report --format=dhat"
expect_grep "DHAT JSON: ad-hoc mode" '"mode":"ad-hoc","verb":"Occurred","bklt":false' a.json
if grep -q '"gb"\|"tg"\|"tuth"' a.json; then
	fail "DHAT JSON: ad-hoc has no peak or lifetime fields"
else
	echo "ok: DHAT JSON: no peak or lifetime fields"
fi
expect_eq "DHAT JSON: totals" "tb=80 tbk=7 eb=0 ebk=0 gb=0 gbk=0 " \
    "$("$TOTALS" a.json)"
expect_eq "DHAT JSON: site_a" "tb=60 tbk=3 eb=0 ebk=0 gb=0 gbk=0 " \
    "$("$TOTALS" a.json site_a)"
expect_eq "DHAT JSON: site_b" "tb=20 tbk=4 eb=0 ebk=0 gb=0 gbk=0 " \
    "$("$TOTALS" a.json site_b)"

# Budgets count the heap, which ad-hoc mode does not record.
run_status rc "$HP" run --mode=ad-hoc --max-total-blocks=1 -- "$PROGS/adhoc"
expect_eq "ad-hoc mode: budgets refused" 64 "$rc"
run_status rc "$HP" run --mode=stack -- "$PROGS/adhoc"
expect_eq "unknown mode refused" 64 "$rc"

# Not under heapprof: nothing recorded, and it says so.
"$PROGS/adhoc" >native.out 2>&1
expect_grep "without heapprof: HEAPPROF_NOT_PROFILING" "ad-hoc -1" native.out

# The oracle: the program makes each event DHAT's too.
if have_valgrind && grep -q "^dhat 1" native.out; then
	"$VALGRIND" -q --tool=dhat --mode=ad-hoc --dhat-out-file=vg.json \
	    "$PROGS/adhoc" >/dev/null 2>&1 || fail "valgrind --tool=dhat"
	expect_eq "DHAT --mode=ad-hoc equals heapprof" "$("$TOTALS" vg.json)" \
	    "$("$TOTALS" a.json)"
	expect_eq "DHAT --mode=ad-hoc: site_a" \
	    "$("$TOTALS" vg.json site_a)" "$("$TOTALS" a.json site_a)"
	expect_eq "DHAT --mode=ad-hoc: site_b" \
	    "$("$TOTALS" vg.json site_b)" "$("$TOTALS" a.json site_b)"
else
	echo "skipped: the DHAT oracle (no valgrind or no valgrind/dhat.h)"
fi
finish
