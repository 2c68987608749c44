/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - libdw (dwfl) symbolization of the collected stacks.
 *
 * The modules the agent reported are given to dwfl with their load bias,
 * so PIE executables and shared libraries resolve without /proc of a
 * process that no longer exists.  A return address points after the call,
 * so every frame is looked up at pc - 1, which lies inside the call.
 *
 * Names are stored as linkage (mangled) names, so that `report` can show
 * them demangled or raw; source paths are stored absolute, joined with
 * the compilation directory, so that `report` can shorten them against
 * its own working directory.
 */
#include "config.h"

#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <error.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "debugcache.h"
#include "elfsyms.h"
#include "hash.h"
#include "stacktab.h"
#include "symcache.h"
#include "symlive.h"
#include "symmemo.h"
#include "report.h"
#include "symbolize.h"
#include "xmalloc.h"

static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = debugcache_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

char *
symbolize_join_path(const char *dir, const char *name)
{
	size_t dlen = dir != NULL && dir[0] != '\0' && name[0] != '/' ?
	    strlen(dir) : 0;
	char *in = xmalloc(dlen + strlen(name) + 2), *out, *seg, *save;
	size_t len = 0, keep = 0;	/* keep: leading ".." of a relative path */
	int absolute;

	if (dlen != 0)
		sprintf(in, "%s/%s", dir, name);
	else
		strcpy(in, name);
	absolute = in[0] == '/';
	out = xmalloc(strlen(in) + 2);
	for (seg = strtok_r(in, "/", &save); seg != NULL;
	    seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0 && len > keep) {
			while (len > keep && out[len - 1] != '/')
				len--;
			if (len > keep)
				len--;	/* the slash before the dropped segment */
			continue;
		}
		if (strcmp(seg, "..") == 0 && absolute)
			continue;	/* "/.." is "/" */
		if (len > 0 || absolute)
			out[len++] = '/';
		memcpy(out + len, seg, strlen(seg));
		len += strlen(seg);
		if (strcmp(seg, "..") == 0)
			keep = len;
	}
	if (len == 0 && absolute)
		out[len++] = '/';
	else if (len == 0)
		out[len++] = '.';
	out[len] = '\0';
	free(in);
	return out;
}

/*
 * The frames of the address being resolved, owned here until the next
 * one, with the function index that spares walking whole CUs.
 */
struct func_index;
struct sym_ctx {
	struct func_index *fx;
	struct symloc *locs;
	size_t nlocs, locs_cap;
};

/* "__libc_start_main@@GLIBC_2.34": the symbol version is noise here. */
static void
add_loc(struct sym_ctx *x, const char *fn, const char *dir, const char *file,
    int line)
{
	const char *at = fn != NULL ? strchr(fn, '@') : NULL;
	struct symloc *l;

	x->locs = xgrow(x->locs, &x->locs_cap, x->nlocs + 1, sizeof *x->locs);
	l = &x->locs[x->nlocs++];
	if (at != NULL && at != fn)
		l->function = xstrndup(fn, (size_t)(at - fn));
	else
		l->function = fn != NULL ? xstrdup(fn) : NULL;
	if (file != NULL && file[0] != '\0')
		l->file = symbolize_join_path(dir, file);
	else
		l->file = NULL;
	l->line = line > 0 ? (uint32_t)line : 0;
}

static int
is_function_scope(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/*
 * The linkage name when there is one (C++), else the plain name; both
 * followed through DW_AT_abstract_origin and DW_AT_specification.
 */
static const char *
die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name;

	name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name,
	    &attr));
	if (name == NULL)
		name = dwarf_formstring(dwarf_attr_integrate(die,
		    DW_AT_MIPS_linkage_name, &attr));
	return name != NULL ? name : dwarf_diename(die);
}

static const char *
call_file(Dwarf_Die *cu, Dwarf_Die *inl)
{
	Dwarf_Attribute attr;
	Dwarf_Files *files;
	Dwarf_Word idx;
	size_t nfiles;

	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &attr), &idx) != 0 ||
	    dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || idx >= nfiles)
		return NULL;
	return dwarf_filesrc(files, idx, NULL, NULL);
}

/*
 * dwarf_getscopes walks the whole compilation unit for every address, and
 * dwarf_getscopes_die walks it again: with one large CU that is minutes
 * for 100k addresses.  Instead each CU's functions are listed once
 * (dwarf_getfuncs, with every range of a split hot/cold function) and
 * sorted, an address finds its function by binary search, and only that
 * function's DIEs are walked for the inline chain.
 */
struct func_range {
	Dwarf_Addr lo, hi;
	Dwarf_Die die;
};

struct cu_funcs {
	Dwfl_Module *mod;
	Dwarf_Off cu;			/* the CU DIE's offset */
	struct func_range *r;
	size_t n, cap;
};

struct func_index {
	struct cu_funcs *cus;
	size_t ncus, cus_cap;
	uint32_t *slots;		/* index into cus + 1; 0 = empty */
	size_t nslots;
};

static uint64_t
cu_hash(Dwfl_Module *mod, Dwarf_Off cu)
{
	return hash_u64((uint64_t)(uintptr_t)mod * 31 + cu);
}

static int
collect_func(Dwarf_Die *die, void *arg)
{
	struct cu_funcs *cf = arg;
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		cf->r = xgrow(cf->r, &cf->cap, cf->n + 1, sizeof *cf->r);
		cf->r[cf->n].lo = lo;
		cf->r[cf->n].hi = hi;
		cf->r[cf->n].die = *die;
		cf->n++;
	}
	return DWARF_CB_OK;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct func_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void
func_index_grow(struct func_index *x)
{
	size_t i, j, mask;

	free(x->slots);
	x->nslots = x->nslots ? x->nslots * 2 : 64;
	x->slots = xcalloc(x->nslots, sizeof *x->slots);
	mask = x->nslots - 1;
	for (i = 0; i < x->ncus; i++) {
		j = cu_hash(x->cus[i].mod, x->cus[i].cu) & mask;
		while (x->slots[j] != 0)
			j = (j + 1) & mask;
		x->slots[j] = (uint32_t)i + 1;
	}
}

/* The sorted functions of cu, listed on first use. */
static const struct cu_funcs *
cu_funcs(struct func_index *x, Dwfl_Module *mod, Dwarf_Die *cu)
{
	Dwarf_Off off = dwarf_dieoffset(cu);
	struct cu_funcs *cf;
	size_t j, mask;

	if (2 * (x->ncus + 1) > x->nslots)
		func_index_grow(x);
	mask = x->nslots - 1;
	for (j = cu_hash(mod, off) & mask; x->slots[j] != 0;
	    j = (j + 1) & mask) {
		cf = &x->cus[x->slots[j] - 1];
		if (cf->mod == mod && cf->cu == off)
			return cf;
	}
	x->cus = xgrow(x->cus, &x->cus_cap, x->ncus + 1, sizeof *x->cus);
	cf = &x->cus[x->ncus];
	memset(cf, 0, sizeof *cf);
	cf->mod = mod;
	cf->cu = off;
	dwarf_getfuncs(cu, collect_func, cf, 0);
	if (cf->n > 1)
		qsort(cf->r, cf->n, sizeof *cf->r, range_cmp);
	x->slots[j] = (uint32_t)++x->ncus;
	return cf;
}

static void
func_index_release(struct func_index *x)
{
	size_t i;

	for (i = 0; i < x->ncus; i++)
		free(x->cus[i].r);
	free(x->cus);
	free(x->slots);
}

/*
 * The scopes at pc, innermost first, out to the function (as
 * dwarf_getscopes_die would give them up to there), in a malloc'd array;
 * returns their number, or -1 when no listed function holds pc.
 */
static int
func_scopes(struct func_index *x, Dwfl_Module *mod, Dwarf_Die *cu,
    Dwarf_Addr pc, Dwarf_Die **scopes)
{
	const struct cu_funcs *cf = cu_funcs(x, mod, cu);
	Dwarf_Die *chain, child;
	size_t lo = 0, hi = cf->n, mid, n = 0, cap = 8, i;
	int found, tag;

	while (lo < hi) {	/* the last range starting at or below pc */
		mid = lo + (hi - lo) / 2;
		if (cf->r[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || pc >= cf->r[lo - 1].hi)
		return -1;
	chain = xmalloc(cap * sizeof *chain);
	chain[n++] = cf->r[lo - 1].die;
	do {
		found = 0;
		if (dwarf_child(&chain[n - 1], &child) != 0)
			break;
		do {
			tag = dwarf_tag(&child);
			if ((tag == DW_TAG_inlined_subroutine ||
			    tag == DW_TAG_lexical_block ||
			    tag == DW_TAG_try_block ||
			    tag == DW_TAG_catch_block) &&
			    dwarf_haspc(&child, pc) == 1) {
				chain = xgrow(chain, &cap, n + 1, sizeof *chain);
				chain[n++] = child;
				found = 1;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	} while (found);
	for (i = 0; i < n / 2; i++) {
		child = chain[i];
		chain[i] = chain[n - 1 - i];
		chain[n - 1 - i] = child;
	}
	*scopes = chain;
	return (int)n;
}

/*
 * The inline chain at pc, innermost first: the line table gives the
 * innermost file:line; each inlined_subroutine scope gives the call site
 * (DW_AT_call_file/line) that is the next frame's location.
 */
static uint32_t
add_locs(struct sym_ctx *x, struct mod_syms *ms, Dwfl_Module *mod,
    Dwarf_Addr pc)
{
	struct func_index *fx = x->fx;
	Dwarf_Die *cu, *scopes = NULL, inner;
	Dwarf_Addr bias;
	Dwfl_Line *line;
	Dwarf_Attribute attr;
	Dwarf_Word cl;
	const char *file = NULL, *dir = NULL, *name;
	int lineno = 0, nscopes, i;
	uint32_t n = 0;

	line = dwfl_module_getsrc(mod, pc);
	if (line != NULL) {
		file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		dir = dwfl_line_comp_dir(line);
	}
	cu = dwfl_module_addrdie(mod, pc, &bias);
	if (cu != NULL && dir == NULL)
		dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	if (dir != NULL && dir[0] != '/')
		dir = NULL;	/* "./elf" (glibc): names are already below it */
	nscopes = cu != NULL ? func_scopes(fx, mod, cu, pc - bias, &scopes) : 0;
	if (nscopes < 0) {
		/*
		 * Not in a listed function: libdw's general search.
		 * dwarf_getscopes stops at the innermost inlined instance (its
		 * parents are the abstract tree's); dwarf_getscopes_die on that
		 * DIE gives the concrete chain, as eu-addr2line -i does.
		 */
		nscopes = dwarf_getscopes(cu, pc - bias, &scopes);
		if (nscopes > 0) {
			inner = scopes[0];
			free(scopes);
			scopes = NULL;
			nscopes = dwarf_getscopes_die(&inner, &scopes);
		}
	}
	for (i = 0; i < nscopes; i++) {
		if (!is_function_scope(&scopes[i]))
			continue;
		name = die_name(&scopes[i]);
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			if (name == NULL)
				name = mod_syms_name(ms, mod, pc);
			add_loc(x, name, dir, file, lineno);
			n++;
			break;
		}
		add_loc(x, name, dir, file, lineno);
		n++;
		file = call_file(cu, &scopes[i]);
		lineno = dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line,
		    &attr), &cl) == 0 ? (int)cl : 0;
	}
	free(scopes);
	/*
	 * The symbol table only where DWARF names no function: a module
	 * whose frames all have DWARF (glibc with its debug file) is never
	 * listed, which spares sorting its symbols, about 2 ms.
	 */
	if (n == 0 && ((name = mod_syms_name(ms, mod, pc)) != NULL ||
	    file != NULL)) {
		add_loc(x, name, dir, file, lineno);
		n = 1;
	}
	return n;
}

struct sym_ctx *
sym_ctx_new(void)
{
	struct sym_ctx *x = xcalloc(1, sizeof *x);

	x->fx = xcalloc(1, sizeof *x->fx);
	return x;
}

void
sym_ctx_free(struct sym_ctx *x)
{
	if (x == NULL)
		return;
	symloc_free(x->locs, x->nlocs);
	free(x->locs);
	func_index_release(x->fx);
	free(x->fx);
	free(x);
}

uint32_t
symbolize_pc(struct sym_ctx *x, Dwfl_Module *mod, struct mod_syms *ms,
    Dwarf_Addr pc, const struct symloc **locs)
{
	uint32_t n;

	symloc_free(x->locs, x->nlocs);
	x->nlocs = 0;
	n = add_locs(x, ms, mod, pc);
	*locs = x->locs;
	return n;
}

Dwfl *
symbolize_dwfl_begin(void)
{
	return dwfl_begin(&offline_callbacks);
}

static void
put_locs(struct profile *p, const struct symloc *locs, uint32_t n)
{
	struct prof_loc *l;
	uint32_t i;

	p->locs = xgrow(p->locs, &p->locs_cap, p->nlocs + n, sizeof *p->locs);
	for (i = 0; i < n; i++) {
		l = &p->locs[p->nlocs++];
		l->function = profile_string(p, locs[i].function != NULL ?
		    locs[i].function : "");
		l->file = locs[i].file != NULL ?
		    profile_string(p, locs[i].file) : 0;
		l->line = locs[i].line;
	}
}

/*
 * What the end of the run needs per module: libdw's module, its symbol
 * table, and the memo's object (NULL until looked for, or when the file
 * cannot be stat'ed).
 */
struct end_mod {
	Dwfl_Module *dm;
	struct mod_syms syms;
	struct symobj *obj;
	int looked;
};

struct end_state {
	struct sym_ctx *x;
	struct end_mod *mods;
	struct symmemo *memo;
	char *cache_dir;	/* the persistent cache's; NULL: none */
	size_t resolved, ready;	/* with libdw; found in the memo */
};

/*
 * The memo's object for module mi as the file is now: the frames the
 * collector's thread resolved, or the persistent cache's, apply only to
 * the same file.
 */
static struct symobj *
end_obj(struct end_state *es, const struct module *m, size_t mi)
{
	struct end_mod *em = &es->mods[mi];
	struct stat st;

	if (em->looked)
		return em->obj;
	em->looked = 1;
	if (stat(m->path, &st) != 0)
		return NULL;
	em->obj = symmemo_obj(es->memo, m->path, &st);
	if (es->cache_dir != NULL)
		symcache_attach(em->obj, em->dm, es->cache_dir);
	return em->obj;
}

static void
add_frame(struct profile *p, struct end_state *es, const struct module *m,
    size_t mi, uint64_t pc)
{
	struct prof_frame *f;
	const struct symentry *e;
	const struct symloc *locs;
	struct symobj *o;
	uint32_t n;

	p->frames = xgrow(p->frames, &p->frames_cap, p->nframes + 1,
	    sizeof *p->frames);
	f = &p->frames[p->nframes++];
	memset(f, 0, sizeof *f);
	f->offset = pc;
	f->first_loc = (uint32_t)p->nlocs;
	if (m == NULL)
		return;
	f->module = (uint32_t)mi + 1;
	f->offset = pc - m->bias;
	if (es->mods[mi].dm == NULL)
		return;
	o = end_obj(es, m, mi);
	if (o != NULL && (e = symmemo_find(o, pc - m->bias)) != NULL) {
		put_locs(p, o->locs + e->first, e->n);
		f->nlocs = e->n;
		es->ready++;
		return;
	}
	n = symbolize_pc(es->x, es->mods[mi].dm, &es->mods[mi].syms, pc - 1,
	    &locs);
	put_locs(p, locs, n);
	f->nlocs = n;
	es->resolved++;
	if (o != NULL)
		symmemo_add(o, pc - m->bias, locs, n, 1);
}

/*
 * The path comes from the ring, which the program can write: opening a
 * FIFO or a terminal it names would wait for ever.  (A file swapped in
 * after this check is the program's race against its own profile.)
 */
static int
regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Is the file dwfl opened the one the target had loaded?  Without a
 * build-id from the agent, two signs: the file was modified after the run
 * started, or its PT_LOAD extent differs from the mapped one.
 */
static int
module_changed(Dwfl_Module *dm, const struct module *m, int64_t start)
{
	GElf_Addr bias;
	GElf_Phdr ph;
	Elf *elf = dwfl_module_getelf(dm, &bias);
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t n, i;
	struct stat st;

	if (stat(m->path, &st) == 0 && st.st_mtime > start)
		return 1;
	if (elf == NULL || elf_getphdrnum(elf, &n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(elf, (int)i, &ph) == NULL ||
		    ph.p_type != PT_LOAD)
			continue;
		if (ph.p_vaddr < lo)
			lo = ph.p_vaddr;
		if (ph.p_vaddr + ph.p_memsz > hi)
			hi = ph.p_vaddr + ph.p_memsz;
	}
	return hi != 0 && (lo != m->lo - m->bias || hi != m->hi - m->bias);
}

struct module_list {
	Dwfl_Module **mods;
	size_t n, cap;
};

static int
collect_module(Dwfl_Module *mod, void **userdata, const char *name,
    Dwarf_Addr start, void *arg)
{
	struct module_list *l = arg;

	(void)userdata;
	(void)name;
	(void)start;
	l->mods = xgrow(l->mods, &l->cap, l->n + 1, sizeof *l->mods);
	l->mods[l->n++] = mod;
	return DWARF_CB_OK;
}

static int
module_ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(Dwfl_Module *const *)a;
	uintptr_t y = (uintptr_t)*(Dwfl_Module *const *)b;

	return x < y ? -1 : x > y;
}

/*
 * Report every module to dwfl; a module that cannot be trusted gets NULL.
 * same[i] is the module whose symbols and frames module i shares: itself,
 * or the first load of the same file at the same place.
 *
 * dwfl keeps one module per name and address range: reporting another
 * with the name and range of one already reported in this round fails
 * and marks the first for removal, so dwfl_report_end would free it under
 * dmods[].  A program that loads a library again after dlclose has it in
 * the collector once per load, usually at the same place; so each (path,
 * bias) is reported once, and names are whole paths, so that two files of
 * one base name loaded in turn at one place are two modules.  Whatever
 * dwfl dropped all the same (a file replaced between two opens) is
 * checked for after dwfl_report_end.
 */
static void
report_modules(struct profile *p, Dwfl *dwfl, Dwfl_Module **dmods,
    size_t *same, const struct collector *c)
{
	struct stacktab seen;	/* (path id, bias), in order of loading */
	size_t *first = xcalloc(c->nmodules + 1, sizeof *first);
	struct module_list live = { NULL, 0, 0 };
	const struct module *m;
	uint64_t key[2];
	size_t i, nseen;
	uint32_t id;

	stacktab_init(&seen);
	dwfl_report_begin(dwfl);
	for (i = 0; i < c->nmodules; i++) {
		m = &c->modules[i];
		key[0] = p->modules[i];
		key[1] = m->bias;
		nseen = seen.nstacks;
		id = stacktab_intern(&seen, key, 2, 0);
		if (id < nseen) {
			same[i] = first[id];
			dmods[i] = dmods[same[i]];
			p->module_flags[i] = p->module_flags[same[i]];
			if (dmods[i] != NULL &&
			    module_changed(dmods[i], m, p->start_time)) {
				p->module_flags[i] |= PROF_MODULE_CHANGED;
				dmods[i] = NULL;
				same[i] = i;
			}
			continue;
		}
		first[id] = i;
		dmods[i] = regular_file(m->path) ? dwfl_report_elf(dwfl,
		    m->path, m->path, -1, m->bias, false) : NULL;
		if (dmods[i] == NULL) {
			p->module_flags[i] |= PROF_MODULE_UNREADABLE;
		} else if (module_changed(dmods[i], m, p->start_time)) {
			p->module_flags[i] |= PROF_MODULE_CHANGED;
			dmods[i] = NULL;
		}
	}
	dwfl_report_end(dwfl, NULL, NULL);

	if (dwfl_getmodules(dwfl, collect_module, &live, 0) == 0 && live.n > 1)
		qsort(live.mods, live.n, sizeof *live.mods, module_ptr_cmp);
	for (i = 0; i < c->nmodules; i++) {
		if (dmods[i] == NULL || bsearch(&dmods[i], live.mods, live.n,
		    sizeof *live.mods, module_ptr_cmp) != NULL)
			continue;
		p->module_flags[i] |= PROF_MODULE_UNREADABLE;
		dmods[i] = NULL;
		same[i] = i;
	}
	free(live.mods);
	free(first);
	stacktab_release(&seen);
}

int
symbolize(struct profile *p, const struct collector *c, unsigned flags,
    struct symmemo *memo)
{
	Dwfl *dwfl;
	Dwfl_Module **dmods = xcalloc(c->nmodules + 1, sizeof *dmods);
	size_t *same = xcalloc(c->nmodules + 1, sizeof *same);
	struct stacktab pcs;	/* each distinct (pc, module), as a 2-frame stack */
	struct end_state es;
	struct symmemo own;
	const struct module *m;
	uint64_t key[2];
	size_t mi;
	const uint64_t *frames;
	struct prof_site *ps;
	const char *urls = getenv("DEBUGINFOD_URLS");
	char *saved_urls = NULL;
	uint32_t n, j, fid;
	size_t i;

	/*
	 * libdw asks the debuginfod servers in DEBUGINFOD_URLS for every
	 * file without local debug info: network traffic and possibly long
	 * waits, so only when the user asked.  The target has exited: its
	 * environment is not touched.
	 */
	if (!(flags & SYMBOLIZE_DEBUGINFOD) && urls != NULL) {
		saved_urls = xstrndup(urls, strlen(urls));
		unsetenv("DEBUGINFOD_URLS");
	}
	if (memo == NULL) {
		symmemo_init(&own);
		memo = &own;
	}
	memset(&es, 0, sizeof es);
	es.x = sym_ctx_new();
	es.mods = xcalloc(c->nmodules + 1, sizeof *es.mods);
	es.memo = memo;
	/* What a debuginfod server answers is not the machine's to keep. */
	if (!(flags & SYMBOLIZE_DEBUGINFOD))
		es.cache_dir = symcache_dir();
	dwfl = dwfl_begin(&offline_callbacks);
	stacktab_init(&pcs);
	p->modules = xcalloc(c->nmodules + 1, sizeof *p->modules);
	p->module_flags = xcalloc(c->nmodules + 1, sizeof *p->module_flags);
	for (i = 0; i < c->nmodules; i++) {
		p->modules[i] = profile_string(p, c->modules[i].path);
		same[i] = i;
	}
	p->nmodules = c->nmodules;
	if (dwfl != NULL)
		report_modules(p, dwfl, dmods, same, c);
	else
		error(0, 0, "warning: no symbols: dwfl_begin: %s",
		    dwfl_errmsg(-1));
	for (i = 0; i < c->nmodules; i++)
		es.mods[i].dm = dmods[i];

	for (i = 0; i < c->stacks.nstacks; i++) {
		const struct site *s = &c->sites[i];

		if (s->st[STATS_OWN].tbk == 0 && s->st[STATS_DHAT].tbk == 0 &&
		    s->ad_events == 0)
			continue;
		frames = stacktab_frames(&c->stacks, (uint32_t)i, &n);
		p->sites = xgrow(p->sites, &p->sites_cap, p->nsites + 1,
		    sizeof *p->sites);
		ps = &p->sites[p->nsites++];
		memset(ps, 0, sizeof *ps);
		ps->first = (uint32_t)p->nstack_frames;
		ps->nframes = n;
		ps->flags = c->stacks.stacks[i].truncated ? PROF_SITE_TRUNCATED : 0;
		memcpy(ps->st, s->st, sizeof ps->st);
		ps->dist = s->dist;
		ps->ad_events = s->ad_events;
		ps->ad_weight = s->ad_weight;
		for (j = 0; j < n; j++) {
			m = collector_module_at(c, frames[j], s->first_event,
			    &mi);
			if (m != NULL) {
				mi = same[mi];
				m = &c->modules[mi];
			}
			/* The same address in two objects loaded in turn. */
			key[0] = frames[j];
			key[1] = m != NULL ? mi + 1 : 0;
			fid = stacktab_intern(&pcs, key, 2, 0);
			if (fid == p->nframes)
				add_frame(p, &es, m, mi, frames[j]);
			p->stack_frames = xgrow(p->stack_frames,
			    &p->stack_frames_cap, p->nstack_frames + 1,
			    sizeof *p->stack_frames);
			p->stack_frames[p->nstack_frames++] = fid;
		}
	}
	stacktab_release(&pcs);
	sym_ctx_free(es.x);
	if (getenv(SYMLIVE_TEST_ENV) != NULL)
		fprintf(stderr, "heapprof: test: at the end: %zu addresses "
		    "resolved, %zu ready\n", es.resolved, es.ready);
	if (es.cache_dir != NULL) {
		for (i = 0; i < memo->nobjs; i++)
			if (memo->objs[i]->dirty)
				symcache_save(es.cache_dir, memo->objs[i]);
		free(es.cache_dir);
	}
	if (memo == &own)
		symmemo_release(&own);
	/*
	 * Frames come in site order, so any module may be asked for until
	 * the last site; and the names point into dwfl's symbol tables,
	 * which live as long.
	 */
	for (i = 0; i < c->nmodules; i++)
		mod_syms_release(&es.mods[i].syms);
	free(es.mods);
	free(same);
	free(dmods);
	if (dwfl != NULL)
		dwfl_end(dwfl);
	if (saved_urls != NULL) {
		setenv("DEBUGINFOD_URLS", saved_urls, 1);
		free(saved_urls);
	}
	report_module_warnings(p);
	return 0;
}
