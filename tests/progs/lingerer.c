/* SPDX-License-Identifier: MIT */
/*
 * lingerer.c - a target that waits to be told to go: lingerer SAY GO
 * [fork].  It writes a line into the fifo SAY: the name of heapprof's
 * socket (from HEAPPROF_CHILDREN, or "none"), its parent's pid (heapprof's)
 * and its own; then it reads a byte from the fifo GO and exits 0.  With "fork" it forks first and exits
 * at once instead; the child allocates 300 bytes, waits until its parent
 * has ended (PR_SET_PDEATHSIG), writes "orphan PID" into SAY, and then
 * waits for its byte from GO.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

void *volatile lingerer_sink;

static volatile sig_atomic_t orphaned;

static void
on_parent_death(int sig)
{
	(void)sig;
	orphaned = 1;
}

static void
say(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY);

	if (fd == -1 || write(fd, line, strlen(line)) == -1)
		exit(1);
	close(fd);
}

static void
wait_go(const char *path)
{
	char c;
	int fd = open(path, O_RDONLY);

	if (fd == -1 || read(fd, &c, 1) != 1)
		exit(1);
	close(fd);
}

int
main(int argc, char **argv)
{
	const char *env = getenv("HEAPPROF_CHILDREN");
	char line[128];
	sigset_t usr1, old;
	pid_t parent = getpid();

	if (argc < 3)
		return 2;
	snprintf(line, sizeof line, "%s %ld %ld\n", env != NULL &&
	    strchr(env, ':') != NULL ? strchr(env, ':') + 1 : "none",
	    (long)getppid(), (long)getpid());
	if (argc > 3 && strcmp(argv[3], "fork") == 0) {
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, &old);
		signal(SIGUSR1, on_parent_death);
		switch (fork()) {
		case -1:
			return 1;
		case 0:
			lingerer_sink = malloc(300);
			prctl(PR_SET_PDEATHSIG, SIGUSR1);
			while (!orphaned && getppid() == parent)
				sigsuspend(&old);
			snprintf(line, sizeof line, "orphan %ld\n",
			    (long)getpid());
			say(argv[1], line);
			wait_go(argv[2]);
			return 0;
		}
		say(argv[1], line);
		return 0;
	}
	say(argv[1], line);
	wait_go(argv[2]);
	return 0;
}
