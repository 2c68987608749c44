#!/bin/sh
# SPDX-License-Identifier: MIT
# Programs no one here wrote, whose allocations are deterministic for a
# given input: heapprof's totals are valgrind DHAT's, no anomalies, and
# each prints byte for byte what it prints without heapprof.
. "$top_srcdir/tests/lib.sh"
have_valgrind || echo "SKIP: valgrind not installed: stdout and anomalies only"
# Fixed locale, hash seed and home: the same allocations on every run.
LC_ALL=C PYTHONHASHSEED=0 HOME=$HP_TMP
export LC_ALL PYTHONHASHSEED HOME

awk 'BEGIN { for (i = 1; i <= 2000; i++) print (i * 7919) % 2003, "line", i }' \
    >input.txt
in=$HP_TMP/input.txt

expect_as_dhat sort sort -n "$in"
expect_as_dhat gzip gzip -c -9 "$in"
expect_as_dhat sed sed -E 's/([0-9]+) line ([0-9]+)/\2:\1/' "$in"
# grep's regex compiler makes zero-byte blocks, which DHAT counts as 1
# byte each: the DHAT export must follow it.
expect_as_dhat grep grep -E -c '^(1|2)[0-9]* line' "$in"
awk=$(command -v mawk || command -v gawk || command -v awk)
expect_as_dhat awk "$awk" '{ s[$1 % 10] += $1 } END { for (k = 0; k < 10; k++) print k, s[k] }' "$in"
if command -v xz >/dev/null; then
	expect_as_dhat xz xz -c -1 "$in"
else
	echo "SKIP: xz not installed"
fi
if command -v sqlite3 >/dev/null; then
	expect_as_dhat sqlite3 sqlite3 -batch :memory: \
	    'create table t(a, b); insert into t select value, hex(value) from generate_series(1, 500); create index i on t(b); select count(*), sum(a), max(b) from t;'
else
	echo "SKIP: sqlite3 not installed"
fi
# Debian's, not a version manager's shim found first in PATH.
if [ -x /usr/bin/python3 ]; then
	expect_as_dhat python3 /usr/bin/python3 -c \
	    'import json; print(json.dumps({str(i): i * i for i in range(200)})[:60])'
else
	echo "SKIP: /usr/bin/python3 not installed"
fi
finish
