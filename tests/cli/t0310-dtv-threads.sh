#!/bin/sh
# SPDX-License-Identifier: MIT
# The agent changes nothing in a threaded program: beside valgrind's DHAT
# (--run-libc-freeres=no), every site has the same numbers (bytes and
# blocks in total, at the peak and at exit: the fields the other DHAT
# comparisons check; DHAT's "mb" is its own), glibc's allocate_dtv, the
# DTV block each pthread_create callocs.  Its size counts the TLS modules
# loaded (16 bytes each): a __thread variable in the agent would add one,
# and so would a library with TLS that the agent links and the program
# does not (libunwind did).
. "$top_srcdir/tests/lib.sh"
have_valgrind || skip "valgrind not installed"
command -v python3 >/dev/null || skip "python3 not installed"
command -v readelf >/dev/null || skip "readelf not installed"
agent="$top_builddir/src/.libs/libheapprof-agent.so"
[ -e "$agent" ] || fail "no agent at $agent"

# TLS modules the agent brings that the program would not load.
libs() {
	ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' | sort
}
has_tls() {
	readelf -lW "$1" 2>/dev/null | grep -q '^ *TLS '
}
libs "$PROGS/dtv-threads" >prog.libs
libs "$agent" >agent.libs
for lib in "$agent" $(comm -13 prog.libs agent.libs); do
	has_tls "$lib" && fail "$lib, in the agent's process, has TLS"
done

dhat_run dtv "$PROGS/dtv-threads" 6
expect_eq "status under DHAT" 0 "$dhat_rc"
run_status rc "$HP" run -o dtv.data "$PROGS/dtv-threads" 6
expect_eq "status under heapprof" 0 "$rc"
"$HP" report --format=dhat --as-dhat dtv.data >dtv.json ||
    fail "report --format=dhat --as-dhat"

python3 - dtv.vg.json dtv.json >cmp.txt 2>&1 <<'PY'
import json, re, sys
from collections import defaultdict

FIELDS = ("tb", "tbk", "gb", "gbk", "eb", "ebk")

# A site is named by its two innermost frames, "function file:line", as
# both tools write them: without DHAT's own malloc and glibc's inlined
# rtld calloc, and glibc's internal aliases (__GI_x is x).
def sites(path):
    d = json.load(open(path))
    out = defaultdict(list)
    for pp in d["pps"]:
        key = []
        for j in pp["fs"]:
            m = re.match(r"^0x[0-9a-fA-F]+: (\S+) \((.*)\)$", d["ftbl"][j])
            if m is None or "vgpreload_" in m.group(2) or \
                    m.group(2).startswith("rtld-malloc.h"):
                continue
            fn = re.sub(r"^__GI_", "", m.group(1))
            key.append(fn + " " + m.group(2).rsplit("/", 1)[-1])
            if len(key) == 2:
                break
        out[tuple(key)].append(tuple(pp.get(f, 0) for f in FIELDS))
    return out

vg, hp = sites(sys.argv[1]), sites(sys.argv[2])
bad = []
for key in sorted(set(vg) | set(hp)):
    want = vg.get(key, [])
    if key and key[0].startswith("allocate_dtv "):
        if len(want) != 1 or want[0][1] != 6:
            bad.append(f"DHAT's allocate_dtv sites: {want}, not 6 blocks")
        else:
            print(f"allocate_dtv: {want[0][0] // 6} bytes a thread")
    if sorted(want) != sorted(hp.get(key, [])):
        bad.append(f"{' / '.join(key)}: DHAT {sorted(vg.get(key, []))}, "
            f"heapprof {sorted(hp.get(key, []))}")
if not any(k and k[0].startswith("site5 ") for k in hp):
    bad.append("no site of thread 5")
print("\n".join(bad) if bad else f"{len(vg)} sites equal")
sys.exit(1 if bad else 0)
PY
if [ $? -eq 0 ]; then
	sed 's/^/ok: /' cmp.txt
else
	fail "sites differ: $(cat cmp.txt)"
fi
expect_no_anomalies "dtv-threads" dtv.data
finish
