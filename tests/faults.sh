#!/bin/sh
# SPDX-License-Identifier: MIT
# faults.sh RUNS [SEED] - `make faults`: RUNS runs of tests/progs/faulty.c,
# a threaded program, under heapprof, each killed at a random point: the
# program or heapprof, by SIGKILL or SIGSEGV, from inside after N events or
# from outside after a random delay.  The plan comes from SEED (the time
# when not given; printed, so that a failure can be run again).
# faults.sh --check - the same with a fixed plan of a few runs, for
# make check (t0350): no delays, kills after N events only.
#
# Every run must end within its bound, leave no process behind, and
#  - when the program was killed (or finished): heapprof ends as it did,
#    and its profile holds every call the program's oracle says returned
#    before the kill, and no call that had not started:
#      done <= profile <= done + under way
#    for mallocs (tbk) and frees (tbk - ebk), with no anomaly but the
#    records the killed threads had reserved and not finished ("malformed
#    events", at most one per thread);
#  - when heapprof was killed: there is no profile, said so, and the
#    program ran to its end (a dead collector must not hang it).
. "$top_srcdir/tests/lib.sh"

ulimit -c 0
# A sanitized heapprof must die of the SIGSEGV it is sent, as heapprof does.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0
export ASAN_OPTIONS
BOUND=${FAULTS_BOUND:-60}

# totals DATA: tb tbk eb ebk of fault_block's sites, as "tbk ebk"
counts() {
	profile_totals "$1" fault_block |
	    sed 's/.*tbk=\([0-9]*\) eb=[0-9]* ebk=\([0-9]*\).*/\1 \2/'
}

# field NAME WORD: the number after WORD in faulty's reading of the oracle
field() {
	sed -n "s/.* $2 \([0-9]*\).*/\1/p" "$1.oracle.txt"
}

# fault_run NAME THREADS EVENTS KILL_AT VICTIM [DELAY]
# VICTIM as faulty.c's, or ext-kill/ext-segv: the script kills the
# program DELAY seconds after it started.
fault_run() {
	_n=$1 _threads=$2 _events=$3 _at=$4 _victim=$5 _delay=${6:-0}
	_inside=$_victim
	case $_victim in
	ext-*) _inside=none ;;
	esac
	rm -f "$_n.rc" "$_n.oracle"
	# The pipe ends only when the program, orphaned if heapprof died,
	# exits; and timeout kills its whole process group, the program
	# included (heapprof leaves it in the group it was started in).
	timeout -s KILL "$BOUND" sh -c '{ "$1" run -o "$2" -- "$3" "$4" \
	    "$5" "$6" "$7" "$8" 2>"$9"; echo $? >"$9.rc"; } | cat >"$9.out"' \
	    sh "$HP" "$_n.data" "$PROGS/faulty" "$_n.oracle" "$_threads" \
	    "$_events" "$_at" "$_inside" "$_n.err" &
	_job=$!
	case $_victim in
	ext-*)
		while [ ! -s "$_n.oracle" ] && [ ! -f "$_n.err.rc" ]; do
			sleep 0.01
		done
		sleep "$_delay"
		_pid=$("$PROGS/faulty" read "$_n.oracle" 2>/dev/null |
		    sed -n 's/^pid \([0-9]*\).*/\1/p')
		[ -n "$_pid" ] && [ "$_pid" -gt 0 ] &&
		    kill -s "$(echo "${_victim#ext-}" | tr a-z A-Z)" \
		    "$_pid" 2>/dev/null
		;;
	esac
	wait "$_job"
	_bound=$?
	_what="$_n: $_threads threads, $_events events, $_victim"
	if [ "$_victim" = none ]; then
		_what="$_n: $_threads threads, $_events events, nobody killed"
	elif [ "$_inside" = none ]; then
		_what="$_what after ${_delay}s"
	else
		_what="$_what after $_at events"
	fi
	[ -z "${HEAPPROF_TEST_SLOW_COLLECTOR:-}" ] ||
	    _what="$_what, slow collector"
	"$PROGS/faulty" read "$_n.oracle" >"$_n.oracle.txt" ||
	    { fail "$_what: no oracle"; return; }
	if [ "$_bound" -ne 0 ] || [ ! -f "$_n.err.rc" ]; then
		fail "$_what: hung, killed after ${BOUND}s"
		sed 's/^/    /' "$_n.err"
		return
	fi
	_pid=$(field "$_n" pid)
	if kill -0 "$_pid" 2>/dev/null; then
		kill -KILL "$_pid"
		fail "$_what: the program was left running"
		return
	fi
	_rc=$(cat "$_n.err.rc")
	_allocs=$(field "$_n" allocs) _frees=$(field "$_n" frees)
	_in_alloc=$(field "$_n" in_alloc) _in_free=$(field "$_n" in_free)
	if [ "$(field "$_n" finished)" = 1 ] && [ "$_rc" -ne 0 ]; then
		# heapprof died, the program did not.
		if [ -e "$_n.data" ] || ls "$_n".data.tmp* >/dev/null 2>&1; then
			fail "$_what: heapprof died ($_rc), yet a profile"
		elif [ "$_rc" -ne 137 ] && [ "$_rc" -ne 139 ]; then
			fail "$_what: heapprof ended with $_rc"
		else
			echo "ok: $_what: heapprof killed (status $_rc):" \
			    "no profile; the program finished"
		fi
		return
	fi
	case $_rc in
	0|137|139) ;;
	*)
		fail "$_what: heapprof ended with $_rc"
		sed 's/^/    /' "$_n.err"
		return
		;;
	esac
	[ -f "$_n.data" ] || { fail "$_what: no profile"; return; }
	set -- $(counts "$_n.data")
	_tbk=$1 _freed=$(($1 - $2))
	if [ "$_tbk" -lt "$_allocs" ] ||
	    [ "$_tbk" -gt $((_allocs + _in_alloc)) ] ||
	    [ "$_freed" -lt "$_frees" ] ||
	    [ "$_freed" -gt $((_frees + _in_free)) ]; then
		fail "$_what (status $_rc): the profile has $_tbk mallocs" \
		    "and $_freed frees; the program made $_allocs (+$_in_alloc" \
		    "under way) and $_frees (+$_in_free)"
		sed 's/^/    /' "$_n.err"
		return
	fi
	"$HP" report "$_n.data" >"$_n.txt" 2>&1 ||
	    { fail "$_what: report"; return; }
	_anom=$(sed -n 's/^anomalies: *//p' "$_n.txt")
	_bad=$(echo "$_anom" | sed -n 's/.* \([0-9]*\) malformed events$/\1/p')
	if [ -n "$_anom" ] && ! echo "$_anom" | grep -qE \
	    '^0 frees of unknown blocks?, 0 [^,]*, 0 [^,]*, [0-9]+ malformed'; then
		fail "$_what: anomalies: $_anom"
	elif [ "${_bad:-0}" -gt "$_threads" ] ||
	    { [ "$_rc" -eq 0 ] && [ "${_bad:-0}" -ne 0 ]; }; then
		fail "$_what: $_bad malformed events (status $_rc)"
	else
		echo "ok: $_what (status $_rc): $_tbk mallocs, $_freed frees" \
		    "in the profile; $_allocs+$_in_alloc and" \
		    "$_frees+$_in_free made${_bad:+; $_bad records left unfinished}"
	fi
}

if [ "${1:-}" = --check ]; then
	i=0
	# After heapprof's death, enough events to fill the ring many times.
	for victim in self-kill self-segv cli-kill cli-segv; do
		for at in 1000 30000; do
			i=$((i + 1))
			fault_run "r$i" 4 400000 "$at" "$victim"
		done
	done
	# A collector behind (the ring full, producers waiting) when the
	# program dies: what the ring holds then is still collected.
	export HEAPPROF_TEST_SLOW_COLLECTOR=200
	fault_run slow-kill 4 100000 20000 self-kill
	fault_run slow-segv 4 100000 20000 self-segv
	fault_run slow-cli 4 100000 20000 cli-kill
	unset HEAPPROF_TEST_SLOW_COLLECTOR
	fault_run whole 4 40000 0 none
	finish
fi

RUNS=${1:-100}
SEED=${2:-$(date +%s)}
echo "faults: $RUNS runs, seed $SEED (make faults FAULTS_SEED=$SEED)"
awk -v runs="$RUNS" -v seed="$SEED" 'BEGIN {
	srand(seed)
	split("self-kill self-segv cli-kill cli-segv ext-kill ext-segv", v)
	for (i = 1; i <= runs; i++) {
		threads = 1 + int(rand() * 16)
		events = 10000 + int(rand() * 390000)
		victim = v[1 + int(rand() * 6)]
		at = 1 + int(rand() * events)
		delay = victim ~ /^ext/ ? sprintf("%.3f", rand() * 0.3) : 0
		slow = rand() < 0.25 ? 1 + int(rand() * 300) : 0
		print threads, events, at, victim, delay, slow
	}
}' >plan
i=0
while read -r threads events at victim delay slow; do
	i=$((i + 1))
	if [ "$slow" -gt 0 ]; then
		export HEAPPROF_TEST_SLOW_COLLECTOR=$slow
	else
		unset HEAPPROF_TEST_SLOW_COLLECTOR
	fi
	fault_run "r$i" "$threads" "$events" "$at" "$victim" "$delay"
done <plan
echo "faults: $RUNS runs, seed $SEED, $failures failed"
finish
