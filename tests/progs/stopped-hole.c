/* SPDX-License-Identifier: MIT */
/*
 * stopped-hole.c - a thread stopped between reserving a record and
 * publishing it, as by Ctrl-Z or a debugger: 1000 blocks of 32 bytes from
 * before_scribble(); then the place of a record taken at head and not yet
 * written; a
 * second thread makes 100000 blocks of 48 bytes from after_scribble(),
 * enough to fill the ring behind the hole, so that it waits; once it
 * does, the first thread prints "stopping PID" and stops the process
 * (SIGSTOP).  Continued, it publishes the record, a hello like the one
 * the agent sent first, which the collector takes as a no-op; the second
 * thread's blocks go through, and it exits 0.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>

#include "ringmap.h"

static long blocks = 100000;

int
main(void)
{
	struct hp_ring_header *h;
	unsigned char *m, *data;
	struct hp_rec_hello *hello;
	pthread_t thread;
	uint64_t pos;
	size_t size;
	char line[64];
	int i, n;

	for (i = 0; i < 1000; i++)
		before_scribble();
	m = find_ring(&size);
	if (m == NULL)
		return 2;
	h = (struct hp_ring_header *)(void *)m;
	data = m + HP_RING_HEADER_SIZE;
	if ((h->head & (h->capacity - 1)) + sizeof *hello > h->capacity)
		return 2;
	hello = (struct hp_rec_hello *)(void *)take(h, data, sizeof *hello,
	    &pos);
	if (pthread_create(&thread, NULL, after_scribble_thread, &blocks) != 0)
		return 2;
	while (!__atomic_load_n(&h->producers_waiting, __ATOMIC_ACQUIRE))
		sched_yield();
	n = snprintf(line, sizeof line, "stopping %ld\n", (long)getpid());
	if (write(1, line, (size_t)n) != n)
		return 2;
	raise(SIGSTOP);
	hello->pid = (uint32_t)getpid();
	hello->wire_version = HP_WIRE_VERSION;
	hello->hdr.type = HP_REC_HELLO;
	hello->hdr.flags = 0;
	__atomic_store_n(&hello->hdr.len, sizeof *hello, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	return 0;
}
