/*
 * symbolize.c - libdw (dwfl) symbolization of the collected stacks.
 *
 * The modules the agent reported are given to dwfl with their load bias,
 * so PIE executables and shared libraries resolve without /proc of a
 * process that no longer exists.  A return address points after the call,
 * so every frame is looked up at pc - 1, which lies inside the call.
 */
#include "config.h"

#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "stacktab.h"
#include "symbolize.h"
#include "xmalloc.h"

static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static void
add_loc(struct profile *p, const char *fn, const char *file, int line)
{
	const char *at = fn != NULL ? strchr(fn, '@') : NULL;
	struct prof_loc *l;
	char *bare;

	p->locs = xgrow(p->locs, &p->locs_cap, p->nlocs + 1, sizeof *p->locs);
	l = &p->locs[p->nlocs++];
	if (at != NULL && at != fn) {
		/* "__libc_start_main@@GLIBC_2.34": the version is noise here. */
		bare = xstrndup(fn, (size_t)(at - fn));
		l->function = profile_string(p, bare);
		free(bare);
	} else {
		l->function = profile_string(p, fn != NULL ? fn : "");
	}
	l->file = profile_string(p, file != NULL ? file : "");
	l->line = line > 0 ? (uint32_t)line : 0;
}

static int
is_function_scope(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
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
 * The inline chain at pc, innermost first: the line table gives the
 * innermost file:line; each inlined_subroutine scope gives the call site
 * (DW_AT_call_file/line) that is the next frame's location.
 */
static uint32_t
add_locs(struct profile *p, Dwfl_Module *mod, Dwarf_Addr pc)
{
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Addr bias;
	Dwfl_Line *line;
	Dwarf_Attribute attr;
	Dwarf_Word cl;
	const char *sym, *file = NULL, *next_file;
	int lineno = 0, nscopes, i, next_line;
	uint32_t n = 0;

	sym = dwfl_module_addrname(mod, pc);
	line = dwfl_module_getsrc(mod, pc);
	if (line != NULL)
		file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
	cu = dwfl_module_addrdie(mod, pc, &bias);
	nscopes = cu != NULL ? dwarf_getscopes(cu, pc - bias, &scopes) : 0;
	for (i = 0; i < nscopes; i++) {
		if (!is_function_scope(&scopes[i]))
			continue;
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			/* The symbol table name is the linkage name of the real function. */
			add_loc(p, sym != NULL ? sym : dwarf_diename(&scopes[i]),
			    file, lineno);
			n++;
			break;
		}
		add_loc(p, dwarf_diename(&scopes[i]), file, lineno);
		n++;
		next_file = call_file(cu, &scopes[i]);
		next_line = dwarf_formudata(dwarf_attr(&scopes[i],
		    DW_AT_call_line, &attr), &cl) == 0 ? (int)cl : 0;
		file = next_file;
		lineno = next_line;
	}
	free(scopes);
	if (n == 0 && (sym != NULL || file != NULL)) {
		add_loc(p, sym, file, lineno);
		n = 1;
	}
	return n;
}

static void
add_frame(struct profile *p, Dwfl *dwfl, Dwfl_Module **dmods,
    const struct module *m, size_t mi, uint64_t pc)
{
	struct prof_frame *f;

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
	if (dwfl != NULL && dmods[mi] != NULL)
		f->nlocs = add_locs(p, dmods[mi], pc - 1);
}

static void
add_stats(struct prof_stats *d, const struct site_stats *s)
{
	d->tb = s->tb;
	d->tbk = s->tbk;
	d->tl = s->tl;
	d->mb = s->mb;
	d->mbk = s->mbk;
	d->gb = s->gb;
	d->gbk = s->gbk;
	d->eb = s->eb;
	d->ebk = s->ebk;
}

int
symbolize(struct profile *p, const struct collector *c)
{
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	Dwfl_Module **dmods = xcalloc(c->nmodules + 1, sizeof *dmods);
	struct stacktab pcs;	/* each distinct (pc, module), as a 2-frame stack */
	const struct module *m;
	uint64_t key[2];
	size_t mi;
	const uint64_t *frames;
	struct prof_site *ps;
	uint32_t n, j, fid;
	size_t i, k;

	stacktab_init(&pcs);
	p->modules = xcalloc(c->nmodules + 1, sizeof *p->modules);
	for (i = 0; i < c->nmodules; i++)
		p->modules[i] = profile_string(p, c->modules[i].path);
	p->nmodules = c->nmodules;
	if (dwfl != NULL) {
		dwfl_report_begin(dwfl);
		for (i = 0; i < c->nmodules; i++) {
			const char *path = c->modules[i].path;
			const char *base = strrchr(path, '/');

			dmods[i] = dwfl_report_elf(dwfl, base ? base + 1 : path,
			    path, -1, c->modules[i].bias, false);
		}
		dwfl_report_end(dwfl, NULL, NULL);
	}

	for (i = 0; i < c->stacks.nstacks; i++) {
		const struct site *s = &c->sites[i];

		if (s->st[STATS_OWN].tbk == 0 && s->st[STATS_DHAT].tbk == 0)
			continue;
		frames = stacktab_frames(&c->stacks, (uint32_t)i, &n);
		p->sites = xgrow(p->sites, &p->sites_cap, p->nsites + 1,
		    sizeof *p->sites);
		ps = &p->sites[p->nsites++];
		memset(ps, 0, sizeof *ps);
		ps->first = (uint32_t)p->nstack_frames;
		ps->nframes = n;
		ps->flags = c->stacks.stacks[i].truncated ? PROF_SITE_TRUNCATED : 0;
		for (k = 0; k < STATS_N; k++)
			add_stats(&ps->st[k], &s->st[k]);
		for (j = 0; j < n; j++) {
			m = collector_module_at(c, frames[j], s->first_event,
			    &mi);
			/* The same address in two objects loaded in turn. */
			key[0] = frames[j];
			key[1] = m != NULL ? mi + 1 : 0;
			fid = stacktab_intern(&pcs, key, 2, 0);
			if (fid == p->nframes)
				add_frame(p, dwfl, dmods, m, mi, frames[j]);
			p->stack_frames = xgrow(p->stack_frames,
			    &p->stack_frames_cap, p->nstack_frames + 1,
			    sizeof *p->stack_frames);
			p->stack_frames[p->nstack_frames++] = fid;
		}
	}
	stacktab_release(&pcs);
	free(dmods);
	if (dwfl != NULL)
		dwfl_end(dwfl);
	return 0;
}
