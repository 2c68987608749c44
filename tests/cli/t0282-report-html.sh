#!/bin/sh
# SPDX-License-Identifier: MIT
# report --format=html in headless Chromium (tests/browser/html-report.js
# says what it checks): no console or page error and no request; for
# tests/progs/flame, whose call tree is known, the flame graph's leaves
# by each metric, the chart of live bytes with the peak marked, the table
# sorted by clicking its headings, a site's histograms (the demo's
# grow() has a block in each size bucket from 16 B to 4 KiB); a profile of
# format 5, before time series and distributions, shows the page without
# them and says why; the demo's page is photographed into
# tests/report-demo.png in the build tree (data/report.png is that,
# optimised).
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" run -o f.data "$PROGS/flame"
expect_eq "run flame" 0 "$rc"
run_status rc "$HP" report --format=html -o f.html f.data
expect_eq "report --format=html: status" 0 "$rc"
expect_eq "report --format=html: nothing on stdout" "" "$(cat out)"
expect_grep "a page" "<!DOCTYPE html>" f.html
# Self-contained: no URL to load anything from (SVG's namespace is a
# name, never loaded).
grep -Eio '(src|href)=|https?://[^"]*|@import|url\(' f.html |
    grep -vx 'http://www.w3.org/2000/svg' >refs
if [ -s refs ]; then
	fail "the page refers to something outside it:"
	cat refs
else
	echo "ok: the page refers to nothing outside it"
fi

run_status rc "$HP" run -o d.data "$top_builddir/data/demo"
expect_eq "run demo" 0 "$rc"
"$HP" report --format=html -o d.html d.data || fail "report demo"
"$HP" report --format=html -o g.html "$top_srcdir/data/golden/basic-v5.data" ||
    fail "report a profile of format 5"

browser_run html-report.js f.html f.png site=other chart=1 peak-marker=1 \
    chart-note=0 leaves-tb=3 leaves-tbk=3 leaves-gb=2 leaves-eb=2 rows=5 \
    columns=rank,site,tb,tbk,avg,life,mb,gb,eb,ps0,ps1,pl0,pl1 \
    order-tbk=4,1,1,1,1 "order-eb=500 B,500 B,50 B,0 B,0 B" "hists=1 1"
browser_run html-report.js g.html g.png chart=0 peak-marker=0 \
    chart-note=1 leaves-tb=2 leaves-eb=1 rows=2 \
    columns=rank,site,tb,tbk,avg,life,mb,gb,eb order-tbk=10,5 \
    "hists=none none"
browser_run html-report.js d.html "$top_builddir/tests/report-demo.png" \
    site=grow chart=1 peak-marker=1 rows=6 hist-sizes=1+1+1+1+1+1+1+1+1 \
    hist-life-blocks=9
finish
