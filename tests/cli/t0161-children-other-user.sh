#!/bin/sh
# SPDX-License-Identifier: MIT
# --children: a process of another user that finds heapprof's socket (it
# is abstract: any local user can connect) is refused, whatever pid it
# claims, and heapprof, run by root here, writes nothing for it.
. "$top_srcdir/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip "not root: no other user to be"
command -v setpriv >/dev/null || skip "setpriv(1) not installed"
command -v timeout >/dev/null || skip "timeout(1) not installed"
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
$nobody true 2>/dev/null || skip "cannot become uid 65534"

# The other user must be able to run its copy of the claimer.
chmod 711 "$HP_TMP" && cp "$PROGS/claimer" claimer && chmod 755 claimer ||
    fail "cannot copy the claimer"
mkfifo say go || fail "mkfifo"
exec 3<>go 4<>say

timeout --foreground -s KILL 30 "$HP" run --children -o o.data \
    "$PROGS/lingerer" say go >out 2>err 3>&- 4>&- &
timeout_pid=$!
set -- $(timeout 10 sh -c 'IFS= read -r l && printf "%s\n" "$l"' <&4)
sock=${1:-none} target=${3:-0}
[ "$sock" != none ] || fail "the target did not say heapprof's socket"
for pid in 1 "$target" self; do
	$nobody "$HP_TMP/claimer" "$sock" "$pid" >claim.out 2>&1
	expect_eq "uid 65534 claiming $pid is refused" refused \
	    "$(cat claim.out)"
done
printf x >&3
wait $timeout_pid
rc=$?
expect_eq "heapprof ends as the target did" 0 "$rc"
expect_eq "no profile but the target's" "o.data" "$(echo o.data*)"
finish
