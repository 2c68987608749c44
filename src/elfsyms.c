/* SPDX-License-Identifier: MIT */
/*
 * elfsyms.c - a module's ELF symbol table, listed once and sorted by
 * address, that names an address exactly as dwfl_module_addrname does.
 *
 * Why not just call libdw: dwfl_module_addrname (dwfl_module_addrinfo in
 * libdwfl/dwfl_module_addrsym.c) reads the module's whole symbol table
 * for every address it is asked about.  libLLVM's 45k symbols times every
 * return address into it was most of the time `run` spent after the
 * target exited.  Each module's symbols are listed once instead, sorted
 * by address, and an address bisects.
 *
 * Why not "the last function starting below pc": the answer must stay
 * libdw's, the name eu-addr2line and every other libdw tool print, and
 * libdw's rules (elfutils 0.188) are these:
 *
 *  - non-local symbols are searched first; locals only when no global
 *    holds pc and no global label (size 0) sits exactly on it;
 *  - among the sized symbols holding pc, taken in table order, one
 *    replaces the choice so far when it starts later or binds more
 *    strongly (global > weak > local > other), or starts at the same
 *    address with a smaller size and the same binding: order-dependent,
 *    so the holders are replayed in table order;
 *  - a label is taken only when no sized symbol holds pc: the last one
 *    searched of those starting at the highest end of any symbol up to
 *    pc, and in pc's section.
 *
 * Any other symbol type counts (objects, labels), except sections, files
 * and TLS.  On ppc64 libdw also tries each function descriptor's entry
 * point, which the public symbol calls do not tell apart: there the
 * module keeps using dwfl_module_addrname.
 *
 * Should a libdw release change these rules, tests/check_elfsyms.c,
 * which asks both at every symbol's edges in test programs and in the
 * system libc, fails naming the address and both answers.
 */
#include "config.h"

#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdlib.h>

#include "elfsyms.h"
#include "xmalloc.h"

struct sym_range {
	Dwarf_Addr lo;
	GElf_Xword size;	/* 0: a label */
	Dwarf_Addr maxend;	/* highest lo + size up to this entry */
	const char *name;	/* in libdw's copy of the string table */
	uint32_t order;		/* in libdw's search: globals, then locals */
	unsigned char bind;	/* libdw's rank: global 3, weak 2, local 1 */
	unsigned char nosection; /* SHN_ABS or not allocated */
};

static int
sym_rank(const GElf_Sym *sym)
{
	switch (GELF_ST_BIND(sym->st_info)) {
	case STB_GLOBAL:
		return 3;
	case STB_WEAK:
		return 2;
	case STB_LOCAL:
		return 1;
	default:
		return 0;
	}
}

static int
sym_cmp(const void *a, const void *b)
{
	const struct sym_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void
mod_syms_list(struct mod_syms *ms, Dwfl_Module *mod)
{
	GElf_Addr bias, addr;
	GElf_Ehdr eh;
	GElf_Sym sym;
	GElf_Word shndx;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	Dwarf_Addr top = 0;
	const char *name;
	struct sym_range *r;
	int nsyms, first, global, i, type;
	size_t k;

	ms->listed = 1;
	if (elf == NULL || gelf_getehdr(elf, &eh) == NULL ||
	    eh.e_machine == EM_PPC64) {
		ms->listed = -1;
		return;
	}
	nsyms = dwfl_module_getsymtab(mod);
	first = dwfl_module_getsymtab_first_global(mod);
	if (nsyms < 0 || first < 0)
		return;		/* libdw finds nothing either */
	/*
	 * Index 0 is the null symbol; first is 0 when libdw found only a
	 * .dynsym through the program headers: one search of all.
	 */
	global = first > 1 ? first : 1;
	if (global > nsyms)
		global = nsyms;
	ms->nglobal = (uint32_t)(nsyms - global);
	for (i = 1; i < nsyms; i++) {
		name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx,
		    NULL, NULL);
		type = GELF_ST_TYPE(sym.st_info);
		if (name == NULL || name[0] == '\0' ||
		    sym.st_shndx == SHN_UNDEF || type == STT_SECTION ||
		    type == STT_FILE || type == STT_TLS)
			continue;
		ms->r = xgrow(ms->r, &ms->cap, ms->n + 1, sizeof *ms->r);
		r = &ms->r[ms->n++];
		r->lo = addr;
		r->size = sym.st_size;
		r->name = name;
		r->order = (uint32_t)(i >= global ? i - global :
		    nsyms - global + i - 1);
		r->bind = (unsigned char)sym_rank(&sym);
		r->nosection = shndx >= SHN_LORESERVE;
	}
	if (ms->n > 1)
		qsort(ms->r, ms->n, sizeof *ms->r, sym_cmp);
	for (k = 0; k < ms->n; k++) {
		if (ms->r[k].lo + ms->r[k].size > top)
			top = ms->r[k].lo + ms->r[k].size;
		ms->r[k].maxend = top;
	}
}

/* Is pc in the section of the label r?  As libdw decides it. */
static int
same_section(Dwfl_Module *mod, const struct sym_range *r, Dwarf_Addr pc)
{
	Dwarf_Addr a = pc, b = r->lo, bias;

	if (r->nosection)
		return r->lo == pc;
	return dwfl_module_address_section(mod, &a, &bias) ==
	    dwfl_module_address_section(mod, &b, &bias);
}

/* The number of entries starting at or below pc. */
static size_t
mod_syms_upto(const struct mod_syms *ms, Dwarf_Addr pc)
{
	size_t lo = 0, hi = ms->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ms->r[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* What dwfl_module_addrname(mod, pc) returns, listing mod on first use. */
const char *
mod_syms_name(struct mod_syms *ms, Dwfl_Module *mod, Dwarf_Addr pc)
{
	const struct sym_range *r, *best;
	Dwarf_Addr top;
	size_t k, j, i, h;
	int local;

	if (ms->listed == 0)
		mod_syms_list(ms, mod);
	if (ms->listed < 0)
		return dwfl_module_addrname(mod, pc);
	k = mod_syms_upto(ms, pc);
	if (k == 0)
		return NULL;

	/*
	 * maxend bounds the walk down: below the first entry whose maxend
	 * is at or below pc, nothing reaches pc.  Usually one or two steps.
	 */
	ms->nhold = 0;
	for (j = k; j > 0 && ms->r[j - 1].maxend > pc; j--) {
		r = &ms->r[j - 1];
		if (r->size == 0 || pc - r->lo >= r->size)
			continue;
		ms->hold = xgrow(ms->hold, &ms->hold_cap, ms->nhold + 1,
		    sizeof *ms->hold);
		for (h = ms->nhold++; h > 0 &&
		    ms->r[ms->hold[h - 1]].order > r->order; h--)
			ms->hold[h] = ms->hold[h - 1];
		ms->hold[h] = j - 1;
	}
	for (local = 0; local <= 1; local++) {
		best = NULL;
		for (i = 0; i < ms->nhold; i++) {
			r = &ms->r[ms->hold[i]];
			if ((r->order >= ms->nglobal) != local)
				continue;
			if (best == NULL || best->lo < r->lo ||
			    best->bind < r->bind ||
			    (best->lo == r->lo && best->size > r->size &&
			    best->bind <= r->bind))
				best = r;
		}
		if (best != NULL)
			return best->name;
		if (local)
			break;
		/* Entries at pc sort globals first: the last global label. */
		for (j = k; j > 0 && ms->r[j - 1].lo == pc; j--) {
			r = &ms->r[j - 1];
			if (r->size == 0 && r->order < ms->nglobal)
				return r->name;
		}
	}

	/*
	 * A label counts only if nothing before pc ends above it: it must
	 * start at the highest end so far, which is at or below pc here.
	 */
	top = ms->r[k - 1].maxend;
	for (j = mod_syms_upto(ms, top); j > 0 && ms->r[j - 1].lo == top; j--) {
		r = &ms->r[j - 1];
		if (r->size == 0 && same_section(mod, r, pc))
			return r->name;
	}
	return NULL;
}

void
mod_syms_release(struct mod_syms *ms)
{
	free(ms->r);
	free(ms->hold);
}
