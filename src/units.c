/*
 * units.c - formatting of sizes and durations.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "units.h"

void
format_size(char *buf, size_t len, uint64_t bytes, int exact)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = -1;

	if (exact || bytes < 1024) {
		snprintf(buf, len, exact ? "%" PRIu64 : "%" PRIu64 " B", bytes);
		return;
	}
	/* 1023.95 and up would print as "1024.0": take the next unit. */
	do {
		v /= 1024;
		u++;
	} while (v >= 1023.95 && u < 4);
	snprintf(buf, len, "%.1f %s", v, unit[u]);
}

void
format_duration(char *buf, size_t len, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 999950)	/* below what "%.1f" rounds to 1000.0 */
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
	else if (ns < 999950000)
		snprintf(buf, len, "%.1f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", (double)ns / 1e9);
}
