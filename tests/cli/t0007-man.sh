#!/bin/sh
# SPDX-License-Identifier: MIT
# The man pages are clean mdoc and document every option --help shows.
. "$top_srcdir/tests/lib.sh"
[ -n "${MANDOC:-}" ] && [ -x "$MANDOC" ] || skip "mandoc not installed"

for page in "$top_srcdir/man/heapprof.1" "$top_srcdir/man/heapprof-data.5" \
    "$top_srcdir/man/heapprof.h.3"; do
	"$MANDOC" -Tlint -Wwarning "$page" >lint.txt 2>&1
	expect_eq "mandoc -Tlint $(basename "$page")" "" "$(cat lint.txt)"
done
"$MANDOC" -Tascii "$top_srcdir/man/heapprof.1" | sed "s/.\x08//g" >page.txt
for cmd in run report; do
	"$HP" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u |
	    grep -v -e '--help' -e '--usage' -e '--version' >opts.txt
	while read -r opt; do
		expect_grep "$cmd $opt documented" "$opt" page.txt
	done <opts.txt
done
finish
