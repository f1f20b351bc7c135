/*
 * fingerprint: SQL statements reduced to their shape, as pgBadger and
 * pg_stat_statements group them: string and number literals and $n
 * parameters become ?, IN (...) lists collapse to IN (?), runs of white
 * space become one space, and everything outside quoted identifiers is
 * lower-cased.  "SELECT * FROM books WHERE id = 42" and
 * "select *  from books where id=7" share one fingerprint.
 */
#ifndef LM_FINGERPRINT_H
#define LM_FINGERPRINT_H

#include <stddef.h>

#include "core/buf.h"

/* Appends the fingerprint of the statement s to out. */
void lm_fingerprint_sql(struct lm_buf *out, const char *s, size_t n);

#endif
