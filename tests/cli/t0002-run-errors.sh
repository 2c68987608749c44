#!/bin/sh
# SPDX-License-Identifier: MIT
# run: every bad input gets one line, the right status, and loses nothing.
. "$top_srcdir/tests/lib.sh"

echo keep >heapprof.data

run_status rc "$HP" run
expect_eq "no program: status" 64 "$rc"
expect_grep "no program: message" "heapprof run: no program to run" err

run_status rc "$HP" run -- /nonexistent
expect_eq "missing program: status" 127 "$rc"
expect_eq "missing program: message" "heapprof: cannot run '/nonexistent': No such file or directory" "$(cat err)"

run_status rc "$HP" run no-such-program-anywhere
expect_eq "program not in PATH: status" 127 "$rc"

printf 'x' >notexec
chmod 644 notexec
run_status rc "$HP" run ./notexec
expect_eq "not executable: status" 126 "$rc"
expect_eq "not executable: message" "heapprof: cannot run './notexec': Permission denied" "$(cat err)"

HEAPPROF_AGENT=/nonexistent/agent.so "$HP" run sh -c 'touch ran' >out 2>err
rc=$?
expect_eq "missing agent: status" 1 "$rc"
expect_eq "missing agent: message" "heapprof: cannot use agent '/nonexistent/agent.so': No such file or directory" "$(cat err)"

run_status rc "$HP" run -o nodir/x.data sh -c 'touch ran'
expect_eq "-o into a missing directory: status" 1 "$rc"
expect_eq "-o into a missing directory: message" "heapprof: cannot write 'nodir/x.data': No such file or directory" "$(cat err)"

[ ! -e ran ] || fail "the program ran although heapprof could not"
expect_eq "heapprof.data untouched" keep "$(cat heapprof.data)"
[ ! -e heapprof.data.old ] || fail "a failed run renamed heapprof.data"

run_status rc "$HP" run --no-such-option ./x
expect_eq "unknown option: status" 64 "$rc"
finish
