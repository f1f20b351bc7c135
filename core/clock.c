/*
 * clock: wall-clock and monotonic time in nanoseconds.  See clock.h.
 */
#include "core/clock.h"

#include <time.h>

lm_time_t lm_clock_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (lm_time_t)ts.tv_sec * LM_NS_PER_SEC + ts.tv_nsec;
}

lm_time_t lm_clock_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (lm_time_t)ts.tv_sec * LM_NS_PER_SEC + ts.tv_nsec;
}
