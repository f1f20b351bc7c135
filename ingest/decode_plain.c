/*
 * decode_plain: any line as it is.  Its text is the line; its time is a
 * timestamp found at its start (or an access log's bracketed time).
 */
#include "ingest/decode.h"

#include "ingest/timestamp.h"

static bool plain_detect(const char *s, size_t n)
{
	(void)s;
	(void)n;
	return true;
}

static enum lm_decode_status plain_decode(struct lm_decode_ctx *ctx, unsigned depth,
					  const char *s, size_t n,
					  struct lm_decode_result *res)
{
	(void)depth;
	lm_time_t t;
	if (!ctx->has_time && lm_time_find(s, n, ctx->ref, &t))
		lm_decode_set_time(ctx, t);
	res->line = (struct lm_str){ s, n };
	res->text = res->line;
	return LM_DECODE_DONE;
}

const struct lm_decoder lm_decoder_plain = {
	.name = "plain",
	.detect = plain_detect,
	.decode = plain_decode,
};
