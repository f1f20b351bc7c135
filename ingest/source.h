/*
 * source: one input (a file or stdin) turned into a sequence of events.
 *
 * A source owns its reader, its decode context, its multi-line joiner and
 * the event it handed out last (src->out); that event stays valid until the
 * next lm_source_next() call, which also means the caller is done with it.
 * Records without a time inherit the previous record's, or get the arrival
 * time when there is none yet.  Problems in the data (cut lines, malformed records) are
 * counted and the first of each is reported once with file, line and column.
 *
 * A live source (a pipe that stays open, a followed file) answers
 * LM_SOURCE_WAIT when no whole record is ready.  What it holds back then (a
 * line without its newline, a CRI partial line, a multi-line record) goes
 * out once the input has been quiet for the flush timeout, or at once for a
 * held record that expects no more lines.  lm_source_offset() tells up to
 * where the file has been handed out completely, for the state file.
 */
#ifndef LM_SOURCE_H
#define LM_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "ingest/decode.h"
#include "ingest/multiline.h"
#include "ingest/reader.h"

enum lm_source_status { LM_SOURCE_END, LM_SOURCE_EVENT, LM_SOURCE_WAIT };

struct lm_source_opts {
	size_t read_size;
	size_t max_line;
	const struct lm_decoder *format; /* NULL: detect per line */
	bool multiline;                  /* join multi-line records */
	unsigned ml_max_lines;           /* 0: LM_MULTILINE_MAX_LINES_DEFAULT */
	size_t ml_max_bytes;             /* 0: LM_MULTILINE_MAX_BYTES_DEFAULT */
	lm_time_t flush_timeout;         /* live: how long held-back input may wait */
};

/* Event times further ahead of the wall clock than this are not believed
 * (a zone-less local time east of UTC is at most 14 hours ahead). */
#define LM_FUTURE_MAX (15 * 3600 * LM_NS_PER_SEC)

/* Event time as a source hands it out: a record's own time (from 1970 to
 * LM_FUTURE_MAX ahead of the wall clock), else the previous record's, else
 * the arrival time. */
struct lm_stamp {
	lm_time_t last;
	bool have;
	lm_time_t believed_max; /* the wall clock + LM_FUTURE_MAX, read again only
				 * when a time passes it (0: not read yet) */
	uint64_t future;        /* times more than LM_FUTURE_MAX ahead, not believed */
};

/* Gives ev its time: its own, else (none, or one not believed) the time of
 * the event before, else the wall clock. */
void lm_stamp_event(struct lm_stamp *st, struct lm_event *ev);
/* The reference for formats that carry no year: the latest known time;
 * before any, the middle of the twelve months that end LM_FUTURE_MAX from
 * now, so that the nearest year is the latest one not too far ahead ("Mar
 * 11" read in November is this March, not next). */
lm_time_t lm_stamp_ref(const struct lm_stamp *st);

struct lm_source {
	char *name;
	bool is_stdin;
	unsigned index;
	struct lm_reader reader;
	struct lm_decode_ctx dec;
	struct lm_fields fields;
	struct lm_fields path_fields; /* from a Kubernetes log path */
	struct lm_event ev;             /* the record decoded last */
	const struct lm_event *out;     /* the event handed out last */
	struct lm_stamp stamp;
	struct lm_multiline ml;
	bool multiline;
	lm_time_t flush_timeout;
	lm_time_t quiet_since;          /* monotonic: input last ran dry, or 0 */
	uint64_t quiet_bytes;           /* bytes read when it ran dry */
	uint64_t dec_pos;               /* offset of the first piece the decoder holds */
	bool eof;
	int error; /* a read error (negative errno), once eof */
	bool reported_cut, reported_joined, reported_decode;
};

/* What the summary reports about the input, summed over sources. */
struct lm_input_stats {
	unsigned inputs;
	uint64_t lines, cut, malformed, crowded, joined_cut;
	uint64_t future;            /* times too far ahead, not believed */
	uint64_t ml_joined, ml_cut; /* multi-line records joined, cut at a bound */
};

void lm_input_stats_add(struct lm_input_stats *to, const struct lm_input_stats *in);
void lm_source_add_stats(const struct lm_source *src, struct lm_input_stats *in);

/* Opens path ("-" is stdin).  Returns 0 or a negative errno; on error the
 * source holds nothing to close. */
int lm_source_open(struct lm_source *src, const char *path, unsigned index,
		   const struct lm_source_opts *opts);
/* The same for a descriptor already open, named name ("-": standard input,
 * never closed); the source owns and closes any other descriptor. */
void lm_source_open_fd(struct lm_source *src, int fd, const char *name, unsigned index,
		       const struct lm_source_opts *opts);
/* Makes src live: mode as for the reader; a followed file is read from
 * offset on (its descriptor is moved there). */
int lm_source_go_live(struct lm_source *src, enum lm_reader_mode mode, uint64_t offset);
void lm_source_close(struct lm_source *src);
/* LM_SOURCE_EVENT: src->out holds the next event; LM_SOURCE_END: end of
 * input (src->error tells whether it ended on a read error); LM_SOURCE_WAIT
 * (live sources): nothing ready now. */
enum lm_source_status lm_source_next(struct lm_source *src);
/* The file offset before which every line has been handed out, once the
 * caller is done with src->out. */
uint64_t lm_source_offset(const struct lm_source *src);
/* No more input (a followed file deleted, rotated away or truncated): what
 * the source holds goes out, then LM_SOURCE_END. */
void lm_source_finish(struct lm_source *src);

#endif
