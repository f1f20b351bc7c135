/*
 * timers: an indexed min-heap of diagnoses by deadline.  See timers.h.
 * d->timer_slot is its position in the heap plus one; 0 means not queued.
 */
#include "analyzers/timers.h"

#include <stdlib.h>

void lm_timers_init(struct lm_timers *t)
{
	t->heap = NULL;
	t->n = t->cap = 0;
	t->seq = 0;
}

void lm_timers_fini(struct lm_timers *t)
{
	free(t->heap);
	lm_timers_init(t);
}

static int earlier(const struct lm_diagnosis *a, const struct lm_diagnosis *b)
{
	if (a->timer_at != b->timer_at)
		return a->timer_at < b->timer_at;
	return a->timer_seq < b->timer_seq;
}

static void place(struct lm_timers *t, unsigned i, struct lm_diagnosis *d)
{
	t->heap[i] = d;
	d->timer_slot = i + 1;
}

static void sift_up(struct lm_timers *t, unsigned i)
{
	struct lm_diagnosis *d = t->heap[i];
	while (i > 0) {
		unsigned parent = (i - 1) / 2;
		if (!earlier(d, t->heap[parent]))
			break;
		place(t, i, t->heap[parent]);
		i = parent;
	}
	place(t, i, d);
}

static void sift_down(struct lm_timers *t, unsigned i)
{
	struct lm_diagnosis *d = t->heap[i];
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, best = i;
		const struct lm_diagnosis *best_d = d;
		if (l < t->n && earlier(t->heap[l], best_d))
			best = l, best_d = t->heap[l];
		if (r < t->n && earlier(t->heap[r], best_d))
			best = r;
		if (best == i)
			break;
		place(t, i, t->heap[best]);
		i = best;
	}
	place(t, i, d);
}

static void remove_at(struct lm_timers *t, unsigned i)
{
	struct lm_diagnosis *gone = t->heap[i];
	gone->timer_slot = 0;
	gone->timer_at = 0;
	if (--t->n == i)
		return;
	place(t, i, t->heap[t->n]);
	sift_down(t, i);
	sift_up(t, t->heap[i]->timer_slot - 1);
}

void lm_timers_set(struct lm_timers *t, struct lm_diagnosis *d, lm_time_t at)
{
	if (d->timer_slot && d->timer_at == at)
		return;
	if (d->timer_slot)
		remove_at(t, d->timer_slot - 1);
	if (at == 0)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->heap = lm_xrealloc(t->heap, t->cap * sizeof(*t->heap));
	}
	d->timer_at = at;
	d->timer_seq = t->seq++;
	place(t, t->n++, d);
	sift_up(t, t->n - 1);
}

struct lm_diagnosis *lm_timers_pop(struct lm_timers *t, lm_time_t now, lm_time_t *at)
{
	if (t->n == 0 || t->heap[0]->timer_at > now)
		return NULL;
	struct lm_diagnosis *d = t->heap[0];
	*at = d->timer_at;
	remove_at(t, 0);
	return d;
}

lm_time_t lm_timers_first(const struct lm_timers *t)
{
	return t->n ? t->heap[0]->timer_at : 0;
}
