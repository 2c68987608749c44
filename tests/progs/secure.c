/* SPDX-License-Identifier: MIT */
/*
 * secure.c - prints "AT_SECURE=N": 1 when the kernel ran this program in
 * secure-execution mode (a set-id bit took effect), where ld.so ignores
 * LD_PRELOAD.  The preflight test copies it set-id to learn what the
 * kernel does on this machine and mount, rather than assume.
 */
#include <stdio.h>
#include <sys/auxv.h>

int
main(void)
{
	printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
	return 0;
}
