#!/bin/sh
# SPDX-License-Identifier: MIT
# Processes the target starts (fork, vfork+exec, posix_spawn, system, an
# exec with the user's own LD_PRELOAD) run normally, are not profiled, and
# leave the target's totals exact.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o procs.data "$PROGS/procs"
expect_eq "procs exits 0" 0 "$rc"
for how in fork vfork spawn system; do
	expect_grep "the $how child ran" "$how child ran" out
done
# The numbers worked out in procs.c; DHAT, which does not follow
# children either, must say the same.
expected="tb=1077 tbk=2 eb=77 ebk=1 gb=1000 gbk=1 "
expect_eq "procs: the parent's totals only" "$expected" \
    "$(profile_totals procs.data)"
expect_no_anomalies "procs" procs.data
"$HP" report procs.data >report.txt 2>&1
if grep -q child_work report.txt; then
	fail "the forked child's blocks are in the parent's profile"
fi
if have_valgrind; then
	dhat_run procs "$PROGS/procs"
	expect_eq "procs: DHAT agrees" "$expected" "$("$TOTALS" procs.vg.json)"
fi

# The user's own preload is kept for what the target execs; heapprof's is
# not.  (ASAN_OPTIONS: a sanitized heapprof must tolerate the preload.)
userpre="$PROGS/.libs/libuserpre.so"
[ -e "$userpre" ] || fail "libuserpre.so not built"
ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$userpre" \
    "$HP" run -o pre.data "$PROGS/preloadexec" >out 2>err
rc=$?
expect_eq "the exec'd child found the user's preload only" 0 "$rc"
expect_eq "the child's LD_PRELOAD" "child LD_PRELOAD=$userpre" "$(cat out)"
expect_eq "preloadexec: the parent's totals only" \
    "tb=123 tbk=1 eb=123 ebk=1 gb=123 gbk=1 " "$(profile_totals pre.data)"
expect_no_anomalies "preloadexec" pre.data
finish
