/*
 * output: where diagnoses go.  Each output is a static const table of
 * callbacks listed in output.c; a running output holds its table and state.
 * Standard output takes `text`, `json` or `report` (one HTML page written
 * at the end of the run); network outputs (`NAME=TARGET`)
 * encode each diagnosis into bytes on the pipeline thread and hand them to
 * their delivery queue (outputs/delivery.h), so a slow server never stalls
 * the pipeline.
 *
 * An output borrows a diagnosis for one call and must not keep pointers
 * into it.  Text coming from logs is untrusted: every output escapes it for
 * its own medium (terminal, JSON, HTML).
 */
#ifndef LM_OUTPUT_H
#define LM_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "analyzers/aggregate.h"
#include "analyzers/diagnosis.h"
#include "outputs/delivery.h"

enum lm_emit {
	LM_EMIT_FIRING,   /* the diagnosis starts firing */
	LM_EMIT_REPEAT,   /* still firing after repeat_interval */
	LM_EMIT_UPDATE,   /* more matches since it was last handed out (end of input, eviction) */
	LM_EMIT_RESOLVED, /* its condition has been false for resolve_after */
	LM_EMIT_EXPLAINED, /* a root cause that fired after it took it in */
	LM_EMIT_KINDS
};

/* "fired", "repeat", "update", "resolved", "explained" */
const char *lm_emit_name(enum lm_emit kind);

/* What an output is started with. */
struct lm_output_conf {
	FILE *out;                    /* text, json: where to write */
	bool color;
	const char *target;           /* network outputs: TARGET of NAME=TARGET */
	const char *const *settings;  /* "key=value", from --output-opt or the config file */
	unsigned n_settings;
	struct lm_delivery_opts delivery;
};

/* The value of setting key (the last one given), or NULL. */
const char *lm_output_setting(const struct lm_output_conf *c, const char *key);
/* A value that may name where a secret is kept: "env:NAME" is the
 * environment variable NAME, "file:PATH" the first line of the file PATH;
 * any other value is itself.  Returns a copy (free it), or NULL after
 * reporting what is missing, naming what for. */
char *lm_output_secret(const char *what, const char *value);

/* Whether every setting of c is one of known (NULL-ended) or one every
 * network output takes (batch, retry, retry_max, stop_timeout); the first
 * other one is reported, naming the output and what it takes. */
bool lm_output_check_settings(const struct lm_output_conf *c, const char *name,
			      const char *const *known);

struct lm_engine;
struct lm_ruleset;
struct lm_matcher;
struct lm_input_stats;
struct lm_follow_stats;
struct lm_kafka_stats;
struct lm_output;

/* What a run saw, for the summary, the metrics page and the report; any
 * pointer but engine and rs may be NULL. */
struct lm_run_view {
	const struct lm_engine *engine;
	const struct lm_ruleset *rs;
	const struct lm_matcher *matcher;
	const struct lm_input_stats *input;
	unsigned failed_inputs;       /* inputs that could not be read */
	const struct lm_output *outputs;
	unsigned n_outputs;
	const struct lm_follow_stats *follow;
	const struct lm_kafka_stats *kafka;
};

struct lm_output_ops {
	const char *name;
	/* NULL after reporting the problem (a bad target or setting). */
	void *(*init)(const struct lm_output_conf *c);
	/* NULL: the output writes nothing as diagnoses come (report). */
	void (*diagnosis)(void *state, const struct lm_diagnosis *d, enum lm_emit kind);
	/* At end of input, an aggregating rule's top fingerprints, rank from 1
	 * (NULL: the output leaves them to the summary). */
	void (*aggregate)(void *state, const struct lm_aggregate_row *row, unsigned rank);
	/* Network outputs: their delivery queue (NULL for standard output), for
	 * its counters and to stop it (send what is queued, for at most the
	 * stop bound) before the summary. */
	struct lm_delivery *(*delivery)(void *state);
	/* End of the run (end of input, or a stop signal in a live run), after
	 * the last diagnosis and before the summary: what the run saw, for an
	 * output written once (report; NULL for the others). */
	void (*finish)(void *state, const struct lm_run_view *v);
	/* Sends what is queued (for at most the stop bound) and frees. */
	void (*fini)(void *state);
};

struct lm_output {
	const struct lm_output_ops *ops;
	void *state;
};

/* By name ("text", "json", "alertmanager", ...), or NULL. */
const struct lm_output_ops *lm_output_find(const char *name);
/* The names of the network outputs, comma-separated, for messages. */
const char *lm_output_names(void);

extern const struct lm_output_ops lm_output_text;
extern const struct lm_output_ops lm_output_json;
extern const struct lm_output_ops lm_output_report;
extern const struct lm_output_ops lm_output_kafka;
extern const struct lm_output_ops lm_output_postgres;
extern const struct lm_output_ops lm_output_webhook;
extern const struct lm_output_ops lm_output_elasticsearch;
extern const struct lm_output_ops lm_output_alertmanager;

/* --matches: one JSON object per input line that hit at least one rule;
 * with redact, field values are masked (core/redact.h). */
struct lm_matches_writer;
struct lm_matches_writer *lm_matches_writer_new(FILE *out, bool redact);
void lm_matches_writer_free(struct lm_matches_writer *w);
void lm_matches_write(struct lm_matches_writer *w, const char *source, uint64_t line,
		      const char *const *rule_ids, unsigned n_rules, const struct lm_fields *fields);

#endif
