/*
 * test_triggers: stateful triggers and the diagnosis lifecycle on event time.
 *
 * The timer heap is tested directly (order, moves, removal, ties in queue
 * order, and a random run against a reference model).  Everything else goes
 * through the engine: rules are loaded from strings, linked and compiled, and
 * hand-built events with synthetic timestamps (no sleeps) are fed to it; a
 * fake output records each diagnosis handed out (rule, kind, count, first and
 * last seen, fired and resolved times, value, key, incident, and the time of
 * the event being read when it was handed out).  Covered: count (resolution
 * resolve_after after the window stops holding, a new incident for a new run,
 * repeat_interval, explicit resolve_after, the defaults), ratio (`for`, a
 * spike shorter than `for`, `min`, keys kept apart, the value and first time
 * at firing, resolution, window edges and a window that drains), quantile
 * (units of bare and unit-carrying numbers, `min`, the estimate within 2 % of
 * the true quantile, resolution), absent (fires at the deadline, handled when
 * the clock reaches it, resolves on the next sign of life, nothing at the end
 * of input), after (gated by the other rule's match for the same key within
 * the window), events out of order (up to 5 s still count; later ones are
 * counted as late), and determinism (the same input gives the same output).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/diagnosis.h"
#include "analyzers/engine.h"
#include "analyzers/timers.h"
#include "core/buf.h"
#include "core/event.h"
#include "outputs/output.h"
#include "rules/loader.h"
#include "rules/matcher.h"
#include "rules/rule.h"

#define S(x) ((lm_time_t)(x) * LM_NS_PER_SEC)
#define MS(x) ((lm_time_t)(x) * LM_NS_PER_MS)
/* 2025-03-11T10:00:00Z: a multiple of every bucket width used here (30 s, 12 s). */
#define T0 S(INT64_C(1741687200))

/* ---- the harness ---- */

/* What the fake output saw of one diagnosis handed to it. */
struct rec {
	char rule[32];
	enum lm_emit kind;
	uint64_t count;
	lm_time_t first_seen, last_seen, fired_at, resolved_at;
	double value;
	char key[128];
	char incident[17];
	lm_time_t at_event; /* time of the event being read (0: lm_engine_finish) */
};

#define MAX_RECS 1024

struct fixture {
	struct lm_ruleset rs;
	struct lm_matcher *m;
	struct lm_output out;
	struct lm_engine *e;
	struct lm_fields fields;
	uint64_t line_no;
	lm_time_t cur_time;
	struct rec r[MAX_RECS];
	unsigned n;
};

static void record(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct fixture *f = state;
	assert_true(f->n < MAX_RECS);
	struct rec *x = &f->r[f->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->rule, sizeof(x->rule), "%s", d->rule->id);
	x->kind = kind;
	x->count = d->count;
	x->first_seen = d->first_seen;
	x->last_seen = d->last_seen;
	x->fired_at = d->fired_at;
	x->resolved_at = kind == LM_EMIT_RESOLVED ? d->resolved_at : 0;
	x->value = d->value;
	memcpy(x->incident, d->incident, sizeof(x->incident));
	x->at_event = f->cur_time;
	struct lm_buf b;
	lm_buf_init(&b);
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i);
		struct lm_str v = lm_fields_val(&d->key_fields, i);
		lm_buf_printf(&b, "%s%.*s=%.*s", i ? "," : "", (int)k.n, k.p, (int)v.n, v.p);
	}
	snprintf(x->key, sizeof(x->key), "%s", b.len ? b.data : "");
	lm_buf_fini(&b);
}

static const struct lm_output_ops fake_ops = {
	.name = "fake",
	.init = NULL,
	.diagnosis = record,
	.fini = NULL,
};

static struct fixture *fx_new(const char *yaml)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	lm_ruleset_init(&f->rs);
	int problems = lm_rules_load_string(&f->rs, "triggers.yml", yaml, strlen(yaml));
	if (problems) { /* reported on stderr; nothing left behind */
		lm_ruleset_fini(&f->rs);
		free(f);
	}
	assert_int_equal(problems, 0);
	assert_int_equal(lm_rules_link(&f->rs), 0);
	f->m = lm_matcher_new(&f->rs);
	assert_non_null(f->m);
	f->out.ops = &fake_ops;
	f->out.state = f;
	f->e = lm_engine_new(&f->rs, f->m, &f->out, 1, NULL, 0, 0);
	assert_non_null(f->e);
	lm_fields_init(&f->fields);
	return f;
}

static void fx_free(struct fixture *f)
{
	lm_engine_free(f->e);
	lm_matcher_free(f->m);
	lm_ruleset_fini(&f->rs);
	lm_fields_fini(&f->fields);
	free(f);
}

static void finish(struct fixture *f)
{
	f->cur_time = 0;
	lm_engine_finish(f->e);
}

/* One event at time t; field/value (may be NULL) is one event field. */
static void feed(struct fixture *f, lm_time_t t, const char *text, const char *field,
		 const char *value)
{
	lm_fields_reset(&f->fields);
	if (field)
		lm_fields_set(&f->fields, field, strlen(field), value, strlen(value));
	struct lm_event ev = {
		.time = t,
		.has_time = true,
		.line = text,
		.line_len = strlen(text),
		.text = text,
		.text_len = strlen(text),
		.fields = &f->fields,
		.source_name = "app.log",
		.source_index = 0,
		.line_no = ++f->line_no,
		.truncated = false,
	};
	f->cur_time = t;
	lm_engine_event(f->e, &ev);
}

/* A line that matches no rule: moves the clock. */
static void tick(struct fixture *f, lm_time_t t)
{
	feed(f, t, "tick", NULL, NULL);
}

static const struct lm_rule *rule(const struct fixture *f, const char *id)
{
	const struct lm_rule *r = lm_ruleset_find(&f->rs, id);
	assert_non_null(r);
	return r;
}

/* The i-th record (0-based) of rule id and kind, or NULL. */
static const struct rec *nth(const struct fixture *f, const char *id, enum lm_emit kind,
			     unsigned i)
{
	for (unsigned k = 0; k < f->n; k++)
		if (strcmp(f->r[k].rule, id) == 0 && f->r[k].kind == kind && i-- == 0)
			return &f->r[k];
	return NULL;
}

static unsigned count_recs(const struct fixture *f, const char *id, enum lm_emit kind)
{
	unsigned n = 0;
	for (unsigned k = 0; k < f->n; k++)
		if (strcmp(f->r[k].rule, id) == 0 && f->r[k].kind == kind)
			n++;
	return n;
}

/* The only record of rule id for key, of kind. */
static const struct rec *for_key(const struct fixture *f, const char *id, const char *key,
				 enum lm_emit kind)
{
	const struct rec *found = NULL;
	for (unsigned k = 0; k < f->n; k++)
		if (strcmp(f->r[k].rule, id) == 0 && strcmp(f->r[k].key, key) == 0 &&
		    f->r[k].kind == kind) {
			assert_null(found);
			found = &f->r[k];
		}
	return found;
}

static bool is_hex16(const char *s)
{
	if (strlen(s) != 16)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

#define assert_time(a, b) assert_true((lm_time_t)(a) == (lm_time_t)(b))
#define assert_near(v, want, rel) assert_true(fabs((v) - (want)) <= (rel) * fabs(want))

/* ---- timers ---- */

#define N_DIAG 300

static struct lm_diagnosis *diags(unsigned n)
{
	struct lm_diagnosis *d = calloc(n, sizeof(*d));
	assert_non_null(d);
	return d;
}

static void expect_pop(struct lm_timers *t, lm_time_t now, const struct lm_diagnosis *want,
		       lm_time_t want_at)
{
	lm_time_t at = -1;
	struct lm_diagnosis *got = lm_timers_pop(t, now, &at);
	assert_ptr_equal(got, want);
	if (want) {
		assert_time(at, want_at);
		assert_int_equal(got->timer_slot, 0);
	}
}

static void test_timers_order(void **state)
{
	(void)state;
	struct lm_timers t;
	struct lm_diagnosis *d = diags(4);
	lm_timers_init(&t);
	expect_pop(&t, INT64_MAX, NULL, 0); /* empty */
	lm_timers_set(&t, &d[0], T0 + S(30));
	lm_timers_set(&t, &d[1], T0 + S(10));
	lm_timers_set(&t, &d[2], T0 + S(20));
	lm_timers_set(&t, &d[3], T0 + S(40));
	assert_int_equal(t.n, 4);
	expect_pop(&t, T0 + S(10) - 1, NULL, 0); /* nothing due yet */
	expect_pop(&t, T0 + S(25), &d[1], T0 + S(10));
	expect_pop(&t, T0 + S(25), &d[2], T0 + S(20));
	expect_pop(&t, T0 + S(25), NULL, 0);
	expect_pop(&t, T0 + S(30), &d[0], T0 + S(30)); /* due at exactly now */
	expect_pop(&t, T0 + S(100), &d[3], T0 + S(40));
	expect_pop(&t, T0 + S(100), NULL, 0);
	assert_int_equal(t.n, 0);
	/* A popped diagnosis can be queued again. */
	lm_timers_set(&t, &d[1], T0 + S(50));
	expect_pop(&t, T0 + S(50), &d[1], T0 + S(50));
	lm_timers_fini(&t);
	free(d);
}

static void test_timers_move(void **state)
{
	(void)state;
	struct lm_timers t;
	struct lm_diagnosis *d = diags(3);
	lm_timers_init(&t);
	lm_timers_set(&t, &d[0], T0 + S(10));
	lm_timers_set(&t, &d[1], T0 + S(20));
	lm_timers_set(&t, &d[2], T0 + S(30));
	lm_timers_set(&t, &d[2], T0 + S(5));  /* earlier */
	lm_timers_set(&t, &d[0], T0 + S(25)); /* later */
	assert_int_equal(t.n, 3);             /* each at most once */
	assert_time(d[0].timer_at, T0 + S(25));
	expect_pop(&t, T0 + S(100), &d[2], T0 + S(5));
	expect_pop(&t, T0 + S(100), &d[1], T0 + S(20));
	expect_pop(&t, T0 + S(100), &d[0], T0 + S(25));
	expect_pop(&t, T0 + S(100), NULL, 0);
	lm_timers_fini(&t);
	free(d);
}

static void test_timers_remove(void **state)
{
	(void)state;
	struct lm_timers t;
	struct lm_diagnosis *d = diags(5);
	lm_timers_init(&t);
	lm_timers_set(&t, &d[4], 0); /* removing what is not queued: nothing */
	assert_int_equal(t.n, 0);
	for (unsigned i = 0; i < 5; i++)
		lm_timers_set(&t, &d[i], T0 + S(10 * (i + 1)));
	lm_timers_set(&t, &d[2], 0); /* the middle */
	assert_int_equal(d[2].timer_slot, 0);
	lm_timers_set(&t, &d[0], 0); /* the first */
	lm_timers_set(&t, &d[4], 0); /* the last */
	lm_timers_set(&t, &d[4], 0); /* twice */
	assert_int_equal(t.n, 2);
	expect_pop(&t, T0 + S(100), &d[1], T0 + S(20));
	expect_pop(&t, T0 + S(100), &d[3], T0 + S(40));
	expect_pop(&t, T0 + S(100), NULL, 0);
	lm_timers_fini(&t);
	free(d);
}

static void test_timers_ties(void **state)
{
	(void)state;
	struct lm_timers t;
	struct lm_diagnosis *d = diags(5);
	static const unsigned order[] = { 3, 1, 4, 0, 2 };
	lm_timers_init(&t);
	for (unsigned i = 0; i < 5; i++)
		lm_timers_set(&t, &d[order[i]], T0 + S(50));
	for (unsigned i = 0; i < 5; i++)
		expect_pop(&t, T0 + S(50), &d[order[i]], T0 + S(50));
	/* Setting a queued timer to the time it has keeps its place; moving it
	 * away and back queues it again, last among equals. */
	for (unsigned i = 0; i < 5; i++)
		lm_timers_set(&t, &d[order[i]], T0 + S(50));
	lm_timers_set(&t, &d[3], T0 + S(50));
	lm_timers_set(&t, &d[1], T0 + S(60));
	lm_timers_set(&t, &d[1], T0 + S(50));
	static const unsigned after[] = { 3, 4, 0, 2, 1 };
	for (unsigned i = 0; i < 5; i++)
		expect_pop(&t, T0 + S(50), &d[after[i]], T0 + S(50));
	lm_timers_fini(&t);
	free(d);
}

static uint64_t xs = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return xs;
}

/* Random sets, moves, removals and pops against a plain array model. */
static void test_timers_random(void **state)
{
	(void)state;
	struct lm_timers t;
	struct lm_diagnosis *d = diags(N_DIAG);
	lm_time_t at[N_DIAG] = { 0 };
	uint64_t seq[N_DIAG] = { 0 }, next_seq = 0;
	lm_time_t now = T0;
	lm_timers_init(&t);
	xs = 0x9e3779b97f4a7c15ull;
	for (unsigned op = 0; op < 20000; op++) {
		uint64_t r = next_rand();
		unsigned i = (unsigned)(r % N_DIAG);
		switch ((r >> 20) % 4) {
		case 0:
		case 1: { /* set or move, few distinct times so ties are common */
			lm_time_t when = now + S((r >> 32) % 40);
			if (at[i] != when) {
				at[i] = when;
				seq[i] = next_seq++;
			}
			lm_timers_set(&t, &d[i], when);
			break;
		}
		case 2: /* remove */
			at[i] = 0;
			lm_timers_set(&t, &d[i], 0);
			break;
		default: { /* advance and pop what is due */
			now += S((r >> 32) % 5);
			for (;;) {
				int best = -1;
				for (unsigned k = 0; k < N_DIAG; k++)
					if (at[k] && at[k] <= now &&
					    (best < 0 || at[k] < at[best] ||
					     (at[k] == at[best] && seq[k] < seq[best])))
						best = (int)k;
				lm_time_t got_at;
				struct lm_diagnosis *got = lm_timers_pop(&t, now, &got_at);
				if (best < 0) {
					assert_null(got);
					break;
				}
				assert_ptr_equal(got, &d[best]);
				assert_time(got_at, at[best]);
				at[best] = 0;
			}
		}
		}
		unsigned queued = 0;
		for (unsigned k = 0; k < N_DIAG; k++)
			queued += at[k] != 0;
		assert_int_equal(t.n, queued);
	}
	lm_timers_fini(&t);
	free(d);
}

/* ---- count ---- */

static const char count_yaml[] =
	"- id: c.burst\n"
	"  title: Burst of failed logins\n"
	"  severity: error\n"
	"  layer: backend\n"
	"  match: {regex: 'login failed for (?<client>\\S+)'}\n"
	"  when: {count: 3, within: 1m, by: [client]}\n"
	"- id: c.quick\n"
	"  title: Lock timeouts\n"
	"  severity: warning\n"
	"  layer: database\n"
	"  match: {regex: 'lock timeout for (?<client>\\S+)'}\n"
	"  when: {count: 3, within: 1m, resolve_after: 30s, by: [client]}\n"
	"- id: c.long\n"
	"  title: Slow syncs\n"
	"  severity: warning\n"
	"  layer: database\n"
	"  match: {regex: 'slow sync'}\n"
	"  when: {count: 2, within: 10m}\n"
	"- id: c.repeat\n"
	"  title: Disk full\n"
	"  severity: critical\n"
	"  layer: backend\n"
	"  match: {regex: 'disk full on (?<dev>\\S+)'}\n"
	"  when: {count: 2, within: 2m, repeat_interval: 10m, by: [dev]}\n"
	"- id: c.every\n"
	"  title: Out of memory\n"
	"  severity: critical\n"
	"  layer: backend\n"
	"  match: {regex: 'oom on (?<dev>\\S+)'}\n"
	"  when: {repeat_interval: 10m, by: [dev]}\n";

static void test_count_defaults(void **state)
{
	(void)state;
	struct fixture *f = fx_new(count_yaml);
	const struct lm_when *w = &rule(f, "c.burst")->when;
	assert_int_equal(w->kind, LM_WHEN_COUNT);
	assert_int_equal(w->count, 3);
	assert_time(w->within, S(60));
	assert_time(w->resolve_after, S(300)); /* the larger of within and 5m */
	assert_time(w->repeat, S(4 * 3600));
	assert_time(w->hold, 0);
	assert_time(rule(f, "c.quick")->when.resolve_after, S(30));
	assert_time(rule(f, "c.long")->when.resolve_after, S(600)); /* within, above 5m */
	assert_time(rule(f, "c.repeat")->when.repeat, S(600));
	assert_int_equal(rule(f, "c.every")->when.count, 1);
	assert_time(rule(f, "c.every")->when.within, 0);
	assert_time(rule(f, "c.every")->when.resolve_after, S(300));
	fx_free(f);
}

static void login_failed(struct fixture *f, const char *client, lm_time_t t)
{
	char text[64];
	snprintf(text, sizeof(text), "login failed for %s", client);
	feed(f, t, text, NULL, NULL);
}

/* Matches at 0, 20, 40 s hold the window (3 within 1m) until 60 s; from the
 * next instant it is false, and 5 minutes later the diagnosis resolves, at
 * that moment.  The next run is a new incident. */
static void test_count_resolution_and_new_incident(void **state)
{
	(void)state;
	struct fixture *f = fx_new(count_yaml);
	login_failed(f, "A", T0);
	login_failed(f, "A", T0 + S(20));
	assert_int_equal(f->n, 0);
	login_failed(f, "A", T0 + S(40));
	assert_int_equal(f->n, 1);
	const struct rec *r = &f->r[0];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_string_equal(r->key, "client=A");
	assert_int_equal(r->count, 3);
	assert_time(r->first_seen, T0);
	assert_time(r->last_seen, T0 + S(40));
	assert_time(r->fired_at, T0 + S(40));
	assert_true(is_hex16(r->incident));

	tick(f, T0 + S(360));
	assert_int_equal(f->n, 1); /* false since 60 s + 1 ns: not yet 5 minutes */
	tick(f, T0 + S(361));
	assert_int_equal(f->n, 2);
	r = &f->r[1];
	assert_int_equal(r->kind, LM_EMIT_RESOLVED);
	assert_string_equal(r->key, "client=A");
	assert_time(r->resolved_at, T0 + S(360) + 1);
	assert_time(r->at_event, T0 + S(361));
	assert_int_equal(r->count, 3);
	assert_time(r->first_seen, T0);
	assert_string_equal(r->incident, f->r[0].incident);
	assert_int_equal(lm_engine_stats(f->e)->resolved, 1);

	/* A new run after resolution: a new first time, a new incident. */
	login_failed(f, "A", T0 + S(400));
	login_failed(f, "A", T0 + S(410));
	assert_int_equal(f->n, 2);
	login_failed(f, "A", T0 + S(420));
	assert_int_equal(f->n, 3);
	r = &f->r[2];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_int_equal(r->count, 3);
	assert_time(r->first_seen, T0 + S(400));
	assert_time(r->fired_at, T0 + S(420));
	assert_true(is_hex16(r->incident));
	assert_string_not_equal(r->incident, f->r[0].incident);
	assert_int_equal(lm_engine_stats(f->e)->fired[LM_SEV_ERROR], 2);
	/* Nothing new since it fired: no update at the end. */
	finish(f);
	assert_int_equal(f->n, 3);
	fx_free(f);
}

/* resolve_after: 30s; and within 10m makes the default resolve_after 10m. */
static void test_count_resolve_after_explicit(void **state)
{
	(void)state;
	struct fixture *f = fx_new(count_yaml);
	feed(f, T0, "lock timeout for B", NULL, NULL);
	feed(f, T0, "slow sync", NULL, NULL);
	feed(f, T0 + S(10), "lock timeout for B", NULL, NULL);
	feed(f, T0 + S(20), "lock timeout for B", NULL, NULL);
	assert_int_equal(f->n, 1);
	assert_string_equal(f->r[0].rule, "c.quick");
	assert_int_equal(f->r[0].kind, LM_EMIT_FIRING);
	feed(f, T0 + S(30), "slow sync", NULL, NULL);
	assert_int_equal(f->n, 2);
	assert_string_equal(f->r[1].rule, "c.long");
	assert_time(f->r[1].first_seen, T0);

	tick(f, T0 + S(90)); /* c.quick false since 60 s + 1 ns */
	assert_int_equal(f->n, 2);
	tick(f, T0 + S(91));
	assert_int_equal(f->n, 3);
	assert_string_equal(f->r[2].rule, "c.quick");
	assert_int_equal(f->r[2].kind, LM_EMIT_RESOLVED);
	assert_time(f->r[2].resolved_at, T0 + S(90) + 1);

	tick(f, T0 + S(1200)); /* c.long false since 600 s + 1 ns */
	assert_int_equal(f->n, 3);
	tick(f, T0 + S(1201));
	assert_int_equal(f->n, 4);
	assert_string_equal(f->r[3].rule, "c.long");
	assert_int_equal(f->r[3].kind, LM_EMIT_RESOLVED);
	assert_time(f->r[3].resolved_at, T0 + S(1200) + 1);
	assert_int_equal(lm_engine_stats(f->e)->resolved, 2);
	fx_free(f);
}

/* repeat_interval: 10m with a match every minute for 25 minutes: two
 * repeats, for a window that holds throughout (count 2 within 2m, handed out
 * by the timer at exactly 10 minutes after firing) and for count 1 (which
 * holds at each match, so repeats come with the match at or after the due
 * time). */
static void test_count_repeat_interval(void **state)
{
	(void)state;
	struct fixture *f = fx_new(count_yaml);
	for (int i = 0; i <= 25; i++) {
		feed(f, T0 + S(60 * i), "disk full on sda", NULL, NULL);
		feed(f, T0 + S(60 * i), "oom on sdb", NULL, NULL);
	}
	assert_int_equal(count_recs(f, "c.repeat", LM_EMIT_FIRING), 1);
	assert_int_equal(count_recs(f, "c.repeat", LM_EMIT_REPEAT), 2);
	assert_int_equal(count_recs(f, "c.every", LM_EMIT_FIRING), 1);
	assert_int_equal(count_recs(f, "c.every", LM_EMIT_REPEAT), 2);
	assert_int_equal(count_recs(f, "c.repeat", LM_EMIT_RESOLVED), 0);
	assert_int_equal(count_recs(f, "c.every", LM_EMIT_RESOLVED), 0);
	assert_int_equal(f->n, 6);

	const struct rec *fired = nth(f, "c.repeat", LM_EMIT_FIRING, 0);
	assert_time(fired->fired_at, T0 + S(60));
	assert_time(fired->first_seen, T0);
	assert_int_equal(fired->count, 2);
	const struct rec *r = nth(f, "c.repeat", LM_EMIT_REPEAT, 0);
	/* Due at 660 s: handed out as the clock reaches it, before the match at
	 * 660 s is counted. */
	assert_time(r->at_event, T0 + S(660));
	assert_int_equal(r->count, 11);
	assert_time(r->last_seen, T0 + S(600));
	assert_string_equal(r->incident, fired->incident);
	r = nth(f, "c.repeat", LM_EMIT_REPEAT, 1);
	assert_time(r->at_event, T0 + S(1260));
	assert_int_equal(r->count, 21);
	assert_string_equal(r->incident, fired->incident);

	fired = nth(f, "c.every", LM_EMIT_FIRING, 0);
	assert_time(fired->fired_at, T0);
	r = nth(f, "c.every", LM_EMIT_REPEAT, 0);
	assert_time(r->at_event, T0 + S(600));
	assert_int_equal(r->count, 11); /* the match at 600 s included */
	assert_string_equal(r->incident, fired->incident);
	r = nth(f, "c.every", LM_EMIT_REPEAT, 1);
	assert_time(r->at_event, T0 + S(1200));
	assert_int_equal(r->count, 21);

	finish(f);
	assert_int_equal(f->n, 8);
	assert_int_equal(nth(f, "c.repeat", LM_EMIT_UPDATE, 0)->count, 26);
	assert_int_equal(nth(f, "c.every", LM_EMIT_UPDATE, 0)->count, 26);
	fx_free(f);
}

/* ---- ratio ---- */

static const char ratio_yaml[] =
	"- id: r.5xx\n"
	"  title: Share of server errors\n"
	"  severity: error\n"
	"  layer: backend\n"
	"  match: {regex: ' 5\\d\\d '}\n"
	"  when: {ratio: {of: '\" \\d{3} ', above: 10%, min: 20}, within: 5m, for: 2m, by: [host]}\n";

static const char ratio_now_yaml[] =
	"- id: r.now\n"
	"  title: Share of server errors, at once\n"
	"  severity: error\n"
	"  layer: backend\n"
	"  match: {regex: ' 5\\d\\d '}\n"
	"  when: {ratio: {of: '\" \\d{3} ', above: 0.1}, within: 5m, by: [host]}\n";

static void request(struct fixture *f, const char *host, int status, lm_time_t t)
{
	char text[96];
	snprintf(text, sizeof(text), "10.0.0.7 - - \"GET /api/v1/items HTTP/1.1\" %d 512", status);
	feed(f, t, text, "host", host);
}

static void requests(struct fixture *f, const char *host, int status, int n, lm_time_t t)
{
	for (int i = 0; i < n; i++)
		request(f, host, status, t);
}

static void test_ratio_loaded(void **state)
{
	(void)state;
	struct fixture *f = fx_new(ratio_yaml);
	const struct lm_when *w = &rule(f, "r.5xx")->when;
	assert_int_equal(w->kind, LM_WHEN_RATIO);
	assert_true(w->share == 0.1);
	assert_int_equal(w->min, 20);
	assert_time(w->hold, S(120));
	assert_time(w->within, S(300));
	assert_time(w->resolve_after, S(300));
	fx_free(f);
	f = fx_new(ratio_now_yaml);
	assert_true(rule(f, "r.now")->when.share == 0.1);
	assert_int_equal(rule(f, "r.now")->when.min, LM_RATIO_MIN_DEFAULT);
	assert_time(rule(f, "r.now")->when.hold, 0);
	fx_free(f);
}

/*
 * Three hosts, a batch of requests every 10 s (10 % is not above 10 %):
 *   web-1: 10 % until 300 s, 20 % (errors first) until 600 s, then 0 %
 *          with twice the traffic: over from 300 s, fires at 420 s;
 *          the share is back at 10 % at 690 s, resolved at 990 s.
 *   web-2: healthy, then 40 errors at 300 s and 200 good requests at 360 s:
 *          over for one minute only, never fires.
 *   web-3: healthy throughout; its requests do not dilute web-1's share.
 */
static void test_ratio_for_spike_and_keys(void **state)
{
	(void)state;
	struct fixture *f = fx_new(ratio_yaml);
	for (int s = 0; s <= 1000; s += 10) {
		lm_time_t t = T0 + S(s);
		if (s < 300) {
			requests(f, "web-1", 200, 9, t);
			requests(f, "web-1", 503, 1, t);
		} else if (s < 600) {
			requests(f, "web-1", 502, 2, t);
			requests(f, "web-1", 200, 8, t);
		} else {
			requests(f, "web-1", 200, 20, t);
		}
		if (s == 300)
			requests(f, "web-2", 500, 40, t);
		else
			requests(f, "web-2", 200, s == 360 ? 200 : 10, t);
		requests(f, "web-3", 200, 10, t);
		if (s < 420)
			assert_int_equal(f->n, 0);
	}
	assert_int_equal(f->n, 2);
	const struct rec *r = &f->r[0];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_string_equal(r->key, "host=web-1");
	assert_time(r->fired_at, T0 + S(420));
	assert_time(r->at_event, T0 + S(420));
	assert_time(r->first_seen, T0 + S(300)); /* when the share went over */
	/* At 420 s the window is the buckets from 150 s: 15 batches at 10 % and
	 * 12 at 20 %, web-1's alone. */
	assert_true(r->value == 39.0 / 270.0);
	assert_true(is_hex16(r->incident));

	r = &f->r[1];
	assert_int_equal(r->kind, LM_EMIT_RESOLVED);
	assert_string_equal(r->key, "host=web-1");
	assert_time(r->resolved_at, T0 + S(990));
	assert_time(r->at_event, T0 + S(990));
	assert_string_equal(r->incident, f->r[0].incident);

	finish(f);
	assert_int_equal(f->n, 2);
	const struct lm_engine_stats *st = lm_engine_stats(f->e);
	assert_int_equal(st->fired[LM_SEV_ERROR], 1);
	assert_int_equal(st->resolved, 1);
	fx_free(f);
}

/* Three requests at night, two of them errors: fewer than `min`.  Twenty
 * requests later, six of them errors: over, and fires after `for`. */
static void test_ratio_min(void **state)
{
	(void)state;
	struct fixture *f = fx_new(ratio_yaml);
	for (int s = 0; s <= 1000; s += 10) {
		lm_time_t t = T0 + S(s);
		if (s == 0) {
			request(f, "night", 200, t);
			request(f, "night", 503, t + S(1));
			request(f, "night", 503, t + S(2));
		}
		if (s == 700) {
			requests(f, "night", 200, 14, t);
			requests(f, "night", 503, 6, t);
		}
		requests(f, "day", 200, 5, t + S(5));
		if (s < 820)
			assert_int_equal(f->n, 0);
	}
	assert_int_equal(f->n, 1);
	const struct rec *r = &f->r[0];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_string_equal(r->key, "host=night");
	assert_time(r->first_seen, T0 + S(700));
	assert_time(r->fired_at, T0 + S(820));
	assert_true(r->value == 6.0 / 20.0);
	fx_free(f);
}

/* Windows are rings of 10 buckets of 30 s aligned on multiples of 30 s: a
 * request counts until the bucket it fell in leaves the window. */
static void test_ratio_window_edges(void **state)
{
	(void)state;
	struct fixture *f = fx_new(ratio_now_yaml);
	requests(f, "a", 200, 17, T0);
	requests(f, "b", 200, 17, T0);
	requests(f, "c", 200, 17, T0 + S(29));
	requests(f, "a", 503, 3, T0 + S(299)); /* the good ones still count: 3/20 */
	assert_int_equal(f->n, 1);
	assert_string_equal(f->r[0].key, "host=a");
	assert_true(f->r[0].value == 3.0 / 20.0);
	assert_time(f->r[0].first_seen, T0 + S(299));
	assert_time(f->r[0].fired_at, T0 + S(299));
	requests(f, "b", 503, 3, T0 + S(300)); /* 5 minutes later: 3 requests */
	/* 271 s old, but their bucket [0 s, 30 s) has left the window. */
	requests(f, "c", 503, 3, T0 + S(300));
	finish(f);
	assert_int_equal(f->n, 1);
	fx_free(f);
}

/* The share can go over without new input, when good requests leave the
 * window and errors stay: handled when the clock passes the bucket edge. */
static void test_ratio_window_drains(void **state)
{
	(void)state;
	struct fixture *f = fx_new(ratio_now_yaml);
	requests(f, "d", 200, 180, T0 + S(400));
	requests(f, "d", 503, 20, T0 + S(600)); /* 20/200: not above 10 % */
	for (int s = 610; s <= 800; s += 10) {
		requests(f, "z", 200, 1, T0 + S(s));
		if (s < 690)
			assert_int_equal(f->n, 0);
	}
	/* At 690 s the bucket [390 s, 420 s) leaves: 20 errors of 20. */
	assert_int_equal(f->n, 1);
	const struct rec *r = &f->r[0];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_string_equal(r->key, "host=d");
	assert_time(r->fired_at, T0 + S(690));
	assert_time(r->first_seen, T0 + S(690));
	assert_time(r->at_event, T0 + S(690));
	assert_true(r->value == 1.0);
	fx_free(f);
}

/* ---- quantile ---- */

static const char quantile_yaml[] =
	"- id: q.slow\n"
	"  title: Slow requests\n"
	"  severity: warning\n"
	"  layer: backend\n"
	"  match: {regex: 'took (?<ms>\\S+)$'}\n"
	"  when: {quantile: {field: ms, q: p95, above: 2s, min: 10}, within: 1m,\n"
	"         resolve_after: 1m, by: [host]}\n"
	"- id: q.bare\n"
	"  title: Slow requests, in milliseconds\n"
	"  severity: warning\n"
	"  layer: backend\n"
	"  match: {regex: 'latency=(?<ms>\\S+)'}\n"
	"  when: {quantile: {field: ms, q: 0.95, above: 2000}, within: 1m, by: [host]}\n";

static void took(struct fixture *f, const char *host, const char *value, lm_time_t t)
{
	char text[64];
	snprintf(text, sizeof(text), "GET /api took %s", value);
	feed(f, t, text, "host", host);
}

static void latency(struct fixture *f, const char *host, const char *value, lm_time_t t)
{
	char text[64];
	snprintf(text, sizeof(text), "GET /api latency=%s", value);
	feed(f, t, text, "host", host);
}

static void test_quantile_loaded(void **state)
{
	(void)state;
	struct fixture *f = fx_new(quantile_yaml);
	const struct lm_when *w = &rule(f, "q.slow")->when;
	assert_int_equal(w->kind, LM_WHEN_QUANTILE);
	assert_string_equal(w->field, "ms");
	assert_true(w->q == 0.95);
	assert_true(w->above.value == 2);
	assert_int_equal(w->above.kind, LM_UNIT_TIME);
	assert_int_equal(w->min, 10);
	assert_time(w->resolve_after, S(60));
	w = &rule(f, "q.bare")->when;
	assert_true(w->q == 0.95);
	assert_true(w->above.value == 2000);
	assert_int_equal(w->above.kind, LM_UNIT_NONE);
	assert_int_equal(w->min, LM_QUANTILE_MIN_DEFAULT);
	assert_time(w->resolve_after, S(300));
	fx_free(f);
}

/*
 * Units: with `above: 2s`, "2500ms" and "3s" read as 2.5 s and 3 s, and a
 * bare number is taken in seconds, the threshold's unit (a bare 1500 is 25
 * minutes).  With a bare `above: 2000`, bare numbers compare as written,
 * and "2.5s" reads as 2.5, in its own unit.  `min`: nine values are not
 * enough, the tenth fires.
 */
static void test_quantile_units_and_min(void **state)
{
	(void)state;
	struct fixture *f = fx_new(quantile_yaml);
	for (int i = 0; i < 20; i++) {
		lm_time_t t = T0 + S(i);
		if (i < 10) {
			took(f, "a", "2500ms", t);
			took(f, "c", "3", t);
			took(f, "d", "1500", t);
			latency(f, "e", "2500", t);
			latency(f, "f", "1500", t);
			latency(f, "g", "2.5s", t);
		}
		took(f, "b", "1.2s", t);
		took(f, "h", i == 19 ? "2.5s" : "1.2s", t); /* one slow in 20: not p95 */
		if (i < 9)
			assert_int_equal(f->n, 0);
		else if (i == 9)
			assert_int_equal(f->n, 4);
	}
	assert_int_equal(f->n, 4);
	static const struct {
		const char *rule, *key;
		double want;
	} fired[] = {
		{ "q.slow", "host=a", 2.5 },
		{ "q.slow", "host=c", 3 },
		{ "q.slow", "host=d", 1500 },
		{ "q.bare", "host=e", 2500 },
	};
	for (unsigned i = 0; i < 4; i++) {
		const struct rec *r = &f->r[i];
		assert_string_equal(r->rule, fired[i].rule);
		assert_string_equal(r->key, fired[i].key);
		assert_int_equal(r->kind, LM_EMIT_FIRING);
		assert_int_equal(r->count, 10);
		assert_time(r->first_seen, T0 + S(9));
		assert_time(r->fired_at, T0 + S(9));
		assert_near(r->value, fired[i].want, 0.02);
	}
	finish(f);
	assert_int_equal(f->n, 4); /* nothing matched after firing */
	fx_free(f);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The value at the rank the sketch uses: "lower", floor(q * (n - 1)). */
static double true_quantile(const double *v, unsigned n, double q)
{
	double *s = malloc(n * sizeof(*s));
	assert_non_null(s);
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	double x = s[(unsigned)(q * (double)(n - 1))];
	free(s);
	return x;
}

/* 50 ms to 5 s in steps of 50 ms in a scrambled order: the value at firing
 * and at the end are within 2 % of the true p95 of what was read.  The top
 * 4 % slow does not fire; the top 6 % does, on the value that makes it so. */
static void test_quantile_value_and_threshold(void **state)
{
	(void)state;
	struct fixture *f = fx_new(quantile_yaml);
	double seen[100];
	unsigned fired_after = 0;
	for (unsigned i = 0; i < 100; i++) {
		lm_time_t t = T0 + i * MS(500);
		unsigned k = (i * 37) % 100 + 1;
		char v[32];
		snprintf(v, sizeof(v), "%ums", k * 50);
		seen[i] = k * 0.05;
		took(f, "acc", v, t);
		if (f->n == 1 && !fired_after)
			fired_after = i + 1;
		took(f, "lo4", i < 96 ? "100ms" : "10s", t);
		took(f, "lo6", i < 94 ? "100ms" : "10s", t);
		if (i < 99)
			assert_true(f->n <= 1);
	}
	assert_int_equal(f->n, 2);
	const struct rec *r = &f->r[0];
	assert_string_equal(r->key, "host=acc");
	assert_true(fired_after >= 10);
	double want = true_quantile(seen, fired_after, 0.95);
	assert_near(r->value, want, 0.02);
	assert_true(r->value > 2);
	assert_int_equal(r->count, fired_after);

	r = &f->r[1];
	assert_string_equal(r->key, "host=lo6");
	assert_time(r->fired_at, T0 + 99 * MS(500)); /* the 100th value */
	assert_near(r->value, 10.0, 0.02);

	finish(f);
	assert_int_equal(f->n, 3);
	r = &f->r[2];
	assert_int_equal(r->kind, LM_EMIT_UPDATE);
	assert_string_equal(r->key, "host=acc");
	assert_int_equal(r->count, 100);
	assert_true(true_quantile(seen, 100, 0.95) == 95 * 0.05);
	assert_near(r->value, 4.75, 0.02);
	fx_free(f);
}

/* Ten slow requests at 0-9 s fire; fast ones follow every second.  The slow
 * ones leave the window with their bucket [0 s, 12 s) at 60 s; resolved a
 * minute (resolve_after) later. */
static void test_quantile_resolves(void **state)
{
	(void)state;
	struct fixture *f = fx_new(quantile_yaml);
	for (int i = 0; i < 10; i++)
		took(f, "r", "3s", T0 + S(i));
	assert_int_equal(f->n, 1);
	assert_int_equal(f->r[0].kind, LM_EMIT_FIRING);
	assert_near(f->r[0].value, 3.0, 0.02);
	for (int i = 10; i <= 130; i++) {
		took(f, "r", "100ms", T0 + S(i));
		if (i < 120)
			assert_int_equal(f->n, 1);
	}
	assert_int_equal(f->n, 2);
	const struct rec *r = &f->r[1];
	assert_int_equal(r->kind, LM_EMIT_RESOLVED);
	assert_string_equal(r->key, "host=r");
	assert_time(r->resolved_at, T0 + S(120));
	assert_time(r->at_event, T0 + S(120));
	assert_string_equal(r->incident, f->r[0].incident);
	finish(f);
	assert_int_equal(f->n, 2);
	fx_free(f);
}

/* ---- absent ---- */

static const char absent_yaml[] =
	"- id: a.hb\n"
	"  title: Heartbeat missing\n"
	"  severity: critical\n"
	"  layer: backend\n"
	"  match: {regex: 'heartbeat from (?<service>\\S+)'}\n"
	"  when: {absent: 1m, by: [service]}\n";

static void heartbeat(struct fixture *f, const char *service, lm_time_t t)
{
	char text[64];
	snprintf(text, sizeof(text), "heartbeat from %s", service);
	feed(f, t, text, NULL, NULL);
}

static void test_absent_loaded(void **state)
{
	(void)state;
	struct fixture *f = fx_new(absent_yaml);
	const struct lm_when *w = &rule(f, "a.hb")->when;
	assert_int_equal(w->kind, LM_WHEN_ABSENT);
	assert_time(w->hold, S(60));
	assert_time(w->resolve_after, 0);
	fx_free(f);
}

/* api beats at 0, 10, 20 s and falls silent; db keeps beating (and moving
 * the clock).  The absence is due at 80 s and handed out with the first
 * event read at or after it; a heartbeat ends it at once; the next silence
 * is a new incident. */
static void test_absent_fires_and_resolves(void **state)
{
	(void)state;
	struct fixture *f = fx_new(absent_yaml);
	for (int s = 0; s <= 20; s += 10) {
		heartbeat(f, "api", T0 + S(s));
		heartbeat(f, "db", T0 + S(s));
	}
	for (int s = 30; s <= 70; s += 10)
		heartbeat(f, "db", T0 + S(s));
	heartbeat(f, "db", T0 + S(79));
	assert_int_equal(f->n, 0);
	heartbeat(f, "db", T0 + S(80));
	assert_int_equal(f->n, 1);
	const struct rec *r = &f->r[0];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_string_equal(r->key, "service=api");
	assert_time(r->fired_at, T0 + S(80));
	assert_time(r->at_event, T0 + S(80));
	assert_time(r->first_seen, T0 + S(20)); /* the last sign of life */
	assert_time(r->last_seen, T0 + S(20));
	assert_true(is_hex16(r->incident));

	heartbeat(f, "db", T0 + S(90));
	assert_int_equal(f->n, 1);
	heartbeat(f, "api", T0 + S(100));
	assert_int_equal(f->n, 2);
	r = &f->r[1];
	assert_int_equal(r->kind, LM_EMIT_RESOLVED);
	assert_string_equal(r->key, "service=api");
	assert_time(r->resolved_at, T0 + S(100));
	assert_string_equal(r->incident, f->r[0].incident);

	for (int s = 100; s <= 200; s += 10) {
		heartbeat(f, "db", T0 + S(s));
		if (s < 160)
			assert_int_equal(f->n, 2);
	}
	assert_int_equal(f->n, 3);
	r = &f->r[2];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_string_equal(r->key, "service=api");
	assert_time(r->fired_at, T0 + S(160));
	assert_time(r->first_seen, T0 + S(100));
	assert_string_not_equal(r->incident, f->r[0].incident);
	finish(f);
	assert_int_equal(f->n, 3);
	assert_int_equal(lm_engine_stats(f->e)->resolved, 1);
	assert_int_equal(lm_engine_stats(f->e)->fired[LM_SEV_CRITICAL], 2);
	fx_free(f);
}

/* The clock jumps a year (a file whose first records took the arrival
 * time): a firing absence with repeat_interval 4h (the default) is handed
 * out again once, not once per 4 hours of the jump (2190 times).  api is
 * silent from 0 s, db from 90 s: each fires and repeats once. */
static void test_repeat_once_across_a_jump(void **state)
{
	(void)state;
	struct fixture *f = fx_new(absent_yaml);
	heartbeat(f, "api", T0);
	heartbeat(f, "db", T0 + S(90));
	assert_int_equal(f->n, 1);
	assert_int_equal(f->r[0].kind, LM_EMIT_FIRING);
	heartbeat(f, "db", T0 + S(365 * 86400));
	assert_int_equal(count_recs(f, "a.hb", LM_EMIT_FIRING), 2);
	assert_int_equal(count_recs(f, "a.hb", LM_EMIT_REPEAT), 2);
	fx_free(f);
}

/* The clock only moves with events: the next one comes at 95 s, and the
 * absence is handled then, at its own time (60 s). */
static void test_absent_deadline_between_events(void **state)
{
	(void)state;
	struct fixture *f = fx_new(absent_yaml);
	heartbeat(f, "api", T0);
	tick(f, T0 + S(30));
	assert_int_equal(f->n, 0);
	tick(f, T0 + S(95));
	assert_int_equal(f->n, 1);
	assert_time(f->r[0].fired_at, T0 + S(60));
	assert_time(f->r[0].first_seen, T0);
	assert_time(f->r[0].at_event, T0 + S(95));
	fx_free(f);
}

/* At the end of input the clock stops: a minute not over fires nothing. */
static void test_absent_end_of_input(void **state)
{
	(void)state;
	struct fixture *f = fx_new(absent_yaml);
	for (int s = 0; s <= 20; s += 10)
		heartbeat(f, "api", T0 + S(s));
	for (int s = 30; s <= 70; s += 10)
		heartbeat(f, "db", T0 + S(s));
	tick(f, T0 + S(79));
	finish(f);
	assert_int_equal(f->n, 0);
	assert_false(lm_engine_stats(f->e)->any_fired);
	fx_free(f);
}

/* Two absences due at the same instant are handed out in the order their
 * deadlines were queued: that of the last heartbeat read first. */
static void test_absent_ties(void **state)
{
	(void)state;
	for (int run = 0; run < 2; run++) {
		struct fixture *f = fx_new(absent_yaml);
		heartbeat(f, run ? "web" : "api", T0 + S(20));
		heartbeat(f, run ? "api" : "web", T0 + S(20));
		tick(f, T0 + S(100));
		assert_int_equal(f->n, 2);
		assert_string_equal(f->r[0].key, run ? "service=web" : "service=api");
		assert_string_equal(f->r[1].key, run ? "service=api" : "service=web");
		assert_time(f->r[0].fired_at, T0 + S(80));
		assert_time(f->r[1].fired_at, T0 + S(80));
		fx_free(f);
	}
}

/* ---- after ---- */

static const char after_yaml[] =
	"- id: k.oom\n"
	"  title: Container killed for memory\n"
	"  severity: error\n"
	"  layer: backend\n"
	"  match: {regex: 'pod (?<pod>\\S+) OOMKilled'}\n"
	"  when: {by: [pod]}\n"
	"- id: k.restart\n"
	"  title: Restarted after being killed for memory\n"
	"  severity: critical\n"
	"  layer: backend\n"
	"  match: {regex: 'pod (?<pod>\\S+) restarted'}\n"
	"  when: {after: k.oom, within: 10m, by: [pod]}\n";

static void pod(struct fixture *f, const char *name, const char *what, lm_time_t t)
{
	char text[64];
	snprintf(text, sizeof(text), "pod %s %s", name, what);
	feed(f, t, text, NULL, NULL);
}

static void test_after(void **state)
{
	(void)state;
	struct fixture *f = fx_new(after_yaml);
	const struct lm_when *w = &rule(f, "k.restart")->when;
	assert_int_equal(w->kind, LM_WHEN_AFTER);
	assert_int_equal(w->after_index, rule(f, "k.oom")->index);

	pod(f, "p1", "restarted", T0);               /* no OOM before it */
	pod(f, "p2", "OOMKilled", T0 + S(60));
	pod(f, "p3", "OOMKilled", T0 + S(120));
	pod(f, "p5", "OOMKilled", T0 + S(130));
	pod(f, "p7", "OOMKilled", T0 + S(200));
	assert_int_equal(count_recs(f, "k.restart", LM_EMIT_FIRING), 0);
	pod(f, "p2", "restarted", T0 + S(360));      /* 5 minutes after */
	assert_int_equal(count_recs(f, "k.restart", LM_EMIT_FIRING), 1);
	pod(f, "p6", "restarted", T0 + S(370));      /* another pod's OOM */
	pod(f, "p3", "restarted", T0 + S(780));      /* 11 minutes after */
	pod(f, "p7", "restarted", T0 + S(800));      /* exactly 10 minutes after */
	pod(f, "p8", "restarted", T0 + S(810));      /* before its OOM */
	pod(f, "p8", "OOMKilled", T0 + S(820));
	finish(f);

	assert_int_equal(count_recs(f, "k.restart", LM_EMIT_FIRING), 2);
	const struct rec *r = for_key(f, "k.restart", "pod=p2", LM_EMIT_FIRING);
	assert_non_null(r);
	assert_time(r->first_seen, T0 + S(360));
	assert_time(r->fired_at, T0 + S(360));
	assert_int_equal(r->count, 1);
	r = for_key(f, "k.restart", "pod=p7", LM_EMIT_FIRING);
	assert_non_null(r);
	assert_time(r->fired_at, T0 + S(800));
	assert_null(for_key(f, "k.restart", "pod=p1", LM_EMIT_FIRING));
	assert_null(for_key(f, "k.restart", "pod=p3", LM_EMIT_FIRING));
	assert_null(for_key(f, "k.restart", "pod=p6", LM_EMIT_FIRING));
	assert_null(for_key(f, "k.restart", "pod=p8", LM_EMIT_FIRING));
	assert_int_equal(count_recs(f, "k.oom", LM_EMIT_FIRING), 5);
	fx_free(f);
}

/* ---- out of order ---- */

static void test_late_events(void **state)
{
	(void)state;
	struct fixture *f = fx_new(count_yaml);
	login_failed(f, "A", T0 + S(110));
	login_failed(f, "A", T0 + S(150));
	tick(f, T0 + S(170));
	login_failed(f, "A", T0 + S(166)); /* 4 s behind: counts, judged at 166 s */
	assert_int_equal(f->n, 1);
	const struct rec *r = &f->r[0];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_int_equal(r->count, 3);
	assert_time(r->first_seen, T0 + S(110));
	assert_time(r->last_seen, T0 + S(166));
	assert_time(r->fired_at, T0 + S(166));
	const struct lm_engine_stats *st = lm_engine_stats(f->e);
	assert_int_equal(st->late, 0);
	login_failed(f, "B", T0 + S(165)); /* exactly 5 s behind: not late */
	assert_int_equal(st->late, 0);
	login_failed(f, "B", T0 + S(164)); /* 6 s behind */
	assert_int_equal(st->late, 1);
	tick(f, T0 + S(3600 + 170));
	login_failed(f, "C", T0 + S(170)); /* an hour behind */
	assert_int_equal(st->late, 2);
	assert_int_equal(st->events, 8);
	fx_free(f);

	/* A ratio's window: a request 4 s behind, in the previous bucket,
	 * still counts there; one an hour behind is older than the ring. */
	f = fx_new(ratio_now_yaml);
	requests(f, "l", 200, 17, T0 + S(25));
	requests(f, "z", 200, 1, T0 + S(31));
	requests(f, "l", 503, 3, T0 + S(27));
	assert_int_equal(f->n, 1);
	assert_true(f->r[0].value == 3.0 / 20.0);
	assert_time(f->r[0].first_seen, T0 + S(27));
	assert_int_equal(lm_engine_stats(f->e)->late, 0);
	requests(f, "m", 200, 18, T0 + S(3600));
	/* The clock jumped an hour: l's share fell back long ago. */
	assert_int_equal(f->n, 2);
	assert_int_equal(f->r[1].kind, LM_EMIT_RESOLVED);
	assert_string_equal(f->r[1].key, "host=l");
	requests(f, "m", 503, 1, T0 + S(0)); /* late, outside the ring: not counted */
	assert_int_equal(lm_engine_stats(f->e)->late, 1);
	requests(f, "m", 503, 1, T0 + S(3600)); /* 1/19 (2/20 if it counted) */
	assert_int_equal(f->n, 2);
	requests(f, "m", 503, 1, T0 + S(3600)); /* 2/20 (3/21 if it counted) */
	assert_int_equal(f->n, 2);
	requests(f, "m", 503, 1, T0 + S(3600)); /* 3/21 */
	assert_int_equal(f->n, 3);
	assert_string_equal(f->r[2].key, "host=m");
	assert_true(f->r[2].value == 3.0 / 21.0);
	fx_free(f);
}

/* ---- determinism ---- */

static const char mixed_yaml[] =
	"- id: c.burst\n"
	"  title: Burst of failed logins\n"
	"  severity: error\n"
	"  layer: backend\n"
	"  match: {regex: 'login failed for (?<client>\\S+)'}\n"
	"  when: {count: 3, within: 1m, by: [client]}\n"
	"- id: r.5xx\n"
	"  title: Share of server errors\n"
	"  severity: error\n"
	"  layer: backend\n"
	"  match: {regex: ' 5\\d\\d '}\n"
	"  when: {ratio: {of: '\" \\d{3} ', above: 10%, min: 20}, within: 5m, for: 1m,\n"
	"         repeat_interval: 5m, by: [host]}\n"
	"- id: q.slow\n"
	"  title: Slow requests\n"
	"  severity: warning\n"
	"  layer: backend\n"
	"  match: {regex: 'took (?<ms>\\S+)$'}\n"
	"  when: {quantile: {field: ms, q: p95, above: 2s}, within: 1m, by: [host]}\n"
	"- id: k.oom\n"
	"  title: Container killed for memory\n"
	"  severity: error\n"
	"  layer: backend\n"
	"  match: {regex: 'pod (?<pod>\\S+) OOMKilled'}\n"
	"  when: {by: [pod]}\n"
	"- id: k.restart\n"
	"  title: Restarted after being killed for memory\n"
	"  severity: critical\n"
	"  layer: backend\n"
	"  match: {regex: 'pod (?<pod>\\S+) restarted'}\n"
	"  when: {after: k.oom, within: 10m, by: [pod]}\n";

/* Two hours of pseudo-random traffic, a few events up to 5 s out of order. */
static void mixed_scenario(struct fixture *f)
{
	static const char *const hosts[] = { "web-1", "web-2", "web-3" };
	static const char *const names[] = { "A", "B", "C", "D" };
	uint64_t s = 12345;
	lm_time_t t = T0;
	for (int i = 0; i < 20000; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		t += MS(s % 700);
		lm_time_t at = (s >> 40) % 50 == 0 ? t - S((s >> 50) % 5) : t;
		const char *host = hosts[(s >> 8) % 3];
		int phase = (int)((t - T0) / S(600)) % 3; /* 10-minute phases */
		char v[32];
		switch ((s >> 16) % 6) {
		case 0:
			login_failed(f, names[(s >> 24) % 4], at);
			break;
		case 1:
			snprintf(v, sizeof(v), "%ums",
				 (unsigned)((s >> 28) % (phase == 1 ? 4000 : 1500)));
			took(f, host, v, at);
			break;
		case 2:
			pod(f, names[(s >> 24) % 4], (s >> 30) % 2 ? "restarted" : "OOMKilled", at);
			break;
		default:
			request(f, host,
				(s >> 32) % 100 < (phase == 2 && host == hosts[0] ? 30 : 5) ? 503 : 200,
				at);
		}
	}
	finish(f);
}

static void test_determinism(void **state)
{
	(void)state;
	struct fixture *a = fx_new(mixed_yaml), *b = fx_new(mixed_yaml);
	mixed_scenario(a);
	mixed_scenario(b);
	assert_true(a->n > 20);
	assert_int_equal(a->n, b->n);
	unsigned kinds[LM_EMIT_RESOLVED + 1] = { 0 };
	for (unsigned i = 0; i < a->n; i++) {
		const struct rec *x = &a->r[i], *y = &b->r[i];
		assert_string_equal(x->rule, y->rule);
		assert_int_equal(x->kind, y->kind);
		assert_string_equal(x->key, y->key);
		assert_string_equal(x->incident, y->incident);
		assert_int_equal(x->count, y->count);
		assert_time(x->first_seen, y->first_seen);
		assert_time(x->last_seen, y->last_seen);
		assert_time(x->fired_at, y->fired_at);
		assert_time(x->resolved_at, y->resolved_at);
		assert_time(x->at_event, y->at_event);
		assert_memory_equal(&x->value, &y->value, sizeof(double));
		assert_true(is_hex16(x->incident));
		if (x->kind <= LM_EMIT_RESOLVED)
			kinds[x->kind]++;
		if (x->kind == LM_EMIT_RESOLVED)
			assert_true(x->resolved_at > x->fired_at);
	}
	assert_true(kinds[LM_EMIT_FIRING] > 0);
	assert_true(kinds[LM_EMIT_RESOLVED] > 0);
	assert_true(kinds[LM_EMIT_REPEAT] > 0);
	const struct lm_engine_stats *sa = lm_engine_stats(a->e), *sb = lm_engine_stats(b->e);
	assert_int_equal(sa->resolved, sb->resolved);
	assert_int_equal(sa->late, sb->late);
	assert_int_equal(sa->events, 20000);
	fx_free(a);
	fx_free(b);
}

/* An absence that fires twice: the second incident starts from the sign of
 * life that ended the first, not from the first run's matches. */
static void test_absent_second_incident_fresh(void **state)
{
	(void)state;
	struct fixture *f = fx_new(absent_yaml);
	heartbeat(f, "api", T0);
	tick(f, T0 + S(61));                 /* first absence */
	heartbeat(f, "api", T0 + S(120));    /* ends it */
	tick(f, T0 + S(181));                /* second absence */
	finish(f);
	assert_int_equal(count_recs(f, "a.hb", LM_EMIT_FIRING), 2);
	const struct rec *second = nth(f, "a.hb", LM_EMIT_FIRING, 1);
	assert_time(second->first_seen, T0 + S(120));
	assert_int_equal(second->count, 1);
	const struct rec *resolved = nth(f, "a.hb", LM_EMIT_RESOLVED, 0);
	assert_time(resolved->resolved_at, T0 + S(120));
	assert_string_equal(resolved->incident, nth(f, "a.hb", LM_EMIT_FIRING, 0)->incident);
	fx_free(f);
}

static const char chain_yaml[] =
	"- id: c.dns\n"
	"  title: dns\n"
	"  severity: error\n"
	"  layer: network\n"
	"  match: {regex: 'dns down'}\n"
	"  explains: [c.db]\n"
	"- id: c.db\n"
	"  title: db\n"
	"  severity: critical\n"
	"  layer: database\n"
	"  match: {regex: 'db down'}\n"
	"  explains: [c.web]\n"
	"- id: c.web\n"
	"  title: web\n"
	"  severity: critical\n"
	"  layer: backend\n"
	"  match: {regex: 'web down'}\n";

/* web fires, then db (which takes web in), then dns (which takes db in):
 * web follows db to the root, dns, instead of keeping db's old incident. */
static void test_explains_chain(void **state)
{
	(void)state;
	struct fixture *f = fx_new(chain_yaml);
	feed(f, T0, "web down", NULL, NULL);
	feed(f, T0 + S(10), "db down", NULL, NULL);
	feed(f, T0 + S(20), "dns down", NULL, NULL);
	const struct rec *dns = nth(f, "c.dns", LM_EMIT_FIRING, 0);
	assert_non_null(dns);
	unsigned web_explained = count_recs(f, "c.web", LM_EMIT_EXPLAINED);
	assert_int_equal(web_explained, 2); /* by db, then with db by dns */
	assert_string_equal(nth(f, "c.web", LM_EMIT_EXPLAINED, 1)->incident, dns->incident);
	assert_string_equal(nth(f, "c.db", LM_EMIT_EXPLAINED, 0)->incident, dns->incident);
	fx_free(f);
}

/* A cycle of explains is refused when the rules are linked. */
static void test_explains_cycle_refused(void **state)
{
	(void)state;
	static const char yaml[] =
		"- id: y.a\n  title: a\n  severity: info\n  layer: backend\n"
		"  match: {regex: a}\n  explains: [y.b]\n"
		"- id: y.b\n  title: b\n  severity: info\n  layer: backend\n"
		"  match: {regex: b}\n  explains: [y.a]\n";
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	assert_int_equal(lm_rules_load_string(&rs, "cycle.yml", yaml, strlen(yaml)), 0);
	assert_true(lm_rules_link(&rs) > 0);
	lm_ruleset_fini(&rs);
}

/* A run after a resolution never counts matches of the run before it. */
static void test_count_new_run_forgets_old_matches(void **state)
{
	(void)state;
	static const char yaml[] =
		"- id: t.three\n  title: three\n  severity: error\n  layer: backend\n"
		"  match: {regex: 'fail (?<client>\\S+)'}\n"
		"  when: {count: 3, within: 10m, resolve_after: 1m, by: [client]}\n";
	struct fixture *f = fx_new(yaml);
	for (int i = 0; i < 3; i++)
		feed(f, T0 + S(i), "fail A", NULL, NULL);
	assert_int_equal(count_recs(f, "t.three", LM_EMIT_FIRING), 1);
	tick(f, T0 + S(10 * 60 + 70)); /* window over, then resolve_after */
	assert_int_equal(count_recs(f, "t.three", LM_EMIT_RESOLVED), 1);
	feed(f, T0 + S(10 * 60 + 80), "fail A", NULL, NULL);
	finish(f);
	assert_int_equal(count_recs(f, "t.three", LM_EMIT_FIRING), 1);
	fx_free(f);
}

/* repeat_interval below a second is refused: it could write without end. */
static void test_repeat_interval_floor(void **state)
{
	(void)state;
	static const char yaml[] =
		"- id: t.r\n  title: r\n  severity: error\n  layer: backend\n"
		"  match: {regex: x}\n  when: {repeat_interval: 1ms}\n";
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	assert_true(lm_rules_load_string(&rs, "rep.yml", yaml, strlen(yaml)) > 0);
	lm_ruleset_fini(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_second_incident_fresh),
		cmocka_unit_test(test_explains_chain),
		cmocka_unit_test(test_explains_cycle_refused),
		cmocka_unit_test(test_count_new_run_forgets_old_matches),
		cmocka_unit_test(test_repeat_interval_floor),
		cmocka_unit_test(test_timers_order),
		cmocka_unit_test(test_timers_move),
		cmocka_unit_test(test_timers_remove),
		cmocka_unit_test(test_timers_ties),
		cmocka_unit_test(test_timers_random),
		cmocka_unit_test(test_count_defaults),
		cmocka_unit_test(test_count_resolution_and_new_incident),
		cmocka_unit_test(test_count_resolve_after_explicit),
		cmocka_unit_test(test_count_repeat_interval),
		cmocka_unit_test(test_ratio_loaded),
		cmocka_unit_test(test_ratio_for_spike_and_keys),
		cmocka_unit_test(test_ratio_min),
		cmocka_unit_test(test_ratio_window_edges),
		cmocka_unit_test(test_ratio_window_drains),
		cmocka_unit_test(test_quantile_loaded),
		cmocka_unit_test(test_quantile_units_and_min),
		cmocka_unit_test(test_quantile_value_and_threshold),
		cmocka_unit_test(test_quantile_resolves),
		cmocka_unit_test(test_absent_loaded),
		cmocka_unit_test(test_absent_fires_and_resolves),
		cmocka_unit_test(test_absent_deadline_between_events),
		cmocka_unit_test(test_repeat_once_across_a_jump),
		cmocka_unit_test(test_absent_end_of_input),
		cmocka_unit_test(test_absent_ties),
		cmocka_unit_test(test_after),
		cmocka_unit_test(test_late_events),
		cmocka_unit_test(test_determinism),
	};
	return cmocka_run_group_tests_name("triggers", tests, NULL, NULL);
}
