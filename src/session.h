/*
 * session.h - one `heapprof run`.
 */
#ifndef HEAPPROF_SESSION_H
#define HEAPPROF_SESSION_H

struct session_opts {
	char **argv;		/* the target and its arguments, NULL-terminated */
	const char *output;	/* the profile to write */
	int children;		/* profile every process of the tree too */
	int debuginfod;		/* let libdw ask DEBUGINFOD_URLS' servers */
};

/*
 * Run the target to its end and write the profile.  Returns the exit
 * status heapprof should exit with; if the target died of a signal, does
 * not return but dies of the same signal once the profile is written.
 */
int session_run(const struct session_opts *o);

/* The agent's absolute path (caller frees), or NULL after an error line. */
char *session_find_agent(void);

#endif
