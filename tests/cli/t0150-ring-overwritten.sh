#!/bin/sh
# SPDX-License-Identifier: MIT
# A program that overwrites its event ring (scribble.c): the collector
# trusts nothing in it, ends the stream at the first thing the agent cannot
# have written with one message, still writes the profile of what came
# before, counts the loss, and ends as the program did.
. "$top_srcdir/tests/lib.sh"

# A spinning or hanging collector fails here rather than stalling make.
if command -v timeout >/dev/null 2>&1; then
	BOUND="timeout 60"
else
	BOUND=
fi

for mode in ff data-ff head tail biglen oddlen endlen; do
	run_status rc $BOUND "$HP" run -o "$mode.data" "$PROGS/scribble" "$mode"
	expect_eq "$mode: the program's status" 3 "$rc"
	expect_eq "$mode: one message" 1 \
	    "$(grep -c 'overwrote its event ring' err)"
	expect_match "$mode: the message" \
	    '^heapprof: the program overwrote its event ring at offset [0-9]+; events after it are lost$' err
	expect_match "$mode: the summary counts it" \
	    '^heapprof: .* at exit, 1 malformed event → '"$mode"'.data$' err
	"$HP" report "$mode.data" >"$mode.txt" 2>&1 ||
	    fail "$mode: report"
	expect_match "$mode: the profile counts it" \
	    '^anomalies: .* 1 malformed events$' "$mode.txt"
	# Nothing written after the scribble is read.
	expect_eq "$mode: nothing after" "tb=0 tbk=0 eb=0 ebk=0" \
	    "$(profile_totals "$mode.data" after_scribble | sed 's/ *gb=.*//')"
	case $mode in
	biglen|oddlen|endlen)
		# Everything before the bad record is there, exactly.
		at=$(sed -n 's/^bad record at //p' out)
		expect_grep "$mode: where it stopped" \
		    "at offset $at; events" err
		expect_eq "$mode: all before it" "tb=32000 tbk=1000 eb=0 ebk=0" \
		    "$(profile_totals "$mode.data" before_scribble |
		    sed 's/ *gb=.*//')"
		;;
	esac
done
finish
