#!/bin/sh
# SPDX-License-Identifier: MIT
# report --group-by=function: the sites merged by their first frame in
# the program's own code; each row's numbers are the exact sums of its
# sites' rows, and the text, DHAT and markdown reports agree.
. "$top_srcdir/tests/lib.sh"

src=tests/progs/callers.c
srcdir=$(cd "$top_srcdir" && pwd -P)

"$HP" run "$PROGS/callers" >/dev/null 2>&1 || fail "run callers"
hp() { (cd "$srcdir" && "$HP" report --top=0 --bytes "$@" \
    "$HP_TMP/heapprof.data"); }
hp >stack.txt || fail "report"
hp --group-by=function >fn.txt || fail "report --group-by=function"

# row FILE FIRST-LINE: "total blocks at-peak at-exit" of the row whose
# first stack line is FIRST-LINE, summed over all such rows.
row() {
	awk -v want="$2" '
		/^ +[0-9]/ { split($0, r); first = 1; next }
		first && $0 == want { t += r[1]; b += r[2]; g += r[6]; e += r[7] }
		{ first = 0 }
		END { print t + 0, b + 0, g + 0, e + 0 }' "$1"
}
# pair(): 100 and 200 bytes from each of one() and two(): four sites of
# two lines, one row.
pair_stack=$(awk '/^ +[0-9]/ { getline; if ($0 ~ /^    pair \(/) n++ }
    END { print n + 0 }' stack.txt)
expect_eq "four sites in pair() by stack" 4 "$pair_stack"
expect_eq "pair() by stack, summed" "600 4 400 400" "$(
    for l in $(grep -o "^    pair ($src:[0-9]*)" stack.txt | sort -u |
    sed 's/.*://; s/)//'); do row stack.txt "    pair ($src:$l)"; done |
    awk '{ t += $1; b += $2; g += $3; e += $4 } END { print t, b, g, e }')"
expect_eq "pair() by function: one row, the exact sums" "600 4 400 400" \
    "$(row fn.txt "    pair ($src)")"
expect_eq "one line per row" "$(grep -c '^ *[0-9]' fn.txt)" \
    "$(grep -c '^    [^ .]' fn.txt)"
expect_grep "header: sites and functions" \
    "sites:    $(grep -c '^ *[0-9]' stack.txt) in $(grep -c '^ *[0-9]' fn.txt) functions, showing" fn.txt
# Every row's numbers add up to the per-stack report's.
total() { awk '/^ +[0-9]/ { t += $1; b += $2 } END { print t, b }' "$1"; }
expect_eq "all rows: same totals" "$(total stack.txt)" "$(total fn.txt)"

# DHAT: pair()'s one entry equals the sum of its per-stack entries.
hp --format=dhat >stack.json || fail "dhat"
hp --format=dhat --group-by=function >fn.json || fail "dhat by function"
expect_eq "DHAT: pair() by stack" "tb=600 tbk=4 eb=400 ebk=2 gb=400 gbk=2 " \
    "$("$TOTALS" stack.json pair)"
expect_eq "DHAT: pair() by function" "$("$TOTALS" stack.json pair)" \
    "$("$TOTALS" fn.json pair)"
expect_eq "DHAT: one entry for pair()" 1 \
    "$(grep -c '^"0x[0-9a-f]*: pair (tests/progs/callers.c)",*$' fn.json)"
expect_eq "DHAT: all entries, same totals" "$("$TOTALS" stack.json)" \
    "$("$TOTALS" fn.json)"
expect_eq "DHAT: a row per function" "$(grep -c '^ *[0-9]' fn.txt)" \
    "$(grep -c '^{"tb"' fn.json)"

# Markdown: the same row.
hp --format=markdown --group-by=function >fn.md || fail "markdown"
expect_match "markdown: pair()'s row" \
    "^\| [0-9]+ \| \`pair\` \(\`$src\`\) \| 4 \| 600 \| 150 \|\$" fn.md
expect_grep "markdown: functions" "| Rank | Function |" fn.md

run_status rc "$HP" report --group-by=file "$HP_TMP/heapprof.data"
expect_eq "--group-by=file: usage error" 64 "$rc"
finish
