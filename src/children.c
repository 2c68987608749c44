/*
 * children.c - `run --children` in the CLI: take the rings the processes
 * of the target's tree make for themselves (agent/children.c), and keep a
 * collector for each.
 *
 * A forked child's profile starts as a copy of its parent's collector at
 * the HP_REC_FORK record the parent sent just before fork(), so the blocks
 * it inherited are known to it (valgrind's --trace-children gives a forked
 * child its parent's history too).  The child's ring is not drained until
 * that record has been reached in the parent's stream.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "children.h"
#include "wire.h"
#include "xmalloc.h"

int
children_listen(struct children *ch)
{
	struct sockaddr_un addr;
	struct timespec ts;
	char name[48];
	size_t n;

	memset(ch, 0, sizeof *ch);
	ch->listen_fd = socket(AF_UNIX,
	    SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
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
	snprintf(ch->env, sizeof ch->env, "%ld:%s", (long)getpid(), name);
	return 0;
}

void
children_release(struct children *ch)
{
	size_t i;

	for (i = 0; i < ch->nprocs; i++) {
		ring_unmap(&ch->procs[i]->ring);
		collector_release(&ch->procs[i]->c);
		if (ch->procs[i]->pidfd != -1)
			close(ch->procs[i]->pidfd);
		free(ch->procs[i]->command);
		free(ch->procs[i]);
	}
	free(ch->procs);
	for (i = 0; i < ch->ncopies; i++)
		collector_release(&ch->copies[i].c);
	free(ch->copies);
	if (ch->listen_fd != -1)
		close(ch->listen_fd);
	memset(ch, 0, sizeof *ch);
	ch->listen_fd = -1;
}

int
children_record(struct children *ch, struct collector *c, uint32_t pid,
    const struct hp_rec *rec)
{
	const struct hp_rec_fork *f;
	struct fork_copy *copy;

	if (collector_record(c, rec) == -1)
		return -1;
	if (ch == NULL || rec->type != HP_REC_FORK)
		return 0;
	f = (const struct hp_rec_fork *)rec;
	ch->copies = xgrow(ch->copies, &ch->copies_cap, ch->ncopies + 1,
	    sizeof *ch->copies);
	copy = &ch->copies[ch->ncopies++];
	copy->pid = pid;
	copy->token = f->token;
	collector_copy(&copy->c, c);
	return 0;
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

static int
proc_gone(const struct child_proc *p)
{
	struct pollfd pfd = { p->pidfd, POLLIN, 0 };

	if (p->pidfd != -1)
		return poll(&pfd, 1, 0) == 1;
	return kill(p->pid, 0) == -1 && errno == ESRCH;
}

struct drain_ctx {
	struct children *ch;
	struct child_proc *p;
};

static int
child_record(void *ctx, const struct hp_rec *rec)
{
	struct drain_ctx *d = ctx;

	return children_record(d->ch, &d->p->c, (uint32_t)d->p->pid, rec);
}

static void
end_child(struct children *ch, struct child_proc *p)
{
	struct drain_ctx d = { ch, p };
	uint64_t num, den;
	size_t abandoned;

	ring_drain_abandoned(&p->ring, child_record, &d, &abandoned);
	p->c.anomalies.bad_record += abandoned;
	collector_check_ring(&p->c, &p->ring);
	collector_finish(&p->c, ring_clock_now(&p->ring));
	ring_clock_rate(&p->ring, &num, &den);
	collector_scale_time(&p->c, num, den);
	p->state = CHILD_ENDED;
}

static void
take_ring(struct children *ch, int fd, const struct hp_child_hello *h)
{
	struct child_proc *p;
	size_t i;

	/* The same pid again: it exec'd, and its old image sends no more. */
	for (i = 0; i < ch->nprocs; i++)
		if (ch->procs[i]->pid == (pid_t)h->pid &&
		    ch->procs[i]->state == CHILD_RUNNING)
			end_child(ch, ch->procs[i]);
	p = xcalloc(1, sizeof *p);
	p->ring.fd = -1;
	if (ring_attach(&p->ring, fd) == -1) {
		close(fd);
		free(p);
		return;
	}
	ring_own(&p->ring);
	p->pid = (pid_t)h->pid;
	p->pidfd = open_pidfd(p->pid);
	p->parent_pid = h->parent_pid;
	p->fork_token = h->fork_token;
	p->command = xstrndup(h->command, strnlen(h->command,
	    sizeof h->command));
	p->start = time(NULL);
	p->state = h->fork_token != 0 ? CHILD_WAITING : CHILD_RUNNING;
	if (p->state == CHILD_RUNNING)
		collector_init(&p->c);
	ch->procs = xgrow(ch->procs, &ch->procs_cap, ch->nprocs + 1,
	    sizeof *ch->procs);
	ch->procs[ch->nprocs++] = p;
}

static void
accept_rings(struct children *ch)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct hp_child_hello h;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	ssize_t n;
	int conn, fd;

	while ((conn = accept4(ch->listen_fd, NULL, NULL,
	    SOCK_CLOEXEC)) != -1) {
		iov.iov_base = &h;
		iov.iov_len = sizeof h;
		memset(&msg, 0, sizeof msg);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof control.buf;
		do
			n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		while (n == -1 && errno == EINTR);
		close(conn);
		cm = CMSG_FIRSTHDR(&msg);
		if (n != (ssize_t)sizeof h || cm == NULL ||
		    cm->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&fd, CMSG_DATA(cm), sizeof fd);
		if (h.magic != HP_WIRE_MAGIC || h.version != HP_WIRE_VERSION) {
			close(fd);
			continue;
		}
		take_ring(ch, fd, &h);
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
		if (ch->procs[i]->pid == (pid_t)p->parent_pid &&
		    ch->procs[i]->state != CHILD_ENDED)
			return 1;
	return 0;
}

/* A forked child starts from the copy its parent's stream left for it. */
static void
claim_copy(struct children *ch, struct child_proc *p)
{
	size_t i;

	for (i = 0; i < ch->ncopies; i++) {
		if (ch->copies[i].pid != p->parent_pid ||
		    ch->copies[i].token != p->fork_token)
			continue;
		p->c = ch->copies[i].c;
		p->c.pid = (uint32_t)p->pid;
		ch->copies[i] = ch->copies[--ch->ncopies];
		p->state = CHILD_RUNNING;
		return;
	}
}

size_t
children_poll(struct children *ch)
{
	struct drain_ctx d = { ch, NULL };
	struct child_proc *p;
	size_t i, n = 0;

	accept_rings(ch);
	for (i = 0; i < ch->nprocs; i++) {
		p = ch->procs[i];
		if (p->state == CHILD_WAITING)
			claim_copy(ch, p);
		if (p->state == CHILD_WAITING && !parent_may_send(ch, p)) {
			/* Its parent ended without reaching the fork record. */
			collector_init(&p->c);
			p->state = CHILD_RUNNING;
		}
		if (p->state != CHILD_RUNNING)
			continue;
		d.p = p;
		if (proc_gone(p)) {
			end_child(ch, p);
			continue;
		}
		n += ring_drain(&p->ring, child_record, &d);
		collector_check_ring(&p->c, &p->ring);
	}
	return n;
}

int
children_running(const struct children *ch)
{
	size_t i;

	for (i = 0; i < ch->nprocs; i++)
		if (ch->procs[i]->state != CHILD_ENDED)
			return 1;
	return 0;
}
