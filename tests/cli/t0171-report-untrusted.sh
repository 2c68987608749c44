#!/bin/sh
# SPDX-License-Identifier: MIT
# Strings in a profile are not trusted to be printable: a command line
# holding an escape sequence, BEL and CR/LF is shown escaped by the text
# report and by the DHAT JSON; a start time out of range for a date is
# shown as a number instead of crashing the report.
. "$top_srcdir/tests/lib.sh"

arg=$(printf 'a\033]0;t\007\r\nb')
run_status rc "$HP" run -o e.data /bin/sh -c : "$arg"
expect_eq "run exits 0" 0 "$rc"

run_status rc "$HP" report e.data
expect_eq "report exits 0" 0 "$rc"
expect_eq "the command line, escaped" \
    'command:  /bin/sh -c : a\x1b]0;t\x07\r\nb' "$(head -n 1 out)"
if LC_ALL=C grep -q "$(printf '[\033\007\r]')" out; then
	fail "raw control characters in the report:"; od -c out | head
else
	echo "ok: no raw control characters in the report"
fi

run_status rc "$HP" report --format=dhat e.data
expect_eq "report --format=dhat exits 0" 0 "$rc"
expect_grep "the command line in JSON" \
    '"cmd":"/bin/sh -c : a\u001b]0;t\u0007\u000d\u000ab"' out
if LC_ALL=C grep -q "$(printf '[\033\007\r]')" out; then
	fail "raw control characters in the JSON"
else
	echo "ok: no raw control characters in the JSON"
fi

# The start time 2^56 s later (the top byte of META's start_time, at
# offset 35 of the body): localtime_r has no date for it.
if command -v python3 >/dev/null 2>&1; then
	python3 - e.data late.data <<'END' || fail "make late.data"
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
body = bytearray(zlib.decompress(d[32:]))
body[35] = 0x01
z = zlib.compress(bytes(body))
version = struct.unpack_from("<I", d, 8)[0]
open(sys.argv[2], "wb").write(struct.pack("<8sIIQQ", b"HEAPPROF", version,
    1, len(body), len(z)) + z)
END
	start=$(python3 -c '
import struct, zlib
d = open("late.data", "rb").read()
print(struct.unpack("<q", zlib.decompress(d[32:])[28:36])[0])')
	run_status rc "$HP" report late.data
	expect_eq "late start: report exits 0" 0 "$rc"
	expect_match "late start: shown as a number" \
	    "^pid: +[0-9]+, started at Unix time $start, ran " out
else
	echo "SKIP: no python3 to rewrite a profile's start time"
fi
finish
