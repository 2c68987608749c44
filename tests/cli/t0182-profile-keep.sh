#!/bin/sh
# SPDX-License-Identifier: MIT
# A profile is written whole, then put in place: when the old one cannot
# be moved aside, or the disk is full, no profile the user had is lost,
# and the error says where the new one is.
. "$top_srcdir/tests/lib.sh"

"$HP" run -o x.data "$PROGS/basic" >/dev/null 2>&1 || fail "first run"
cp x.data first.data

# The old name cannot be taken: x.data.old is a directory with a file.
mkdir x.data.old && touch x.data.old/keep
run_status rc "$HP" run -o x.data "$PROGS/basic"
expect_eq "old name taken: heapprof's own failure" 1 "$rc"
tmp=$(ls x.data.tmp* 2>/dev/null)
expect_match "old name taken: says where the new profile is" \
    "^heapprof: cannot rename 'x.data' to 'x.data.old': Is a directory; the new profile is in '$tmp'$" err
cmp -s x.data first.data || fail "old name taken: x.data changed"
expect_eq "old name taken: the directory kept" keep "$(ls x.data.old)"
if [ -n "$tmp" ] && "$HP" report "$tmp" >r.txt 2>&1; then
	expect_grep "old name taken: the new profile is whole" \
	    "command:  $PROGS/basic" r.txt
else
	fail "old name taken: no readable new profile ('$tmp')"
fi
rm -rf x.data.old x.data.tmp*

# A full disk: needs a small file system of its own (root may mount one).
mkdir small
if mount -t tmpfs -o size=64k heapprof-test small 2>/dev/null; then
	trap 'umount "$HP_TMP/small"; rm -rf "$HP_TMP"' EXIT
	cp first.data small/x.data
	echo older >small/x.data.old
	dd if=/dev/zero of=small/fill bs=4k count=64 2>/dev/null
	run_status rc "$HP" run -o small/x.data "$PROGS/basic"
	expect_eq "full disk: heapprof's own failure" 1 "$rc"
	expect_grep "full disk: says why" \
	    "heapprof: cannot write 'small/x.data': No space left on device" err
	cmp -s small/x.data first.data || fail "full disk: x.data changed"
	expect_eq "full disk: x.data.old kept" older "$(cat small/x.data.old)"
	expect_eq "full disk: no file left behind" \
	    "fill x.data x.data.old" "$(ls small | tr '\n' ' ' | sed 's/ $//')"
else
	echo "ok: full disk: cannot mount a small file system here, not tried"
fi
finish
