#!/bin/sh
# SPDX-License-Identifier: MIT
# What run writes into a profile for the chart and the distributions
# (heapprof-data(5), TIMELINE and DISTRIBUTIONS), decoded from the file:
# at most 2048 points in equal steps, whose highest is the peak of META at
# its time and whose last holds the bytes at exit; per site, each
# histogram counts the site's blocks.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "no python3 to decode a profile"

"$HP" run -o dist.data "$PROGS/dist" 2>err || fail "run dist: $(cat err)"
python3 - dist.data >check.txt 2>&1 <<'END' || fail "decode: $(cat check.txt)"
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'HEAPPROF'
version, method, blen, zlen = struct.unpack_from('<IIQQ', data, 8)
body = zlib.decompress(data[32:])
assert len(body) == blen
nsec, = struct.unpack_from('<I', body, 0)
pos, sec = 4, {}
for _ in range(nsec):
    tag, _, n = struct.unpack_from('<IIQ', body, pos)
    sec[tag] = body[pos + 16:pos + 16 + n]
    pos += 16 + n
print('version', version, 'sections', nsec)
meta = sec[1]
duration, = struct.unpack_from('<Q', meta, 16)
peak_bytes, _, peak_time, end_bytes = struct.unpack_from('<QQQQ', meta, 48)

tl = sec[8]
n, = struct.unpack_from('<I', tl, 0)
t, pts = 0, []
for i in range(n):
    step, lo, hi = struct.unpack_from('<QQQ', tl, 4 + 24 * i)
    t += step
    pts.append((t, lo, hi))
print('points within 2048:', 1 <= n <= 2048)
print('points from 0:', pts[0][0] == 0)
steps = [pts[i + 1][0] - pts[i][0] for i in range(n - 1)]
print('equal steps:', max(steps) - min(steps) <= 1)
print('last point holds the end:', pts[-1][0] <= duration and
      pts[-1][1] <= end_bytes <= pts[-1][2])
print('highest is the peak:', max(p[2] for p in pts) == peak_bytes)
at = max(i for i in range(n) if pts[i][0] <= peak_time)
print('at the peak time:', pts[at][2] == peak_bytes)

sites = sec[7]
ns, = struct.unpack_from('<I', sites, 0)
tbk = [struct.unpack_from('<Q', sites, 4 + 172 * i + 12 + 8)[0]
       for i in range(ns)]
d = sec[9]
nd, nb, num, den = struct.unpack_from('<IIQQ', d, 0)
print('one per site, 48 buckets:', nd == ns and nb == 48 and den > 0)
pos = 24
for i in range(nd):
    counts = []
    for h in range(2):
        mask, = struct.unpack_from('<Q', d, pos)
        pos += 8
        k = bin(mask).count('1')
        counts.append(sum(struct.unpack_from('<%dI' % k, d, pos)))
        pos += 4 * k
    if counts != [tbk[i], tbk[i]]:
        print('site', i, 'histograms count', counts, 'blocks', tbk[i])
print('all read:', pos == len(d))
END
for line in "version 8 sections 9" "points within 2048: True" \
    "points from 0: True" "equal steps: True" \
    "last point holds the end: True" "highest is the peak: True" \
    "at the peak time: True" "one per site, 48 buckets: True" \
    "all read: True"; do
	expect_grep "$line" "$line" check.txt
done
expect_eq "every site's histograms count its blocks" "" \
    "$(grep '^site' check.txt)"
finish
