/* SPDX-License-Identifier: MIT */
/*
 * nocfi.c - functions without unwind information (built with
 * -fno-asynchronous-unwind-tables -fno-unwind-tables), for the tests that
 * need an unwinder to step frames by their frame pointers, as libunwind
 * then does with its checks of which addresses are readable.
 */
#include <stdlib.h>

#include "nocfi.h"

__attribute__((noinline)) static void *
nocfi_inner(size_t n)
{
	void *p = malloc(n);

	__asm__ volatile("" ::: "memory");	/* no tail call */
	return p;
}

__attribute__((noinline)) void *
nocfi_alloc(size_t n)
{
	void *p = nocfi_inner(n);

	__asm__ volatile("" ::: "memory");
	return p;
}
