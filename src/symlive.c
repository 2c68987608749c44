/* SPDX-License-Identifier: MIT */
/*
 * symlive.c - the thread that symbolizes while the target runs.
 *
 * The collector's loop hands over (pc, module) pairs it has not handed
 * over before and copies of new modules' paths and biases, under one
 * mutex, once per drain: the drain itself never waits for libdw.  The
 * thread keeps a Dwfl per module, made on the module's first address,
 * with the persistent cache's frames for it (symcache.h).
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "hash.h"
#include "symcache.h"
#include "symbolize.h"
#include "symlive.h"
#include "xmalloc.h"

struct live_item {
	uint64_t pc;
	size_t mod;
};

struct live_mod {
	char *path;
	uint64_t bias;
};

/* The thread's own state of a module. */
struct live_open {
	int state;		/* 0 not yet, 1 open, -1 cannot be */
	struct symobj *obj;
	Dwfl *dwfl;
	Dwfl_Module *dm;
	struct mod_syms syms;
};

struct symlive {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Under lock. */
	struct live_item *q;
	size_t nq, q_cap;
	struct live_mod *mods;
	size_t nmods, mods_cap;
	int closing;		/* 1 no more feeding, 2 let go */
	int done;		/* the thread resolved all it was given */
	/* The collector's, before the thread runs. */
	int running;		/* 1 the thread runs, -1 it could not start */
	long delay_ms;		/* after how long the thread may start */
	struct timespec start;
	/* The collector's side. */
	size_t fed_stacks, fed_mods;
	uint64_t *seen;		/* return addresses; 0 = empty */
	size_t nseen, seen_slots, seen_mods;
	struct live_item *batch;
	size_t nbatch, batch_cap;
	/* The thread's side. */
	struct symmemo memo;
	struct live_open *open;
	size_t open_cap;
	struct sym_ctx *x;
	char *cache_dir;
	size_t resolved, ready;	/* with libdw; found in the memo */
	int test;		/* SYMLIVE_TEST_ENV: say what is resolved */
	int said;		/* and how much, once */
};

/*
 * Was pc handed over already?  Marks it when not.  The set starts again
 * whenever a module is added, as pc may be in another object from then
 * on; so the module of a frame is looked for only once.
 */
static int
seen_before(struct symlive *l, uint64_t pc)
{
	uint64_t *old = l->seen;
	size_t oslots = l->seen_slots, i, j, mask;

	if (2 * (l->nseen + 1) > l->seen_slots) {
		l->seen_slots = oslots != 0 ? 2 * oslots : 1024;
		l->seen = xcalloc(l->seen_slots, sizeof *l->seen);
		mask = l->seen_slots - 1;
		for (i = 0; i < oslots; i++) {
			if (old[i] == 0)
				continue;
			for (j = hash_u64(old[i]) & mask; l->seen[j] != 0;
			    j = (j + 1) & mask)
				;
			l->seen[j] = old[i];
		}
		free(old);
	}
	mask = l->seen_slots - 1;
	for (j = hash_u64(pc) & mask; l->seen[j] != 0; j = (j + 1) & mask)
		if (l->seen[j] == pc)
			return 1;
	l->seen[j] = pc;
	l->nseen++;
	return 0;
}

static void hand_over(struct symlive *l, const struct collector *c);
static void start_thread(struct symlive *l);

static long
elapsed_ms(const struct symlive *l)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - l->start.tv_sec) * 1000 +
	    (now.tv_nsec - l->start.tv_nsec) / 1000000;
}

void
symlive_feed(struct symlive *l, const struct collector *c, int ended)
{
	const uint64_t *frames;
	size_t i, mi;
	uint32_t n, j;

	/* The end of a target the thread did not start for is symbolize()'s. */
	if (l == NULL || (ended && l->running != 1))
		return;
	l->nbatch = 0;
	if (l->seen_mods != c->nmodules && l->nseen != 0) {
		memset(l->seen, 0, l->seen_slots * sizeof *l->seen);
		l->nseen = 0;
	}
	l->seen_mods = c->nmodules;
	for (i = l->fed_stacks; i < c->stacks.nstacks; i++) {
		frames = stacktab_frames(&c->stacks, (uint32_t)i, &n);
		for (j = 0; j < n; j++) {
			if (frames[j] == 0 || seen_before(l, frames[j]) ||
			    collector_module_at(c, frames[j],
			    c->sites[i].first_event, &mi) == NULL)
				continue;
			l->batch = xgrow(l->batch, &l->batch_cap, l->nbatch + 1,
			    sizeof *l->batch);
			l->batch[l->nbatch].pc = frames[j];
			l->batch[l->nbatch++].mod = mi;
		}
	}
	l->fed_stacks = c->stacks.nstacks;
	if (l->nbatch != 0 || l->fed_mods != c->nmodules) {
		pthread_mutex_lock(&l->lock);
		hand_over(l, c);
		pthread_mutex_unlock(&l->lock);
	}
	if (l->running == 0 && l->nq != 0 && elapsed_ms(l) >= l->delay_ms)
		start_thread(l);
}

/* The batch and the new modules to the thread's queue, under its lock. */
static void
hand_over(struct symlive *l, const struct collector *c)
{
	for (; l->fed_mods < c->nmodules; l->fed_mods++) {
		l->mods = xgrow(l->mods, &l->mods_cap, l->nmods + 1,
		    sizeof *l->mods);
		l->mods[l->nmods].path = xstrdup(c->modules[l->fed_mods].path);
		l->mods[l->nmods++].bias = c->modules[l->fed_mods].bias;
	}
	if (l->nbatch != 0) {
		l->q = xgrow(l->q, &l->q_cap, l->nq + l->nbatch, sizeof *l->q);
		memcpy(l->q + l->nq, l->batch, l->nbatch * sizeof *l->q);
		l->nq += l->nbatch;
	}
	pthread_cond_signal(&l->cond);
}

/* Module mi as the thread has it, opened on first use. */
static struct live_open *
live_open(struct symlive *l, size_t mi)
{
	struct live_open *o;
	struct live_mod m;
	struct stat st;
	size_t old = l->open_cap;

	if (mi >= l->open_cap) {
		l->open = xgrow(l->open, &l->open_cap, mi + 1, sizeof *l->open);
		memset(l->open + old, 0, (l->open_cap - old) * sizeof *l->open);
	}
	o = &l->open[mi];
	if (o->state != 0)
		return o->state > 0 ? o : NULL;
	o->state = -1;
	pthread_mutex_lock(&l->lock);
	m = l->mods[mi];	/* the path stays, the array may move */
	pthread_mutex_unlock(&l->lock);
	/* Stat before opening: a file replaced meanwhile is not this one. */
	if (stat(m.path, &st) != 0 || (o->dwfl = symbolize_dwfl_begin()) == NULL)
		return NULL;
	dwfl_report_begin(o->dwfl);
	o->dm = dwfl_report_elf(o->dwfl, m.path, m.path, -1, m.bias, false);
	dwfl_report_end(o->dwfl, NULL, NULL);
	if (o->dm == NULL)
		return NULL;
	o->obj = symmemo_obj(&l->memo, m.path, &st);
	if (l->cache_dir != NULL)
		symcache_attach(o->obj, o->dm, l->cache_dir);
	o->state = 1;
	return o;
}

static void
resolve(struct symlive *l, const struct live_item *it)
{
	struct live_open *o = live_open(l, it->mod);
	const struct symloc *locs;
	uint64_t bias;
	uint32_t n;

	if (o == NULL)
		return;
	pthread_mutex_lock(&l->lock);
	bias = l->mods[it->mod].bias;
	pthread_mutex_unlock(&l->lock);
	if (symmemo_find(o->obj, it->pc - bias) != NULL) {
		l->ready++;
		return;
	}
	n = symbolize_pc(l->x, o->dm, &o->syms, it->pc - 1, &locs);
	symmemo_add(o->obj, it->pc - bias, locs, n, 1);
	l->resolved++;
	if (l->test && n > 0 && locs[0].function != NULL)
		fprintf(stderr, "heapprof: test: resolved %s\n",
		    locs[0].function);
}

static void *
run(void *arg)
{
	struct symlive *l = arg;
	struct live_item *work = NULL;
	size_t nwork, i;

	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (l->nq == 0 && !l->closing)
			pthread_cond_wait(&l->cond, &l->lock);
		if (l->nq == 0)
			break;
		/* Take the whole queue; the collector starts a new one. */
		free(work);
		work = l->q;
		nwork = l->nq;
		l->q = NULL;
		l->nq = l->q_cap = 0;
		pthread_mutex_unlock(&l->lock);
		for (i = 0; i < nwork; i++)
			resolve(l, &work[i]);
		pthread_mutex_lock(&l->lock);
	}
	l->done = 1;
	pthread_cond_broadcast(&l->cond);
	/* libdw in one thread at a time: symbolize() first. */
	while (l->closing != 2)
		pthread_cond_wait(&l->cond, &l->lock);
	pthread_mutex_unlock(&l->lock);
	free(work);
	/*
	 * Unmapping what libdw read (glibc's debug file is 10 MB) takes a
	 * millisecond or two: done here, while the profile is written.
	 */
	for (i = 0; i < l->open_cap; i++) {
		mod_syms_release(&l->open[i].syms);
		if (l->open[i].dwfl != NULL)
			dwfl_end(l->open[i].dwfl);
	}
	free(l->open);
	l->open = NULL;
	l->open_cap = 0;
	sym_ctx_free(l->x);
	l->x = NULL;
	return NULL;
}

/*
 * The thread starts once the target has run for delay_ms with addresses
 * to resolve: a program shorter than that ends before the thread could
 * be of use, and starting it would only take CPU from the program.
 */
static void
start_thread(struct symlive *l)
{
	sigset_t all, old;

	/* Signals are the main thread's: the session's handlers expect so. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	l->running = pthread_create(&l->thread, NULL, run, l) == 0 ? 1 : -1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

struct symlive *
symlive_start(void)
{
	const char *v = getenv(SYMLIVE_ENV), *urls = getenv("DEBUGINFOD_URLS");
	struct symlive *l;

	if ((v != NULL && strcmp(v, "0") == 0) ||
	    (urls != NULL && urls[0] != '\0'))
		return NULL;
	l = xcalloc(1, sizeof *l);
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->cond, NULL);
	symmemo_init(&l->memo);
	l->x = sym_ctx_new();
	l->cache_dir = symcache_dir();
	l->test = getenv(SYMLIVE_TEST_ENV) != NULL;
	l->delay_ms = v != NULL && strcmp(v, "1") == 0 ? 0 : SYMLIVE_DELAY_MS;
	clock_gettime(CLOCK_MONOTONIC, &l->start);
	return l;
}

struct symmemo *
symlive_finish(struct symlive *l)
{
	if (l == NULL)
		return NULL;
	if (l->running == 1 && l->closing == 0) {
		pthread_mutex_lock(&l->lock);
		l->closing = 1;
		pthread_cond_broadcast(&l->cond);
		while (!l->done)
			pthread_cond_wait(&l->cond, &l->lock);
		pthread_mutex_unlock(&l->lock);
	}
	if (l->test && !l->said) {
		fprintf(stderr, "heapprof: test: during the run: %zu addresses "
		    "resolved, %zu cached\n", l->resolved, l->ready);
		l->said = 1;
	}
	return &l->memo;
}

void
symlive_release(struct symlive *l)
{
	if (l == NULL)
		return;
	symlive_finish(l);
	if (l->running != 1)
		return;
	pthread_mutex_lock(&l->lock);
	l->closing = 2;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

void
symlive_free(struct symlive *l)
{
	size_t i;

	if (l == NULL)
		return;
	symlive_release(l);
	if (l->running == 1)
		pthread_join(l->thread, NULL);
	for (i = 0; i < l->nmods; i++)
		free(l->mods[i].path);
	free(l->mods);
	free(l->q);
	free(l->seen);
	free(l->batch);
	free(l->open);
	sym_ctx_free(l->x);
	symmemo_release(&l->memo);
	free(l->cache_dir);
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->cond);
	free(l);
}
