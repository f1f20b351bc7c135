/*
 * diagnosis: a rule's finding for one group key, and the table that holds them.
 *
 * A diagnosis is created by the first match of its rule and key and follows
 * the run of matches that leads to firing: matches no further apart than the
 * rule's window.  A longer gap while pending starts a new run.  first_seen,
 * count and the evidence (the first few lines of the run and the latest few,
 * as many as the table was given, each cut to a bounded length) describe
 * the run; once firing, every further
 * match counts.  The table bounds the keys per rule: when full, the least recently
 * matched key is evicted after evict_cb has seen it (to hand out its last
 * update and count it); and idle diagnoses (waiting for nothing) beyond a
 * maximum are retired, oldest first.
 * The table owns its diagnoses; outputs borrow them for one call.
 */
#ifndef LM_DIAGNOSIS_H
#define LM_DIAGNOSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"
#include "rules/rule.h"

#define LM_EVIDENCE_DEFAULT 6 /* records kept per diagnosis (--max-evidence) */
#define LM_EVIDENCE_MAX 100
#define LM_EVIDENCE_TEXT_MAX 1024
#define LM_FIELD_VALUE_MAX 1024 /* longer field values are cut when a diagnosis keeps them */
#define LM_SPLIT_MAX 8          /* distinct values a split counts; the rest count as other */
#define LM_SPLIT_VALUE_MAX 32

struct lm_split {
	char value[LM_SPLIT_VALUE_MAX];
	uint64_t count;
};
#define LM_KEYS_PER_RULE_DEFAULT 10000
#define LM_IDLE_KEEP_DEFAULT 1000 /* idle diagnoses kept (--max-idle) */

struct lm_evidence {
	lm_time_t time;
	const char *source; /* a source name; sources outlive the table */
	uint64_t line_no;
	struct lm_buf text;
	bool cut; /* text was longer than LM_EVIDENCE_TEXT_MAX */
};

enum lm_status {
	LM_STATUS_PENDING, /* matched, trigger not satisfied yet */
	LM_STATUS_FIRING,
};

/* A diagnosis's place in one of the table's lists. */
struct lm_diag_links {
	struct lm_diagnosis *prev, *next;
};

struct lm_diagnosis {
	const struct lm_rule *rule;
	char *key;               /* "field=value" pairs joined by '\x1f': identity */
	struct lm_fields key_fields;
	struct lm_fields fields; /* the latest match's event fields and captures */
	enum lm_status status;
	lm_time_t first_seen, last_seen;
	uint64_t count;          /* matches in the run, firing included */
	uint64_t emitted_count;  /* count when last handed to the outputs */
	lm_time_t shown_first, shown_last; /* first and last seen when last handed out */
	char incident[17];
	void *trigger;           /* the trigger's per-key state */
	double value;            /* ratio or quantile measured when it last held */
	lm_time_t fired_at;      /* when it started firing */
	lm_time_t resolved_at;   /* when it resolved (set as it is handed out) */
	lm_time_t cond_since;    /* pending: the condition holds since (0: not) */
	lm_time_t false_since;   /* firing: the condition is false since (0: not) */
	lm_time_t next_repeat;   /* firing: when to hand it out again */
	lm_time_t evaluated_at;  /* latest time it was judged at: its clock never goes back */
	bool fresh;              /* the next match starts a new run */
	bool listed;             /* in the table's list of fired diagnoses */
	const struct lm_rule *root_rule; /* the root cause's rule, when explained */
	char root_incident[17];  /* the root cause's incident, which d now shares */
	/* event-time deadline, owned by analyzers/timers.c */
	lm_time_t timer_at;
	uint64_t timer_seq;
	unsigned timer_slot;
	struct lm_split *split;  /* matches per value of the rule's split field (LM_SPLIT_MAX,
				  * allocated by the first match that has one) */
	unsigned n_split;
	uint64_t split_other;
	/* evidence_max records: the first (evidence_max + 1) / 2 of the run,
	 * then a ring of the latest evidence_max / 2 */
	struct lm_evidence *evidence;
	unsigned evidence_max;
	unsigned n_first;
	unsigned n_latest, latest_next;
	/* table links */
	struct lm_diagnosis *hash_next;
	struct lm_diag_links lru;   /* its rule's keys, least recently matched first */
	struct lm_diag_links fired; /* fired diagnoses, in firing order (if listed) */
	struct lm_diag_links idle;  /* idle ones, oldest first (if is_idle) */
	bool is_idle;               /* waiting for nothing: may be retired */
};

/* The evidence of d in time order: first lines, then the latest ones. */
unsigned lm_diagnosis_evidence(const struct lm_diagnosis *d,
			       const struct lm_evidence **out, unsigned max);
/* Appends a template of d's rule (a remediation command, the verify step)
 * rendered with d's fields. */
void lm_diagnosis_render(const struct lm_diagnosis *d, const char *tmpl, struct lm_buf *out);

struct lm_diag_table;

/* keys_per_rule and evidence (records kept per diagnosis): 0 for the
 * defaults. */
struct lm_diag_table *lm_diag_table_new(unsigned n_rules, unsigned keys_per_rule,
					unsigned evidence);
void lm_diag_table_free(struct lm_diag_table *t);
/* The diagnosis of rule and key, created (pending) if new; *created tells.
 * May evict the rule's least recently used key: evict_cb sees it first. */
struct lm_diagnosis *lm_diag_table_get(struct lm_diag_table *t, const struct lm_rule *rule,
				       const struct lm_fields *key_fields, bool *created,
				       void (*evict_cb)(void *arg, struct lm_diagnosis *d),
				       void *arg);
/* The diagnosis of rule and key if there is one (no side effects). */
struct lm_diagnosis *lm_diag_table_find(struct lm_diag_table *t, const struct lm_rule *rule,
					const struct lm_fields *key_fields);
/* d started firing: it joins the list of fired diagnoses (firing order),
 * once however often it fires. */
void lm_diag_table_fired(struct lm_diag_table *t, struct lm_diagnosis *d);
/* Moves every diagnosis of rule from in src to dst as diagnoses of rule to
 * (the same rule in a reloaded set), keeping their recency.  They leave the
 * fired list: the caller lists them again in the order they fired. */
void lm_diag_table_move(struct lm_diag_table *dst, const struct lm_rule *to,
			struct lm_diag_table *src, const struct lm_rule *from);
/* At most max idle diagnoses are kept (0: no limit); see
 * lm_diag_table_idle. */
void lm_diag_table_set_max_idle(struct lm_diag_table *t, unsigned max);
/* d waits for nothing (its next match starts a new run from nothing): it
 * joins the idle diagnoses.  While there are more than the table's maximum, the
 * oldest idle one is retired: retire_cb sees it, then it leaves the table
 * (the fired list too) and is freed.  Returns how many were retired. */
unsigned lm_diag_table_idle(struct lm_diag_table *t, struct lm_diagnosis *d,
			    void (*retire_cb)(void *arg, struct lm_diagnosis *d), void *arg);
/* d matched again: it is no longer idle. */
void lm_diag_table_wake(struct lm_diag_table *t, struct lm_diagnosis *d);
/* Fired diagnoses, in the order they fired. */
struct lm_diagnosis *lm_diag_table_first_fired(const struct lm_diag_table *t);

/* Keeps a match's fields in d, each value cut at LM_FIELD_VALUE_MAX bytes,
 * so a diagnosis stays small whatever the lines hold.  With a scratch buffer
 * (reused; NULL under --no-redact) the values are masked (core/redact.h). */
void lm_diagnosis_keep_fields(struct lm_diagnosis *d, const struct lm_fields *fields,
			      struct lm_buf *scratch);
/* Counts the match whose fields d just kept (lm_diagnosis_keep_fields, so
 * masked unless --no-redact) under its value of the rule's split field (if
 * any). */
void lm_diagnosis_count_split(struct lm_diagnosis *d);
/* Record a match's line as evidence, its secrets masked when scratch (a
 * reused buffer) is given; NULL under --no-redact.  Returns whether a line
 * was left out for it: the oldest of the latest ones, or this one when d
 * keeps a single line. */
bool lm_diagnosis_add_evidence(struct lm_diagnosis *d, const struct lm_event *ev,
			       struct lm_buf *scratch);
/* A new run of matches starts at t: count and evidence start again. */
void lm_diagnosis_restart(struct lm_diagnosis *d, lm_time_t t);
/* d fires: it gets its incident id (from rule, key and first_seen). */
void lm_diagnosis_fire(struct lm_diagnosis *d);

#endif
