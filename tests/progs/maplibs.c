/* SPDX-License-Identifier: MIT */
/*
 * maplibs.c - print the shared objects mapped into this process, one path
 * a line (t0300: the agent must bring none but itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
	char line[4096], *path;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		return 1;
	free(malloc(1));
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		path = strchr(line, '/');
		if (path != NULL && strstr(path, ".so") != NULL)
			puts(path);
	}
	fclose(f);
	return 0;
}
