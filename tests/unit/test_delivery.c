/*
 * test_delivery: the queue and worker shared by network outputs, with a
 * scripted sink.  Everything pushed is sent, in order; items the sink asks
 * to retry come again (and only those); refused ones are counted failed; a
 * full queue drops its oldest; a sink that never succeeds costs the caller
 * nothing and is given up at the stop bound, even in a long backoff; the
 * tick runs and may push.
 * Waits are on the worker's own progress (bounded), never on a window.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "outputs/delivery.h"

#define MAX_SEEN 4096

struct fake {
	pthread_mutex_t lock;
	pthread_cond_t seen_more;
	/* script */
	unsigned retry_first;      /* answer RETRY to the first N sends */
	const char *refuse;        /* items whose text is this are refused for good */
	const char *retry_once;    /* this item is retried once, the rest of its batch goes */
	bool retried_once;
	bool gate;                 /* while true, send blocks (a slow server) */
	unsigned sends, ticks;
	/* what arrived */
	char *seen[MAX_SEEN];
	unsigned n_seen;
	unsigned max_batch;
};

static void fake_send(void *sink, struct lm_delivery_item *const *items, unsigned n,
		      enum lm_send_result *res)
{
	struct fake *f = sink;
	pthread_mutex_lock(&f->lock);
	while (f->gate)
		pthread_cond_wait(&f->seen_more, &f->lock);
	f->sends++;
	if (n > f->max_batch)
		f->max_batch = n;
	if (f->sends <= f->retry_first) {
		pthread_mutex_unlock(&f->lock);
		return; /* all stay LM_SEND_RETRY */
	}
	for (unsigned i = 0; i < n; i++) {
		if (f->refuse && strcmp(items[i]->data, f->refuse) == 0) {
			res[i] = LM_SEND_FAIL;
		} else if (f->retry_once && !f->retried_once && strcmp(items[i]->data, f->retry_once) == 0) {
			f->retried_once = true;
			res[i] = LM_SEND_RETRY;
		} else {
			res[i] = LM_SEND_OK;
			if (f->n_seen < MAX_SEEN)
				f->seen[f->n_seen++] = strdup(items[i]->data);
		}
	}
	pthread_cond_broadcast(&f->seen_more);
	pthread_mutex_unlock(&f->lock);
}

static lm_time_t fake_tick(void *sink, struct lm_delivery *d, lm_time_t now)
{
	struct fake *f = sink;
	pthread_mutex_lock(&f->lock);
	unsigned t = ++f->ticks;
	pthread_mutex_unlock(&f->lock);
	if (t == 2)
		lm_delivery_push(d, "from-tick", 9);
	return t < 3 ? now + 10 * LM_NS_PER_MS : 0;
}

static void fake_fini(void *sink)
{
	struct fake *f = sink;
	for (unsigned i = 0; i < f->n_seen; i++)
		free(f->seen[i]);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->seen_more);
	free(f);
}

static const struct lm_sink_ops fake_ops = { .send = fake_send, .fini = fake_fini };
static const struct lm_sink_ops ticking_ops = { .send = fake_send, .tick = fake_tick,
						.fini = fake_fini };

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->seen_more, NULL);
	return f;
}

/* Waits (at most 10 s) until the sink has seen n items. */
static void wait_seen(struct fake *f, unsigned n)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	pthread_mutex_lock(&f->lock);
	while (f->n_seen < n)
		if (pthread_cond_timedwait(&f->seen_more, &f->lock, &ts) != 0)
			break;
	pthread_mutex_unlock(&f->lock);
	assert_true(f->n_seen >= n);
}

static void push_str(struct lm_delivery *d, const char *s)
{
	lm_delivery_push(d, s, strlen(s));
}

static const struct lm_delivery_opts fast = {
	.batch_max = 4,
	.retry_initial = LM_NS_PER_MS,
	.retry_max = 4 * LM_NS_PER_MS,
	.stop_bound = 2 * LM_NS_PER_SEC,
};

static void test_all_sent_in_order_in_batches(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct lm_delivery *d = lm_delivery_new("t", &fake_ops, f, &fast);
	char buf[16];
	for (int i = 0; i < 50; i++) {
		snprintf(buf, sizeof(buf), "item-%02d", i);
		push_str(d, buf);
	}
	wait_seen(f, 50);
	for (int i = 0; i < 50; i++) {
		snprintf(buf, sizeof(buf), "item-%02d", i);
		assert_string_equal(f->seen[i], buf);
	}
	assert_true(f->max_batch <= 4);
	lm_delivery_stop(d);
	const struct lm_delivery_stats *st = lm_delivery_stats(d);
	assert_int_equal(atomic_load(&st->queued), 50);
	assert_int_equal(atomic_load(&st->sent), 50);
	assert_int_equal(atomic_load(&st->failed), 0);
	assert_int_equal(atomic_load(&st->depth), 0);
	lm_delivery_free(d);
}

static void test_retry_then_delivered(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	f->retry_first = 3; /* a server down for three tries */
	struct lm_delivery *d = lm_delivery_new("t", &fake_ops, f, &fast);
	push_str(d, "a");
	push_str(d, "b");
	wait_seen(f, 2);
	lm_delivery_stop(d);
	const struct lm_delivery_stats *st = lm_delivery_stats(d);
	assert_int_equal(atomic_load(&st->sent), 2);
	/* each batch was refused three times (a and b may have gone apart) */
	assert_true(atomic_load(&st->retries) >= 3);
	lm_delivery_free(d);
}

static void test_only_retried_items_come_again(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	f->retry_once = "b";
	f->refuse = "c";
	struct lm_delivery *d = lm_delivery_new("t", &fake_ops, f, &fast);
	push_str(d, "a");
	push_str(d, "b");
	push_str(d, "c");
	wait_seen(f, 2);
	lm_delivery_stop(d);
	assert_int_equal(f->n_seen, 2); /* a once, b once (after its retry); c never */
	assert_string_equal(f->seen[0], "a");
	assert_string_equal(f->seen[1], "b");
	const struct lm_delivery_stats *st = lm_delivery_stats(d);
	assert_int_equal(atomic_load(&st->sent), 2);
	assert_int_equal(atomic_load(&st->failed), 1);
	assert_int_equal(atomic_load(&st->retries), 1);
	lm_delivery_free(d);
}

static void test_full_queue_drops_oldest(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	f->gate = true; /* the worker is stuck sending the first batch */
	struct lm_delivery_opts o = fast;
	o.queue_max = 5;
	o.batch_max = 1;
	struct lm_delivery *d = lm_delivery_new("t", &fake_ops, f, &o);
	push_str(d, "first");
	/* once the worker holds "first", the queue takes five more */
	for (int i = 0; i < 1000 && atomic_load(&lm_delivery_stats(d)->depth) != 0; i++) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	char buf[16];
	for (int i = 0; i < 20; i++) {
		snprintf(buf, sizeof(buf), "n%02d", i);
		push_str(d, buf);
	}
	const struct lm_delivery_stats *st = lm_delivery_stats(d);
	assert_int_equal(atomic_load(&st->dropped), 15);
	assert_int_equal(atomic_load(&st->depth), 5);
	pthread_mutex_lock(&f->lock);
	f->gate = false;
	pthread_cond_broadcast(&f->seen_more);
	pthread_mutex_unlock(&f->lock);
	wait_seen(f, 6);
	assert_string_equal(f->seen[0], "first");
	assert_string_equal(f->seen[1], "n15"); /* the newest five were kept */
	assert_string_equal(f->seen[5], "n19");
	lm_delivery_free(d);
}

static void test_dead_server_given_up_at_stop(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	f->retry_first = 1000000; /* never answers */
	struct lm_delivery_opts o = fast;
	o.stop_bound = 200 * LM_NS_PER_MS;
	struct lm_delivery *d = lm_delivery_new("t", &fake_ops, f, &o);
	lm_time_t t0 = lm_clock_wall();
	for (int i = 0; i < 100; i++)
		push_str(d, "x");
	assert_true(lm_clock_wall() - t0 < LM_NS_PER_SEC); /* pushing never waits */
	lm_delivery_stop(d);
	assert_true(lm_clock_wall() - t0 < 3 * LM_NS_PER_SEC); /* the bound holds */
	const struct lm_delivery_stats *st = lm_delivery_stats(d);
	assert_int_equal(atomic_load(&st->sent), 0);
	assert_int_equal(atomic_load(&st->failed), 100);
	lm_delivery_free(d);
}

/* A stop that comes while the worker waits out a long backoff ends the
 * wait at the stop bound, not at the end of the backoff. */
static void test_stop_cuts_a_long_backoff(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	f->retry_first = 1000000;
	struct lm_delivery_opts o = fast;
	o.retry_initial = 20 * LM_NS_PER_SEC;
	o.retry_max = 20 * LM_NS_PER_SEC;
	o.stop_bound = 200 * LM_NS_PER_MS;
	struct lm_delivery *d = lm_delivery_new("t", &fake_ops, f, &o);
	push_str(d, "x");
	for (int i = 0; i < 1000 && f->sends == 0; i++) { /* the first try failed: backing off */
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	lm_time_t t0 = lm_clock_wall();
	lm_delivery_stop(d);
	assert_true(lm_clock_wall() - t0 < 3 * LM_NS_PER_SEC);
	assert_int_equal(atomic_load(&lm_delivery_stats(d)->failed), 1);
	lm_delivery_free(d);
}

static void test_tick_runs_and_pushes(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct lm_delivery *d = lm_delivery_new("t", &ticking_ops, f, &fast);
	wait_seen(f, 1);
	assert_string_equal(f->seen[0], "from-tick");
	lm_delivery_stop(d);
	assert_true(f->ticks >= 2);
	lm_delivery_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_sent_in_order_in_batches),
		cmocka_unit_test(test_retry_then_delivered),
		cmocka_unit_test(test_only_retried_items_come_again),
		cmocka_unit_test(test_full_queue_drops_oldest),
		cmocka_unit_test(test_dead_server_given_up_at_stop),
		cmocka_unit_test(test_stop_cuts_a_long_backoff),
		cmocka_unit_test(test_tick_runs_and_pushes),
	};
	return cmocka_run_group_tests_name("delivery", tests, NULL, NULL);
}
