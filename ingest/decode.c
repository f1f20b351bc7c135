/*
 * decode: format detection, the peeling loop, and what the decoders share.
 * See decode.h.  The registry of decoders is the table below; detection tries
 * them in its order, and plain text accepts anything.
 */
#include "ingest/decode.h"

#include <stdio.h>
#include <string.h>

#include "ingest/timestamp.h"

static const struct lm_decoder *const registry[] = {
	&lm_decoder_json, &lm_decoder_cri, &lm_decoder_kubectl,
	&lm_decoder_logfmt, &lm_decoder_plain,
};
#define N_DECODERS (sizeof(registry) / sizeof(registry[0]))

const struct lm_decoder *lm_decoder_find(const char *name)
{
	if (strcmp(name, "docker") == 0) /* Docker json-file is JSON with a "log" key */
		return &lm_decoder_json;
	for (size_t i = 0; i < N_DECODERS; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

const char *lm_decoder_names(void)
{
	return "cri, docker, json, kubectl, logfmt, plain";
}

void lm_decode_ctx_init(struct lm_decode_ctx *ctx, struct lm_fields *fields,
			const struct lm_decoder *forced)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->forced = forced;
	ctx->fields = fields;
	for (int i = 0; i < LM_DECODE_DEPTH; i++)
		lm_buf_init(&ctx->scratch[i]);
	lm_buf_init(&ctx->text);
	for (int i = 0; i < LM_STREAMS; i++)
		lm_buf_init(&ctx->partial[i].buf);
	ctx->json = lm_json_parser_new();
}

void lm_decode_ctx_fini(struct lm_decode_ctx *ctx)
{
	if (!ctx)
		return;
	for (int i = 0; i < LM_DECODE_DEPTH; i++)
		lm_buf_fini(&ctx->scratch[i]);
	lm_buf_fini(&ctx->text);
	for (int i = 0; i < LM_STREAMS; i++)
		lm_buf_fini(&ctx->partial[i].buf);
	lm_json_parser_free(ctx->json);
	ctx->json = NULL;
}

void lm_decode_set_time(struct lm_decode_ctx *ctx, lm_time_t t)
{
	/* The outermost layer's time wins: it is present on every record of a
	 * wrapped stream, so the order of a file is the order of its times. */
	if (ctx->has_time)
		return;
	ctx->time = t;
	ctx->has_time = true;
}

void lm_decode_error(struct lm_decode_ctx *ctx, size_t column, const char *msg)
{
	if (ctx->errors++ == 0) {
		snprintf(ctx->error_msg, sizeof(ctx->error_msg), "%s", msg);
		ctx->error_column = column;
	}
}

struct lm_str lm_decode_structured_text(struct lm_decode_ctx *ctx, struct lm_str msg,
					uint64_t others)
{
	struct lm_fields *fs = ctx->fields;
	lm_buf_reset(&ctx->text);
	lm_buf_append(&ctx->text, msg.p, msg.n);
	for (unsigned i = 0; i < fs->count && i < 64; i++) {
		if (!(others & (UINT64_C(1) << i)))
			continue;
		struct lm_str v = lm_fields_val(fs, i);
		if (ctx->text.len)
			lm_buf_putc(&ctx->text, ' ');
		lm_buf_append(&ctx->text, v.p, v.n);
	}
	return (struct lm_str){ ctx->text.data ? ctx->text.data : "", ctx->text.len };
}

static bool one_of(struct lm_str key, const char *const *names)
{
	for (; *names; names++)
		if (lm_str_eq(key, *names))
			return true;
	return false;
}

bool lm_decode_is_time_key(struct lm_str key)
{
	static const char *const names[] = { "time", "ts", "timestamp", "@timestamp", "t", NULL };
	return one_of(key, names);
}

bool lm_decode_is_level_key(struct lm_str key)
{
	static const char *const names[] = { "level", "lvl", "severity", "levelname",
					     "log.level", NULL };
	return one_of(key, names);
}

int lm_decode_stream(const char *s, size_t n)
{
	return n == 6 && memcmp(s, "stderr", 6) == 0 ? LM_STREAM_STDERR : LM_STREAM_STDOUT;
}

/* Moves a joined record out of its partial buffer into scratch[depth]. */
static struct lm_str hand_on(struct lm_decode_ctx *ctx, struct lm_partial *p, unsigned depth)
{
	struct lm_buf *out = &ctx->scratch[depth];
	lm_buf_reset(out);
	lm_buf_append(out, p->buf.data, p->buf.len);
	lm_buf_reset(&p->buf);
	if (p->has_time) { /* a joined line is as old as its first piece */
		ctx->time = p->time;
		ctx->has_time = true;
	}
	ctx->record_line = p->line;
	return (struct lm_str){ out->data, out->len };
}

bool lm_decode_partial(struct lm_decode_ctx *ctx, const struct lm_decoder *owner, int stream,
		       unsigned depth, const char *s, size_t n, bool final, struct lm_str *joined)
{
	struct lm_partial *p = &ctx->partial[stream];
	if (p->buf.len && p->owner != owner)
		lm_buf_reset(&p->buf); /* another format took over the stream: drop the stray piece */
	if (p->buf.len == 0) {
		if (final) /* a whole line: nothing to join */
			return false;
		p->has_time = ctx->has_time;
		p->time = ctx->time;
		p->line = ctx->line_no;
		p->owner = owner;
	}
	size_t room = LM_PARTIAL_MAX - p->buf.len;
	bool full = n >= room;
	lm_buf_append(&p->buf, s, full ? room : n);
	if (!final && !full)
		return false;
	ctx->record_cut = full && !(final && n == room);
	ctx->joined_cut += ctx->record_cut;
	*joined = hand_on(ctx, p, depth);
	return true;
}

static const struct lm_decoder *detect(const char *s, size_t n)
{
	for (size_t i = 0; i < N_DECODERS; i++)
		if (registry[i]->detect(s, n))
			return registry[i];
	return &lm_decoder_plain;
}

/* Decode from layer depth down; false when the record is only partial. */
static bool peel(struct lm_decode_ctx *ctx, unsigned depth, const char *s, size_t n,
		 struct lm_event *ev)
{
	struct lm_decode_result res;
	const struct lm_decoder *dec;
	for (;; depth++) {
		if (depth >= LM_DECODE_DEPTH - 1)
			dec = &lm_decoder_plain;
		else if (depth == 0 && ctx->forced)
			dec = ctx->forced;
		else
			dec = detect(s, n);
		memset(&res, 0, sizeof(res));
		enum lm_decode_status st = dec->decode(ctx, depth, s, n, &res);
		if (st == LM_DECODE_PARTIAL)
			return false;
		if (st == LM_DECODE_DONE)
			break;
		s = res.inner.p;
		n = res.inner.n;
	}
	ctx->last = dec;
	ev->line = res.line.p;
	ev->line_len = res.line.n;
	ev->text = res.text.p;
	ev->text_len = res.text.n;
	ev->has_time = ctx->has_time;
	if (ctx->has_time) {
		ev->time = ctx->time;
		ctx->ref = ctx->time;
	}
	return true;
}

bool lm_decode_line(struct lm_decode_ctx *ctx, const char *s, size_t n, struct lm_event *ev)
{
	ctx->has_time = false;
	ctx->record_line = ctx->line_no;
	ctx->record_cut = false;
	return peel(ctx, 0, s, n, ev);
}

bool lm_decode_flush(struct lm_decode_ctx *ctx, struct lm_event *ev)
{
	for (int i = 0; i < LM_STREAMS; i++) {
		struct lm_partial *p = &ctx->partial[i];
		if (p->buf.len == 0)
			continue;
		ctx->has_time = false;
		ctx->record_cut = false;
		struct lm_str joined = hand_on(ctx, p, 0);
		return peel(ctx, 1, joined.p, joined.n, ev);
	}
	return false;
}
