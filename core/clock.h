/*
 * clock: the one place that reads the clocks.
 *
 * Analysis runs on event time; the wall clock only stamps records that carry
 * no time of their own and no earlier record to inherit one from.  Waits and
 * intervals of live input (flush timeouts, rotate waits, state saves, Kafka
 * commits, how far the engine's clock moves while input is quiet) use the
 * monotonic clock, which a step of the system clock does not move.
 */
#ifndef LM_CLOCK_H
#define LM_CLOCK_H

#include "core/event.h"

lm_time_t lm_clock_wall(void);
/* Nanoseconds on a clock that only moves forward (not the Unix epoch). */
lm_time_t lm_clock_mono(void);

#endif
