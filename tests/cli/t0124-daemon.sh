#!/bin/sh
# SPDX-License-Identifier: MIT
# A program that starts like a daemon (closes every fd above 2, clears
# its environment, lowers RLIMIT_NOFILE so no fd can be opened) is still
# profiled, exactly.
. "$top_srcdir/tests/lib.sh"

# heapprof's own fds above 2 must not matter either.
run_status rc "$HP" run -o daemon.data "$PROGS/daemon" 7>/dev/null 9</dev/null
expect_eq "daemon exits 0" 0 "$rc"
expect_eq "its environment is its own" "daemon: FOO=bar" "$(cat out)"
[ -s daemon.data ] || fail "no profile written"
# The numbers worked out in daemon.c.
expect_eq "work()'s sites" "tb=3040 tbk=13 eb=2000 ebk=1 gb=2000 gbk=1 " \
    "$(profile_totals daemon.data work)"
expect_no_anomalies "daemon" daemon.data
if have_valgrind; then
	dhat_run daemon "$PROGS/daemon" keep-rlimit
	expect_eq "daemon under DHAT exits 0" 0 "$dhat_rc"
	expect_eq "the whole program: heapprof equals DHAT" \
	    "$("$TOTALS" daemon.vg.json)" "$(profile_totals daemon.data)"
fi
finish
