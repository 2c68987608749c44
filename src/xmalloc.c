/* SPDX-License-Identifier: MIT */
/*
 * xmalloc.c - allocation wrappers for the CLI that die naming the size.
 */
#include "config.h"

#include <error.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static void
out_of_memory(size_t size)
{
	error(EXIT_FAILURE, ENOMEM, "cannot allocate %zu bytes", size);
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		out_of_memory(size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (p == NULL)
		out_of_memory(size);
	return p;
}

void *
xgrow(void *p, size_t *cap, size_t need, size_t elsize)
{
	size_t n = *cap ? *cap : 16;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	if (n > (size_t)-1 / elsize)
		out_of_memory((size_t)-1);
	p = xrealloc(p, n * elsize);
	*cap = n;
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void *
xmemdup(const void *p, size_t n)
{
	void *q;

	if (n == 0)
		return NULL;
	q = xmalloc(n);
	memcpy(q, p, n);
	return q;
}
