#!/bin/sh
# SPDX-License-Identifier: MIT
# Events recorded from a signal handler that interrupted an allocation
# (sigreal.c: its handler mallocs and frees once, each time inside the
# real allocator) are counted in the profile, and the report says how
# many on a line of its own, as information: not on the anomalies line,
# and not at all when there are none.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o real.data "$PROGS/sigreal"
expect_eq "sigreal exits 0" 0 "$rc"
handled=$(sed -n 's/^handled //p' err)
[ "${handled:-0}" -gt 0 ] ||
	fail "no signal landed: libraiser.so was not the real allocator"
"$HP" report real.data >real.txt || fail "report real.data"
expect_eq "the nested line: a malloc and a free per signal" \
    "nested:   $((2 * handled)) events from signal handlers that interrupted an allocation, recorded in full" \
    "$(grep '^nested:' real.txt)"
expect_no_anomalies "nested events are no anomaly" real.data
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
