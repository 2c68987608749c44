/* SPDX-License-Identifier: MIT */
/*
 * preflight.h - before `run` forks: refuse targets the agent cannot get
 * into, because the dynamic loader will not preload it there.
 */
#ifndef HEAPPROF_PREFLIGHT_H
#define HEAPPROF_PREFLIGHT_H

#include <sys/stat.h>
#include <sys/types.h>

/* Why a target cannot be profiled; PREFLIGHT_OK when nothing is known against it. */
enum preflight_verdict {
	PREFLIGHT_OK,
	PREFLIGHT_STATIC,	/* no PT_INTERP: ld.so never runs */
	PREFLIGHT_SETUID,	/* ld.so's secure mode ignores LD_PRELOAD */
	PREFLIGHT_SETGID,
	PREFLIGHT_CAPS,		/* file capabilities: secure mode too */
};

/* What an ELF file's program and dynamic headers say. */
struct preflight_elf {
	int has_interp;		/* PT_INTERP: ld.so loads it */
	int has_soname;		/* DT_SONAME: a shared object run as a program */
};

/*
 * The credentials `run` execs the target with, and whether the file's
 * set-id bits take effect (they do not on a nosuid mount).
 */
struct preflight_creds {
	uid_t ruid, euid;
	gid_t rgid;
	int nosuid;
	int has_caps;		/* the file has a security.capability xattr */
};

/*
 * The kernel's rule (AT_SECURE) for an exec of a file with stat `st` by a
 * process with credentials `cr`: secure when a set-id bit makes the
 * effective id differ from the real one (so even root is refused a program
 * set-user-ID to another user), or the file grants capabilities to a
 * process that does not hold them all already.  Pure, for the unit tests.
 */
enum preflight_verdict preflight_ids(const struct stat *st,
    const struct preflight_creds *cr);

/*
 * An ELF executable that ld.so does not load: no PT_INTERP.  The loader
 * itself (run as `ld.so PROGRAM`) has none either, but has a DT_SONAME,
 * and honours LD_PRELOAD.  Pure, for the unit tests.
 */
enum preflight_verdict preflight_elf(const struct preflight_elf *e);

/*
 * Read an open file's ELF headers into *e.  Returns 0, or -1 when the file
 * is not an ELF executable or shared object.
 */
int preflight_read_elf(int fd, struct preflight_elf *e);

/*
 * Check the program `run` is about to exec: `prog` as given, searched in
 * PATH as execvp does when it has no '/'; for a `#!` script, its
 * interpreter (one level).  Returns 0 when the target may be run (or
 * cannot be found or read: exec then says why), or -1 after printing one
 * error line that says why heapprof cannot profile it.
 */
int preflight_check(const char *prog);

#endif
