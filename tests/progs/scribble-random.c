/* SPDX-License-Identifier: MIT */
/*
 * scribble-random.c - a program that overwrites its event ring with
 * random bytes while its threads allocate: the collector must neither
 * crash nor hang, whatever the bytes are (t0351).
 *
 * usage: scribble-random MODE SEED
 * 1000 blocks of 32 bytes from before_scribble(), each freed at once;
 * then THREADS threads start making 2000 blocks of 48 bytes each from
 * after_scribble() while the main thread overwrites the ring, 64 times,
 * with what MODE says (random from SEED, the same on every run):
 *   bytes     8 to 512 random bytes at a random place in the data area
 *   header    the same anywhere in the ring, its header included
 *   records   a record at head of a random type, framed as the agent
 *             frames it (its length right, or 8 bytes off), random inside
 *   gap       head moved on by 8 bytes, a hole nobody will fill, once;
 *             then the threads make 200000 blocks each, enough to fill
 *             the ring many times over
 * Last, a record at head of no known type, so that the damage shows
 * whatever the bytes before did.  Exits 3.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ringmap.h"

#define THREADS		4
#define SCRIBBLES	64

static long per_thread = 2000;


static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static void
fill(unsigned char *p, size_t n, uint64_t *seed)
{
	uint64_t r;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			r = next_random(seed);
		p[i] = (unsigned char)(r >> (8 * (i % 8)));
	}
}

/* The length the agent gives a record of this type, random inside. */
static uint32_t
framed_len(uint16_t type, uint64_t r)
{
	switch (type) {
	case HP_REC_HELLO:
		return sizeof(struct hp_rec_hello);
	case HP_REC_FREE:
		return sizeof(struct hp_rec_free);
	case HP_REC_FORK:
		return sizeof(struct hp_rec_fork);
	case HP_REC_QUERY:
		return sizeof(struct hp_rec_query);
	default:
		/* Frames or a path: some number of words. */
		return (uint32_t)HP_ALIGN8(sizeof(struct hp_rec_realloc) +
		    r % 1024);
	}
}

/* A record of a random type at head; never HP_REC_ASSERT, a verdict. */
static void
random_record(struct hp_ring_header *h, unsigned char *data, uint64_t *seed)
{
	static const uint16_t types[] = { HP_REC_HELLO, HP_REC_MODULE,
	    HP_REC_ALLOC, HP_REC_FREE, HP_REC_REALLOC, HP_REC_FORK,
	    HP_REC_STACK, HP_REC_QUERY, HP_REC_AD_HOC };
	uint64_t r = next_random(seed), pos;
	uint16_t type = types[r % (sizeof types / sizeof types[0])];
	uint32_t len = framed_len(type, r >> 8);
	struct hp_rec *rec;

	if ((r >> 40) % 4 == 0)
		len += 8;
	rec = take(h, data, len, &pos);
	/* Records never wrap: the agent would have padded; we stop short. */
	if ((pos & (h->capacity - 1)) + len > h->capacity)
		len = (uint32_t)(h->capacity - (pos & (h->capacity - 1)));
	fill((unsigned char *)rec + sizeof *rec, len - sizeof *rec, seed);
	rec->type = type;
	rec->flags = (uint16_t)((r >> 48) & HP_RECF_ALL);
	__atomic_store_n(&rec->len, len, __ATOMIC_RELEASE);
}

int
main(int argc, char **argv)
{
	pthread_t threads[THREADS];
	struct hp_ring_header *h;
	unsigned char *m, *data;
	struct hp_rec *rec;
	uint64_t seed, r, pos;
	size_t size, n, at;
	int i;

	if (argc != 3)
		return 2;
	seed = strtoull(argv[2], NULL, 10) * 0x9e3779b97f4a7c15ull + 1;
	if (strcmp(argv[1], "gap") == 0)
		per_thread = 200000;
	for (i = 0; i < 1000; i++)
		before_scribble();
	m = find_ring(&size);
	if (m == NULL)
		return 2;
	h = (struct hp_ring_header *)(void *)m;
	data = m + HP_RING_HEADER_SIZE;
	for (i = 0; i < THREADS; i++)
		if (pthread_create(&threads[i], NULL, after_scribble_thread,
		    &per_thread) != 0)
			return 2;
	for (i = 0; i < SCRIBBLES; i++) {
		r = next_random(&seed);
		n = 8 + (size_t)(r % 505);
		if (strcmp(argv[1], "bytes") == 0) {
			at = HP_RING_HEADER_SIZE + (size_t)(r >> 16) %
			    (size - HP_RING_HEADER_SIZE - n);
			fill(m + at, n, &seed);
		} else if (strcmp(argv[1], "header") == 0) {
			at = (size_t)(r >> 16) % (size - n);
			if (i % 2 == 0)
				at %= HP_RING_HEADER_SIZE;
			fill(m + at, n, &seed);
		} else if (strcmp(argv[1], "records") == 0) {
			random_record(h, data, &seed);
		} else if (strcmp(argv[1], "gap") == 0) {
			if (i == 0)
				__atomic_fetch_add(&h->head, 8,
				    __ATOMIC_ACQ_REL);
		} else {
			return 2;
		}
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	/*
	 * Alone now: the record must not run past the end of the ring,
	 * whose capacity the header may no longer tell.
	 */
	h->capacity = size - HP_RING_HEADER_SIZE;
	n = h->capacity - (__atomic_load_n(&h->head, __ATOMIC_ACQUIRE) &
	    (h->capacity - 1));
	n = n < 64 ? n : 64;
	rec = take(h, data, (uint32_t)n, &pos);
	rec->type = 0x7fff;
	__atomic_store_n(&rec->len, (uint32_t)n, __ATOMIC_RELEASE);
	return 3;
}
