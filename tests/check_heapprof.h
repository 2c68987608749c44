/* SPDX-License-Identifier: MIT */
/*
 * check_heapprof.h - the unit suites that check_main.c runs in one runner.
 */
#ifndef HEAPPROF_CHECK_HEAPPROF_H
#define HEAPPROF_CHECK_HEAPPROF_H

#include <check.h>

Suite *make_ring_suite(void);
Suite *make_tables_suite(void);
Suite *make_collect_suite(void);
Suite *make_profile_suite(void);
Suite *make_report_suite(void);
Suite *make_frames_suite(void);
Suite *make_names_suite(void);
Suite *make_preflight_suite(void);
Suite *make_debugcache_suite(void);
Suite *make_elfsyms_suite(void);
Suite *make_symcache_suite(void);
Suite *make_stream_suite(void);

/*
 * check_scratch.c: scratch_make (from a fixture) makes /tmp/check-SUITE.*
 * as scratch_dir, scratch_remove removes it and all in it; scratch_path
 * names a file in it, valid until the next call but one.
 */
extern char scratch_dir[64];
void scratch_make(const char *suite);
void scratch_remove(void);
char *scratch_path(const char *name);

#endif
