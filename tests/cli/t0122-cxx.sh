#!/bin/sh
# C++: every form of operator new and delete is one block, of the size
# asked for, counted once.
. "$top_srcdir/tests/lib.sh"
prog="$PROGS/newdelete"
[ -x "$prog" ] || skip "no C++ compiler: tests/progs/newdelete not built"

run_status rc "$HP" run -o nd.data "$prog"
expect_eq "newdelete exits 0" 0 "$rc"
# The numbers worked out in newdelete.cc.
expect_eq "main()'s sites" "tb=1568 tbk=15 eb=32 ebk=1 gb=384 gbk=1 " \
    "$(profile_totals nd.data main)"
expect_no_anomalies "newdelete" nd.data
# DHAT intercepts operator new itself: the whole program, libstdc++'s own
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
