/* SPDX-License-Identifier: MIT */
/*
 * unwind-check.c - checking mode: every stack the agent captures is also
 * taken by libunwind, a reference unwinder that shares no code with the
 * agent's, and each capture that differs is sent to the collector, which
 * counts it among the profile's anomalies.  HEAPPROF_CHECK_UNWIND=1 turns
 * it on; =2 also prints both stacks of a mismatch on stderr; =all counts
 * every capture as a mismatch (a test of the counting).
 *
 * libunwind is loaded with dlopen only in this mode, so that otherwise the
 * agent brings no library into the program.  Loaded, it keeps a pipe open
 * to probe addresses; unwind-io.c gives it one that is no descriptor.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "ring.h"

int unwind_checking;
static int verbose, all;
static int (*ref_backtrace)(void **, int);
static void (*ref_flush)(void *, uint64_t, uint64_t);
static void *ref_space;

static void print(const char *, void **, int);

void
unwind_check_init(void)
{
	const char *v = getenv("HEAPPROF_CHECK_UNWIND");
	struct agent_thread *t = agent_thread();
	void *h, **space;
	int saved;

	if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
		return;
	verbose = strcmp(v, "2") == 0;
	all = strcmp(v, "all") == 0;
	saved = t->hook_state;
	t->hook_state = HOOK_PRIVATE;	/* the loader allocates */
	h = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
	if (h != NULL) {
		unwind_io_init(dlsym(h, "unw_backtrace"));
		ref_backtrace = (int (*)(void **, int))dlsym(h,
		    "unw_backtrace");
		ref_flush = (void (*)(void *, uint64_t, uint64_t))dlsym(h,
		    "_Ux86_64_flush_cache");
		space = dlsym(h, "_ULx86_64_local_addr_space");
		if (space != NULL)
			ref_space = *space;
	}
	t->hook_state = saved;
	if (ref_backtrace == NULL) {
		print("HEAPPROF_CHECK_UNWIND: cannot load libunwind.so.8",
		    NULL, 0);
		return;
	}
	unwind_checking = 1;
}

void
unwind_check_forget(uint64_t lo, uint64_t hi)
{
	if (ref_flush != NULL && ref_space != NULL)
		ref_flush(ref_space, lo, hi);
}

/* Append s to line at *len, as far as it fits. */
static void
put(char *line, size_t size, size_t *len, const char *s)
{
	while (*s != '\0' && *len < size)
		line[(*len)++] = *s++;
}

/*
 * "heapprof: what: 0x... 0x...", one write(2): no stdio, whose buffers
 * and lock the agent must not touch from inside the program's malloc.
 */
static void
print(const char *what, void **buf, int n)
{
	char line[64 + HP_CAPTURE_SLOTS * 20], hex[20];
	size_t len = 0;
	uintptr_t v;
	int i, k;

	put(line, sizeof line - 1, &len, "heapprof: ");
	put(line, sizeof line - 1, &len, what);
	if (buf != NULL)
		put(line, sizeof line - 1, &len, ":");
	for (i = 0; i < n; i++) {
		v = (uintptr_t)buf[i];
		k = (int)sizeof hex - 1;
		hex[k] = '\0';
		do {
			hex[--k] = "0123456789abcdef"[v & 15];
			v >>= 4;
		} while (v != 0);
		put(line, sizeof line - 1, &len, " 0x");
		put(line, sizeof line - 1, &len, hex + k);
	}
	line[len++] = '\n';
	if (write(2, line, len) < 0)
		return;		/* nowhere to say it */
}

static void
send_mismatch(void)
{
	struct hp_rec *rec;

	rec = ring_reserve(&agent_ring, sizeof *rec);
	if (rec != NULL)
		ring_publish(&agent_ring, rec, sizeof *rec,
		    HP_REC_UNWIND_MISMATCH, 0);
}

/* After both are trimmed of the agent's own frames. */
__attribute__((noinline)) void
unwind_check(struct agent_thread *t, void **buf, int n)
{
	void *ref[HP_CAPTURE_SLOTS];
	int rn, first, rfirst, truncated, rtruncated, m, rm, saved;

	/* What libunwind allocates for itself is not the program's. */
	saved = t->hook_state;
	t->hook_state = HOOK_PRIVATE;
	rn = ref_backtrace(ref, HP_CAPTURE_SLOTS);
	t->hook_state = saved;
	m = unwind_trim(buf, n, &first, &truncated);
	rm = unwind_trim(ref, rn, &rfirst, &rtruncated);
	if (!all && m == rm && truncated == rtruncated &&
	    memcmp(buf + first, ref + rfirst, (size_t)m * sizeof *buf) == 0)
		return;
	if (verbose) {
		print("unwind mismatch, agent", buf + first, m);
		print("unwind mismatch, libunwind", ref + rfirst, rm);
	}
	send_mismatch();
}
