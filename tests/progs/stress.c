/* SPDX-License-Identifier: MIT */
/*
 * stress.c - many threads allocating at once, for `make stress`: random
 * sizes and lifetimes from a fixed seed, blocks freed by other threads than
 * their allocator, forks in the middle, and a timer signal whose handler
 * allocates.  The program counts what it does itself, exactly, and prints
 * it for tests/stress.sh to compare with the profile.
 *
 * usage: stress THREADS EVENTS SLOTS
 * Each thread makes EVENTS / THREADS calls to malloc, calloc and free.  It
 * keeps up to SLOTS blocks of its own, so the blocks live at once, and with
 * them the collector's live-block table, do not grow with EVENTS.  A block
 * it gives up is swapped into a shared exchange of cells, and whatever the
 * cell held, some other thread's block most of the time, is freed instead.
 * Thread 0 forks FORKS times, evenly spaced: the child frees the blocks of
 * its thread (inherited from the parent's heap), makes CHILD_BLOCKS of its
 * own and exits.  A timer (SIGALRM) fires every 200 us for as long as the
 * threads run; its handler allocates and frees one block.  It runs only in
 * a thread that waits in sigsuspend() with nothing else to do, as
 * async-signal-safety asks: a handler that mallocs while it interrupts
 * malloc is undefined behaviour in glibc itself (t0127 and t0142 aim signals
 * inside the agent instead).
 *
 * Every block of the program's own is made by stress_block() and every
 * block of the handler's by handler_block(), so that the script can pick
 * the program's sites from what the C library allocates for itself.
 *
 * Prints, on one line each:
 *   program tb=N tbk=N eb=N ebk=N    all of stress_block's blocks
 *   handler tb=N tbk=N               handler_block's, all freed at once
 *   child tb=N tbk=N                 what each child makes, all freed
 *   events N forks N threads N       calls the profile must hold
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define FORKS		4
#define CHILD_BLOCKS	100
#define CHILD_SIZE	24
#define CELLS		4096
#define HANDLER_SIZE	40

static long nthreads, per_thread, nslots;

/* The program's own count, updated after each call returns. */
static uint64_t allocs, alloc_bytes, frees, freed_bytes;
static uint64_t handler_allocs, handler_bytes, forks_done;
static void *cells[CELLS];
static volatile int stop_timer;
void *volatile stress_sink;

struct slot {
	void *p;
};

static uint64_t
next_random(uint64_t *s)
{
	/* xorshift64*: small, and the same sequence on every run. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Mostly small, sometimes a page or more: 8 bytes to 64 KiB. */
static size_t
random_size(uint64_t *s)
{
	uint64_t r = next_random(s);

	switch (r % 16) {
	case 0:
		return 4096 + (size_t)(r >> 8) % 61441;
	case 1:
	case 2:
		return 256 + (size_t)(r >> 8) % 3841;
	default:
		return 8 + (size_t)(r >> 8) % 249;
	}
}

/*
 * The block's size is kept in its first word, so that whoever frees it
 * counts its bytes.  A few call depths make a few sites.
 */
__attribute__((noinline)) static void *
stress_block(size_t size, int depth, int zeroed)
{
	void *p;

	if (depth > 0) {
		p = stress_block(size, depth - 1, zeroed);
		stress_sink = p;
		return p;
	}
	p = zeroed ? calloc(1, size) : malloc(size);
	if (p == NULL)
		abort();
	memcpy(p, &size, sizeof size);
	__atomic_add_fetch(&allocs, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&alloc_bytes, size, __ATOMIC_RELAXED);
	return p;
}

static void
release(void *p)
{
	size_t size;

	if (p == NULL)
		return;
	memcpy(&size, p, sizeof size);
	free(p);
	__atomic_add_fetch(&frees, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&freed_bytes, size, __ATOMIC_RELAXED);
}

__attribute__((noinline)) static void
handler_block(void)
{
	stress_sink = malloc(HANDLER_SIZE);
	free(stress_sink);
	__atomic_add_fetch(&handler_allocs, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&handler_bytes, HANDLER_SIZE, __ATOMIC_RELAXED);
}

static void
on_alarm(int sig)
{
	(void)sig;
	if (!stop_timer)
		handler_block();
}

/* Only this thread takes SIGALRM, and only while it waits for it. */
static void *
signal_thread(void *arg)
{
	sigset_t wait_mask;

	(void)arg;
	pthread_sigmask(SIG_SETMASK, NULL, &wait_mask);
	sigdelset(&wait_mask, SIGALRM);
	while (!__atomic_load_n(&stop_timer, __ATOMIC_ACQUIRE))
		sigsuspend(&wait_mask);
	return NULL;
}

__attribute__((noinline)) static void
child_block(void)
{
	stress_sink = malloc(CHILD_SIZE);
	free(stress_sink);
}

static void
fork_child(struct slot *slots)
{
	pid_t pid;
	long i;
	int status;

	pid = fork();
	if (pid == -1)
		abort();
	if (pid == 0) {
		/* The blocks this thread had: part of the inherited heap. */
		for (i = 0; i < nslots; i++)
			free(slots[i].p);
		for (i = 0; i < CHILD_BLOCKS; i++)
			child_block();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		abort();
	__atomic_add_fetch(&forks_done, 1, __ATOMIC_RELAXED);
}

static void *
worker(void *arg)
{
	long id = (long)arg, events = 0, next_fork = per_thread / (FORKS + 1);
	uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(id + 1);
	struct slot *slots;
	uint64_t r;
	void *old;
	long i;

	slots = calloc((size_t)nslots, sizeof *slots);
	if (slots == NULL)
		abort();
	while (events < per_thread) {
		r = next_random(&seed);
		i = (long)(r % (uint64_t)nslots);
		if (slots[i].p == NULL) {
			slots[i].p = stress_block(random_size(&seed),
			    (int)(r >> 40) % 4, (r >> 50) % 8 == 0);
			events++;
		} else if ((r >> 32) % 2 == 0) {
			release(slots[i].p);
			slots[i].p = NULL;
			events++;
		} else {
			/* Freed by whichever thread finds it there. */
			old = __atomic_exchange_n(&cells[(r >> 16) % CELLS],
			    slots[i].p, __ATOMIC_ACQ_REL);
			slots[i].p = NULL;
			if (old != NULL) {
				release(old);
				events++;
			}
		}
		if (id == 0 && events >= next_fork &&
		    forks_done < FORKS) {
			fork_child(slots);
			next_fork += per_thread / (FORKS + 1);
		}
	}
	/* The blocks in its slots stay live at exit. */
	free(slots);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct itimerval every = { { 0, 200 }, { 0, 200 } };
	pthread_t *threads, sig;
	struct sigaction sa;
	sigset_t block;
	long i;

	if (argc != 4)
		return 2;
	nthreads = strtol(argv[1], NULL, 10);
	per_thread = strtol(argv[2], NULL, 10) / nthreads;
	nslots = strtol(argv[3], NULL, 10);
	if (nthreads < 1 || per_thread < 1 || nslots < 1)
		return 2;
	/* Unbuffered: stdio's buffer would be a block of its own. */
	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	threads = calloc((size_t)nthreads, sizeof *threads);
	if (threads == NULL ||
	    pthread_create(&sig, NULL, signal_thread, NULL) != 0)
		return 1;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, worker, (void *)i) != 0)
			return 1;
	setitimer(ITIMER_REAL, &every, NULL);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	memset(&every, 0, sizeof every);
	setitimer(ITIMER_REAL, &every, NULL);
	__atomic_store_n(&stop_timer, 1, __ATOMIC_RELEASE);
	pthread_kill(sig, SIGALRM);
	pthread_join(sig, NULL);
	free(threads);
	/* The exchange's blocks are freed here: tb and eb are exact. */
	for (i = 0; i < CELLS; i++)
		release(cells[i]);
	printf("program tb=%llu tbk=%llu eb=%llu ebk=%llu\n",
	    (unsigned long long)alloc_bytes, (unsigned long long)allocs,
	    (unsigned long long)(alloc_bytes - freed_bytes),
	    (unsigned long long)(allocs - frees));
	printf("handler tb=%llu tbk=%llu\n",
	    (unsigned long long)handler_bytes,
	    (unsigned long long)handler_allocs);
	printf("child tb=%d tbk=%d\n", CHILD_BLOCKS * CHILD_SIZE,
	    CHILD_BLOCKS);
	printf("events %llu forks %llu threads %ld\n",
	    (unsigned long long)(allocs + frees + 2 * handler_allocs),
	    (unsigned long long)forks_done, nthreads);
	return 0;
}
