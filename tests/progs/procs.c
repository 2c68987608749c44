/* SPDX-License-Identifier: MIT */
/*
 * procs.c - the ways a program starts others, none of which may touch its
 * profile.  It keeps a 1000-byte block live across:
 *   fork()          the child frees the inherited block, allocates in
 *                   child_work() and _exits;
 *   vfork()+execv() of itself, posix_spawn() of itself, system() running
 *                   itself through sh: each such child allocates 100
 *                   blocks of 5000 bytes and prints a line;
 * then frees it and leaks 77 bytes.
 *
 * Expected, for this process only: total 1077 B in 2 blocks; peak 1000 B
 * in 1 block; at exit 77 B in 1 block.  Every child prints
 * "HOW child ran"; stdout is unbuffered, as stdio's buffer would be a
 * block of the parent's.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void *volatile procs_sink;

__attribute__((noinline)) static void
child_work(void *inherited)
{
	free(inherited);
	procs_sink = malloc(4242);
	free(procs_sink);
	procs_sink = malloc(4343);
}

/* What an exec'd child does. */
static int
exec_child(const char *how)
{
	int i;

	for (i = 0; i < 100; i++) {
		procs_sink = malloc(5000);
		free(procs_sink);
	}
	printf("%s child ran\n", how);
	return 0;
}

static int
exited_0(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;
}

int
main(int argc, char **argv)
{
	char *vfork_argv[] = { argv[0], (char *)"child", (char *)"vfork", NULL };
	char *spawn_argv[] = { argv[0], (char *)"child", (char *)"spawn", NULL };
	char cmd[4096];
	void *inherited;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return exec_child(argv[2]);
	inherited = malloc(1000);
	procs_sink = inherited;

	pid = fork();
	if (pid == 0) {
		child_work(inherited);
		printf("fork child ran\n");
		_exit(0);
	}
	if (pid == -1 || !exited_0(pid))
		return 1;

	pid = vfork();
	if (pid == 0) {
		execv(argv[0], vfork_argv);
		_exit(127);
	}
	if (pid == -1 || !exited_0(pid))
		return 2;

	if (posix_spawn(&pid, argv[0], NULL, NULL, spawn_argv, environ) != 0 ||
	    !exited_0(pid))
		return 3;

	if (snprintf(cmd, sizeof cmd, "'%s' child system", argv[0]) >=
	    (int)sizeof cmd || system(cmd) != 0)
		return 4;

	free(inherited);
	procs_sink = malloc(77);
	return 0;
}
