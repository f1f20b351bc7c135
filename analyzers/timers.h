/*
 * timers: the next event-time deadline of every diagnosis that waits for one
 * (a window that expires, a condition held long enough, a resolution, a
 * repeat).  An indexed binary min-heap: a diagnosis is in it at most once,
 * and moving or removing it is O(log n).  Ties go to the diagnosis queued
 * first, so replaying the same input pops timers in the same order.
 */
#ifndef LM_TIMERS_H
#define LM_TIMERS_H

#include <stdint.h>

#include "analyzers/diagnosis.h"

struct lm_timers {
	struct lm_diagnosis **heap;
	unsigned n, cap;
	uint64_t seq; /* queue order, for ties */
};

void lm_timers_init(struct lm_timers *t);
void lm_timers_fini(struct lm_timers *t);
/* Queue d at time at, or move it there; at 0 removes it. */
void lm_timers_set(struct lm_timers *t, struct lm_diagnosis *d, lm_time_t at);
/* The diagnosis due first if its time is at or before now (removed, its
 * deadline in *at), else NULL. */
struct lm_diagnosis *lm_timers_pop(struct lm_timers *t, lm_time_t now, lm_time_t *at);
/* The earliest deadline queued, or 0 when none is. */
lm_time_t lm_timers_first(const struct lm_timers *t);

#endif
