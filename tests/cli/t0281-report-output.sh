#!/bin/sh
# SPDX-License-Identifier: MIT
# report -o FILE: the report goes to FILE (replacing what was there, via
# a temporary file), nothing to stdout; what is no regular file (a pipe,
# /dev/stdout) is written in place; the profile being read is never the
# output, by name or through a link; a file that cannot be created is an
# error that leaves nothing behind.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o b.data "$PROGS/basic"
expect_eq "run basic" 0 "$rc"
cp b.data keep.data
"$HP" report b.data >want.txt || fail "report to stdout"

echo old >r.txt
run_status rc "$HP" report -o r.txt b.data
expect_eq "-o: status" 0 "$rc"
expect_eq "-o: nothing on stdout" "" "$(cat out)"
if cmp -s want.txt r.txt; then
	echo "ok: -o: the file holds the report, the old content replaced"
else
	fail "-o: r.txt differs from the report on stdout"
	diff want.txt r.txt
fi
run_status rc "$HP" report --output=f.txt --format=folded b.data
expect_eq "--output: status" 0 "$rc"
expect_eq "--output: the folded stacks" 2 "$(wc -l <f.txt)"

run_status rc "$HP" report -o b.data b.data
expect_eq "-o the profile: error" 1 "$rc"
expect_eq "-o the profile: why" \
    "heapprof: will not overwrite the profile 'b.data' with its report" \
    "$(cat err)"
ln -s b.data link.data
run_status rc "$HP" report --format=html -o link.data b.data
expect_eq "-o a link to the profile: error" 1 "$rc"
if cmp -s b.data keep.data; then
	echo "ok: the profile is untouched"
else
	fail "the profile changed"
fi

run_status rc "$HP" report -o no/such/dir/r.txt b.data
expect_eq "-o into a missing directory: error" 1 "$rc"
expect_match "-o into a missing directory: why" \
    "^heapprof: cannot create 'no/such/dir/r.txt.tmp[0-9]+': No such file or directory$" err

# A pipe stays a pipe: renaming over it would make it a file.
mkfifo fifo
cat fifo >from-fifo.txt &
reader=$!
run_status rc "$HP" report -o fifo b.data
wait "$reader"
expect_eq "-o a pipe: status" 0 "$rc"
if [ -p fifo ] && cmp -s want.txt from-fifo.txt; then
	echo "ok: -o a pipe: written through it, still a pipe"
else
	fail "-o a pipe: $(ls -l fifo)"
fi
run_status rc "$HP" report --format=folded -o /dev/stdout b.data
expect_eq "-o /dev/stdout: the report on stdout" 2 "$(wc -l <out)"
expect_eq "no temporary file left" "" "$(ls | grep tmp)"

run_status rc "$HP" report -o "" b.data
expect_eq "-o '': usage error" 64 "$rc"
finish
