/* SPDX-License-Identifier: MIT */
/*
 * cxx-vector.cc - C++ allocations through operator new, a class template
 * and std::vector's growth, so that the report's names are C++ names:
 *
 *   shapes::Pool<int>::grow()      a std::vector<int> grown by push_back
 *                                  to 100 elements: blocks of 4, 8, 16,
 *                                  32, 64, 128, 256 and 512 B (capacity
 *                                  doubles from 1), each freed but the
 *                                  last, freed at exit with the pool
 *   shapes::make_widget()          new Widget (24 B), leaked
 *   shapes::make_buffer(unsigned)  new char[1000], leaked
 */
#include <vector>

namespace shapes {

struct Widget {
	long a, b, c;
};

template <typename T> class Pool {
public:
	__attribute__((noinline)) void grow(int n)
	{
		for (int i = 0; i < n; i++)
			items.push_back(T(i));	/* site: push_back */
	}
	std::vector<T> items;
};

Widget *volatile widget_sink;
char *volatile buffer_sink;

__attribute__((noinline)) void
make_widget()
{
	widget_sink = new Widget();	/* site: new Widget */
}

__attribute__((noinline)) void
make_buffer(unsigned n)
{
	buffer_sink = new char[n];	/* site: new char[] */
}

}

int
main()
{
	shapes::Pool<int> pool;

	pool.grow(100);			/* site: grow */
	shapes::make_widget();
	shapes::make_buffer(1000);
	return pool.items.size() == 100 ? 0 : 1;
}
