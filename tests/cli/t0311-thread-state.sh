#!/bin/sh
# SPDX-License-Identifier: MIT
# The agent keeps its per-thread state without thread-local storage (its
# shared object has no TLS segment), in slots found by the thread's glibc
# descriptor: a new thread that gets a dead thread's descriptor (glibc
# reuses cached stacks) starts afresh, a forked child's thread keeps the
# forking thread's state.  In a full table (HEAPPROF_THREAD_SLOTS=2), a
# thread at a new descriptor takes the slot of a thread that has exited,
# emptied.  Threads that find no slot (HEAPPROF_THREAD_SLOTS=0: there is
# no table) share one, taken in turn: 32 threads at once still have every
# event recorded.
. "$top_srcdir/tests/lib.sh"
agent="$top_builddir/src/.libs/libheapprof-agent.so"
[ -e "$agent" ] || fail "no agent at $agent"
if command -v readelf >/dev/null; then
	if readelf -lW "$agent" | grep -q '^ *TLS '; then
		fail "the agent has a TLS segment"
	else
		echo "ok: the agent has no TLS segment"
	fi
fi

run_status rc "$HP" run --children -o state.data "$PROGS/thread-state"
expect_eq "thread-state exits 0" 0 "$rc"
expect_eq "what the threads saw" "descriptor reused
new thread 0 0
child 2 30" "$(cat out)"

run_status rc env HEAPPROF_THREAD_SLOTS=2 "$HP" run -o stacks.data \
    "$PROGS/thread-state" stacks 12
expect_eq "12 threads at new descriptors, 2 slots: exit 0" 0 "$rc"
expect_eq "12 threads at new descriptors, 2 slots: each starts afresh" \
    "stale 0 of 12" "$(cat out)"

run_status rc env HEAPPROF_THREAD_SLOTS=0 "$HP" run -o threads.data \
    "$PROGS/threads" 32 20000
expect_eq "threads on one shared slot exit 0" 0 "$rc"
expected=$(sed -n 's/^expect //p' err)
[ -n "$expected" ] || fail "threads printed no totals"
expect_eq "threads on one shared slot: totals exact" "$expected" \
    "$(profile_totals threads.data worker | sed 's/ *gb=.*//')"
expect_no_anomalies "threads on one shared slot" threads.data
finish
