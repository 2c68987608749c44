/*
 * hooks.c - the interposed malloc family.
 *
 * Every hook is the same three steps: find the real function, call it, and
 * report the result through one alloc or one free path in agent.c (valgrind
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

#define UNW_LOCAL_ONLY
#include <libunwind.h>

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

/* Set while this thread is inside dlsym(), whose own allocations then go to the bootstrap arena. */
static __thread int resolving TLS_IE;

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

	if (__atomic_load_n(&real.malloc, __ATOMIC_ACQUIRE) != NULL)
		return 1;
	if (resolving)
		return 0;
	resolving = 1;
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
	resolving = 0;
	return 1;
}

#define READY()	(__builtin_expect(real.malloc != NULL, 1) || resolve())

/*
 * The shape of every allocating hook.  `outer` is the thread's hook_state
 * on entry: inside the real allocator or the agent's private work the call
 * is passed through; otherwise the real call runs as HOOK_REAL and the
 * event is recorded as HOOK_RECORD, nested if a signal handler
 * interrupted the agent's recording on this thread.  The stack is
 * captured right here, so that the hook is the only agent frame unwound.
 */
#define ALLOC_HOOK(call, ok, p, size)					\
	do {								\
		void *frames_[HP_CAPTURE_SLOTS];			\
		int outer_ = hook_state;				\
									\
		if (outer_ == HOOK_REAL || outer_ == HOOK_PRIVATE)	\
			return call;					\
		hook_state = HOOK_REAL;					\
		rv = call;						\
		hook_state = HOOK_RECORD;				\
		if (!(ok))						\
			;						\
		else if (outer_ == HOOK_RECORD)				\
			agent_nested_alloc((p), (size));		\
		else if (agent_attached())				\
			agent_alloc((p), (size), frames_,		\
			    UNWIND_HERE(frames_));			\
		hook_state = outer_;					\
		return rv;						\
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

void
free(void *p)
{
	int outer;

	if (p == NULL || bootstrap_owns(p))
		return;
	if (!READY())
		return;
	outer = hook_state;
	if (outer == HOOK_REAL || outer == HOOK_PRIVATE) {
		real.free(p);
		return;
	}
	hook_state = HOOK_RECORD;
	if (outer == HOOK_RECORD) {
		if (!agent_nested_free(p, real.free))
			real.free(p);
		hook_state = outer;
		return;
	}
	agent_free(p);
	hook_state = HOOK_REAL;
	real.free(p);
	hook_state = outer;
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
	uint32_t len;
	int outer;

	if (old == NULL)
		return malloc(size);
	if (bootstrap_owns(old))
		return realloc_from_bootstrap(old, size);
	if (!READY())
		return NULL;
	outer = hook_state;
	if (outer == HOOK_REAL || outer == HOOK_PRIVATE)
		return real.realloc(old, size);
	if (outer == HOOK_RECORD) {
		hook_state = HOOK_REAL;
		p = real.realloc(old, size);
		hook_state = HOOK_RECORD;
		agent_nested_realloc(old, p, size);
		hook_state = outer;
		return p;
	}
	hook_state = HOOK_RECORD;
	if (agent_attached())
		token = agent_realloc_begin(&len, frames, UNWIND_HERE(frames));
	hook_state = HOOK_REAL;
	p = real.realloc(old, size);
	hook_state = HOOK_RECORD;
	agent_realloc_end(token, len, old, p, size);
	hook_state = outer;
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
