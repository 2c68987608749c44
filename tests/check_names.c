/* SPDX-License-Identifier: MIT */
/*
 * check_names.c - src/names.c: demangling (C++, both Rust schemes) and
 * the bare name that patterns match.  The Rust names are rustc 1.95's,
 * from tests/progs/rust-names.rs and its standard library.
 */
#include "config.h"

#include <stdlib.h>

#include "check_heapprof.h"
#include "names.h"

static void
expect_demangled(const char *raw, const char *want)
{
	char *d = name_demangle(raw);

	if (want == NULL)
		ck_assert_msg(d == NULL, "'%s' gave '%s'", raw, d);
	else {
		ck_assert_msg(d != NULL, "'%s' not demangled", raw);
		ck_assert_str_eq(d, want);
	}
	free(d);
}

START_TEST(test_demangle_cxx)
{
	expect_demangled("_ZN6shapes4PoolIiE4growEi",
	    "shapes::Pool<int>::grow(int)");
	expect_demangled("_Znwm", "operator new(unsigned long)");
	expect_demangled("_Z3fooi.constprop.0",
	    "foo(int) [clone .constprop.0]");
	expect_demangled("main", NULL);
	expect_demangled("_Z", NULL);
	expect_demangled("_Zgarbage!", NULL);
	expect_demangled("", NULL);
}
END_TEST

/* Legacy: _ZN...17h<hash>E, with $LT$-style escapes; the hash dropped. */
START_TEST(test_demangle_rust_legacy)
{
	expect_demangled("_ZN5names6Engine10checkpoint17hf3cc6846ef123ab0E",
	    "names::Engine::checkpoint");
	expect_demangled("_ZN5names4fill17hd1fe06fa71236846E", "names::fill");
	expect_demangled("_ZN5alloc3vec16Vec$LT$T$C$A$GT$4push"
	    "17hf5d417eced5e5832E", "alloc::vec::Vec<T,A>::push");
	/* LTO's local copies keep their name. */
	expect_demangled("_ZN5names6Engine10checkpoint17hf3cc6846ef123ab0E"
	    ".llvm.123456", "names::Engine::checkpoint");
}
END_TEST

/* v0: _R..., the crate disambiguators ([38efd9133fa684a1]) dropped. */
START_TEST(test_demangle_rust_v0)
{
	expect_demangled("_RNvMCs4T4zK9Otvt5_5namesNtB2_6Engine10checkpoint",
	    "<names::Engine>::checkpoint");
	expect_demangled("_RINvCs4T4zK9Otvt5_5names4fillmEB2_",
	    "names::fill::<u32>");
	expect_demangled("_RNvXs_NtCslNYArtu3iFV_5alloc5allocNtB4_6Global"
	    "NtNtCsgEmfK2I1SDS_4core5alloc9Allocator8allocate",
	    "<alloc::alloc::Global as core::alloc::Allocator>::allocate");
	expect_demangled("_RNvNtCslNYArtu3iFV_5alloc5alloc5alloc",
	    "alloc::alloc::alloc");
	expect_demangled("_Rgarbage", NULL);
}
END_TEST

START_TEST(test_bare)
{
	static const struct {
		const char *demangled, *bare;
	} t[] = {
		{ "void std::swap<int>(int&, int&)", "std::swap" },
		{ "operator new[](unsigned long)", "operator new[]" },
		{ "shapes::Pool<int>::grow(int)", "shapes::Pool::grow" },
		{ "names::fill::<u32>", "names::fill::" },
		{ "main", "main" },
		{ "", "" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		name_bare(t[i].demangled, buf, sizeof buf);
		ck_assert_str_eq(buf, t[i].bare);
	}
	name_bare("abcdefgh", buf, 4);
	ck_assert_str_eq(buf, "abc");
}
END_TEST

Suite *
make_names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc;

	tc = tcase_create("Demangle");
	tcase_add_test(tc, test_demangle_cxx);
	tcase_add_test(tc, test_demangle_rust_legacy);
	tcase_add_test(tc, test_demangle_rust_v0);
	suite_add_tcase(s, tc);

	tc = tcase_create("Bare");
	tcase_add_test(tc, test_bare);
	suite_add_tcase(s, tc);
	return s;
}
