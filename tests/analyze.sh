#!/bin/sh
# SPDX-License-Identifier: MIT
# analyze.sh SRCDIR CLI-SOURCES... -- AGENT-SOURCES... - `make analyze`:
# cppcheck, then gcc -fanalyzer, over every C file of the CLI and of the
# agent.  The environment gives the compiler and its flags as the build
# uses them: CC, CPPFLAGS, CLI_CFLAGS, AGENT_CFLAGS, pkglibdir (make
# passes them).  The logs are in analyze.d/ when it fails.
# Fails by exit status if a warning is left that tests/analyze.supp does
# not name; each of its entries says why that warning is not a bug.
set -u
srcdir=$1
shift
supp=$srcdir/tests/analyze.supp
builddir=$(pwd)
out=$builddir/analyze.d
rm -rf "$out"
mkdir -p "$out" || exit 1

# The lists, .c only (the sources variables name headers too), relative to
# SRCDIR as make has them; ring.c is in both, with each side's flags.
cli= agent= side=cli
for f; do
	case $f in
	--) side=agent ;;
	*.c) if [ $side = cli ]; then cli="$cli $f"; else agent="$agent $f"; fi ;;
	esac
done

# An entry is TOOL:FILE:ID[:FUNCTION] and its reason; none without one.
if awk '!/^#/ && NF == 1 { print FILENAME ":" FNR ": no reason: " $0; bad = 1 }
    END { exit bad }' "$supp"; then :; else
	exit 1
fi

failed=0

# --- cppcheck: from the source tree, so that entries name src/x.c ---------
if command -v cppcheck >/dev/null; then
	set --
	for s in $(awk '$1 ~ /^cppcheck:/ { sub(/^cppcheck:/, "", $1); print $1 }' \
	    "$supp"); do
		set -- "$@" "--suppress=$s"
	done
	echo "cppcheck:$cli $agent"
	# The system headers are not read: cppcheck's posix and gnu libraries
	# describe the calls; the macros from them the code tests are given.
	if ! (cd "$srcdir" && cppcheck -q --enable=warning,portability,performance \
	    --library=posix --library=gnu --std=c11 --inline-suppr \
	    --error-exitcode=1 -I "$builddir" -I src -I include \
	    -DHAVE_CONFIG_H -DPKGLIBDIR='"/usr/lib/heapprof"' \
	    -D__linux__ -D__x86_64__ -D__SIZEOF_SIZE_T__=8 \
	    -DSYS_pidfd_open=434 -DSYS_pipe=22 '-DElfW(type)=Elf64_##type' \
	    -j 2 "$@" $cli $agent); then
		echo "FAILED: cppcheck"
		failed=1
	fi
else
	echo "FAILED: cppcheck not found (Debian package cppcheck)"
	failed=1
fi

# --- gcc -fanalyzer: a whole compile per file, two at a time --------------
# Warnings stay warnings (-Wno-error), so that each is read from the log;
# FILE:ID[:FUNCTION] entries let one through, FUNCTION being the one gcc
# names in its "In function" line.
for f in $cli; do echo "cli $f"; done >"$out/jobs"
for f in $agent; do echo "agent $f"; done >>"$out/jobs"
export CC CPPFLAGS CLI_CFLAGS AGENT_CFLAGS out srcdir pkglibdir
xargs -P 2 -L 1 sh -c '
	if [ "$1" = cli ]; then fl=$CLI_CFLAGS; else fl=$AGENT_CFLAGS; fi
	log=$out/$(echo "$2" | tr / _).$1.log
	echo "gcc -fanalyzer ($1): $2"
	$CC $CPPFLAGS -DPKGLIBDIR="\"$pkglibdir\"" $fl -Wno-error -fanalyzer -fdiagnostics-plain-output \
	    -c "$srcdir/$2" -o /dev/null >"$log" 2>&1
	echo "$?" >"$log.rc"' sh <"$out/jobs"
for log in "$out"/*.log; do
	name=${log##*/}
	name=${name%.log}
	side=${name##*.}
	if [ "$(cat "$log.rc")" != 0 ]; then
		echo "FAILED: gcc -fanalyzer ($side): $name"
		cat "$log"
		failed=1
		continue
	fi
	left=$(awk -v srcdir="$srcdir/" -v supp="$supp" '
	    BEGIN {
		while ((getline l < supp) > 0) {
			split(l, w, " ")
			if (w[1] ~ /^gcc:/)
				ok[substr(w[1], 5)] = 1
		}
	    }
	    / In function / {
		fn = $0
		sub(/.* In function [^a-zA-Z_]*/, "", fn)
		sub(/[^a-zA-Z0-9_].*/, "", fn)
	    }
	    /: warning: / {
		file = $1
		sub(/:.*/, "", file)
		if (index(file, srcdir) == 1)
			file = substr(file, length(srcdir) + 1)
		id = $0
		sub(/.*\[-W/, "-W", id)
		sub(/\].*/, "", id)
		if (!((file ":" id) in ok) && !((file ":" id ":" fn) in ok))
			print
	    }' "$log")
	if [ -n "$left" ]; then
		echo "FAILED: gcc -fanalyzer ($side):"
		cat "$log"
		failed=1
	fi
done
# The logs stay only when something failed.
[ $failed = 0 ] || exit 1
rm -rf "$out"
echo "analyze: no warning left"
