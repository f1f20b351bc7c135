/*
 * multiline: joins the lines of a stack trace (Python, Java, Go) or of a
 * statement continued on tab-indented lines into one event, so that a rule
 * sees a whole trace as one record.  See multiline.h for the contract.
 *
 * Two parts: the line classification (hand-written byte checks; an ordinary
 * line costs a look at its first byte or two), and the hold/hand-out of
 * records (two owned records that swap, so nothing is allocated per line
 * once their buffers have grown).  Every line is held until the next line
 * or a flush shows whether it is complete.
 */
#include "ingest/multiline.h"

#include <string.h>

/* What started a record (lm_ml_record.kind). */
enum ml_kind {
	K_PLAIN,  /* any other line: continued only by tab-indented lines */
	K_STRUCT, /* JSON or logfmt: never continued */
	K_PY,     /* Python traceback */
	K_JAVA,   /* Java exception */
	K_GO,     /* Go panic or fatal error */
};

/* Where a record stands (lm_ml_record.state). */
enum ml_state {
	S_NONE,        /* plain and structured records */
	PY_BODY,       /* after a Traceback header: frames until the final line */
	PY_GROUP,      /* inside an exception group's trace: indented lines only */
	PY_DONE,       /* the final `SomeError: message` line arrived */
	PY_DONE_BLANK, /* ... followed by the blank line before a chaining sentence */
	PY_CHAIN,      /* after a chaining sentence: blank lines, then a header */
	J_TRACE,       /* a Java exception: frames, causes, "... N more" */
	G_BODY,        /* a Go panic: goroutines, frames, blank lines */
	G_DONE,        /* after `exit status N` */
};

/* ---- byte checks ---- */

static bool has_prefix(struct lm_str l, const char *lit, size_t n)
{
	return l.n >= n && memcmp(l.p, lit, n) == 0;
}

#define PREFIX(l, lit) has_prefix((l), (lit), sizeof(lit) - 1)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool ident_start(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || is_digit(c);
}

/* Empty, or only spaces, tabs and carriage returns. */
static bool is_blank(struct lm_str l)
{
	for (size_t i = 0; i < l.n; i++)
		if (l.p[i] != ' ' && l.p[i] != '\t' && l.p[i] != '\r')
			return false;
	return true;
}

static bool tab_indented(struct lm_str l)
{
	return l.n && l.p[0] == '\t';
}

/* Indented with a space or a tab. */
static bool indented(struct lm_str l)
{
	return l.n && (l.p[0] == ' ' || l.p[0] == '\t');
}

/* How many bytes of l, from `from`, form a dotted name (`json.decoder.X`,
 * with '$' too when dollar): 0 when none starts there.  *segments counts
 * the dotted parts and *last is where the last one starts. */
static size_t dotted_name(struct lm_str l, size_t from, bool dollar, unsigned *segments,
			  size_t *last)
{
	size_t i = from;
	*segments = 0;
	for (;;) {
		if (i >= l.n || !ident_start(l.p[i]))
			return *segments ? i - 1 - from : 0; /* a trailing '.' is not part of it */
		*last = i;
		while (i < l.n && (ident_char(l.p[i]) || (dollar && l.p[i] == '$')))
			i++;
		(*segments)++;
		if (i + 1 < l.n && l.p[i] == '.')
			i++;
		else
			return i - from;
	}
}

static bool ends_with(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(p + n - k, lit, k) == 0;
}

/* ---- Python ---- */

static bool py_header(struct lm_str l)
{
	return PREFIX(l, "Traceback (most recent call last):");
}

/* An exception group's header: `  + Exception Group Traceback (...):`. */
static bool py_group_header(struct lm_str l)
{
	size_t i = 0;
	while (i < l.n && l.p[i] == ' ')
		i++;
	struct lm_str rest = { l.p + i, l.n - i };
	return i && PREFIX(rest, "+ Exception Group Traceback (most recent call last):");
}

static bool py_chain_sentence(struct lm_str l)
{
	return PREFIX(l, "During handling of the above exception, another exception occurred:") ||
	       PREFIX(l, "The above exception was the direct cause of the following exception:");
}

/* The line that ends a traceback: `KeyError: 'id'`, `json.decoder.JSONDecodeError:
 * ...`, or a bare name (`KeyboardInterrupt`).  A name followed by ':' with no
 * space after it (`ERROR:root:...`, Python logging's default format) is not. */
static bool py_final_line(struct lm_str l)
{
	unsigned segments;
	size_t last;
	size_t i = dotted_name(l, 0, false, &segments, &last);
	if (!i)
		return false;
	return i == l.n || (l.p[i] == ':' && (i + 1 == l.n || l.p[i + 1] == ' '));
}

static bool py_next(int state, struct lm_str l, int *next)
{
	switch (state) {
	case PY_BODY:
		if (indented(l))
			return true;
		if (py_final_line(l)) {
			*next = PY_DONE;
			return true;
		}
		return false;
	case PY_GROUP:
		if (indented(l))
			return true;
		if (is_blank(l)) {
			*next = PY_DONE_BLANK;
			return true;
		}
		return false;
	case PY_DONE:
		if (is_blank(l)) {
			*next = PY_DONE_BLANK;
			return true;
		}
		/* fall through */
	case PY_DONE_BLANK:
		if (py_chain_sentence(l)) {
			*next = PY_CHAIN;
			return true;
		}
		return tab_indented(l);
	case PY_CHAIN:
		if (is_blank(l))
			return true;
		if (py_header(l)) {
			*next = PY_BODY;
			return true;
		}
		if (py_group_header(l)) {
			*next = PY_GROUP;
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* ---- Java ---- */

/* A qualified exception class at the start of the line, alone or before ':'
 * (`java.lang.NullPointerException`, `com.acme.OrderException: no stock`):
 * a package (lowercase first letter), and a class ending in Exception, Error
 * or Throwable. */
static bool java_exception_line(struct lm_str l)
{
	if (!l.n || !is_lower(l.p[0]))
		return false;
	unsigned segments;
	size_t last;
	size_t i = dotted_name(l, 0, true, &segments, &last);
	if (segments < 2 || !(i == l.n || l.p[i] == ':'))
		return false;
	return ends_with(l.p + last, i - last, "Exception") ||
	       ends_with(l.p + last, i - last, "Error") ||
	       ends_with(l.p + last, i - last, "Throwable");
}

/* `... 12 more`, `... 3 common frames omitted`, without indentation. */
static bool java_omitted(struct lm_str l)
{
	return l.n > 4 && PREFIX(l, "... ") && is_digit(l.p[4]);
}

static bool java_cause(struct lm_str l)
{
	return PREFIX(l, "Caused by: ") || PREFIX(l, "Suppressed: ") || PREFIX(l, "Wrapped by: ");
}

static bool java_next(struct lm_str l)
{
	return indented(l) || java_cause(l) || java_omitted(l);
}

/* ---- Go ---- */

static bool go_header(struct lm_str l)
{
	return PREFIX(l, "panic: ") || PREFIX(l, "fatal error: ");
}

/* `goroutine 7 [chan receive]:` (Go 1.23 puts more between number and state). */
static bool go_goroutine(struct lm_str l)
{
	return l.n > 11 && PREFIX(l, "goroutine ") && is_digit(l.p[10]) && l.p[l.n - 1] == ':' &&
	       memchr(l.p, '[', l.n);
}

/* A function line: `main.main()`, `net/http.(*conn).serve(0xc0001a2000, ...)`,
 * `panic({0x6a4f20?, 0x9c2b40?})`: no space before the first '(' and a ')'
 * at the end. */
static bool go_function(struct lm_str l)
{
	if (l.n < 3 || !ident_start(l.p[0]) || l.p[l.n - 1] != ')')
		return false;
	for (size_t i = 1; i < l.n; i++) {
		if (l.p[i] == '(')
			return true;
		if (l.p[i] == ' ' || l.p[i] == '\t')
			return false;
	}
	return false;
}

static bool go_next(int state, struct lm_str l, int *next)
{
	if (state == G_DONE)
		return tab_indented(l);
	if (PREFIX(l, "exit status ")) {
		*next = G_DONE;
		return true;
	}
	return is_blank(l) || tab_indented(l) || go_goroutine(l) || PREFIX(l, "[signal ") ||
	       PREFIX(l, "created by ") || PREFIX(l, "runtime stack:") ||
	       PREFIX(l, "...additional frames elided...") || go_function(l);
}

/* ---- any record ---- */

/* A plain record takes tab-indented lines; a Java frame or cause, or a Go
 * goroutine header, also makes it a trace of that kind (a log line before a
 * trace: `http: panic serving ...` then `goroutine 33 [running]:`).  The
 * first byte rules out most lines. */
static bool plain_next(struct lm_str l, int *kind, int *state)
{
	switch (l.n ? l.p[0] : '\0') {
	case '\t':
		if (PREFIX(l, "\tat ")) {
			*kind = K_JAVA;
			*state = J_TRACE;
		}
		return true;
	case 'C':
		if (!PREFIX(l, "Caused by: "))
			return false;
		*kind = K_JAVA;
		*state = J_TRACE;
		return true;
	case 'g':
		if (!go_goroutine(l))
			return false;
		*kind = K_GO;
		*state = G_BODY;
		return true;
	default:
		return false;
	}
}

/* Whether l continues r; if so, *kind and *state are what r becomes. */
static bool continues(const struct lm_ml_record *r, struct lm_str l, int *kind, int *state)
{
	*kind = r->kind;
	*state = r->state;
	switch (r->kind) {
	case K_STRUCT:
		return false;
	case K_PY:
		return py_next(r->state, l, state);
	case K_JAVA:
		return java_next(l);
	case K_GO:
		return go_next(r->state, l, state);
	default:
		return plain_next(l, kind, state);
	}
}

static void set(int *kind, int *state, int k, int st)
{
	*kind = k;
	*state = st;
}

/* What a record starting with l is.  The first byte rules out most lines;
 * a lowercase one costs a scan of the first word (a Java package?). */
static void classify(struct lm_str l, bool structured, int *kind, int *state)
{
	set(kind, state, structured ? K_STRUCT : K_PLAIN, S_NONE);
	if (structured || !l.n)
		return;
	switch (l.p[0]) {
	case 'T':
		if (py_header(l))
			set(kind, state, K_PY, PY_BODY);
		return;
	case ' ':
		if (py_group_header(l))
			set(kind, state, K_PY, PY_GROUP);
		return;
	case 'E':
		if (PREFIX(l, "Exception in thread \""))
			set(kind, state, K_JAVA, J_TRACE);
		return;
	case 'p':
	case 'f':
		if (go_header(l)) {
			set(kind, state, K_GO, G_BODY);
			return;
		}
		break;
	default:
		break;
	}
	if (java_exception_line(l))
		set(kind, state, K_JAVA, J_TRACE);
}

/* ---- records ---- */

static void record_init(struct lm_ml_record *r)
{
	memset(r, 0, sizeof(*r));
	lm_buf_init(&r->line);
	lm_buf_init(&r->text);
	lm_fields_init(&r->fields);
}

static void record_fini(struct lm_ml_record *r)
{
	lm_buf_fini(&r->line);
	lm_buf_fini(&r->text);
	lm_fields_fini(&r->fields);
}

static void put(struct lm_buf *b, const char *p, size_t n)
{
	if (p && n)
		lm_buf_append(b, p, n);
}

/* Holds a copy of ev as the start of a record. */
static void record_start(struct lm_ml_record *r, const struct lm_event *ev, int kind, int state,
			 uint64_t pos)
{
	lm_buf_reset(&r->line);
	put(&r->line, ev->line, ev->line_len);
	lm_buf_reset(&r->text);
	put(&r->text, ev->text, ev->text_len);
	if (ev->fields)
		lm_fields_copy(&r->fields, ev->fields);
	else
		lm_fields_reset(&r->fields);
	r->ev = *ev; /* time, source, line number, truncated; pointers set by record_finish */
	r->lines = 1;
	r->kind = kind;
	r->state = state;
	r->pos = pos;
	r->held = true;
}

static void record_append(struct lm_ml_record *r, const struct lm_event *ev, int kind, int state)
{
	lm_buf_putc(&r->line, '\n');
	put(&r->line, ev->line, ev->line_len);
	lm_buf_putc(&r->text, '\n');
	put(&r->text, ev->text, ev->text_len);
	r->ev.truncated = r->ev.truncated || ev->truncated;
	r->lines++;
	r->kind = kind;
	r->state = state;
}

/* Whether appending ev would take r past a bound. */
static bool over_bound(const struct lm_multiline *m, const struct lm_ml_record *r,
		       const struct lm_event *ev)
{
	return r->lines >= m->max_lines || r->line.len + 1 + ev->line_len > m->max_bytes ||
	       r->text.len + 1 + ev->text_len > m->max_bytes;
}

/* Completes the held record r and points its event at its own copies. */
static const struct lm_event *record_finish(struct lm_ml_record *r)
{
	r->ev.line = r->line.data ? r->line.data : "";
	r->ev.line_len = r->line.len;
	r->ev.text = r->text.data ? r->text.data : "";
	r->ev.text_len = r->text.len;
	if (r->ev.fields)
		r->ev.fields = &r->fields;
	r->held = false;
	return &r->ev;
}

/* ---- API ---- */

void lm_multiline_init(struct lm_multiline *m, unsigned max_lines, size_t max_bytes)
{
	memset(m, 0, sizeof(*m));
	m->max_lines = max_lines ? max_lines : LM_MULTILINE_MAX_LINES_DEFAULT;
	m->max_bytes = max_bytes ? max_bytes : LM_MULTILINE_MAX_BYTES_DEFAULT;
	record_init(&m->rec[0]);
	record_init(&m->rec[1]);
}

void lm_multiline_fini(struct lm_multiline *m)
{
	if (!m)
		return;
	record_fini(&m->rec[0]);
	record_fini(&m->rec[1]);
}

const struct lm_event *lm_multiline_push(struct lm_multiline *m, const struct lm_event *ev,
					 bool structured, uint64_t pos)
{
	struct lm_ml_record *held = &m->rec[m->cur];
	struct lm_str l = { ev->line ? ev->line : "", ev->line ? ev->line_len : 0 };
	int kind, state;
	bool cut = false;
	if (held->held && !structured && continues(held, l, &kind, &state)) {
		if (!over_bound(m, held, ev)) {
			if (held->lines == 1)
				m->joined++;
			record_append(held, ev, kind, state);
			return NULL;
		}
		/* Over a bound: the line starts the next record, which goes on
		 * with the same trace (kind and state as if it had been joined). */
		cut = true;
	} else {
		classify(l, structured, &kind, &state);
	}
	const struct lm_event *out = NULL;
	if (held->held) {
		if (cut) {
			held->ev.truncated = true;
			m->cut++;
		}
		out = record_finish(held);
		m->cur ^= 1;
	}
	record_start(&m->rec[m->cur], ev, kind, state, pos);
	return out;
}

const struct lm_event *lm_multiline_flush(struct lm_multiline *m)
{
	struct lm_ml_record *held = &m->rec[m->cur];
	if (!held->held)
		return NULL;
	m->cur ^= 1;
	return record_finish(held);
}

bool lm_multiline_holding(const struct lm_multiline *m, uint64_t *pos)
{
	const struct lm_ml_record *held = &m->rec[m->cur];
	if (held->held && pos)
		*pos = held->pos;
	return held->held;
}

bool lm_multiline_expecting(const struct lm_multiline *m)
{
	const struct lm_ml_record *held = &m->rec[m->cur];
	if (!held->held)
		return false;
	switch (held->kind) {
	case K_PY:
		return held->state == PY_BODY || held->state == PY_GROUP || held->state == PY_CHAIN;
	case K_JAVA:
		return true;
	case K_GO:
		return held->state == G_BODY;
	default:
		return false;
	}
}
