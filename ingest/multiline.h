/*
 * multiline: joins the lines of one multi-line event (a stack trace, a
 * continued statement) into one event before rules see it.
 *
 * One joiner per source, fed the source's decoded events in order.  A record
 * starts with any line; the lines that continue it are appended with "\n"
 * between them, in both the event's line (evidence) and its text (what rules
 * match).  What continues a record:
 *   - Python: after `Traceback (most recent call last):`, indented frames, the
 *     chaining sentences ("During handling of the above exception..."), blank
 *     lines between chained tracebacks, and the final `SomeError: message`
 *     line, which ends the trace; after `  + Exception Group Traceback
 *     (most recent call last):`, indented lines;
 *   - Java: after a line naming an exception (`Exception in thread "main"
 *     java.lang.X`, `com.acme.FooException: msg`), `\tat ...` / `    at ...`
 *     frames, `Caused by: ...`, `Suppressed: ...`, `... N more` and
 *     `... N common frames omitted`;
 *   - Go: after `panic: ...` or `fatal error: ...`, blank lines,
 *     `goroutine N [state]:` headers, function lines, tab-indented file
 *     lines, `[signal ...]`, `created by ...` and `exit status N`;
 *   - any record: tab-indented lines (PostgreSQL continues statements so).
 *     A Java frame (`\tat ...`) or `Caused by: ...`, or a Go `goroutine N
 *     [state]:` header, after any plain record joins it and makes it a trace
 *     of that kind (`http: panic serving ...` then its goroutines).  Lines
 *     indented with spaces continue only Python and Java traces, so a plain
 *     log with padded lines is not glued.
 * Structured records (JSON, logfmt) neither start nor continue a joined
 * record: their stack traces are already inside one value.
 *
 * Choices where a trace's end is not certain:
 *   - a line that starts a trace (Traceback header, `panic: `, a Java
 *     exception line) starts a new record, even after a plain line or
 *     another trace (but for the next traceback of a Python chain): logback's `ERROR ... request failed` and the
 *     exception printed after it are two records, and two traces in a row
 *     stay two;
 *   - Python's final line is a dotted name alone or followed by ": "
 *     (`ERROR:root:...` is not one); after it, one blank line is still
 *     joined, since a chaining sentence may follow;
 *   - a Java exception line is a qualified class (lowercase package) whose
 *     name ends in Exception, Error or Throwable, alone or before ':'.
 * Every line is held until the next push or a flush tells whether it is
 * complete, so the result depends only on the sequence of events.
 *
 * The joined event takes the first line's time, fields, line number and
 * source; it is flagged truncated if any part was, or when a bound
 * (max_lines, max_bytes) ended it early (then counted in `cut`).  The line
 * that would have crossed the bound is not appended: it starts the next
 * record, which carries on with the same trace (its further lines join it),
 * so a long trace becomes several bounded records rather than single lines.
 * Batch input gives the same result however it is read; a live source
 * flushes a held record after a timeout of its own (see
 * lm_multiline_expecting()).
 *
 * Ownership: the joiner copies what it keeps; the events it returns are its
 * own and stay valid until the next push or flush.  No allocation per line
 * once warm.
 */
#ifndef LM_MULTILINE_H
#define LM_MULTILINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"

#define LM_MULTILINE_MAX_LINES_DEFAULT 500u
#define LM_MULTILINE_MAX_BYTES_DEFAULT (256u * 1024u)

/* One record being built or handed out: owned copies of an event's parts. */
struct lm_ml_record {
	struct lm_event ev;
	struct lm_buf line, text;
	struct lm_fields fields;
	unsigned lines;
	int kind;        /* what started it: private to multiline.c */
	int state;       /* where in a trace it stands: private to multiline.c */
	uint64_t pos;    /* the caller's position of its first line */
	bool held;
};

struct lm_multiline {
	unsigned max_lines;
	size_t max_bytes;
	struct lm_ml_record rec[2]; /* one held, one handed out: they swap */
	unsigned cur;               /* index of the held one */
	uint64_t joined;            /* records made of more than one line */
	uint64_t cut;               /* records ended by max_lines or max_bytes */
};

/* max_lines, max_bytes: 0 takes the defaults above. */
void lm_multiline_init(struct lm_multiline *m, unsigned max_lines, size_t max_bytes);
void lm_multiline_fini(struct lm_multiline *m);
/* Offers the source's next event (borrowed; structured tells whether a JSON
 * or logfmt decoder produced it) and the caller's position of its first
 * line.  Returns the record this event completed (the one held before it),
 * or NULL when the event was kept: appended to the held record, or held
 * itself as the start of the next one. */
const struct lm_event *lm_multiline_push(struct lm_multiline *m, const struct lm_event *ev,
					 bool structured, uint64_t pos);
/* The held record, completed now (end of input, or a live source gone
 * quiet), or NULL when none is held. */
const struct lm_event *lm_multiline_flush(struct lm_multiline *m);
/* Whether a record is held, and the position of its first line. */
bool lm_multiline_holding(const struct lm_multiline *m, uint64_t *pos);
/* Whether the held record is a trace still expecting lines (a Python
 * traceback without its final line, or after a chaining sentence; a Java
 * exception, which has no end marker; a Go panic before `exit status`):
 * a live source waits a while for the rest before flushing it, while any
 * other held record can be flushed as soon as the input is drained. */
bool lm_multiline_expecting(const struct lm_multiline *m);

#endif
