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
 *   hole          64 bytes taken at head and never written, as by a thread
 *                 killed between reserving a record and publishing it;
 *                 after the 2000 blocks it dies of SIGKILL, not exit 3
 * For biglen, oddlen and endlen it prints "bad record at N": N is the
 * position in the stream (bytes since the ring was made) where the
 * collector must stop.
 *
 * The ring is found by its name in /proc/self/maps, read without stdio so
 * that nothing else allocates.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

__attribute__((noinline)) static void
before_scribble(void)
{
	void *volatile p = malloc(32);

	free(p);
}

__attribute__((noinline)) static void
after_scribble(void)
{
	void *volatile p = malloc(48);

	free(p);
}

static unsigned char *
find_ring(size_t *size)
{
	static char maps[1 << 16];
	unsigned long lo, hi;
	ssize_t n, got = 0;
	char *line, *end;
	int fd;

	fd = open("/proc/self/maps", O_RDONLY);
	if (fd == -1)
		return NULL;
	while (got < (ssize_t)sizeof maps - 1 &&
	    (n = read(fd, maps + got, sizeof maps - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	maps[got] = '\0';
	for (line = maps; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			break;
		*end = '\0';
		if (strstr(line, "heapprof-ring") != NULL &&
		    sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			*size = hi - lo;
			return (unsigned char *)lo;
		}
	}
	return NULL;
}

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

/* Take len bytes at head, as the agent does, and return the place. */
static struct hp_rec *
take(struct hp_ring_header *h, unsigned char *data, uint32_t len,
    uint64_t *pos)
{
	*pos = __atomic_fetch_add(&h->head, len, __ATOMIC_ACQ_REL);
	return (struct hp_rec *)(void *)(data + (*pos & (h->capacity - 1)));
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
