/* SPDX-License-Identifier: MIT */
/*
 * newfail.cc - aligned operator new that fails, in every form, then that
 * succeeds, with and without a new_handler.  The blocks counted are made in
 * the functions named counted_*:
 *
 *   first, 4 calls of 2^62 B at 64: new and new[] throw bad_alloc
 *     (caught), the nothrow forms return null; no block
 *   counted_aligned: new and new[] of 100 B at 64, each deleted     200
 *   with a new_handler installed, counted_with_handler: new of 60 B
 *     at 128, deleted; recorded as what the runtime asks of
 *     aligned_alloc, rounded up to the alignment                    128
 *   counted_reserve: a 5000-byte reserve (malloc), which the
 *     new_handler frees when a 2^62 B new at 64 fails; the handler
 *     then uninstalls itself, and the new throws                   5000
 *
 *   counted_*'s sites: 5328 B in 4 blocks, nothing at exit; the reserve
 *   is live at the peak: 5000 B in 1 block.
 * Each bad_alloc that reaches main() is a block the C++ runtime makes
 * (__cxa_allocate_exception) and frees when it is caught.
 */
#include <cstdio>
#include <cstdlib>
#include <new>

#define NOINLINE __attribute__((noinline))

static void *reserve;

template <typename T> static T *
keep(T *p)
{
	/* Opaque to the optimizer: the new/delete pair must stay. */
	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

static void
release_reserve()
{
	std::free(reserve);
	reserve = nullptr;
	std::set_new_handler(nullptr);	/* the next failure throws */
}

static int
fails(void *(*make)())
{
	try {
		return keep(make()) == nullptr;
	} catch (const std::bad_alloc &) {
		return 1;
	}
}

static const std::size_t huge = std::size_t(1) << 62;
static const std::align_val_t al64 = std::align_val_t(64);

static NOINLINE void
counted_aligned()
{
	void *p = keep(::operator new(100, al64));

	::operator delete(p, al64);
	p = keep(::operator new[](100, al64));
	::operator delete[](p, al64);
}

static NOINLINE void
counted_with_handler()
{
	void *p = keep(::operator new(60, std::align_val_t(128)));

	::operator delete(p, std::align_val_t(128));
}

static NOINLINE void
counted_reserve()
{
	reserve = keep(std::malloc(5000));
}

int
main()
{
	int failed = 0;

	failed += fails([] { return ::operator new(huge, al64); });
	failed += fails([] { return ::operator new[](huge, al64); });
	failed += fails([] { return ::operator new(huge, al64, std::nothrow); });
	failed += fails([] {
		return ::operator new[](huge, al64, std::nothrow);
	});
	counted_aligned();
	std::set_new_handler(release_reserve);
	counted_with_handler();
	counted_reserve();
	failed += fails([] { return ::operator new(huge, al64); });
	if (failed != 5 || reserve != nullptr) {
		std::fprintf(stderr, "newfail: %d of 5 failed, reserve %p\n",
		    failed, reserve);
		return 1;
	}
	return 0;
}
