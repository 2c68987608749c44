/* SPDX-License-Identifier: MIT */
/*
 * killcollector.c - heapprof killed with SIGKILL and left unreaped must not
 * hang the program it profiles.
 *
 * usage: killcollector HEAPPROF SELF DATA
 * runs `HEAPPROF run -o DATA -- SELF target`.  The target makes 1000
 * blocks, says "started PID", and waits for a byte on stdin; this harness
 * then kills heapprof, waits until it is a zombie (WNOWAIT: still not
 * reaped), and sends the byte.  The target then makes 500,000 blocks,
 * enough to fill the ring many times over, and says "done".  Exits 0 if
 * "done" comes within 20 s, 1 if not (then the target is killed).
 *
 * usage: killcollector HEAPPROF SELF DATA stats
 * the same, but the target asks heapprof_stats(3) instead of allocating:
 * answered before the kill, HEAPPROF_NOT_PROFILING after it ("done").
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <heapprof.h>

#define BOUND_MS	20000

__attribute__((noinline)) static void
churn(void)
{
	void *volatile p = malloc(40);

	free(p);
}

static int
target(int stats)
{
	struct heapprof_stats s;
	char go;
	long i;
	int rc;

	for (i = 0; i < 1000; i++)
		churn();
	if (stats && (rc = heapprof_stats(&s)) != HEAPPROF_OK) {
		printf("heapprof_stats: %d before the kill\n", rc);
		return 1;
	}
	printf("started %ld\n", (long)getpid());
	fflush(stdout);
	if (read(0, &go, 1) != 1)
		return 2;
	if (stats) {
		rc = heapprof_stats(&s);
		if (rc != HEAPPROF_NOT_PROFILING || s.total_blocks != UINT64_MAX)
			printf("heapprof_stats: %d after the kill\n", rc);
	} else {
		for (i = 0; i < 500000; i++)
			churn();
	}
	printf("done\n");
	fflush(stdout);
	return 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read the target's stdout until `word` appears, or the bound passes. */
static int
wait_for(int fd, char *buf, size_t size, size_t *got, const char *word,
    long deadline)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;
	long left;

	for (;;) {
		buf[*got] = '\0';
		if (strstr(buf, word) != NULL)
			return 0;
		left = deadline - now_ms();
		if (left <= 0 || *got == size - 1)
			return -1;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			return -1;
		if (pfd.revents == 0)
			continue;
		n = read(fd, buf + *got, size - 1 - *got);
		if (n <= 0)
			return -1;
		*got += (size_t)n;
	}
}

int
main(int argc, char **argv)
{
	char buf[256], *p;
	int in[2], out[2];
	size_t got = 0;
	long deadline, target_pid = 0;
	siginfo_t si;
	pid_t cli;

	if (argc == 2 && strcmp(argv[1], "target") == 0)
		return target(0);
	if (argc == 2 && strcmp(argv[1], "target-stats") == 0)
		return target(1);
	if (argc != 4 && argc != 5)
		return 2;
	if (pipe(in) == -1 || pipe(out) == -1)
		return 2;
	cli = fork();
	if (cli == -1)
		return 2;
	if (cli == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execl(argv[1], argv[1], "run", "-o", argv[3], "--", argv[2],
		    argc == 5 ? "target-stats" : "target", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	deadline = now_ms() + BOUND_MS;
	if (wait_for(out[0], buf, sizeof buf, &got, "started ", deadline) ==
	    -1) {
		fprintf(stderr, "killcollector: the target did not start\n");
		return 1;
	}
	p = strstr(buf, "started ");
	target_pid = strtol(p + 8, NULL, 10);
	kill(cli, SIGKILL);
	/* Dead but not reaped, as by a parent busy elsewhere. */
	if (waitid(P_PID, (id_t)cli, &si, WEXITED | WNOWAIT) == -1)
		return 2;
	if (write(in[1], "x", 1) != 1)
		return 2;
	if (wait_for(out[0], buf, sizeof buf, &got, "done\n", deadline) ==
	    -1) {
		fprintf(stderr, "killcollector: the target hangs while "
		    "heapprof is a zombie\n");
		if (target_pid > 0)
			kill((pid_t)target_pid, SIGKILL);
		waitpid(cli, NULL, 0);
		return 1;
	}
	waitpid(cli, NULL, 0);
	return 0;
}
