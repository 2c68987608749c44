/* SPDX-License-Identifier: MIT */
/*
 * check_debugcache.c - src/debugcache.c: where the cache lives, and the
 * decompressed copy of a small debug file made here with libelf (one
 * zlib-compressed .debug_info holding one compilation unit): made once,
 * then reused, made again when truncated; refused for the wrong build-id,
 * a file with nothing compressed, a split-DWARF skeleton, a section over
 * the size limit, and a directory that cannot be made; and the upkeep
 * that removes copies unused for a week and abandoned temporary files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check_heapprof.h"
#include "debugcache.h"

static void
tmpdir_setup(void)
{
	scratch_make("debugcache");
}

/* --- Dir ------------------------------------------------------------------ */

static void
env(const char *cache, const char *xdg, const char *home)
{
	if (cache != NULL)
		setenv("HEAPPROF_CACHE_DIR", cache, 1);
	else
		unsetenv("HEAPPROF_CACHE_DIR");
	if (xdg != NULL)
		setenv("XDG_CACHE_HOME", xdg, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	if (home != NULL)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
}

static void
expect_dir(const char *want)
{
	char *dir = debugcache_dir();

	if (want == NULL)
		ck_assert_msg(dir == NULL, "expected no cache, got '%s'", dir);
	else
		ck_assert_str_eq(dir != NULL ? dir : "(null)", want);
	free(dir);
}

START_TEST(test_dir)
{
	env("/c", "/x", "/h");
	expect_dir("/c/debug");
	env("rel", NULL, NULL);
	expect_dir("rel/debug");
	/* Set but empty: the cache is off, whatever else is set. */
	env("", "/x", "/h");
	expect_dir(NULL);
	env(NULL, "/x", "/h");
	expect_dir("/x/heapprof/debug");
	/* A relative XDG_CACHE_HOME is ignored, as the XDG spec says. */
	env(NULL, "x", "/h");
	expect_dir("/h/.cache/heapprof/debug");
	env(NULL, "", "/h");
	expect_dir("/h/.cache/heapprof/debug");
	env(NULL, NULL, NULL);
	expect_dir(NULL);
	env(NULL, NULL, "");
	expect_dir(NULL);
	env(NULL, NULL, "h");
	expect_dir(NULL);
}
END_TEST

/* --- Copy ----------------------------------------------------------------- */

enum unit { UNIT_COMPILE, UNIT_SKELETON };

static const unsigned char id[20] = {
	0x93, 0xac, 0x61, 0xec, 0x5a, 0x8e, 0xb1, 0x39, 0x6f, 0x9f,
	0xbd, 0x35, 0x0e, 0x31, 0x69, 0xa5, 0x58, 0x52, 0x8a, 0x40,
};
#define ID_HEX	"93ac61ec5a8eb1396f9fbd350e3169a558528a40"

/* NT_GNU_BUILD_ID: namesz, descsz, type, "GNU", the id. */
static unsigned char note[16 + sizeof id] = {
	4, 0, 0, 0, sizeof id, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0,
};

/* Abbreviation 1: a unit DIE without children, with a DW_AT_name string. */
static unsigned char abbrev[] = { 1, 0x11, 0, 0x03, 0x08, 0, 0, 0 };
static unsigned char abbrev_skeleton[] = { 1, 0x4a, 0, 0x03, 0x08, 0, 0, 0 };

/* DWARF 4 unit: length, version, abbrev offset, address size; DIE "x". */
static unsigned char info[] = {
	10, 0, 0, 0, 4, 0, 0, 0, 0, 0, 8, 1, 'x', 0,
};

/* DWARF 5 skeleton unit: ..., unit type 4, address size, offset, dwo_id. */
static unsigned char info_skeleton[] = {
	19, 0, 0, 0, 5, 0, 4, 8, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 'x', 0,
};

static const char shstrtab[] =
    "\0.note.gnu.build-id\0.debug_abbrev\0.debug_info\0.shstrtab";

static Elf_Scn *
add_section(Elf *e, size_t name, GElf_Word type, GElf_Xword flags,
    GElf_Addr addr, void *buf, size_t size, size_t align)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *d;
	GElf_Shdr sh;

	ck_assert_ptr_nonnull(scn);
	ck_assert_ptr_nonnull(gelf_getshdr(scn, &sh));
	sh.sh_name = (GElf_Word)name;
	sh.sh_type = type;
	sh.sh_flags = flags;
	sh.sh_addr = addr;
	sh.sh_addralign = align;
	ck_assert_int_ne(gelf_update_shdr(scn, &sh), 0);
	d = elf_newdata(scn);
	ck_assert_ptr_nonnull(d);
	d->d_buf = buf;
	d->d_size = size;
	d->d_type = ELF_T_BYTE;
	d->d_align = align;
	return scn;
}

/*
 * A debug file as objcopy --only-keep-debug makes them, small: an ET_DYN
 * with a PT_NOTE over its build-id note, one unit in .debug_info,
 * compressed unless compress is 0.  fake_size: instead of compressing,
 * a compression header that claims fake_size bytes.
 */
static void
make_debug_file(const char *path, enum unit unit, int compress,
    uint64_t fake_size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	unsigned char fake[sizeof(Elf64_Chdr) + 16];
	Elf64_Chdr ch;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	GElf_Shdr sh;
	Elf_Scn *notes, *dinfo;
	Elf *e;

	ck_assert_int_ge(fd, 0);
	elf_version(EV_CURRENT);
	memcpy(note + 16, id, sizeof id);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert(gelf_newehdr(e, ELFCLASS64) != 0);
	ck_assert_ptr_nonnull(gelf_getehdr(e, &eh));
	eh.e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
	    ELFDATA2LSB : ELFDATA2MSB;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shstrndx = 4;
	ck_assert_int_ne(gelf_update_ehdr(e, &eh), 0);
	ck_assert(gelf_newphdr(e, 1) != 0);
	notes = add_section(e, 1, SHT_NOTE, SHF_ALLOC, 0x400, note,
	    sizeof note, 4);
	add_section(e, 20, SHT_PROGBITS, 0, 0,
	    unit == UNIT_SKELETON ? abbrev_skeleton : abbrev, sizeof abbrev, 1);
	dinfo = add_section(e, 34, SHT_PROGBITS, 0, 0,
	    unit == UNIT_SKELETON ? info_skeleton : info,
	    unit == UNIT_SKELETON ? sizeof info_skeleton : sizeof info, 1);
	add_section(e, 46, SHT_STRTAB, 0, 0, (void *)shstrtab,
	    sizeof shstrtab, 1);
	if (fake_size != 0) {
		memset(fake, 0, sizeof fake);
		memset(&ch, 0, sizeof ch);
		ch.ch_type = ELFCOMPRESS_ZLIB;
		ch.ch_size = fake_size;
		ch.ch_addralign = 1;
		memcpy(fake, &ch, sizeof ch);
		elf_getdata(dinfo, NULL)->d_buf = fake;
		elf_getdata(dinfo, NULL)->d_size = sizeof fake;
		ck_assert_ptr_nonnull(gelf_getshdr(dinfo, &sh));
		sh.sh_flags |= SHF_COMPRESSED;
		ck_assert_int_ne(gelf_update_shdr(dinfo, &sh), 0);
	} else if (compress) {
		ck_assert_int_eq(elf_compress(dinfo, ELFCOMPRESS_ZLIB,
		    ELF_CHF_FORCE), 1);
	}
	/* Lay out, then point the program header at the note. */
	ck_assert_int_ge(elf_update(e, ELF_C_NULL), 0);
	ck_assert_ptr_nonnull(gelf_getshdr(notes, &sh));
	memset(&ph, 0, sizeof ph);
	ph.p_type = PT_NOTE;
	ph.p_flags = PF_R;
	ph.p_offset = sh.sh_offset;
	ph.p_vaddr = ph.p_paddr = sh.sh_addr;
	ph.p_filesz = ph.p_memsz = sh.sh_size;
	ph.p_align = 4;
	ck_assert_int_ne(gelf_update_phdr(e, 0, &ph), 0);
	ck_assert_int_ge(elf_update(e, ELF_C_WRITE), 0);
	elf_end(e);
	close(fd);
}

/* debugcache_open on the file at src, the cache in DIR/cache/debug. */
static int
cache_open(const char *src, const unsigned char *want_id)
{
	int fd = open(src, O_RDONLY), cfd;

	ck_assert_int_ge(fd, 0);
	cfd = debugcache_open(scratch_path("cache/debug"), fd, want_id, sizeof id);
	close(fd);
	return cfd;
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The copy at fd: decompressed, the same data, the note where it was. */
static void
check_copy(int fd, const char *src)
{
	int sfd = open(src, O_RDONLY);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL), *s;
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Shdr sh, ssh;
	GElf_Phdr ph;

	ck_assert_int_ge(sfd, 0);
	s = elf_begin(sfd, ELF_C_READ, NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(s);
	scn = elf_getscn(e, 3);
	ck_assert_ptr_nonnull(gelf_getshdr(scn, &sh));
	ck_assert_int_eq(sh.sh_flags & SHF_COMPRESSED, 0);
	ck_assert_uint_eq(sh.sh_size, sizeof info);
	d = elf_getdata(scn, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->d_size, sizeof info);
	ck_assert_int_eq(memcmp(d->d_buf, info, sizeof info), 0);
	/* The allocated note keeps its offset, which PT_NOTE gives. */
	ck_assert_ptr_nonnull(gelf_getshdr(elf_getscn(e, 1), &sh));
	ck_assert_ptr_nonnull(gelf_getshdr(elf_getscn(s, 1), &ssh));
	ck_assert_uint_eq(sh.sh_offset, ssh.sh_offset);
	ck_assert_ptr_nonnull(gelf_getphdr(e, 0, &ph));
	ck_assert_uint_eq(ph.p_offset, sh.sh_offset);
	elf_end(s);
	elf_end(e);
	close(sfd);
}

START_TEST(test_copy_made_and_reused)
{
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	char copy[256];
	struct stat a, b;
	int fd;

	snprintf(copy, sizeof copy, "%s",
	    scratch_path("cache/debug/" ID_HEX ".debug"));
	make_debug_file(scratch_path("lib.debug"), UNIT_COMPILE, 1, 0);
	fd = cache_open(scratch_path("lib.debug"), id);
	ck_assert_int_ge(fd, 0);
	check_copy(fd, scratch_path("lib.debug"));
	close(fd);
	ck_assert_int_eq(stat(copy, &a), 0);
	ck_assert_int_eq(a.st_mode & 0777, 0600);

	/* Reading the copy marks it used, so the upkeep keeps it. */
	ck_assert_int_eq(utimensat(AT_FDCWD, copy, old, 0), 0);
	fd = cache_open(scratch_path("lib.debug"), id);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(stat(copy, &b), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	ck_assert_int_ge(b.st_mtime, time(NULL) - 3600);
	debugcache_clean(scratch_path("cache/debug"), time(NULL));
	ck_assert(exists(copy));
}
END_TEST

START_TEST(test_copy_truncated)
{
	char copy[256];
	struct stat a, b;
	int fd;

	snprintf(copy, sizeof copy, "%s",
	    scratch_path("cache/debug/" ID_HEX ".debug"));
	make_debug_file(scratch_path("lib.debug"), UNIT_COMPILE, 1, 0);
	fd = cache_open(scratch_path("lib.debug"), id);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(stat(copy, &a), 0);
	ck_assert_int_eq(truncate(copy, a.st_size - 1), 0);
	fd = cache_open(scratch_path("lib.debug"), id);
	ck_assert_int_ge(fd, 0);
	check_copy(fd, scratch_path("lib.debug"));
	close(fd);
	ck_assert_int_eq(stat(copy, &b), 0);
	ck_assert_int_eq(b.st_size, a.st_size);
}
END_TEST

START_TEST(test_copy_wrong_id)
{
	unsigned char other[sizeof id];

	memcpy(other, id, sizeof id);
	other[0] ^= 1;
	make_debug_file(scratch_path("lib.debug"), UNIT_COMPILE, 1, 0);
	ck_assert_int_eq(cache_open(scratch_path("lib.debug"), other), -1);
	ck_assert(!exists(scratch_path("cache")));
}
END_TEST

START_TEST(test_nothing_compressed)
{
	make_debug_file(scratch_path("lib.debug"), UNIT_COMPILE, 0, 0);
	ck_assert_int_eq(cache_open(scratch_path("lib.debug"), id), -1);
	ck_assert(!exists(scratch_path("cache")));
}
END_TEST

/* A skeleton unit's .dwo is looked for beside the file libdw opened. */
START_TEST(test_skeleton_not_cached)
{
	make_debug_file(scratch_path("lib.debug"), UNIT_SKELETON, 1, 0);
	ck_assert_int_eq(cache_open(scratch_path("lib.debug"), id), -1);
	ck_assert(!exists(scratch_path("cache/debug/" ID_HEX ".debug")));
	/* No temporary file left either: the directory is empty. */
	ck_assert_int_eq(rmdir(scratch_path("cache/debug")), 0);
}
END_TEST

START_TEST(test_too_big)
{
	make_debug_file(scratch_path("lib.debug"), UNIT_COMPILE, 1,
	    DEBUGCACHE_MAX_SIZE + 1);
	ck_assert_int_eq(cache_open(scratch_path("lib.debug"), id), -1);
	ck_assert(!exists(scratch_path("cache")));
}
END_TEST

START_TEST(test_dir_cannot_be_made)
{
	int fd;

	make_debug_file(scratch_path("lib.debug"), UNIT_COMPILE, 1, 0);
	fd = open(scratch_path("cache"), O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(cache_open(scratch_path("lib.debug"), id), -1);
}
END_TEST

/* --- Clean ---------------------------------------------------------------- */

#define NOW	((time_t)2000000000)
#define DAY	(24 * 3600)

/* A file in the scratch cache directory, last modified at mtime. */
static void
make_aged(const char *name, time_t mtime)
{
	char path[256];
	struct timespec t[2] = { { mtime, 0 }, { mtime, 0 } };
	int fd;

	snprintf(path, sizeof path, "%s", scratch_path(name));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	ck_assert_int_eq(futimens(fd, t), 0);
	close(fd);
}

static void
clean_setup(void)
{
	scratch_make("debugcache");
	ck_assert_int_eq(mkdir(scratch_path("debug"), 0700), 0);
}

#define OLD_COPY	"debug/" ID_HEX ".debug"
#define NEW_COPY	"debug/0123456789abcdef.debug"
#define OLD_TMP		"debug/" ID_HEX ".debug.Ab12Cd"
#define NEW_TMP		"debug/0123456789abcdef.debug.Xy34Zw"

START_TEST(test_clean_old_entries)
{
	static const char *const foreign[] = {
		"debug/notes.txt", "debug/" ID_HEX ".debugx",
		"debug/" ID_HEX ".debug.toolong", "debug/ABCDEF.debug",
	};
	size_t i;

	make_aged(OLD_COPY, NOW - DEBUGCACHE_MAX_UNUSED - 1);
	make_aged(NEW_COPY, NOW - DEBUGCACHE_MAX_UNUSED + DAY);
	make_aged(OLD_TMP, NOW - DEBUGCACHE_MAX_TMP_AGE - 1);
	make_aged(NEW_TMP, NOW - 60);
	for (i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
		make_aged(foreign[i], NOW - 365 * DAY);
	debugcache_clean(scratch_path("debug"), NOW);
	ck_assert(!exists(scratch_path(OLD_COPY)));
	ck_assert(!exists(scratch_path(OLD_TMP)));
	ck_assert(exists(scratch_path(NEW_COPY)));
	ck_assert(exists(scratch_path(NEW_TMP)));
	for (i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
		ck_assert_msg(exists(scratch_path(foreign[i])),
		    "%s was removed", foreign[i]);
}
END_TEST

START_TEST(test_clean_once_a_day)
{
	struct stat st;

	make_aged(OLD_COPY, NOW - DEBUGCACHE_MAX_UNUSED - 1);
	make_aged("debug/cleaned", NOW - DEBUGCACHE_CLEAN_INTERVAL + 60);
	debugcache_clean(scratch_path("debug"), NOW);
	ck_assert(exists(scratch_path(OLD_COPY)));
	/* A day after the last upkeep, the next one runs and is stamped. */
	debugcache_clean(scratch_path("debug"), NOW + 60);
	ck_assert(!exists(scratch_path(OLD_COPY)));
	ck_assert_int_eq(stat(scratch_path("debug/cleaned"), &st), 0);
	ck_assert_int_eq(st.st_mtime, NOW + 60);
}
END_TEST

Suite *
make_debugcache_suite(void)
{
	Suite *s = suite_create("debugcache");
	TCase *tc;

	tc = tcase_create("Dir");
	tcase_add_test(tc, test_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("Copy");
	tcase_add_checked_fixture(tc, tmpdir_setup, scratch_remove);
	tcase_add_test(tc, test_copy_made_and_reused);
	tcase_add_test(tc, test_copy_truncated);
	tcase_add_test(tc, test_copy_wrong_id);
	tcase_add_test(tc, test_nothing_compressed);
	tcase_add_test(tc, test_skeleton_not_cached);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_dir_cannot_be_made);
	suite_add_tcase(s, tc);

	tc = tcase_create("Clean");
	tcase_add_checked_fixture(tc, clean_setup, scratch_remove);
	tcase_add_test(tc, test_clean_old_entries);
	tcase_add_test(tc, test_clean_once_a_day);
	suite_add_tcase(s, tc);
	return s;
}
