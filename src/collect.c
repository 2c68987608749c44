/* SPDX-License-Identifier: MIT */
/*
 * collect.c - aggregation of allocation events into per-site statistics.
 *
 * Peak values per site are kept lazily, in O(1) per event: valgrind's DHAT
 * snapshots every site whenever live bytes fall from a maximum, which costs
 * O(sites) per fall.  Here each site saves its live values the first time it
 * changes after a new maximum (recognised by peak_epoch); a site untouched
 * since the maximum still holds its peak values as its current ones.
 */
#include "config.h"

#include <error.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "ring.h"
#include "xmalloc.h"

void
collector_init(struct collector *c)
{
	memset(c, 0, sizeof *c);
	stacktab_init(&c->stacks);
	livetab_init(&c->live);
	timeline_init(&c->timeline);
	c->tick_num = c->tick_den = 1;
}

void
collector_release(struct collector *c)
{
	size_t i;

	for (i = 0; i < c->nmodules; i++)
		free(c->modules[i].path);
	free(c->modules);
	for (i = 0; i < c->nfailures; i++)
		free(c->failures[i]);
	free(c->failures);
	free(c->moving);
	free(c->sites);
	free(c->id_sites);
	stacktab_release(&c->stacks);
	livetab_release(&c->live);
	timeline_release(&c->timeline);
	memset(c, 0, sizeof *c);
}

void
collector_copy(struct collector *dst, const struct collector *src)
{
	size_t i;

	*dst = *src;
	stacktab_copy(&dst->stacks, &src->stacks);
	livetab_copy(&dst->live, &src->live);
	timeline_copy(&dst->timeline, &src->timeline);
	dst->sites_cap = src->stacks.nstacks;
	dst->sites = xmemdup(src->sites, dst->sites_cap * sizeof *src->sites);
	dst->modules_cap = src->nmodules;
	dst->modules = xmemdup(src->modules, src->nmodules * sizeof *src->modules);
	for (i = 0; i < src->nmodules; i++)
		dst->modules[i].path = xstrdup(src->modules[i].path);
	dst->moving_cap = src->nmoving;
	dst->moving = xmemdup(src->moving, src->nmoving * sizeof *src->moving);
	dst->id_sites = xmemdup(src->id_sites,
	    src->id_sites_cap * sizeof *src->id_sites);
	/* The parent's failed assertions are the parent's verdict. */
	dst->failed_asserts = 0;
	dst->failures = NULL;
	dst->nfailures = 0;
}

/*
 * valgrind keeps blocks in an interval tree that cannot hold an empty one,
 * so DHAT counts malloc(0) as 1 byte; its convention does the same.
 */
#define DHAT_SIZE(size)	((size) != 0 ? (size) : 1)

static uint32_t
site_of(struct collector *c, const uint64_t *frames, uint32_t n, int trunc)
{
	size_t known = c->stacks.nstacks;
	uint32_t id = stacktab_intern(&c->stacks, frames, n, trunc);

	if (id >= c->sites_cap) {
		size_t old = c->sites_cap;

		c->sites = xgrow(c->sites, &c->sites_cap, (size_t)id + 1,
		    sizeof *c->sites);
		memset(c->sites + old, 0, (c->sites_cap - old) *
		    sizeof *c->sites);
	}
	if (id == known)
		c->sites[id].first_event = c->events;
	return id;
}

/* Save the site's values at the latest peak before they change. */
static void
stats_touch(struct prof_stats *s, struct site_live *l, uint64_t epoch)
{
	if (l->peak_epoch != epoch) {
		s->gb = l->cb;
		s->gbk = l->cbk;
		l->peak_epoch = epoch;
	}
}

static void
stats_birth(struct site *site, int k, uint64_t epoch, uint64_t size)
{
	struct prof_stats *s = &site->st[k];
	struct site_live *l = &site->live[k];

	stats_touch(s, l, epoch);
	s->tb += size;
	s->tbk++;
	l->cb += size;
	l->cbk++;
	if (l->cb > s->mb) {
		s->mb = l->cb;
		s->mbk = l->cbk;
	}
}

static void
stats_death(struct site *site, int k, uint64_t epoch, uint64_t size,
    uint64_t lifetime)
{
	struct prof_stats *s = &site->st[k];
	struct site_live *l = &site->live[k];

	stats_touch(s, l, epoch);
	l->cb -= size;
	l->cbk--;
	s->tl += lifetime;
}

static void
global_birth(struct collector *c, uint64_t size, uint64_t time)
{
	c->total_bytes += size;
	c->total_blocks++;
	c->curr_bytes += size;
	c->curr_blocks++;
	/* >=: like DHAT, a tie moves t-gmax to the later moment. */
	if (c->curr_bytes >= c->peak_bytes) {
		c->peak_bytes = c->curr_bytes;
		c->peak_blocks = c->curr_blocks;
		c->peak_time = time;
		c->peak_epoch++;
	}
}

/* Returns 0 if addr was not live. */
static int
block_death(struct collector *c, uint64_t addr, uint64_t time,
    struct live_block *out)
{
	uint64_t lifetime;

	if (!livetab_remove(&c->live, addr, out))
		return 0;
	/* Another CPU's time-stamp counter may be a few ticks behind. */
	lifetime = time > out->birth ? time - out->birth : 0;
	stats_death(&c->sites[out->site], STATS_OWN, c->peak_epoch,
	    out->size, lifetime);
	dist_add(c->sites[out->site].dist.life, dist_bucket(lifetime));
	stats_death(&c->sites[out->dhat_site], STATS_DHAT, c->peak_epoch,
	    DHAT_SIZE(out->size), lifetime);
	c->curr_bytes -= out->size;
	c->curr_blocks--;
	return 1;
}

static void
block_birth(struct collector *c, uint64_t addr, uint64_t size,
    uint64_t time, uint32_t site, uint32_t dhat_site)
{
	struct live_block b = { addr, size, time, site, dhat_site };
	struct live_block old;

	/* An address still live was freed behind our back: end it first. */
	if (block_death(c, addr, time, &old))
		c->anomalies.live_realloc++;
	livetab_insert(&c->live, &b);
	stats_birth(&c->sites[site], STATS_OWN, c->peak_epoch, size);
	dist_add(c->sites[site].dist.size, dist_bucket(size));
	stats_birth(&c->sites[dhat_site], STATS_DHAT, c->peak_epoch,
	    DHAT_SIZE(size));
	global_birth(c, size, time);
}

static void
on_module(struct collector *c, const struct hp_rec_module *m)
{
	const char *path = (const char *)(m + 1);
	struct module *mod;
	size_t i;

	/* The object at this place that is still loaded: it went away, or is
	 * announced again. */
	for (i = c->nmodules; i-- > 0;) {
		mod = &c->modules[i];
		if (mod->bias != m->bias || mod->lo != m->lo ||
		    mod->unload_event != UINT64_MAX)
			continue;
		if (m->hdr.flags & HP_RECF_UNLOADED) {
			mod->unload_event = c->events;
			return;
		}
		if (strlen(mod->path) == m->path_len &&
		    memcmp(mod->path, path, m->path_len) == 0)
			return;
	}
	if (m->hdr.flags & HP_RECF_UNLOADED)
		return;
	c->modules = xgrow(c->modules, &c->modules_cap, c->nmodules + 1,
	    sizeof *c->modules);
	mod = &c->modules[c->nmodules++];
	mod->path = xstrndup(path, m->path_len);
	mod->bias = m->bias;
	mod->lo = m->lo;
	mod->hi = m->hi;
	mod->load_event = c->events;
	mod->unload_event = UINT64_MAX;
}

/*
 * Of the objects that covered pc and were not yet unloaded at `event`, the
 * one loaded last before it; failing that, the first loaded after it, since
 * a library's constructors allocate inside dlopen(), before the agent can
 * announce the library.
 */
const struct module *
collector_module_at(const struct collector *c, uint64_t pc, uint64_t event,
    size_t *index)
{
	const struct module *m, *before = NULL, *after = NULL;
	size_t i, bi = 0, ai = 0;

	for (i = 0; i < c->nmodules; i++) {
		m = &c->modules[i];
		if (pc < m->lo || pc >= m->hi || m->unload_event < event)
			continue;
		if (m->load_event <= event) {
			before = m;
			bi = i;
		} else if (after == NULL) {
			after = m;
			ai = i;
		}
	}
	if (before != NULL) {
		*index = bi;
		return before;
	}
	*index = ai;
	return after;
}

/* An agent's stack id: the site of its frames, from now on. */
static void
on_stack(struct collector *c, const struct hp_rec_stack *st)
{
	size_t old = c->id_sites_cap;

	if (st->id >= c->id_sites_cap) {
		c->id_sites = xgrow(c->id_sites, &c->id_sites_cap,
		    (size_t)st->id + 1, sizeof *c->id_sites);
		memset(c->id_sites + old, 0, (c->id_sites_cap - old) *
		    sizeof *c->id_sites);
	}
	c->id_sites[st->id] = site_of(c, (const uint64_t *)(st + 1),
	    st->nframes, st->hdr.flags & HP_RECF_TRUNCATED) + 1;
}

/*
 * The site of an event of `fixed` bytes (checked by record_ok): named by a
 * stack id, or by the frames that follow.
 */
static uint32_t
event_site(struct collector *c, const struct hp_rec *rec, size_t fixed,
    uint32_t nframes, uint32_t stack)
{
	if (rec->flags & HP_RECF_STACK_ID)
		return c->id_sites[stack] - 1;
	return site_of(c, (const uint64_t *)(const void *)
	    ((const char *)rec + fixed), nframes, rec->flags & HP_RECF_TRUNCATED);
}

static void
on_alloc(struct collector *c, const struct hp_rec_alloc *a)
{
	uint32_t site = event_site(c, &a->hdr, sizeof *a, a->nframes, a->stack);

	block_birth(c, a->addr, a->size, a->time, site, site);
}

/* Weights add up modulo 2^64, as in valgrind DHAT. */
static void
on_ad_hoc(struct collector *c, const struct hp_rec_ad_hoc *e)
{
	uint32_t site = event_site(c, &e->hdr, sizeof *e, e->nframes,
	    e->stack);

	c->sites[site].ad_events++;
	c->sites[site].ad_weight += e->weight;
	c->ad_events++;
	c->ad_weight += e->weight;
}

static void
on_free(struct collector *c, const struct hp_rec_free *f)
{
	struct live_block old;

	if (!block_death(c, f->addr, f->time, &old))
		c->anomalies.unknown_free++;
}

/* The first half of a moved realloc from old_addr, or `fallback`. */
static uint32_t
moving_take(struct collector *c, uint64_t old_addr, uint32_t fallback)
{
	uint32_t site;
	size_t i;

	for (i = 0; i < c->nmoving; i++) {
		if (c->moving[i].old_addr != old_addr)
			continue;
		site = c->moving[i].dhat_site;
		memmove(&c->moving[i], &c->moving[i + 1],
		    (c->nmoving - i - 1) * sizeof *c->moving);
		c->nmoving--;
		return site;
	}
	return fallback;
}

static void
on_realloc(struct collector *c, const struct hp_rec_realloc *r)
{
	struct live_block old;
	uint32_t site;

	/* A failed realloc changed nothing and makes no site. */
	if (r->hdr.flags & HP_RECF_FAILED)
		return;
	site = event_site(c, &r->hdr, sizeof *r, r->nframes, r->stack);
	if (r->hdr.flags & HP_RECF_MOVED_TAIL) {
		block_birth(c, r->new_addr, r->size, r->time, site,
		    moving_take(c, r->old_addr, site));
		return;
	}
	if (!block_death(c, r->old_addr, r->time, &old)) {
		c->anomalies.unknown_realloc++;
		old.dhat_site = site;
	}
	if (r->hdr.flags & HP_RECF_MOVED) {
		c->moving = xgrow(c->moving, &c->moving_cap, c->nmoving + 1,
		    sizeof *c->moving);
		c->moving[c->nmoving].old_addr = r->old_addr;
		c->moving[c->nmoving].dhat_site = old.dhat_site;
		c->nmoving++;
		return;
	}
	/* realloc(p, 0) that returned NULL freed p: nothing new is born. */
	if (r->new_addr != 0)
		block_birth(c, r->new_addr, r->size, r->time, site,
		    old.dhat_site);
}

/*
 * Frames that follow a fixed part, or a stack id this stream defined:
 * the record is exactly as long as the agent makes it.
 */
static int
frames_ok(const struct collector *c, const struct hp_rec *rec, size_t fixed,
    uint32_t nframes, uint32_t stack)
{
	if (rec->flags & HP_RECF_STACK_ID)
		return nframes == 0 && rec->len == fixed &&
		    stack < c->id_sites_cap && c->id_sites[stack] != 0;
	return nframes <= HP_MAX_FRAMES && stack == 0 &&
	    rec->len == fixed + (size_t)nframes * sizeof(uint64_t);
}

/*
 * Could the agent have written this record?  The ring checked its framing
 * (length, type, flags); this checks what the type says it holds.
 */
static int
record_ok(const struct collector *c, const struct hp_rec *rec)
{
	const struct hp_rec_module *m;
	const struct hp_rec_alloc *a;
	const struct hp_rec_realloc *re;
	const struct hp_rec_stack *st;
	const struct hp_rec_assert *as;
	const struct hp_rec_ad_hoc *ah;

	switch (rec->type) {
	case HP_REC_HELLO:
		return rec->len == sizeof(struct hp_rec_hello);
	case HP_REC_MODULE:
		m = (const struct hp_rec_module *)rec;
		return rec->len >= sizeof *m && m->path_len <= rec->len &&
		    rec->len == HP_ALIGN8(sizeof *m + m->path_len);
	case HP_REC_ALLOC:
		a = (const struct hp_rec_alloc *)rec;
		return rec->len >= sizeof *a &&
		    frames_ok(c, rec, sizeof *a, a->nframes, a->stack);
	case HP_REC_FREE:
		return rec->len == sizeof(struct hp_rec_free);
	case HP_REC_REALLOC:
		re = (const struct hp_rec_realloc *)rec;
		return rec->len >= sizeof *re &&
		    frames_ok(c, rec, sizeof *re, re->nframes, re->stack);
	case HP_REC_AD_HOC:
		ah = (const struct hp_rec_ad_hoc *)rec;
		return rec->len >= sizeof *ah &&
		    frames_ok(c, rec, sizeof *ah, ah->nframes, ah->stack);
	case HP_REC_FORK:
		return rec->len == sizeof(struct hp_rec_fork);
	case HP_REC_UNWIND_MISMATCH:
		return rec->len == sizeof(struct hp_rec);
	case HP_REC_QUERY:
		return rec->len == sizeof(struct hp_rec_query);
	case HP_REC_ASSERT:
		as = (const struct hp_rec_assert *)rec;
		return rec->len >= sizeof *as &&
		    as->text_len <= HP_ASSERT_MAX &&
		    rec->len == HP_ALIGN8(sizeof *as + as->text_len);
	case HP_REC_STACK:
		st = (const struct hp_rec_stack *)rec;
		return rec->len >= sizeof *st && st->id != 0 &&
		    st->id < HP_STACK_ID_LIMIT &&
		    (rec->flags & ~HP_RECF_TRUNCATED) == 0 &&
		    st->nframes <= HP_MAX_FRAMES &&
		    rec->len == sizeof *st + (size_t)st->nframes *
		    sizeof(uint64_t);
	}
	return 0;
}

/* heapprof_stats(3): everything before the query is counted, nothing after. */
static void
on_query(struct collector *c, const struct hp_rec_query *q)
{
	uint64_t v[HP_STATS_N];

	if (c->ring == NULL)
		return;
	v[HP_STAT_TOTAL_BLOCKS] = c->total_blocks;
	v[HP_STAT_TOTAL_BYTES] = c->total_bytes;
	v[HP_STAT_CURR_BLOCKS] = c->curr_blocks;
	v[HP_STAT_CURR_BYTES] = c->curr_bytes;
	v[HP_STAT_MAX_BLOCKS] = c->peak_blocks;
	v[HP_STAT_MAX_BYTES] = c->peak_bytes;
	ring_answer(c->ring, q->slot, q->token, v);
}

/* The program's text, kept printable: it goes to terminals. */
static void
on_assert(struct collector *c, const struct hp_rec_assert *as)
{
	const unsigned char *text = (const unsigned char *)(as + 1);
	char *s;
	uint32_t i;

	c->failed_asserts++;
	if (c->nfailures == COLLECT_MAX_FAILURES)
		return;
	s = xmalloc((size_t)as->text_len + 1);
	for (i = 0; i < as->text_len; i++)
		s[i] = text[i] >= 0x20 && text[i] < 0x7f ? (char)text[i] : '?';
	s[i] = '\0';
	c->failures = xrealloc(c->failures, (c->nfailures + 1) *
	    sizeof *c->failures);
	c->failures[c->nfailures++] = s;
}

int
collector_record(void *collector, const struct hp_rec *rec)
{
	struct collector *c = collector;
	const struct hp_rec_hello *hello;
	const struct hp_rec_alloc *a;

	if (!record_ok(c, rec))
		return -1;
	/* Requests, not events: they change no statistic. */
	if (rec->type == HP_REC_QUERY) {
		on_query(c, (const struct hp_rec_query *)rec);
		return 0;
	}
	if (rec->type == HP_REC_ASSERT) {
		on_assert(c, (const struct hp_rec_assert *)rec);
		return 0;
	}
	c->events++;
	if (rec->flags & HP_RECF_NESTED)
		c->anomalies.nested++;
	switch (rec->type) {
	case HP_REC_HELLO:
		hello = (const struct hp_rec_hello *)rec;
		if (c->pid == 0)
			c->pid = hello->pid;
		break;
	case HP_REC_MODULE:
		on_module(c, (const struct hp_rec_module *)rec);
		break;
	case HP_REC_ALLOC:
		a = (const struct hp_rec_alloc *)rec;
		on_alloc(c, a);
		c->last_time = a->time;
		timeline_note(&c->timeline, c->last_time, c->curr_bytes);
		break;
	case HP_REC_FREE:
		on_free(c, (const struct hp_rec_free *)rec);
		c->last_time = ((const struct hp_rec_free *)rec)->time;
		timeline_note(&c->timeline, c->last_time, c->curr_bytes);
		break;
	case HP_REC_REALLOC:
		on_realloc(c, (const struct hp_rec_realloc *)rec);
		c->last_time = ((const struct hp_rec_realloc *)rec)->time;
		timeline_note(&c->timeline, c->last_time, c->curr_bytes);
		break;
	case HP_REC_AD_HOC:
		on_ad_hoc(c, (const struct hp_rec_ad_hoc *)rec);
		c->last_time = ((const struct hp_rec_ad_hoc *)rec)->time;
		break;
	case HP_REC_FORK:
		/* stream.c copies the collector here (--children). */
		break;
	case HP_REC_STACK:
		on_stack(c, (const struct hp_rec_stack *)rec);
		break;
	case HP_REC_UNWIND_MISMATCH:
		c->anomalies.unwind_mismatch++;
		break;
	}
	return 0;
}

void
collector_check_ring(struct collector *c, const struct ring *r)
{
	uint64_t offset;

	if (c->ring_lost || !ring_broken(r, &offset))
		return;
	c->ring_lost = 1;
	c->anomalies.bad_record++;
	error(0, 0, "the program overwrote its event ring at offset %llu; "
	    "events after it are lost", (unsigned long long)offset);
}

void
collector_finish(struct collector *c, uint64_t end_time)
{
	struct live_block *b;
	struct site *s;
	uint64_t life;
	size_t i, k;

	if (c->finished)
		return;
	c->finished = 1;
	if (end_time < c->last_time)
		end_time = c->last_time;
	c->end_time = end_time;
	c->end_bytes = c->curr_bytes;
	c->end_blocks = c->curr_blocks;
	for (i = 0; i < c->stacks.nstacks; i++) {
		s = &c->sites[i];
		for (k = 0; k < STATS_N; k++) {
			stats_touch(&s->st[k], &s->live[k], c->peak_epoch);
			s->st[k].eb = s->live[k].cb;
			s->st[k].ebk = s->live[k].cbk;
		}
	}
	LIVETAB_FOREACH(&c->live, b) {
		life = b->birth < end_time ? end_time - b->birth : 0;
		c->sites[b->site].st[STATS_OWN].tl += life;
		c->sites[b->dhat_site].st[STATS_DHAT].tl += life;
		dist_add(c->sites[b->site].dist.life, dist_bucket(life));
	}
	timeline_finish(&c->timeline, end_time, &c->npoints);
}

static uint64_t
scale(uint64_t t, uint64_t num, uint64_t den)
{
	return (uint64_t)((unsigned __int128)t * num / den);
}

void
collector_scale_time(struct collector *c, uint64_t num, uint64_t den)
{
	size_t i, k;

	if (num == den)
		return;
	c->last_time = scale(c->last_time, num, den);
	c->peak_time = scale(c->peak_time, num, den);
	c->end_time = scale(c->end_time, num, den);
	for (i = 0; i < c->npoints; i++)
		c->timeline.pts[i].time = scale(c->timeline.pts[i].time, num,
		    den);
	c->tick_num = num;
	c->tick_den = den;
	for (i = 0; i < c->stacks.nstacks; i++)
		for (k = 0; k < STATS_N; k++)
			c->sites[i].st[k].tl = scale(c->sites[i].st[k].tl,
			    num, den);
}
