/*
 * rule: what a rule file declares, once loaded and checked.
 *
 * A rule says what it matches (one or more PCRE2 patterns over the event's
 * rule text, or over one field), when it fires (struct lm_when), what it means
 * (title, severity, layer, escalation, causes) and what to do (remediation
 * steps with {field} placeholders, verify, runbook), and carries examples that
 * must and must not match.  Compiled patterns belong to the matcher.
 * A rule set owns its rules; rules never change after loading.
 */
#ifndef LM_RULE_H
#define LM_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "rules/condition.h"

enum lm_severity {
	LM_SEV_INFO,
	LM_SEV_WARNING,
	LM_SEV_ERROR,
	LM_SEV_CRITICAL,
	LM_SEV_NEVER, /* only as --fail-on never */
};

const char *lm_severity_name(enum lm_severity s);
/* Returns 0, or -1 when name is not a severity. */
int lm_severity_parse(const char *name, enum lm_severity *out);

/* Layers from the guides; a rule names one. */
bool lm_layer_valid(const char *name);
const char *lm_layer_names(void);

enum lm_when_kind {
	LM_WHEN_COUNT,    /* `count` matches within `within` (every match: count 1) */
	LM_WHEN_RATIO,    /* matches over the selector's matches above a share */
	LM_WHEN_QUANTILE, /* a quantile of a captured number above a threshold */
	LM_WHEN_ABSENT,   /* no match for a time */
	LM_WHEN_AFTER,    /* a match following another rule's for the same key */
};

const char *lm_when_kind_name(enum lm_when_kind k);

struct lm_when {
	enum lm_when_kind kind;
	unsigned count;          /* count: matches needed */
	lm_time_t within;        /* the window (0: none, for count 1) */
	lm_time_t hold;          /* `for`: ratio/quantile hold this long; absent: the silence */
	lm_time_t resolve_after; /* firing to resolved once false this long */
	lm_time_t repeat;        /* repeat_interval: firing again while it holds */
	char **by;               /* group key fields */
	unsigned n_by;
	/* ratio */
	struct lm_pattern *of;   /* the selector: what the share is of */
	unsigned n_of;
	double share;            /* above this share, 0 to 1 */
	unsigned min;            /* ratio: fewest selected events; quantile: fewest values */
	/* quantile */
	char *field;             /* the number */
	double q;                /* which quantile, 0 to 1 */
	struct lm_quantity above;
	/* after */
	char *after;             /* the rule id this one follows */
	unsigned after_index;    /* its index, once the set is loaded */
};

/* Defaults, documented in docs/rules.md. */
#define LM_RESOLVE_AFTER_DEFAULT (5 * 60 * LM_NS_PER_SEC)
#define LM_REPEAT_DEFAULT (4 * 3600 * LM_NS_PER_SEC)
#define LM_QUANTILE_MIN_DEFAULT 10
#define LM_RATIO_MIN_DEFAULT 20

/* `explains`: the rules whose diagnoses this rule's diagnosis explains when
 * they fire within `within` after it (or it fires within `within` after
 * them), and their `on` fields agree (a field absent on one side agrees). */
struct lm_explains {
	char **rules;
	unsigned n_rules;
	unsigned *index; /* the rules' indexes, once linked */
	lm_time_t within;
	char **on;
	unsigned n_on;
};

#define LM_EXPLAINS_WITHIN_DEFAULT (10 * 60 * LM_NS_PER_SEC)

/* `aggregate`: statistics per SQL fingerprint of the field `sql`, over the
 * number in the field `value` (analyzers/aggregate.h). */
struct lm_aggregate {
	char *sql;   /* NULL: the rule does not aggregate */
	char *value;
	struct lm_quantity unit; /* values are summed in this unit (none: as written) */
};

struct lm_remedy {
	char *title;
	char *run; /* a command template, or NULL for a step without a command */
};

struct lm_pattern {
	char *source;
	char *field;           /* run on this field; NULL: the rule's subject */
	unsigned line, column; /* where it stands in its file */
};

struct lm_rule {
	char *id;
	char *title;
	char *description;
	enum lm_severity severity;
	char *layer;
	int escalation; /* 1-3 */
	struct lm_pattern *patterns;
	unsigned n_patterns;
	char *field; /* match this field instead of the rule text; NULL: text */
	struct lm_condition *where; /* all must hold for a match to count */
	unsigned n_where;
	struct lm_when when;
	char **causes;
	unsigned n_causes;
	struct lm_remedy *remediation;
	unsigned n_remediation;
	char *verify;
	char *runbook;
	char **ex_match, **ex_no_match;
	unsigned n_ex_match, n_ex_no_match;
	struct lm_explains explains; /* the rules this one is a root cause of */
	struct lm_aggregate aggregate;
	char *split; /* count a diagnosis's matches per value of this field */
	unsigned *causes_of;  /* rules naming this one in explains (indexes), once linked */
	unsigned n_causes_of;
	char *file; /* where the rule was defined */
	unsigned line, column;
	unsigned index; /* position in its rule set */
	uint64_t digest; /* of its definition: equal digests, same rule */
};

struct lm_ruleset {
	struct lm_rule *rules;
	unsigned n;
};

void lm_rule_fini(struct lm_rule *r);
void lm_ruleset_init(struct lm_ruleset *rs);
void lm_ruleset_fini(struct lm_ruleset *rs);
const struct lm_rule *lm_ruleset_find(const struct lm_ruleset *rs, const char *id);

#endif
