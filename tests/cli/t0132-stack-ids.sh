#!/bin/sh
# SPDX-License-Identifier: MIT
# Stacks cross the ring once and events name them by id; when the agent's
# table of stacks is full, events carry their frames instead.  Both ways
# give the same sites with the same totals, and the same as DHAT.
. "$top_srcdir/tests/lib.sh"

# Every site's totals and frames, without the times, one per line.
sites() {
	"$HP" report --format=dhat "$1" | tr '{' '\n' | grep '"tb"' |
	    sed 's/"tl":[0-9]*,//; s/"mb":[0-9]*,"mbk":[0-9]*,//' | sort
}

printf '%s\n' 5 3 9 1 7 2 8 4 6 10 >"$HP_TMP/in.txt"
for limit in default 0 3; do
	if [ "$limit" = default ]; then
		"$HP" run -o "$limit.data" sort -n in.txt >"$limit.out" 2>err
	else
		HEAPPROF_TEST_STACK_ENTRIES=$limit \
		    "$HP" run -o "$limit.data" sort -n in.txt >"$limit.out" 2>err
	fi || fail "run with $limit stack entries failed: $(cat err)"
	sites "$limit.data" >"$limit.sites"
	expect_no_anomalies "$limit stack entries" "$limit.data"
done
expect_eq "sort's output unchanged" "$(sort -n in.txt)" "$(cat 0.out)"
[ "$(wc -l <default.sites)" -ge 3 ] ||
	fail "expected several sites, got: $(cat default.sites)"
expect_eq "no table: same sites" "$(cat default.sites)" "$(cat 0.sites)"
expect_eq "a full table: same sites" "$(cat default.sites)" "$(cat 3.sites)"
expect_as_dhat sort sort -n "$HP_TMP/in.txt"
finish
