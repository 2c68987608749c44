/* SPDX-License-Identifier: MIT */
/*
 * json.h - JSON strings from untrusted text, for the formats that write
 * JSON (DHAT's, the HTML report's data).
 */
#ifndef HEAPPROF_JSON_H
#define HEAPPROF_JSON_H

#include <stdio.h>

/* Escape what a <script> element could take for its end or for markup. */
#define JSON_HTML	0x1

/*
 * Write s as a JSON string: quote and backslash escaped, every control
 * character (C0, DEL, C1) as \u00XX.  JSON text is UTF-8: a byte that is
 * not part of a valid sequence is taken as the Latin-1 character of that
 * value.  With JSON_HTML also <, >, & and U+2028/U+2029 as \uXXXX, so the
 * text can sit inside an HTML <script> element.
 */
void json_string(FILE *out, const char *s, int flags);

#endif
