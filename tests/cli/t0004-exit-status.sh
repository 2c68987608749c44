#!/bin/sh
# SPDX-License-Identifier: MIT
# run ends as the target did: its status, or death by the same signal,
# with the profile written first, and holding everything the target
# allocated before it ended (blocks live then count as at exit).
. "$top_srcdir/tests/lib.sh"
ulimit -c 0
exp=$(cat "$top_srcdir/tests/progs/exitcode.exp")

for code in 0 3 42; do
	run_status rc "$HP" run -o e$code.data "$PROGS/exitcode" $code
	expect_eq "exit $code" "$code" "$rc"
done
expect_eq "exit: totals" "$exp" "$(profile_totals e3.data)"

run_status rc "$HP" run -o _exit.data "$PROGS/exitcode" _exit 7
expect_eq "_exit 7" 7 "$rc"
expect_eq "_exit: totals" "$exp" "$(profile_totals _exit.data)"

# ends WHAT SIG ARGS...: the target, run with ARGS, dies of SIG
ends() {
	_what=$1 _sig=$2
	shift 2
	run_status rc "$HP" run -o s$_sig.data "$PROGS/exitcode" "$@"
	expect_eq "$_what: heapprof dies of signal $_sig" $((128 + _sig)) "$rc"
	"$HP" report --bytes s$_sig.data >r.txt 2>&1 ||
		fail "$_what: report after signal $_sig"
	expect_grep "$_what: the header says so" "killed by signal $_sig" r.txt
	expect_eq "$_what: totals" "$exp" "$(profile_totals s$_sig.data)"
	expect_no_anomalies "$_what" s$_sig.data
}
ends "raise(SIGTERM)" 15 kill 15
ends "raise(SIGKILL)" 9 kill 9
ends "a real fault" 11 segv
ends "abort()" 6 abort
finish
