#!/bin/sh
# SPDX-License-Identifier: MIT
# heapprof(1), SYMBOLS, lists every rule of the frame table (src/frames.c):
# a rule added to the code and not to the page fails here.
. "$top_srcdir/tests/lib.sh"

sed -n 's/^	{ "\(.*\)", FRAME_[A-Z_]* },$/\1/p' "$top_srcdir/src/frames.c" |
    sed 's/^=//; s/\\\\//g' >rules
expect_eq "the table has its rules" 1 "$(test "$(wc -l <rules)" -gt 50 &&
    echo 1)"
missing=0
while IFS= read -r rule; do
	if ! grep -qF -- "$rule" "$top_srcdir/man/heapprof.1"; then
		fail "rule '$rule' is not in heapprof(1)"
		missing=$((missing + 1))
	fi
done <rules
expect_eq "every rule in the man page" 0 "$missing"
finish
