#!/bin/sh
# SPDX-License-Identifier: MIT
# The agent brings no library into the program: it needs only libc (its
# unwinder and libgcc's are linked in), and a plain C program under
# heapprof maps exactly its own libraries and the agent.
. "$top_srcdir/tests/lib.sh"

agent="$top_builddir/src/.libs/libheapprof-agent.so"
[ -f "$agent" ] || skip "no agent shared object at $agent"
readelf -d "$agent" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >needed ||
    fail "readelf -d the agent"
expect_eq "the agent needs libc only" "libc.so.6" "$(cat needed)"

"$PROGS/maplibs" | sort -u >native || fail "maplibs natively"
run_status rc "$HP" run -o maps.data "$PROGS/maplibs"
expect_eq "maplibs exits 0 under heapprof" 0 "$rc"
sort -u out | grep -v '/libheapprof-agent\.so$' >profiled
expect_eq "under heapprof, the program's libraries and the agent only" \
    "$(cat native)" "$(cat profiled)"
expect_eq "the agent itself is mapped" 1 \
    "$(grep '/libheapprof-agent\.so$' out | sort -u | wc -l)"
finish
