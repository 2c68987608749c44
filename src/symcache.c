/* SPDX-License-Identifier: MIT */
/*
 * symcache.c - the persistent cache of symbolized addresses.
 *
 * A file, native byte order (the cache is the machine's own):
 *
 *   "HPSYMS1\n"  u32 crc32 of what follows the length, u32 that length,
 *   u32 key length, key, u32 entry count, then per entry
 *   u64 offset, u32 frame count, per frame
 *   u32 line, u32 function length or NONE, function,
 *   u32 file length or NONE, file.
 *
 * Bump the magic's digit when this changes or when symbolize.c would
 * resolve an address differently: old files then fail the key.
 */
#include "config.h"

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "debugcache.h"
#include "hash.h"
#include "symcache.h"
#include "xmalloc.h"

#define MAGIC		"HPSYMS1\n"
#define HEADER		(sizeof MAGIC - 1 + 8)
#define NONE		UINT32_MAX
#define MAX_ID_LEN	64
#define MAX_ENTRIES	(SYMCACHE_MAX_FILE / 16)

char *
symcache_dir(void)
{
	return debugcache_subdir("symbols");
}

struct buf {
	char *p;
	size_t len, cap;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	b->p = xgrow(b->p, &b->cap, b->len + n, 1);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put_u32(struct buf *b, uint32_t v)
{
	put(b, &v, sizeof v);
}

static void
put_str(struct buf *b, const char *s)
{
	put_u32(b, s != NULL ? (uint32_t)strlen(s) : NONE);
	if (s != NULL)
		put(b, s, strlen(s));
}

static void
printf_buf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
printf_buf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	b->p = xgrow(b->p, &b->cap, b->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* A place a debug file may be, and what is there now. */
static void
key_file(struct buf *k, const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		printf_buf(k, "%s %s %lld %lld.%09ld %llu\n", what, path,
		    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		    st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
	else
		printf_buf(k, "%s %s -\n", what, path);
}

/* FNV-1a: a file name for the key, which the file repeats in full. */
static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
symcache_attach(struct symobj *o, Dwfl_Module *mod, const char *dir)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *id;
	const char *link, *slash;
	struct buf k = { NULL, 0, 0 }, name = { NULL, 0, 0 };
	GElf_Addr vaddr, bias;
	GElf_Word crc;
	struct stat self;
	Elf *elf;
	char *idhex, *d;
	int idlen, i, dlen;

	if (o->cache_tried || mod == NULL)
		return;
	o->cache_tried = 1;
	idlen = dwfl_module_build_id(mod, &id, &vaddr);
	if (idlen <= 1 || idlen > MAX_ID_LEN ||
	    (elf = dwfl_module_getelf(mod, &bias)) == NULL)
		return;
	idhex = xmalloc(2 * (size_t)idlen + 1);
	for (i = 0; i < idlen; i++) {
		idhex[2 * i] = hex[id[i] >> 4];
		idhex[2 * i + 1] = hex[id[i] & 0xf];
	}
	idhex[2 * idlen] = '\0';
	/*
	 * heapprof's own binary too: another build may resolve differently,
	 * and the cache is a cache, not a record.
	 */
	memset(&self, 0, sizeof self);
	stat("/proc/self/exe", &self);
	printf_buf(&k, "heapprof %s %lld %lld.%09ld\nlibdw %s\n"
	    "object %s %lld %lld.%09ld\nbuild-id %s\n", PACKAGE_VERSION,
	    (long long)self.st_size, (long long)self.st_mtim.tv_sec,
	    self.st_mtim.tv_nsec, dwfl_version(NULL), o->path,
	    (long long)o->size, (long long)o->mtime.tv_sec, o->mtime.tv_nsec,
	    idhex);
	printf_buf(&name, "/usr/lib/debug/.build-id/%.2s/%s.debug", idhex,
	    idhex + 2);
	key_file(&k, "debug", name.p);
	/* libdw's default debuginfo_path ":.debug:/usr/lib/debug". */
	link = dwelf_elf_gnu_debuglink(elf, &crc);
	if (link != NULL) {
		slash = strrchr(o->path, '/');
		dlen = slash != NULL ? (int)(slash - o->path) : 0;
		d = xmalloc(strlen(o->path) + strlen(link) + sizeof
		    "/usr/lib/debug/.debug/");
		sprintf(d, "%.*s/%s", dlen, o->path, link);
		key_file(&k, "link", d);
		sprintf(d, "%.*s/.debug/%s", dlen, o->path, link);
		key_file(&k, "link", d);
		sprintf(d, "/usr/lib/debug%.*s/%s", dlen, o->path, link);
		key_file(&k, "link", d);
		free(d);
	}
	name.len = 0;
	printf_buf(&name, "%s-%016llx.syms", idhex,
	    (unsigned long long)fnv1a(k.p, k.len));
	free(idhex);
	o->cache_key = k.p;
	o->cache_name = name.p;
	symcache_load(dir, o);
}

static char *
cache_path(const char *dir, const struct symobj *o)
{
	char *path = xmalloc(strlen(dir) + strlen(o->cache_name) + 2);

	sprintf(path, "%s/%s", dir, o->cache_name);
	return path;
}

/* A bounds-checked reader of a file's bytes. */
struct cur {
	const unsigned char *p, *end;
	int bad;
};

/* n bytes into v, left as they are once past the end. */
static void
get(struct cur *c, void *v, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return;
	}
	memcpy(v, c->p, n);
	c->p += n;
}

static uint32_t
get_u32(struct cur *c)
{
	uint32_t v = 0;

	get(c, &v, sizeof v);
	return v;
}

/* A string with no NUL in it, or NULL for NONE; malloc'd. */
static char *
get_str(struct cur *c)
{
	uint32_t n = get_u32(c);
	char *s;

	if (c->bad || n == NONE)
		return NULL;
	if (n > SYMCACHE_MAX_STRING || (size_t)(c->end - c->p) < n ||
	    memchr(c->p, '\0', n) != NULL) {
		c->bad = 1;
		return NULL;
	}
	s = xstrndup((const char *)c->p, n);
	c->p += n;
	return s;
}

/*
 * The file open on fd, read whole and checked; its entries go to o only
 * when all of them are valid.  -1 when not.
 */
static int
load_fd(int fd, struct symobj *o)
{
	struct stat st;
	unsigned char *data;
	struct cur c;
	struct symobj t;
	struct symloc *locs = NULL;
	size_t locs_cap = 0, klen, i;
	uint32_t crc, len, nents, n, j;
	uint64_t off;
	ssize_t r;
	size_t got = 0;
	int ret = -1;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < HEADER || (size_t)st.st_size > SYMCACHE_MAX_FILE)
		return -1;
	data = xmalloc((size_t)st.st_size);
	while (got < (size_t)st.st_size) {
		r = read(fd, data + got, (size_t)st.st_size - got);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	memset(&t, 0, sizeof t);
	t.path = o->path;
	c.p = data + sizeof MAGIC - 1;
	c.end = data + got;
	c.bad = got != (size_t)st.st_size ||
	    memcmp(data, MAGIC, sizeof MAGIC - 1) != 0;
	crc = get_u32(&c);
	len = get_u32(&c);
	if (c.bad || len != got - HEADER ||
	    crc != crc32(crc32(0, NULL, 0), c.p, len))
		goto out;
	klen = get_u32(&c);
	if (c.bad || klen != strlen(o->cache_key) ||
	    (size_t)(c.end - c.p) < klen || memcmp(c.p, o->cache_key, klen) != 0)
		goto out;
	c.p += klen;
	nents = get_u32(&c);
	if (nents > MAX_ENTRIES)
		goto out;
	for (i = 0; i < nents && !c.bad; i++) {
		off = 0;
		get(&c, &off, sizeof off);
		n = get_u32(&c);
		if (n > SYMCACHE_MAX_LOCS) {
			c.bad = 1;
			break;
		}
		locs = xgrow(locs, &locs_cap, n + 1, sizeof *locs);
		for (j = 0; j < n; j++) {
			locs[j].line = get_u32(&c);
			locs[j].function = get_str(&c);
			locs[j].file = get_str(&c);
		}
		if (!c.bad)
			symmemo_add(&t, off, locs, n, 0);
		symloc_free(locs, n);
	}
	if (c.bad || c.p != c.end)
		goto out;
	for (i = 0; i < t.nents; i++)
		symmemo_add(o, t.ents[i].off, t.locs + t.ents[i].first,
		    t.ents[i].n, 0);
	ret = (int)t.nents;
out:
	symloc_free(t.locs, t.nlocs);
	free(t.locs);
	free(t.ents);
	free(t.slots);
	free(locs);
	free(data);
	return ret;
}

int
symcache_load(const char *dir, struct symobj *o)
{
	char *path;
	int fd, ret;

	if (o->cache_name == NULL)
		return -1;
	path = cache_path(dir, o);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd < 0)
		return -1;
	ret = load_fd(fd, o);
	if (ret >= 0)
		futimens(fd, NULL);	/* its last use, for symcache_clean */
	close(fd);
	return ret;
}

/* Would load_fd take e?  A name of over 64 KiB is left out, not the file. */
static int
storable(const struct symobj *o, const struct symentry *e)
{
	const struct symloc *l;
	uint32_t j;

	if (e->n > SYMCACHE_MAX_LOCS)
		return 0;
	for (j = 0; j < e->n; j++) {
		l = &o->locs[e->first + j];
		if ((l->function != NULL &&
		    strlen(l->function) > SYMCACHE_MAX_STRING) ||
		    (l->file != NULL && strlen(l->file) > SYMCACHE_MAX_STRING))
			return 0;
	}
	return 1;
}

/* o's entries, as many as fit in SYMCACHE_MAX_FILE, as a file. */
static void
serialize(struct buf *b, const struct symobj *o)
{
	const struct symloc *l;
	size_t i, mark, count_at;
	uint32_t j, crc, len, count = 0;

	put(b, MAGIC, sizeof MAGIC - 1);
	put_u32(b, 0);
	put_u32(b, 0);
	put_str(b, o->cache_key);
	count_at = b->len;
	put_u32(b, 0);
	for (i = 0; i < o->nents; i++) {
		if (!storable(o, &o->ents[i]))
			continue;
		mark = b->len;
		put(b, &o->ents[i].off, sizeof o->ents[i].off);
		put_u32(b, o->ents[i].n);
		for (j = 0; j < o->ents[i].n; j++) {
			l = &o->locs[o->ents[i].first + j];
			put_u32(b, l->line);
			put_str(b, l->function);
			put_str(b, l->file);
		}
		if (b->len > SYMCACHE_MAX_FILE || count == MAX_ENTRIES) {
			b->len = mark;
			break;
		}
		count++;
	}
	memcpy(b->p + count_at, &count, sizeof count);
	len = (uint32_t)(b->len - HEADER);
	crc = (uint32_t)crc32(crc32(0, NULL, 0),
	    (const Bytef *)b->p + HEADER, len);
	memcpy(b->p + sizeof MAGIC - 1, &crc, sizeof crc);
	memcpy(b->p + sizeof MAGIC - 1 + 4, &len, sizeof len);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
symcache_save(const char *dir, struct symobj *o)
{
	static int cleaned;
	struct symmemo merged;
	struct symobj *t;
	struct stat st;
	struct buf b = { NULL, 0, 0 };
	char *path, *tmp;
	size_t i;
	int fd, ret = -1;

	if (o->cache_name == NULL || !o->dirty)
		return 0;
	if (!cleaned) {
		cleaned = 1;
		symcache_clean(dir, time(NULL), SYMCACHE_MAX_TOTAL);
	}
	/* What a concurrent run saved meanwhile stays, first. */
	memset(&st, 0, sizeof st);
	symmemo_init(&merged);
	t = symmemo_obj(&merged, o->path, &st);
	t->cache_name = xstrdup(o->cache_name);
	t->cache_key = xstrdup(o->cache_key);
	symcache_load(dir, t);
	for (i = 0; i < o->nents; i++)
		symmemo_add(t, o->ents[i].off, o->locs + o->ents[i].first,
		    o->ents[i].n, 1);
	serialize(&b, t);
	path = cache_path(dir, o);
	tmp = xmalloc(strlen(path) + sizeof ".XXXXXX");
	sprintf(tmp, "%s.XXXXXX", path);
	if (debugcache_make_dirs(dir) == 0 &&
	    (fd = mkostemp(tmp, O_CLOEXEC)) >= 0) {
		if (write_all(fd, b.p, b.len) == 0 && close(fd) == 0 &&
		    rename(tmp, path) == 0)
			ret = 0;
		else
			unlink(tmp);
	}
	if (ret == 0)
		o->dirty = 0;
	free(tmp);
	free(path);
	free(b.p);
	symmemo_release(&merged);
	return ret;
}

/* 1 for a cache file's name, 2 for its temporary file's, 0 for others. */
static int
name_kind(const char *name)
{
	size_t hex = strspn(name, "0123456789abcdef");
	const char *rest = name + hex;

	if (hex < 2 || hex > 2 * MAX_ID_LEN || rest[0] != '-' ||
	    strspn(rest + 1, "0123456789abcdef") != 16 ||
	    strncmp(rest + 17, ".syms", 5) != 0)
		return 0;
	rest += 22;
	if (*rest == '\0')
		return 1;
	return rest[0] == '.' && strlen(rest + 1) == 6 ? 2 : 0;
}

struct aged {
	char *name;
	time_t mtime;
	uint64_t size;
};

struct kept {
	struct aged *v;
	size_t n, cap;
	uint64_t total;
};

static void
keep(void *arg, const char *name, const struct stat *st)
{
	struct kept *k = arg;

	k->v = xgrow(k->v, &k->cap, k->n + 1, sizeof *k->v);
	k->v[k->n].name = xstrdup(name);
	k->v[k->n].mtime = st->st_mtime;
	k->v[k->n].size = (uint64_t)st->st_size;
	k->total += k->v[k->n++].size;
}

static int
aged_cmp(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

void
symcache_clean(const char *dir, time_t now, uint64_t max_total)
{
	struct kept k = { NULL, 0, 0, 0 };
	char *path;
	size_t i;

	debugcache_clean_dir(dir, now, name_kind, keep, &k);
	if (k.n > 1)
		qsort(k.v, k.n, sizeof *k.v, aged_cmp);
	for (i = 0; i < k.n; i++) {
		if (k.total > max_total) {
			path = xmalloc(strlen(dir) + strlen(k.v[i].name) + 2);
			sprintf(path, "%s/%s", dir, k.v[i].name);
			unlink(path);
			free(path);
			k.total -= k.v[i].size;
		}
		free(k.v[i].name);
	}
	free(k.v);
}
