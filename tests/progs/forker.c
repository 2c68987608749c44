/* SPDX-License-Identifier: MIT */
/*
 * forker.c - a process tree: the parent allocates, forks a child that
 * frees an inherited block, allocates, and posix_spawn()s `CHURN 100`.
 * Prints "child PID" and "spawned PID".
 *
 * Expected:
 *   parent   tb=1127 tbk=3 eb=77 ebk=1, peak 1077 in 2 blocks (1000
 *            inherited by the child, 50 freed before the fork, 77 made
 *            while the 1000 is still live, and live at exit)
 *   child    tb=1350 tbk=3 eb=300 ebk=1, peak 1050 in 2 blocks (a forked
 *            child's heap starts as its parent's: the 1000 and the 50;
 *            it frees the 1000 before making its own 300)
 *   spawned  churn's own totals for 100 blocks: tb=5050 tbk=100 eb=0
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void *volatile forker_sink;

int
main(int argc, char **argv)
{
	char *spawn_argv[] = { argv[1], (char *)"100", NULL };
	void *inherited;
	pid_t child, spawned;
	int status;

	if (argc != 2)
		return 2;
	/* Unbuffered: stdio's buffer would be one more block. */
	setvbuf(stdout, NULL, _IONBF, 0);
	inherited = malloc(1000);
	forker_sink = inherited;
	forker_sink = malloc(50);
	free(forker_sink);
	child = fork();
	if (child == -1)
		return 1;
	if (child == 0) {
		free(inherited);
		forker_sink = malloc(300);
		if (posix_spawn(&spawned, argv[1], NULL, NULL, spawn_argv,
		    environ) != 0)
			_exit(1);
		printf("spawned %ld\n", (long)spawned);
		waitpid(spawned, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	printf("child %ld\n", (long)child);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 1;
	forker_sink = malloc(77);
	free(inherited);
	return 0;
}
