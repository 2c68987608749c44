#!/bin/sh
# SPDX-License-Identifier: MIT
# A fork while another thread is inside the agent, held there by the
# agent's test hook (forkhold.c): a child forked while a thread of its
# parent attaches runs, untraced, with or without --children, instead of
# waiting forever for an attach no thread of it will finish; and with
# --children a child forked while a thread rescans the loaded objects
# still announces the objects it loads itself.
. "$top_srcdir/tests/lib.sh"
prog="$PROGS/forkhold"
lib1="$PROGS/.libs/librunpath1.so"
lib2="$PROGS/.libs/librunpath2.so"
[ -e "$lib2" ] || fail "plugin not built"

run_status rc env HEAPPROF_TEST_ATTACH_HOLD=20,21 "$HP" run -o a.data \
    "$prog" attach
expect_eq "fork during the attach: exit 0" 0 "$rc"
expect_match "fork during the attach: the child ran, its ring's fd forgotten" \
    '^child [0-9]+ ran$' out
expect_eq "fork during the attach: the parent's thread recorded" \
    "tb=100 tbk=1 eb=0 ebk=0 gb=100 gbk=1 " "$(profile_totals a.data)"

run_status rc env HEAPPROF_TEST_ATTACH_HOLD=20,21 "$HP" run --children \
    -o c.data "$prog" attach
expect_eq "fork during the attach, --children: exit 0" 0 "$rc"
expect_match "fork during the attach, --children: the child ran" \
    '^child [0-9]+ ran$' out
expect_eq "fork during the attach, --children: the child untraced" \
    "c.data" "$(echo c.data*)"

run_status rc env HEAPPROF_TEST_SCAN_HOLD=20,21 "$HP" run --children \
    -o s.data "$prog" scan "$lib1" "$lib2"
expect_eq "fork during a rescan: exit 0" 0 "$rc"
child=$(sed -n 's/^child \([0-9]*\) ran$/\1/p' out)
if [ -f "s.data.$child" ]; then
	"$HP" report --depth=1 "s.data.$child" >s.txt || fail "report s.data.$child"
	expect_match "fork during a rescan: the child's dlopen announced" \
	    '^    runpath_second \(.*runpath-lib\.c:[0-9]+\)$' s.txt
else
	fail "no s.data.$child: $(ls)"
fi
finish
