/* SPDX-License-Identifier: MIT */
/*
 * check_names.c - src/names.c: demangling (C++, both Rust schemes), short
 * names, and the names patterns match.  The Rust names are rustc 1.95's,
 * from tests/progs/rust-names.rs and its standard library; most C++ names
 * are from a profile of cppcheck 2.10 (GCC 12, libstdc++'s C++11 ABI).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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

static const struct {
	const char *raw, *shown;
} shorts[] = {
	/* Parameters, return types, qualifiers and clones dropped. */
	{ "_ZN5Token11insertTokenERKNSt7__cxx1112basic_stringIcSt11char_"
	    "traitsIcESaIcEEES7_b", "Token::insertToken" },
	{ "_ZNKSt5dequeIiSaIiEE4sizeEv", "std::deque<int>::size" },
	{ "_Z3fooi.cold", "foo" },
	{ "_ZThn8_N3Foo3barEv", "non-virtual thunk to Foo::bar" },
	{ "_ZN3foo3barB5cxx11Ev", "foo::bar" },
	{ "_ZmiRK8IntervalS1_", "operator-" },
	{ "_Znwm", "operator new" },
	{ "_ZN9simplecpp9TokenListaSERKS0_", "simplecpp::TokenList::operator=" },
	{ "_ZN8ValuePtrI8AnalyzerE6clonerI18ExpressionAnalyzerE5applyEPKS0_",
	    "ValuePtr<Analyzer>::cloner<ExpressionAnalyzer>::apply" },
	/* std::string, default arguments, inline namespaces. */
	{ "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_appendEPKcm",
	    "std::string::_M_append" },
	{ "_ZNSt7__cxx1112basic_stringIwSt11char_traitsIwESaIwEE7reserveEm",
	    "std::wstring::reserve" },
	{ "_ZNSt17basic_string_viewIcSt11char_traitsIcEE6substrEmm",
	    "std::string_view::substr" },
	{ "_ZNSt13basic_filebufIcSt11char_traitsIcEE4openEPKcSt13_Ios_Openmode",
	    "std::filebuf::open" },
	{ "_ZNSt6vectorINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESaIS"
	    "5_EEaSERKS7_", "std::vector<std::string>::operator=" },
	{ "_ZNSt6vectorIS_IiSaIiEESaIS1_EE9push_backERKS1_",
	    "std::vector<std::vector<int> >::push_back" },
	{ "_ZNSt3__16vectorIiNS_9allocatorIiEEE9push_backEOi",
	    "std::vector<int>::push_back" },
	{ "_ZNSt3mapINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt6vect"
	    "orIxSaIxEESt4lessIS5_ESaISt4pairIKS5_S8_EEEixERSC_",
	    "std::map<std::string, std::vector<long long> >::operator[]" },
	{ "_ZNSt3mapISt4pairINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE"
	    "ES6_EN7Library9TypeCheckESt4lessIS7_ESaIS0_IKS7_S9_EEEixEOS7_",
	    "std::map<std::pair<std::string, std::string>, Library::TypeCheck>"
	    "::operator[]" },
	{ "_ZNSt3setINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt4less"
	    "IS5_ESaIS5_EE6insertERKS5_", "std::set<std::string>::insert" },
	{ "_ZNSt7__cxx114listIN9ValueFlow5ValueESaIS2_EEC1ERKS4_",
	    "std::list<ValueFlow::Value>::list" },
	{ "_ZNSt13unordered_mapIiSt10shared_ptrIiESt4hashIiESt8equal_toIiESaISt4"
	    "pairIKiS1_EEEixERS7_",
	    "std::unordered_map<int, std::shared_ptr<int> >::operator[]" },
	{ "_ZNSt10unique_ptrI5TokenSt14default_deleteIS0_EE5resetEPS0_",
	    "std::unique_ptr<Token>::reset" },
	/* The library's function templates: arguments deduced, dropped. */
	{ "_ZNSt5stackIP5TokenSt5dequeIS1_SaIS1_EEEC1IS4_vEEv",
	    "std::stack<Token*>::stack" },
	{ "_ZStplIcSt11char_traitsIcESaIcEENSt7__cxx1112basic_stringIT_T0_T1_EE"
	    "RKS8_SA_", "std::operator+" },
	/* A default argument that is not the default stays. */
	{ "_ZNSt3setIiSt7greaterIiESaIiEE6insertEOi",
	    "std::set<int, std::greater<int> >::insert" },
	/* The implementation's own templates: arguments elided. */
	{ "_ZNSt6vectorIiSaIiEE17_M_realloc_insertIJRKiEEEvN9__gnu_cxx17__normal"
	    "_iteratorIPiS1_EEDpOT_", "std::vector<int>::_M_realloc_insert" },
	{ "_ZNSt8_Rb_treeIiSt4pairIKibESt10_Select1stIS2_ESt4lessIiESaIS2_EE17_M"
	    "_emplace_uniqueIJS0_IibEEEES0_ISt17_Rb_tree_iteratorIS2_EbEDpOT_",
	    "std::_Rb_tree<...>::_M_emplace_unique" },
	{ "_ZNSt8__detail9_Map_baseIiSt4pairIKiPK8VariableESaIS6_ENS_10_Select1s"
	    "tESt8equal_toIiESt4hashIiENS_18_Mod_range_hashingENS_20_Default_ran"
	    "ged_hashENS_20_Prime_rehash_policyENS_17_Hashtable_traitsILb0ELb0EL"
	    "b1EEELb1EEixEOi", "std::__detail::_Map_base<...>::operator[]" },
	/* A lambda's enclosing function without its parameters. */
	{ "_ZZN18ExpressionAnalyzer15setupExprVarIdsEPK5TokeniENKUlS2_E_clES2_",
	    "ExpressionAnalyzer::setupExprVarIds::{lambda(Token const*)#1}::"
	    "operator()" },
	{ "_Z13visitAstNodesIK5TokenZN18ExpressionAnalyzer15setupExprVarIdsEPS1"
	    "_iEUlS3_E_vEvPT_RKT0_", "visitAstNodes<Token const, "
	    "ExpressionAnalyzer::setupExprVarIds::{lambda(Token const*)#1}, "
	    "void>" },
	/* Rust: inherent impls without brackets, trait impls with. */
	{ "_RNvMCs4T4zK9Otvt5_5namesNtB2_6Engine10checkpoint",
	    "names::Engine::checkpoint" },
	{ "_ZN5names6Engine10checkpoint17hf3cc6846ef123ab0E",
	    "names::Engine::checkpoint" },
	{ "_RINvCs4T4zK9Otvt5_5names4fillmEB2_", "names::fill::<u32>" },
	{ "_RNvXs_NtCslNYArtu3iFV_5alloc5allocNtB4_6GlobalNtNtCsgEmfK2I1SDS_4cor"
	    "e5alloc9Allocator8allocate",
	    "<alloc::alloc::Global as core::alloc::Allocator>::allocate" },
	{ "_RNvMs4_NtCslNYArtu3iFV_5alloc7raw_vecNtB5_11RawVecInner16with_capaci"
	    "ty_inCs4T4zK9Otvt5_5names",
	    "alloc::raw_vec::RawVecInner::with_capacity_in" },
	{ "_RNvMs3_NtCslNYArtu3iFV_5alloc7raw_vecINtB5_6RawVecINtNtB7_3vec3VechE"
	    "E16with_capacity_inCs4T4zK9Otvt5_5names",
	    "alloc::raw_vec::RawVec<Vec<u8>>::with_capacity_in" },
	/*
	 * Rust's prelude types by their names in arguments and trait impls,
	 * but not as the function's own path.  From a profile of rustfmt
	 * (nightly 1.97, v0 names).
	 */
	{ "_RINvNtCsk9CDLXsbrWm_15rustfmt_nightly4expr23rewrite_assign_rhs_withNt"
	    "NtCsbEht8wFNRx7_5alloc6string6StringNtNtCsblJBSCBpB7e_9rustc_ast3ast4"
	    "ExprEB4_", "rustfmt_nightly::expr::rewrite_assign_rhs_with::<String, "
	    "rustc_ast::ast::Expr>" },
	{ "_RNvXsa_NtCsbEht8wFNRx7_5alloc3vecINtB5_3VecNtNtCsk9CDLXsbrWm_15rustfm"
	    "t_nightly7imports7UseTreeENtNtCs8NwYtU1Mohg_4core5clone5Clone5cloneBJ"
	    "_", "<Vec<rustfmt_nightly::imports::UseTree> as core::clone::Clone>::"
	    "clone" },
	{ "_RNvMs3_Csig2Kbvu8m1J_8thin_vecINtB5_7ThinVecINtNtCsbEht8wFNRx7_5alloc"
	    "5boxed3BoxINtNtCsblJBSCBpB7e_9rustc_ast3ast4ItemNtB1i_13AssocItemKind"
	    "EEE7reserveCs6uQHFSrHnQl_11rustc_parse", "thin_vec::ThinVec<Box<"
	    "rustc_ast::ast::Item<rustc_ast::ast::AssocItemKind>>>::reserve" },
	{ "_ZN4core3ptr40drop_in_place$LT$std..string..String$GT$17h0123456789"
	    "abcdefE", "core::ptr::drop_in_place<String>" },
	{ "_ZN5alloc3vec16Vec$LT$T$C$A$GT$4push17hf5d417eced5e5832E",
	    "alloc::vec::Vec<T,A>::push" },
	/*
	 * Longer than NAME_SHORT_MAX: the short name stays whole here, a
	 * report fits it (name_fit).
	 */
	{ "_ZN4llvm12DenseMapBaseINS_8DenseMapINS_9StringRefEPNS_2cl6OptionENS_12"
	    "DenseMapInfoIS2_vEENS_6detail12DenseMapPairIS2_S5_EEEES2_S5_S7_SA_E4g"
	    "rowEj", "llvm::DenseMapBase<llvm::DenseMap<llvm::StringRef, "
	    "llvm::cl::Option*, llvm::DenseMapInfo<llvm::StringRef, void>, "
	    "llvm::detail::DenseMapPair<llvm::StringRef, llvm::cl::Option*> >, "
	    "llvm::StringRef, llvm::cl::Option*, llvm::DenseMapInfo<"
	    "llvm::StringRef, void>, llvm::detail::DenseMapPair<llvm::StringRef, "
	    "llvm::cl::Option*> >::grow" },
	{ "_RINvMs_CsfG5peYgram9_10scoped_tlsINtB5_9ScopedKeyNtCs6IqgnrtlzSn_10ru"
	    "stc_span14SessionGlobalsE4withNCNvMNtCsk9CDLXsbrWm_15rustfmt_nightly1"
	    "0formattingINtB1G_7SessionNtNtNtCsi4IsKQVxMg0_3std2io5stdio6StdoutE18"
	    "format_input_inner0INtNtCs8NwYtU1Mohg_4core6result6ResultNtB1G_12Form"
	    "atReportNtB1G_9ErrorKindEECsive7yriW2pH_7rustfmt",
	    "scoped_tls::ScopedKey<rustc_span::SessionGlobals>::with::<"
	    "rustfmt_nightly::Session<std::io::stdio::Stdout>::format_input_inner"
	    "::{closure#0}, Result<rustfmt_nightly::FormatReport, "
	    "rustfmt_nightly::ErrorKind>>" },
};

START_TEST(test_short)
{
	size_t i;
	char *s;

	for (i = 0; i < sizeof shorts / sizeof shorts[0]; i++) {
		s = name_short(shorts[i].raw);
		ck_assert_msg(s != NULL && strcmp(s, shorts[i].shown) == 0,
		    "'%s': expected '%s', got '%s'", shorts[i].raw,
		    shorts[i].shown, s);
		free(s);
	}
	ck_assert_ptr_null(name_short("main"));
	ck_assert_ptr_null(name_short("_Zgarbage!"));
	ck_assert_ptr_null(name_short(""));
}
END_TEST

/*
 * Real names a report shows fitted to NAME_SHORT_MAX: LLVM's (C++, in
 * rustfmt's libLLVM), rustfmt's and its crates' (v0), cppcheck's.
 */
static const struct {
	const char *raw, *shown;
} fitted[] = {
	/* Deepest first, then outer ones, until it fits. */
	{ "_ZN4llvm12DenseMapBaseINS_8DenseMapINS_9StringRefEPNS_2cl6OptionENS_12"
	    "DenseMapInfoIS2_vEENS_6detail12DenseMapPairIS2_S5_EEEES2_S5_S7_SA_E4g"
	    "rowEj", "llvm::DenseMapBase<...>::grow" },
	{ "_RINvMs_CsfG5peYgram9_10scoped_tlsINtB5_9ScopedKeyNtCs6IqgnrtlzSn_10ru"
	    "stc_span14SessionGlobalsE4withNCNvMNtCsk9CDLXsbrWm_15rustfmt_nightly1"
	    "0formattingINtB1G_7SessionNtNtNtCsi4IsKQVxMg0_3std2io5stdio6StdoutE18"
	    "format_input_inner0INtNtCs8NwYtU1Mohg_4core6result6ResultNtB1G_12Form"
	    "atReportNtB1G_9ErrorKindEECsive7yriW2pH_7rustfmt",
	    "scoped_tls::ScopedKey<rustc_span::SessionGlobals>::with::<...>" },
	{ "_RINvNtCsk9CDLXsbrWm_15rustfmt_nightly8overflow19rewrite_with_parensNtN"
	    "tB4_6macros8MacroArgINtNtNtCs8NwYtU1Mohg_4core5slice4iter4IterB13_EEB"
	    "4_", "rustfmt_nightly::overflow::rewrite_with_parens::<...>" },
	/* Of one depth the longest first: Box<...>, not Iter<...>. */
	{ "_RINvMs2_NtCsk9CDLXsbrWm_15rustfmt_nightly8overflowNtB6_7Context3newIN"
	    "tNtCsbEht8wFNRx7_5alloc5boxed3BoxNtNtCsblJBSCBpB7e_9rustc_ast3ast4Exp"
	    "rEINtNtNtCs8NwYtU1Mohg_4core5slice4iter4IterB13_EEB8_",
	    "rustfmt_nightly::overflow::Context::new::<Box<...>, "
	    "core::slice::iter::Iter<Box<...>>>" },
	/* The deepest alone is enough. */
	{ "_RINvNvXsp_Csig2Kbvu8m1J_8thin_vecINtB8_7ThinVecpENtNtCs8NwYtU1Mohg_4co"
	    "re5clone5Clone5clone19clone_non_singletonINtNtCsbEht8wFNRx7_5alloc5bo"
	    "xed3BoxNtNtCsblJBSCBpB7e_9rustc_ast3ast4ExprEEB2o_",
	    "<thin_vec::ThinVec<_> as core::clone::Clone>::clone::"
	    "clone_non_singleton::<Box<...>>" },
	/* A Rust path's brackets are no argument list: they stay. */
	{ "_RNvXs2_NtCsk9CDLXsbrWm_15rustfmt_nightly5listsINtB5_9ListItemsINtNtNt"
	    "Cs8NwYtU1Mohg_4core5slice4iter4IterNtNtCsblJBSCBpB7e_9rustc_ast3ast8F"
	    "ieldDefENCINvNtB7_8vertical27rewrite_aligned_items_innerB1E_E0NCB2m_s"
	    "_0NCB2m_s0_0ENtNtNtNtB15_4iter6traits8iterator8Iterator4nextB7_",
	    "<rustfmt_nightly::lists::ListItems<...> as "
	    "core::iter::traits::iterator::Iterator>::next" },
	/* The longest of one depth first; what fits again comes back. */
	{ "_ZN4llvm2cl3optIbLb0ENS0_6parserIbEEEC2IJA17_cNS0_12OptionHiddenENS0_4"
	    "descEEEEDpRKT_",
	    "llvm::cl::opt<bool, false, llvm::cl::parser<bool> >::opt<...>" },
	{ "_Z13visitAstNodesIK5TokenZ11findAstNodeIZNK17ValueFlowAnalyzer9findMat"
	    "chEPS1_EUlS4_E_ES4_S4_RKT_EUlS4_E_vEvPS6_RKT0_",
	    "visitAstNodes<Token const, findAstNode<...>::{lambda(Token const*)#1}"
	    ", void>" },
	/* A lambda's parameters are a list too. */
	{ "_ZZNK16ConditionHandler14afterConditionEP9TokenListP14SymbolDatabaseP"
	    "11ErrorLoggerPK8SettingsENKUlRKNS_9ConditionEP5TokenPK5ScopeE_clESB_S"
	    "D_SG_", "ConditionHandler::afterCondition::{lambda(...)#1}::"
	    "operator()" },
	/* Short enough: whole. */
	{ "_ZN16ForwardTraversal19traverseConditionalI5TokenZNS_9updateTokEPS1_PS"
	    "2_EUlS2_E_vEENS_8ProgressEPT_T0_b", "ForwardTraversal::"
	    "traverseConditional<Token, ForwardTraversal::updateTok::"
	    "{lambda(Token*)#1}, void>" },
};

START_TEST(test_fitted)
{
	size_t i;
	char *s;

	for (i = 0; i < sizeof fitted / sizeof fitted[0]; i++) {
		s = name_short(fitted[i].raw);
		ck_assert_msg(s != NULL, "'%s' not demangled", fitted[i].raw);
		name_fit(s, NAME_SHORT_MAX);
		ck_assert_msg(strcmp(s, fitted[i].shown) == 0,
		    "'%s': expected '%s', got '%s'", fitted[i].raw,
		    fitted[i].shown, s);
		ck_assert_uint_le(strlen(s), NAME_SHORT_MAX);
		free(s);
	}
}
END_TEST

/*
 * Brackets that are not argument lists: operators, Rust's "->" and
 * paths, expressions; names whose brackets do not pair stay whole.
 */
START_TEST(test_fit)
{
	static const struct {
		const char *name;
		size_t max;
		const char *fitted;
	} t[] = {
		{ "a::B<long>::f", 5, "a::B<...>::f" },
		{ "a::B<long>::f", 13, "a::B<long>::f" },
		{ "a::B<int>::f", 5, "a::B<int>::f" },
		{ "f<x>", 1, "f<x>" },
		{ "std::operator<< <std::char_traits<char> >", 20,
		    "std::operator<< <...>" },
		{ "std::operator<<<std::char_traits<char> >", 20,
		    "std::operator<<<...>" },
		{ "a::operator< <long>", 10, "a::operator< <...>" },
		{ "a::operator<", 5, "a::operator<" },
		{ "a::operator>>", 5, "a::operator>>" },
		{ "a::P<long>::operator->", 10, "a::P<...>::operator->" },
		{ "a::operator-><long>", 10, "a::operator-><...>" },
		{ "a::operator()<long>", 10, "a::operator()<...>" },
		{ "a::operator==<long>", 10, "a::operator==<...>" },
		{ "a::F<void (*)(std::vector<double>)>::g", 10, "a::F<...>::g" },
		{ "a::F<void (*)(std::vector<double>)>::g", 35,
		    "a::F<void (*)(std::vector<...>)>::g" },
		{ "a::C<((1)>(2))>::f", 10, "a::C<...>::f" },
		{ "f::{lambda(std::vector<long>)#1}::operator()", 43,
		    "f::{lambda(std::vector<...>)#1}::operator()" },
		{ "f::{lambda(std::vector<long>)#1}::operator()", 30,
		    "f::{lambda(...)#1}::operator()" },
		{ "f::{lambda()#1}::operator()", 5, "f::{lambda()#1}::operator()" },
		{ "f(long, long)", 5, "f(long, long)" },
		{ "run::<fn(u32) -> Option<usize>>", 20, "run::<...>" },
		{ "run::<fn(u32) -> Option<usize>>", 29,
		    "run::<fn(u32) -> Option<...>>" },
		{ "<a::S<usize> as core::T<isize>>::f::{closure#0}", 30,
		    "<a::S<...> as core::T<...>>::f::{closure#0}" },
		{ "<[a::S<usize>]>::to_vec", 15, "<[a::S<...>]>::to_vec" },
		{ "a::B<long>>::f", 5, "a::B<long>>::f" },
		{ "a::B<long::f", 5, "a::B<long::f" },
		{ "a::B<(long>::f", 5, "a::B<(long>::f" },
		{ "a::B<long)>::f", 5, "a::B<long)>::f" },
		{ "", 0, "" },
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		strcpy(buf, t[i].name);
		name_fit(buf, t[i].max);
		ck_assert_msg(strcmp(buf, t[i].fitted) == 0,
		    "'%s' in %zu: expected '%s', got '%s'", t[i].name,
		    t[i].max, t[i].fitted, buf);
	}
}
END_TEST

struct match {
	const char *pattern;
	int match;
};

/* Does each pattern of t match raw as told, short name given or not? */
static void
expect_matches(const char *raw, const struct match *t, size_t n)
{
	char *d = name_demangle(raw), *s = name_short(raw);
	size_t i;

	for (i = 0; i < n; i++) {
		ck_assert_msg(name_matches(t[i].pattern, raw, d, NULL) ==
		    t[i].match, "'%s'", t[i].pattern);
		ck_assert_msg(name_matches(t[i].pattern, raw, d, s) ==
		    t[i].match, "'%s'", t[i].pattern);
	}
	free(d);
	free(s);
}

/* Raw, demangled, bare and short names all match, as documented. */
START_TEST(test_matches)
{
	static const struct match t[] = {
		{ "_ZNSt6vector*", 1 },
		{ "std::vector<std::__cxx11::basic_string<char, "
		    "std::char_traits<char>, std::allocator<char> >, "
		    "std::allocator<std::__cxx11::basic_string<char, "
		    "std::char_traits<char>, std::allocator<char> > > >::"
		    "push_back(std::__cxx11::basic_string<char, "
		    "std::char_traits<char>, std::allocator<char> > const&)", 1 },
		{ "std::vector::push_back", 1 },
		{ "std::vector<std::string>::push_back", 1 },
		{ "*::push_back", 1 },
		{ "std::vector<int>::push_back", 0 },
		{ "push_back", 0 },
	};

	expect_matches("_ZNSt6vectorINSt7__cxx1112basic_stringIcSt11char_trai"
	    "tsIcESaIcEEESaIS5_EE9push_backERKS5_", t, sizeof t / sizeof t[0]);
	ck_assert(name_matches("main", "main", "main", NULL));
	ck_assert(!name_matches("mai", "main", "main", NULL));
}
END_TEST

/* A long name matches whole and as a report shows it, fitted. */
START_TEST(test_matches_fitted)
{
	static const struct match t[] = {
		{ "llvm::DenseMapBase<...>::grow", 1 },
		{ "llvm::DenseMapBase<llvm::DenseMap<llvm::StringRef, "
		    "llvm::cl::Option*, *>::grow", 1 },
		{ "llvm::DenseMapBase::grow", 1 },
		{ "llvm::DenseMapBase<*>::grow", 1 },
		{ "llvm::DenseMapBase<...>::grow(unsigned int)", 0 },
		{ "llvm::DenseMap<...>::grow", 0 },
	};

	expect_matches("_ZN4llvm12DenseMapBaseINS_8DenseMapINS_9StringRefEPNS_2"
	    "cl6OptionENS_12DenseMapInfoIS2_vEENS_6detail12DenseMapPairIS2_S5_EEE"
	    "ES2_S5_S7_SA_E4growEj", t, sizeof t / sizeof t[0]);
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

	tc = tcase_create("Short");
	tcase_add_test(tc, test_short);
	tcase_add_test(tc, test_fitted);
	tcase_add_test(tc, test_fit);
	suite_add_tcase(s, tc);

	tc = tcase_create("Match");
	tcase_add_test(tc, test_bare);
	tcase_add_test(tc, test_matches);
	tcase_add_test(tc, test_matches_fitted);
	suite_add_tcase(s, tc);
	return s;
}
