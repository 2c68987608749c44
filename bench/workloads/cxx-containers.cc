/* SPDX-License-Identifier: MIT */
/*
 * cxx-containers.cc - C++ container churn: std::vector growth, std::map
 * inserts and erases with std::string keys, std::string concatenation and
 * a std::unordered_map word count.  operator new and delete reach malloc
 * and free through libstdc++.
 * usage: cxx-containers [ROUNDS]
 */
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

static volatile std::size_t sink;

static void __attribute__((noinline))
vectors(int n)
{
	std::vector<std::vector<int>> vv;

	for (int i = 0; i < n; i++) {
		std::vector<int> v;
		for (int j = 0; j < 100 + i % 50; j++)
			v.push_back(j);
		vv.push_back(std::move(v));
	}
	sink = vv.size();
}

static void __attribute__((noinline))
maps(int n)
{
	std::map<std::string, std::string> m;
	char key[32];

	for (int i = 0; i < n; i++) {
		std::snprintf(key, sizeof key, "key-%08d-long-enough", i * 7919 % n);
		m[key] = std::string(key) + "/value/" + std::to_string(i);
		if (i % 3 == 0)
			m.erase(m.begin());
	}
	sink = m.size();
}

static void __attribute__((noinline))
words(int n)
{
	std::unordered_map<std::string, int> count;
	std::string text;

	for (int i = 0; i < n; i++) {
		text += "word";
		text += std::to_string(i % 997);
		text += ' ';
	}
	std::size_t start = 0, sp;
	while ((sp = text.find(' ', start)) != std::string::npos) {
		count[text.substr(start, sp - start)]++;
		start = sp + 1;
	}
	sink = count.size();
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? std::atoi(argv[1]) : 20;

	for (int r = 0; r < rounds; r++) {
		vectors(2000);
		maps(4000);
		words(10000);
	}
	return 0;
}
