/*
 * agent.c - the preload agent's life: attach to the ring the CLI made,
 * announce the loaded objects, and turn allocation events into records.
 *
 * Attaching happens on the first event or in the constructor, whichever
 * comes first, so blocks allocated by earlier constructors are seen.  After
 * attaching the agent removes its traces from the environment (the ring's
 * fd variable and its own LD_PRELOAD entry) and closes the fd, so programs
 * the target execs are not profiled and do not touch the session's ring.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "ring.h"
#include "wire.h"

__thread int agent_busy TLS_IE;

enum attach_state { ATTACH_NONE, ATTACH_BUSY, ATTACH_READY, ATTACH_OFF };

static int attach_state;
static struct ring ring = { .fd = -1 };
static uint64_t clock_origin;

extern char **environ;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC is read in the vDSO: no system call. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec -
	    clock_origin;
}

/* Remove NAME=... from environ in place; unsetenv() could take a lock. */
static void
env_remove(const char *name)
{
	size_t len = strlen(name);
	char **src, **dst;

	for (src = dst = environ; *src != NULL; src++) {
		if (strncmp(*src, name, len) == 0 && (*src)[len] == '=')
			continue;
		*dst++ = *src;
	}
	*dst = NULL;
}

/*
 * The CLI put the agent first in LD_PRELOAD; take it out again, keeping the
 * user's own entries, by shifting the string in place.
 */
static void
env_strip_preload(const char *self_path)
{
	size_t len = strlen(self_path);
	char **e, *v;

	for (e = environ; *e != NULL; e++) {
		if (strncmp(*e, "LD_PRELOAD=", 11) != 0)
			continue;
		v = *e + 11;
		if (strncmp(v, self_path, len) != 0 ||
		    (v[len] != '\0' && v[len] != ':' && v[len] != ' '))
			return;
		if (v[len] == '\0') {
			env_remove("LD_PRELOAD");
			return;
		}
		memmove(v, v + len + 1, strlen(v + len + 1) + 1);
		return;
	}
}

struct module_scan {
	uintptr_t self;		/* an address inside the agent */
	uintptr_t self_lo, self_hi;
};

static void
send_module(uint64_t bias, uint64_t lo, uint64_t hi, const char *path)
{
	struct hp_rec_module *rec;
	uint32_t path_len = (uint32_t)strlen(path);
	uint32_t len = (uint32_t)HP_ALIGN8(sizeof *rec + path_len);

	rec = ring_reserve(&ring, len);
	if (rec == NULL)
		return;
	rec->bias = bias;
	rec->lo = lo;
	rec->hi = hi;
	rec->path_len = path_len;
	memcpy(rec + 1, path, path_len);
	ring_publish(&ring, rec, len, HP_REC_MODULE, 0);
}

static int
module_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	static char exe[4096];
	struct module_scan *scan = arg;
	uint64_t lo = UINT64_MAX, hi = 0, a;
	const char *path = info->dlpi_name;
	ssize_t n;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD)
			continue;
		a = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		if (a < lo)
			lo = a;
		if (a + info->dlpi_phdr[i].p_memsz > hi)
			hi = a + info->dlpi_phdr[i].p_memsz;
	}
	if (hi == 0)
		return 0;
	if (scan->self >= lo && scan->self < hi) {
		scan->self_lo = lo;
		scan->self_hi = hi;
	}
	if (path == NULL || path[0] == '\0') {
		/* The main program has no name in the link map. */
		n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (n <= 0)
			return 0;
		exe[n] = '\0';
		path = exe;
	}
	send_module(info->dlpi_addr, lo, hi, path);
	return 0;
}

static void
send_modules(struct module_scan *scan)
{
	dl_iterate_phdr(module_cb, scan);
}

static void
after_fork_in_child(void)
{
	/* The child is not profiled: it must not write into the parent's ring. */
	__atomic_store_n(&attach_state, ATTACH_OFF, __ATOMIC_RELEASE);
}

static int
attach(void)
{
	struct module_scan scan = { (uintptr_t)&attach, 0, 0 };
	struct hp_rec_hello *hello;
	const char *fdstr;
	Dl_info self;
	char *end;
	long fd;

	if (environ == NULL)
		return ATTACH_NONE;	/* too early: libc is not initialised */
	fdstr = getenv(HP_ENV_RING_FD);
	if (fdstr == NULL)
		return ATTACH_OFF;
	errno = 0;
	fd = strtol(fdstr, &end, 10);
	if (errno != 0 || *end != '\0' || fd < 0 ||
	    ring_attach(&ring, (int)fd) == -1)
		return ATTACH_OFF;
	close(ring.fd);
	ring.fd = -1;
	clock_origin = ring.hdr->clock_origin;

	env_remove(HP_ENV_RING_FD);
	if (dladdr((void *)&attach, &self) != 0 && self.dli_fname != NULL)
		env_strip_preload(self.dli_fname);

	hello = ring_reserve(&ring, sizeof *hello);
	if (hello == NULL)
		return ATTACH_OFF;
	hello->pid = (uint32_t)getpid();
	hello->wire_version = HP_WIRE_VERSION;
	ring_publish(&ring, hello, sizeof *hello, HP_REC_HELLO, 0);

	send_modules(&scan);
	unwind_init(scan.self_lo, scan.self_hi);
	pthread_atfork(NULL, NULL, after_fork_in_child);
	return ATTACH_READY;
}

/* Returns 1 when events can be recorded. */
static int
attached(void)
{
	int state = __atomic_load_n(&attach_state, __ATOMIC_ACQUIRE);
	int expected = ATTACH_NONE;

	if (__builtin_expect(state == ATTACH_READY, 1))
		return 1;
	if (state == ATTACH_OFF)
		return 0;
	if (__atomic_compare_exchange_n(&attach_state, &expected, ATTACH_BUSY,
	    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		state = attach();
		__atomic_store_n(&attach_state, state, __ATOMIC_RELEASE);
		return state == ATTACH_READY;
	}
	/* Another thread is attaching; it takes microseconds. */
	while ((state = __atomic_load_n(&attach_state, __ATOMIC_ACQUIRE)) ==
	    ATTACH_BUSY)
		sched_yield();
	return state == ATTACH_READY;
}

static void
ring_gone(void)
{
	__atomic_store_n(&attach_state, ATTACH_OFF, __ATOMIC_RELEASE);
}

/* Frames go into the ring as uint64_t, straight from libunwind's buffer. */
_Static_assert(sizeof(void *) == sizeof(uint64_t), "64-bit addresses");

/*
 * Capture the caller's stack and reserve a record of `fixed` bytes followed
 * by its frames, which are already copied in.  NULL if the ring is gone.
 */
static unsigned char *
reserve_with_stack(size_t fixed, uint32_t *len, uint32_t *nframes,
    uint16_t *flags)
{
	void *buf[HP_CAPTURE_SLOTS];
	unsigned char *rec;
	int first, truncated, n;

	n = unwind_capture(buf, &first, &truncated);
	*len = (uint32_t)(fixed + (size_t)n * sizeof(uint64_t));
	rec = ring_reserve(&ring, *len);
	if (rec == NULL) {
		ring_gone();
		return NULL;
	}
	memcpy(rec + fixed, buf + first, (size_t)n * sizeof(uint64_t));
	*nframes = (uint32_t)n;
	*flags = truncated ? HP_RECF_TRUNCATED : 0;
	return rec;
}

void
agent_alloc(void *p, size_t size)
{
	struct hp_rec_alloc *rec;
	uint32_t len, nframes;
	uint16_t flags;

	if (!attached())
		return;
	rec = (struct hp_rec_alloc *)(void *)reserve_with_stack(sizeof *rec,
	    &len, &nframes, &flags);
	if (rec == NULL)
		return;
	rec->addr = (uint64_t)(uintptr_t)p;
	rec->size = size;
	rec->time = now_ns();
	rec->nframes = nframes;
	ring_publish(&ring, rec, len, HP_REC_ALLOC, flags);
}

void
agent_free(void *p)
{
	struct hp_rec_free *rec;

	if (!attached())
		return;
	rec = ring_reserve(&ring, sizeof *rec);
	if (rec == NULL) {
		ring_gone();
		return;
	}
	rec->addr = (uint64_t)(uintptr_t)p;
	rec->time = now_ns();
	ring_publish(&ring, rec, sizeof *rec, HP_REC_FREE, 0);
}

void *
agent_realloc_begin(uint32_t *len)
{
	struct hp_rec_realloc *rec;
	uint32_t nframes;
	uint16_t flags;

	if (!attached())
		return NULL;
	rec = (struct hp_rec_realloc *)(void *)reserve_with_stack(sizeof *rec,
	    len, &nframes, &flags);
	if (rec == NULL)
		return NULL;
	rec->nframes = nframes;
	rec->hdr.flags = flags;
	return rec;
}

void
agent_realloc_end(void *token, uint32_t len, void *old, void *new,
    size_t size)
{
	struct hp_rec_realloc *rec = token;
	uint16_t flags;

	if (rec == NULL)
		return;
	flags = rec->hdr.flags;
	/* NULL for a non-zero size is a failure; for size 0 glibc freed old. */
	if (new == NULL && size != 0)
		flags |= HP_RECF_FAILED;
	rec->old_addr = (uint64_t)(uintptr_t)old;
	rec->new_addr = (uint64_t)(uintptr_t)new;
	rec->size = size;
	rec->time = now_ns();
	ring_publish(&ring, rec, len, HP_REC_REALLOC, flags);
}

__attribute__((constructor)) static void
agent_init(void)
{
	agent_busy++;
	attached();
	agent_busy--;
}
