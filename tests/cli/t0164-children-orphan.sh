#!/bin/sh
# SPDX-License-Identifier: MIT
# --children: a target that forks and ends at once, as a daemon does,
# leaves a child that may not have asked for its ring yet when heapprof
# sees the target end (HEAPPROF_TEST_SLOW_ANSWER makes sure it has not):
# heapprof waits for it all the same, and writes its profile.
. "$top_srcdir/tests/lib.sh"
command -v timeout >/dev/null || skip "timeout(1) not installed"

mkfifo say go || fail "mkfifo"
exec 3<>go 4<>say
heard() {
	timeout 10 sh -c 'IFS= read -r l && printf "%s\n" "$l"' <&4
}

HEAPPROF_TEST_SLOW_ANSWER=300 timeout --foreground -s KILL 30 \
    "$HP" run --children -o d.data "$PROGS/lingerer" say go fork \
    >out 2>err 3>&- 4>&- &
timeout_pid=$!
set -- $(heard)
set -- $(heard)
[ "${1:-}" = orphan ] || fail "the child did not say it was orphaned"
orphan=${2:-0}
printf x >&3
wait $timeout_pid
rc=$?
expect_eq "heapprof exits as the target did" 0 "$rc"
[ -f "d.data.$orphan" ] || fail "no d.data.$orphan: $(echo d.data*)"
expect_eq "the child's totals" "tb=300 tbk=1 eb=300 ebk=1 gb=300 gbk=1 " \
    "$(profile_totals "d.data.$orphan")"
expect_no_anomalies "the child" "d.data.$orphan"
finish
