#!/bin/sh
# C++: every form of operator new and delete is one block, counted once.
# heapprof sees what reaches the C allocator: libstdc++'s aligned operator
# new rounds the size up to a multiple of the alignment before calling
# aligned_alloc (100 -> 128 at 64, 200 -> 256 at 128), 84 bytes in all in
# newdelete.cc.  DHAT intercepts operator new and sees the size asked for.
. "$top_srcdir/tests/lib.sh"
prog="$PROGS/newdelete"
[ -x "$prog" ] || skip "no C++ compiler: tests/progs/newdelete not built"

run_status rc "$HP" run -o nd.data "$prog"
expect_eq "newdelete exits 0" 0 "$rc"
# The numbers worked out in newdelete.cc, plus the rounding.
expect_eq "main()'s sites" "tb=1652 tbk=15 eb=32 ebk=1 gb=384 gbk=1 " \
    "$(profile_totals nd.data main)"
expect_no_anomalies "newdelete" nd.data
# DHAT intercepts operator new itself: the whole program, libstdc++'s own
# pool included, must agree.
if have_valgrind; then
	dhat_run nd "$prog"
	expect_eq "DHAT agrees on main()'s sites" \
	    "tb=1568 tbk=15 eb=32 ebk=1 gb=384 gbk=1 " \
	    "$("$TOTALS" nd.vg.json main)"
	rounded=$("$TOTALS" nd.vg.json |
	    awk '{ sub(/^tb=/, "", $1); $1 = "tb=" $1 + 84; print $0 " " }')
	expect_eq "heapprof equals DHAT but for the rounding" "$rounded" \
	    "$(profile_totals nd.data)"
fi
finish
