/* SPDX-License-Identifier: MIT */
/*
 * frames.h - what a stack frame is to its reader: the program's own code,
 * a system library's, allocator plumbing, or the runtime below the
 * program's entry.  One rule table (frames.c) decides, for every language
 * and allocator; heapprof(1), SYMBOLS, lists the rules.
 */
#ifndef HEAPPROF_FRAMES_H
#define HEAPPROF_FRAMES_H

#include <stddef.h>

enum frame_class {
	FRAME_USER,		/* the program's own code */
	FRAME_SYSTEM,		/* a system library's or header's */
	FRAME_PLUMBING,		/* the allocator's: folded into its caller */
	FRAME_BELOW_ENTRY,	/* what runs main or a thread's function */
};

struct frame_rule {
	const char *pattern;	/* fnmatch(3); "=..." on the bare name */
	enum frame_class class;
};

/* The name rules, first match wins; NULL-terminated. */
extern const struct frame_rule frame_rules[];

/*
 * The class that the rule table gives a function by its demangled name
 * and its bare name (the qualified name without template arguments and
 * parameters; NULL: none), or FRAME_USER when no rule matches.
 */
enum frame_class frames_name_class(const char *demangled, const char *bare);

/*
 * If the code at object `path` (NULL: unknown) with source `file` (NULL:
 * unknown) is a system's, what a reader calls it: the object's file name
 * ("libc.so.6") for an object under /lib, /usr/lib and the like, "system
 * headers" or "Rust's standard library" for source of those, compiled
 * into the program.  Else NULL: the program's own code.  Points into
 * path or to a constant.
 */
const char *frames_system_label(const char *path, const char *file);

#endif
