/*
 * test_condition: match.where thresholds.  Quantities with and without
 * units (durations, sizes, percentages), every operator, unit conversion
 * between the value and the threshold, mismatched kinds and non-numbers
 * (never true), and conditions that do not parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rules/condition.h"

static bool holds(const char *cond, const char *value)
{
	struct lm_condition c;
	assert_true(lm_condition_parse(cond, &c));
	return lm_condition_holds(&c, value, strlen(value));
}

static void test_quantities(void **state)
{
	(void)state;
	struct lm_quantity q;
	assert_true(lm_quantity_parse("2345.678", 8, &q));
	assert_true(q.kind == LM_UNIT_NONE && q.value == 2345.678);
	assert_true(lm_quantity_parse(" 1.5s ", 6, &q));
	assert_true(q.kind == LM_UNIT_TIME && q.value == 1.5);
	assert_true(lm_quantity_parse("250ms", 5, &q));
	assert_true(q.kind == LM_UNIT_TIME && q.value == 0.25);
	assert_true(lm_quantity_parse("512Mi", 5, &q));
	assert_true(q.kind == LM_UNIT_SIZE && q.value == 512.0 * 1048576);
	assert_true(lm_quantity_parse("93%", 3, &q));
	assert_true(q.kind == LM_UNIT_PERCENT && q.value == 93);
	assert_true(lm_quantity_parse("1.2 GiB", 7, &q));
	assert_true(q.kind == LM_UNIT_SIZE);
	assert_false(lm_quantity_parse("", 0, &q));
	assert_false(lm_quantity_parse("ms", 2, &q));
	assert_false(lm_quantity_parse("12 parsecs", 10, &q));
	assert_false(lm_quantity_parse("1.2.3", 5, &q));
	assert_false(lm_quantity_parse("nan", 3, &q));
	assert_false(lm_quantity_parse("-", 1, &q));
}

static void test_operators(void **state)
{
	(void)state;
	assert_true(holds("> 1000", "2345.678"));
	assert_false(holds("> 1000", "999.999"));
	assert_false(holds("> 1000", "1000"));
	assert_true(holds(">= 1000", "1000"));
	assert_true(holds("< 5", "4.9"));
	assert_true(holds("<= 5", "5"));
	assert_true(holds("== 401", "401"));
	assert_true(holds("!= 200", "500"));
	assert_false(holds("!= 200", "200"));
	assert_true(holds(">90%", "91%"));
	assert_false(holds(">90%", "90%"));
}

static void test_units(void **state)
{
	(void)state;
	/* Both sides with units: compared in a common unit. */
	assert_true(holds("> 2s", "2500ms"));
	assert_false(holds("> 2s", "1.9s"));
	assert_true(holds("> 200ms", "0.25s"));
	assert_true(holds("> 85%", "86.1%"));
	assert_true(holds(">= 1Gi", "1024Mi"));
	/* A bare value is in the threshold's unit, and the other way round. */
	assert_true(holds("> 2s", "2.5"));
	assert_false(holds("> 2s", "1.5"));
	assert_true(holds("> 90", "91%"));
	assert_true(holds("> 1000", "1.5s") == false); /* 1.5 as written is not > 1000 */
	/* Kinds never mix; words never compare. */
	assert_false(holds("> 2s", "3Mi"));
	assert_false(holds("> 90%", "95s"));
	assert_false(holds("> 1", "fast"));
	assert_false(holds("> 1", ""));
}

static void test_bad_conditions(void **state)
{
	(void)state;
	struct lm_condition c;
	assert_false(lm_condition_parse("1000", &c));
	assert_false(lm_condition_parse("> ", &c));
	assert_false(lm_condition_parse("=> 5", &c));
	assert_false(lm_condition_parse("> 5 furlongs", &c));
	assert_false(lm_condition_parse("", &c));
	assert_true(lm_condition_parse("  >=  90 %", &c));
	assert_true(c.cmp == LM_CMP_GE && c.threshold.kind == LM_UNIT_PERCENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantities),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_bad_conditions),
	};
	return cmocka_run_group_tests_name("condition", tests, NULL, NULL);
}
