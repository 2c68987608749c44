#!/bin/sh
# SPDX-License-Identifier: MIT
# The DHAT export has every site of the text report as it is there: the
# same rows in the same order, each with the same stack, bytes, blocks,
# bytes at the peak and at exit; on a real program whose frames are partly
# without symbols (/usr/bin/sqlite3 is stripped), where some sites only
# realloc and DHAT's own convention (--as-dhat) would fold them into
# others.  Each frame has an ftbl entry of its own: two return addresses
# without symbols never share one.
. "$top_srcdir/tests/lib.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 not installed"
command -v python3 >/dev/null || skip "python3 not installed"

"$HP" run -o sq.data sqlite3 -batch :memory: "CREATE TABLE t(a,b);
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<20000)
    INSERT INTO t SELECT i, hex(i*7) FROM s; CREATE INDEX x ON t(b);" \
    >/dev/null 2>err || fail "run sqlite3: $(cat err)"
"$HP" report --top=0 --depth=0 --bytes sq.data >sq.txt 2>/dev/null ||
    fail "report"
"$HP" report --format=dhat sq.data >sq.json 2>/dev/null ||
    fail "report --format=dhat"
"$HP" report --format=dhat --as-dhat sq.data >sq-dhat.json 2>/dev/null ||
    fail "report --format=dhat --as-dhat"

python3 - sq.txt sq.json >cmp.txt 2>&1 <<'PY' || fail "sites differ: $(cat cmp.txt)"
import json, re, sys

# The text report: a header of right-aligned columns, then per site a
# row of numbers and its stack lines ("  > " marks the program's own first
# line after system frames).
names = {"total": "tb", "blocks": "tbk", "at peak": "gb", "at exit": "eb"}
cols, rows = None, []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if cols is None and "at peak" in line and "at exit" in line:
        ends = [m.end() for m in re.finditer(r"\S+(?: \S+)?(?=  |$)", line)]
        heads = [h.strip() for h in
            (line[a:b] for a, b in zip([0] + ends, ends))]
        cols = [(names[h], a, b) for h, a, b in
            zip(heads, [0] + ends, ends) if h in names]
    elif cols and re.match(r"^ +[0-9]+ ", line):
        r = {k: int(line[a:b]) for k, a, b in cols}
        r["fs"] = []
        rows.append(r)
    elif rows and (line.startswith("    ") or line.startswith("  > ")):
        rows[-1]["fs"].append(line[4:].removesuffix(" [inlined]"))

d = json.load(open(sys.argv[2]))
# "0xOFFSET: fn (file:line)", "0xOFFSET: fn (in module+0x1a)" or
# "0xOFFSET: module+0x1a" as the text report writes the line.
def shown(entry):
    s = re.sub(r"^0x[0-9a-f]+: ", "", entry)
    s = re.sub(r"^\?\?\? ", "?? ", s)
    return s.replace(" (in ", " (", 1)

bad = []
if len(rows) != len(d["pps"]):
    bad.append(f"{len(rows)} sites in the text, {len(d['pps'])} "
        "program points in the JSON")
raw = re.compile(r"^[^ ]+\+0x[0-9a-f]+$")
text_of, index_of, nraw = {}, {}, 0
for i, (r, pp) in enumerate(zip(rows, d["pps"])):
    for k in ("tb", "tbk", "gb", "eb"):
        if r[k] != pp[k]:
            bad.append(f"site {i + 1}: {k} {r[k]} in the text, {pp[k]} "
                f"in the JSON; {r['fs'][:3]}")
    fs = [shown(d["ftbl"][j]) for j in pp["fs"]]
    if fs != r["fs"]:
        bad.append(f"site {i + 1}: stack {r['fs']} in the text, {fs} in "
            "the JSON")
    for j, line in zip(pp["fs"], r["fs"]):
        if text_of.setdefault(j, line) != line:
            bad.append(f"ftbl {j} is both {text_of[j]} and {line}")
        if raw.match(line):
            nraw += 1
            if index_of.setdefault(line, j) != j:
                bad.append(f"{line} is ftbl {index_of[line]} and {j}")
if len(set(d["ftbl"])) != len(d["ftbl"]):
    bad.append("repeated ftbl entries")
if nraw == 0:
    bad.append("no frame without symbols: nothing tested of them")
print("\n".join(bad[:20]) if bad else
    f"{len(rows)} sites, {nraw} lines without symbols")
sys.exit(1 if bad else 0)
PY
echo "ok: $(cat cmp.txt)"

# The same totals either way; DHAT's convention has fewer points, since
# sites that only resize blocks have none of their own.
expect_eq "--as-dhat: the same totals" "$("$TOTALS" sq.json)" \
    "$("$TOTALS" sq-dhat.json)"
n=$(grep -c '"tbk":' sq.json)
n_dhat=$(grep -c '"tbk":' sq-dhat.json)
if [ "$n_dhat" -lt "$n" ]; then
	echo "ok: --as-dhat folds realloc sites ($n_dhat of $n points)"
else
	fail "--as-dhat has $n_dhat points, the default $n"
fi
finish
