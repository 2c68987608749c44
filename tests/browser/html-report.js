// SPDX-License-Identifier: MIT
// html-report.js PAGE SHOT [NAME=VALUE]... - load heapprof's HTML
// report (PAGE) in Chromium and use it as a person would: hover and click
// the flame graph's boxes, switch its metric, sort the table by clicking
// its headings, select a site.  Checks that nothing is requested from
// anywhere, that sorting orders the rows by the column, that a clicked
// box fills the width until the zoom is reset; compares what the page
// shows with each NAME=VALUE (site=FUNCTION selects that site's row
// first):
//   chart          1 when live bytes over time are drawn, else 0
//   peak-marker    1 when the chart marks the peak
//   chart-note     1 when the page says why there is no chart
//   leaves-M       leaf boxes of the flame graph by metric M (tb, tbk,
//                  gb, eb)
//   rows           rows of the site table
//   columns        the table's column keys, comma-separated
//   order-K        the rows' K column (site, tb, tbk...) once sorted by
//                  clicking its heading, comma-separated
//   hists          of the selected site (the first row unless site=): the block counts of its size and lifetime
//                  histograms' bars, "1+2 4" (or "none" for each)
//   hist-sizes     the same of its size histogram only
//   hist-life-blocks  the blocks in its lifetime histogram
// and takes a full-page screenshot into SHOT.
"use strict";

const path = require("path");
const { run } = require(path.join(__dirname, "browser.js"));

const [file, shot, ...pairs] = process.argv.slice(2);
const want = new Map(pairs.map((p) => [p.slice(0, p.indexOf("=")),
    p.slice(p.indexOf("=") + 1)]));
const site = want.get("site");

want.delete("site");

// The cells of column `key`, top to bottom, as shown.
function column(page, key) {
	return page.$$eval("#sites tbody tr", (rows, k) => {
		const i = Array.from(document.querySelectorAll("#sites th"))
		    .findIndex((th) => th.dataset.key === k);
		return rows.map((r) => r.children[i].textContent);
	}, key);
}

// The rows' numbers in column key, by the site data behind each row.
function values(page, key) {
	return page.$$eval("#sites tbody tr", (rows, k) => rows.map((r) => {
		const s = JSON.parse(document.getElementById("profile")
		    .textContent).sites[Number(r.dataset.site)];
		return k === "site" ? r.children[1].firstChild.textContent :
		    s[k];
	}), key);
}

function sorted(list, dir) {
	return list.every((v, i) => i === 0 || (dir < 0 ? list[i - 1] >= v :
	    list[i - 1] <= v));
}

run(async (t) => {
	const url = `file://${path.resolve(file)}`;
	const page = await t.open(url);
	const seen = new Map();
	const count = (sel) => page.$$eval(sel, (l) => l.length);
	let v;

	// Nothing from anywhere: the page holds all it shows.
	page.on("request", (r) => {
		if (r.url() !== url)
			t.fail(`the page requested ${r.url()}`);
	});
	await page.setViewport({ width: 1200, height: 900 });
	await page.reload({ waitUntil: "load" });

	seen.set("chart", await count("#chart svg path.live"));
	seen.set("peak-marker", await count("#chart .peak circle"));
	seen.set("chart-note", await count("#chart .none"));
	for (const m of ["tb", "tbk", "gb", "eb"]) {
		await page.select("#metric", m);
		seen.set(`leaves-${m}`, await count("#flame g.leaf"));
		t.eq(`flame graph by ${m}: data-leaves says as many`,
		    seen.get(`leaves-${m}`), await page.$eval("#flame",
		    (e) => e.dataset.leaves));
	}
	await page.select("#metric", "tb");

	// Hover a box: its numbers.  Click the narrowest leaf that can be
	// aimed at: it fills the width, until the zoom is reset.
	const widths = await page.$$eval("#flame g.leaf rect",
	    (l) => l.map((r) => Number(r.getAttribute("width"))));
	const narrow = widths.indexOf(Math.min(...widths.filter(
	    (w) => w >= 6)));
	const box = (await page.$$("#flame g.leaf rect"))[narrow];
	await box.hover();
	v = await page.$eval("#tip", (e) => e.hidden ? "" : e.textContent);
	t.eq("hovering a box shows its total bytes", true,
	    v.includes("total bytes: "));
	await box.click();
	t.eq("a clicked leaf fills the width", "100", await page.$eval(
	    "#flame svg", (s) => Math.round(Number(s.querySelector(
	    "g.leaf:not(.dim) rect").getAttribute("width")) /
	    Number(s.getAttribute("width")) * 100)));
	t.eq("zoomed: reset enabled", true, await page.$eval("#reset",
	    (b) => !b.disabled));
	await page.click("#reset");
	t.eq("reset: all leaves again", seen.get("leaves-tb"),
	    await count("#flame g.leaf"));

	// The table sorts by the column clicked, largest first, then back.
	seen.set("rows", await count("#sites tbody tr"));
	seen.set("columns", (await page.$$eval("#sites th",
	    (l) => l.map((e) => e.dataset.key))).join(","));
	for (const key of ["tbk", "site", "eb", "tb"]) {
		await page.click(`#sites th[data-key="${key}"]`);
		const first = await values(page, key);
		const dir = key === "site" ? 1 : -1;
		t.eq(`sorted by ${key}, ${dir < 0 ? "largest" : "A"} first`, true,
		    sorted(first, dir));
		t.eq(`sorted by ${key}: aria-sort`, dir < 0 ? "descending" :
		    "ascending", await page.$eval(`#sites th[data-key="${key}"]`,
		    (e) => e.getAttribute("aria-sort")));
		seen.set(`order-${key}`, (await column(page, key)).join(","));
		await page.click(`#sites th[data-key="${key}"]`);
		t.eq(`sorted by ${key} again: the other way`, true,
		    sorted(await values(page, key), -dir));
	}
	await page.click('#sites th[data-key="tb"]');

	// A site selected: its stack and histograms.
	if (site) {
		const names = await column(page, "site");
		const i = names.findIndex((n) => n === site ||
		    n.startsWith(`${site} (`));
		t.eq(`a row for ${site}`, true, i >= 0);
		if (i >= 0)
			await (await page.$$("#sites tbody tr"))[i].click();
		v = await page.$eval("#detail-title", (e) => e.textContent);
		t.eq(`${site} selected`, true, v.endsWith(`: ${site}`));
	}
	const bars = await page.$$eval("#hists .hist", (l) => l.map(
	    (h) => h.querySelector("svg") ? Array.from(h.querySelectorAll(
	    "text.count")).map((c) => c.textContent).join("+") : "none"));
	seen.set("hists", bars.join(" "));
	seen.set("hist-sizes", bars[0]);
	seen.set("hist-life-blocks", bars[1].split("+").reduce(
	    (s, c) => s + Number(c), 0));

	for (const [k, w] of want) {
		if (seen.has(k))
			t.eq(k, w, seen.get(k));
		else
			t.fail(`nothing to compare with ${k}`);
	}
	await page.mouse.move(0, 0);
	await page.screenshot({ path: shot, fullPage: true });
	t.ok(`screenshot in ${shot}`);
});
