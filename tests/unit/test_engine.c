/*
 * test_engine: the engine end to end in memory.  A two-rule set is loaded
 * from a string (a count rule, 3 matches within 1m by client, and an
 * every-match rule), compiled, and driven with hand-built events; a fake
 * output records every diagnosis handed to it (rule, kind, count, first and
 * last seen, key, incident, evidence and the rendered remediation).  Checked:
 * the count rule fires exactly once on the 3rd match inside the window and
 * never when matches are 61 s apart, keys are kept apart, first_seen is the
 * first match of the run that fired, later matches only raise the count and
 * lm_engine_finish hands out one update (none when nothing changed), the
 * every-match rule fires on its first match, captures are shell-quoted in
 * commands, evidence is bounded in lines and length, keys per rule are
 * bounded with least-recently-used eviction (a firing diagnosis with unsent
 * matches is handed out as an update before it goes), the counters, and
 * incident ids (16 hex digits, the same on a second run of the same input).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/diagnosis.h"
#include "analyzers/engine.h"
#include "core/buf.h"
#include "core/event.h"
#include "outputs/output.h"
#include "rules/loader.h"
#include "rules/matcher.h"
#include "rules/rule.h"

#define S(x) ((lm_time_t)(x) * LM_NS_PER_SEC)
#define T0 S(INT64_C(1741687200)) /* 2025-03-11T10:00:00Z */

static const char rules_yaml[] =
	"- id: t.burst\n"
	"  title: Burst of failed logins\n"
	"  severity: error\n"
	"  layer: backend\n"
	"  match: {regex: 'login failed for (?<client>\\S+)'}\n"
	"  when: {count: 3, within: 1m, by: [client]}\n"
	"  remediation:\n"
	"    - title: Block the client\n"
	"      run: block {client} --host {host} --zone {zone}\n"
	"- id: t.every\n"
	"  title: Connection reset\n"
	"  severity: warning\n"
	"  layer: network\n"
	"  match: {regex: 'reset by (?<peer>\\S+)'}\n"
	"  remediation:\n"
	"    - title: Trace the peer\n"
	"      run: trace {peer}\n";

#define MAX_EVIDENCE LM_EVIDENCE_DEFAULT

/* What the fake output saw of one diagnosis handed to it. */
struct rec {
	char rule[32];
	enum lm_emit kind;
	enum lm_severity severity;
	uint64_t count;
	lm_time_t first_seen, last_seen;
	char key[128];
	char cmd[256];
	char incident[17];
	unsigned n_ev;
	struct {
		char text[LM_EVIDENCE_TEXT_MAX + 1];
		size_t len;
		bool cut;
		uint64_t line_no;
		lm_time_t time;
		char source[32];
	} ev[MAX_EVIDENCE];
};

#define MAX_RECS 16

struct recorder {
	struct rec r[MAX_RECS];
	unsigned n;
};

static void record(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct recorder *rc = state;
	assert_true(rc->n < MAX_RECS);
	struct rec *x = &rc->r[rc->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->rule, sizeof(x->rule), "%s", d->rule->id);
	x->kind = kind;
	x->severity = d->rule->severity;
	x->count = d->count;
	x->first_seen = d->first_seen;
	x->last_seen = d->last_seen;
	memcpy(x->incident, d->incident, sizeof(x->incident));
	struct lm_buf b;
	lm_buf_init(&b);
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i);
		struct lm_str v = lm_fields_val(&d->key_fields, i);
		lm_buf_printf(&b, "%s%.*s=%.*s", i ? "," : "", (int)k.n, k.p, (int)v.n, v.p);
	}
	snprintf(x->key, sizeof(x->key), "%s", b.len ? b.data : "");
	lm_buf_reset(&b);
	if (d->rule->n_remediation && d->rule->remediation[0].run) {
		lm_diagnosis_render(d, d->rule->remediation[0].run, &b);
		snprintf(x->cmd, sizeof(x->cmd), "%s", b.len ? b.data : "");
	}
	lm_buf_fini(&b);
	const struct lm_evidence *ev[MAX_EVIDENCE + 2];
	x->n_ev = lm_diagnosis_evidence(d, ev, MAX_EVIDENCE + 2);
	assert_true(x->n_ev <= MAX_EVIDENCE);
	for (unsigned i = 0; i < x->n_ev; i++) {
		assert_true(ev[i]->text.len <= LM_EVIDENCE_TEXT_MAX);
		memcpy(x->ev[i].text, ev[i]->text.data, ev[i]->text.len);
		x->ev[i].text[ev[i]->text.len] = '\0';
		x->ev[i].len = ev[i]->text.len;
		x->ev[i].cut = ev[i]->cut;
		x->ev[i].line_no = ev[i]->line_no;
		x->ev[i].time = ev[i]->time;
		snprintf(x->ev[i].source, sizeof(x->ev[i].source), "%s", ev[i]->source);
	}
}

static const struct lm_output_ops fake_ops = {
	.name = "fake",
	.init = NULL,
	.diagnosis = record,
	.fini = NULL,
};

struct fixture {
	struct lm_ruleset rs;
	struct lm_matcher *m;
	struct recorder rec;
	struct lm_output out;
	struct lm_engine *e;
	struct lm_fields fields;
	uint64_t line_no;
};

/* keys_per_rule and evidence: 0 for the defaults. */
static struct fixture *fx_new_bounded(unsigned keys_per_rule, unsigned evidence)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	lm_ruleset_init(&f->rs);
	assert_int_equal(lm_rules_load_string(&f->rs, "engine.yml", rules_yaml, strlen(rules_yaml)),
			 0);
	assert_int_equal(f->rs.n, 2);
	f->m = lm_matcher_new(&f->rs);
	assert_non_null(f->m);
	f->out.ops = &fake_ops;
	f->out.state = &f->rec;
	f->e = lm_engine_new(&f->rs, f->m, &f->out, 1, NULL, keys_per_rule, evidence);
	assert_non_null(f->e);
	lm_fields_init(&f->fields);
	return f;
}

static struct fixture *fx_new(unsigned keys_per_rule)
{
	return fx_new_bounded(keys_per_rule, 0);
}

static void fx_free(struct fixture *f)
{
	lm_engine_free(f->e);
	lm_matcher_free(f->m);
	lm_ruleset_fini(&f->rs);
	lm_fields_fini(&f->fields);
	free(f);
}

/* One event: line is what evidence shows, text what rules match. */
static void feed_full(struct fixture *f, const char *line, size_t line_len, const char *text,
		      lm_time_t t, const char *host, bool truncated)
{
	lm_fields_reset(&f->fields);
	lm_fields_set(&f->fields, "host", 4, host, strlen(host));
	struct lm_event ev = {
		.time = t,
		.has_time = true,
		.line = line,
		.line_len = line_len,
		.text = text,
		.text_len = strlen(text),
		.fields = &f->fields,
		.source_name = "app.log",
		.source_index = 0,
		.line_no = ++f->line_no,
		.truncated = truncated,
	};
	lm_engine_event(f->e, &ev);
}

static void feed(struct fixture *f, const char *text, lm_time_t t)
{
	feed_full(f, text, strlen(text), text, t, "web-1", false);
}

static void login_failed(struct fixture *f, const char *client, lm_time_t t)
{
	char text[128];
	snprintf(text, sizeof(text), "login failed for %s", client);
	feed(f, text, t);
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

/* --- count rule --- */

static void test_count_fires_on_third_match(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	login_failed(f, "A", T0);                          /* line 1 */
	feed(f, "login succeeded for A", T0 + S(5));       /* line 2 */
	login_failed(f, "A", T0 + S(20));                  /* line 3 */
	assert_int_equal(f->rec.n, 0);
	feed(f, "nothing to see", T0 + S(30));             /* line 4 */
	login_failed(f, "A", T0 + S(40));                  /* line 5 */
	assert_int_equal(f->rec.n, 1);

	const struct rec *r = &f->rec.r[0];
	assert_string_equal(r->rule, "t.burst");
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_int_equal(r->severity, LM_SEV_ERROR);
	assert_int_equal(r->count, 3);
	assert_true(r->first_seen == T0);
	assert_true(r->last_seen == T0 + S(40));
	assert_string_equal(r->key, "client=A");
	assert_string_equal(r->cmd, "block A --host web-1 --zone <zone>");
	assert_true(is_hex16(r->incident));
	assert_int_equal(r->n_ev, 3);
	assert_int_equal(r->ev[0].line_no, 1);
	assert_int_equal(r->ev[1].line_no, 3);
	assert_int_equal(r->ev[2].line_no, 5);
	assert_true(r->ev[2].time == T0 + S(40));
	assert_string_equal(r->ev[0].text, "login failed for A");
	assert_string_equal(r->ev[0].source, "app.log");
	assert_false(r->ev[0].cut);

	/* After firing, matches only raise the count: nothing is handed out. */
	login_failed(f, "A", T0 + S(50));                  /* line 6 */
	assert_int_equal(f->rec.n, 1);
	/* The last three matches (20, 40, 50 s) hold the window until 80 s; five
	 * minutes (resolve_after's default) later, the diagnosis resolves, and
	 * the match at 500 s starts a new run, pending. */
	login_failed(f, "A", T0 + S(500));                 /* line 7 */
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(f->rec.r[1].kind, LM_EMIT_RESOLVED);
	assert_int_equal(f->rec.r[1].count, 4);
	assert_string_equal(f->rec.r[1].incident, f->rec.r[0].incident);

	const struct lm_engine_stats *st = lm_engine_stats(f->e);
	assert_int_equal(st->events, 7);
	assert_int_equal(st->matched_events, 5);
	assert_int_equal(st->rule_matches[0], 5);
	assert_int_equal(st->rule_matches[1], 0);
	assert_int_equal(st->fired[LM_SEV_ERROR], 1);
	assert_int_equal(st->fired[LM_SEV_WARNING], 0);
	assert_true(st->any_fired);
	assert_int_equal(st->worst, LM_SEV_ERROR);

	/* A pending run is not handed out at the end. */
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 2);

	/* A second finish has nothing new to hand out. */
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(lm_engine_stats(f->e)->evicted, 0);

	const struct lm_diagnosis *d = lm_engine_first_fired(f->e);
	assert_non_null(d);
	assert_string_equal(d->rule->id, "t.burst");
	assert_null(d->fired.next);
	fx_free(f);
}

static void test_count_61s_apart_never_fires(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	for (int i = 0; i < 5; i++)
		login_failed(f, "A", T0 + S(61 * i));
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 0);
	const struct lm_engine_stats *st = lm_engine_stats(f->e);
	assert_int_equal(st->rule_matches[0], 5);
	assert_int_equal(st->matched_events, 5);
	assert_false(st->any_fired);
	assert_int_equal(st->fired[LM_SEV_ERROR], 0);
	assert_null(lm_engine_first_fired(f->e));

	/* Two more close to the last one make a window of three. */
	login_failed(f, "A", T0 + S(250));                 /* line 6 */
	login_failed(f, "A", T0 + S(260));                 /* line 7 */
	assert_int_equal(f->rec.n, 1);
	const struct rec *r = &f->rec.r[0];
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_int_equal(r->count, 3);
	assert_true(r->first_seen == T0 + S(244));
	/* The matches that fell out of the window are not evidence. */
	assert_int_equal(r->n_ev, 3);
	assert_int_equal(r->ev[0].line_no, 5);
	assert_true(r->ev[0].time == T0 + S(244));
	assert_int_equal(r->ev[1].line_no, 6);
	assert_int_equal(r->ev[2].line_no, 7);
	fx_free(f);
}

/* `within: 1m` includes a match exactly 60 s after the oldest. */
static void test_count_window_edge(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	login_failed(f, "A", T0);
	login_failed(f, "A", T0 + S(30));
	login_failed(f, "A", T0 + S(60) + 1); /* one nanosecond too late */
	assert_int_equal(f->rec.n, 0);
	login_failed(f, "B", T0);
	login_failed(f, "B", T0 + S(30));
	login_failed(f, "B", T0 + S(60));
	assert_int_equal(f->rec.n, 1);
	assert_string_equal(f->rec.r[0].key, "client=B");
	assert_true(f->rec.r[0].first_seen == T0);
	fx_free(f);
}

static void test_count_per_key(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	login_failed(f, "A", T0);
	login_failed(f, "B", T0 + S(10));
	login_failed(f, "A", T0 + S(20));
	login_failed(f, "B", T0 + S(30));
	assert_int_equal(f->rec.n, 0);
	login_failed(f, "A", T0 + S(40));
	assert_int_equal(f->rec.n, 1);
	assert_string_equal(f->rec.r[0].key, "client=A");
	assert_int_equal(f->rec.r[0].count, 3);
	assert_true(f->rec.r[0].first_seen == T0);
	assert_int_equal(f->rec.r[0].n_ev, 3);
	assert_int_equal(f->rec.r[0].ev[1].line_no, 3); /* only A's lines */
	login_failed(f, "B", T0 + S(50));
	assert_int_equal(f->rec.n, 2);
	assert_string_equal(f->rec.r[1].key, "client=B");
	assert_int_equal(f->rec.r[1].count, 3);
	assert_true(f->rec.r[1].first_seen == T0 + S(10));
	assert_string_equal(f->rec.r[1].cmd, "block B --host web-1 --zone <zone>");
	assert_string_not_equal(f->rec.r[0].incident, f->rec.r[1].incident);
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(lm_engine_stats(f->e)->fired[LM_SEV_ERROR], 2);
	/* Fired list in firing order. */
	const struct lm_diagnosis *d = lm_engine_first_fired(f->e);
	assert_non_null(d);
	assert_string_equal(d->key, "client=A");
	assert_non_null(d->fired.next);
	assert_string_equal(d->fired.next->key, "client=B");
	fx_free(f);
}

/* Matches spread so the window slides: the diagnosis describes the whole run
 * of matches no more than 60 s apart, from its first match. */
static void test_first_seen_starts_the_run(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	login_failed(f, "A", T0);
	login_failed(f, "A", T0 + S(50));
	login_failed(f, "A", T0 + S(100));
	login_failed(f, "A", T0 + S(120));
	assert_int_equal(f->rec.n, 0);
	login_failed(f, "A", T0 + S(130));
	assert_int_equal(f->rec.n, 1);
	const struct rec *r = &f->rec.r[0];
	assert_int_equal(r->count, 5);
	assert_true(r->first_seen == T0);
	assert_true(r->last_seen == T0 + S(130));
	/* Evidence: the first lines of the run of matches (never more than
	 * 60 s apart) that led to firing, then the latest. */
	assert_int_equal(r->n_ev, 5);
	assert_true(r->ev[0].time == T0);
	assert_true(r->ev[2].time == T0 + S(100));
	assert_true(r->ev[4].time == T0 + S(130));
	fx_free(f);
}

static void test_finish_without_change(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	login_failed(f, "A", T0);
	login_failed(f, "A", T0 + S(1));
	login_failed(f, "A", T0 + S(2));
	assert_int_equal(f->rec.n, 1);
	/* A pending key never gets handed out at the end. */
	login_failed(f, "B", T0 + S(3));
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.r[0].kind, LM_EMIT_FIRING);
	fx_free(f);
}

/* --- every-match rule --- */

static void test_every_match(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	feed(f, "connection reset by 10.0.0.9:5432", T0 + S(7));
	assert_int_equal(f->rec.n, 1);
	const struct rec *r = &f->rec.r[0];
	assert_string_equal(r->rule, "t.every");
	assert_int_equal(r->kind, LM_EMIT_FIRING);
	assert_int_equal(r->severity, LM_SEV_WARNING);
	assert_int_equal(r->count, 1);
	assert_true(r->first_seen == T0 + S(7));
	assert_true(r->last_seen == T0 + S(7));
	assert_string_equal(r->key, ""); /* no `by`: one key for the rule */
	assert_string_equal(r->cmd, "trace 10.0.0.9:5432");
	assert_int_equal(r->n_ev, 1);
	assert_string_equal(r->ev[0].text, "connection reset by 10.0.0.9:5432");

	/* Another peer is the same diagnosis (no `by`): count 2, latest fields. */
	feed(f, "connection reset by 10.0.0.7:5432", T0 + S(9));
	assert_int_equal(f->rec.n, 1);
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 2);
	r = &f->rec.r[1];
	assert_int_equal(r->kind, LM_EMIT_UPDATE);
	assert_int_equal(r->count, 2);
	assert_true(r->first_seen == T0 + S(7));
	assert_true(r->last_seen == T0 + S(9));
	assert_string_equal(r->cmd, "trace 10.0.0.7:5432");
	const struct lm_engine_stats *st = lm_engine_stats(f->e);
	assert_int_equal(st->fired[LM_SEV_WARNING], 1);
	assert_int_equal(st->worst, LM_SEV_WARNING);
	fx_free(f);
}

/* One line hitting both rules is one matched event and two rule matches. */
static void test_line_hitting_two_rules(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	feed(f, "connection reset by peer , login failed for A", T0);
	const struct lm_engine_stats *st = lm_engine_stats(f->e);
	assert_int_equal(st->events, 1);
	assert_int_equal(st->matched_events, 1);
	assert_int_equal(st->rule_matches[0], 1);
	assert_int_equal(st->rule_matches[1], 1);
	assert_int_equal(f->rec.n, 1);
	assert_string_equal(f->rec.r[0].rule, "t.every");
	assert_string_equal(f->rec.r[0].cmd, "trace peer");
	login_failed(f, "A", T0 + S(1));
	login_failed(f, "A", T0 + S(2));
	assert_int_equal(f->rec.n, 2);
	assert_string_equal(f->rec.r[1].rule, "t.burst");
	assert_int_equal(st->worst, LM_SEV_ERROR);
	fx_free(f);
}

/* --- captures in commands --- */

static void test_captures_shell_quoted(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	static const char line[] = "login failed for x$(reboot)";
	for (int i = 0; i < 3; i++)
		feed_full(f, line, strlen(line), line, T0 + S(i), "web 1;rm -rf /", false);
	assert_int_equal(f->rec.n, 1);
	const struct rec *r = &f->rec.r[0];
	assert_string_equal(r->key, "client=x$(reboot)");
	assert_string_equal(r->cmd, "block 'x$(reboot)' --host 'web 1;rm -rf /' --zone <zone>");
	fx_free(f);
}

/* A capture wins over an event field of the same name. */
static void test_capture_over_field(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	for (int i = 0; i < 3; i++) {
		lm_fields_reset(&f->fields);
		lm_fields_set(&f->fields, "client", 6, "from-field", 10);
		lm_fields_set(&f->fields, "zone", 4, "eu west", 7);
		static const char text[] = "login failed for from-capture";
		struct lm_event ev = {
			.time = T0 + S(i), .has_time = true,
			.line = text, .line_len = strlen(text),
			.text = text, .text_len = strlen(text),
			.fields = &f->fields, .source_name = "b.log", .line_no = (uint64_t)i + 1,
		};
		lm_engine_event(f->e, &ev);
	}
	assert_int_equal(f->rec.n, 1);
	assert_string_equal(f->rec.r[0].key, "client=from-capture");
	assert_string_equal(f->rec.r[0].cmd, "block from-capture --host <host> --zone 'eu west'");
	assert_string_equal(f->rec.r[0].ev[0].source, "b.log");
	fx_free(f);
}

/* --- evidence --- */

static void test_evidence_bounded(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	enum { LONG = 2000 };
	char *line = malloc(LONG);
	assert_non_null(line);
	for (int i = 1; i <= 10; i++) {
		char text[64];
		snprintf(text, sizeof(text), "login failed for A attempt %02d", i);
		if (i <= 8) {
			/* The line people see: longer than evidence keeps. */
			memset(line, 'z', LONG);
			int n = snprintf(line, LONG, "RAW %02d %s ", i, text);
			line[n] = 'z';
			feed_full(f, line, LONG, text, T0 + S(i), "web-1", false);
		} else {
			char shortline[64];
			snprintf(shortline, sizeof(shortline), "RAW %02d", i);
			/* Line 9 was cut by the reader (--max-line): still marked cut. */
			feed_full(f, shortline, strlen(shortline), text, T0 + S(i), "web-1", i == 9);
		}
	}
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.r[0].n_ev, 3);
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 2);
	const struct rec *r = &f->rec.r[1];
	assert_int_equal(r->kind, LM_EMIT_UPDATE);
	assert_int_equal(r->count, 10);
	assert_int_equal(r->n_ev, LM_EVIDENCE_DEFAULT);
	assert_int_equal(lm_engine_stats(f->e)->evidence_dropped, 4);
	static const uint64_t want_lines[] = { 1, 2, 3, 8, 9, 10 };
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(r->ev[i].line_no, want_lines[i]);
		assert_true(r->ev[i].time == T0 + S(want_lines[i]));
		assert_string_equal(r->ev[i].source, "app.log");
	}
	for (unsigned i = 0; i < 4; i++) {
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "RAW %02u login failed for A attempt %02u zzz",
			 (unsigned)want_lines[i], (unsigned)want_lines[i]);
		assert_int_equal(r->ev[i].len, LM_EVIDENCE_TEXT_MAX);
		assert_true(r->ev[i].cut);
		assert_int_equal(strncmp(r->ev[i].text, prefix, strlen(prefix)), 0);
		assert_int_equal(strspn(r->ev[i].text + strlen(prefix), "z"),
				 LM_EVIDENCE_TEXT_MAX - strlen(prefix));
	}
	assert_string_equal(r->ev[4].text, "RAW 09");
	assert_true(r->ev[4].cut);
	assert_string_equal(r->ev[5].text, "RAW 10");
	assert_false(r->ev[5].cut);
	free(line);
	fx_free(f);
}

/* A line exactly LM_EVIDENCE_TEXT_MAX long is kept whole and not cut. */
static void test_evidence_exact_max(void **state)
{
	(void)state;
	struct fixture *f = fx_new(0);
	char *line = malloc(LM_EVIDENCE_TEXT_MAX);
	assert_non_null(line);
	memset(line, 'q', LM_EVIDENCE_TEXT_MAX);
	feed_full(f, line, LM_EVIDENCE_TEXT_MAX, "reset by x", T0, "h", false);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.r[0].ev[0].len, LM_EVIDENCE_TEXT_MAX);
	assert_false(f->rec.r[0].ev[0].cut);
	feed_full(f, line, LM_EVIDENCE_TEXT_MAX - 1, "reset by x", T0, "h", false);
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(f->rec.r[1].ev[1].len, LM_EVIDENCE_TEXT_MAX - 1);
	assert_false(f->rec.r[1].ev[1].cut);
	free(line);
	fx_free(f);
}

/* --max-evidence N: the first (N + 1) / 2 lines of the run and the latest
 * N / 2; each match left out is counted. */
static void test_evidence_configured(void **state)
{
	(void)state;
	static const struct {
		unsigned max, n;
		uint64_t lines[3];
	} cases[] = { { 3, 3, { 1, 2, 10 } }, { 1, 1, { 1 } }, { 2, 2, { 1, 10 } } };
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct fixture *f = fx_new_bounded(0, cases[c].max);
		for (int i = 1; i <= 10; i++)
			login_failed(f, "A", T0 + S(i));
		lm_engine_finish(f->e);
		const struct rec *r = &f->rec.r[f->rec.n - 1];
		assert_int_equal(r->n_ev, cases[c].n);
		for (unsigned i = 0; i < cases[c].n; i++)
			assert_int_equal(r->ev[i].line_no, cases[c].lines[i]);
		assert_int_equal(lm_engine_stats(f->e)->evidence_dropped, 10 - cases[c].max);
		fx_free(f);
	}
}

/* --- keys per rule --- */

static void test_keys_per_rule_lru(void **state)
{
	(void)state;
	struct fixture *f = fx_new(2);
	login_failed(f, "A", T0);          /* [A]          */
	login_failed(f, "B", T0 + S(1));   /* [B A]        */
	login_failed(f, "A", T0 + S(2));   /* [A B]: A used */
	login_failed(f, "C", T0 + S(3));   /* B evicted: [C A] */
	assert_int_equal(f->rec.n, 0);     /* pending keys are not handed out */
	login_failed(f, "A", T0 + S(4));   /* A kept its two matches: fires */
	assert_int_equal(f->rec.n, 1);
	assert_string_equal(f->rec.r[0].key, "client=A");
	assert_true(f->rec.r[0].first_seen == T0);
	login_failed(f, "B", T0 + S(5));   /* B is new again; C evicted: [B A] */
	login_failed(f, "B", T0 + S(6));
	assert_int_equal(f->rec.n, 1);     /* B's match at 1 s was forgotten */
	login_failed(f, "B", T0 + S(7));
	assert_int_equal(f->rec.n, 2);
	assert_string_equal(f->rec.r[1].key, "client=B");
	assert_true(f->rec.r[1].first_seen == T0 + S(5));
	assert_int_equal(lm_engine_stats(f->e)->evicted, 2); /* counted as it happens */
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(lm_engine_stats(f->e)->evicted, 2);
	assert_int_equal(lm_engine_stats(f->e)->rule_matches[0], 8);
	fx_free(f);
}

static void test_evicted_firing_sends_update(void **state)
{
	(void)state;
	struct fixture *f = fx_new(2);
	login_failed(f, "A", T0);
	login_failed(f, "A", T0 + S(1));
	login_failed(f, "A", T0 + S(2));   /* fires with 3 */
	login_failed(f, "A", T0 + S(3));   /* count 4, not handed out yet */
	login_failed(f, "B", T0 + S(4));   /* [B A] */
	assert_int_equal(f->rec.n, 1);
	login_failed(f, "C", T0 + S(5));   /* A evicted: its update goes first */
	assert_int_equal(f->rec.n, 2);
	const struct rec *r = &f->rec.r[1];
	assert_int_equal(r->kind, LM_EMIT_UPDATE);
	assert_string_equal(r->key, "client=A");
	assert_int_equal(r->count, 4);
	assert_true(r->last_seen == T0 + S(3));
	assert_string_equal(r->incident, f->rec.r[0].incident);
	assert_int_equal(r->n_ev, 4);
	/* The evicted diagnosis left the fired list; finish has nothing to send. */
	assert_null(lm_engine_first_fired(f->e));
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(lm_engine_stats(f->e)->evicted, 1);
	/* Fired counters keep what was fired. */
	assert_int_equal(lm_engine_stats(f->e)->fired[LM_SEV_ERROR], 1);
	fx_free(f);

	/* Evicted with nothing new since firing: no update. */
	f = fx_new(2);
	login_failed(f, "A", T0);
	login_failed(f, "A", T0 + S(1));
	login_failed(f, "A", T0 + S(2));
	login_failed(f, "B", T0 + S(3));
	login_failed(f, "C", T0 + S(4));
	assert_int_equal(f->rec.n, 1);
	lm_engine_finish(f->e);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(lm_engine_stats(f->e)->evicted, 1);
	fx_free(f);
}

/* --- incident ids --- */

static void run_scenario(struct fixture *f)
{
	for (int i = 0; i < 4; i++) {
		login_failed(f, "A", T0 + S(10 * i));
		login_failed(f, "B", T0 + S(10 * i + 5));
	}
	feed(f, "connection reset by 10.1.1.1", T0 + S(3));
	lm_engine_finish(f->e);
}

static void test_incident_ids(void **state)
{
	(void)state;
	struct fixture *f1 = fx_new(0), *f2 = fx_new(0);
	run_scenario(f1);
	run_scenario(f2);
	/* FIRING A, FIRING B, FIRING every, then the updates of A and B. */
	assert_int_equal(f1->rec.n, 5);
	assert_int_equal(f2->rec.n, 5);
	assert_string_equal(f1->rec.r[0].key, "client=A");
	assert_string_equal(f1->rec.r[1].key, "client=B");
	assert_string_equal(f1->rec.r[2].rule, "t.every");
	assert_int_equal(f1->rec.r[3].kind, LM_EMIT_UPDATE);
	assert_string_equal(f1->rec.r[3].key, "client=A");
	assert_int_equal(f1->rec.r[3].count, 4);
	assert_int_equal(f1->rec.r[4].kind, LM_EMIT_UPDATE);
	assert_string_equal(f1->rec.r[4].key, "client=B");
	for (unsigned i = 0; i < 5; i++) {
		assert_true(is_hex16(f1->rec.r[i].incident));
		assert_string_equal(f1->rec.r[i].incident, f2->rec.r[i].incident);
		assert_string_equal(f1->rec.r[i].key, f2->rec.r[i].key);
	}
	assert_string_not_equal(f1->rec.r[0].incident, f1->rec.r[1].incident);
	assert_string_not_equal(f1->rec.r[0].incident, f1->rec.r[2].incident);
	assert_string_not_equal(f1->rec.r[1].incident, f1->rec.r[2].incident);
	assert_string_equal(f1->rec.r[3].incident, f1->rec.r[0].incident);
	assert_string_equal(f1->rec.r[4].incident, f1->rec.r[1].incident);
	fx_free(f1);
	fx_free(f2);

	/* The same key firing at another time is another incident. */
	struct fixture *f3 = fx_new(0);
	for (int i = 0; i < 3; i++)
		login_failed(f3, "A", T0 + S(100 + i));
	assert_int_equal(f3->rec.n, 1);
	assert_true(is_hex16(f3->rec.r[0].incident));
	struct fixture *f4 = fx_new(0);
	run_scenario(f4);
	assert_string_not_equal(f3->rec.r[0].incident, f4->rec.r[0].incident);
	fx_free(f3);
	fx_free(f4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_fires_on_third_match),
		cmocka_unit_test(test_count_61s_apart_never_fires),
		cmocka_unit_test(test_count_window_edge),
		cmocka_unit_test(test_count_per_key),
		cmocka_unit_test(test_first_seen_starts_the_run),
		cmocka_unit_test(test_finish_without_change),
		cmocka_unit_test(test_every_match),
		cmocka_unit_test(test_line_hitting_two_rules),
		cmocka_unit_test(test_captures_shell_quoted),
		cmocka_unit_test(test_capture_over_field),
		cmocka_unit_test(test_evidence_bounded),
		cmocka_unit_test(test_evidence_exact_max),
		cmocka_unit_test(test_evidence_configured),
		cmocka_unit_test(test_keys_per_rule_lru),
		cmocka_unit_test(test_evicted_firing_sends_update),
		cmocka_unit_test(test_incident_ids),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
