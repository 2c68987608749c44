/* SPDX-License-Identifier: MIT */
/*
 * api-check.c - a Check test that uses heapprof.h as heapprof.h(3)
 * shows: exact counts of a function, whole-process and per thread, the
 * latter while another thread allocates.  Skipped (77) without heapprof.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>

#include <heapprof.h>

struct node {
	struct node *next;
	long value;
};

/* The function under test: n blocks of sizeof(struct node). */
static __attribute__((noinline)) struct node *
make_list(int n)
{
	struct node *head = NULL, *e;
	int i;

	for (i = 0; i < n; i++) {
		e = malloc(sizeof *e);
		if (e == NULL)
			abort();
		e->value = i;
		e->next = head;
		head = e;
	}
	return head;
}

static void
free_list(struct node *l)
{
	struct node *next;

	for (; l != NULL; l = next) {
		next = l->next;
		free(l);
	}
}

START_TEST(test_stats_exact)
{
	struct heapprof_stats before, after, freed;
	struct node *l;
	int rc1, rc2, rc3;

	/* Nothing but the function between the calls: ck_assert allocates. */
	rc1 = heapprof_stats(&before);
	l = make_list(3);
	rc2 = heapprof_stats(&after);
	free_list(l);
	rc3 = heapprof_stats(&freed);

	ck_assert_int_eq(rc1, HEAPPROF_OK);
	ck_assert_int_eq(rc2, HEAPPROF_OK);
	ck_assert_int_eq(rc3, HEAPPROF_OK);
	ck_assert_uint_eq(after.total_blocks - before.total_blocks, 3);
	ck_assert_uint_eq(after.total_bytes - before.total_bytes,
	    3 * sizeof(struct node));
	ck_assert_uint_eq(after.curr_blocks - before.curr_blocks, 3);
	ck_assert_uint_eq(after.curr_bytes - before.curr_bytes,
	    3 * sizeof(struct node));
	ck_assert_uint_eq(freed.total_blocks, after.total_blocks);
	ck_assert_uint_eq(freed.curr_blocks, before.curr_blocks);
	ck_assert_uint_eq(freed.curr_bytes, before.curr_bytes);
	ck_assert_uint_ge(after.max_bytes, after.curr_bytes);
	ck_assert_uint_ge(freed.max_bytes, after.curr_bytes);
}
END_TEST

START_TEST(test_region_exact)
{
	struct heapprof_region r, outer;
	struct node *l;
	int rc;

	heapprof_region_begin(&outer);
	rc = heapprof_region_begin(&r);
	l = make_list(5);
	heapprof_region_end(&r);
	free_list(l);
	l = make_list(2);
	heapprof_region_end(&outer);
	free_list(l);

	ck_assert_int_eq(rc, HEAPPROF_OK);
	ck_assert_uint_eq(r.blocks, 5);
	ck_assert_uint_eq(r.bytes, 5 * sizeof(struct node));
	/* Regions nest. */
	ck_assert_uint_eq(outer.blocks, 7);
	ck_assert(HEAPPROF_ASSERT(r.blocks == 5, "%llu blocks",
	    (unsigned long long)r.blocks));
}
END_TEST

/* Another thread allocates all the time the region is open. */
static volatile unsigned long churned;
static volatile int stop;

static void *
churn(void *arg)
{
	void *p;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		p = malloc(100);
		__asm__ volatile("" : : "r"(p) : "memory");
		free(p);
		__atomic_add_fetch(&churned, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void
wait_churn(unsigned long more)
{
	unsigned long start = __atomic_load_n(&churned, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&churned, __ATOMIC_ACQUIRE) - start < more)
		sched_yield();
}

START_TEST(test_region_threads)
{
	struct heapprof_stats before, after;
	struct heapprof_region r;
	unsigned long during;
	struct node *l;
	pthread_t t;

	stop = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, churn, NULL), 0);
	wait_churn(100);
	heapprof_stats(&before);
	heapprof_region_begin(&r);
	during = churned;
	l = make_list(3);
	/* The other thread's blocks certainly fall inside the region. */
	wait_churn(100);
	during = churned - during;
	heapprof_region_end(&r);
	heapprof_stats(&after);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	free_list(l);

	ck_assert_uint_ge(during, 100);
	ck_assert_uint_eq(r.blocks, 3);
	ck_assert_uint_eq(r.bytes, 3 * sizeof(struct node));
	/* The whole process saw them all. */
	ck_assert_uint_ge(after.total_blocks - before.total_blocks,
	    3 + during);
}
END_TEST

int
main(void)
{
	SRunner *sr;
	Suite *s;
	TCase *tc;
	int failed;

	HEAPPROF_REQUIRE();
	s = suite_create("heapprof.h");
	tc = tcase_create("counts");
	tcase_add_test(tc, test_stats_exact);
	tcase_add_test(tc, test_region_exact);
	tcase_add_test(tc, test_region_threads);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* A forked test would not be profiled (without run --children). */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
