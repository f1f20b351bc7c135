/*
 * trigger: when a rule's matches for one key become a diagnosis.
 *
 * A trigger kind is a static const table of callbacks chosen by the rule's
 * `when`; its per-key state lives in the diagnosis (d->trigger, freed with
 * it).  Triggers see only event times, never the wall clock, so replaying a
 * file decides exactly as following it live would have.
 */
#ifndef LM_TRIGGER_H
#define LM_TRIGGER_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzers/diagnosis.h"
#include "rules/rule.h"

struct lm_trigger {
	const char *name;
	/* A new key: allocate d->trigger. */
	void (*init)(struct lm_diagnosis *d);
	/* A match at time t for a pending diagnosis: true when it fires now. */
	bool (*on_match)(struct lm_diagnosis *d, lm_time_t t);
};

const struct lm_trigger *lm_trigger_for(const struct lm_when *when);

#endif
