/* SPDX-License-Identifier: MIT */
/*
 * units.c - formatting of sizes and durations.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

int
parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end != '\0' || v > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

/* localtime_r and gmtime_r fail for a year that does not fit an int. */
void
format_time(char *buf, size_t len, int64_t t, int utc)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((int64_t)tt != t ||
	    (utc ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm)) == NULL ||
	    strftime(buf, len, utc ? "%Y-%m-%d %H:%M:%S UTC" :
	    "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "at Unix time %" PRId64, t);
}
