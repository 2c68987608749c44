#!/bin/sh
# dhat-totals.sh FILE.json - sum the per-site fields of a DHAT-format JSON
# file (valgrind's or heapprof's) and print "tb=N tbk=N eb=N ebk=N gb=N gbk=N".
set -eu
for f in tb tbk eb ebk gb gbk; do
	n=$(grep -o "\"$f\":[0-9]*" "$1" | awk -F: '{s += $2} END {print s + 0}')
	printf '%s=%s ' "$f" "$n"
done
echo
