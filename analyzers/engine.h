/*
 * engine: what happens to each event after decoding.
 *
 * Runs every rule over the event, builds each hit's group key from its
 * captures and the event's fields, feeds the rule's trigger, and hands
 * diagnoses to the outputs when they fire; or, in --matches mode, writes one
 * line per event that hit.  Keeps the counters the summary reports.
 * Single-threaded; the event is borrowed for one call.
 */
#ifndef LM_ENGINE_H
#define LM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzers/aggregate.h"
#include "analyzers/diagnosis.h"
#include "core/event.h"
#include "outputs/output.h"
#include "rules/matcher.h"
#include "rules/rule.h"

struct lm_engine_stats {
	uint64_t events;
	uint64_t matched_events;
	uint64_t *rule_matches;              /* per rule */
	uint64_t (*rule_emits)[LM_EMIT_KINDS]; /* per rule: diagnoses handed out, per kind */
	uint64_t fired[LM_SEV_NEVER];        /* diagnoses fired per severity */
	uint64_t evicted;                    /* group keys evicted (--max-keys) */
	uint64_t retired;                    /* idle diagnoses retired (--max-idle) */
	uint64_t evidence_dropped;           /* matches not kept as evidence (--max-evidence) */
	uint64_t resolved;                   /* diagnoses resolved */
	uint64_t explained;                  /* diagnoses attached to a root cause */
	uint64_t aggregates_dropped;         /* matches of fingerprints beyond the bound */
	uint64_t late;                       /* events more than 5 s behind the clock */
	bool any_fired;
	enum lm_severity worst;              /* highest severity fired */
};

struct lm_engine;

struct lm_engine *lm_engine_new(const struct lm_ruleset *rs, struct lm_matcher *matcher,
				struct lm_output *outputs, unsigned n_outputs,
				struct lm_matches_writer *matches, unsigned keys_per_rule,
				unsigned evidence);
void lm_engine_free(struct lm_engine *e);
/* Whether evidence, kept fields and group-key values are masked
 * (core/redact.h) as diagnoses keep them: on unless --no-redact. */
void lm_engine_set_redact(struct lm_engine *e, bool on);
/* At most max idle diagnoses are kept: those of count rules, resolved or
 * never fired, with no match left in their window (their next match starts
 * from nothing).  Beyond, the oldest idle one is retired: it leaves the
 * table (the summary no longer lists it; it counts it).  0 keeps them all
 * (the report lists every diagnosis). */
void lm_engine_set_max_idle(struct lm_engine *e, unsigned max);
void lm_engine_event(struct lm_engine *e, const struct lm_event *ev);
/* Live input gone quiet: the clock moves to t (later than the last event)
 * and every deadline up to it is handled, so absences fire and diagnoses
 * resolve without new lines. */
void lm_engine_advance(struct lm_engine *e, lm_time_t t);
/* The next deadline on the engine's clock (0: none), for a loop deciding
 * how long to wait. */
lm_time_t lm_engine_next_deadline(const struct lm_engine *e);
/* End of input: firing diagnoses that gathered matches since they were last
 * handed out are handed out once more, in the order they fired, then the
 * top fingerprints of aggregating rules.  Nothing resolves here: the clock
 * stops at the last event's time. */
void lm_engine_finish(struct lm_engine *e);
/* After a reload: e (new, nothing seen yet) takes over old's clock and
 * counters, and the diagnoses, timers and match counts of every rule whose
 * definition did not change (same id and digest); the fingerprint tables of
 * aggregating rules start afresh.  Returns how many rules kept their state;
 * old is left empty of them, to be freed. */
unsigned lm_engine_adopt(struct lm_engine *e, struct lm_engine *old);
const struct lm_engine_stats *lm_engine_stats(const struct lm_engine *e);
/* Fired diagnoses in firing order, for the summary. */
const struct lm_diagnosis *lm_engine_first_fired(const struct lm_engine *e);

/* An aggregating rule's fingerprints with the largest totals. */
unsigned lm_engine_top(const struct lm_engine *e, const struct lm_rule *rule,
		       const struct lm_aggregate_row **out, unsigned max);

#endif
