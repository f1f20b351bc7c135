/*
 * trigger: the trigger kinds and their registry.  See trigger.h.
 *
 * Windows of ratio and quantile triggers are rings of buckets aligned on
 * multiples of their width (within / buckets), so a window ends at the
 * bucket of "now" and the same events fall in the same buckets on every
 * run.  An event older than the ring is not counted.
 */
#include "analyzers/trigger.h"

#include <stdlib.h>
#include <string.h>

#include "analyzers/sketch.h"
#include "core/buf.h"
#include "rules/condition.h"

/* ---- count (and after): the last N match times ---- */

/* A ring of the latest match times, grown as matches come (to at most N):
 * a key that matched twice holds two times, not N. */
struct count_state {
	unsigned n, next, cap;
	lm_time_t *times;
};

static void count_init(struct lm_diagnosis *d)
{
	d->trigger = lm_xcalloc(1, sizeof(struct count_state));
}

static void count_fini(struct lm_diagnosis *d)
{
	struct count_state *st = d->trigger;
	if (st)
		free(st->times);
}

static unsigned count_needed(const struct lm_diagnosis *d)
{
	return d->rule->when.count ? d->rule->when.count : 1;
}

/* The k-th oldest time held. */
static lm_time_t count_at(const struct count_state *st, unsigned k)
{
	return st->times[(st->next + st->cap - st->n + k) % st->cap];
}

static void count_grow(struct count_state *st, unsigned needed)
{
	unsigned cap = st->cap ? st->cap * 2 : 8;
	if (cap > needed)
		cap = needed;
	lm_time_t *times = lm_xmalloc(cap * sizeof(*times));
	for (unsigned k = 0; k < st->n; k++)
		times[k] = count_at(st, k);
	free(st->times);
	st->times = times;
	st->cap = cap;
	st->next = st->n % cap;
}

static void count_on_match(struct lm_diagnosis *d, lm_time_t t, const struct lm_fields *f)
{
	struct count_state *st = d->trigger;
	unsigned needed = count_needed(d);
	(void)f;
	if (st->n == st->cap && st->cap < needed)
		count_grow(st, needed);
	/* Kept in time order: an out-of-order match counts as of the newest. */
	if (st->n && t < count_at(st, st->n - 1))
		t = count_at(st, st->n - 1);
	st->times[st->next] = t;
	st->next = (st->next + 1) % st->cap;
	if (st->n < st->cap)
		st->n++;
	/* Matches older than the window can never count again: let them go. */
	lm_time_t window = d->rule->when.within;
	while (window > 0 && st->n > 1 && t - count_at(st, 0) > window)
		st->n--;
}

/* The oldest of the last N matches, once there are N. */
static bool count_oldest(const struct lm_diagnosis *d, lm_time_t *oldest)
{
	const struct count_state *st = d->trigger;
	if (st->n < count_needed(d))
		return false;
	*oldest = count_at(st, 0);
	return true;
}

/* How long N matches hold: the window; an `after` rule's match, like a
 * `count: 1` one, holds only at its instant (its window is the gate's). */
static lm_time_t count_window(const struct lm_diagnosis *d)
{
	return d->rule->when.kind == LM_WHEN_AFTER ? 0 : d->rule->when.within;
}

static bool count_holds(struct lm_diagnosis *d, lm_time_t now, double *value)
{
	lm_time_t oldest;
	(void)value;
	/* Matches from before the current run (one resolved since) never count. */
	return count_oldest(d, &oldest) && oldest >= d->first_seen &&
	       now - oldest <= count_window(d);
}

static lm_time_t count_next_change(struct lm_diagnosis *d, lm_time_t now)
{
	lm_time_t oldest;
	if (!count_oldest(d, &oldest) || oldest < d->first_seen || now - oldest > count_window(d))
		return 0;
	return oldest + count_window(d) + 1; /* the first instant it no longer holds */
}

static void no_select(struct lm_diagnosis *d, lm_time_t t)
{
	(void)d;
	(void)t;
}

static const struct lm_trigger count_trigger = {
	.init = count_init,
	.fini = count_fini,
	.on_match = count_on_match,
	.on_select = no_select,
	.holds = count_holds,
	.next_change = count_next_change,
};

/* ---- bucket rings shared by ratio and quantile ---- */

struct ring {
	lm_time_t width;
	int64_t head; /* bucket number of the newest bucket */
	unsigned size;
	bool started;
};

static lm_time_t ring_width(const struct lm_when *w, unsigned size)
{
	lm_time_t width = w->within / size;
	return width > 0 ? width : 1;
}

static int64_t bucket_number(const struct ring *r, lm_time_t t)
{
	return t >= 0 ? t / r->width : -((-t + r->width - 1) / r->width);
}

/* Moves the ring so its newest bucket is b; clear(k) empties slot k.
 * Returns the slot of bucket b, or -1 when b is older than the ring. */
static int ring_slot(struct ring *r, int64_t b, void (*clear)(void *arg, unsigned k), void *arg)
{
	if (!r->started) {
		r->started = true;
		r->head = b;
		for (unsigned k = 0; k < r->size; k++)
			clear(arg, k);
	}
	if (b > r->head) {
		int64_t steps = b - r->head;
		if (steps > r->size)
			steps = r->size;
		for (int64_t k = 1; k <= steps; k++)
			clear(arg, (unsigned)((r->head + k) % r->size));
		r->head = b;
	}
	if (b <= r->head - r->size)
		return -1;
	return (int)(((b % r->size) + r->size) % r->size);
}

/* When the oldest bucket holding anything (used(k)) leaves the ring, or 0
 * when none does: without input the window changes only then, and old
 * events leaving can put a share or a quantile over as well as under. */
static lm_time_t ring_next_exit(const struct ring *r, bool (*used)(const void *arg, unsigned k),
				const void *arg)
{
	if (!r->started)
		return 0;
	for (int64_t b = r->head - r->size + 1; b <= r->head; b++)
		if (used(arg, (unsigned)(((b % r->size) + r->size) % r->size)))
			return (b + r->size) * r->width;
	return 0;
}

/* ---- ratio ---- */

#define RATIO_BUCKETS 10

struct ratio_state {
	struct ring ring;
	uint32_t num[RATIO_BUCKETS], den[RATIO_BUCKETS];
};

static void ratio_init(struct lm_diagnosis *d)
{
	struct ratio_state *st = lm_xcalloc(1, sizeof(*st));
	st->ring.size = RATIO_BUCKETS;
	st->ring.width = ring_width(&d->rule->when, RATIO_BUCKETS);
	d->trigger = st;
}

static void ratio_clear(void *arg, unsigned k)
{
	struct ratio_state *st = arg;
	st->num[k] = st->den[k] = 0;
}

static void ratio_add(struct lm_diagnosis *d, lm_time_t t, bool numerator)
{
	struct ratio_state *st = d->trigger;
	int k = ring_slot(&st->ring, bucket_number(&st->ring, t), ratio_clear, st);
	if (k < 0)
		return;
	if (numerator)
		st->num[k]++;
	else
		st->den[k]++;
}

static void ratio_on_match(struct lm_diagnosis *d, lm_time_t t, const struct lm_fields *f)
{
	(void)f;
	ratio_add(d, t, true);
}

static void ratio_on_select(struct lm_diagnosis *d, lm_time_t t)
{
	ratio_add(d, t, false);
}

static bool ratio_holds(struct lm_diagnosis *d, lm_time_t now, double *value)
{
	struct ratio_state *st = d->trigger;
	ring_slot(&st->ring, bucket_number(&st->ring, now), ratio_clear, st);
	uint64_t num = 0, den = 0;
	for (unsigned k = 0; k < RATIO_BUCKETS; k++) {
		num += st->num[k];
		den += st->den[k];
	}
	if (den == 0)
		return false;
	*value = (double)num / (double)den;
	return den >= d->rule->when.min && *value > d->rule->when.share;
}

static bool ratio_used(const void *arg, unsigned k)
{
	const struct ratio_state *st = arg;
	return st->num[k] || st->den[k];
}

static lm_time_t ratio_next_change(struct lm_diagnosis *d, lm_time_t now)
{
	const struct ratio_state *st = d->trigger;
	double v;
	ratio_holds(d, now, &v); /* moves the ring to now */
	return ring_next_exit(&st->ring, ratio_used, st);
}

static const struct lm_trigger ratio_trigger = {
	.init = ratio_init,
	.on_match = ratio_on_match,
	.on_select = ratio_on_select,
	.holds = ratio_holds,
	.next_change = ratio_next_change,
};

/* ---- quantile ---- */

#define QUANTILE_BUCKETS 5

struct quantile_state {
	struct ring ring;
	struct lm_sketch sk[QUANTILE_BUCKETS];
};

static void quantile_init(struct lm_diagnosis *d)
{
	struct quantile_state *st = lm_xcalloc(1, sizeof(*st));
	st->ring.size = QUANTILE_BUCKETS;
	st->ring.width = ring_width(&d->rule->when, QUANTILE_BUCKETS);
	d->trigger = st;
}

static void quantile_clear(void *arg, unsigned k)
{
	struct quantile_state *st = arg;
	lm_sketch_reset(&st->sk[k]);
}

/* The number in the threshold's unit as written, or false if it is not one. */
static bool measure(const struct lm_when *w, struct lm_str text, double *v)
{
	struct lm_quantity q;
	if (!lm_quantity_parse(text.p, text.n, &q) || !lm_quantity_comparable(&q, &w->above))
		return false;
	*v = lm_quantity_in(&q, &w->above);
	return true;
}

static void quantile_on_match(struct lm_diagnosis *d, lm_time_t t, const struct lm_fields *f)
{
	struct quantile_state *st = d->trigger;
	const struct lm_when *w = &d->rule->when;
	struct lm_str text;
	double v;
	if (!lm_fields_get(f, w->field, strlen(w->field), &text) || !measure(w, text, &v))
		return;
	int k = ring_slot(&st->ring, bucket_number(&st->ring, t), quantile_clear, st);
	if (k >= 0)
		lm_sketch_add(&st->sk[k], v);
}

static bool quantile_holds(struct lm_diagnosis *d, lm_time_t now, double *value)
{
	struct quantile_state *st = d->trigger;
	const struct lm_when *w = &d->rule->when;
	ring_slot(&st->ring, bucket_number(&st->ring, now), quantile_clear, st);
	struct lm_sketch all;
	lm_sketch_reset(&all);
	for (unsigned k = 0; k < QUANTILE_BUCKETS; k++)
		lm_sketch_merge(&all, &st->sk[k]);
	if (all.count == 0)
		return false;
	*value = lm_sketch_quantile(&all, w->q);
	return all.count >= w->min && *value > w->above.value / w->above.scale;
}

static bool quantile_used(const void *arg, unsigned k)
{
	const struct quantile_state *st = arg;
	return st->sk[k].count > 0;
}

static lm_time_t quantile_next_change(struct lm_diagnosis *d, lm_time_t now)
{
	const struct quantile_state *st = d->trigger;
	double v;
	quantile_holds(d, now, &v); /* moves the ring to now */
	return ring_next_exit(&st->ring, quantile_used, st);
}

static const struct lm_trigger quantile_trigger = {
	.init = quantile_init,
	.on_match = quantile_on_match,
	.on_select = no_select,
	.holds = quantile_holds,
	.next_change = quantile_next_change,
};

/* ---- absent: silence after the last match ---- */

struct absent_state {
	lm_time_t last;
};

static void absent_init(struct lm_diagnosis *d)
{
	d->trigger = lm_xcalloc(1, sizeof(struct absent_state));
}

static void absent_on_match(struct lm_diagnosis *d, lm_time_t t, const struct lm_fields *f)
{
	struct absent_state *st = d->trigger;
	(void)f;
	if (t > st->last)
		st->last = t;
}

static bool absent_holds(struct lm_diagnosis *d, lm_time_t now, double *value)
{
	const struct absent_state *st = d->trigger;
	(void)value;
	return now - st->last >= d->rule->when.hold;
}

static lm_time_t absent_next_change(struct lm_diagnosis *d, lm_time_t now)
{
	const struct absent_state *st = d->trigger;
	lm_time_t due = st->last + d->rule->when.hold;
	return now < due ? due : 0;
}

static const struct lm_trigger absent_trigger = {
	.init = absent_init,
	.on_match = absent_on_match,
	.on_select = no_select,
	.holds = absent_holds,
	.next_change = absent_next_change,
};

const struct lm_trigger *lm_trigger_for(const struct lm_when *when)
{
	switch (when->kind) {
	case LM_WHEN_RATIO:
		return &ratio_trigger;
	case LM_WHEN_QUANTILE:
		return &quantile_trigger;
	case LM_WHEN_ABSENT:
		return &absent_trigger;
	case LM_WHEN_COUNT:
	case LM_WHEN_AFTER:
		break;
	}
	return &count_trigger;
}
