#!/bin/sh
# SPDX-License-Identifier: MIT
# A signal handler that allocates while the thread is inside the real
# allocator under the agent: its blocks are the program's and counted,
# once; what the allocator allocates for itself is not.  (sigreal.c and
# raiser.c say how the signal is made to land there.)  The report says how
# many events came from such handlers on a line of its own, as
# information: not on the anomalies line, and not at all when none did.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o real.data "$PROGS/sigreal"
expect_eq "sigreal exits 0" 0 "$rc"
handled=$(sed -n 's/^handled //p' err)
[ "${handled:-0}" -gt 0 ] ||
	fail "no signal landed: libraiser.so was not the real allocator"
expected=$(sed -n 's/^expect //p' err)
expect_eq "totals: the handler's blocks counted, the allocator's not" \
    "$expected" "$(profile_totals real.data | sed 's/ *gb=.*//')"
expect_no_anomalies "sigreal" real.data
"$HP" report real.data >real.txt || fail "report real.data"
expect_eq "the nested line: a malloc and a free per signal" \
    "nested:   $((2 * handled)) events from signal handlers that interrupted an allocation, recorded in full" \
    "$(grep '^nested:' real.txt)"
"$HP" report --format=markdown real.data >real.md ||
    fail "report --format=markdown real.data"
expect_grep "markdown: the nested events" \
    "Nested events: $((2 * handled)) events from signal handlers" real.md

run_status rc "$HP" run -o plain.data "$PROGS/basic"
expect_eq "basic exits 0" 0 "$rc"
"$HP" report plain.data >plain.txt || fail "report plain.data"
expect_eq "no nested line without nested events" "" \
    "$(grep '^nested' plain.txt)"
finish
