/* SPDX-License-Identifier: MIT */
/*
 * debugcache.c - decompressed copies of separate debug files, by build-id.
 *
 * Why a scratch Dwfl.  dwfl_standard_find_debuginfo (elfutils 0.188) does
 * more than return a descriptor: for a module with a build-id it opens the
 * file with libelf to check the note and leaves that Elf in the module,
 * and libdwfl then reads that Elf whatever descriptor the callback
 * returns.  So the standard look-up runs on a second module for the same
 * file, in a Dwfl of its own, only to learn which debug file it finds;
 * the real module gets the cache's descriptor or, when the cache does not
 * apply, a standard look-up of its own, exactly as without the cache.
 *
 * The scratch look-up goes through libdwfl's own call of the callback:
 * called directly on a module, dwfl_standard_find_debuginfo leaves the
 * module's descriptor field at 0, and dwfl_end then closes standard
 * input.  dwfl_module_getsymtab makes that call when the main file has no
 * .symtab, as stripped libraries have none; an object that keeps its
 * .symtab is not looked up there, so not cached: slower, never wrong.
 * The scratch look-up costs about 1 ms; libdw's decompression of glibc's
 * debug file, 60 to 70 ms.
 *
 * The copy is written as eu-elfcompress (elfutils src/elfcompress.c)
 * writes a decompressed file: a new ELF with the same headers, every
 * SHF_COMPRESSED section decompressed, the allocated sections at their
 * old offsets (the program headers point there) and the others laid out
 * after them.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debugcache.h"
#include "xmalloc.h"

/* Build-ids are 8 to 20 bytes; a longer note makes no file name. */
#define MAX_ID_LEN	64

char *
debugcache_dir(void)
{
	return debugcache_subdir("debug");
}

char *
debugcache_subdir(const char *name)
{
	const char *root = getenv("HEAPPROF_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	const char *base, *sub;
	char *dir;

	if (root != NULL) {
		if (root[0] == '\0')
			return NULL;	/* the way to turn the cache off */
		base = root;
		sub = "/";
	} else if (xdg != NULL && xdg[0] == '/') {
		base = xdg;	/* relative ones are to be ignored (XDG spec) */
		sub = "/heapprof/";
	} else if (home != NULL && home[0] == '/') {
		base = home;
		sub = "/.cache/heapprof/";
	} else {
		return NULL;
	}
	dir = xmalloc(strlen(base) + strlen(sub) + strlen(name) + 1);
	strcpy(dir, base);
	strcat(dir, sub);
	strcat(dir, name);
	return dir;
}

/*
 * scn's header as it is once decompressed: 1 when the section is
 * compressed now, 0 when not, -1 on error.
 */
static int
plain_shdr(Elf_Scn *scn, GElf_Shdr *sh)
{
	GElf_Chdr ch;

	if (gelf_getshdr(scn, sh) == NULL)
		return -1;
	if (!(sh->sh_flags & SHF_COMPRESSED))
		return 0;
	if (gelf_getchdr(scn, &ch) == NULL)
		return -1;
	sh->sh_flags &= ~(GElf_Xword)SHF_COMPRESSED;
	sh->sh_size = ch.ch_size;
	sh->sh_addralign = ch.ch_addralign;
	return 1;
}

/*
 * Is src worth a copy: a debug file of a loaded object with a compressed
 * section, small enough once decompressed, and not one whose DWARF
 * refers to other files relative to its own directory (a dwz alternate
 * file in .gnu_debugaltlink), which a copy elsewhere would not find.
 */
static int
cacheable(Elf *src)
{
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf_Scn *scn = NULL;
	const char *name;
	size_t shstrndx, total = 0;
	int c, ncompressed = 0;

	if (elf_kind(src) != ELF_K_ELF || gelf_getehdr(src, &eh) == NULL ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
	    elf_getshdrstrndx(src, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(src, scn)) != NULL) {
		if ((c = plain_shdr(scn, &sh)) < 0)
			return 0;
		/* The gABI forbids these compressed; libelf would not write them. */
		if (c && ((sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS))
			return 0;
		ncompressed += c;
		name = elf_strptr(src, shstrndx, sh.sh_name);
		if (name == NULL || strcmp(name, ".gnu_debugaltlink") == 0)
			return 0;
		if (sh.sh_type == SHT_NOBITS)
			continue;
		if (sh.sh_size > DEBUGCACHE_MAX_SIZE - total)
			return 0;
		total += sh.sh_size;
	}
	return ncompressed > 0;
}

/*
 * Is the file open on fd the decompressed copy of src: the same build-id
 * and every section header as src's once decompressed, with its data
 * inside the file.  libdw reaches the data only through these headers,
 * so a truncated or foreign file fails here.
 */
static int
is_copy_of(int fd, Elf *src, const unsigned char *id, size_t idlen)
{
	struct stat st;
	GElf_Ehdr a, b;
	GElf_Shdr x, y;
	const void *cid;
	size_t na, nb, sa, sb, i;
	Elf *e;
	int ok = 0;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((e = elf_begin(fd, ELF_C_READ_MMAP, NULL)) == NULL)
		return 0;
	if (elf_kind(e) != ELF_K_ELF || gelf_getclass(e) != gelf_getclass(src) ||
	    gelf_getehdr(src, &a) == NULL || gelf_getehdr(e, &b) == NULL ||
	    a.e_ident[EI_DATA] != b.e_ident[EI_DATA] ||
	    a.e_type != b.e_type || a.e_machine != b.e_machine ||
	    dwelf_elf_gnu_build_id(e, &cid) != (ssize_t)idlen ||
	    memcmp(cid, id, idlen) != 0 ||
	    elf_getshdrnum(src, &na) != 0 || elf_getshdrnum(e, &nb) != 0 ||
	    na != nb || elf_getshdrstrndx(src, &sa) != 0 ||
	    elf_getshdrstrndx(e, &sb) != 0 || sa != sb)
		goto out;
	for (i = 1; i < na; i++) {
		if (plain_shdr(elf_getscn(src, i), &x) < 0 ||
		    plain_shdr(elf_getscn(e, i), &y) != 0)
			goto out;
		if (x.sh_name != y.sh_name || x.sh_type != y.sh_type ||
		    x.sh_flags != y.sh_flags || x.sh_addr != y.sh_addr ||
		    x.sh_size != y.sh_size || x.sh_link != y.sh_link ||
		    x.sh_info != y.sh_info || x.sh_addralign != y.sh_addralign ||
		    x.sh_entsize != y.sh_entsize)
			goto out;
		if (y.sh_type != SHT_NOBITS &&
		    (y.sh_offset > (GElf_Off)st.st_size ||
		    y.sh_size > (GElf_Off)st.st_size - y.sh_offset))
			goto out;
	}
	ok = 1;
out:
	elf_end(e);
	return ok;
}

static int
open_copy(const char *path, Elf *src, const unsigned char *id, size_t idlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && !is_copy_of(fd, src, id, idlen)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Decompress every compressed section of src in memory. */
static int
decompress(Elf *src)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(src, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			return -1;
		if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
			return -1;
	}
	return 0;
}

/*
 * Split DWARF: libdw looks for a skeleton unit's .dwo file relative to the
 * directory of the file it opened before trying the compilation
 * directory, so a copy in the cache could find another file or none.
 * Such files, and files libdw cannot read, are not cached.
 */
static int
has_skeleton_units(Elf *src)
{
	Dwarf *dw = dwarf_begin_elf(src, DWARF_C_READ, NULL);
	Dwarf_CU *cu = NULL;
	uint8_t type;
	int found = 0;

	if (dw == NULL)
		return 1;
	while (!found &&
	    dwarf_get_units(dw, cu, &cu, NULL, &type, NULL, NULL) == 0)
		found = type == DW_UT_skeleton;
	dwarf_end(dw);
	return found;
}

/* e_shstrndx, or SHN_XINDEX and section 0's sh_link from SHN_LORESERVE. */
static int
set_shstrndx(Elf *out, size_t ndx)
{
	GElf_Ehdr eh;
	GElf_Shdr zero;
	Elf_Scn *scn;

	if (gelf_getehdr(out, &eh) == NULL)
		return -1;
	if (ndx < SHN_LORESERVE) {
		eh.e_shstrndx = (GElf_Half)ndx;
	} else {
		eh.e_shstrndx = SHN_XINDEX;
		scn = elf_getscn(out, 0);
		if (gelf_getshdr(scn, &zero) == NULL)
			return -1;
		zero.sh_link = (GElf_Word)ndx;
		if (gelf_update_shdr(scn, &zero) == 0)
			return -1;
	}
	return gelf_update_ehdr(out, &eh) != 0 ? 0 : -1;
}

static GElf_Off
align_up(GElf_Off off, GElf_Xword align)
{
	return align > 1 ? (off + align - 1) / align * align : off;
}

/*
 * Write src, already decompressed, to out_fd.  With program headers the
 * layout is ours (ELF_F_LAYOUT): allocated sections stay where the program
 * headers say they are, the rest follow the last of them, and the section
 * headers come last.  Without, libelf lays the file out.
 */
static int
write_elf(Elf *src, int out_fd)
{
	Elf *out;
	Elf_Scn *scn = NULL, *nscn;
	Elf_Data *data, *ndata;
	GElf_Ehdr eh, neh;
	GElf_Phdr ph;
	GElf_Shdr sh;
	GElf_Off last = 0, end;
	size_t phnum, shstrndx, i;
	int ret = -1;

	if (gelf_getehdr(src, &eh) == NULL || elf_getphdrnum(src, &phnum) != 0 ||
	    elf_getshdrstrndx(src, &shstrndx) != 0)
		return -1;
	if ((out = elf_begin(out_fd, ELF_C_WRITE, NULL)) == NULL)
		return -1;
	if (gelf_newehdr(out, gelf_getclass(src)) == 0 ||
	    gelf_getehdr(out, &neh) == NULL)
		goto out;
	neh.e_ident[EI_DATA] = eh.e_ident[EI_DATA];
	neh.e_ident[EI_OSABI] = eh.e_ident[EI_OSABI];
	neh.e_ident[EI_ABIVERSION] = eh.e_ident[EI_ABIVERSION];
	neh.e_type = eh.e_type;
	neh.e_machine = eh.e_machine;
	neh.e_version = eh.e_version;
	neh.e_entry = eh.e_entry;
	neh.e_flags = eh.e_flags;
	if (gelf_update_ehdr(out, &neh) == 0)
		goto out;
	if (phnum != 0) {
		if (gelf_newphdr(out, phnum) == 0)
			goto out;
		for (i = 0; i < phnum; i++)
			if (gelf_getphdr(src, (int)i, &ph) == NULL ||
			    gelf_update_phdr(out, (int)i, &ph) == 0)
				goto out;
		last = eh.e_phoff + gelf_fsize(src, ELF_T_PHDR, phnum,
		    EV_CURRENT);
	}
	while ((scn = elf_nextscn(src, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			goto out;
		end = sh.sh_offset + (sh.sh_type != SHT_NOBITS ? sh.sh_size : 0);
		if ((sh.sh_flags & SHF_ALLOC) && end > last)
			last = end;
		if ((nscn = elf_newscn(out)) == NULL ||
		    gelf_update_shdr(nscn, &sh) == 0 ||
		    (data = elf_getdata(scn, NULL)) == NULL ||
		    (ndata = elf_newdata(nscn)) == NULL)
			goto out;
		*ndata = *data;	/* the buffer stays src's, alive until elf_end */
	}
	if (set_shstrndx(out, shstrndx) != 0)
		goto out;
	if (phnum != 0) {
		for (nscn = NULL; (nscn = elf_nextscn(out, nscn)) != NULL;) {
			if (gelf_getshdr(nscn, &sh) == NULL)
				goto out;
			if (sh.sh_flags & SHF_ALLOC)
				continue;
			last = align_up(last, sh.sh_addralign);
			sh.sh_offset = last;
			if (sh.sh_type != SHT_NOBITS)
				last += sh.sh_size;
			if (gelf_update_shdr(nscn, &sh) == 0)
				goto out;
		}
		if (gelf_getehdr(out, &neh) == NULL)
			goto out;
		neh.e_shoff = align_up(last, gelf_fsize(out, ELF_T_OFF, 1,
		    EV_CURRENT));
		neh.e_phoff = eh.e_phoff;
		if (gelf_update_ehdr(out, &neh) == 0)
			goto out;
		elf_flagelf(out, ELF_C_SET, ELF_F_LAYOUT);
	}
	if (elf_update(out, ELF_C_WRITE) >= 0)
		ret = 0;
out:
	elf_end(out);
	return ret;
}

int
debugcache_make_dirs(const char *dir)
{
	char *p = xstrdup(dir), *s;
	int ret = 0;

	for (s = p + 1; ret == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST)
				ret = -1;
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	return ret;
}

/*
 * Make path, the copy of src, in dir.  It is written to a temporary file
 * in the same directory and renamed into place, so that a concurrent run
 * sees the whole file or none; a run killed while writing leaves a
 * path.XXXXXX file behind, never a partial path.  The temporary file comes
 * first, so that a directory that cannot be written costs no
 * decompression.
 */
static int
create(const char *dir, const char *path, Elf *src)
{
	char *tmp = xmalloc(strlen(path) + sizeof ".XXXXXX");
	int fd, ret = -1;

	strcpy(tmp, path);
	strcat(tmp, ".XXXXXX");
	if (debugcache_make_dirs(dir) != 0 || (fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		free(tmp);
		return -1;
	}
	if (decompress(src) == 0 && !has_skeleton_units(src) &&
	    write_elf(src, fd) == 0 && rename(tmp, path) == 0)
		ret = 0;
	else
		unlink(tmp);
	close(fd);
	free(tmp);
	return ret;
}

int
debugcache_open(const char *dir, int fd, const unsigned char *id,
    size_t idlen)
{
	static const char hex[] = "0123456789abcdef";
	const void *sid;
	char *path, *p;
	Elf *src;
	size_t i;
	int cfd = -1;

	if (idlen == 0 || idlen > MAX_ID_LEN)
		return -1;
	elf_version(EV_CURRENT);
	/* Private: decompressing rewrites section headers in the mapping. */
	if ((src = elf_begin(fd, ELF_C_READ_MMAP_PRIVATE, NULL)) == NULL)
		return -1;
	if (dwelf_elf_gnu_build_id(src, &sid) != (ssize_t)idlen ||
	    memcmp(sid, id, idlen) != 0 || !cacheable(src)) {
		elf_end(src);
		return -1;
	}
	path = xmalloc(strlen(dir) + 2 * idlen + sizeof "/.debug");
	p = path + sprintf(path, "%s/", dir);
	for (i = 0; i < idlen; i++) {
		*p++ = hex[id[i] >> 4];
		*p++ = hex[id[i] & 0xf];
	}
	strcpy(p, ".debug");
	cfd = open_copy(path, src, id, idlen);
	if (cfd >= 0)
		futimens(cfd, NULL);	/* its last use, for debugcache_clean */
	else if (create(dir, path, src) == 0)
		cfd = open_copy(path, src, id, idlen);
	free(path);
	elf_end(src);
	return cfd;
}

/*
 * What kind of name the cache made: 1 for a copy (hex digits, ".debug"),
 * 2 for create()'s temporary file (a copy's name and ".XXXXXX"), 0 for
 * anything else.
 */
static int
cache_name_kind(const char *name)
{
	size_t hex = strspn(name, "0123456789abcdef");
	const char *rest = name + hex;

	if (hex < 2 || hex > 2 * MAX_ID_LEN || strncmp(rest, ".debug", 6) != 0)
		return 0;
	rest += 6;
	if (*rest == '\0')
		return 1;
	return rest[0] == '.' && strlen(rest + 1) == 6 ? 2 : 0;
}

void
debugcache_clean_dir(const char *dir, time_t now, int (*kind_of)(const char *),
    void (*kept)(void *, const char *, const struct stat *), void *arg)
{
	char *stamp = xmalloc(strlen(dir) + sizeof "/cleaned");
	struct dirent *de;
	struct stat st;
	DIR *d;
	int kind, fd;

	sprintf(stamp, "%s/cleaned", dir);
	if ((stat(stamp, &st) == 0 &&
	    now - st.st_mtime < DEBUGCACHE_CLEAN_INTERVAL &&
	    st.st_mtime <= now) || (d = opendir(dir)) == NULL) {
		free(stamp);
		return;
	}
	/* Stamped first, so that runs started meanwhile do not scan too. */
	if ((fd = open(stamp, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0) {
		futimens(fd, (struct timespec[2]){ { now, 0 }, { now, 0 } });
		close(fd);
	}
	free(stamp);
	/*
	 * readdir_r, which cppcheck asks for, is deprecated (glibc 2.24):
	 * readdir is safe on a stream no other thread reads.
	 */
	/* cppcheck-suppress readdirCalled */
	while ((de = readdir(d)) != NULL) {
		kind = kind_of(de->d_name);
		if (kind == 0 || fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (now - st.st_mtime > (kind == 1 ? DEBUGCACHE_MAX_UNUSED :
		    DEBUGCACHE_MAX_TMP_AGE))
			unlinkat(dirfd(d), de->d_name, 0);
		else if (kind == 1 && kept != NULL)
			kept(arg, de->d_name, &st);
	}
	closedir(d);
}

void
debugcache_clean(const char *dir, time_t now)
{
	debugcache_clean_dir(dir, now, cache_name_kind, NULL, NULL);
}

/* What the scratch module's look-up found: a descriptor of ours, a name. */
struct found {
	int fd;
	char *name;
};

static int
record_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr base, const char *file_name, const char *debuglink_file,
    GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	struct found *f = *userdata;
	int fd;

	fd = dwfl_standard_find_debuginfo(mod, userdata, modname, base,
	    file_name, debuglink_file, debuglink_crc, debuginfo_file_name);
	if (fd >= 0 && f->fd < 0 && *debuginfo_file_name != NULL) {
		f->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (f->fd >= 0)
			f->name = xstrdup(*debuginfo_file_name);
	}
	return fd;
}

/*
 * The file dwfl_standard_find_debuginfo finds for the object at
 * file_name: a descriptor and, in *name, its path (caller frees both), or
 * -1.  The scratch Dwfl has libdw's default debuginfo_path, as
 * symbolize.c's has.
 */
static int
standard_lookup(const char *modname, const char *file_name, char **name)
{
	static char *debuginfo_path;
	static const Dwfl_Callbacks callbacks = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = record_debuginfo,
		.section_address = dwfl_offline_section_address,
		.debuginfo_path = &debuginfo_path,
	};
	struct found f = { -1, NULL };
	Dwfl *dwfl = dwfl_begin(&callbacks);
	Dwfl_Module *m;
	void **userdata;

	if (dwfl == NULL)
		return -1;
	dwfl_report_begin(dwfl);
	m = dwfl_report_offline(dwfl, modname, file_name, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (m != NULL) {
		dwfl_module_info(m, &userdata, NULL, NULL, NULL, NULL, NULL,
		    NULL);
		*userdata = &f;
		dwfl_module_getsymtab(m);
	}
	dwfl_end(dwfl);
	*name = f.name;
	return f.fd;
}

/*
 * libdwfl asks for the module's separate debug file with the main file's
 * name and .gnu_debuglink, and later, for a dwz alternate file, with the
 * name of the file holding the DWARF and its .gnu_debugaltlink: only the
 * first is cached.
 */
static int
is_main_lookup(Dwfl_Module *mod, const char *file_name, const char *link,
    GElf_Word crc)
{
	const char *main_name = NULL, *main_link;
	GElf_Word main_crc = 0;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);

	dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &main_name, NULL);
	if (elf == NULL || main_name == NULL || file_name == NULL ||
	    strcmp(main_name, file_name) != 0)
		return 0;
	main_link = dwelf_elf_gnu_debuglink(elf, &main_crc);
	if (main_link == NULL || link == NULL)
		return main_link == link;
	return strcmp(main_link, link) == 0 && main_crc == crc;
}

int
debugcache_find_debuginfo(Dwfl_Module *mod, void **userdata,
    const char *modname, Dwarf_Addr base, const char *file_name,
    const char *debuglink_file, GElf_Word debuglink_crc,
    char **debuginfo_file_name)
{
	static int cleaned;
	const unsigned char *id;
	GElf_Addr vaddr;
	char *dir, *name = NULL;
	int idlen, fd, cfd = -1;

	idlen = dwfl_module_build_id(mod, &id, &vaddr);
	if (idlen > 0 &&
	    is_main_lookup(mod, file_name, debuglink_file, debuglink_crc) &&
	    (dir = debugcache_dir()) != NULL) {
		if (!cleaned) {
			debugcache_clean(dir, time(NULL));
			cleaned = 1;
		}
		fd = standard_lookup(modname, file_name, &name);
		if (fd >= 0) {
			cfd = debugcache_open(dir, fd, id, (size_t)idlen);
			close(fd);
		}
		free(dir);
		if (cfd >= 0) {
			/* The name stays the one the look-up found. */
			*debuginfo_file_name = name;
			return cfd;
		}
		free(name);
	}
	return dwfl_standard_find_debuginfo(mod, userdata, modname, base,
	    file_name, debuglink_file, debuglink_crc, debuginfo_file_name);
}
