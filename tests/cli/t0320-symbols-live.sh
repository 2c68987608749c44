#!/bin/sh
# SPDX-License-Identifier: MIT
# Symbols during the run: the collector's thread resolves each new return
# address while the target runs (seen here while the target waits for its
# input), so at the end none is left for libdw; and the profile's frames
# are exactly those resolved after the run (HEAPPROF_LIVE_SYMBOLS=0).
# A target that ends within 10 ms leaves it all to the end.
. "$top_srcdir/tests/lib.sh"
command -v timeout >/dev/null 2>&1 || skip "timeout (coreutils) not installed"

# Neither cache: only the thread is compared with the end of the run.
HEAPPROF_CACHE_DIR=
HEAPPROF_TEST_SYMBOLS=1
export HEAPPROF_CACHE_DIR HEAPPROF_TEST_SYMBOLS
LC_ALL=C
export LC_ALL

# The thread names waiting_site while waiter waits for its byte: it
# starts once the target has run 10 ms (below, at once, with
# HEAPPROF_LIVE_SYMBOLS=1, as these programs end sooner).
mkfifo in err || fail "mkfifo"
(timeout 10 "$HP" run -o live.data "$PROGS/waiter" <in 2>err >/dev/null
    echo $? >status) &
exec 3>in 4<err
seen=no
while IFS= read -r line <&4; do
	echo "$line" >>live.err
	case $line in
	"heapprof: test: resolved waiting_site")
		seen=yes
		break ;;
	esac
done
# (Without the thread, waiter was killed by timeout: no reader is left.)
(trap '' PIPE; printf x >&3) 2>/dev/null
exec 3>&-
cat <&4 >>live.err
exec 4<&-
wait
expect_eq "waiting_site resolved while the target waits" yes "$seen"
expect_eq "run status" 0 "$(cat status)"
expect_grep "released_site resolved too" "heapprof: test: resolved released_site" live.err
expect_match "all during the run" \
    '^heapprof: test: during the run: [1-9][0-9]* addresses resolved, 0 cached$' live.err
expect_grep "nothing left for the end" \
    "heapprof: test: at the end: 0 addresses resolved," live.err

# frames NAME: NAME.data's sites and frames, in report order.
frames() {
	"$HP" report --top=0 --depth=0 --show-all-frames --full-paths \
	    --no-demangle "$1.data" >"$1.txt" 2>&1 || fail "$1: report"
	grep -e '^sites:' -e '^    [^ 0-9]' "$1.txt" >"$1.frames"
}

# compare NAME PROG ARGS...: the same frames with and without the thread;
# with it, none left for the end (but $left, which may be)
left=0
compare() {
	_name=$1
	shift
	HEAPPROF_LIVE_SYMBOLS=0 "$HP" run -o "off-$_name.data" "$@" \
	    >/dev/null 2>"off-$_name.err" </dev/null || fail "$_name: run, off"
	HEAPPROF_LIVE_SYMBOLS=1 "$HP" run -o "on-$_name.data" "$@" \
	    >/dev/null 2>"on-$_name.err" </dev/null || fail "$_name: run"
	frames "off-$_name"
	frames "on-$_name"
	if cmp -s "off-$_name.frames" "on-$_name.frames"; then
		echo "ok: $_name: the same frames as after the run" \
		    "($(wc -l <"on-$_name.frames") lines)"
	else
		fail "$_name: frames differ from those resolved after the run:"
		diff "off-$_name.frames" "on-$_name.frames" | sed 's/^/    /'
	fi
	if grep -q '^heapprof: test: during' "off-$_name.err"; then
		fail "$_name: HEAPPROF_LIVE_SYMBOLS=0 still ran the thread"
	fi
	expect_match "$_name: resolved at the end without the thread" \
	    '^heapprof: test: at the end: [1-9][0-9]* addresses resolved, 0 ready$' \
	    "off-$_name.err"
	expect_match "$_name: resolved during the run with it" \
	    "^heapprof: test: at the end: $left addresses resolved, [1-9][0-9]* ready\$" \
	    "on-$_name.err"
}

awk 'BEGIN { for (i = 1; i <= 300; i++) print (i * 7919) % 2003, i }' \
    >input.txt
compare basic "$PROGS/basic"
compare sort sort -n input.txt
compare threads "$PROGS/threads"
# A plugin loaded, closed and loaded again, then a copy of the same name
# from elsewhere (t0170): each load's frames from its own file.  An
# address met again in another object may be left for the end, when the
# two loads came in one drain: the thread is handed each address once
# between two loads.
plugin="$PROGS/.libs/plugin.so"
if [ -f "$plugin" ]; then
	mkdir copy && cp "$plugin" copy/plugin.so || fail "copy the plugin"
	left='[0-9]'
	compare dlopen "$PROGS/dlopen-again" "$plugin" "$HP_TMP/copy/plugin.so" 50
	left=0
fi
if [ -x "$PROGS/cxx-names" ]; then
	compare cxx "$PROGS/cxx-names"
fi
expect_match "libc's inline chains are compared" \
    '^    .* \(.*libio/.*:[0-9]+\) \[inlined\]$' on-sort.frames
finish
