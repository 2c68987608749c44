#!/bin/sh
# SPDX-License-Identifier: MIT
# The frames below the program's entry (_start, __libc_start_*) and below
# a thread's function (start_thread, clone3) are hidden by default, in
# the text and DHAT reports; --show-all-frames shows them.
. "$top_srcdir/tests/lib.sh"

src=tests/progs/callers.c
at() { grep -n "site: $1 \*/" "$top_srcdir/$src" | cut -d: -f1; }
srcdir=$(cd "$top_srcdir" && pwd -P)
below='^  (  |> )(_start|__libc_start_call_main|__libc_start_main[_a-z]*|start_thread|clone3?) '

"$HP" run "$PROGS/callers" >/dev/null 2>&1 || fail "run callers"
(cd "$srcdir" && "$HP" report --top=0 --depth=0 "$HP_TMP/heapprof.data") \
    >r.txt || fail "report"
expect_eq "no frame below main or a thread's function" 0 \
    "$(grep -cE "$below" r.txt)"
# The thread's block: its function is its whole stack.
expect_eq "the thread's site is worker alone" \
    "    worker ($src:$(at worker))" \
    "$(grep -A1 '^ *50 B ' r.txt | tail -n 1)"
# pair's first block, from one(): pair, one, main and nothing after.
expect_eq "main is the outermost line" \
    "one ($src:$(at one))|main ($src:$(grep -n '^	one();' \
    "$top_srcdir/$src" | cut -d: -f1))|" \
    "$(awk '/^    pair \(.*:'"$(at 'pair 100')"'\)$/ { p = 1; next }
    p && /^ +[0-9]/ { exit }
    p { sub(/^    /, ""); printf "%s|", $0 }' r.txt)"

"$HP" report --format=dhat "$HP_TMP/heapprof.data" >r.json || fail "dhat"
expect_eq "DHAT: no frame below main either" 0 \
    "$(grep -cE '^"0x[0-9a-f]+: (_start|__libc_start_call_main|__libc_start_main[_a-z]*|start_thread|clone3?) ' r.json)"

(cd "$srcdir" && "$HP" report --top=0 --depth=0 --show-all-frames \
    "$HP_TMP/heapprof.data") >all.txt || fail "report --show-all-frames"
expect_match "--show-all-frames: __libc_start_call_main" \
    '^    __libc_start_call_main ' all.txt
expect_match "--show-all-frames: _start" '^    _start ' all.txt
expect_match "--show-all-frames: start_thread under worker" \
    '^    start_thread ' all.txt
expect_eq "--show-all-frames: the rows are the same" \
    "$(grep -c '^ *[0-9]' r.txt)" "$(grep -c '^ *[0-9]' all.txt)"
finish
