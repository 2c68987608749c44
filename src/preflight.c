/* SPDX-License-Identifier: MIT */
/*
 * preflight.c - refuse, before forking, the targets where LD_PRELOAD
 * cannot work, with one line saying why; otherwise such a run "succeeds"
 * with an empty profile, which looks like a program that never allocates.
 *
 * Only what is certain is refused.  A file that cannot be found, read or
 * recognised is let through: exec then fails as it would without
 * heapprof, with the shell's status.
 */
#include "config.h"

#include <errno.h>
#include <error.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "preflight.h"
#include "xmalloc.h"

enum preflight_verdict
preflight_ids(const struct stat *st, const struct preflight_creds *cr)
{
	if (cr->nosuid)
		return PREFLIGHT_OK;
	/* The exec leaves the effective id at the owner's, the real one as it was. */
	if ((st->st_mode & S_ISUID) && st->st_uid != cr->ruid)
		return PREFLIGHT_SETUID;
	/* Set-group-ID without group execute is mandatory locking. */
	if ((st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
	    st->st_gid != cr->rgid)
		return PREFLIGHT_SETGID;
	/* root holds every capability already: nothing is gained. */
	if (cr->has_caps && cr->euid != 0)
		return PREFLIGHT_CAPS;
	return PREFLIGHT_OK;
}

enum preflight_verdict
preflight_elf(const struct preflight_elf *e)
{
	return e->has_interp || e->has_soname ? PREFLIGHT_OK : PREFLIGHT_STATIC;
}

static int
has_soname(Elf *elf, const GElf_Phdr *dyn)
{
	Elf_Data *data;
	GElf_Dyn d;
	size_t i, n;

	data = elf_getdata_rawchunk(elf, dyn->p_offset, dyn->p_filesz,
	    ELF_T_DYN);
	if (data == NULL)
		return 0;
	n = dyn->p_filesz / gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
	for (i = 0; i < n && gelf_getdyn(data, (int)i, &d) != NULL; i++) {
		if (d.d_tag == DT_SONAME)
			return 1;
		if (d.d_tag == DT_NULL)
			break;
	}
	return 0;
}

int
preflight_read_elf(int fd, struct preflight_elf *e)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t i, n;
	Elf *elf;
	int rc = -1;

	memset(e, 0, sizeof *e);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf == NULL)
		return -1;
	if (elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &eh) == NULL ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
	    elf_getphdrnum(elf, &n) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(elf, (int)i, &ph) == NULL)
			goto out;
		if (ph.p_type == PT_INTERP)
			e->has_interp = 1;
		else if (ph.p_type == PT_DYNAMIC && has_soname(elf, &ph))
			e->has_soname = 1;
	}
	rc = 0;
out:
	elf_end(elf);
	return rc;
}

/* execvp's search: the first executable regular file in PATH. */
static char *
search_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;
	char *cand;
	size_t dlen;

	if (strchr(prog, '/') != NULL)
		return xstrdup(prog);
	if (path == NULL)
		path = "/bin:/usr/bin";	/* glibc's default */
	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		dlen = (size_t)(end - p);
		cand = xmalloc(dlen + strlen(prog) + 3);
		if (dlen == 0)
			strcpy(cand, "./");	/* an empty entry is "." */
		else
			sprintf(cand, "%.*s/", (int)dlen, p);
		strcat(cand, prog);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (*end == '\0')
			return NULL;
	}
}

static void
read_creds(const char *path, int fd, struct preflight_creds *cr)
{
	struct statvfs vfs;

	cr->ruid = getuid();
	cr->euid = geteuid();
	cr->rgid = getgid();
	cr->nosuid = fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOSUID);
	cr->has_caps = getxattr(path, "security.capability", NULL, 0) > 0;
}

/*
 * The interpreter of a `#!` script, as the kernel reads it: the first word
 * after "#!" on the first line.  NULL if fd is not such a script.
 */
static char *
script_interpreter(int fd)
{
	char buf[256], *p, *end;
	ssize_t n;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return NULL;
	buf[n] = '\0';
	p = buf + 2 + strspn(buf + 2, " \t");
	end = p + strcspn(p, " \t\n");
	if (end == p)
		return NULL;
	*end = '\0';
	return xstrdup(p);
}

static const char *
reason(enum preflight_verdict v)
{
	switch (v) {
	case PREFLIGHT_STATIC:
		return "statically linked, so no dynamic loader runs to "
		    "preload the agent";
	case PREFLIGHT_SETUID:
		return "setuid, and the dynamic loader ignores LD_PRELOAD for it";
	case PREFLIGHT_SETGID:
		return "setgid, and the dynamic loader ignores LD_PRELOAD for it";
	case PREFLIGHT_CAPS:
		return "given capabilities by the file, and the dynamic loader "
		    "ignores LD_PRELOAD for it";
	case PREFLIGHT_OK:
		break;
	}
	return "";
}

/*
 * Check one file; `script` is the script that names it as its
 * interpreter, or NULL.  Returns 0 or -1 as preflight_check.
 */
static int
check_file(const char *prog, const char *path, const char *script)
{
	enum preflight_verdict v = PREFLIGHT_OK;
	struct preflight_creds cr;
	struct preflight_elf e;
	struct stat st;
	char *interp;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		goto out;
	read_creds(path, fd, &cr);
	v = preflight_ids(&st, &cr);
	if (v == PREFLIGHT_OK && preflight_read_elf(fd, &e) == 0)
		v = preflight_elf(&e);
	else if (v == PREFLIGHT_OK && script == NULL &&
	    (interp = script_interpreter(fd)) != NULL) {
		rc = check_file(prog, interp, path);
		free(interp);
	}
	if (v == PREFLIGHT_OK)
		goto out;
	if (script != NULL)
		error(0, 0, "cannot profile '%s': its interpreter '%s' is %s",
		    prog, path, reason(v));
	else
		error(0, 0, "cannot profile '%s': it is %s", prog, reason(v));
	rc = -1;
out:
	close(fd);
	return rc;
}

int
preflight_check(const char *prog)
{
	char *path = search_path(prog);
	int rc;

	if (path == NULL)
		return 0;
	rc = check_file(prog, path, NULL);
	free(path);
	return rc;
}
