#!/bin/sh
# SPDX-License-Identifier: MIT
# Inline frames: each inlined function and the function it was inlined
# into, with its own file:line, in PIE and non-PIE builds; paths relative
# to the working directory unless --full-paths; the DHAT frame table has
# the same names and lines.
. "$top_srcdir/tests/lib.sh"

src=tests/progs/inline.c
at() { grep -n "site: $1 \*/" "$top_srcdir/$src" | cut -d: -f1; }
srcdir=$(cd "$top_srcdir" && pwd -P)

for prog in inline inline-nopie; do
	"$HP" run -o $prog.data "$PROGS/$prog" 2>/dev/null || fail "run $prog"
	# From the source tree, the paths are relative to it.
	(cd "$srcdir" && "$HP" report --bytes --depth=4 "$HP_TMP/$prog.data") >$prog.txt ||
	    fail "report $prog"
	cat >expect <<-EOT
	         200          1        200
	    fill ($src:$(at fill)) [inlined]
	    main ($src:$(at 'main fill'))
	EOT
	grep -A2 '^ *200 ' $prog.txt | sed 's/\(^ *200 *1 *200\).*/\1/' >got
	expect_eq "$prog: fill inlined into main" "$(cat expect)" "$(cat got)"
	for which in first second; do
		cat >expect <<-EOT
		    make_node ($src:$(at make_node)) [inlined]
		    make_pair ($src:$(at "make_pair $which")) [inlined]
		    build ($src:$(at build))
		    main ($src:$(at 'main build'))
		EOT
		grep -A3 "make_pair ($src:$(at "make_pair $which"))" $prog.txt >/dev/null ||
		    fail "$prog: no make_pair $which line"
		grep -B1 -A2 "make_pair ($src:$(at "make_pair $which"))" $prog.txt >got
		expect_eq "$prog: make_node in make_pair ($which) in build" \
		    "$(cat expect)" "$(cat got)"
	done
	# Two call sites of the same inline chain stay two sites.
	expect_grep "$prog: three sites" "sites:    3, showing 3 by bytes" $prog.txt

	"$HP" report --full-paths --depth=1 $prog.data >full.txt
	expect_grep "$prog: --full-paths" "    fill ($srcdir/$src:$(at fill)) [inlined]" full.txt

	(cd "$srcdir" && "$HP" report --format=dhat "$HP_TMP/$prog.data") >$prog.json
	expect_match "$prog: DHAT ftbl has fill" "^\"0x[0-9a-f]+: fill \\($src:$(at fill)\\)\",?\$" $prog.json
	expect_match "$prog: DHAT ftbl has make_pair" "^\"0x[0-9a-f]+: make_pair \\($src:$(at 'make_pair first')\\)\",?\$" $prog.json
	expect_match "$prog: DHAT ftbl has build" "^\"0x[0-9a-f]+: build \\($src:$(at build)\\)\",?\$" $prog.json
done

# A frame with no symbols is module+offset, never an absolute address.
# _start has a symbol but no line information.
"$HP" report --show-all-frames --depth=0 inline.data >deep.txt
expect_match "no-line frame is function (module+offset)" '^    _start \(inline\+0x[0-9a-f]+\)$' deep.txt
finish
