#!/bin/sh
# SPDX-License-Identifier: MIT
# The agent holds no file descriptor the program can see: a program that
# closes what it did not open and opens its own files keeps them intact,
# even where libunwind checks addresses (frames without unwind tables),
# and the stacks through those frames are still whole.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o fd.data "$PROGS/fdkeep"
expect_eq "fdkeep's files and fd table intact (else: what changed)" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/    /' out
expect_eq "main's site, unwound through frames without CFI" \
    "tb=400 tbk=10 eb=0 ebk=0" \
    "$(profile_totals fd.data through_main | sed 's/ *gb=.*//')"
expect_eq "the thread's site, unwound through frames without CFI" \
    "tb=400 tbk=10 eb=0 ebk=0" \
    "$(profile_totals fd.data through_thread | sed 's/ *gb=.*//')"
expect_no_anomalies "fdkeep" fd.data
finish
