/* SPDX-License-Identifier: MIT */
/*
 * frames.c - the rule table that tells the program's own frames from the
 * system's, the allocator's and the runtime's.  A report folds plumbing
 * into its caller, hides what runs below the program's entry, and looks
 * past system frames for where the program called in (report.c).
 */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "frames.h"

/*
 * A rule's pattern is matched against the bare name when it starts with
 * '=' (C and C++: "std::vector<int>::push_back(int&&)" is matched as
 * "std::vector::push_back", so that a template argument such as
 * std::allocator<int> cannot match), else against the demangled name
 * (Rust: its generic arguments and `<T as Trait>` paths carry the crate).
 * First match wins: the runtime's frames come before the plumbing they
 * could be taken for (Box<dyn FnOnce>::call_once is in Rust's alloc
 * crate).  heapprof(1), SYMBOLS, lists these rules: keep it in step.
 */
const struct frame_rule frame_rules[] = {
	/* Below main: the C runtime and the dynamic loader. */
	{ "=_start", FRAME_BELOW_ENTRY },
	{ "=__libc_start_call_main", FRAME_BELOW_ENTRY },
	{ "=__libc_start_main*", FRAME_BELOW_ENTRY },
	{ "=__libc_csu_init", FRAME_BELOW_ENTRY },
	{ "=call_init", FRAME_BELOW_ENTRY },
	{ "=_dl_init", FRAME_BELOW_ENTRY },
	{ "=_dl_start_user", FRAME_BELOW_ENTRY },
	/* Below a thread's function: glibc's thread start. */
	{ "=start_thread", FRAME_BELOW_ENTRY },
	{ "=clone", FRAME_BELOW_ENTRY },
	{ "=clone3", FRAME_BELOW_ENTRY },
	{ "=__clone*", FRAME_BELOW_ENTRY },
	/* Rust's runtime: main, threads, panics, the test harness. */
	{ "std::rt::lang_start*", FRAME_BELOW_ENTRY },
	{ "*__rust_begin_short_backtrace*", FRAME_BELOW_ENTRY },
	{ "__rust_try", FRAME_BELOW_ENTRY },
	{ "std::panicking::try*", FRAME_BELOW_ENTRY },
	{ "std::panicking::catch_unwind*", FRAME_BELOW_ENTRY },
	{ "std::panic::catch_unwind*", FRAME_BELOW_ENTRY },
	{ "core::ops::function::FnOnce::call_once*", FRAME_BELOW_ENTRY },
	{ "core::ops::function::FnMut::call_mut*", FRAME_BELOW_ENTRY },
	{ "core::ops::function::Fn::call*", FRAME_BELOW_ENTRY },
	{ "core::ops::function::impls::*", FRAME_BELOW_ENTRY },
	{ "<* as core::ops::function::Fn*>::call*", FRAME_BELOW_ENTRY },
	{ "std::thread::*spawn_unchecked*", FRAME_BELOW_ENTRY },
	{ "<std::thread::*spawn_unchecked*", FRAME_BELOW_ENTRY },
	{ "*::Thread>::new::thread_start*", FRAME_BELOW_ENTRY },
	{ "*::Thread::new::thread_start*", FRAME_BELOW_ENTRY },
	{ "test::run_test*", FRAME_BELOW_ENTRY },
	{ "test::run_tests*", FRAME_BELOW_ENTRY },
	{ "test::console::*", FRAME_BELOW_ENTRY },
	{ "test::test_main*", FRAME_BELOW_ENTRY },
	{ "test::types::RunnableTest::run*", FRAME_BELOW_ENTRY },
	{ "<test::types::RunnableTest>::run*", FRAME_BELOW_ENTRY },

	/*
	 * The malloc family: the agent's own frames are never recorded,
	 * but glibc's dynamic loader calls malloc through inline wrappers
	 * of the same names (rtld-malloc.h).  heapprof_ad_hoc is
	 * heapprof.h's, inlined into its caller.
	 */
	{ "=malloc", FRAME_PLUMBING },
	{ "=calloc", FRAME_PLUMBING },
	{ "=realloc", FRAME_PLUMBING },
	{ "=reallocarray", FRAME_PLUMBING },
	{ "=free", FRAME_PLUMBING },
	{ "=aligned_alloc", FRAME_PLUMBING },
	{ "=posix_memalign", FRAME_PLUMBING },
	{ "=memalign", FRAME_PLUMBING },
	{ "=valloc", FRAME_PLUMBING },
	{ "=pvalloc", FRAME_PLUMBING },
	{ "=heapprof_ad_hoc", FRAME_PLUMBING },
	/* C++: new, and the standard library's allocators. */
	{ "=operator new", FRAME_PLUMBING },
	{ "=operator new\\[\\]", FRAME_PLUMBING },
	{ "=std::*::allocate", FRAME_PLUMBING },
	{ "=std::*::_M_allocate*", FRAME_PLUMBING },
	{ "=std::*::_M_get_node", FRAME_PLUMBING },
	{ "=std::*alloc*::*", FRAME_PLUMBING },
	{ "=__gnu_cxx::*::allocate", FRAME_PLUMBING },
	{ "=__gnu_cxx::*::_M_allocate*", FRAME_PLUMBING },
	{ "=__gnu_cxx::*alloc*::*", FRAME_PLUMBING },
	/*
	 * Rust: the global allocator's shims, the alloc crate (Box, Vec,
	 * String, Rc, format!: all of it allocates for its caller), the
	 * hash tables of std::collections and their hashbrown.
	 */
	/*
	 * The program's own trait implemented for a std type
	 * ("<alloc::vec::Vec<u8> as app::Encode>::encode") is the
	 * program's code; the standard library's traits on those types
	 * (Clone, FromIterator, fmt::Write) allocate for their caller.
	 */
	{ "<alloc::* as alloc::*", FRAME_PLUMBING },
	{ "<alloc::* as core::*", FRAME_PLUMBING },
	{ "<alloc::* as std::*", FRAME_PLUMBING },
	{ "<std::collections::* as alloc::*", FRAME_PLUMBING },
	{ "<std::collections::* as core::*", FRAME_PLUMBING },
	{ "<std::collections::* as std::*", FRAME_PLUMBING },
	{ "<hashbrown::* as alloc::*", FRAME_PLUMBING },
	{ "<hashbrown::* as core::*", FRAME_PLUMBING },
	{ "<hashbrown::* as std::*", FRAME_PLUMBING },
	{ "<hashbrown::* as hashbrown::*", FRAME_PLUMBING },
	{ "<alloc::* as *", FRAME_USER },
	{ "<std::collections::* as *", FRAME_USER },
	{ "<hashbrown::* as *", FRAME_USER },
	{ "__rust_alloc*", FRAME_PLUMBING },
	{ "__rust_realloc*", FRAME_PLUMBING },
	{ "__rdl_*", FRAME_PLUMBING },
	{ "__rg_*", FRAME_PLUMBING },
	{ "alloc::*", FRAME_PLUMBING },
	{ "<alloc::*", FRAME_PLUMBING },
	{ "<* as alloc::*", FRAME_PLUMBING },
	{ "core::alloc::*", FRAME_PLUMBING },
	{ "<core::alloc::*", FRAME_PLUMBING },
	{ "std::alloc::*", FRAME_PLUMBING },
	{ "<std::alloc::*", FRAME_PLUMBING },
	{ "std::sys::alloc::*", FRAME_PLUMBING },
	{ "std::sys::*::alloc::*", FRAME_PLUMBING },
	{ "std::collections::*", FRAME_PLUMBING },
	{ "<std::collections::*", FRAME_PLUMBING },
	{ "hashbrown::*", FRAME_PLUMBING },
	{ "<hashbrown::*", FRAME_PLUMBING },
	{ NULL, FRAME_USER },
};

enum frame_class
frames_name_class(const char *demangled, const char *bare)
{
	const struct frame_rule *r;
	const char *pattern, *name;

	for (r = frame_rules; r->pattern != NULL; r++) {
		pattern = r->pattern;
		name = demangled;
		if (*pattern == '=') {
			pattern++;
			if (bare != NULL)
				name = bare;
		}
		if (fnmatch(pattern, name, 0) == 0)
			return r->class;
	}
	return FRAME_USER;
}

/* Where a distribution puts its shared libraries. */
static const char *const system_dirs[] = {
	"/lib/", "/lib32/", "/lib64/", "/usr/lib/", "/usr/lib32/",
	"/usr/lib64/", "/usr/libexec/",
};

/*
 * Source compiled into the program that is not the program's: the
 * system's headers (the C++ library's templates) and Rust's standard
 * library, whose paths rustc remaps to /rustc/HASH and its vendored
 * crates (hashbrown) to /rust/deps.
 */
static const struct {
	const char *prefix, *label;
} system_sources[] = {
	{ "/usr/include/", "system headers" },
	{ "/rustc/", "Rust's standard library" },
	{ "/rust/deps/", "Rust's standard library" },
};

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
system_object(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++)
		if (has_prefix(path, system_dirs[i]))
			return 1;
	return 0;
}

const char *
frames_system_label(const char *path, const char *file)
{
	const char *base;
	size_t i;

	if (path != NULL && system_object(path)) {
		base = strrchr(path, '/');
		return base + 1;
	}
	for (i = 0; file != NULL &&
	    i < sizeof system_sources / sizeof system_sources[0]; i++)
		if (has_prefix(file, system_sources[i].prefix))
			return system_sources[i].label;
	return NULL;
}
