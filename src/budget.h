/* SPDX-License-Identifier: MIT */
/*
 * budget.h - whole-process allocation budgets: limits on a run's totals
 * that fail a test when the program exceeds them (heapprof run --max-*).
 */
#ifndef HEAPPROF_BUDGET_H
#define HEAPPROF_BUDGET_H

#include <stdint.h>

#include "profile.h"

enum budget_metric {
	BUDGET_TOTAL_BYTES, BUDGET_TOTAL_BLOCKS,
	BUDGET_PEAK_BYTES, BUDGET_PEAK_BLOCKS,
	BUDGET_LEAKED_BYTES, BUDGET_LEAKED_BLOCKS,
	BUDGET_N
};

struct budgets {
	uint64_t max[BUDGET_N];
	unsigned set;		/* 1 << metric for each budget given */
};

/*
 * Check p's totals against b.  Each exceeded budget gets one line on
 * stderr, "heapprof: budget exceeded: peak 5.2 MiB (5452595 bytes) >
 * 4.0 MiB", and one more for each of the three sites that contribute most
 * to it, named by their first frame in the program's own code.  Returns
 * how many budgets were exceeded.
 */
int budget_check(const struct budgets *b, const struct profile *p);

#endif
