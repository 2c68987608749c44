/* SPDX-License-Identifier: MIT */
/*
 * check_frames.c - the frame classes: the rule table on real names of C,
 * C++ and Rust (both manglings, as libiberty demangles them), the system
 * code by place, and the view that hides, folds, marks and groups by
 * them.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_heapprof.h"
#include "frames.h"
#include "names.h"
#include "profile.h"
#include "report.h"
#include "xmalloc.h"

static enum frame_class
name_class(const char *demangled)
{
	char bare[512];

	name_bare(demangled, bare, sizeof bare);
	return frames_name_class(demangled, bare);
}

START_TEST(test_rules)
{
	static const struct {
		const char *name;
		enum frame_class class;
	} t[] = {
		/* C and its runtime. */
		{ "malloc", FRAME_PLUMBING },
		{ "heapprof_ad_hoc", FRAME_PLUMBING },
		{ "xmalloc", FRAME_USER },
		{ "_start", FRAME_BELOW_ENTRY },
		{ "__libc_start_call_main", FRAME_BELOW_ENTRY },
		{ "__libc_start_main_impl", FRAME_BELOW_ENTRY },
		{ "start_thread", FRAME_BELOW_ENTRY },
		{ "clone3", FRAME_BELOW_ENTRY },
		{ "main", FRAME_USER },
		{ "__GI__IO_file_doallocate", FRAME_USER },
		/* C++. */
		{ "operator new(unsigned long)", FRAME_PLUMBING },
		{ "operator new[](unsigned long)", FRAME_PLUMBING },
		{ "std::__new_allocator<int>::allocate(unsigned long, "
		    "void const*)", FRAME_PLUMBING },
		{ "std::_Vector_base<int, std::allocator<int> >::_M_allocate("
		    "unsigned long)", FRAME_PLUMBING },
		{ "__gnu_cxx::new_allocator<int>::allocate(unsigned long, "
		    "void const*)", FRAME_PLUMBING },
		{ "std::vector<int, std::allocator<int> >::push_back(int&&)",
		    FRAME_USER },
		{ "operator delete(void*)", FRAME_USER },
		{ "test::run()", FRAME_USER },
		/* Rust, legacy names. */
		{ "alloc::alloc::alloc", FRAME_PLUMBING },
		{ "<alloc::alloc::Global as core::alloc::Allocator>::allocate",
		    FRAME_PLUMBING },
		{ "alloc::raw_vec::RawVec<T,A>::grow_one", FRAME_PLUMBING },
		{ "alloc::vec::Vec<T>::with_capacity", FRAME_PLUMBING },
		{ "<T as alloc::vec::spec_from_elem::SpecFromElem>::from_elem",
		    FRAME_PLUMBING },
		{ "alloc::fmt::format::format_inner", FRAME_PLUMBING },
		{ "hashbrown::raw::alloc::inner::do_alloc", FRAME_PLUMBING },
		{ "std::collections::hash::map::HashMap<K,V,S>::insert",
		    FRAME_PLUMBING },
		{ "__rust_alloc", FRAME_PLUMBING },
		{ "__rdl_alloc", FRAME_PLUMBING },
		{ "std::rt::lang_start::{{closure}}", FRAME_BELOW_ENTRY },
		{ "std::rt::lang_start_internal", FRAME_BELOW_ENTRY },
		{ "std::sys::backtrace::__rust_begin_short_backtrace",
		    FRAME_BELOW_ENTRY },
		{ "core::ops::function::FnOnce::call_once", FRAME_BELOW_ENTRY },
		{ "test::run_test_in_process", FRAME_BELOW_ENTRY },
		{ "engine::Engine::checkpoint", FRAME_USER },
		{ "std::io::stdio::_print", FRAME_USER },
		/* Rust, v0 names. */
		{ "<alloc::raw_vec::RawVecInner>::finish_grow",
		    FRAME_PLUMBING },
		{ "<alloc::boxed::Box<dyn core::ops::function::FnOnce<(), "
		    "Output = ()> + core::marker::Send> as "
		    "core::ops::function::FnOnce<()>>::call_once",
		    FRAME_BELOW_ENTRY },
		{ "<std::sys::thread::unix::Thread>::new::thread_start",
		    FRAME_BELOW_ENTRY },
		{ "std::panicking::catch_unwind::do_call::<i32, &dyn "
		    "core::ops::function::Fn<(), Output = i32>>",
		    FRAME_BELOW_ENTRY },
		{ "<engine::Engine>::checkpoint", FRAME_USER },
		/* A trait of the program's on a std type is the program's. */
		{ "<alloc::vec::Vec<alloc::string::String> as "
		    "app::Encode>::encode", FRAME_USER },
		{ "<std::collections::hash::map::HashMap<u32, u8> as "
		    "app::Index>::rebuild", FRAME_USER },
		{ "<alloc::vec::Vec<u8> as core::clone::Clone>::clone",
		    FRAME_PLUMBING },
		{ "<alloc::string::String as core::fmt::Write>::write_str",
		    FRAME_PLUMBING },
		{ "<alloc::vec::Vec<T> as alloc::vec::spec_from_iter::"
		    "SpecFromIter<T, I>>::from_iter", FRAME_PLUMBING },
		{ "<hashbrown::raw::RawTable<T> as core::clone::Clone>::clone",
		    FRAME_PLUMBING },
		{ "", FRAME_USER },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(name_class(t[i].name) == t[i].class,
		    "'%s': class %d, want %d", t[i].name,
		    (int)name_class(t[i].name), (int)t[i].class);
}
END_TEST

START_TEST(test_system_label)
{
	ck_assert_str_eq(frames_system_label(
	    "/lib/x86_64-linux-gnu/libc.so.6", "libio/ioputs.c"),
	    "libc.so.6");
	ck_assert_str_eq(frames_system_label("/usr/lib/libstdc++.so.6",
	    NULL), "libstdc++.so.6");
	ck_assert_str_eq(frames_system_label("/src/app",
	    "/usr/include/c++/12/bits/vector.tcc"), "system headers");
	ck_assert_str_eq(frames_system_label("/src/app",
	    "/rustc/59807616/library/alloc/src/vec/mod.rs"),
	    "Rust's standard library");
	ck_assert_str_eq(frames_system_label("/src/app",
	    "/rust/deps/hashbrown-0.16.1/src/map.rs"),
	    "Rust's standard library");
	ck_assert_ptr_null(frames_system_label("/src/app", "/src/app.c"));
	ck_assert_ptr_null(frames_system_label("/usr/local/lib/libx.so",
	    NULL));
	ck_assert_ptr_null(frames_system_label("/home/u/.cargo/registry/"
	    "src/x/lib.rs", NULL));
}
END_TEST

/*
 * Locations: 0 puts (libc), 1 say, 2 main (app), 3 __libc_start_call_main,
 * 4 _start, 5 pair, 6 rustc's main shim (no file), 7 std::rt::lang_start,
 * 8 alloc::alloc::alloc (in the app, from /rustc).  One frame per
 * location; frame 10 is a stripped _start, without a location.  Sites:
 * {0,1,2,3,4} {5,2,3,4} {5,9,3,4} {8,5,2,7,6,3} {5,2,3,10}, 9 being
 * main's other line.
 */
static void
build_frames(struct profile *p)
{
	static const uint32_t stacks[] = { 0, 1, 2, 3, 4, 5, 2, 3, 4, 5, 9, 3,
	    4, 8, 5, 2, 7, 6, 3, 5, 2, 3, 10 };
	static const uint32_t first[] = { 0, 5, 9, 13, 19 },
	    nframes[] = { 5, 4, 4, 6, 4 };
	static const char *const fn[] = { "puts", "say", "main",
	    "__libc_start_call_main", "_start", "pair", "main",
	    "_ZN3std2rt10lang_start17h0123456789abcdefE",
	    "_ZN5alloc5alloc5alloc17h0123456789abcdefE", "main" };
	static const uint32_t mod[] = { 1, 2, 2, 1, 2, 2, 2, 2, 2, 2 },
	    line[] = { 40, 7, 20, 58, 0, 30, 0, 205, 95, 21 };
	uint32_t file[10];
	size_t i;

	profile_init(p);
	p->nmodules = 2;
	p->modules = xcalloc(2, sizeof *p->modules);
	p->modules[0] = profile_string(p, "/lib/x86_64-linux-gnu/libc.so.6");
	p->modules[1] = profile_string(p, "/src/app");
	for (i = 0; i < 10; i++)
		file[i] = profile_string(p, "/src/app.c");
	file[0] = profile_string(p, "libio/ioputs.c");
	file[3] = profile_string(p, "../csu/libc-start.c");
	file[4] = file[6] = 0;
	file[7] = profile_string(p, "/rustc/x/library/std/src/rt.rs");
	file[8] = profile_string(p, "/rustc/x/library/alloc/src/alloc.rs");
	p->nlocs = p->locs_cap = 10;
	p->locs = xcalloc(p->nlocs, sizeof *p->locs);
	p->nframes = p->frames_cap = 11;
	p->frames = xcalloc(p->nframes, sizeof *p->frames);
	for (i = 0; i < 10; i++) {
		p->locs[i] = (struct prof_loc){ profile_string(p, fn[i]),
		    file[i], line[i] };
		p->frames[i] = (struct prof_frame){ mod[i], 0x100 * i,
		    (uint32_t)i, 1 };
	}
	p->frames[10] = (struct prof_frame){ 2, 0x1000, 0, 0 };
	p->nstack_frames = p->stack_frames_cap = 23;
	p->stack_frames = xmalloc(sizeof stacks);
	memcpy(p->stack_frames, stacks, sizeof stacks);
	p->nsites = p->sites_cap = 5;
	p->sites = xcalloc(p->nsites, sizeof *p->sites);
	for (i = 0; i < 5; i++) {
		p->sites[i].first = first[i];
		p->sites[i].nframes = nframes[i];
		p->sites[i].st[STATS_OWN].tb = 1000 - 100 * i;
		p->sites[i].st[STATS_OWN].tbk = i + 1;
		p->sites[i].st[STATS_OWN].eb = 10 * i;
		p->sites[i].st[STATS_OWN].ebk = i;
		p->sites[i].st[STATS_OWN].mb = 1000;
	}
}

static const char *
fn_of(struct report_view *v, size_t line)
{
	return profile_str(v->p, v->p->locs[v->lines[line].loc].function);
}

START_TEST(test_view_frames)
{
	struct report_opts o = { .sort = NULL };
	struct report_view v;
	struct profile p;
	const struct report_row *r;

	build_frames(&p);
	report_view_init(&v, &p, &o);
	/*
	 * Sites 1, 3 and 4 all show "pair, main" once the allocator and what
	 * is below main are hidden: one row, their sums, first by bytes.
	 */
	ck_assert_uint_eq(v.nrows, 3);
	r = &v.rows[0];
	ck_assert_uint_eq(r->nsites, 3);
	ck_assert_uint_eq(r->st.tb, 900 + 700 + 600);
	ck_assert_uint_eq(r->st.tbk, 2 + 4 + 5);
	ck_assert_uint_eq(r->nlines, 2);
	ck_assert_uint_eq(r->own, 0);
	ck_assert_str_eq(fn_of(&v, r->first), "pair");
	ck_assert_str_eq(fn_of(&v, r->first + 1), "main");
	/* puts, then say marked as the program's call; nothing below main. */
	r = &v.rows[1];
	ck_assert_uint_eq(r->nsites, 1);
	ck_assert_uint_eq(r->nlines, 3);
	ck_assert_str_eq(fn_of(&v, r->first), "puts");
	ck_assert_uint_eq(r->own, 1);
	ck_assert_uint_eq(report_own_line(&v, r), r->first + 1);
	ck_assert_str_eq(fn_of(&v, r->first + 2), "main");
	/* pair called from main's other line: a row of its own. */
	ck_assert_uint_eq(v.rows[2].nlines, 2);
	ck_assert_uint_eq(v.rows[2].st.tb, 800);
	report_view_release(&v);

	o.show_all_frames = 1;
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.rows[0].nlines, 5);
	ck_assert_uint_eq(v.rows[3].nlines, 6);
	ck_assert_uint_eq(v.rows[3].own, 1);
	ck_assert_uint_eq(v.rows[4].nlines, 4);
	report_view_release(&v);

	o.show_all_frames = 0;
	o.show_alloc_frames = 1;
	report_view_init(&v, &p, &o);
	/* The Rust site's allocator line sets it apart; sites 1 and 4 merge. */
	ck_assert_uint_eq(v.nrows, 4);
	ck_assert_uint_eq(v.rows[0].nsites, 2);
	ck_assert_uint_eq(v.rows[3].nlines, 3);
	ck_assert_uint_eq(v.rows[3].own, 1);
	report_view_release(&v);
	profile_release(&p);
}
END_TEST

START_TEST(test_view_group_by_function)
{
	struct report_opts o = { .sort = NULL,
	    .group_by = GROUP_FUNCTION };
	struct report_view v;
	struct profile p;
	const struct report_row *r;

	build_frames(&p);
	report_view_init(&v, &p, &o);
	/* say; pair from sites 1 to 4 (two lines of main, one Rust). */
	ck_assert_uint_eq(v.nrows, 2);
	r = &v.rows[0];
	ck_assert_uint_eq(r->nsites, 4);
	ck_assert_uint_eq(r->nlines, 1);
	ck_assert_str_eq(fn_of(&v, r->first), "pair");
	ck_assert_uint_eq(r->st.tb, 900 + 800 + 700 + 600);
	ck_assert_uint_eq(r->st.tbk, 2 + 3 + 4 + 5);
	ck_assert_uint_eq(r->st.eb, 10 + 20 + 30 + 40);
	ck_assert_uint_eq(r->st.ebk, 1 + 2 + 3 + 4);
	ck_assert_uint_eq(r->st.mb, 4000);	/* the sum of the maxima */
	r = &v.rows[1];
	ck_assert_uint_eq(r->nsites, 1);
	ck_assert_str_eq(fn_of(&v, r->first), "say");
	ck_assert_uint_eq(r->st.tb, 1000);
	report_view_release(&v);
	profile_release(&p);
}
END_TEST

Suite *
make_frames_suite(void)
{
	Suite *s = suite_create("frames");
	TCase *tc;

	tc = tcase_create("Rules");
	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_system_label);
	suite_add_tcase(s, tc);
	tc = tcase_create("View");
	tcase_add_test(tc, test_view_frames);
	tcase_add_test(tc, test_view_group_by_function);
	suite_add_tcase(s, tc);
	return s;
}
