#!/bin/sh
# SPDX-License-Identifier: MIT
# Profiles written in older format versions (data/golden/) still load, and
# report byte for byte as the heapprof that wrote them did.
. "$top_srcdir/tests/lib.sh"
GOLDEN=$top_srcdir/data/golden

# expect_report WHAT EXPECTED-FILE: out is EXPECTED-FILE
expect_report() {
	if cmp -s "$2" out; then
		echo "ok: $1"
	else
		fail "$1 differs from $2:"
		diff "$2" out | sed 's/^/    /'
	fi
}

for v in 1 2 3 5; do
	# The text report prints the start time in local time, and paths
	# under the working directory shortened without --full-paths.
	run_status rc env TZ=UTC "$HP" report --full-paths "$GOLDEN/basic-v$v.data"
	expect_eq "version $v: status" 0 "$rc"
	expect_report "version $v: text report" "$GOLDEN/basic-v$v.report"
	run_status rc "$HP" report --full-paths --format=dhat \
	    "$GOLDEN/basic-v$v.data"
	expect_eq "version $v: dhat status" 0 "$rc"
	expect_report "version $v: dhat report" "$GOLDEN/basic-v$v.dhat.json"
done

# A profile written now is compressed (format 8), and reports the same
# totals as the golden one of the same program.
"$HP" run -o new.data "$PROGS/basic" 2>/dev/null || fail "run basic"
expect_eq "new profile: format version" 8 \
    "$(od -An -tu4 -j8 -N4 new.data | tr -d ' ')"
cp "$GOLDEN/basic-v2.data" v2.data
expect_eq "new profile: same totals as version 2" \
    "$(profile_totals v2.data)" "$(profile_totals new.data)"
finish
