#!/bin/sh
# SPDX-License-Identifier: MIT
# valgrind DHAT's own viewer, in headless Chromium, reads heapprof's JSON
# through its file input and shows heapprof's totals, at the peak and at
# exit, and one program point per site of the text report, with no
# console or page error: for tests/progs/sortkeys, whose sites the page
# shows one by one, and for sqlite3, partly without symbols.
. "$top_srcdir/tests/lib.sh"
VIEWER=/usr/libexec/valgrind/dh_view.html
[ -f "$VIEWER" ] || skip "valgrind's DHAT viewer not installed ($VIEWER)"

# expected DATA: "tb tbk gb gbk eb ebk sites" from the text report.
expected() {
	"$HP" report --bytes --top=1 "$1" >"$1.txt" 2>/dev/null ||
	    fail "report $1"
	sed -n 's/^total: *\([0-9]*\) in \([0-9]*\) blocks$/\1 \2/p;
	    s/^peak: *\([0-9]*\) in \([0-9]*\) blocks, .*/\1 \2/p;
	    s/^at exit: *\([0-9]*\) in \([0-9]*\) blocks$/\1 \2/p;
	    s/^sites: *\([0-9]*\),.*/\1/p' "$1.txt" | tr '\n' ' ' | sed 's/ $//'
}

"$HP" run -o s.data "$PROGS/sortkeys" 2>/dev/null || fail "run sortkeys"
"$HP" report --format=dhat s.data >s.json || fail "report s.data"
set -- s.json "$(expected s.data)"
expect_eq "sortkeys: what the viewer should show" "19000 121 11000 20 2000 5 4" "$2"
if command -v sqlite3 >/dev/null; then
	"$HP" run -o q.data sqlite3 -batch :memory: "CREATE TABLE t(a,b);
	    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s
	    WHERE i<20000) INSERT INTO t SELECT i, hex(i*7) FROM s;
	    CREATE INDEX x ON t(b);" >/dev/null 2>&1 || fail "run sqlite3"
	"$HP" report --format=dhat q.data >q.json 2>/dev/null ||
	    fail "report q.data"
	set -- "$@" q.json "$(expected q.data)"
else
	echo "SKIP: sqlite3 not installed"
fi
browser_run dh-view.js "$VIEWER" "$@"
finish
