#!/bin/sh
# SPDX-License-Identifier: MIT
# The cache of decompressed debug files: glibc's separate debug file, when
# its sections are compressed (Debian's libc6-dbg), is copied decompressed
# into HEAPPROF_CACHE_DIR on the first run and read from there on the
# next; every report is byte for byte the one without the cache, also
# when the cached copy is truncated or another file, or the directory
# cannot be made; and the upkeep removes what is old in the cache.
. "$top_srcdir/tests/lib.sh"
command -v readelf >/dev/null 2>&1 || skip "readelf (binutils) not installed"

# libc's debug file, where libdw's look-up by build-id finds it.
libc=$(ldd "$PROGS/basic" 2>/dev/null |
    sed -n 's/.*libc\.so\.6 => \([^ ]*\) .*/\1/p')
id=$(LC_ALL=C readelf -n "$libc" 2>/dev/null | sed -n 's/.*Build ID: *//p')
[ -n "$id" ] || skip "libc has no build-id"
debug=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)
debug=$debug/$(echo "$id" | cut -c3-).debug
[ -r "$debug" ] || skip "no separate debug file for libc (Debian: libc6-dbg)"
# Its flags column has C (SHF_COMPRESSED).
LC_ALL=C readelf -SW "$debug" 2>/dev/null |
    grep -Eq '\.debug_info +PROGBITS( +[0-9a-f]+){4} +[A-Z]*C' ||
    skip "libc's debug file is not compressed: nothing to cache"

cache=$HP_TMP/cache
copy=$cache/debug/$id.debug
LC_ALL=C
export LC_ALL
awk 'BEGIN { for (i = 1; i <= 300; i++) print (i * 7919) % 2003, i }' \
    >input.txt

# prof NAME CACHE PROG ARGS...: run PROG with HEAPPROF_CACHE_DIR=CACHE (and
# a HOME of its own) into NAME.data; NAME.frames is every frame of every
# site, in report order.
prof() {
	_name=$1 _cache=$2
	shift 2
	HOME=$HP_TMP/home XDG_CACHE_HOME= HEAPPROF_CACHE_DIR=$_cache \
	    "$HP" run -o "$_name.data" "$@" >"$_name.out" 2>"$_name.err" ||
	    fail "$_name: run"
	"$HP" report --top=0 --depth=0 --show-all-frames --full-paths \
	    --no-demangle "$_name.data" >"$_name.txt" 2>&1 || fail "$_name: report"
	grep -e '^sites:' -e '^    [^ ]' "$_name.txt" >"$_name.frames"
}

# same WHAT NAME PROG: NAME's frames are those of off-PROG, run without the
# cache
same() {
	if cmp -s "$2.frames" "off-$3.frames"; then
		echo "ok: $1: same report as without the cache"
	else
		fail "$1: report differs from the one without the cache:"
		diff "off-$3.frames" "$2.frames" | sed 's/^/    /'
	fi
}

prof off-basic '' "$PROGS/basic"
prof off-sort '' sort -n "$HP_TMP/input.txt"
[ ! -e "$HP_TMP/home" ] || fail "an empty HEAPPROF_CACHE_DIR still made a cache"
# What the comparisons are about: libc's lines and inline chains.
expect_match "libc frames have lines" \
    '^    __libc_start_main_impl \(.*/libc-start\.c:[0-9]+\)$' off-basic.frames
expect_match "libc frames have inline chains" \
    '^    .* \(.*libio/.*:[0-9]+\) \[inlined\]$' off-sort.frames

# Left by earlier runs: a copy unused for 8 days and a temporary file a
# killed run left 2 hours ago, both removed by this run's upkeep; a copy
# used yesterday, kept.
mkdir -p "$cache/debug" || fail "mkdir"
stale=$cache/debug/00112233445566778899aabbccddeeff00112233.debug
fresh=$cache/debug/ffeeddccbbaa99887766554433221100ffeeddcc.debug
: >"$stale" && : >"$stale.Ab12Cd" && : >"$fresh" || fail "touch"
touch -d '8 days ago' "$stale" && touch -d '2 hours ago' "$stale.Ab12Cd" &&
    touch -d '1 day ago' "$fresh" || fail "touch -d"

# First run: the copy is made, and used.
prof cold "$cache" "$PROGS/basic"
same "first run" cold basic
expect_eq "old entries removed, the rest kept" \
    "cleaned $(basename "$fresh")" \
    "$(cd "$cache/debug" && ls | grep -v "^$id" | tr '\n' ' ' | sed 's/ $//')"
rm "$fresh" || fail "rm"
if [ -f "$copy" ]; then
	echo "ok: the decompressed copy is in the cache"
else
	fail "no $copy:"
	ls -lR "$cache" 2>&1 | sed 's/^/    /'
fi
expect_eq "no temporary file left" "$id.debug" \
    "$(ls "$cache/debug" 2>&1 | grep -v '^cleaned$')"
size=$(wc -c <"$copy")
inode=$(ls -i "$copy")

# Next runs read the copy without rewriting it.  Each starts without the
# cache of symbolized addresses, which would spare libdw the debug file.
rm -rf "$cache/symbols"
prof warm "$cache" "$PROGS/basic"
same "second run" warm basic
rm -rf "$cache/symbols"
prof warm-sort "$cache" sort -n "$HP_TMP/input.txt"
same "inline chains, from the cache" warm-sort sort
expect_eq "the copy is kept" "$inode" "$(ls -i "$copy")"

# A truncated copy, or another file under its name, is not used but made
# again.
head -c 100000 "$copy" >cut && mv cut "$copy" || fail "truncate"
rm -rf "$cache/symbols"
prof cut "$cache" "$PROGS/basic"
same "truncated copy" cut basic
expect_eq "truncated copy made again" "$size" "$(wc -c <"$copy")"
cp "$PROGS/basic" "$copy" || fail "cp"
rm -rf "$cache/symbols"
prof other "$cache" sort -n "$HP_TMP/input.txt"
same "another file as the copy" other sort
expect_eq "foreign copy made again" "$size" "$(wc -c <"$copy")"

# A cache directory that cannot be made: the original file is read.
: >notadir
prof notdir "$HP_TMP/notadir" "$PROGS/basic"
same "cache directory under a file" notdir basic
expect_eq "no warning" "" "$(grep -v '^heapprof: [0-9]* blocks' notdir.err)"
finish
