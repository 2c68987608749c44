#!/bin/sh
# SPDX-License-Identifier: MIT
# dlopen through the program's RUNPATH still works under heapprof, and
# plugins unloaded before exit keep their names, even when the second one
# is loaded where the first one was.
. "$top_srcdir/tests/lib.sh"

prog="$PROGS/runpath-main"
[ -e "$PROGS/.libs/librunpath1.so" ] || fail "plugin not built"
"$prog" >native.out 2>&1 || fail "runpath-main fails without heapprof"

run_status rc "$HP" run -o p.data "$prog"
expect_eq "runpath-main exits 0 under heapprof" 0 "$rc"
expect_eq "same output" "$(cat native.out)" "$(cat out)"
"$HP" report --format=dhat p.data >p.json || fail "report --format=dhat"
# ld.so allocates for each dlopen too: DHAT is the oracle for the totals.
if [ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ]; then
	"$VALGRIND" --tool=dhat --run-libc-freeres=no --dhat-out-file=v.json \
	    "$prog" >/dev/null 2>&1 || fail "runpath-main under DHAT"
	expect_eq "totals equal DHAT's" "$("$TOTALS" v.json)" "$("$TOTALS" p.json)"
fi

"$HP" report --depth=1 p.data >report.txt || fail "report"
src="$top_srcdir/tests/progs/runpath-lib.c"
ctor=$(grep -n 'malloc(111)' "$src" | cut -d: -f1)
call=$(grep -n 'malloc(222)' "$src" | cut -d: -f1)
expect_match "first plugin's function" "^    runpath_first \\(.*runpath-lib\\.c:$call\\)$" report.txt
expect_match "second plugin's function" "^    runpath_second \\(.*runpath-lib\\.c:$call\\)$" report.txt
n=$(grep -cE "^    runpath_init \\(.*runpath-lib\\.c:$ctor\\)$" report.txt)
expect_eq "each constructor named" 2 "$n"
# Each 222-byte site is one block: the two plugins were not merged.
n=$(grep -cE '^ +222 B +1 ' report.txt)
expect_eq "two separate 222-byte sites" 2 "$n"
exit $((failures != 0))
