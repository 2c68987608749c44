#!/bin/sh
# SPDX-License-Identifier: MIT
# report's options: sort keys, --top, --depth, --bytes, the DHAT format.
. "$top_srcdir/tests/lib.sh"

"$HP" run "$PROGS/basic" 2>/dev/null || fail "run basic"
"$HP" run -o chain.data "$PROGS/realloc-chain" 2>/dev/null || fail "run chain"

first_fn() {
	# The first frame line (4 spaces) of the first site.
	"$HP" report --depth=1 "$@" | grep -m1 '^    [a-z_]' | sed 's/^ *//; s/ .*//'
}
expect_eq "sort by bytes" churn "$(first_fn --sort=bytes)"
expect_eq "sort by blocks" churn "$(first_fn --sort=blocks)"
expect_eq "sort by leaked" leak_calloc "$(first_fn --sort=leaked)"
expect_eq "sort by avg-size" churn "$(first_fn --sort=avg-size)"
expect_eq "sort by max" leak_calloc "$(first_fn --sort=max)"
expect_eq "sort by peak" leak_calloc "$(first_fn --sort=peak)"

"$HP" report --top=1 --depth=1 >top1.txt
expect_eq "--top=1 shows one site" 1 "$(grep -c '^    [a-z_]' top1.txt)"
expect_grep "--top=1 header" "sites:    2, showing 1 by bytes" top1.txt
"$HP" report --depth=2 --top=1 >d2.txt
expect_eq "--depth=2 shows two frames" 2 "$(grep -c '^    [a-z_]' d2.txt)"
expect_eq "--depth=2 then an ellipsis" 1 "$(grep -c '^    \.\.\.$' d2.txt)"

# heapprof's realloc convention: the four resized blocks (20+40+80+160)
# are the realloc's site; resize() is a tail call, so the call in chain()
# is the frame.
"$HP" report --bytes --depth=1 chain.data >chain.txt
expect_grep "realloc site in heapprof's convention" "         300          4" chain.txt
line=$(grep -n 'p = resize(p, n)' "$top_srcdir/tests/progs/realloc-chain.c" | cut -d: -f1)
expect_match "the realloc call is the site" "^    chain \\(.*tests/progs/realloc-chain\\.c:$line\\)$" chain.txt
# The DHAT export shows the sites as the text does; with --as-dhat, in
# DHAT's convention: all five blocks of the chain belong to chain()'s malloc.
"$HP" report --format=dhat chain.data >chain-own.json
expect_grep "DHAT export: the realloc site" '"tb":300,"tbk":4' chain-own.json
expect_grep "DHAT export: the malloc site" '"tb":10,"tbk":1' chain-own.json
"$HP" report --format=dhat --as-dhat chain.data >chain.json
expect_grep "DHAT convention charges the malloc" '"tb":310,"tbk":5' chain.json
expect_eq "DHAT export: 4 sites" 4 "$(grep -c '"tbk":' chain-own.json)"
expect_eq "DHAT convention: 3 sites" 3 "$(grep -c '"tbk":' chain.json)"
"$HP" report --as-dhat --bytes --depth=1 chain.data >chain-dhat.txt
expect_grep "text in DHAT's convention" "         310          5" chain-dhat.txt
run_status rc "$HP" report --as-dhat --budget=chain:blocks=1 chain.data
expect_eq "--as-dhat with a budget: usage error" 64 "$rc"
expect_grep "--as-dhat with a budget: why" \
    "budgets are checked as heapprof counts, not with --as-dhat" err
expect_grep "DHAT header" '"dhatFileVersion":2,"mode":"heap"' chain.json
# Every field DHAT's viewer (dh_view.js checkFields) requires is there.
for f in dhatFileVersion mode verb bklt bkacc tu Mtu cmd pid te tg tuth pps ftbl; do
	expect_grep "DHAT file has $f" "\"$f\":" chain.json
done
for f in tb tbk tl mb mbk gb gbk eb ebk fs; do
	expect_eq "every DHAT site has $f" "$(grep -c '"tbk":' chain.json)" "$(grep -c "\"$f\":" chain.json)"
done
finish
