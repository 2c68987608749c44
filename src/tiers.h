/* SPDX-License-Identifier: MIT */
/*
 * tiers.h - budgets per code path: how many blocks or bytes may be
 * allocated while a function is on the call stack (run and report
 * --budget, --budgets), and the tier compliance table that answers them.
 */
#ifndef HEAPPROF_TIERS_H
#define HEAPPROF_TIERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profile.h"

enum tier_op { TIER_EQ, TIER_LT, TIER_LE };

struct tier_limit {
	int bytes;		/* bytes, else blocks */
	enum tier_op op;
	uint64_t n;
};

#define TIER_MAX_LIMITS	4

struct tier_budget {
	char *tier;		/* the label, "" when none was given */
	char *function;		/* a name or an fnmatch(3) pattern */
	char *limits_text;	/* "blocks=0,bytes<4K", as written */
	struct tier_limit limits[TIER_MAX_LIMITS];
	size_t nlimits;
};

struct tiers {
	struct tier_budget *b;
	size_t n, cap;
};

void tiers_init(struct tiers *t);
void tiers_release(struct tiers *t);

/*
 * Add "FUNCTION:METRIC OP N[,METRIC OP N]..." under tier (NULL for none).
 * Returns 0, or -1 with a reason in err.
 */
int tiers_add(struct tiers *t, const char *tier, const char *spec,
    char *err, size_t errlen);

/*
 * Add every budget of a file: one a line, "[TIER] FUNCTION:LIMITS" or
 * "[TIER] FUNCTION LIMITS", # starting a comment.  Returns 0, or -1 with
 * "FILE:LINE: reason" (or why FILE cannot be read) in err.
 */
int tiers_read(struct tiers *t, const char *path, char *err, size_t errlen);

/*
 * Check p against every budget and print the compliance table to out
 * (unless out is NULL), with the call sites that break a failed budget.
 * Returns the number of failed budgets, or -1 after an error line on
 * stderr when a budget names a function that is in none of the program's
 * objects (a typo must not pass as "never allocates").
 */
int tiers_check(const struct tiers *t, const struct profile *p, FILE *out);

/* One budget's verdict on a report view's rows. */
struct tier_result {
	uint64_t blocks, bytes;	/* allocated on the path */
	size_t *rows, nrows;	/* its rows in the view, most blocks first */
	int pass;
};

struct report_view;

/*
 * The verdict of each of t's budgets on v, as tiers_check gives it; NULL
 * after an error line when a budget names no function of the program.
 * Free with tiers_results_free(r, t->n).
 */
struct tier_result *tiers_measure(const struct tiers *t,
    struct report_view *v);
void tiers_results_free(struct tier_result *r, size_t n);

#endif
