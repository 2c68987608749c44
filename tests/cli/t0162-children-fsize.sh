#!/bin/sh
# SPDX-License-Identifier: MIT
# --children: a program that lowered its file-size limit below a ring's
# size and forks is not disturbed (a memfd's size counts against
# RLIMIT_FSIZE: the child used to die of SIGXFSZ), and the child's
# profile is written.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run --children -o f.data "$PROGS/fsizefork"
expect_eq "fsizefork exits 0" 0 "$rc"
expect_match "the child exited 7" '^child [0-9]+ exited 7$' out
child=$(sed -n 's/^child \([0-9]*\) .*/\1/p' out)
# The numbers worked out in fsizefork.c.
expect_eq "the parent's totals" "tb=100 tbk=1 eb=0 ebk=0 gb=100 gbk=1 " \
    "$(profile_totals f.data)"
[ -f "f.data.$child" ] || fail "no f.data.$child: $(echo f.data*)"
expect_eq "the child's totals" "tb=300 tbk=2 eb=100 ebk=1 gb=300 gbk=2 " \
    "$(profile_totals "f.data.$child")"
expect_no_anomalies "the child" "f.data.$child"
finish
