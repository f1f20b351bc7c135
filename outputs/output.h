/*
 * output: where diagnoses go.  Each output is a static const table of
 * callbacks listed in output.c; a running output holds its table and state.
 *
 * An output borrows a diagnosis for one call and must not keep pointers
 * into it.  Text coming from logs is untrusted: every output escapes it for
 * its own medium (terminal, JSON).
 */
#ifndef LM_OUTPUT_H
#define LM_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "analyzers/aggregate.h"
#include "analyzers/diagnosis.h"

enum lm_emit {
	LM_EMIT_FIRING,   /* the diagnosis starts firing */
	LM_EMIT_REPEAT,   /* still firing after repeat_interval */
	LM_EMIT_UPDATE,   /* more matches since it was last handed out (end of input, eviction) */
	LM_EMIT_RESOLVED, /* its condition has been false for resolve_after */
	LM_EMIT_EXPLAINED, /* a root cause that fired after it took it in */
};

/* "fired", "repeat", "update", "resolved", "explained" */
const char *lm_emit_name(enum lm_emit kind);

struct lm_output_ops {
	const char *name;
	void *(*init)(FILE *out, bool color);
	void (*diagnosis)(void *state, const struct lm_diagnosis *d, enum lm_emit kind);
	/* At end of input, an aggregating rule's top fingerprints, rank from 1
	 * (NULL: the output leaves them to the summary). */
	void (*aggregate)(void *state, const struct lm_aggregate_row *row, unsigned rank);
	void (*fini)(void *state);
};

struct lm_output {
	const struct lm_output_ops *ops;
	void *state;
};

/* By name ("text", "json"), or NULL. */
const struct lm_output_ops *lm_output_find(const char *name);

extern const struct lm_output_ops lm_output_text;
extern const struct lm_output_ops lm_output_json;

/* --matches: one JSON object per input line that hit at least one rule;
 * with redact, field values are masked (core/redact.h). */
struct lm_matches_writer;
struct lm_matches_writer *lm_matches_writer_new(FILE *out, bool redact);
void lm_matches_writer_free(struct lm_matches_writer *w);
void lm_matches_write(struct lm_matches_writer *w, const char *source, uint64_t line,
		      const char *const *rule_ids, unsigned n_rules, const struct lm_fields *fields);

#endif
