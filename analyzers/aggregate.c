/*
 * aggregate: a hash table of fingerprints per rule.  See aggregate.h.
 */
#include "analyzers/aggregate.h"

#include <stdlib.h>
#include <string.h>

#include "analyzers/fingerprint.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "rules/condition.h"

#define BUCKETS 1024

struct lm_aggregates {
	struct lm_aggregate_row *buckets[BUCKETS];
	unsigned *rows_per_rule;
	unsigned n_rules;
	struct lm_buf fp; /* scratch */
};

struct lm_aggregates *lm_aggregates_new(void)
{
	struct lm_aggregates *a = lm_xcalloc(1, sizeof(*a));
	lm_buf_init(&a->fp);
	return a;
}

void lm_aggregates_free(struct lm_aggregates *a)
{
	if (!a)
		return;
	for (unsigned b = 0; b < BUCKETS; b++)
		for (struct lm_aggregate_row *r = a->buckets[b], *next; r; r = next) {
			next = r->next;
			free(r->fingerprint);
			free(r->example);
			free(r);
		}
	free(a->rows_per_rule);
	lm_buf_fini(&a->fp);
	free(a);
}

static unsigned hash(unsigned rule, const char *s)
{
	uint64_t h = lm_hash(LM_HASH_SEED, &rule, sizeof(rule));
	return (unsigned)(lm_hash(h, s, strlen(s)) % BUCKETS);
}

static unsigned *rule_rows(struct lm_aggregates *a, unsigned index)
{
	if (index >= a->n_rules) {
		a->rows_per_rule = lm_xrealloc(a->rows_per_rule, (index + 1) * sizeof(unsigned));
		memset(a->rows_per_rule + a->n_rules, 0, (index + 1 - a->n_rules) * sizeof(unsigned));
		a->n_rules = index + 1;
	}
	return &a->rows_per_rule[index];
}

static struct lm_aggregate_row *row_for(struct lm_aggregates *a, const struct lm_rule *rule,
					struct lm_str sql, lm_time_t t, struct lm_buf *mask)
{
	lm_buf_reset(&a->fp);
	lm_fingerprint_sql(&a->fp, sql.p, sql.n);
	a->fp.len = lm_utf8_cut(a->fp.data, a->fp.len, LM_AGGREGATE_EXAMPLE_MAX);
	a->fp.data[a->fp.len] = '\0';
	unsigned b = hash(rule->index, a->fp.data);
	for (struct lm_aggregate_row *r = a->buckets[b]; r; r = r->next)
		if (r->rule == rule && strcmp(r->fingerprint, a->fp.data) == 0)
			return r;
	unsigned *rows = rule_rows(a, rule->index);
	if (*rows >= LM_AGGREGATE_MAX)
		return NULL;
	(*rows)++;
	struct lm_aggregate_row *r = lm_xcalloc(1, sizeof(*r));
	r->rule = rule;
	/* Kept cut like the example: a statement's length is the log's choice.
	 * Two statements alike in their first kilobyte share a row. */
	r->fingerprint = lm_xstrndup(a->fp.data, a->fp.len);
	if (mask) { /* the example is shown: its literals may hold a password */
		lm_buf_reset(mask);
		lm_redact(mask, sql.p, sql.n);
		sql = (struct lm_str){ mask->data ? mask->data : "", mask->len };
	}
	r->example = lm_xstrndup(sql.p, lm_utf8_cut(sql.p, sql.n, LM_AGGREGATE_EXAMPLE_MAX));
	r->first_seen = r->last_seen = t;
	lm_sketch_reset(&r->sketch);
	r->next = a->buckets[b];
	a->buckets[b] = r;
	return r;
}

bool lm_aggregates_add(struct lm_aggregates *a, const struct lm_rule *rule,
		       const struct lm_fields *fields, lm_time_t t, struct lm_buf *mask)
{
	const struct lm_aggregate *spec = &rule->aggregate;
	struct lm_str sql, text;
	struct lm_quantity q;
	if (!lm_fields_get(fields, spec->sql, strlen(spec->sql), &sql))
		return true;
	double v = 1; /* without a value field, totals are counts */
	if (spec->value) {
		v = 0;
		if (lm_fields_get(fields, spec->value, strlen(spec->value), &text) &&
		    lm_quantity_parse(text.p, text.n, &q))
			v = lm_quantity_in(&q, &spec->unit);
	}
	struct lm_aggregate_row *r = row_for(a, rule, sql, t, mask);
	if (!r)
		return false;
	r->count++;
	r->total += v;
	if (v > r->max)
		r->max = v;
	if (t < r->first_seen)
		r->first_seen = t;
	if (t > r->last_seen)
		r->last_seen = t;
	lm_sketch_add(&r->sketch, v);
	return true;
}

static int by_total(const void *x, const void *y)
{
	const struct lm_aggregate_row *a = *(const struct lm_aggregate_row *const *)x;
	const struct lm_aggregate_row *b = *(const struct lm_aggregate_row *const *)y;
	if (a->total != b->total)
		return a->total < b->total ? 1 : -1;
	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	if (a->first_seen != b->first_seen)
		return a->first_seen < b->first_seen ? -1 : 1;
	return strcmp(a->fingerprint, b->fingerprint);
}

unsigned lm_aggregates_top(const struct lm_aggregates *a, const struct lm_rule *rule,
			   const struct lm_aggregate_row **out, unsigned max)
{
	unsigned n = 0, cap = 16;
	const struct lm_aggregate_row **all = lm_xmalloc(cap * sizeof(*all));
	for (unsigned b = 0; b < BUCKETS; b++)
		for (const struct lm_aggregate_row *r = a->buckets[b]; r; r = r->next) {
			if (r->rule != rule)
				continue;
			if (n == cap)
				all = lm_xrealloc(all, (cap *= 2) * sizeof(*all));
			all[n++] = r;
		}
	qsort(all, n, sizeof(*all), by_total);
	unsigned k = n < max ? n : max;
	memcpy(out, all, k * sizeof(*out));
	free(all);
	return k;
}
