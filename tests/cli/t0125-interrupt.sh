#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof itself gets SIGINT or SIGTERM while the target runs: the signal
# reaches the target, as from a shell, and the profile holds what the
# target allocated before.
. "$top_srcdir/tests/lib.sh"
command -v timeout >/dev/null || skip "timeout(1) not installed"
exp="tb=500 tbk=2 eb=300 ebk=1 gb=500 gbk=2 "

# interrupt SIG NAME [catch]: run blocker, wait until it has allocated and
# blocks in pause(), send SIG to heapprof (not to the target), and leave
# heapprof's status in rc.
interrupt() {
	_sig=$1 _name=$2
	shift 2
	rm -f ready
	mkfifo ready || fail "mkfifo"
	# A shell without job control starts "&" with SIGINT ignored, and
	# heapprof and its program would keep it so: start them as from a
	# terminal.
	env --default-signal=INT "$HP" run -o $_name.data "$PROGS/blocker" ready \
	    "$@" >out 2>err &
	_pid=$!
	# blocker writes into the fifo once its blocks are made; a reader
	# that never sees it gives up, and so does the test.
	if timeout 60 cat ready >ready.txt && [ "$(cat ready.txt)" = ready ]; then
		kill -s $_sig $_pid
	else
		fail "$_name: the target never said it was ready"
		kill -s KILL $_pid
	fi
	wait $_pid
	rc=$?
}

# The target dies of the signal, so heapprof does too.
for sig in INT TERM; do
	interrupt $sig $sig
	case $sig in INT) n=2 ;; TERM) n=15 ;; esac
	expect_eq "SIG$sig: heapprof dies of it" $((128 + n)) "$rc"
	"$HP" report $sig.data >r.txt 2>&1 || fail "SIG$sig: report"
	expect_grep "SIG$sig: the target died of it" "killed by signal $n" r.txt
	expect_eq "SIG$sig: totals" "$exp" "$(profile_totals $sig.data)"
	expect_no_anomalies "SIG$sig" $sig.data
done

# A target that handles SIGTERM decides how it ends.
interrupt TERM caught catch
expect_eq "caught SIGTERM: heapprof exits as the target did" 3 "$rc"
expect_eq "the target's handler ran" "caught SIGTERM" "$(cat out)"
expect_eq "caught SIGTERM: totals" "$exp" "$(profile_totals caught.data)"
finish
