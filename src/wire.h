/* SPDX-License-Identifier: MIT */
/*
 * wire.h - the ABI between the preload agent (inside the target) and the
 * collector (inside `heapprof run`): the shared-memory ring and its records.
 *
 * Both sides are built from the same tree, but a target may exec a program
 * that finds an older agent, so the header carries a magic and a version.
 * Bump HP_WIRE_VERSION whenever anything below changes.
 *
 * The ring is a memfd mapped by both processes: a page of header, then a
 * power-of-two data area.  Producers (target threads) reserve space by a
 * fetch-and-add on `head` (waiting, if they took space a lap ahead of the
 * consumer, until it is consumed), write their record, and publish it by
 * storing its length last (release).  The single consumer reads records in reservation order, waits
 * on a record whose length is still zero, zeroes what it consumed and then
 * advances `tail`.  Publishing makes no system call: the consumer polls,
 * and is woken early only by a producer that finds the ring full (or by the
 * CLI's SIGCHLD handler).  A producer waiting for space learns that the
 * collector died from `consumer_lock`, which the kernel marks when it
 * exits, even while nobody reaps it.  Because reservation order is the order the collector
 * sees, a free reserved before the real free() runs can never be overtaken
 * by the malloc in another thread that reuses the address.
 *
 * The target can write anywhere in the ring, so the collector trusts
 * nothing in it: it keeps its own tail and capacity, checks head and every
 * record against them and against the limits below, and ends the stream at
 * the first thing that cannot have come from the agent.
 */
#ifndef HEAPPROF_WIRE_H
#define HEAPPROF_WIRE_H

#include <stdint.h>

#define HP_WIRE_MAGIC	0x48505257u	/* "HPRW" */
#define HP_WIRE_VERSION	9

/* Environment variable through which the CLI hands the ring's fd to the agent. */
#define HP_ENV_RING_FD	"HEAPPROF_RING_FD"

/*
 * With `run --children`: "PID:NAME", the CLI's pid and the abstract unix
 * socket (SOCK_SEQPACKET) on which every other process of the tree asks
 * for a ring of its own.  A process connects and sends one struct
 * hp_child_hello; the CLI answers with one struct hp_child_ring and the
 * ring's memfd attached (SCM_RIGHTS), or closes the connection to refuse.
 * The CLI makes and sizes the ring and seals its size (F_SEAL_SHRINK,
 * F_SEAL_GROW, F_SEAL_SEAL), so no process can make the other's mapping
 * fault, and the process's own file-size limit does not matter.  It
 * takes only processes of its own tree running as its own user, each
 * for its own pid (SO_PEERCRED).
 */
#define HP_ENV_CHILDREN	"HEAPPROF_CHILDREN"
#define HP_CHILD_RING_SIZE	(4u << 20)

struct hp_child_hello {
	uint32_t magic;		/* HP_WIRE_MAGIC */
	uint32_t version;	/* HP_WIRE_VERSION */
	uint32_t pid;		/* the sender's own: any other is refused */
	uint32_t parent_pid;	/* for a forked child: whose heap it copies */
	uint64_t fork_token;	/* 0 after exec; else matches an HP_REC_FORK */
	char command[1024];	/* its /proc/self/cmdline, NULs as spaces */
};

struct hp_child_ring {
	uint32_t magic;		/* HP_WIRE_MAGIC */
	uint32_t version;	/* HP_WIRE_VERSION */
};

#define HP_RING_HEADER_SIZE	4096u
#define HP_MAX_FRAMES		128	/* deeper stacks are marked truncated */
#define HP_REC_MAX_LEN		8192u	/* no record is longer */
#define HP_STACK_ID_LIMIT	(1u << 24)	/* stack ids are below this */

/*
 * The clock of every record's time.  HP_CLOCK_TSC is the CPU's time-stamp
 * counter, read in a third of the time of a vDSO clock_gettime (12 ns
 * against 28 ns here, under kvm-clock); it is used only where the CPU
 * says it runs at a constant rate in every power state.  The collector
 * turns ticks into ns with the rate it measures over the whole run.
 */
enum hp_clock { HP_CLOCK_MONOTONIC, HP_CLOCK_TSC };

/* The values of an answer, in heapprof.h's struct heapprof_stats order. */
enum hp_stat {
	HP_STAT_TOTAL_BLOCKS, HP_STAT_TOTAL_BYTES, HP_STAT_CURR_BLOCKS,
	HP_STAT_CURR_BYTES, HP_STAT_MAX_BLOCKS, HP_STAT_MAX_BYTES, HP_STATS_N
};
#define HP_ANSWER_SLOTS	16	/* threads asking at once; more wait */

struct hp_ring_header {
	uint32_t magic;
	uint32_t version;
	uint64_t capacity;		/* bytes in the data area, a power of two */
	uint64_t clock_origin;		/* the clock when the ring was made */
	uint64_t mono_origin;		/* CLOCK_MONOTONIC ns at that moment */
	uint32_t clock;			/* enum hp_clock */
	uint32_t consumer_pid;		/* the collector, while consumer_lock is 0 */
	/*
	 * A robust futex the collector owns: its thread id, on the
	 * collector's robust list, so the kernel sets FUTEX_OWNER_DIED when
	 * it exits, before it is reaped.  The collector sets the bit itself
	 * when it stops reading.  0 until a collector owns the ring (the
	 * ring of a --children process, until the CLI takes it).
	 */
	uint32_t consumer_lock;
	uint32_t mode;			/* enum hp_mode, set by the CLI */
	_Alignas(64) uint64_t head;	/* producers: next byte to reserve */
	_Alignas(64) uint64_t tail;	/* consumer: everything before is free */
	uint32_t tail_seq;		/* futex word, bumped when space is freed */
	uint32_t producers_waiting;	/* a producer sleeps on tail_seq */
	_Alignas(64) uint32_t consumer_wake;	/* futex word, bumped to wake the consumer */
	uint32_t pad1;
	uint64_t full_waits;		/* times a producer found it full */
	/*
	 * heapprof_stats(3): a thread claims a free slot (busy 0 -> 1),
	 * publishes an HP_REC_QUERY naming it, and waits on answer_seq; the
	 * collector, having counted everything before the query, writes the
	 * values, then the query's token, and bumps answer_seq.
	 */
	_Alignas(64) uint32_t answer_seq;	/* futex word */
	uint32_t pad2;
	struct hp_answer {
		uint32_t busy;		/* producer: the slot is taken */
		uint32_t pad;
		uint64_t token;		/* consumer: the query answered */
		uint64_t values[HP_STATS_N];	/* enum hp_stat */
	} answers[HP_ANSWER_SLOTS];
};

_Static_assert(sizeof(struct hp_ring_header) <= HP_RING_HEADER_SIZE,
    "the ring header fits its page");

/*
 * What the agent records: in HP_MODE_AD_HOC (`run --mode=ad-hoc`) the
 * malloc hooks pass straight through and only heapprof_ad_hoc(3) events
 * are sent.
 */
enum hp_mode { HP_MODE_HEAP, HP_MODE_AD_HOC };

enum hp_rec_type {
	HP_REC_PAD = 1,		/* filler up to the end of the data area, or
				   from its start (shorter than
				   HP_REC_MAX_LEN) */
	HP_REC_HELLO,		/* struct hp_rec_hello: the agent attached */
	HP_REC_MODULE,		/* struct hp_rec_module: a loaded object */
	HP_REC_ALLOC,		/* struct hp_rec_alloc + frames */
	HP_REC_FREE,		/* struct hp_rec_free */
	HP_REC_REALLOC,		/* struct hp_rec_realloc + frames */
	HP_REC_FORK,		/* struct hp_rec_fork: about to fork (--children) */
	HP_REC_STACK,		/* struct hp_rec_stack + frames: a stack's id */
	HP_REC_QUERY,		/* struct hp_rec_query: heapprof_stats(3) */
	HP_REC_ASSERT,		/* struct hp_rec_assert + text: HEAPPROF_ASSERT */
	HP_REC_AD_HOC,		/* struct hp_rec_ad_hoc + frames: heapprof_ad_hoc */
	HP_REC_UNWIND_MISMATCH,	/* struct hp_rec: HEAPPROF_CHECK_UNWIND found
				   a capture that libunwind unwinds otherwise */
	HP_REC_LAST = HP_REC_UNWIND_MISMATCH
};

/*
 * Every record starts with this header and is a multiple of 8 bytes long.
 * `len` is written last; zero means "reserved, not yet published".
 */
struct hp_rec {
	uint32_t len;		/* whole record in bytes, header included */
	uint16_t type;		/* enum hp_rec_type */
	uint16_t flags;		/* HP_RECF_* */
};

#define HP_RECF_TRUNCATED	0x1	/* stack deeper than HP_MAX_FRAMES */

struct hp_rec_hello {
	struct hp_rec hdr;
	uint32_t pid;
	uint32_t wire_version;
};

/*
 * A loaded ELF object: the agent sends the whole list after attaching, and
 * the changes after dlopen() and dlclose().  HP_RECF_UNLOADED says the
 * object (same bias, lo and path) went away.
 */
struct hp_rec_module {
	struct hp_rec hdr;
	uint64_t bias;		/* load bias (dlpi_addr) */
	uint64_t lo, hi;	/* lowest and highest address of its PT_LOADs */
	uint32_t path_len;	/* bytes of path that follow, no NUL; cut to
				   keep the record within HP_REC_MAX_LEN */
	uint32_t pad;
	/* char path[path_len], padded to 8 */
};

/*
 * A call stack the agent will name by id: sent once, before the first
 * event that carries the id.  Two ids may name the same frames.
 * HP_RECF_TRUNCATED as for an event.
 */
struct hp_rec_stack {
	struct hp_rec hdr;
	uint32_t id;		/* never 0 */
	uint32_t nframes;
	/* uint64_t frames[nframes]: return addresses, innermost first */
};

/*
 * With HP_RECF_STACK_ID an allocation carries no frames (nframes is 0):
 * `stack` is the id of an HP_REC_STACK record that came before.
 */
#define HP_RECF_STACK_ID	0x20

struct hp_rec_alloc {
	struct hp_rec hdr;
	uint64_t addr;
	uint64_t size;
	uint64_t time;		/* the ring's clock, since clock_origin */
	uint32_t nframes;
	uint32_t stack;		/* with HP_RECF_STACK_ID, else 0 */
	/* uint64_t frames[nframes]: return addresses, innermost first */
};

struct hp_rec_free {
	struct hp_rec hdr;
	uint64_t addr;
	uint64_t time;
};

/*
 * With --children, sent just before fork(): the child's profile starts as
 * a copy of this process's state at this point in its stream.
 */
struct hp_rec_fork {
	struct hp_rec hdr;
	uint64_t token;		/* unique within the process */
};

/*
 * realloc(old, size) that returned new_addr.  Reserved before the real
 * realloc runs and published after, so it is ordered like a free of `old`
 * followed by an allocation of `new_addr`.  new_addr == 0 with
 * HP_RECF_FAILED means nothing changed.
 */
struct hp_rec_realloc {
	struct hp_rec hdr;
	uint64_t old_addr;
	uint64_t new_addr;
	uint64_t size;
	uint64_t time;
	uint32_t nframes;
	uint32_t stack;		/* as in struct hp_rec_alloc */
	/* uint64_t frames[nframes] */
};

/*
 * heapprof_stats(3): answer in answers[slot] with the statistics as of
 * this point in the stream, and token.
 */
struct hp_rec_query {
	struct hp_rec hdr;
	uint32_t slot;		/* below HP_ANSWER_SLOTS */
	uint32_t pad;
	uint64_t token;		/* unique within the process, never 0 */
};

/*
 * heapprof_ad_hoc(3): an event of the program's own with a weight, at the
 * caller's stack (frames or a stack id, as in struct hp_rec_alloc).
 */
struct hp_rec_ad_hoc {
	struct hp_rec hdr;
	uint64_t weight;
	uint64_t time;
	uint32_t nframes;
	uint32_t stack;		/* with HP_RECF_STACK_ID, else 0 */
	/* uint64_t frames[nframes] */
};

/* A failed HEAPPROF_ASSERT: "FILE:LINE: ...", the profile's verdict. */
#define HP_ASSERT_MAX	1024	/* bytes of text at most */
struct hp_rec_assert {
	struct hp_rec hdr;
	uint32_t text_len;	/* bytes that follow, no NUL */
	uint32_t pad;
	/* char text[text_len], padded to 8 */
};

#define HP_RECF_FAILED		0x2	/* realloc returned NULL, old block kept */
#define HP_RECF_UNLOADED	0x4	/* module record: the object was unloaded */
/*
 * A realloc that moved the block is two records: the first, reserved
 * before the real call, ends the old block (HP_RECF_MOVED); the second,
 * reserved after it, starts the new one (HP_RECF_MOVED_TAIL), so that it
 * comes after another thread's free of the address realloc returned.
 */
#define HP_RECF_MOVED		0x8
#define HP_RECF_MOVED_TAIL	0x10
/*
 * An event recorded from a signal handler that interrupted the agent or
 * the real allocator on its thread (built on the handler's stack, frames
 * inline): counted, for information, in the profile.
 */
#define HP_RECF_NESTED		0x40
#define HP_RECF_ALL		0x7f

#define HP_ALIGN8(n)	(((n) + 7u) & ~(uint64_t)7u)

#endif
