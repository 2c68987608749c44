/* SPDX-License-Identifier: MIT */
/*
 * children.c - `run --children`: every process of the tree is profiled into
 * a ring of its own.  The process asks the CLI for it over an abstract
 * unix socket named in HEAPPROF_CHILDREN (see wire.h) and waits for the
 * answer, so nothing depends on fds or environment the program may have
 * changed since start-up, except for exec'd programs, which find the agent
 * through LD_PRELOAD and the socket through the environment like any
 * child.  The CLI makes the ring: the process's own file-size limit
 * (RLIMIT_FSIZE, which a memfd's size counts against) is not in the way.
 *
 * A forked child's heap is a copy of its parent's: just before fork() the
 * parent sends an HP_REC_FORK record with a token, the child sends the
 * same token, and the CLI starts the child's profile from a copy of the
 * parent's state at that record.  Nothing here allocates.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"
#include "ring.h"
#include "wire.h"

static struct sockaddr_un cli_addr;
static socklen_t cli_addr_len;
static uint32_t cli_pid;

int
children_init(const char *value)
{
	const char *name;
	char *end;
	size_t n;

	cli_pid = (uint32_t)strtoul(value, &end, 10);
	if (*end != ':' || cli_pid == 0)
		return -1;
	name = end + 1;
	n = strlen(name);
	if (n == 0 || n + 1 > sizeof cli_addr.sun_path)
		return -1;
	memset(&cli_addr, 0, sizeof cli_addr);
	cli_addr.sun_family = AF_UNIX;
	/* Abstract: a leading NUL, no file to clean up, no path to reach. */
	memcpy(cli_addr.sun_path + 1, name, n);
	cli_addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	return 0;
}

/* Read now: the CLI may look only after the process is gone. */
static void
read_command(char *buf, size_t size)
{
	ssize_t n = -1, i;
	int fd;

	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
}

/*
 * The answer must come from the CLI itself (its pid, our user), with a
 * memfd whose size is sealed: anything else could make us fault.
 */
static int
take_answer(int sock)
{
	const int need = F_SEAL_SHRINK | F_SEAL_GROW;
	struct hp_child_ring answer;
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	struct ucred cred;
	socklen_t len = sizeof cred;
	ssize_t n;
	int fd, seals;

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (uint32_t)cred.pid != cli_pid || cred.uid != geteuid())
		return -1;
	iov.iov_base = &answer;
	iov.iov_len = sizeof answer;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof control.buf;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm == NULL || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	seals = fcntl(fd, F_GET_SEALS);
	if (n != (ssize_t)sizeof answer || answer.magic != HP_WIRE_MAGIC ||
	    answer.version != HP_WIRE_VERSION || (msg.msg_flags &
	    (MSG_TRUNC | MSG_CTRUNC)) != 0 || seals == -1 ||
	    (seals & need) != need) {
		close(fd);
		return -1;
	}
	return fd;
}

int
children_ring(struct ring *r, uint32_t parent_pid, uint64_t fork_token,
    const struct agent_clock *inherit)
{
	struct hp_child_hello hello;
	int sock, fd;

	sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sock == -1)
		return -1;
	memset(&hello, 0, sizeof hello);
	hello.magic = HP_WIRE_MAGIC;
	hello.version = HP_WIRE_VERSION;
	hello.pid = (uint32_t)getpid();
	hello.parent_pid = parent_pid;
	hello.fork_token = fork_token;
	read_command(hello.command, sizeof hello.command);
	/* Refused (not of the tree, or another user): not profiled. */
	if (connect(sock, (struct sockaddr *)&cli_addr, cli_addr_len) == -1 ||
	    send(sock, &hello, sizeof hello, MSG_NOSIGNAL) !=
	    (ssize_t)sizeof hello || (fd = take_answer(sock)) == -1) {
		close(sock);
		return -1;
	}
	close(sock);
	if (ring_attach(r, fd) == -1) {
		close(fd);
		return -1;
	}
	/* The mapping is all we need. */
	close(r->fd);
	r->fd = -1;
	if (inherit != NULL) {
		r->hdr->clock = inherit->clock;
		r->hdr->clock_origin = inherit->origin;
		r->hdr->mono_origin = inherit->mono_origin;
	}
	return 0;
}
