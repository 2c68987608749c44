/* SPDX-License-Identifier: MIT */
/*
 * json.c - JSON strings from untrusted text.
 */
#include "config.h"

#include <string.h>

#include "json.h"
#include "report.h"

void
json_string(FILE *out, const char *s, int flags)
{
	const unsigned char *c;
	size_t k;

	fputc('"', out);
	while (*s != '\0') {
		k = report_char_len(s);
		c = (const unsigned char *)s;
		if (k == 1 && (*s == '"' || *s == '\\')) {
			fprintf(out, "\\%c", *s);
		} else if (k == 1 && (flags & JSON_HTML) &&
		    strchr("<>&", *s) != NULL) {
			fprintf(out, "\\u%04x", c[0]);
		} else if (k == 3 && (flags & JSON_HTML) && c[0] == 0xe2 &&
		    c[1] == 0x80 && (c[2] == 0xa8 || c[2] == 0xa9)) {
			fprintf(out, "\\u%04x", 0x2000 | (c[2] & 0x3f));
		} else if (k != 0) {
			fwrite(s, 1, k, out);
		} else if (c[0] == 0xc2 && c[1] >= 0x80 && c[1] < 0xa0) {
			fprintf(out, "\\u%04x", c[1]);	/* C1, in UTF-8 */
			k = 2;
		} else {
			fprintf(out, "\\u%04x", c[0]);
			k = 1;
		}
		s += k;
	}
	fputc('"', out);
}
