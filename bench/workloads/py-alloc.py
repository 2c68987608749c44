# SPDX-License-Identifier: MIT
# py-alloc.py - an allocation-heavy Python script for the benchmark: lists,
# dicts, strings, and a JSON round trip, so that objects too large for
# pymalloc's small-object arenas reach malloc as well as the arenas.
# usage: python3 py-alloc.py [RECORDS]
import json
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
rows = [{"id": i, "name": "item-%d" % i, "tags": ["t%d" % (i % 7)] * (i % 5),
         "blob": "x" * (i % 700)} for i in range(n)]
text = json.dumps(rows)
back = json.loads(text)
index = {row["name"]: row for row in back}

print(len(text), len(index))
