#!/bin/sh
# SPDX-License-Identifier: MIT
# Zero-byte blocks in the DHAT export follow DHAT, which counts each as
# one byte (real programs make them: grep's regex compiler does).
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o zero.data "$PROGS/zero"
expect_eq "zero exits 0" 0 "$rc"
expect_eq "DHAT's convention" "$(cat "$top_srcdir/tests/progs/zero.exp")" \
    "$(profile_totals zero.data)"
expect_no_anomalies "zero" zero.data
if have_valgrind; then
	dhat_run zero "$PROGS/zero"
	expect_eq "DHAT says so" "$(cat "$top_srcdir/tests/progs/zero.exp")" \
	    "$("$TOTALS" zero.vg.json)"
fi
finish
