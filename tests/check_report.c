/*
 * check_report.c - what the output formats share (src/report.c) and the
 * unit formatting they print with (src/units.c): sort key names, the
 * formatter table, sizes and durations, the order of sites for each key
 * and stats convention, and how a frame without symbols is named.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_heapprof.h"
#include "profile.h"
#include "report.h"
#include "units.h"
#include "xmalloc.h"

static const struct {
	const char *name;
	enum sort_key key;
} sort_table[] = {
	{ "bytes", SORT_BYTES },
	{ "blocks", SORT_BLOCKS },
	{ "lifetime", SORT_LIFETIME },
	{ "peak", SORT_PEAK },
	{ "leaked", SORT_LEAKED },
	{ "max", SORT_MAX },
	{ "avg-size", SORT_AVG_SIZE },
};

#define NSORT	(sizeof sort_table / sizeof sort_table[0])

START_TEST(test_parse_sort_valid)
{
	enum sort_key key;
	size_t i;

	for (i = 0; i < NSORT; i++) {
		/* Start from a different key so a no-op would show. */
		key = sort_table[i].key == SORT_BYTES ? SORT_AVG_SIZE :
		    SORT_BYTES;
		ck_assert_int_eq(report_parse_sort(sort_table[i].name, &key),
		    0);
		ck_assert_int_eq(key, sort_table[i].key);
		ck_assert_str_eq(report_sort_name(sort_table[i].key),
		    sort_table[i].name);
	}
}
END_TEST

START_TEST(test_parse_sort_invalid)
{
	static const char *const bad[] = {
		"", "Bytes", "nonsense", "bytes ", " bytes", "avg", "byte",
	};
	enum sort_key key;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		key = SORT_PEAK;
		ck_assert_msg(report_parse_sort(bad[i], &key) == -1,
		    "\"%s\" accepted", bad[i]);
		ck_assert_int_eq(key, SORT_PEAK);
	}
}
END_TEST

/* report_sort_keys names each key once, as a whole word. */
START_TEST(test_sort_keys_listed)
{
	int seen[NSORT] = { 0 };
	char *copy = xstrdup(report_sort_keys), *tok, *save = NULL;
	size_t i, ntok = 0;

	for (tok = strtok_r(copy, ", |", &save); tok != NULL;
	    tok = strtok_r(NULL, ", |", &save)) {
		ntok++;
		for (i = 0; i < NSORT; i++)
			if (strcmp(tok, sort_table[i].name) == 0)
				seen[i]++;
	}
	free(copy);
	ck_assert_uint_eq(ntok, NSORT);
	for (i = 0; i < NSORT; i++)
		ck_assert_msg(seen[i] == 1, "\"%s\" listed %d times in \"%s\"",
		    sort_table[i].name, seen[i], report_sort_keys);
}
END_TEST

START_TEST(test_formatter_find)
{
	const struct formatter *f;

	f = formatter_find("text");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "text");
	ck_assert_ptr_nonnull(f->write);
	f = formatter_find("dhat");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "dhat");
	ck_assert_ptr_nonnull(f->write);
	ck_assert_ptr_null(formatter_find("xml"));
	ck_assert_ptr_null(formatter_find(""));
	ck_assert_ptr_null(formatter_find("Text"));
	ck_assert_ptr_null(formatter_find("tex"));
}
END_TEST

START_TEST(test_format_size)
{
	char buf[32];

	format_size(buf, sizeof buf, 0, 0);
	ck_assert_str_eq(buf, "0 B");
	format_size(buf, sizeof buf, 1023, 0);
	ck_assert_str_eq(buf, "1023 B");
	format_size(buf, sizeof buf, 1024, 0);
	ck_assert_str_eq(buf, "1.0 KiB");
	format_size(buf, sizeof buf, 1536, 0);
	ck_assert_str_eq(buf, "1.5 KiB");
	format_size(buf, sizeof buf, 1048576, 0);
	ck_assert_str_eq(buf, "1.0 MiB");
	format_size(buf, sizeof buf, 3ULL << 30, 0);
	ck_assert_str_eq(buf, "3.0 GiB");
	format_size(buf, sizeof buf, 1536, 1);
	ck_assert_str_eq(buf, "1536");
	format_size(buf, sizeof buf, 0, 1);
	ck_assert_str_eq(buf, "0");
	/* Just under a unit rounds up into the next one, never "1024.0". */
	format_size(buf, sizeof buf, 1048575, 0);
	ck_assert_str_eq(buf, "1.0 MiB");
	format_size(buf, sizeof buf, 1048063, 0);
	ck_assert_str_eq(buf, "1023.5 KiB");
}
END_TEST

START_TEST(test_format_duration)
{
	char buf[32];

	format_duration(buf, sizeof buf, 0);
	ck_assert_str_eq(buf, "0 ns");
	format_duration(buf, sizeof buf, 999);
	ck_assert_str_eq(buf, "999 ns");
	format_duration(buf, sizeof buf, 1500);
	ck_assert_str_eq(buf, "1.5 us");
	format_duration(buf, sizeof buf, 2500000);
	ck_assert_str_eq(buf, "2.5 ms");
	format_duration(buf, sizeof buf, 999999);
	ck_assert_str_eq(buf, "1.0 ms");
	format_duration(buf, sizeof buf, 999999999);
	ck_assert_str_eq(buf, "1.00 s");
	format_duration(buf, sizeof buf, 2100000000);
	ck_assert_str_eq(buf, "2.10 s");
}
END_TEST

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The largest values stay inside the buffer and use the largest unit. */
START_TEST(test_format_extremes)
{
	char buf[32];

	memset(buf, 'x', sizeof buf);
	format_size(buf, sizeof buf, UINT64_MAX, 0);
	ck_assert_ptr_nonnull(memchr(buf, '\0', sizeof buf));
	ck_assert_msg(ends_with(buf, " PiB"), "UINT64_MAX -> \"%s\"", buf);

	memset(buf, 'x', sizeof buf);
	format_size(buf, sizeof buf, UINT64_MAX, 1);
	ck_assert_str_eq(buf, "18446744073709551615");

	memset(buf, 'x', sizeof buf);
	format_duration(buf, sizeof buf, UINT64_MAX);
	ck_assert_ptr_nonnull(memchr(buf, '\0', sizeof buf));
	ck_assert_msg(ends_with(buf, " s"), "UINT64_MAX ns -> \"%s\"", buf);
}
END_TEST

/* A short buffer truncates, still terminated, and nothing past it moves. */
START_TEST(test_format_short_buffer)
{
	char buf[8];

	memset(buf, 'x', sizeof buf);
	format_size(buf, 4, 1536, 0);
	ck_assert_str_eq(buf, "1.5");
	ck_assert_int_eq(buf[4], 'x');

	memset(buf, 'x', sizeof buf);
	format_duration(buf, 4, 2500000);
	ck_assert_str_eq(buf, "2.5");
	ck_assert_int_eq(buf[4], 'x');
}
END_TEST

static void
set_stats(struct prof_stats *s, uint64_t tb, uint64_t tbk, uint64_t tl,
    uint64_t gb, uint64_t eb, uint64_t mb)
{
	memset(s, 0, sizeof *s);
	s->tb = tb;
	s->tbk = tbk;
	s->tl = tl;
	s->gb = gb;
	s->eb = eb;
	s->mb = mb;
}

/*
 * Four sites.  Site 2 has no blocks under STATS_OWN (but huge other
 * values, so it would lead every order if it were kept) and has blocks
 * under STATS_DHAT, where it equals site 0 in everything so only the
 * index orders them.
 */
static void
build_sites(struct profile *p)
{
	struct prof_site *s;

	profile_init(p);
	p->nsites = p->sites_cap = 4;
	p->sites = xmalloc(p->nsites * sizeof *p->sites);
	memset(p->sites, 0, p->nsites * sizeof *p->sites);
	s = p->sites;

	/*                              tb    tbk  tl   gb   eb   mb */
	set_stats(&s[0].st[STATS_OWN], 1000, 10, 500, 300, 0, 200);
	set_stats(&s[1].st[STATS_OWN], 4000, 5, 100, 900, 50, 800);
	set_stats(&s[2].st[STATS_OWN], 99999, 0, 99999, 99999, 99999, 99999);
	set_stats(&s[3].st[STATS_OWN], 2000, 20, 900, 300, 700, 100);

	set_stats(&s[0].st[STATS_DHAT], 1000, 10, 10, 100, 5, 100);
	set_stats(&s[1].st[STATS_DHAT], 500, 1, 20, 500, 0, 500);
	set_stats(&s[2].st[STATS_DHAT], 1000, 10, 30, 100, 5, 100);
	set_stats(&s[3].st[STATS_DHAT], 3000, 30, 5, 50, 1, 60);
}

static void
check_order(const struct profile *p, int stats, enum sort_key key,
    const size_t *want, size_t nwant)
{
	size_t *order, n = 12345, i;

	order = report_order(p, stats, key, &n);
	ck_assert_ptr_nonnull(order);
	ck_assert_msg(n == nwant, "%s/%s: %zu sites, want %zu",
	    stats == STATS_OWN ? "own" : "dhat", report_sort_name(key), n,
	    nwant);
	for (i = 0; i < n; i++)
		ck_assert_msg(order[i] == want[i],
		    "%s/%s: position %zu is site %zu, want %zu",
		    stats == STATS_OWN ? "own" : "dhat",
		    report_sort_name(key), i, order[i], want[i]);
	free(order);
}

START_TEST(test_order_own)
{
	static const struct {
		enum sort_key key;
		size_t want[3];
	} cases[] = {
		{ SORT_BYTES, { 1, 3, 0 } },
		{ SORT_BLOCKS, { 3, 0, 1 } },
		{ SORT_LIFETIME, { 3, 0, 1 } },
		{ SORT_PEAK, { 1, 3, 0 } },	/* 3 and 0 tie; 3 has more bytes */
		{ SORT_LEAKED, { 3, 1, 0 } },
		{ SORT_MAX, { 1, 0, 3 } },
		{ SORT_AVG_SIZE, { 1, 3, 0 } },	/* 800, then 100 == 100 */
	};
	struct profile p;
	size_t i;

	build_sites(&p);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_order(&p, STATS_OWN, cases[i].key, cases[i].want, 3);
	profile_release(&p);
}
END_TEST

START_TEST(test_order_dhat)
{
	static const struct {
		enum sort_key key;
		size_t want[4];
	} cases[] = {
		{ SORT_BYTES, { 3, 0, 2, 1 } },
		{ SORT_BLOCKS, { 3, 0, 2, 1 } },
		{ SORT_LIFETIME, { 2, 1, 0, 3 } },
		{ SORT_PEAK, { 1, 0, 2, 3 } },
		{ SORT_LEAKED, { 0, 2, 3, 1 } },
		{ SORT_MAX, { 1, 0, 2, 3 } },
		{ SORT_AVG_SIZE, { 1, 3, 0, 2 } },	/* 100 x3: by tb, index */
	};
	struct profile p;
	size_t i;

	build_sites(&p);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_order(&p, STATS_DHAT, cases[i].key, cases[i].want, 4);
	profile_release(&p);
}
END_TEST

/* Equal sites keep index order even when the higher index comes first. */
START_TEST(test_order_ties_by_index)
{
	static const size_t want[] = { 0, 1, 2, 3 };
	struct profile p;
	size_t i;

	profile_init(&p);
	p.nsites = p.sites_cap = 4;
	p.sites = xmalloc(p.nsites * sizeof *p.sites);
	memset(p.sites, 0, p.nsites * sizeof *p.sites);
	for (i = 0; i < p.nsites; i++)
		set_stats(&p.sites[i].st[STATS_OWN], 64, 2, 7, 32, 3, 32);
	for (i = 0; i < NSORT; i++)
		check_order(&p, STATS_OWN, sort_table[i].key, want, 4);
	profile_release(&p);
}
END_TEST

START_TEST(test_order_empty)
{
	struct profile p;
	size_t *order, n = 99;

	profile_init(&p);
	order = report_order(&p, STATS_OWN, SORT_BYTES, &n);
	ck_assert_ptr_nonnull(order);
	ck_assert_uint_eq(n, 0);
	free(order);
	profile_release(&p);
}
END_TEST

/* No site has blocks: nothing is listed, whatever else the stats hold. */
START_TEST(test_order_no_blocks)
{
	struct profile p;
	size_t *order, n = 99, i;

	profile_init(&p);
	p.nsites = p.sites_cap = 3;
	p.sites = xmalloc(p.nsites * sizeof *p.sites);
	memset(p.sites, 0, p.nsites * sizeof *p.sites);
	for (i = 0; i < p.nsites; i++)
		set_stats(&p.sites[i].st[STATS_DHAT], 100, 0, 5, 5, 5, 5);
	order = report_order(&p, STATS_DHAT, SORT_AVG_SIZE, &n);
	ck_assert_uint_eq(n, 0);
	free(order);
	profile_release(&p);
}
END_TEST

START_TEST(test_frame_raw)
{
	struct prof_frame f;
	struct profile p;
	char buf[64];

	profile_init(&p);
	p.modules = xmalloc(sizeof *p.modules);
	p.modules[0] = profile_string(&p, "/usr/lib/libfoo.so.1");
	p.nmodules = 1;

	memset(&f, 0, sizeof f);
	f.module = 0;
	f.offset = 0x1234;
	report_frame_raw(&p, &f, buf, sizeof buf);
	ck_assert_str_eq(buf, "0x1234");

	f.module = 1;
	f.offset = 0x1a2b;
	report_frame_raw(&p, &f, buf, sizeof buf);
	ck_assert_str_eq(buf, "libfoo.so.1+0x1a2b");

	f.offset = 0;
	report_frame_raw(&p, &f, buf, sizeof buf);
	ck_assert_str_eq(buf, "libfoo.so.1+0x0");
	profile_release(&p);
}
END_TEST

/* A module path without a slash is used whole. */
START_TEST(test_frame_raw_bare_name)
{
	struct prof_frame f;
	struct profile p;
	char buf[64];

	profile_init(&p);
	p.modules = xmalloc(2 * sizeof *p.modules);
	p.modules[0] = profile_string(&p, "/usr/lib/libfoo.so.1");
	p.modules[1] = profile_string(&p, "prog");
	p.nmodules = 2;

	memset(&f, 0, sizeof f);
	f.module = 2;
	f.offset = 0xdeadbeef;
	report_frame_raw(&p, &f, buf, sizeof buf);
	ck_assert_str_eq(buf, "prog+0xdeadbeef");
	profile_release(&p);
}
END_TEST

START_TEST(test_frame_raw_limits)
{
	struct prof_frame f;
	struct profile p;
	char buf[16];

	profile_init(&p);
	p.modules = xmalloc(sizeof *p.modules);
	p.modules[0] = profile_string(&p, "/usr/lib/libfoo.so.1");
	p.nmodules = 1;

	memset(&f, 0, sizeof f);
	f.offset = UINT64_MAX;
	report_frame_raw(&p, &f, buf, sizeof buf);
	ck_assert_str_eq(buf, "0xfffffffffffff");	/* 15 of 18 chars */

	memset(buf, 'x', sizeof buf);
	f.module = 1;
	f.offset = 0x1a2b;
	report_frame_raw(&p, &f, buf, 8);
	ck_assert_str_eq(buf, "libfoo.");
	ck_assert_int_eq(buf[8], 'x');
	profile_release(&p);
}
END_TEST

Suite *
make_report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_parse_sort_valid);
	tcase_add_test(tc, test_sort_keys_listed);
	tcase_add_test(tc, test_formatter_find);
	tcase_add_test(tc, test_format_size);
	tcase_add_test(tc, test_format_duration);
	tcase_add_test(tc, test_frame_raw);
	tcase_add_test(tc, test_frame_raw_bare_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("Order");
	tcase_add_test(tc, test_order_own);
	tcase_add_test(tc, test_order_dhat);
	tcase_add_test(tc, test_order_ties_by_index);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_format_extremes);
	tcase_add_test(tc, test_format_short_buffer);
	tcase_add_test(tc, test_order_empty);
	tcase_add_test(tc, test_order_no_blocks);
	tcase_add_test(tc, test_frame_raw_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("Errors");
	tcase_add_test(tc, test_parse_sort_invalid);
	suite_add_tcase(s, tc);
	return s;
}
