/* SPDX-License-Identifier: MIT */
/*
 * faulty.c - a threaded program that kills itself, or heapprof, after a
 * given number of events, and keeps an oracle of what it did for
 * tests/faults.sh to hold the profile against.
 *
 * usage: faulty ORACLE THREADS EVENTS KILL_AT VICTIM
 * THREADS threads make EVENTS mallocs and frees in all, through
 * fault_block(), keeping up to 16 blocks each.  When the KILL_AT-th call
 * returns, the thread that made it kills VICTIM:
 *   self-kill, self-segv   the program: SIGKILL, or a store through NULL
 *   cli-kill, cli-segv     heapprof, its parent: SIGKILL or SIGSEGV; the
 *                          program goes on to the end and says "finished"
 *   none                   nobody (the script may kill from outside)
 * KILL_AT 0 kills nobody.
 *
 * usage: faulty read ORACLE
 * prints "pid N finished 0|1 allocs N frees N in_alloc N in_free N",
 * summed over the threads.
 *
 * The oracle is a file shared with the script (MAP_SHARED: what is stored
 * in it is in the page cache the moment it is stored, whatever kills the
 * process after; msync would only matter if the machine went down).  Per
 * thread: the mallocs and the frees that returned, and whether one is
 * under way.  A call is marked under way before it starts and counted
 * done after it returns, so if the profile is complete,
 *   done <= the profile's count <= done + under way.
 * The header holds the program's pid (for the script's bound) and, at the
 * end, FAULTY_FINISHED.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FAULTY_THREADS_MAX	64
#define FAULTY_FINISHED		0x46494e49u	/* "FINI" */
#define SLOTS			16

struct oracle_thread {
	uint64_t allocs, frees;		/* calls that returned */
	uint32_t in_alloc, in_free;	/* a call under way */
	unsigned char pad[40];		/* a cache line each */
};

struct oracle {
	uint32_t pid;
	uint32_t finished;
	uint32_t threads;
	uint32_t pad;
	struct oracle_thread t[FAULTY_THREADS_MAX];
};

static struct oracle *oracle;
static long per_thread, kill_at;
static const char *victim;
static uint64_t events;
void *volatile faulty_sink;

#define SET(p, v)	__atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

__attribute__((noinline)) static void *
fault_block(size_t size)
{
	void *p = malloc(size);

	if (p == NULL)
		abort();
	return p;
}

static void
strike(void)
{
	if (strcmp(victim, "self-kill") == 0)
		kill(getpid(), SIGKILL);
	else if (strcmp(victim, "self-segv") == 0)
		*(volatile int *)faulty_sink = 1;
	else if (strcmp(victim, "cli-kill") == 0)
		kill(getppid(), SIGKILL);
	else if (strcmp(victim, "cli-segv") == 0)
		kill(getppid(), SIGSEGV);
}

static void
counted(void)
{
	if ((long)__atomic_add_fetch(&events, 1, __ATOMIC_SEQ_CST) ==
	    kill_at)
		strike();
}

static void *
worker(void *arg)
{
	struct oracle_thread *o = &oracle->t[(long)arg];
	void *slots[SLOTS] = { NULL };
	uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)((long)arg + 1);
	long n = 0, i;

	while (n < per_thread) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		i = (long)(seed >> 33) % SLOTS;
		if (slots[i] == NULL) {
			SET(&o->in_alloc, 1);
			slots[i] = fault_block(8 + (size_t)(seed >> 50) % 512);
			SET(&o->allocs, o->allocs + 1);
			SET(&o->in_alloc, 0);
		} else {
			SET(&o->in_free, 1);
			free(slots[i]);
			SET(&o->frees, o->frees + 1);
			SET(&o->in_free, 0);
			slots[i] = NULL;
		}
		n++;
		counted();
	}
	/* What is left in the slots is live at exit. */
	return NULL;
}

static int
read_oracle(const char *path)
{
	struct oracle o;
	uint64_t allocs = 0, frees = 0, in_alloc = 0, in_free = 0;
	uint32_t i;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd == -1 || read(fd, &o, sizeof o) != (ssize_t)sizeof o ||
	    o.threads > FAULTY_THREADS_MAX)
		return 2;
	close(fd);
	for (i = 0; i < o.threads; i++) {
		allocs += o.t[i].allocs;
		frees += o.t[i].frees;
		in_alloc += o.t[i].in_alloc;
		in_free += o.t[i].in_free;
	}
	printf("pid %u finished %d allocs %llu frees %llu in_alloc %llu "
	    "in_free %llu\n", o.pid, o.finished == FAULTY_FINISHED,
	    (unsigned long long)allocs, (unsigned long long)frees,
	    (unsigned long long)in_alloc, (unsigned long long)in_free);
	return 0;
}

int
main(int argc, char **argv)
{
	pthread_t threads[FAULTY_THREADS_MAX];
	long nthreads, i;
	int fd;

	if (argc == 3 && strcmp(argv[1], "read") == 0)
		return read_oracle(argv[2]);
	if (argc != 6)
		return 2;
	nthreads = strtol(argv[2], NULL, 10);
	per_thread = strtol(argv[3], NULL, 10) / (nthreads > 0 ? nthreads : 1);
	kill_at = strtol(argv[4], NULL, 10);
	victim = argv[5];
	if (nthreads < 1 || nthreads > FAULTY_THREADS_MAX)
		return 2;
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || ftruncate(fd, sizeof *oracle) == -1)
		return 2;
	oracle = mmap(NULL, sizeof *oracle, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	if (oracle == MAP_FAILED)
		return 2;
	close(fd);
	oracle->threads = (uint32_t)nthreads;
	SET(&oracle->pid, (uint32_t)getpid());
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, worker, (void *)i) != 0)
			return 1;
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	SET(&oracle->finished, FAULTY_FINISHED);
	printf("finished\n");
	return 0;
}
