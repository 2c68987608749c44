#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-totals.sh FILE.json [FUNCTION] - sum the per-site fields of a
# DHAT-format JSON file (valgrind's or heapprof's) and print
# "tb=N tbk=N eb=N ebk=N gb=N gbk=N".  With FUNCTION (an extended regular
# expression for a whole function name), only the sites with a frame in
# such a function count: a program's own sites, without libc's.
set -eu
if [ $# -lt 2 ]; then
	for f in tb tbk eb ebk gb gbk; do
		n=$(grep -o "\"$f\":[0-9]*" "$1" | awk -F: '{s += $2} END {printf "%.0f\n", s}')
		printf '%s=%s ' "$f" "$n"
	done
	echo
	exit 0
fi
# Both writers' frames read "0xADDR: FUNCTION (...)".  One line, then:
# the frame table first, then each site object (no nested braces).
tr -d '\n' <"$1" | awk -v fn="$2" '
function field(pp, name) {
	if (!match(pp, "\"" name "\":[0-9]+"))
		return 0
	return substr(pp, RSTART + length(name) + 3, RLENGTH - length(name) - 3) + 0
}
{
	rest = substr($0, index($0, "\"ftbl\":"))
	n = 0
	while (match(rest, /"([^"\\]|\\.)*"/)) {
		s = substr(rest, RSTART, RLENGTH)
		if (n > 0 && s ~ ("^\"0x[0-9A-Fa-f]+: (" fn ") \\("))
			mine[n - 1] = 1
		n++
		rest = substr(rest, RSTART + RLENGTH)
	}
	rest = $0
	while (match(rest, /\{"tb":[^}]*\}/)) {
		pp = substr(rest, RSTART, RLENGTH)
		rest = substr(rest, RSTART + RLENGTH)
		match(pp, /"fs":\[[0-9, ]*\]/)
		k = split(substr(pp, RSTART + 6, RLENGTH - 7), fs, /[, ]+/)
		for (i = 1; i <= k; i++)
			if (fs[i] != "" && mine[fs[i]]) {
				for (j = 1; j <= 6; j++)
					sum[j] += field(pp, name[j])
				break
			}
	}
}
BEGIN { split("tb tbk eb ebk gb gbk", name, " ") }
END {
	for (j = 1; j <= 6; j++)
		printf "%s=%.0f ", name[j], sum[j]
	print ""
}'
