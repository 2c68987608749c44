#!/bin/sh
# SPDX-License-Identifier: MIT
# --ignore-fn folds an allocation wrapper into its callers; sites that
# then show the same stack are merged, with their statistics added.
. "$top_srcdir/tests/lib.sh"

src=tests/progs/wrapper.c
at() { grep -n "site: $1 \*/" "$top_srcdir/$src" | cut -d: -f1; }
srcdir=$(cd "$top_srcdir" && pwd -P)
report() { (cd "$srcdir" && "$HP" report --bytes --depth=1 "$@" "$HP_TMP/heapprof.data"); }

"$HP" run "$PROGS/wrapper" 2>/dev/null || fail "run wrapper"
report >plain.txt
expect_eq "without --ignore-fn every site starts in xmalloc" 3 \
    "$(grep -c "^    xmalloc ($src:$(at xmalloc))\$" plain.txt)"

report --ignore-fn=xmalloc >one.txt
expect_grep "three sites" "sites:    3," one.txt
expect_eq "render's call is a site" "         300          1        300
    render ($src:$(at render))" "$(grep -A1 '^ *300 ' one.txt | sed 's/\(^ *300 *1 *300\).*/\1/')"
expect_grep "parse's first call is a site" "    parse ($src:$(at 'parse first'))" one.txt
expect_grep "parse's second call is a site" "    parse ($src:$(at 'parse second'))" one.txt
if grep -q xmalloc one.txt; then fail "xmalloc still shown"; fi

# Folding parse() too leaves main's call of parse: its two sites merge.
report --ignore-fn='x*alloc' --ignore-fn=parse >two.txt
expect_grep "merged: two sites" "sites:    2," two.txt
expect_eq "merged row adds up" "          20          2         10" \
    "$(grep '^ *20 ' two.txt | cut -c1-34)"
expect_grep "merged row is main's call" "    main ($src:$(at 'main parse'))" two.txt

report --ignore-fn=xmalloc --format=dhat >one.json
expect_eq "DHAT has the folded sites" 3 "$(grep -c '"tbk":' one.json)"
if grep -q xmalloc one.json; then fail "xmalloc in the DHAT frame table"; fi

run_status rc "$HP" report --ignore-fn= heapprof.data
expect_eq "empty --ignore-fn: status" 64 "$rc"
expect_grep "empty --ignore-fn: message" "heapprof report: empty function name for --ignore-fn" err
finish
