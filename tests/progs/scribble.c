/* SPDX-License-Identifier: MIT */
/*
 * scribble.c - a program that overwrites heapprof's event ring, as a buggy
 * or hostile program may: 1000 blocks of 32 bytes, each freed at once, from
 * before_scribble(); then the scribble; then 2000 blocks of 48 bytes from
 * after_scribble().  Exits 3.
 *
 * usage: scribble MODE, where MODE is
 *   ff, data-ff   the whole ring, or its data area, set to 0xff
 *   head, tail    the header's head or tail moved 1 TiB on
 *   biglen        a record at head claiming to be 2 GiB long
 *   oddlen        a record at head 12 bytes long
 *   endlen        a PAD short of the end, then a record running past it
 *   fifo          a well-formed module record naming a FIFO it makes,
 *                 ./fifo, that nobody will ever write to
 *   hole          64 bytes taken at head and never written, as by a thread
 *                 killed between reserving a record and publishing it;
 *                 after the 2000 blocks it dies of SIGKILL, not exit 3
 * For biglen, oddlen and endlen it prints "bad record at N": N is the
 * position in the stream (bytes since the ring was made) where the
 * collector must stop.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ringmap.h"

static void
say_at(uint64_t pos)
{
	char buf[64];
	int n;

	n = snprintf(buf, sizeof buf, "bad record at %llu\n",
	    (unsigned long long)pos);
	if (write(1, buf, (size_t)n) != n)
		exit(2);
}

/* A loaded object, announced as the agent announces one, that is a FIFO. */
static void
fifo_module(struct hp_ring_header *h, unsigned char *data)
{
	static char path[4096];
	struct hp_rec_module *m;
	uint32_t n, len;
	uint64_t pos;

	if (getcwd(path, sizeof path - 8) == NULL)
		exit(2);
	strcat(path, "/fifo");
	if (mkfifo(path, 0600) == -1)
		exit(2);
	n = (uint32_t)strlen(path);
	len = (uint32_t)HP_ALIGN8(sizeof *m + n);
	if ((h->head & (h->capacity - 1)) + len > h->capacity)
		exit(2);
	m = (struct hp_rec_module *)(void *)take(h, data, len, &pos);
	m->bias = 0;
	m->lo = 0x10000;
	m->hi = 0x20000;
	m->path_len = n;
	memcpy(m + 1, path, n);
	m->hdr.type = HP_REC_MODULE;
	m->hdr.flags = 0;
	__atomic_store_n(&m->hdr.len, len, __ATOMIC_RELEASE);
}

int
main(int argc, char **argv)
{
	struct hp_ring_header *h;
	unsigned char *m, *data;
	struct hp_rec *r, *pad;
	uint64_t pos, cap, off, want;
	size_t size;
	int i;

	if (argc != 2)
		return 2;
	for (i = 0; i < 1000; i++)
		before_scribble();
	m = find_ring(&size);
	if (m == NULL) {
		fputs("scribble: no ring\n", stderr);
		return 2;
	}
	h = (struct hp_ring_header *)(void *)m;
	data = m + HP_RING_HEADER_SIZE;
	if (strcmp(argv[1], "ff") == 0) {
		memset(m, 0xff, size);
	} else if (strcmp(argv[1], "data-ff") == 0) {
		memset(data, 0xff, size - HP_RING_HEADER_SIZE);
	} else if (strcmp(argv[1], "head") == 0) {
		h->head += 1ull << 40;
	} else if (strcmp(argv[1], "tail") == 0) {
		h->tail += 1ull << 40;
	} else if (strcmp(argv[1], "biglen") == 0) {
		r = take(h, data, 64, &pos);
		r->type = HP_REC_ALLOC;
		__atomic_store_n(&r->len, 0x7ffffff8u, __ATOMIC_RELEASE);
		say_at(pos);
	} else if (strcmp(argv[1], "oddlen") == 0) {
		r = take(h, data, 64, &pos);
		r->type = HP_REC_FREE;
		__atomic_store_n(&r->len, 12, __ATOMIC_RELEASE);
		say_at(pos);
	} else if (strcmp(argv[1], "endlen") == 0) {
		cap = h->capacity;
		off = h->head & (cap - 1);
		want = cap - 64 - off;
		pad = take(h, data, (uint32_t)want + 64, &pos);
		r = (struct hp_rec *)(void *)(data + cap - 64);
		r->type = HP_REC_MODULE;
		__atomic_store_n(&r->len, 1u << 20, __ATOMIC_RELEASE);
		pad->type = HP_REC_PAD;
		__atomic_store_n(&pad->len, (uint32_t)want, __ATOMIC_RELEASE);
		say_at(pos);
	} else if (strcmp(argv[1], "fifo") == 0) {
		fifo_module(h, data);
	} else if (strcmp(argv[1], "hole") == 0) {
		(void)take(h, data, 64, &pos);
	} else {
		return 2;
	}
	for (i = 0; i < 2000; i++)
		after_scribble();
	if (strcmp(argv[1], "hole") == 0)
		raise(SIGKILL);
	return 3;
}
