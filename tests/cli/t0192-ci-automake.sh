#!/bin/sh
# SPDX-License-Identifier: MIT
# The man page's automake recipe: heapprof as LOG_COMPILER fails the test
# that leaks, passes the one that does not, and keeps the profile of the
# failing test only.
. "$top_srcdir/tests/lib.sh"
command -v autoreconf >/dev/null || skip "autoreconf not installed"
command -v cc >/dev/null || skip "no C compiler"

mkdir proj && cd proj || exit 1
cat >configure.ac <<'EOT'
AC_INIT([ci], [1])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
EOT
cat >Makefile.am <<EOT
check_PROGRAMS = good leaky
TESTS = good leaky
LOG_COMPILER = $HP run --max-leaked-blocks=0 --keep=on-failure \\
	-o \$(abs_builddir)/heapprof.%n.%p.data --
EOT
cat >good.c <<'EOT'
#include <stdlib.h>
void *volatile sink;
int main(void) { sink = malloc(10); free(sink); return 0; }
EOT
cat >leaky.c <<'EOT'
#include <stdlib.h>
void *volatile sink;
int main(void) { sink = malloc(10); return 0; }
EOT
autoreconf -i >autoreconf.log 2>&1 || fail "autoreconf: $(cat autoreconf.log)"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ./configure >configure.log 2>&1 || fail "configure"
# The outer make check passes its TESTS and jobserver down: not here.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u TESTS make check >check.log 2>&1
expect_eq "make check fails" 1 "$(grep -c '^FAIL: leaky' check.log)"
expect_eq "the good test passes" 1 "$(grep -c '^PASS: good' check.log)"
expect_grep "the log names the budget" \
    "heapprof: budget exceeded: leaked blocks 1 > 0" leaky.log
expect_eq "only the failing test's profile is kept" 1 \
    "$(ls heapprof.leaky.*.data | wc -l)"
expect_eq "none for the passing test" "" "$(ls heapprof.good.* 2>/dev/null)"
finish
