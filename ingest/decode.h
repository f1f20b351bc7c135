/*
 * decode: peels log wrappers off a line and turns it into an event.
 *
 * Each format is a decoder (a static const table of callbacks, listed in
 * decode.c): CRI, Docker json-file and other JSON, kubectl --prefix and
 * --timestamps, logfmt, plain text.  The format is detected per line unless
 * forced.  A wrapper hands back its inner line, which is decoded again (a JSON
 * application log inside Docker json-file inside a kubectl prefix), up to
 * LM_DECODE_DEPTH levels.
 *
 * A decode context belongs to one source: it keeps the partial lines that CRI
 * and Docker split, and reusable buffers, so decoding a well-formed record
 * allocates nothing once warm (a malformed JSON record costs a new parser).  It must not keep pointers into the caller's line across calls.
 */
#ifndef LM_DECODE_H
#define LM_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"

#define LM_DECODE_DEPTH 4

enum lm_decode_status {
	LM_DECODE_DONE,    /* the line is final: text and line are set */
	LM_DECODE_INNER,   /* a wrapper: decode res->inner again */
	LM_DECODE_PARTIAL, /* kept for joining with the next line: no event yet */
};

struct lm_decode_ctx;

struct lm_decode_result {
	struct lm_str inner; /* LM_DECODE_INNER */
	struct lm_str line;  /* LM_DECODE_DONE: the record, for people */
	struct lm_str text;  /* LM_DECODE_DONE: what rules match */
};

struct lm_decoder {
	const char *name;
	/* Whether the line looks like this format (cheap; used for detection). */
	bool (*detect)(const char *s, size_t n);
	enum lm_decode_status (*decode)(struct lm_decode_ctx *ctx, unsigned depth,
					const char *s, size_t n,
					struct lm_decode_result *res);
};

struct lm_json_parser; /* private to decode_json.c */

/* Pieces of one line split by the runtime (CRI P lines, Docker records
 * without their newline), kept per stream so stdout and stderr never mix. */
enum { LM_STREAM_STDOUT, LM_STREAM_STDERR, LM_STREAMS };

struct lm_partial {
	struct lm_buf buf;
	lm_time_t time; /* the first piece's */
	bool has_time;
	uint64_t line;  /* the first piece's line */
	const struct lm_decoder *owner;
};

/* Bound on a record joined from pieces; a longer one is handed on cut. */
#define LM_PARTIAL_MAX (1024u * 1024u)

struct lm_decode_ctx {
	const struct lm_decoder *forced; /* --format, applied to the outer layer */
	struct lm_fields *fields;        /* filled for the current record */
	lm_time_t time;                  /* current record's time, if has_time */
	bool has_time;
	lm_time_t ref;                   /* latest known time, for year-less formats */
	struct lm_buf scratch[LM_DECODE_DEPTH]; /* one per layer: unescaped inner lines */
	struct lm_buf text;              /* rule text built from structured records */
	struct lm_partial partial[LM_STREAMS]; /* CRI P / Docker split lines, per stream */
	uint64_t line_no;                /* set by the caller: the physical line being decoded */
	uint64_t record_line;            /* out: the line where the record began */
	bool record_cut;                 /* out: the record was cut at LM_PARTIAL_MAX */
	const struct lm_decoder *last;   /* out: the decoder of the innermost layer */
	struct lm_json_parser *json;
	uint64_t crowded; /* records with more fields than an event holds (extra ones dropped) */
	uint64_t joined_cut; /* records joined from pieces and cut at LM_PARTIAL_MAX */
	/* malformed records seen (decoded as plain text instead) */
	uint64_t errors;
	char error_msg[160];       /* the first malformed record's problem */
	size_t error_column;
};

void lm_decode_ctx_init(struct lm_decode_ctx *ctx, struct lm_fields *fields,
			const struct lm_decoder *forced);
void lm_decode_ctx_fini(struct lm_decode_ctx *ctx);

/* Decode one physical line into ev (text, line, time, fields).  Returns false
 * when the line was kept as a partial record and no event is ready.  ev->time
 * is set only if the record carried a time (ev->has_time). */
bool lm_decode_line(struct lm_decode_ctx *ctx, const char *s, size_t n, struct lm_event *ev);

/* Hands out a partial record left at end of input (one per call, stdout's
 * first); false when none is left. */
bool lm_decode_flush(struct lm_decode_ctx *ctx, struct lm_event *ev);

/* By name ("cri", "docker", "json", "kubectl", "logfmt", "plain"), or NULL. */
const struct lm_decoder *lm_decoder_find(const char *name);
/* A comma-separated list of decoder names, for --help and errors. */
const char *lm_decoder_names(void);

/* Helpers the decoders share. */
void lm_decode_set_time(struct lm_decode_ctx *ctx, lm_time_t t);
void lm_decode_error(struct lm_decode_ctx *ctx, size_t column, const char *msg);
/* Build ctx->text from a structured record: its message, then the values of
 * the fields marked in `others` (a bit per field index), separated by spaces. */
struct lm_str lm_decode_structured_text(struct lm_decode_ctx *ctx, struct lm_str msg,
					uint64_t others);
/* Keys that carry a structured record's time or level: they become the
 * event's time and level field, and stay out of its rule text. */
bool lm_decode_is_time_key(struct lm_str key);
bool lm_decode_is_level_key(struct lm_str key);
/* A piece of a split line on stream (LM_STREAM_*).  When the piece is the
 * last one (final), or the joined record reached LM_PARTIAL_MAX, the joined
 * record is moved to ctx->scratch[depth] and returned in *joined (with the
 * first piece's time and line, and record_cut set if it was cut), and true
 * is returned; otherwise the piece is kept and false means "no record yet". */
bool lm_decode_partial(struct lm_decode_ctx *ctx, const struct lm_decoder *owner, int stream,
		       unsigned depth, const char *s, size_t n, bool final, struct lm_str *joined);
/* The stream index of a "stdout"/"stderr" value. */
int lm_decode_stream(const char *s, size_t n);

/* The decoders, for the registry in decode.c and for unit tests. */
extern const struct lm_decoder lm_decoder_cri;
extern const struct lm_decoder lm_decoder_json;
extern const struct lm_decoder lm_decoder_kubectl;
extern const struct lm_decoder lm_decoder_logfmt;
extern const struct lm_decoder lm_decoder_plain;

/* JSON parser lifetime, used by decode.c only. */
struct lm_json_parser *lm_json_parser_new(void);
void lm_json_parser_free(struct lm_json_parser *p);

/* Kubernetes names from a container log path
 * (/var/log/containers/POD_NAMESPACE_CONTAINER-ID.log or
 * /var/log/pods/NAMESPACE_POD_UID/CONTAINER/N.log) added to fields. */
bool lm_decode_k8s_path(const char *path, struct lm_fields *fields);

#endif
