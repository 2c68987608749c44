/* SPDX-License-Identifier: MIT */
/*
 * dlopen-plugin.c - loads the plugin named by argv[1] after start, calls
 * its plugin_alloc() (one malloc(77), leaked) and unloads it before the
 * end, so the plugin's frames must be resolved with what was known while
 * it was loaded.  Exits 2 if the plugin cannot be loaded.
 */
#include <dlfcn.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	void (*fn)(void);
	void *h;

	if (argc != 2)
		return 2;
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		return 2;
	}
	*(void **)&fn = dlsym(h, "plugin_alloc");
	if (fn == NULL)
		return 2;
	fn();		/* site: main calls the plugin */
	dlclose(h);
	return 0;
}
