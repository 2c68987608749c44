/* SPDX-License-Identifier: MIT */
/*
 * names.h - a function's linkage name as a report shows and matches it:
 * demangled (C++ and Rust), and bare for matching.
 */
#ifndef HEAPPROF_NAMES_H
#define HEAPPROF_NAMES_H

#include <stddef.h>

/*
 * raw demangled as C++ (_Z...) or Rust (legacy _ZN...17h<hash>E, v0
 * _R...), with parameters and without Rust's hashes and crate
 * disambiguators, or NULL when it is not a mangled name.  Caller frees.
 */
char *name_demangle(const char *raw);

/*
 * The qualified name in d (demangled) without return type, template
 * arguments and parameters, into out (len bytes, always terminated):
 * "void std::swap<int>(int&, int&)" gives "std::swap".
 */
void name_bare(const char *d, char *out, size_t len);

#endif
