/*
 * source: one input (a file or stdin) turned into a sequence of events.
 *
 * A source owns its reader, its decode context and the event it produced
 * last; that event stays valid until the next lm_source_next() call.  Records
 * without a time inherit the previous record's, or get the arrival time when
 * there is none yet.  Problems in the data (cut lines, malformed records) are
 * counted and the first of each is reported once with file, line and column.
 */
#ifndef LM_SOURCE_H
#define LM_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "ingest/decode.h"
#include "ingest/reader.h"

struct lm_source_opts {
	size_t read_size;
	size_t max_line;
	const struct lm_decoder *format; /* NULL: detect per line */
};

/* Event time as a source hands it out: a record's own time (kept between
 * 1970 and 2200), else the previous record's, else the arrival time. */
struct lm_stamp {
	lm_time_t last;
	bool have;
};

void lm_stamp_event(struct lm_stamp *st, struct lm_event *ev);
/* The latest known time, for formats that carry no year. */
lm_time_t lm_stamp_ref(const struct lm_stamp *st);

struct lm_source {
	char *name;
	bool is_stdin;
	unsigned index;
	struct lm_reader reader;
	struct lm_decode_ctx dec;
	struct lm_fields fields;
	struct lm_fields path_fields; /* from a Kubernetes log path */
	struct lm_event ev;
	struct lm_stamp stamp;
	bool eof;
	int error; /* a read error (negative errno), once eof */
	bool reported_cut, reported_joined, reported_decode;
};

/* Opens path ("-" is stdin).  Returns 0 or a negative errno; on error the
 * source holds nothing to close. */
int lm_source_open(struct lm_source *src, const char *path, unsigned index,
		   const struct lm_source_opts *opts);
void lm_source_close(struct lm_source *src);
/* 1: src->ev holds the next event; 0: end of input (src->error tells whether
 * it ended on a read error). */
int lm_source_next(struct lm_source *src);

#endif
