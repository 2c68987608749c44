/* SPDX-License-Identifier: MIT */
/*
 * check_symcache.c - src/symmemo.c and src/symcache.c: the memo keeps an
 * offset's first frames; a cache file read back gives the frames saved,
 * merged with what another run saved; a file with any byte changed, cut
 * short, about another key, or with counts and lengths that do not hold
 * is ignored as a whole; a file stays under its size bound; a directory
 * that cannot be written leaves the memo as it was; and the upkeep
 * removes what is old, then the least recently used over the bound.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "check_heapprof.h"
#include "symcache.h"
#include "symmemo.h"

#define NAME	"0011223344556677-0123456789abcdef.syms"
#define KEY	"heapprof symbols\nobject /x/prog 1 2.000000003\n"

static void
tmpdir_setup(void)
{
	scratch_make("symcache");
}

static struct symobj *
new_obj(struct symmemo *m, const char *key)
{
	struct stat st;
	struct symobj *o;

	memset(&st, 0, sizeof st);
	o = symmemo_obj(m, "/x/prog", &st);
	o->cache_name = strdup(NAME);
	o->cache_key = strdup(key);
	o->cache_tried = 1;
	return o;
}

static void
add3(struct symobj *o)
{
	struct symloc a[2] = {
		{ "inner", "/src/a.c", 10 },
		{ "outer", "/src/b.c", 20 },
	};
	struct symloc b[1] = { { NULL, NULL, 0 } };
	struct symloc c[1] = { { "_Z1fv", NULL, 0 } };

	symmemo_add(o, 0x1000, a, 2, 1);
	symmemo_add(o, 0x2000, b, 1, 1);
	symmemo_add(o, 0x3000, c, 1, 1);
}

static void
expect_loc(const struct symloc *l, const char *fn, const char *file,
    uint32_t line)
{
	if (fn == NULL)
		ck_assert_ptr_null(l->function);
	else
		ck_assert_str_eq(l->function, fn);
	if (file == NULL)
		ck_assert_ptr_null(l->file);
	else
		ck_assert_str_eq(l->file, file);
	ck_assert_uint_eq(l->line, line);
}

static void
expect3(const struct symobj *o)
{
	const struct symentry *e;

	ck_assert_ptr_nonnull(e = symmemo_find(o, 0x1000));
	ck_assert_uint_eq(e->n, 2);
	expect_loc(&o->locs[e->first], "inner", "/src/a.c", 10);
	expect_loc(&o->locs[e->first + 1], "outer", "/src/b.c", 20);
	ck_assert_ptr_nonnull(e = symmemo_find(o, 0x2000));
	ck_assert_uint_eq(e->n, 1);
	expect_loc(&o->locs[e->first], NULL, NULL, 0);
	ck_assert_ptr_nonnull(e = symmemo_find(o, 0x3000));
	expect_loc(&o->locs[e->first], "_Z1fv", NULL, 0);
	ck_assert_ptr_null(symmemo_find(o, 0x4000));
}

static char *
file_path(void)
{
	char *p = malloc(strlen(scratch_dir) + sizeof "/" NAME);

	sprintf(p, "%s/%s", scratch_dir, NAME);
	return p;
}

static unsigned char *
slurp(size_t *len)
{
	char *path = file_path();
	FILE *f = fopen(path, "rb");
	unsigned char *data;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	free(path);
	*len = (size_t)n;
	return data;
}

static void
spill(const unsigned char *data, size_t len)
{
	char *path = file_path();
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	free(path);
}

/* What a fresh object with key finds on disk: -1 or the entry count. */
static int
load_count(const char *key)
{
	struct symmemo m;
	struct symobj *o;
	int n;

	symmemo_init(&m);
	o = new_obj(&m, key);
	n = symcache_load(scratch_dir, o);
	if (n < 0)
		ck_assert_uint_eq(o->nents, 0);
	symmemo_release(&m);
	return n;
}

/* --- Memo ----------------------------------------------------------------- */

START_TEST(test_memo_first_wins)
{
	struct symmemo m;
	struct symobj *o;
	struct symloc x = { "second", NULL, 1 };
	struct stat st;
	size_t i;

	symmemo_init(&m);
	o = new_obj(&m, KEY);
	add3(o);
	symmemo_add(o, 0x1000, &x, 1, 1);
	expect3(o);
	/* Past a few rehashes. */
	for (i = 0; i < 1000; i++)
		symmemo_add(o, 0x10000 + i, &x, 1, 1);
	expect3(o);
	ck_assert_uint_eq(o->nents, 1003);
	/* Another file under the same path is another object. */
	memset(&st, 0, sizeof st);
	ck_assert_ptr_eq(symmemo_obj(&m, "/x/prog", &st), o);
	st.st_mtim.tv_nsec = 1;
	ck_assert_ptr_ne(symmemo_obj(&m, "/x/prog", &st), o);
	symmemo_release(&m);
}
END_TEST

/* --- File ----------------------------------------------------------------- */

START_TEST(test_round_trip)
{
	struct symmemo m;
	struct symobj *o;

	symmemo_init(&m);
	o = new_obj(&m, KEY);
	add3(o);
	ck_assert_int_eq(symcache_save(scratch_dir, o), 0);
	ck_assert_int_eq(o->dirty, 0);
	symmemo_release(&m);

	symmemo_init(&m);
	o = new_obj(&m, KEY);
	ck_assert_int_eq(symcache_load(scratch_dir, o), 3);
	ck_assert_int_eq(o->dirty, 0);
	expect3(o);
	symmemo_release(&m);
	/* A file about another object (key) is not this one's. */
	ck_assert_int_eq(load_count(KEY "x"), -1);
	ck_assert_int_eq(load_count("heapprof symbols\n"), -1);
}
END_TEST

START_TEST(test_merge)
{
	struct symmemo m;
	struct symobj *o;
	struct symloc x = { "other", "/o.c", 3 };

	symmemo_init(&m);
	o = new_obj(&m, KEY);
	add3(o);
	ck_assert_int_eq(symcache_save(scratch_dir, o), 0);
	symmemo_release(&m);
	/* Another run, which resolved one more address. */
	symmemo_init(&m);
	o = new_obj(&m, KEY);
	symmemo_add(o, 0x5000, &x, 1, 1);
	ck_assert_int_eq(symcache_save(scratch_dir, o), 0);
	symmemo_release(&m);

	symmemo_init(&m);
	o = new_obj(&m, KEY);
	ck_assert_int_eq(symcache_load(scratch_dir, o), 4);
	expect3(o);
	ck_assert_ptr_nonnull(symmemo_find(o, 0x5000));
	symmemo_release(&m);
}
END_TEST

static void
save3(void)
{
	struct symmemo m;

	symmemo_init(&m);
	add3(new_obj(&m, KEY));
	ck_assert_int_eq(symcache_save(scratch_dir, m.objs[0]), 0);
	symmemo_release(&m);
}

START_TEST(test_any_byte_changed)
{
	unsigned char *data;
	size_t len, i;

	save3();
	data = slurp(&len);
	for (i = 0; i < len; i++) {
		data[i] ^= 0x20;
		spill(data, len);
		ck_assert_msg(load_count(KEY) == -1, "byte %zu changed: used",
		    i);
		data[i] ^= 0x20;
	}
	spill(data, len);
	ck_assert_int_eq(load_count(KEY), 3);
	free(data);
}
END_TEST

START_TEST(test_cut_short)
{
	unsigned char *data;
	size_t len, i;

	save3();
	data = slurp(&len);
	for (i = 0; i < len; i++) {
		spill(data, i);
		ck_assert_msg(load_count(KEY) == -1, "cut at %zu: used", i);
	}
	/* And one byte too many. */
	data = realloc(data, len + 1);
	data[len] = 0;
	spill(data, len + 1);
	ck_assert_int_eq(load_count(KEY), -1);
	free(data);
}
END_TEST

/*
 * Make data's checksum right again, so that what is checked next is the
 * contents: "HPSYMS1\n", crc, length.
 */
static void
fix_crc(unsigned char *data, size_t len)
{
	uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), data + 16,
	    (uInt)(len - 16));

	memcpy(data + 8, &crc, 4);
}

static void
put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

START_TEST(test_counts_checked)
{
	unsigned char *data;
	size_t len, klen = strlen(KEY);
	/* Offsets: key length at 16, entries count after the key. */
	size_t nents = 20 + klen, first = nents + 4;
	size_t nlocs = first + 8, fnlen = nlocs + 8;

	save3();
	data = slurp(&len);
	fix_crc(data, len);
	spill(data, len);
	ck_assert_int_eq(load_count(KEY), 3);

	put32(data + nents, 4);	/* one entry more than there is */
	fix_crc(data, len);
	spill(data, len);
	ck_assert_int_eq(load_count(KEY), -1);
	put32(data + nents, 0xffffffff);
	fix_crc(data, len);
	spill(data, len);
	ck_assert_int_eq(load_count(KEY), -1);
	put32(data + nents, 3);

	put32(data + nlocs, SYMCACHE_MAX_LOCS + 1);
	fix_crc(data, len);
	spill(data, len);
	ck_assert_int_eq(load_count(KEY), -1);
	put32(data + nlocs, 2);

	put32(data + fnlen, 0xfffffffe);	/* past the end */
	fix_crc(data, len);
	spill(data, len);
	ck_assert_int_eq(load_count(KEY), -1);
	put32(data + fnlen, 5);

	data[fnlen + 4 + 2] = '\0';		/* "in\0er" */
	fix_crc(data, len);
	spill(data, len);
	ck_assert_int_eq(load_count(KEY), -1);
	data[fnlen + 4 + 2] = 'n';

	fix_crc(data, len);
	spill(data, len);
	ck_assert_int_eq(load_count(KEY), 3);
	free(data);
}
END_TEST

START_TEST(test_bounded)
{
	struct symmemo m;
	struct symobj *o;
	struct symloc x = { NULL, NULL, 1 };
	char *name = malloc(4097), *path;
	struct stat st;
	size_t i, n = SYMCACHE_MAX_FILE / 4096 + 100;
	int got;

	memset(name, 'f', 4096);
	name[4096] = '\0';
	x.function = name;
	symmemo_init(&m);
	o = new_obj(&m, KEY);
	for (i = 0; i < n; i++)
		symmemo_add(o, i, &x, 1, 1);
	ck_assert_int_eq(symcache_save(scratch_dir, o), 0);
	symmemo_release(&m);
	path = file_path();
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_le((size_t)st.st_size, SYMCACHE_MAX_FILE);
	ck_assert_uint_gt((size_t)st.st_size, SYMCACHE_MAX_FILE - 5000);
	got = load_count(KEY);
	ck_assert_int_gt(got, 0);
	ck_assert_int_lt(got, (int)n);
	free(path);
	free(name);
}
END_TEST

/* An address whose name load would refuse is left out, not the file. */
START_TEST(test_long_name_left_out)
{
	struct symmemo m;
	struct symobj *o;
	struct symloc x = { NULL, NULL, 7 };
	char *name = malloc(SYMCACHE_MAX_STRING + 2);

	memset(name, 'n', SYMCACHE_MAX_STRING + 1);
	name[SYMCACHE_MAX_STRING + 1] = '\0';
	x.function = name;
	symmemo_init(&m);
	o = new_obj(&m, KEY);
	add3(o);
	symmemo_add(o, 0x9000, &x, 1, 1);
	ck_assert_int_eq(symcache_save(scratch_dir, o), 0);
	symmemo_release(&m);
	ck_assert_int_eq(load_count(KEY), 3);
	free(name);
}
END_TEST

START_TEST(test_cannot_write)
{
	struct symmemo m;
	struct symobj *o;
	char *file = scratch_path("file"), *dir;
	FILE *f = fopen(file, "w");

	ck_assert_ptr_nonnull(f);
	fclose(f);
	dir = malloc(strlen(file) + sizeof "/symbols");
	sprintf(dir, "%s/symbols", file);
	symmemo_init(&m);
	o = new_obj(&m, KEY);
	add3(o);
	ck_assert_int_eq(symcache_save(dir, o), -1);
	ck_assert_int_eq(o->dirty, 1);
	expect3(o);
	ck_assert_int_eq(symcache_load(dir, o), -1);
	symmemo_release(&m);
	free(dir);
}
END_TEST

/* --- Clean ---------------------------------------------------------------- */

static void
make_file(const char *name, size_t size, time_t mtime)
{
	char *path = scratch_path(name);
	FILE *f = fopen(path, "w");
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };

	ck_assert_ptr_nonnull(f);
	while (size-- > 0)
		fputc('x', f);
	fclose(f);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static int
exists(const char *name)
{
	char *path = scratch_path(name);
	return access(path, F_OK) == 0;
}

#define F(c)	"aabbccdd-000000000000000" c ".syms"

START_TEST(test_clean)
{
	time_t now = 1700000000;

	make_file(F("1"), 100, now - 8 * 24 * 3600);	/* unused a week */
	make_file(F("2"), 100, now - 3 * 3600);		/* least recent */
	make_file(F("3"), 100, now - 2 * 3600);
	make_file(F("4"), 100, now - 3600);
	make_file(F("5") ".Ab12Cd", 10, now - 2 * 3600);	/* abandoned */
	make_file(F("6") ".Ab12Cd", 10, now - 60);	/* being written */
	make_file("other", 1000, now - 30 * 24 * 3600);
	symcache_clean(scratch_dir, now, 200);
	ck_assert(!exists(F("1")));
	ck_assert(!exists(F("2")));
	ck_assert(exists(F("3")));
	ck_assert(exists(F("4")));
	ck_assert(!exists(F("5") ".Ab12Cd"));
	ck_assert(exists(F("6") ".Ab12Cd"));
	ck_assert(exists("other"));
	/* Once a day: a run an hour later leaves what it finds. */
	symcache_clean(scratch_dir, now + 3600, 0);
	ck_assert(exists(F("3")));
	symcache_clean(scratch_dir, now + 25 * 3600, 0);
	ck_assert(!exists(F("3")));
	ck_assert(!exists(F("4")));
}
END_TEST

START_TEST(test_dir)
{
	char *dir;

	setenv("HEAPPROF_CACHE_DIR", "", 1);
	ck_assert_ptr_null(symcache_dir());
	unsetenv("HEAPPROF_CACHE_DIR");
	setenv("XDG_CACHE_HOME", "/x", 1);
	setenv("HOME", "/h", 1);
	dir = symcache_dir();
	ck_assert_str_eq(dir, "/x/heapprof/symbols");
	free(dir);
	unsetenv("XDG_CACHE_HOME");
	dir = symcache_dir();
	ck_assert_str_eq(dir, "/h/.cache/heapprof/symbols");
	free(dir);
}
END_TEST

Suite *
make_symcache_suite(void)
{
	Suite *s = suite_create("symcache");
	TCase *tc;

	tc = tcase_create("Memo");
	tcase_add_test(tc, test_memo_first_wins);
	tcase_add_test(tc, test_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("File");
	tcase_add_checked_fixture(tc, tmpdir_setup, scratch_remove);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_any_byte_changed);
	tcase_add_test(tc, test_cut_short);
	tcase_add_test(tc, test_counts_checked);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_long_name_left_out);
	tcase_add_test(tc, test_cannot_write);
	suite_add_tcase(s, tc);

	tc = tcase_create("Clean");
	tcase_add_checked_fixture(tc, tmpdir_setup, scratch_remove);
	tcase_add_test(tc, test_clean);
	suite_add_tcase(s, tc);
	return s;
}
