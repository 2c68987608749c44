/* SPDX-License-Identifier: MIT */
/*
 * modules.c - the agent's view of the loaded objects, kept in step with
 * the collector's: every object is announced before any stack that runs
 * through it is recorded, and announced as gone when dlclose() unmaps it,
 * so a later object at the same addresses is not confused with it.
 *
 * dlopen() is interposed only to bump a generation counter and then
 * tail-call the real one: glibc looks at dlopen's return address to pick
 * the caller's RUNPATH and namespace, which must stay the program's.  The
 * next event that sees the counter moved rescans the link map.  dlclose()
 * rescans before the real call (so nothing is unloaded unannounced) and
 * after it (to announce what went).
 */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "ring.h"

EXPORT void *dlopen(const char *, int);
EXPORT int dlclose(void *);

/* Objects beyond this many are announced but not followed to dlclose. */
#define MAX_KNOWN	4096

static struct known {
	uint64_t bias, lo, hi;
	uint32_t mark;
} known[MAX_KNOWN];
static size_t nknown;
static uint32_t scan_mark;

static unsigned dl_generation;		/* bumped by every dlopen() */
static unsigned dl_generation_seen;	/* as of the last complete rescan */
static unsigned long long adds_seen;	/* glibc's count of loads, then */
static uint64_t pending_since, last_scan;
static int scan_lock;
static int scan_held;			/* tests: held once already */

static uintptr_t self_lo, self_hi;	/* the agent's own PT_LOAD span */

/*
 * A dlopen() still in flight may not have mapped its object yet; rescan at
 * most every millisecond until the load count moves, then give up (the
 * dlopen only bumped a reference count).
 */
#define RESCAN_EVERY_NS		1000000u
#define RESCAN_GIVE_UP_NS	100000000u

static void
send_module(uint64_t bias, uint64_t lo, uint64_t hi, const char *path,
    uint16_t flags)
{
	struct hp_rec_module *rec;
	size_t n = strlen(path);
	uint32_t path_len, len;

	/* The collector takes no longer record; no real path comes near. */
	if (n > HP_REC_MAX_LEN - sizeof *rec)
		n = HP_REC_MAX_LEN - sizeof *rec;
	path_len = (uint32_t)n;
	len = (uint32_t)HP_ALIGN8(sizeof *rec + path_len);

	rec = ring_reserve(&agent_ring, len);
	if (rec == NULL)
		return;
	rec->bias = bias;
	rec->lo = lo;
	rec->hi = hi;
	rec->path_len = path_len;
	memcpy(rec + 1, path, path_len);
	ring_publish(&agent_ring, rec, len, HP_REC_MODULE, flags);
}

/* The main program has no name in the link map. */
static const char *
exe_path(void)
{
	static char exe[4096];
	ssize_t n;

	if (exe[0] == '\0') {
		n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (n <= 0)
			return NULL;
		exe[n] = '\0';
	}
	return exe;
}

struct scan {
	unsigned long long adds;
};

static int
module_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct scan *scan = arg;
	uint64_t lo = UINT64_MAX, hi = 0, a;
	const char *path = info->dlpi_name;
	uintptr_t self = (uintptr_t)&module_cb;
	size_t i;
	int k;

	if (size >= offsetof(struct dl_phdr_info, dlpi_subs))
		scan->adds = info->dlpi_adds;
	for (k = 0; k < info->dlpi_phnum; k++) {
		if (info->dlpi_phdr[k].p_type != PT_LOAD)
			continue;
		a = info->dlpi_addr + info->dlpi_phdr[k].p_vaddr;
		if (a < lo)
			lo = a;
		if (a + info->dlpi_phdr[k].p_memsz > hi)
			hi = a + info->dlpi_phdr[k].p_memsz;
	}
	if (hi == 0)
		return 0;
	if (self >= lo && self < hi) {
		self_lo = lo;
		self_hi = hi;
	}
	for (i = 0; i < nknown; i++)
		if (known[i].bias == info->dlpi_addr && known[i].lo == lo) {
			known[i].mark = scan_mark;
			return 0;
		}
	if (path == NULL || path[0] == '\0')
		path = exe_path();
	if (path == NULL)
		return 0;
	if (nknown < MAX_KNOWN) {
		known[nknown].bias = info->dlpi_addr;
		known[nknown].lo = lo;
		known[nknown].hi = hi;
		known[nknown].mark = scan_mark;
		nknown++;
	}
	send_module(info->dlpi_addr, lo, hi, path, 0);
	return 0;
}

/* Announce what is new in the link map and what left it. */
static unsigned long long
rescan(void)
{
	struct scan scan = { 0 };
	size_t i;

	scan_mark++;
	dl_iterate_phdr(module_cb, &scan);
	for (i = 0; i < nknown;) {
		if (known[i].mark == scan_mark) {
			i++;
			continue;
		}
		/*
		 * The collector matches by bias and lo; path and hi are kept
		 * by it.  An empty path says "whatever was there".
		 */
		send_module(known[i].bias, known[i].lo, 0, "", HP_RECF_UNLOADED);
		unwind_forget(known[i].lo, known[i].hi);
		known[i] = known[--nknown];
	}
	return scan.adds;
}

void
modules_announce(uintptr_t *agent_lo, uintptr_t *agent_hi)
{
	while (__atomic_exchange_n(&scan_lock, 1, __ATOMIC_ACQUIRE) != 0)
		sched_yield();
	adds_seen = rescan();
	dl_generation_seen = __atomic_load_n(&dl_generation, __ATOMIC_RELAXED);
	__atomic_store_n(&scan_lock, 0, __ATOMIC_RELEASE);
	*agent_lo = self_lo;
	*agent_hi = self_hi;
}

/* 1 if each of the n frames lies in an object already announced. */
static int
all_known(void *const *frames, int n)
{
	uint64_t pc;
	size_t i;
	int k;

	for (k = 0; k < n; k++) {
		pc = (uint64_t)(uintptr_t)frames[k];
		for (i = 0; i < nknown; i++)
			if (pc >= known[i].lo && pc < known[i].hi)
				break;
		if (i == nknown)
			return 0;
	}
	return 1;
}

void
modules_refresh(int force, void *const *frames, int n)
{
	uint64_t now = ring_clock_read(HP_CLOCK_MONOTONIC);
	unsigned gen = __atomic_load_n(&dl_generation, __ATOMIC_RELAXED);
	unsigned long long adds;

	/* Another thread (or this one, interrupted by a signal) is at it. */
	if (__atomic_exchange_n(&scan_lock, 1, __ATOMIC_ACQUIRE) != 0)
		return;
	/* Tests: the first dlclose's rescan is held, the lock taken. */
	if (force && !scan_held) {
		scan_held = 1;
		agent_test_hold("HEAPPROF_TEST_SCAN_HOLD");
	}
	if (gen == dl_generation_seen && !force)
		goto out;
	if (pending_since == 0 || force)
		pending_since = now;
	/*
	 * Not too often while a dlopen() is in flight, but never let an
	 * event name an object not announced yet (the object a dlopen()
	 * just returned, called at once).
	 */
	if (!force && now - last_scan < RESCAN_EVERY_NS &&
	    all_known(frames, n))
		goto out;
	last_scan = now;
	adds = rescan();
	if (force || adds != adds_seen || now - pending_since > RESCAN_GIVE_UP_NS) {
		dl_generation_seen = gen;
		pending_since = 0;
	}
	adds_seen = adds;
out:
	__atomic_store_n(&scan_lock, 0, __ATOMIC_RELEASE);
}

int
modules_changed(void)
{
	return __atomic_load_n(&dl_generation, __ATOMIC_RELAXED) !=
	    dl_generation_seen;
}

/*
 * A forked child with a ring of its own.  A thread of the parent may have
 * been rescanning at the fork: the lock would stay taken in the child,
 * which would then never announce its dlopens, and the table may be
 * half-updated.  The child's next event announces every object again
 * (the collector drops what it has already).
 */
void
modules_fork_child(void)
{
	nknown = 0;
	adds_seen = 0;
	pending_since = last_scan = 0;
	dl_generation_seen = __atomic_load_n(&dl_generation,
	    __ATOMIC_RELAXED) - 1;
	__atomic_store_n(&scan_lock, 0, __ATOMIC_RELEASE);
}

static void *(*real_dlopen)(const char *, int);
static int (*real_dlclose)(void *);

static void
resolve_dl(void)
{
	struct agent_thread *t;
	int saved;

	if (__atomic_load_n(&real_dlclose, __ATOMIC_ACQUIRE) != NULL)
		return;
	/* dlsym may allocate for itself. */
	t = agent_thread();
	saved = t->hook_state;
	t->hook_state = HOOK_PRIVATE;
	real_dlopen = dlsym(RTLD_NEXT, "dlopen");
	__atomic_store_n(&real_dlclose, dlsym(RTLD_NEXT, "dlclose"),
	    __ATOMIC_RELEASE);
	agent_thread_leave(t, saved);
}

#if defined(__has_attribute)
#if __has_attribute(musttail)
#define MUSTTAIL	__attribute__((musttail))
#endif
#endif
#ifndef MUSTTAIL
#define MUSTTAIL
#endif

/*
 * Must end in a jump, not a call: see the top of the file.  gcc makes it
 * one at -O1 and above; a test dlopens through a RUNPATH to check.
 */
__attribute__((optimize("optimize-sibling-calls"))) void *
dlopen(const char *file, int mode)
{
	resolve_dl();
	__atomic_fetch_add(&dl_generation, 1, __ATOMIC_RELAXED);
	MUSTTAIL return real_dlopen(file, mode);
}

int
dlclose(void *handle)
{
	int rc;

	resolve_dl();
	if (agent_active())
		modules_refresh(1, NULL, 0);
	rc = real_dlclose(handle);
	if (agent_active())
		modules_refresh(1, NULL, 0);
	return rc;
}
