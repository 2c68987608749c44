#!/bin/sh
# SPDX-License-Identifier: MIT
# Every heap sort key orders the sites of tests/progs/sortkeys.c as its
# comment works out, and each order differs from the others: a key that
# sorted by another key's value would fail.
. "$top_srcdir/tests/lib.sh"

"$HP" run "$PROGS/sortkeys" 2>err || fail "run sortkeys: $(cat err)"

# order KEY: the sites' letters in the order of --sort=KEY.
order() {
	"$HP" report --sort="$1" --top=0 --depth=1 >"$1.txt" 2>&1 ||
	    fail "report --sort=$1: $(cat "$1.txt")"
	sed -n 's/^    site_\([a-d]\) (.*/\1/p' "$1.txt" | tr -d '\n'
}
expect_eq "bytes" cbda "$(order bytes)"
expect_eq "blocks" bcda "$(order blocks)"
expect_eq "lifetime" dcab "$(order lifetime)"
expect_eq "peak" cdba "$(order peak)"
expect_eq "leaked" dcba "$(order leaked)"
expect_eq "max" cdab "$(order max)"
expect_eq "avg-size" acdb "$(order avg-size)"
"$HP" report --bytes --top=0 >all.txt
expect_grep "totals" "total:    19000 in 121 blocks" all.txt
expect_grep "at exit" "at exit:  2000 in 5 blocks" all.txt
finish
