/* SPDX-License-Identifier: MIT */
/*
 * ring.c - the shared-memory event ring: a multi-producer, single-consumer
 * queue of variable-length records in a memfd (see wire.h for the layout).
 *
 * This file is linked into the agent as well as the CLI, so it uses nothing
 * that allocates.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <linux/futex.h>
#include <signal.h>
#include <sched.h>
#include <string.h>
#include <stddef.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "procstat.h"
#include "ring.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#define LOAD(p, mo)		__atomic_load_n((p), (mo))
#define STORE(p, v, mo)		__atomic_store_n((p), (v), (mo))

static long
futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
	/* Not FUTEX_PRIVATE_FLAG: the word is shared between processes. */
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

static size_t
page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Map `size` bytes of the ring behind fd after a private page, which holds
 * the consumer's robust-list entry for it (see ring_own).  The shared part
 * is read through the fields set here, never through the header's own.
 */
static int
ring_map(struct ring *r, int fd, size_t size, uint64_t capacity)
{
	size_t page = page_size();
	unsigned char *base;
	void *shared;

	base = mmap(NULL, page + size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	shared = mmap(base + page, size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_FIXED, fd, 0);
	if (shared == MAP_FAILED) {
		munmap(base, page + size);
		return -1;
	}
	memset(r, 0, sizeof *r);
	r->map = base;
	r->map_size = page + size;
	r->hdr = shared;
	r->data = (unsigned char *)shared + HP_RING_HEADER_SIZE;
	r->mask = capacity - 1;
	r->fd = fd;
	return 0;
}

/* The consumer's view of a ring it has just mapped. */
static void
ring_read_origin(struct ring *r)
{
	r->tail = r->head_seen = LOAD(&r->hdr->tail, __ATOMIC_ACQUIRE);
	/* Records start 8-byte aligned; a ring made otherwise is not read. */
	if (r->tail % 8 != 0) {
		r->broken = 1;
		r->broken_at = r->tail;
	}
	r->clock = r->hdr->clock;
	r->clock_origin = r->hdr->clock_origin;
	r->mono_origin = r->hdr->mono_origin;
}

uint32_t
ring_clock_choose(void)
{
	const char *force = getenv("HEAPPROF_CLOCK");
#if defined(__x86_64__)
	unsigned a, b, c, d;

	if (force != NULL && strcmp(force, "monotonic") == 0)
		return HP_CLOCK_MONOTONIC;
	/* Invariant TSC: constant rate, ticking in every C- and P-state. */
	if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000007 &&
	    __get_cpuid(0x80000007, &a, &b, &c, &d) && (d & (1u << 8)) != 0)
		return HP_CLOCK_TSC;
#endif
	(void)force;
	return HP_CLOCK_MONOTONIC;
}

uint64_t
ring_clock_now(const struct ring *r)
{
	return ring_clock_read(r->clock) - r->clock_origin;
}

void
ring_clock_rate(const struct ring *r, uint64_t *num, uint64_t *den)
{
	uint64_t ticks = ring_clock_now(r);
	uint64_t ns = ring_clock_read(HP_CLOCK_MONOTONIC) - r->mono_origin;

	*num = *den = 1;
	if (r->clock != HP_CLOCK_MONOTONIC && ticks != 0 && ns != 0) {
		*num = ns;
		*den = ticks;
	}
}

int
ring_create(struct ring *r, uint64_t capacity)
{
	struct hp_ring_header *hdr;
	size_t size;
	int fd, saved;

	if (capacity < 65536 || (capacity & (capacity - 1)) != 0) {
		errno = EINVAL;
		return -1;
	}
	size = HP_RING_HEADER_SIZE + capacity;
	fd = memfd_create("heapprof-ring", MFD_ALLOW_SEALING);
	if (fd == -1)
		return -1;
	/* Shrunk under a reader's mapping, it would kill the reader (SIGBUS). */
	if (ftruncate(fd, (off_t)size) == -1 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) ==
	    -1 || ring_map(r, fd, size, capacity) == -1)
		goto fail;
	hdr = r->hdr;
	hdr->magic = HP_WIRE_MAGIC;
	hdr->version = HP_WIRE_VERSION;
	hdr->capacity = capacity;
	hdr->clock = ring_clock_choose();
	hdr->mono_origin = ring_clock_read(HP_CLOCK_MONOTONIC);
	hdr->clock_origin = ring_clock_read(hdr->clock);
	hdr->consumer_pid = (uint32_t)getpid();
	ring_read_origin(r);
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
ring_attach(struct ring *r, int fd)
{
	struct hp_ring_header probe;
	struct stat st;
	int seals;

	if (fstat(fd, &st) == -1)
		return -1;
	seals = fcntl(fd, F_GET_SEALS);
	if ((size_t)st.st_size < HP_RING_HEADER_SIZE + 65536 || seals == -1 ||
	    (seals & F_SEAL_SHRINK) == 0) {
		errno = EPROTO;
		return -1;
	}
	if (pread(fd, &probe, sizeof probe, 0) != (ssize_t)sizeof probe)
		return -1;
	if (probe.magic != HP_WIRE_MAGIC || probe.version != HP_WIRE_VERSION ||
	    probe.capacity + HP_RING_HEADER_SIZE != (uint64_t)st.st_size ||
	    (probe.capacity & (probe.capacity - 1)) != 0) {
		errno = EPROTO;
		return -1;
	}
	if (ring_map(r, fd, (size_t)st.st_size, probe.capacity) == -1)
		return -1;
	ring_read_origin(r);
	return 0;
}

/*
 * The consumer's robust list: the kernel walks it when the thread exits,
 * however it exits, and sets FUTEX_OWNER_DIED in each word that holds the
 * thread's id.  The entries live in the private page before each ring, so
 * the target cannot redirect the walk; glibc's own list (for robust
 * mutexes, which the CLI does not use) is put back when no ring is owned.
 */
static struct robust_list_head owned_list;
static struct robust_list_head *glibc_list;
static size_t glibc_list_len;
static int owned_count;

int
ring_own(struct ring *r)
{
	struct robust_list *entry = r->map;

	if (owned_count == 0) {
		if (syscall(SYS_get_robust_list, 0, &glibc_list,
		    &glibc_list_len) == -1)
			glibc_list = NULL;
		owned_list.list.next = &owned_list.list;
		owned_list.futex_offset = (long)(page_size() +
		    offsetof(struct hp_ring_header, consumer_lock));
		owned_list.list_op_pending = NULL;
		if (syscall(SYS_set_robust_list, &owned_list,
		    sizeof owned_list) == -1)
			return -1;
	}
	/* Pending covers a death between the store and the link. */
	owned_list.list_op_pending = entry;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	STORE(&r->hdr->consumer_lock, (uint32_t)syscall(SYS_gettid),
	    __ATOMIC_RELEASE);
	entry->next = owned_list.list.next;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	owned_list.list.next = entry;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	owned_list.list_op_pending = NULL;
	owned_count++;
	r->owned = 1;
	return 0;
}

/* Producers stop at their next wait: nobody reads the ring any more. */
static void
ring_disown(struct ring *r)
{
	struct robust_list **p, *entry = r->map;

	STORE(&r->hdr->consumer_lock, FUTEX_OWNER_DIED, __ATOMIC_RELEASE);
	if (!r->owned)
		return;
	for (p = &owned_list.list.next; *p != &owned_list.list;
	    p = &(*p)->next) {
		if (*p == entry) {
			*p = entry->next;
			break;
		}
	}
	r->owned = 0;
	if (--owned_count == 0 && glibc_list != NULL)
		syscall(SYS_set_robust_list, glibc_list, glibc_list_len);
}

void
ring_unmap(struct ring *r)
{
	if (r->map != NULL) {
		if (r->owned)
			ring_disown(r);
		munmap(r->map, r->map_size);
	}
	if (r->fd != -1)
		close(r->fd);
	r->map = NULL;
	r->hdr = NULL;
	r->data = NULL;
	r->fd = -1;
}

/*
 * Has the consumer gone?  The robust futex says so at once, even while
 * its process waits to be reaped; a ring nobody owns yet has only the
 * consumer's pid to go by.
 */
static int
consumer_gone(const struct ring *r)
{
	uint32_t word = LOAD(&r->hdr->consumer_lock, __ATOMIC_ACQUIRE);
	pid_t pid;
	int saved = errno, gone;

	if (word & FUTEX_OWNER_DIED)
		return 1;
	if ((word & FUTEX_TID_MASK) != 0)
		return 0;
	pid = (pid_t)r->hdr->consumer_pid;
	gone = pid <= 0 || (kill(pid, 0) == -1 && errno == ESRCH);
	errno = saved;
	return gone;
}

/*
 * The ring is full: spin briefly (the consumer usually frees space within
 * microseconds), then sleep on tail_seq.  The sleep has a timeout so that a
 * consumer which died (heapprof killed) is noticed instead of hanging the
 * target for ever.  errno is the program's: kept as it was.
 */
static void
ring_wait_for_space(struct ring *r, unsigned *spins)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	uint32_t seq;
	int saved;

	/*
	 * Counted when the ring is first found full, however the wait ends:
	 * under load the consumer often frees space during the yields below,
	 * and the futex sleep is never reached.
	 */
	if (*spins == 0) {
		__atomic_add_fetch(&r->hdr->full_waits, 1, __ATOMIC_RELAXED);
		if (consumer_gone(r))
			r->dead = 1;
	}
	if (++*spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		return;
	}
	if (*spins < 128) {
		sched_yield();
		return;
	}
	saved = errno;
	seq = LOAD(&r->hdr->tail_seq, __ATOMIC_ACQUIRE);
	STORE(&r->hdr->producers_waiting, 1, __ATOMIC_SEQ_CST);
	/* The consumer may be dozing between polls: the ring is full now. */
	ring_wake_consumer(r);
	futex(&r->hdr->tail_seq, FUTEX_WAIT, seq, &ts);
	if (consumer_gone(r))
		r->dead = 1;
	errno = saved;
}

/*
 * Wait until [pos, end) is free: everything a lap before it consumed.
 * Returns -1 if the consumer went away meanwhile.
 */
static int
ring_wait_until_free(struct ring *r, uint64_t end)
{
	uint64_t cap = r->mask + 1;
	unsigned spins = 0;

	/* Signed: the consumer may already have gone past end. */
	while ((int64_t)(end - LOAD(&r->hdr->tail, __ATOMIC_ACQUIRE)) >
	    (int64_t)cap) {
		if (r->dead)
			return -1;
		ring_wait_for_space(r, &spins);
	}
	return r->dead ? -1 : 0;
}

/*
 * One fetch-and-add on head takes the space: no retry loop, so producers
 * on other CPUs never make each other start again, and it is the only
 * shared read-modify-write of an event.  Order is as before: the stream
 * is read in the order of the places taken, and the agent takes a free's
 * place before the real free() runs and an allocation's after the real
 * allocator returned.  An allocation that gets a freed address, in any
 * thread, got it after that free() ran (the allocator's own locking, or
 * program order in one thread), so its place comes after the free's,
 * however late either record is published: the consumer never reads past
 * a place not yet published.
 *
 * Space is taken before it is known to be free: a producer that finds
 * its place a lap ahead of the consumer waits for the consumer to get
 * there.  It cannot wait for ever on another waiter: a place is freed
 * once everything before it is consumed, and every producer before it
 * holds a place that needs less.  A record never wraps: a place that
 * would straddle the end of the data area is filled with two PAD
 * records, one up to the end and one from the start of the area, and
 * the record takes a new place after them.
 */
void *
ring_reserve(struct ring *r, uint32_t len)
{
	struct hp_ring_header *hdr = r->hdr;
	uint64_t pos, off, cap = r->mask + 1;
	unsigned spins = 0;

	for (;;) {
		if (r->dead)
			return NULL;
		/*
		 * Not a lap ahead while the ring is full: so head runs at
		 * most the places of the producers that passed this test at
		 * once ahead of it (read_head allows a second lap).
		 */
		if (__builtin_expect(LOAD(&hdr->head, __ATOMIC_RELAXED) -
		    LOAD(&hdr->tail, __ATOMIC_ACQUIRE) >= cap, 0)) {
			ring_wait_for_space(r, &spins);
			continue;
		}
		pos = __atomic_fetch_add(&hdr->head, len, __ATOMIC_ACQ_REL);
		/* Only the program, overwriting the ring, unaligns head. */
		if (__builtin_expect(pos % 8 != 0, 0)) {
			r->dead = 1;
			return NULL;
		}
		if (__builtin_expect(pos + len - LOAD(&hdr->tail,
		    __ATOMIC_ACQUIRE) > cap, 0) &&
		    ring_wait_until_free(r, pos + len) == -1)
			return NULL;
		off = pos & r->mask;
		if (__builtin_expect(off + len <= cap, 1))
			return r->data + off;
		ring_publish(r, r->data, (uint32_t)(off + len - cap),
		    HP_REC_PAD, 0);
		ring_publish(r, r->data + off, (uint32_t)(cap - off),
		    HP_REC_PAD, 0);
	}
}

void
ring_publish(struct ring *r, void *rec, uint32_t len, uint16_t type,
    uint16_t flags)
{
	struct hp_rec *h = rec;

	(void)r;
	h->type = type;
	h->flags = flags;
	/*
	 * No wake-up here: waking a sleeping consumer per event made every
	 * publish a futex system call (measured: 47k calls for 2M events).
	 */
	STORE(&h->len, len, __ATOMIC_RELEASE);
}

/* Free [from, to) for producers; the consumer's tail moves to `to`. */
static void
ring_release_space(struct ring *r, uint64_t from, uint64_t to)
{
	uint64_t cap = r->mask + 1, a = from & r->mask, n = to - from;

	/* Zero what was consumed so a stale length never looks published. */
	if (n >= cap) {
		memset(r->data, 0, cap);
	} else if (a + n <= cap) {
		memset(r->data + a, 0, n);
	} else {
		memset(r->data + a, 0, cap - a);
		memset(r->data, 0, n - (cap - a));
	}
	r->tail = to;
	STORE(&r->hdr->tail, to, __ATOMIC_RELEASE);
	__atomic_add_fetch(&r->hdr->tail_seq, 1, __ATOMIC_SEQ_CST);
	if (LOAD(&r->hdr->producers_waiting, __ATOMIC_SEQ_CST)) {
		STORE(&r->hdr->producers_waiting, 0, __ATOMIC_RELAXED);
		futex(&r->hdr->tail_seq, FUTEX_WAKE, INT_MAX, NULL);
	}
}

/*
 * A broken stream is no longer read, but its space is still given back,
 * whatever head now says, so that no producer waits on it; and producers
 * are told to stop.
 */
static void
ring_discard(struct ring *r)
{
	uint64_t head = LOAD(&r->hdr->head, __ATOMIC_ACQUIRE);

	STORE(&r->hdr->consumer_lock, FUTEX_OWNER_DIED, __ATOMIC_RELEASE);
	STORE(&r->hdr->tail, head, __ATOMIC_RELEASE);
	__atomic_add_fetch(&r->hdr->tail_seq, 1, __ATOMIC_SEQ_CST);
	STORE(&r->hdr->producers_waiting, 0, __ATOMIC_RELAXED);
	futex(&r->hdr->tail_seq, FUTEX_WAKE, INT_MAX, NULL);
}

static void
ring_break(struct ring *r, uint64_t at)
{
	r->broken = 1;
	r->broken_at = at;
	ring_discard(r);
}

int
ring_broken(const struct ring *r, uint64_t *offset)
{
	*offset = r->broken_at;
	return r->broken;
}

/*
 * Read head: it only grows, and runs at most the capacity ahead of the
 * consumer's tail, and again as much for producers that took their
 * places a lap ahead at once (see ring_reserve).  Returns -1 if it was
 * overwritten.
 */
static int
read_head(struct ring *r, uint64_t *head)
{
	uint64_t h = LOAD(&r->hdr->head, __ATOMIC_ACQUIRE);

	if (h % 8 != 0 || h < r->head_seen || h < r->tail ||
	    h - r->tail > 2 * (r->mask + 1))
		return -1;
	r->head_seen = h;
	*head = h;
	return 0;
}

/*
 * Could the published record whose header is `rec` sit at pos?  Records
 * are whole multiples of 8 bytes within the data area and before head,
 * of a known type and flags; a PAD fills the data area to its end.
 */
static int
frame_ok(const struct ring *r, const struct hp_rec *rec, uint64_t pos,
    uint64_t head)
{
	uint64_t off = pos & r->mask, cap = r->mask + 1;

	if (rec->len < sizeof *rec || rec->len % 8 != 0 ||
	    rec->len > head - pos || off + rec->len > cap)
		return 0;
	/* Filler to the end of the data area, or from its start. */
	if (rec->type == HP_REC_PAD)
		return (off + rec->len == cap || (off == 0 &&
		    rec->len < HP_REC_MAX_LEN)) && rec->flags == 0;
	return rec->len <= HP_REC_MAX_LEN && rec->type > HP_REC_PAD &&
	    rec->type <= HP_REC_LAST && (rec->flags & ~HP_RECF_ALL) == 0;
}

/* The header of the record at pos, its length read once, with acquire. */
static void
peek(const struct ring *r, uint64_t pos, struct hp_rec *rec)
{
	const struct hp_rec *shared = (const struct hp_rec *)(const void *)
	    (r->data + (pos & r->mask));

	rec->len = LOAD(&shared->len, __ATOMIC_ACQUIRE);
	rec->type = shared->type;
	rec->flags = shared->flags;
}

/*
 * The record at tail is still unpublished while the ring is full, so
 * producers wait for it.  The agent publishes within microseconds of
 * reserving; a record that stays a hole for seconds was made by the
 * program (head moved on, a length zeroed), and nothing will ever fill
 * it: the stream ends there rather than hang the program for ever.
 *
 * Unless the thread that reserved it is stopped (Ctrl-Z, a debugger):
 * its hole is only as old as the time since it last was, so it is
 * looked for in /proc once the limit is passed, and then at each call
 * while it stays stopped, for the thread to have the whole limit again
 * once it runs.  Without the producers' pid (0) a stop is not seen.
 */
static uint64_t hole_ns = 3ull * 1000000000u;

void
ring_hole_limit(uint64_t ns)
{
	hole_ns = ns;
}

static int
stuck_on_hole(struct ring *r, uint64_t head)
{
	uint64_t now, room = r->mask + 1 - (head - r->tail);

	if (room >= 2 * HP_REC_MAX_LEN &&
	    !LOAD(&r->hdr->producers_waiting, __ATOMIC_ACQUIRE)) {
		r->hole_since = 0;
		return 0;
	}
	now = ring_clock_read(HP_CLOCK_MONOTONIC);
	if (r->hole_since == 0 || r->hole_at != r->tail) {
		r->hole_at = r->tail;
		r->hole_since = now;
		r->hole_paused = 0;
		return 0;
	}
	if (!r->hole_paused && now - r->hole_since <= hole_ns)
		return 0;
	r->hole_paused = r->pid > 0 && procstat_stopped(r->pid);
	if (r->hole_paused)
		r->hole_since = now;
	return now - r->hole_since > hole_ns;
}

size_t
ring_drain(struct ring *r, ring_record_fn fn, void *ctx)
{
	/*
	 * Producers may change a record while it is read: each is copied,
	 * and only the copy is checked and handed over.
	 */
	union {
		struct hp_rec hdr;
		unsigned char bytes[HP_REC_MAX_LEN];
	} copy;
	uint64_t start = r->tail, limit = r->tail + r->mask + 1, head;
	struct hp_rec rec;
	size_t n = 0;

	if (r->broken) {
		ring_discard(r);
		return 0;
	}
	if (LOAD(&r->hdr->tail, __ATOMIC_ACQUIRE) != r->tail ||
	    read_head(r, &head) == -1) {
		ring_break(r, r->tail);
		return 0;
	}
	/*
	 * Up to the head read above, not after: a consumer that read head
	 * again whenever it caught up would chase the producers record by
	 * record, and the cache lines of head and of the records being
	 * written would move between the CPUs at every event.  What a call
	 * leaves is the next call's.  At most a lap: places beyond it are
	 * producers' that wait for space this call has not freed yet.
	 */
	while (r->tail < head && r->tail < limit) {
		peek(r, r->tail, &rec);
		if (rec.len == 0) {
			if (stuck_on_hole(r, head))
				ring_break(r, r->tail);
			break;
		}
		if (!frame_ok(r, &rec, r->tail, head)) {
			ring_break(r, r->tail);
			break;
		}
		if (rec.type != HP_REC_PAD) {
			memcpy(copy.bytes, r->data + (r->tail & r->mask),
			    rec.len);
			copy.hdr = rec;
			if (fn(ctx, &copy.hdr) != 0) {
				ring_break(r, r->tail);
				break;
			}
			n++;
		}
		/* Free space in batches so producers are not starved. */
		if (r->tail + rec.len - start >= (r->mask + 1) / 4) {
			ring_release_space(r, start, r->tail + rec.len);
			start = r->tail;
		} else {
			r->tail += rec.len;
		}
	}
	if (r->tail != start && !r->broken)
		ring_release_space(r, start, r->tail);
	return n;
}

/* Could a published record start at pos (or is pos head)? */
static int
looks_published(const struct ring *r, uint64_t pos, uint64_t head)
{
	struct hp_rec rec;

	if (pos == head)
		return 1;
	peek(r, pos, &rec);
	return frame_ok(r, &rec, pos, head);
}

size_t
ring_drain_abandoned(struct ring *r, ring_record_fn fn, void *ctx,
    size_t *abandoned)
{
	size_t n = ring_drain(r, fn, ctx);
	uint64_t head, end, pos, next;
	struct hp_rec rec;

	*abandoned = 0;
	if (r->broken)
		return n;
	if (read_head(r, &end) == -1) {
		ring_break(r, r->tail);
		return n;
	}
	/* Only what was there when the target ended: nobody else may add. */
	while (!r->broken && r->tail < end) {
		head = end;
		/*
		 * The record at tail was reserved by a thread that died
		 * before publishing it, so its length is unknown: the next
		 * record starts at the first 8-byte boundary where a record
		 * looks published and is followed by another one (or by
		 * head, or by another abandoned record).  Consumed space is
		 * zeroed and payloads are addresses and sizes, which do not
		 * pass for two chained headers.
		 */
		for (pos = r->tail + 8; pos < head &&
		    pos - r->tail < r->mask + 1; pos += 8) {
			if (!looks_published(r, pos, head))
				continue;
			peek(r, pos, &rec);
			next = pos + rec.len;
			if (next == head || looks_published(r, next, head))
				break;
			peek(r, next, &rec);
			if (rec.len == 0)
				break;
		}
		ring_release_space(r, r->tail, pos);
		(*abandoned)++;
		n += ring_drain(r, fn, ctx);
	}
	return n;
}

uint64_t
ring_pending(const struct ring *r)
{
	return LOAD(&r->hdr->head, __ATOMIC_ACQUIRE) - r->tail;
}

void
ring_wait(struct ring *r, int timeout_ms, volatile int *cancel)
{
	struct timespec ts = { timeout_ms / 1000,
	    (long)(timeout_ms % 1000) * 1000000 };
	uint32_t seq = LOAD(&r->hdr->consumer_wake, __ATOMIC_ACQUIRE);
	const struct hp_rec *rec;

	/*
	 * A wake-up after this load changes the word, so the futex wait
	 * below returns at once rather than missing it.
	 */
	if (cancel != NULL && *cancel)
		return;
	/*
	 * A quarter full, with its first record published: drain at once.
	 * Less is left for the timeout, so that the consumer reads the ring
	 * in bursts and does not chase the producers (see ring_drain).  A
	 * broken stream is not read: what it holds is no reason to wake.
	 */
	rec = (const struct hp_rec *)(r->data + (r->tail & r->mask));
	if (!r->broken && ring_pending(r) >= (r->mask + 1) / 4 &&
	    LOAD(&rec->len, __ATOMIC_ACQUIRE) != 0)
		return;
	futex(&r->hdr->consumer_wake, FUTEX_WAIT, seq, &ts);
}

void
ring_wake_consumer(struct ring *r)
{
	__atomic_add_fetch(&r->hdr->consumer_wake, 1, __ATOMIC_SEQ_CST);
	futex(&r->hdr->consumer_wake, FUTEX_WAKE, 1, NULL);
}

int
ring_claim_slot(struct ring *r)
{
	uint32_t expected;
	unsigned spins = 0;
	int i;

	for (;;) {
		for (i = 0; i < HP_ANSWER_SLOTS; i++) {
			expected = 0;
			if (__atomic_compare_exchange_n(&r->hdr->answers[i].busy,
			    &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				return i;
		}
		/* More threads ask at once than there are slots. */
		if (++spins % 64 == 0 && consumer_gone(r))
			return -1;
		sched_yield();
	}
}

void
ring_release_slot(struct ring *r, int slot)
{
	STORE(&r->hdr->answers[slot].busy, 0, __ATOMIC_RELEASE);
}

int
ring_await_answer(struct ring *r, int slot, uint64_t token,
    uint64_t values[HP_STATS_N])
{
	struct hp_answer *a = &r->hdr->answers[slot];
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	uint32_t seq;
	int i, saved = errno;

	/*
	 * The collector usually answers within microseconds of being woken:
	 * spin a little on a second CPU before sleeping.
	 */
	for (i = 0; i < 2000; i++) {
		if (LOAD(&a->token, __ATOMIC_ACQUIRE) == token)
			goto answered;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	for (;;) {
		seq = LOAD(&r->hdr->answer_seq, __ATOMIC_ACQUIRE);
		if (LOAD(&a->token, __ATOMIC_ACQUIRE) == token)
			break;
		/* Bounded, so that a collector that died is noticed. */
		if (consumer_gone(r)) {
			errno = saved;
			return -1;
		}
		futex(&r->hdr->answer_seq, FUTEX_WAIT, seq, &ts);
	}
answered:
	for (i = 0; i < HP_STATS_N; i++)
		values[i] = a->values[i];
	errno = saved;
	return 0;
}

void
ring_answer(struct ring *r, uint32_t slot, uint64_t token,
    const uint64_t values[HP_STATS_N])
{
	struct hp_answer *a;
	int i;

	if (slot >= HP_ANSWER_SLOTS)
		return;
	a = &r->hdr->answers[slot];
	for (i = 0; i < HP_STATS_N; i++)
		a->values[i] = values[i];
	STORE(&a->token, token, __ATOMIC_RELEASE);
	__atomic_add_fetch(&r->hdr->answer_seq, 1, __ATOMIC_SEQ_CST);
	futex(&r->hdr->answer_seq, FUTEX_WAKE, INT_MAX, NULL);
}
