/* SPDX-License-Identifier: MIT */
/*
 * runpath-main.c - dlopen()s two plugins by bare name, found only through
 * this program's DT_RUNPATH ($ORIGIN/.libs): glibc picks the RUNPATH from
 * dlopen's caller, so a profiler that calls dlopen for the program breaks
 * this.  Each plugin is dlclose()d before the next is loaded; their blocks
 * stay live.
 *
 * Expected: 4 blocks, 666 bytes, all live at exit: 111 from each plugin's
 * constructor, 222 from each plugin's function.
 */
#include <dlfcn.h>
#include <stdio.h>

static int
use_plugin(const char *lib, const char *fn_name)
{
	void *h = dlopen(lib, RTLD_NOW);
	void (*fn)(void);

	if (h == NULL) {
		fprintf(stderr, "runpath-main: %s\n", dlerror());
		return 1;
	}
	fn = (void (*)(void))dlsym(h, fn_name);
	if (fn == NULL)
		return 1;
	fn();
	return dlclose(h) != 0;
}

int
main(void)
{
	if (use_plugin("librunpath1.so", "runpath_first") ||
	    use_plugin("librunpath2.so", "runpath_second"))
		return 1;
	puts("loaded, called, unloaded");
	return 0;
}
