#!/bin/sh
# SPDX-License-Identifier: MIT
# A program that overwrites its event ring with random bytes while its
# threads allocate (scribble-random.c): whatever the bytes, heapprof
# neither crashes nor hangs, says once that the ring was overwritten,
# counts it in the profile, and ends as the program did.  A hole the
# program leaves in the ring ("gap") ends the stream after a few seconds
# instead of keeping the program waiting for ever on a full ring.
. "$top_srcdir/tests/lib.sh"

if command -v timeout >/dev/null 2>&1; then
	BOUND="timeout 60"
else
	BOUND=
fi

for run in bytes:1 bytes:2 bytes:3 header:1 header:2 header:3 \
    records:1 records:2 records:3 records:4 gap:1; do
	mode=${run%:*} seed=${run#*:}
	d=$mode-$seed
	run_status rc $BOUND "$HP" run -o "$d.data" \
	    "$PROGS/scribble-random" "$mode" "$seed"
	expect_eq "$d: the program's status" 3 "$rc"
	[ "$rc" -eq 3 ] || { sed 's/^/    /' err; continue; }
	expect_eq "$d: one message" 1 \
	    "$(grep -c 'overwrote its event ring' err)"
	expect_match "$d: the summary counts it" \
	    '^heapprof: .* at exit, [0-9]+ malformed events? → '"$d"'.data$' err
	"$HP" report "$d.data" >"$d.txt" 2>&1 || fail "$d: report"
	expect_match "$d: the profile counts it" \
	    '^anomalies: .* [1-9][0-9]* malformed events$' "$d.txt"
	case $mode in
	records|gap)
		# Only records after those of the blocks before were touched.
		expect_eq "$d: all before it" "tb=32000 tbk=1000 eb=0 ebk=0" \
		    "$(profile_totals "$d.data" before_scribble |
		    sed 's/ *gb=.*//')"
		;;
	esac
done
finish
