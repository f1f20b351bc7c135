/*
 * options: the command line, parsed into one struct.  Knows nothing of what
 * the options do; main and run act on them.
 */
#ifndef LM_OPTIONS_H
#define LM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rules/rule.h"

enum lm_color { LM_COLOR_AUTO, LM_COLOR_ALWAYS, LM_COLOR_NEVER };

struct lm_options {
	const char *format;   /* --format, NULL: detect */
	size_t max_line;
	size_t read_size;
	const char **rules;   /* --rules, in order */
	unsigned n_rules;
	unsigned max_keys;
	unsigned max_evidence; /* evidence records kept per diagnosis */
	unsigned max_idle;     /* idle diagnoses kept (0: all) */
	const char *output;   /* "text" or "json": standard output */
	const char **net_outputs; /* --output NAME=TARGET, in order */
	unsigned n_net_outputs;
	const char **output_opts; /* --output-opt NAME.KEY=VALUE, in order */
	unsigned n_output_opts;
	unsigned output_queue; /* items queued per network output */
	const char *metrics;  /* --metrics ADDR:PORT */
	bool matches;
	enum lm_color color;
	bool quiet;
	bool no_redact;       /* --no-redact: show secrets as the logs have them */
	enum lm_severity fail_on;
	/* live input */
	const char **follow;  /* --follow patterns, in order */
	unsigned n_follow;
	bool from_beginning;
	const char *state;    /* --state FILE */
	int64_t state_interval, poll_interval, rotate_wait, flush_timeout; /* ns */
	bool no_inotify;
	bool no_multiline;
	unsigned ml_max_lines;
	size_t ml_max_bytes;
	const char *kafka;    /* --kafka BROKERS */
	const char *topics;
	const char *group;
	const char **kafka_conf; /* -X key=value, in order */
	unsigned n_kafka_conf;
	int64_t commit_interval;
	char **config_files;  /* `files:` of the configuration file */
	unsigned n_config_files;
	char **owned;         /* strings from the configuration file, freed at the end */
	unsigned n_owned;
	char **inputs;        /* files; none means stdin */
	unsigned n_inputs;
	bool help, version;
};

/* Returns 0, or 2 after printing a usage error.  A -c FILE is read first,
 * so what the command line says overrides it. */
int lm_options_parse(struct lm_options *o, int argc, char **argv);
/* One setting by its long option name (value NULL for a flag), as the
 * configuration file gives it; where ("FILE:LINE:COLUMN") prefixes any
 * error.  value must outlive o (see o->owned).  Returns 0 or 2. */
int lm_options_apply(struct lm_options *o, const char *name, const char *value,
		     const char *where);
void lm_options_fini(struct lm_options *o);
void lm_options_usage(FILE *out);

#endif
