/*
 * sketch: a DDSketch-style quantile sketch.  See sketch.h.
 */
#include "analyzers/sketch.h"

#include <math.h>
#include <string.h>

static double gamma_value(void)
{
	return (1 + LM_SKETCH_ALPHA) / (1 - LM_SKETCH_ALPHA);
}

static int32_t bucket_of(double v)
{
	return (int32_t)ceil(log(v) / log(gamma_value()));
}

/* The value a bucket stands for: the point of least relative error. */
static double bucket_value(int32_t i)
{
	double g = gamma_value();
	return 2 * pow(g, i) / (g + 1);
}

void lm_sketch_reset(struct lm_sketch *s)
{
	memset(s, 0, sizeof(*s));
}

/* Make bucket i addressable, sliding or collapsing the window of bins. */
static uint32_t slot_for(struct lm_sketch *s, int32_t i)
{
	if (s->used == 0) {
		s->offset = i;
		s->used = 1;
		return 0;
	}
	if (i < s->offset) {
		int64_t need = (int64_t)s->offset - i + s->used;
		if (need <= LM_SKETCH_BINS) {
			uint32_t shift = (uint32_t)(s->offset - i);
			memmove(s->bins + shift, s->bins, s->used * sizeof(s->bins[0]));
			memset(s->bins, 0, shift * sizeof(s->bins[0]));
			s->offset = i;
			s->used += shift;
			return 0;
		}
		s->collapsed = true; /* below the window: counted in its lowest bin */
		return 0;
	}
	int64_t at = (int64_t)i - s->offset;
	if (at < s->used)
		return (uint32_t)at;
	if (at < LM_SKETCH_BINS) {
		s->used = (uint32_t)at + 1;
		return (uint32_t)at;
	}
	/* Above the window: merge the lowest bins so bucket i fits at the top. */
	uint32_t shift = (uint32_t)(at - (LM_SKETCH_BINS - 1));
	if (shift >= s->used) {
		uint64_t all = 0;
		for (uint32_t k = 0; k < s->used; k++)
			all += s->bins[k];
		memset(s->bins, 0, sizeof(s->bins));
		s->bins[0] = (uint32_t)(all > UINT32_MAX ? UINT32_MAX : all);
		s->offset = i - (LM_SKETCH_BINS - 1);
		s->used = LM_SKETCH_BINS;
	} else {
		uint64_t low = 0;
		for (uint32_t k = 0; k <= shift; k++)
			low += s->bins[k];
		memmove(s->bins, s->bins + shift, (s->used - shift) * sizeof(s->bins[0]));
		memset(s->bins + (s->used - shift), 0, shift * sizeof(s->bins[0]));
		s->bins[0] = (uint32_t)(low > UINT32_MAX ? UINT32_MAX : low);
		s->offset += (int32_t)shift;
		s->used = LM_SKETCH_BINS;
	}
	s->collapsed = true;
	return LM_SKETCH_BINS - 1;
}

static void add_count(struct lm_sketch *s, int32_t bucket, uint32_t n)
{
	uint32_t k = slot_for(s, bucket);
	s->bins[k] = s->bins[k] > UINT32_MAX - n ? UINT32_MAX : s->bins[k] + n;
}

void lm_sketch_add(struct lm_sketch *s, double v)
{
	if (!(v == v)) /* NaN */
		return;
	if (s->count == 0 || v < s->min)
		s->min = v;
	if (s->count == 0 || v > s->max)
		s->max = v;
	s->count++;
	if (v <= LM_SKETCH_MIN) {
		s->zero++;
		return;
	}
	add_count(s, bucket_of(v), 1);
}

void lm_sketch_merge(struct lm_sketch *into, const struct lm_sketch *from)
{
	if (from->count == 0)
		return;
	if (into->count == 0 || from->min < into->min)
		into->min = from->min;
	if (into->count == 0 || from->max > into->max)
		into->max = from->max;
	into->count += from->count;
	into->zero += from->zero;
	into->collapsed = into->collapsed || from->collapsed;
	/* Highest buckets first, so a collapse keeps the top of the range. */
	for (uint32_t k = from->used; k-- > 0;)
		if (from->bins[k])
			add_count(into, from->offset + (int32_t)k, from->bins[k]);
}

double lm_sketch_quantile(const struct lm_sketch *s, double q)
{
	if (s->count == 0)
		return 0;
	if (q <= 0)
		return s->min;
	if (q >= 1)
		return s->max;
	/* The rank of the q-quantile, 0-based, as in "lower" interpolation. */
	uint64_t rank = (uint64_t)(q * (double)(s->count - 1));
	if (rank < s->zero)
		return s->min < LM_SKETCH_MIN ? s->min : 0;
	uint64_t seen = s->zero;
	for (uint32_t k = 0; k < s->used; k++) {
		seen += s->bins[k];
		if (seen > rank) {
			double v = bucket_value(s->offset + (int32_t)k);
			return v < s->min ? s->min : v > s->max ? s->max : v;
		}
	}
	return s->max;
}
