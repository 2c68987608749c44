/* SPDX-License-Identifier: MIT */
/*
 * check_report.c - what the output formats share (src/report.c) and the
 * unit formatting they print with (src/units.c): sort key names, the
 * formatter table, sizes and durations, the order of sites for each key
 * and stats convention, and how a frame without symbols is named.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_heapprof.h"
#include "profile.h"
#include "report.h"
#include "symbolize.h"
#include "units.h"
#include "xmalloc.h"

/* Each key is found by its name alone, and has what --help shows. */
START_TEST(test_sort_key_find)
{
	const struct sort_key *k, *j;

	for (k = sort_keys; k->name != NULL; k++) {
		ck_assert_ptr_eq(sort_key_find(k->name), k);
		ck_assert_ptr_nonnull(k->help);
		ck_assert_ptr_nonnull(k->value);
		for (j = sort_keys; j != k; j++)
			ck_assert_str_ne(j->name, k->name);
	}
	ck_assert_uint_eq(k - sort_keys, 14);
	ck_assert_str_eq(sort_key_default(0)->name, "bytes");
	ck_assert_str_eq(sort_key_default(1)->name, "weight");
}
END_TEST

START_TEST(test_sort_key_find_invalid)
{
	static const char *const bad[] = {
		"", "Bytes", "nonsense", "bytes ", " bytes", "avg", "byte",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(sort_key_find(bad[i]) == NULL, "\"%s\" accepted",
		    bad[i]);
}
END_TEST

/* The usage errors' lists: each key of the kind once, in table order. */
START_TEST(test_sort_list)
{
	char buf[512];

	report_sort_list(buf, sizeof buf, -1);
	ck_assert_str_eq(buf, "bytes, blocks, lifetime, peak, leaked, max, "
	    "avg-size, p50-size, p90-size, p50-life, p90-life, weight, events, "
	    "avg-weight");
	report_sort_list(buf, sizeof buf, 0);
	ck_assert_str_eq(buf, "bytes, blocks, lifetime, peak, leaked, max, "
	    "avg-size, p50-size, p90-size, p50-life, p90-life");
	report_sort_list(buf, sizeof buf, 1);
	ck_assert_str_eq(buf, "weight, events, avg-weight");
	report_sort_list(buf, 12, -1);
	ck_assert_str_eq(buf, "bytes, bloc");
	report_format_list(buf, sizeof buf, 0);
	ck_assert_str_eq(buf, "text, dhat, markdown, folded, html");
	report_format_list(buf, sizeof buf, FMT_AD_HOC);
	ck_assert_str_eq(buf, "text, dhat, folded");
}
END_TEST

/* --help's lists: every key and format with its help, the defaults said. */
START_TEST(test_help_lists)
{
	char *h = report_help_lists();

	ck_assert_msg(strstr(h, "\n  bytes        total bytes (the default)\n"
	    "  blocks       total blocks\n") != NULL, "%s", h);
	ck_assert_msg(strstr(h, "\n  weight       total weight (the default)"
	    "\n") != NULL, "%s", h);
	ck_assert_msg(strstr(h, "\n  markdown     a document for a pull "
	    "request or a CI summary\n") != NULL, "%s", h);
	free(h);
}
END_TEST

START_TEST(test_formatter_find)
{
	const struct formatter *f;

	f = formatter_find("text");
	ck_assert_ptr_eq(f, &formatters[0]);	/* the default */
	ck_assert_str_eq(f->name, "text");
	ck_assert_ptr_nonnull(f->write);
	f = formatter_find("dhat");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "dhat");
	ck_assert_ptr_nonnull(f->write);
	f = formatter_find("markdown");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "markdown");
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
 * Four sites, each with a frame of its own so the view keeps them apart.
 * Site 2 has no blocks under STATS_OWN (but huge other values, so it
 * would lead every order if it were kept) and has blocks under
 * STATS_DHAT, where it equals site 0 in everything so only the index
 * orders them.
 */
static void
build_sites(struct profile *p, size_t n)
{
	struct prof_site *s;
	size_t i;

	profile_init(p);
	p->nsites = p->sites_cap = n;
	p->sites = xcalloc(n + 1, sizeof *p->sites);
	p->nframes = p->frames_cap = n;
	p->frames = xcalloc(n + 1, sizeof *p->frames);
	p->nstack_frames = p->stack_frames_cap = n;
	p->stack_frames = xcalloc(n + 1, sizeof *p->stack_frames);
	for (i = 0; i < n; i++) {
		p->frames[i] = (struct prof_frame){ 0, 0x100 * (i + 1), 0, 0 };
		p->stack_frames[i] = (uint32_t)i;
		p->sites[i].first = (uint32_t)i;
		p->sites[i].nframes = 1;
	}
	if (n != 4)
		return;
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

/* The rows of the view that every format prints are the sites in want. */
static void
check_order(const struct profile *p, int stats, const char *key,
    const size_t *want, size_t nwant)
{
	struct report_opts o = { .sort = sort_key_find(key),
	    .ad_hoc = stats == STATS_AD_HOC, .as_dhat = stats == STATS_DHAT };
	struct report_view v;
	size_t i;

	ck_assert_ptr_nonnull(o.sort);
	report_view_init(&v, p, &o);
	ck_assert_msg(v.nrows == nwant, "%s/%s: %zu rows, want %zu",
	    stats == STATS_OWN ? "own" : "dhat", key, v.nrows, nwant);
	for (i = 0; i < v.nrows; i++)
		ck_assert_msg(v.rows[i].site == want[i],
		    "%s/%s: position %zu is site %zu, want %zu",
		    stats == STATS_OWN ? "own" : "dhat", key, i,
		    v.rows[i].site, want[i]);
	report_view_release(&v);
}

START_TEST(test_order_own)
{
	static const struct {
		const char *key;
		size_t want[3];
	} cases[] = {
		{ "bytes", { 1, 3, 0 } },
		{ "blocks", { 3, 0, 1 } },
		{ "lifetime", { 3, 0, 1 } },
		{ "peak", { 1, 3, 0 } },	/* 3 and 0 tie; 3 has more bytes */
		{ "leaked", { 3, 1, 0 } },
		{ "max", { 1, 0, 3 } },
		{ "avg-size", { 1, 3, 0 } },	/* 800, then 100 == 100 */
	};
	struct profile p;
	size_t i;

	build_sites(&p, 4);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_order(&p, STATS_OWN, cases[i].key, cases[i].want, 3);
	profile_release(&p);
}
END_TEST

START_TEST(test_order_dhat)
{
	static const struct {
		const char *key;
		size_t want[4];
	} cases[] = {
		{ "bytes", { 3, 0, 2, 1 } },
		{ "blocks", { 3, 0, 2, 1 } },
		{ "lifetime", { 2, 1, 0, 3 } },
		{ "peak", { 1, 0, 2, 3 } },
		{ "leaked", { 0, 2, 3, 1 } },
		{ "max", { 1, 0, 2, 3 } },
		{ "avg-size", { 1, 3, 0, 2 } },	/* 100 x3: by tb, index */
	};
	struct profile p;
	size_t i;

	build_sites(&p, 4);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_order(&p, STATS_DHAT, cases[i].key, cases[i].want, 4);
	profile_release(&p);
}
END_TEST

/*
 * The percentile keys order by the sites' histograms, each differently
 * from the others and from bytes (1, 3, 0).  Site 0 (10 blocks): sizes 5
 * in [8, 16) and 5 in [2^19, 2^20), lifetimes 5 in [2^22, 2^23) and 5 in
 * [2^24, 2^25); site 1 (5 blocks of 800 bytes): lifetimes 3 in [2^21,
 * 2^22) and 2 in [2^29, 2^30); site 3 (20 blocks, 100 bytes on average):
 * sizes all in [1024, 2048), lifetimes 19 in [2^14, 2^15) and 1 of 1.
 */
START_TEST(test_order_percentiles)
{
	static const struct {
		const char *key;
		size_t want[3];
	} cases[] = {
		{ "p50-size", { 3, 1, 0 } },	/* ~1075, 800, ~15 */
		{ "p90-size", { 0, 3, 1 } },	/* ~900 Ki, ~1920, 800 */
		{ "p50-life", { 0, 1, 3 } },
		{ "p90-life", { 1, 0, 3 } },
	};
	struct profile p;
	size_t i;

	build_sites(&p, 4);
	p.has_dist = 1;
	p.sites[0].dist.size[4] = p.sites[0].dist.size[20] = 5;
	p.sites[0].dist.life[23] = p.sites[0].dist.life[25] = 5;
	p.sites[1].dist.size[10] = 5;
	p.sites[1].dist.life[22] = 3;
	p.sites[1].dist.life[30] = 2;
	p.sites[3].dist.size[11] = 20;
	p.sites[3].dist.life[15] = 19;
	p.sites[3].dist.life[1] = 1;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_order(&p, STATS_OWN, cases[i].key, cases[i].want, 3);
	profile_release(&p);
}
END_TEST

/* Ad-hoc events: weight is tb, events tbk (STATS_AD_HOC). */
START_TEST(test_order_ad_hoc)
{
	static const size_t by_weight[] = { 1, 2, 0 },
	    by_events[] = { 2, 0, 1 }, by_avg[] = { 1, 0, 2 };
	struct profile p;

	build_sites(&p, 4);
	p.sites[0].ad_events = 4;	/* weight 40, avg 10 */
	p.sites[0].ad_weight = 40;
	p.sites[1].ad_events = 1;	/* weight 90, avg 90 */
	p.sites[1].ad_weight = 90;
	p.sites[2].ad_events = 9;	/* weight 45, avg 5 */
	p.sites[2].ad_weight = 45;
	check_order(&p, STATS_AD_HOC, "weight", by_weight, 3);
	check_order(&p, STATS_AD_HOC, "events", by_events, 3);
	check_order(&p, STATS_AD_HOC, "avg-weight", by_avg, 3);
	profile_release(&p);
}
END_TEST

/* Equal sites keep index order even when the higher index comes first. */
START_TEST(test_order_ties_by_index)
{
	static const size_t want[] = { 0, 1, 2, 3 };
	const struct sort_key *k;
	struct profile p;
	size_t i;

	build_sites(&p, 4);
	for (i = 0; i < p.nsites; i++) {
		set_stats(&p.sites[i].st[STATS_OWN], 64, 2, 7, 32, 3, 32);
		p.sites[i].ad_events = 2;
		p.sites[i].ad_weight = 64;
	}
	for (k = sort_keys; k->name != NULL; k++)
		check_order(&p, k->ad_hoc ? STATS_AD_HOC : STATS_OWN, k->name,
		    want, 4);
	profile_release(&p);
}
END_TEST

START_TEST(test_order_empty)
{
	struct profile p;

	profile_init(&p);
	check_order(&p, STATS_OWN, "bytes", NULL, 0);
	profile_release(&p);
}
END_TEST

/* No site has blocks: nothing is listed, whatever else the stats hold. */
START_TEST(test_order_no_blocks)
{
	struct profile p;
	size_t i;

	build_sites(&p, 3);
	for (i = 0; i < p.nsites; i++)
		set_stats(&p.sites[i].st[STATS_DHAT], 100, 0, 5, 5, 5, 5);
	check_order(&p, STATS_DHAT, "avg-size", NULL, 0);
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


/* --- symbols ------------------------------------------------------------ */

START_TEST(test_alloc_fn_rule)
{
	static const struct {
		const char *name;
		int hidden;
	} t[] = {
		{ "operator new(unsigned long)", 1 },
		{ "operator new[](unsigned long)", 1 },
		{ "operator new(unsigned long, std::align_val_t)", 1 },
		{ "malloc", 1 },
		{ "calloc", 1 },
		{ "std::__new_allocator<int>::allocate(unsigned long, "
		    "void const*)", 1 },
		{ "__gnu_cxx::new_allocator<int>::allocate(unsigned long, "
		    "void const*)", 1 },
		{ "std::allocator_traits<std::allocator<int> >::allocate("
		    "std::allocator<int>&, unsigned long)", 1 },
		{ "std::_Vector_base<int, std::allocator<int> >::_M_allocate("
		    "unsigned long)", 1 },
		{ "std::_Rb_tree<int, int, std::_Identity<int>, std::less<int>, "
		    "std::allocator<int> >::_M_get_node()", 1 },
		{ "void std::vector<int, std::allocator<int> >::"
		    "_M_realloc_insert<int>(__gnu_cxx::__normal_iterator<int*, "
		    "std::vector<int, std::allocator<int> > >, int&&)", 0 },
		{ "std::vector<int, std::allocator<int> >::push_back(int&&)",
		    0 },
		{ "std::__cxx11::basic_string<char, std::char_traits<char>, "
		    "std::allocator<char> >::_M_create(unsigned long&, "
		    "unsigned long)", 0 },
		{ "operator delete(void*)", 0 },
		{ "shapes::make_widget()", 0 },
		{ "my::allocate(unsigned long)", 0 },
		{ "xmalloc", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(report_is_alloc_fn(t[i].name) == t[i].hidden,
		    "'%s' should%s be hidden", t[i].name,
		    t[i].hidden ? "" : " not");
}
END_TEST

START_TEST(test_join_path)
{
	static const char *const t[][3] = {
		{ "/src/build", "../tests/x.c", "/src/tests/x.c" },
		{ "/src", "tests/./progs/x.c", "/src/tests/progs/x.c" },
		{ "/a/b", "c/../../d.c", "/a/d.c" },
		{ "/ignored", "/abs/./x.c", "/abs/x.c" },
		{ "/", "../x.c", "/x.c" },
		{ NULL, "./elf/dl-load.c", "elf/dl-load.c" },
		{ NULL, "../../x.c", "../../x.c" },
		{ NULL, "a/../../x.c", "../x.c" },
		{ "", "x.c", "x.c" },
		{ "/a", ".", "/a" },
		{ NULL, ".", "." },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		got = symbolize_join_path(t[i][0], t[i][1]);
		ck_assert_msg(strcmp(got, t[i][2]) == 0,
		    "'%s' + '%s' gave '%s', want '%s'",
		    t[i][0] ? t[i][0] : "(null)", t[i][1], got, t[i][2]);
		free(got);
	}
}
END_TEST

/*
 * A wrapper called from two places of one caller: frames 0 and 1 are the
 * wrapper (two return addresses), frame 2 and 3 the caller's two calls,
 * frame 4 main; frame 5 is operator new.  Sites: {0,2,4} {1,2,4} {5,0,3,4}.
 */
static void
build_wrapped(struct profile *p)
{
	uint32_t wrap, caller, fmain, opnew, file;
	static const uint32_t stacks[] = { 0, 2, 4, 1, 2, 4, 5, 0, 3, 4 };
	static const uint32_t first[] = { 0, 3, 6 }, nframes[] = { 3, 3, 4 };
	size_t i;

	profile_init(p);
	wrap = profile_string(p, "xmalloc");
	caller = profile_string(p, "_ZN2ns6callerEv");
	fmain = profile_string(p, "main");
	opnew = profile_string(p, "_Znwm");
	file = profile_string(p, "/src/w.c");
	p->nlocs = p->locs_cap = 6;
	p->locs = xcalloc(p->nlocs, sizeof *p->locs);
	p->locs[0] = (struct prof_loc){ wrap, file, 5 };
	p->locs[1] = (struct prof_loc){ wrap, file, 6 };
	p->locs[2] = (struct prof_loc){ caller, file, 10 };
	p->locs[3] = (struct prof_loc){ caller, file, 11 };
	p->locs[4] = (struct prof_loc){ fmain, file, 20 };
	p->locs[5] = (struct prof_loc){ opnew, 0, 0 };
	p->nframes = p->frames_cap = 6;
	p->frames = xcalloc(p->nframes, sizeof *p->frames);
	for (i = 0; i < 6; i++)
		p->frames[i] = (struct prof_frame){ 0, 0x100 * i, (uint32_t)i, 1 };
	p->nstack_frames = p->stack_frames_cap = 10;
	p->stack_frames = xmalloc(sizeof stacks);
	memcpy(p->stack_frames, stacks, sizeof stacks);
	p->nsites = p->sites_cap = 3;
	p->sites = xcalloc(p->nsites, sizeof *p->sites);
	for (i = 0; i < 3; i++) {
		p->sites[i].first = first[i];
		p->sites[i].nframes = nframes[i];
		/*                                tb   tbk  tl  gb  eb  mb */
		set_stats(&p->sites[i].st[STATS_OWN], 100 * (i + 1), i + 1,
		    10, 5 * (i + 1), i, 50 * (i + 1));
	}
}

static const char *
line_fn(struct report_view *v, const struct report_row *r, size_t k)
{
	return report_function(v, v->p->locs[v->lines[r->first + k].loc]
	    .function);
}

START_TEST(test_view_plain)
{
	struct report_opts o = { .sort = NULL };
	struct report_view v;
	struct profile p;

	build_wrapped(&p);
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.nrows, 3);
	/* Site 2 (300 B) first; operator new hidden, the wrapper shown. */
	ck_assert_uint_eq(v.rows[0].st.tb, 300);
	ck_assert_uint_eq(v.rows[0].nlines, 3);
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 0), "xmalloc");
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 1), "ns::caller");
	ck_assert_uint_eq(v.rows[1].st.tb, 200);
	ck_assert_uint_eq(v.rows[2].st.tb, 100);
	report_view_release(&v);

	o.full_names = 1;
	report_view_init(&v, &p, &o);
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 1), "ns::caller()");
	report_view_release(&v);

	o.show_alloc_frames = 1;
	o.raw_names = 1;
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.rows[0].nlines, 4);
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 0), "_Znwm");
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 2), "_ZN2ns6callerEv");
	report_view_release(&v);
	profile_release(&p);
}
END_TEST

START_TEST(test_view_ignore_fn)
{
	static const char *const ign[] = { "x*" };
	static const char *const ign2[] = { "xmalloc", "ns::caller" };
	struct report_opts o = { .sort = NULL, .ignore_fn = ign,
	    .nignore_fn = 1 };
	struct report_view v;
	struct profile p;

	build_wrapped(&p);
	report_view_init(&v, &p, &o);
	/* Sites 0 and 1 differ only in the wrapper's frame: merged. */
	ck_assert_uint_eq(v.nrows, 2);
	ck_assert_uint_eq(v.rows[0].st.tb, 300);	/* 100 + 200 */
	ck_assert_uint_eq(v.rows[0].st.tbk, 3);
	ck_assert_uint_eq(v.rows[0].st.gb, 15);
	ck_assert_uint_eq(v.rows[0].st.mb, 150);	/* sum of the maxima */
	ck_assert_uint_eq(v.rows[0].nsites, 2);
	ck_assert_uint_eq(v.rows[0].nlines, 2);
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 0), "ns::caller");
	ck_assert_uint_eq(v.lines[v.rows[0].first].loc, 2);
	/* Site 2 (also 300 B, later): operator new hidden, wrapper folded. */
	ck_assert_uint_eq(v.rows[1].st.tb, 300);
	ck_assert_uint_eq(v.rows[1].nsites, 1);
	ck_assert_str_eq(line_fn(&v, &v.rows[1], 0), "ns::caller");
	ck_assert_uint_eq(v.lines[v.rows[1].first].loc, 3);
	report_view_release(&v);

	/* Folding the caller too: all three sites are main's one call. */
	o.ignore_fn = ign2;
	o.nignore_fn = 2;
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.nrows, 1);
	ck_assert_uint_eq(v.rows[0].nsites, 3);
	ck_assert_uint_eq(v.rows[0].st.tb, 600);
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 0), "main");
	report_view_release(&v);
	/* Unless operator new is shown: it keeps site 2 apart. */
	o.show_alloc_frames = 1;
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.nrows, 2);
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 0), "main");
	ck_assert_str_eq(line_fn(&v, &v.rows[1], 0), "operator new");
	report_view_release(&v);
	o.show_alloc_frames = 0;

	/* A pattern matching everything still leaves the outermost line. */
	o.ignore_fn = (const char *const[]){ "*" };
	o.nignore_fn = 1;
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.rows[0].nlines, 1);
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 0), "main");
	report_view_release(&v);
	profile_release(&p);
}
END_TEST

/*
 * A fourth site calls the wrapper where site 2 calls operator new, which
 * calls the wrapper: {0,3,4} is what {5,0,3,4} shows with operator new
 * hidden.  Shown alike, the two are one row (DHAT's viewer refuses two
 * program points with the same frames); with the frame shown, two.
 */
START_TEST(test_view_hidden_alike)
{
	static const uint32_t more[] = { 0, 3, 4 };
	struct report_opts o = { .sort = NULL };
	struct report_view v;
	struct profile p;

	build_wrapped(&p);
	p.stack_frames = xrealloc(p.stack_frames, 13 * sizeof *p.stack_frames);
	memcpy(p.stack_frames + 10, more, sizeof more);
	p.nstack_frames = p.stack_frames_cap = 13;
	p.sites = xrealloc(p.sites, 4 * sizeof *p.sites);
	memset(&p.sites[3], 0, sizeof p.sites[3]);
	p.sites[3].first = 10;
	p.sites[3].nframes = 3;
	set_stats(&p.sites[3].st[STATS_OWN], 1000, 4, 10, 0, 0, 500);
	p.nsites = p.sites_cap = 4;
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.nrows, 3);
	ck_assert_uint_eq(v.rows[0].st.tb, 1300);	/* 300 + 1000 */
	ck_assert_uint_eq(v.rows[0].st.tbk, 7);
	ck_assert_uint_eq(v.rows[0].nsites, 2);
	ck_assert_uint_eq(v.rows[0].nlines, 3);
	ck_assert_str_eq(line_fn(&v, &v.rows[0], 0), "xmalloc");
	report_view_release(&v);

	o.show_alloc_frames = 1;
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.nrows, 4);
	ck_assert_uint_eq(v.rows[0].st.tb, 1000);
	ck_assert_uint_eq(v.rows[0].nlines, 3);
	report_view_release(&v);
	profile_release(&p);
}
END_TEST

/*
 * The program's own line of a site: frame 0 is libc's (strdup, with
 * debug information), frame 1 std::vector's growth compiled into the
 * program from a system header, frame 2 the program's grow(), frame 3
 * main, frame 4 the program's without symbols.  Sites: {0,1,2,3},
 * {0,1}, {1,4,3}.
 */
static void
build_own(struct profile *p)
{
	static const uint32_t stacks[] = { 0, 1, 2, 3, 0, 1, 1, 4, 3 };
	static const uint32_t first[] = { 0, 4, 6 }, nframes[] = { 4, 2, 3 };
	uint32_t libc_file, hdr, src;
	size_t i;

	profile_init(p);
	p->nmodules = 2;
	p->modules = xcalloc(2, sizeof *p->modules);
	p->modules[0] = profile_string(p, "/lib/x86_64-linux-gnu/libc.so.6");
	p->modules[1] = profile_string(p, "/src/app");
	libc_file = profile_string(p, "string/strdup.c");
	hdr = profile_string(p, "/usr/include/c++/12/bits/vector.tcc");
	src = profile_string(p, "/src/app.c");
	p->nlocs = p->locs_cap = 4;
	p->locs = xcalloc(p->nlocs, sizeof *p->locs);
	p->locs[0] = (struct prof_loc){ profile_string(p, "strdup"),
	    libc_file, 42 };
	p->locs[1] = (struct prof_loc){ profile_string(p,
	    "std::vector<int>::_M_realloc_insert"), hdr, 453 };
	p->locs[2] = (struct prof_loc){ profile_string(p, "grow"), src, 7 };
	p->locs[3] = (struct prof_loc){ profile_string(p, "main"), src, 20 };
	p->nframes = p->frames_cap = 5;
	p->frames = xcalloc(p->nframes, sizeof *p->frames);
	p->frames[0] = (struct prof_frame){ 1, 0x100, 0, 1 };
	for (i = 1; i < 4; i++)
		p->frames[i] = (struct prof_frame){ 2, 0x100 * i, (uint32_t)i,
		    1 };
	p->frames[4] = (struct prof_frame){ 2, 0x500, 0, 0 };
	p->nstack_frames = p->stack_frames_cap = 9;
	p->stack_frames = xmalloc(sizeof stacks);
	memcpy(p->stack_frames, stacks, sizeof stacks);
	p->nsites = p->sites_cap = 3;
	p->sites = xcalloc(p->nsites, sizeof *p->sites);
	for (i = 0; i < 3; i++) {
		p->sites[i].first = first[i];
		p->sites[i].nframes = nframes[i];
		/*                                tb   tbk  tl  gb  eb  mb */
		set_stats(&p->sites[i].st[STATS_OWN], 300 - 100 * i, 1, 1, 0,
		    0, 300 - 100 * i);
	}
}

START_TEST(test_own_line)
{
	struct report_opts o = { .sort = NULL };
	struct report_view v;
	struct profile p;

	build_own(&p);
	report_view_init(&v, &p, &o);
	ck_assert_uint_eq(v.nrows, 3);
	/* Past libc and the header's template: grow(). */
	ck_assert_uint_eq(report_own_line(&v, &v.rows[0]),
	    v.rows[0].first + 2);
	/* Nothing of the program's: the first line. */
	ck_assert_uint_eq(report_own_line(&v, &v.rows[1]), v.rows[1].first);
	/* The program's frame without symbols is its own code. */
	ck_assert_uint_eq(report_own_line(&v, &v.rows[2]),
	    v.rows[2].first + 1);
	report_view_release(&v);
	profile_release(&p);
}
END_TEST

/* --- untrusted strings ---------------------------------------------------- */

START_TEST(test_escape)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "main (a.c:1)", "main (a.c:1)" },
		{ "a\033[31mb", "a\\x1b[31mb" },
		{ "\r\n\t", "\\r\\n\\t" },
		{ "bel\a", "bel\\x07" },
		{ "del\177", "del\\x7f" },
		{ "caf\303\251", "caf\303\251" },		/* U+00E9 */
		{ "\360\237\230\200", "\360\237\230\200" },	/* U+1F600 */
		{ "\302\240", "\302\240" },			/* U+00A0 */
		{ "csi\302\233", "csi\\xc2\\x9b" },	/* U+009B, C1 */
		{ "\377x", "\\xffx" },
		{ "\342\202", "\\xe2\\x82" },		/* cut short */
		{ "\300\257", "\\xc0\\xaf" },		/* overlong '/' */
		{ "\355\240\200", "\\xed\\xa0\\x80" },	/* surrogate */
		/* Above U+10FFFF. */
		{ "\364\220\200\200", "\\xf4\\x90\\x80\\x80" },
		{ "\\x1b", "\\x1b" },
	};
	size_t i;
	char *e;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		e = report_escape(cases[i].in);
		ck_assert_msg(strcmp(e, cases[i].out) == 0,
		    "case %zu: got \"%s\", want \"%s\"", i, e, cases[i].out);
		free(e);
	}
}
END_TEST

/*
 * A profile whose strings hold what a terminal obeys: an escape sequence
 * and CR/LF in the command line, a function name, a file name and the
 * path of a module without symbols.
 */
static void
build_hostile(struct profile *p)
{
	uint32_t fn, file;
	size_t i;

	profile_init(p);
	p->command = profile_string(p, "./evil \033]0;pwned\a\r\nx");
	p->start_time = 1700000000;
	fn = profile_string(p, "fn\033[2J");
	file = profile_string(p, "/src/a\nb\377.c");
	p->nmodules = 1;
	p->modules = xmalloc(sizeof *p->modules);
	p->modules[0] = profile_string(p, "/lib/\033[31mlib\302\233.so");
	p->module_flags = xcalloc(1, sizeof *p->module_flags);
	p->module_flags[0] = PROF_MODULE_UNREADABLE;
	p->nlocs = p->locs_cap = 1;
	p->locs = xcalloc(1, sizeof *p->locs);
	p->locs[0] = (struct prof_loc){ fn, file, 7 };
	p->nframes = p->frames_cap = 2;
	p->frames = xcalloc(2, sizeof *p->frames);
	p->frames[0] = (struct prof_frame){ 0, 0x1000, 0, 1 };
	p->frames[1] = (struct prof_frame){ 1, 0x2a, 0, 0 };
	p->nstack_frames = p->stack_frames_cap = 2;
	p->stack_frames = xcalloc(2, sizeof *p->stack_frames);
	p->stack_frames[1] = 1;
	p->nsites = p->sites_cap = 1;
	p->sites = xcalloc(1, sizeof *p->sites);
	p->sites[0].nframes = 2;
	for (i = 0; i < STATS_N; i++)
		set_stats(&p->sites[0].st[i], 64, 1, 10, 64, 64, 64);
}

/* What a formatter writes for p, as one string; the caller frees. */
static char *
formatted(void (*fmt)(FILE *, const struct profile *,
    const struct report_opts *), const struct profile *p)
{
	struct report_opts o = { .sort = NULL, .depth = 0,
	    .full_paths = 1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fmt(f, p, &o);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* No byte a terminal acts on but the newline, nor a stray non-UTF-8. */
static void
expect_printable(const char *out)
{
	const char *c = out;
	size_t k;

	while (*c != '\0') {
		k = *c == '\n' ? 1 : report_char_len(c);
		ck_assert_msg(k != 0, "raw byte 0x%02x at offset %td of:\n%s",
		    (unsigned char)*c, c - out, out);
		c += k;
	}
}

START_TEST(test_text_escapes)
{
	struct profile p;
	char *out;

	build_hostile(&p);
	out = formatted(fmt_text, &p);
	expect_printable(out);
	ck_assert_msg(strstr(out,
	    "command:  ./evil \\x1b]0;pwned\\x07\\r\\nx\n") != NULL, "%s",
	    out);
	ck_assert_msg(strstr(out, "    fn\\x1b[2J (/src/a\\nb\\xff.c:7)\n") !=
	    NULL, "%s", out);
	ck_assert_msg(strstr(out, "    \\x1b[31mlib\\xc2\\x9b.so+0x2a\n") !=
	    NULL, "%s", out);
	free(out);
	profile_release(&p);
}
END_TEST

/* The warning about a module without symbols, on stderr, too. */
START_TEST(test_warning_escapes)
{
	struct profile p;
	char buf[512];
	FILE *f = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
	build_hostile(&p);
	report_module_warnings(&p);
	fflush(stderr);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	expect_printable(buf);
	ck_assert_msg(strstr(buf, "warning: no symbols for "
	    "/lib/\\x1b[31mlib\\xc2\\x9b.so (") != NULL, "%s", buf);
	fclose(f);
	profile_release(&p);
}
END_TEST

/*
 * JSON escapes every control character, C1 and DEL included, and JSON
 * text is UTF-8: a byte outside a valid sequence is written as the
 * character of its value.
 */
START_TEST(test_dhat_escapes)
{
	struct profile p;
	char *out;

	build_hostile(&p);
	p.command = profile_string(&p,
	    "./evil \033\177\302\233\377 caf\303\251");
	out = formatted(fmt_dhat, &p);
	expect_printable(out);
	ck_assert_msg(strstr(out, "\"cmd\":\"./evil \\u001b\\u007f\\u009b"
	    "\\u00ff caf\303\251\"") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "fn\\u001b[2J (/src/a\\u000ab\\u00ff.c:7)")
	    != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\\u001b[31mlib\\u009b.so+0x2a") != NULL,
	    "%s", out);
	free(out);
	profile_release(&p);
}
END_TEST

/*
 * Folded stacks: a frame's name escaped as the text report escapes it, so
 * no newline splits a line, and the separator ';' written as \x3b.
 */
START_TEST(test_folded_escapes)
{
	struct profile p;
	char *out;

	build_hostile(&p);
	p.locs[0].function = profile_string(&p, "a;b\nc");
	out = formatted(fmt_folded, &p);
	expect_printable(out);
	ck_assert_str_eq(out, "\\x1b[31mlib\\xc2\\x9b.so+0x2a;a\\x3bb\\nc 64\n");
	free(out);
	profile_release(&p);
}
END_TEST

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;

	for (s = strstr(s, what); s != NULL; s = strstr(s + 1, what))
		n++;
	return n;
}

/*
 * The HTML report's data sits in a <script> element: nothing in a string
 * can end it ("</script>" as \u003c/script\u003e) or open a comment, and
 * control characters are \u escapes.
 */
START_TEST(test_html_escapes)
{
	extern const char report_template[];
	struct profile p;
	char *out;

	build_hostile(&p);
	p.command = profile_string(&p, "</script><script>alert(1)</script>");
	p.locs[0].function = profile_string(&p, "<!--\033\342\200\250");
	out = formatted(fmt_html, &p);
	ck_assert_uint_eq(count(out, "</script>"),
	    count(report_template, "</script>"));
	ck_assert_uint_eq(count(out, "<!--"), count(report_template, "<!--"));
	ck_assert_ptr_null(strchr(out, '\033'));
	ck_assert_msg(strstr(out, "\"command\":\"\\u003c/script\\u003e"
	    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"") != NULL,
	    "%s", out);
	ck_assert_msg(strstr(out, "{\"f\":\"\\u003c!--\\u001b\\u2028\","
	    "\"w\":\"/src/a\\u000ab\\u00ff.c:7\"}") != NULL, "%s", out);
	free(out);
	profile_release(&p);
}
END_TEST

/*
 * A start time that is no date localtime_r can give (the profile is not
 * trusted) is shown as its number, not passed on as NULL to strftime.
 */
START_TEST(test_text_start_time)
{
	static const int64_t bad[] = {
		INT64_MAX, INT64_MIN, (int64_t)1 << 56, -((int64_t)1 << 60),
	};
	char want[96], *out;
	struct profile p;
	size_t i;

	build_hostile(&p);
	out = formatted(fmt_text, &p);
	ck_assert_msg(strstr(out, ", started 20") != NULL, "%s", out);
	free(out);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p.start_time = bad[i];
		out = formatted(fmt_text, &p);
		snprintf(want, sizeof want, ", started at Unix time %" PRId64
		    ", ran ", bad[i]);
		ck_assert_msg(strstr(out, want) != NULL, "%s", out);
		free(out);
	}
	profile_release(&p);
}
END_TEST

/*
 * A string from the profile is a code span in its table cell: '|' does
 * not end the cell, backticks do not end the span, nothing is Markdown,
 * control characters are escaped.
 */
START_TEST(test_markdown_escapes)
{
	static const struct {
		const char *command, *cell;
	} cases[] = {
		{ "./evil \033]0;pwned\a\r\nx",
		    "| Command | `./evil \\x1b]0;pwned\\x07\\r\\nx` |\n" },
		{ "a|b *c* <i>", "| Command | `a\\|b *c* <i>` |\n" },
		{ "a ``b` c", "| Command | ```a ``b` c``` |\n" },
		{ "`x`", "| Command | `` `x` `` |\n" },
		{ " x ", "| Command | `  x  ` |\n" },
		{ "a\\|b", "| Command | `a\\x5c\\|b` |\n" },
	};
	struct profile p;
	size_t i;
	char *out;

	build_hostile(&p);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		p.command = profile_string(&p, cases[i].command);
		out = formatted(fmt_markdown, &p);
		expect_printable(out);
		ck_assert_msg(strstr(out, cases[i].cell) != NULL,
		    "case %zu: no \"%s\" in:\n%s", i, cases[i].cell, out);
		if (i == 0)
			ck_assert_msg(strstr(out, "| 1 | `fn\\x1b[2J` "
			    "(`/src/a\\nb\\xff.c:7`) | 1 | 64 B | 64 B |\n")
			    != NULL, "%s", out);
		free(out);
	}
	profile_release(&p);
}
END_TEST

/* The markdown report's date is UTC whatever TZ says. */
START_TEST(test_format_time)
{
	char buf[64];

	format_time(buf, sizeof buf, 0, 1);
	ck_assert_str_eq(buf, "1970-01-01 00:00:00 UTC");
	format_time(buf, sizeof buf, 1764474201, 1);
	ck_assert_str_eq(buf, "2025-11-30 03:43:21 UTC");
	format_time(buf, sizeof buf, INT64_MAX, 1);
	ck_assert_str_eq(buf, "at Unix time 9223372036854775807");
}
END_TEST

Suite *
make_report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_sort_key_find);
	tcase_add_test(tc, test_sort_list);
	tcase_add_test(tc, test_help_lists);
	tcase_add_test(tc, test_formatter_find);
	tcase_add_test(tc, test_format_size);
	tcase_add_test(tc, test_format_duration);
	tcase_add_test(tc, test_format_time);
	tcase_add_test(tc, test_frame_raw);
	tcase_add_test(tc, test_frame_raw_bare_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("Order");
	tcase_add_test(tc, test_order_own);
	tcase_add_test(tc, test_order_dhat);
	tcase_add_test(tc, test_order_ad_hoc);
	tcase_add_test(tc, test_order_percentiles);
	tcase_add_test(tc, test_order_ties_by_index);
	suite_add_tcase(s, tc);

	tc = tcase_create("Symbols");
	tcase_add_test(tc, test_alloc_fn_rule);
	tcase_add_test(tc, test_join_path);
	tcase_add_test(tc, test_view_plain);
	tcase_add_test(tc, test_view_ignore_fn);
	tcase_add_test(tc, test_view_hidden_alike);
	tcase_add_test(tc, test_own_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, test_format_extremes);
	tcase_add_test(tc, test_format_short_buffer);
	tcase_add_test(tc, test_order_empty);
	tcase_add_test(tc, test_order_no_blocks);
	tcase_add_test(tc, test_frame_raw_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("Errors");
	tcase_add_test(tc, test_sort_key_find_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("Untrusted");
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_text_escapes);
	tcase_add_test(tc, test_warning_escapes);
	tcase_add_test(tc, test_dhat_escapes);
	tcase_add_test(tc, test_folded_escapes);
	tcase_add_test(tc, test_html_escapes);
	tcase_add_test(tc, test_text_start_time);
	tcase_add_test(tc, test_markdown_escapes);
	suite_add_tcase(s, tc);
	return s;
}
