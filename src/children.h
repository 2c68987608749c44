/* SPDX-License-Identifier: MIT */
/*
 * children.h - the CLI's side of `run --children`: every process of the
 * target's tree other than the target itself asks for a ring of its own
 * (see HP_ENV_CHILDREN in wire.h) and gets a collector of its own.
 */
#ifndef HEAPPROF_CHILDREN_H
#define HEAPPROF_CHILDREN_H

#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "collect.h"
#include "stream.h"

enum child_state {
	CHILD_WAITING,		/* forked: waits for the parent's copy */
	CHILD_RUNNING,
	CHILD_ENDED
};

/* Its stream's command is the command line as the process reported it. */
struct child_proc {
	struct stream s;
	int pidfd;		/* readable once the process ended; -1 if none */
	enum child_state state;
	uint32_t parent_pid;
	uint64_t fork_token;
};

/*
 * A thread answers the processes that ask for a ring, so that none waits
 * for the collector's next round; the collector takes the new ones from
 * `fresh`.
 */
struct children {
	int listen_fd;
	uint32_t main_pid;	/* the target, whose stream the session drains */
	int main_ended;		/* ... and has drained to its end */
	char env[64];		/* the HEAPPROF_CHILDREN value */
	uint32_t mode;		/* enum hp_mode, for every ring */
	struct child_proc **procs;
	size_t nprocs, procs_cap;
	struct fork_copies copies;	/* left by every stream's forks */

	pid_t self;		/* heapprof, which adopts the tree's orphans */
	uid_t uid;		/* the only user whose processes are taken */
	int listening;		/* the thread runs */
	int stopped;		/* ... and was stopped: take no more */
	int stopping;		/* tells the thread to end (test-only use) */
	int slow_ms;		/* test-only: see SLOW_ANSWER_ENV */
	pthread_t listener;
	pthread_mutex_t lock;	/* guards fresh */
	struct child_proc **fresh;
	size_t nfresh, fresh_cap;
};

/*
 * Listen on a fresh abstract socket, and become the subreaper of what the
 * target will start (PR_SET_CHILD_SUBREAPER), so that a process whose
 * parent is gone is still known to be of the tree.  The thread that
 * answers starts at the first children_poll(), once main_pid is set.
 * Returns 0, or -1 with errno set.
 */
int children_listen(struct children *ch);
void children_release(struct children *ch);

/* Failed HEAPPROF_ASSERTs in the processes that ended: they fail the run. */
uint64_t children_failed_asserts(const struct children *ch);

/*
 * Take new rings, start forked children from their parent's copy, drain
 * every running child, end those whose process is gone, and reap the
 * tree's orphans that ended.  Returns the number of records drained.
 */
size_t children_poll(struct children *ch);

/*
 * Once the target has ended: 1 when no process of the tree can send events
 * any more, after which no new process is taken.  With give_up, 1 at once:
 * the processes still running are left to run, and their profiles end
 * with what they sent so far.
 */
int children_done(struct children *ch, int give_up);

#endif
