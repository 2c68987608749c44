/*
 * session.c - one profiling run: make the ring, start the target with the
 * agent preloaded, drain events while it runs, symbolize, write the
 * profile, and end the way the target ended.
 */
#include "config.h"

#include <errno.h>
#include <error.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "exitcode.h"
#include "profile.h"
#include "ring.h"
#include "session.h"
#include "symbolize.h"
#include "units.h"
#include "xmalloc.h"

#define RING_CAPACITY	(32u << 20)
#define AGENT_NAME	"libheapprof-agent.so"

/* Shared with the signal handlers. */
static struct ring ring = { .fd = -1 };
static volatile pid_t target_pid;
static volatile int child_changed;

static int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void
on_sigchld(int sig)
{
	(void)sig;
	child_changed = 1;
	if (ring.hdr != NULL)
		ring_wake_consumer(&ring);
}

/*
 * A signal sent to heapprof itself (kill, not the terminal, which signals
 * the whole foreground group and so reaches the target already) is passed
 * on, as a shell does; heapprof stays to write the profile.
 */
static void
on_forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (target_pid > 0 && si->si_code != SI_KERNEL)
		kill(target_pid, sig);
}

static void
install_handlers(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_forward;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0];
	    i++)
		sigaction(forwarded_signals[i], &sa, NULL);
}

static void
restore_handlers(void)
{
	size_t i;

	signal(SIGCHLD, SIG_DFL);
	for (i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0];
	    i++)
		signal(forwarded_signals[i], SIG_DFL);
}

static int
usable_agent(const char *path)
{
	return access(path, R_OK) == 0;
}

char *
session_find_agent(void)
{
	char self[PATH_MAX], *dir, *path;
	const char *env = getenv("HEAPPROF_AGENT");
	ssize_t n;

	if (env != NULL && env[0] != '\0') {
		if (!usable_agent(env)) {
			error(0, errno, "cannot use agent '%s'", env);
			return NULL;
		}
		return realpath(env, NULL);
	}
	/* Run from the build tree: libtool keeps the agent in src/.libs. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		dir = dirname(self);
		path = xmalloc(strlen(dir) + sizeof "/.libs/" AGENT_NAME);
		sprintf(path, "%s/.libs/%s", dir, AGENT_NAME);
		if (usable_agent(path))
			return path;
		free(path);
	}
	if (usable_agent(PKGLIBDIR "/" AGENT_NAME))
		return xstrdup(PKGLIBDIR "/" AGENT_NAME);
	error(0, ENOENT, "cannot find the agent '%s'",
	    PKGLIBDIR "/" AGENT_NAME);
	return NULL;
}

/* Fail before running anything if the profile could not be written. */
static int
check_output(const char *output)
{
	char *copy = xstrdup(output), *dir = dirname(copy);
	struct stat st;
	int rc = 0;

	if (stat(dir, &st) == -1) {
		error(0, errno, "cannot write '%s'", output);
		rc = -1;
	} else if (!S_ISDIR(st.st_mode)) {
		error(0, ENOTDIR, "cannot write '%s'", output);
		rc = -1;
	} else if (access(dir, W_OK | X_OK) == -1) {
		error(0, errno, "cannot write '%s'", output);
		rc = -1;
	} else if (stat(output, &st) == 0 && S_ISDIR(st.st_mode)) {
		error(0, EISDIR, "cannot write '%s'", output);
		rc = -1;
	}
	free(copy);
	return rc;
}

static void
child_exec(char **argv, const char *agent, int ring_fd, int errpipe)
{
	const char *old = getenv("LD_PRELOAD");
	char fdbuf[16], *preload;
	int err;

	restore_handlers();
	if (old != NULL && old[0] != '\0') {
		preload = xmalloc(strlen(agent) + strlen(old) + 2);
		sprintf(preload, "%s:%s", agent, old);
	} else {
		preload = xstrdup(agent);
	}
	snprintf(fdbuf, sizeof fdbuf, "%d", ring_fd);
	if (setenv("LD_PRELOAD", preload, 1) == -1 ||
	    setenv(HP_ENV_RING_FD, fdbuf, 1) == -1)
		_exit(EXIT_RUN_FAILED);
	execvp(argv[0], argv);
	err = errno;
	if (write(errpipe, &err, sizeof err) != (ssize_t)sizeof err)
		_exit(EXIT_NOT_FOUND);
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static uint64_t
ring_clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec -
	    ring.hdr->clock_origin;
}

/* Drain until the target has ended; returns its wait status. */
static int
collect_until_exit(struct collector *c, pid_t pid)
{
	int status, idle_ms = 1;
	pid_t w;

	for (;;) {
		/*
		 * Poll: 1 ms while events flow, backing off to 64 ms when the
		 * target is idle.  A full ring and SIGCHLD wake us sooner.
		 */
		if (ring_drain(&ring, collector_record, c) != 0)
			idle_ms = 1;
		else if (idle_ms < 64)
			idle_ms *= 2;
		if (child_changed) {
			child_changed = 0;
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				break;
		}
		ring_wait(&ring, idle_ms, &child_changed);
	}
	/* What the target wrote before it died is still in the ring. */
	ring_drain(&ring, collector_record, c);
	return status;
}

static char *
join_argv(char **argv)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; argv[i] != NULL; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* perf's habit: keep the previous profile as FILE.old. */
static int
keep_old_profile(const char *output)
{
	char *old = xmalloc(strlen(output) + sizeof ".old");
	int rc = 0;

	sprintf(old, "%s.old", output);
	if (access(output, F_OK) == 0 && rename(output, old) == -1) {
		error(0, errno, "cannot rename '%s' to '%s'", output, old);
		rc = -1;
	}
	free(old);
	return rc;
}

static void
print_summary(const struct collector *c, const char *output)
{
	char total[32], peak[32], end[32];

	format_size(total, sizeof total, c->total_bytes, 0);
	format_size(peak, sizeof peak, c->peak_bytes, 0);
	format_size(end, sizeof end, c->end_bytes, 0);
	fprintf(stderr, "heapprof: %llu blocks, %s total, %s at peak, "
	    "%s in %llu blocks at exit \u2192 %s\n",
	    (unsigned long long)c->total_blocks, total, peak, end,
	    (unsigned long long)c->end_blocks, output);
}

static void
fill_meta(struct profile *p, const struct collector *c, char **argv,
    pid_t pid, time_t start, int status)
{
	char *cmd = join_argv(argv);

	p->command = profile_string(p, cmd);
	free(cmd);
	p->pid = c->pid != 0 ? c->pid : (uint32_t)pid;
	p->start_time = (int64_t)start;
	p->duration = c->end_time;
	p->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	p->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	p->total_bytes = c->total_bytes;
	p->total_blocks = c->total_blocks;
	p->peak_bytes = c->peak_bytes;
	p->peak_blocks = c->peak_blocks;
	p->peak_time = c->peak_time;
	p->end_bytes = c->end_bytes;
	p->end_blocks = c->end_blocks;
	p->events = c->events;
	p->anomalies = c->anomalies;
}

/* Die of the target's signal, without a core file of heapprof's own. */
static void
die_like(int sig)
{
	struct rlimit no_core = { 0, 0 };
	sigset_t set;

	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* A signal whose default is to continue (e.g. SIGCHLD) lands here. */
	exit(128 + sig);
}

int
session_run(const struct session_opts *o)
{
	struct collector c;
	struct profile p;
	int errpipe[2], err = 0, status, rc;
	time_t start;
	char *agent;
	ssize_t n;
	pid_t pid;

	if (check_output(o->output) == -1)
		return EXIT_RUN_FAILED;
	agent = session_find_agent();
	if (agent == NULL)
		return EXIT_RUN_FAILED;
	if (strpbrk(agent, ": ") != NULL) {
		error(0, 0, "cannot preload agent '%s': its path contains ':' "
		    "or a space", agent);
		free(agent);
		return EXIT_RUN_FAILED;
	}
	if (ring_create(&ring, RING_CAPACITY) == -1) {
		error(0, errno, "cannot create the event ring");
		free(agent);
		return EXIT_RUN_FAILED;
	}
	if (pipe2(errpipe, O_CLOEXEC) == -1) {
		error(0, errno, "cannot create a pipe");
		free(agent);
		return EXIT_RUN_FAILED;
	}
	collector_init(&c);
	install_handlers();
	start = time(NULL);
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		error(0, errno, "cannot fork");
		free(agent);
		return EXIT_RUN_FAILED;
	}
	if (pid == 0)
		child_exec(o->argv, agent, ring.fd, errpipe[1]);
	target_pid = pid;
	free(agent);
	close(errpipe[1]);
	/* The pipe closes on a successful exec; otherwise it carries errno. */
	do
		n = read(errpipe[0], &err, sizeof err);
	while (n == -1 && errno == EINTR);
	close(errpipe[0]);
	if (n == (ssize_t)sizeof err) {
		waitpid(pid, &status, 0);
		error(0, err, "cannot run '%s'", o->argv[0]);
		collector_release(&c);
		ring_unmap(&ring);
		return err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	}

	status = collect_until_exit(&c, pid);
	collector_finish(&c, ring_clock_now());
	restore_handlers();

	profile_init(&p);
	fill_meta(&p, &c, o->argv, pid, start, status);
	symbolize(&p, &c, o->debuginfod ? SYMBOLIZE_DEBUGINFOD : 0);
	rc = keep_old_profile(o->output);
	if (rc == 0 && profile_write(&p, o->output) == -1) {
		error(0, errno, "cannot write '%s'", o->output);
		rc = -1;
	}
	if (rc == 0)
		print_summary(&c, o->output);
	profile_release(&p);
	collector_release(&c);
	ring_unmap(&ring);

	if (WIFSIGNALED(status))
		die_like(WTERMSIG(status));
	if (rc != 0)
		return EXIT_RUN_FAILED;
	return WEXITSTATUS(status);
}
