#!/bin/sh
# SPDX-License-Identifier: MIT
# report's sort keys and formats come from one table each: --help lists
# them with their help, heapprof(1) lists the same with the same words,
# and the usage errors name the same keys and formats in the same order.
. "$top_srcdir/tests/lib.sh"

"$HP" report --help >help.txt || fail "report --help"

# help_list HEADING: the "name help" lines under --help's HEADING.
help_list() {
	sed -n "/^$1/,/^\$/p" help.txt | sed -n 's/^  \([a-z0-9-]*\)  *\(.*\)/\1 \2/p'
}
# man_list FROM TO: the ".It Cm name" items and their next line, between
# the man page lines matching FROM and TO.
man_list() {
	awk -v from="$1" -v to="$2" '
	    $0 ~ from { on = 1; next }
	    on && $0 ~ to { exit }
	    on && /^\.It Cm / { name = $3; getline; print name " " $0 }' \
	    "$top_srcdir/man/heapprof.1"
}
{ help_list "Sites sort by"; help_list "Ad-hoc events"; } >help-sort.txt
help_list "Formats" >help-format.txt
man_list '^\.It Fl \\\\-sort' '^\.It Fl \\\\-ad\\\\-hoc' >man-sort.txt
man_list '^\.It Fl \\\\-format' '^\.El' >man-format.txt

expect_eq "14 sort keys in --help" 14 "$(wc -l <help-sort.txt)"
expect_eq "5 formats in --help" 5 "$(wc -l <help-format.txt)"
expect_eq "heapprof(1) lists the sort keys as --help does" \
    "$(cat help-sort.txt)" "$(cat man-sort.txt)"
expect_eq "heapprof(1) lists the formats as --help does" \
    "$(cat help-format.txt)" "$(cat man-format.txt)"

names() {
	cut -d' ' -f1 "$1" | paste -sd, - | sed 's/,/, /g'
}
"$HP" report --sort=nonsense >out 2>err
expect_eq "bad sort key: usage error" 64 $?
expect_grep "bad sort key lists the keys" \
    "invalid sort key 'nonsense' (valid keys: $(names help-sort.txt))" err
"$HP" report --format=nonsense >out 2>err
expect_eq "bad format: usage error" 64 $?
expect_grep "bad format lists the formats" \
    "invalid format 'nonsense' (valid formats: $(names help-format.txt))" err
"$HP" run "$PROGS/basic" >/dev/null 2>&1 || fail "run basic"
"$HP" report --ad-hoc --format=markdown >out 2>err
expect_eq "markdown has no ad-hoc view: usage error" 64 $?
expect_grep "the formats that have one" "the markdown report has no ad-hoc events (formats that have: text, dhat, folded)" err
finish
