#!/bin/sh
# SPDX-License-Identifier: MIT
# The distributions of tests/progs/dist.c's three sites, whose sizes and
# lifetimes its comment works out: --percentiles shows the exact sizes the
# estimate gives, and the lifetime keys order the sites as their lifetimes
# do, each differently.  A profile of format 5 has no distributions.
. "$top_srcdir/tests/lib.sh"

"$HP" run -o dist.data "$PROGS/dist" 2>err || fail "run dist: $(cat err)"

# sizes SITE: the p50 and p90 size columns of the row of alloc_SITE.
"$HP" report --percentiles --bytes --top=0 --depth=1 dist.data >pct.txt 2>&1 ||
    fail "report --percentiles: $(cat pct.txt)"
sizes() {
	awk -v site="alloc_$1" '$1 == site { print prev } { prev = $0 }' \
	    pct.txt | awk '{ print $3, $4 }'
}
sed 's/  */ /g' pct.txt >squeezed.txt
expect_grep "header" " total blocks p50 size p90 size p50 life p90 life at peak" \
    squeezed.txt
expect_eq "f: one size, its average" "32 32" "$(sizes f)"
expect_eq "s: alone in their buckets" "192 6144" "$(sizes s)"
expect_eq "m: spread in their buckets" "800 81920" "$(sizes m)"

# order KEY: the sites' letters in the order of --sort=KEY.
order() {
	"$HP" report --sort="$1" --top=0 --depth=1 dist.data >"$1.txt" 2>&1 ||
	    fail "report --sort=$1: $(cat "$1.txt")"
	sed -n 's/^    alloc_\([fsm]\) (.*/\1/p' "$1.txt" | tr -d '\n'
}
expect_eq "lifetime" fms "$(order lifetime)"
expect_eq "p50-life" sfm "$(order p50-life)"
expect_eq "p90-life" msf "$(order p90-life)"
expect_eq "p50-size" msf "$(order p50-size)"
expect_eq "p90-size" msf "$(order p90-size)"
# A percentile key shows the percentile columns.
expect_grep "p90-life shows the columns" "p90 life" p90-life.txt
# The median lifetime of s's three 10 ms blocks is in [5 ms, 20 ms) on an
# idle machine; a loaded one only lengthens it, so the bound is loose above.
expect_match "s: median lifetime near 10 ms" \
    "^ +5\.2 KiB +3 +192 B +6\.0 KiB +([5-9]|[1-9][0-9])\.[0-9] ms " p50-life.txt

# Without the option, the averages as before.
"$HP" report --bytes --depth=1 dist.data >avg.txt 2>&1
expect_grep "default columns" "avg size   avg life" avg.txt

# The histograms count heapprof's blocks: not with --as-dhat.
run_status rc "$HP" report --as-dhat --sort=p50-size dist.data
expect_eq "--as-dhat: usage error" 64 "$rc"
expect_grep "--as-dhat: why" \
    "heapprof: percentiles are of heapprof's counts, not with --as-dhat" err

# Format 5: no distributions, "-", a warning.
run_status rc "$HP" report --percentiles \
    "$top_srcdir/data/golden/basic-v5.data"
expect_eq "format 5: status" 0 "$rc"
expect_match "format 5: no percentiles" "^ +1000 B +10 +- +- +- +- " out
expect_grep "format 5: warning" \
    "warning: '$top_srcdir/data/golden/basic-v5.data' has no distributions" err
finish
