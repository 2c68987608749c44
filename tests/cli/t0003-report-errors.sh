#!/bin/sh
# SPDX-License-Identifier: MIT
# report and the top level: bad files and bad options.
. "$top_srcdir/tests/lib.sh"

run_status rc "$HP" report x.data
expect_eq "missing file: status" 1 "$rc"
expect_eq "missing file: message" "heapprof: cannot open 'x.data': No such file or directory" "$(cat err)"

run_status rc "$HP" report
expect_eq "missing default file" "heapprof: cannot open 'heapprof.data': No such file or directory" "$(cat err)"

: >empty.data
run_status rc "$HP" report empty.data
expect_eq "empty file: status" 1 "$rc"
expect_eq "empty file: message" "heapprof: 'empty.data': empty file, not a profile" "$(cat err)"

echo "hello, world" >text.data
run_status rc "$HP" report text.data
expect_eq "not a profile: status" 1 "$rc"
expect_eq "not a profile: message" "heapprof: 'text.data': not a heapprof profile" "$(cat err)"

"$HP" run -o good.data "$PROGS/basic" 2>/dev/null || fail "run basic"
head -c 100 good.data >short.data
run_status rc "$HP" report short.data
expect_eq "truncated: status" 1 "$rc"
expect_grep "truncated: message" "heapprof: 'short.data': truncated profile (" err

# Bump the format version (bytes 8..11) past what this heapprof reads.
cp good.data newer.data
printf '\377' | dd of=newer.data bs=1 seek=8 conv=notrunc 2>/dev/null
run_status rc "$HP" report newer.data
expect_eq "newer version: status" 1 "$rc"
expect_grep "newer version: message" "heapprof: 'newer.data': profile format version 255 is newer than this heapprof reads (8)" err

# put_u64 FILE OFFSET VALUE: overwrite 8 bytes of FILE, little-endian.
put_u64() {
	_v=$3 _i=0 _s=
	while [ "$_i" -lt 8 ]; do
		_s="$_s\\$(printf %o $((_v & 255)))"
		_v=$((_v >> 8))
		_i=$((_i + 1))
	done
	printf "$_s" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# expect_refused NAME MESSAGE: report NAME.data fails with one line that
# starts with MESSAGE.
expect_refused() {
	run_status rc "$HP" report "$1.data"
	expect_eq "$1: status" 1 "$rc"
	expect_eq "$1: one line" 1 "$(wc -l <err)"
	expect_grep "$1: message" "heapprof: '$1.data': $2" err
}

# The compressed body, after the 32-byte header (u64 body length at 16,
# u64 stream length at 24, as heapprof-data(5) says).
size=$(wc -c <good.data)
zlen=$((size - 32))
blen=$(od -An -tu8 -j16 -N8 good.data | tr -d ' ')
expect_eq "stream length is the rest of the file" "$zlen" \
    "$(od -An -tu8 -j24 -N8 good.data | tr -d ' ')"

# Cut in the middle of the deflate stream, the header made to agree.
head -c $((32 + zlen / 2)) good.data >midstream.data
put_u64 midstream.data 24 $((zlen / 2))
expect_refused midstream "truncated profile (the compressed body stops after "

# One byte flipped in the middle of the stream.
cp good.data flipped.data
off=$((32 + zlen / 2))
b=$(od -An -tu1 -j$off -N1 good.data | tr -d ' ')
printf "\\$(printf %o $((b ^ 255)))" |
	dd of=flipped.data bs=1 seek=$off conv=notrunc 2>/dev/null
expect_refused flipped "corrupt profile ("

# A body length one too many, and one no stream of this size could hold
# (refused before anything that large is allocated).
cp good.data longer.data
put_u64 longer.data 16 $((blen + 1))
expect_refused longer "corrupt profile (the body inflates to $blen bytes, its header says $((blen + 1)))"
cp good.data huge.data
put_u64 huge.data 16 4611686018427387904
expect_refused huge "corrupt profile (its header claims a body of 4611686018427387904 bytes, more than $zlen compressed bytes can hold)"

run_status rc "$HP" report --sort=nonsense good.data
expect_eq "bad sort key: status" 64 "$rc"
expect_grep "bad sort key lists the keys" "invalid sort key 'nonsense' (valid keys: bytes, blocks, lifetime, peak, leaked, max, avg-size, p50-size, p90-size, p50-life, p90-life, weight, events, avg-weight)" err

run_status rc "$HP" report --top=x good.data
expect_eq "bad --top: status" 64 "$rc"
run_status rc "$HP" report --format=xml good.data
expect_eq "bad --format: status" 64 "$rc"
run_status rc "$HP" report --bogus good.data
expect_eq "unknown option: status" 64 "$rc"
expect_grep "unknown option: argp usage" "Try \`heapprof report --help'" err

run_status rc "$HP"
expect_eq "no command: status" 64 "$rc"
expect_grep "no command lists run" "  run " err
expect_grep "no command lists report" "  report " err
run_status rc "$HP" frobnicate
expect_eq "unknown command: status" 64 "$rc"
expect_grep "unknown command: message" "heapprof: unknown command 'frobnicate'" err

run_status rc "$HP" --help
expect_eq "--help: status" 0 "$rc"
expect_grep "--help lists report" "  report " out
run_status rc "$HP" --version
expect_eq "--version" "heapprof 0.1.0" "$(cat out)"
run_status rc "$HP" help run
expect_eq "help run: status" 0 "$rc"
expect_grep "help run is run's help" "Usage: heapprof run" out
run_status rc "$HP" run --help
expect_grep "run --help names heapprof run" "Usage: heapprof run [OPTION...] [--] PROGRAM [ARG...]" out
finish
