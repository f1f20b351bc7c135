/*
 * summary: what a run saw and found, on stderr at end of input: lines and
 * events read, diagnoses fired (with key, count and time span), and every
 * problem that was counted rather than reported line by line.
 */
#ifndef LM_SUMMARY_H
#define LM_SUMMARY_H

#include <stdio.h>

#include "analyzers/engine.h"
#include "ingest/source.h"
#include "rules/matcher.h"

void lm_summary_print(FILE *out, const struct lm_engine *e, const struct lm_ruleset *rs,
		      const struct lm_matcher *m, struct lm_source *const *sources,
		      unsigned n_sources, unsigned failed_inputs);

#endif
