/*
 * clock: the one place that reads the wall clock.
 *
 * Analysis runs on event time; the wall clock only stamps records that carry
 * no time of their own and no earlier record to inherit one from.
 */
#ifndef LM_CLOCK_H
#define LM_CLOCK_H

#include "core/event.h"

lm_time_t lm_clock_wall(void);

#endif
