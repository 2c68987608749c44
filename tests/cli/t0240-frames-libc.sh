#!/bin/sh
# SPDX-License-Identifier: MIT
# Blocks that libc allocates on the program's behalf (printf's stdout
# buffer, strdup, fopen, a thread's TLS): the default view (--depth 4)
# still shows the program's line that called into libc, marked "  > ",
# with the libc frames that do not fit elided into one line.
. "$top_srcdir/tests/lib.sh"

src=tests/progs/callers.c
at() { grep -n "site: $1 \*/" "$top_srcdir/$src" | cut -d: -f1; }
srcdir=$(cd "$top_srcdir" && pwd -P)

# stdout is a file: printf allocates its buffer.
"$HP" run "$PROGS/callers" >stdout.txt 2>/dev/null || fail "run callers"
expect_eq "program output" "callers: 1" "$(cat stdout.txt)"
(cd "$srcdir" && "$HP" report --top=0 "$HP_TMP/heapprof.data") >r.txt ||
    fail "report"
(cd "$srcdir" && "$HP" report --top=0 --depth=0 "$HP_TMP/heapprof.data") \
    >all.txt || fail "report --depth=0"

# position FILE LINE: where LINE is among its row's stack lines (1 is
# the first), 0 when it is in none.
position() {
	awk -v want="$2" '
		/^ +[0-9]/ { n = 0; next }
		{ n++ }
		$0 == want { print n; found = 1; exit }
		END { if (!found) print 0 }' "$1"
}
# line_at FILE LINE K: the stack line K places before LINE in its row.
line_at() {
	awk -v want="$2" -v k="$3" '
		{ l[NR] = $0 }
		$0 == want && !m { m = NR }
		END { if (m) print l[m - k] }' "$1"
}

say="  > say ($src:$(at printf))"
expect_eq "printf: the caller's line is third" 3 "$(position r.txt "$say")"
line_at r.txt "$say" 2 >before2
line_at r.txt "$say" 1 >before1
expect_match "printf: libc's frames elided before it" \
    '^    \.\.\. [0-9]+ frames in libc\.so\.6$' before2
expect_match "printf: then the call into libc" '^    [_a-zA-Z]*printf ' before1
expect_eq "printf: caller's caller next" "    main ($src:$(grep -n '^	say();' "$top_srcdir/$src" | cut -d: -f1))" \
    "$(line_at r.txt "$say" -1)"
# --depth=0 elides nothing: every libc frame, then the marked line.
n=$(sed -n 's/^    \.\.\. \([0-9]*\) frames in libc\.so\.6$/\1/p' r.txt | head -n 1)
expect_eq "--depth=0: no elision" 0 "$(grep -c '^    \.\.\. [0-9]* frames in' all.txt)"
expect_eq "--depth=0: the libc frames, then the caller" "$((n + 2))" \
    "$(position all.txt "$say")"

expect_eq "strdup: the caller second" 2 \
    "$(position r.txt "  > dup ($src:$(at strdup))")"
line_at r.txt "  > dup ($src:$(at strdup))" 1 >before1
expect_match "strdup: after libc's strdup" '^    [_a-zA-Z]*strdup ' before1
expect_eq "fopen: the caller within the depth" 1 \
    "$(test "$(position r.txt "  > open_null ($src:$(at fopen))")" -ge 2 &&
    test "$(position r.txt "  > open_null ($src:$(at fopen))")" -le 4 &&
    echo 1)"
expect_eq "pthread_create: main within the depth" 1 \
    "$(test "$(position r.txt "  > main ($src:$(at thread))")" -ge 2 &&
    test "$(position r.txt "  > main ($src:$(at thread))")" -le 4 && echo 1)"
# The program's own sites are not marked: nothing comes before them.
expect_eq "own sites unmarked" 1 \
    "$(position r.txt "    worker ($src:$(at worker))")"
expect_eq "strdup's 9 bytes" 1 "$(grep -c '^ *9 B *1 *9 B ' r.txt)"

# Markdown: the call site is the program's line, then what it called.
(cd "$srcdir" && "$HP" report --format=markdown --top=0 --bytes \
    "$HP_TMP/heapprof.data") >md.txt || fail "report markdown"
expect_match "markdown: strdup's caller, then strdup in libc" \
    "^\| [0-9]+ \| \`dup\` \(\`$src:$(at strdup)\`\) → \`[_a-zA-Z]*strdup\` in \`libc\.so\.6\` \| 1 \| 9 \| 9 \|\$" md.txt
finish
