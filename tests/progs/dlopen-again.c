/* SPDX-License-Identifier: MIT */
/*
 * dlopen-again.c - loads the plugin argv[1] (plugin.c), calls it and
 * unloads it; loads it again without calling it; then argv[3] times loads
 * it, calls it and unloads it; last loads argv[2], a copy of the plugin
 * under another path, calls it and unloads it.  glibc usually maps each
 * load where the last one was, so the profile holds the same file at the
 * same address many times over.  Exits 2 if a plugin cannot be loaded.
 *
 * Each call is one malloc(77), leaked: with argv[3] = N,
 *   main's first call            1 block,  77 bytes
 *   main's call in the loop      N blocks, 77 * N bytes
 *   main's call of the copy      1 block,  77 bytes
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*plugin_fn)(void);

static void *
load(const char *path, plugin_fn *fn)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		exit(2);
	}
	*(void **)fn = dlsym(h, "plugin_alloc");
	if (*fn == NULL)
		exit(2);
	return h;
}

int
main(int argc, char **argv)
{
	plugin_fn fn;
	void *h;
	long i, n;

	if (argc != 4)
		return 2;
	n = atol(argv[3]);
	h = load(argv[1], &fn);
	fn();		/* site: the first load */
	dlclose(h);
	h = load(argv[1], &fn);
	dlclose(h);
	for (i = 0; i < n; i++) {
		h = load(argv[1], &fn);
		fn();	/* site: loaded again */
		dlclose(h);
	}
	h = load(argv[2], &fn);
	fn();		/* site: the copy */
	dlclose(h);
	return 0;
}
