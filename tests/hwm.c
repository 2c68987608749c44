/* SPDX-License-Identifier: MIT */
/*
 * hwm.c - preloaded by tests/stress.sh into heapprof (and so, through the
 * environment, into the program it runs, where it does nothing): when
 * heapprof exits, append its peak RSS ("VmHWM: N kB") to $HEAPPROF_HWM.
 * /usr/bin/time cannot tell it: the largest RSS that wait4() reports is
 * the whole tree's, the program's included.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((destructor)) static void
hwm(void)
{
	static char buf[4096];
	const char *out = getenv("HEAPPROF_HWM");
	char *line, *end;
	ssize_t n;
	int fd;

	fd = open("/proc/self/comm", O_RDONLY);
	if (fd == -1 || out == NULL)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0 || strncmp(buf, "heapprof\n", (size_t)n) != 0)
		return;
	fd = open("/proc/self/status", O_RDONLY);
	if (fd == -1)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	line = strstr(buf, "VmHWM:");
	if (line == NULL || (end = strchr(line, '\n')) == NULL)
		return;
	fd = open(out, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd == -1)
		return;
	if (write(fd, line, (size_t)(end + 1 - line)) < 0)
		(void)0;
	close(fd);
}
