/*
 * jsonw: a JSON document written into memory, for outputs that send JSON
 * (Alertmanager alerts, webhook and Slack payloads, Elasticsearch bulk
 * lines, Kafka messages).  Implemented in outputs/json.c on yajl's
 * generator, the one JSON encoder of the program: strings are made valid
 * UTF-8 and escaped, numbers never show binary noise.
 *
 * Use: lm_jw_reset, write one value (lm_jw_map ... lm_jw_end_map), read it
 * with lm_jw_text (valid until the next write or reset).
 */
#ifndef LM_JSONW_H
#define LM_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzers/diagnosis.h"
#include "core/buf.h"
#include "outputs/output.h"

struct lm_jw;

struct lm_jw *lm_jw_new(void);
void lm_jw_free(struct lm_jw *w);
void lm_jw_reset(struct lm_jw *w);
struct lm_str lm_jw_text(struct lm_jw *w);

void lm_jw_map(struct lm_jw *w);
void lm_jw_end_map(struct lm_jw *w);
void lm_jw_array(struct lm_jw *w);
void lm_jw_end_array(struct lm_jw *w);
void lm_jw_key(struct lm_jw *w, const char *k);
void lm_jw_str(struct lm_jw *w, const char *s, size_t n);
void lm_jw_cstr(struct lm_jw *w, const char *s); /* NULL writes null */
void lm_jw_int(struct lm_jw *w, long long v);
void lm_jw_num(struct lm_jw *w, double v, int decimals);
void lm_jw_time(struct lm_jw *w, lm_time_t t); /* RFC 3339, UTC, milliseconds */
void lm_jw_fields(struct lm_jw *w, const struct lm_fields *fs);
/* The object `-o json` writes for d (docs/json.md). */
void lm_jw_diagnosis(struct lm_jw *w, const struct lm_diagnosis *d, enum lm_emit kind);

/* The one JSON reading an output needs: the per-item statuses of an
 * Elasticsearch bulk answer ({"errors":..,"items":[{"create":{"status":201,
 * ...}}, ...]}), in item order, into statuses[0..max).  An item without a
 * status gives 0.  Returns how many were stored, or -1 when body is not
 * JSON or has no "items" array. */
int lm_json_bulk_statuses(const char *body, size_t len, int *statuses, unsigned max);

#endif
