#!/bin/sh
# SPDX-License-Identifier: MIT
# C++: every form of operator new and delete is one block, counted once,
# with the size asked for: aligned new too, although libstdc++ rounds the
# size up to a multiple of the alignment before it calls aligned_alloc
# (100 -> 128 at 64, 200 -> 256 at 128).
. "$top_srcdir/tests/lib.sh"
prog="$PROGS/newdelete"
[ -x "$prog" ] || skip "no C++ compiler: tests/progs/newdelete not built"

run_status rc "$HP" run -o nd.data "$prog"
expect_eq "newdelete exits 0" 0 "$rc"
# The numbers worked out in newdelete.cc.
expect_eq "main()'s sites" "tb=1568 tbk=15 eb=32 ebk=1 gb=384 gbk=1 " \
    "$(profile_totals nd.data main)"
expect_no_anomalies "newdelete" nd.data
# DHAT replaces operator new itself: the whole program, libstdc++'s own
# pool included, must agree.
if have_valgrind; then
	dhat_run nd "$prog"
	expect_eq "DHAT agrees on main()'s sites" \
	    "tb=1568 tbk=15 eb=32 ebk=1 gb=384 gbk=1 " \
	    "$("$TOTALS" nd.vg.json main)"
	expect_eq "heapprof equals DHAT" "$("$TOTALS" nd.vg.json)" \
	    "$(profile_totals nd.data)"
fi
finish
