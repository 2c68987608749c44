/* SPDX-License-Identifier: MIT */
/*
 * newdelete.cc - every form of operator new and delete, each block made
 * and freed in main():
 *
 *   new int / delete                          4
 *   new int[10] / delete[]                   40
 *   new D[5] / delete[] (D has a destructor:
 *     an 8-byte count before the elements)   28
 *   new (nothrow) char[33] / delete[]        33
 *   new (nothrow) long / delete               8
 *   operator new(100) / sized delete        100
 *   operator new[](50) / sized delete[]      50
 *   operator new(77, nothrow) / delete(nothrow)  77
 *   new A / delete (A: alignas(64), 128 B)  128
 *   new A[3] / delete[]                     384
 *   new (nothrow) A / delete                128
 *   new (nothrow) A[2] / delete[]           256
 *   operator new(100, align 64) / sized aligned delete    100
 *   operator new[](200, align 128, nothrow) / aligned nothrow delete[]  200
 *   new long[4], never deleted               32
 *   placement new: no block
 *
 *   main()'s sites: total 1568 B in 15 blocks; at exit 32 B in 1 block;
 *   every block but the last is freed before the next is made, so the
 *   largest, A[3], is main()'s part of the peak: 384 B in 1 block.
 * libstdc++ also allocates its exception pool before main(): not main()'s.
 */
#include <cstddef>
#include <new>

struct D {
	int x;
	~D();
};

D::~D()
{
	x = 0;
}

struct alignas(64) A {
	char c[100];
};

template <typename T> static T *
keep(T *p)
{
	/* Opaque to the optimizer: the new/delete pair must stay. */
	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

int
main()
{
	alignas(int) unsigned char buf[sizeof(int)];
	void *v;

	delete keep(new int);
	delete[] keep(new int[10]);
	delete[] keep(new D[5]);
	delete[] keep(new (std::nothrow) char[33]);
	delete keep(new (std::nothrow) long);
	v = keep(::operator new(100));
	::operator delete(v, 100);
	v = keep(::operator new[](50));
	::operator delete[](v, 50);
	v = keep(::operator new(77, std::nothrow));
	::operator delete(v, std::nothrow);
	delete keep(new A);
	delete[] keep(new A[3]);
	delete keep(new (std::nothrow) A);
	delete[] keep(new (std::nothrow) A[2]);
	v = keep(::operator new(100, std::align_val_t(64)));
	::operator delete(v, 100, std::align_val_t(64));
	v = keep(::operator new[](200, std::align_val_t(128), std::nothrow));
	::operator delete[](v, std::align_val_t(128), std::nothrow);
	keep(new long[4]);
	keep(new (buf) int(5));
	return 0;
}
