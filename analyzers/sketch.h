/*
 * sketch: quantiles of a stream of positive numbers in bounded memory.
 *
 * A DDSketch-style log-bucket histogram: a value v falls in bucket
 * ceil(log_gamma(v)) with gamma = (1 + a) / (1 - a), so any quantile it
 * returns is within a relative error a of the value of the stream at that
 * rank (a = LM_SKETCH_ALPHA, 2 %; 512 buckets span values 8e8 apart).
 * Buckets are a contiguous array of at most
 * LM_SKETCH_BINS counters; when values span more than that, the lowest
 * buckets are merged into one (the high quantiles that alerts use keep their
 * accuracy).  Values at or below LM_SKETCH_MIN count in a zero bucket.
 * Sketches with the same parameters merge by adding counters, which is how a
 * sliding window is built from sub-windows.  Fixed size: no allocation.
 */
#ifndef LM_SKETCH_H
#define LM_SKETCH_H

#include <stdbool.h>
#include <stdint.h>

#define LM_SKETCH_ALPHA 0.02
#define LM_SKETCH_BINS 512
#define LM_SKETCH_MIN 1e-9

struct lm_sketch {
	uint64_t count, zero;
	int32_t offset;   /* bucket index of bins[0] */
	uint32_t used;    /* bins in use from bins[0] */
	bool collapsed;   /* low buckets were merged */
	double min, max;
	uint32_t bins[LM_SKETCH_BINS];
};

void lm_sketch_reset(struct lm_sketch *s);
void lm_sketch_add(struct lm_sketch *s, double v);
/* into += from */
void lm_sketch_merge(struct lm_sketch *into, const struct lm_sketch *from);
/* The q-quantile (0 <= q <= 1); 0 when empty. */
double lm_sketch_quantile(const struct lm_sketch *s, double q);

#endif
