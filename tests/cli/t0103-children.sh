#!/bin/sh
# SPDX-License-Identifier: MIT
# Processes: without --children only the target is profiled and its forked
# child leaves its numbers alone; with --children every process of the
# tree gets its own profile, FILE.PID, a forked child's starting from its
# parent's heap.
. "$top_srcdir/tests/lib.sh"

totals() {
	"$HP" report --format=dhat "$1" >totals.json || fail "report $1"
	"$TOTALS" totals.json
}

run_status rc "$HP" run -o plain.data "$PROGS/forker" "$PROGS/churn"
expect_eq "forker exits 0" 0 "$rc"
expect_eq "target's totals" "tb=1127 tbk=3 eb=77 ebk=1 gb=1077 gbk=2 " \
	"$(totals plain.data)"
n=$(ls plain.data.* 2>/dev/null | wc -l)
expect_eq "no profile for other processes" 0 "$n"
expect_match "the child ran" '^child [0-9]+$' out
expect_match "the spawned program ran" '^spawned [0-9]+$' out

run_status rc "$HP" run --children -o tree.data "$PROGS/forker" "$PROGS/churn"
expect_eq "forker exits 0 with --children" 0 "$rc"
child=$(sed -n 's/^child //p' out)
spawned=$(sed -n 's/^spawned //p' out)
expect_eq "target's totals with --children" \
	"tb=1127 tbk=3 eb=77 ebk=1 gb=1077 gbk=2 " "$(totals tree.data)"
[ -f "tree.data.$child" ] || fail "no tree.data.$child: $(ls)"
expect_eq "forked child's totals" "tb=1350 tbk=3 eb=300 ebk=1 gb=1050 gbk=2 " \
	"$(totals "tree.data.$child")"
[ -f "tree.data.$spawned" ] || fail "no tree.data.$spawned: $(ls)"
expect_eq "spawned program's totals" "tb=5050 tbk=100 eb=0 ebk=0 gb=100 gbk=1 " \
	"$(totals "tree.data.$spawned")"
"$HP" report "tree.data.$spawned" >spawned.txt || fail "report spawned"
expect_grep "spawned program's command" "command:  $PROGS/churn 100" spawned.txt
expect_grep "one summary line per process" "heapprof: pid $spawned: 100 blocks" err
for f in tree.data*; do
	"$HP" report "$f" >r.txt || fail "report $f"
	if grep -q '^anomalies' r.txt; then
		fail "anomalies in $f:"; cat r.txt
	fi
done
exit $((failures != 0))
