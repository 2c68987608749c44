/* SPDX-License-Identifier: MIT */
/*
 * cxx-names.cc - allocations inside the standard library's containers,
 * so that the report's frames are members of std::map, std::vector and
 * std::string instantiated on std::string (libstdc++'s long names):
 *
 *   catalog::Index::add()   per key, through std::map<std::string,
 *                           std::vector<std::string> >::operator[]: a
 *                           map node (88 B), its copy of the key, a
 *                           vector of one string (32 B) and its copy of
 *                           the value
 *   catalog::make_name()    per key, a std::string of 40 characters (41 B)
 */
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace catalog {

class Index {
public:
	__attribute__((noinline)) void add(const std::string &key,
	    const std::string &value)
	{
		by_key[key].push_back(value);	/* site: operator[] */
	}
	std::map<std::string, std::vector<std::string> > by_key;
};

__attribute__((noinline)) std::string
make_name(char c)
{
	return std::string(40, c);	/* site: make_name */
}

}

int
main()
{
	std::unique_ptr<catalog::Index> idx(new catalog::Index);
	const char *keys[] = { "first key, longer than fifteen characters",
	    "second key, longer than fifteen characters",
	    "third key, longer than fifteen characters" };

	for (const char *k : keys)
		idx->add(k, catalog::make_name(k[0]));
	return idx->by_key.size() == 3 ? 0 : 1;
}
