/*
 * fuzz_docker: Docker json-file records ({"log":"...\n","stream":"stderr",
 * "time":"..."}, decoded by decode_json.c), built well formed from the input
 * so that the fuzzer spends its time on what the format adds: records split
 * without their newline joined per stream, the bound on a joined record, and
 * the inner line decoded again.  Raw and malformed records are fuzz_json's.
 *
 * The input is pieces separated by '\n'.  A piece's first byte is flags: bit
 * 0, the piece ends its line (its "log" ends with "\n"); bit 1, it is on
 * stderr; bit 2, the record has a "time".  The rest is the piece's text.
 */
#include "fuzz/fuzz.h"

#include "outputs/jsonw.h"

struct docker {
	struct lm_fuzz_stream st;
	struct lm_jw *w;
	struct lm_buf log;
};

static void add_record(void *arg, const char *s, size_t n)
{
	struct docker *d = arg;
	struct lm_buf *log = &d->log;
	struct lm_jw *w = d->w;
	unsigned flags = n ? (unsigned char)s[0] : 0;
	lm_buf_reset(log);
	if (n > 1)
		lm_buf_append(log, s + 1, n - 1);
	if (flags & 1)
		lm_buf_putc(log, '\n');
	lm_jw_reset(w);
	lm_jw_map(w);
	lm_jw_key(w, "log");
	lm_jw_str(w, log->data ? log->data : "", log->len);
	lm_jw_key(w, "stream");
	lm_jw_cstr(w, flags & 2 ? "stderr" : "stdout");
	if (flags & 4) {
		lm_jw_key(w, "time");
		lm_jw_cstr(w, "2025-03-11T10:00:01.123456789Z");
	}
	lm_jw_end_map(w);
	struct lm_str record = lm_jw_text(w);
	lm_fuzz_stream_line(&d->st, record.p, record.n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker d;
	d.w = lm_jw_new();
	lm_buf_init(&d.log);
	lm_fuzz_stream_init(&d.st, "docker");
	lm_fuzz_each_line(data, size, add_record, &d);
	lm_fuzz_stream_end(&d.st);
	lm_buf_fini(&d.log);
	lm_jw_free(d.w);
	return 0;
}
