#!/bin/sh
# SPDX-License-Identifier: MIT
# The inputs the profile fuzzer found (fuzz/README) and those made after
# them (tests/fuzz-regress/README), replayed through
# report in every format and grouping: a bad one is refused with exit 1
# and one line, a good one reports; never a signal, and never more memory
# than a small profile needs, whatever a length field says.
. "$top_srcdir/tests/lib.sh"

dir="$top_srcdir/tests/fuzz-regress"
# The address space a report may use: 256 MB is plenty for these inputs,
# far less than a length field can ask for.  A sanitized heapprof maps
# terabytes of shadow at its start, so the limit is left out for it.
limit=262144
if ! (ulimit -v $limit && "$HP" --version) >/dev/null 2>&1; then
	limit=unlimited
	echo "# heapprof does not start under ulimit -v (sanitized?): no limit"
fi

# report_limited FILE ARG...: report ARG... FILE within the limit
report_limited() {
	_f=$1
	shift
	(ulimit -v $limit && exec "$HP" report "$@" "$_f") >out 2>err
}

# FILE|STATUS|the one line of an error, or nothing
while IFS='|' read -r name want why; do
	for format in text dhat markdown folded html; do
		for group in stack function; do
			case=$name:$format:$group
			report_limited "$dir/$name" --format=$format \
			    --group-by=$group --top=0 --depth=0
			rc=$?
			expect_eq "$case: status" "$want" "$rc"
			if [ -z "$why" ]; then
				expect_eq "$case: nothing on stderr" "" "$(cat err)"
			else
				expect_eq "$case: why" \
				    "heapprof: '$dir/$name': $why" "$(cat err)"
			fi
		done
	done
done <<'EOF'
site-without-frames.data|0|
first-site-without-frames.data|0|
stack-lines-bomb.data|1|corrupt profile (its stacks make more than 4 lines for each of its 440515 bytes)
sites-share-a-stack.data|1|corrupt profile (its stacks make more than 4 lines for each of its 744355 bytes)
EOF

# A site whose stack has no frames (its second, then its first) is a row
# with no line: it took the line of the site before, or crashed.
for name in site-without-frames first-site-without-frames; do
	"$HP" report --group-by=function "$dir/$name.data" >fn.txt
	expect_eq "$name: one function line" \
	    "    leak_calloc (/work/wt/stats/tests/progs/basic.c)" \
	    "$(grep '^    [a-z]' fn.txt)"
done
finish
