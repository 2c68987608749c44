/* SPDX-License-Identifier: MIT */
/*
 * profile.c - the profile file: writer, reader and string interning.
 *
 * File format (all integers little-endian; heapprof-data(5) has the prose).
 * A fixed 32-byte header, stored as is:
 *
 *   "HEAPPROF"            8-byte magic
 *   u32 version           PROFILE_VERSION; newer files are refused
 *   u32 compression       1: zlib
 *   u64 body length       the body's length, uncompressed
 *   u64 stream length     the zlib stream's length: the rest of the file
 *
 * then the body as one zlib stream (RFC 1950: deflate, then an Adler-32
 * of the body, so damage anywhere in it is found):
 *
 *   u32 nsections         9 (7 before version 6: up to SITES)
 *   then per section:     u32 tag, u32 reserved (0), u64 payload length
 *     1 META     u32 command, u32 pid, i64 start_time, u64 duration,
 *                i32 exit_code, i32 exit_signal, u64 total_bytes,
 *                total_blocks, peak_bytes, peak_blocks, peak_time,
 *                end_bytes, end_blocks, events, unknown_free,
 *                unknown_realloc, live_realloc, bad_record; from
 *                version 4: u64 failed_asserts, u32 n, n x u32 string
 *                (the first failed assertions' texts); from version 5:
 *                u32 mode (0 heap, 1 ad-hoc), u32 reserved (0),
 *                u64 ad_events, u64 ad_weight; from version 7:
 *                u64 unwind_mismatch; from version 8: u64 nested
 *     2 STRINGS  u32 n, n x (u32 len, bytes); string 0 is ""
 *     3 MODULES  u32 n, n x (u32 path string, u32 flags PROF_MODULE_*);
 *                version 1 files have no flags
 *     4 LOCS     u32 n, n x (u32 function, u32 file, u32 line)
 *     5 FRAMES   u32 n, n x (u32 module+1, u64 offset, u32 first_loc,
 *                u32 nlocs)
 *     6 STACKS   u32 n, n x u32 frame index
 *     7 SITES    u32 n, n x (u32 first, u32 nframes, u32 flags,
 *                2 x 9 x u64: tb tbk tl mb mbk gb gbk eb ebk, own then dhat;
 *                from version 5: u64 ad_events, u64 ad_weight)
 *     8 TIMELINE u32 n, n x (u64 time step from the point before, u64 lo,
 *                u64 hi): live bytes over time (timeline.h)
 *     9 DISTRIBUTIONS  u32 n (SITES' count, or 0: none), u32 buckets
 *                (DIST_BUCKETS), u64 tick_num, u64 tick_den, then per
 *                site two histograms, sizes then lifetimes (stats.h),
 *                each a u64 mask of the buckets that are not 0 and a u32
 *                count for each of them
 *
 * Versions 1 and 2 have no compression fields: the body follows the
 * version at offset 12, uncompressed.
 *
 * Example: a run with one site of one frame starts
 *   48 45 41 50 50 52 4f 46  08 00 00 00  01 00 00 00
 *   (u64 body length)  (u64 stream length)  78 9c ...
 * and its body, inflated, starts
 *   09 00 00 00  01 00 00 00  00 00 00 00  bc 00 00 00 00 00 00 00 ...
 * The reader reads the header alone first, so a file that is no profile
 * is refused from its first bytes, however large.  It checks the
 * header's lengths against the file (when it is a regular file, not a
 * pipe) and against what deflate can produce, inflates the body into room
 * that grows with what inflate gives, up to the length the header gives,
 * which it must come out at exactly, then checks every length against the
 * body and every index against its table, so a damaged file is refused
 * with a message, never a crash, and a length field never makes it
 * allocate what the data does not fill.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include "hash.h"
#include "profile.h"
#include "xmalloc.h"

static const char magic[8] = "HEAPPROF";

/* The compression field of the header; the only method so far. */
#define PROFILE_ZLIB	1

/*
 * zlib's default level, chosen by measurement on a 19.7 MB body (clang
 * -fsyntax-only on a file including <regex>, a 31 s run): profile_write
 * took 0.18 s uncompressed; at level 1 0.19 s for 1.48 MB, at 6 0.34 s
 * for 1.13 MB, at 9 2.0 s for 1.06 MB.  Level 6 is within 6% of 9's size
 * at a sixth of its time, and adds about 0.5% to that run.
 */
#define PROFILE_ZLIB_LEVEL	6

/*
 * Deflate expands at most 1032:1 (a 258-byte match in two bits; zlib's
 * "technical details"), so a header claiming a longer body than that is
 * corrupt, and is refused before anything is allocated for it.
 */
#define DEFLATE_MAX_RATIO	1032

/* The fixed header of version 3: magic, version, compression, lengths. */
#define HEADER_LEN	32

/* zlib counts in uInt: it is given at most this much at a time. */
#define ZCHUNK		((size_t)1 << 30)

enum { SEC_META = 1, SEC_STRINGS, SEC_MODULES, SEC_LOCS, SEC_FRAMES,
    SEC_STACKS, SEC_SITES, SEC_TIMELINE, SEC_DIST, SEC_N = SEC_DIST };

/* Sections before version 6: up to SITES. */
#define SEC_N_V5	SEC_SITES

/* String interning: open addressing over ids, like stacktab. */
struct strindex {
	uint32_t *slots;	/* id + 1; 0 = empty */
	size_t nslots;
};

void
profile_init(struct profile *p)
{
	memset(p, 0, sizeof *p);
	p->tick_num = p->tick_den = 1;
	profile_string(p, "");
}

void
profile_release(struct profile *p)
{
	size_t i;

	for (i = 0; i < p->nstrings; i++)
		free(p->strings[i]);
	free(p->strings);
	free(p->string_lens);
	free(p->modules);
	free(p->module_flags);
	free(p->locs);
	free(p->frames);
	free(p->stack_frames);
	free(p->sites);
	free(p->failures);
	free(p->timeline);
	if (p->index != NULL)
		free(p->index->slots);
	free(p->index);
	memset(p, 0, sizeof *p);
}

static uint64_t
hash_str(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return hash_u64(h);
}

static void
strindex_put(struct strindex *x, const struct profile *p, uint32_t id)
{
	size_t mask = x->nslots - 1;
	size_t i = hash_str(p->strings[id], p->string_lens[id]) & mask;

	while (x->slots[i] != 0)
		i = (i + 1) & mask;
	x->slots[i] = id + 1;
}

static void
strindex_rebuild(struct profile *p, size_t nslots)
{
	struct strindex *x = p->index;
	uint32_t id;

	free(x->slots);
	x->nslots = nslots;
	x->slots = xcalloc(nslots, sizeof *x->slots);
	for (id = 0; id < p->nstrings; id++)
		strindex_put(x, p, id);
}

uint32_t
profile_string(struct profile *p, const char *s)
{
	size_t n = strlen(s), mask, i;
	uint32_t id;

	if (p->index == NULL) {
		/* A loaded profile has strings but no index yet. */
		for (i = 256; i < 2 * p->nstrings; i *= 2)
			;
		p->index = xcalloc(1, sizeof *p->index);
		strindex_rebuild(p, i);
	}
	mask = p->index->nslots - 1;
	for (i = hash_str(s, n) & mask; p->index->slots[i] != 0;
	    i = (i + 1) & mask) {
		id = p->index->slots[i] - 1;
		if (p->string_lens[id] == n && memcmp(p->strings[id], s, n) == 0)
			return id;
	}
	p->strings = xgrow(p->strings, &p->strings_cap, p->nstrings + 1,
	    sizeof *p->strings);
	p->string_lens = xrealloc(p->string_lens,
	    p->strings_cap * sizeof *p->string_lens);
	id = (uint32_t)p->nstrings++;
	p->strings[id] = xstrndup(s, n);
	p->string_lens[id] = (uint32_t)n;
	if (p->nstrings * 2 > p->index->nslots)
		strindex_rebuild(p, p->index->nslots * 2);
	else
		strindex_put(p->index, p, id);
	return id;
}

const char *
profile_str(const struct profile *p, uint32_t id)
{
	return id < p->nstrings ? p->strings[id] : "";
}

uint64_t
profile_ticks_ns(const struct profile *p, uint64_t ticks)
{
	unsigned __int128 ns;

	if (p->tick_den == 0)
		return ticks;
	ns = (unsigned __int128)ticks * p->tick_num / p->tick_den;
	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

static uint64_t
dist_count(const uint32_t hist[DIST_BUCKETS])
{
	uint64_t n = 0;
	size_t k;

	for (k = 0; k < DIST_BUCKETS; k++)
		n += hist[k];
	return n;
}

uint64_t
profile_size_percentile(const struct prof_dist *dist,
    const struct prof_stats *st, unsigned pct)
{
	return dist_percentile(dist->size, dist_count(dist->size), pct,
	    st->tbk != 0 ? st->tb / st->tbk : UINT64_MAX);
}

uint64_t
profile_life_percentile(const struct profile *p,
    const struct prof_dist *dist, const struct prof_stats *st, unsigned pct)
{
	uint64_t avg = UINT64_MAX;
	unsigned __int128 t;

	/* The average in ticks, to compare with the buckets' bounds. */
	if (st->tbk != 0 && p->tick_num != 0) {
		t = (unsigned __int128)(st->tl / st->tbk) * p->tick_den /
		    p->tick_num;
		if (t < UINT64_MAX)
			avg = (uint64_t)t;
	}
	return profile_ticks_ns(p, dist_percentile(dist->life,
	    dist_count(dist->life), pct, avg));
}

/* --- writing ------------------------------------------------------------ */

struct wbuf {
	unsigned char *data;
	size_t len, cap;
};

static void
put(struct wbuf *b, const void *v, size_t n)
{
	b->data = xgrow(b->data, &b->cap, b->len + n, 1);
	memcpy(b->data + b->len, v, n);
	b->len += n;
}

/* The format is little-endian; so is every machine heapprof runs on. */
static void put32(struct wbuf *b, uint32_t v) { put(b, &v, 4); }
static void put64(struct wbuf *b, uint64_t v) { put(b, &v, 8); }

static size_t
section_begin(struct wbuf *b, uint32_t tag)
{
	put32(b, tag);
	put32(b, 0);
	put64(b, 0);
	return b->len;
}

static void
section_end(struct wbuf *b, size_t start)
{
	uint64_t len = b->len - start;

	memcpy(b->data + start - 8, &len, 8);
}

/* A histogram, sparse: a mask of the buckets that are not 0, then those. */
static void
put_hist(struct wbuf *b, const uint32_t hist[DIST_BUCKETS])
{
	uint64_t mask = 0;
	size_t k;

	for (k = 0; k < DIST_BUCKETS; k++)
		if (hist[k] != 0)
			mask |= (uint64_t)1 << k;
	put64(b, mask);
	for (k = 0; k < DIST_BUCKETS; k++)
		if (hist[k] != 0)
			put32(b, hist[k]);
}

static void
put_stats(struct wbuf *b, const struct prof_stats *s)
{
	put64(b, s->tb);
	put64(b, s->tbk);
	put64(b, s->tl);
	put64(b, s->mb);
	put64(b, s->mbk);
	put64(b, s->gb);
	put64(b, s->gbk);
	put64(b, s->eb);
	put64(b, s->ebk);
}

/* The body: what follows the header, before compression. */
static void
encode_body(const struct profile *p, struct wbuf *b)
{
	size_t s, i;

	put32(b, SEC_N);

	s = section_begin(b, SEC_META);
	put32(b, p->command);
	put32(b, p->pid);
	put64(b, (uint64_t)p->start_time);
	put64(b, p->duration);
	put32(b, (uint32_t)p->exit_code);
	put32(b, (uint32_t)p->exit_signal);
	put64(b, p->total_bytes);
	put64(b, p->total_blocks);
	put64(b, p->peak_bytes);
	put64(b, p->peak_blocks);
	put64(b, p->peak_time);
	put64(b, p->end_bytes);
	put64(b, p->end_blocks);
	put64(b, p->events);
	put64(b, p->anomalies.unknown_free);
	put64(b, p->anomalies.unknown_realloc);
	put64(b, p->anomalies.live_realloc);
	put64(b, p->anomalies.bad_record);
	put64(b, p->failed_asserts);
	put32(b, (uint32_t)p->nfailures);
	for (i = 0; i < p->nfailures; i++)
		put32(b, p->failures[i]);
	put32(b, p->mode);
	put32(b, 0);
	put64(b, p->ad_events);
	put64(b, p->ad_weight);
	put64(b, p->anomalies.unwind_mismatch);
	put64(b, p->anomalies.nested);
	section_end(b, s);

	s = section_begin(b, SEC_STRINGS);
	put32(b, (uint32_t)p->nstrings);
	for (i = 0; i < p->nstrings; i++) {
		put32(b, p->string_lens[i]);
		put(b, p->strings[i], p->string_lens[i]);
	}
	section_end(b, s);

	s = section_begin(b, SEC_MODULES);
	put32(b, (uint32_t)p->nmodules);
	for (i = 0; i < p->nmodules; i++) {
		put32(b, p->modules[i]);
		put32(b, p->module_flags != NULL ? p->module_flags[i] : 0);
	}
	section_end(b, s);

	s = section_begin(b, SEC_LOCS);
	put32(b, (uint32_t)p->nlocs);
	for (i = 0; i < p->nlocs; i++) {
		put32(b, p->locs[i].function);
		put32(b, p->locs[i].file);
		put32(b, p->locs[i].line);
	}
	section_end(b, s);

	s = section_begin(b, SEC_FRAMES);
	put32(b, (uint32_t)p->nframes);
	for (i = 0; i < p->nframes; i++) {
		put32(b, p->frames[i].module);
		put64(b, p->frames[i].offset);
		put32(b, p->frames[i].first_loc);
		put32(b, p->frames[i].nlocs);
	}
	section_end(b, s);

	s = section_begin(b, SEC_STACKS);
	put32(b, (uint32_t)p->nstack_frames);
	for (i = 0; i < p->nstack_frames; i++)
		put32(b, p->stack_frames[i]);
	section_end(b, s);

	s = section_begin(b, SEC_SITES);
	put32(b, (uint32_t)p->nsites);
	for (i = 0; i < p->nsites; i++) {
		put32(b, p->sites[i].first);
		put32(b, p->sites[i].nframes);
		put32(b, p->sites[i].flags);
		put_stats(b, &p->sites[i].st[STATS_OWN]);
		put_stats(b, &p->sites[i].st[STATS_DHAT]);
		put64(b, p->sites[i].ad_events);
		put64(b, p->sites[i].ad_weight);
	}
	section_end(b, s);

	s = section_begin(b, SEC_TIMELINE);
	put32(b, (uint32_t)p->ntimeline);
	/* Times as steps from the one before: nearly all alike, they pack. */
	for (i = 0; i < p->ntimeline; i++) {
		put64(b, p->timeline[i].time - (i > 0 ?
		    p->timeline[i - 1].time : 0));
		put64(b, p->timeline[i].lo);
		put64(b, p->timeline[i].hi);
	}
	section_end(b, s);

	/* A profile read from an older file has no distributions to write. */
	s = section_begin(b, SEC_DIST);
	put32(b, p->has_dist ? (uint32_t)p->nsites : 0);
	put32(b, DIST_BUCKETS);
	put64(b, p->tick_num);
	put64(b, p->tick_den);
	for (i = 0; p->has_dist && i < p->nsites; i++) {
		put_hist(b, p->sites[i].dist.size);
		put_hist(b, p->sites[i].dist.life);
	}
	section_end(b, s);
}

/* The whole file into b; returns 0, or -1 with errno set. */
static int
encode(const struct profile *p, struct wbuf *b)
{
	struct wbuf body = { NULL, 0, 0 };
	uint64_t blen, zlen;
	uLongf dlen;
	int ret;

	encode_body(p, &body);
	blen = body.len;
	put(b, magic, sizeof magic);
	put32(b, PROFILE_VERSION);
	put32(b, PROFILE_ZLIB);
	put64(b, blen);
	put64(b, 0);		/* the stream's length, known below */
	dlen = compressBound(body.len);
	b->data = xgrow(b->data, &b->cap, b->len + dlen, 1);
	/* With compressBound's room, only a failed allocation can fail. */
	ret = compress2(b->data + b->len, &dlen, body.data, body.len,
	    PROFILE_ZLIB_LEVEL);
	free(body.data);
	if (ret != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	b->len += dlen;
	zlen = dlen;
	memcpy(b->data + HEADER_LEN - 8, &zlen, 8);
	return 0;
}

char *
profile_write_temp(const struct profile *p, const char *path)
{
	struct wbuf b = { NULL, 0, 0 };
	size_t n = strlen(path), off = 0;
	char *tmp;
	ssize_t w;
	int fd, saved;

	if (encode(p, &b) == -1) {
		free(b.data);
		return NULL;
	}
	tmp = xmalloc(n + 16);
	snprintf(tmp, n + 16, "%s.tmp%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1)
		goto fail;
	while (off < b.len) {
		w = write(fd, b.data + off, b.len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			goto fail_unlink;
		off += (size_t)w;
	}
	/* On disk before anything older is moved aside for it. */
	if (fsync(fd) == -1 && errno != EINVAL)
		goto fail_unlink;
	if (close(fd) == -1) {
		fd = -1;
		goto fail_unlink;
	}
	free(b.data);
	return tmp;
fail_unlink:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	free(tmp);
	free(b.data);
	errno = saved;
	return NULL;
}

int
profile_write(const struct profile *p, const char *path)
{
	char *tmp = profile_write_temp(p, path);
	int saved;

	if (tmp == NULL)
		return -1;
	if (rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		free(tmp);
		errno = saved;
		return -1;
	}
	free(tmp);
	return 0;
}

/* --- reading ------------------------------------------------------------ */

struct rbuf {
	const unsigned char *data;
	size_t len, pos;
	char *err;
	size_t errlen;
	int failed;
};

__attribute__((format(printf, 2, 3))) static void
rfail(struct rbuf *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = 1;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
}

static int
take(struct rbuf *r, void *v, size_t n)
{
	if (r->failed) {
		/* Callers read on after a failure: give them zeros, not garbage. */
		memset(v, 0, n);
		return -1;
	}
	if (r->len - r->pos < n) {
		rfail(r, "truncated profile (%zu bytes, needs more at offset %zu)",
		    r->len, r->pos);
		memset(v, 0, n);
		return -1;
	}
	memcpy(v, r->data + r->pos, n);
	r->pos += n;
	return 0;
}

static uint32_t
get32(struct rbuf *r)
{
	uint32_t v;

	take(r, &v, 4);
	return v;
}

static uint64_t
get64(struct rbuf *r)
{
	uint64_t v;

	take(r, &v, 8);
	return v;
}

/* A count of records of `size` bytes each must fit in what is left. */
static size_t
get_count(struct rbuf *r, size_t size)
{
	uint32_t n = get32(r);

	if (!r->failed && (size_t)n > (r->len - r->pos) / size) {
		rfail(r, "truncated profile (a table of %u entries does not fit)",
		    n);
		return 0;
	}
	return n;
}

static void
check_index(struct rbuf *r, uint64_t idx, size_t limit, const char *what)
{
	if (idx >= limit)
		rfail(r, "corrupt profile (%s index %llu out of range)", what,
		    (unsigned long long)idx);
}

static void
get_stats(struct rbuf *r, struct prof_stats *s)
{
	s->tb = get64(r);
	s->tbk = get64(r);
	s->tl = get64(r);
	s->mb = get64(r);
	s->mbk = get64(r);
	s->gb = get64(r);
	s->gbk = get64(r);
	s->eb = get64(r);
	s->ebk = get64(r);
}

static void
section(struct rbuf *r, uint32_t want, size_t *end)
{
	uint32_t tag = get32(r);
	uint64_t len;

	get32(r);
	len = get64(r);
	if (r->failed)
		return;
	if (tag != want) {
		rfail(r, "corrupt profile (section %u where %u belongs)", tag,
		    want);
		return;
	}
	if (len > r->len - r->pos) {
		rfail(r, "truncated profile (section %u claims %llu bytes, %zu left)",
		    tag, (unsigned long long)len, r->len - r->pos);
		return;
	}
	*end = r->pos + (size_t)len;
}

static void
section_done(struct rbuf *r, size_t end)
{
	if (!r->failed && r->pos != end)
		rfail(r, "corrupt profile (section length mismatch at offset %zu)",
		    r->pos);
}

/*
 * Where a profile is read from.  A regular file's size bounds every length
 * in the header before anything is allocated for it.  A pipe, FIFO or
 * terminal ("-" is the standard input) is streamed: nothing is known of
 * its size, so memory grows only with what is actually read or inflated,
 * never with what a length field claims.
 */
struct source {
	const char *path;
	int fd;
	int own;		/* fd is ours to close */
	int fifo;		/* a pipe: its writer may be missing */
	int regular;		/* size is the length of the file */
	uint64_t size;
	int reads;		/* read(2) calls so far */
	int no_writer;		/* a FIFO that no one writes to */
	int error;		/* errno of a failed read, 0 if none */
};

static int
source_open(struct source *s, const char *path, char *err, size_t errlen)
{
	struct stat st;

	memset(s, 0, sizeof *s);
	s->path = path;
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
	} else {
		/*
		 * Opening a FIFO for reading waits for a writer, forever if
		 * none comes; O_NONBLOCK returns at once.  Reads that would
		 * wait for data poll instead (source_read).
		 */
		s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (s->fd == -1) {
			snprintf(err, errlen, "cannot open '%s': %s", path,
			    strerror(errno));
			return -1;
		}
		s->own = 1;
	}
	if (fstat(s->fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(S_ISDIR(st.st_mode) ? EISDIR : errno));
		if (s->own)
			close(s->fd);
		return -1;
	}
	s->fifo = S_ISFIFO(st.st_mode);
	/* Files of /proc and /sys say 0 and have more: streamed. */
	s->regular = S_ISREG(st.st_mode) && st.st_size > 0;
	s->size = (uint64_t)st.st_size;
	return 0;
}

static void
source_close(struct source *s)
{
	if (s->own)
		close(s->fd);
}

/*
 * Read up to n bytes, fewer only at the end of the input.  Returns the
 * count, or -1 with s->error set.
 */
static size_t
source_read(struct source *s, void *buf, size_t n)
{
	struct pollfd pfd;
	size_t off = 0;
	ssize_t got;

	while (off < n) {
		got = read(s->fd, (char *)buf + off, n - off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* A writer that has not written yet: wait for it. */
			s->reads++;
			pfd.fd = s->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, -1) == -1 && errno != EINTR) {
				s->error = errno;
				return (size_t)-1;
			}
			continue;
		}
		if (got == -1) {
			s->error = errno;
			return (size_t)-1;
		}
		/*
		 * A FIFO we opened reads as at its end at once when no one
		 * has it open for writing (a pipe on the standard input is
		 * the caller's, and is merely empty).
		 */
		if (got == 0 && s->reads == 0 && s->fifo && s->own)
			s->no_writer = 1;
		s->reads++;
		if (got == 0)
			break;
		off += (size_t)got;
	}
	return off;
}

/* Input read at a time while inflating. */
#define INCHUNK		((size_t)64 << 10)

/*
 * Are n more bytes there?  A regular file's size said so; a stream is
 * read on, in buf (INCHUNK bytes), to see.
 */
static int
source_has(struct source *s, unsigned char *buf, uint64_t n)
{
	size_t got;

	while (!s->regular && n > 0) {
		got = source_read(s, buf, n < INCHUNK ? (size_t)n : INCHUNK);
		if (got == 0 || got == (size_t)-1)
			return 0;
		n -= got;
	}
	return 1;
}

/* The first room for the body; it doubles as the body comes. */
#define OUTSTART	((size_t)64 << 10)

/*
 * Inflate the zlib stream of zlen bytes that follows the header in s into
 * a body that must come out exactly blen bytes long.  The body's room
 * grows with what inflate gives, up to blen: a header that lies about the
 * body's length costs no memory.  Returns the body (the caller frees it),
 * or NULL when r has failed.
 */
static unsigned char *
inflate_source(struct rbuf *r, struct source *s, uint64_t zlen, size_t blen)
{
	unsigned char *in = xmalloc(INCHUNK), *out, *grown;
	uint64_t in_left = zlen;
	size_t cap = blen < OUTSTART ? blen + 1 : OUTSTART, n;
	z_stream z;
	int ret = Z_OK;

	out = xmalloc(cap);
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		rfail(r, "cannot inflate the profile (%s)",
		    z.msg != NULL ? z.msg : "out of memory");
		free(in);
		free(out);
		return NULL;
	}
	z.next_out = out;
	do {
		if (z.avail_in == 0 && in_left > 0) {
			n = source_read(s, in, in_left < INCHUNK ?
			    (size_t)in_left : INCHUNK);
			if (n == (size_t)-1) {
				rfail(r, "read error");
				break;
			}
			if (n == 0) {
				rfail(r, "truncated profile (%llu bytes of "
				    "compressed body, its header says %llu)",
				    (unsigned long long)(zlen - in_left),
				    (unsigned long long)zlen);
				break;
			}
			in_left -= n;
			z.next_in = in;
			z.avail_in = (uInt)n;
		}
		if (z.avail_out == 0 && z.total_out == cap && cap <= blen) {
			/* cap is blen + 1 at most: one byte too many shows. */
			n = cap > (blen + 1) / 2 ? blen + 1 : 2 * cap;
			grown = realloc(out, n);
			if (grown == NULL) {
				rfail(r, "cannot allocate %zu bytes to inflate "
				    "the profile", n);
				break;
			}
			out = grown;
			cap = n;
		}
		if (z.avail_out == 0) {
			n = cap - (size_t)z.total_out;
			z.next_out = out + z.total_out;
			z.avail_out = (uInt)(n < ZCHUNK ? n : ZCHUNK);
		}
		/* Z_BUF_ERROR: no input left, or no room left. */
		ret = inflate(&z, Z_NO_FLUSH);
	} while (ret == Z_OK);

	if (r->failed)
		;
	else if (z.total_out > blen)
		rfail(r, "corrupt profile (the body inflates to more than "
		    "the %zu bytes its header says)", blen);
	else if (ret == Z_STREAM_END && z.total_out != blen)
		rfail(r, "corrupt profile (the body inflates to %llu bytes, "
		    "its header says %zu)", (unsigned long long)z.total_out,
		    blen);
	else if (ret == Z_STREAM_END && (z.avail_in != 0 || in_left != 0) &&
	    !source_has(s, in, in_left))
		rfail(r, "truncated profile (the compressed body is shorter "
		    "than the %llu bytes its header says)",
		    (unsigned long long)zlen);
	else if (ret == Z_STREAM_END && (z.avail_in != 0 || in_left != 0))
		rfail(r, "corrupt profile (%llu bytes of trailing data in "
		    "the compressed body)",
		    (unsigned long long)(z.avail_in + in_left));
	else if (ret == Z_BUF_ERROR && z.avail_in == 0 && in_left == 0)
		rfail(r, "truncated profile (the compressed body stops after "
		    "%llu of %zu bytes)", (unsigned long long)z.total_out,
		    blen);
	else if (ret == Z_MEM_ERROR)
		rfail(r, "cannot inflate the profile (out of memory)");
	else if (ret != Z_STREAM_END)
		rfail(r, "corrupt profile (compressed body: %s)",
		    z.msg != NULL ? z.msg : "bad data");
	inflateEnd(&z);
	free(in);
	if (r->failed) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * After version 3's magic and version: check the rest of the header
 * against the file, and inflate the body.  Returns the body (the caller
 * frees it) with r set to read it from its start, or NULL when r has
 * failed.
 */
static unsigned char *
open_body(struct rbuf *r, struct source *s)
{
	uint32_t method = get32(r);
	uint64_t blen = get64(r), zlen = get64(r), left;
	unsigned char *body;
	char c;

	if (r->failed)
		return NULL;
	if (method != PROFILE_ZLIB) {
		rfail(r, "corrupt profile (unknown compression method %u)",
		    method);
		return NULL;
	}
	if (s->regular) {
		left = s->size > HEADER_LEN ? s->size - HEADER_LEN : 0;
		if (zlen > left) {
			rfail(r, "truncated profile (%llu bytes of compressed "
			    "body, its header says %llu)",
			    (unsigned long long)left, (unsigned long long)zlen);
			return NULL;
		}
		if (zlen < left) {
			rfail(r, "corrupt profile (%llu bytes of trailing "
			    "data)", (unsigned long long)(left - zlen));
			return NULL;
		}
	}
	if ((zlen <= UINT64_MAX / DEFLATE_MAX_RATIO &&
	    blen > zlen * DEFLATE_MAX_RATIO) || blen >= SIZE_MAX) {
		rfail(r, "corrupt profile (its header claims a body of %llu "
		    "bytes, more than %llu compressed bytes can hold)",
		    (unsigned long long)blen, (unsigned long long)zlen);
		return NULL;
	}
	body = inflate_source(r, s, zlen, (size_t)blen);
	if (body == NULL)
		return NULL;
	/* A stream has no size to compare the header with: look for more. */
	if (!s->regular && source_read(s, &c, 1) == 1) {
		rfail(r, "corrupt profile (trailing data after the %llu bytes "
		    "of compressed body its header says)",
		    (unsigned long long)zlen);
		free(body);
		return NULL;
	}
	r->data = body;
	r->len = (size_t)blen;
	r->pos = 0;
	return body;
}

/*
 * Versions 1 and 2: the body is the rest of the file, uncompressed.
 * Returns the whole file, head included (the caller frees it), with r
 * set to read on after the head, or NULL when r has failed.
 */
static unsigned char *
read_rest(struct rbuf *r, struct source *s, const unsigned char *head,
    size_t nhead)
{
	size_t cap, len = nhead, want, n;
	unsigned char *data;
	uint32_t nsec, tag;

	/*
	 * A body that does not start as one is not read on (a large file
	 * of zeros after a magic, say): decode says what is wrong from the
	 * head alone.
	 */
	if (nhead < HEADER_LEN)
		return NULL;
	memcpy(&nsec, head + 12, 4);
	memcpy(&tag, head + 16, 4);
	if (nsec != SEC_N_V5 || tag != SEC_META)
		return NULL;
	cap = s->regular && s->size < SIZE_MAX ? (size_t)s->size + 1 :
	    OUTSTART;
	if (cap < nhead + 1)
		cap = nhead + 1;
	data = xmalloc(cap);
	memcpy(data, head, nhead);
	for (;;) {
		if (len == cap) {
			if (s->regular)
				break;	/* what it was said to hold */
			data = xgrow(data, &cap, len + 1, 1);
		}
		want = cap - len;
		n = source_read(s, data + len, want);
		if (n == (size_t)-1) {
			rfail(r, "read error");
			free(data);
			return NULL;
		}
		len += n;
		if (n < want)
			break;
	}
	r->data = data;
	r->len = len;
	return data;
}

/*
 * The magic and version at the start of r (the file's first bytes);
 * returns the version, or 0 when r has failed.
 */
static uint32_t
check_magic(struct rbuf *r)
{
	char m[8];
	uint32_t version;

	if (r->len == 0) {
		rfail(r, "empty file, not a profile");
		return 0;
	}
	if (r->len < sizeof m || memcmp(r->data, magic, sizeof m) != 0) {
		rfail(r, "not a heapprof profile");
		return 0;
	}
	take(r, m, sizeof m);
	version = get32(r);
	if (!r->failed && version > PROFILE_VERSION) {
		rfail(r, "profile format version %u is newer than this heapprof "
		    "reads (%u)", version, PROFILE_VERSION);
		return 0;
	}
	if (!r->failed && version == 0)
		rfail(r, "corrupt profile (format version 0)");
	return r->failed ? 0 : version;
}

/* TIMELINE: times by steps from 0, each point's low no higher than its high. */
static void
decode_timeline(struct profile *p, struct rbuf *r)
{
	size_t end = 0, i, n;
	struct prof_point *pt;
	uint64_t time = 0, step;

	section(r, SEC_TIMELINE, &end);
	n = get_count(r, 24);
	p->timeline = xcalloc(n + 1, sizeof *p->timeline);
	for (i = 0; i < n && !r->failed; i++) {
		pt = &p->timeline[i];
		step = get64(r);
		pt->lo = get64(r);
		pt->hi = get64(r);
		if (!r->failed && (pt->lo > pt->hi || step > UINT64_MAX - time))
			rfail(r, "corrupt profile (timeline point %zu)", i);
		time += step;
		pt->time = time;
	}
	p->ntimeline = n;
	section_done(r, end);
}

static void
get_hist(struct rbuf *r, uint32_t hist[DIST_BUCKETS])
{
	uint64_t mask = get64(r);
	size_t k;

	if (!r->failed && (mask >> (DIST_BUCKETS - 1)) > 1) {
		rfail(r, "corrupt profile (histogram buckets 0x%llx)",
		    (unsigned long long)mask);
		return;
	}
	for (k = 0; k < DIST_BUCKETS; k++)
		if (mask & (uint64_t)1 << k)
			hist[k] = get32(r);
}

/* DISTRIBUTIONS: none (written from an older file), or one per site. */
static void
decode_dist(struct profile *p, struct rbuf *r)
{
	size_t end = 0, i;
	uint32_t n, nbuckets;

	section(r, SEC_DIST, &end);
	n = get32(r);
	nbuckets = get32(r);
	p->tick_num = get64(r);
	p->tick_den = get64(r);
	if (r->failed)
		return;
	if (n != 0 && n != p->nsites) {
		rfail(r, "corrupt profile (%u distributions for %zu sites)", n,
		    p->nsites);
		return;
	}
	if (nbuckets != DIST_BUCKETS || p->tick_num == 0 || p->tick_den == 0) {
		rfail(r, "corrupt profile (distributions of %u buckets, "
		    "ticks of %llu/%llu ns)", nbuckets,
		    (unsigned long long)p->tick_num,
		    (unsigned long long)p->tick_den);
		return;
	}
	for (i = 0; i < n && !r->failed; i++) {
		get_hist(r, p->sites[i].dist.size);
		get_hist(r, p->sites[i].dist.life);
	}
	p->has_dist = n != 0;
	section_done(r, end);
}

/*
 * A report shows a line per location of each frame of each site's stack
 * (inlined functions), or one for a frame without any.  A stack may name
 * a frame many times and a frame may have many locations, so a few
 * hundred bytes could ask for billions of lines: a file whose stacks
 * make more than LINES_PER_BYTE lines per byte of its body is refused.
 * heapprof's own make about 0.01 (a site takes 172 bytes, each entry of
 * its stack 4, and a frame makes a line per inlined call in it): only
 * an average of 16 inlined calls a frame in deep stacks would reach 4.
 * A report's lines take 12 bytes each, so its memory stays within 48
 * times the body's.
 */
#define LINES_PER_BYTE	4

static void
check_lines(const struct profile *p, struct rbuf *r)
{
	uint64_t *upto, lines = 0, limit = (uint64_t)r->len * LINES_PER_BYTE;
	const struct prof_site *s;
	const struct prof_frame *f;
	size_t i;

	if (r->failed)
		return;
	/* upto[k]: the lines of the stack entries before k. */
	upto = xcalloc(p->nstack_frames + 1, sizeof *upto);
	for (i = 0; i < p->nstack_frames; i++) {
		f = &p->frames[p->stack_frames[i]];
		upto[i + 1] = upto[i] + (f->nlocs > 0 ? f->nlocs : 1);
	}
	for (i = 0; i < p->nsites && lines <= limit; i++) {
		s = &p->sites[i];
		lines += upto[s->first + s->nframes] - upto[s->first];
	}
	free(upto);
	if (lines > limit)
		rfail(r, "corrupt profile (its stacks make more than %d "
		    "lines for each of its %zu bytes)", LINES_PER_BYTE, r->len);
}

/* The body, with r at its start. */
static void
decode(struct profile *p, struct rbuf *r, uint32_t version)
{
	uint32_t len, nsec = version >= 6 ? SEC_N : SEC_N_V5;
	size_t end = 0, i, n;

	p->tick_num = p->tick_den = 1;

	len = get32(r);
	if (!r->failed && len != nsec) {
		rfail(r, "corrupt profile (%u sections where %u belong)", len,
		    nsec);
		return;
	}

	section(r, SEC_META, &end);
	p->command = get32(r);
	p->pid = get32(r);
	p->start_time = (int64_t)get64(r);
	p->duration = get64(r);
	p->exit_code = (int32_t)get32(r);
	p->exit_signal = (int32_t)get32(r);
	p->total_bytes = get64(r);
	p->total_blocks = get64(r);
	p->peak_bytes = get64(r);
	p->peak_blocks = get64(r);
	p->peak_time = get64(r);
	p->end_bytes = get64(r);
	p->end_blocks = get64(r);
	p->events = get64(r);
	p->anomalies.unknown_free = get64(r);
	p->anomalies.unknown_realloc = get64(r);
	p->anomalies.live_realloc = get64(r);
	p->anomalies.bad_record = get64(r);
	if (version >= 4) {
		p->failed_asserts = get64(r);
		n = get_count(r, 4);
		p->failures = xcalloc(n + 1, sizeof *p->failures);
		for (i = 0; i < n && !r->failed; i++)
			p->failures[i] = get32(r);
		p->nfailures = n;
	}
	if (version >= 5) {
		p->mode = get32(r);
		(void)get32(r);
		p->ad_events = get64(r);
		p->ad_weight = get64(r);
		if (!r->failed && p->mode > PROF_MODE_AD_HOC)
			rfail(r, "corrupt profile (mode %u)", p->mode);
	}
	if (version >= 7)
		p->anomalies.unwind_mismatch = get64(r);
	if (version >= 8)
		p->anomalies.nested = get64(r);
	section_done(r, end);

	section(r, SEC_STRINGS, &end);
	n = get_count(r, 4);
	p->strings = xcalloc(n + 1, sizeof *p->strings);
	p->string_lens = xcalloc(n + 1, sizeof *p->string_lens);
	for (i = 0; i < n && !r->failed; i++) {
		len = get32(r);
		if (!r->failed && len > r->len - r->pos) {
			rfail(r, "truncated profile (string %zu)", i);
			break;
		}
		if (r->failed)
			break;
		p->strings[i] = xstrndup((const char *)r->data + r->pos, len);
		p->string_lens[i] = len;
		r->pos += len;
		p->nstrings++;
	}
	section_done(r, end);
	if (!r->failed && p->nstrings == 0)
		rfail(r, "corrupt profile (no string table)");
	check_index(r, p->command, p->nstrings, "string");
	for (i = 0; i < p->nfailures; i++)
		check_index(r, p->failures[i], p->nstrings, "string");

	section(r, SEC_MODULES, &end);
	n = get_count(r, version >= 2 ? 8 : 4);
	p->modules = xcalloc(n + 1, sizeof *p->modules);
	p->module_flags = xcalloc(n + 1, sizeof *p->module_flags);
	for (i = 0; i < n && !r->failed; i++) {
		p->modules[i] = get32(r);
		if (version >= 2)
			p->module_flags[i] = get32(r);
		check_index(r, p->modules[i], p->nstrings, "string");
	}
	p->nmodules = n;
	section_done(r, end);

	section(r, SEC_LOCS, &end);
	n = get_count(r, 12);
	p->locs = xcalloc(n + 1, sizeof *p->locs);
	for (i = 0; i < n && !r->failed; i++) {
		p->locs[i].function = get32(r);
		p->locs[i].file = get32(r);
		p->locs[i].line = get32(r);
		check_index(r, p->locs[i].function, p->nstrings, "string");
		check_index(r, p->locs[i].file, p->nstrings, "string");
	}
	p->nlocs = n;
	section_done(r, end);

	section(r, SEC_FRAMES, &end);
	n = get_count(r, 20);
	p->frames = xcalloc(n + 1, sizeof *p->frames);
	for (i = 0; i < n && !r->failed; i++) {
		p->frames[i].module = get32(r);
		p->frames[i].offset = get64(r);
		p->frames[i].first_loc = get32(r);
		p->frames[i].nlocs = get32(r);
		check_index(r, p->frames[i].module, p->nmodules + 1, "module");
		if ((uint64_t)p->frames[i].first_loc + p->frames[i].nlocs >
		    p->nlocs)
			check_index(r, (uint64_t)p->frames[i].first_loc +
			    p->frames[i].nlocs, p->nlocs + 1, "location");
	}
	p->nframes = n;
	section_done(r, end);

	section(r, SEC_STACKS, &end);
	n = get_count(r, 4);
	p->stack_frames = xcalloc(n + 1, sizeof *p->stack_frames);
	for (i = 0; i < n && !r->failed; i++) {
		p->stack_frames[i] = get32(r);
		check_index(r, p->stack_frames[i], p->nframes, "frame");
	}
	p->nstack_frames = n;
	section_done(r, end);

	section(r, SEC_SITES, &end);
	n = get_count(r, 12 + 2 * 9 * 8 + (version >= 5 ? 16 : 0));
	p->sites = xcalloc(n + 1, sizeof *p->sites);
	for (i = 0; i < n && !r->failed; i++) {
		p->sites[i].first = get32(r);
		p->sites[i].nframes = get32(r);
		p->sites[i].flags = get32(r);
		get_stats(r, &p->sites[i].st[STATS_OWN]);
		get_stats(r, &p->sites[i].st[STATS_DHAT]);
		if (version >= 5) {
			p->sites[i].ad_events = get64(r);
			p->sites[i].ad_weight = get64(r);
		}
		if ((uint64_t)p->sites[i].first + p->sites[i].nframes >
		    p->nstack_frames)
			rfail(r, "corrupt profile (site %zu's stack out of range)",
			    i);
	}
	p->nsites = n;
	section_done(r, end);
	check_lines(p, r);
	if (version >= 6) {
		decode_timeline(p, r);
		decode_dist(p, r);
	}
	if (!r->failed && r->pos != r->len)
		rfail(r, "corrupt profile (%zu bytes of trailing data)",
		    r->len - r->pos);
}

int
profile_read(struct profile *p, const char *path, char *err, size_t errlen)
{
	char msg[256];
	struct rbuf r = { NULL, 0, 0, msg, sizeof msg, 0 };
	unsigned char head[HEADER_LEN], *data = NULL;
	struct source s;
	uint32_t version;
	size_t n;

	memset(p, 0, sizeof *p);
	if (source_open(&s, path, err, errlen) == -1)
		return -1;
	/* The header first: a file that is no profile is not read on. */
	n = source_read(&s, head, sizeof head);
	if (n == (size_t)-1) {
		rfail(&r, "read error");
	} else if (n == 0 && s.no_writer) {
		snprintf(err, errlen, "cannot read '%s': a FIFO with no writer",
		    path);
		source_close(&s);
		return -1;
	} else {
		r.data = head;
		r.len = n;
		version = check_magic(&r);
		if (version >= 3)
			data = open_body(&r, &s);
		else if (version != 0)
			data = read_rest(&r, &s, head, n);
		if (!r.failed)
			decode(p, &r, version);
	}
	source_close(&s);
	free(data);
	if (s.error != 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(s.error));
		profile_release(p);
		return -1;
	}
	if (r.failed) {
		snprintf(err, errlen, "'%s': %s", path, msg);
		profile_release(p);
		return -1;
	}
	return 0;
}
