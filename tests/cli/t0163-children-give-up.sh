#!/bin/sh
# SPDX-License-Identifier: MIT
# --children: heapprof waits for every profiled process of the tree, but a
# SIGTERM it gets once the target has ended stops the wait: it writes the
# profiles, the target's exit status is its own, and the process still
# running keeps running, its profile holding what it did so far.
. "$top_srcdir/tests/lib.sh"
command -v timeout >/dev/null || skip "timeout(1) not installed"

mkfifo say go || fail "mkfifo"
exec 3<>go 4<>say
heard() {
	timeout 10 sh -c 'IFS= read -r l && printf "%s\n" "$l"' <&4
}

timeout --foreground -s KILL 30 "$HP" run --children -o g.data \
    "$PROGS/lingerer" say go fork >out 2>err 3>&- 4>&- &
timeout_pid=$!
set -- $(heard)
hp=${2:-0}
# The child says so once its parent, the target, has ended.
set -- $(heard)
[ "${1:-}" = orphan ] || fail "the child did not say it was orphaned"
orphan=${2:-0}
kill -s TERM "$hp"
wait $timeout_pid
rc=$?
expect_eq "heapprof stops waiting and exits as the target did" 0 "$rc"
if kill -s 0 "$orphan" 2>/dev/null; then
	echo "ok: the child keeps running"
else
	fail "the child did not keep running"
fi
expect_eq "the target's totals" "tb=0 tbk=0 eb=0 ebk=0 gb=0 gbk=0 " \
    "$(profile_totals g.data)"
[ -f "g.data.$orphan" ] || fail "no g.data.$orphan: $(echo g.data*)"
expect_eq "the child's totals so far" \
    "tb=300 tbk=1 eb=300 ebk=1 gb=300 gbk=1 " \
    "$(profile_totals "g.data.$orphan")"
printf x >&3
finish
