/*
 * fuzz: what the fuzz targets of this folder share.
 *
 * Each fuzz_<name>.c is one target: it defines LLVMFuzzerTestOneInput and
 * feeds the input to the real module functions.  Built with --enable-fuzz it
 * links libFuzzer's main; otherwise replay.c's main runs it once on each file
 * named, so the kept regression inputs run in every build's test suite.
 * Targets must not keep state from one input to the next.
 */
#ifndef LM_FUZZ_H
#define LM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "ingest/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Calls fn for each piece of data between '\n's, without them. */
void lm_fuzz_each_line(const uint8_t *data, size_t size,
		       void (*fn)(void *arg, const char *s, size_t n), void *arg);

/* A decode context over one stream, as a source holds it. */
struct lm_fuzz_stream {
	struct lm_fields fields;
	struct lm_decode_ctx ctx;
	struct lm_event ev;
	uint64_t line_no;
};

/* format: a decoder name (lm_decoder_find) forced on the outer layer. */
void lm_fuzz_stream_init(struct lm_fuzz_stream *st, const char *format);
/* Decodes one physical line, given in an exactly-sized heap copy, and reads
 * every byte of a completed event; the copy is freed before the next line, so
 * a sanitizer catches reads past a line and pointers kept into it. */
void lm_fuzz_stream_line(struct lm_fuzz_stream *st, const char *s, size_t n);
/* Flushes the partial records left, reading each, and frees the context. */
void lm_fuzz_stream_end(struct lm_fuzz_stream *st);

/* The decoder targets: data split at '\n' into lines, decoded in order,
 * then the end of input. */
int lm_fuzz_decode_lines(const char *format, const uint8_t *data, size_t size);

#endif
