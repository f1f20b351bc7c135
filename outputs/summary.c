/*
 * summary: the end-of-input report on stderr.  See summary.h.
 */
#include "outputs/summary.h"

#include <string.h>

#include "core/sanitize.h"
#include "ingest/timestamp.h"

/* Whether d's root cause is among the fired diagnoses still held. */
static bool cause_listed(const struct lm_engine *e, const struct lm_diagnosis *d)
{
	for (const struct lm_diagnosis *c = lm_engine_first_fired(e); c; c = c->fired_next)
		if (c != d && c->rule == d->root_rule && strcmp(c->incident, d->root_incident) == 0)
			return true;
	return false;
}

static void fired_line(FILE *out, const struct lm_diagnosis *d, struct lm_buf *b,
		       const char *indent)
{
	/* As last handed out: a resolved diagnosis may have begun a new run since. */
	char a[40], z[40];
	lm_time_format(d->shown_first, a, sizeof(a));
	lm_time_format(d->shown_last, z, sizeof(z));
	lm_buf_reset(b);
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i);
		struct lm_str v = lm_fields_val(&d->key_fields, i);
		if (i)
			lm_buf_putc(b, ' ');
		lm_sanitize_terminal(b, k.p, k.n);
		lm_buf_putc(b, '=');
		lm_sanitize_terminal(b, v.p, v.n);
	}
	fprintf(out, "  %s%-8s  %-28s %-30s %6llu  %s .. %s%s\n", indent,
		lm_severity_name(d->rule->severity), d->rule->id, b->len ? b->data : "-",
		(unsigned long long)d->emitted_count, a, z,
		d->status == LM_STATUS_FIRING ? "" : ", resolved");
}

/* Root causes (and diagnoses with no cause) in firing order, each followed
 * by the diagnoses it explains. */
static void fired_list(FILE *out, const struct lm_engine *e)
{
	struct lm_buf b;
	lm_buf_init(&b);
	for (const struct lm_diagnosis *d = lm_engine_first_fired(e); d; d = d->fired_next) {
		if (d->root_rule && cause_listed(e, d))
			continue;
		fired_line(out, d, &b, "");
		for (const struct lm_diagnosis *f = lm_engine_first_fired(e); f; f = f->fired_next)
			if (f != d && f->root_rule == d->rule &&
			    strcmp(f->root_incident, d->incident) == 0)
				fired_line(out, f, &b, "-> ");
	}
	lm_buf_fini(&b);
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

void lm_summary_print(FILE *out, const struct lm_engine *e, const struct lm_ruleset *rs,
		      const struct lm_matcher *m, const struct lm_input_stats *in,
		      unsigned failed_inputs)
{
	const struct lm_engine_stats *st = lm_engine_stats(e);
	uint64_t fired = 0, match_errors = 0;
	uint64_t lines = in->lines, cut = in->cut, malformed = in->malformed, crowded = in->crowded;
	uint64_t joined_cut = in->joined_cut;
	unsigned n_sources = in->inputs;
	for (int s = 0; s < LM_SEV_NEVER; s++)
		fired += st->fired[s];
	for (unsigned i = 0; i < rs->n; i++)
		match_errors += lm_matcher_errors(m, &rs->rules[i]);

	fprintf(out, "logmedic: %llu lines from %u input%s, %llu events, %llu matched a rule; %llu diagnos%s",
		(unsigned long long)lines, n_sources, n_sources == 1 ? "" : "s",
		(unsigned long long)st->events, (unsigned long long)st->matched_events,
		(unsigned long long)fired, fired == 1 ? "is" : "es");
	const char *sep = ": ";
	for (int s = LM_SEV_CRITICAL; s >= LM_SEV_INFO; s--)
		if (st->fired[s]) {
			fprintf(out, "%s%llu %s", sep, (unsigned long long)st->fired[s],
				lm_severity_name((enum lm_severity)s));
			sep = ", ";
		}
	fputc('\n', out);

	fired_list(out, e);
	top_fingerprints(out, e, rs);

	if (cut)
		fprintf(out, "  %llu line%s cut at --max-line\n", (unsigned long long)cut, cut == 1 ? "" : "s");
	if (malformed)
		fprintf(out, "  %llu malformed record%s read as plain text\n", (unsigned long long)malformed,
			malformed == 1 ? "" : "s");
	if (joined_cut)
		fprintf(out, "  %llu record%s joined from pieces cut at %u bytes\n",
			(unsigned long long)joined_cut, joined_cut == 1 ? "" : "s", LM_PARTIAL_MAX);
	if (in->ml_joined)
		fprintf(out, "  %llu multi-line record%s joined (stack traces, continued lines)\n",
			(unsigned long long)in->ml_joined, in->ml_joined == 1 ? "" : "s");
	if (in->ml_cut)
		fprintf(out, "  %llu multi-line record%s cut at --multiline-max-lines or --multiline-max-bytes\n",
			(unsigned long long)in->ml_cut, in->ml_cut == 1 ? "" : "s");
	if (crowded)
		fprintf(out, "  %llu record%s with more than %d fields (the rest were dropped)\n",
			(unsigned long long)crowded, crowded == 1 ? "" : "s", LM_FIELDS_MAX);
	if (match_errors)
		fprintf(out, "  %llu pattern match%s stopped by a PCRE2 limit\n",
			(unsigned long long)match_errors, match_errors == 1 ? "" : "es");
	if (st->explained)
		fprintf(out, "  %llu diagnos%s explained by a root cause (shown under it)\n",
			(unsigned long long)st->explained, st->explained == 1 ? "is" : "es");
	if (st->resolved)
		fprintf(out, "  %llu diagnos%s resolved\n", (unsigned long long)st->resolved,
			st->resolved == 1 ? "is" : "es");
	if (st->late)
		fprintf(out, "  %llu event%s more than 5 s behind the others (late)\n",
			(unsigned long long)st->late, st->late == 1 ? "" : "s");
	if (st->aggregates_dropped)
		fprintf(out, "  %llu match%s of statement shapes past the %u kept per rule\n",
			(unsigned long long)st->aggregates_dropped,
			st->aggregates_dropped == 1 ? "" : "es", LM_AGGREGATE_MAX);
	if (st->evicted)
		fprintf(out, "  %llu group key%s evicted (--max-keys)\n", (unsigned long long)st->evicted,
			st->evicted == 1 ? "" : "s");
	if (st->evidence_dropped)
		fprintf(out, "  %llu match%s not kept as evidence (--max-evidence)\n",
			(unsigned long long)st->evidence_dropped,
			st->evidence_dropped == 1 ? "" : "es");
	if (failed_inputs)
		fprintf(out, "  %u input%s could not be read\n", failed_inputs, failed_inputs == 1 ? "" : "s");
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
