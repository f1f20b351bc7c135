/*
 * engine: rules, triggers and outputs in the order an event meets them.
 * See engine.h.
 */
#include "analyzers/engine.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/aggregate.h"
#include "analyzers/timers.h"
#include "analyzers/trigger.h"
#include "core/redact.h"
#include "core/sanitize.h"

/* How far out of order an event may come and still count where it belongs. */
#define LM_LATENESS (5 * LM_NS_PER_SEC)

struct lm_engine {
	const struct lm_ruleset *rs;
	struct lm_matcher *matcher;
	struct lm_output *outputs;
	unsigned n_outputs;
	struct lm_matches_writer *matches;
	struct lm_diag_table *table;
	struct lm_timers timers;
	struct lm_aggregates *aggregates;
	lm_time_t now; /* the latest event time: the engine's clock */
	lm_time_t advancing_to; /* while deadlines are handled: where the clock goes */
	bool started;
	struct lm_engine_stats stats;
	/* reused for every event */
	struct lm_fields captures, merged, key, gate_key;
	const char **hit_ids;
	bool redact;              /* mask what diagnoses keep (default on) */
	struct lm_buf redact_buf; /* scratch for masking */
};

struct lm_engine *lm_engine_new(const struct lm_ruleset *rs, struct lm_matcher *matcher,
				struct lm_output *outputs, unsigned n_outputs,
				struct lm_matches_writer *matches, unsigned keys_per_rule,
				unsigned evidence)
{
	struct lm_engine *e = lm_xcalloc(1, sizeof(*e));
	e->rs = rs;
	e->matcher = matcher;
	e->outputs = outputs;
	e->n_outputs = n_outputs;
	e->matches = matches;
	e->table = lm_diag_table_new(rs->n, keys_per_rule, evidence);
	lm_timers_init(&e->timers);
	e->aggregates = lm_aggregates_new();
	e->stats.rule_matches = lm_xcalloc(rs->n ? rs->n : 1, sizeof(uint64_t));
	e->stats.rule_emits = lm_xcalloc(rs->n ? rs->n : 1, sizeof(*e->stats.rule_emits));
	e->hit_ids = lm_xcalloc(rs->n ? rs->n : 1, sizeof(*e->hit_ids));
	lm_fields_init(&e->captures);
	lm_fields_init(&e->merged);
	lm_fields_init(&e->key);
	lm_fields_init(&e->gate_key);
	e->redact = true;
	lm_buf_init(&e->redact_buf);
	return e;
}

void lm_engine_free(struct lm_engine *e)
{
	if (!e)
		return;
	lm_diag_table_free(e->table);
	lm_timers_fini(&e->timers);
	lm_aggregates_free(e->aggregates);
	free(e->stats.rule_matches);
	free(e->stats.rule_emits);
	free(e->hit_ids);
	lm_fields_fini(&e->captures);
	lm_fields_fini(&e->merged);
	lm_fields_fini(&e->key);
	lm_fields_fini(&e->gate_key);
	lm_buf_fini(&e->redact_buf);
	free(e);
}

static void emit(struct lm_engine *e, struct lm_diagnosis *d, enum lm_emit kind)
{
	for (unsigned i = 0; i < e->n_outputs; i++)
		if (e->outputs[i].ops->diagnosis)
			e->outputs[i].ops->diagnosis(e->outputs[i].state, d, kind);
	e->stats.rule_emits[d->rule->index][kind]++;
	d->emitted_count = d->count;
	d->shown_first = d->first_seen;
	d->shown_last = d->last_seen;
}

static void on_evict(void *arg, struct lm_diagnosis *d)
{
	struct lm_engine *e = arg;
	e->stats.evicted++;
	lm_timers_set(&e->timers, d, 0);
	/* Nothing a diagnosis gathered is lost: its last update goes out first. */
	if (d->status == LM_STATUS_FIRING && d->count > d->emitted_count)
		emit(e, d, LM_EMIT_UPDATE);
}

/* Adds a match's captures over the fields gathered so far. */
static void add_captures(struct lm_fields *into, const struct lm_fields *captures)
{
	for (unsigned c = 0; c < captures->count; c++) {
		struct lm_str k = lm_fields_key(captures, c), v = lm_fields_val(captures, c);
		lm_fields_set(into, k.p, k.n, v.p, v.n);
	}
}

/* Captures first, then the event's fields: what templates and keys see. */
static void merge_fields(struct lm_fields *out, const struct lm_fields *event,
			 const struct lm_fields *captures)
{
	lm_fields_copy(out, event);
	add_captures(out, captures);
}

/* The group key: the `by` fields the match has (one it lacks is left out);
 * `source`, unless a field of that name exists, is the input's name. */
static void build_key(struct lm_fields *key, const struct lm_when *w,
		      const struct lm_fields *merged, const struct lm_event *ev)
{
	lm_fields_reset(key);
	for (unsigned i = 0; i < w->n_by; i++) {
		size_t n = strlen(w->by[i]);
		struct lm_str v;
		if (lm_fields_get(merged, w->by[i], n, &v))
			lm_fields_add(key, w->by[i], n, v.p, lm_utf8_cut(v.p, v.n, LM_FIELD_VALUE_MAX));
		else if (strcmp(w->by[i], "source") == 0)
			lm_fields_add(key, "source", 6, ev->source_name, strlen(ev->source_name));
	}
}

/* A field's value for relating diagnoses: key first, then latest fields. */
static bool related_value(const struct lm_diagnosis *d, const char *name, struct lm_str *v)
{
	size_t n = strlen(name);
	return lm_fields_get(&d->key_fields, name, n, v) || lm_fields_get(&d->fields, name, n, v);
}

/* Whether cause explains effect at time now: the cause fired no later than
 * now and is still firing or resolved within the window, and every `on`
 * field present on both sides has the same value. */
static bool explains(const struct lm_diagnosis *cause, const struct lm_diagnosis *effect,
		     lm_time_t now)
{
	const struct lm_explains *x = &cause->rule->explains;
	if (cause->fired_at > now || cause->incident[0] == '\0')
		return false;
	if (cause->status != LM_STATUS_FIRING &&
	    !(cause->resolved_at && now - cause->resolved_at <= x->within))
		return false;
	if (cause->status == LM_STATUS_FIRING && now - cause->fired_at > x->within &&
	    cause->last_seen < now - x->within)
		return false;
	for (unsigned i = 0; i < x->n_on; i++) {
		struct lm_str a, b;
		if (related_value(cause, x->on[i], &a) && related_value(effect, x->on[i], &b) &&
		    (a.n != b.n || memcmp(a.p, b.p, a.n) != 0))
			return false;
	}
	return true;
}

static void attach(struct lm_diagnosis *effect, const struct lm_diagnosis *cause)
{
	effect->root_rule = cause->root_rule ? cause->root_rule : cause->rule;
	memcpy(effect->root_incident, cause->incident, sizeof(effect->root_incident));
	memcpy(effect->incident, cause->incident, sizeof(effect->incident));
}

/* d fires: the first cause (in firing order) that explains it takes it in. */
static void find_cause(struct lm_engine *e, struct lm_diagnosis *d, lm_time_t now)
{
	if (!d->rule->n_causes_of)
		return;
	for (const struct lm_diagnosis *c = lm_diag_table_first_fired(e->table); c;
	     c = c->fired.next)
		for (unsigned i = 0; i < d->rule->n_causes_of; i++)
			if (c->rule->index == d->rule->causes_of[i] && c != d && explains(c, d, now)) {
				attach(d, c);
				e->stats.explained++;
				return;
			}
}

/* cause takes effect in, and with it the effects effect had taken in: they
 * all share cause's incident and root from now on. */
static void take_in(struct lm_engine *e, struct lm_diagnosis *effect,
		    const struct lm_diagnosis *cause)
{
	char old[sizeof(effect->incident)];
	memcpy(old, effect->incident, sizeof(old));
	attach(effect, cause);
	e->stats.explained++;
	emit(e, effect, LM_EMIT_EXPLAINED);
	for (struct lm_diagnosis *g = lm_diag_table_first_fired(e->table); g; g = g->fired.next)
		if (g != effect && g->root_rule && strcmp(g->root_incident, old) == 0) {
			attach(g, cause);
			emit(e, g, LM_EMIT_EXPLAINED);
		}
}

/* d, a cause, fires: effects that fired before it within the window and
 * still fire are taken in, and handed out again with their root cause. */
static void claim_effects(struct lm_engine *e, struct lm_diagnosis *d, lm_time_t now)
{
	const struct lm_explains *x = &d->rule->explains;
	for (struct lm_diagnosis *f = lm_diag_table_first_fired(e->table); f; f = f->fired.next) {
		if (f == d || f->root_rule || f->status != LM_STATUS_FIRING ||
		    now - f->fired_at > x->within)
			continue;
		for (unsigned j = 0; j < x->n_rules; j++)
			if (f->rule->index == x->index[j] && explains(d, f, now)) {
				take_in(e, f, d);
				break;
			}
	}
}

static void fire(struct lm_engine *e, struct lm_diagnosis *d, lm_time_t now, double value)
{
	const struct lm_when *w = &d->rule->when;
	/* first_seen is when the trouble began: the run's first match, the
	 * moment a ratio or quantile went over, the last sign of life. */
	if (w->kind == LM_WHEN_RATIO || w->kind == LM_WHEN_QUANTILE)
		d->first_seen = d->cond_since;
	else if (w->kind == LM_WHEN_ABSENT)
		d->first_seen = d->last_seen;
	d->value = value;
	d->fired_at = now;
	d->next_repeat = now + w->repeat;
	d->false_since = 0;
	d->fresh = false; /* its run goes on: a match after firing counts, not restarts */
	d->root_rule = NULL;
	lm_diagnosis_fire(d);
	find_cause(e, d, now);
	lm_diag_table_fired(e->table, d);
	enum lm_severity sev = d->rule->severity;
	e->stats.fired[sev]++;
	if (!e->stats.any_fired || sev > e->stats.worst)
		e->stats.worst = sev;
	e->stats.any_fired = true;
	emit(e, d, LM_EMIT_FIRING);
	if (d->rule->explains.n_rules)
		claim_effects(e, d, now);
}

static void on_retire(void *arg, struct lm_diagnosis *d)
{
	struct lm_engine *e = arg;
	lm_timers_set(&e->timers, d, 0);
	e->stats.retired++;
}

static void resolve(struct lm_engine *e, struct lm_diagnosis *d, lm_time_t at)
{
	d->resolved_at = at;
	emit(e, d, LM_EMIT_RESOLVED);
	e->stats.resolved++;
	d->status = LM_STATUS_PENDING;
	d->cond_since = d->false_since = 0;
	d->fresh = true; /* the next match is the start of a new run */
}

/* How long the condition must hold before a pending diagnosis fires: `for`.
 * An absent rule's duration is the silence itself, which its trigger
 * measures; once silent that long it fires at once. */
static lm_time_t hold_for(const struct lm_when *w)
{
	return w->kind == LM_WHEN_ABSENT ? 0 : w->hold;
}

/* The earliest deadline after now that can change d, or 0. */
static lm_time_t next_deadline(struct lm_diagnosis *d, lm_time_t now, bool holds)
{
	const struct lm_when *w = &d->rule->when;
	lm_time_t c[4] = { lm_trigger_for(w)->next_change(d, now), 0, 0, 0 };
	if (d->status == LM_STATUS_PENDING && d->cond_since)
		c[1] = d->cond_since + hold_for(w);
	if (d->status == LM_STATUS_FIRING && !holds)
		c[2] = d->false_since + w->resolve_after;
	if (d->status == LM_STATUS_FIRING && holds)
		c[3] = d->next_repeat;
	lm_time_t best = 0;
	for (int i = 0; i < 4; i++)
		if (c[i] > now && (best == 0 || c[i] < best))
			best = c[i];
	return best;
}

/* Where d stands at time now: fire, repeat, resolve; then its next deadline. */
static void evaluate(struct lm_engine *e, struct lm_diagnosis *d, lm_time_t now)
{
	/* A late event is judged at its own time, but a diagnosis never goes
	 * back: nothing resolves before it fired. */
	if (now < d->evaluated_at)
		now = d->evaluated_at;
	d->evaluated_at = now;
	const struct lm_when *w = &d->rule->when;
	double value = 0;
	bool holds = lm_trigger_for(w)->holds(d, now, &value);
	if (d->status == LM_STATUS_PENDING) {
		if (!holds) {
			d->cond_since = 0;
		} else {
			if (!d->cond_since)
				d->cond_since = now;
			if (now - d->cond_since >= hold_for(w))
				fire(e, d, now, value);
		}
	} else if (holds) {
		d->false_since = 0;
		d->value = value;
		if (now >= d->next_repeat) {
			/* One repeat however far the clock jumps (a file whose first
			 * records took the arrival time, a replay): the repeats it
			 * would have sent on the way tell nothing more. */
			lm_time_t until = e->advancing_to > now ? e->advancing_to : now;
			emit(e, d, LM_EMIT_REPEAT);
			while (d->next_repeat <= until)
				d->next_repeat += w->repeat;
		}
	} else {
		if (!d->false_since)
			d->false_since = now;
		if (now - d->false_since >= w->resolve_after)
			resolve(e, d, d->false_since + w->resolve_after);
	}
	lm_time_t next = next_deadline(d, now, holds);
	lm_timers_set(&e->timers, d, next);
	/* A count rule's diagnosis, pending with no match left in its window,
	 * waits for nothing: its next match starts from nothing.  It is idle,
	 * and may be retired (like an evicted key).  Other kinds keep windows
	 * (ratio, quantile) or watch for silence (absent). */
	if (!next && d->status == LM_STATUS_PENDING && w->kind == LM_WHEN_COUNT)
		lm_diag_table_idle(e->table, d, on_retire, e);
}

/* Moves the engine's clock to t, handling every deadline on the way at its
 * own time, in order. */
static void advance(struct lm_engine *e, lm_time_t t)
{
	if (e->started && t <= e->now)
		return;
	e->started = true;
	e->advancing_to = t;
	struct lm_diagnosis *d;
	lm_time_t at;
	while ((d = lm_timers_pop(&e->timers, t, &at)) != NULL) {
		if (at > e->now)
			e->now = at;
		evaluate(e, d, at); /* a deadline queued by a late event is still its own time */
	}
	e->now = t;
}

/* An after-rule's match counts only when the rule it follows matched the same
 * key within the window before it. */
static bool after_gate(struct lm_engine *e, const struct lm_rule *r, const struct lm_event *ev,
		       lm_time_t t)
{
	const struct lm_rule *first = &e->rs->rules[r->when.after_index];
	struct lm_fields *key = &e->gate_key;
	build_key(key, &first->when, &e->merged, ev); /* that rule's own key of this match */
	const struct lm_diagnosis *d = lm_diag_table_find(e->table, first, key);
	return d && d->last_seen <= t && t - d->last_seen <= r->when.within;
}

static void analyse(struct lm_engine *e, const struct lm_rule *r, const struct lm_event *ev,
		    bool hit, bool selected)
{
	lm_time_t t = ev->time;
	build_key(&e->key, &r->when, &e->merged, ev);
	if (hit && r->when.kind == LM_WHEN_AFTER && !after_gate(e, r, ev, t)) {
		hit = false;
		if (!selected)
			return;
	}
	bool created;
	struct lm_diagnosis *d = lm_diag_table_get(e->table, r, &e->key, &created, on_evict, e);
	const struct lm_trigger *trig = lm_trigger_for(&r->when);
	struct lm_buf *mask = e->redact ? &e->redact_buf : NULL;
	if (created) {
		/* the shown key values are masked; d->key, the identity, is not */
		if (mask)
			lm_redact_fields(&d->key_fields, &e->key, &e->merged, SIZE_MAX, mask);
		trig->init(d);
		d->fresh = true;
	}
	if (selected)
		trig->on_select(d, t);
	if (hit) {
		/* The sign of life an absence waited for ends it; the match starts a
		 * new run. */
		if (r->when.kind == LM_WHEN_ABSENT && d->status == LM_STATUS_FIRING)
			resolve(e, d, t > d->evaluated_at ? t : d->evaluated_at);
		lm_diag_table_wake(e->table, d);
		if (d->fresh || (d->status == LM_STATUS_PENDING && t - d->last_seen > r->when.within)) {
			lm_diagnosis_restart(d, t);
			d->fresh = false;
		}
		lm_diagnosis_keep_fields(d, &e->merged, mask);
		lm_diagnosis_count_split(d);
		if (lm_diagnosis_add_evidence(d, ev, mask))
			e->stats.evidence_dropped++;
		if (r->aggregate.sql && !lm_aggregates_add(e->aggregates, r, &e->merged, t, mask))
			e->stats.aggregates_dropped++;
		if (t > d->last_seen || d->count == 0)
			d->last_seen = t;
		d->count++;
		trig->on_match(d, t, &e->merged);
	}
	evaluate(e, d, t);
}

/* One rule on one event: its match, and for a ratio rule its selector. */
static bool run_rule(struct lm_engine *e, const struct lm_rule *r, const struct lm_event *ev)
{
	lm_fields_reset(&e->captures);
	bool hit = lm_matcher_match(e->matcher, r, ev, &e->captures);
	if (hit && e->matches) {
		add_captures(&e->merged, &e->captures);
		return true;
	}
	if (e->matches)
		return hit;
	if (hit) {
		merge_fields(&e->merged, ev->fields, &e->captures);
		/* A ratio's matches are among what it selects (5xx among requests). */
		analyse(e, r, ev, true, r->when.kind == LM_WHEN_RATIO);
		return true;
	}
	if (r->when.kind == LM_WHEN_RATIO) {
		lm_fields_reset(&e->captures);
		if (lm_matcher_select(e->matcher, r, ev, &e->captures)) {
			merge_fields(&e->merged, ev->fields, &e->captures);
			analyse(e, r, ev, false, true);
		}
	}
	return false;
}

void lm_engine_set_redact(struct lm_engine *e, bool on)
{
	e->redact = on;
}

void lm_engine_set_max_idle(struct lm_engine *e, unsigned max)
{
	lm_diag_table_set_max_idle(e->table, max);
}

void lm_engine_event(struct lm_engine *e, const struct lm_event *ev)
{
	unsigned hits = 0;
	e->stats.events++;
	/* An event further behind the clock than the lateness bound is counted
	 * as late.  Every event counts where its windows still reach and is
	 * judged at its own time (late ones are, say, records stamped on arrival
	 * before a file's first timestamp, which puts them after all the rest). */
	if (e->started && ev->time < e->now - LM_LATENESS)
		e->stats.late++;
	advance(e, ev->time);
	if (e->matches)
		lm_fields_copy(&e->merged, ev->fields);
	lm_matcher_prepare(e->matcher, ev); /* which rules can hit: one scan */
	const unsigned *cand;
	unsigned n_cand = lm_matcher_candidates(e->matcher, &cand);
	for (unsigned k = 0; k < n_cand; k++) {
		unsigned i = cand[k];
		const struct lm_rule *r = &e->rs->rules[i];
		if (!run_rule(e, r, ev))
			continue;
		e->stats.rule_matches[i]++;
		e->hit_ids[hits++] = r->id;
	}
	if (!hits)
		return;
	e->stats.matched_events++;
	if (e->matches)
		lm_matches_write(e->matches, ev->source_name, ev->line_no, e->hit_ids, hits,
				 &e->merged);
}

void lm_engine_advance(struct lm_engine *e, lm_time_t t)
{
	if (e->started)
		advance(e, t);
}

lm_time_t lm_engine_next_deadline(const struct lm_engine *e)
{
	return lm_timers_first(&e->timers);
}

void lm_engine_finish(struct lm_engine *e)
{
	for (struct lm_diagnosis *d = lm_diag_table_first_fired(e->table); d; d = d->fired.next)
		if (d->status == LM_STATUS_FIRING && d->count > d->emitted_count)
			emit(e, d, LM_EMIT_UPDATE);
	for (unsigned i = 0; i < e->rs->n; i++) {
		const struct lm_rule *r = &e->rs->rules[i];
		const struct lm_aggregate_row *top[LM_AGGREGATE_TOP];
		unsigned n = r->aggregate.sql ? lm_aggregates_top(e->aggregates, r, top, LM_AGGREGATE_TOP) : 0;
		for (unsigned k = 0; k < n; k++)
			for (unsigned o = 0; o < e->n_outputs; o++)
				if (e->outputs[o].ops->aggregate)
					e->outputs[o].ops->aggregate(e->outputs[o].state, top[k], k + 1);
	}
}

/* The rule of rs with the same id and definition as r, or NULL. */
static const struct lm_rule *same_rule(const struct lm_ruleset *rs, const struct lm_rule *r)
{
	for (unsigned i = 0; i < rs->n; i++)
		if (rs->rules[i].digest == r->digest && strcmp(rs->rules[i].id, r->id) == 0)
			return &rs->rules[i];
	return NULL;
}

/* Whether r is one of rs's rules. */
static bool belongs(const struct lm_ruleset *rs, const struct lm_rule *r)
{
	return same_rule(rs, r) == r;
}

unsigned lm_engine_adopt(struct lm_engine *e, struct lm_engine *old)
{
	/* Deadlines: every queued diagnosis leaves old's timers; those of kept
	 * rules join e's at the same time. */
	struct lm_diagnosis *d;
	lm_time_t at;
	struct lm_timers due;
	lm_timers_init(&due);
	while ((d = lm_timers_pop(&old->timers, INT64_MAX, &at)) != NULL)
		lm_timers_set(&due, d, at);
	/* The firing order, to list the kept diagnoses again in it. */
	unsigned n_fired = 0;
	for (d = lm_diag_table_first_fired(old->table); d; d = d->fired.next)
		n_fired++;
	struct lm_diagnosis **fired = lm_xcalloc(n_fired ? n_fired : 1, sizeof(*fired));
	n_fired = 0;
	for (d = lm_diag_table_first_fired(old->table); d; d = d->fired.next)
		fired[n_fired++] = d;
	unsigned kept = 0;
	for (unsigned i = 0; i < e->rs->n; i++) {
		const struct lm_rule *to = &e->rs->rules[i], *from = same_rule(old->rs, to);
		if (!from)
			continue;
		lm_diag_table_move(e->table, to, old->table, from);
		e->stats.rule_matches[i] = old->stats.rule_matches[from->index];
		memcpy(e->stats.rule_emits[i], old->stats.rule_emits[from->index],
		       sizeof(e->stats.rule_emits[i]));
		kept++;
	}
	for (unsigned i = 0; i < n_fired; i++) {
		d = fired[i];
		if (!belongs(e->rs, d->rule))
			continue; /* its rule changed or went: it stays with old */
		lm_diag_table_fired(e->table, d);
		if (d->root_rule)
			d->root_rule = same_rule(e->rs, d->root_rule);
	}
	free(fired);
	while ((d = lm_timers_pop(&due, INT64_MAX, &at)) != NULL)
		if (belongs(e->rs, d->rule))
			lm_timers_set(&e->timers, d, at);
	lm_timers_fini(&due);
	uint64_t *matches = e->stats.rule_matches;
	uint64_t(*emits)[LM_EMIT_KINDS] = e->stats.rule_emits;
	e->stats = old->stats;
	e->stats.rule_matches = matches;
	e->stats.rule_emits = emits;
	e->now = old->now;
	e->started = old->started;
	return kept;
}

const struct lm_engine_stats *lm_engine_stats(const struct lm_engine *e)
{
	return &e->stats;
}

const struct lm_diagnosis *lm_engine_first_fired(const struct lm_engine *e)
{
	return lm_diag_table_first_fired(e->table);
}

unsigned lm_engine_top(const struct lm_engine *e, const struct lm_rule *rule,
		       const struct lm_aggregate_row **out, unsigned max)
{
	return lm_aggregates_top(e->aggregates, rule, out, max);
}
