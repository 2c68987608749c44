/* SPDX-License-Identifier: MIT */
/*
 * check_profile.c - the profile file (src/profile.c): string interning,
 * a write/read round trip of every field, older format versions, and the
 * reader's refusal of missing, foreign, truncated, newer and corrupted
 * files (the compressed body included) with a message instead of a crash.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include "check_heapprof.h"
#include "profile.h"
#include "xmalloc.h"

static void
tmpdir_setup(void)
{
	scratch_make("profile");
}

/* Names in dir other than . and .., joined by spaces. */
static size_t
dir_entries(const char *dir, char *names, size_t len)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	names[0] = '\0';
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		strncat(names, de->d_name, len - strlen(names) - 1);
		strncat(names, " ", len - strlen(names) - 1);
	}
	closedir(d);
	return n;
}

/* Each write test looks at a directory of its own, empty to start with. */
static const char *
fresh_dir(const char *name)
{
	const char *dir = scratch_path(name);

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	return dir;
}

static void
write_file(const char *path, const void *data, size_t len)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

/* The whole file; the caller frees. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char *data;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	data = xmalloc((size_t)st.st_size);
	ck_assert_int_eq(read(fd, data, (size_t)st.st_size),
	    (ssize_t)st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return data;
}

/* Version 3's header (profile.c): magic, version, compression, lengths. */
#define HEADER_LEN	32

static uint32_t
get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint64_t
get_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
put_le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* The body of a version 3 file, inflated; the caller frees. */
static unsigned char *
body_of(const unsigned char *file, size_t len, size_t *blen)
{
	unsigned char *body;
	uLongf n;

	ck_assert_uint_ge(len, HEADER_LEN);
	n = (uLongf)get_le64(file + 16);
	ck_assert_uint_eq(get_le64(file + 24), len - HEADER_LEN);
	body = xmalloc(n);
	ck_assert_int_eq(uncompress(body, &n, file + HEADER_LEN,
	    len - HEADER_LEN), Z_OK);
	ck_assert_uint_eq(n, get_le64(file + 16));
	*blen = n;
	return body;
}

/*
 * A file of the given version holding body: compressed behind version
 * 3's header, or as is behind versions 1 and 2's.  The caller frees.
 */
static unsigned char *
file_of(uint32_t version, const unsigned char *body, size_t blen,
    size_t *len)
{
	size_t head = version >= 3 ? HEADER_LEN : 12;
	uLongf zlen = compressBound(blen);
	unsigned char *file = xmalloc(head + zlen);

	memcpy(file, "HEAPPROF", 8);
	file[8] = (unsigned char)version;
	file[9] = file[10] = file[11] = 0;
	if (version < 3) {
		memcpy(file + head, body, blen);
		*len = head + blen;
		return file;
	}
	ck_assert_int_eq(compress(file + head, &zlen, body, blen), Z_OK);
	memcpy(file + 12, "\1\0\0\0", 4);
	put_le64(file + 16, blen);
	put_le64(file + 24, zlen);
	*len = head + zlen;
	return file;
}

/*
 * A small profile touching every table: two modules, inline chains, a
 * frame without a module, a truncated site, and values that need all 64
 * bits so a narrowed field would show.
 */
static void
build_profile(struct profile *p)
{
	uint32_t libc, prog, fmain, falloc, finl, file_c, file_h;
	size_t i, k;

	profile_init(p);
	p->command = profile_string(p, "./prog --size 10");
	libc = profile_string(p, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	prog = profile_string(p, "/home/u/prog");
	fmain = profile_string(p, "main");
	falloc = profile_string(p, "make_buffer");
	finl = profile_string(p, "inlined_helper");
	file_c = profile_string(p, "prog.c");
	file_h = profile_string(p, "helper.h");

	p->pid = 4242;
	p->start_time = 1700000000;
	p->duration = 0x123456789abULL;
	p->exit_code = -1;
	p->exit_signal = 9;
	p->total_bytes = 0x1122334455667788ULL;
	p->total_blocks = 1000001;
	p->peak_bytes = 0x8000000000000001ULL;
	p->peak_blocks = 77;
	p->peak_time = 0xffffffff01ULL;
	p->end_bytes = 4096;
	p->end_blocks = 3;
	p->events = 2000002;
	p->anomalies.unknown_free = 1;
	p->anomalies.unknown_realloc = 2;
	p->anomalies.live_realloc = 3;
	p->anomalies.bad_record = 4;
	p->anomalies.unwind_mismatch = 5;
	p->anomalies.nested = 6;
	p->failed_asserts = 0x100000003ULL;
	p->nfailures = 2;
	p->failures = xmalloc(p->nfailures * sizeof *p->failures);
	p->failures[0] = profile_string(p, "t.c:9: heapprof assertion failed");
	p->failures[1] = file_h;
	p->mode = PROF_MODE_AD_HOC;
	p->ad_events = 0x200000005ULL;
	p->ad_weight = 0xfedcba9876543210ULL;

	p->nmodules = 2;
	p->modules = xmalloc(p->nmodules * sizeof *p->modules);
	p->modules[0] = prog;
	p->modules[1] = libc;
	p->module_flags = xmalloc(p->nmodules * sizeof *p->module_flags);
	p->module_flags[0] = PROF_MODULE_CHANGED;
	p->module_flags[1] = 0;

	p->nlocs = p->locs_cap = 3;
	p->locs = xmalloc(p->nlocs * sizeof *p->locs);
	p->locs[0] = (struct prof_loc){ finl, file_h, 12 };
	p->locs[1] = (struct prof_loc){ falloc, file_c, 40 };
	p->locs[2] = (struct prof_loc){ fmain, file_c, 0xfffffff0u };

	p->nframes = p->frames_cap = 4;
	p->frames = xmalloc(p->nframes * sizeof *p->frames);
	p->frames[0] = (struct prof_frame){ 1, 0x1234, 0, 2 };
	p->frames[1] = (struct prof_frame){ 1, 0x5678, 2, 1 };
	p->frames[2] = (struct prof_frame){ 2, 0x29dc0, 0, 0 };
	p->frames[3] = (struct prof_frame){ 0, 0xdeadbeefcafeULL, 0, 0 };

	p->nstack_frames = p->stack_frames_cap = 6;
	p->stack_frames = xmalloc(p->nstack_frames * sizeof *p->stack_frames);
	p->stack_frames[0] = 0;
	p->stack_frames[1] = 1;
	p->stack_frames[2] = 2;
	p->stack_frames[3] = 3;
	p->stack_frames[4] = 1;
	p->stack_frames[5] = 2;

	p->nsites = p->sites_cap = 3;
	p->sites = xcalloc(p->nsites, sizeof *p->sites);
	p->sites[0].first = 0;
	p->sites[0].nframes = 3;
	p->sites[1].first = 3;
	p->sites[1].nframes = 3;
	p->sites[1].flags = PROF_SITE_TRUNCATED;
	p->sites[2].first = 6;		/* an empty stack, at the very end */
	p->sites[2].nframes = 0;
	for (i = 0; i < p->nsites; i++) {
		for (k = 0; k < STATS_N; k++) {
			uint64_t base = (uint64_t)(i * 2 + k + 1) << 40;
			struct prof_stats *s = &p->sites[i].st[k];

			s->tb = base + 1;
			s->tbk = base + 2;
			s->tl = base + 3;
			s->mb = base + 4;
			s->mbk = base + 5;
			s->gb = base + 6;
			s->gbk = base + 7;
			s->eb = base + 8;
			s->ebk = base + 9;
		}
		p->sites[i].ad_events = ((uint64_t)i << 36) + 10;
		p->sites[i].ad_weight = ((uint64_t)i << 52) + 11;
		/* Empty buckets, full ones, the first and the last. */
		for (k = 0; k < DIST_BUCKETS; k += i + 1) {
			p->sites[i].dist.size[k] = ((uint32_t)k << 26) + i + 1;
			p->sites[i].dist.life[DIST_BUCKETS - 1 - k] = k + i;
		}
	}
	p->sites[1].dist.life[5] = DIST_MAX;
	p->has_dist = 1;
	p->tick_num = 1000000000;
	p->tick_den = 2994374000ULL;
	p->ntimeline = 4;
	p->timeline = xmalloc(p->ntimeline * sizeof *p->timeline);
	p->timeline[0] = (struct prof_point){ 0, 0, 0 };
	p->timeline[1] = (struct prof_point){ 0x10000, 16, 0x8000000000000001ULL };
	p->timeline[2] = (struct prof_point){ 0x10000, 7, 7 };
	p->timeline[3] = (struct prof_point){ 0x123456789abULL, 4096, 4096 };
}

static void
expect_same(const struct profile *a, const struct profile *b)
{
	size_t i, k;

	ck_assert_uint_eq(a->command, b->command);
	ck_assert_uint_eq(a->pid, b->pid);
	ck_assert_int_eq(a->start_time, b->start_time);
	ck_assert_uint_eq(a->duration, b->duration);
	ck_assert_int_eq(a->exit_code, b->exit_code);
	ck_assert_int_eq(a->exit_signal, b->exit_signal);
	ck_assert_uint_eq(a->total_bytes, b->total_bytes);
	ck_assert_uint_eq(a->total_blocks, b->total_blocks);
	ck_assert_uint_eq(a->peak_bytes, b->peak_bytes);
	ck_assert_uint_eq(a->peak_blocks, b->peak_blocks);
	ck_assert_uint_eq(a->peak_time, b->peak_time);
	ck_assert_uint_eq(a->end_bytes, b->end_bytes);
	ck_assert_uint_eq(a->end_blocks, b->end_blocks);
	ck_assert_uint_eq(a->events, b->events);
	ck_assert_uint_eq(a->anomalies.unknown_free, b->anomalies.unknown_free);
	ck_assert_uint_eq(a->anomalies.unknown_realloc,
	    b->anomalies.unknown_realloc);
	ck_assert_uint_eq(a->anomalies.live_realloc, b->anomalies.live_realloc);
	ck_assert_uint_eq(a->anomalies.bad_record, b->anomalies.bad_record);
	ck_assert_uint_eq(a->anomalies.unwind_mismatch,
	    b->anomalies.unwind_mismatch);
	ck_assert_uint_eq(a->anomalies.nested, b->anomalies.nested);
	ck_assert_uint_eq(a->failed_asserts, b->failed_asserts);
	ck_assert_uint_eq(a->nfailures, b->nfailures);
	for (i = 0; i < a->nfailures; i++)
		ck_assert_uint_eq(a->failures[i], b->failures[i]);

	ck_assert_uint_eq(a->nstrings, b->nstrings);
	for (i = 0; i < a->nstrings; i++) {
		ck_assert_uint_eq(a->string_lens[i], b->string_lens[i]);
		ck_assert_str_eq(a->strings[i], b->strings[i]);
	}
	ck_assert_uint_eq(a->nmodules, b->nmodules);
	for (i = 0; i < a->nmodules; i++) {
		ck_assert_uint_eq(a->modules[i], b->modules[i]);
		ck_assert_uint_eq(a->module_flags[i], b->module_flags[i]);
	}
	ck_assert_uint_eq(a->nlocs, b->nlocs);
	for (i = 0; i < a->nlocs; i++) {
		ck_assert_uint_eq(a->locs[i].function, b->locs[i].function);
		ck_assert_uint_eq(a->locs[i].file, b->locs[i].file);
		ck_assert_uint_eq(a->locs[i].line, b->locs[i].line);
	}
	ck_assert_uint_eq(a->nframes, b->nframes);
	for (i = 0; i < a->nframes; i++) {
		ck_assert_uint_eq(a->frames[i].module, b->frames[i].module);
		ck_assert_uint_eq(a->frames[i].offset, b->frames[i].offset);
		ck_assert_uint_eq(a->frames[i].first_loc,
		    b->frames[i].first_loc);
		ck_assert_uint_eq(a->frames[i].nlocs, b->frames[i].nlocs);
	}
	ck_assert_uint_eq(a->nstack_frames, b->nstack_frames);
	for (i = 0; i < a->nstack_frames; i++)
		ck_assert_uint_eq(a->stack_frames[i], b->stack_frames[i]);
	ck_assert_uint_eq(a->nsites, b->nsites);
	for (i = 0; i < a->nsites; i++) {
		ck_assert_uint_eq(a->sites[i].first, b->sites[i].first);
		ck_assert_uint_eq(a->sites[i].nframes, b->sites[i].nframes);
		ck_assert_uint_eq(a->sites[i].flags, b->sites[i].flags);
		for (k = 0; k < STATS_N; k++) {
			const struct prof_stats *x = &a->sites[i].st[k];
			const struct prof_stats *y = &b->sites[i].st[k];

			ck_assert_uint_eq(x->tb, y->tb);
			ck_assert_uint_eq(x->tbk, y->tbk);
			ck_assert_uint_eq(x->tl, y->tl);
			ck_assert_uint_eq(x->mb, y->mb);
			ck_assert_uint_eq(x->mbk, y->mbk);
			ck_assert_uint_eq(x->gb, y->gb);
			ck_assert_uint_eq(x->gbk, y->gbk);
			ck_assert_uint_eq(x->eb, y->eb);
			ck_assert_uint_eq(x->ebk, y->ebk);
		}
		ck_assert_uint_eq(a->sites[i].ad_events, b->sites[i].ad_events);
		ck_assert_uint_eq(a->sites[i].ad_weight, b->sites[i].ad_weight);
		for (k = 0; k < DIST_BUCKETS; k++) {
			ck_assert_uint_eq(a->sites[i].dist.size[k],
			    b->sites[i].dist.size[k]);
			ck_assert_uint_eq(a->sites[i].dist.life[k],
			    b->sites[i].dist.life[k]);
		}
	}
	ck_assert_int_eq(a->has_dist, b->has_dist);
	ck_assert_uint_eq(a->tick_num, b->tick_num);
	ck_assert_uint_eq(a->tick_den, b->tick_den);
	ck_assert_uint_eq(a->ntimeline, b->ntimeline);
	for (i = 0; i < a->ntimeline; i++) {
		ck_assert_uint_eq(a->timeline[i].time, b->timeline[i].time);
		ck_assert_uint_eq(a->timeline[i].lo, b->timeline[i].lo);
		ck_assert_uint_eq(a->timeline[i].hi, b->timeline[i].hi);
	}
	ck_assert_uint_eq(a->mode, b->mode);
	ck_assert_uint_eq(a->ad_events, b->ad_events);
	ck_assert_uint_eq(a->ad_weight, b->ad_weight);
}

/* Write the standard profile; its bytes are returned for corrupting. */
static unsigned char *
standard_file(const char *path, size_t *len)
{
	struct profile p;

	build_profile(&p);
	ck_assert_int_eq(profile_write(&p, path), 0);
	profile_release(&p);
	return slurp(path, len);
}

/* Read path expecting failure; returns the message. */
static const char *
read_fails(const char *path)
{
	static char err[512];
	struct profile p;

	memset(err, 0, sizeof err);
	if (profile_read(&p, path, err, sizeof err) != -1)
		ck_abort_msg("'%s' was accepted", path);
	ck_assert_msg(err[0] != '\0', "no message for '%s'", path);
	ck_assert_msg(strchr(err, '\n') == NULL, "message not one line: %s",
	    err);
	/* A failed read leaves nothing to release. */
	ck_assert_ptr_null(p.strings);
	ck_assert_ptr_null(p.sites);
	return err;
}

static int
has(const char *s, const char *sub)
{
	return strstr(s, sub) != NULL;
}

/* --- core --------------------------------------------------------------- */

START_TEST(test_string_interning)
{
	char buf[32];
	struct profile p;
	uint32_t ab, abc, id, i;

	profile_init(&p);
	ck_assert_uint_eq(p.nstrings, 1);
	ck_assert_uint_eq(profile_string(&p, ""), 0);
	ck_assert_str_eq(profile_str(&p, 0), "");
	ab = profile_string(&p, "ab");
	abc = profile_string(&p, "abc");
	ck_assert_uint_eq(ab, 1);
	ck_assert_uint_eq(abc, 2);
	ck_assert_uint_eq(profile_string(&p, "ab"), ab);
	/* The argument is copied: a reused buffer must still match. */
	strcpy(buf, "abc");
	ck_assert_uint_eq(profile_string(&p, buf), abc);
	buf[2] = 'x';
	ck_assert_str_eq(profile_str(&p, abc), "abc");
	ck_assert_str_eq(profile_str(&p, 1000), "");

	/* Enough strings to rebuild the index several times. */
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof buf, "fn_%u", i);
		id = profile_string(&p, buf);
		if (id != 3 + i)
			ck_abort_msg("new string %s got id %u", buf, id);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof buf, "fn_%u", i);
		if (profile_string(&p, buf) != 3 + i ||
		    strcmp(profile_str(&p, 3 + i), buf) != 0)
			ck_abort_msg("string %s lost after rehash", buf);
	}
	ck_assert_uint_eq(p.nstrings, 5003);
	ck_assert_uint_eq(profile_string(&p, ""), 0);
	ck_assert_uint_eq(profile_string(&p, "ab"), ab);
	profile_release(&p);
}
END_TEST

START_TEST(test_round_trip)
{
	char err[256], names[256], path[320];
	struct profile p, q;
	const char *dir = fresh_dir("w-round");

	snprintf(path, sizeof path, "%s/round.hp", dir);
	build_profile(&p);
	ck_assert_int_eq(profile_write(&p, path), 0);
	/* The temporary was renamed into place, not left beside it. */
	ck_assert_uint_eq(dir_entries(dir, names, sizeof names), 1);
	ck_assert_str_eq(names, "round.hp ");

	err[0] = '\0';
	ck_assert_msg(profile_read(&q, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	expect_same(&p, &q);
	ck_assert_str_eq(profile_str(&q, q.command), "./prog --size 10");
	ck_assert_str_eq(profile_str(&q, q.modules[1]),
	    "/usr/lib/x86_64-linux-gnu/libc.so.6");
	profile_release(&q);

	/* Overwriting an existing profile replaces it. */
	p.pid = 99;
	ck_assert_int_eq(profile_write(&p, path), 0);
	ck_assert_int_eq(profile_read(&q, path, err, sizeof err), 0);
	ck_assert_uint_eq(q.pid, 99);
	expect_same(&p, &q);
	profile_release(&q);
	profile_release(&p);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* The header and body documented at the top of profile.c. */
START_TEST(test_file_header)
{
	static const unsigned char head[] = { 'H', 'E', 'A', 'P', 'P', 'R',
	    'O', 'F', PROFILE_VERSION, 0, 0, 0, 1, 0, 0, 0 };
	static const unsigned char body_head[] = { 9, 0, 0, 0, 1, 0, 0, 0,
	    0, 0, 0, 0, 188, 0, 0, 0, 0, 0, 0, 0 };
	unsigned char *data, *body;
	size_t len, blen;
	const char *path = scratch_path("header.hp");

	data = standard_file(path, &len);
	ck_assert_uint_gt(len, HEADER_LEN);
	ck_assert_mem_eq(data, head, sizeof head);
	/* The stream's length is the rest of the file; it is zlib's. */
	ck_assert_uint_eq(get_le64(data + 24), len - HEADER_LEN);
	ck_assert_uint_eq(data[HEADER_LEN], 0x78);
	body = body_of(data, len, &blen);
	ck_assert_uint_gt(blen, sizeof body_head);
	ck_assert_mem_eq(body, body_head, sizeof body_head);
	/* Compressed: smaller than the body, even this small. */
	ck_assert_uint_lt(len, blen);
	free(body);
	free(data);
	unlink(path);
}
END_TEST

static size_t section_payload(const unsigned char *data, size_t len,
    uint32_t tag);
static void expect_refused(const char *path, const unsigned char *body,
    size_t blen, size_t off, uint32_t v, const char *what);

/* Drop the u64 at the end of META, as a version before it had none. */
static void
strip_meta_u64(unsigned char *body, size_t *blen)
{
	size_t meta = section_payload(body, *blen, 1), cut;
	uint64_t mlen = get_le64(body + meta - 8);

	cut = meta + (size_t)mlen - 8;
	memmove(body + cut, body + cut + 8, *blen - cut - 8);
	*blen -= 8;
	put_le64(body + meta - 8, mlen - 8);
}

/*
 * A body as versions before 8 have it: META without the count of nested
 * events at its end.  p loses it too.
 */
static void
strip_v8(unsigned char *body, size_t *blen, struct profile *p)
{
	strip_meta_u64(body, blen);
	p->anomalies.nested = 0;
}

/*
 * A body as versions before 7 have it: META without unwind_mismatch at its
 * end.  p loses it too.
 */
static void
strip_v7(unsigned char *body, size_t *blen, struct profile *p)
{
	strip_meta_u64(body, blen);
	p->anomalies.unwind_mismatch = 0;
}

/*
 * A body as versions before 6 have it: seven sections, without TIMELINE
 * and DISTRIBUTIONS.  p loses them too.
 */
static void
strip_v6(unsigned char *body, size_t *blen, struct profile *p)
{
	size_t i;

	*blen = section_payload(body, *blen, 8) - 16;
	put_le32(body, 7);
	free(p->timeline);
	p->timeline = NULL;
	p->ntimeline = 0;
	p->has_dist = 0;
	p->tick_num = p->tick_den = 1;
	for (i = 0; i < p->nsites; i++)
		memset(&p->sites[i].dist, 0, sizeof p->sites[i].dist);
}

/*
 * A body as versions before 5 have it: META without the mode and the
 * ad-hoc totals at its end, sites without their ad-hoc values.  p loses
 * them too.
 */
static void
strip_ad_hoc(unsigned char *body, size_t *blen, struct profile *p)
{
	size_t meta = section_payload(body, *blen, 1), sites, cut, i, n;
	uint64_t mlen = get_le64(body + meta - 8);

	cut = meta + (size_t)mlen - 24;
	memmove(body + cut, body + cut + 24, *blen - cut - 24);
	*blen -= 24;
	put_le64(body + meta - 8, mlen - 24);
	sites = section_payload(body, *blen, 7);
	n = get_le32(body + sites);
	for (i = n; i-- > 0;) {
		cut = sites + 4 + i * (12 + 144 + 16) + 12 + 144;
		memmove(body + cut, body + cut + 16, *blen - cut - 16);
		*blen -= 16;
	}
	put_le64(body + sites - 8, get_le64(body + sites - 8) - 16 * n);
	p->mode = PROF_MODE_HEAP;
	p->ad_events = p->ad_weight = 0;
	for (i = 0; i < p->nsites; i++)
		p->sites[i].ad_events = p->sites[i].ad_weight = 0;
}

/*
 * A body as versions before 4 have it: without the failed assertions at
 * the end of META (after its 128 bytes).  p loses them too.
 */
static void
strip_failures(unsigned char *body, size_t *blen, struct profile *p)
{
	size_t meta = section_payload(body, *blen, 1), cut = meta + 128, n;

	n = 8 + 4 + 4 * (size_t)get_le32(body + cut + 8);
	memmove(body + cut, body + cut + n, *blen - cut - n);
	*blen -= n;
	put_le64(body + meta - 8, get_le64(body + meta - 8) - n);
	free(p->failures);
	p->failures = NULL;
	p->nfailures = 0;
	p->failed_asserts = 0;
}

/*
 * The same body as a version 2 file (uncompressed, right after the
 * version) still loads, module flags and all.
 */
START_TEST(test_read_uncompressed_body)
{
	char err[256];
	struct profile p, q;
	const char *path = scratch_path("v2.hp");
	unsigned char *data, *body, *v2;
	size_t len, blen, v2len;

	data = standard_file(path, &len);
	body = body_of(data, len, &blen);
	build_profile(&p);
	strip_v8(body, &blen, &p);
	strip_v7(body, &blen, &p);
	strip_v6(body, &blen, &p);
	strip_ad_hoc(body, &blen, &p);
	strip_failures(body, &blen, &p);
	v2 = file_of(2, body, blen, &v2len);
	write_file(path, v2, v2len);
	ck_assert_msg(profile_read(&q, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	expect_same(&p, &q);
	profile_release(&p);
	profile_release(&q);
	free(v2);
	free(body);
	free(data);
	unlink(path);
}
END_TEST

/*
 * A profile whose body spans many deflate blocks: thousands of strings,
 * frames, stack entries and sites.
 */
START_TEST(test_round_trip_large)
{
	char err[256], name[64];
	struct profile p, q;
	const char *path = scratch_path("large.hp");
	size_t i, n = 5000;
	struct stat st;

	build_profile(&p);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "namespace::function_%zu(int)", i);
		profile_string(&p, name);
	}
	p.stack_frames = xrealloc(p.stack_frames,
	    (p.nstack_frames + n) * sizeof *p.stack_frames);
	for (i = 0; i < n; i++)
		p.stack_frames[p.nstack_frames + i] = (uint32_t)(i * 7 % 4);
	p.nstack_frames += n;
	p.stack_frames_cap = p.nstack_frames;
	p.sites = xrealloc(p.sites, (p.nsites + n) * sizeof *p.sites);
	for (i = 0; i < n; i++) {
		struct prof_site *s = &p.sites[p.nsites + i];

		memset(s, 0, sizeof *s);
		s->first = (uint32_t)(6 + i);
		s->nframes = 1;
		s->st[STATS_OWN].tb = i * 48 + 16;
		s->st[STATS_DHAT].tb = i * i;
	}
	p.nsites += n;
	p.sites_cap = p.nsites;
	ck_assert_int_eq(profile_write(&p, path), 0);
	ck_assert_msg(profile_read(&q, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	expect_same(&p, &q);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_lt((size_t)st.st_size, n * 156 / 4);
	profile_release(&q);
	profile_release(&p);
	unlink(path);
}
END_TEST

/*
 * A version 1 file, written by heapprof 0.1.0 before modules had flags
 * (data/golden/basic-v1.data, tests/progs/basic), still loads.
 */
START_TEST(test_read_version_1)
{
	char err[256], path[512];
	struct profile p;
	const char *srcdir = getenv("top_srcdir");
	size_t i, named = 0;

	snprintf(path, sizeof path, "%s/data/golden/basic-v1.data",
	    srcdir != NULL ? srcdir : ".");
	ck_assert_msg(profile_read(&p, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	ck_assert_uint_eq(p.nsites, 2);
	ck_assert_uint_eq(p.total_bytes, 1500);
	ck_assert_uint_eq(p.total_blocks, 15);
	ck_assert_uint_gt(p.nmodules, 1);
	for (i = 0; i < p.nmodules; i++)
		ck_assert_uint_eq(p.module_flags[i], 0);
	for (i = 0; i < p.nlocs; i++)
		if (strcmp(profile_str(&p, p.locs[i].function), "churn") == 0 ||
		    strcmp(profile_str(&p, p.locs[i].function),
		    "leak_calloc") == 0)
			named++;
	ck_assert_uint_eq(named, 2);
	profile_release(&p);
}
END_TEST

/*
 * A version 2 file, written by heapprof before the body was compressed
 * (data/golden/basic-v2.data, tests/progs/basic), still loads; the CLI
 * test t0014 compares its whole report.
 */
START_TEST(test_read_version_2)
{
	char err[256], path[512];
	struct profile p;
	const char *srcdir = getenv("top_srcdir");
	size_t i, named = 0;

	snprintf(path, sizeof path, "%s/data/golden/basic-v2.data",
	    srcdir != NULL ? srcdir : ".");
	ck_assert_msg(profile_read(&p, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	ck_assert_uint_eq(p.nsites, 2);
	ck_assert_uint_eq(p.total_bytes, 1500);
	ck_assert_uint_eq(p.total_blocks, 15);
	ck_assert_uint_eq(p.peak_bytes, 600);
	ck_assert_uint_eq(p.end_bytes, 500);
	ck_assert_uint_gt(p.nmodules, 1);
	ck_assert_str_eq(profile_str(&p, p.command), "tests/progs/basic");
	for (i = 0; i < p.nlocs; i++)
		if (strcmp(profile_str(&p, p.locs[i].function), "churn") == 0 ||
		    strcmp(profile_str(&p, p.locs[i].function),
		    "leak_calloc") == 0)
			named++;
	ck_assert_uint_eq(named, 2);
	profile_release(&p);
}
END_TEST

/*
 * The standard profile, stripped down to `version` (6 or 7) and read back:
 * q is what was read, equal to p, which loses what the version lacks.
 */
static void
read_as_version(uint32_t version, struct profile *p, struct profile *q)
{
	char err[256];
	const char *path = scratch_path("older.hp");
	unsigned char *data, *body, *file;
	size_t len, blen, flen;

	data = standard_file(path, &len);
	body = body_of(data, len, &blen);
	build_profile(p);
	strip_v8(body, &blen, p);
	if (version < 7)
		strip_v7(body, &blen, p);
	file = file_of(version, body, blen, &flen);
	write_file(path, file, flen);
	ck_assert_msg(profile_read(q, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	expect_same(p, q);
	free(file);
	free(body);
	free(data);
	unlink(path);
}

/* A version 7 file, without the count of nested events, loads. */
START_TEST(test_read_version_7)
{
	struct profile p, q;

	read_as_version(7, &p, &q);
	ck_assert_uint_eq(q.anomalies.nested, 0);
	ck_assert_uint_eq(q.anomalies.unwind_mismatch, 5);
	profile_release(&p);
	profile_release(&q);
}
END_TEST

/* A version 6 file, without the unwinder's anomaly counter, loads. */
START_TEST(test_read_version_6)
{
	struct profile p, q;

	read_as_version(6, &p, &q);
	ck_assert_uint_eq(q.anomalies.unwind_mismatch, 0);
	profile_release(&p);
	profile_release(&q);
}
END_TEST

/*
 * Files before version 6 have no timeline and no distributions: the
 * same body without them, as version 5, and the golden version 5 file
 * (data/golden/basic-v5.data, tests/progs/basic) load without them.
 */
START_TEST(test_read_version_5)
{
	char err[256], path[512];
	struct profile p, q;
	const char *v5 = scratch_path("v5.hp");
	const char *srcdir = getenv("top_srcdir");
	unsigned char *data, *body, *file;
	size_t len, blen, flen, i;

	data = standard_file(v5, &len);
	body = body_of(data, len, &blen);
	build_profile(&p);
	strip_v8(body, &blen, &p);
	strip_v7(body, &blen, &p);
	strip_v6(body, &blen, &p);
	file = file_of(5, body, blen, &flen);
	write_file(v5, file, flen);
	ck_assert_msg(profile_read(&q, v5, err, sizeof err) == 0,
	    "read failed: %s", err);
	expect_same(&p, &q);
	ck_assert_int_eq(q.has_dist, 0);
	ck_assert_ptr_null(q.timeline);
	profile_release(&q);
	/* The v6 section count in a version 5 file is wrong, and the reverse. */
	put_le32(body, 9);
	free(file);
	file = file_of(5, body, blen, &flen);
	write_file(v5, file, flen);
	ck_assert_msg(has(read_fails(v5), "9 sections where 7 belong"), "v5");
	put_le32(body, 7);
	free(file);
	file = file_of(6, body, blen, &flen);
	write_file(v5, file, flen);
	ck_assert_msg(has(read_fails(v5), "7 sections where 9 belong"), "v6");
	profile_release(&p);
	free(file);
	free(body);
	free(data);
	unlink(v5);

	snprintf(path, sizeof path, "%s/data/golden/basic-v5.data",
	    srcdir != NULL ? srcdir : ".");
	ck_assert_msg(profile_read(&p, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	ck_assert_uint_eq(p.nsites, 2);
	ck_assert_uint_eq(p.total_bytes, 1500);
	ck_assert_uint_eq(p.peak_bytes, 600);
	ck_assert_int_eq(p.has_dist, 0);
	ck_assert_uint_eq(p.ntimeline, 0);
	ck_assert_uint_eq(p.tick_num, 1);
	ck_assert_uint_eq(p.tick_den, 1);
	for (i = 0; i < p.nsites; i++)
		ck_assert_uint_eq(p.sites[i].dist.size[7], 0);
	profile_release(&p);
}
END_TEST

/*
 * A profile loaded from an older file is written as version 6 with an
 * empty DISTRIBUTIONS section, and reads back as having none.
 */
START_TEST(test_round_trip_without_dist)
{
	char err[256];
	struct profile p, q;
	const char *path = scratch_path("nodist.hp");
	size_t i;

	build_profile(&p);
	p.has_dist = 0;
	for (i = 0; i < p.nsites; i++)
		memset(&p.sites[i].dist, 0, sizeof p.sites[i].dist);
	ck_assert_int_eq(profile_write(&p, path), 0);
	ck_assert_msg(profile_read(&q, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	expect_same(&p, &q);
	profile_release(&q);
	profile_release(&p);
	unlink(path);
}
END_TEST

/* TIMELINE and DISTRIBUTIONS, damaged, are refused. */
START_TEST(test_read_bad_timeline_dist)
{
	const char *good = scratch_path("good.hp"), *bad = scratch_path("bad.hp");
	unsigned char *data, *file;
	size_t len, flen, tl, dist;

	file = standard_file(good, &flen);
	data = body_of(file, flen, &len);
	free(file);
	tl = section_payload(data, len, 8);
	dist = section_payload(data, len, 9);
	ck_assert_uint_eq(get_le32(data + tl), 4);
	ck_assert_uint_eq(get_le32(data + dist), 3);
	ck_assert_uint_eq(get_le32(data + dist + 4), DIST_BUCKETS);
	/* Counts: more points than there are, distributions for 2 of 3 sites. */
	expect_refused(bad, data, len, tl, 5, "timeline count");
	expect_refused(bad, data, len, tl, 0xffffffffu, "timeline count");
	expect_refused(bad, data, len, dist, 2, "distribution count");
	expect_refused(bad, data, len, dist, 4, "distribution count");
	/* Point 1's low above its high (its low is 16, its high 2^63 + 1). */
	expect_refused(bad, data, len, tl + 4 + 24 + 8 + 8 + 4, 0,
	    "point high");
	/* Steps that wrap the time around (points 2 and 3 by 2^64 - 2^32). */
	put_le32(data + tl + 4 + 2 * 24 + 4, 0xffffffffu);
	expect_refused(bad, data, len, tl + 4 + 3 * 24 + 4, 0xffffffffu,
	    "time step");
	put_le32(data + tl + 4 + 2 * 24 + 4, 0);
	/* Another bucket count; a tick of 0 ns; a bucket past the last. */
	expect_refused(bad, data, len, dist + 4, DIST_BUCKETS + 1, "buckets");
	expect_refused(bad, data, len, dist + 8, 0, "tick_num");
	expect_refused(bad, data, len, dist + 16, 0, "tick_den");
	expect_refused(bad, data, len, dist + 24 + 4, 1u << (DIST_BUCKETS - 32),
	    "bucket mask");
	free(data);
	unlink(good);
	unlink(bad);
}
END_TEST

/*
 * Percentiles from log2 buckets (stats.c): the nearest rank's bucket, the
 * value spread evenly in it, the average when all are in one bucket.
 */
START_TEST(test_percentiles)
{
	uint32_t h[DIST_BUCKETS] = { 0 };
	struct profile p;
	struct prof_dist d;
	struct prof_stats st = { 0 };

	ck_assert_uint_eq(dist_percentile(h, 0, 50, UINT64_MAX), 0);
	/* 10 blocks of 100 bytes: bucket 7, [64, 128); their average. */
	h[7] = 10;
	ck_assert_uint_eq(dist_percentile(h, 10, 50, 100), 100);
	ck_assert_uint_eq(dist_percentile(h, 10, 90, 100), 100);
	/* No average: the 5th of 10 at 64 + 64 * 9 / 20, the 9th at 64 + 54. */
	ck_assert_uint_eq(dist_percentile(h, 10, 50, UINT64_MAX), 92);
	ck_assert_uint_eq(dist_percentile(h, 10, 90, UINT64_MAX), 118);
	/* An average outside the bucket is no help. */
	ck_assert_uint_eq(dist_percentile(h, 10, 50, 128), 92);
	/* 9 of 0 bytes, 1 of 4096: the median 0, the 90th 0, the 100th 4096. */
	memset(h, 0, sizeof h);
	h[0] = 9;
	h[13] = 1;
	ck_assert_uint_eq(dist_percentile(h, 10, 50, 409), 0);
	ck_assert_uint_eq(dist_percentile(h, 10, 90, 409), 0);
	ck_assert_uint_eq(dist_percentile(h, 10, 91, 409), 4096 + 2048);
	ck_assert_uint_eq(dist_percentile(h, 10, 100, 409), 4096 + 2048);
	/* A bucket counts up to DIST_MAX blocks. */
	memset(h, 0, sizeof h);
	h[3] = DIST_MAX - 1;
	dist_add(h, 3);
	dist_add(h, 3);
	dist_add(h, 4);
	ck_assert_uint_eq(h[3], DIST_MAX);
	ck_assert_uint_eq(h[4], 1);
	/* The last bucket is open: its lower bound. */
	memset(h, 0, sizeof h);
	h[DIST_BUCKETS - 1] = 3;
	h[1] = 1;
	ck_assert_uint_eq(dist_percentile(h, 4, 50, UINT64_MAX),
	    dist_lower(DIST_BUCKETS - 1));
	/*
	 * 2^31 blocks or more in a bucket, [1024, 2048): twice the count does
	 * not wrap to 0 (a division by zero) or to less (a value beyond the
	 * bucket).  The median of 2^31 at 1024 + 1024 * (2^31 - 1) / 2^32.
	 */
	memset(h, 0, sizeof h);
	h[11] = (uint32_t)1 << 31;
	ck_assert_uint_eq(dist_percentile(h, h[11], 50, UINT64_MAX), 1535);
	h[11] = (uint32_t)3 << 30;
	ck_assert_uint_eq(dist_percentile(h, h[11], 100, UINT64_MAX), 2047);

	/* Lifetimes in ticks of 1/3 ns: 6 blocks of 3000 ticks, 1000 ns. */
	profile_init(&p);
	p.tick_num = 1;
	p.tick_den = 3;
	memset(&d, 0, sizeof d);
	d.life[12] = 6;		/* [2048, 4096) ticks */
	d.size[5] = 6;
	st.tbk = 6;
	st.tl = 6000;
	st.tb = 6 * 20;
	ck_assert_uint_eq(profile_life_percentile(&p, &d, &st, 50), 1000);
	ck_assert_uint_eq(profile_size_percentile(&d, &st, 90), 20);
	/* Two buckets: the 3rd of 6 in ticks [2048, 4096), the 6th in [4096, 8192). */
	d.life[12] = 3;
	d.life[13] = 3;
	ck_assert_uint_eq(profile_life_percentile(&p, &d, &st, 50),
	    (2048 + 2048 * 5 / 6) / 3);
	ck_assert_uint_eq(profile_life_percentile(&p, &d, &st, 90),
	    (4096 + 4096 * 5 / 6) / 3);
	profile_release(&p);
}
END_TEST

START_TEST(test_empty_profile)
{
	char err[256];
	struct profile p, q;
	const char *path = scratch_path("empty.hp");

	profile_init(&p);
	ck_assert_int_eq(profile_write(&p, path), 0);
	ck_assert_msg(profile_read(&q, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	expect_same(&p, &q);
	ck_assert_uint_eq(q.nstrings, 1);
	ck_assert_uint_eq(q.nsites, 0);
	profile_release(&q);
	profile_release(&p);
	unlink(path);
}
END_TEST

/*
 * A loaded profile has no string index; interning into it must build one
 * whose size is a power of two (masking a size like 256 + 4n would make
 * the probe cycle for ever).
 */
START_TEST(test_intern_after_read)
{
	char err[256], name[16];
	struct profile p, q;
	const char *path = scratch_path("many.hp");
	uint32_t ids[101], i;

	profile_init(&p);
	for (i = 0; i < 101; i++) {
		snprintf(name, sizeof name, "s%u", i);
		ids[i] = profile_string(&p, name);
	}
	ck_assert_int_eq(profile_write(&p, path), 0);
	ck_assert_msg(profile_read(&q, path, err, sizeof err) == 0,
	    "read failed: %s", err);
	ck_assert_uint_eq(profile_string(&q, "s5"), ids[5]);
	ck_assert_uint_eq(profile_string(&q, "s100"), ids[100]);
	ck_assert_uint_eq(profile_string(&q, "new"), 102);
	profile_release(&q);
	profile_release(&p);
	unlink(path);
}
END_TEST

/* --- errors ------------------------------------------------------------- */

START_TEST(test_read_missing)
{
	const char *path = scratch_path("no-such.hp");
	const char *err;

	err = read_fails(path);
	ck_assert_msg(has(err, "cannot open"), "%s", err);
	ck_assert_msg(has(err, "No such file or directory"), "%s", err);
	ck_assert_msg(has(err, path), "message does not name the file: %s",
	    err);
}
END_TEST

START_TEST(test_read_directory)
{
	const char *err = read_fails(scratch_dir);

	ck_assert_msg(has(err, "Is a directory"), "%s", err);
}
END_TEST

START_TEST(test_read_empty)
{
	const char *path = scratch_path("zero.hp");
	const char *err;

	write_file(path, "", 0);
	err = read_fails(path);
	ck_assert_msg(has(err, "empty file"), "%s", err);
	unlink(path);
}
END_TEST

START_TEST(test_read_foreign)
{
	static const char text[] = "Lorem ipsum dolor sit amet, consectetur "
	    "adipiscing elit, sed do eiusmod tempor.\n";
	const char *path = scratch_path("text.hp");
	const char *err;

	write_file(path, text, sizeof text - 1);
	err = read_fails(path);
	ck_assert_msg(has(err, "not a heapprof profile"), "%s", err);
	/* Shorter than the magic. */
	write_file(path, "HEAP", 4);
	err = read_fails(path);
	ck_assert_msg(has(err, "not a heapprof profile"), "%s", err);
	unlink(path);
}
END_TEST

START_TEST(test_read_truncated)
{
	const char *good = scratch_path("good.hp"), *cut = scratch_path("cut.hp");
	const char *err;
	unsigned char *data;
	size_t len, n;

	data = standard_file(good, &len);
	for (n = 0; n < len; n++) {
		write_file(cut, data, n);
		err = read_fails(cut);
		if (!has(err, "truncated") && !has(err, "empty") &&
		    !has(err, "not a heapprof profile") && !has(err, "corrupt"))
			ck_abort_msg("cut at %zu of %zu: %s", n, len, err);
	}
	/* Trailing bytes are damage too, not something to ignore. */
	data = xrealloc(data, len + 1);
	data[len] = 0;
	write_file(cut, data, len + 1);
	err = read_fails(cut);
	ck_assert_msg(has(err, "corrupt"), "%s", err);
	free(data);
	unlink(good);
	unlink(cut);
}
END_TEST

/*
 * The deflate stream cut short at every byte, the header's stream length
 * made to agree: inflating finds the end missing.
 */
START_TEST(test_read_stream_cut)
{
	const char *good = scratch_path("good.hp"), *cut = scratch_path("cut.hp");
	const char *err;
	unsigned char *data, *copy;
	size_t len, n;

	data = standard_file(good, &len);
	copy = xmalloc(len);
	for (n = HEADER_LEN; n < len; n++) {
		memcpy(copy, data, n);
		put_le64(copy + 24, n - HEADER_LEN);
		write_file(cut, copy, n);
		err = read_fails(cut);
		if (!has(err, "truncated") && !has(err, "corrupt"))
			ck_abort_msg("stream cut at %zu of %zu: %s", n, len,
			    err);
	}
	/* Where the stream breaks off, not only where the file does. */
	memcpy(copy, data, len / 2);
	put_le64(copy + 24, len / 2 - HEADER_LEN);
	write_file(cut, copy, len / 2);
	err = read_fails(cut);
	ck_assert_msg(has(err, "truncated profile (the compressed body stops"),
	    "%s", err);
	free(copy);
	free(data);
	unlink(good);
	unlink(cut);
}
END_TEST

/*
 * Every byte of the file flipped in turn, header and stream: zlib's
 * Adler-32 finds what deflate's own structure does not.
 */
START_TEST(test_read_flipped)
{
	const char *good = scratch_path("good.hp"), *bad = scratch_path("flip.hp");
	const char *err;
	unsigned char *data;
	size_t len, i;

	data = standard_file(good, &len);
	for (i = 0; i < len; i++) {
		data[i] ^= 0xff;
		write_file(bad, data, len);
		data[i] ^= 0xff;
		err = read_fails(bad);
		if (!has(err, "truncated") && !has(err, "corrupt") &&
		    !has(err, "newer") && !has(err, "not a heapprof profile"))
			ck_abort_msg("byte %zu of %zu flipped: %s", i, len, err);
		if (i >= HEADER_LEN && !has(err, "corrupt profile (") &&
		    !has(err, "truncated profile ("))
			ck_abort_msg("stream byte %zu flipped: %s", i, err);
	}
	/* The last byte of the stream is the end of the Adler-32. */
	data[len - 1] ^= 0x01;
	write_file(bad, data, len);
	err = read_fails(bad);
	ck_assert_msg(has(err, "corrupt profile (compressed body: incorrect "
	    "data check)"), "%s", err);
	free(data);
	unlink(good);
	unlink(bad);
}
END_TEST

/* data with the u64 at off replaced by v must be refused with msg. */
static void
expect_refused64(const char *path, const unsigned char *data, size_t len,
    size_t off, uint64_t v, const char *msg)
{
	unsigned char *copy = xmalloc(len);
	const char *err;

	memcpy(copy, data, len);
	put_le64(copy + off, v);
	write_file(path, copy, len);
	free(copy);
	err = read_fails(path);
	ck_assert_msg(has(err, msg), "u64 at %zu = %#llx: %s", off,
	    (unsigned long long)v, err);
}

/*
 * The header's lengths: a body length that is wrong either way, or so
 * large that deflate could not have produced it from the stream (which
 * must be refused before it is allocated: the last would need 16 EiB);
 * a stream length that disagrees with the file; an unknown method.
 */
START_TEST(test_read_bad_lengths)
{
	const char *good = scratch_path("good.hp"), *bad = scratch_path("len.hp");
	unsigned char *data, *body, *file;
	size_t len, blen, zlen, flen;
	const char *err;
	char msg[128];

	data = standard_file(good, &len);
	blen = get_le64(data + 16);
	zlen = len - HEADER_LEN;
	expect_refused64(bad, data, len, 16, blen - 1,
	    "corrupt profile (the body inflates to more than");
	snprintf(msg, sizeof msg, "corrupt profile (the body inflates to "
	    "%zu bytes, its header says %zu)", blen, blen + 1);
	expect_refused64(bad, data, len, 16, blen + 1, msg);
	expect_refused64(bad, data, len, 16, 0,
	    "corrupt profile (the body inflates to more than the 0 bytes");
	/* As much as deflate can give: allocated, then found short. */
	snprintf(msg, sizeof msg, "corrupt profile (the body inflates to "
	    "%zu bytes, its header says %zu)", blen, zlen * 1032);
	expect_refused64(bad, data, len, 16, (uint64_t)zlen * 1032, msg);
	expect_refused64(bad, data, len, 16, (uint64_t)zlen * 1032 + 1,
	    "more than");
	expect_refused64(bad, data, len, 16, (uint64_t)1 << 62, "more than");
	expect_refused64(bad, data, len, 16, UINT64_MAX,
	    "corrupt profile (its header claims a body of "
	    "18446744073709551615 bytes");
	expect_refused64(bad, data, len, 24, zlen + 1, "truncated profile (");
	expect_refused64(bad, data, len, 24, UINT64_MAX, "truncated profile (");
	expect_refused64(bad, data, len, 24, zlen - 1,
	    "corrupt profile (1 bytes of trailing data)");
	expect_refused64(bad, data, len, 24, 0, "corrupt profile (");

	/* A stream that ends before the bytes its header counts. */
	body = body_of(data, len, &blen);
	file = file_of(3, body, blen, &flen);
	file = xrealloc(file, flen + 3);
	memset(file + flen, 0, 3);
	put_le64(file + 24, flen + 3 - HEADER_LEN);
	write_file(bad, file, flen + 3);
	err = read_fails(bad);
	ck_assert_msg(has(err, "corrupt profile (3 bytes of trailing data in "
	    "the compressed body)"), "%s", err);

	/* Compression methods other than zlib's. */
	file = xrealloc(file, len);
	memcpy(file, data, len);
	put_le32(file + 12, 0);
	write_file(bad, file, len);
	err = read_fails(bad);
	ck_assert_msg(has(err, "unknown compression method 0"), "%s", err);
	free(file);
	free(body);
	free(data);
	unlink(good);
	unlink(bad);
}
END_TEST

START_TEST(test_read_newer)
{
	const char *path = scratch_path("newer.hp");
	const char *err;
	unsigned char *data;
	uint32_t version;
	size_t len;

	data = standard_file(path, &len);
	version = PROFILE_VERSION + 1;
	data[8] = (unsigned char)version;
	data[9] = (unsigned char)(version >> 8);
	data[10] = (unsigned char)(version >> 16);
	data[11] = (unsigned char)(version >> 24);
	write_file(path, data, len);
	err = read_fails(path);
	ck_assert_msg(has(err, "newer"), "%s", err);

	memset(data + 8, 0, 4);
	write_file(path, data, len);
	err = read_fails(path);
	ck_assert_msg(has(err, "corrupt"), "%s", err);
	free(data);
	unlink(path);
}
END_TEST

/* Offset of section tag's payload in a body, found by walking the headers. */
static size_t
section_payload(const unsigned char *data, size_t len, uint32_t tag)
{
	size_t off = 4;
	uint64_t plen;

	while (off + 16 <= len) {
		memcpy(&plen, data + off + 8, 8);
		if (get_le32(data + off) == tag)
			return off + 16;
		off += 16 + (size_t)plen;
	}
	ck_abort_msg("no section %u", tag);
	return 0;
}

/*
 * Write the body with the u32 at off replaced by v, compressed, as the
 * writer would; expect the reader to balk.
 */
static void
expect_refused(const char *path, const unsigned char *body, size_t blen,
    size_t off, uint32_t v, const char *what)
{
	unsigned char *copy = xmalloc(blen), *file;
	const char *err;
	size_t len;

	memcpy(copy, body, blen);
	put_le32(copy + off, v);
	file = file_of(PROFILE_VERSION, copy, blen, &len);
	write_file(path, file, len);
	free(file);
	free(copy);
	err = read_fails(path);
	ck_assert_msg(has(err, "corrupt") || has(err, "truncated"),
	    "%s = %#x: %s", what, v, err);
}

/*
 * Indices point into other tables; one out of range must be refused
 * before a report follows it, even in a body whose stream is intact.
 * Offsets follow the layout in profile.c.
 */
START_TEST(test_read_bad_index)
{
	static const uint32_t huge[] = { 0xffffffffu, 0x80000000u, 0x10000u };
	const char *good = scratch_path("good.hp"), *bad = scratch_path("bad.hp");
	size_t len, flen, meta, mods, frames, stacks, sites, i;
	unsigned char *data, *file;
	uint32_t v;

	file = standard_file(good, &flen);
	data = body_of(file, flen, &len);
	free(file);
	meta = section_payload(data, len, 1);
	mods = section_payload(data, len, 3);
	frames = section_payload(data, len, 5);
	stacks = section_payload(data, len, 6);
	sites = section_payload(data, len, 7);
	/* The walk found the tables the profile was built with. */
	ck_assert_uint_eq(get_le32(data + stacks), 6);
	ck_assert_uint_eq(get_le32(data + sites), 3);

	for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		v = huge[i];
		expect_refused(bad, data, len, meta, v, "command");
		expect_refused(bad, data, len, meta + 140, v, "failure text");
		expect_refused(bad, data, len, mods + 4, v, "module path");
		expect_refused(bad, data, len, frames + 4, v, "frame module");
		expect_refused(bad, data, len, frames + 4 + 12, v,
		    "frame first_loc");
		expect_refused(bad, data, len, frames + 4 + 16, v,
		    "frame nlocs");
		expect_refused(bad, data, len, stacks, v, "stack count");
		expect_refused(bad, data, len, stacks + 4, v, "stack frame");
		expect_refused(bad, data, len, stacks + 4 + 5 * 4, v,
		    "last stack frame");
		expect_refused(bad, data, len, sites, v, "site count");
		expect_refused(bad, data, len, sites + 4, v, "site first");
		expect_refused(bad, data, len, sites + 8, v, "site nframes");
	}
	/* Just past the end is as wrong as far past it. */
	expect_refused(bad, data, len, stacks + 4, 4, "stack frame");
	expect_refused(bad, data, len, sites + 4 + 2 * (12 + 144 + 16) + 4, 1,
	    "last site nframes");
	/* After META's 128 bytes, the two failures, then the mode. */
	expect_refused(bad, data, len, meta + 128 + 12 + 8, 2, "mode");
	free(data);
	unlink(good);
	unlink(bad);
}
END_TEST

START_TEST(test_write_missing_dir)
{
	char names[256], path[320];
	struct profile p;
	const char *dir = fresh_dir("w-missing");

	snprintf(path, sizeof path, "%s/no-such-dir/out.hp", dir);
	build_profile(&p);
	errno = 0;
	ck_assert_int_eq(profile_write(&p, path), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(dir_entries(dir, names, sizeof names), 0);
	profile_release(&p);
	rmdir(dir);
}
END_TEST

/* A failure after the temporary exists (here, the rename) removes it. */
START_TEST(test_write_over_directory)
{
	char names[256], path[320];
	struct profile p;
	const char *dir = fresh_dir("w-over");

	snprintf(path, sizeof path, "%s/a-dir", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	build_profile(&p);
	errno = 0;
	ck_assert_int_eq(profile_write(&p, path), -1);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_uint_eq(dir_entries(dir, names, sizeof names), 1);
	ck_assert_str_eq(names, "a-dir ");
	profile_release(&p);
	rmdir(path);
	rmdir(dir);
}
END_TEST

/* --- streams ------------------------------------------------------------ */

/*
 * A pipe that a child fills with data and closes: returns the read end,
 * the child in *pid.  The child writes it all even past the pipe's size.
 */
static int
pipe_of(const unsigned char *data, size_t len, pid_t *pid)
{
	size_t off = 0;
	ssize_t n;
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	*pid = fork();
	ck_assert_int_ge(*pid, 0);
	if (*pid == 0) {
		close(fds[0]);
		while (off < len) {
			n = write(fds[1], data + off, len - off);
			if (n <= 0)
				_exit(1);
			off += (size_t)n;
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void
reap(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
}

/* The profile of a file at path, read through a pipe named name. */
static void
read_piped(const char *file, int as_stdin, struct profile *q)
{
	char err[256], name[64];
	unsigned char *data;
	size_t len;
	pid_t pid;
	int fd;

	data = slurp(file, &len);
	fd = pipe_of(data, len, &pid);
	if (as_stdin) {
		ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
		close(fd);
		snprintf(name, sizeof name, "-");
	} else {
		snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
	}
	err[0] = '\0';
	ck_assert_msg(profile_read(q, name, err, sizeof err) == 0,
	    "read from a pipe failed: %s", err);
	if (!as_stdin)
		close(fd);
	reap(pid);
	free(data);
}

/*
 * A pipe (cat x.data | heapprof report /dev/stdin) or the standard input
 * ("-") is read to its end, not taken for an empty file from its size;
 * the body larger than the first room given to it, for one that grows.
 */
START_TEST(test_read_pipe)
{
	const char *path = scratch_path("piped.hp");
	char name[64];
	struct profile p, q;
	size_t i, n = 20000;
	const char *srcdir = getenv("top_srcdir");
	char golden[512];

	build_profile(&p);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "function_%zu", i * 7919);
		profile_string(&p, name);
	}
	ck_assert_int_eq(profile_write(&p, path), 0);
	read_piped(path, 0, &q);
	expect_same(&p, &q);
	ck_assert_uint_eq(q.nstrings, p.nstrings);
	ck_assert_str_eq(profile_str(&q, (uint32_t)q.nstrings - 1),
	    "function_158372081");
	profile_release(&q);
	read_piped(path, 1, &q);
	expect_same(&p, &q);
	profile_release(&q);
	profile_release(&p);

	/* A version 1 file, uncompressed: read to the end of the pipe. */
	snprintf(golden, sizeof golden, "%s/data/golden/basic-v1.data",
	    srcdir != NULL ? srcdir : ".");
	read_piped(golden, 0, &q);
	ck_assert_uint_eq(q.nsites, 2);
	ck_assert_uint_eq(q.total_bytes, 1500);
	profile_release(&q);
}
END_TEST

/*
 * A FIFO no one writes to: opening it for reading would wait for a
 * writer forever; it is refused at once (a hang fails by Check's timeout).
 */
START_TEST(test_read_fifo_no_writer)
{
	const char *path = scratch_path("fifo.hp");
	char want[512];
	const char *err;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	err = read_fails(path);
	snprintf(want, sizeof want, "cannot read '%s': a FIFO with no writer",
	    path);
	ck_assert_str_eq(err, want);
}
END_TEST

/*
 * What a header says about the stream is checked against what arrives:
 * a pipe is not a file with a size to compare with first.
 */
START_TEST(test_read_pipe_lies)
{
	const char *good = scratch_path("good.hp");
	unsigned char *data;
	char name[64];
	const char *err;
	size_t len;
	pid_t pid;
	int fd;

	data = standard_file(good, &len);
	/* A stream length past the end of the pipe. */
	put_le64(data + 24, len - HEADER_LEN + 100);
	fd = pipe_of(data, len, &pid);
	snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
	err = read_fails(name);
	reap(pid);
	close(fd);
	ck_assert_msg(has(err, "truncated profile ("), "%s", err);

	/* More after the stream than its header says. */
	put_le64(data + 24, len - HEADER_LEN);
	data = xrealloc(data, len + 5);
	memset(data + len, 0, 5);
	fd = pipe_of(data, len + 5, &pid);
	err = read_fails(name);
	reap(pid);
	close(fd);
	ck_assert_msg(has(err, "corrupt profile (trailing data after the "),
	    "%s", err);
	free(data);
}
END_TEST

/*
 * Bound the address space, so a reader that allocates what a file or
 * header claims fails; ASan reserves terabytes of shadow memory, so
 * there the time limit of the test has to do.
 */
static void
limit_memory(void)
{
#ifndef __SANITIZE_ADDRESS__
	struct rlimit rl = { (rlim_t)256 << 20, (rlim_t)256 << 20 };

	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
#endif
}

/*
 * A large file that is no profile is refused from its first bytes, not
 * read whole first: 4 GiB of a sparse file in 256 MiB of address space.
 */
START_TEST(test_read_header_first)
{
	const char *path = scratch_path("sparse.hp");
	const char *err;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)4 << 30), 0);
	close(fd);
	limit_memory();
	err = read_fails(path);
	ck_assert_msg(has(err, "not a heapprof profile"), "%s", err);

	/* A version 1 header: its body is the rest of the file, 4 GiB. */
	write_file(path, "HEAPPROF\1\0\0\0\0\0\0\0", 16);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)4 << 30), 0);
	close(fd);
	err = read_fails(path);
	ck_assert_msg(has(err, "corrupt profile (0 sections where 7 belong)"),
	    "%s", err);
}
END_TEST

/*
 * A header claiming a body as large as its stream can hold (1032 times
 * it), on a stream that inflates to far less: the room for the body
 * follows what inflates, so the lie costs no memory.  The stream is 2 MiB
 * stored (incompressible), the claim 2 GiB.
 */
START_TEST(test_read_body_claim_bounded)
{
	const char *path = scratch_path("claim.hp");
	size_t blen = (size_t)2 << 20, flen, i;
	unsigned char *body = xmalloc(blen), *file;
	uint64_t zlen, claim;
	uint32_t x = 1;
	char want[256];
	const char *err;

	for (i = 0; i < blen; i++) {
		x = x * 1103515245u + 12345u;
		body[i] = (unsigned char)(x >> 24);
	}
	file = file_of(3, body, blen, &flen);
	zlen = flen - HEADER_LEN;
	claim = zlen * 1032;
	put_le64(file + 16, claim);
	write_file(path, file, flen);
	limit_memory();
	err = read_fails(path);
	snprintf(want, sizeof want, "corrupt profile (the body inflates to "
	    "%zu bytes, its header says %llu)", blen,
	    (unsigned long long)claim);
	ck_assert_msg(has(err, want), "%s", err);
	free(file);
	free(body);
}
END_TEST

/*
 * Past the file-size limit, with SIGXFSZ ignored as heapprof run does: an
 * error, and the temporary removed (it was left, and the process killed).
 */
START_TEST(test_write_past_fsize)
{
	struct rlimit small = { 16, RLIM_INFINITY };
	char names[256], path[320];
	struct profile p;
	const char *dir = fresh_dir("w-fsize");

	snprintf(path, sizeof path, "%s/out.hp", dir);
	build_profile(&p);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	errno = 0;
	ck_assert_ptr_null(profile_write_temp(&p, path));
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_uint_eq(dir_entries(dir, names, sizeof names), 0);
	profile_release(&p);
	rmdir(dir);
}
END_TEST

/*
 * A stack's lines are its frames' locations (one for a frame without
 * any), and a frame may be named again and again: a file may make at
 * most 4 lines per byte of its body (profile.c, check_lines).  Here one
 * frame has K locations and another none; the first `a` entries of the
 * stack are the first frame, the rest the second, so where the sites'
 * stacks end moves the count one line at a time without changing the
 * body: exactly 4 lines a byte are read, one more is refused.
 */
static uint64_t
write_lines(struct profile *p, const char *path, size_t a, size_t x)
{
	unsigned char *file;
	uint64_t blen;
	size_t len, i;

	for (i = 0; i < p->nstack_frames; i++)
		p->stack_frames[i] = i < a ? 0 : 1;
	p->sites[0].nframes = (uint32_t)a;
	p->sites[1].first = (uint32_t)a;
	p->sites[1].nframes = (uint32_t)x;
	ck_assert_int_eq(profile_write(p, path), 0);
	file = slurp(path, &len);
	blen = get_le64(file + 16);
	free(file);
	return blen;
}

START_TEST(test_read_lines_bound)
{
	enum { K = 1000, M = 4000 };
	const char *path = scratch_path("lines.hp");
	struct profile p, q;
	uint64_t blen, limit;
	size_t a, rest, i;
	char err[512], want[128];
	uint32_t f;

	profile_init(&p);
	f = profile_string(&p, "f");
	p.nlocs = p.locs_cap = K;
	p.locs = xmalloc(K * sizeof *p.locs);
	for (i = 0; i < K; i++)
		p.locs[i] = (struct prof_loc){ f, f, (uint32_t)i };
	p.nframes = p.frames_cap = 2;
	p.frames = xmalloc(2 * sizeof *p.frames);
	p.frames[0] = (struct prof_frame){ 0, 0x10, 0, K };
	p.frames[1] = (struct prof_frame){ 0, 0x20, K, 0 };
	p.nstack_frames = p.stack_frames_cap = M;
	p.stack_frames = xmalloc(M * sizeof *p.stack_frames);
	p.nsites = p.sites_cap = 2;
	p.sites = xcalloc(2, sizeof *p.sites);

	blen = write_lines(&p, path, 0, 0);
	limit = 4 * blen;
	a = (size_t)(limit / K);
	rest = (size_t)(limit % K);
	ck_assert_uint_lt(a + rest + 1, M);

	ck_assert_uint_eq(write_lines(&p, path, a, rest), blen);
	ck_assert_msg(profile_read(&q, path, err, sizeof err) == 0,
	    "%zu lines of %llu bytes refused: %s", a * K + rest,
	    (unsigned long long)blen, err);
	ck_assert_uint_eq(q.sites[1].nframes, rest);
	profile_release(&q);

	ck_assert_uint_eq(write_lines(&p, path, a, rest + 1), blen);
	snprintf(want, sizeof want, "corrupt profile (its stacks make more "
	    "than 4 lines for each of its %llu bytes)",
	    (unsigned long long)blen);
	ck_assert_str_eq(read_fails(path) + strlen(path) + 4, want);
	profile_release(&p);
	unlink(path);
}
END_TEST

Suite *
make_profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, scratch_remove);
	tcase_add_test(tc, test_string_interning);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_file_header);
	tcase_add_test(tc, test_empty_profile);
	tcase_add_test(tc, test_read_version_1);
	tcase_add_test(tc, test_read_version_2);
	tcase_add_test(tc, test_read_version_5);
	tcase_add_test(tc, test_read_version_6);
	tcase_add_test(tc, test_read_version_7);
	tcase_add_test(tc, test_percentiles);
	tcase_add_test(tc, test_round_trip_without_dist);
	tcase_add_test(tc, test_read_bad_timeline_dist);
	tcase_add_test(tc, test_read_uncompressed_body);
	tcase_add_test(tc, test_round_trip_large);
	tcase_add_test(tc, test_intern_after_read);
	suite_add_tcase(s, tc);

	tc = tcase_create("Errors");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, scratch_remove);
	tcase_add_test(tc, test_read_missing);
	tcase_add_test(tc, test_read_directory);
	tcase_add_test(tc, test_read_empty);
	tcase_add_test(tc, test_read_foreign);
	tcase_add_test(tc, test_read_truncated);
	tcase_add_test(tc, test_read_stream_cut);
	tcase_add_test(tc, test_read_flipped);
	tcase_add_test(tc, test_read_bad_lengths);
	tcase_add_test(tc, test_read_newer);
	tcase_add_test(tc, test_read_bad_index);
	tcase_add_test(tc, test_write_missing_dir);
	tcase_add_test(tc, test_write_over_directory);
	tcase_add_test(tc, test_write_past_fsize);
	suite_add_tcase(s, tc);

	tc = tcase_create("Streams");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, scratch_remove);
	tcase_add_test(tc, test_read_pipe);
	tcase_add_test(tc, test_read_fifo_no_writer);
	tcase_add_test(tc, test_read_pipe_lies);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, scratch_remove);
	tcase_add_test(tc, test_read_header_first);
	tcase_add_test(tc, test_read_body_claim_bounded);
	tcase_add_test(tc, test_read_lines_bound);
	suite_add_tcase(s, tc);
	return s;
}
