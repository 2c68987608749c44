#!/bin/sh
# SPDX-License-Identifier: MIT
# The program, or heapprof, killed by SIGKILL or SIGSEGV after a given
# number of events (faulty.c): the profile holds every call that returned
# before the kill, or heapprof died and there is none, and the program
# ran to its end; nothing hangs.  make faults runs 100 random ones.
exec "${SHELL:-/bin/sh}" "$top_srcdir/tests/faults.sh" --check
