/* SPDX-License-Identifier: MIT */
/*
 * unwind-io.c - libunwind without file descriptors.
 *
 * Stepping a frame that has no unwind information, libunwind (x86_64,
 * 1.6 and later) checks that an address is readable before it loads from
 * it, by writing one byte from there into a pipe it keeps open: two
 * descriptors in the program.  A program that closes the descriptors it
 * did not open and opens its own files gets them at those numbers, and
 * libunwind then reads, writes and closes the program's files.
 *
 * libunwind is loaded only in checking mode (unwind-check.c), with
 * dlopen, so its calls cannot be redirected at link time; once it is
 * loaded, before it makes its pipe, the agent rewrites libunwind's own
 * imports of pipe, pipe2, read, write, close, fcntl and syscall (the GOT
 * slots of that one object) to the functions below.  A pipe is then two
 * numbers no descriptor can have: reading one finds an empty pipe, and
 * writing to the other checks the source with process_vm_readv on this
 * process, which fails with EFAULT where write would.  Other descriptors
 * pass straight through, and nothing changes for anyone but libunwind.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "agent.h"

/* Negative, and not -1 (libunwind's "no pipe"): never a descriptor. */
#define FAKE_READ	(-0x4850)
#define FAKE_WRITE	(-0x4851)
#define IS_FAKE(fd)	((fd) == FAKE_READ || (fd) == FAKE_WRITE)

#if defined(__x86_64__)
#define R_JUMP_SLOT	R_X86_64_JUMP_SLOT
#define R_GLOB_DAT	R_X86_64_GLOB_DAT
#elif defined(__aarch64__)
#define R_JUMP_SLOT	R_AARCH64_JUMP_SLOT
#define R_GLOB_DAT	R_AARCH64_GLOB_DAT
#else
#define R_JUMP_SLOT	(-1)		/* unknown here: nothing is patched */
#define R_GLOB_DAT	(-1)
#endif

/* write(2) from [buf, buf + n), without a descriptor to write to. */
static ssize_t
probe(const void *buf, size_t n)
{
	char copy[64];
	struct iovec local, remote;
	ssize_t got;

	if (n > sizeof copy)
		n = sizeof copy;
	local.iov_base = copy;
	local.iov_len = n;
	remote.iov_base = (void *)(uintptr_t)buf;
	remote.iov_len = n;
	got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (got <= 0) {
		/* Also where the call is refused: the unwinder stops there. */
		errno = EFAULT;
		return -1;
	}
	return got;
}

static int
io_pipe(int fds[2])
{
	fds[0] = FAKE_READ;
	fds[1] = FAKE_WRITE;
	return 0;
}

static int
io_pipe2(int fds[2], int flags)
{
	(void)flags;
	return io_pipe(fds);
}

static ssize_t
io_read(int fd, void *buf, size_t n)
{
	if (IS_FAKE(fd)) {
		errno = EAGAIN;		/* an empty non-blocking pipe */
		return -1;
	}
	return read(fd, buf, n);
}

static ssize_t
io_write(int fd, const void *buf, size_t n)
{
	if (IS_FAKE(fd))
		return probe(buf, n);
	return write(fd, buf, n);
}

static int
io_close(int fd)
{
	if (IS_FAKE(fd))
		return 0;
	return close(fd);
}

static int
io_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	if (!IS_FAKE(fd))
		return fcntl(fd, cmd, arg);
	switch (cmd) {
	case F_GETFD:
		return FD_CLOEXEC;
	case F_GETFL:
		return O_NONBLOCK | (fd == FAKE_READ ? O_RDONLY : O_WRONLY);
	default:
		return 0;
	}
}

static long
io_syscall(long nr, ...)
{
	va_list ap;
	long a[6];
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	/* An int argument: the register's upper half may be anything. */
	if (IS_FAKE((int)a[0])) {
		switch (nr) {
		case SYS_write:
			return probe((const void *)a[1], (size_t)a[2]);
		case SYS_read:
			return io_read((int)a[0], (void *)a[1], (size_t)a[2]);
		case SYS_close:
			return 0;
		}
	}
#ifdef SYS_pipe
	if (nr == SYS_pipe)
		return io_pipe((int *)a[0]);
#endif
	if (nr == SYS_pipe2)
		return io_pipe((int *)a[0]);
	return syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static const struct {
	const char *name;
	void *fn;
} replaced[] = {
	{ "pipe", (void *)io_pipe },
	{ "pipe2", (void *)io_pipe2 },
	{ "read", (void *)io_read },
	{ "write", (void *)io_write },
	{ "close", (void *)io_close },
	{ "fcntl", (void *)io_fcntl },
	{ "syscall", (void *)io_syscall },
};

struct object {
	uintptr_t inside;		/* an address in the object sought */
	uintptr_t self;			/* one in the agent */
	int has_self;			/* the object is the agent */
	ElfW(Addr) base;
	const ElfW(Dyn) *dyn;
	uintptr_t relro_lo, relro_hi;
	int found;
};

static int
find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct object *o = arg;
	const ElfW(Phdr) *ph;
	uintptr_t lo;
	int k, inside = 0, self = 0;

	(void)size;
	for (k = 0; k < info->dlpi_phnum; k++) {
		ph = &info->dlpi_phdr[k];
		lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && o->inside >= lo &&
		    o->inside < lo + ph->p_memsz)
			inside = 1;
		if (ph->p_type == PT_LOAD && o->self >= lo &&
		    o->self < lo + ph->p_memsz)
			self = 1;
	}
	if (!inside)
		return 0;
	o->base = info->dlpi_addr;
	o->has_self = self;
	for (k = 0; k < info->dlpi_phnum; k++) {
		ph = &info->dlpi_phdr[k];
		lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_DYNAMIC)
			o->dyn = (const ElfW(Dyn) *)lo;
		else if (ph->p_type == PT_GNU_RELRO) {
			o->relro_lo = lo;
			o->relro_hi = lo + ph->p_memsz;
		}
	}
	o->found = 1;
	return 1;
}

/* ld.so has relocated most of these in place; not every one does. */
static uintptr_t
dyn_ptr(const struct object *o, ElfW(Addr) v)
{
	return v < o->base ? o->base + v : v;
}

static void
set_slot(const struct object *o, void **slot, void *fn)
{
	long pagesz = sysconf(_SC_PAGESIZE);
	uintptr_t page = (uintptr_t)slot & ~((uintptr_t)pagesz - 1);
	int relro = (uintptr_t)slot >= o->relro_lo &&
	    (uintptr_t)slot < o->relro_hi;

	if (relro && mprotect((void *)page, (size_t)pagesz,
	    PROT_READ | PROT_WRITE) == -1)
		return;
	__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	if (relro)
		mprotect((void *)page, (size_t)pagesz, PROT_READ);
}

static void
patch_relocs(const struct object *o, const ElfW(Rela) *r, size_t bytes,
    const ElfW(Sym) *symtab, const char *strtab)
{
	const ElfW(Rela) *end = (const ElfW(Rela) *)(const void *)
	    ((const char *)r + bytes);
	const char *name;
	size_t k;

	for (; r < end; r++) {
		if (ELF64_R_TYPE(r->r_info) != R_JUMP_SLOT &&
		    ELF64_R_TYPE(r->r_info) != R_GLOB_DAT)
			continue;
		name = strtab + symtab[ELF64_R_SYM(r->r_info)].st_name;
		for (k = 0; k < sizeof replaced / sizeof replaced[0]; k++)
			if (strcmp(name, replaced[k].name) == 0)
				set_slot(o, (void **)(o->base + r->r_offset),
				    replaced[k].fn);
	}
}

int
unwind_io_init(const void *inside)
{
	struct object o = {
		.inside = (uintptr_t)inside,
		.self = (uintptr_t)(void *)&unwind_io_init,
	};
	const ElfW(Rela) *jmprel = NULL, *rela = NULL;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const ElfW(Dyn) *d;
	size_t jmpsz = 0, relasz = 0;
	int rel_is_rela = 1;

	dl_iterate_phdr(find_object, &o);
	if (!o.found || o.dyn == NULL)
		return -1;
	/* Linked in statically: the functions above would call themselves. */
	if (o.has_self)
		return -1;
	for (d = o.dyn; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_SYMTAB:
			symtab = (const ElfW(Sym) *)dyn_ptr(&o, d->d_un.d_ptr);
			break;
		case DT_STRTAB:
			strtab = (const char *)dyn_ptr(&o, d->d_un.d_ptr);
			break;
		case DT_JMPREL:
			jmprel = (const ElfW(Rela) *)dyn_ptr(&o, d->d_un.d_ptr);
			break;
		case DT_PLTRELSZ:
			jmpsz = d->d_un.d_val;
			break;
		case DT_PLTREL:
			rel_is_rela = d->d_un.d_val == DT_RELA;
			break;
		case DT_RELA:
			rela = (const ElfW(Rela) *)dyn_ptr(&o, d->d_un.d_ptr);
			break;
		case DT_RELASZ:
			relasz = d->d_un.d_val;
			break;
		}
	}
	if (symtab == NULL || strtab == NULL || !rel_is_rela)
		return -1;
	if (jmprel != NULL)
		patch_relocs(&o, jmprel, jmpsz, symtab, strtab);
	if (rela != NULL)
		patch_relocs(&o, rela, relasz, symtab, strtab);
	return 0;
}
