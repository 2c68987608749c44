#!/bin/sh
# SPDX-License-Identifier: MIT
# A Rust program's default view starts at its own functions: the
# allocator's frames (Rust's alloc crate, hashbrown, __rust_alloc) are
# folded into them and the runtime's below main (std::rt::lang_start,
# catch_unwind, _start) are hidden, in both mangling schemes;
# --group-by=function sums them per function.  tests/progs/frames_rust.rs
# is built here with the installed rustc.
. "$top_srcdir/tests/lib.sh"
RUSTC=$(command -v rustc 2>/dev/null) || RUSTC=$HOME/.cargo/bin/rustc
[ -x "$RUSTC" ] || skip "no rustc on PATH or in ~/.cargo/bin"

cp "$top_srcdir/tests/progs/frames_rust.rs" frames_rust.rs &&
    chmod u+w frames_rust.rs
at() { grep -n "site: $1 \*/" frames_rust.rs | cut -d: -f1; }

# first TOTAL BLOCKS FILE: the first stack line of the row with those
# exact totals.
first() {
	awk -v t="$1" -v b="$2" '
	    /^ *[0-9]/ { on = ($1 == t && $2 == b); next }
	    on { print; exit }' "$3"
}
# firsts FILE: every row's first stack line.
firsts() { awk '/^ *[0-9]/ { getline; print }' "$1"; }

for scheme in legacy v0; do
	# Both schemes' names are shown alike.
	engine="frames_rust::Engine"
	case $scheme in
	legacy) mangling= ;;
	v0) mangling="-C symbol-mangling-version=v0" ;;
	esac
	# Make's jobserver is not rustc's to use.
	env -u MAKEFLAGS -u MFLAGS "$RUSTC" -g $mangling \
	    --crate-name frames_rust -o $scheme frames_rust.rs \
	    2>$scheme.rustc || { fail "$scheme: rustc"; cat $scheme.rustc;
	    continue; }
	"$HP" run -o $scheme.data ./$scheme >$scheme.out 2>/dev/null ||
	    fail "$scheme: run"
	expect_eq "$scheme: program output" "9 2048" "$(cat $scheme.out)"
	"$HP" report --bytes --top=0 $scheme.data >$scheme.txt ||
	    fail "$scheme: report"

	expect_eq "$scheme: Box::new's site is checkpoint's line" \
	    "    $engine::checkpoint (frames_rust.rs:$(at box))" \
	    "$(first 12288 3 $scheme.txt)"
	expect_eq "$scheme: Vec::with_capacity's site is checkpoint's line" \
	    "    $engine::checkpoint (frames_rust.rs:$(at with_capacity))" \
	    "$(first 3000 3 $scheme.txt)"
	expect_eq "$scheme: vec!'s site is new's line" \
	    "    $engine::new (frames_rust.rs:$(at vec))" \
	    "$(first 2048 1 $scheme.txt)"
	firsts $scheme.txt >$scheme.firsts
	expect_grep "$scheme: format!'s site is checkpoint's line" \
	    "    $engine::checkpoint (frames_rust.rs:$(at format))" \
	    $scheme.firsts
	expect_grep "$scheme: HashMap::insert's site is checkpoint's line" \
	    "    $engine::checkpoint (frames_rust.rs:$(at insert))" \
	    $scheme.firsts
	expect_eq "$scheme: no row starts in the allocator" 0 \
	    "$(grep -cE '^ *(<?alloc::|<?core::alloc|<?std::alloc|<?hashbrown::|<?std::collections::|__rust_alloc|__rdl_alloc)|RawVec' \
	    $scheme.firsts)"
	"$HP" report --bytes --top=0 --depth=0 $scheme.data >$scheme.all ||
	    fail "$scheme: report --depth=0"
	expect_eq "$scheme: nothing below main" 0 \
	    "$(grep -cE '^  (  |> )(std::rt::lang_start|std::panicking::|std::panic::catch_unwind|core::ops::function::|__rust_begin_short_backtrace|std::sys::backtrace::__rust_begin_short_backtrace|main \(|_start|__libc_start)' \
	    $scheme.all)"
	expect_eq "$scheme: main is the user's" \
	    "    frames_rust::main (frames_rust.rs:$(grep -n 'e.checkpoint(i)' \
	    frames_rust.rs | cut -d: -f1))" \
	    "$(awk '/^ *12288 *3 / { getline; getline; print; getline;
	    if ($0 !~ /^ *[0-9]/) print "more: " $0; exit }' $scheme.all)"

	# --show-alloc-frames: the allocator's frames come first again.
	"$HP" report --bytes --top=0 --depth=0 --show-alloc-frames $scheme.data \
	    >$scheme.alloc || fail "$scheme: --show-alloc-frames"
	first 3000 3 $scheme.alloc >got
	expect_match "$scheme: --show-alloc-frames shows RawVec" \
	    '^    <?alloc::raw_vec::' got

	# One row for checkpoint: the sums of its sites.
	"$HP" report --format=dhat $scheme.data >$scheme.json ||
	    fail "$scheme: dhat"
	"$HP" report --format=dhat --group-by=function $scheme.data \
	    >$scheme.fn.json || fail "$scheme: dhat by function"
	"$TOTALS" $scheme.json "$engine::checkpoint" >by-stack
	expect_match "$scheme: checkpoint's blocks by stack" \
	    '^tb=[0-9]+ tbk=(9|[1-9][0-9]+) ' by-stack
	expect_eq "$scheme: checkpoint by function, the same sums" \
	    "$(cat by-stack)" \
	    "$("$TOTALS" $scheme.fn.json "$engine::checkpoint")"
	expect_eq "$scheme: checkpoint is one entry" 1 \
	    "$(grep -cF ": $engine::checkpoint (frames_rust.rs)\"" \
	    $scheme.fn.json)"
done
finish
