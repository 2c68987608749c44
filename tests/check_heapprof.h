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
Suite *make_preflight_suite(void);
Suite *make_debugcache_suite(void);

#endif
