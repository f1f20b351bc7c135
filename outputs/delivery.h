/*
 * delivery: what every network output shares: a bounded queue, one worker
 * thread, batching, retries with exponential backoff and jitter, counters.
 *
 * The pipeline thread encodes a diagnosis into bytes (the output's own
 * format: an Alertmanager alert, a bulk line, a row) and pushes them; push
 * never blocks: when the queue is full the oldest item is dropped and
 * counted.  The worker takes up to batch_max items at a time and hands them
 * to the sink's send callback, which says per item whether it was delivered,
 * should be tried again, or must be given up (a permanent error).  Items to
 * retry are sent again after a backoff that doubles from retry_initial up to
 * retry_max, with jitter (a random 50-100 % of it), for as long as the
 * process runs: a dead server costs queue slots, never the pipeline's time.
 * At the end, lm_delivery_stop() lets the worker empty the queue for at
 * most the stop bound; what is left is counted as failed.
 *
 * Only bytes cross threads: an item is owned by the queue from push on.
 * Counters are atomics, readable from any thread.
 */
#ifndef LM_DELIVERY_H
#define LM_DELIVERY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

#define LM_DELIVERY_QUEUE_DEFAULT 10000u
#define LM_DELIVERY_BATCH_DEFAULT 100u

struct lm_delivery_item {
	char *data;   /* owned by the queue */
	size_t len;
	uint64_t seq; /* push order, from 1 */
};

enum lm_send_result {
	LM_SEND_OK,    /* delivered */
	LM_SEND_RETRY, /* try again later (server down, 5xx, 429, timeout) */
	LM_SEND_FAIL,  /* give up: the server refused it for good (4xx) */
};

struct lm_delivery;

struct lm_sink_ops {
	/* Worker thread: deliver items[0..n); set results[i] for each (they
	 * start as LM_SEND_RETRY, so a sink that cannot reach its server at all
	 * just returns). */
	void (*send)(void *sink, struct lm_delivery_item *const *items, unsigned n,
		     enum lm_send_result *results);
	/* Worker thread, optional: called when the time it last returned has
	 * come (first at start); may push items through lm_delivery_push (an
	 * Alertmanager output re-sends its firing alerts so); returns when to be
	 * called next (0: never). */
	lm_time_t (*tick)(void *sink, struct lm_delivery *d, lm_time_t now);
	void (*fini)(void *sink); /* after the worker stopped */
};

struct lm_delivery_opts {
	unsigned queue_max;       /* items; 0: LM_DELIVERY_QUEUE_DEFAULT */
	unsigned batch_max;       /* items per send; 0: LM_DELIVERY_BATCH_DEFAULT */
	lm_time_t retry_initial;  /* 0: 500 ms */
	lm_time_t retry_max;      /* 0: 30 s */
	lm_time_t stop_bound;     /* 0: 5 s */
};

struct lm_delivery_stats {
	atomic_uint_fast64_t queued;  /* pushed */
	atomic_uint_fast64_t sent;    /* delivered */
	atomic_uint_fast64_t failed;  /* given up: refused for good, or left at stop */
	atomic_uint_fast64_t dropped; /* pushed out of a full queue */
	atomic_uint_fast64_t retries; /* sends tried again */
	atomic_uint_fast64_t depth;   /* items waiting now */
};

/* name: the output's, for messages.  Takes ownership of sink (freed by
 * ops->fini).  Starts the worker thread (a process that cannot start a
 * thread aborts). */
struct lm_delivery *lm_delivery_new(const char *name, const struct lm_sink_ops *ops, void *sink,
				    const struct lm_delivery_opts *o);
/* Copies data into the queue.  Never blocks. */
void lm_delivery_push(struct lm_delivery *d, const char *data, size_t len);
/* Lets the worker send what is queued for at most the stop bound, then
 * stops it; the counters stay readable.  Done once. */
void lm_delivery_stop(struct lm_delivery *d);
/* Stops (if not yet) and frees everything.  Accepts NULL. */
void lm_delivery_free(struct lm_delivery *d);
const struct lm_delivery_stats *lm_delivery_stats(const struct lm_delivery *d);

#endif
