#!/bin/sh
# SPDX-License-Identifier: MIT
# A binary deleted or replaced before the run ends: the profile says which
# module has no symbols, run and report warn, and no names from the wrong
# file are shown.
. "$top_srcdir/tests/lib.sh"

cp "$PROGS/replace-self" victim || fail "cp"
run_status rc "$HP" run -o deleted.data ./victim delete "$HP_TMP/victim"
expect_eq "deleting program exits 0" 0 "$rc"
expect_grep "run warns: deleted" "heapprof: warning: no symbols for $HP_TMP/victim (file missing or unreadable at the end of the run)" err
run_status rc "$HP" report --depth=1 deleted.data
expect_eq "report of deleted: status" 0 "$rc"
expect_grep "report warns: deleted" "heapprof: warning: no symbols for $HP_TMP/victim (file missing or unreadable at the end of the run)" err
expect_match "deleted: module+offset" '^    victim\+0x[0-9a-f]+$' out

cp "$PROGS/replace-self" victim && cp "$PROGS/basic" other || fail "cp"
run_status rc "$HP" run -o replaced.data ./victim replace "$HP_TMP/victim" "$HP_TMP/other"
expect_eq "replacing program exits 0" 0 "$rc"
expect_grep "run warns: replaced" "heapprof: warning: no symbols for $HP_TMP/victim (file changed during the run)" err
run_status rc "$HP" report --depth=2 replaced.data
expect_grep "report warns: replaced" "heapprof: warning: no symbols for $HP_TMP/victim (file changed during the run)" err
expect_match "replaced: module+offset" '^    victim\+0x[0-9a-f]+$' out
if grep -q -e keep_one -e churn -e leak_calloc out; then
	fail "names shown for a replaced binary"
fi

# An untouched binary gets no warning.
cp "$PROGS/replace-self" victim || fail "cp"
run_status rc "$HP" run -o kept.data ./victim
expect_eq "no warning for an unchanged binary" "" "$(grep warning err)"
"$HP" report --depth=1 kept.data >kept.txt 2>kept.err
expect_grep "unchanged: named" "    keep_one (" kept.txt
finish
