/* SPDX-License-Identifier: MIT */
/*
 * mallocapi.c - glibc's malloc extensions (malloc_usable_size, mallinfo2,
 * mallopt, malloc_trim) keep working when the malloc family is
 * interposed, and memory from mmap is not a heap block.  Exits
 * with the number of the first check that failed.
 *
 *   malloc(100), live at exit                  100 B
 *   malloc(1 MiB) above M_MMAP_THRESHOLD: the
 *     allocator maps it, but it is a heap block,
 *     freed                                   1048576 B
 *   mmap(2 MiB), munmap: not a heap block
 *
 *   total 1048676 B in 2 blocks; peak the same; at exit 100 B in 1 block.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *volatile sink;

int
main(void)
{
	size_t big = (size_t)1 << 20, map = (size_t)2 << 20;
	struct mallinfo2 mi;
	char *p, *q, *m;

	p = malloc(100);
	if (p == NULL || malloc_usable_size(p) < 100)
		return 1;
	/*
	 * p is glibc's: its statistics see it.  (Under valgrind, whose
	 * allocator replaces glibc's, they are all zero.)
	 */
	mi = mallinfo2();
	if (mi.arena != 0 && mi.uordblks < 100)
		return 7;
	if (mallopt(M_MMAP_THRESHOLD, 128 * 1024) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, 256 * 1024) != 1)
		return 2;
	q = malloc(big);
	if (q == NULL || malloc_usable_size(q) < big)
		return 3;
	memset(q, 1, big);
	sink = q;
	free(q);
	/* 0 or 1 (memory given back or not): both fine; it must not crash. */
	if (malloc_trim(0) > 1)
		return 4;
	m = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (m == MAP_FAILED)
		return 5;
	memset(m, 2, map);
	if (munmap(m, map) != 0)
		return 6;
	sink = p;
	return 0;
}
