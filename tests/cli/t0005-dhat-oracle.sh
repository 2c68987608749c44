#!/bin/sh
# SPDX-License-Identifier: MIT
# Exactness against the oracle: valgrind's DHAT and heapprof's DHAT export
# agree on total, at-exit and at-peak bytes and blocks.
. "$top_srcdir/tests/lib.sh"
have_valgrind || skip "valgrind not installed"

for prog in "$PROGS/basic" "$PROGS/realloc-chain" "$PROGS/aligned" \
    "$PROGS/peak" "$top_builddir/data/demo"; do
	name=$(basename "$prog")
	expect_as_dhat $name "$prog"
	exp="$top_srcdir/tests/progs/$name.exp"
	[ ! -f "$exp" ] || expect_eq "$name: the truth" "$(cat "$exp")" \
	    "$(profile_totals $name.data)"
done
finish
