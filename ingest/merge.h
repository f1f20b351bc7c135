/*
 * merge: several sources read as one stream in event-time order.
 *
 * A k-way merge over the sources' next events (a binary heap), so
 * `logmedic access.log postgresql.log app.log` sees what happened together
 * as if the files had been followed side by side.  Ties keep command-line
 * order, then file order, so the result is the same on every run.  The event
 * returned stays valid until the next lm_merge_next() call.
 */
#ifndef LM_MERGE_H
#define LM_MERGE_H

#include "core/event.h"
#include "ingest/source.h"

struct lm_merge {
	struct lm_source **src;
	unsigned *heap;    /* indexes into src */
	unsigned heap_n;
	int last;          /* the source whose event was returned last, or -1 */
};

void lm_merge_init(struct lm_merge *m, struct lm_source **src, unsigned n);
void lm_merge_fini(struct lm_merge *m);
/* The next event in time order, or NULL when every source has ended. */
const struct lm_event *lm_merge_next(struct lm_merge *m);

#endif
