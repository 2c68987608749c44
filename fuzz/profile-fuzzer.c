/* SPDX-License-Identifier: MIT */
/*
 * profile-fuzzer.c - libFuzzer target: profile_read on any bytes, then
 * every report format on what loads.
 *
 * The reader is fed through a memfd, the way `heapprof report` reads a
 * regular file, so the path under test is the real one.  A loaded profile
 * is written by each format to /dev/null, and checked against a budget:
 * an index that the reader let through but a view trusts would crash
 * there.
 *
 * Random bytes rarely survive zlib's Adler-32, so most mutations of a
 * version 3+ file stop at inflate.  A header whose compression field is 0
 * (no method the writer uses) is taken as "the rest is the body,
 * uncompressed": the harness deflates it and fixes the header's lengths,
 * so the mutations reach the decoder.  fuzz/README says how to run it.
 */
#define _GNU_SOURCE
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "profile.h"
#include "report.h"
#include "tiers.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define HEADER_LEN	32

/* The most a pipe holds (/proc/sys/fs/pipe-max-size's default). */
#define PIPE_MAX	(1 << 20)

static int memfd = -1;
static char path[64];
static FILE *devnull;
static struct tiers tiers;	/* main:bytes<=1K,blocks<3 */

/* The input as heapprof would see it: a body given raw gets deflated. */
static void
put_input(const uint8_t *data, size_t size)
{
	uint32_t version, method;
	uint64_t blen, zlen;
	unsigned char *z = NULL;
	uLongf n;

	if (ftruncate(memfd, 0) == -1)
		abort();
	if (size >= HEADER_LEN && memcmp(data, "HEAPPROF", 8) == 0) {
		memcpy(&version, data + 8, 4);
		memcpy(&method, data + 12, 4);
		if (version >= 3 && method == 0) {
			blen = size - HEADER_LEN;
			n = compressBound(blen);
			z = malloc(n);
			if (z == NULL || compress(z, &n, data + HEADER_LEN,
			    blen) != Z_OK)
				abort();
			zlen = n;
			method = 1;
			if (pwrite(memfd, data, 12, 0) != 12 ||
			    pwrite(memfd, &method, 4, 12) != 4 ||
			    pwrite(memfd, &blen, 8, 16) != 8 ||
			    pwrite(memfd, &zlen, 8, 24) != 8 ||
			    pwrite(memfd, z, n, HEADER_LEN) != (ssize_t)n)
				abort();
			free(z);
			return;
		}
	}
	if (size > 0 && pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
}

/*
 * With FUZZ_SAVE=FILE, the input as heapprof reads it is also written to
 * FILE: a found input whose body was given raw becomes a profile for
 * tests/fuzz-regress.
 */
static void
save_input(const char *to)
{
	static unsigned char buf[1 << 20];
	ssize_t n = pread(memfd, buf, sizeof buf, 0);
	FILE *f = fopen(to, "w");

	if (n == -1 || f == NULL || fwrite(buf, 1, (size_t)n, f) != (size_t)n ||
	    fclose(f) == EOF)
		abort();
}

/*
 * Or the same through a pipe, as `heapprof report - <x.data` reads it:
 * the streaming path, where no file size bounds the header's lengths.
 * Returns the pipe's read end (path names it), or -1: the memfd, when
 * the input is more than a pipe holds.
 */
static int
put_pipe(void)
{
	static unsigned char buf[PIPE_MAX];
	int fds[2];
	off_t n = lseek(memfd, 0, SEEK_END);

	if (n > PIPE_MAX || pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if (fcntl(fds[1], F_SETPIPE_SZ, PIPE_MAX) < n ||
	    pread(memfd, buf, (size_t)n, 0) != n ||
	    write(fds[1], buf, (size_t)n) != n) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[1]);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
	return fds[0];
}

/*
 * A budget says on stderr when main is not in the profile: most inputs.
 * That line goes to /dev/null while the budgets are checked (a crash's
 * report there too: replay the input to see it).
 */
static int
quiet(void)
{
	int fd = dup(STDERR_FILENO);

	if (fd == -1 || dup2(fileno(devnull), STDERR_FILENO) == -1)
		abort();
	return fd;
}

static void
loud(int fd)
{
	if (dup2(fd, STDERR_FILENO) == -1)
		abort();
	close(fd);
}

/*
 * Every format, with options picked by the input's size, and the budgets
 * of main in text and in markdown (which checks them in its tables), as
 * report allows them.
 */
static void
write_reports(const struct profile *p, size_t size)
{
	const struct formatter *f;
	struct report_opts o;
	int budgets, fd;

	for (f = formatters; f->name != NULL; f++) {
		memset(&o, 0, sizeof o);
		o.file = "fuzz.data";
		o.ad_hoc = p->mode == PROF_MODE_AD_HOC;
		if (o.ad_hoc && !(f->flags & FMT_AD_HOC))
			continue;
		o.sort = sort_key_default(o.ad_hoc);
		o.top = size % 3;
		o.depth = size % 5;
		o.group_by = size & 8 ? GROUP_FUNCTION : GROUP_STACK;
		o.show_all_frames = (size & 16) != 0;
		o.show_alloc_frames = (size & 32) != 0;
		o.percentiles = (size & 64) != 0;
		o.as_dhat = !o.percentiles && (size & 128) != 0;
		o.exact_bytes = (size & 256) != 0;
		budgets = !o.ad_hoc && !o.as_dhat && !(f->flags & FMT_TIERS &&
		    o.group_by == GROUP_FUNCTION);
		if (budgets && f->flags & FMT_TIERS)
			o.tiers = &tiers;
		fd = o.tiers != NULL ? quiet() : -1;
		f->write(devnull, p, &o);
		if (fd != -1)
			loud(fd);
		if (budgets && strcmp(f->name, "text") == 0) {
			fd = quiet();
			tiers_check(&tiers, p, devnull);
			loud(fd);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p;
	char err[256];
	int fd, rc;

	if (memfd == -1) {
		memfd = memfd_create("fuzz.data", MFD_CLOEXEC);
		devnull = fopen("/dev/null", "w");
		if (memfd == -1 || devnull == NULL)
			abort();
		tiers_init(&tiers);
		if (tiers_add(&tiers, NULL, "main:bytes<=1K,blocks<3", err,
		    sizeof err) == -1)
			abort();
	}
	put_input(data, size);
	if (getenv("FUZZ_SAVE") != NULL)
		save_input(getenv("FUZZ_SAVE"));
	snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	fd = size & 512 ? put_pipe() : -1;
	rc = profile_read(&p, path, err, sizeof err);
	if (fd != -1)
		close(fd);
	if (rc == -1) {
		/* One line, as heapprof prints it. */
		if (strchr(err, '\n') != NULL || err[0] == '\0')
			abort();
		return 0;
	}
	write_reports(&p, size);
	profile_release(&p);
	return 0;
}
