#!/bin/sh
# SPDX-License-Identifier: MIT
# A `#!` script: its interpreter is what runs, and what is profiled.
. "$top_srcdir/tests/lib.sh"

sh=$(command -v sh)
printf '#!%s\necho "script ran with $1"\n' "$sh" >script
chmod +x script
./script arg >native.out
run_status rc "$HP" run -o script.data ./script arg
expect_eq "script exits 0" 0 "$rc"
cmp -s native.out out || fail "the script's stdout differs under heapprof"
expect_eq "stdout" "script ran with arg" "$(cat out)"
"$HP" report script.data >report.txt || fail "report"
expect_grep "command is the script" "command:  ./script arg" report.txt
# The shell allocates (its own stack of words at least), and the sites
# are its own: Debian's shells are stripped, so frames show its name.
blocks=$(sed -n 's/^total: .* in \([0-9]*\) blocks$/\1/p' report.txt)
[ "${blocks:-0}" -gt 0 ] || fail "no blocks from the interpreter"
name=$(basename "$(readlink -f "$sh")")
expect_match "sites are the interpreter's" "^    $name\\+0x" report.txt
expect_no_anomalies "script" script.data
finish
