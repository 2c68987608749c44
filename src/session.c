/* SPDX-License-Identifier: MIT */
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

#include "budget.h"
#include "children.h"
#include "collect.h"
#include "exitcode.h"
#include "inherit.h"
#include "preflight.h"
#include "profile.h"
#include "ring.h"
#include "session.h"
#include "stream.h"
#include "symbolize.h"
#include "symlive.h"
#include "units.h"
#include "xmalloc.h"

/*
 * Small enough to stay in the CPU's caches: the agent writes the ring
 * sequentially, and through a 32 MiB ring every new line was a miss to
 * memory (loop-shallow: 150 ns per malloc+free pair against 120 ns at 1-8
 * MiB).  4 MiB still holds about 60,000 events, some milliseconds of the
 * busiest program, for when the collector is not scheduled.
 */
#define RING_CAPACITY	(4u << 20)
#define AGENT_NAME	"libheapprof-agent.so"

/* Shared with the signal handlers. */
static struct stream target = { .ring = { .fd = -1 } };
static volatile pid_t target_pid;	/* -1 once it ended */
static volatile int child_changed;
/* A signal came after the target ended: stop waiting for its tree. */
static volatile sig_atomic_t give_up;
/* The dispositions, mask and limits heapprof was given. */
static struct inherit given;
static int run_mode;		/* enum hp_mode, for every profile written */

static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void
on_sigchld(int sig)
{
	(void)sig;
	child_changed = 1;
	if (target.ring.hdr != NULL)
		ring_wake_consumer(&target.ring);
}

/*
 * A signal sent to heapprof itself (kill, not the terminal, which signals
 * the whole foreground group and so reaches the target already) is passed
 * on, as a shell does; heapprof stays to write the profile.  Once the
 * target has ended (reaped or not yet), any of them ends the wait for the
 * rest of its tree (--children) instead.
 */
static void
on_forward(int sig, siginfo_t *si, void *uc)
{
	siginfo_t dead;
	int saved = errno;

	(void)uc;
	if (target_pid == -1) {
		give_up = 1;
	} else if (target_pid > 0) {
		memset(&dead, 0, sizeof dead);
		if (waitid(P_PID, (id_t)target_pid, &dead,
		    WEXITED | WNOHANG | WNOWAIT) == 0 && dead.si_pid != 0)
			give_up = 1;
		else if (si->si_code != SI_KERNEL)
			kill(target_pid, sig);
	}
	errno = saved;
}

/*
 * A signal ignored when heapprof started (nohup, `trap ''`) stays ignored,
 * by heapprof as by the target: it is neither caught nor forwarded.
 */
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
		if (!inherit_ignored(&given, forwarded_signals[i]))
			sigaction(forwarded_signals[i], &sa, NULL);
}

/*
 * Where no terminal's job control is involved (CI, scripts, timeout(1)),
 * a signal sent to the process group heapprof was started in would reach
 * the target twice: directly, and forwarded by heapprof.  So heapprof
 * moves to a group of its own and the target stays in the caller's group,
 * where the program would be natively: a group's signal reaches it once,
 * and heapprof, outside the group, stays to write the profile even after
 * a group-wide SIGKILL.  With a controlling terminal, or as a group leader
 * (a shell's job), nothing moves: job control works on the group, and the
 * terminal's signals, which reach both, are not forwarded (on_forward).
 */
static pid_t caller_pgrp;	/* the target's group; 0 when nothing moved */

static void
leave_callers_group(void)
{
	pid_t pgrp = getpgrp();
	int tty;

	if (pgrp == getpid())
		return;
	tty = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (tty != -1) {
		close(tty);
		return;
	}
	if (setpgid(0, 0) == 0)
		caller_pgrp = pgrp;
}

/* In the child before exec, and in heapprof after fork (either may win). */
static void
target_to_callers_group(pid_t pid)
{
	if (caller_pgrp != 0)
		setpgid(pid, caller_pgrp);
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
block_forwarded(void)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0];
	    i++)
		sigaddset(&set, forwarded_signals[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * The target has ended: a signal now is for heapprof, which meets it as
 * it was given it.  SIGXFSZ stays ignored, so a profile past `ulimit -f`
 * is an error message, not a lost profile.
 */
static void
restore_signals(void)
{
	size_t i;

	inherit_restore_signal(&given, SIGCHLD);
	for (i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0];
	    i++)
		inherit_restore_signal(&given, forwarded_signals[i]);
}

/* A memfd is a file: its size is bound by `ulimit -f` too. */
static void
ring_error(unsigned capacity)
{
	char need[32], limit[32];

	if (errno != EFBIG) {
		error(0, errno, "cannot create the event ring");
		return;
	}
	format_size(need, sizeof need, capacity, 0);
	format_size(limit, sizeof limit, given.fsize.rlim_max, 0);
	error(0, 0, "cannot create the event ring: it needs %s and the "
	    "file-size limit (ulimit -f) is %s", need, limit);
}

static void
child_exec(char **argv, const char *agent, int ring_fd,
    const char *children_env, int errpipe)
{
	const char *old = getenv("LD_PRELOAD");
	char fdbuf[16], *preload;
	int err;

	inherit_restore(&given);
	target_to_callers_group(0);
	if (old != NULL && old[0] != '\0') {
		preload = xmalloc(strlen(agent) + strlen(old) + 2);
		sprintf(preload, "%s:%s", agent, old);
	} else {
		preload = xstrdup(agent);
	}
	snprintf(fdbuf, sizeof fdbuf, "%d", ring_fd);
	if (setenv("LD_PRELOAD", preload, 1) == -1 ||
	    setenv(HP_ENV_RING_FD, fdbuf, 1) == -1 ||
	    (children_env != NULL &&
	    setenv(HP_ENV_CHILDREN, children_env, 1) == -1))
		_exit(EXIT_RUN_FAILED);
	execvp(argv[0], argv);
	err = errno;
	if (write(errpipe, &err, sizeof err) != (ssize_t)sizeof err)
		_exit(EXIT_NOT_FOUND);
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}


/*
 * Test-only: HEAPPROF_TEST_SLOW_COLLECTOR=US shrinks the ring to its
 * minimum and makes the collector sleep US microseconds every 64 records,
 * so that producers find the ring full and must wait; the tests check that
 * nothing is lost then.
 */
#define SLOW_ENV	"HEAPPROF_TEST_SLOW_COLLECTOR"
#define SLOW_RING	(64u << 10)

/*
 * Test-only: HEAPPROF_TEST_HOLE_MS=MS ends a stream held up by a hole
 * after MS milliseconds rather than 3 s (see ring_hole_limit), so that
 * the tests of a stopped producer wait less.
 */
#define HOLE_ENV	"HEAPPROF_TEST_HOLE_MS"

static long slow_us;

static void
test_setup(void)
{
	const char *v = getenv(SLOW_ENV);
	long ms;

	slow_us = v != NULL ? strtol(v, NULL, 10) : 0;
	v = getenv(HOLE_ENV);
	ms = v != NULL ? strtol(v, NULL, 10) : 0;
	if (ms > 0)
		ring_hole_limit((uint64_t)ms * 1000000u);
}

/*
 * Drain until the target has ended, and with --children until every
 * process of its tree has; returns the target's wait status.
 */
static int
collect_until_exit(struct children *ch, struct symlive *live)
{
	struct timespec ts;
	int status = 0, idle_ms = 1, ended = 0;
	/* Other processes' full rings do not wake us: poll them often. */
	int max_idle_ms = ch != NULL ? 8 : 64;
	size_t n;

	for (;;) {
		/*
		 * Poll: 1 ms while events flow, backing off when the target is
		 * idle.  A full ring and SIGCHLD wake us sooner.
		 */
		n = 0;
		if (!ended) {
			n = stream_drain(&target);
			symlive_feed(live, &target.c, 0);
		}
		if (ch != NULL)
			n += children_poll(ch);
		if (n != 0)
			idle_ms = 1;
		else if (idle_ms < max_idle_ms)
			idle_ms *= 2;
		if (!ended && child_changed) {
			child_changed = 0;
			if (waitpid(target.pid, &status, WNOHANG) ==
			    target.pid) {
				stream_end(&target, 0);
				symlive_feed(live, &target.c, 1);
				ended = 1;
				target_pid = -1;
				if (ch != NULL)
					ch->main_ended = 1;
				continue;
			}
		}
		if (ended && (ch == NULL || children_done(ch, give_up)))
			break;
		if (!ended) {
			ring_wait(&target.ring, idle_ms, &child_changed);
		} else {
			ts.tv_sec = 0;
			ts.tv_nsec = idle_ms * 1000000L;
			nanosleep(&ts, NULL);
		}
	}
	if (slow_us > 0)
		fprintf(stderr, "heapprof: test: producers found the ring "
		    "full %llu times\n",
		    (unsigned long long)target.ring.hdr->full_waits);
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

/*
 * Put the new profile, complete on disk in tmp, at output; perf's habit
 * keeps the previous one as OUTPUT.old.  Nothing moves before the new
 * file is whole, so a full disk or a file that cannot be replaced loses
 * neither profile, and the error says where the new one is.
 */
static int
install_profile(char *tmp, const char *output)
{
	char *old = xmalloc(strlen(output) + sizeof ".old");
	int had_old, rc = -1;

	sprintf(old, "%s.old", output);
	had_old = access(output, F_OK) == 0;
	if (had_old && rename(output, old) == -1) {
		error(0, 0, "cannot rename '%s' to '%s': %s; the new profile "
		    "is in '%s'", output, old, strerror(errno), tmp);
	} else if (rename(tmp, output) == -1) {
		error(0, 0, "cannot rename '%s' to '%s': %s; the new profile "
		    "is in '%s'", tmp, output, strerror(errno), tmp);
		if (had_old)
			rename(old, output);
	} else {
		rc = 0;
	}
	free(old);
	return rc;
}

static void
print_summary(const struct collector *c, const char *who, const char *output)
{
	char total[32], peak[32], end[32];

	format_size(total, sizeof total, c->total_bytes, 0);
	format_size(peak, sizeof peak, c->peak_bytes, 0);
	format_size(end, sizeof end, c->end_bytes, 0);
	if (run_mode == HP_MODE_AD_HOC)
		fprintf(stderr, "heapprof: %s%llu ad-hoc events, weight %llu",
		    who, (unsigned long long)c->ad_events,
		    (unsigned long long)c->ad_weight);
	else
		fprintf(stderr, "heapprof: %s%llu blocks, %s total, %s at "
		    "peak, %s in %llu blocks at exit", who,
		    (unsigned long long)c->total_blocks, total, peak, end,
		    (unsigned long long)c->end_blocks);
	if (run_mode == HP_MODE_HEAP && c->ad_events != 0)
		fprintf(stderr, ", %llu ad-hoc events", (unsigned long long)
		    c->ad_events);
	if (c->anomalies.bad_record != 0)
		fprintf(stderr, ", %llu malformed event%s",
		    (unsigned long long)c->anomalies.bad_record,
		    c->anomalies.bad_record == 1 ? "" : "s");
	if (output != NULL)
		fprintf(stderr, " \u2192 %s\n", output);
	else
		fputs(" (profile not kept)\n", stderr);
}

/* status is a wait status, or -1 when unknown (not heapprof's child). */
static void
fill_meta(struct profile *p, const struct stream *s, int status)
{
	const struct collector *c = &s->c;
	size_t i;

	p->command = profile_string(p, s->command);
	p->pid = c->pid != 0 ? c->pid : (uint32_t)s->pid;
	p->start_time = (int64_t)s->start;
	p->duration = c->end_time;
	p->exit_code = status != -1 && WIFEXITED(status) ?
	    WEXITSTATUS(status) : -1;
	p->exit_signal = status != -1 && WIFSIGNALED(status) ?
	    WTERMSIG(status) : 0;
	p->total_bytes = c->total_bytes;
	p->total_blocks = c->total_blocks;
	p->peak_bytes = c->peak_bytes;
	p->peak_blocks = c->peak_blocks;
	p->peak_time = c->peak_time;
	p->end_bytes = c->end_bytes;
	p->end_blocks = c->end_blocks;
	p->events = c->events;
	p->anomalies = c->anomalies;
	p->mode = (uint32_t)run_mode;
	p->ad_events = c->ad_events;
	p->ad_weight = c->ad_weight;
	p->timeline = xmemdup(c->timeline.pts, c->npoints *
	    sizeof *c->timeline.pts);
	p->ntimeline = c->npoints;
	p->has_dist = 1;
	p->tick_num = c->tick_num;
	p->tick_den = c->tick_den;
	p->failed_asserts = c->failed_asserts;
	p->failures = xcalloc(c->nfailures + 1, sizeof *p->failures);
	for (i = 0; i < c->nfailures; i++)
		p->failures[i] = profile_string(p, c->failures[i]);
	p->nfailures = c->nfailures;
}

/* Symbolize one process's events into p, which the caller releases. */
static void
build_profile(struct profile *p, const struct stream *s, int status,
    unsigned symflags, struct symmemo *memo)
{
	profile_init(p);
	fill_meta(p, s, status);
	symbolize(p, &s->c, symflags, memo);
}

/*
 * Write p to output, keeping an older file as .old (install_profile), and
 * print the summary line.  Returns 0, or -1 after an error line.
 */
static int
save_profile(const struct profile *p, const struct collector *c,
    const char *output, const char *who)
{
	char *tmp;
	int rc;

	tmp = profile_write_temp(p, output);
	if (tmp == NULL) {
		error(0, errno, "cannot write '%s'", output);
		rc = -1;
	} else {
		rc = install_profile(tmp, output);
		free(tmp);
	}
	if (rc == 0)
		print_summary(c, who, output);
	return rc;
}

static int
write_profile(const struct stream *s, int status, const char *output,
    const char *who, unsigned symflags)
{
	struct profile p;
	int rc;

	build_profile(&p, s, status, symflags, NULL);
	rc = save_profile(&p, &s->c, output, who);
	profile_release(&p);
	return rc;
}

/*
 * -o's template with %p (the process's pid), %n (the program's base name)
 * and %% expanded.  Caller frees.
 */
static char *
output_name(const char *tmpl, const char *program, pid_t pid)
{
	const char *base = strrchr(program, '/'), *t;
	char pidbuf[24];
	size_t len = 1;
	char *s, *d;

	base = base != NULL ? base + 1 : program;
	snprintf(pidbuf, sizeof pidbuf, "%ld", (long)pid);
	for (t = tmpl; *t != '\0'; t++)
		len += t[0] == '%' && t[1] == 'p' ? strlen(pidbuf) :
		    t[0] == '%' && t[1] == 'n' ? strlen(base) : 1;
	d = s = xmalloc(len);
	for (t = tmpl; *t != '\0'; t++) {
		if (t[0] == '%' && t[1] == 'p')
			d = stpcpy(d, pidbuf);
		else if (t[0] == '%' && t[1] == 'n')
			d = stpcpy(d, base);
		else if (t[0] == '%' && t[1] == '%')
			*d++ = '%';
		else
			*d++ = *t;
		if (t[0] == '%' && (t[1] == 'p' || t[1] == 'n' || t[1] == '%'))
			t++;
	}
	*d = '\0';
	return s;
}

int
session_check_output(const char *tmpl)
{
	const char *t;

	for (t = tmpl; *t != '\0'; t++) {
		if (t[0] != '%')
			continue;
		if (t[1] != 'p' && t[1] != 'n' && t[1] != '%')
			return -1;
		t++;
	}
	return 0;
}

/*
 * --children: OUTPUT.PID, or OUTPUT.PID.N for a pid that exec'd again;
 * with %p in -o's template, the template expanded with the child's pid.
 */
static int
write_children(const struct children *ch, const char *tmpl,
    const char *program, const char *output, unsigned symflags)
{
	const struct child_proc *p;
	char *path, who[48];
	size_t i, j, again;
	int rc = 0;

	for (i = 0; i < ch->nprocs; i++) {
		p = ch->procs[i];
		if (p->state != CHILD_ENDED)
			continue;
		for (again = 0, j = 0; j < i; j++)
			again += ch->procs[j]->s.pid == p->s.pid;
		if (strstr(tmpl, "%p") != NULL && again == 0) {
			path = output_name(tmpl, program, p->s.pid);
		} else {
			path = xmalloc(strlen(output) + 48);
			if (again == 0)
				sprintf(path, "%s.%ld", output, (long)p->s.pid);
			else
				sprintf(path, "%s.%ld.%zu", output,
				    (long)p->s.pid, again + 1);
		}
		snprintf(who, sizeof who, "pid %ld: ", (long)p->s.pid);
		if (write_profile(&p->s, -1, path, who, symflags) == -1)
			rc = -1;
		free(path);
	}
	return rc;
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

/*
 * Everything up to the target's exec: check that the profile can be
 * written and the agent preloaded, make the target's stream (and with
 * --children the socket, *chp), fork and exec.  Returns 0 with the target
 * running, or heapprof's exit status after an error line, with everything
 * undone.
 */
static int
session_start(const struct session_opts *o, struct children *children,
    struct children **chp)
{
	struct children *ch = NULL;
	unsigned capacity;
	int errpipe[2], err = 0, status, writable, rc = EXIT_RUN_FAILED;
	char *agent, *output;
	ssize_t n;
	pid_t pid;

	/* Checked with heapprof's pid for %p: the directory is what counts. */
	output = output_name(o->output, o->argv[0], getpid());
	writable = check_output(output) == 0;
	free(output);
	if (!writable || preflight_check(o->argv[0]) == -1)
		return EXIT_RUN_FAILED;
	agent = session_find_agent();
	if (agent == NULL)
		return EXIT_RUN_FAILED;
	if (strpbrk(agent, ": ") != NULL) {
		error(0, 0, "cannot preload agent '%s': its path contains ':' "
		    "or a space", agent);
		goto out_agent;
	}
	test_setup();
	inherit_save(&given);
	capacity = slow_us > 0 ? SLOW_RING : RING_CAPACITY;
	if (ring_create(&target.ring, capacity) == -1) {
		ring_error(capacity);
		goto out_agent;
	}
	ring_own(&target.ring);
	run_mode = o->mode;
	target.ring.hdr->mode = (uint32_t)o->mode;
	target.command = join_argv(o->argv);
	target.slow_us = slow_us;
	stream_begin(&target, NULL);
	if (o->children) {
		if (children_listen(children) == -1) {
			error(0, errno, "cannot listen for child processes");
			goto out_stream;
		}
		children->mode = (uint32_t)o->mode;
		ch = children;
		target.forks = &ch->copies;
	}
	if (pipe2(errpipe, O_CLOEXEC) == -1) {
		error(0, errno, "cannot create a pipe");
		goto out_children;
	}
	install_handlers();
	leave_callers_group();
	target.start = time(NULL);
	fflush(NULL);
	/* A signal to forward waits until there is a pid to forward it to. */
	block_forwarded();
	pid = fork();
	if (pid == -1) {
		error(0, errno, "cannot fork");
		goto out_pipe;
	}
	if (pid == 0)
		child_exec(o->argv, agent, target.ring.fd,
		    ch != NULL ? ch->env : NULL, errpipe[1]);
	target_to_callers_group(pid);
	target_pid = pid;
	stream_set_pid(&target, pid);
	sigprocmask(SIG_SETMASK, &given.mask, NULL);
	if (ch != NULL)
		ch->main_pid = (uint32_t)pid;
	close(errpipe[1]);
	/* The pipe closes on a successful exec; otherwise it carries errno. */
	do
		n = read(errpipe[0], &err, sizeof err);
	while (n == -1 && errno == EINTR);
	close(errpipe[0]);
	if (n != (ssize_t)sizeof err) {
		free(agent);
		*chp = ch;
		return 0;
	}
	waitpid(pid, &status, 0);
	error(0, err, "cannot run '%s'", o->argv[0]);
	rc = err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	goto out_children;

out_pipe:
	close(errpipe[0]);
	close(errpipe[1]);
out_children:
	if (ch != NULL)
		children_release(ch);
out_stream:
	stream_release(&target);
out_agent:
	free(agent);
	return rc;
}

/*
 * The target and, with --children, its tree have ended: check the
 * budgets, write the profiles as o->keep says, release the rest, and
 * return heapprof's exit status (or die of the target's signal).
 */
static int
session_finish(const struct session_opts *o, struct children *ch,
    struct symlive *live, int status)
{
	struct profile p;
	unsigned symflags;
	int rc, exceeded, failed, paths, asserted;
	char *output;

	output = output_name(o->output, o->argv[0], target.pid);
	symflags = o->debuginfod ? SYMBOLIZE_DEBUGINFOD : 0;
	build_profile(&p, &target, status, symflags, symlive_finish(live));
	symlive_release(live);
	exceeded = budget_check(&o->budgets, &p);
	paths = tiers_check(&o->tiers, &p, stderr);
	if (paths > 0)
		exceeded += paths;
	/* A failed HEAPPROF_ASSERT fails the run like a budget, kept always. */
	asserted = p.failed_asserts > 0 ||
	    (ch != NULL && children_failed_asserts(ch) > 0);
	failed = exceeded > 0 || paths == -1 || asserted ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	rc = 0;
	if (o->keep == KEEP_ALWAYS || asserted ||
	    (o->keep == KEEP_ON_FAILURE && failed)) {
		rc = save_profile(&p, &target.c, output, "");
		/* libdw in one thread at a time: the thread lets go first. */
		if (ch != NULL) {
			symlive_free(live);
			live = NULL;
		}
		if (ch != NULL && write_children(ch, o->output, o->argv[0],
		    output, symflags) == -1)
			rc = -1;
	} else {
		print_summary(&target.c, "", NULL);
	}
	profile_release(&p);
	symlive_free(live);
	free(output);
	stream_release(&target);
	if (ch != NULL)
		children_release(ch);

	/* The program's own failure wins over a budget's. */
	if (WIFSIGNALED(status))
		die_like(WTERMSIG(status));
	if (rc != 0)
		return EXIT_RUN_FAILED;
	if (WEXITSTATUS(status) != 0)
		return WEXITSTATUS(status);
	if (paths == -1)
		return EXIT_RUN_FAILED;
	return exceeded > 0 || asserted ? o->error_exitcode : EXIT_OK;
}

int
session_run(const struct session_opts *o)
{
	struct children children, *ch = NULL;
	struct symlive *live;
	int rc, status;

	rc = session_start(o, &children, &ch);
	if (rc != 0)
		return rc;
	live = symlive_start();
	status = collect_until_exit(ch, live);
	restore_signals();
	return session_finish(o, ch, live, status);
}
