#!/bin/sh
# SPDX-License-Identifier: MIT
# Aligned operator new is recorded with the size the program asked for,
# around the C++ runtime's own: when it fails (bad_alloc thrown through
# the agent, nothrow forms returning null) nothing is recorded and every
# later block is; with a new_handler installed the runtime's call passes
# through, so the handler's own frees count.
. "$top_srcdir/tests/lib.sh"
prog="$PROGS/newfail"
[ -x "$prog" ] || skip "no C++ compiler: tests/progs/newfail not built"

run_status rc "$HP" run -o nf.data "$prog"
expect_eq "newfail exits 0" 0 "$rc"
# The numbers worked out in newfail.cc.
expect_eq "counted sites" "tb=5328 tbk=4 eb=0 ebk=0 gb=5000 gbk=1 " \
    "$(profile_totals nf.data 'counted_.*')"
# The bad_alloc objects: made and freed, each once.
expect_eq "three exceptions, each freed" "tbk=3 eb=0" \
    "$(profile_totals nf.data __cxa_allocate_exception |
    sed 's/.*\(tbk=[0-9]*\) .*\(eb=[0-9]*\) .*/\1 \2/')"
expect_no_anomalies "newfail" nf.data
finish
