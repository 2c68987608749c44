/* SPDX-License-Identifier: MIT */
/*
 * units.h - human-readable sizes and durations, shared by every output.
 */
#ifndef HEAPPROF_UNITS_H
#define HEAPPROF_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "0 B", "512 B", "1.2 KiB", "3.0 MiB" (powers of 1024); exact when exact. */
void format_size(char *buf, size_t len, uint64_t bytes, int exact);

/*
 * A size as the options take it: a whole number, then nothing or K, M or
 * G (powers of 1024, either case): "4096", "64K", "2G".  Returns 0 and sets *bytes, or -1
 * for anything else (a sign, a fraction, junk, an overflow).
 */
int parse_size(const char *s, uint64_t *bytes);

/* "850 ns", "12.3 us", "4.5 ms", "2.10 s". */
void format_duration(char *buf, size_t len, uint64_t ns);

/*
 * Unix seconds as "2026-11-30 04:23:21", local time or, with utc, UTC
 * with " UTC" after it; a time that is no date (the profile is not
 * trusted) as "at Unix time N".
 */
void format_time(char *buf, size_t len, int64_t t, int utc);

#endif
