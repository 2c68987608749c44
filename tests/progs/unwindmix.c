/* SPDX-License-Identifier: MIT */
/*
 * unwindmix.c - stacks that are hard to unwind or to cache, for the
 * unwinder's checking mode (t0301): longjmp out of a recursion, alloca and
 * VLAs (frames found through rbp), allocations in signal handlers (on the
 * thread's stack and on an alternate one), coroutines on their own stacks
 * (swapcontext), and threads doing all of it at once.
 */
#include <alloca.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

static volatile int sink;

static __attribute__((noinline)) void
keep(void *p)
{
	sink += p != NULL;
	free(p);
}

static __attribute__((noinline)) void
jump_down(jmp_buf *env, int depth)
{
	keep(malloc(16 + (size_t)depth));
	if (depth == 0)
		longjmp(*env, 1);
	jump_down(env, depth - 1);
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void
jumps(void)
{
	jmp_buf env;
	int i;

	for (i = 0; i < 20; i++) {
		if (setjmp(env) == 0)
			jump_down(&env, i % 7 + 3);
		keep(malloc(8));
	}
}

static __attribute__((noinline)) void
vla(int n)
{
	char buf[n];
	char *a = alloca((size_t)n * 3);

	memset(buf, 1, sizeof buf);
	memset(a, 2, (size_t)n * 3);
	keep(malloc((size_t)n + (size_t)buf[0] + (size_t)a[1]));
	if (n > 1)
		vla(n / 2 + (n & 1) - 1);
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void
handler_alloc(int depth)
{
	keep(malloc(32));
	if (depth > 0)
		handler_alloc(depth - 1);
	__asm__ volatile("" ::: "memory");
}

static void
on_signal(int sig)
{
	(void)sig;
	handler_alloc(3);
}

static __attribute__((noinline)) void
signals(int depth)
{
	keep(malloc(24));
	if (depth == 0) {
		raise(SIGUSR1);
		raise(SIGUSR2);
	} else {
		signals(depth - 1);
	}
	__asm__ volatile("" ::: "memory");
}

static ucontext_t main_ctx, co_ctx;

static __attribute__((noinline)) void
co_deep(int depth)
{
	keep(malloc(40));
	if (depth > 0)
		co_deep(depth - 1);
	else
		swapcontext(&co_ctx, &main_ctx);
	keep(malloc(48));
	__asm__ volatile("" ::: "memory");
}

static void
co_body(void)
{
	int i;

	for (i = 0; i < 5; i++)
		co_deep(i);
}

static __attribute__((noinline)) void
coroutines(void)
{
	static char stack[256 * 1024];
	int i;

	getcontext(&co_ctx);
	co_ctx.uc_stack.ss_sp = stack;
	co_ctx.uc_stack.ss_size = sizeof stack;
	co_ctx.uc_link = &main_ctx;
	makecontext(&co_ctx, co_body, 0);
	for (i = 0; i < 6; i++) {
		keep(malloc(56));
		swapcontext(&main_ctx, &co_ctx);
	}
}

static void *
work(void *arg)
{
	int round;

	(void)arg;
	for (round = 0; round < 3; round++) {
		jumps();
		vla(40);
		signals(4);
	}
	return NULL;
}

int
main(void)
{
	static char alt[64 * 1024];
	struct sigaction sa;
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
	pthread_t t[3];
	int i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaltstack(&ss, NULL);
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	work(NULL);
	coroutines();
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	return sink > 0 ? 0 : 1;
}
