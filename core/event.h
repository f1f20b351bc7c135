/*
 * event: one log record after framing and decoding, as every later stage sees it.
 *
 * Ownership: an event and everything it points to belong to the source that
 * produced it (its buffers are reused for the next record).  A stage borrows
 * the event for the duration of one call and copies whatever it keeps.
 *
 * Fields are a small bounded set of key/value byte strings (at most
 * LM_FIELDS_MAX, their index grown as they are added) kept in one reusable
 * arena (struct lm_fields).  They are addressed by offset, so the
 * arena may grow while fields are added; pointers obtained through
 * lm_fields_get() are valid until the next addition or reset.
 */
#ifndef LM_EVENT_H
#define LM_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Nanoseconds since the Unix epoch, UTC. */
typedef int64_t lm_time_t;
#define LM_NS_PER_SEC INT64_C(1000000000)
#define LM_NS_PER_MS INT64_C(1000000)

#define LM_FIELDS_MAX 48

struct lm_field {
	uint32_t key_off, key_len;
	uint32_t val_off, val_len;
};

struct lm_fields {
	struct lm_field *f; /* grown as fields are added, up to LM_FIELDS_MAX */
	unsigned cap;
	unsigned count;
	unsigned dropped; /* additions refused because the set was full */
	struct lm_buf arena;
};

void lm_fields_init(struct lm_fields *fs);
void lm_fields_fini(struct lm_fields *fs);
void lm_fields_reset(struct lm_fields *fs);
/* Set key to value, replacing an existing value of the same key. */
void lm_fields_set(struct lm_fields *fs, const char *key, size_t klen,
		   const char *val, size_t vlen);
/* Add without looking for an existing key (callers that know keys are new). */
void lm_fields_add(struct lm_fields *fs, const char *key, size_t klen,
		   const char *val, size_t vlen);
bool lm_fields_get(const struct lm_fields *fs, const char *key, size_t klen,
		   struct lm_str *out);
struct lm_str lm_fields_key(const struct lm_fields *fs, unsigned i);
struct lm_str lm_fields_val(const struct lm_fields *fs, unsigned i);
void lm_fields_copy(struct lm_fields *dst, const struct lm_fields *src);
/* Forget the fields added after the first n (their bytes stay in the arena). */
void lm_fields_truncate(struct lm_fields *fs, unsigned n);

struct lm_source;

struct lm_event {
	lm_time_t time;
	bool has_time;          /* the record carried its own timestamp */
	const char *line;       /* the innermost record, for people (evidence) */
	size_t line_len;
	const char *text;       /* what text rules match */
	size_t text_len;
	struct lm_fields *fields;
	const char *source_name; /* "-" for stdin */
	unsigned source_index;   /* position on the command line */
	uint64_t line_no;        /* 1-based physical line of the record's first line */
	bool truncated;          /* the line was cut at --max-line */
};

#endif
