#!/bin/sh
# SPDX-License-Identifier: MIT
# The persistent cache of symbolized addresses, in
# $XDG_CACHE_HOME/heapprof/symbols: the second run resolves nothing with
# libdw, with or without the thread that symbolizes during the run; the
# frames are those of a run without the cache; a file with a byte
# changed, cut short, or another object's is ignored and written again;
# concurrent runs leave whole files; and heapprof works unchanged where
# the cache cannot be written.
. "$top_srcdir/tests/lib.sh"

symbol_cache_env
syms=$XDG_CACHE_HOME/heapprof/symbols
awk 'BEGIN { for (i = 1; i <= 300; i++) print (i * 7919) % 2003, i }' \
    >input.txt

# prof NAME PROG ARGS...: run into NAME.data; NAME.frames its frames, and
# NAME.counts the test lines on how addresses were resolved.
prof() {
	_name=$1
	shift
	"$HP" run -o "$_name.data" "$@" >/dev/null 2>"$_name.err" ||
	    fail "$_name: run"
	"$HP" report --top=0 --depth=0 --show-all-frames --full-paths \
	    --no-demangle "$_name.data" >"$_name.txt" 2>&1 || fail "$_name: report"
	grep -e '^sites:' -e '^    [^ 0-9]' "$_name.txt" >"$_name.frames"
	grep -e '^heapprof: test: during' -e '^heapprof: test: at the end' \
	    "$_name.err" | sed 's/^heapprof: test: //' >"$_name.counts"
}

# same NAME REF: NAME's frames are REF's
same() {
	if cmp -s "$1.frames" "$2.frames"; then
		echo "ok: $1: the same frames as $2"
	else
		fail "$1: frames differ from $2's:"
		diff "$2.frames" "$1.frames" | sed 's/^/    /'
	fi
}

# counts NAME DURING_RESOLVED DURING_CACHED END_RESOLVED: the run's counts,
# "*" for any number above 0
counts() {
	_n=$(sed -n 's/^during the run: \([0-9]*\) addresses resolved, \([0-9]*\) cached$/\1 \2/p' \
	    "$1.counts")
	_e=$(sed -n 's/^at the end: \([0-9]*\) addresses resolved, .*/\1/p' \
	    "$1.counts")
	set -- "$1" "$(echo "$2" | sed 's/\*/[1-9][0-9]*/')" \
	    "$(echo "$3" | sed 's/\*/[1-9][0-9]*/')" "$4"
	if echo "$_n $_e" | grep -Eqx "$2 $3 $4"; then
		echo "ok: $1: resolved during the run, cached, at the end: $_n $_e"
	else
		fail "$1: expected '$2 $3 $4', got '$_n $_e':"
		sed 's/^/    /' "$1.counts"
	fi
}

HEAPPROF_CACHE_DIR= prof ref-basic "$PROGS/basic"
HEAPPROF_CACHE_DIR= prof ref-sort sort -n input.txt
[ ! -e "$XDG_CACHE_HOME" ] || fail "an empty HEAPPROF_CACHE_DIR still made a cache"

# First run: everything resolved, then kept; the second finds it all.
prof cold "$PROGS/basic"
same cold ref-basic
counts cold '*' 0 0
libc=$(ldd "$PROGS/basic" 2>/dev/null |
    sed -n 's/.*libc\.so\.6 => \([^ ]*\) .*/\1/p')
id=$(LC_ALL=C readelf -n "$libc" 2>/dev/null | sed -n 's/.*Build ID: *//p')
if [ -n "$id" ]; then
	expect_eq "libc's file, named by its build-id" 1 \
	    "$(ls "$syms" | grep -c "^$id-[0-9a-f]\{16\}\.syms\$")"
fi
[ ! -e "$HOME/.cache" ] || fail "XDG_CACHE_HOME set, but the cache is in HOME"
prof warm "$PROGS/basic"
same warm ref-basic
counts warm 0 '*' 0
HEAPPROF_LIVE_SYMBOLS=0 prof warm-end "$PROGS/basic"
same warm-end ref-basic
expect_match "warm-end: all ready at the end" \
    '^at the end: 0 addresses resolved, [1-9][0-9]* ready$' warm-end.counts
# Another program: libc's addresses it shares are cached already.
prof sort sort -n input.txt
same sort ref-sort
prof sort-warm sort -n input.txt
same sort-warm ref-sort
counts sort-warm 0 '*' 0

# Any byte changed, a file cut short: ignored, resolved again, rewritten.
for f in "$syms"/*.syms; do
	printf 'X' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null ||
	    fail "dd"
done
prof changed "$PROGS/basic"
same changed ref-basic
counts changed '*' 0 0
prof changed-again "$PROGS/basic"
counts changed-again 0 '*' 0
for f in "$syms"/*.syms; do
	head -c 30 "$f" >cut && mv cut "$f" || fail "cut"
done
prof cut "$PROGS/basic"
same cut ref-basic
counts cut '*' 0 0
# Another object's file under this one's name.
set -- "$syms"/*.syms
for f in "$@"; do
	cp "$1" "$f.new" && mv "$f.new" "$f" || fail "cp"
	cp "$f" "$f.keep" || fail "cp"
done
prof other "$PROGS/basic"
same other ref-basic
expect_match "other: another object's file is not used" \
    '^during the run: [1-9][0-9]* addresses resolved' other.counts
rm -f "$syms"/*.keep

# Concurrent runs, from an empty cache: whole files, the same frames.
rm -rf "$XDG_CACHE_HOME"
for i in 1 2 3 4; do
	prof "para$i" sort -n input.txt &
done
wait
for i in 1 2 3 4; do
	same "para$i" ref-sort
done
prof para-after sort -n input.txt
same para-after ref-sort
counts para-after 0 '*' 0
expect_eq "no temporary file left" "" \
    "$(ls "$syms" | grep -v -e '\.syms$' -e '^cleaned$')"

# A cache that cannot be written: the run is the same, and says nothing.
: >file
XDG_CACHE_HOME=$HP_TMP/file prof notdir "$PROGS/basic"
same notdir ref-basic
counts notdir '*' 0 0
expect_eq "notdir: no warning" "" \
    "$(grep -v -e '^heapprof: [0-9]* blocks' -e '^heapprof: test:' notdir.err)"
rm -rf "$XDG_CACHE_HOME" && mkdir -p "$XDG_CACHE_HOME/heapprof" &&
    : >"$syms" || fail "mkdir"
prof symsfile "$PROGS/basic"
same symsfile ref-basic
counts symsfile '*' 0 0
# A full disk, a read-only one: in a mount namespace of our own, where
# the system allows one.
# disk NAME MOUNT-OPTIONS FILL: run basic with the cache on a tmpfs
disk() {
	mkdir "$1" || fail "mkdir"
	unshare -r -m sh -c 'mount -t tmpfs -o "$1" tmpfs "$2" || exit 99
	    [ "$3" = no ] || head -c 1048576 /dev/zero >"$2/fill" 2>/dev/null
	    XDG_CACHE_HOME=$2 exec "$4" run -o "$2.data" "$5"' \
	    sh "$2" "$HP_TMP/$1" "$3" "$HP" "$PROGS/basic" >/dev/null 2>"$1.err"
}
if unshare -r -m true 2>/dev/null; then
	for d in "full size=64k yes" "rofs ro no"; do
		set -- $d
		disk "$1" "$2" "$3" || fail "$1: run"
		"$HP" report --top=0 --depth=0 --show-all-frames --full-paths \
		    --no-demangle "$1.data" >"$1.txt" 2>&1 || fail "$1: report"
		grep -e '^sites:' -e '^    [^ 0-9]' "$1.txt" >"$1.frames"
		grep -e '^heapprof: test: during' -e '^heapprof: test: at the end' \
		    "$1.err" | sed 's/^heapprof: test: //' >"$1.counts"
		same "$1" ref-basic
		counts "$1" '*' 0 0
		expect_eq "$1: no warning" "" \
		    "$(grep -v -e '^heapprof: [0-9]* blocks' -e '^heapprof: test:' \
		    "$1.err")"
	done
else
	echo "note: no mount namespace: full and read-only disks skipped"
fi
if [ "$(id -u)" != 0 ]; then
	rm -rf "$XDG_CACHE_HOME" && mkdir -p "$syms" && chmod 500 "$syms" ||
	    fail "chmod"
	prof readonly "$PROGS/basic"
	same readonly ref-basic
	counts readonly '*' 0 0
	expect_eq "readonly: no warning" "" \
	    "$(grep -v -e '^heapprof: [0-9]* blocks' -e '^heapprof: test:' \
	    readonly.err)"
	chmod 700 "$syms"
else
	echo "note: root writes in a read-only directory: that part skipped"
fi
finish
