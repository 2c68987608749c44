/* SPDX-License-Identifier: MIT */
/*
 * xmalloc.h - allocation for the CLI: on failure these print one line
 * naming the size and exit, so callers never test for NULL.
 */
#ifndef HEAPPROF_XMALLOC_H
#define HEAPPROF_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t size);
/* Grow *p (holding *cap elements of elsize) to hold at least need. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elsize);
char *xstrdup(const char *s);
/* A copy of n bytes at p (NULL if n is 0). */
void *xmemdup(const void *p, size_t n);
char *xstrndup(const char *s, size_t n);

#endif
