/*
 * summary: what a run saw and found, on stderr at end of input: lines and
 * events read, diagnoses fired (with key, count and time span), and every
 * problem that was counted rather than reported line by line.
 */
#ifndef LM_SUMMARY_H
#define LM_SUMMARY_H

#include <stdio.h>

#include "analyzers/engine.h"
#include "ingest/follow.h"
#include "ingest/kafka.h"
#include "ingest/source.h"
#include "outputs/output.h"
#include "rules/matcher.h"

void lm_summary_print(FILE *out, const struct lm_run_view *v);

/* Its parts, for the report.  The first line, without "logmedic: ": lines
 * and inputs read, events, matches, diagnoses fired per severity.  v->input
 * must not be NULL. */
void lm_summary_headline(struct lm_buf *b, const struct lm_run_view *v);
/* What was counted rather than reported line by line ("3 lines cut at
 * --max-line"), one line each, each ending in a newline. */
void lm_summary_notes(struct lm_buf *b, const struct lm_run_view *v);
/* The fired diagnoses in the summary's order: root causes (and diagnoses
 * whose cause is not held) in firing order, each followed by the diagnoses
 * it explains, which fn sees with effect true. */
void lm_summary_each_fired(const struct lm_engine *e,
			   void (*fn)(void *arg, const struct lm_diagnosis *d, bool effect),
			   void *arg);

/* What following files and consuming Kafka went through (either may be
 * NULL). */
void lm_summary_live(FILE *out, const struct lm_follow_stats *f, const struct lm_kafka_stats *k);

/* Per network output: `  NAME: N sent, N failed, N dropped, N retried`. */
void lm_summary_outputs(FILE *out, const struct lm_output *outputs, unsigned n);

#endif
