/*
 * timestamp: event time from the text of a record, and durations.
 *
 * Recognised (at the start of the text unless said otherwise):
 *   RFC 3339 / ISO 8601   2025-03-11T10:00:00.123456789Z, +01:00, space for T, no zone = UTC
 *   PostgreSQL            2025-03-11 10:20:01.512 UTC, also CET, +02, -0700 style zones
 *   Java / Python         2025-03-11 10:20:01,123
 *   Go log                2025/03/11 10:20:01
 *   nginx / Apache        [11/Mar/2025:09:45:01 +0000], also found later in the line
 *   syslog                Mar 11 10:20:01 (the year nearest to ref)
 *   Apache error log      [Tue Mar 11 09:45:05.123456 2025]
 *   klog                  I0311 10:20:01.123456 (the year nearest to ref)
 *   epoch                 seconds, milliseconds, micro- or nanoseconds by magnitude
 *                         (from 1e8 s, 1973, up: smaller numbers are not times)
 * Pure functions: no global state, no allocation; never reads the wall clock.
 */
#ifndef LM_TIMESTAMP_H
#define LM_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"

/* Parse a timestamp at the very start of s.  Returns the number of bytes it
 * spans (> 0) and sets *t, or 0 when s does not start with one.  Formats that
 * carry no year take the year (ref's, or the one before or after) nearest
 * to ref. */
size_t lm_time_parse_prefix(const char *s, size_t n, lm_time_t ref, lm_time_t *t);

/* The event time of a plain-text line: a timestamp at its start (optionally
 * after one '['), else an nginx/Apache bracketed time within its first 512 bytes. */
bool lm_time_find(const char *s, size_t n, lm_time_t ref, lm_time_t *t);

/* A JSON-style time value: an epoch number given as text ("1741687201",
 * "1741687201.5", "1741687201123") or any format lm_time_parse_prefix knows. */
bool lm_time_parse_value(const char *s, size_t n, lm_time_t ref, lm_time_t *t);

/* RFC 3339 in UTC with milliseconds: 2025-03-11T10:00:00.123Z.  buf >= 32 bytes. */
void lm_time_format(lm_time_t t, char *buf, size_t size);

/* A duration: an integer or decimal followed by ns, us, ms, s, m, h or d
 * ("500ms", "1.5s", "2m", "1h30m").  Returns 0, or -1 when s is not one. */
int lm_duration_parse(const char *s, lm_time_t *out);

/* A duration in the largest unit that writes it exactly: "1h", "90s", "250ms".
 * buf >= 32 bytes. */
void lm_duration_format(lm_time_t d, char *buf, size_t size);

#endif
