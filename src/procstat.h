/* SPDX-License-Identifier: MIT */
/*
 * procstat.h - what /proc/PID/stat tells about a process and its threads.
 *
 * Linked into the agent as well as the CLI (ring.c uses it), so it uses
 * nothing that allocates and no stdio.
 */
#ifndef HEAPPROF_PROCSTAT_H
#define HEAPPROF_PROCSTAT_H

#include <sys/types.h>

/* The parent of pid, or -1 if its stat cannot be read. */
pid_t procstat_parent(pid_t pid);

/*
 * Is a thread of pid stopped: by a signal (SIGSTOP, SIGTSTP, Ctrl-Z) or
 * by a debugger (ptrace stop)?  1 if one is, 0 if none is or the threads
 * cannot be read (the process is gone).
 */
int procstat_stopped(pid_t pid);

#endif
