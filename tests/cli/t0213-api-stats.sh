#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof_stats is exact at the call: the program's blocks before it are
# counted, none after, and the values are those the profile ends with.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o s.data "$PROGS/api" stats
expect_eq "api stats exits 0" 0 "$rc"
expect_eq "running" "running 1" "$(sed -n 1p out)"
set -- $(sed -n 's/^before //p' out)
b_rc=$1 b_tbk=$2 b_tb=$3 b_cbk=$4 b_cb=$5
set -- $(sed -n 's/^after //p' out)
expect_eq "after: HEAPPROF_OK" 0 "$1"
expect_eq "3 more blocks in total" $((b_tbk + 3)) "$2"
expect_eq "72 more bytes in total" $((b_tb + 72)) "$3"
expect_eq "3 more blocks live" $((b_cbk + 3)) "$4"
expect_eq "72 more bytes live" $((b_cb + 72)) "$5"
expect_eq "before: HEAPPROF_OK" 0 "$b_rc"
expect_eq "region: 3 blocks, 72 bytes" "region 0 3 72" \
    "$(sed -n 's/^\(region .*\)/\1/p' out)"
# Nothing is allocated after the last call: the profile ends there.
expect_eq "the profile's totals are the last answer" "tb=$3 tbk=$2" \
    "$(profile_totals s.data | sed 's/^\(tb=[0-9]* tbk=[0-9]*\).*/\1/')"
finish
