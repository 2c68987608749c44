// SPDX-License-Identifier: MIT
// throw30.cc - an exception thrown through 30 frames that each hold a
// heap block, for the unwinder's checking mode (t0301): the blocks are
// freed by destructors while the exception unwinds, and the next round
// allocates again from where the catch left the stack.
#include <memory>
#include <stdexcept>
#include <string>

static volatile int sink;

__attribute__((noinline)) static void
down(int depth)
{
	std::unique_ptr<std::string> s(new std::string(40, 'x'));

	sink += (int)s->size();
	if (depth == 0)
		throw std::runtime_error("bottom of the stack, far enough");
	down(depth - 1);
	sink++;
}

int
main()
{
	for (int i = 0; i < 10; i++) {
		try {
			down(30);
		} catch (const std::exception &e) {
			sink += (int)e.what()[0];
		}
		std::unique_ptr<int[]> after(new int[i + 1]);
		sink += after[0] = 1;
	}
	return sink > 0 ? 0 : 1;
}
