/*
 * metrics: `--metrics ADDR:PORT` serves Prometheus' text format over HTTP
 * (GET /metrics): lines read, malformed records, events, matches and
 * match errors per rule, diagnoses handed out per rule, severity and event,
 * per network output the diagnoses sent, failed, dropped and retried and its
 * queue depth, followed-file rotations, Kafka messages and lag, and each
 * bound's hits (docs/limits.md): lines and records cut, keys evicted,
 * evidence and statement shapes left out.
 *
 * The pipeline thread renders the page (lm_metrics_update, at most once a
 * second) and swaps it in under a lock; a server thread only
 * copies the latest page out to scrapers, one at a time, with a timeout on
 * slow clients.  So the pipeline's counters are never read from another
 * thread, and a scrape never waits for the pipeline.
 */
#ifndef LM_METRICS_H
#define LM_METRICS_H

#include <stdbool.h>

#include "analyzers/engine.h"
#include "ingest/follow.h"
#include "ingest/kafka.h"
#include "ingest/source.h"
#include "outputs/output.h"
#include "rules/matcher.h"

struct lm_metrics;

/* Listens on addr ("HOST:PORT", HOST an IPv4 address or a name); NULL after
 * reporting why it cannot. */
struct lm_metrics *lm_metrics_new(const char *addr);
/* Renders a new page from what v shows: the first time, then when a
 * second has passed since the last one. */
void lm_metrics_update(struct lm_metrics *m, const struct lm_run_view *v);
/* Stops the server thread and frees.  Accepts NULL. */
void lm_metrics_free(struct lm_metrics *m);

#endif
