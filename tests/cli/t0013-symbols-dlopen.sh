#!/bin/sh
# SPDX-License-Identifier: MIT
# A plugin loaded with dlopen after start and unloaded with dlclose before
# the end: its frames are named from what was known while it was loaded.
. "$top_srcdir/tests/lib.sh"

plugin="$PROGS/.libs/plugin.so"
[ -f "$plugin" ] || skip "plugin not built (no shared libraries?)"
src=tests/progs/plugin.c
line=$(grep -n 'site: plugin_alloc \*/' "$top_srcdir/$src" | cut -d: -f1)
call=$(grep -n 'site: main calls the plugin \*/' "$top_srcdir/tests/progs/dlopen-plugin.c" | cut -d: -f1)

run_status rc "$HP" run "$PROGS/dlopen-plugin" "$plugin"
expect_eq "dlopen-plugin exits 0" 0 "$rc"
"$HP" report --depth=2 --bytes --sort=leaked >r.txt || fail "report"
expect_match "the plugin's caller is named" "^    main \\(.*tests/progs/dlopen-plugin\\.c:$call\\)\$" r.txt
if grep -q '^    0x[0-9a-f]*$' r.txt; then
	fail "a frame without a module:"; cat r.txt
fi
expect_match "the plugin's function and line" "^    plugin_alloc \\(.*tests/progs/plugin\\.c:$line\\)\$" r.txt
finish
