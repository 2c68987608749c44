#!/bin/sh
# SPDX-License-Identifier: MIT
# report --format=markdown: the Heap Profile document, whole for a golden
# profile; for a fresh profile of tests/progs/basic (totals in basic.exp)
# the exact summary and site rows, --sort, --top and --bytes honoured;
# each site named by its first frame in the program's own code.
. "$top_srcdir/tests/lib.sh"
GOLDEN=$top_srcdir/data/golden
version=$("$HP" --version | sed 's/^heapprof //')

# expect_out WHAT: out is the file want
expect_out() {
	if cmp -s want out; then
		echo "ok: $1"
	else
		fail "$1:"
		diff want out | sed 's/^/    /'
	fi
}

# The golden profile holds its command, start time and paths: the
# document is known to the byte (the date in UTC whatever TZ says).
run_status rc env TZ=America/New_York "$HP" report --format=markdown \
    --full-paths "$GOLDEN/basic-v2.data"
expect_eq "golden: status" 0 "$rc"
cat >want <<END
# Heap Profile

## Environment

| Property | Value |
|---|---|
| Mode | heap |
| Command | \`tests/progs/basic\` |
| Date | 2026-11-25 11:03:50 UTC |
| heapprof | $version |

## Allocation Summary

| Metric | Blocks | Bytes |
|---|--:|--:|
| Total allocated | 15 | 1.5 KiB |
| Peak live | 6 | 600 B |
| Live at exit | 5 | 500 B |

## Top Allocation Sites

Showing 2 of 2 sites, sorted by bytes.

| Rank | Call site | Blocks | Bytes | Average size |
|--:|---|--:|--:|--:|
| 1 | \`churn\` (\`/work/wt-zip/tests/progs/basic.c:31\`) | 10 | 1000 B | 100 B |
| 2 | \`leak_calloc\` (\`/work/wt-zip/tests/progs/basic.c:22\`) | 5 | 500 B | 100 B |
END
expect_out "golden: the whole document"
# As GitHub's Markdown renders it: tables, the site a cell of code.
if command -v cmark-gfm >/dev/null 2>&1; then
	cmark-gfm -e table out >out.html
	expect_eq "golden: three tables" 3 "$(grep -c '^<table>$' out.html)"
	expect_grep "golden: site cell rendered" \
	    '<td><code>churn</code> (<code>/work/wt-zip/tests/progs/basic.c:31</code>)</td>' out.html
	expect_eq "golden: 2 site rows of 5 cells" 10 \
	    "$(sed -n '/<th align="right">Rank/,/<\/table>/p' out.html | grep -c '^<td')"
else
	echo "SKIP: no cmark-gfm to render the document"
fi

# A profile made now.  Where the compiler saw basic.c comes from the
# text report; the lines from the source.
"$HP" run -o basic.data "$PROGS/basic" 2>/dev/null || fail "run basic"
"$HP" report --full-paths --depth=1 basic.data >text.txt
src=$(sed -n 's/^    churn (\(.*\):[0-9]*)$/\1/p' text.txt)
expect_match "text report names basic.c" "^    churn \\(.*tests/progs/basic\\.c:" text.txt
mline=$(grep -n 'malloc(100);' "$top_srcdir/tests/progs/basic.c" | cut -d: -f1)
cline=$(grep -n 'calloc(4, 25);' "$top_srcdir/tests/progs/basic.c" | cut -d: -f1)

run_status rc "$HP" report --format=markdown --full-paths --bytes basic.data
expect_eq "basic: status" 0 "$rc"
expect_eq "basic: title" "# Heap Profile" "$(head -n 1 out)"
expect_grep "basic: mode" "| Mode | heap |" out
expect_grep "basic: command" "| Command | \`$PROGS/basic\` |" out
expect_match "basic: date in UTC" \
    '^\| Date \| [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC \|$' out
expect_grep "basic: version" "| heapprof | $version |" out
# tests/progs/basic.exp: tb=1500 tbk=15 eb=500 ebk=5 gb=600 gbk=6
expect_grep "basic: total" "| Total allocated | 15 | 1500 |" out
expect_grep "basic: peak" "| Peak live | 6 | 600 |" out
expect_grep "basic: at exit" "| Live at exit | 5 | 500 |" out
expect_grep "basic: sites line" "Showing 2 of 2 sites, sorted by bytes." out
expect_grep "basic: site 1" \
    "| 1 | \`churn\` (\`$src:$mline\`) | 10 | 1000 | 100 |" out
expect_grep "basic: site 2" \
    "| 2 | \`leak_calloc\` (\`$src:$cline\`) | 5 | 500 | 100 |" out
expect_eq "basic: two site rows" 2 "$(grep -c '^| [0-9]* | `' out)"
expect_eq "basic: no anomalies" 0 "$(grep -c '^Anomalies' out)"

run_status rc "$HP" report --format=markdown --full-paths --sort=leaked \
    --top=1 basic.data
expect_eq "--sort=leaked --top=1: status" 0 "$rc"
expect_grep "--top=1: sites line" "Showing 1 of 2 sites, sorted by leaked." out
expect_grep "--sort=leaked: leak first, sizes in units" \
    "| 1 | \`leak_calloc\` (\`$src:$cline\`) | 5 | 500 B | 100 B |" out
expect_eq "--top=1: one site row" 1 "$(grep -c '^| [0-9]* | `' out)"
expect_grep "summary in units" "| Total allocated | 15 | 1.5 KiB |" out

# The C++ site's stack starts in std::vector's code, from the system's
# headers; the call site is the program's push_back line, where the
# text report's first line is in <vector>.
"$HP" run -o cxx.data "$PROGS/cxx-vector" 2>/dev/null || fail "run cxx-vector"
"$HP" report --full-paths --depth=0 cxx.data >cxx.txt
cxx=$(sed -n 's/^    shapes::make_widget (\(.*\):[0-9]*)$/\1/p' cxx.txt)
pline=$(grep -n 'site: push_back' "$top_srcdir/tests/progs/cxx-vector.cc" | cut -d: -f1)
run_status rc "$HP" report --format=markdown --full-paths --sort=blocks \
    --top=1 --bytes cxx.data
expect_eq "cxx: status" 0 "$rc"
expect_grep "cxx: call site in the program, not in <vector>" \
    "| 1 | \`shapes::Pool<int>::grow\` (\`$cxx:$pline\`) → \`std::vector<int>::push_back\` in \`system headers\` | 8 | 1020 | 127 |" out
finish
