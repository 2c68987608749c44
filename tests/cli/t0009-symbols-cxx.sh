#!/bin/sh
# SPDX-License-Identifier: MIT
# C++: demangled names, short by default and whole with --full-names,
# templates, std::vector growth through operator new; allocator frames
# hidden unless asked; --no-demangle.
. "$top_srcdir/tests/lib.sh"
[ -x "$PROGS/cxx-vector" ] || skip "no C++ compiler: tests/progs/cxx-vector not built"

src=tests/progs/cxx-vector.cc
at() { grep -n "site: $1 \*/" "$top_srcdir/$src" | cut -d: -f1; }
srcdir=$(cd "$top_srcdir" && pwd -P)

"$HP" run "$PROGS/cxx-vector" 2>/dev/null || fail "run cxx-vector"
(cd "$srcdir" && "$HP" report --bytes --depth=0 --top=0 "$HP_TMP/heapprof.data") >r.txt ||
    fail "report"

# The vector's eight blocks (4 + 8 + ... + 512 B): operator new and the
# allocator are hidden, the growth function comes first; names are short:
# no parameters, std::vector without its default allocator.
grep -A4 '^ *1020 *8 ' r.txt | tail -n 4 >got
expect_match "vector growth first" '^    std::vector<int>::_M_realloc_insert \(/usr/include/c\+\+/[0-9]+/bits/vector\.tcc:[0-9]+\)$' got
expect_match "push_back inlined" '^    std::vector<int>::push_back \(/usr/include/c\+\+/[0-9]+/bits/stl_vector\.h:[0-9]+\) \[inlined\]$' got
expect_grep "template member function, marked as where the program called in" "  > shapes::Pool<int>::grow ($src:$(at push_back))" got
grep -A2 '^ *24 *1 ' r.txt | tail -n 2 >got
expect_eq "new Widget" "    shapes::make_widget ($src:$(at 'new Widget'))
    main ($src:$(grep -n 'make_widget();' "$top_srcdir/$src" | cut -d: -f1))" "$(cat got)"
grep -A1 '^ *1000 *1 ' r.txt | tail -n 1 >got
expect_eq "new char[]" "    shapes::make_buffer ($src:$(at 'new char\[\]'))" "$(cat got)"

# --full-names: the whole signatures, as c++filt spells them.
(cd "$srcdir" && "$HP" report --full-names --bytes --depth=0 --top=0 "$HP_TMP/heapprof.data") >full.txt ||
    fail "report --full-names"
grep -A4 '^ *1020 *8 ' full.txt | tail -n 4 >got
expect_match "--full-names: vector growth" '^    void std::vector<int, std::allocator<int> >::_M_realloc_insert<int>\(__gnu_cxx::__normal_iterator<int\*, std::vector<int, std::allocator<int> > >, int&&\) \(/usr/include/c\+\+/[0-9]+/bits/vector\.tcc:[0-9]+\)$' got
expect_match "--full-names: push_back" '^    std::vector<int, std::allocator<int> >::push_back\(int&&\) \(/usr/include/c\+\+/[0-9]+/bits/stl_vector\.h:[0-9]+\) \[inlined\]$' got
expect_grep "--full-names: template member function" "  > shapes::Pool<int>::grow(int) ($src:$(at push_back))" got
grep -A1 '^ *1000 *1 ' full.txt | tail -n 1 >got
expect_eq "--full-names: new char[]" "    shapes::make_buffer(unsigned int) ($src:$(at 'new char\[\]'))" "$(cat got)"
if grep -q -e 'operator new' -e '__new_allocator' -e 'allocator_traits' r.txt; then
	fail "allocator frames shown by default"
fi

(cd "$srcdir" && "$HP" report --show-alloc-frames --depth=0 --top=0 "$HP_TMP/heapprof.data") >all.txt
grep -A1 '^ *1020 B *8 ' all.txt | tail -n 1 >got
expect_match "--show-alloc-frames: operator new first" '^    operator new \(libstdc\+\+\.so\.6\+0x[0-9a-f]+\)$' got
expect_match "--show-alloc-frames: _M_allocate" '^    std::_Vector_base<\.\.\.>::_M_allocate ' all.txt
# operator new[] tail-calls operator new: one frame for both.
grep -A1 '^ *1000 B *1 ' all.txt | tail -n 1 >got
expect_match "--show-alloc-frames: new[]'s frame" '^    operator new \(libstdc\+\+\.so\.6\+0x[0-9a-f]+\)$' got

"$HP" report --no-demangle --depth=0 --top=0 >raw.txt
expect_grep "--no-demangle" "  > _ZN6shapes4PoolIiE4growEi (" raw.txt
expect_grep "--no-demangle: plain C names unchanged" "    main (" raw.txt

"$HP" report --format=dhat >r.json
expect_match "DHAT ftbl demangled" '^"0x[0-9a-f]+: shapes::make_widget \(' r.json
finish
