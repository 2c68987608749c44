/* SPDX-License-Identifier: MIT */
/*
 * tiers.c - budgets per code path and the tier compliance table.
 *
 * A path's actual numbers are the blocks and bytes of every site with the
 * function anywhere on its stack (inline frames included), each site once
 * however often the function recurses.  The sites are the text report's
 * rows, so what the table blames is what `report` shows.
 */
#include "config.h"

#include <error.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "tiers.h"
#include "units.h"
#include "xmalloc.h"

/* Sites listed under a failed budget; more are counted, not shown. */
#define BLAME_MAX	10

void
tiers_init(struct tiers *t)
{
	memset(t, 0, sizeof *t);
}

void
tiers_release(struct tiers *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->b[i].tier);
		free(t->b[i].function);
		free(t->b[i].limits_text);
	}
	free(t->b);
	memset(t, 0, sizeof *t);
}

/* "blocks=0", "bytes<=4K": returns 0, or -1 with a reason. */
static int
parse_limit(const char *s, struct tier_limit *l, char *err, size_t errlen)
{
	if (strncmp(s, "blocks", 6) == 0) {
		l->bytes = 0;
		s += 6;
	} else if (strncmp(s, "bytes", 5) == 0) {
		l->bytes = 1;
		s += 5;
	} else {
		snprintf(err, errlen, "'%s' is not blocks or bytes", s);
		return -1;
	}
	if (strncmp(s, "<=", 2) == 0) {
		l->op = TIER_LE;
		s += 2;
	} else if (*s == '<' || *s == '=') {
		l->op = *s == '<' ? TIER_LT : TIER_EQ;
		s++;
	} else {
		snprintf(err, errlen, "expected =, < or <= after %s",
		    l->bytes ? "bytes" : "blocks");
		return -1;
	}
	if (parse_size(s, &l->n) == -1) {
		snprintf(err, errlen, "'%s' is not a whole number (K, M, G "
		    "allowed)", s);
		return -1;
	}
	return 0;
}

int
tiers_add(struct tiers *t, const char *tier, const char *spec, char *err,
    size_t errlen)
{
	const char *colon = strrchr(spec, ':');
	struct tier_budget b;
	char *limits, *one, *save = NULL;

	memset(&b, 0, sizeof b);
	if (colon == NULL || colon == spec || colon[1] == '\0') {
		snprintf(err, errlen, "invalid budget '%s': expected "
		    "FUNCTION:METRIC OP N[,...]", spec);
		return -1;
	}
	limits = xstrdup(colon + 1);
	for (one = strtok_r(limits, ",", &save); one != NULL;
	    one = strtok_r(NULL, ",", &save)) {
		if (b.nlimits == TIER_MAX_LIMITS) {
			snprintf(err, errlen, "invalid budget '%s': more than "
			    "%d limits", spec, TIER_MAX_LIMITS);
			free(limits);
			return -1;
		}
		if (parse_limit(one, &b.limits[b.nlimits++], err, errlen) ==
		    -1) {
			free(limits);
			return -1;
		}
	}
	free(limits);
	if (b.nlimits == 0) {
		snprintf(err, errlen, "invalid budget '%s': no limit", spec);
		return -1;
	}
	b.tier = xstrdup(tier != NULL ? tier : "");
	b.function = xstrndup(spec, (size_t)(colon - spec));
	b.limits_text = xstrdup(colon + 1);
	t->b = xgrow(t->b, &t->cap, t->n + 1, sizeof *t->b);
	t->b[t->n++] = b;
	return 0;
}

static int
is_limits(const char *field)
{
	return (strncmp(field, "blocks", 6) == 0 &&
	    strchr("<=", field[6]) != NULL && field[6] != '\0') ||
	    (strncmp(field, "bytes", 5) == 0 &&
	    strchr("<=", field[5]) != NULL && field[5] != '\0');
}

/* One line of a budgets file, its comment removed. */
static int
read_line(struct tiers *t, char *line, char *err, size_t errlen)
{
	char *field[3], *save = NULL, *tok, *spec, *hash = strchr(line, '#');
	const char *tier = NULL;
	size_t nf = 0;
	int rc;

	if (hash != NULL)
		*hash = '\0';
	for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (nf >= 3)
			nf = 4;	/* too many: the count is all that matters */
		else
			field[nf++] = tok;
	}
	if (nf == 0)
		return 0;
	if (nf == 4) {
		snprintf(err, errlen, "too many fields: expected [TIER] "
		    "FUNCTION LIMITS");
		return -1;
	}
	if (is_limits(field[nf - 1]) && nf >= 2) {
		if (nf == 3)
			tier = field[0];
		spec = xmalloc(strlen(field[nf - 2]) +
		    strlen(field[nf - 1]) + 2);
		sprintf(spec, "%s:%s", field[nf - 2], field[nf - 1]);
	} else if (nf <= 2) {
		if (nf == 2)
			tier = field[0];
		spec = xstrdup(field[nf - 1]);
	} else {
		snprintf(err, errlen, "expected [TIER] FUNCTION LIMITS");
		return -1;
	}
	rc = tiers_add(t, tier, spec, err, errlen);
	free(spec);
	return rc;
}

int
tiers_read(struct tiers *t, const char *path, char *err, size_t errlen)
{
	char *line = NULL, why[256];
	size_t cap = 0, lineno = 0;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (f == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) != -1) {
		lineno++;
		if (read_line(t, line, why, sizeof why) == -1) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			rc = -1;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

/* --- does the function exist ----------------------------------------- */

static int
elf_has_function(Elf *elf, const char *pattern)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	const char *name;
	char *dem;
	size_t i, n;
	int found = 0;

	while (!found && (scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL || (sh.sh_type != SHT_SYMTAB &&
		    sh.sh_type != SHT_DYNSYM) || sh.sh_entsize == 0)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; !found && i < n; i++) {
			if (gelf_getsym(elf_getdata(scn, NULL), (int)i, &sym) ==
			    NULL || (GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
			    GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC) ||
			    sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name == NULL || name[0] == '\0')
				continue;
			dem = report_demangle(name);
			found = report_name_matches(pattern, name,
			    dem != NULL ? dem : name);
			free(dem);
		}
	}
	return found;
}

/*
 * Is a function matching pattern defined in one of p's objects?  Sets
 * *unreadable to how many could not be read to tell.
 */
static int
program_has_function(const struct profile *p, const char *pattern,
    size_t *unreadable)
{
	const char *path;
	Elf *elf;
	size_t i;
	int fd, found = 0;

	*unreadable = 0;
	elf_version(EV_CURRENT);
	for (i = 0; !found && i < p->nmodules; i++) {
		path = profile_str(p, p->modules[i]);
		if (path[0] != '/')
			continue;	/* the vDSO: no file */
		fd = open(path, O_RDONLY | O_CLOEXEC);
		elf = fd == -1 ? NULL : elf_begin(fd, ELF_C_READ, NULL);
		if (elf == NULL)
			(*unreadable)++;
		else
			found = elf_has_function(elf, pattern);
		if (elf != NULL)
			elf_end(elf);
		if (fd != -1)
			close(fd);
	}
	return found;
}

/* --- the verdict --------------------------------------------------------- */

static int
row_on_path(struct report_view *v, const struct report_row *r,
    const char *pattern)
{
	const struct report_line *l;
	size_t i;

	for (i = r->first; i < r->first + r->nlines; i++) {
		l = &v->lines[i];
		if (l->loc != NO_LOC && report_function_matches(v,
		    v->p->locs[l->loc].function, pattern))
			return 1;
	}
	return 0;
}

static int
holds(const struct tier_limit *l, const struct tier_result *a)
{
	uint64_t x = l->bytes ? a->bytes : a->blocks;

	switch (l->op) {
	case TIER_EQ: return x == l->n;
	case TIER_LT: return x < l->n;
	default: return x <= l->n;
	}
}

static void
measure(struct report_view *v, const struct tier_budget *b,
    struct tier_result *a)
{
	size_t i, j, k;

	memset(a, 0, sizeof *a);
	a->rows = xcalloc(v->nrows + 1, sizeof *a->rows);
	for (i = 0; i < v->nrows; i++) {
		if (!row_on_path(v, &v->rows[i], b->function))
			continue;
		a->blocks += v->rows[i].st.tbk;
		a->bytes += v->rows[i].st.tb;
		/* Insertion: most blocks first, ties in report order. */
		for (j = a->nrows; j > 0 &&
		    v->rows[a->rows[j - 1]].st.tbk < v->rows[i].st.tbk; j--)
			;
		for (k = a->nrows; k > j; k--)
			a->rows[k] = a->rows[k - 1];
		a->rows[j] = i;
		a->nrows++;
	}
	for (a->pass = 1, k = 0; k < b->nlimits; k++)
		a->pass &= holds(&b->limits[k], a);
}

struct tier_result *
tiers_measure(const struct tiers *t, struct report_view *v)
{
	struct tier_result *r = xcalloc(t->n + 1, sizeof *r);
	size_t i, unreadable;
	int missing = 0;

	for (i = 0; i < t->n; i++) {
		measure(v, &t->b[i], &r[i]);
		if (r[i].nrows == 0 && !program_has_function(v->p,
		    t->b[i].function, &unreadable)) {
			error(0, 0, "budget '%s:%s': no function '%s' in the "
			    "program%s", t->b[i].function, t->b[i].limits_text,
			    t->b[i].function, unreadable > 0 ?
			    " (some of its objects could not be read)" : "");
			missing++;
		}
	}
	if (missing > 0) {
		tiers_results_free(r, t->n);
		return NULL;
	}
	return r;
}

void
tiers_results_free(struct tier_result *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free(r[i].rows);
	free(r);
}

static int
width(const char *s, int w)
{
	int n = (int)strlen(s);

	return n > w ? n : w;
}

static void
print_table(const struct tiers *t, struct report_view *v,
    const struct tier_result *a, FILE *out)
{
	const struct report_row *row;
	int wt = 4, wp = 4, wb = 6, wa = 6;
	char (*text)[64] = xcalloc(t->n + 1, sizeof *text), size[32], *site;
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		format_size(size, sizeof size, a[i].bytes, 0);
		snprintf(text[i], sizeof text[i], "%" PRIu64 " blocks, %s",
		    a[i].blocks, size);
		wt = width(t->b[i].tier, wt);
		wp = width(t->b[i].function, wp);
		wb = width(t->b[i].limits_text, wb);
		wa = width(text[i], wa);
	}
	fprintf(out, "%-*s  %-*s  %-*s  %-*s  %s\n", wt, "tier", wp, "path",
	    wb, "budget", wa, "actual", "verdict");
	for (i = 0; i < t->n; i++) {
		fprintf(out, "%-*s  %-*s  %-*s  %-*s  %s\n", wt, t->b[i].tier,
		    wp, t->b[i].function, wb, t->b[i].limits_text, wa, text[i],
		    a[i].pass ? "PASS" : "FAIL");
		for (k = 0; !a[i].pass && k < a[i].nrows; k++) {
			if (k == BLAME_MAX) {
				fprintf(out, "    ... and %zu more sites\n",
				    a[i].nrows - k);
				break;
			}
			row = &v->rows[a[i].rows[k]];
			site = report_site_name(v, row);
			format_size(size, sizeof size, row->st.tb, 0);
			fprintf(out, "    %" PRIu64 " blocks, %s: %s\n",
			    row->st.tbk, size, site);
			free(site);
		}
	}
	free(text);
}

int
tiers_check(const struct tiers *t, const struct profile *p, FILE *out)
{
	struct report_opts o = { .sort = NULL };	/* bytes */
	struct tier_result *a;
	struct report_view v;
	int failed = 0;
	size_t i;

	if (t->n == 0)
		return 0;
	report_view_init(&v, p, &o);
	a = tiers_measure(t, &v);
	if (a != NULL) {
		for (i = 0; i < t->n; i++)
			failed += !a[i].pass;
		if (out != NULL)
			print_table(t, &v, a, out);
	}
	tiers_results_free(a, t->n);
	report_view_release(&v);
	return a == NULL ? -1 : failed;
}
