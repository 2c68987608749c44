#!/bin/sh
# SPDX-License-Identifier: MIT
# The cache of symbolized addresses is keyed by the debug files libdw may
# find, not by the build-id alone: frames resolved without debug
# information are not reused once a debug file is installed (as libc6-dbg
# would be), nor once it is removed; and a program rebuilt at the same
# path does not take its predecessor's frames.
. "$top_srcdir/tests/lib.sh"
OBJCOPY=${OBJCOPY:-objcopy}
command -v "$OBJCOPY" >/dev/null 2>&1 || skip "objcopy (binutils) not installed"

symbol_cache_env

src="$top_srcdir/tests/progs/basic.c"
churn=$(grep -n 'p = malloc(100)' "$src" | cut -d: -f1)

# prof NAME PROG: run into NAME.data; NAME.txt its report, NAME.counts how
# addresses were resolved
prof() {
	"$HP" run -o "$1.data" "$2" >/dev/null 2>"$1.err" || fail "$1: run"
	"$HP" report --top=0 --depth=0 --show-all-frames --full-paths \
	    --no-demangle "$1.data" >"$1.txt" 2>&1 || fail "$1: report"
	grep -e '^sites:' -e '^    [^ 0-9]' "$1.txt" >"$1.frames"
	sed -n 's/^heapprof: test: during the run: //p' "$1.err" >"$1.counts"
}

# The program without a symbol table or DWARF, its debug file apart.
mkdir d && cp "$PROGS/basic" d/prog &&
    "$OBJCOPY" --only-keep-debug d/prog prog.debug &&
    "$OBJCOPY" --strip-all d/prog &&
    (cd d && cp ../prog.debug . && "$OBJCOPY" --add-gnu-debuglink=prog.debug prog &&
    rm prog.debug) || fail "objcopy"

prof bare d/prog
expect_match "bare: module+offset frames" '^    prog\+0x[0-9a-f]+$' bare.txt
prof bare-again d/prog
expect_match "bare-again: all from the cache" '^0 addresses resolved, [1-9][0-9]* cached$' \
    bare-again.counts
expect_match "bare-again: still module+offset" '^    prog\+0x[0-9a-f]+$' bare-again.txt

# The debug file installed beside it: names and lines, resolved anew.
cp prog.debug d/prog.debug || fail "cp"
prof debug d/prog
expect_match "debug: churn's name and line" \
    "^    churn \\(.*tests/progs/basic\\.c:$churn\\)\$" debug.txt
expect_match "debug: the program's addresses resolved anew" \
    '^[1-9][0-9]* addresses resolved, [1-9][0-9]* cached$' debug.counts
prof debug-again d/prog
expect_match "debug-again: all from the cache" \
    '^0 addresses resolved, [1-9][0-9]* cached$' debug-again.counts
if cmp -s debug.frames debug-again.frames; then
	echo "ok: debug-again: the same frames"
else
	fail "debug-again: frames differ:"
	diff debug.frames debug-again.frames | sed 's/^/    /'
fi

# Or in the .debug directory; then removed again.
mkdir d/.debug && mv d/prog.debug d/.debug/ || fail "mv"
prof dotdebug d/prog
expect_match "dotdebug: resolved anew" '^[1-9][0-9]* addresses resolved' dotdebug.counts
expect_match "dotdebug: churn's name" '^    churn \(' dotdebug.txt
rm -r d/.debug || fail "rm"
prof removed d/prog
expect_match "removed: module+offset again" '^    prog\+0x[0-9a-f]+$' removed.txt
if cmp -s bare.frames removed.frames; then
	echo "ok: removed: the frames of the bare run"
else
	fail "removed: frames differ from the bare run's:"
	diff bare.frames removed.frames | sed 's/^/    /'
fi

# Another program built at the same path.
cp "$PROGS/callers" d/prog || fail "cp"
HEAPPROF_CACHE_DIR= prof callers-ref d/prog
prof callers d/prog
if cmp -s callers-ref.frames callers.frames; then
	echo "ok: callers: its own frames"
else
	fail "callers: frames differ from those without the cache:"
	diff callers-ref.frames callers.frames | sed 's/^/    /'
fi
finish
