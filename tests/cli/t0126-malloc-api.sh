#!/bin/sh
# SPDX-License-Identifier: MIT
# malloc_usable_size, mallopt, malloc_trim and mallinfo2 keep working
# under heapprof; memory the program maps itself is not a heap block.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o api.data "$PROGS/mallocapi"
expect_eq "every check in mallocapi passes (else: the failed one)" 0 "$rc"
expect_eq "totals: no mmap'd block" \
    "$(cat "$top_srcdir/tests/progs/mallocapi.exp")" \
    "$(profile_totals api.data)"
expect_no_anomalies "mallocapi" api.data
if have_valgrind; then
	dhat_run api "$PROGS/mallocapi"
	expect_eq "DHAT agrees" "$("$TOTALS" api.vg.json)" \
	    "$(profile_totals api.data)"
fi
finish
