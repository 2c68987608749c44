/* SPDX-License-Identifier: MIT */
/*
 * names.c - demangling with libiberty, and the bare name that patterns
 * match.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#include "names.h"

char *
name_demangle(const char *raw)
{
	/*
	 * Only linkage names: DMGL_AUTO would also take some plain C names
	 * for other languages' schemes.  Without DMGL_VERBOSE, libiberty
	 * drops Rust's "::h<16 hex>" and v0's crate disambiguators.
	 */
	if (strncmp(raw, "_Z", 2) != 0 && strncmp(raw, "_R", 2) != 0)
		return NULL;
	return cplus_demangle(raw, DMGL_PARAMS | DMGL_ANSI | DMGL_AUTO);
}

void
name_bare(const char *d, char *out, size_t len)
{
	size_t n = 0, depth = 0;

	for (; *d != '\0' && n + 1 < len; d++) {
		if (*d == '<' || *d == '{' || (*d == '(' && depth > 0)) {
			depth++;
			continue;
		}
		if ((*d == '>' || *d == '}' || *d == ')') && depth > 0) {
			depth--;
			continue;
		}
		if (depth > 0)
			continue;
		if (*d == '(')
			break;
		if (*d == ' ' && !(n >= 8 && memcmp(out + n - 8, "operator",
		    8) == 0)) {
			n = 0;	/* what came before was the return type */
			continue;
		}
		out[n++] = *d;
	}
	out[n] = '\0';
}
