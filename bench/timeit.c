/* SPDX-License-Identifier: MIT */
/*
 * timeit.c - run a command and print its wall time, and with --hwm the
 * peak resident memory of that process alone.
 *
 * usage: timeit [--hwm] [-o FILE] -- COMMAND [ARG...]
 * prints "SECONDS HWM_KB STATUS CHLD_SECONDS CPU CHILDREN_CPU" to FILE or
 * stderr, and exits with COMMAND's status.  STATUS is the exit status, or
 * 128+N for death by signal N.  Without --hwm the fields after STATUS are 0.
 * With it, CHLD_SECONDS is when COMMAND first received SIGCHLD: for
 * heapprof run, the moment its target ended, so SECONDS - CHLD_SECONDS is
 * the time the CLI spent after the target (the last drain, symbolizing,
 * writing); CPU is COMMAND's own user+system time and CHILDREN_CPU that of
 * the children it waited for (the target), in seconds, at clock-tick
 * resolution.
 *
 * Why not /usr/bin/time -f %M: for a process that waits for its children
 * (heapprof run waits for the target), ru_maxrss is the largest of the
 * process and all its descendants, so it would report the target's memory,
 * not the CLI's.  With --hwm the command runs under ptrace with only
 * PTRACE_O_TRACEEXIT set: it stops once, as it exits but while its memory
 * is still mapped, and VmHWM is read from /proc/PID/status then.  Its
 * children are not traced; signals are passed on unchanged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long
read_hwm(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* utime+stime and cutime+cstime from /proc/PID/stat, in seconds. */
static void
read_cpu(pid_t pid, double *self, double *children)
{
	unsigned long long ut, st;
	long long cut, cst;
	char path[64], buf[1024], *p;
	double hz = (double)sysconf(_SC_CLK_TCK);
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	p = fgets(buf, sizeof buf, f);
	fclose(f);
	/* The command name may hold spaces: fields start after its ')'. */
	if (p == NULL || (p = strrchr(buf, ')')) == NULL)
		return;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %lld %lld", &ut, &st, &cut, &cst) == 4) {
		*self = (double)(ut + st) / hz;
		*children = (double)(cut + cst) / hz;
	}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char *out = NULL;
	int hwm = 0, traced = 0, status, sig, code;
	long kb = 0;
	double t0, t1, chld = 0, cpu = 0, ccpu = 0;
	FILE *f;
	pid_t pid;

	while (argc > 1 && argv[1][0] == '-') {
		if (strcmp(argv[1], "--hwm") == 0) {
			hwm = 1;
		} else if (strcmp(argv[1], "-o") == 0 && argc > 2) {
			out = argv[2];
			argv++, argc--;
		} else if (strcmp(argv[1], "--") == 0) {
			argv++, argc--;
			break;
		} else {
			fprintf(stderr, "timeit: unknown option '%s'\n", argv[1]);
			return 125;
		}
		argv++, argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: timeit [--hwm] [-o FILE] -- COMMAND [ARG...]\n");
		return 125;
	}
	t0 = now();
	pid = fork();
	if (pid == -1) {
		perror("timeit: fork");
		return 125;
	}
	if (pid == 0) {
		if (hwm && ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1)
			_exit(126);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "timeit: cannot run '%s': %s\n", argv[1],
		    strerror(errno));
		_exit(127);
	}
	for (;;) {
		if (waitpid(pid, &status, 0) == -1) {
			if (errno == EINTR)
				continue;
			perror("timeit: waitpid");
			return 125;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (!WIFSTOPPED(status))
			continue;
		sig = WSTOPSIG(status);
		if (sig == SIGCHLD && chld == 0)
			chld = now() - t0;
		if (sig == SIGTRAP && (status >> 16) == PTRACE_EVENT_EXIT) {
			kb = read_hwm(pid);
			read_cpu(pid, &cpu, &ccpu);
			sig = 0;
		} else if (sig == SIGTRAP && !traced) {
			/* The stop after execve: set the options once. */
			ptrace(PTRACE_SETOPTIONS, pid, NULL,
			    (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
			traced = 1;
			sig = 0;
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	t1 = now();
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	f = out != NULL ? fopen(out, "w") : stderr;
	if (f == NULL) {
		perror("timeit: output");
		return 125;
	}
	fprintf(f, "%.6f %ld %d %.6f %.2f %.2f\n", t1 - t0, kb, code, chld,
	    cpu, ccpu);
	if (f != stderr)
		fclose(f);
	return code;
}
