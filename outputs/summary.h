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

void lm_summary_print(FILE *out, const struct lm_engine *e, const struct lm_ruleset *rs,
		      const struct lm_matcher *m, const struct lm_input_stats *in,
		      unsigned failed_inputs);

/* What following files and consuming Kafka went through (either may be
 * NULL). */
void lm_summary_live(FILE *out, const struct lm_follow_stats *f, const struct lm_kafka_stats *k);

/* Per network output: `  NAME: N sent, N failed, N dropped, N retried`. */
void lm_summary_outputs(FILE *out, const struct lm_output *outputs, unsigned n);

#endif
