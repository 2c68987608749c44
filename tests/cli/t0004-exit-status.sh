#!/bin/sh
# run ends as the target did: its status, or death by the same signal,
# with the profile written first.
. "$top_srcdir/tests/lib.sh"
ulimit -c 0

for code in 0 3 42; do
	run_status rc "$HP" run -o e$code.data "$PROGS/exitcode" $code
	expect_eq "exit $code" "$code" "$rc"
done

for sig in 15 11 6; do
	run_status rc "$HP" run -o s$sig.data "$PROGS/exitcode" kill $sig
	expect_eq "killed by signal $sig" $((128 + sig)) "$rc"
	"$HP" report --bytes s$sig.data >r.txt 2>&1 || fail "report after signal $sig"
	expect_grep "signal $sig: the leak is at exit" "at exit:  4096 in 1 blocks" r.txt
	expect_grep "signal $sig: the header says so" "killed by signal $sig" r.txt
done
finish
