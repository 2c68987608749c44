/* SPDX-License-Identifier: MIT */
/*
 * fsizefork.c - lowers its file-size limit (RLIMIT_FSIZE) to 1 MiB, less
 * than a ring, and forks; the child allocates and exits 7.  Exits 0 when
 * the child exited 7.
 *
 * Expected:
 *   parent   tb=100 tbk=1 eb=0 ebk=0, peak 100 in 1 block
 *   child    tb=300 tbk=2 eb=100 ebk=1, peak 300 in 2 blocks (the 100
 *            inherited, live at its exit, and its own 200, freed)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

void *volatile fsizefork_sink;

int
main(void)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };
	void *p;
	pid_t child;
	int status;

	/* Unbuffered: stdio's buffer would be one more block. */
	setvbuf(stdout, NULL, _IONBF, 0);
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		return 1;
	p = malloc(100);
	fsizefork_sink = p;
	child = fork();
	if (child == -1)
		return 1;
	if (child == 0) {
		fsizefork_sink = malloc(200);
		free(fsizefork_sink);
		_exit(7);
	}
	if (waitpid(child, &status, 0) != child)
		return 1;
	if (WIFEXITED(status))
		printf("child %ld exited %d\n", (long)child,
		    WEXITSTATUS(status));
	else
		printf("child %ld killed by signal %d\n", (long)child,
		    WTERMSIG(status));
	free(p);
	return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : 1;
}
