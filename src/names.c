/* SPDX-License-Identifier: MIT */
/*
 * names.c - demangling with libiberty, the short names a report shows
 * (the C++ standard library's types as people write them), and matching
 * names against patterns.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

/* libiberty.h (from demangle.h) declares xmalloc and xcalloc: ours. */
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

/* --- short names ---------------------------------------------------------- */

/*
 * The standard library's class templates whose trailing arguments are
 * usually their defaults, and those defaults: "$0" stands for the first
 * argument (as shortened), "$1" for the second.  Arguments are dropped
 * from the end while they equal their default.
 */
static const struct defaults {
	const char *name;
	const char *arg[5];	/* by position; NULL: no default */
} defaults[] = {
	{ "std::vector", { NULL, "std::allocator<$0>" } },
	{ "std::deque", { NULL, "std::allocator<$0>" } },
	{ "std::list", { NULL, "std::allocator<$0>" } },
	{ "std::forward_list", { NULL, "std::allocator<$0>" } },
	{ "std::set", { NULL, "std::less<$0>", "std::allocator<$0>" } },
	{ "std::multiset", { NULL, "std::less<$0>", "std::allocator<$0>" } },
	{ "std::map", { NULL, NULL, "std::less<$0>",
	    "std::allocator<std::pair<$0 const, $1> >" } },
	{ "std::multimap", { NULL, NULL, "std::less<$0>",
	    "std::allocator<std::pair<$0 const, $1> >" } },
	{ "std::unordered_set", { NULL, "std::hash<$0>", "std::equal_to<$0>",
	    "std::allocator<$0>" } },
	{ "std::unordered_multiset", { NULL, "std::hash<$0>",
	    "std::equal_to<$0>", "std::allocator<$0>" } },
	{ "std::unordered_map", { NULL, NULL, "std::hash<$0>",
	    "std::equal_to<$0>", "std::allocator<std::pair<$0 const, $1> >" } },
	{ "std::unordered_multimap", { NULL, NULL, "std::hash<$0>",
	    "std::equal_to<$0>", "std::allocator<std::pair<$0 const, $1> >" } },
	{ "std::queue", { NULL, "std::deque<$0>" } },
	{ "std::stack", { NULL, "std::deque<$0>" } },
	{ "std::priority_queue", { NULL, "std::vector<$0>", "std::less<$0>" } },
	{ "std::unique_ptr", { NULL, "std::default_delete<$0>" } },
	{ "std::basic_string", { NULL, "std::char_traits<$0>",
	    "std::allocator<$0>" } },
	{ "std::basic_string_view", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_ios", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_streambuf", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_istream", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_ostream", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_iostream", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_filebuf", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_ifstream", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_ofstream", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_fstream", { NULL, "std::char_traits<$0>" } },
	{ "std::basic_stringbuf", { NULL, "std::char_traits<$0>",
	    "std::allocator<$0>" } },
	{ "std::basic_istringstream", { NULL, "std::char_traits<$0>",
	    "std::allocator<$0>" } },
	{ "std::basic_ostringstream", { NULL, "std::char_traits<$0>",
	    "std::allocator<$0>" } },
	{ "std::basic_stringstream", { NULL, "std::char_traits<$0>",
	    "std::allocator<$0>" } },
};

/* Of those, the ones left with one argument that have a typedef. */
static const struct alias {
	const char *name, *arg, *alias;
} aliases[] = {
	{ "std::basic_string", "char", "std::string" },
	{ "std::basic_string", "wchar_t", "std::wstring" },
	{ "std::basic_string", "char8_t", "std::u8string" },
	{ "std::basic_string", "char16_t", "std::u16string" },
	{ "std::basic_string", "char32_t", "std::u32string" },
	{ "std::basic_string_view", "char", "std::string_view" },
	{ "std::basic_string_view", "wchar_t", "std::wstring_view" },
	{ "std::basic_ios", "char", "std::ios" },
	{ "std::basic_streambuf", "char", "std::streambuf" },
	{ "std::basic_istream", "char", "std::istream" },
	{ "std::basic_ostream", "char", "std::ostream" },
	{ "std::basic_iostream", "char", "std::iostream" },
	{ "std::basic_filebuf", "char", "std::filebuf" },
	{ "std::basic_ifstream", "char", "std::ifstream" },
	{ "std::basic_ofstream", "char", "std::ofstream" },
	{ "std::basic_fstream", "char", "std::fstream" },
	{ "std::basic_stringbuf", "char", "std::stringbuf" },
	{ "std::basic_istringstream", "char", "std::istringstream" },
	{ "std::basic_ostringstream", "char", "std::ostringstream" },
	{ "std::basic_stringstream", "char", "std::stringstream" },
	{ "std::basic_ostream", "wchar_t", "std::wostream" },
	{ "std::basic_istream", "wchar_t", "std::wistream" },
};

#define NDEFAULTS	(sizeof defaults / sizeof defaults[0])
#define NALIASES	(sizeof aliases / sizeof aliases[0])
#define MAXARGS		(sizeof defaults[0].arg / sizeof defaults[0].arg[0])

typedef struct demangle_component comp;

/*
 * The nodes of one tree already shortened, by address: a tree shares the
 * nodes of repeated names (the mangling's substitutions), so each is
 * shortened once and a deep tree of shared nodes is walked in linear time.
 */
struct shorten {
	const comp **seen;
	size_t size, n;
	comp *elided;		/* "<...>": an argument list of one name */
};

static int
seen(struct shorten *sh, const comp *c)
{
	size_t i, j;

	if (sh->n * 2 >= sh->size) {
		const comp **old = sh->seen;
		size_t oldsize = sh->size;

		sh->size = sh->size ? sh->size * 2 : 256;
		sh->seen = xcalloc(sh->size, sizeof *sh->seen);
		sh->n = 0;
		for (j = 0; j < oldsize; j++)
			if (old[j] != NULL)
				seen(sh, old[j]);
		free(old);
	}
	i = ((uintptr_t)c >> 4) * 2654435761u % sh->size;
	for (; sh->seen[i] != NULL; i = (i + 1) % sh->size)
		if (sh->seen[i] == c)
			return 1;
	sh->seen[i] = c;
	sh->n++;
	return 0;
}

/* c as libiberty prints it, or NULL (a template parameter out of scope). */
static char *
print(const comp *c)
{
	size_t size;

	return cplus_demangle_print(DMGL_PARAMS | DMGL_ANSI, (comp *)c, 64,
	    &size);
}

/* Does c print as s? */
static int
prints_as(const comp *c, const char *s)
{
	char *p = print(c);
	int same = p != NULL && strcmp(p, s) == 0;

	free(p);
	return same;
}

/*
 * pattern with $0 and $1 replaced by args[0] and args[1], as libiberty
 * would print it: "> >", not ">>".  Caller frees.
 */
static char *
expand(const char *pattern, char *const *args, size_t nargs)
{
	size_t len = strlen(pattern) + 1, n = 0, i;
	const char *p;
	char *s;

	/* Each $N at most the argument and a space longer. */
	for (p = pattern; (p = strchr(p, '$')) != NULL; p++)
		if ((p[1] == '0' || p[1] == '1') && (size_t)(p[1] - '0') < nargs)
			len += strlen(args[p[1] - '0']) + 1;
	s = xmalloc(len);
	for (p = pattern; *p != '\0'; p++) {
		if (p[0] == '$' && (p[1] == '0' || p[1] == '1') &&
		    (size_t)(p[1] - '0') < nargs) {
			i = strlen(args[p[1] - '0']);
			memcpy(s + n, args[p[1] - '0'], i);
			n += i;
			p++;
			if (p[1] == '>' && n > 0 && s[n - 1] == '>')
				s[n++] = ' ';
			continue;
		}
		s[n++] = *p;
	}
	s[n] = '\0';
	return s;
}

/*
 * Is the template c's name reserved to the implementation (_Hashtable,
 * __normal_iterator, _M_realloc_insert), a part of the library that
 * people do not write?
 */
static int
reserved(const comp *c)
{
	const comp *n = c->u.s_binary.left;

	if (n->type == DEMANGLE_COMPONENT_QUAL_NAME)
		n = n->u.s_binary.right;
	return n->type == DEMANGLE_COMPONENT_NAME && n->u.s_name.len >= 2 &&
	    n->u.s_name.s[0] == '_' && (n->u.s_name.s[1] == '_' ||
	    (n->u.s_name.s[1] >= 'A' && n->u.s_name.s[1] <= 'Z'));
}

/*
 * A template of the standard library: drop the trailing arguments that
 * are its defaults, and spell what is left by its typedef if it has one.
 */
static void
shorten_template(comp *c)
{
	const struct defaults *d = NULL;
	char *name, *args[MAXARGS], *def;
	comp *l, *last[MAXARGS];
	size_t i, n = 0, keep;
	int same;

	name = print(c->u.s_binary.left);
	if (name == NULL)
		return;
	for (i = 0; i < NDEFAULTS && d == NULL; i++)
		if (strcmp(name, defaults[i].name) == 0)
			d = &defaults[i];
	if (d == NULL) {
		free(name);
		return;
	}
	for (l = c->u.s_binary.right; l != NULL && n < MAXARGS;
	    l = l->u.s_binary.right) {
		if (l->type != DEMANGLE_COMPONENT_TEMPLATE_ARGLIST ||
		    (args[n] = print(l->u.s_binary.left)) == NULL)
			break;
		last[n++] = l;
	}
	keep = n;
	while (l == NULL && keep > 1 && d->arg[keep - 1] != NULL) {
		def = expand(d->arg[keep - 1], args, n);
		same = strcmp(def, args[keep - 1]) == 0;
		free(def);
		if (!same)
			break;
		keep--;
	}
	if (keep < n)
		last[keep - 1]->u.s_binary.right = NULL;
	for (i = 0; l == NULL && keep == 1 && i < NALIASES; i++)
		if (strcmp(name, aliases[i].name) == 0 &&
		    strcmp(args[0], aliases[i].arg) == 0) {
			cplus_demangle_fill_name(c, aliases[i].alias,
			    (int)strlen(aliases[i].alias));
			break;
		}
	for (i = 0; i < n; i++)
		free(args[i]);
	free(name);
}

static comp *strip(comp *c);

/* Children first, so that a template's arguments are short when compared. */
static void
shorten(struct shorten *sh, comp *c)
{
	if (c == NULL || seen(sh, c))
		return;
	switch (c->type) {
	case DEMANGLE_COMPONENT_CTOR:
		shorten(sh, c->u.s_ctor.name);
		return;
	case DEMANGLE_COMPONENT_DTOR:
		shorten(sh, c->u.s_dtor.name);
		return;
	case DEMANGLE_COMPONENT_LAMBDA:
		shorten(sh, c->u.s_unary_num.sub);
		return;
	case DEMANGLE_COMPONENT_QUAL_NAME:
	case DEMANGLE_COMPONENT_LOCAL_NAME:
	case DEMANGLE_COMPONENT_TYPED_NAME:
	case DEMANGLE_COMPONENT_TEMPLATE:
	case DEMANGLE_COMPONENT_TEMPLATE_ARGLIST:
	case DEMANGLE_COMPONENT_ARGLIST:
	case DEMANGLE_COMPONENT_FUNCTION_TYPE:
	case DEMANGLE_COMPONENT_POINTER:
	case DEMANGLE_COMPONENT_REFERENCE:
	case DEMANGLE_COMPONENT_RVALUE_REFERENCE:
	case DEMANGLE_COMPONENT_CONST:
	case DEMANGLE_COMPONENT_VOLATILE:
	case DEMANGLE_COMPONENT_RESTRICT:
	case DEMANGLE_COMPONENT_CONST_THIS:
	case DEMANGLE_COMPONENT_VOLATILE_THIS:
	case DEMANGLE_COMPONENT_RESTRICT_THIS:
	case DEMANGLE_COMPONENT_REFERENCE_THIS:
	case DEMANGLE_COMPONENT_RVALUE_REFERENCE_THIS:
	case DEMANGLE_COMPONENT_PTRMEM_TYPE:
	case DEMANGLE_COMPONENT_ARRAY_TYPE:
	case DEMANGLE_COMPONENT_PACK_EXPANSION:
	case DEMANGLE_COMPONENT_TAGGED_NAME:
		shorten(sh, c->u.s_binary.left);
		shorten(sh, c->u.s_binary.right);
		break;
	default:
		return;
	}
	switch (c->type) {
	case DEMANGLE_COMPONENT_LOCAL_NAME:
		/* A lambda's enclosing function, in a template argument. */
		c->u.s_binary.left = strip(c->u.s_binary.left);
		break;
	case DEMANGLE_COMPONENT_QUAL_NAME:
		/* The library's inline namespaces: std::__cxx11::, std::__1:: */
		if (c->u.s_binary.right != NULL &&
		    c->u.s_binary.right->type == DEMANGLE_COMPONENT_NAME &&
		    ((c->u.s_binary.right->u.s_name.len == 7 &&
		    memcmp(c->u.s_binary.right->u.s_name.s, "__cxx11", 7) ==
		    0) || (c->u.s_binary.right->u.s_name.len == 3 &&
		    memcmp(c->u.s_binary.right->u.s_name.s, "__1", 3) == 0)) &&
		    prints_as(c->u.s_binary.left, "std"))
			*c = *c->u.s_binary.left;
		break;
	case DEMANGLE_COMPONENT_TAGGED_NAME:
		/* [abi:cxx11] */
		*c = *c->u.s_binary.left;
		break;
	case DEMANGLE_COMPONENT_TEMPLATE:
		if (reserved(c))
			c->u.s_binary.right = sh->elided;
		else
			shorten_template(c);
		break;
	default:
		break;
	}
}

/*
 * The function's name without its return type, parameters, qualifiers
 * (const) and clone suffix ([clone .cold]); a local entity's enclosing
 * function likewise.
 */
static comp *
strip(comp *c)
{
	switch (c->type) {
	case DEMANGLE_COMPONENT_TYPED_NAME:
	case DEMANGLE_COMPONENT_CLONE:
	case DEMANGLE_COMPONENT_CONST_THIS:
	case DEMANGLE_COMPONENT_VOLATILE_THIS:
	case DEMANGLE_COMPONENT_RESTRICT_THIS:
	case DEMANGLE_COMPONENT_REFERENCE_THIS:
	case DEMANGLE_COMPONENT_RVALUE_REFERENCE_THIS:
		return strip(c->u.s_binary.left);
	case DEMANGLE_COMPONENT_LOCAL_NAME:
		c->u.s_binary.left = strip(c->u.s_binary.left);
		c->u.s_binary.right = strip(c->u.s_binary.right);
		return c;
	case DEMANGLE_COMPONENT_THUNK:
	case DEMANGLE_COMPONENT_VIRTUAL_THUNK:
	case DEMANGLE_COMPONENT_COVARIANT_THUNK:
	case DEMANGLE_COMPONENT_HIDDEN_ALIAS:
	case DEMANGLE_COMPONENT_TRANSACTION_CLONE:
	case DEMANGLE_COMPONENT_NONTRANSACTION_CLONE:
		c->u.s_binary.left = strip(c->u.s_binary.left);
		return c;
	default:
		return c;
	}
}

/*
 * Is c a name in the C++ library, whose function templates' arguments are
 * deduced from the call's (std::vector<int>::emplace_back<int>)?
 */
static int
in_library(const comp *c)
{
	char *s = print(c);
	int in = s != NULL && (strncmp(s, "std::", 5) == 0 ||
	    strncmp(s, "__gnu_cxx::", 11) == 0);

	free(s);
	return in;
}

/*
 * Without the function's own template arguments when they are reserved
 * or the function is the library's.
 */
static char *
cxx_short(const char *raw)
{
	struct shorten sh = { NULL, 0, 0, NULL };
	comp elided[2];
	void *mem = NULL;
	comp *c;
	char *s = NULL;

	memset(elided, 0, sizeof elided);
	cplus_demangle_fill_name(&elided[1], "...", 3);
	cplus_demangle_fill_component(&elided[0],
	    DEMANGLE_COMPONENT_TEMPLATE_ARGLIST, &elided[1], NULL);
	sh.elided = elided;
	c = cplus_demangle_v3_components(raw, DMGL_PARAMS | DMGL_ANSI, &mem);
	if (c != NULL) {
		c = strip(c);
		if (c->type == DEMANGLE_COMPONENT_TEMPLATE && (reserved(c) ||
		    in_library(c->u.s_binary.left)))
			c = c->u.s_binary.left;
		shorten(&sh, c);
		s = print(c);
	}
	free(sh.seen);
	free(mem);
	return s;
}

/*
 * Rust's inherent impls as people write their paths: "<names::Engine>::
 * checkpoint" is names::Engine::checkpoint; a trait's impl, "<T as
 * Trait>::f", keeps its brackets.
 */
static void
rust_short(char *s)
{
	size_t len = strlen(s), depth = 0, i, n;
	size_t *open = xcalloc(len + 1, sizeof *open);
	unsigned char *drop = xcalloc(len + 1, 1), *keep = xcalloc(len + 1, 1);

	for (i = 0; i < len; i++) {
		if (s[i] == '<') {
			/* A path starts here, not a generic's arguments. */
			open[depth] = i;
			keep[depth] = i > 0 && strchr("<( &*[", s[i - 1]) == NULL;
			depth++;
		} else if (s[i] == '>' && depth > 0 && s[i - 1] != '-') {
			depth--;
			if (!keep[depth] && strncmp(s + i + 1, "::", 2) == 0)
				drop[open[depth]] = drop[i] = 1;
		} else if (depth > 0 && strncmp(s + i, " as ", 4) == 0)
			keep[depth - 1] = 1;
	}
	for (i = n = 0; i < len; i++)
		if (!drop[i])
			s[n++] = s[i];
	s[n] = '\0';
	free(open);
	free(drop);
	free(keep);
}

char *
name_short(const char *raw)
{
	char *s;

	if (strncmp(raw, "_R", 2) == 0 || strncmp(raw, "_ZN", 3) == 0) {
		if ((s = rust_demangle(raw, DMGL_PARAMS | DMGL_ANSI)) != NULL) {
			rust_short(s);
			return s;
		}
	}
	if (strncmp(raw, "_Z", 2) != 0)
		return NULL;
	if ((s = cxx_short(raw)) != NULL)
		return s;
	return name_demangle(raw);
}

int
name_matches(const char *pattern, const char *raw, const char *demangled,
    const char *shown)
{
	char bare[512], *s;
	int match;

	if (fnmatch(pattern, raw, 0) == 0 ||
	    fnmatch(pattern, demangled, 0) == 0)
		return 1;
	name_bare(demangled, bare, sizeof bare);
	if (fnmatch(pattern, bare, 0) == 0)
		return 1;
	if (shown != NULL)
		return fnmatch(pattern, shown, 0) == 0;
	if ((s = name_short(raw)) == NULL)
		return 0;
	match = fnmatch(pattern, s, 0) == 0;
	free(s);
	return match;
}
