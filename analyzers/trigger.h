/*
 * trigger: when a rule's matches for one key amount to a diagnosis.
 *
 * A trigger kind is a static const table of callbacks chosen by the rule's
 * `when`.  It keeps per-key state in d->trigger (freed with the diagnosis)
 * and answers one question, whether its condition holds at a given event
 * time; the engine turns the answers into firing, repeats and resolution.
 * Triggers see only event times, never the wall clock, so replaying a file
 * decides exactly as following it live would have.
 *
 *   count     N matches within a window
 *   ratio     matches over selected events (5xx over all requests) above a
 *             share, with at least `min` selected events, over a window
 *   quantile  the q-quantile of a captured number over a window above a
 *             threshold, with at least `min` values
 *   absent    no match for a time
 *   after     like count 1, for matches that follow another rule's match for
 *             the same key within the window (the engine applies the gate)
 */
#ifndef LM_TRIGGER_H
#define LM_TRIGGER_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzers/diagnosis.h"
#include "rules/rule.h"

struct lm_trigger {
	/* A new key: allocate d->trigger. */
	void (*init)(struct lm_diagnosis *d);
	/* Free what d->trigger points to beyond itself (NULL: nothing). */
	void (*fini)(struct lm_diagnosis *d);
	/* A match at time t; fields are the match's captures and event fields. */
	void (*on_match)(struct lm_diagnosis *d, lm_time_t t, const struct lm_fields *fields);
	/* A selected event (the ratio's denominator) at time t. */
	void (*on_select)(struct lm_diagnosis *d, lm_time_t t);
	/* Whether the condition holds at now; *value gets the measure (share,
	 * quantile) where there is one. */
	bool (*holds)(struct lm_diagnosis *d, lm_time_t now, double *value);
	/* When holds() may next change without input (a window edge), or 0;
	 * may move the trigger's windows to now, as holds() does. */
	lm_time_t (*next_change)(struct lm_diagnosis *d, lm_time_t now);
};

const struct lm_trigger *lm_trigger_for(const struct lm_when *when);

#endif
