#!/bin/sh
# SPDX-License-Identifier: MIT
# stress.sh [--quick] - `make stress`: tests/progs/stress.c under heapprof,
# 64 threads and 10^7 events (10^6 with --quick).  The profile must hold
# exactly what the program counted itself, without anomalies, with and
# without --children; and heapprof's own memory must follow the blocks
# live at once, not the events: the same live set at a tenth of the
# events may not take much less.  Prints the figures; fails by exit status.
. "$top_srcdir/tests/lib.sh"

THREADS=64
EVENTS=10000000
SLOTS=64
if [ "${1:-}" = --quick ]; then
	EVENTS=1000000
fi
[ -x /usr/bin/time ] || skip "no /usr/bin/time (Debian package time)"
${CC:-cc} -O2 -shared -fPIC -o hwm.so "$top_srcdir/tests/hwm.c" ||
    fail "cannot build hwm.so"

# totals NAME FUNCTION: the profile's tb/tbk/eb/ebk of FUNCTION's sites
totals() {
	profile_totals "$1" "$2" | sed 's/ *gb=.*//'
}

# measure NAME EVENTS [OPTIONS]: run under /usr/bin/time -v (NAME.tv), and
# keep in NAME.rss heapprof's own peak RSS in KiB, as tests/hwm.c reads it
# when heapprof exits.
measure() {
	_name=$1 _events=$2
	shift 2
	# (ASAN_OPTIONS: a sanitized heapprof must tolerate the preload.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	HEAPPROF_HWM=$PWD/$_name.hwm LD_PRELOAD=$PWD/hwm.so \
	    /usr/bin/time -v -o "$_name.tv" "$HP" run -o "$_name.data" "$@" \
	    -- "$PROGS/stress" "$THREADS" "$_events" "$SLOTS" >"$_name.out" \
	    2>"$_name.err"
	_rc=$?
	expect_eq "$_name: exit status" 0 "$_rc"
	[ "$_rc" -eq 0 ] || sed 's/^/    /' "$_name.err"
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "$_name.hwm" \
	    >"$_name.rss"
	expect_eq "$_name: heapprof's peak RSS measured once" 1 \
	    "$(wc -l <"$_name.rss")"
}

# tv NAME FIELD: one of time's figures
tv() {
	sed -n "s/^[[:space:]]*$2: //p" "$1.tv"
}

# check NAME: the program's own count against the profile
check() {
	expect_eq "$1: the program's blocks" \
	    "$(sed -n 's/^program //p' "$1.out")" \
	    "$(totals "$1.data" stress_block)"
	expect_eq "$1: the signal handler's blocks" \
	    "$(sed -n 's/^handler //p' "$1.out") eb=0 ebk=0" \
	    "$(totals "$1.data" handler_block)"
	expect_eq "$1: no child's block in the parent's profile" \
	    "tb=0 tbk=0 eb=0 ebk=0" "$(totals "$1.data" child_block)"
	[ "$(sed -n 's/^handler .*tbk=\([0-9]*\)/\1/p' "$1.out")" -gt 0 ] ||
	    fail "$1: the timer's handler never ran"
	expect_no_anomalies "$1" "$1.data"
	expect_eq "$1: forks" 4 "$(sed -n 's/^events .* forks \([0-9]*\).*/\1/p' "$1.out")"
}

measure big "$EVENTS"
check big
measure small $((EVENTS / 10))
check small
measure children $((EVENTS / 10)) --children
check children
n=0
for f in $(ls children.data.* | grep -E '^children\.data\.[0-9]+$'); do
	n=$((n + 1))
	expect_eq "$f: the child's own blocks" \
	    "$(sed -n 's/^child //p' children.out) eb=0 ebk=0" \
	    "$(totals "$f" child_block)"
	expect_no_anomalies "$f" "$f"
done
expect_eq "--children: a profile per child" 4 "$n"

# Bounded by the live set: 10x the events may not cost 3x the memory.
big=$(cat big.rss) small=$(cat small.rss)
if [ "$small" -eq 0 ] || [ "$big" -eq 0 ]; then
	fail "heapprof's peak RSS not measured"
elif [ "$big" -le $((small * 3)) ]; then
	echo "ok: heapprof's peak RSS $big KiB at $EVENTS events," \
	    "$small KiB at $((EVENTS / 10))"
else
	fail "heapprof's peak RSS $big KiB at $EVENTS events," \
	    "$small KiB at $((EVENTS / 10)): it grows with the events"
fi

echo "--- figures"
for r in big small children; do
	printf '%-9s %s threads, %s events, heapprof peak RSS %s KiB;' \
	    "$r" "$THREADS" "$(sed -n 's/^events \([0-9]*\).*/\1/p' "$r.out")" \
	    "$(cat "$r.rss")"
	printf ' the tree %s KiB; %s s elapsed, %s s user, %s s system\n' \
	    "$(tv "$r" 'Maximum resident set size (kbytes)')" \
	    "$(tv "$r" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')" \
	    "$(tv "$r" 'User time (seconds)')" \
	    "$(tv "$r" 'System time (seconds)')"
	sed -n 's/^program /    program: /p; s/^handler /    handler: /p' \
	    "$r.out"
	grep '^heapprof:' "$r.err" | sed 's/^/    /'
done
finish
