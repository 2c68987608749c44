#!/bin/sh
# SPDX-License-Identifier: MIT
# run: exact totals, summary line, symbol names, .old, environment.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run "$PROGS/basic"
expect_eq "basic exits 0" 0 "$rc"
expect_eq "summary line" "heapprof: 15 blocks, 1.5 KiB total, 600 B at peak, 500 B in 5 blocks at exit → heapprof.data" "$(cat err)"
"$HP" report --format=dhat >basic.json || fail "report --format=dhat"
expect_eq "basic totals" "$(cat "$top_srcdir/tests/progs/basic.exp")" "$("$TOTALS" basic.json)"

"$HP" report --bytes --depth=1 >report.txt || fail "report"
expect_grep "header total" "total:    1500 in 15 blocks" report.txt
expect_grep "header peak" "peak:     600 in 6 blocks" report.txt
expect_grep "header at exit" "at exit:  500 in 5 blocks" report.txt
# churn: 1000 B in 10 blocks of 100, none live at the peak but one.
expect_grep "churn row" "        1000         10        100" report.txt
expect_grep "churn named with its line" "churn (" report.txt
src="$top_srcdir/tests/progs/basic.c"
line=$(grep -n 'p = malloc(100)' "$src" | cut -d: -f1)
expect_match "churn's file and line" "^    churn \\(.*tests/progs/basic\\.c:$line\\)$" report.txt
line=$(grep -n 'calloc(4, 25)' "$src" | cut -d: -f1)
expect_match "leak_calloc's file and line" "^    leak_calloc \\(.*tests/progs/basic\\.c:$line\\)$" report.txt

# A second run keeps the first profile as heapprof.data.old.
cp heapprof.data first.data
run_status rc "$HP" run "$PROGS/basic"
cmp -s first.data heapprof.data.old || fail "heapprof.data.old is not the first profile"
[ -s heapprof.data ] || fail "no new heapprof.data"
run_status rc "$HP" run -o other.data "$PROGS/basic"
[ -s other.data ] && [ ! -e other.data.old ] || fail "-o other.data"

# The user's LD_PRELOAD is kept, the agent's own entry and fd are not seen.
# (ASAN_OPTIONS: a sanitized heapprof itself must tolerate the preload.)
ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD=libm.so.6 "$HP" run -o env.data sh -c 'echo "$LD_PRELOAD|${HEAPPROF_RING_FD-unset}"' >out 2>err
expect_eq "target sees the user's LD_PRELOAD only" "libm.so.6|unset" "$(cat out)"
"$HP" run -o env.data sh -c 'echo "${LD_PRELOAD-unset}"' >out 2>err
expect_eq "no LD_PRELOAD left when the user had none" "unset" "$(cat out)"

# PATH is searched, and options after the program are the program's.
run_status rc "$HP" run -o path.data sh -c 'exit 5'
expect_eq "sh -c 'exit 5' via PATH" 5 "$rc"

# stdout of the target is its own, byte for byte.
"$top_builddir/data/demo" >native.out
"$HP" run -o demo.data "$top_builddir/data/demo" >profiled.out 2>/dev/null
cmp -s native.out profiled.out || fail "demo's stdout differs under heapprof"
finish
