/* SPDX-License-Identifier: MIT */
/*
 * unwind.c - stack capture for the agent.
 *
 * A table-driven unwinder, after the Linux kernel's ORC unwinder: each PC
 * the walk meets has a rule of one word (cfi.c: the CFA is rsp or rbp plus
 * a constant, the return address and the saved rbp are at constant
 * offsets from it), computed once from .eh_frame and kept in a fixed hash
 * table shared by all threads.  A step is then a hash probe and two loads.
 * Frames inside the agent itself are dropped afterwards by address range
 * rather than by count, so inlining in the agent cannot shift the result.
 *
 * A frame the rules cannot describe (a signal frame, a CFA in another
 * register, an expression) makes the whole stack be taken again by
 * libgcc's general unwinder, linked statically into the agent so that it
 * brings no library into the program.  It needs no state of its own per
 * thread and steps through signal frames, so it is also what a signal
 * handler that interrupted the agent uses.
 *
 * The table: 16-byte slots {key, rule}, the key being the PC.  A writer
 * locks a slot by setting its key to SLOT_BUSY, writes the rule, then
 * publishes the key; a reader accepts a rule only if it read the same key
 * before and after it (a sequence lock whose sequence is the key).  Nobody
 * waits: a reader that meets a busy slot computes the rule itself, a
 * writer that cannot lock a slot does not cache.  So a fork while another
 * thread holds a slot busy costs the child that slot, never a wait (and a
 * fork while the table is being set up, its cache: table_state stays 2
 * there, and rules are computed each time).  dlclose() empties the
 * slots of the object's range (unwind_forget), before another object can
 * be mapped there.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <unwind.h>

#include "agent.h"

#define TABLE_BITS	16		/* 64k PCs, 1 MiB */
#define TABLE_SLOTS	(1u << TABLE_BITS)
#define PROBES		4
#define SLOT_BUSY	(~(uint64_t)0)

struct slot {
	uint64_t key, rule;
};

static struct slot *table;
static int table_state;			/* 0 untried, 1 ready, -1 failed */
static uint64_t unwind_epoch;		/* bumped by unwind_forget */

/* The agent's own text, set once at attach. */
static uintptr_t self_lo, self_hi;

static void
table_setup(void)
{
	void *t;
	int zero = 0;

	t = mmap(NULL, TABLE_SLOTS * sizeof *table, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t == MAP_FAILED) {
		__atomic_store_n(&table_state, -1, __ATOMIC_RELEASE);
		return;
	}
	if (!__atomic_compare_exchange_n(&table_state, &zero, 2, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		munmap(t, TABLE_SLOTS * sizeof *table);
		return;
	}
	table = t;
	__atomic_store_n(&table_state, 1, __ATOMIC_RELEASE);
}

static inline uint32_t
slot_of(uint64_t pc)
{
	return (uint32_t)((pc * 0x9e3779b97f4a7c15u) >> (64 - TABLE_BITS));
}

static uint64_t
rule_miss(uint64_t pc, uint32_t i)
{
	uint64_t rule = cfi_rule((uintptr_t)pc), key;
	struct slot *s;
	int probe;

	if (__atomic_load_n(&table_state, __ATOMIC_ACQUIRE) != 1)
		return rule;
	/* An empty slot, else the first one is evicted. */
	for (probe = 0; probe < PROBES; probe++) {
		s = &table[(i + (uint32_t)probe) & (TABLE_SLOTS - 1)];
		if (__atomic_load_n(&s->key, __ATOMIC_RELAXED) == 0)
			break;
	}
	if (probe == PROBES)
		s = &table[i];
	key = __atomic_load_n(&s->key, __ATOMIC_RELAXED);
	if (key == SLOT_BUSY || !__atomic_compare_exchange_n(&s->key, &key,
	    SLOT_BUSY, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return rule;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&s->rule, rule, __ATOMIC_RELAXED);
	__atomic_store_n(&s->key, pc, __ATOMIC_RELEASE);
	return rule;
}

static inline uint64_t
rule_for(uint64_t pc)
{
	uint32_t i = slot_of(pc);
	const struct slot *s;
	uint64_t rule;
	int probe;

	if (__builtin_expect(table_state != 1, 0)) {
		if (__atomic_load_n(&table_state, __ATOMIC_ACQUIRE) == 0)
			table_setup();
		return rule_miss(pc, i);
	}
	for (probe = 0; probe < PROBES; probe++) {
		s = &table[(i + (uint32_t)probe) & (TABLE_SLOTS - 1)];
		if (__atomic_load_n(&s->key, __ATOMIC_ACQUIRE) == pc) {
			rule = __atomic_load_n(&s->rule, __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&s->key, __ATOMIC_RELAXED) == pc)
				return rule;
			break;
		}
	}
	return rule_miss(pc, i);
}

void
unwind_forget(uint64_t lo, uint64_t hi)
{
	uint64_t key;
	uint32_t i;

	if (__atomic_load_n(&table_state, __ATOMIC_ACQUIRE) == 1)
		for (i = 0; i < TABLE_SLOTS; i++) {
			key = __atomic_load_n(&table[i].key, __ATOMIC_RELAXED);
			if (key >= lo && key < hi)
				__atomic_compare_exchange_n(&table[i].key,
				    &key, 0, 0, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
		}
	/* Every thread's cached stack may run through the object. */
	__atomic_fetch_add(&unwind_epoch, 1, __ATOMIC_RELEASE);
	unwind_check_forget(lo, hi);
}

void
unwind_init(uintptr_t agent_lo, uintptr_t agent_hi)
{
	self_lo = agent_lo;
	self_hi = agent_hi;
	unwind_check_init();
}

int
unwind_trim(void **buf, int n, int *first, int *truncated)
{
	int skip = 0;

	while (skip < n && (uintptr_t)buf[skip] >= self_lo &&
	    (uintptr_t)buf[skip] < self_hi)
		skip++;
	*first = skip;
	*truncated = n - skip > HP_MAX_FRAMES || n == HP_CAPTURE_SLOTS;
	return n - skip > HP_MAX_FRAMES ? HP_MAX_FRAMES : n - skip;
}

struct gcc_walk {
	void **buf;
	int n;
};

static _Unwind_Reason_Code
gcc_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct gcc_walk *w = arg;
	uintptr_t ip = _Unwind_GetIP(ctx);

	if (ip == 0)
		return _URC_END_OF_STACK;
	w->buf[w->n++] = (void *)ip;
	return w->n == HP_CAPTURE_SLOTS ? _URC_END_OF_STACK : _URC_NO_REASON;
}

/* The whole stack by libgcc, this function's frame first. */
static __attribute__((noinline)) int
gcc_capture(void **buf)
{
	struct gcc_walk w = { buf, 0 };

	_Unwind_Backtrace(gcc_frame, &w);
	return w.n;
}

int
unwind_capture_nested(void **buf, int *first, int *truncated)
{
	return unwind_trim(buf, gcc_capture(buf), first, truncated);
}

/* Two words at p, or -1 where p cannot be read. */
static int
read_pair(uint64_t p, uint64_t v[2])
{
	struct iovec local = { v, 2 * sizeof *v };
	struct iovec remote = { (void *)(uintptr_t)p, 2 * sizeof *v };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) ==
	    (ssize_t)(2 * sizeof *v) ? 0 : -1;
}

/*
 * A frame without unwind information (hand-written assembly, code built
 * without unwind tables): step it by its frame pointer as libunwind does,
 * if rbp points a little above the stack pointer, reading through the
 * kernel, since rbp may be anything.  0, or -1 for the end of the stack.
 */
static int
frame_chain(uint64_t *sp, uint64_t *bp, uint64_t *ra)
{
	uint64_t saved[2];

	if (*bp == 0 || *bp < *sp || *bp - *sp > 0x4000 ||
	    read_pair(*bp, saved) == -1)
		return -1;
	*sp = *bp + 16;
	*bp = saved[0];
	*ra = saved[1];
	return 0;
}

/*
 * The stack cache: each thread keeps the states its last walk went
 * through, and a new walk that reaches one of them again takes the rest
 * from there instead of unwinding it.
 *
 * A state is what a step starts from: the PC looked up (a return address
 * less one, or this file's own PC for the first), rsp and rbp.  A step is
 * a function of the state, the PC's rule and at most two words of memory,
 * at addresses the rule and the state give: the return address, and the
 * saved rbp if the rule says it is saved.  So if the walk is at a state
 * equal to cached state j, and the rules are those of the cached walk (no
 * object was unloaded since: unwind_epoch), and every word the cached
 * steps from j on read still holds the value it read, then by induction
 * each step from j yields the cached next state, and the rest of the walk
 * is the cached one.  Those words are checked, one or two loads a frame
 * without a hash lookup, which is what makes the reuse cheaper than the
 * walk and exact: it does not assume that equal CFA, return address and
 * saved rbp at one frame mean equal frames beyond it.  They need not:
 * after the thread returned past them, the frames beyond can have been
 * rebuilt at the same addresses by other calls (a tail call from another
 * caller reaches the same function at the same rsp), or rewritten by
 * longjmp, swapcontext or a coroutine switch onto a stack used before.
 * All of those change a checked word, or the state, and a changed word
 * only makes the walk go on by its rules.
 *
 * Only steps by rules are cached.  A walk that meets a frame without
 * unwind information (guessed from rbp, through the kernel) or one for
 * libgcc's unwinder leaves the cache empty.
 */

/*
 * The last state of a walk is not stepped from: it has RULE_END, or one
 * of these for a rule (no RULE_VALID: never a rule).
 */
#define STATE_ZERO	0x40	/* the step before read a return address 0 */
#define STATE_LIMIT	0x80	/* buf was full */

/* The word a step from s read at, and what the next state says it held. */
static inline int
step_holds(const struct unwind_state *s, const struct unwind_state *next)
{
	uint64_t cfa = next->sp;
	uint64_t want = next->rule == STATE_ZERO ? 0 : next->pc + 1;

	if (*(const uint64_t *)(cfa + (uint64_t)(int64_t)(int8_t)
	    (s->rule >> RULE_RA_SHIFT)) != want)
		return 0;
	return !(s->rule & RULE_RBP_SAVED) ||
	    *(const uint64_t *)(cfa + (uint64_t)(int64_t)(int16_t)
	    (s->rule >> RULE_RBP_SHIFT)) == next->bp;
}

/*
 * Cached states old[j..m) continue the walk: -1 if one of the words the
 * cached steps read changed, else the outputs from old[j] on, appended to
 * buf from n.  *bad is the first step that no longer holds.
 */
static int
reuse(const struct unwind_state *old, uint32_t j, uint32_t m, void **buf,
    int n, uint32_t *bad)
{
	uint32_t i;

	for (i = j; i + 1 < m; i++)
		if (!step_holds(&old[i], &old[i + 1])) {
			*bad = i;
			return -1;
		}
	/* A walk cut at the end of buf says nothing of frames beyond it. */
	if (old[m - 1].rule == STATE_LIMIT && n + (int)(m - 1 - j) <
	    HP_CAPTURE_SLOTS) {
		*bad = m;
		return -1;
	}
	for (i = j + 1; i < m && n < HP_CAPTURE_SLOTS; i++) {
		if (old[i].rule == STATE_ZERO)
			break;
		buf[n++] = (void *)(uintptr_t)(old[i].pc + 1);
	}
	return n;
}

static inline void
push(struct unwind_state *st, uint32_t *k, uint64_t pc, uint64_t sp,
    uint64_t bp, uint64_t rule)
{
	st[*k].pc = pc;
	st[*k].sp = sp;
	st[*k].bp = bp;
	st[*k].rule = rule;
	(*k)++;
}

/*
 * Fill buf with the return addresses from this function's caller out,
 * the caller's own PC first (as unw_backtrace does); -1 if libgcc's
 * unwinder must do it.
 *
 * New states are written from the start of the thread's array while the
 * last walk's are kept at its end, so both are at hand until they meet.
 */
static __attribute__((noinline)) int
table_capture(struct unwind_thread *t, void **buf)
{
	struct unwind_state *st = NULL, *old = NULL;
	uint64_t pc, sp, bp, cfa, rule, ra, epoch;
	uint32_t k = 0, j = 0, m = 0, jmin = 0, bad;
	int n = 0, keep, r;

	/* pc is the next instruction: still this function, at this sp. */
	__asm__ volatile("lea 0(%%rip), %0\n\tmov %%rsp, %1\n\tmov %%rbp, %2"
	    : "=r"(pc), "=r"(sp), "=r"(bp));
	epoch = __atomic_load_n(&unwind_epoch, __ATOMIC_ACQUIRE) + 1;
	/* Busy: a signal handler interrupted this thread's walk. */
	keep = t != NULL && t->busy == 0;
	if (keep) {
		t->busy = 1;
		if (t->epoch == epoch && t->n != 0) {
			m = t->n;
			old = t->s + UNWIND_STATES - m;
		}
	}
	if (keep)
		st = t->s;
	for (;;) {
		if (m != 0) {
			while (j < m && old[j].sp < sp)
				j++;
			if (j < m && j >= jmin && old[j].sp == sp &&
			    old[j].pc == pc && old[j].bp == bp) {
				r = reuse(old, j, m, buf, n, &bad);
				if (r >= 0) {
					n = r;
					/* The new states, then the reused. */
					memmove(st + UNWIND_STATES - m + j - k,
					    st, k * sizeof *st);
					t->n = k + m - j;
					t->epoch = epoch;
					t->busy = 0;
					return n;
				}
				jmin = bad + 1;
			}
			/* The next state would overwrite old[j]. */
			if (k >= UNWIND_STATES - m + j)
				m = 0;
		}
		rule = rule_for(pc);
		if (keep)
			push(st, &k, pc, sp, bp, rule);
		if (__builtin_expect(rule & (RULE_FALLBACK | RULE_NOINFO), 0)) {
			if (keep) {
				t->n = 0;
				t->busy = 0;
				keep = 0;
				m = 0;
			}
			if (rule & RULE_FALLBACK)
				return -1;
			if (frame_chain(&sp, &bp, &ra) == -1)
				break;
			goto found;
		}
		if (rule & RULE_END)
			break;
		cfa = ((rule & RULE_CFA_RBP) ? bp : sp) +
		    (uint64_t)(int64_t)(int32_t)(rule >> RULE_CFA_SHIFT);
		/* The stack only grows down: anything else is not a frame. */
		if (cfa <= sp) {
			if (keep) {
				t->n = 0;
				t->busy = 0;
			}
			return -1;
		}
		ra = *(const uint64_t *)(cfa +
		    (uint64_t)(int64_t)(int8_t)(rule >> RULE_RA_SHIFT));
		if (rule & RULE_RBP_SAVED)
			bp = *(const uint64_t *)(cfa + (uint64_t)(int64_t)
			    (int16_t)(rule >> RULE_RBP_SHIFT));
		sp = cfa;
found:
		if (ra == 0) {
			if (keep)
				push(st, &k, 0, sp, bp, STATE_ZERO);
			break;
		}
		buf[n++] = (void *)ra;
		/* The call, not what follows it (a noreturn call may end
		 * the function). */
		pc = ra - 1;
		if (n == HP_CAPTURE_SLOTS) {
			if (keep)
				push(st, &k, pc, sp, bp, STATE_LIMIT);
			break;
		}
	}
	if (keep) {
		memmove(st + UNWIND_STATES - k, st, k * sizeof *st);
		t->n = k;
		t->epoch = epoch;
		t->busy = 0;
	}
	return n;
}

int
unwind_capture(struct agent_thread *t, void **buf)
{
	int n;

	/* The shared slot of threads beyond the table's: no stack cache. */
	n = table_capture(t == &agent_thread_overflow ? NULL : &t->unwind,
	    buf);
	if (__builtin_expect(n < 0, 0))
		n = gcc_capture(buf);
	if (__builtin_expect(unwind_checking, 0))
		unwind_check(t, buf, n);
	return n;
}

static int
in_agent(uintptr_t ip)
{
	return ip >= self_lo && ip < self_hi;
}

struct sig_walk {
	int left_agent;		/* past the agent frames at the top */
	int found;
};

static _Unwind_Reason_Code
sig_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct sig_walk *w = arg;
	int interrupted = 0;
	uintptr_t ip = _Unwind_GetIPInfo(ctx, &interrupted);

	if (ip == 0)
		return _URC_END_OF_STACK;
	if (!w->left_agent) {
		w->left_agent = !in_agent(ip);
		if (!w->left_agent)
			return _URC_NO_REASON;
	}
	/* Interrupted first: the frame may be the agent hook itself. */
	if (interrupted) {
		w->found = 1;
		return _URC_END_OF_STACK;
	}
	return in_agent(ip) ? _URC_END_OF_STACK : _URC_NO_REASON;
}

int
unwind_in_handler(void)
{
	struct sig_walk w = { 0, 0 };

	_Unwind_Backtrace(sig_frame, &w);
	return w.found;
}
