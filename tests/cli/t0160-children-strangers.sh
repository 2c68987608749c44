#!/bin/sh
# SPDX-License-Identifier: MIT
# --children listens on an abstract socket that any local process can
# reach: only a process of the target's tree, asking for its own pid, gets
# a ring.  A stranger of the same user is refused, whatever pid it claims:
# no profile is written for it, and heapprof neither waits for it nor stops
# hearing SIGTERM.  A process of the tree lying about its pid is refused
# too, and the ring a process gets cannot be shrunk under heapprof.
. "$top_srcdir/tests/lib.sh"
command -v timeout >/dev/null || skip "timeout(1) not installed"

mkfifo say go || fail "mkfifo"
# Held open here, so the target never blocks opening them; a byte written
# to go lets it end.
exec 3<>go 4<>say

# heard: the next line the target writes into say (empty after 10 s).
heard() {
	timeout 10 sh -c 'IFS= read -r l && printf "%s\n" "$l"' <&4
}

# start DATA: heapprof runs lingerer in the background (killed if it is
# still there after 30 s: a failure); sets sock, hp and target.
start() {
	timeout --foreground -s KILL 30 "$HP" run --children -o "$1" \
	    "$PROGS/lingerer" say go >out 2>err 3>&- 4>&- &
	timeout_pid=$!
	set -- $(heard)
	sock=${1:-none} hp=${2:-0} target=${3:-0}
	[ "$sock" != none ] || fail "the target did not say heapprof's socket"
}

# claim WHAT PID: a process outside the tree claims PID.
claim() {
	"$PROGS/claimer" "$sock" "$2" >claim.out 2>&1
	expect_eq "a stranger claiming $1 is refused" refused "$(cat claim.out)"
}

start s.data
claim "pid 1" 1
claim "heapprof's pid" "$hp"
claim "the target's pid" "$target"
claim "its own pid" self
printf x >&3
wait $timeout_pid
rc=$?
expect_eq "heapprof ends as the target did" 0 "$rc"
expect_eq "no profile but the target's" "s.data" "$(echo s.data*)"
expect_eq "one summary line" 1 "$(grep -c '^heapprof: ' err)"

# After a stranger's claim of pid 1, SIGTERM to heapprof still reaches the
# target, and heapprof ends as it did.
start t.data
claim "pid 1" 1
kill -s TERM "$hp"
wait $timeout_pid
rc=$?
expect_eq "SIGTERM: heapprof dies of it" 143 "$rc"
"$HP" report t.data >t.txt 2>&1 || fail "report t.data"
expect_grep "SIGTERM: the target died of it" "killed by signal 15" t.txt
expect_eq "SIGTERM: no profile but the target's" "t.data" "$(echo t.data*)"

# Inside the tree, only the process's own pid is answered.
for who in 1 parent; do
	run_status rc timeout --foreground -s KILL 30 "$HP" run --children \
	    -o "in-$who.data" "$PROGS/claimer" - "$who"
	expect_eq "the target claiming $who: heapprof exits 0" 0 "$rc"
	expect_eq "the target claiming $who is refused" refused "$(cat out)"
	expect_eq "the target claiming $who: no other profile" \
	    "in-$who.data" "$(echo in-"$who".data*)"
done
run_status rc timeout --foreground -s KILL 30 "$HP" run --children \
    -o self.data "$PROGS/claimer" - self
expect_eq "the target claiming itself: heapprof exits 0" 0 "$rc"
expect_eq "the target claiming itself gets a ring it cannot shrink" \
    "answered
shrink: refused" "$(cat out)"
printf xxxx >&3
finish
