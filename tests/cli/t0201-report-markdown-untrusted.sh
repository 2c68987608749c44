#!/bin/sh
# SPDX-License-Identifier: MIT
# report --format=markdown with a command line that is Markdown and
# terminal control: it stays one table cell, in a code span, with the
# control characters escaped as the text report escapes them.
. "$top_srcdir/tests/lib.sh"

arg=$(printf 'a|b `c` *d* <b>x</b> [l](u) \\| \033]0;t\007\r\nz')
run_status rc "$HP" run -o e.data /bin/sh -c : "$arg"
expect_eq "run exits 0" 0 "$rc"
run_status rc "$HP" report --format=markdown e.data
expect_eq "report exits 0" 0 "$rc"
expect_grep "the command, one cell" \
    '| Command | ``/bin/sh -c : a\|b `c` *d* <b>x</b> [l](u) \x5c\| \x1b]0;t\x07\r\nz`` |' out
if LC_ALL=C grep -q "$(printf '[\033\007\r]')" out; then
	fail "raw control characters in the report:"; od -c out | head
else
	echo "ok: no raw control characters in the report"
fi
if command -v cmark-gfm >/dev/null 2>&1; then
	cmark-gfm -e table out >out.html
	expect_grep "rendered: the command as code, one cell" \
	    '<td><code>/bin/sh -c : a|b `c` *d* &lt;b&gt;x&lt;/b&gt; [l](u) \x5c| \x1b]0;t\x07\r\nz</code></td>' out.html
else
	echo "SKIP: no cmark-gfm to render the document"
fi
finish
