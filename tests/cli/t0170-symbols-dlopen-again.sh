#!/bin/sh
# SPDX-License-Identifier: MIT
# A plugin loaded again after dlclose, usually at the same address, and a
# copy of it of the same name in another directory loaded last: the
# profile is written (symbolizing used to crash in libdw), and each load's
# allocations are named from the file that was loaded, with exact counts.
. "$top_srcdir/tests/lib.sh"

plugin="$PROGS/.libs/plugin.so"
[ -f "$plugin" ] || skip "plugin not built (no shared libraries?)"
mkdir copy && cp "$plugin" copy/plugin.so || fail "copy the plugin"
prog="$top_srcdir/tests/progs/dlopen-again.c"
line() {
	grep -n "site: $1 \\*/" "$2" | cut -d: -f1
}
alloc=$(line plugin_alloc "$top_srcdir/tests/progs/plugin.c")
first=$(line "the first load" "$prog")
again=$(line "loaded again" "$prog")
copy=$(line "the copy" "$prog")

# Per row: total bytes, blocks, and the first two lines of its stack
# without their directories.
rows() {
	awk '/^ +[0-9]/ { row = $1 " " $2; n = 0; next }
	    /^    / && n < 2 { sub(/\(.*\//, "("); row = row " | " $0; n++
	        if (n == 2) print row }' "$1" | sed 's/  */ /g'
}

for n in 1 1000; do
	run_status rc "$HP" run -o "again$n.data" "$PROGS/dlopen-again" \
	    "$plugin" "$HP_TMP/copy/plugin.so" "$n"
	expect_eq "dlopen-again $n exits 0 under heapprof" 0 "$rc"
	if grep -q 'no symbols' err; then
		fail "a module without symbols:"; cat err
	fi
	"$HP" report --top=0 --depth=2 --bytes "again$n.data" >r.txt ||
	    fail "report again$n.data"
	rows r.txt | grep plugin_alloc | sort >got
	fn="plugin_alloc (plugin.c:$alloc) | main (dlopen-again.c"
	cat >want <<-END
	$((77 * n)) $n | $fn:$again)
	77 1 | $fn:$copy)
	77 1 | $fn:$first)
	END
	sort want >want.sorted
	if cmp -s want.sorted got; then
		echo "ok: $n: each load's sites named, exact counts"
	else
		fail "$n: the plugin's sites:"; diff want.sorted got
	fi
done
finish
