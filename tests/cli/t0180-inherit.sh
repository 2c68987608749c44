#!/bin/sh
# SPDX-License-Identifier: MIT
# The program gets exactly the signal dispositions, signal mask and
# file-size limit heapprof was given, and heapprof keeps them too: an
# ignored SIGHUP (nohup) stays ignored; a low `ulimit -f` neither kills
# heapprof with SIGXFSZ nor loses the profile.
. "$top_srcdir/tests/lib.sh"

# same WHAT CMD...: CMD's output natively and under heapprof are equal.
same() {
	_what=$1
	shift
	"$@" >native.txt 2>&1
	"$HP" run -o same.data "$@" >profiled.txt 2>hp.err ||
		fail "$_what: heapprof run: $(cat hp.err)"
	expect_eq "$_what" "$(cat native.txt)" "$(cat profiled.txt)"
}

same "dispositions as given" grep '^SigIgn' /proc/self/status
(trap '' HUP INT QUIT TERM
same "ignored signals stay ignored" grep '^SigIgn' /proc/self/status
exit $failures) || failures=$((failures + 1))

# The mask: blocked by the caller, blocked in the program.
blocked() {
	python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGTERM})
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}
blocked grep '^SigBlk' /proc/self/status >native.txt 2>&1
blocked "$HP" run -o mask.data grep '^SigBlk' /proc/self/status \
    >profiled.txt 2>mask.err || fail "mask: $(cat mask.err)"
expect_eq "blocked signals as given" "$(cat native.txt)" "$(cat profiled.txt)"
expect_match "the mask was not empty" 'SigBlk:.*[1-9a-f]' profiled.txt

# nohup: SIGHUP sent to heapprof kills neither heapprof nor the program.
rm -f ready
mkfifo ready || fail "mkfifo"
(trap '' HUP; exec "$HP" run -o hup.data "$PROGS/blocker" ready catch) \
    >out 2>err &
pid=$!
if [ "$(timeout 60 cat ready)" = ready ]; then
	kill -s HUP $pid
	kill -s TERM $pid
else
	fail "the program never said it was ready"
	kill -s KILL $pid
fi
wait $pid
rc=$?
expect_eq "SIGHUP ignored: the program ended by its SIGTERM handler" 3 "$rc"
expect_eq "the program's handler ran" "caught SIGTERM" "$(cat out)"

# A soft file-size limit below the ring's size: the program sees the
# limit it was given, and the profile is written.
(ulimit -S -f 16
same "the file-size limit as given" grep '^Max file size' /proc/self/limits
"$HP" run -o limited.data /bin/echo hi >out 2>err
echo "rc=$?" >rc.txt
exit $failures) || failures=$((failures + 1))
expect_eq "soft limit: heapprof ran the program" "rc=0" "$(cat rc.txt)"
expect_eq "soft limit: its output" "hi" "$(cat out)"
"$HP" report limited.data >report.txt 2>&1 || fail "soft limit: report"
expect_grep "soft limit: the profile was written" "command:  /bin/echo hi" \
    report.txt

# A hard limit heapprof cannot raise: one clear line, no signal, no file.
(ulimit -f 16
"$HP" run -o hard.data /bin/echo hi >out 2>err
echo "rc=$?" >rc.txt)
if [ "$(cat rc.txt)" = rc=0 ]; then
	echo "ok: hard limit: heapprof may raise it here"
else
	expect_eq "hard limit: heapprof's own failure" "rc=1" "$(cat rc.txt)"
	expect_grep "hard limit: says why" \
	    "heapprof: cannot create the event ring: it needs 4.0 MiB and the file-size limit (ulimit -f) is 16.0 KiB" err
	expect_eq "hard limit: no file left" "" "$(ls hard.data* 2>/dev/null)"
fi
finish
