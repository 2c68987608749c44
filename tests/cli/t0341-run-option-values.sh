#!/bin/sh
# SPDX-License-Identifier: MIT
# run's option values: absurd and overflowing sizes, negative numbers,
# signs, blanks and empty strings are usage errors (64) with one line
# saying which, and nothing is run; the largest size that fits is taken.
. "$top_srcdir/tests/lib.sh"

# usage WHY ARG...: run ARG... -- basic is refused with WHY
usage() {
	_why=$1
	shift
	run_status rc "$HP" run "$@" -- "$PROGS/basic"
	expect_eq "run $*: status" 64 "$rc"
	expect_eq "run $*: why" "heapprof run: $_why" "$(head -n1 err)"
	if [ -e heapprof.data ]; then
		fail "run $*: a profile was written"
		rm -f heapprof.data
	fi
}

size="a whole number, optionally with K, M or G"
usage "empty output file name" -o ''
usage "invalid size '': $size" --max-peak-bytes=
usage "invalid size '-1': $size" --max-peak-bytes=-1
usage "invalid size ' 5': $size" "--max-total-bytes= 5"
usage "invalid size '+5': $size" --max-total-blocks=+5
usage "invalid size '5KB': $size" --max-leaked-bytes=5KB
usage "invalid size '99999999999999999999K': $size" \
    --max-peak-bytes=99999999999999999999K
usage "invalid size '18446744073709551616': $size" \
    --max-peak-blocks=18446744073709551616
usage "invalid size '18014398509481984K': $size" \
    --max-peak-bytes=18014398509481984K
usage "invalid size '17179869184G': $size" --max-leaked-blocks=17179869184G
usage "invalid --error-exitcode '': a status from 1 to 255" --error-exitcode=
usage "invalid --error-exitcode '0': a status from 1 to 255" --error-exitcode=0
usage "invalid --error-exitcode '256': a status from 1 to 255" \
    --error-exitcode=256
usage "invalid --error-exitcode '-3': a status from 1 to 255" \
    --error-exitcode=-3
usage "invalid --error-exitcode ' 3': a status from 1 to 255" \
    "--error-exitcode= 3"
usage "invalid --error-exitcode '+3': a status from 1 to 255" \
    --error-exitcode=+3
usage "invalid --error-exitcode '99999999999999999999': a status from 1 to 255" \
    --error-exitcode=99999999999999999999
usage "invalid budget '': expected FUNCTION:METRIC OP N[,...]" --budget=
usage "'99999999999999999999K' is not a whole number (K, M, G allowed)" \
    "--budget=main:bytes<99999999999999999999K"
usage "invalid --mode '': heap or ad-hoc" --mode=
usage "invalid --keep '': always, on-failure or never" --keep=
usage "cannot open '': No such file or directory" --budgets=

# An empty program name is no program.
for args in "-- ''" "''"; do
	eval 'run_status rc "$HP" run '"$args"
	expect_eq "run $args: status" 64 "$rc"
	expect_eq "run $args: why" "heapprof run: empty program name" \
	    "$(head -n1 err)"
done

# The largest sizes that fit are limits like any other.
run_status rc "$HP" run --max-peak-bytes=17179869183G \
    --max-total-blocks=18446744073709551615 -- "$PROGS/basic"
expect_eq "the largest sizes: the program ran" 0 "$rc"
expect_eq "the largest sizes: no budget exceeded" "" \
    "$(grep -i budget err)"
finish
