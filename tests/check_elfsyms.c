/* SPDX-License-Identifier: MIT */
/*
 * check_elfsyms.c - src/elfsyms.c against the libdw it stands in for:
 * at every edge of every symbol (its start, the byte before, its middle,
 * its last byte, the byte after) of test programs (C, non-PIE, C++, a
 * shared library) and of the system libc (its full symbol table from the
 * debug file when there is one, and its .dynsym alone), the index must
 * name what dwfl_module_addrname names.  A libdw whose rules change fails
 * here with the address and both names, instead of silently changing the
 * names in reports.
 */
#include "config.h"

#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_heapprof.h"
#include "elfsyms.h"

/* Disagreements printed to stderr before the test fails. */
#define SHOW_MAX	10

static char *debuginfo_path;

/* As symbolize.c's callbacks, without the cache (same files, same symbols). */
static const Dwfl_Callbacks with_debuginfo = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* A machine without debug files: a stripped library has its .dynsym only. */
static int
no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr base, const char *file_name, const char *debuglink_file,
    GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	(void)mod;
	(void)userdata;
	(void)modname;
	(void)base;
	(void)file_name;
	(void)debuglink_file;
	(void)debuglink_crc;
	(void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks without_debuginfo = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = no_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static int
addr_cmp(const void *a, const void *b)
{
	Dwarf_Addr x = *(const Dwarf_Addr *)a, y = *(const Dwarf_Addr *)b;

	return x < y ? -1 : x > y;
}

static void
add_addr(Dwarf_Addr **v, size_t *n, size_t *cap, Dwarf_Addr a)
{
	if (*n == *cap) {
		*cap = *cap != 0 ? *cap * 2 : 4096;
		*v = realloc(*v, *cap * sizeof **v);
		ck_assert_ptr_nonnull(*v);
	}
	(*v)[(*n)++] = a;
}

static const char *
show(const char *name)
{
	return name != NULL ? name : "(none)";
}

/*
 * Report the ELF file at path loaded at base, as symbolize.c does, and
 * ask both at each edge of each defined symbol of the table libdw chose.
 * Fails on any disagreement, or with fewer than min_syms symbols (the
 * table was not the one meant).
 */
static void
compare_edges(const char *path, Dwarf_Addr base, const Dwfl_Callbacks *cb,
    int min_syms)
{
	Dwfl *dwfl = dwfl_begin(cb);
	Dwfl_Module *mod;
	struct mod_syms ms;
	Dwarf_Addr *addrs = NULL, a;
	GElf_Addr addr;
	GElf_Sym sym;
	GElf_Word shndx;
	size_t naddrs = 0, cap = 0, nbad = 0, i;
	const char *name, *want, *got;
	char first[512] = "";
	int nsyms, k;

	ck_assert_msg(dwfl != NULL, "dwfl_begin: %s", dwfl_errmsg(-1));
	dwfl_report_begin(dwfl);
	mod = dwfl_report_elf(dwfl, path, path, -1, base, false);
	ck_assert_msg(mod != NULL, "dwfl_report_elf '%s': %s", path,
	    dwfl_errmsg(-1));
	dwfl_report_end(dwfl, NULL, NULL);

	nsyms = dwfl_module_getsymtab(mod);
	ck_assert_msg(nsyms >= min_syms, "'%s': %d symbols, want %d or more",
	    path, nsyms, min_syms);
	for (k = 1; k < nsyms; k++) {
		name = dwfl_module_getsym_info(mod, k, &sym, &addr, &shndx,
		    NULL, NULL);
		if (name == NULL || sym.st_shndx == SHN_UNDEF)
			continue;
		add_addr(&addrs, &naddrs, &cap, addr - 1);
		add_addr(&addrs, &naddrs, &cap, addr);
		if (sym.st_size == 0) {
			add_addr(&addrs, &naddrs, &cap, addr + 1);
			continue;
		}
		add_addr(&addrs, &naddrs, &cap, addr + sym.st_size / 2);
		add_addr(&addrs, &naddrs, &cap, addr + sym.st_size - 1);
		add_addr(&addrs, &naddrs, &cap, addr + sym.st_size);
	}
	/* Aliases share their edges: each address once. */
	qsort(addrs, naddrs, sizeof *addrs, addr_cmp);

	memset(&ms, 0, sizeof ms);
	for (i = 0; i < naddrs; i++) {
		a = addrs[i];
		if (i > 0 && a == addrs[i - 1])
			continue;
		got = mod_syms_name(&ms, mod, a);
		want = dwfl_module_addrname(mod, a);
		if (got == want || (got != NULL && want != NULL &&
		    strcmp(got, want) == 0))
			continue;
		if (nbad++ == 0)
			snprintf(first, sizeof first, "%#llx: index '%s', "
			    "dwfl_module_addrname '%s'", (unsigned long long)a,
			    show(got), show(want));
		if (nbad <= SHOW_MAX)
			fprintf(stderr, "elfsyms: %s: %#llx: index '%s', "
			    "dwfl_module_addrname '%s'\n", path,
			    (unsigned long long)a, show(got), show(want));
	}
	/* Not libdw compared with itself, as on ppc64. */
	ck_assert_msg(ms.listed == 1 && ms.n > 0,
	    "'%s': the index was not built (listed %d, %zu entries)", path,
	    ms.listed, ms.n);
	mod_syms_release(&ms);
	free(addrs);
	dwfl_end(dwfl);
	ck_assert_msg(nbad == 0, "'%s': %zu addresses disagree, first %s",
	    path, nbad, first);
}

/* top_builddir/rel: the test programs are built, not distributed. */
static char *
built(const char *rel)
{
	const char *top = getenv("top_builddir");
	static char path[4096];

	snprintf(path, sizeof path, "%s/%s", top != NULL ? top : ".", rel);
	return path;
}

/* --- Programs ------------------------------------------------------------- */

/* A PIE, loaded where Linux puts one. */
START_TEST(test_c_program)
{
	compare_edges(built("tests/progs/inline"), 0x555555554000,
	    &with_debuginfo, 30);
}
END_TEST

/* A fixed-address executable. */
START_TEST(test_c_program_nopie)
{
	compare_edges(built("tests/progs/inline-nopie"), 0, &with_debuginfo,
	    30);
}
END_TEST

#ifdef HEAPPROF_HAVE_CXX
/* C++: weak template instances, constructor and destructor aliases. */
START_TEST(test_cxx_program)
{
	compare_edges(built("tests/progs/cxx-vector"), 0x555555554000,
	    &with_debuginfo, 30);
}
END_TEST
#endif

/* A shared library (libtool builds it in .libs). */
START_TEST(test_shared_library)
{
	compare_edges(built("tests/progs/.libs/plugin.so"), 0x7f0000000000,
	    &with_debuginfo, 10);
}
END_TEST

/* --- Libc ----------------------------------------------------------------- */

struct loaded {
	char path[4096];
	Dwarf_Addr base;
};

static int
find_libc(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct loaded *l = arg;
	const char *slash = strrchr(info->dlpi_name, '/');
	const char *base = slash != NULL ? slash + 1 : info->dlpi_name;

	(void)size;
	if (strncmp(base, "libc.so.", 8) != 0)
		return 0;
	snprintf(l->path, sizeof l->path, "%s", info->dlpi_name);
	l->base = info->dlpi_addr;
	return 1;
}

/* The libc this process runs on, where it is loaded. */
static void
this_libc(struct loaded *l)
{
	memset(l, 0, sizeof *l);
	ck_assert_msg(dl_iterate_phdr(find_libc, l) == 1,
	    "no libc.so.* among this process's objects");
}

/* Its full .symtab when a debug file is installed (libc6-dbg). */
START_TEST(test_libc)
{
	struct loaded l;

	this_libc(&l);
	compare_edges(l.path, l.base, &with_debuginfo, 1000);
}
END_TEST

START_TEST(test_libc_dynsym)
{
	struct loaded l;

	this_libc(&l);
	compare_edges(l.path, l.base, &without_debuginfo, 1000);
}
END_TEST

Suite *
make_elfsyms_suite(void)
{
	Suite *s = suite_create("elfsyms");
	TCase *tc;

	tc = tcase_create("Programs");
	tcase_add_test(tc, test_c_program);
	tcase_add_test(tc, test_c_program_nopie);
#ifdef HEAPPROF_HAVE_CXX
	tcase_add_test(tc, test_cxx_program);
#endif
	tcase_add_test(tc, test_shared_library);
	suite_add_tcase(s, tc);

	/*
	 * dwfl_module_addrname walks the whole table at each address: about
	 * 2.5 s for libc's 10k symbols, past Check's 4 s on a busy machine.
	 */
	tc = tcase_create("Libc");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_libc);
	tcase_add_test(tc, test_libc_dynsym);
	suite_add_tcase(s, tc);
	return s;
}
