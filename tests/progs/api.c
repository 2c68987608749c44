/* SPDX-License-Identifier: MIT */
/*
 * api.c - heapprof.h from a plain C program.
 *
 *   api stats        print heapprof_stats' result and values, and a
 *                    region's, around 3 blocks of 24 bytes
 *   api assert [N]   fail one HEAPPROF_ASSERT (then exit N, default 0)
 *   api cost N       time N heapprof_stats calls: "ns per call"
 *   api fork         a forked child prints heapprof_stats' result and
 *                    fails a HEAPPROF_ASSERT; the parent waits for it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <heapprof.h>

static void *blocks[3];

static __attribute__((noinline)) void
three(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		blocks[i] = malloc(24);
		__asm__ volatile("" : : "r"(blocks[i]) : "memory");
	}
}

static void
print_stats(const char *what, int rc, const struct heapprof_stats *s)
{
	printf("%s %d %llu %llu %llu %llu %llu %llu\n", what, rc,
	    (unsigned long long)s->total_blocks,
	    (unsigned long long)s->total_bytes,
	    (unsigned long long)s->curr_blocks,
	    (unsigned long long)s->curr_bytes,
	    (unsigned long long)s->max_blocks,
	    (unsigned long long)s->max_bytes);
}

int
main(int argc, char **argv)
{
	struct heapprof_stats s, t;
	struct heapprof_region r;
	struct timespec a, b;
	int rc, rc2, i, n;

	if (argc >= 2 && strcmp(argv[1], "stats") == 0) {
		printf("running %d\n", heapprof_running());
		rc = heapprof_stats(&s);
		rc2 = heapprof_region_begin(&r);
		three();
		heapprof_region_end(&r);
		print_stats("before", rc, &s);
		rc = heapprof_stats(&t);
		print_stats("after", rc, &t);
		printf("region %d %llu %llu\n", rc2,
		    (unsigned long long)r.blocks, (unsigned long long)r.bytes);
		for (i = 0; i < 3; i++)
			free(blocks[i]);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "assert") == 0) {
		heapprof_region_begin(&r);
		three();
		heapprof_region_end(&r);
		rc = HEAPPROF_ASSERT(r.blocks == 2, "three() allocated %llu "
		    "blocks", (unsigned long long)r.blocks);
		printf("assert %d\n", rc);
		return argc >= 3 ? atoi(argv[2]) : 0;
	}
	if (argc >= 3 && strcmp(argv[1], "cost") == 0) {
		n = atoi(argv[2]);
		heapprof_stats(&s);
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < n; i++)
			heapprof_stats(&s);
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("%.0f ns per call\n", ((double)(b.tv_sec - a.tv_sec) *
		    1e9 + (double)(b.tv_nsec - a.tv_nsec)) / n);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "fork") == 0) {
		fflush(stdout);
		if (fork() == 0) {
			rc = heapprof_stats(&s);
			printf("child %d\n", rc);
			HEAPPROF_ASSERT(rc > 0, "in the child");
			return 0;
		}
		wait(NULL);
		return 0;
	}
	fprintf(stderr, "usage: api stats | assert [N] | cost N | fork\n");
	return 2;
}
