/*
 * aggregate: per-fingerprint statistics of a rule's matches, the way
 * pgBadger and pg_stat_statements report slow queries: for each statement
 * shape, how many, the total, the largest and the 95th percentile of a
 * captured number, first and last seen, and one example.
 *
 * A rule asks for it with `aggregate: {sql: FIELD, value: FIELD}`.  At most
 * LM_AGGREGATE_MAX shapes are kept per rule; matches of shapes beyond that
 * are dropped, and lm_aggregates_add says so.  The table owns its rows;
 * callers borrow them.
 */
#ifndef LM_AGGREGATE_H
#define LM_AGGREGATE_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzers/sketch.h"
#include "core/buf.h"
#include "core/event.h"
#include "rules/rule.h"

#define LM_AGGREGATE_MAX 1000
#define LM_AGGREGATE_TOP 10
#define LM_AGGREGATE_EXAMPLE_MAX 1024

struct lm_aggregate_row {
	const struct lm_rule *rule;
	char *fingerprint;
	uint64_t count;
	double total, max;
	lm_time_t first_seen, last_seen;
	char *example;
	struct lm_sketch sketch;
	struct lm_aggregate_row *next; /* hash chain */
};

struct lm_aggregates;

struct lm_aggregates *lm_aggregates_new(void);
void lm_aggregates_free(struct lm_aggregates *a);
/* A match of rule (which has an aggregate) with its fields, at time t.
 * mask, when not NULL, is scratch for masking secrets in a new example.
 * Returns false when the match's shape is new and its rule already has
 * LM_AGGREGATE_MAX (the match is dropped, for the caller to count). */
bool lm_aggregates_add(struct lm_aggregates *a, const struct lm_rule *rule,
		       const struct lm_fields *fields, lm_time_t t, struct lm_buf *mask);
/* The rule's rows with the largest totals, largest first (ties: first seen
 * first); returns how many were written to out (at most max). */
unsigned lm_aggregates_top(const struct lm_aggregates *a, const struct lm_rule *rule,
			   const struct lm_aggregate_row **out, unsigned max);

#endif
