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

# run_status VAR CMD...: run CMD with stdout/stderr to files, status in VAR
run_status() {
	_var=$1
	shift
	"$@" >out 2>err
	eval "$_var=\$?"
}

finish() {
	[ "$failures" -eq 0 ] || exit 1
	exit 0
}
