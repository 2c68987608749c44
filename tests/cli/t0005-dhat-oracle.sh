#!/bin/sh
# Exactness against the oracle: valgrind's DHAT and heapprof's DHAT export
# agree on total, at-exit and at-peak bytes and blocks.
. "$top_srcdir/tests/lib.sh"
[ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] || skip "valgrind not installed"

for prog in "$PROGS/basic" "$PROGS/realloc-chain" "$PROGS/aligned" \
    "$PROGS/peak" "$top_builddir/data/demo"; do
	name=$(basename "$prog")
	"$VALGRIND" --tool=dhat --run-libc-freeres=no \
	    --dhat-out-file=$name.vg.json "$prog" >/dev/null 2>&1 ||
		fail "$name: valgrind"
	"$HP" run -o $name.data "$prog" >/dev/null 2>&1 || fail "$name: run"
	"$HP" report --format=dhat $name.data >$name.hp.json ||
		fail "$name: report"
	expect_eq "$name: heapprof equals DHAT" \
	    "$("$TOTALS" $name.vg.json)" "$("$TOTALS" $name.hp.json)"
	exp="$top_srcdir/tests/progs/$name.exp"
	[ ! -f "$exp" ] || expect_eq "$name: the truth" "$(cat "$exp")" \
	    "$("$TOTALS" $name.hp.json)"
done
finish
