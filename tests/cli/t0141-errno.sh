#!/bin/sh
# SPDX-License-Identifier: MIT
# errno after a malloc-family call is the real call's: unchanged by a
# successful one, whatever the agent did to record it (its attach, its
# unwinder's address checks), and the allocator's own error on a failure.
. "$top_srcdir/tests/lib.sh"

run_status rc "$PROGS/errnokeep"
expect_eq "errnokeep's expectations hold natively" 0 "$rc"
run_status rc "$HP" run -o errno.data "$PROGS/errnokeep"
expect_eq "errno as natively under heapprof (else: each clobber)" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/    /' out
expect_no_anomalies "errnokeep" errno.data
finish
