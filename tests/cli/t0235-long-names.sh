#!/bin/sh
# SPDX-License-Identifier: MIT
# Long names as a report shows them: Rust's prelude types by their names
# (String, not alloc::string::String) in generic arguments and trait
# impls; a name longer than 100 characters with its generic arguments
# elided, "::<...>"; --full-names shows them whole; patterns match both.
# tests/progs/rust-long-names.rs is built here with the installed rustc.
. "$top_srcdir/tests/lib.sh"
need_rustc

cp "$top_srcdir/tests/progs/rust-long-names.rs" names.rs && chmod u+w names.rs
at() { grep -n "site: $1 \*/" names.rs | cut -d: -f1; }
call() { grep -n "$1" names.rs | cut -d: -f1; }

"$RUSTC" -g -C symbol-mangling-version=v0 --crate-name longnames -o v0 \
    names.rs 2>rustc.err || { cat rustc.err; fail "rustc"; finish; }
"$HP" run -o v0.data ./v0 >v0.out 2>/dev/null || fail "run"
expect_eq "program output" "3 2" "$(cat v0.out)"
report() { "$HP" report --bytes --depth=0 --top=0 "$@" v0.data; }
report >r.txt || fail "report"

# insert_with: 3 blocks of 4 * 60 bytes.  Its short name is 113
# characters: the closure's "::<...>" goes, the arguments of the
# Registry, shorter, stay, with the prelude's types by their names.
insert="longnames::inventory::storage::Registry<String, Option<Vec<String>>>::insert_with"
row_totals 720 3 r.txt >got
expect_eq "long name fitted" \
    "    $insert::<...> (names.rs:$(at insert_with))
    longnames::inventory::fill (names.rs:$(call 'r.insert_with'))" \
    "$(head -n 2 got)"
row_totals 700 1 r.txt >got
expect_eq "trait impl for a prelude type" \
    "    <Option<Vec<String>> as longnames::Summary>::summary (names.rs:$(at summary))" \
    "$(head -n 1 got)"
# As a function's own path, core::option::Option<&str>::map, they stay.
if sed 's/^ *>* *//' r.txt |
    grep -E '[<,( &](alloc::string::String|alloc::vec::Vec|core::option::Option)' \
    >bad; then
	fail "prelude types by their paths in arguments:"
	sed 's/^/    /' bad
else
	echo "ok: prelude types by their names"
fi

report --full-names >full.txt || fail "report --full-names"
row_totals 720 3 full.txt >got
expect_eq "--full-names: whole" \
    "    <longnames::inventory::storage::Registry<alloc::string::String, core::option::Option<alloc::vec::Vec<alloc::string::String>>>>::insert_with::<longnames::inventory::fill::{closure#0}> (names.rs:$(at insert_with))" \
    "$(head -n 1 got)"

# --ignore-fn matches the name as shown and the whole short name.
for pattern in "$insert::<...>" \
    "$insert::<longnames::inventory::fill::{closure#0}>"; do
	report --ignore-fn="$pattern" >ign.txt || fail "report --ignore-fn"
	row_totals 720 3 ign.txt >got
	expect_eq "--ignore-fn='$pattern'" \
	    "    longnames::inventory::fill (names.rs:$(call 'r.insert_with'))" \
	    "$(head -n 1 got)"
done
finish
