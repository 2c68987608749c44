#!/bin/sh
# SPDX-License-Identifier: MIT
# report's option values: absurd numbers, signs, blanks and empty strings
# are usage errors (64) with one line saying which, never a report; the
# largest numbers mean "all".
. "$top_srcdir/tests/lib.sh"

cp "$top_srcdir/data/golden/basic-v5.data" b.data

# usage WHY ARG...: report ARG... b.data is refused with WHY
usage() {
	_why=$1
	shift
	run_status rc "$HP" report "$@" b.data
	expect_eq "report $*: status" 64 "$rc"
	expect_eq "report $*: why" "heapprof report: $_why" "$(head -n1 err)"
	expect_eq "report $*: no report" "" "$(cat out)"
}

usage "invalid --top '-1': expected a number" --top=-1
usage "invalid --top '': expected a number" --top=
usage "invalid --top ' 5': expected a number" "--top= 5"
usage "invalid --top '+5': expected a number" --top=+5
usage "invalid --top '5 ': expected a number" "--top=5 "
usage "invalid --top '1e3': expected a number" --top=1e3
usage "invalid --top '18446744073709551616': expected a number" \
    --top=18446744073709551616
usage "invalid --depth '-1': expected a number" --depth=-1
usage "invalid --depth '': expected a number" --depth=
usage "invalid --depth ' 3': expected a number" "--depth= 3"
usage "invalid --depth '+3': expected a number" --depth=+3
usage "invalid --depth '99999999999999999999999': expected a number" \
    --depth=99999999999999999999999
usage "empty file name for -o" -o ''
run_status rc "$HP" report ''
expect_eq "report '': status" 64 "$rc"
expect_eq "report '': why" "heapprof report: empty file name" "$(head -n1 err)"
run_status rc "$HP" report --sort= b.data
expect_eq "report --sort=: status" 64 "$rc"
expect_eq "report --sort=: why" "heapprof report: invalid sort key ''" \
    "$(head -n1 err | sed 's/ (valid keys: .*//')"
usage "invalid --group-by '' (stack or function)" --group-by=
usage "empty function name for --ignore-fn" --ignore-fn=
usage "invalid budget '': expected FUNCTION:METRIC OP N[,...]" --budget=
usage "'99999999999999999999K' is not a whole number (K, M, G allowed)" \
    "--budget=main:bytes<99999999999999999999K"
usage "'18014398509481984K' is not a whole number (K, M, G allowed)" \
    "--budget=main:bytes<18014398509481984K"
usage "'-1' is not a whole number (K, M, G allowed)" "--budget=main:bytes<-1"
usage "cannot open '': No such file or directory" --budgets=

# The largest counts are all sites and all frames, as 0 is.
"$HP" report --top=0 --depth=0 b.data >all.txt || fail "report --top=0"
run_status rc "$HP" report --top=18446744073709551615 \
    --depth=18446744073709551615 b.data
expect_eq "huge --top and --depth: status" 0 "$rc"
expect_eq "huge --top and --depth show everything" "$(cat all.txt)" \
    "$(cat out)"
finish
