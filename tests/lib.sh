# SPDX-License-Identifier: MIT
# lib.sh - sourced by tests/cli/t*.sh: each test runs in its own temporary
# directory (so tests can run in parallel), fails by exit status, and exits
# 77 to be skipped.
set -u
: "${top_srcdir:?run through make check}" "${top_builddir:?}"
HP="$top_builddir/src/heapprof"
PROGS="$top_builddir/tests/progs"
TOTALS="$top_srcdir/tests/dhat-totals.sh"
HP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/heapprof-test.XXXXXX")
trap 'rm -rf "$HP_TMP"' EXIT
cd "$HP_TMP" || exit 1
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		echo "ok: $1"
	else
		fail "$1: expected '$2', got '$3'"
	fi
}

# expect_grep WHAT PATTERN FILE: a fixed string must be in FILE
expect_grep() {
	if grep -qF -- "$2" "$3"; then
		echo "ok: $1"
	else
		fail "$1: '$2' not in $3:"
		sed 's/^/    /' "$3"
	fi
}

# expect_match WHAT REGEX FILE: an extended regular expression must match
expect_match() {
	if grep -qE -- "$2" "$3"; then
		echo "ok: $1"
	else
		fail "$1: /$2/ not in $3:"
		sed 's/^/    /' "$3"
	fi
}

# need_rustc: RUSTC, the installed rustc, on PATH or in rustup's
# ~/.cargo/bin (which a CI job's PATH may lack); else skip the test.
need_rustc() {
	RUSTC=$(command -v rustc 2>/dev/null) || RUSTC=${HOME:-/nonexistent}/.cargo/bin/rustc
	[ -x "$RUSTC" ] || skip "no rustc on PATH or in ~/.cargo/bin"
}

# row_totals TOTAL BLOCKS FILE: the frames of the row of a text report
# (--bytes) with those exact totals.
row_totals() {
	awk -v t="$1" -v b="$2" '
	    /^ *[0-9]/ { on = ($1 == t && $2 == b); next }
	    on' "$3"
}

# run_status VAR CMD...: run CMD with stdout/stderr to files, status in VAR
run_status() {
	_var=$1
	shift
	"$@" >out 2>err
	eval "$_var=\$?"
}

have_valgrind() {
	[ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ]
}

# profile_totals DATA [FUNCTION]: DATA's totals in valgrind DHAT's convention
# (--as-dhat, to compare with its .exp or with DHAT) as dhat-totals.sh prints
# them; with FUNCTION (an ERE), of the sites with a frame in it only.
profile_totals() {
	"$HP" report --format=dhat --as-dhat "$1" >"$1.json" ||
	    fail "report --format=dhat --as-dhat $1"
	"$TOTALS" "$1.json" ${2+"$2"}
}

# expect_no_anomalies WHAT DATA: report prints an anomalies line only when
# a counter is not zero.
expect_no_anomalies() {
	if ! "$HP" report "$2" >"$2.txt" 2>&1; then
		fail "$1: report $2:"
		sed 's/^/    /' "$2.txt"
	elif grep -q '^anomalies' "$2.txt"; then
		fail "$1: $(grep '^anomalies' "$2.txt")"
	else
		echo "ok: $1: no anomalies"
	fi
}

# dhat_run NAME CMD...: CMD under valgrind's DHAT, the oracle (without
# the libc and libstdc++ clean-ups at exit, which heapprof does not run
# either): profile NAME.vg.json, stdout NAME.vg.out, status in dhat_rc.
dhat_run() {
	_vg=$1
	shift
	"$VALGRIND" --tool=dhat --run-libc-freeres=no --run-cxx-freeres=no \
	    --dhat-out-file="$_vg.vg.json" "$@" >"$_vg.vg.out" \
	    2>"$_vg.vg.err" </dev/null
	dhat_rc=$?
}

# Address-space randomization off, where the system lets setarch turn it
# off: Python's allocator keeps a radix tree of its arenas' addresses, and
# where the kernel happens to put them can cost one more node, a block of
# 128 KiB (one run in 30 here).  valgrind lays out the address space
# itself, the same on every run.
if setarch -R true 2>/dev/null; then
	NORANDOM="setarch -R"
else
	NORANDOM=
fi

# expect_as_dhat NAME CMD...: CMD run natively, under heapprof (profile
# NAME.data) and under DHAT ends with the same status; heapprof's stdout
# is byte for byte the native one; heapprof's totals are DHAT's, without
# anomalies.  Each run starts in the same empty directory (programs that
# list their working directory, as Python's import system does, would
# otherwise see the other runs' files), so paths in CMD must be absolute.
# Skips the DHAT part without valgrind.
expect_as_dhat() {
	_name=$1
	shift
	mkdir "$HP_TMP/$_name.cwd" && cd "$HP_TMP/$_name.cwd" || return 1
	$NORANDOM "$@" >"$HP_TMP/$_name.native.out" 2>/dev/null </dev/null
	_native_rc=$?
	$NORANDOM "$HP" run -o "$HP_TMP/$_name.data" "$@" \
	    >"$HP_TMP/$_name.hp.out" 2>"$HP_TMP/$_name.hp.err" </dev/null
	_hp_rc=$?
	have_valgrind && dhat_run "$HP_TMP/$_name" "$@"
	cd "$HP_TMP" || return 1
	expect_eq "$_name: status under heapprof" "$_native_rc" "$_hp_rc"
	if cmp -s "$_name.native.out" "$_name.hp.out"; then
		echo "ok: $_name: same stdout"
	else
		fail "$_name: stdout differs under heapprof"
	fi
	expect_no_anomalies "$_name" "$_name.data"
	have_valgrind || return 0
	expect_eq "$_name: status under DHAT" "$_native_rc" "$dhat_rc"
	expect_eq "$_name: heapprof equals DHAT" \
	    "$("$TOTALS" "$_name.vg.json")" "$(profile_totals "$_name.data")"
}

# browser_run SCRIPT ARG...: run the node script tests/browser/SCRIPT,
# which drives the system's Chromium through tests/browser/browser.js;
# a failing check or a page error fails the test.  Skips where Chromium is
# not installed (CHROMIUM names it elsewhere).  puppeteer-core is
# installed once per build tree, by npm ci from tests/browser/'s
# package-lock.json into tests/browser-deps (never into the source tree),
# under a lock, since tests run in parallel.
browser_run() {
	CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
	[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || skip "Chromium not installed"
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		fail "node and npm are needed to drive Chromium"
		return 1
	fi
	_deps=$top_builddir/tests/browser-deps
	mkdir -p "$_deps" || return 1
	if ! (
		flock 9 || exit 1
		cmp -s "$top_srcdir/tests/browser/package-lock.json" \
		    "$_deps/installed" && exit 0
		cp "$top_srcdir/tests/browser/package.json" \
		    "$top_srcdir/tests/browser/package-lock.json" "$_deps/" &&
		    chmod u+w "$_deps/package.json" "$_deps/package-lock.json" &&
		    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix "$_deps" \
		    --no-audit --no-fund >"$_deps/npm.log" 2>&1 &&
		    cp "$_deps/package-lock.json" "$_deps/installed"
	) 9>"$_deps/lock"; then
		fail "npm ci of puppeteer-core in $_deps:"
		sed 's/^/    /' "$_deps/npm.log"
		return 1
	fi
	_script=$1
	shift
	if ! CHROMIUM=$CHROMIUM NODE_PATH=$_deps/node_modules \
	    node "$top_srcdir/tests/browser/$_script" "$@"; then
		failures=$((failures + 1))
	fi
}

finish() {
	[ "$failures" -eq 0 ] || exit 1
	exit 0
}

# The caches of symbols and debug files under this test's own directory
# (HOME and XDG_CACHE_HOME), the symbols' thread started from the first
# address however short the run, and the tests' view of what it did.
symbol_cache_env() {
	unset HEAPPROF_CACHE_DIR
	HOME=$HP_TMP/home
	XDG_CACHE_HOME=$HP_TMP/xdg
	HEAPPROF_TEST_SYMBOLS=1
	HEAPPROF_LIVE_SYMBOLS=1
	LC_ALL=C
	export HOME XDG_CACHE_HOME HEAPPROF_TEST_SYMBOLS HEAPPROF_LIVE_SYMBOLS \
	    LC_ALL
}
