/*
 * condition: numeric thresholds on a rule's fields, `match.where`.
 *
 *   where:
 *     duration_ms: '> 1000'
 *     used: '>= 90%'
 *     latency: '> 2s'
 *
 * A condition is an operator (>, >=, <, <=, ==, !=) and a number with an
 * optional unit: a duration (ns, us, ms, s, m, min, h, d), a size (B, K, KB,
 * KiB, Ki, M, MB, MiB, Mi, G, ..., T...; all powers of 1024) or a percentage.
 * The field's value is read the same way ("1.2s", "512Mi", "93%", "2345.6").
 * With units on both sides the values are compared in a common unit; a bare
 * number on one side is taken in the other side's unit; units of different
 * kinds never compare (the condition is false), and neither does a value
 * that is not a number.
 */
#ifndef LM_CONDITION_H
#define LM_CONDITION_H

#include <stdbool.h>
#include <stddef.h>

enum lm_cmp { LM_CMP_GT, LM_CMP_GE, LM_CMP_LT, LM_CMP_LE, LM_CMP_EQ, LM_CMP_NE };

enum lm_unit_kind { LM_UNIT_NONE, LM_UNIT_TIME, LM_UNIT_SIZE, LM_UNIT_PERCENT };

struct lm_quantity {
	double value;           /* in the kind's base unit: seconds, bytes, percent */
	enum lm_unit_kind kind;
	double scale;           /* base units per unit written (for unitless values) */
};

struct lm_condition {
	char *field;
	char *text; /* as written, for people */
	enum lm_cmp cmp;
	struct lm_quantity threshold;
};

/* Reads a number with an optional unit, the whole of s (spaces around are
 * allowed).  Returns false when s is not one. */
bool lm_quantity_parse(const char *s, size_t n, struct lm_quantity *q);
/* Whether q and unit can be compared: one bare, or both of one kind. */
bool lm_quantity_comparable(const struct lm_quantity *q, const struct lm_quantity *unit);
/* q expressed in unit's unit (2s in ms is 2000): a bare q is taken as
 * already in it, and with a bare unit q is taken as written; units of
 * another kind give 0. */
double lm_quantity_in(const struct lm_quantity *q, const struct lm_quantity *unit);
/* Parses "OP QUANTITY"; false when text is not a condition. */
bool lm_condition_parse(const char *text, struct lm_condition *c);
/* Whether value (a field's text) satisfies c. */
bool lm_condition_holds(const struct lm_condition *c, const char *value, size_t n);

#endif
