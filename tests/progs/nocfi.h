/* SPDX-License-Identifier: MIT */
#ifndef NOCFI_H
#define NOCFI_H
#include <stddef.h>

/* malloc(n), called two frames down in code without unwind tables. */
void *nocfi_alloc(size_t n);

#endif
