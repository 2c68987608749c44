/* SPDX-License-Identifier: MIT */
/*
 * check_preflight.c - src/preflight.c: the kernel's secure-exec rule for
 * set-id and capability files (tested here with made-up ids, since the
 * test suite usually runs as root, where few of these cases can be made
 * real), the static-ELF rule, and reading real ELF headers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_heapprof.h"
#include "preflight.h"

#define USER	1000
#define OTHER	1001

static struct stat
file(mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	memset(&st, 0, sizeof st);
	st.st_mode = S_IFREG | mode;
	st.st_uid = uid;
	st.st_gid = gid;
	return st;
}

static const struct preflight_creds user = { USER, USER, USER, 0, 0 };
static const struct preflight_creds root = { 0, 0, 0, 0, 0 };

START_TEST(test_plain_file)
{
	struct stat st = file(0755, OTHER, OTHER);

	ck_assert_int_eq(preflight_ids(&st, &user), PREFLIGHT_OK);
	ck_assert_int_eq(preflight_ids(&st, &root), PREFLIGHT_OK);
}
END_TEST

START_TEST(test_setuid)
{
	struct stat other = file(04755, OTHER, USER);
	struct stat own = file(04755, USER, USER);
	struct stat rootfile = file(04755, 0, 0);

	ck_assert_int_eq(preflight_ids(&other, &user), PREFLIGHT_SETUID);
	ck_assert_int_eq(preflight_ids(&rootfile, &user), PREFLIGHT_SETUID);
	/* Set-user-ID to oneself changes no id: not secure. */
	ck_assert_int_eq(preflight_ids(&own, &user), PREFLIGHT_OK);
	ck_assert_int_eq(preflight_ids(&rootfile, &root), PREFLIGHT_OK);
	/* root running a program set-user-ID to someone else is. */
	ck_assert_int_eq(preflight_ids(&other, &root), PREFLIGHT_SETUID);
}
END_TEST

START_TEST(test_setgid)
{
	struct stat other = file(02755, USER, OTHER);
	struct stat own = file(02755, OTHER, USER);
	struct stat locking = file(02745, USER, OTHER);

	ck_assert_int_eq(preflight_ids(&other, &user), PREFLIGHT_SETGID);
	ck_assert_int_eq(preflight_ids(&other, &root), PREFLIGHT_SETGID);
	ck_assert_int_eq(preflight_ids(&own, &user), PREFLIGHT_OK);
	/* S_ISGID without group execute marks mandatory locking instead. */
	ck_assert_int_eq(preflight_ids(&locking, &user), PREFLIGHT_OK);
}
END_TEST

START_TEST(test_nosuid_mount)
{
	struct preflight_creds cr = user;
	struct stat st = file(06755, OTHER, OTHER);

	cr.nosuid = 1;
	cr.has_caps = 1;
	ck_assert_int_eq(preflight_ids(&st, &cr), PREFLIGHT_OK);
}
END_TEST

START_TEST(test_capabilities)
{
	struct preflight_creds cr = user, rcr = root;
	struct stat st = file(0755, 0, 0);

	cr.has_caps = 1;
	rcr.has_caps = 1;
	ck_assert_int_eq(preflight_ids(&st, &cr), PREFLIGHT_CAPS);
	ck_assert_int_eq(preflight_ids(&st, &rcr), PREFLIGHT_OK);
}
END_TEST

START_TEST(test_elf_rule)
{
	struct preflight_elf dyn = { 1, 0 }, stat_ = { 0, 0 }, ldso = { 0, 1 };

	ck_assert_int_eq(preflight_elf(&dyn), PREFLIGHT_OK);
	ck_assert_int_eq(preflight_elf(&stat_), PREFLIGHT_STATIC);
	ck_assert_int_eq(preflight_elf(&ldso), PREFLIGHT_OK);
}
END_TEST

START_TEST(test_read_elf_self)
{
	struct preflight_elf e;
	FILE *f = fopen("/proc/self/exe", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(preflight_read_elf(fileno(f), &e), 0);
	ck_assert_int_eq(e.has_interp, 1);
	ck_assert_int_eq(e.has_soname, 0);
	fclose(f);
}
END_TEST

START_TEST(test_read_elf_not_elf)
{
	struct preflight_elf e;
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\necho not an ELF file\n", f);
	fflush(f);
	ck_assert_int_eq(preflight_read_elf(fileno(f), &e), -1);
	fclose(f);
}
END_TEST

START_TEST(test_check_missing)
{
	/* exec says why a program cannot be found; preflight lets it. */
	ck_assert_int_eq(preflight_check("/nonexistent/program"), 0);
	ck_assert_int_eq(preflight_check("no-such-program-anywhere"), 0);
	ck_assert_int_eq(preflight_check("sh"), 0);
}
END_TEST

Suite *
make_preflight_suite(void)
{
	Suite *s = suite_create("preflight");
	TCase *tc;

	tc = tcase_create("Ids");
	tcase_add_test(tc, test_plain_file);
	tcase_add_test(tc, test_setuid);
	tcase_add_test(tc, test_setgid);
	tcase_add_test(tc, test_nosuid_mount);
	tcase_add_test(tc, test_capabilities);
	suite_add_tcase(s, tc);
	tc = tcase_create("Elf");
	tcase_add_test(tc, test_elf_rule);
	tcase_add_test(tc, test_read_elf_self);
	tcase_add_test(tc, test_read_elf_not_elf);
	tcase_add_test(tc, test_check_missing);
	suite_add_tcase(s, tc);
	return s;
}
