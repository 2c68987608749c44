/* SPDX-License-Identifier: MIT */
/*
 * check_main.c - runs every unit suite in one runner, so a single test
 * program (and a single log) covers the CLI's modules.  CK_RUN_SUITE and
 * CK_FORK work as Check documents them.
 */
#include "config.h"

#include <stdlib.h>

#include "check_heapprof.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(make_ring_suite());
	srunner_add_suite(sr, make_tables_suite());
	srunner_add_suite(sr, make_collect_suite());
	srunner_add_suite(sr, make_profile_suite());
	srunner_add_suite(sr, make_report_suite());
	srunner_add_suite(sr, make_frames_suite());
	srunner_add_suite(sr, make_names_suite());
	srunner_add_suite(sr, make_preflight_suite());
	srunner_add_suite(sr, make_debugcache_suite());
	srunner_add_suite(sr, make_elfsyms_suite());
	srunner_add_suite(sr, make_symcache_suite());
	srunner_add_suite(sr, make_stream_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
