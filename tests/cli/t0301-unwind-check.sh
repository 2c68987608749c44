#!/bin/sh
# SPDX-License-Identifier: MIT
# The unwinder's checking mode: every stack captured is unwound again by
# libunwind and each difference counted among the anomalies.  Zero on hard
# stacks (longjmp, alloca and VLAs, signal handlers on both stacks,
# swapcontext, threads, an exception through 30 frames, a library
# unloaded and loaded again) and on sqlite3, python3 and clang-format;
# and the count reaches the report (=all counts every capture).
. "$top_srcdir/tests/lib.sh"

ldconfig -p 2>/dev/null | grep -q 'libunwind\.so\.8 ' ||
    [ -e /usr/lib/x86_64-linux-gnu/libunwind.so.8 ] ||
    skip "libunwind.so.8 (the reference unwinder) is not installed"
HEAPPROF_CHECK_UNWIND=1
export HEAPPROF_CHECK_UNWIND

# check NAME CMD...: no capture of CMD differs from libunwind's.
check() {
	_n=$1
	shift
	run_status rc "$HP" run -o "$_n.data" "$@"
	expect_eq "$_n exits 0 in checking mode" 0 "$rc"
	[ "$rc" -eq 0 ] || sed 's/^/    /' err
	grep 'libunwind' err && fail "$_n: libunwind not loaded"
	"$HP" report "$_n.data" >"$_n.txt" 2>&1 || fail "report $_n.data"
	expect_eq "$_n: no stack unwound otherwise by libunwind" "" \
	    "$(grep '^anomalies.*libunwind' "$_n.txt")"
	expect_eq "$_n: stacks were captured" 1 \
	    "$(grep -c '^total: .* in [1-9][0-9]* blocks' "$_n.txt")"
}

check mix "$PROGS/unwindmix"
# Frames without unwind tables, and libunwind's probing pipe kept out of
# the program's descriptors (unwind-io.c): fdkeep checks its own.
check fdkeep "$PROGS/fdkeep"
[ -x "$PROGS/throw30" ] && check throw30 "$PROGS/throw30"
plugin="$PROGS/.libs/plugin.so"
if [ -f "$plugin" ]; then
	mkdir copy && cp "$plugin" copy/plugin.so || fail "copy the plugin"
	check dlopen-again "$PROGS/dlopen-again" "$plugin" \
	    "$HP_TMP/copy/plugin.so" 20
fi
if command -v sqlite3 >/dev/null; then
	check sqlite3 sqlite3 :memory: "create table t(a, b);
	    with recursive c(x) as (select 1 union all select x + 1 from c
	    where x < 300) insert into t select x, hex(x) from c;
	    create index i on t(b); select count(*) from t;"
else
	echo "skip: sqlite3 is not installed"
fi
# The interpreter itself, not a wrapper script (pyenv) that execs it.
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ -n "$py" ]; then
	check python3 "$py" -c 'import json, re
print(len(json.dumps(re.findall(r"\w+", "a b c " * 200))))'
else
	echo "skip: python3 is not installed"
fi
if command -v clang-format >/dev/null; then
	check clang-format clang-format "$top_srcdir/src/agent/cfi.c"
else
	echo "skip: clang-format is not installed"
fi

# The count reaches the profile and the report: every capture, once.
HEAPPROF_CHECK_UNWIND=all
[ -x "$PROGS/throw30" ] || finish
run_status rc "$HP" run -o all.data "$PROGS/throw30"
"$HP" report all.data >all.txt 2>&1 || fail "report all.data"
blocks=$(sed -n 's/^total: .* in \([0-9]*\) blocks/\1/p' all.txt)
expect_eq "=all: one mismatch per capture" \
    ", $blocks stacks unwound otherwise by libunwind" \
    "$(grep '^anomalies' all.txt | sed 's/.*events//')"
finish
