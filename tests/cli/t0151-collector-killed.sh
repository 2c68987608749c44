#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof killed with SIGKILL, and not reaped by its parent: the program
# it profiles runs on (the ring's robust futex tells the agent at once;
# the dead CLI's pid would still answer kill(pid, 0) until it is reaped).
# killcollector.c is the parent that does not reap, and the bound.
. "$top_srcdir/tests/lib.sh"

run_status rc "$PROGS/killcollector" "$HP" "$PROGS/killcollector" k.data
expect_eq "the program finished with heapprof a zombie" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/    /' err
finish
