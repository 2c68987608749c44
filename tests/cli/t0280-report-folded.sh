#!/bin/sh
# SPDX-License-Identifier: MIT
# report --format=folded: one line per stack, outermost frame first, the
# weight the --sort key's statistic; the weights add up to the report's
# totals (tests/progs/basic's are in basic.exp, the demo's are read from
# the text report); inlined functions are frames of their own and sites
# that show the same stack are one line (tests/progs/inline.c); --top and
# --depth apply only when given; an average is refused; a call tree of
# known shape (tests/progs/flame.c) weighs as it should by each key.
. "$top_srcdir/tests/lib.sh"

# folded_sum FILE: the sum of the weights
folded_sum() {
	awk '{ s += $NF } END { print s + 0 }' "$1"
}

run_status rc "$HP" run -o b.data "$PROGS/basic"
expect_eq "run basic" 0 "$rc"
run_status rc "$HP" report --format=folded b.data
expect_eq "folded: status" 0 "$rc"
expect_eq "folded: one line per site" 2 "$(wc -l <out)"
# By default a stack starts at main, as the text report's do.
cp out tail
printf 'main;churn 1000\nmain;leak_calloc 500\n' >want
expect_eq "folded: frames outermost first, weighed by bytes" \
    "$(cat want)" "$(cat tail)"
expect_match "folded: the outermost frame first" '^main;' out
# With every frame, the root is libc's start-up code, whatever its version
# names it.
"$HP" report --format=folded --show-all-frames b.data >all ||
    fail "folded --show-all-frames"
expect_match "--show-all-frames: _start outermost" '^_start;.*;main;churn 1000$' all
expect_eq "folded: nothing on stderr" "" "$(cat err)"

# Every additive key, against basic.exp's totals.
for kv in bytes:1500 blocks:15 peak:600 leaked:500; do
	key=${kv%%:*}
	"$HP" report --format=folded --sort="$key" b.data >"f-$key" ||
	    fail "folded --sort=$key"
	expect_eq "folded --sort=$key adds up" "${kv#*:}" "$(folded_sum "f-$key")"
done
expect_eq "--sort=blocks weighs by blocks" "main;churn 10" \
    "$(sed -n 's/^\(.*;\)*main;churn/main;churn/p' f-blocks)"
expect_eq "--sort=leaked leaves the sites without leaks out" 1 \
    "$(wc -l <f-leaked)"

# --top and --depth apply when given; by default everything is there.
run_status rc "$HP" report --format=folded --top=1 b.data
expect_eq "--top=1: the first site only" "main;churn 1000" \
    "$(cat out)"
run_status rc "$HP" report --format=folded --depth=1 b.data
printf '...;churn 1000\n...;leak_calloc 500\n' >want
expect_eq "--depth=1: the innermost frame under ..." "$(cat want)" \
    "$(cat out)"

# An average does not add up: a usage error naming the key.
run_status rc "$HP" report --format=folded --sort=avg-size b.data
expect_eq "--sort=avg-size: usage error" 64 "$rc"
expect_grep "--sort=avg-size: why" \
    "cannot weigh folded stacks by avg-size: it does not add up" err
expect_eq "--sort=avg-size: no output" "" "$(cat out)"

# A tree of known shape (tests/progs/flame.c): outer has a weight of its
# own beside its callees', each key weighs what it says.
run_status rc "$HP" run -o t.data "$PROGS/flame"
expect_eq "run flame" 0 "$rc"
for key in bytes peak leaked; do
	"$HP" report --format=folded --sort=$key t.data >"t-$key" ||
	    fail "folded flame --sort=$key"
	sed -i 's/.*;main;/main;/' "t-$key"
done
printf 'main;other 50\nmain;outer 100\nmain;outer;left 4000\nmain;outer;right 1000\n' >want
expect_eq "flame: by bytes" "$(cat want)" "$(cat t-bytes)"
printf 'main;outer 100\nmain;outer;left 1000\nmain;outer;right 1000\n' >want
expect_eq "flame: by bytes at the peak" "$(cat want)" "$(cat t-peak)"
printf 'main;other 50\nmain;outer;right 1000\n' >want
expect_eq "flame: by bytes at exit" "$(cat want)" "$(cat t-leaked)"

# Inlined functions are frames; make_pair's two sites are one stack.
run_status rc "$HP" run -o i.data "$PROGS/inline"
expect_eq "run inline" 0 "$rc"
"$HP" report --format=folded i.data >out || fail "folded inline"
printf 'main;build;make_pair;make_node 96\nmain;fill 200\n' >want
expect_eq "inline: inlined functions as frames, same stacks merged" \
    "$(cat want)" "$(sed 's/.*;main;/main;/; s/.*;main /main /' out)"

# A program with libc's own blocks: the sums are the text report's.
run_status rc "$HP" run -o d.data "$top_builddir/data/demo"
expect_eq "run demo" 0 "$rc"
"$HP" report --bytes d.data >text || fail "report demo"
total=$(sed -n 's/^total: *\([0-9]*\) in \([0-9]*\) blocks$/\1 \2/p' text)
peak=$(sed -n 's/^peak: *\([0-9]*\) in .*/\1/p' text)
end=$(sed -n 's/^at exit: *\([0-9]*\) in .*/\1/p' text)
"$HP" report --format=folded d.data >f || fail "folded demo"
"$HP" report --format=folded --sort=blocks d.data >fb || fail "folded demo"
"$HP" report --format=folded --sort=peak d.data >fp || fail "folded demo"
"$HP" report --format=folded --sort=leaked d.data >fl || fail "folded demo"
expect_eq "demo: bytes and blocks add up to the totals" "$total" \
    "$(folded_sum f) $(folded_sum fb)"
expect_eq "demo: peak adds up to the peak" "$peak" "$(folded_sum fp)"
expect_eq "demo: leaked adds up to what is live at exit" "$end" \
    "$(folded_sum fl)"
expect_eq "demo: 1 MiB under big_peak" "main;big_peak 1048576" \
    "$(sed -n 's/^\(.*;\)*main;big_peak /main;big_peak /p' f)"
if grep -qv '^[^ ]* [0-9][0-9]*$' f; then
	fail "demo: a line not 'stack weight':"; cat f
else
	echo "ok: demo: every line is 'stack weight'"
fi

# Ad-hoc events weigh by weight (site_a 60, site_b 20) or events.
run_status rc "$HP" run --mode=ad-hoc -o a.data "$PROGS/adhoc"
"$HP" report --format=folded a.data >fa || fail "folded ad-hoc"
expect_eq "ad-hoc: weight adds up" 80 "$(folded_sum fa)"
"$HP" report --format=folded --sort=events a.data >fe || fail "folded events"
expect_eq "ad-hoc: events add up" 7 "$(folded_sum fe)"
finish
