/* SPDX-License-Identifier: MIT */
/*
 * check_tables.c - the collector's two hash tables: call-stack interning
 * (src/stacktab.c) and the live-block table (src/livetab.c), including
 * their growth and, for livetab, backward-shift deletion.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_heapprof.h"
#include "livetab.h"
#include "stacktab.h"

/* --- stacktab ----------------------------------------------------------- */

static void
assert_frames(const struct stacktab *t, uint32_t id, const uint64_t *want,
    uint32_t n)
{
	const uint64_t *got;
	uint32_t gotn;

	got = stacktab_frames(t, id, &gotn);
	if (gotn != n || (n != 0 && memcmp(got, want, n * sizeof *got) != 0))
		ck_abort_msg("stack %u: %u frames, want %u, or frames differ",
		    id, gotn, n);
}

START_TEST(test_stack_identity)
{
	static const uint64_t s123[] = { 1, 2, 3 }, s124[] = { 1, 2, 4 },
	    s321[] = { 3, 2, 1 };
	struct stacktab t;
	uint64_t copy[3];

	stacktab_init(&t);
	ck_assert_uint_eq(stacktab_intern(&t, s123, 3, 0), 0);
	/* Interning copies: a caller's buffer is reused for the next stack. */
	memcpy(copy, s123, sizeof copy);
	ck_assert_uint_eq(stacktab_intern(&t, copy, 3, 0), 0);
	ck_assert_uint_eq(stacktab_intern(&t, s124, 3, 0), 1);
	ck_assert_uint_eq(stacktab_intern(&t, s321, 3, 0), 2);
	/* A prefix is a different stack, in either direction. */
	ck_assert_uint_eq(stacktab_intern(&t, s123, 2, 0), 3);
	ck_assert_uint_eq(stacktab_intern(&t, s123, 1, 0), 4);
	/* Truncated means "deeper than we saw": not the same site. */
	ck_assert_uint_eq(stacktab_intern(&t, s123, 3, 1), 5);
	ck_assert_uint_eq(stacktab_intern(&t, s123, 3, 7), 5);
	ck_assert_uint_eq(stacktab_intern(&t, s123, 3, 0), 0);
	/* An empty stack (unwinding failed) is a site of its own. */
	ck_assert_uint_eq(stacktab_intern(&t, s123, 0, 0), 6);
	ck_assert_uint_eq(stacktab_intern(&t, s124, 0, 0), 6);
	ck_assert_uint_eq(stacktab_intern(&t, s123, 0, 1), 7);
	ck_assert_uint_eq(t.nstacks, 8);

	assert_frames(&t, 0, s123, 3);
	assert_frames(&t, 1, s124, 3);
	assert_frames(&t, 2, s321, 3);
	assert_frames(&t, 3, s123, 2);
	assert_frames(&t, 4, s123, 1);
	assert_frames(&t, 5, s123, 3);
	assert_frames(&t, 6, NULL, 0);
	ck_assert_uint_eq(t.stacks[5].truncated, 1);
	ck_assert_uint_eq(t.stacks[0].truncated, 0);
	stacktab_release(&t);
}
END_TEST

#define MANY_STACKS	100000u

/*
 * Stack i shares its innermost frames (think of an allocation wrapper)
 * with the others and differs only in its outermost one, so neither the
 * hash nor the comparison can get away with looking at the first frame.
 */
static uint32_t
many_stack(uint32_t i, uint64_t *frames)
{
	uint32_t n = 1 + i % 5, j;

	for (j = 0; j + 1 < n; j++)
		frames[j] = 0x401000 + 16 * j;
	frames[n - 1] = 0x7f0000000000 + 8 * (uint64_t)i;
	return n;
}

/* An empty stack (no frames) is a stack like any other, even first. */
START_TEST(test_stack_empty_first)
{
	struct stacktab t;
	uint64_t one = 0x1234;
	uint32_t n = 99;

	stacktab_init(&t);
	ck_assert_uint_eq(stacktab_intern(&t, NULL, 0, 0), 0);
	ck_assert_uint_eq(stacktab_intern(&t, &one, 1, 0), 1);
	ck_assert_uint_eq(stacktab_intern(&t, NULL, 0, 0), 0);
	stacktab_frames(&t, 0, &n);
	ck_assert_uint_eq(n, 0);
	stacktab_release(&t);
}
END_TEST

START_TEST(test_stack_rehash)
{
	struct stacktab t;
	uint64_t frames[8];
	uint32_t i, n, id;

	stacktab_init(&t);
	for (i = 0; i < MANY_STACKS; i++) {
		n = many_stack(i, frames);
		id = stacktab_intern(&t, frames, n, 0);
		if (id != i)
			ck_abort_msg("new stack %u got id %u", i, id);
	}
	ck_assert_uint_eq(t.nstacks, MANY_STACKS);
	ck_assert_uint_ge(t.nbuckets, 2 * MANY_STACKS);
	/* Every stack must still be found after the table grew under it. */
	for (i = 0; i < MANY_STACKS; i++) {
		n = many_stack(i, frames);
		id = stacktab_intern(&t, frames, n, 0);
		if (id != i)
			ck_abort_msg("stack %u found as %u", i, id);
		assert_frames(&t, i, frames, n);
	}
	ck_assert_uint_eq(t.nstacks, MANY_STACKS);
	/* Truncated twins are new, and do not disturb the originals. */
	for (i = 0; i < 1000; i++) {
		n = many_stack(i, frames);
		id = stacktab_intern(&t, frames, n, 1);
		if (id != MANY_STACKS + i)
			ck_abort_msg("truncated stack %u got id %u", i, id);
	}
	for (i = 0; i < 1000; i++) {
		n = many_stack(i, frames);
		ck_assert_uint_eq(stacktab_intern(&t, frames, n, 0), i);
	}
	ck_assert_uint_eq(t.nstacks, MANY_STACKS + 1000);
	stacktab_release(&t);
}
END_TEST

/* --- livetab ------------------------------------------------------------ */

START_TEST(test_live_basic)
{
	struct live_block b = { 0x1000, 10, 5, 1, 2 }, out;
	struct live_block *p;
	struct livetab t;

	livetab_init(&t);
	ck_assert_ptr_null(livetab_find(&t, 0x1000));
	ck_assert_int_eq(livetab_insert(&t, &b), 0);
	ck_assert_uint_eq(t.count, 1);
	p = livetab_find(&t, 0x1000);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->addr, 0x1000);
	ck_assert_uint_eq(p->size, 10);
	ck_assert_uint_eq(p->birth, 5);
	ck_assert_uint_eq(p->site, 1);
	ck_assert_uint_eq(p->dhat_site, 2);
	ck_assert_ptr_null(livetab_find(&t, 0x1010));

	/* Re-inserting a live address replaces it and says so. */
	b.size = 20;
	b.site = 3;
	ck_assert_int_eq(livetab_insert(&t, &b), 1);
	ck_assert_uint_eq(t.count, 1);
	p = livetab_find(&t, 0x1000);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->size, 20);
	ck_assert_uint_eq(p->site, 3);

	memset(&out, 0xa5, sizeof out);
	ck_assert_int_eq(livetab_remove(&t, 0x2000, &out), 0);
	ck_assert_uint_eq(t.count, 1);
	ck_assert_int_eq(livetab_remove(&t, 0x1000, &out), 1);
	ck_assert_uint_eq(out.addr, 0x1000);
	ck_assert_uint_eq(out.size, 20);
	ck_assert_uint_eq(out.birth, 5);
	ck_assert_uint_eq(out.site, 3);
	ck_assert_uint_eq(out.dhat_site, 2);
	ck_assert_uint_eq(t.count, 0);
	ck_assert_ptr_null(livetab_find(&t, 0x1000));
	ck_assert_int_eq(livetab_remove(&t, 0x1000, &out), 0);
	livetab_release(&t);
}
END_TEST

#define MANY_BLOCKS	1000000u

/*
 * Distinct 16-byte-aligned addresses in a 16 MiB heap, like malloc's,
 * visited in a scrambled order: i * odd mod 2^20 is a bijection.
 */
static uint64_t
block_addr(uint32_t i)
{
	return 0x55550000000 + 16 * (uint64_t)((i * 2654435761u) & 0xfffff);
}

static void
check_live(struct livetab *t, uint32_t i)
{
	struct live_block *p = livetab_find(t, block_addr(i));

	if (p == NULL)
		ck_abort_msg("block %u lost", i);
	if (p->addr != block_addr(i) || p->size != i || p->birth != 3 * i ||
	    p->site != i % 1000 || p->dhat_site != i % 7)
		ck_abort_msg("block %u came back wrong", i);
}

START_TEST(test_live_many)
{
	struct live_block b, out;
	struct livetab t;
	uint32_t i, k;

	livetab_init(&t);
	for (i = 0; i < MANY_BLOCKS; i++) {
		b.addr = block_addr(i);
		b.size = i;
		b.birth = 3 * (uint64_t)i;
		b.site = i % 1000;
		b.dhat_site = i % 7;
		if (livetab_insert(&t, &b) != 0)
			ck_abort_msg("block %u seen as live already", i);
	}
	ck_assert_uint_eq(t.count, MANY_BLOCKS);
	ck_assert_uint_ge(t.nslots, MANY_BLOCKS);
	ck_assert_uint_eq(t.nslots & (t.nslots - 1), 0);
	for (i = 0; i < MANY_BLOCKS; i++)
		check_live(&t, i);

	/*
	 * Remove in another order (7919 is prime to 10^6).  After each half,
	 * every survivor must still be reachable: a wrong backward shift
	 * strands entries behind an empty slot.
	 */
	for (k = 0; k < MANY_BLOCKS / 2; k++) {
		i = (uint32_t)(((uint64_t)k * 7919) % MANY_BLOCKS);
		if (livetab_remove(&t, block_addr(i), &out) != 1)
			ck_abort_msg("block %u not removable", i);
		if (out.addr != block_addr(i) || out.size != i)
			ck_abort_msg("block %u removed as %u", i,
			    (unsigned)out.size);
		if (livetab_find(&t, block_addr(i)) != NULL)
			ck_abort_msg("block %u still found", i);
	}
	ck_assert_uint_eq(t.count, MANY_BLOCKS / 2);
	for (k = MANY_BLOCKS / 2; k < MANY_BLOCKS; k++)
		check_live(&t, (uint32_t)(((uint64_t)k * 7919) % MANY_BLOCKS));
	for (k = 0; k < MANY_BLOCKS / 2; k++) {
		i = (uint32_t)(((uint64_t)k * 7919) % MANY_BLOCKS);
		if (livetab_remove(&t, block_addr(i), &out) != 0)
			ck_abort_msg("block %u removed twice", i);
	}
	for (k = MANY_BLOCKS / 2; k < MANY_BLOCKS; k++) {
		i = (uint32_t)(((uint64_t)k * 7919) % MANY_BLOCKS);
		if (livetab_remove(&t, block_addr(i), &out) != 1)
			ck_abort_msg("block %u not removable", i);
	}
	ck_assert_uint_eq(t.count, 0);
	for (i = 0; i < t.nslots; i++)
		if (t.slots[i].addr != 0)
			ck_abort_msg("slot %u still holds %#lx", i,
			    (unsigned long)t.slots[i].addr);
	livetab_release(&t);
}
END_TEST

Suite *
make_tables_suite(void)
{
	Suite *s = suite_create("tables");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_stack_identity);
	tcase_add_test(tc, test_stack_empty_first);
	tcase_add_test(tc, test_live_basic);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stack_rehash);
	tcase_add_test(tc, test_live_many);
	suite_add_tcase(s, tc);
	return s;
}
