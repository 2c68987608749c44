/* SPDX-License-Identifier: MIT */
/*
 * raiser.c - libraiser.so, a malloc and free that sigreal links with,
 * found after the agent's: the real allocator as the agent sees it (its
 * dlsym(RTLD_NEXT) finds them), forwarding to glibc's.  Once the program sets raiser_armed (its
 * own, exported), each call counts, and
 *   every third raises SIGUSR1 first: the program's handler runs while
 *   the agent is inside the real call, and its allocations are the
 *   program's, to be counted;
 *   every fifth allocates and frees 7 bytes for itself through the public
 *   malloc and free, as an allocator may: its own business, never to be
 *   counted; on odd counts behind a 4 KiB frame, so that the agent cannot
 *   tell by the stack's depth alone that no signal frame lies between.
 * A program's handler that runs inside this malloc or free makes calls
 * that come here again; they count, but raise nothing.
 */
#include <signal.h>
#include <stddef.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);

void *malloc(size_t);
void free(void *);

extern volatile int raiser_armed __attribute__((weak));

static unsigned long calls;
static int raising, own;

__attribute__((noinline)) static void
business(void)
{
	free(malloc(7));
}

__attribute__((noinline)) static void
deep_business(void)
{
	volatile char pad[4096];

	memset((char *)pad, 1, sizeof pad);
	business();
	__asm__ volatile("" ::: "memory");	/* no tail call */
}

static void
step(void)
{
	unsigned long n;

	if (&raiser_armed == NULL || !raiser_armed || own)
		return;
	n = ++calls;
	if (n % 5 == 0) {
		own = 1;
		if (n % 2 != 0)
			deep_business();
		else
			business();
		own = 0;
	}
	if (n % 3 == 0 && !raising) {
		raising = 1;
		raise(SIGUSR1);
		raising = 0;
	}
}

void *
malloc(size_t n)
{
	step();
	return __libc_malloc(n);
}

void
free(void *p)
{
	step();
	__libc_free(p);
}
