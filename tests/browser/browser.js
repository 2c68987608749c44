// SPDX-License-Identifier: MIT
// browser.js - what the browser tests share: the system's Chromium
// (CHROMIUM), headless, driven by puppeteer-core; checks that print
// "ok: ..." or "FAIL: ..." as tests/lib.sh's do; and a page that fails
// the test on any console error, uncaught exception or failed request.
// tests/lib.sh's browser_run sets CHROMIUM and NODE_PATH and runs a
// script that does:
//
//   const { run } = require(`${process.env.top_srcdir}/tests/browser/browser.js`);
//   run(async (t) => {
//     const page = await t.open("file:///path/page.html");
//     t.eq("title", "x", await page.title());
//   });
//
// Waits are for selectors or conditions (page.waitForSelector,
// page.waitForFunction), never for a time; each gives up after
// BROWSER_TIMEOUT_MS (default 20000).
"use strict";

const puppeteer = require("puppeteer-core");

const timeout = Number(process.env.BROWSER_TIMEOUT_MS || 20000);

class Test {
	constructor(browser) {
		this.browser = browser;
		this.failures = 0;
		this.errors = [];	// console errors, page errors, failed loads
	}

	ok(what) {
		console.log(`ok: ${what}`);
	}

	fail(what) {
		console.log(`FAIL: ${what}`);
		this.failures++;
	}

	eq(what, expected, actual) {
		if (String(expected) === String(actual))
			this.ok(what);
		else
			this.fail(`${what}: expected '${expected}', got '${actual}'`);
	}

	// A new page at url, its errors collected; resolves once it loaded.
	async open(url) {
		const page = await this.browser.newPage();

		page.setDefaultTimeout(timeout);
		page.on("console", (m) => {
			if (m.type() === "error")
				this.errors.push(`console: ${m.text()}`);
		});
		page.on("pageerror", (e) => this.errors.push(`page: ${e.message}`));
		page.on("requestfailed", (r) => this.errors.push(
		    `request: ${r.url()}: ${r.failure().errorText}`));
		await page.goto(url, { waitUntil: "load" });
		return page;
	}
}

// Run body(t) in a fresh browser; exit 0 if every check passed and no
// page had an error, else 1.
async function run(body) {
	const args = ["--lang=en-US", "--disable-gpu",
	    "--disable-dev-shm-usage"];
	let browser, t;

	// Chromium's sandbox needs user namespaces that root does not get.
	if (process.getuid && process.getuid() === 0)
		args.push("--no-sandbox");
	try {
		browser = await puppeteer.launch({
			executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
			headless: true,
			args,
			timeout,
			protocolTimeout: timeout,
		});
		t = new Test(browser);
		await body(t);
		if (t.errors.length === 0)
			t.ok("no console or page errors");
		else
			t.fail(`errors in the page:\n    ${t.errors.join("\n    ")}`);
	} catch (e) {
		console.log(`FAIL: ${e.stack || e}`);
		process.exitCode = 1;
	} finally {
		if (browser)
			await browser.close();
	}
	if (t && t.failures > 0)
		process.exitCode = 1;
}

module.exports = { run, timeout };
