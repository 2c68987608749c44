#!/bin/sh
# SPDX-License-Identifier: MIT
# A thread stopped between reserving a record and publishing it (Ctrl-Z,
# a debugger) holds a full ring up for as long as it is stopped: the hole
# is no reason to end the stream then, however long the stop
# (stopped-hole.c): in the program's own stream, and with --children in
# a child's.  A hole nobody will fill (scribble-random gap) still
# ends it once the limit, shortened here to 300 ms, has passed.
. "$top_srcdir/tests/lib.sh"

if command -v timeout >/dev/null 2>&1; then
	BOUND="timeout 60"
else
	BOUND=
fi
HEAPPROF_TEST_HOLE_MS=300
export HEAPPROF_TEST_HOLE_MS

# state PID: the state letter of /proc/PID/stat, after "(comm) ".
state() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1
}

# stopped DATA ARG...: heapprof run -o DATA ARG..., which runs stopped-hole;
# let it stay stopped, continue it.
stopped() {
	_d=$1
	shift
	: >out
	$BOUND "$HP" run -o "$_d" "$@" >out 2>err &
	hp=$!
	i=0
	until grep -q '^stopping ' out &&
	    [ "$(state "$(cut -d' ' -f2 out)")" = T ]; do
		i=$((i + 1))
		[ $i -lt 1000 ] || break
		sleep 0.01
	done
	pid=$(sed -n 's/^stopping //p' out)
	expect_eq "$_d: the program stopped" T "$(state "${pid:-0}")"
	# Five times the limit: the stop under test, not a wait for an event.
	sleep 1.5
	kill -s CONT "${pid:-0}"
	wait $hp
	rc=$?
	expect_eq "$_d: the status" 0 "$rc"
	expect_eq "$_d: no damage said" 0 \
	    "$(grep -c 'overwrote its event ring' err)"
}

# The program's own stream, then with --children that of a child of sh.
stopped s.data "$PROGS/stopped-hole"
stopped c.data --children -- sh -c "$PROGS/stopped-hole; true"
for d in s.data c.data.$pid; do
	expect_eq "$d: the blocks before" "tb=32000 tbk=1000 eb=0 ebk=0" \
	    "$(profile_totals "$d" before_scribble | sed 's/ *gb=.*//')"
	expect_eq "$d: the blocks after" "tb=4800000 tbk=100000 eb=0 ebk=0" \
	    "$(profile_totals "$d" after_scribble | sed 's/ *gb=.*//')"
	expect_no_anomalies "$d: the hole published late" "$d"
done

run_status rc $BOUND "$HP" run -o g.data "$PROGS/scribble-random" gap 1
expect_eq "gap: the program's status" 3 "$rc"
expect_eq "gap: one message" 1 "$(grep -c 'overwrote its event ring' err)"
finish
