#!/bin/sh
# SPDX-License-Identifier: MIT
# Separate debug information: a binary whose debug info was split off with
# objcopy still gets names and lines, through .gnu_debuglink beside it or
# in .debug/; debuginfod is asked only with run --debuginfod.
. "$top_srcdir/tests/lib.sh"
OBJCOPY=${OBJCOPY:-objcopy}
command -v "$OBJCOPY" >/dev/null 2>&1 || skip "objcopy (binutils) not installed"

src="$top_srcdir/tests/progs/basic.c"
churn=$(grep -n 'p = malloc(100)' "$src" | cut -d: -f1)
leak=$(grep -n 'calloc(4, 25)' "$src" | cut -d: -f1)

# split DIR NAME STRIP: DIR/NAME without debug info, its .debug in DIR or
# DIR/.debug
split() {
	mkdir -p "$1" && cp "$PROGS/basic" "$1/$2" &&
	    "$OBJCOPY" --only-keep-debug "$1/$2" "$1/$2.debug" &&
	    "$OBJCOPY" "$3" "$1/$2" &&
	    (cd "$1" && "$OBJCOPY" --add-gnu-debuglink="$2.debug" "$2")
}

check_lines() {
	"$HP" report --depth=1 "$1.data" >"$1.txt" 2>"$1.err" || fail "$1: report"
	expect_match "$1: churn's file and line" "^    churn \\(.*tests/progs/basic\\.c:$churn\\)\$" "$1.txt"
	expect_match "$1: leak_calloc's file and line" "^    leak_calloc \\(.*tests/progs/basic\\.c:$leak\\)\$" "$1.txt"
}

# Debug sections gone, symbol table kept: lines come from the .debug file.
split beside prog --strip-debug || fail "objcopy --strip-debug"
if LC_ALL=C readelf -S beside/prog 2>&1 | grep -q debug_line; then
	fail "beside/prog still has .debug_line"
fi
"$HP" run -o beside.data beside/prog 2>/dev/null || fail "run beside/prog"
check_lines beside

# Symbol table gone too: names also come from the .debug file, found in
# the .debug directory beside the program.
split sub prog --strip-all || fail "objcopy --strip-all"
mkdir -p sub/.debug && mv sub/prog.debug sub/.debug/ || fail "mv"
"$HP" run -o sub.data sub/prog 2>/dev/null || fail "run sub/prog"
check_lines sub

# No debug file anywhere: no names or lines, but module+offset frames.
split none prog --strip-all && rm none/prog.debug || fail "objcopy"
"$HP" run -o none.data none/prog 2>/dev/null || fail "run none/prog"
"$HP" report --depth=1 none.data >none.txt
expect_match "stripped: module+offset" '^    prog\+0x[0-9a-f]+$' none.txt

# debuginfod: a file:// server holding the debug file by build-id.
ldconfig -p 2>/dev/null | grep -q 'libdebuginfod\.so' || {
	echo "note: libdebuginfod not installed, debuginfod part skipped"
	finish
}
id=$(LC_ALL=C readelf -n none/prog 2>/dev/null | sed -n 's/.*Build ID: *//p')
[ -n "$id" ] || { echo "note: no build-id, debuginfod part skipped"; finish; }
mkdir -p "srv/buildid/$id" && cp sub/.debug/prog.debug "srv/buildid/$id/debuginfo"
export DEBUGINFOD_URLS="file://$HP_TMP/srv" DEBUGINFOD_CACHE_PATH="$HP_TMP/cache"
"$HP" run -o off.data none/prog 2>/dev/null || fail "run without --debuginfod"
"$HP" report --depth=1 off.data >off.txt
expect_match "DEBUGINFOD_URLS ignored without --debuginfod" '^    prog\+0x[0-9a-f]+$' off.txt
[ ! -e cache ] || fail "debuginfod cache made without --debuginfod"
"$HP" run --debuginfod -o on.data none/prog 2>/dev/null || fail "run --debuginfod"
check_lines on
finish
