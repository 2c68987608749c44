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

void *
malloc(size_t size)
{
	void *p;

	if (!READY())
		return bootstrap_alloc(size, 16);
	if (agent_busy)
		return real.malloc(size);
	agent_busy = 1;
	p = real.malloc(size);
	if (p != NULL)
		agent_alloc(p, size);
	agent_busy = 0;
	return p;
}

void *
calloc(size_t nmemb, size_t size)
{
	size_t total;
	void *p;

	if (!READY()) {
		if (__builtin_mul_overflow(nmemb, size, &total))
			return NULL;
		return bootstrap_alloc(total, 16);
	}
	if (agent_busy)
		return real.calloc(nmemb, size);
	agent_busy = 1;
	p = real.calloc(nmemb, size);
	if (p != NULL)
		agent_alloc(p, nmemb * size);
	agent_busy = 0;
	return p;
}

void
free(void *p)
{
	if (p == NULL || bootstrap_owns(p))
		return;
	if (!READY())
		return;
	if (agent_busy) {
		real.free(p);
		return;
	}
	agent_busy = 1;
	agent_free(p);
	real.free(p);
	agent_busy = 0;
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
	void *token, *p;
	uint32_t len;

	if (old == NULL)
		return malloc(size);
	if (bootstrap_owns(old))
		return realloc_from_bootstrap(old, size);
	if (!READY())
		return NULL;
	if (agent_busy)
		return real.realloc(old, size);
	agent_busy = 1;
	token = agent_realloc_begin(&len);
	p = real.realloc(old, size);
	agent_realloc_end(token, len, old, p, size);
	agent_busy = 0;
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
	int rc;

	if (!READY()) {
		*out = bootstrap_alloc(size, align);
		return *out != NULL ? 0 : ENOMEM;
	}
	if (agent_busy)
		return real.posix_memalign(out, align, size);
	agent_busy = 1;
	rc = real.posix_memalign(out, align, size);
	if (rc == 0)
		agent_alloc(*out, size);
	agent_busy = 0;
	return rc;
}

/* aligned_alloc, memalign, valloc and pvalloc differ only in the call. */
#define ALIGNED_HOOK(call, bootstrap_align)			\
	void *p;						\
								\
	if (!READY())						\
		return bootstrap_alloc(size, (bootstrap_align));\
	if (agent_busy)						\
		return call;					\
	agent_busy = 1;						\
	p = call;						\
	if (p != NULL)						\
		agent_alloc(p, size);				\
	agent_busy = 0;						\
	return p

void *
aligned_alloc(size_t align, size_t size)
{
	ALIGNED_HOOK(real.aligned_alloc(align, size), align);
}

void *
memalign(size_t align, size_t size)
{
	ALIGNED_HOOK(real.memalign(align, size), align);
}

void *
valloc(size_t size)
{
	ALIGNED_HOOK(real.valloc(size), 4096);
}

void *
pvalloc(size_t size)
{
	ALIGNED_HOOK(real.pvalloc(size), 4096);
}
