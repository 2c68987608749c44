/* SPDX-License-Identifier: MIT */
/*
 * hooks.c - the interposed malloc family.
 *
 * Every hook is the same three steps: find the real function, call it, and
 * report the result through one alloc or one free path in record.c (valgrind
 * DHAT's wrappers are the model).  The whole family is replaced, never part
 * of it, so that no block crosses from one allocator's bookkeeping into
 * another's (musl's ldso/dynlink.c makes the same point).
 *
 * The real functions come from dlsym(RTLD_NEXT), so an allocator the user
 * preloads after the agent (jemalloc, tcmalloc) is the one that serves.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "agent.h"

EXPORT void *malloc(size_t);
EXPORT void *calloc(size_t, size_t);
EXPORT void *realloc(void *, size_t);
EXPORT void *reallocarray(void *, size_t, size_t);
EXPORT void free(void *);
EXPORT int posix_memalign(void **, size_t, size_t);
EXPORT void *aligned_alloc(size_t, size_t);
EXPORT void *memalign(size_t, size_t);
EXPORT void *valloc(size_t);
EXPORT void *pvalloc(size_t);

static struct {
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void (*free)(void *);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
} real;

/*
 * Where errno lies from the thread pointer: libc's TLS is static, at the
 * same offset in every thread.  Set by resolve(), before any use.
 */
static ptrdiff_t errno_off __attribute__((unused));

static void
die_unresolved(const char *name)
{
	static const char msg[] = "heapprof: agent cannot find the real ";

	write(2, msg, sizeof msg - 1);
	write(2, name, strlen(name));
	write(2, "\n", 1);
	_exit(127);
}

static void *
next_symbol(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL)
		die_unresolved(name);
	return fn;
}

/*
 * Returns 0 if this thread is already resolving: the caller must then serve
 * the request from the bootstrap arena.
 */
static int
resolve(void)
{
	void *(*m)(size_t);
	struct agent_thread *t;
	int saved_errno;

	if (__atomic_load_n(&real.malloc, __ATOMIC_ACQUIRE) != NULL)
		return 1;
	/*
	 * t->resolving: set while this thread is inside dlsym(), whose own
	 * allocations then go to the bootstrap arena.
	 */
	t = agent_thread();
	if (t->resolving)
		return 0;
	saved_errno = errno;
#if defined(__x86_64__) && !defined(__clang__)
	errno_off = (char *)&errno - (char *)__builtin_thread_pointer();
#endif
	t->resolving = 1;
	real.calloc = next_symbol("calloc");
	real.realloc = next_symbol("realloc");
	real.free = next_symbol("free");
	real.posix_memalign = next_symbol("posix_memalign");
	real.aligned_alloc = next_symbol("aligned_alloc");
	real.memalign = next_symbol("memalign");
	real.valloc = next_symbol("valloc");
	real.pvalloc = next_symbol("pvalloc");
	m = next_symbol("malloc");
	/* malloc last: a non-NULL real.malloc means all are set. */
	__atomic_store_n(&real.malloc, m, __ATOMIC_RELEASE);
	t->resolving = 0;
	agent_thread_leave(t, t->hook_state);
	errno = saved_errno;
	return 1;
}

#define READY()	(__builtin_expect(real.malloc != NULL, 1) || resolve())

/*
 * errno's address, without a call into libc per event where it can.  The
 * hooks write errno back only when recording changed it: an unconditional
 * store cost 2 ns an event in the malloc/free loop, a compare nothing.
 */
static inline int *
errno_ptr(void)
{
#if defined(__x86_64__) && !defined(__clang__)
	return (int *)((char *)__builtin_thread_pointer() + errno_off);
#else
	return &errno;
#endif
}

/*
 * The least stack a signal frame takes on x86_64: the red zone, the
 * legacy FPU area and struct rt_sigframe (the kernel's get_sigframe) come
 * to more than 1 KiB.
 */
#define SIGFRAME_MIN	1024

/*
 * A malloc-family call that arrives while this thread is in HOOK_REAL or
 * HOOK_CXX is the allocator's own (jemalloc's initialisation, libstdc++'s
 * aligned new calling aligned_alloc), unless a signal handler made it
 * that interrupted the real call or the hook around it: then it is the
 * program's, and recorded.  Walking out from here, a handler's call meets
 * a frame interrupted by a signal before it meets the agent's hook; the
 * allocator's own call meets the hook first.  The walk costs
 * microseconds, too much for every aligned new: there, a stack too short
 * between here and aligned_new's frame to hold a signal frame already
 * says that none is there.  The walk may allocate for itself (libgcc, for
 * frames a JIT registered): HOOK_PRIVATE meanwhile.  Before the agent has
 * attached, a handler's call here is passed through: a window of one
 * real call, once per process.
 */
static __attribute__((noinline, cold)) int
from_handler(struct agent_thread *t, int outer)
{
	uintptr_t here = (uintptr_t)__builtin_dwarf_cfa();
	int saved_errno, found;

	/* t->cxx_cfa: aligned_new's frame, where the C++ runtime's call begins. */
	if (outer == HOOK_CXX && here < t->cxx_cfa &&
	    t->cxx_cfa - here < SIGFRAME_MIN)
		return 0;
	/* Not attached: the agent's frames are not known yet, nor is a ring. */
	if (!agent_active())
		return 0;
	saved_errno = errno;
	t->hook_state = HOOK_PRIVATE;
	found = unwind_in_handler();
	t->hook_state = outer;
	errno = saved_errno;
	return found;
}

/*
 * Whether a call arriving in state `outer` (not HOOK_IDLE) is passed
 * through unrecorded: the agent's own (HOOK_PRIVATE: dlsym while
 * resolving, attaching, and from_handler's walk, which must not walk
 * again), or the allocator's for itself.  A signal handler's call that
 * lands in the agent's private work, a window of microseconds once per
 * process, is passed through too.
 */
#define PASS_THROUGH(t, outer)						\
	((outer) == HOOK_PRIVATE ||					\
	 (((outer) == HOOK_REAL || (outer) == HOOK_CXX) &&		\
	  !from_handler((t), (outer))))

/*
 * The shape of every allocating hook.  `outer` is the thread's hook_state
 * on entry: unless the call is passed through (PASS_THROUGH), the real
 * call runs as HOOK_REAL and the event is recorded as HOOK_RECORD, nested
 * if a signal handler interrupted the agent on this thread.  The stack is
 * captured right here, so that the hook is the only agent frame unwound.
 * errno is what the real call left, whatever recording does.
 */
#define ALLOC_HOOK(call, ok, p, size)					\
	do {								\
		struct agent_thread *t_ = agent_thread();		\
		int outer_ = t_->hook_state;				\
									\
		if (__builtin_expect(outer_ != HOOK_IDLE, 0) &&		\
		    PASS_THROUGH(t_, outer_))				\
			return call;					\
		t_->hook_state = HOOK_REAL;				\
		rv = call;						\
		if (ok)							\
			RECORD_ALLOC(t_, outer_, p, size);		\
		else							\
			agent_thread_leave(t_, outer_);			\
		return rv;						\
	} while (0)

/* ALLOC_HOOK's second half: record block p, then restore the state. */
#define RECORD_ALLOC(t_, outer_, p, size)				\
	do {								\
		void *frames_[HP_CAPTURE_SLOTS];			\
		int *errp_ = errno_ptr(), errno_ = *errp_;		\
									\
		(t_)->hook_state = HOOK_RECORD;				\
		if (outer_ != HOOK_IDLE)				\
			agent_nested_alloc((p), (size));		\
		else if (agent_heap())					\
			agent_alloc((t_), (p), (size), frames_,	\
			    UNWIND_HERE((t_), frames_));		\
		agent_thread_leave((t_), outer_);			\
		if (__builtin_expect(*errp_ != errno_, 0))		\
			*errp_ = errno_;				\
	} while (0)

void *
malloc(size_t size)
{
	void *rv;

	if (!READY())
		return bootstrap_alloc(size, 16);
	ALLOC_HOOK(real.malloc(size), rv != NULL, rv, size);
}

void *
calloc(size_t nmemb, size_t size)
{
	size_t total;
	void *rv;

	if (!READY()) {
		if (__builtin_mul_overflow(nmemb, size, &total))
			return NULL;
		return bootstrap_alloc(total, 16);
	}
	ALLOC_HOOK(real.calloc(nmemb, size), rv != NULL, rv, nmemb * size);
}

/* free from a signal handler, or the allocator's own: off the hot path. */
static __attribute__((noinline)) void
free_nested(struct agent_thread *t, void *p, int outer)
{
	int saved_errno;

	if (PASS_THROUGH(t, outer)) {
		real.free(p);
		return;
	}
	saved_errno = errno;
	t->hook_state = HOOK_RECORD;
	if (!agent_nested_free(p, real.free)) {
		errno = saved_errno;
		t->hook_state = HOOK_REAL;
		real.free(p);
	} else {
		errno = saved_errno;
	}
	t->hook_state = outer;
}

/* A free is recorded before the real free runs (see ARCHITECTURE.md). */
void
free(void *p)
{
	struct agent_thread *t;
	int saved_errno, *errp;

	if (p == NULL || bootstrap_owns(p))
		return;
	if (!READY())
		return;
	t = agent_thread();
	if (__builtin_expect(t->hook_state != HOOK_IDLE, 0)) {
		free_nested(t, p, t->hook_state);
		return;
	}
	errp = errno_ptr();
	saved_errno = *errp;
	t->hook_state = HOOK_RECORD;
	agent_free(t, p);
	if (__builtin_expect(*errp != saved_errno, 0))
		*errp = saved_errno;
	t->hook_state = HOOK_REAL;
	real.free(p);
	agent_thread_leave(t, HOOK_IDLE);
}

/* A bootstrap block cannot be resized in place: move it to the real heap. */
static void *
realloc_from_bootstrap(void *old, size_t size)
{
	size_t old_size = bootstrap_size(old);
	void *p = malloc(size);

	if (p != NULL)
		memcpy(p, old, old_size < size ? old_size : size);
	return p;
}

void *
realloc(void *old, size_t size)
{
	void *frames[HP_CAPTURE_SLOTS];
	void *token = NULL, *p;
	struct agent_thread *t;
	uint32_t len = 0;
	int outer, saved_errno;

	if (old == NULL)
		return malloc(size);
	if (bootstrap_owns(old))
		return realloc_from_bootstrap(old, size);
	if (!READY())
		return NULL;
	t = agent_thread();
	outer = t->hook_state;
	if (outer != HOOK_IDLE) {
		if (PASS_THROUGH(t, outer))
			return real.realloc(old, size);
		t->hook_state = HOOK_REAL;
		p = real.realloc(old, size);
		saved_errno = errno;
		t->hook_state = HOOK_RECORD;
		agent_nested_realloc(old, p, size);
		t->hook_state = outer;
		errno = saved_errno;
		return p;
	}
	saved_errno = errno;
	t->hook_state = HOOK_RECORD;
	if (agent_heap())
		token = agent_realloc_begin(t, &len, frames,
		    UNWIND_HERE(t, frames));
	errno = saved_errno;
	t->hook_state = HOOK_REAL;
	p = real.realloc(old, size);
	saved_errno = errno;
	t->hook_state = HOOK_RECORD;
	agent_realloc_end(t, token, len, old, p, size);
	agent_thread_leave(t, outer);
	errno = saved_errno;
	return p;
}

void *
reallocarray(void *old, size_t nmemb, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(nmemb, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, total);
}

int
posix_memalign(void **out, size_t align, size_t size)
{
	int rv;

	if (!READY()) {
		*out = bootstrap_alloc(size, align);
		return *out != NULL ? 0 : ENOMEM;
	}
	ALLOC_HOOK(real.posix_memalign(out, align, size), rv == 0, *out, size);
}

void *
aligned_alloc(size_t align, size_t size)
{
	void *rv;

	if (!READY())
		return bootstrap_alloc(size, align);
	ALLOC_HOOK(real.aligned_alloc(align, size), rv != NULL, rv, size);
}

void *
memalign(size_t align, size_t size)
{
	void *rv;

	if (!READY())
		return bootstrap_alloc(size, align);
	ALLOC_HOOK(real.memalign(align, size), rv != NULL, rv, size);
}

void *
valloc(size_t size)
{
	void *rv;

	if (!READY())
		return bootstrap_alloc(size, 4096);
	ALLOC_HOOK(real.valloc(size), rv != NULL, rv, size);
}

void *
pvalloc(size_t size)
{
	void *rv;

	if (!READY())
		return bootstrap_alloc(size, 4096);
	ALLOC_HOOK(real.pvalloc(size), rv != NULL, rv, size);
}

/*
 * C++17's aligned operator new.  libstdc++ rounds the size up to a
 * multiple of the alignment before it calls aligned_alloc (100 B at 64
 * becomes 128), so recorded there a block would be larger than the
 * program asked for.  valgrind's DHAT replaces operator new and counts
 * the size asked for; so does heapprof, by recording the block here,
 * around the C++ runtime's own operator new (found with RTLD_NEXT, like
 * the rest), whose call of aligned_alloc then runs as HOOK_REAL and is
 * not recorded again.  The unaligned forms call malloc with the size
 * asked for and need no hook.
 *
 * Only allocation may happen inside that call.  So the runtime's nothrow
 * form is the one called (a failure, a thrown and caught bad_alloc, stays
 * inside it), and only when no new_handler is installed, as the handler is
 * the program's code; a failed throwing new is then called again as the
 * program called it, the exception made and thrown outside HOOK_REAL.
 * With a new_handler, or an operator new that is not libstdc++'s or
 * libc++'s (a program's own may allocate more than it returns), the call
 * is passed on as it is, and what it allocates is recorded where it is
 * allocated, as before C++17.
 */
#if __SIZEOF_SIZE_T__ == 8
#define MANGLED_SIZE	"m"
#else
#define MANGLED_SIZE	"j"
#endif

enum aligned_new_kind { NEW, NEW_NOTHROW, NEW_ARRAY, NEW_ARRAY_NOTHROW };

static const char *const aligned_new_names[] = {
	[NEW] = "_Znw" MANGLED_SIZE "St11align_val_t",
	[NEW_NOTHROW] = "_Znw" MANGLED_SIZE "St11align_val_tRKSt9nothrow_t",
	[NEW_ARRAY] = "_Zna" MANGLED_SIZE "St11align_val_t",
	[NEW_ARRAY_NOTHROW] = "_Zna" MANGLED_SIZE "St11align_val_tRKSt9nothrow_t",
};

/* align_val_t is a size_t enum; nothrow_t is passed by reference. */
typedef void *aligned_new_fn(size_t, size_t, const void *);
typedef void *get_new_handler_fn(void);

static struct {
	aligned_new_fn *fn[4];
	get_new_handler_fn *get_new_handler;
	int runtime;		/* all four are the C++ runtime's */
	int ready;
} cxx;

static int
in_cxx_runtime(void *fn)
{
	Dl_info info;
	const char *base;

	if (dladdr(fn, &info) == 0 || info.dli_fname == NULL)
		return 0;
	base = strrchr(info.dli_fname, '/');
	base = base != NULL ? base + 1 : info.dli_fname;
	return strncmp(base, "libstdc++.so", 12) == 0 ||
	    strncmp(base, "libc++.so", 9) == 0;
}

static void
resolve_cxx(void)
{
	struct agent_thread *t = agent_thread();
	int outer = t->hook_state, k, runtime = 1, saved_errno = errno;

	t->hook_state = HOOK_PRIVATE;	/* dlsym may allocate */
	for (k = NEW; k <= NEW_ARRAY_NOTHROW; k++) {
		cxx.fn[k] = (aligned_new_fn *)next_symbol(aligned_new_names[k]);
		runtime &= in_cxx_runtime((void *)cxx.fn[k]);
	}
	cxx.get_new_handler = (get_new_handler_fn *)dlsym(RTLD_NEXT,
	    "_ZSt15get_new_handlerv");
	cxx.runtime = runtime && cxx.get_new_handler != NULL;
	agent_thread_leave(t, outer);
	errno = saved_errno;
	__atomic_store_n(&cxx.ready, 1, __ATOMIC_RELEASE);
}

static void *
aligned_new(enum aligned_new_kind kind, size_t size, size_t align,
    const void *nothrow)
{
	static const char nothrow_arg;	/* std::nothrow_t is empty */
	enum aligned_new_kind nothrow_kind = kind == NEW ||
	    kind == NEW_NOTHROW ? NEW_NOTHROW : NEW_ARRAY_NOTHROW;
	struct agent_thread *t;
	uintptr_t outer_cfa;
	int outer;
	void *rv;

	if (!__atomic_load_n(&cxx.ready, __ATOMIC_ACQUIRE))
		resolve_cxx();
	if (!READY() || !cxx.runtime)
		return cxx.fn[kind](size, align, nothrow);
	t = agent_thread();
	outer = t->hook_state;
	if ((outer != HOOK_IDLE && PASS_THROUGH(t, outer)) ||
	    cxx.get_new_handler() != NULL) {
		agent_thread_leave(t, outer);
		return cxx.fn[kind](size, align, nothrow);
	}
	/* cxx_cfa first: a signal may land between any two stores. */
	outer_cfa = t->cxx_cfa;
	t->cxx_cfa = (uintptr_t)__builtin_dwarf_cfa();
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t->hook_state = HOOK_CXX;
	rv = cxx.fn[nothrow_kind](size, align, &nothrow_arg);
	if (rv != NULL) {
		RECORD_ALLOC(t, outer, rv, size);
		t->cxx_cfa = outer_cfa;
		return rv;
	}
	t->cxx_cfa = outer_cfa;
	agent_thread_leave(t, outer);
	if (kind == nothrow_kind)
		return NULL;
	return cxx.fn[kind](size, align, NULL);	/* throws as it should */
}

EXPORT void *cxx_new_aligned(size_t, size_t)
    __asm__("_Znw" MANGLED_SIZE "St11align_val_t");
EXPORT void *cxx_new_aligned_nothrow(size_t, size_t, const void *)
    __asm__("_Znw" MANGLED_SIZE "St11align_val_tRKSt9nothrow_t");
EXPORT void *cxx_new_array_aligned(size_t, size_t)
    __asm__("_Zna" MANGLED_SIZE "St11align_val_t");
EXPORT void *cxx_new_array_aligned_nothrow(size_t, size_t, const void *)
    __asm__("_Zna" MANGLED_SIZE "St11align_val_tRKSt9nothrow_t");

void *
cxx_new_aligned(size_t size, size_t align)
{
	return aligned_new(NEW, size, align, NULL);
}

void *
cxx_new_aligned_nothrow(size_t size, size_t align, const void *nothrow)
{
	return aligned_new(NEW_NOTHROW, size, align, nothrow);
}

void *
cxx_new_array_aligned(size_t size, size_t align)
{
	return aligned_new(NEW_ARRAY, size, align, NULL);
}

void *
cxx_new_array_aligned_nothrow(size_t size, size_t align, const void *nothrow)
{
	return aligned_new(NEW_ARRAY_NOTHROW, size, align, nothrow);
}
