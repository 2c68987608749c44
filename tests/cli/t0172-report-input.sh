#!/bin/sh
# SPDX-License-Identifier: MIT
# Where report reads from: a pipe (as /dev/stdin or "-") and a FIFO are
# read to their end; a FIFO no one writes to is refused at once instead
# of waited for; a large file that is no profile is refused from its
# header, without reading it or allocating its size.
. "$top_srcdir/tests/lib.sh"

"$HP" run -o good.data "$PROGS/basic" >/dev/null 2>&1 || fail "run basic"
"$HP" report good.data >file.txt || fail "report good.data"

# report_pipe NAME: good.data piped to report NAME, as `cat | report`.
report_pipe() {
	cat good.data | {
		"$HP" report "$1" >out 2>err
		echo $? >rc
	}
	rc=$(cat rc)
}
for name in /dev/stdin -; do
	report_pipe "$name"
	expect_eq "pipe as '$name': status" 0 "$rc"
	if cmp -s file.txt out; then
		echo "ok: pipe as '$name': the file's report"
	else
		fail "pipe as '$name': report differs:"
		diff file.txt out
		cat err
	fi
done
run_status rc "$HP" report - <good.data
expect_eq "a file on the standard input" "$(cat file.txt)" "$(cat out)"
: | { "$HP" report - >out 2>err; echo $? >rc; }
expect_eq "an empty pipe: status" 1 "$(cat rc)"
expect_eq "an empty pipe: message" "heapprof: '-': empty file, not a profile" \
    "$(cat err)"

# A FIFO with a writer: the writer's open waits for a reader, the
# shell's (fd 3) for the writer, so report finds the data there.
mkfifo fifo || skip "mkfifo"
cat good.data >fifo &
exec 3<fifo
run_status rc "$HP" report fifo
exec 3<&-
wait
expect_eq "FIFO with a writer: status" 0 "$rc"
expect_eq "FIFO with a writer: the file's report" "$(cat file.txt)" \
    "$(cat out)"

# No writer: not a hang (timeout only keeps a broken build from hanging
# make check; it is not what the test waits for).
run_status rc timeout 60 "$HP" report fifo
expect_eq "FIFO without a writer: status" 1 "$rc"
expect_eq "FIFO without a writer: message" \
    "heapprof: cannot read 'fifo': a FIFO with no writer" "$(cat err)"

# 2 GiB of a sparse file, in an address space far smaller; under ASan
# (which reserves terabytes of shadow memory) a cap on each allocation
# stands in for the limit.
truncate -s 2G big.data || skip "truncate"
if ldd "$HP" 2>/dev/null | grep -q libasan; then
	cap=max_allocation_size_mb=256:allocator_may_return_null=1
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}$cap \
	    run_status rc "$HP" report big.data
else
	run_status rc sh -c 'ulimit -v 262144 && exec "$0" report big.data' \
	    "$HP"
fi
expect_eq "2 GiB file: status" 1 "$rc"
expect_eq "2 GiB file: message" \
    "heapprof: 'big.data': not a heapprof profile" "$(cat err)"
finish
