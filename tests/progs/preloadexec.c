/* SPDX-License-Identifier: MIT */
/*
 * preloadexec.c - run with the user's libuserpre.so in LD_PRELOAD, leaks
 * 123 bytes and execs itself as "preloadexec check", which must find the
 * user's library in LD_PRELOAD and loaded, and no trace of heapprof: not
 * in LD_PRELOAD, not loaded, no ring fd variable.  The child allocates
 * 5555 bytes, which are not the parent's.  Exits with the child's status.
 *
 * Expected (the parent): total 123 B in 1 block, at exit the same.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void *volatile preloadexec_sink;

static int
loaded(const char *name)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		found |= strstr(line, name) != NULL;
	fclose(f);
	return found;
}

static int
check(void)
{
	const char *pre = getenv("LD_PRELOAD");
	int bad = 0;

	preloadexec_sink = malloc(5555);
	printf("child LD_PRELOAD=%s\n", pre != NULL ? pre : "(unset)");
	if (pre == NULL || strstr(pre, "libuserpre") == NULL) {
		printf("child: the user's library is not in LD_PRELOAD\n");
		bad = 1;
	}
	if (dlsym(RTLD_DEFAULT, "userpre_marker") == NULL) {
		printf("child: the user's library is not loaded\n");
		bad = 1;
	}
	if (pre != NULL && strstr(pre, "libheapprof-agent") != NULL) {
		printf("child: heapprof's agent is in LD_PRELOAD\n");
		bad = 1;
	}
	if (loaded("libheapprof-agent") != 0) {
		printf("child: heapprof's agent is loaded\n");
		bad = 1;
	}
	if (getenv("HEAPPROF_RING_FD") != NULL) {
		printf("child: HEAPPROF_RING_FD is set\n");
		bad = 1;
	}
	return bad;
}

int
main(int argc, char **argv)
{
	char *child_argv[] = { argv[0], (char *)"check", NULL };
	int status;
	pid_t pid;

	if (argc == 2 && strcmp(argv[1], "check") == 0)
		return check();
	preloadexec_sink = malloc(123);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], child_argv);
		_exit(127);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
