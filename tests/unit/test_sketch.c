/*
 * test_sketch: the quantile sketch against exact quantiles.  Skewed data
 * (log-normal latencies, a Pareto tail, a bimodal mix, constants) must give
 * every quantile within the stated relative error of the exact value at the
 * same rank; merging sub-sketches gives what one sketch of all the values
 * gives; a range wider than the bins collapses low values and keeps high
 * quantiles accurate; memory is the fixed struct.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/sketch.h"

#define N 20000

static uint64_t rng = 88172645463325252ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double lognormal(double mu, double sigma)
{
	double u1 = uniform(), u2 = uniform();
	double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
	return exp(mu + sigma * z);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static const double qs[] = { 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999 };

/* Every quantile of s within alpha (plus float slack) of the exact one. */
static void check_against_exact(const struct lm_sketch *s, double *v, size_t n)
{
	qsort(v, n, sizeof(double), cmp_double);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double exact = v[(size_t)(qs[i] * (double)(n - 1))];
		double got = lm_sketch_quantile(s, qs[i]);
		double err = fabs(got - exact) / exact;
		if (err > LM_SKETCH_ALPHA + 1e-9)
			fail_msg("q=%g exact=%g sketch=%g error=%g", qs[i], exact, got, err);
	}
	assert_true(lm_sketch_quantile(s, 0) == v[0]);
	assert_true(lm_sketch_quantile(s, 1) == v[n - 1]);
}

static void run_distribution(double (*gen)(void))
{
	static double v[N];
	struct lm_sketch *s = calloc(1, sizeof(*s));
	lm_sketch_reset(s);
	for (size_t i = 0; i < N; i++) {
		v[i] = gen();
		lm_sketch_add(s, v[i]);
	}
	assert_int_equal(s->count, N);
	assert_false(s->collapsed);
	check_against_exact(s, v, N);
	free(s);
}

static double latency(void)
{
	return lognormal(log(0.120), 1.1); /* seconds, median 120 ms */
}

static double pareto(void)
{
	return 0.005 / pow(uniform(), 1 / 1.2); /* heavy tail from 5 ms */
}

static double bimodal(void)
{
	return uniform() < 0.9 ? lognormal(log(0.02), 0.3) : lognormal(log(3.0), 0.5);
}

static void test_lognormal(void **state)
{
	(void)state;
	run_distribution(latency);
}

static void test_pareto(void **state)
{
	(void)state;
	run_distribution(pareto);
}

static void test_bimodal(void **state)
{
	(void)state;
	run_distribution(bimodal);
}

static void test_constant_and_empty(void **state)
{
	(void)state;
	struct lm_sketch s;
	lm_sketch_reset(&s);
	assert_true(lm_sketch_quantile(&s, 0.95) == 0);
	for (int i = 0; i < 100; i++)
		lm_sketch_add(&s, 2.5);
	assert_true(lm_sketch_quantile(&s, 0.5) == 2.5);
	assert_true(lm_sketch_quantile(&s, 0.95) == 2.5);
	lm_sketch_add(&s, 0); /* zero and negatives count in the zero bucket */
	assert_int_equal(s.zero, 1);
	assert_true(lm_sketch_quantile(&s, 0) == 0);
	lm_sketch_add(&s, NAN);
	assert_int_equal(s.count, 101);
}

static void test_merge_equals_whole(void **state)
{
	(void)state;
	static double v[N];
	struct lm_sketch whole, parts[6], merged;
	lm_sketch_reset(&whole);
	lm_sketch_reset(&merged);
	for (int p = 0; p < 6; p++)
		lm_sketch_reset(&parts[p]);
	for (size_t i = 0; i < N; i++) {
		v[i] = latency();
		lm_sketch_add(&whole, v[i]);
		lm_sketch_add(&parts[i % 6], v[i]);
	}
	for (int p = 0; p < 6; p++)
		lm_sketch_merge(&merged, &parts[p]);
	assert_int_equal(merged.count, whole.count);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		assert_true(lm_sketch_quantile(&merged, qs[i]) == lm_sketch_quantile(&whole, qs[i]));
	check_against_exact(&merged, v, N);
}

static void test_collapse_keeps_high_quantiles(void **state)
{
	(void)state;
	/* 1e-6 .. 1e9: far wider than 512 bins cover. */
	static double v[N];
	struct lm_sketch s;
	lm_sketch_reset(&s);
	for (size_t i = 0; i < N; i++) {
		v[i] = pow(10, -6 + 15 * uniform());
		lm_sketch_add(&s, v[i]);
	}
	assert_true(s.collapsed);
	assert_true(s.used <= LM_SKETCH_BINS);
	qsort(v, N, sizeof(double), cmp_double);
	for (double q = 0.5; q < 1; q += 0.05) {
		double exact = v[(size_t)(q * (N - 1))];
		double got = lm_sketch_quantile(&s, q);
		assert_true(fabs(got - exact) / exact <= LM_SKETCH_ALPHA + 1e-9);
	}
	assert_true(sizeof(struct lm_sketch) < 2200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lognormal),
		cmocka_unit_test(test_pareto),
		cmocka_unit_test(test_bimodal),
		cmocka_unit_test(test_constant_and_empty),
		cmocka_unit_test(test_merge_equals_whole),
		cmocka_unit_test(test_collapse_keeps_high_quantiles),
	};
	return cmocka_run_group_tests_name("sketch", tests, NULL, NULL);
}
