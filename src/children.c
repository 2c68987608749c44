/* SPDX-License-Identifier: MIT */
/*
 * children.c - `run --children` in the CLI: give every process of the
 * target's tree that asks (agent/children.c) a ring of its own, and keep a
 * collector for each.
 *
 * The socket is abstract, so any local process can connect: only one of
 * the tree, of heapprof's user, asking for its own pid, is answered.  The
 * tree is what descends from the target, or from heapprof itself, which
 * adopts the orphans of the tree as their subreaper: a process whose
 * parent is gone would otherwise be init's, like any other.
 *
 * A forked child's profile starts as a copy of its parent's collector at
 * the HP_REC_FORK record the parent sent just before fork(), so the blocks
 * it inherited are known to it (valgrind's --trace-children gives a forked
 * child its parent's history too).  The child's ring is not drained until
 * that record has been reached in the parent's stream.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "procstat.h"
#include "wire.h"
#include "xmalloc.h"

/*
 * A process of the tree sends its hello right after connecting; one that
 * does not holds the answers up this long at most.
 */
#define HELLO_TIMEOUT_MS	5000
/* Deeper than any real process tree; ends a walk through a ppid loop. */
#define MAX_DEPTH		4096
/*
 * Test-only: HEAPPROF_TEST_SLOW_ANSWER=MS makes the thread take MS
 * milliseconds to get to each connection, and refuse it if heapprof
 * stopped listening meanwhile: as if the process had asked for its ring
 * only after the rest of the tree ended.
 */
#define SLOW_ANSWER_ENV		"HEAPPROF_TEST_SLOW_ANSWER"

static void end_child(struct child_proc *, int);
static void take_fresh(struct children *);

int
children_listen(struct children *ch)
{
	struct sockaddr_un addr;
	struct timespec ts;
	const char *env;
	char name[48];
	size_t n;

	memset(ch, 0, sizeof *ch);
	ch->self = getpid();
	ch->uid = geteuid();
	ch->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ch->listen_fd == -1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = (size_t)snprintf(name, sizeof name, "heapprof-%ld-%lx",
	    (long)getpid(), (unsigned long)ts.tv_nsec);
	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path + 1, name, n);
	if (bind(ch->listen_fd, (struct sockaddr *)&addr,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) == -1 ||
	    listen(ch->listen_fd, 128) == -1) {
		close(ch->listen_fd);
		ch->listen_fd = -1;
		return -1;
	}
	env = getenv(SLOW_ANSWER_ENV);
	ch->slow_ms = env != NULL ? atoi(env) : 0;
	/* Not fatal: orphans are then init's, and refused. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	pthread_mutex_init(&ch->lock, NULL);
	snprintf(ch->env, sizeof ch->env, "%ld:%s", (long)getpid(), name);
	return 0;
}

static void
free_proc(struct child_proc *p)
{
	stream_release(&p->s);
	if (p->pidfd != -1)
		close(p->pidfd);
	free(p);
}

/* Stop the thread: no process is answered after this. */
static void
stop_listening(struct children *ch)
{
	if (ch->listening) {
		__atomic_store_n(&ch->stopping, 1, __ATOMIC_RELEASE);
		/* Wakes the thread: accept() fails once the queue is empty. */
		shutdown(ch->listen_fd, SHUT_RDWR);
		pthread_join(ch->listener, NULL);
		ch->listening = 0;
	}
	ch->stopped = 1;
	if (ch->listen_fd != -1) {
		/* Those still waiting for an answer are refused. */
		close(ch->listen_fd);
		ch->listen_fd = -1;
	}
}

void
children_release(struct children *ch)
{
	size_t i;

	stop_listening(ch);
	take_fresh(ch);
	for (i = 0; i < ch->nprocs; i++)
		free_proc(ch->procs[i]);
	free(ch->procs);
	free(ch->fresh);
	for (i = 0; i < ch->copies.n; i++)
		collector_release(&ch->copies.v[i].c);
	free(ch->copies.v);
	pthread_mutex_destroy(&ch->lock);
	memset(ch, 0, sizeof *ch);
	ch->listen_fd = -1;
}

uint64_t
children_failed_asserts(const struct children *ch)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < ch->nprocs; i++)
		if (ch->procs[i]->state == CHILD_ENDED)
			n += ch->procs[i]->s.c.failed_asserts;
	return n;
}

static int
open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* With a pidfd, a pid that was given out again is not mistaken for p. */
static int
gone(int pidfd, pid_t pid)
{
	struct pollfd pfd = { pidfd, POLLIN, 0 };

	if (pidfd != -1)
		return poll(&pfd, 1, 0) == 1;
	return kill(pid, 0) == -1 && errno == ESRCH;
}

/*
 * Does pid descend from the target (or is it the target, after an exec)?
 * A process whose parent ended was adopted by heapprof, the subreaper:
 * heapprof's only other child is the target.
 */
static int
in_tree(const struct children *ch, pid_t pid)
{
	int depth;

	for (depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
		if (pid == (pid_t)ch->main_pid)
			return 1;
		if (pid == ch->self)
			return depth > 0;
		pid = procstat_parent(pid);
	}
	return 0;
}

/* Read the one hello a process sends; 0 if it is whole and well-formed. */
static int
read_hello(int conn, struct hp_child_hello *h)
{
	struct {
		struct hp_child_hello h;
		char more;	/* to see a longer message */
	} buf;
	struct pollfd pfd = { conn, POLLIN, 0 };
	ssize_t n;

	if (poll(&pfd, 1, HELLO_TIMEOUT_MS) != 1)
		return -1;
	do
		n = recv(conn, &buf, sizeof buf, MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof buf.h || buf.h.magic != HP_WIRE_MAGIC ||
	    buf.h.version != HP_WIRE_VERSION)
		return -1;
	*h = buf.h;
	return 0;
}

static int
send_ring(int conn, int fd)
{
	struct hp_child_ring answer = { HP_WIRE_MAGIC, HP_WIRE_VERSION };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	ssize_t n;

	iov.iov_base = &answer;
	iov.iov_len = sizeof answer;
	memset(&msg, 0, sizeof msg);
	memset(&control, 0, sizeof control);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof control.buf;
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	do
		n = sendmsg(conn, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n == (ssize_t)sizeof answer ? 0 : -1;
}

/*
 * Answer one connection with a new ring, or refuse it by closing.  Who
 * asks is checked before anything it sent is read: heapprof's user, of
 * the tree, asking for itself.
 */
static void
answer(struct children *ch, int conn)
{
	struct hp_child_hello h;
	struct child_proc *p;
	struct ucred cred;
	socklen_t len = sizeof cred;
	int pidfd;

	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.uid != ch->uid || cred.pid <= 0)
		return;
	/*
	 * Taken before the walk, a pidfd tells whether the process lived
	 * through it, and so whether the pid named it all along.  Without
	 * one (no pidfd_open, out of fds) the pid is the only handle.
	 */
	pidfd = open_pidfd(cred.pid);
	if ((pidfd == -1 && errno == ESRCH) || !in_tree(ch, cred.pid) ||
	    gone(pidfd, cred.pid) || read_hello(conn, &h) == -1 ||
	    h.pid != (uint32_t)cred.pid) {
		if (pidfd != -1)
			close(pidfd);
		return;
	}
	p = xcalloc(1, sizeof *p);
	stream_init(&p->s);
	p->s.forks = &ch->copies;
	p->pidfd = pidfd;
	if (ring_create(&p->s.ring, HP_CHILD_RING_SIZE) == -1) {
		free_proc(p);
		return;
	}
	p->s.ring.hdr->mode = ch->mode;
	if (send_ring(conn, p->s.ring.fd) == -1) {
		free_proc(p);
		return;
	}
	/* The mapping is all heapprof needs: one fd per process less. */
	close(p->s.ring.fd);
	p->s.ring.fd = -1;
	stream_set_pid(&p->s, cred.pid);
	p->parent_pid = h.parent_pid;
	p->fork_token = h.fork_token;
	p->s.command = xstrndup(h.command, strnlen(h.command,
	    sizeof h.command));
	p->s.start = time(NULL);
	p->state = h.fork_token != 0 ? CHILD_WAITING : CHILD_RUNNING;
	pthread_mutex_lock(&ch->lock);
	ch->fresh = xgrow(ch->fresh, &ch->fresh_cap, ch->nfresh + 1,
	    sizeof *ch->fresh);
	ch->fresh[ch->nfresh++] = p;
	pthread_mutex_unlock(&ch->lock);
}

static void *
listen_loop(void *arg)
{
	struct children *ch = arg;
	struct pollfd pfd = { ch->listen_fd, POLLIN, 0 };
	int conn;

	for (;;) {
		if (ch->slow_ms > 0 && poll(&pfd, 1, -1) == 1) {
			poll(NULL, 0, ch->slow_ms);
			/* As if the connection came after the stop. */
			if (__atomic_load_n(&ch->stopping, __ATOMIC_ACQUIRE))
				return NULL;
		}
		conn = accept4(ch->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn != -1) {
			answer(ch, conn);
			close(conn);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		/* Out of fds or memory for now: the connection waits. */
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			poll(NULL, 0, 10);
			continue;
		}
		/* EINVAL: stop_listening() shut the socket down. */
		return NULL;
	}
}

static void
start_listening(struct children *ch)
{
	sigset_t all, old;

	if (ch->listening || ch->stopped || ch->listen_fd == -1)
		return;
	/* Signals are the main thread's: the session's handlers expect so. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ch->listening = pthread_create(&ch->listener, NULL, listen_loop,
	    ch) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * Drain what is left and close the profile.  A process still alive (given
 * up on) may be writing a record: that one is not counted as abandoned.
 */
static void
end_child(struct child_proc *p, int alive)
{
	stream_end(&p->s, alive);
	p->state = CHILD_ENDED;
	/* Many may end before the session does: their rings go now. */
	ring_unmap(&p->s.ring);
	if (p->pidfd != -1)
		close(p->pidfd);
	p->pidfd = -1;
}

/* Move the processes the thread answered to procs. */
static void
take_fresh(struct children *ch)
{
	struct child_proc *p;
	size_t i, j, first = ch->nprocs;

	pthread_mutex_lock(&ch->lock);
	ch->procs = xgrow(ch->procs, &ch->procs_cap, ch->nprocs + ch->nfresh,
	    sizeof *ch->procs);
	for (i = 0; i < ch->nfresh; i++)
		ch->procs[ch->nprocs++] = ch->fresh[i];
	ch->nfresh = 0;
	pthread_mutex_unlock(&ch->lock);

	for (i = first; i < ch->nprocs; i++) {
		p = ch->procs[i];
		/* The same pid again: it exec'd, and its old image sends no more. */
		for (j = 0; j < i; j++)
			if (ch->procs[j]->s.pid == p->s.pid &&
			    ch->procs[j]->state == CHILD_RUNNING)
				end_child(ch->procs[j], 0);
		/*
		 * Owned by this thread, which lives to the end: a robust
		 * futex is released when its owner thread exits.
		 */
		ring_own(&p->s.ring);
		if (p->state == CHILD_RUNNING)
			stream_begin(&p->s, NULL);
	}
}

/*
 * Reap the tree's orphans heapprof adopted, once ended; never the target,
 * which the session waits for.
 */
static void
reap_orphans(const struct children *ch)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
		    si.si_pid == 0 || si.si_pid == (pid_t)ch->main_pid)
			return;
		waitpid(si.si_pid, NULL, WNOHANG);
	}
}

/* Can a fork record for p still come from its parent's stream? */
static int
parent_may_send(const struct children *ch, const struct child_proc *p)
{
	size_t i;

	if (p->parent_pid == ch->main_pid)
		return !ch->main_ended;
	for (i = 0; i < ch->nprocs; i++)
		if (ch->procs[i]->s.pid == (pid_t)p->parent_pid &&
		    ch->procs[i]->state != CHILD_ENDED)
			return 1;
	return 0;
}

/* A forked child starts from the copy its parent's stream left for it. */
static void
claim_copy(struct children *ch, struct child_proc *p)
{
	size_t i;

	for (i = 0; i < ch->copies.n; i++) {
		if (ch->copies.v[i].pid != p->parent_pid ||
		    ch->copies.v[i].token != p->fork_token)
			continue;
		stream_begin(&p->s, &ch->copies.v[i].c);
		ch->copies.v[i] = ch->copies.v[--ch->copies.n];
		p->state = CHILD_RUNNING;
		return;
	}
}

size_t
children_poll(struct children *ch)
{
	struct child_proc *p;
	size_t i, n = 0;

	start_listening(ch);
	reap_orphans(ch);
	take_fresh(ch);
	for (i = 0; i < ch->nprocs; i++) {
		p = ch->procs[i];
		if (p->state == CHILD_WAITING)
			claim_copy(ch, p);
		if (p->state == CHILD_WAITING && !parent_may_send(ch, p)) {
			/* Its parent ended without reaching the fork record. */
			stream_begin(&p->s, NULL);
			p->state = CHILD_RUNNING;
		}
		if (p->state != CHILD_RUNNING)
			continue;
		if (gone(p->pidfd, p->s.pid)) {
			end_child(p, 0);
			continue;
		}
		n += stream_drain(&p->s);
	}
	return n;
}

static int
children_running(struct children *ch)
{
	size_t i;
	int fresh;

	pthread_mutex_lock(&ch->lock);
	fresh = ch->nfresh != 0;
	pthread_mutex_unlock(&ch->lock);
	if (fresh)
		return 1;
	for (i = 0; i < ch->nprocs; i++)
		if (ch->procs[i]->state != CHILD_ENDED)
			return 1;
	return 0;
}

/*
 * Does heapprof have a child still alive?  Once the target is reaped, its
 * other children are the orphans of the tree it adopted.
 */
static int
has_live_child(const struct children *ch)
{
	siginfo_t si;

	reap_orphans(ch);
	memset(&si, 0, sizeof si);
	/* ECHILD: none at all; a zombie that just appeared is reaped next. */
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

int
children_done(struct children *ch, int give_up)
{
	struct child_proc *p;
	size_t i;

	if (!give_up && children_running(ch))
		return 0;
	/*
	 * A fork whose child has not asked for its ring yet: its parent may
	 * have ended at once (as a daemon does), and the child, adopted, is
	 * on its way.  Waiting is over when no orphan is left alive.
	 */
	if (!give_up && ch->copies.n != 0 && has_live_child(ch))
		return 0;
	/* One may have been answered meanwhile: it is drained like any. */
	stop_listening(ch);
	take_fresh(ch);
	if (!give_up)
		return !children_running(ch);
	for (i = 0; i < ch->nprocs; i++) {
		p = ch->procs[i];
		if (p->state == CHILD_WAITING) {
			claim_copy(ch, p);
			if (p->state == CHILD_WAITING)
				stream_begin(&p->s, NULL);
		}
		if (p->state != CHILD_ENDED)
			end_child(p, !gone(p->pidfd, p->s.pid));
	}
	return 1;
}
