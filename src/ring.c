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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

static void
ring_set(struct ring *r, void *map, size_t map_size, int fd)
{
	r->hdr = map;
	r->data = (unsigned char *)map + HP_RING_HEADER_SIZE;
	r->mask = r->hdr->capacity - 1;
	r->map_size = map_size;
	r->fd = fd;
	r->dead = 0;
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
	return ring_clock_read(r->hdr->clock) - r->hdr->clock_origin;
}

void
ring_clock_rate(const struct ring *r, uint64_t *num, uint64_t *den)
{
	uint64_t ticks = ring_clock_now(r);
	uint64_t ns = ring_clock_read(HP_CLOCK_MONOTONIC) -
	    r->hdr->mono_origin;

	*num = *den = 1;
	if (r->hdr->clock != HP_CLOCK_MONOTONIC && ticks != 0 && ns != 0) {
		*num = ns;
		*den = ticks;
	}
}

int
ring_create(struct ring *r, uint64_t capacity)
{
	struct hp_ring_header *hdr;
	size_t size;
	void *map;
	int fd, saved;

	if (capacity < 65536 || (capacity & (capacity - 1)) != 0) {
		errno = EINVAL;
		return -1;
	}
	size = HP_RING_HEADER_SIZE + capacity;
	fd = memfd_create("heapprof-ring", MFD_ALLOW_SEALING);
	if (fd == -1)
		return -1;
	/* Sealed: no process holding the fd can make the mappings fault. */
	if (ftruncate(fd, (off_t)size) == -1 || fcntl(fd, F_ADD_SEALS,
	    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == -1)
		goto fail;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		goto fail;
	hdr = map;
	hdr->magic = HP_WIRE_MAGIC;
	hdr->version = HP_WIRE_VERSION;
	hdr->capacity = capacity;
	hdr->clock = ring_clock_choose();
	hdr->mono_origin = ring_clock_read(HP_CLOCK_MONOTONIC);
	hdr->clock_origin = ring_clock_read(hdr->clock);
	hdr->consumer_pid = (uint32_t)getpid();
	ring_set(r, map, size, fd);
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
	void *map;

	if (fstat(fd, &st) == -1)
		return -1;
	if ((size_t)st.st_size < HP_RING_HEADER_SIZE + 65536) {
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
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	ring_set(r, map, (size_t)st.st_size, fd);
	return 0;
}

void
ring_unmap(struct ring *r)
{
	if (r->hdr != NULL)
		munmap(r->hdr, r->map_size);
	if (r->fd != -1)
		close(r->fd);
	r->hdr = NULL;
	r->data = NULL;
	r->fd = -1;
}

/*
 * The ring is full: spin briefly (the consumer usually frees space within
 * microseconds), then sleep on tail_seq.  The sleep has a timeout so that a
 * consumer which died (heapprof killed) is noticed instead of hanging the
 * target for ever.
 */
static void
ring_wait_for_space(struct ring *r, unsigned *spins)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	uint32_t seq;

	/*
	 * Counted when the ring is first found full, however the wait ends:
	 * under load the consumer often frees space during the yields below,
	 * and the futex sleep is never reached.
	 */
	if (*spins == 0)
		__atomic_add_fetch(&r->hdr->full_waits, 1, __ATOMIC_RELAXED);
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
	seq = LOAD(&r->hdr->tail_seq, __ATOMIC_ACQUIRE);
	STORE(&r->hdr->producers_waiting, 1, __ATOMIC_SEQ_CST);
	/* The consumer may be dozing between polls: the ring is full now. */
	ring_wake_consumer(r);
	futex(&r->hdr->tail_seq, FUTEX_WAIT, seq, &ts);
	if (kill((pid_t)r->hdr->consumer_pid, 0) == -1 && errno == ESRCH)
		r->dead = 1;
}

void *
ring_reserve(struct ring *r, uint32_t len)
{
	struct hp_ring_header *hdr = r->hdr;
	uint64_t head, tail, off, pad, cap = hdr->capacity;
	unsigned spins = 0;
	struct hp_rec *padrec;

	for (;;) {
		if (r->dead)
			return NULL;
		head = LOAD(&hdr->head, __ATOMIC_RELAXED);
		off = head & r->mask;
		/* A record never wraps: fill the end with a PAD record. */
		pad = off + len > cap ? cap - off : 0;
		tail = LOAD(&hdr->tail, __ATOMIC_ACQUIRE);
		if (head + pad + len - tail > cap) {
			ring_wait_for_space(r, &spins);
			continue;
		}
		if (__atomic_compare_exchange_n(&hdr->head, &head,
		    head + pad + len, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			break;
	}
	if (pad != 0) {
		padrec = (struct hp_rec *)(r->data + off);
		ring_publish(r, padrec, (uint32_t)pad, HP_REC_PAD, 0);
	}
	return r->data + ((head + pad) & r->mask);
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

static void
ring_release_space(struct ring *r, uint64_t from, uint64_t to)
{
	uint64_t cap = r->hdr->capacity, a = from & r->mask, n = to - from;

	/* Zero what was consumed so a stale length never looks published. */
	if (a + n <= cap) {
		memset(r->data + a, 0, n);
	} else {
		memset(r->data + a, 0, cap - a);
		memset(r->data, 0, n - (cap - a));
	}
	STORE(&r->hdr->tail, to, __ATOMIC_RELEASE);
	__atomic_add_fetch(&r->hdr->tail_seq, 1, __ATOMIC_SEQ_CST);
	if (LOAD(&r->hdr->producers_waiting, __ATOMIC_SEQ_CST)) {
		STORE(&r->hdr->producers_waiting, 0, __ATOMIC_RELAXED);
		futex(&r->hdr->tail_seq, FUTEX_WAKE, INT_MAX, NULL);
	}
}

size_t
ring_drain(struct ring *r, ring_record_fn fn, void *ctx)
{
	struct hp_ring_header *hdr = r->hdr;
	uint64_t tail = hdr->tail, start = tail, head;
	const struct hp_rec *rec;
	size_t n = 0;
	uint32_t len;

	head = LOAD(&hdr->head, __ATOMIC_ACQUIRE);
	while (tail < head) {
		rec = (const struct hp_rec *)(r->data + (tail & r->mask));
		len = LOAD(&rec->len, __ATOMIC_ACQUIRE);
		if (len == 0)
			break;
		if (rec->type != HP_REC_PAD) {
			fn(ctx, rec);
			n++;
		}
		tail += len;
		/* Free space in batches so producers are not starved. */
		if (tail - start >= hdr->capacity / 4) {
			ring_release_space(r, start, tail);
			start = tail;
		}
		if (tail == head)
			head = LOAD(&hdr->head, __ATOMIC_ACQUIRE);
	}
	if (tail != start)
		ring_release_space(r, start, tail);
	return n;
}

/* Could a published record of some type start at logical offset pos? */
static int
looks_published(const struct ring *r, uint64_t pos, uint64_t head)
{
	const struct hp_rec *rec;
	uint64_t off = pos & r->mask;
	uint32_t len;

	if (pos == head)
		return 1;
	rec = (const struct hp_rec *)(r->data + off);
	len = LOAD(&rec->len, __ATOMIC_ACQUIRE);
	return len >= sizeof *rec && len % 8 == 0 && pos + len <= head &&
	    off + len <= r->hdr->capacity &&
	    rec->type >= HP_REC_PAD && rec->type <= HP_REC_LAST &&
	    (rec->flags & ~HP_RECF_ALL) == 0;
}

size_t
ring_drain_abandoned(struct ring *r, ring_record_fn fn, void *ctx,
    size_t *abandoned)
{
	struct hp_ring_header *hdr = r->hdr;
	uint64_t head = LOAD(&hdr->head, __ATOMIC_ACQUIRE), pos, next;
	const struct hp_rec *rec;
	size_t n = ring_drain(r, fn, ctx);

	*abandoned = 0;
	while (hdr->tail < head) {
		/*
		 * The record at tail was reserved by a thread that died
		 * before publishing it, so its length is unknown: the next
		 * record starts at the first 8-byte boundary where a record
		 * looks published and is followed by another one (or by
		 * head, or by another abandoned record).  Consumed space is
		 * zeroed and payloads are addresses and sizes, which do not
		 * pass for two chained headers.
		 */
		for (pos = hdr->tail + 8; pos < head; pos += 8) {
			if (!looks_published(r, pos, head))
				continue;
			rec = (const struct hp_rec *)(r->data + (pos & r->mask));
			next = pos + rec->len;
			if (next == head || looks_published(r, next, head) ||
			    LOAD(&((const struct hp_rec *)(r->data +
			    (next & r->mask)))->len, __ATOMIC_ACQUIRE) == 0)
				break;
		}
		ring_release_space(r, hdr->tail, pos);
		(*abandoned)++;
		n += ring_drain(r, fn, ctx);
	}
	return n;
}

uint64_t
ring_pending(const struct ring *r)
{
	return LOAD(&r->hdr->head, __ATOMIC_ACQUIRE) -
	    LOAD(&r->hdr->tail, __ATOMIC_ACQUIRE);
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
	rec = (const struct hp_rec *)(r->data + (r->hdr->tail & r->mask));
	if (ring_pending(r) != 0 && LOAD(&rec->len, __ATOMIC_ACQUIRE) != 0)
		return;
	futex(&r->hdr->consumer_wake, FUTEX_WAIT, seq, &ts);
}

void
ring_wake_consumer(struct ring *r)
{
	__atomic_add_fetch(&r->hdr->consumer_wake, 1, __ATOMIC_SEQ_CST);
	futex(&r->hdr->consumer_wake, FUTEX_WAKE, 1, NULL);
}
