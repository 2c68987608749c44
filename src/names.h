/* SPDX-License-Identifier: MIT */
/*
 * names.h - a function's linkage name as a report shows and matches it:
 * demangled (C++ and Rust), short as people write it, bare for matching.
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

/*
 * raw's function as people write it, or NULL when raw is not a mangled
 * name: the qualified name without return type, parameters, qualifiers
 * and clone suffixes, the standard library's types without their default
 * template arguments and inline namespaces and by their typedefs
 * ("std::vector<std::string>::push_back"), Rust's inherent impls without
 * brackets ("names::Engine::checkpoint") and its prelude's types by their
 * names in arguments ("core::mem::drop::<Vec<String>>").  Caller frees.
 */
char *name_short(const char *raw);

/*
 * The longest short name a report shows whole: a longer one has its
 * template and generic arguments elided (name_fit).
 */
#define NAME_SHORT_MAX	100

/*
 * Shorten the printed name s in place to at most max characters, if it
 * can be, by replacing what is inside its argument lists (template and
 * generic arguments, a C++ lambda's parameters) with "...": the deepest
 * lists first, and of the same depth the longest first, until it fits;
 * then the lists it fits without again.  The names outside them stay
 * whole, and so does s when its brackets do not pair up as a name's.
 */
void name_fit(char *s, size_t max);

/*
 * Does the fnmatch pattern match a function: its raw (linkage) name, its
 * demangled name, that without return type, template arguments and
 * parameters (name_bare: "ns::Cls::method"), or its short name
 * (name_short; computed when shown is NULL), whole or fitted to
 * NAME_SHORT_MAX as a report shows it?
 */
int name_matches(const char *pattern, const char *raw, const char *demangled,
    const char *shown);

#endif
