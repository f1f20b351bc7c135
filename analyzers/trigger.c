/*
 * trigger: the trigger kinds and their registry.  See trigger.h.
 *
 * count: N matches within a sliding window.  The state is a ring of the last
 * N match times; the window is satisfied when the oldest of them is no older
 * than `within` before the newest.  Memory per key is N times, bounded by the
 * loader's limit on N.  `count: 1` (the default) fires on the first match.
 */
#include "analyzers/trigger.h"

#include "core/buf.h"

struct count_state {
	unsigned n, next;
	lm_time_t times[]; /* when.count entries */
};

static void count_init(struct lm_diagnosis *d)
{
	unsigned cap = d->rule->when.count;
	struct count_state *st = lm_xcalloc(1, sizeof(*st) + cap * sizeof(lm_time_t));
	d->trigger = st;
}

static bool count_on_match(struct lm_diagnosis *d, lm_time_t t)
{
	const struct lm_when *w = &d->rule->when;
	struct count_state *st = d->trigger;
	st->times[st->next] = t;
	st->next = (st->next + 1) % w->count;
	if (st->n < w->count)
		st->n++;
	if (st->n < w->count)
		return false;
	/* Full ring: st->next is now the oldest entry. */
	lm_time_t oldest = st->times[st->next];
	return w->count == 1 || t - oldest <= w->within;
}

static const struct lm_trigger count_trigger = {
	.name = "count",
	.init = count_init,
	.on_match = count_on_match,
};

const struct lm_trigger *lm_trigger_for(const struct lm_when *when)
{
	switch (when->kind) {
	case LM_WHEN_COUNT:
		return &count_trigger;
	}
	return &count_trigger;
}
