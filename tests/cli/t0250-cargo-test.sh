#!/bin/sh
# SPDX-License-Identifier: MIT
# The cargo recipe: `cargo test` with tests/rust/engine/.cargo/config.toml
# as it is (heapprof found on PATH) profiles the crate's test binary into
# heapprof.NAME-HASH.PID.data, keeps cargo's pass and fail, and the default
# report reads like the crate's source: its functions first on their sites,
# with their exact counts, Rust names demangled without their hashes, no
# allocator plumbing.  The counts are in the comments of src/lib.rs.
. "$top_srcdir/tests/lib.sh"

# rustup installs into ~/.cargo/bin, which a CI job's PATH may lack.
if command -v cargo >/dev/null 2>&1; then
	CARGO=$(command -v cargo)
elif [ -x "${HOME:-/nonexistent}/.cargo/bin/cargo" ]; then
	CARGO=$HOME/.cargo/bin/cargo
	PATH=$HOME/.cargo/bin:$PATH
else
	skip "cargo not found on PATH or in ~/.cargo/bin"
fi
PATH=$top_builddir/src:$PATH
# Only the recipe's runner; the crate's own target directory and cargo's
# own home (its locks and caches) in the build tree, no network; a panic's
# message without the backtrace, which costs a symbolization.
unset CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER CARGO_BUILD_TARGET \
    CARGO_BUILD_RUSTFLAGS RUSTFLAGS
RUST_BACKTRACE=0 CARGO_NET_OFFLINE=true CARGO_INCREMENTAL=0
CARGO_TARGET_DIR=$top_builddir/tests/cargo-target
CARGO_HOME=$CARGO_TARGET_DIR/home
export PATH RUST_BACKTRACE CARGO_NET_OFFLINE CARGO_INCREMENTAL CARGO_TARGET_DIR \
    CARGO_HOME

# A writable copy: cargo writes Cargo.lock beside Cargo.toml, and the
# runner writes the profiles in the package's directory.
cp -R "$top_srcdir/tests/rust/engine" engine && chmod -R u+w engine &&
    cd engine || exit 1
cmp -s "$top_srcdir/tests/rust/engine/.cargo/config.toml" .cargo/config.toml ||
    fail "the recipe is copied as it is"
# And it is the one the documentation gives.
grep -v '^#' .cargo/config.toml >recipe.txt
while IFS= read -r l; do
	expect_grep "README.md: $l" "$l" "$top_srcdir/README.md"
	expect_grep "heapprof(1): $l" "$l" "$top_srcdir/man/heapprof.1"
done <recipe.txt

run_status rc "$CARGO" --offline test
expect_eq "cargo test passes under heapprof" 0 "$rc"
expect_grep "the tests ran" "test result: ok. 4 passed" out
set -- heapprof.engine-*.data
expect_eq "one profile, the test binary's" 1 "$#"
data=$1
echo "$data" >name
expect_match "named by the binary and its pid" \
    '^heapprof\.engine-[0-9a-f]+\.[0-9]+\.data$' name

"$HP" report "$data" >report.txt 2>&1 || fail "report $data"
"$HP" report --bytes "$data" >bytes.txt 2>&1 || fail "report --bytes $data"
expect_grep "the run's status" "exit status 0" report.txt

# sites FILE: each site's first frame, total and blocks, tab-separated.
sites() {
	awk -v OFS='\t' '
	    row != "" { sub(/^ +/, ""); print $0, row; row = ""; next }
	    /^ +[0-9.]+ [KMG]?i?B +[0-9]+ / { row = $1 " " $2 OFS $3 }
	    /^ +[0-9]+ +[0-9]+ / { row = $1 OFS $2 }' "$1"
}
sites report.txt >sites.txt
sites bytes.txt >sites-bytes.txt

# line PATTERN: the line of src/lib.rs that allocates.
line() {
	grep -n -- "$1" src/lib.rs | cut -d: -f1
}
checkpoint="engine::Engine::checkpoint (src/lib.rs:$(line 'let mut copy = Vec::with_capacity'))"
encode="engine::codec::encode (src/lib.rs:$(line 'let mut out = String::with_capacity'))"
new="engine::Engine::new (src/lib.rs:$(line 'state: vec!\[0; words\]'))"
page="engine::codec::page (src/lib.rs:$(line 'Box::new(\[n; 4096\])'))"
expect_eq "Vec::with_capacity: checkpoint's site" \
    "$checkpoint	96.0 KiB	3" "$(grep -F "$checkpoint	" sites.txt)"
expect_eq "checkpoint's exact bytes" \
    "$checkpoint	98304	3" "$(grep -F "$checkpoint	" sites-bytes.txt)"
expect_eq "String::with_capacity: encode's site" \
    "$encode	16.0 KiB	1" "$(grep -F "$encode	" sites.txt)"
expect_eq "encode's exact bytes" \
    "$encode	16384	1" "$(grep -F "$encode	" sites-bytes.txt)"
expect_eq "vec![0; n], through calloc: new's site" \
    "$new	32768	1" "$(grep -F "$new	" sites-bytes.txt)"
expect_eq "Box::new: page's site" \
    "$page	8192	2" "$(grep -F "$page	" sites-bytes.txt)"

# Nothing raw anywhere in the default view, nothing of the allocator's
# first on a site.
if grep -nE '_ZN|(^|[^A-Za-z0-9_])_R[A-Z]|::h[0-9a-f]{16}|\$LT\$|\$u20\$' \
    report.txt >raw.txt; then
	fail "mangled names or hashes in the report:"
	sed 's/^/    /' raw.txt
else
	echo "ok: names demangled, without hashes"
fi
if cut -f1 sites.txt | grep -nE '^<?(alloc::|core::alloc|std::alloc|hashbrown::|__rust_alloc|__rdl_alloc|__rust_realloc|__rdl_realloc)|RawVec' \
    >plumbing.txt; then
	fail "allocator frames first on a site:"
	sed 's/^/    /' plumbing.txt
else
	echo "ok: no allocator frame first"
fi

# A failing test fails cargo as without heapprof, its profile written.
rm -f heapprof.engine-*.data
run_status rc env ENGINE_TEST_FAIL=1 "$CARGO" --offline test
expect_eq "a failing test fails cargo test" 101 "$rc"
expect_grep "the failure is the test's" "test result: FAILED. 3 passed; 1 failed" out
set -- heapprof.engine-*.data
expect_eq "its profile" 1 "$#"
"$HP" report "$1" >failed.txt 2>&1 || fail "report $1"
expect_grep "the test binary's status" "exit status 101" failed.txt
finish
