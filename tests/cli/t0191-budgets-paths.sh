#!/bin/sh
# SPDX-License-Identifier: MIT
# Budgets per code path: the tier table with exact actual numbers, PASS
# and FAIL where they belong, the sites that break a budget, the status;
# a budgets file; the same verdict from report on the saved profile; a
# function that does not exist is an error, not a pass.
. "$top_srcdir/tests/lib.sh"
prog="$PROGS/tiers"
src=$top_srcdir/tests/progs/tiers.c
ck_line=$(grep -n 'sink = malloc(32);' "$src" | cut -d: -f1)

run_status rc "$HP" run -o t.data --budget='hot_path:blocks=0' \
    --budget='checkpoint:blocks<3' --budget='warm_path:blocks<100' \
    --budget='shard_list:blocks<=43,bytes=772' "$prog"
expect_eq "a failed path budget: the status" 3 "$rc"
# The table's columns fit the widest entry.
sed -E "s|[^ (]*\/tests\/progs\/|tests\/progs\/|" err | grep -v '^heapprof: ' >table.txt
expect_eq "the tier table" "$(sed -n 1p table.txt)" \
    "tier  path        budget                actual              verdict"
expect_match "hot_path: 0 blocks, PASS" \
    '^ +hot_path +blocks=0 +0 blocks, 0 B +PASS$' table.txt
expect_match "checkpoint: 3 blocks, FAIL" \
    '^ +checkpoint +blocks<3 +3 blocks, 96 B +FAIL$' table.txt
expect_grep "checkpoint: the site that breaks it" \
    "    3 blocks, 96 B: checkpoint (tests/progs/tiers.c:$ck_line)" table.txt
expect_match "warm_path: both calls, PASS" \
    '^ +warm_path +blocks<100 +84 blocks, 1.3 KiB +PASS$' table.txt
expect_match "shard_list: two limits, PASS" \
    '^ +shard_list +blocks<=43,bytes=772 +43 blocks, 772 B +PASS$' table.txt
expect_eq "the table has one line a budget, and one site" 6 \
    "$(wc -l <table.txt)"

# All passing: status 0.
run_status rc "$HP" run -o p.data --budget='checkpoint:blocks=3' \
    --budget='hot_path:bytes=0' "$prog"
expect_eq "all paths within budget: status 0" 0 "$rc"
expect_match "all PASS" '^ +checkpoint +blocks=3 +3 blocks, 96 B +PASS$' err

# A budgets file with tiers and comments; report gives the same verdict.
cat >budgets.txt <<'EOT'
# tier  function    limits
hot     hot_path    blocks=0
hot     checkpoint  blocks=0     # three blocks: fails
warm    warm_path:blocks<100
shard_list bytes<1K
EOT
run_status rc "$HP" run -o f.data --budgets=budgets.txt "$prog"
expect_eq "budgets file: status" 3 "$rc"
expect_match "budgets file: the tier column" \
    '^hot +checkpoint +blocks=0 +3 blocks, 96 B +FAIL$' err
expect_match "budgets file: a path without a tier" \
    '^ +shard_list +bytes<1K +43 blocks, 772 B +PASS$' err
grep -v '^heapprof: ' err >run-table.txt
run_status rc "$HP" report --budgets=budgets.txt f.data
expect_eq "report --budgets: the same status" 3 "$rc"
sed -n '/^tier /,$p' out >report-table.txt
expect_eq "report --budgets: the same table" "$(cat run-table.txt)" \
    "$(cat report-table.txt)"
run_status rc "$HP" report --format=dhat --budget='checkpoint:blocks=3' f.data
expect_eq "report --format=dhat --budget: passes" 0 "$rc"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' out ||
	fail "the JSON is still JSON with a verdict"

# The Markdown report: a tier and verdict per site, the compliance table.
run_status rc "$HP" report --format=markdown --budgets=budgets.txt f.data
expect_eq "markdown --budgets: the status" 3 "$rc"
expect_grep "markdown: the site's tier and verdict" \
    '| 3 | 96 B | 32 B | `hot` | VIOLATION |' out
expect_grep "markdown: a site on an untiered path" '| 100 B | 100 B | `shard_list` | PASS |' out
expect_grep "markdown: the compliance table" \
    '| `hot` | `checkpoint` | `blocks=0` | 3 | 96 B | FAIL |' out
expect_grep "markdown: a path without a tier" \
    '|  | `shard_list` | `bytes<1K` | 43 | 772 B | PASS |' out
expect_match "markdown: the violating site" \
    '^- `checkpoint` \(`[^`]*tests/progs/tiers.c:'"$ck_line"'`\): 3 blocks, 96 B$' out
expect_eq "markdown: no verdict on stderr" "" "$(cat err)"

# A function that is nowhere: an error, in run and in report.
run_status rc "$HP" run -o typo.data --budget='chekpoint:blocks=0' "$prog"
expect_eq "a typo: heapprof's own failure" 1 "$rc"
expect_grep "a typo: says so" \
    "heapprof: budget 'chekpoint:blocks=0': no function 'chekpoint' in the program" err
run_status rc "$HP" report --budget='chekpoint:blocks=0' f.data
expect_eq "a typo in report: an error" 1 "$rc"
# A glob that matches a function that exists passes with its actual.
run_status rc "$HP" run -o g.data --budget='*_path:blocks<=84' "$prog"
expect_eq "a glob" 0 "$rc"

# Bad budgets are usage errors.
for bad in 'checkpoint' 'checkpoint:' ':blocks=0' 'checkpoint:frames=0' \
    'checkpoint:blocks>0' 'checkpoint:blocks=x' \
    'checkpoint:blocks=1,blocks=1,blocks=1,blocks=1,blocks=1'; do
	run_status rc "$HP" run --budget="$bad" "$prog"
	expect_eq "--budget='$bad': usage error" 64 "$rc"
	expect_match "--budget='$bad': says why" '^heapprof run: invalid budget|^heapprof run: .* is not|^heapprof run: expected' err
done
printf 'hot checkpoint blocks=0 extra\n' >bad.txt
run_status rc "$HP" run --budgets=bad.txt "$prog"
expect_eq "a bad budgets file: usage error" 64 "$rc"
expect_grep "a bad budgets file: file and line" "heapprof run: bad.txt:1: too many fields" err
run_status rc "$HP" run --budgets=missing.txt "$prog"
expect_eq "a missing budgets file: usage error" 64 "$rc"
expect_grep "a missing budgets file: says so" \
    "heapprof run: cannot open 'missing.txt': No such file or directory" err
finish
