/* SPDX-License-Identifier: MIT */
/*
 * forkhold.c - a fork while another thread is inside the agent, held
 * there by the agent's test hook (HEAPPROF_TEST_*_HOLD="20,21": the held
 * thread writes a byte to fd 21 and waits for one on fd 20).
 *
 *   forkhold attach            a thread attaches the agent (the main
 *                              thread does not, while the hook is set);
 *                              the fork comes while it is held there
 *   forkhold scan LIB1 LIB2    a thread's dlclose(LIB1) is held while
 *                              it rescans the loaded objects; the child
 *                              then loads LIB2 and calls runpath_second,
 *                              which allocates 222 bytes
 *
 * The child allocates and prints "child PID ran"; if it hangs, an alarm
 * ends it and the parent says so and exits 1.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int go[2], here[2];
static void *lib1;
static void *volatile sink;

static void *
attacher(void *arg)
{
	(void)arg;
	sink = malloc(100);	/* the thread's first event: it attaches */
	free(sink);
	return NULL;
}

static void *
closer(void *arg)
{
	(void)arg;
	dlclose(lib1);
	return NULL;
}

static void
child(const char *lib2)
{
	void (*fn)(void);
	void *h;

	alarm(5);
	sink = malloc(10);
	free(sink);
	if (lib2 != NULL) {
		if ((h = dlopen(lib2, RTLD_NOW)) == NULL ||
		    (fn = (void (*)(void))dlsym(h, "runpath_second")) == NULL) {
			fprintf(stderr, "forkhold: %s\n", dlerror());
			_exit(2);
		}
		fn();
	}
	printf("child %d ran%s\n", (int)getpid(),
	    getenv("HEAPPROF_RING_FD") != NULL ? ", with the ring's fd named" : "");
	fflush(stdout);
	_exit(0);
}

int
main(int argc, char **argv)
{
	void *(*thread_fn)(void *) = attacher;
	const char *lib2 = NULL;
	pthread_t thread;
	int status;
	char c;
	pid_t pid;

	if (argc == 4 && strcmp(argv[1], "scan") == 0) {
		if ((lib1 = dlopen(argv[2], RTLD_NOW)) == NULL) {
			fprintf(stderr, "forkhold: %s\n", dlerror());
			return 2;
		}
		lib2 = argv[3];
		thread_fn = closer;
	} else if (argc != 2 || strcmp(argv[1], "attach") != 0) {
		fprintf(stderr, "usage: forkhold attach | scan LIB1 LIB2\n");
		return 2;
	}
	if (pipe(go) == -1 || pipe(here) == -1 || dup2(go[0], 20) == -1 ||
	    dup2(here[1], 21) == -1) {
		perror("forkhold: pipe");
		return 2;
	}
	if (pthread_create(&thread, NULL, thread_fn, NULL) != 0)
		return 2;
	if (read(here[0], &c, 1) != 1) {
		fprintf(stderr, "forkhold: the thread was never held\n");
		return 2;
	}
	if ((pid = fork()) == -1)
		return 2;
	if (pid == 0)
		child(lib2);
	if (write(go[1], "g", 1) != 1)
		return 2;
	pthread_join(thread, NULL);
	if (waitpid(pid, &status, 0) != pid)
		return 2;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		printf("child hung\n");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
