/*
 * run: one analysis run from options to exit status: load and compile the
 * rules, open the inputs, merge them, feed the engine, finish the outputs,
 * print the summary.
 */
#ifndef LM_RUN_H
#define LM_RUN_H

#include "core/options.h"

/* Returns the exit status: 0, 1 (a diagnosis at or above --fail-on), or 2. */
int lm_run(const struct lm_options *o);

#endif
