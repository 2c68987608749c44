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

/*
 * Rust's prelude types, which programs name without their path, by the
 * paths their names are demangled with (the crate that defines them) and
 * by std's re-exports.
 */
static const char *const prelude[] = {
	"alloc::string::String", "alloc::vec::Vec", "alloc::boxed::Box",
	"core::option::Option", "core::result::Result",
	"std::string::String", "std::vec::Vec", "std::boxed::Box",
	"std::option::Option", "std::result::Result",
};

static int
ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/*
 * The prelude's types by their last component in s, in place: in generic
 * arguments and trait impls' headers, but not as the function's own path
 * at the start of s (alloc::vec::Vec<T>::push says where the code is).
 */
static void
rust_prelude(char *s)
{
	size_t len, i, j, n;
	const char *last;

	for (i = 1; s[0] != '\0' && s[i] != '\0'; i++) {
		if (ident(s[i - 1]) || s[i - 1] == ':')
			continue;
		for (j = 0; j < sizeof prelude / sizeof prelude[0]; j++) {
			len = strlen(prelude[j]);
			if (strncmp(s + i, prelude[j], len) != 0 ||
			    ident(s[i + len]))
				continue;
			last = strrchr(prelude[j], ':') + 1;
			n = strlen(last);
			memmove(s + i, s + i + len - n, strlen(s + i + len - n) + 1);
			break;
		}
	}
}

char *
name_short(const char *raw)
{
	char *s;

	if (strncmp(raw, "_R", 2) == 0 || strncmp(raw, "_ZN", 3) == 0) {
		if ((s = rust_demangle(raw, DMGL_PARAMS | DMGL_ANSI)) != NULL) {
			rust_short(s);
			rust_prelude(s);
			return s;
		}
	}
	if (strncmp(raw, "_Z", 2) != 0)
		return NULL;
	if ((s = cxx_short(raw)) != NULL)
		return s;
	return name_demangle(raw);
}

/* --- the length bound ------------------------------------------------------ */

/*
 * One argument list of a printed name: "<" at open, ">" at close (or a
 * lambda's parameters' "(" and ")").
 */
struct arglist {
	size_t open, close;
	size_t depth;		/* 1 for the outermost */
	size_t inner;		/* what is between them, as elided so far */
	size_t parent;		/* the enclosing list's index, or SIZE_MAX */
	size_t elided;		/* 0, or its turn in being elided, from 1 */
	size_t saving;		/* what eliding it saved */
};

/*
 * C++'s operator names, longest first, so that the brackets in
 * "operator<<" and "operator->" are not taken for argument lists.
 */
static const char *const operators[] = {
	"<=>", "<<=", ">>=", "->*", "<<", ">>", "<=", ">=", "->", "==", "!=",
	"&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=",
	"^=", "()", "[]", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^",
	"~", "!", "=", ",",
};

/*
 * Where "operator" at s[i] ends, with its symbol and the space libiberty
 * puts before a template's arguments ("operator<< <char>"), or i when it
 * is not an operator's name or not a symbol's ("operator new").
 */
static size_t
operator_end(const char *s, size_t i)
{
	size_t j, n;

	if ((i > 0 && ident(s[i - 1])) || strncmp(s + i, "operator", 8) != 0)
		return i;
	for (j = 0; j < sizeof operators / sizeof operators[0]; j++) {
		n = strlen(operators[j]);
		if (strncmp(s + i + 8, operators[j], n) != 0)
			continue;
		n += i + 8;
		if (s[n] == ' ' && s[n + 1] == '<')
			n++;
		return n;
	}
	return i;
}

static void
add_list(struct arglist *l, size_t *n, size_t open, size_t close,
    size_t depth)
{
	l[*n].open = open;
	l[*n].close = close;
	l[*n].depth = depth;
	l[*n].inner = close - open - 1;
	l[*n].parent = SIZE_MAX;
	l[*n].elided = l[*n].saving = 0;
	(*n)++;
}

/*
 * The argument lists of the printed name s into l (strlen(s) / 2 + 1
 * entries), innermost closed first; how many, or SIZE_MAX when its
 * brackets do not pair up as a name's would, so that nothing is elided.
 * A '<' opens a list after a name (an identifier, an operator, Rust's
 * "::"); elsewhere it is a less-than in an expression ("(a)<(b)") or
 * opens a Rust path ("<T as Trait>::f"), which is not a list.  A '>'
 * inside parentheses is a greater-than: libiberty parenthesizes those.
 * A C++ lambda's parameters, "{lambda(int, char)#1}", are a list too.
 */
static size_t
arglists(const char *s, struct arglist *l)
{
	size_t len = strlen(s), i, e, n = 0, top = 0, depth = 0;
	size_t *stack = xcalloc(len + 1, sizeof *stack);
	char *kind = xcalloc(len + 1, 1);	/* 'a', 'l': lists; 'p': path */
	size_t named = SIZE_MAX;		/* where a name ended */

	for (i = 0; i < len; i++) {
		if (s[i] == 'o' && (e = operator_end(s, i)) > i) {
			i = named = e;
			i--;
			continue;
		}
		if (ident(s[i])) {
			named = i + 1;
			continue;
		}
		switch (s[i]) {
		case '<':
			if (named == i || (i >= 2 && s[i - 1] == ':' &&
			    s[i - 2] == ':')) {
				kind[top] = 'a';
				depth++;
			} else if (i == 0 || strchr("<([ ,&*", s[i - 1]) != NULL)
				kind[top] = 'p';
			else
				break;
			stack[top++] = i;
			break;
		case '>':
			if (i > 0 && s[i - 1] == '-')
				break;		/* Rust's "fn() -> T" */
			if (top == 0)
				goto bad;
			if (kind[top - 1] != 'a' && kind[top - 1] != 'p')
				break;
			top--;
			if (kind[top] == 'a')
				add_list(l, &n, stack[top], i, depth--);
			break;
		case '(':
			if (i >= 7 && strncmp(s + i - 7, "{lambda", 7) == 0) {
				kind[top] = 'l';
				depth++;
			} else
				kind[top] = '(';
			stack[top++] = i;
			break;
		case '{':
		case '[':
			kind[top] = s[i];
			stack[top++] = i;
			break;
		case ')':
			if (top > 0 && kind[top - 1] == 'l') {
				top--;
				add_list(l, &n, stack[top], i, depth--);
				break;
			}
			/* FALLTHROUGH */
		case '}':
		case ']':
			if (top == 0 || kind[top - 1] != (s[i] == ')' ? '(' :
			    s[i] == '}' ? '{' : '['))
				goto bad;
			top--;
			break;
		}
	}
	if (top != 0)
		goto bad;
	free(stack);
	free(kind);
	return n;
bad:
	free(stack);
	free(kind);
	return SIZE_MAX;
}

void
name_fit(char *s, size_t max)
{
	size_t len = strlen(s), n, i, j, k, best, depth, turn, o, *skip;
	struct arglist *l;

	if (len <= max)
		return;
	l = xcalloc(len / 2 + 1, sizeof *l);
	n = arglists(s, l);
	if (n == SIZE_MAX || n == 0) {
		free(l);
		return;
	}
	/* Inner lists close first: each one's parent comes after it. */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && l[i].parent == SIZE_MAX; j++)
			if (l[j].open < l[i].open && l[j].close > l[i].close)
				l[i].parent = j;
	depth = 0;
	for (i = 0; i < n; i++)
		if (l[i].depth > depth)
			depth = l[i].depth;
	/* The deepest first, and of the same depth the longest first. */
	for (turn = 0; depth > 0 && len > max; depth--) {
		for (;;) {
			best = SIZE_MAX;
			for (i = 0; i < n; i++)
				if (l[i].depth == depth && !l[i].elided &&
				    l[i].inner > 3 && (best == SIZE_MAX ||
				    l[i].inner > l[best].inner))
					best = i;
			if (best == SIZE_MAX || len <= max)
				break;
			l[best].saving = l[best].inner - 3;
			l[best].elided = ++turn;
			len -= l[best].saving;
			for (k = l[best].parent; k != SIZE_MAX; k = l[k].parent)
				l[k].inner -= l[best].saving;
		}
	}
	/*
	 * The last one elided may have saved enough alone: give back, latest
	 * first, what still fits ("opt<bool, llvm::cl::parser<bool> >::
	 * opt<...>", not "opt<bool, llvm::cl::parser<...> >::opt<...>").
	 */
	for (; turn > 0; turn--) {
		for (i = 0; l[i].elided != turn; i++)
			;
		for (k = l[i].parent; k != SIZE_MAX && !l[k].elided;
		    k = l[k].parent)
			;
		if (k == SIZE_MAX && len + l[i].saving <= max) {
			len += l[i].saving;
			l[i].elided = 0;
		}
	}
	/* Copy what is outside the elided lists, "..." for their insides. */
	skip = xcalloc(strlen(s) + 1, sizeof *skip);
	for (k = 0; k < n; k++)
		if (l[k].elided)
			skip[l[k].open] = l[k].close;
	for (i = o = 0; s[i] != '\0'; i++) {
		s[o++] = s[i];
		if (skip[i] != 0) {
			memcpy(s + o, "...", 3);
			o += 3;
			i = skip[i] - 1;
		}
	}
	s[o] = '\0';
	free(skip);
	free(l);
}

/* Does pattern match s, whole or as a report shows it (name_fit)? */
static int
matches_short(const char *pattern, const char *s)
{
	char *fit;
	int match;

	if (fnmatch(pattern, s, 0) == 0)
		return 1;
	if (strlen(s) <= NAME_SHORT_MAX)
		return 0;
	fit = xstrdup(s);
	name_fit(fit, NAME_SHORT_MAX);
	match = fnmatch(pattern, fit, 0) == 0;
	free(fit);
	return match;
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
		return matches_short(pattern, shown);
	if ((s = name_short(raw)) == NULL)
		return 0;
	match = matches_short(pattern, s);
	free(s);
	return match;
}
