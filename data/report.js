/* SPDX-License-Identifier: MIT */
/*
 * heapprof's HTML report: reads the profile from the JSON in
 * <script id="profile"> (src/fmt-html.c describes it) and draws the
 * summary, memory over time, the flame graph, the site table and the
 * selected site's stack and distributions.  Plain DOM and SVG: the page
 * loads nothing.
 */
"use strict";
(function () {
	var D = JSON.parse(document.getElementById("profile").textContent);
	var SVGNS = "http://www.w3.org/2000/svg";

	function $(id) { return document.getElementById(id); }

	/* An element with attributes and text; tag "svg:x" is an SVG one. */
	function el(tag, attrs, text) {
		var e = tag.indexOf("svg:") === 0 ?
		    document.createElementNS(SVGNS, tag.slice(4)) :
		    document.createElement(tag);
		var k;

		for (k in attrs || {})
			e.setAttribute(k, attrs[k]);
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	/* --- units, as the text report writes them ----------------------- */

	function fmtBytes(n) {
		var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;

		if (n < 1024)
			return n + " B";
		while (n >= 1024 && i < units.length - 1) {
			n /= 1024;
			i++;
		}
		return n.toFixed(1) + " " + units[i];
	}

	/* For axes: "512 KiB" rather than "512.0 KiB". */
	function fmtBytesShort(n) {
		return fmtBytes(n).replace(".0 ", " ");
	}

	function fmtTimeShort(ns) {
		return ns === 0 ? "0" : fmtTime(ns).replace(/\.0+ /, " ");
	}

	function fmtCount(n) {
		return Number(n).toLocaleString("en-US");
	}

	function fmtTime(ns) {
		if (ns < 1000)
			return Math.round(ns) + " ns";
		if (ns < 1e6)
			return (ns / 1e3).toFixed(1) + " us";
		if (ns < 1e9)
			return (ns / 1e6).toFixed(1) + " ms";
		return (ns / 1e9).toFixed(2) + " s";
	}

	function pct(part, whole) {
		return whole ? (100 * part / whole).toFixed(1) + "%" : "-";
	}

	/* The statistics the flame graph weighs by (all add up). */
	var METRICS = {
		tb: { name: "total bytes", fmt: fmtBytes },
		tbk: { name: "total blocks", fmt: fmtCount },
		gb: { name: "bytes at peak", fmt: fmtBytes },
		eb: { name: "bytes at exit", fmt: fmtBytes },
		mb: { name: "max bytes", fmt: fmtBytes },
		tl: { name: "total lifetime", fmt: fmtTime },
	};

	/* --- the header --------------------------------------------------- */

	function header() {
		var date = new Date(D.start * 1000), box, cards, sort;

		$("command").textContent = D.command;
		document.title = "heapprof: " + D.command;
		$("run").textContent = "pid " + D.pid + ", started " +
		    (isNaN(date) ? "at Unix time " + D.start :
		    date.toISOString().replace("T", " ").replace(/\..*/,
		    " UTC")) + ", ran " + fmtTime(D.duration) + ", " + D.exit +
		    (D.anomalies ? " \u2014 anomalies: " + D.anomalies : "");
		if (D.failed > 0) {
			box = $("failures");
			box.hidden = false;
			box.textContent = "FAILED: " + D.failed +
			    " heapprof assertion" + (D.failed === 1 ? "" : "s") +
			    "\n" + D.failures.join("\n") +
			    (D.failed > D.failures.length ? "\n(" +
			    (D.failed - D.failures.length) + " more)" : "");
		}
		sort = D.sort;
		cards = [
			["Total allocated", fmtBytes(D.total[0]),
			    fmtCount(D.total[1]) + " blocks", ""],
			["Peak live", fmtBytes(D.peak[0]), fmtCount(D.peak[1]) +
			    " blocks, at " + fmtTime(D.peak[2]), "peak"],
			["Live at exit", fmtBytes(D.end[0]), fmtCount(D.end[1]) +
			    " blocks", ""],
			["Sites", fmtCount(D.sites.length), "sorted by " + sort,
			    ""],
		];
		cards.forEach(function (c) {
			var card = el("div", { "class": "card " + c[3] });

			card.appendChild(el("div", { "class": "label" }, c[0]));
			card.appendChild(el("div", { "class": "value" }, c[1]));
			card.appendChild(el("div", { "class": "sub" }, c[2]));
			$("summary").appendChild(card);
		});
	}

	/* --- the tooltip -------------------------------------------------- */

	var tip = $("tip");

	function showTip(ev, parts) {
		tip.textContent = "";
		parts.forEach(function (p) {
			tip.appendChild(el("div", { "class": p[0] }, p[1]));
		});
		tip.hidden = false;
		moveTip(ev);
	}

	function moveTip(ev) {
		var x = ev.clientX + 14, y = ev.clientY + 14;

		if (x + tip.offsetWidth > window.innerWidth - 8)
			x = Math.max(8, ev.clientX - tip.offsetWidth - 14);
		if (y + tip.offsetHeight > window.innerHeight - 8)
			y = Math.max(8, ev.clientY - tip.offsetHeight - 14);
		tip.style.left = x + "px";
		tip.style.top = y + "px";
	}

	function hideTip() { tip.hidden = true; }

	/* --- axes --------------------------------------------------------- */

	/* About n round steps from 0 to max: 1, 2 or 5 times a power of ten. */
	function ticks(max, n, base) {
		var raw = max / n, mag, step, out = [], v;

		base = base || 10;
		mag = Math.pow(base, Math.floor(Math.log(raw) / Math.log(base)));
		step = [1, 2, 5, 10].map(function (m) { return m * mag; })
		    .find(function (s) { return s >= raw; }) || 10 * mag;
		for (v = 0; v <= max * 1.0001; v += step)
			out.push(v);
		return out;
	}

	/* Byte ticks fall on powers of two where the unit is large. */
	function byteTicks(max) {
		return max >= 4096 ? ticks(max, 4, 2) : ticks(max, 4, 10);
	}

	/* --- memory over time --------------------------------------------- */

	function chart() {
		var box = $("chart"), W = 1000, H = 230, L = 70, R = 16, T = 16,
		    B = 30, pts = D.series, svg, maxT, maxB, x, y, path, i,
		    px, py, g, label, right;

		if (!pts || pts.length === 0) {
			box.appendChild(el("p", { "class": "none" },
			    "No chart: this profile has no time series of live " +
			    "bytes (it was written by a heapprof older than " +
			    "profile format 6).  Run the program again to see " +
			    "memory over time.  The peak was " +
			    fmtBytes(D.peak[0]) + " at " + fmtTime(D.peak[2]) +
			    "."));
			return;
		}
		maxT = Math.max(D.duration, D.peak[2], pts[pts.length - 1][0]) ||
		    1;
		maxB = D.peak[0];
		pts.forEach(function (p) { maxB = Math.max(maxB, p[2]); });
		maxB = maxB || 1;
		x = function (t) { return L + (W - L - R) * t / maxT; };
		y = function (b) { return T + (H - T - B) * (1 - b / maxB); };
		svg = el("svg:svg", { viewBox: "0 0 " + W + " " + H,
		    "aria-label": "live bytes over time" });
		g = el("svg:g", { "class": "axis" });
		byteTicks(maxB).forEach(function (v) {
			g.appendChild(el("svg:line", { x1: L, x2: W - R, y1: y(v),
			    y2: y(v) }));
			g.appendChild(el("svg:text", { x: L - 6, y: y(v) + 4,
			    "text-anchor": "end" }, fmtBytesShort(v)));
		});
		ticks(maxT, 8).forEach(function (v) {
			g.appendChild(el("svg:text", { x: x(v), y: H - B + 16,
			    "text-anchor": "middle" }, fmtTimeShort(v)));
		});
		svg.appendChild(g);
		/*
		 * Each point is an interval: the highest live bytes in it held
		 * to the next point, so that no peak is lost between pixels.
		 */
		path = "M" + x(0) + "," + y(0);
		for (i = 0; i < pts.length; i++) {
			px = x(pts[i][0]);
			py = y(pts[i][2]);
			path += "H" + px.toFixed(2) + "V" + py.toFixed(2);
		}
		path += "H" + x(maxT).toFixed(2);
		svg.appendChild(el("svg:path", { "class": "area",
		    d: path + "V" + y(0) + "Z" }));
		svg.appendChild(el("svg:path", { "class": "live", d: path }));
		/* The exact peak, which a downsampled series may straddle. */
		g = el("svg:g", { "class": "peak" });
		px = x(D.peak[2]);
		py = y(D.peak[0]);
		g.appendChild(el("svg:line", { x1: px, x2: px, y1: T, y2: H - B }));
		g.appendChild(el("svg:circle", { cx: px, cy: py, r: 4.5 }));
		right = px > W * 0.7;
		label = "peak " + fmtBytes(D.peak[0]) + " at " +
		    fmtTime(D.peak[2]);
		g.appendChild(el("svg:text", { x: px + (right ? -8 : 8),
		    y: Math.max(py + 4, T + 12), "text-anchor": right ? "end" :
		    "start" }, label));
		svg.appendChild(g);
		svg.addEventListener("mousemove", function (ev) {
			var r = svg.getBoundingClientRect(),
			    t = ((ev.clientX - r.left) * W / r.width - L) /
			    (W - L - R) * maxT, k = 0;

			while (k + 1 < pts.length && pts[k + 1][0] <= t)
				k++;
			if (t < 0 || t > maxT || pts[k][0] > t) {
				hideTip();
				return;
			}
			showTip(ev, [["", pts[k][1] === pts[k][2] ?
			    fmtBytes(pts[k][2]) + " live" : fmtBytes(pts[k][1]) +
			    " to " + fmtBytes(pts[k][2]) + " live"],
			    ["where", "from " + fmtTime(pts[k][0]) + " to " +
			    fmtTime(k + 1 < pts.length ? pts[k + 1][0] :
			    D.duration)]]);
		});
		svg.addEventListener("mouseleave", hideTip);
		box.appendChild(svg);
	}

	/* --- the flame graph ---------------------------------------------- */

	/*
	 * The sites' stacks merged by function from the outermost frame up.
	 * Each node sums every metric of the sites through it, so hovering
	 * shows them all whatever the graph weighs by.
	 */
	function buildTree() {
		var root = node("all", "", 0);

		function node(name, where, inl) {
			var n = { name: name, where: where, inl: inl,
			    kids: new Map(), sites: [] };

			Object.keys(METRICS).forEach(function (m) { n[m] = 0; });
			return n;
		}
		function add(n, s) {
			Object.keys(METRICS).forEach(function (m) {
				n[m] += s[m];
			});
		}
		D.sites.forEach(function (s, idx) {
			var n = root, k, f, c, names = [];

			if (s.t)
				names.push({ f: "[truncated]", w: "" });
			for (k = s.s.length - 1; k >= 0; k--)
				names.push(D.frames[s.s[k]]);
			if (s.s.length === 0)
				names.push({ f: "[no stack]", w: "" });
			add(root, s);
			names.forEach(function (f) {
				c = n.kids.get(f.f);
				if (!c) {
					c = node(f.f, f.w, f.i);
					c.parent = n;
					n.kids.set(f.f, c);
				}
				add(c, s);
				n = c;
			});
			n.sites.push(idx);
		});
		return root;
	}

	var tree = buildTree(), focus = tree, ROW = 18;

	function depthOf(n, m) {
		var d = 0;

		n.kids.forEach(function (c) {
			if (c[m] > 0)
				d = Math.max(d, depthOf(c, m));
		});
		return d + 1;
	}

	/* Warm for functions, teal for inlined ones, grey for markers. */
	function colour(n) {
		var h = 0, i;

		for (i = 0; i < n.name.length; i++)
			h = (h * 31 + n.name.charCodeAt(i)) >>> 0;
		if (n === tree || n.name.charAt(0) === "[")
			return "hsl(210, 10%, 78%)";
		if (n.inl)
			return "hsl(" + (170 + h % 20) + ", 45%, " +
			    (62 + h % 12) + "%)";
		return "hsl(" + (h % 45) + ", " + (75 + h % 20) + "%, " +
		    (58 + (h >> 8) % 14) + "%)";
	}

	function flame() {
		var m = $("metric").value, box = $("flame"), W = box.clientWidth ||
		    1000, H, svg, chain = [], n;

		/* The focus's ancestors span the width, dimmed. */
		for (n = focus; n; n = n.parent)
			chain.unshift(n);
		/* As high as what is shown: zoomed, the focus's subtree. */
		H = (chain.length - 1 + depthOf(focus, m)) * ROW + 4;
		box.textContent = "";
		if (tree[m] === 0) {
			box.appendChild(el("p", { "class": "none" }, "Nothing to " +
			    "show: no site has " + METRICS[m].name + "."));
			box.dataset.leaves = 0;
			return;
		}
		svg = el("svg:svg", { width: W, height: H, viewBox: "0 0 " + W +
		    " " + H, "aria-label": "flame graph by " + METRICS[m].name });
		chain.forEach(function (a, d) {
			box3(a, d, 0, W, a !== focus);
		});
		draw(focus, chain.length - 1, 0, W);
		box.appendChild(svg);
		box.dataset.leaves = svg.querySelectorAll("g.leaf").length;
		$("reset").disabled = focus === tree;

		function draw(n, d, x, w) {
			var off = x;

			n.kids.forEach(function (c) {
				var cw;

				if (c[m] <= 0)
					return;
				cw = w * c[m] / n[m];
				if (cw >= 0.3) {
					box3(c, d + 1, off, cw, false);
					draw(c, d + 1, off, cw);
				}
				off += cw;
			});
		}

		function box3(n, d, x, w, dim) {
			var g = el("svg:g", { "class": dim ? "dim" : "" }),
			    y = H - (d + 1) * ROW, chars = Math.floor((w - 6) / 6.9),
			    leaf = true, label;

			n.kids.forEach(function (c) {
				if (c[m] > 0)
					leaf = false;
			});
			if (leaf)
				g.setAttribute("class", (dim ? "dim " : "") + "leaf");
			g.appendChild(el("svg:rect", { x: x.toFixed(2), y: y,
			    width: Math.max(w - 0.5, 0.3).toFixed(2),
			    height: ROW - 1, rx: 2, fill: colour(n) }));
			label = n === tree ? "all: " + METRICS[m].fmt(tree[m]) :
			    n.name;
			if (chars >= 3) {
				g.appendChild(el("svg:text", { x: (x + 4).toFixed(2),
				    y: y + ROW - 5 }, label.length > chars ?
				    label.slice(0, chars - 2) + ".." : label));
			}
			g.addEventListener("mousemove", function (ev) {
				var parts = [["fn", n === tree ? "all sites" :
				    n.name + (n.inl ? " [inlined]" : "")]];

				if (n.where && n.where !== n.name)
					parts.push(["where", n.where]);
				Object.keys(METRICS).forEach(function (k) {
					parts.push([k === m ? "here" : "",
					    METRICS[k].name + ": " +
					    METRICS[k].fmt(n[k]) + " (" +
					    pct(n[k], tree[k]) + ")"]);
				});
				showTip(ev, parts);
			});
			g.addEventListener("mouseleave", hideTip);
			g.addEventListener("click", function () {
				focus = n;
				if (n.sites.length === 1 && leaf)
					select(n.sites[0], false);
				flame();
			});
			svg.appendChild(g);
		}
	}

	/* --- the site table ----------------------------------------------- */

	function avg(a, b) { return b ? Math.floor(a / b) : 0; }

	/* Enter or space on a focused heading or row, as a click. */
	function onKey(e, f) {
		e.addEventListener("keydown", function (ev) {
			if (ev.key === "Enter" || ev.key === " ") {
				ev.preventDefault();
				f();
			}
		});
	}

	function siteFrame(s) {
		return s.s.length ? D.frames[s.s[s.o]] : { f: "(no stack)",
		    w: "" };
	}

	var COLUMNS = [
		{ key: "rank", name: "#", val: function (s, i) { return i + 1; },
		    fmt: String },
		{ key: "site", name: "Call site", cls: "site",
		    val: function (s) { return siteFrame(s).f; } },
		{ key: "tb", name: "Total", val: function (s) { return s.tb; },
		    fmt: fmtBytes },
		{ key: "tbk", name: "Blocks", val: function (s) { return s.tbk; },
		    fmt: fmtCount },
		{ key: "avg", name: "Avg size",
		    val: function (s) { return avg(s.tb, s.tbk); },
		    fmt: fmtBytes },
		{ key: "life", name: "Avg life",
		    val: function (s) { return avg(s.tl, s.tbk); },
		    fmt: fmtTime },
		{ key: "mb", name: "Max", val: function (s) { return s.mb; },
		    fmt: fmtBytes },
		{ key: "gb", name: "At peak", val: function (s) { return s.gb; },
		    fmt: fmtBytes },
		{ key: "eb", name: "At exit", val: function (s) { return s.eb; },
		    fmt: fmtBytes },
	];
	/* Percentiles, where the profile has distributions. */
	if (D.lifeb) {
		[["ps", 0, "p50 size", fmtBytes], ["ps", 1, "p90 size", fmtBytes],
		    ["pl", 0, "p50 life", fmtTime], ["pl", 1, "p90 life",
		    fmtTime]].forEach(function (c) {
			COLUMNS.push({ key: c[0] + c[1], name: c[2],
			    val: function (s) { return s[c[0]] ? s[c[0]][c[1]] :
			    -1; },
			    fmt: function (v) { return v < 0 ? "-" : c[3](v); } });
		});
	}
	var order = D.sites.map(function (s, i) { return i; });
	var sortCol = null, sortDir = -1, selected = -1;

	function table() {
		var head = document.querySelector("#sites thead tr");

		COLUMNS.forEach(function (c) {
			var th = el("th", { "data-key": c.key, scope: "col",
			    "class": c.cls || "" }, c.name);

			th.tabIndex = 0;
			th.addEventListener("click", function () {
				sortBy(c);
			});
			onKey(th, function () { sortBy(c); });
			head.appendChild(th);
		});
		rows();
	}

	function sortBy(c) {
		var text = c.key === "site";

		sortDir = sortCol === c ? -sortDir : text ? 1 : -1;
		sortCol = c;
		order.sort(function (a, b) {
			var va = c.val(D.sites[a], a), vb = c.val(D.sites[b], b);

			if (va !== vb)
				return (va < vb ? -1 : 1) * sortDir;
			return a - b;
		});
		document.querySelectorAll("#sites th").forEach(function (th) {
			if (th.dataset.key === c.key)
				th.setAttribute("aria-sort", sortDir < 0 ?
				    "descending" : "ascending");
			else
				th.removeAttribute("aria-sort");
		});
		rows();
	}

	function rows() {
		var body = document.querySelector("#sites tbody");

		body.textContent = "";
		order.forEach(function (idx) {
			var s = D.sites[idx], tr = el("tr", { "data-site": idx });

			if (idx === selected)
				tr.className = "selected";
			COLUMNS.forEach(function (c) {
				var td = el("td", { "class": c.cls || "" }), f;

				if (c.key === "site") {
					f = siteFrame(s);
					td.appendChild(document.createTextNode(f.f));
					if (f.w && f.w !== f.f)
						td.appendChild(el("span",
						    { "class": "where" }, " (" +
						    f.w + ")"));
				} else {
					td.textContent = c.fmt(c.val(s, idx));
				}
				tr.appendChild(td);
			});
			tr.tabIndex = 0;
			tr.addEventListener("click", function () {
				select(idx, false);
			});
			onKey(tr, function () { select(idx, false); });
			body.appendChild(tr);
		});
	}

	/* --- the selected site -------------------------------------------- */

	/*
	 * A histogram of log2 buckets (stats.h): bucket 0 holds 0, bucket k
	 * the values from lower(k) up to lower(k + 1).
	 */
	function histogram(title, counts, lower, fmt, missing) {
		var box = el("div", { "class": "hist" }), W = 300, H = 130,
		    L = 4, B = 30, T = 14, first = -1, last = -1, max = 0, bw,
		    svg, k, i, n, x, h, c;

		box.appendChild(el("h3", {}, title));
		for (k = 0; counts && k < counts.length; k++) {
			if (counts[k] > 0) {
				if (first < 0)
					first = k;
				last = k;
				max = Math.max(max, counts[k]);
			}
		}
		if (first < 0) {
			box.appendChild(el("p", { "class": "none" }, counts ?
			    "No blocks." : missing));
			return box;
		}
		/* Ten buckets at least, so one bar is not the whole width. */
		while (last - first + 1 < 10 && (first > 0 || last < 47)) {
			if (last < 47)
				last++;
			if (first > 0 && last - first + 1 < 10)
				first--;
		}
		n = last - first + 1;
		bw = (W - L) / n;
		svg = el("svg:svg", { viewBox: "0 0 " + W + " " + H });
		for (i = 0; i < n; i++) {
			k = first + i;
			x = L + i * bw;
			c = counts[k] || 0;
			h = c ? Math.max(1, (H - B - T) * c / max) : 0;
			svg.appendChild(el("svg:rect", { x: (x + 1).toFixed(2),
			    y: (H - B - h).toFixed(2),
			    width: Math.max(bw - 2, 1).toFixed(2),
			    height: h.toFixed(2) }));
			if (c && bw >= 22)
				svg.appendChild(el("svg:text", { "class": "count",
				    x: (x + bw / 2).toFixed(2),
				    y: (H - B - h - 3).toFixed(2),
				    "text-anchor": "middle" }, fmtCount(c)));
			if (i % Math.ceil(44 / bw) === 0)
				svg.appendChild(el("svg:text", {
				    x: (x + bw / 2).toFixed(2), y: H - B + 13,
				    "text-anchor": "middle" },
				    fmt(lower(k))));
		}
		svg.appendChild(el("svg:text", { x: W / 2, y: H - 4,
		    "text-anchor": "middle" }, "log\u2082 buckets, by their " +
		    "lower bound"));
		box.appendChild(svg);
		return box;
	}

	function select(idx, scroll) {
		var s = D.sites[idx], ol = $("stack"), f = siteFrame(s),
		    tr, missing;

		selected = idx;
		$("detail").hidden = false;
		$("detail-title").textContent = "#" + (idx + 1) + ": " + f.f;
		ol.textContent = "";
		s.s.forEach(function (fi, k) {
			var fr = D.frames[fi], li = el("li", { "class": (k ===
			    s.o ? "own" : "") + (fr.i ? " inl" : "") });

			li.appendChild(document.createTextNode(fr.f));
			if (fr.w && fr.w !== fr.f)
				li.appendChild(el("span", { "class": "where" },
				    " (" + fr.w + ")"));
			if (fr.i)
				li.appendChild(el("span", { "class": "where" },
				    " [inlined]"));
			ol.appendChild(li);
		});
		if (s.t)
			ol.appendChild(el("li", { "class": "where" },
			    "... (stack truncated)"));
		missing = !D.lifeb ? "Not in this profile: it was written by " +
		    "a heapprof older than profile format 6." : "Not for a row " +
		    "that merges " + s.n + " sites.";
		$("hists").textContent = "";
		$("hists").appendChild(histogram("Sizes" + (s.ps ?
		    ": median " + fmtBytes(s.ps[0]) + ", p90 " +
		    fmtBytes(s.ps[1]) : ""), s.hs, function (k) {
			return k ? Math.pow(2, k - 1) : 0;
		    }, fmtBytesShort, missing));
		$("hists").appendChild(histogram("Lifetimes" + (s.pl ?
		    ": median " + fmtTime(s.pl[0]) + ", p90 " +
		    fmtTime(s.pl[1]) : ""), s.hl, function (k) {
			return D.lifeb[k];
		    }, fmtTimeShort, missing));
		document.querySelectorAll("#sites tbody tr").forEach(function (r) {
			r.classList.toggle("selected",
			    Number(r.dataset.site) === idx);
		});
		tr = document.querySelector('#sites tr[data-site="' + idx + '"]');
		if (scroll && tr)
			tr.scrollIntoView({ block: "nearest" });
	}

	header();
	chart();
	/* The graph weighs by the --sort key where it can. */
	$("metric").value = { blocks: "tbk", peak: "gb", leaked: "eb",
	    max: "mb", lifetime: "tl" }[D.sort] || "tb";
	$("metric").addEventListener("change", function () {
		focus = tree;
		flame();
	});
	$("reset").addEventListener("click", function () {
		focus = tree;
		flame();
	});
	window.addEventListener("resize", flame);
	flame();
	table();
	if (D.sites.length > 0)
		select(0, false);
})();
