#!/bin/sh
# SPDX-License-Identifier: MIT
# A signal sent to the process group heapprof was started in reaches the
# program once, not a second time forwarded by heapprof; one sent to
# heapprof alone is forwarded.  As in CI: no terminal, heapprof in a group
# it does not lead.
. "$top_srcdir/tests/lib.sh"

mkfifo fifo || fail "mkfifo"
# The driver leads a new session and group without a terminal, ignores
# SIGINT itself, starts heapprof in its group, and once the program has
# handled the group's SIGINT, sends SIGTERM to heapprof alone.  The
# program handles SIGINT before the forwarded SIGTERM, so any forwarded
# SIGINT is counted by then.
timeout 60 python3 - "$HP" "$PROGS/sigcount" >driver.txt 2>&1 <<'PY'
import os, signal, sys
hp, prog = sys.argv[1], sys.argv[2]
os.setsid()
signal.signal(signal.SIGINT, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execv(hp, [hp, "run", "-o", "g.data", prog, "fifo"])
with open("fifo") as f:
    if f.readline() != "ready\n":
        sys.exit("no ready")
    os.killpg(os.getpgrp(), signal.SIGINT)
    if f.readline() != "int\n":
        sys.exit("no int")
    os.kill(pid, signal.SIGTERM)
    rest = f.read()
_, status = os.waitpid(pid, 0)
print("status", os.waitstatus_to_exitcode(status))
PY
expect_grep "heapprof exits as the program did" "status 3" driver.txt
expect_grep "the group's SIGINT reached the program once" "sigint 1" \
    driver.txt
"$HP" report g.data >report.txt 2>&1 || fail "report"
expect_grep "the profile was written" "1 blocks" report.txt
finish
