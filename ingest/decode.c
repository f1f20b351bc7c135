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

/* Bound on a record joined from partial lines. */
#define LM_PARTIAL_MAX (1024u * 1024u)

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
	lm_buf_init(&ctx->partial);
	ctx->json = lm_json_parser_new();
}

void lm_decode_ctx_fini(struct lm_decode_ctx *ctx)
{
	if (!ctx)
		return;
	for (int i = 0; i < LM_DECODE_DEPTH; i++)
		lm_buf_fini(&ctx->scratch[i]);
	lm_buf_fini(&ctx->text);
	lm_buf_fini(&ctx->partial);
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

struct lm_str lm_decode_structured_text(struct lm_decode_ctx *ctx, int msg_field,
					uint64_t is_string)
{
	struct lm_fields *fs = ctx->fields;
	lm_buf_reset(&ctx->text);
	if (msg_field >= 0) {
		struct lm_str m = lm_fields_val(fs, (unsigned)msg_field);
		lm_buf_append(&ctx->text, m.p, m.n);
	}
	for (unsigned i = 0; i < fs->count; i++) {
		if ((int)i == msg_field || !(is_string & (UINT64_C(1) << i)))
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

void lm_decode_partial_add(struct lm_decode_ctx *ctx, const struct lm_decoder *owner,
			   const char *s, size_t n)
{
	if (ctx->partial.len == 0) {
		ctx->partial_has_time = ctx->has_time;
		ctx->partial_time = ctx->time;
	}
	ctx->partial_owner = owner;
	size_t room = LM_PARTIAL_MAX - ctx->partial.len;
	lm_buf_append(&ctx->partial, s, n < room ? n : room);
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
	for (;; depth++) {
		const struct lm_decoder *dec;
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
	return peel(ctx, 0, s, n, ev);
}

bool lm_decode_flush(struct lm_decode_ctx *ctx, struct lm_event *ev)
{
	if (ctx->partial.len == 0)
		return false;
	/* Move the joined text out of the partial buffer, which decoders reset. */
	struct lm_buf *held = &ctx->scratch[0];
	lm_buf_reset(held);
	lm_buf_append(held, ctx->partial.data, ctx->partial.len);
	lm_buf_reset(&ctx->partial);
	ctx->has_time = ctx->partial_has_time;
	ctx->time = ctx->partial_time;
	return peel(ctx, 1, held->data, held->len, ev);
}
