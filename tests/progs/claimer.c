/* SPDX-License-Identifier: MIT */
/*
 * claimer.c - ask a `heapprof run --children` session for a ring the way
 * a stranger would: claimer NAME PID.  NAME is the abstract socket ("-":
 * the one in HEAPPROF_CHILDREN); PID the pid claimed ("self": its own,
 * "parent": its parent's).
 * A fake ring goes along with the hello, as an older heapprof took it.
 * Prints "refused", or "answered" and whether the ring it got can be
 * shrunk ("shrink: refused" when its size is sealed).
 */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wire.h"

/* A ring holding one published hello from pid. */
static int
fake_ring(uint32_t pid)
{
	const uint64_t cap = 65536;
	struct hp_ring_header *h;
	struct hp_rec_hello *r;
	int fd;

	fd = memfd_create("fake-ring", MFD_CLOEXEC);
	if (fd == -1 || ftruncate(fd, HP_RING_HEADER_SIZE + cap) == -1)
		return -1;
	h = mmap(NULL, HP_RING_HEADER_SIZE + cap, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	if (h == MAP_FAILED)
		return -1;
	h->magic = HP_WIRE_MAGIC;
	h->version = HP_WIRE_VERSION;
	h->capacity = cap;
	h->clock = HP_CLOCK_MONOTONIC;
	r = (struct hp_rec_hello *)(void *)((char *)h + HP_RING_HEADER_SIZE);
	r->pid = pid;
	r->wire_version = HP_WIRE_VERSION;
	r->hdr.type = HP_REC_HELLO;
	h->head = sizeof *r;
	__atomic_store_n(&r->hdr.len, sizeof *r, __ATOMIC_RELEASE);
	return fd;
}

int
main(int argc, char **argv)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct hp_child_hello hello;
	struct sockaddr_un addr;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	const char *name;
	char answer[64];
	uint32_t pid;
	int sock, fd;
	ssize_t n;

	if (argc != 3)
		return 2;
	name = argv[1];
	if (strcmp(name, "-") == 0) {
		name = getenv(HP_ENV_CHILDREN);
		if (name == NULL || (name = strchr(name, ':')) == NULL)
			return 2;
		name++;
	}
	if (strcmp(argv[2], "self") == 0)
		pid = (uint32_t)getpid();
	else if (strcmp(argv[2], "parent") == 0)
		pid = (uint32_t)getppid();
	else
		pid = (uint32_t)strtoul(argv[2], NULL, 10);
	if ((fd = fake_ring(pid)) == -1)
		return 1;
	sock = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path + 1, name, strlen(name));
	if (connect(sock, (struct sockaddr *)&addr, (socklen_t)(offsetof(
	    struct sockaddr_un, sun_path) + 1 + strlen(name))) == -1) {
		perror("claimer: connect");
		return 1;
	}
	memset(&hello, 0, sizeof hello);
	hello.magic = HP_WIRE_MAGIC;
	hello.version = HP_WIRE_VERSION;
	hello.pid = pid;
	snprintf(hello.command, sizeof hello.command, "claimer %u", pid);
	iov.iov_base = &hello;
	iov.iov_len = sizeof hello;
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
	/* A refusal may close the connection before this is sent. */
	sendmsg(sock, &msg, MSG_NOSIGNAL);
	close(fd);

	iov.iov_base = answer;
	iov.iov_len = sizeof answer;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof control.buf;
	n = recvmsg(sock, &msg, 0);
	cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS) {
		printf("refused\n");
		return 0;
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	printf("answered\n");
	if (ftruncate(fd, 0) == -1 && errno == EPERM)
		printf("shrink: refused\n");
	else
		printf("shrink: done\n");
	return 0;
}
