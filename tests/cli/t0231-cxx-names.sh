#!/bin/sh
# SPDX-License-Identifier: MIT
# C++ names as people write them: no parameters, std::string for
# std::__cxx11::basic_string<char, ...>, containers without their default
# arguments; --full-names shows the whole signatures; patterns match the
# short names too.
. "$top_srcdir/tests/lib.sh"
[ -x "$PROGS/cxx-names" ] || skip "no C++ compiler: tests/progs/cxx-names not built"

src=tests/progs/cxx-names.cc
at() { grep -n "site: $1 \*/" "$top_srcdir/$src" | cut -d: -f1; }
main_line=$(grep -n 'idx->add(' "$top_srcdir/$src" | cut -d: -f1)
srcdir=$(cd "$top_srcdir" && pwd -P)

# row_with TEXT FILE: the frames of the first row with a frame holding TEXT.
row_with() {
	awk -v t="$1" '
	    /^ *[0-9]/ { if (found) exit; n = 0; next }
	    /^(    |  > )/ { rows[n++] = $0; if (index($0, t)) found = 1 }
	    END { if (found) for (i = 0; i < n; i++) print rows[i] }' "$2"
}

"$HP" run "$PROGS/cxx-names" 2>/dev/null || fail "run cxx-names"
report() { (cd "$srcdir" && "$HP" report --bytes --depth=0 --top=0 "$@" "$HP_TMP/heapprof.data"); }
report >r.txt || fail "report"

row_with "catalog::Index::add" r.txt >got
expect_match "map's operator[], short" '^    std::map<std::string, std::vector<std::string> >::operator\[\] \(/usr/include/c\+\+/[0-9]+/bits/stl_map\.h:[0-9]+\) \[inlined\]$' got
expect_eq "then the program's function, marked" "  > catalog::Index::add ($src:$(at 'operator\[\]'))
    main ($src:$main_line)" "$(grep -A2 '::operator\[\] (' got | tail -n 2)"
expect_match "the tree's internals, arguments elided" '^    std::_Rb_tree<\.\.\.>::_M_emplace_hint_unique \(' got
row_with "catalog::make_name" r.txt >got
expect_match "std::string" '^    std::string::_M_construct \(' got
expect_grep "make_name" "  > catalog::make_name ($src:$(at make_name))" got

if grep -E '__cxx11|basic_string<|char_traits|std::allocator<char>|\)\(|\(std::|\(char' r.txt >bad; then
	fail "long names in the default report:"
	sed 's/^/    /' bad
else
	echo "ok: no long names by default"
fi
expect_eq "longest line" "" "$(awk 'length > 160' r.txt)"

report --full-names >full.txt || fail "report --full-names"
row_with "catalog::Index::add" full.txt >got
expect_match "--full-names: operator[]'s signature" '^    std::map<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, std::vector<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, std::allocator<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > > >, std::less<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > >, std::allocator<std::pair<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const, std::vector<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, std::allocator<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > > > > > >::operator\[\]\(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&\) \(' got
expect_grep "--full-names: the program's function" \
    "  > catalog::Index::add(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&, std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&) ($src:$(at 'operator\[\]'))" got

# --ignore-fn matches the names as shown: folding the tree's internals and
# the map's operator[] leaves the program's function first.
report --ignore-fn='std::_Rb_tree<...>::*' \
    --ignore-fn='std::map<std::string, std::vector<std::string> >::operator*' \
    --ignore-fn='std::string::*' >ign.txt || fail "report --ignore-fn"
row_with "catalog::Index::add" ign.txt >got
expect_eq "--ignore-fn with short names" \
    "    catalog::Index::add ($src:$(at 'operator\[\]'))" "$(head -n 1 got)"
finish
