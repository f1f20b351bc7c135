/*
 * delivery: the queue and worker behind network outputs.  See delivery.h.
 * The queue is a ring of item pointers under one mutex; the worker sleeps on
 * a condition variable, both for new items and for its backoff (so stopping
 * wakes it at once).
 */
#include "outputs/delivery.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/signals.h"

struct lm_delivery {
	const struct lm_sink_ops *ops;
	void *sink;
	struct lm_delivery_opts o;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct lm_delivery_item **ring;
	unsigned head, count;
	uint64_t seq;
	bool stopping;
	lm_time_t deadline; /* once stopping: when the worker gives up */
	unsigned seed;      /* jitter, worker thread only */
	lm_time_t next_tick; /* worker thread only; 0: none */
	bool joined;         /* the worker has been stopped */
	struct lm_delivery_stats stats;
};

static struct lm_delivery_item *take(struct lm_delivery *d)
{
	struct lm_delivery_item *it = d->ring[d->head];
	d->head = (d->head + 1) % d->o.queue_max;
	d->count--;
	atomic_store(&d->stats.depth, d->count);
	return it;
}

void lm_delivery_push(struct lm_delivery *d, const char *data, size_t len)
{
	struct lm_delivery_item *it = lm_xmalloc(sizeof(*it));
	it->data = lm_xmalloc(len + 1);
	memcpy(it->data, data, len);
	it->data[len] = '\0';
	it->len = len;
	struct lm_delivery_item *old = NULL;
	pthread_mutex_lock(&d->lock);
	it->seq = ++d->seq;
	if (d->count == d->o.queue_max) { /* the oldest goes: newer news matter more */
		old = take(d);
		atomic_fetch_add(&d->stats.dropped, 1);
	}
	d->ring[(d->head + d->count) % d->o.queue_max] = it;
	d->count++;
	atomic_store(&d->stats.depth, d->count);
	atomic_fetch_add(&d->stats.queued, 1);
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	if (old) {
		free(old->data);
		free(old);
	}
}

static struct timespec abs_time(lm_time_t wall)
{
	return (struct timespec){ (time_t)(wall / LM_NS_PER_SEC), (long)(wall % LM_NS_PER_SEC) };
}

/* The wait before attempt number `attempt` (from 1): doubling, capped,
 * with jitter. */
static lm_time_t backoff(struct lm_delivery *d, unsigned attempt)
{
	lm_time_t wait = d->o.retry_initial;
	for (unsigned i = 1; i < attempt && wait < d->o.retry_max; i++)
		wait *= 2;
	if (wait > d->o.retry_max)
		wait = d->o.retry_max;
	return wait / 2 + (lm_time_t)((double)(wait / 2) * rand_r(&d->seed) / RAND_MAX);
}

/* Sleeps for wait, or until stopping; false once the stop bound passed. */
static bool pause_retry(struct lm_delivery *d, lm_time_t wait)
{
	pthread_mutex_lock(&d->lock);
	lm_time_t until = lm_clock_wall() + wait;
	for (;;) {
		/* a stop asked during the wait shortens it to the stop bound */
		lm_time_t end = d->stopping && d->deadline < until ? d->deadline : until;
		if (lm_clock_wall() >= end)
			break;
		struct timespec ts = abs_time(end);
		pthread_cond_timedwait(&d->wake, &d->lock, &ts);
	}
	bool go_on = !d->stopping || lm_clock_wall() < d->deadline;
	pthread_mutex_unlock(&d->lock);
	return go_on;
}

/* Sends one batch until every item is delivered or given up. */
static void deliver(struct lm_delivery *d, struct lm_delivery_item **items, unsigned n)
{
	enum lm_send_result *res = lm_xcalloc(n, sizeof(*res));
	for (unsigned attempt = 1; n > 0; attempt++) {
		for (unsigned i = 0; i < n; i++)
			res[i] = LM_SEND_RETRY;
		d->ops->send(d->sink, items, n, res);
		unsigned left = 0;
		for (unsigned i = 0; i < n; i++) {
			if (res[i] == LM_SEND_RETRY) {
				items[left++] = items[i];
				continue;
			}
			atomic_fetch_add(res[i] == LM_SEND_OK ? &d->stats.sent : &d->stats.failed, 1);
			free(items[i]->data);
			free(items[i]);
		}
		n = left;
		if (n == 0 || !pause_retry(d, backoff(d, attempt)))
			break;
		atomic_fetch_add(&d->stats.retries, n);
	}
	for (unsigned i = 0; i < n; i++) { /* the stop bound passed */
		atomic_fetch_add(&d->stats.failed, 1);
		free(items[i]->data);
		free(items[i]);
	}
	free(res);
}

/* Worker thread, lock held: runs the sink's tick if it is due. */
static void tick_if_due(struct lm_delivery *d)
{
	if (!d->next_tick || lm_clock_wall() < d->next_tick)
		return;
	pthread_mutex_unlock(&d->lock);
	d->next_tick = d->ops->tick(d->sink, d, lm_clock_wall());
	pthread_mutex_lock(&d->lock);
}

/* Worker thread, lock held: sleeps until an item, a stop or the tick. */
static void wait_for_work(struct lm_delivery *d)
{
	if (!d->next_tick) {
		pthread_cond_wait(&d->wake, &d->lock);
		return;
	}
	struct timespec ts = abs_time(d->next_tick);
	pthread_cond_timedwait(&d->wake, &d->lock, &ts);
}

static void *worker(void *arg)
{
	struct lm_delivery *d = arg;
	lm_signals_block_thread();
	struct lm_delivery_item **batch = lm_xcalloc(d->o.batch_max, sizeof(*batch));
	pthread_mutex_lock(&d->lock);
	for (;;) {
		tick_if_due(d);
		if (d->count == 0 && !d->stopping) {
			wait_for_work(d);
			continue;
		}
		if (d->count == 0 || (d->stopping && lm_clock_wall() >= d->deadline))
			break; /* stopping: emptied, or out of time */
		unsigned n = 0;
		while (n < d->o.batch_max && d->count)
			batch[n++] = take(d);
		pthread_mutex_unlock(&d->lock);
		deliver(d, batch, n);
		pthread_mutex_lock(&d->lock);
	}
	while (d->count) { /* left at stop */
		struct lm_delivery_item *it = take(d);
		atomic_fetch_add(&d->stats.failed, 1);
		free(it->data);
		free(it);
	}
	pthread_mutex_unlock(&d->lock);
	free(batch);
	return NULL;
}

struct lm_delivery *lm_delivery_new(const char *name, const struct lm_sink_ops *ops, void *sink,
				    const struct lm_delivery_opts *o)
{
	struct lm_delivery *d = lm_xcalloc(1, sizeof(*d));
	d->ops = ops;
	d->sink = sink;
	d->o = *o;
	if (!d->o.queue_max)
		d->o.queue_max = LM_DELIVERY_QUEUE_DEFAULT;
	if (!d->o.batch_max)
		d->o.batch_max = LM_DELIVERY_BATCH_DEFAULT;
	if (!d->o.retry_initial)
		d->o.retry_initial = 500 * LM_NS_PER_MS;
	if (!d->o.retry_max)
		d->o.retry_max = 30 * LM_NS_PER_SEC;
	if (!d->o.stop_bound)
		d->o.stop_bound = 5 * LM_NS_PER_SEC;
	d->seed = (unsigned)lm_clock_wall();
	d->next_tick = ops->tick ? lm_clock_wall() : 0;
	d->ring = lm_xcalloc(d->o.queue_max, sizeof(*d->ring));
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_REALTIME);
	pthread_cond_init(&d->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&d->thread, NULL, worker, d) != 0) {
		lm_log_error("%s: cannot start its thread", name);
		abort();
	}
	return d;
}

void lm_delivery_stop(struct lm_delivery *d)
{
	if (d->joined)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	d->deadline = lm_clock_wall() + d->o.stop_bound;
	pthread_cond_broadcast(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	d->joined = true;
}

void lm_delivery_free(struct lm_delivery *d)
{
	if (!d)
		return;
	lm_delivery_stop(d);
	d->ops->fini(d->sink);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->wake);
	free(d->ring);
	free(d);
}

const struct lm_delivery_stats *lm_delivery_stats(const struct lm_delivery *d)
{
	return &d->stats;
}
