/* SPDX-License-Identifier: MIT */
/*
 * elfsyms.h - the name dwfl_module_addrname gives an address, from an
 * index of the module's ELF symbols built on first use (elfsyms.c says
 * why libdw is not asked directly).
 */
#ifndef HEAPPROF_ELFSYMS_H
#define HEAPPROF_ELFSYMS_H

#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>

struct sym_range;

/* One module's index.  All zeros (calloc) is an empty one, not listed yet. */
struct mod_syms {
	int listed;		/* 0 not yet, 1 done, -1 leave it to libdw */
	struct sym_range *r;
	size_t n, cap;
	uint32_t nglobal;	/* orders below this are the first search's */
	size_t *hold;		/* scratch: the entries holding one pc */
	size_t nhold, hold_cap;
};

/*
 * What dwfl_module_addrname(mod, pc) returns: the name of the symbol
 * holding pc (an address with mod's bias applied), or NULL.  The first
 * call lists mod's symbols into ms; ms serves that one module from then
 * on.  The name points into libdw's copy of the string table: valid until
 * dwfl_end of mod's Dwfl.
 */
const char *mod_syms_name(struct mod_syms *ms, Dwfl_Module *mod,
    Dwarf_Addr pc);

/* Free what ms holds (not the names, which are libdw's); ms is the caller's. */
void mod_syms_release(struct mod_syms *ms);

#endif
