/*
 * decode_lines: the decoder targets' driver, and the input split in lines
 * that other targets use too (see fuzz.h).  Decodes lines the
 * way a source does (fields reset per record, line numbers counted, partial
 * records flushed at the end) and reads back everything an event points to.
 */
#include "fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

/* Where the bytes read back go, so the reads cannot be optimised away. */
static volatile uint64_t sink;

static uint64_t read_str(uint64_t h, const char *p, size_t n)
{
	if (n && !p)
		abort(); /* a length without its bytes */
	return n ? lm_hash(h, p, n) : h;
}

static void read_event(const struct lm_fuzz_stream *st)
{
	const struct lm_event *ev = &st->ev;
	uint64_t h = read_str(LM_HASH_SEED, ev->line, ev->line_len);
	h = read_str(h, ev->text, ev->text_len);
	for (unsigned i = 0; i < st->fields.count; i++) {
		struct lm_str k = lm_fields_key(&st->fields, i), v = lm_fields_val(&st->fields, i);
		h = read_str(read_str(h, k.p, k.n), v.p, v.n);
	}
	sink = h;
}

void lm_fuzz_stream_init(struct lm_fuzz_stream *st, const char *format)
{
	memset(st, 0, sizeof(*st));
	lm_fields_init(&st->fields);
	lm_decode_ctx_init(&st->ctx, &st->fields, lm_decoder_find(format));
	st->ctx.ref = INT64_C(1741687200) * LM_NS_PER_SEC; /* 2025-03-11T10:00:00Z */
	st->ev.fields = &st->fields;
}

void lm_fuzz_stream_line(struct lm_fuzz_stream *st, const char *s, size_t n)
{
	char *line = lm_xmalloc(n ? n : 1);
	memcpy(line, s, n);
	lm_fields_reset(&st->fields);
	st->ctx.line_no = ++st->line_no;
	if (lm_decode_line(&st->ctx, line, n, &st->ev))
		read_event(st);
	free(line);
}

void lm_fuzz_stream_end(struct lm_fuzz_stream *st)
{
	for (;;) {
		lm_fields_reset(&st->fields);
		if (!lm_decode_flush(&st->ctx, &st->ev))
			break;
		read_event(st);
	}
	lm_decode_ctx_fini(&st->ctx);
	lm_fields_fini(&st->fields);
}

void lm_fuzz_each_line(const uint8_t *data, size_t size,
		       void (*fn)(void *arg, const char *s, size_t n), void *arg)
{
	const char *s = (const char *)data, *end = s + size;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		fn(arg, s, n);
		s += n + (nl != NULL);
	}
}

static void decode_one(void *st, const char *s, size_t n)
{
	lm_fuzz_stream_line(st, s, n);
}

int lm_fuzz_decode_lines(const char *format, const uint8_t *data, size_t size)
{
	struct lm_fuzz_stream st;
	lm_fuzz_stream_init(&st, format);
	lm_fuzz_each_line(data, size, decode_one, &st);
	lm_fuzz_stream_end(&st);
	return 0;
}
