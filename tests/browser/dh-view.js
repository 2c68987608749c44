// SPDX-License-Identifier: MIT
// dh-view.js VIEWER JSON EXPECTED [JSON EXPECTED]... - load each JSON into
// valgrind DHAT's viewer (VIEWER, its dh_view.html) through the viewer's
// file input, and compare what the page then shows with EXPECTED,
// "tb tbk gb gbk eb ebk pps":
// the root's totals, at t-gmax and at t-end as the page prints them, and
// the program points as the viewer's tree holds them (one leaf each).
// When every program point is significant under "Total (bytes)" (1% of
// the bytes each), the leaves the page shows are counted too.
"use strict";

const path = require("path");
const { run } = require(path.join(__dirname, "browser.js"));

const [viewer, ...files] = process.argv.slice(2);

// "5,906,981 bytes" and "41,234 blocks" of the root's line, the first
// with that title.
function numbers(text, title) {
	const line = text.split("\n").find((l) => l.includes(` ${title} `));
	const m = line && line.match(/([\d,]+) bytes .* in ([\d,]+) blocks/);

	return m ? [m[1], m[2]].map((s) => Number(s.replace(/,/g, ""))) :
	    [NaN, NaN];
}

async function check(t, json, want) {
	const page = await t.open(`file://${path.resolve(viewer)}`);
	const input = await page.waitForSelector("input[type=file]");

	await input.uploadFile(path.resolve(json));
	// The tree, or the viewer's error message.
	await page.waitForFunction(() => document.querySelector("pre") ||
	    document.querySelector(".error"));
	const error = await page.$eval("body", (b) => {
		const e = b.querySelector(".error");
		return e ? e.textContent : "";
	});
	t.eq(`${json}: the viewer reads it`, "", error);
	if (error !== "")
		return;
	// Sorted by total bytes, every program point is a leaf of its own.
	await page.select("select", "0");
	await page.waitForFunction(() => document.title.includes("Total (bytes)"));
	const text = await page.$eval("pre", (p) => p.innerText);
	const [tb, tbk] = numbers(text, "Total:");
	const [gb, gbk] = numbers(text, "At t-gmax:");
	const [eb, ebk] = numbers(text, "At t-end:");
	t.eq(`${json}: total bytes`, want[0], tb);
	t.eq(`${json}: total blocks`, want[1], tbk);
	t.eq(`${json}: bytes at t-gmax`, want[2], gb);
	t.eq(`${json}: blocks at t-gmax`, want[3], gbk);
	t.eq(`${json}: bytes at t-end`, want[4], eb);
	t.eq(`${json}: blocks at t-end`, want[5], ebk);
	const pps = await page.evaluate(() => {
		const leaves = (n) => n._kids ?
		    n._kids.reduce((s, k) => s + leaves(k), 0) : 1;
		return leaves(gRoot);
	});
	t.eq(`${json}: program points in the viewer's tree`, want[6], pps);
	const shown = await page.$$eval("pre span.leaf", (ls) => ls.filter(
	    (l) => !l.textContent.includes(" insignificant]")).length);
	const insignificant = await page.$$eval("pre span.leaf", (ls) =>
	    ls.some((l) => l.textContent.includes(" insignificant]")));
	if (!insignificant)
		t.eq(`${json}: program points on the page`, want[6], shown);
	else
		t.ok(`${json}: program points on the page: ${shown} shown, the rest ` +
		    "under 1% and aggregated");
	await page.close();
}

run(async (t) => {
	for (let i = 0; i + 1 < files.length; i += 2)
		await check(t, files[i], files[i + 1].split(" ").map(Number));
});
