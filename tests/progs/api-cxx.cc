/* SPDX-License-Identifier: MIT */
// api-cxx.cc - heapprof.h from C++: exit 0 if a vector's reserve is
// counted as one block of its size, 77 without heapprof.
#include <cstdio>
#include <vector>

#include <heapprof.h>

int
main()
{
	heapprof_region r;
	std::vector<int> v;

	HEAPPROF_REQUIRE();
	heapprof_region_begin(&r);
	v.reserve(10);
	heapprof_region_end(&r);
	std::printf("region %llu %llu\n", (unsigned long long)r.blocks,
	    (unsigned long long)r.bytes);
	return HEAPPROF_ASSERT(r.blocks == 1 && r.bytes == 10 * sizeof(int),
	    "reserve(10)") ? 0 : 1;
}
