#!/bin/sh
# SPDX-License-Identifier: MIT
# Whole-process budgets: each exactly at basic's truth passes, one below
# fails with its line, the sites that contribute most, and the budget
# status; the program's own failure wins; --keep decides the file; -o
# takes %p and %n.
. "$top_srcdir/tests/lib.sh"
basic="$PROGS/basic"
src=$top_srcdir/tests/progs/basic.c
churn_line=$(grep -n 'void \*p = malloc(100);' "$src" | cut -d: -f1)
leak_line=$(grep -n 'leaks\[i\] = calloc(4, 25);' "$src" | cut -d: -f1)

# basic: 1500 B in 15 blocks; peak 600 B in 6; at exit 500 B in 5.
run_status rc "$HP" run -o at.data --max-total-bytes=1500 \
    --max-total-blocks=15 --max-peak-bytes=600 --max-peak-blocks=6 \
    --max-leaked-bytes=500 --max-leaked-blocks=5 "$basic"
expect_eq "budgets at the truth pass" 0 "$rc"
expect_eq "no budget line" "" "$(grep 'budget' err)"

# below METRIC LIMIT LINE: one budget below the truth fails with LINE.
below() {
	run_status rc "$HP" run -o below.data --max-$1=$2 "$basic"
	expect_eq "--max-$1=$2: the budget status" 3 "$rc"
	expect_eq "--max-$1=$2: one budget line" 1 "$(grep -c 'budget exceeded' err)"
	expect_grep "--max-$1=$2: says what" "$3" err
}
below total-bytes 1499 \
    "heapprof: budget exceeded: total 1.5 KiB (1500 bytes) > 1.5 KiB (1499 bytes)"
below total-blocks 14 "heapprof: budget exceeded: total blocks 15 > 14"
expect_eq "total blocks: the sites, most first" \
    "heapprof:   10 blocks, 1000 B: churn (tests/progs/basic.c:$churn_line)
heapprof:   5 blocks, 500 B: leak_calloc (tests/progs/basic.c:$leak_line)" \
    "$(grep '^heapprof:   ' err | sed -E "s|[^ (]*/tests/progs/|tests/progs/|")"
below peak-bytes 599 "heapprof: budget exceeded: peak 600 B (600 bytes) > 599 B"
expect_eq "peak: the sites, most first" \
    "heapprof:   500 B in 5 blocks: leak_calloc (tests/progs/basic.c:$leak_line)
heapprof:   100 B in 1 blocks: churn (tests/progs/basic.c:$churn_line)" \
    "$(grep '^heapprof:   ' err | sed -E "s|[^ (]*/tests/progs/|tests/progs/|")"
below peak-blocks 5 "heapprof: budget exceeded: peak blocks 6 > 5"
below leaked-bytes 499 "heapprof: budget exceeded: leaked 500 B (500 bytes) > 499 B"
expect_eq "leaked: only the leaking site" \
    "heapprof:   500 B in 5 blocks: leak_calloc (tests/progs/basic.c:$leak_line)" \
    "$(grep '^heapprof:   ' err | sed -E "s|[^ (]*/tests/progs/|tests/progs/|")"
below leaked-blocks 4 "heapprof: budget exceeded: leaked blocks 5 > 4"
below total-bytes 1K "heapprof: budget exceeded: total 1.5 KiB (1500 bytes) > 1.0 KiB"

run_status rc "$HP" run -o x.data --max-leaked-blocks=0 --error-exitcode=42 \
    "$basic"
expect_eq "--error-exitcode" 42 "$rc"
run_status rc "$HP" run -o x.data --max-leaked-blocks=0 "$PROGS/exitcode" 5
expect_eq "the program's failure wins over the budget's" 5 "$rc"
expect_grep "the budget is still reported" \
    "heapprof: budget exceeded: leaked blocks 1 > 0" err

# --keep: the file only where it is asked for.
rm -f k.data k.data.json
run_status rc "$HP" run -o k.data --keep=on-failure "$basic"
expect_eq "on-failure, success: status" 0 "$rc"
expect_eq "on-failure, success: no file" "" "$(ls k.data* 2>/dev/null)"
expect_grep "on-failure, success: the summary says so" \
    "heapprof: 15 blocks, 1.5 KiB total, 600 B at peak, 500 B in 5 blocks at exit (profile not kept)" err
run_status rc "$HP" run -o k.data --keep=on-failure --max-leaked-blocks=4 \
    "$basic"
expect_eq "on-failure, budget failed: status" 3 "$rc"
expect_eq "on-failure, budget failed: the profile" \
    "tb=1500 tbk=15 eb=500 ebk=5 gb=600 gbk=6 " "$(profile_totals k.data)"
rm -f k.data k.data.json
run_status rc "$HP" run -o k.data --keep=on-failure "$PROGS/exitcode" 7
expect_eq "on-failure, program failed: status" 7 "$rc"
expect_eq "on-failure, program failed: the profile" \
    "tb=4196 tbk=2 eb=4096 ebk=1 gb=4196 gbk=2 " "$(profile_totals k.data)"
rm -f k.data k.data.json
run_status rc "$HP" run -o k.data --keep=never --max-leaked-blocks=0 "$basic"
expect_eq "never: status" 3 "$rc"
expect_eq "never: no file" "" "$(ls k.data* 2>/dev/null)"

# -o with %n and %p: one profile per program and process.
run_status rc "$HP" run -o 'hp.%n.%p.data' "$basic"
f=$(ls hp.basic.*.data 2>/dev/null)
pid=${f#hp.basic.}
pid=${pid%.data}
"$HP" report "$f" >r.txt 2>&1 || fail "report of '$f'"
expect_grep "%n and %p: the program's pid" "pid:      $pid," r.txt
run_status rc "$HP" run -o 'pct%%.data' "$basic"
expect_eq "%%: a percent sign" "pct%.data" "$(ls pct*.data)"

# Bad values are usage errors.
for bad in --max-peak-bytes=-1 --max-peak-bytes=4X --max-peak-bytes= \
    --max-peak-bytes=99999999999999999999 --keep=sometimes \
    --error-exitcode=0 --error-exitcode=256 -ox%q.data; do
	run_status rc "$HP" run $bad "$basic"
	expect_eq "$bad: usage error" 64 "$rc"
	expect_match "$bad: one line says why" '^heapprof run: invalid ' err
done
finish
