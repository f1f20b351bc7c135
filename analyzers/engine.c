/*
 * engine: rules, triggers and outputs in the order an event meets them.
 * See engine.h.
 */
#include "analyzers/engine.h"

#include <stdlib.h>
#include <string.h>

#include "analyzers/trigger.h"

struct lm_engine {
	const struct lm_ruleset *rs;
	struct lm_matcher *matcher;
	struct lm_output *outputs;
	unsigned n_outputs;
	struct lm_matches_writer *matches;
	struct lm_diag_table *table;
	struct lm_engine_stats stats;
	/* reused for every event */
	struct lm_fields captures, merged, key;
	const char **hit_ids;
};

struct lm_engine *lm_engine_new(const struct lm_ruleset *rs, struct lm_matcher *matcher,
				struct lm_output *outputs, unsigned n_outputs,
				struct lm_matches_writer *matches, unsigned keys_per_rule)
{
	struct lm_engine *e = lm_xcalloc(1, sizeof(*e));
	e->rs = rs;
	e->matcher = matcher;
	e->outputs = outputs;
	e->n_outputs = n_outputs;
	e->matches = matches;
	e->table = lm_diag_table_new(rs->n, keys_per_rule);
	e->stats.rule_matches = lm_xcalloc(rs->n ? rs->n : 1, sizeof(uint64_t));
	e->hit_ids = lm_xcalloc(rs->n ? rs->n : 1, sizeof(*e->hit_ids));
	lm_fields_init(&e->captures);
	lm_fields_init(&e->merged);
	lm_fields_init(&e->key);
	return e;
}

void lm_engine_free(struct lm_engine *e)
{
	if (!e)
		return;
	lm_diag_table_free(e->table);
	free(e->stats.rule_matches);
	free(e->hit_ids);
	lm_fields_fini(&e->captures);
	lm_fields_fini(&e->merged);
	lm_fields_fini(&e->key);
	free(e);
}

static void emit(struct lm_engine *e, struct lm_diagnosis *d, enum lm_emit kind)
{
	for (unsigned i = 0; i < e->n_outputs; i++)
		e->outputs[i].ops->diagnosis(e->outputs[i].state, d, kind);
	d->emitted_count = d->count;
}

static void on_evict(void *arg, struct lm_diagnosis *d)
{
	struct lm_engine *e = arg;
	/* Nothing a diagnosis gathered is lost: its last update goes out first. */
	if (d->status == LM_STATUS_FIRING && d->count > d->emitted_count)
		emit(e, d, LM_EMIT_UPDATE);
}

/* Captures first, then the event's fields: what templates and keys see. */
static void merge_fields(struct lm_fields *out, const struct lm_fields *event,
			 const struct lm_fields *captures)
{
	lm_fields_copy(out, event);
	for (unsigned i = 0; i < captures->count; i++) {
		struct lm_str k = lm_fields_key(captures, i), v = lm_fields_val(captures, i);
		lm_fields_set(out, k.p, k.n, v.p, v.n);
	}
}

static void build_key(struct lm_fields *key, const struct lm_when *w,
		      const struct lm_fields *merged)
{
	lm_fields_reset(key);
	/* A field the match does not have is left out of the key. */
	for (unsigned i = 0; i < w->n_by; i++) {
		struct lm_str v;
		if (lm_fields_get(merged, w->by[i], strlen(w->by[i]), &v))
			lm_fields_add(key, w->by[i], strlen(w->by[i]), v.p, v.n);
	}
}

static void fire(struct lm_engine *e, struct lm_diagnosis *d)
{
	lm_diagnosis_fire(d);
	lm_diag_table_fired(e->table, d);
	enum lm_severity sev = d->rule->severity;
	e->stats.fired[sev]++;
	if (!e->stats.any_fired || sev > e->stats.worst)
		e->stats.worst = sev;
	e->stats.any_fired = true;
	emit(e, d, LM_EMIT_FIRING);
}

static void analyse(struct lm_engine *e, const struct lm_rule *r, const struct lm_event *ev)
{
	build_key(&e->key, &r->when, &e->merged);
	bool created;
	struct lm_diagnosis *d = lm_diag_table_get(e->table, r, &e->key, &created, on_evict, e);
	const struct lm_trigger *trig = lm_trigger_for(&r->when);
	if (created) {
		trig->init(d);
		lm_diagnosis_restart(d, ev->time);
	} else if (d->status == LM_STATUS_PENDING && ev->time - d->last_seen > r->when.within) {
		lm_diagnosis_restart(d, ev->time);
	}
	lm_fields_copy(&d->fields, &e->merged);
	lm_diagnosis_add_evidence(d, ev);
	if (created || ev->time > d->last_seen)
		d->last_seen = ev->time;
	d->count++;
	if (d->status == LM_STATUS_PENDING && trig->on_match(d, ev->time))
		fire(e, d);
}

void lm_engine_event(struct lm_engine *e, const struct lm_event *ev)
{
	unsigned hits = 0;
	e->stats.events++;
	if (e->matches)
		lm_fields_copy(&e->merged, ev->fields);
	for (unsigned i = 0; i < e->rs->n; i++) {
		const struct lm_rule *r = &e->rs->rules[i];
		lm_fields_reset(&e->captures);
		if (!lm_matcher_match(e->matcher, r, ev, &e->captures))
			continue;
		e->stats.rule_matches[i]++;
		e->hit_ids[hits++] = r->id;
		if (e->matches) {
			for (unsigned c = 0; c < e->captures.count; c++) {
				struct lm_str k = lm_fields_key(&e->captures, c);
				struct lm_str v = lm_fields_val(&e->captures, c);
				lm_fields_set(&e->merged, k.p, k.n, v.p, v.n);
			}
			continue;
		}
		merge_fields(&e->merged, ev->fields, &e->captures);
		analyse(e, r, ev);
	}
	if (!hits)
		return;
	e->stats.matched_events++;
	if (e->matches)
		lm_matches_write(e->matches, ev->source_name, ev->line_no, e->hit_ids, hits,
				 &e->merged);
}

void lm_engine_finish(struct lm_engine *e)
{
	for (struct lm_diagnosis *d = lm_diag_table_first_fired(e->table); d; d = d->fired_next)
		if (d->count > d->emitted_count)
			emit(e, d, LM_EMIT_UPDATE);
	e->stats.evicted = lm_diag_table_evicted(e->table);
}

const struct lm_engine_stats *lm_engine_stats(const struct lm_engine *e)
{
	return &e->stats;
}

const struct lm_diagnosis *lm_engine_first_fired(const struct lm_engine *e)
{
	return lm_diag_table_first_fired(e->table);
}
