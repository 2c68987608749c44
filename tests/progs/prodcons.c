/* SPDX-License-Identifier: MIT */
/*
 * prodcons.c - blocks cross threads both ways.  producer() mallocs COUNT
 * (default 20000) blocks of 16 + i % 200 bytes and queues them;
 * consumer() frees each and mallocs a reply of the same size, which glibc
 * serves from the consumer's cache, usually at the address just freed;
 * producer() frees the replies, and its next malloc reuses their
 * addresses.  So an address is freed by one thread and allocated again by
 * another all the time, and the collector must see the free first.
 *
 * Expected (producer()'s and consumer()'s sites): tb = 2 * sum of the
 * sizes, tbk = 2 * COUNT, nothing at exit; printed to stderr as
 * "expect tb=N tbk=N eb=0 ebk=0", with "reused N": how many replies had
 * the address of the block just freed (the test wants some).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QLEN	64

struct queue {
	void *item[QLEN];
	size_t len[QLEN];
	unsigned head, tail;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static struct queue to_consumer = {
	.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER,
};
static struct queue to_producer = {
	.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER,
};
static long count = 20000, reused;

static void
put(struct queue *q, void *p, size_t n)
{
	pthread_mutex_lock(&q->lock);
	while (q->tail - q->head == QLEN)
		pthread_cond_wait(&q->changed, &q->lock);
	q->item[q->tail % QLEN] = p;
	q->len[q->tail % QLEN] = n;
	q->tail++;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

/* Returns 0 without waiting when `wait` is 0 and the queue is empty. */
static int
get(struct queue *q, void **p, size_t *n, int wait)
{
	pthread_mutex_lock(&q->lock);
	while (wait && q->tail == q->head)
		pthread_cond_wait(&q->changed, &q->lock);
	if (q->tail == q->head) {
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	*p = q->item[q->head % QLEN];
	*n = q->len[q->head % QLEN];
	q->head++;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	return 1;
}

static void *
consumer(void *arg)
{
	void *p, *reply;
	size_t n;

	(void)arg;
	while (get(&to_consumer, &p, &n, 1) && p != NULL) {
		free(p);
		reply = malloc(n);
		if (reply == NULL)
			abort();
		if (reply == p)
			reused++;
		memset(reply, 2, n);
		put(&to_producer, reply, n);
	}
	return NULL;
}

static void *
producer(void *arg)
{
	unsigned long long *tb = arg;
	long i, replies = 0;
	void *p;
	size_t n;

	for (i = 0; i < count; i++) {
		n = 16 + (size_t)(i % 200);
		p = malloc(n);
		if (p == NULL)
			abort();
		memset(p, 1, n);
		*tb += 2 * n;
		put(&to_consumer, p, n);
		while (get(&to_producer, &p, &n, 0)) {
			free(p);
			replies++;
		}
	}
	put(&to_consumer, NULL, 0);
	for (; replies < count; replies++) {
		get(&to_producer, &p, &n, 1);
		free(p);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	unsigned long long tb = 0;
	pthread_t prod, cons;
	char line[128];

	if (argc > 1)
		count = atol(argv[1]);
	if (pthread_create(&cons, NULL, consumer, NULL) != 0 ||
	    pthread_create(&prod, NULL, producer, &tb) != 0)
		return 1;
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	snprintf(line, sizeof line, "expect tb=%llu tbk=%ld eb=0 ebk=0\n"
	    "reused %ld\n", tb, 2 * count, reused);
	return write(2, line, strlen(line)) == (ssize_t)strlen(line) ? 0 : 1;
}
