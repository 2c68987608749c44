#!/bin/sh
# SPDX-License-Identifier: MIT
# Rust names demangled in both mangling schemes, legacy (_ZN...17h<hash>E)
# and v0 (_R...), without hashes; --no-demangle shows the linkage names.
# tests/progs/rust-names.rs is built here with the installed rustc.
. "$top_srcdir/tests/lib.sh"
need_rustc

cp "$top_srcdir/tests/progs/rust-names.rs" names.rs && chmod u+w names.rs
at() { grep -n "site: $1 \*/" names.rs | cut -d: -f1; }
call() { grep -n "$1" names.rs | cut -d: -f1; }

# Legacy is rustc's default (naming it needs -Z unstable-options).
for scheme in legacy v0; do
	case $scheme in
	legacy) mangling= ;;
	v0) mangling="-C symbol-mangling-version=v0" ;;
	esac
	"$RUSTC" -g $mangling --crate-name names -o $scheme names.rs \
	    2>$scheme.rustc ||
	    { fail "$scheme: rustc"; cat $scheme.rustc; continue; }
	"$HP" run -o $scheme.data ./$scheme >$scheme.out 2>/dev/null ||
	    fail "$scheme: run"
	expect_eq "$scheme: program output" "3 500" "$(cat $scheme.out)"
	"$HP" report --bytes --depth=0 --top=0 $scheme.data >$scheme.txt ||
	    fail "$scheme: report"

	# Engine::checkpoint: 1000 + 2000 + 3000 bytes in three blocks.
	row_totals 6000 3 $scheme.txt >got
	expect_grep "$scheme: method" \
	    "    names::Engine::checkpoint (names.rs:$(at checkpoint))" got
	expect_grep "$scheme: its caller" \
	    "    names::main (names.rs:$(call 'e.checkpoint'))" got
	# fill::<u32>: 500 * 4 bytes in one block; legacy names have no
	# generic arguments.
	case $scheme in
	legacy) generic="names::fill" ;;
	v0) generic="names::fill::<u32>" ;;
	esac
	row_totals 2000 1 $scheme.txt >got
	expect_grep "$scheme: generic function" \
	    "    $generic (names.rs:$(at fill))" got
	if grep -E '_ZN|_R[A-Z]|::h[0-9a-f]{16}|\$LT\$|\$u20\$' $scheme.txt >bad; then
		fail "$scheme: mangled names or hashes in the report:"
		sed 's/^/    /' bad
	else
		echo "ok: $scheme: no mangled names, no hashes"
	fi

	"$HP" report --no-demangle --bytes --depth=0 --top=0 $scheme.data \
	    >$scheme.raw || fail "$scheme: report --no-demangle"
	row_totals 6000 3 $scheme.raw >got
	case $scheme in
	legacy) raw='    _ZN5names6Engine10checkpoint17h[0-9a-f]{16}E \(names\.rs:' ;;
	v0) raw='    _RNvMCs[0-9A-Za-z_]+_5namesNtB[0-9A-Za-z_]*_6Engine10checkpoint \(names\.rs:' ;;
	esac
	expect_match "$scheme: --no-demangle" "^$raw$(at checkpoint)\)\$" got
done
finish
