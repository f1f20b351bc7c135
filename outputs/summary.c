/*
 * summary: the end-of-input report on stderr.  See summary.h.
 */
#include "outputs/summary.h"

#include <stdio.h>
#include <string.h>

#include "core/sanitize.h"
#include "ingest/timestamp.h"

/* Whether d's root cause is among the fired diagnoses still held. */
static bool cause_listed(const struct lm_engine *e, const struct lm_diagnosis *d)
{
	for (const struct lm_diagnosis *c = lm_engine_first_fired(e); c; c = c->fired.next)
		if (c != d && c->rule == d->root_rule && strcmp(c->incident, d->root_incident) == 0)
			return true;
	return false;
}

/* One line of the fired list, as last handed out: a resolved diagnosis may
 * have begun a new run since. */
static void fired_line(void *arg, const struct lm_diagnosis *d, bool effect)
{
	FILE *out = arg;
	char a[40], z[40];
	lm_time_format(d->shown_first, a, sizeof(a));
	lm_time_format(d->shown_last, z, sizeof(z));
	struct lm_buf b;
	lm_buf_init(&b);
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i);
		struct lm_str v = lm_fields_val(&d->key_fields, i);
		if (i)
			lm_buf_putc(&b, ' ');
		lm_sanitize_terminal(&b, k.p, k.n);
		lm_buf_putc(&b, '=');
		lm_sanitize_terminal(&b, v.p, v.n);
	}
	fprintf(out, "  %s%-8s  %-28s %-30s %6llu  %s .. %s%s\n", effect ? "-> " : "",
		lm_severity_name(d->rule->severity), d->rule->id, b.len ? b.data : "-",
		(unsigned long long)d->emitted_count, a, z,
		d->status == LM_STATUS_FIRING ? "" : ", resolved");
	lm_buf_fini(&b);
}

void lm_summary_each_fired(const struct lm_engine *e,
			   void (*fn)(void *arg, const struct lm_diagnosis *d, bool effect),
			   void *arg)
{
	for (const struct lm_diagnosis *d = lm_engine_first_fired(e); d; d = d->fired.next) {
		if (d->root_rule && cause_listed(e, d))
			continue;
		fn(arg, d, false);
		for (const struct lm_diagnosis *f = lm_engine_first_fired(e); f; f = f->fired.next)
			if (f != d && f->root_rule == d->rule &&
			    strcmp(f->root_incident, d->incident) == 0)
				fn(arg, f, true);
	}
}

/* For each aggregating rule, its statements by total time. */
static void top_fingerprints(FILE *out, const struct lm_engine *e, const struct lm_ruleset *rs)
{
	struct lm_buf b;
	lm_buf_init(&b);
	for (unsigned i = 0; i < rs->n; i++) {
		const struct lm_rule *r = &rs->rules[i];
		const struct lm_aggregate_row *top[LM_AGGREGATE_TOP];
		unsigned n = r->aggregate.sql ? lm_engine_top(e, r, top, LM_AGGREGATE_TOP) : 0;
		if (n)
			fprintf(out, "  top %s by total %s:\n", r->id,
				r->aggregate.value ? r->aggregate.value : "count");
		for (unsigned k = 0; k < n; k++) {
			lm_buf_reset(&b);
			lm_sanitize_terminal(&b, top[k]->fingerprint, strlen(top[k]->fingerprint));
			fprintf(out, "    %2u. total %.1f  count %llu  max %.1f  p95 %.1f  %.120s\n", k + 1,
				top[k]->total, (unsigned long long)top[k]->count, top[k]->max,
				lm_sketch_quantile(&top[k]->sketch, 0.95), b.data);
		}
	}
	lm_buf_fini(&b);
}

void lm_summary_headline(struct lm_buf *b, const struct lm_run_view *v)
{
	const struct lm_engine_stats *st = lm_engine_stats(v->engine);
	const struct lm_input_stats *in = v->input;
	uint64_t fired = 0;
	for (int s = 0; s < LM_SEV_NEVER; s++)
		fired += st->fired[s];
	lm_buf_printf(b, "%llu lines from %u input%s, %llu events, %llu matched a rule; %llu diagnos%s",
		      (unsigned long long)in->lines, in->inputs, in->inputs == 1 ? "" : "s",
		      (unsigned long long)st->events, (unsigned long long)st->matched_events,
		      (unsigned long long)fired, fired == 1 ? "is" : "es");
	const char *sep = ": ";
	for (int s = LM_SEV_CRITICAL; s >= LM_SEV_INFO; s--)
		if (st->fired[s]) {
			lm_buf_printf(b, "%s%llu %s", sep, (unsigned long long)st->fired[s],
				      lm_severity_name((enum lm_severity)s));
			sep = ", ";
		}
}

/* "N things what" when n is not 0; one and many are the noun's forms. */
static void count_line(struct lm_buf *b, uint64_t n, const char *one, const char *many,
		       const char *what)
{
	if (n)
		lm_buf_printf(b, "%llu %s %s\n", (unsigned long long)n, n == 1 ? one : many, what);
}

void lm_summary_notes(struct lm_buf *b, const struct lm_run_view *v)
{
	const struct lm_engine_stats *st = lm_engine_stats(v->engine);
	const struct lm_input_stats *in = v->input;
	uint64_t match_errors = 0;
	for (unsigned i = 0; v->matcher && i < v->rs->n; i++)
		match_errors += lm_matcher_errors(v->matcher, &v->rs->rules[i]);
	char what[80];
	count_line(b, in->cut, "line", "lines", "cut at --max-line");
	count_line(b, in->malformed, "malformed record", "malformed records", "read as plain text");
	snprintf(what, sizeof(what), "joined from pieces cut at %u bytes", LM_PARTIAL_MAX);
	count_line(b, in->joined_cut, "record", "records", what);
	count_line(b, in->ml_joined, "multi-line record", "multi-line records",
		   "joined (stack traces, continued lines)");
	count_line(b, in->ml_cut, "multi-line record", "multi-line records",
		   "cut at --multiline-max-lines or --multiline-max-bytes");
	snprintf(what, sizeof(what), "with more than %d fields (the rest were dropped)",
		 LM_FIELDS_MAX);
	count_line(b, in->crowded, "record", "records", what);
	count_line(b, match_errors, "pattern match", "pattern matches", "stopped by a PCRE2 limit");
	count_line(b, st->explained, "diagnosis", "diagnoses",
		   "explained by a root cause (shown under it)");
	count_line(b, st->resolved, "diagnosis", "diagnoses", "resolved");
	count_line(b, st->late, "event", "events", "more than 5 s behind the others (late)");
	count_line(b, in->future, "event", "events",
		   "dated more than 15 h ahead of the clock (given the time before)");
	snprintf(what, sizeof(what), "of statement shapes past the %u kept per rule",
		 LM_AGGREGATE_MAX);
	count_line(b, st->aggregates_dropped, "match", "matches", what);
	count_line(b, st->evicted, "group key", "group keys", "evicted (--max-keys)");
	count_line(b, st->retired, "idle diagnosis", "idle diagnoses",
		   "retired (--max-idle); those that fired are not listed");
	count_line(b, st->evidence_dropped, "match", "matches", "not kept as evidence (--max-evidence)");
	count_line(b, v->failed_inputs, "input", "inputs", "could not be read");
}

void lm_summary_print(FILE *out, const struct lm_run_view *v)
{
	struct lm_buf b;
	lm_buf_init(&b);
	lm_summary_headline(&b, v);
	fprintf(out, "logmedic: %s\n", b.data);
	lm_summary_each_fired(v->engine, fired_line, out);
	top_fingerprints(out, v->engine, v->rs);
	lm_buf_reset(&b);
	lm_summary_notes(&b, v);
	for (const char *p = b.data; p && *p;) {
		const char *nl = strchr(p, '\n');
		fprintf(out, "  %.*s\n", (int)(nl - p), p);
		p = nl + 1;
	}
	lm_buf_fini(&b);
}

void lm_summary_live(FILE *out, const struct lm_follow_stats *f, const struct lm_kafka_stats *k)
{
	if (f) {
		fprintf(out, "  followed files: %llu opened, %llu renamed away or deleted, %llu truncated",
			(unsigned long long)f->opened, (unsigned long long)f->rotations,
			(unsigned long long)f->truncations);
		if (f->truncations)
			fprintf(out, " (%llu read on from the copy)", (unsigned long long)f->recovered);
		fputc('\n', out);
		if (f->state_errors)
			fprintf(out, "  the state file could not be saved %llu time%s\n",
				(unsigned long long)f->state_errors, f->state_errors == 1 ? "" : "s");
	}
	if (k) {
		fprintf(out, "  kafka: %llu messages, %llu commits, %llu consumer errors",
			(unsigned long long)k->messages, (unsigned long long)k->commits,
			(unsigned long long)k->errors);
		if (k->lag >= 0)
			fprintf(out, ", lag %lld", (long long)k->lag);
		fputc('\n', out);
	}
}

void lm_summary_outputs(FILE *out, const struct lm_output *outputs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (!outputs[i].ops->delivery)
			continue;
		const struct lm_delivery_stats *st = lm_delivery_stats(outputs[i].ops->delivery(outputs[i].state));
		fprintf(out, "  %s: %llu sent, %llu failed, %llu dropped, %llu retried\n",
			outputs[i].ops->name, (unsigned long long)atomic_load(&st->sent),
			(unsigned long long)atomic_load(&st->failed),
			(unsigned long long)atomic_load(&st->dropped),
			(unsigned long long)atomic_load(&st->retries));
	}
}
