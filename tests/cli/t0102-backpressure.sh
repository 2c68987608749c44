#!/bin/sh
# SPDX-License-Identifier: MIT
# A collector too slow for the target: producers wait for ring space and
# no event is lost.
. "$top_srcdir/tests/lib.sh"

HEAPPROF_TEST_SLOW_COLLECTOR=1000 run_status rc "$HP" run -o p.data "$PROGS/churn"
expect_eq "churn exits 0" 0 "$rc"
waits=$(sed -n 's/^heapprof: test: producers found the ring full \([0-9]*\) times.*/\1/p' err)
[ -n "$waits" ] && [ "$waits" -gt 0 ] ||
	fail "the ring never filled (waits: '$waits'):$(cat err)"
"$HP" report --format=dhat p.data >p.json || fail "report --format=dhat"
expect_eq "totals exact" "$(cat "$top_srcdir/tests/progs/churn.exp")" \
	"$("$TOTALS" p.json)"
"$HP" report p.data >report.txt || fail "report"
if grep -q '^anomalies' report.txt; then
	fail "anomalies reported:"; cat report.txt
fi
exit $((failures != 0))
