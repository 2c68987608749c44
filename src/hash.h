/* SPDX-License-Identifier: MIT */
/*
 * hash.h - the one hash function the CLI's tables use.
 */
#ifndef HEAPPROF_HASH_H
#define HEAPPROF_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Mix a 64-bit key (a murmur3 finaliser): addresses differ in few bits. */
static inline uint64_t
hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline uint64_t
hash_u64s(const uint64_t *v, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i;

	for (i = 0; i < n; i++)
		h = hash_u64(h ^ v[i]) + i;
	return h;
}

#endif
