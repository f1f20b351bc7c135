/*
 * test_decode: lm_decode_line and lm_decode_flush on every format and wrapper
 * (CRI with partial lines joined and flushed, Docker json-file with split
 * records and JSON application logs inside, Fluent Bit and Filebeat
 * envelopes, JSON application logs with epoch times and nested keys, kubectl
 * --prefix and --timestamps, plain text, logfmt), malformed and hostile JSON
 * (broken, deeply nested, very wide, duplicate keys, arrays, two values on a
 * line), forced formats, the decoder registry, Kubernetes names from log
 * paths, and lm_source over a temporary file (time inheritance and 1-based
 * line numbers of joined records).  Each input line is copied into an
 * exactly-sized heap buffer without a terminating NUL, and freed before the
 * next line is decoded, so a sanitizer build catches reads past the end and
 * pointers kept into a previous line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "ingest/decode.h"
#include "ingest/source.h"

#define S(x) ((lm_time_t)(x) * LM_NS_PER_SEC)
#define MS(x) ((lm_time_t)(x) * LM_NS_PER_MS)

/* 2025-03-11T10:00:00Z */
#define T0 INT64_C(1741687200)
#define REF (T0 * LM_NS_PER_SEC)

struct fx {
	struct lm_fields fields;
	struct lm_decode_ctx ctx;
	struct lm_event ev;
	char *in; /* the line being decoded; freed before the next one */
};


/* Bytes held in partial records, both streams. */
#define PARTIAL_LEN(x) ((x)->ctx.partial[LM_STREAM_STDOUT].buf.len + \
			(x)->ctx.partial[LM_STREAM_STDERR].buf.len)

static void fx_init(struct fx *x, const struct lm_decoder *forced)
{
	memset(x, 0, sizeof(*x));
	lm_fields_init(&x->fields);
	lm_decode_ctx_init(&x->ctx, &x->fields, forced);
	x->ctx.ref = 1741687200LL * 1000000000;
	x->ev.fields = &x->fields;
}

static void fx_fini(struct fx *x)
{
	free(x->in);
	x->in = NULL;
	lm_decode_ctx_fini(&x->ctx);
	lm_fields_fini(&x->fields);
}

/* Decode n bytes as one physical line, as lm_source does: fields reset first. */
static bool decode_n(struct fx *x, const char *s, size_t n)
{
	free(x->in);
	x->in = malloc(n ? n : 1);
	assert_non_null(x->in);
	memcpy(x->in, s, n);
	lm_fields_reset(&x->fields);
	memset(&x->ev, 0, sizeof(x->ev));
	x->ev.fields = &x->fields;
	return lm_decode_line(&x->ctx, x->in, n, &x->ev);
}

static bool decode(struct fx *x, const char *s)
{
	return decode_n(x, s, strlen(s));
}

static bool flush(struct fx *x)
{
	lm_fields_reset(&x->fields);
	memset(&x->ev, 0, sizeof(x->ev));
	x->ev.fields = &x->fields;
	return lm_decode_flush(&x->ctx, &x->ev);
}

static void assert_bytes(const char *what, const char *p, size_t n, const char *want)
{
	if (n != strlen(want) || (n && memcmp(p, want, n) != 0))
		fail_msg("%s: \"%.*s\" (%zu bytes), want \"%s\" (%zu bytes)", what, (int)n,
			 p ? p : "", n, want, strlen(want));
}

static void assert_text(const struct fx *x, const char *want)
{
	assert_bytes("text", x->ev.text, x->ev.text_len, want);
}

static void assert_line(const struct fx *x, const char *want)
{
	assert_bytes("line", x->ev.line, x->ev.line_len, want);
}

static void assert_field(const struct lm_fields *fs, const char *key, const char *want)
{
	struct lm_str v;
	if (!lm_fields_get(fs, key, strlen(key), &v))
		fail_msg("field %s missing, want \"%s\"", key, want);
	assert_bytes(key, v.p, v.n, want);
}

static void assert_no_field(const struct lm_fields *fs, const char *key)
{
	struct lm_str v;
	if (lm_fields_get(fs, key, strlen(key), &v))
		fail_msg("field %s present: \"%.*s\"", key, (int)v.n, v.p);
}

static void assert_time(const struct fx *x, lm_time_t want)
{
	assert_true(x->ev.has_time);
	assert_int_equal(x->ev.time, want);
}

/* ---- CRI ---- */

static void test_cri_full(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "2025-03-11T10:00:01.123456789Z stderr F connection refused"));
	assert_time(&x, S(T0 + 1) + 123456789);
	assert_text(&x, "connection refused");
	assert_line(&x, "connection refused");
	assert_field(&x.fields, "stream", "stderr");
	assert_int_equal(x.fields.count, 1);
	assert_int_equal(x.ctx.errors, 0);

	/* stdout, an empty message, and tags after F. */
	assert_true(decode(&x, "2025-03-11T10:00:02+01:00 stdout F:x "));
	assert_time(&x, S(T0 + 2 - 3600));
	assert_text(&x, "");
	assert_field(&x.fields, "stream", "stdout");

	/* A CRI time inside the message is the message's, not the record's. */
	assert_true(decode(&x, "2025-03-11T10:00:03Z stdout F 2025-03-11T09:00:00Z inner"));
	assert_time(&x, S(T0 + 3));
	assert_text(&x, "2025-03-11T09:00:00Z inner");

	/* Not CRI: a bad stream or tag leaves a plain line with its time. */
	assert_true(decode(&x, "2025-03-11T10:00:04Z stdin F x"));
	assert_text(&x, "2025-03-11T10:00:04Z stdin F x");
	assert_time(&x, S(T0 + 4));
	assert_int_equal(x.fields.count, 0);
	assert_true(decode(&x, "2025-03-11T10:00:04Z stdout X x"));
	assert_text(&x, "2025-03-11T10:00:04Z stdout X x");
	assert_int_equal(x.fields.count, 0);
	fx_fini(&x);
}

static void test_cri_partial_join(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_false(decode(&x, "2025-03-11T10:00:01Z stdout P hello "));
	assert_false(decode(&x, "2025-03-11T10:00:02Z stdout P big "));
	assert_true(decode(&x, "2025-03-11T10:00:03Z stdout F world"));
	assert_text(&x, "hello big world");
	assert_line(&x, "hello big world");
	assert_time(&x, S(T0 + 1));
	assert_field(&x.fields, "stream", "stdout");
	assert_int_equal(PARTIAL_LEN(&x), 0);

	/* The next record starts afresh. */
	assert_true(decode(&x, "2025-03-11T10:00:04Z stdout F next"));
	assert_text(&x, "next");
	assert_time(&x, S(T0 + 4));

	/* A joined line that is JSON is decoded as JSON. */
	assert_false(decode(&x, "2025-03-11T10:00:05Z stderr P {\"level\":\"error\","));
	assert_true(decode(&x, "2025-03-11T10:00:06Z stderr F \"msg\":\"joined json\"}"));
	assert_text(&x, "joined json");
	assert_line(&x, "{\"level\":\"error\",\"msg\":\"joined json\"}");
	assert_time(&x, S(T0 + 5));
	assert_field(&x.fields, "level", "error");
	assert_field(&x.fields, "stream", "stderr");
	assert_false(flush(&x));
	fx_fini(&x);
}

static void test_cri_partial_flush(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_false(flush(&x));
	assert_false(decode(&x, "2025-03-11T10:00:07.5Z stderr P part one"));
	assert_false(decode(&x, "2025-03-11T10:00:08Z stderr P , two"));
	assert_true(flush(&x));
	assert_text(&x, "part one, two");
	assert_line(&x, "part one, two");
	assert_time(&x, S(T0 + 7) + MS(500));
	assert_false(flush(&x));

	/* After a flush the context decodes normally. */
	assert_true(decode(&x, "2025-03-11T10:00:09Z stdout F after"));
	assert_text(&x, "after");
	assert_time(&x, S(T0 + 9));
	fx_fini(&x);
}

static void test_cri_partial_bounded(void **state)
{
	(void)state;
	/* Pieces are joined up to 1 MiB (LM_PARTIAL_MAX): the piece that fills
	 * it hands the record on, cut; the rest starts a new record. */
	enum { PIECE = 64 * 1024, PIECES = 20, JOIN_MAX = 1024 * 1024 };
	const char *head = "2025-03-11T10:00:01Z stdout P ";
	size_t hn = strlen(head);
	char *line = malloc(hn + PIECE);
	assert_non_null(line);
	memcpy(line, head, hn);
	struct fx x;
	fx_init(&x, NULL);
	int events = 0;
	for (int i = 0; i < PIECES; i++) {
		memset(line + hn, 'a' + i, PIECE);
		if (decode_n(&x, line, hn + PIECE)) {
			events++;
			assert_int_equal(i, JOIN_MAX / PIECE - 1); /* the 16th piece fills it */
			assert_int_equal(x.ev.text_len, JOIN_MAX);
			assert_int_equal(x.ev.text[0], 'a');
			assert_int_equal(x.ev.text[JOIN_MAX - 1], 'a' + JOIN_MAX / PIECE - 1);
			assert_true(x.ctx.record_cut);
			assert_time(&x, S(T0 + 1));
		}
		assert_true(PARTIAL_LEN(&x) <= JOIN_MAX);
	}
	assert_int_equal(events, 1);
	/* The F piece ends the second record: pieces 17 to 20 and "end". */
	assert_true(decode(&x, "2025-03-11T10:00:02Z stdout F end"));
	assert_int_equal(x.ev.text_len, 4 * PIECE + 3);
	assert_int_equal(x.ev.text[0], 'a' + JOIN_MAX / PIECE);
	assert_false(x.ctx.record_cut);
	assert_int_equal(PARTIAL_LEN(&x), 0);
	free(line);
	fx_fini(&x);
}

/* ---- Docker json-file ---- */

static void test_docker_line(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "{\"log\":\"upstream timed out\\n\",\"stream\":\"stderr\","
			       "\"time\":\"2025-03-11T10:00:05.5Z\"}"));
	assert_text(&x, "upstream timed out");
	assert_line(&x, "upstream timed out");
	assert_time(&x, S(T0 + 5) + MS(500));
	assert_field(&x.fields, "stream", "stderr");
	assert_no_field(&x.fields, "log");
	assert_no_field(&x.fields, "time");
	assert_int_equal(x.fields.count, 1);
	assert_int_equal(x.ctx.errors, 0);

	/* Escapes are undone; CRLF at the end goes. */
	assert_true(decode(&x, "{\"log\":\"tab\\there \\\"q\\\" \\u00e9\\r\\n\",\"stream\":\"stdout\","
			       "\"time\":\"2025-03-11T10:00:06Z\"}"));
	assert_text(&x, "tab\there \"q\" \xc3\xa9");
	assert_time(&x, S(T0 + 6));
	fx_fini(&x);
}

static void test_docker_split(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_false(decode(&x, "{\"log\":\"first half \",\"stream\":\"stdout\","
				"\"time\":\"2025-03-11T10:00:06Z\"}"));
	assert_false(decode(&x, "{\"log\":\"middle \",\"stream\":\"stdout\","
				"\"time\":\"2025-03-11T10:00:06.5Z\"}"));
	assert_true(decode(&x, "{\"log\":\"second half\\n\",\"stream\":\"stdout\","
			       "\"time\":\"2025-03-11T10:00:07Z\"}"));
	assert_text(&x, "first half middle second half");
	assert_time(&x, S(T0 + 6));
	assert_field(&x.fields, "stream", "stdout");
	assert_int_equal(PARTIAL_LEN(&x), 0);

	/* An unfinished split record is flushed at end of input. */
	assert_false(decode(&x, "{\"log\":\"never ended\",\"stream\":\"stdout\","
				"\"time\":\"2025-03-11T10:00:08Z\"}"));
	assert_true(flush(&x));
	assert_text(&x, "never ended");
	assert_time(&x, S(T0 + 8));
	assert_false(flush(&x));
	fx_fini(&x);
}

static void test_docker_json_app(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "{\"log\":\"{\\\"level\\\":\\\"error\\\",\\\"msg\\\":\\\"payment failed\\\","
			       "\\\"order\\\":\\\"A-17\\\",\\\"code\\\":502,\\\"ok\\\":false,"
			       "\\\"ts\\\":1741687300}\\n\",\"stream\":\"stderr\","
			       "\"time\":\"2025-03-11T10:00:08Z\"}"));
	assert_line(&x, "{\"level\":\"error\",\"msg\":\"payment failed\",\"order\":\"A-17\","
			"\"code\":502,\"ok\":false,\"ts\":1741687300}");
	/* The message first, then the other strings in order. */
	assert_text(&x, "payment failed A-17");
	/* The outermost time wins. */
	assert_time(&x, S(T0 + 8));
	assert_field(&x.fields, "stream", "stderr");
	assert_field(&x.fields, "level", "error");
	assert_field(&x.fields, "msg", "payment failed");
	assert_field(&x.fields, "order", "A-17");
	assert_field(&x.fields, "code", "502");
	assert_field(&x.fields, "ok", "false");
	assert_field(&x.fields, "ts", "1741687300");
	assert_no_field(&x.fields, "log");
	assert_int_equal(x.fields.count, 7);
	fx_fini(&x);
}

/* ---- collector envelopes ---- */

static void test_fluent_bit(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "{\"log\":\"GET /health 500\\n\",\"stream\":\"stdout\","
			       "\"time\":\"2025-03-11T10:00:09Z\",\"kubernetes\":{"
			       "\"namespace_name\":\"shop\",\"pod_name\":\"web-1\","
			       "\"container_name\":\"nginx\",\"host\":\"node-3\","
			       "\"labels\":{\"app\":\"web\"}}}"));
	assert_text(&x, "GET /health 500");
	assert_time(&x, S(T0 + 9));
	assert_field(&x.fields, "namespace", "shop");
	assert_field(&x.fields, "pod", "web-1");
	assert_field(&x.fields, "container", "nginx");
	assert_field(&x.fields, "node", "node-3");
	assert_field(&x.fields, "stream", "stdout");
	assert_no_field(&x.fields, "kubernetes.pod_name");
	assert_no_field(&x.fields, "kubernetes.labels.app");
	assert_no_field(&x.fields, "log");
	assert_int_equal(x.fields.count, 5);

	/* Fluent Bit without the trailing newline is not a split Docker line. */
	assert_true(decode(&x, "{\"log\":\"no newline\",\"kubernetes\":{\"pod_name\":\"p\"}}"));
	assert_text(&x, "no newline");
	assert_field(&x.fields, "pod", "p");
	assert_int_equal(PARTIAL_LEN(&x), 0);
	fx_fini(&x);
}

static void test_filebeat(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "{\"@timestamp\":\"2025-03-11T10:00:10.250Z\",\"message\":\"disk full\","
			       "\"kubernetes\":{\"namespace\":\"ops\",\"pod\":{\"name\":\"db-0\"},"
			       "\"container\":{\"name\":\"postgres\"},\"node\":{\"name\":\"n1\"}},"
			       "\"host\":{\"name\":\"node-1\"},\"agent\":{\"type\":\"filebeat\"}}"));
	assert_text(&x, "disk full");
	assert_line(&x, "disk full");
	assert_time(&x, S(T0 + 10) + MS(250));
	assert_field(&x.fields, "namespace", "ops");
	assert_field(&x.fields, "pod", "db-0");
	assert_field(&x.fields, "container", "postgres");
	assert_field(&x.fields, "node", "n1");
	assert_field(&x.fields, "host", "node-1");
	assert_no_field(&x.fields, "message");
	assert_no_field(&x.fields, "agent.type");
	assert_int_equal(x.fields.count, 5);

	/* The message is decoded again: here it is an application JSON record. */
	assert_true(decode(&x, "{\"@timestamp\":\"2025-03-11T10:00:11Z\",\"message\":"
			       "\"{\\\"level\\\":\\\"warn\\\",\\\"msg\\\":\\\"slow\\\"}\","
			       "\"kubernetes\":{\"namespace\":\"ops\"}}"));
	assert_text(&x, "slow");
	assert_line(&x, "{\"level\":\"warn\",\"msg\":\"slow\"}");
	assert_time(&x, S(T0 + 11));
	assert_field(&x.fields, "namespace", "ops");
	assert_field(&x.fields, "level", "warn");
	fx_fini(&x);
}

/* ---- JSON application logs ---- */

static void test_json_app_times(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "{\"ts\":1741687200.5,\"level\":\"warn\",\"msg\":\"slow query\","
			       "\"duration\":\"2.5s\",\"rows\":12}"));
	assert_time(&x, S(T0) + MS(500));
	assert_text(&x, "slow query 2.5s");
	assert_line(&x, "{\"ts\":1741687200.5,\"level\":\"warn\",\"msg\":\"slow query\","
			"\"duration\":\"2.5s\",\"rows\":12}");
	assert_field(&x.fields, "ts", "1741687200.5");
	assert_field(&x.fields, "rows", "12");
	assert_int_equal(x.fields.count, 5);

	assert_true(decode(&x, "{\"ts\":1741687200123,\"msg\":\"millis\"}"));
	assert_time(&x, S(T0) + MS(123));
	assert_text(&x, "millis");

	assert_true(decode(&x, "{\"time\":\"2025-03-11T10:00:01Z\",\"message\":\"text time\"}"));
	assert_time(&x, S(T0 + 1));

	/* severity becomes level; no time: has_time stays false. */
	assert_true(decode(&x, "{\"severity\":\"ERROR\",\"message\":\"no time\"}"));
	assert_false(x.ev.has_time);
	assert_text(&x, "no time");
	assert_field(&x.fields, "level", "ERROR");

	/* An unparseable time is just a field. */
	assert_true(decode(&x, "{\"ts\":\"soon\",\"msg\":\"m\"}"));
	assert_false(x.ev.has_time);
	assert_field(&x.fields, "ts", "soon");
	assert_int_equal(x.ctx.errors, 0);
	fx_fini(&x);
}

static void test_json_nested(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "{\"msg\":\"boom\",\"error\":{\"kind\":\"io\",\"detail\":{\"path\":\"/tmp/x\","
			       "\"errno\":5}},\"tags\":[\"a\",\"b\"],\"empty\":{},\"n\":null,"
			       "\"after\":\"z\"}"));
	assert_field(&x.fields, "error.kind", "io");
	assert_field(&x.fields, "error.detail.path", "/tmp/x");
	assert_field(&x.fields, "error.detail.errno", "5");
	/* Array elements are numbered: each keeps a key of its own. */
	assert_field(&x.fields, "tags.0", "a");
	assert_field(&x.fields, "tags.1", "b");
	assert_no_field(&x.fields, "tags");
	assert_field(&x.fields, "n", "null");
	assert_field(&x.fields, "after", "z");
	assert_no_field(&x.fields, "error");
	assert_no_field(&x.fields, "empty");
	assert_int_equal(x.fields.count, 8);
	assert_text(&x, "boom io /tmp/x a b z");

	/* Objects inside arrays. */
	assert_true(decode(&x, "{\"msg\":\"m\",\"items\":[{\"id\":\"i1\"},{\"id\":\"i2\"}],\"k\":\"v\"}"));
	assert_field(&x.fields, "items.0.id", "i1");
	assert_field(&x.fields, "items.1.id", "i2");
	assert_field(&x.fields, "k", "v");
	assert_text(&x, "m i1 i2 v");
	fx_fini(&x);
}

static void test_json_deep_keys(void **state)
{
	(void)state;
	/* {"k0":"v0","a":{"k1":"v1","a":{...}},"end":"e"} 40 levels deep: keys
	 * are kept to a bounded depth, and the path is right after coming back. */
	enum { LEVELS = 40 };
	char *s = malloc(LEVELS * 32 + 64);
	assert_non_null(s);
	size_t n = 0;
	for (int i = 0; i < LEVELS; i++)
		n += (size_t)sprintf(s + n, "{\"k%d\":\"v%d\",\"a\":", i, i);
	n += (size_t)sprintf(s + n, "1");
	for (int i = 0; i < LEVELS; i++)
		n += (size_t)sprintf(s + n, i == LEVELS - 1 ? ",\"end\":\"e\"}" : ",\"z\":\"y\"}");

	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode_n(&x, s, n));
	assert_int_equal(x.ctx.errors, 0);
	assert_field(&x.fields, "k0", "v0");
	assert_field(&x.fields, "a.k1", "v1");
	assert_field(&x.fields, "a.a.a.k3", "v3");
	assert_field(&x.fields, "end", "e");
	assert_true(x.fields.count <= LM_FIELDS_MAX);
	/* No key deeper than 16 levels. */
	for (unsigned i = 0; i < x.fields.count; i++) {
		struct lm_str k = lm_fields_key(&x.fields, i);
		unsigned dots = 0;
		for (size_t j = 0; j < k.n; j++)
			dots += k.p[j] == '.';
		assert_true(dots < 16);
	}
	free(s);
	fx_fini(&x);
}

static void test_json_very_deep(void **state)
{
	(void)state;
	enum { LEVELS = 10000 };
	char *s = malloc(LEVELS * 6 + 16);
	assert_non_null(s);
	size_t n = 0;
	for (int i = 0; i < LEVELS; i++) {
		memcpy(s + n, "{\"a\":", 5);
		n += 5;
	}
	s[n++] = '1';
	size_t open_n = n;
	memset(s + n, '}', LEVELS);
	n += LEVELS;

	struct fx x;
	fx_init(&x, NULL);
	/* Balanced: a valid record whose only value is too deep to keep. */
	assert_true(decode_n(&x, s, n));
	assert_true(x.fields.count <= LM_FIELDS_MAX);
	assert_int_equal(x.fields.count, 0);
	assert_int_equal(x.ev.line_len, n);

	/* Unbalanced: malformed, read as plain text. */
	assert_true(decode_n(&x, s, open_n));
	assert_int_equal(x.ctx.errors, 1);
	assert_int_equal(x.ev.text_len, open_n);
	assert_int_equal(x.fields.count, 0);

	/* And the context still works. */
	assert_true(decode(&x, "{\"msg\":\"fine\"}"));
	assert_text(&x, "fine");
	assert_field(&x.fields, "msg", "fine");
	free(s);
	fx_fini(&x);
}

static void test_json_very_wide(void **state)
{
	(void)state;
	enum { KEYS = 10000 };
	char *s = malloc(KEYS * 24 + 16);
	assert_non_null(s);
	size_t n = 0;
	s[n++] = '{';
	for (int i = 0; i < KEYS; i++)
		n += (size_t)sprintf(s + n, "%s\"k%d\":\"v%d\"", i ? "," : "", i, i);
	s[n++] = '}';

	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode_n(&x, s, n));
	assert_int_equal(x.fields.count, LM_FIELDS_MAX);
	assert_int_equal(x.fields.dropped, KEYS - LM_FIELDS_MAX);
	assert_field(&x.fields, "k0", "v0");
	assert_field(&x.fields, "k47", "v47");
	assert_no_field(&x.fields, "k48");
	assert_int_equal(x.ctx.errors, 0);
	/* The text holds the kept string values. */
	assert_true(x.ev.text_len > 9);
	assert_memory_equal(x.ev.text, "v0 v1 v2 ", 9);
	assert_int_equal(x.ev.text_len, 48 * 3 - 1 + 38 * 1); /* v0..v9 2 bytes, v10..v47 3 */

	/* The next record starts with an empty set again. */
	assert_true(decode(&x, "{\"msg\":\"small\"}"));
	assert_int_equal(x.fields.count, 1);
	assert_int_equal(x.fields.dropped, 0);
	free(s);
	fx_fini(&x);
}

static void test_json_duplicate_keys(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "{\"msg\":\"first\",\"level\":\"info\",\"msg\":\"second\"}"));
	assert_int_equal(x.ctx.errors, 0);
	/* Both values are kept; lookups see the first, the text has both. */
	assert_int_equal(x.fields.count, 3);
	assert_field(&x.fields, "msg", "first");
	assert_text(&x, "first second");
	fx_fini(&x);
}

static void test_json_not_one_object(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	/* An array is not a record: plain text, and not an error either. */
	assert_true(decode(&x, "[{\"msg\":\"x\"}]"));
	assert_text(&x, "[{\"msg\":\"x\"}]");
	assert_int_equal(x.fields.count, 0);

	/* Two objects on one line: plain text, counted as malformed. */
	assert_true(decode(&x, "{\"msg\":\"a\"} {\"msg\":\"b\"}"));
	assert_text(&x, "{\"msg\":\"a\"} {\"msg\":\"b\"}");
	assert_int_equal(x.fields.count, 0);
	assert_int_equal(x.ctx.errors, 1);
	assert_true(decode(&x, "{\"msg\":\"a\"}{\"msg\":\"b\"}"));
	assert_text(&x, "{\"msg\":\"a\"}{\"msg\":\"b\"}");
	assert_int_equal(x.fields.count, 0);
	assert_int_equal(x.ctx.errors, 2);

	/* An object followed by a scalar. */
	assert_true(decode(&x, "{\"msg\":\"a\"} 5"));
	assert_text(&x, "{\"msg\":\"a\"} 5");
	assert_int_equal(x.fields.count, 0);
	assert_int_equal(x.ctx.errors, 3);

	/* Forced JSON on an array: malformed, plain text. */
	struct fx y;
	fx_init(&y, lm_decoder_find("json"));
	assert_true(decode(&y, "[1,2,3]"));
	assert_text(&y, "[1,2,3]");
	assert_int_equal(y.fields.count, 0);
	assert_int_equal(y.ctx.errors, 1);
	assert_true(decode(&y, "{\"msg\":\"ok\"}"));
	assert_text(&y, "ok");
	fx_fini(&y);

	/* Whitespace around one object is fine. */
	assert_true(decode(&x, "{\"msg\":\"spaced\"}  "));
	assert_text(&x, "spaced");
	assert_int_equal(x.ctx.errors, 3);
	fx_fini(&x);
}

static void test_json_broken(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "{\"log\":\"half"));
	assert_text(&x, "{\"log\":\"half");
	assert_line(&x, "{\"log\":\"half");
	assert_int_equal(x.fields.count, 0);
	assert_int_equal(x.ctx.errors, 1);
	assert_true(x.ctx.error_msg[0] != '\0');
	/* The problem is the end of the line. */
	assert_int_equal(x.ctx.error_column, strlen("{\"log\":\"half") + 1);
	assert_int_equal(PARTIAL_LEN(&x), 0);

	/* The next valid line decodes as if nothing happened. */
	assert_true(decode(&x, "{\"log\":\"whole\\n\",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:01Z\"}"));
	assert_text(&x, "whole");
	assert_time(&x, S(T0 + 1));
	assert_field(&x.fields, "stream", "stdout");
	assert_int_equal(x.ctx.errors, 1);

	/* An error in the middle: the column points at it; the first error is kept. */
	char first[sizeof(x.ctx.error_msg)];
	memcpy(first, x.ctx.error_msg, sizeof(first));
	assert_true(decode(&x, "{\"a\":1,,\"b\":2}"));
	assert_text(&x, "{\"a\":1,,\"b\":2}");
	assert_int_equal(x.fields.count, 0);
	assert_int_equal(x.ctx.errors, 2);
	assert_string_equal(x.ctx.error_msg, first);
	assert_int_equal(x.ctx.error_column, strlen("{\"log\":\"half") + 1);

	struct fx y;
	fx_init(&y, NULL);
	assert_true(decode(&y, "{\"a\":1,,\"b\":2}"));
	assert_int_equal(y.ctx.errors, 1);
	assert_int_equal(y.ctx.error_column, 8); /* the second ',' */
	assert_true(decode(&y, "{\"msg\":\"after\",\"level\":\"info\"}"));
	assert_text(&y, "after");
	assert_field(&y.fields, "level", "info");
	fx_fini(&y);

	/* A broken record with its time at the start still gets a time. */
	assert_true(decode(&x, "{\"time\":\"2025-03-11T10:00:02Z\""));
	assert_int_equal(x.ctx.errors, 3);
	assert_int_equal(x.fields.count, 0);

	/* A broken Docker piece does not join with anything. */
	assert_false(decode(&x, "{\"log\":\"a \",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:03Z\"}"));
	assert_true(decode(&x, "{\"log\":\"b\\n\",\"stream\":"));
	assert_text(&x, "{\"log\":\"b\\n\",\"stream\":");
	assert_true(decode(&x, "{\"log\":\"c\\n\",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:04Z\"}"));
	assert_text(&x, "a c");
	assert_time(&x, S(T0 + 3));
	fx_fini(&x);
}

/* ---- kubectl ---- */

static void test_kubectl_prefix(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "[pod/api-5d8f9c-abcde/server] panic: runtime error"));
	assert_text(&x, "panic: runtime error");
	assert_line(&x, "panic: runtime error");
	assert_field(&x.fields, "pod", "api-5d8f9c-abcde");
	assert_field(&x.fields, "container", "server");
	assert_int_equal(x.fields.count, 2);
	assert_false(x.ev.has_time);

	/* Prefix, then --timestamps, then JSON. */
	assert_true(decode(&x, "[pod/web/nginx] 2025-03-11T10:00:12Z {\"msg\":\"x\",\"level\":\"error\"}"));
	assert_text(&x, "x");
	assert_time(&x, S(T0 + 12));
	assert_field(&x.fields, "pod", "web");
	assert_field(&x.fields, "container", "nginx");
	assert_field(&x.fields, "level", "error");

	/* Not a prefix. */
	assert_true(decode(&x, "[pod/] nothing"));
	assert_text(&x, "[pod/] nothing");
	assert_int_equal(x.fields.count, 0);
	assert_true(decode(&x, "[pod/name] no container"));
	assert_text(&x, "[pod/name] no container");
	assert_int_equal(x.fields.count, 0);
	fx_fini(&x);
}

static void test_kubectl_timestamps_json(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "2025-03-11T10:00:11.000000001Z {\"level\":\"error\",\"msg\":\"oom\","
			       "\"ts\":1741680000}"));
	assert_time(&x, S(T0 + 11) + 1);
	assert_text(&x, "oom");
	assert_line(&x, "{\"level\":\"error\",\"msg\":\"oom\",\"ts\":1741680000}");
	assert_field(&x.fields, "level", "error");
	assert_int_equal(x.ctx.errors, 0);
	fx_fini(&x);
}

static void test_depth_limit(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	/* Three wrappers peeled; the fourth layer is taken as plain text. */
	assert_true(decode(&x, "[pod/web/app] 2025-03-11T10:00:15Z {\"log\":\"{\\\"msg\\\":\\\"deep\\\"}\\n\","
			       "\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:16Z\"}"));
	assert_text(&x, "{\"msg\":\"deep\"}");
	assert_time(&x, S(T0 + 15));
	assert_field(&x.fields, "pod", "web");
	assert_field(&x.fields, "container", "app");
	assert_field(&x.fields, "stream", "stdout");
	assert_no_field(&x.fields, "msg");
	assert_int_equal(x.ctx.errors, 0);

	/* Two wrappers: the application record is decoded. */
	assert_true(decode(&x, "[pod/web/app] {\"log\":\"{\\\"msg\\\":\\\"deep\\\"}\\n\","
			       "\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:16Z\"}"));
	assert_text(&x, "deep");
	assert_time(&x, S(T0 + 16));
	assert_field(&x.fields, "msg", "deep");
	fx_fini(&x);
}

/* ---- plain text ---- */

static void test_plain_leading_time(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "2025-03-11T10:00:13Z ERROR database unreachable"));
	assert_text(&x, "2025-03-11T10:00:13Z ERROR database unreachable");
	assert_line(&x, "2025-03-11T10:00:13Z ERROR database unreachable");
	assert_time(&x, S(T0 + 13));
	assert_int_equal(x.fields.count, 0);

	assert_true(decode(&x, "2025-03-11 10:00:14,250 WARN [main] retrying"));
	assert_text(&x, "2025-03-11 10:00:14,250 WARN [main] retrying");
	assert_time(&x, S(T0 + 14) + MS(250));

	assert_true(decode(&x, "no time at all"));
	assert_text(&x, "no time at all");
	assert_false(x.ev.has_time);

	assert_true(decode(&x, ""));
	assert_text(&x, "");
	assert_false(x.ev.has_time);

	/* NUL bytes and invalid UTF-8 pass through. */
	assert_true(decode_n(&x, "a\0b\xff", 4));
	assert_int_equal(x.ev.text_len, 4);
	assert_memory_equal(x.ev.text, "a\0b\xff", 4);
	fx_fini(&x);
}

/* ---- logfmt ---- */

static void test_logfmt(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "time=2025-03-11T10:00:14Z level=error msg=\"dial tcp: lookup x: no such host\" host=db"));
	assert_field(&x.fields, "time", "2025-03-11T10:00:14Z");
	assert_field(&x.fields, "level", "error");
	assert_field(&x.fields, "msg", "dial tcp: lookup x: no such host");
	assert_field(&x.fields, "host", "db");
	assert_int_equal(x.fields.count, 4);
	assert_time(&x, S(T0 + 14));
	assert_text(&x, "dial tcp: lookup x: no such host db");
	assert_line(&x, "time=2025-03-11T10:00:14Z level=error msg=\"dial tcp: lookup x: no such host\" host=db");

	/* Escapes in quoted values; lvl becomes level too. */
	assert_true(decode(&x, "lvl=warn msg=\"say \\\"hi\\\"\\n\" component=api"));
	assert_field(&x.fields, "msg", "say \"hi\"\n");
	assert_field(&x.fields, "level", "warn");
	assert_field(&x.fields, "lvl", "warn");
	assert_text(&x, "say \"hi\"\n api");
	assert_false(x.ev.has_time);
	fx_fini(&x);
}

static void test_logfmt_prose(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_true(decode(&x, "user logged in with retry=3 ok"));
	assert_text(&x, "user logged in with retry=3 ok");
	assert_int_equal(x.fields.count, 0);

	assert_true(decode(&x, "retry=3 then gave up on the connection"));
	assert_text(&x, "retry=3 then gave up on the connection");
	assert_int_equal(x.fields.count, 0);

	/* Two pairs among many words: still prose. */
	assert_true(decode(&x, "a=1 b=2 and then some more words here"));
	assert_text(&x, "a=1 b=2 and then some more words here");
	assert_int_equal(x.fields.count, 0);
	fx_fini(&x);
}

/* ---- forced formats and the registry ---- */

static void test_forced_plain(void **state)
{
	(void)state;
	const struct lm_decoder *plain = lm_decoder_find("plain");
	assert_ptr_equal(plain, &lm_decoder_plain);
	struct fx x;
	fx_init(&x, plain);
	assert_true(decode(&x, "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:01Z\"}"));
	assert_text(&x, "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:01Z\"}");
	assert_int_equal(x.fields.count, 0);
	assert_false(x.ev.has_time);

	assert_true(decode(&x, "2025-03-11T10:00:01Z stdout P piece"));
	assert_text(&x, "2025-03-11T10:00:01Z stdout P piece");
	assert_time(&x, S(T0 + 1));
	assert_int_equal(x.fields.count, 0);
	assert_int_equal(PARTIAL_LEN(&x), 0);

	assert_true(decode(&x, "level=error msg=boom host=db"));
	assert_text(&x, "level=error msg=boom host=db");
	assert_int_equal(x.fields.count, 0);
	fx_fini(&x);

	/* Forced logfmt: a line without any pair stays whole (with its time). */
	fx_init(&x, lm_decoder_find("logfmt"));
	assert_true(decode(&x, "2025-03-11T10:00:03Z just words"));
	assert_text(&x, "2025-03-11T10:00:03Z just words");
	assert_time(&x, S(T0 + 3));
	assert_int_equal(x.fields.count, 0);
	assert_true(decode(&x, "only=one pair in prose"));
	assert_field(&x.fields, "only", "one");
	assert_text(&x, "one");
	fx_fini(&x);

	/* Forced CRI on a line that is not CRI: plain. */
	fx_init(&x, lm_decoder_find("cri"));
	assert_true(decode(&x, "{\"msg\":\"json\"}"));
	assert_text(&x, "{\"msg\":\"json\"}");
	assert_int_equal(x.fields.count, 0);
	assert_true(decode(&x, "2025-03-11T10:00:02Z stderr F {\"msg\":\"inner json\"}"));
	assert_text(&x, "inner json");
	assert_field(&x.fields, "stream", "stderr");
	fx_fini(&x);
}

static void test_registry(void **state)
{
	(void)state;
	assert_ptr_equal(lm_decoder_find("docker"), &lm_decoder_json);
	assert_ptr_equal(lm_decoder_find("json"), &lm_decoder_json);
	assert_ptr_equal(lm_decoder_find("cri"), &lm_decoder_cri);
	assert_ptr_equal(lm_decoder_find("kubectl"), &lm_decoder_kubectl);
	assert_ptr_equal(lm_decoder_find("logfmt"), &lm_decoder_logfmt);
	assert_ptr_equal(lm_decoder_find("plain"), &lm_decoder_plain);
	assert_null(lm_decoder_find("xml"));
	assert_null(lm_decoder_find(""));
	assert_null(lm_decoder_find("JSON"));
	assert_string_equal(lm_decoder_names(), "cri, docker, json, kubectl, logfmt, plain");
}

/* ---- Kubernetes paths ---- */

static void test_k8s_path(void **state)
{
	(void)state;
	struct lm_fields fs;
	lm_fields_init(&fs);
	const char *path = "/var/log/containers/library-app-7d9f8b6c4-x2k9p_library-management-prod_"
			   "library-app-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log";
	assert_true(lm_decode_k8s_path(path, &fs));
	assert_field(&fs, "pod", "library-app-7d9f8b6c4-x2k9p");
	assert_field(&fs, "namespace", "library-management-prod");
	assert_field(&fs, "container", "library-app");
	assert_int_equal(fs.count, 3);

	lm_fields_reset(&fs);
	assert_true(lm_decode_k8s_path("/var/log/pods/ns_pod_uid/container/0.log", &fs));
	assert_field(&fs, "namespace", "ns");
	assert_field(&fs, "pod", "pod");
	assert_field(&fs, "container", "container");
	assert_int_equal(fs.count, 3);

	lm_fields_reset(&fs);
	assert_true(lm_decode_k8s_path("/var/log/pods/shop_web-1_0b1c2d3e-aaaa-bbbb-cccc-0123456789ab/nginx/12.log", &fs));
	assert_field(&fs, "namespace", "shop");
	assert_field(&fs, "pod", "web-1");
	assert_field(&fs, "container", "nginx");

	static const char *const no[] = {
		"/var/log/syslog",
		"app.log",
		"-",
		"",
		"/var/log/containers/a_b_c.log",          /* no container id */
		"/var/log/containers/a_b_c-0123.log",     /* id too short */
		"/var/log/containers/nounderscores-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log",
		"/var/log/pods/ns_pod_uid/0.log",         /* no container directory */
		"/var/log/pods/nsonly/container/0.log",
		"/var/log/pods/",
	};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		lm_fields_reset(&fs);
		if (lm_decode_k8s_path(no[i], &fs))
			fail_msg("\"%s\" matched", no[i]);
		assert_int_equal(fs.count, 0);
	}
	lm_fields_fini(&fs);
}

/* ---- through lm_source ---- */

static char *write_temp(const char *data)
{
	char *path = strdup("/tmp/test_decode_XXXXXX");
	assert_non_null(path);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(data);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return path;
}

static void assert_event(const struct lm_source *src, uint64_t line_no, lm_time_t t,
			 bool has_time, const char *text)
{
	if (src->ev.line_no != line_no)
		fail_msg("\"%s\": line_no %llu, want %llu", text,
			 (unsigned long long)src->ev.line_no, (unsigned long long)line_no);
	assert_int_equal(src->ev.time, t);
	assert_int_equal(src->ev.has_time, has_time);
	assert_bytes("text", src->ev.text, src->ev.text_len, text);
}

static void test_source(void **state)
{
	(void)state;
	char *path = write_temp(
		"2025-03-11T10:00:01Z stdout F first\n"                    /* 1 */
		"2025-03-11T10:00:02Z stdout P joined \n"                  /* 2 */
		"2025-03-11T10:00:03Z stdout P and \n"                     /* 3 */
		"2025-03-11T10:00:04Z stdout F done\n"                     /* 4 */
		"no time here\n"                                           /* 5 */
		"\n"                                                       /* 6 */
		"{\"msg\":\"json without time\",\"level\":\"info\"}\n"     /* 7 */
		"{\"log\":\"broken\n"                                      /* 8 */
		"2025-03-11T10:00:05Z plain with time\n"                   /* 9 */
		"{\"log\":\"a \",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:06Z\"}\n" /* 10 */
		"{\"log\":\"b\\n\",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:07Z\"}\n" /* 11 */
		"after docker\n"                                           /* 12 */
		"2025-03-11T10:00:09Z stderr P tail\r\n");                 /* 13 */
	struct lm_source src;
	struct lm_source_opts opts = { 0 };
	assert_int_equal(lm_source_open(&src, path, 3, &opts), 0);

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 1, S(T0 + 1), true, "first");
	assert_field(src.ev.fields, "stream", "stdout");
	assert_string_equal(src.ev.source_name, path);
	assert_int_equal(src.ev.source_index, 3);

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 2, S(T0 + 2), true, "joined and done");

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 5, S(T0 + 2), false, "no time here");
	assert_int_equal(src.ev.fields->count, 0);

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 6, S(T0 + 2), false, "");

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 7, S(T0 + 2), false, "json without time");
	assert_field(src.ev.fields, "level", "info");

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 8, S(T0 + 2), false, "{\"log\":\"broken");
	assert_int_equal(src.dec.errors, 1);

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 9, S(T0 + 5), true, "2025-03-11T10:00:05Z plain with time");

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 10, S(T0 + 6), true, "a b");
	assert_field(src.ev.fields, "stream", "stdout");

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 12, S(T0 + 6), false, "after docker");

	/* The partial last record, flushed at end of input. */
	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 13, S(T0 + 9), true, "tail");
	assert_false(src.ev.truncated);

	assert_int_equal(lm_source_next(&src), 0);
	assert_int_equal(src.error, 0);
	assert_int_equal(lm_source_next(&src), 0);
	assert_int_equal(src.dec.errors, 1);
	lm_source_close(&src);
	lm_source_close(&src);
	unlink(path);
	free(path);
}

static void test_source_no_time_yet(void **state)
{
	(void)state;
	char *path = write_temp("first has no time\nsecond neither\n2025-03-11T10:00:01Z third\n"
				"0123456789012345678901234567890123456789 cut here\n");
	struct lm_source src;
	struct lm_source_opts opts = { .max_line = 40 };
	lm_time_t before = lm_clock_wall();
	assert_int_equal(lm_source_open(&src, path, 0, &opts), 0);
	assert_int_equal(lm_source_next(&src), 1);
	lm_time_t after = lm_clock_wall();
	/* Before any time is known, the arrival time. */
	assert_false(src.ev.has_time);
	assert_true(src.ev.time >= before && src.ev.time <= after);
	assert_int_equal(src.ev.line_no, 1);
	lm_time_t arrival = src.ev.time;

	assert_int_equal(lm_source_next(&src), 1);
	assert_false(src.ev.has_time);
	assert_true(src.ev.time >= arrival && src.ev.time <= lm_clock_wall());
	assert_int_equal(src.ev.line_no, 2);

	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 3, S(T0 + 1), true, "2025-03-11T10:00:01Z third");

	/* A cut line is flagged, its text is max_line bytes. */
	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 4, S(T0 + 1), false, "0123456789012345678901234567890123456789");
	assert_true(src.ev.truncated);
	assert_int_equal(src.reader.truncated, 1);

	assert_int_equal(lm_source_next(&src), 0);
	lm_source_close(&src);
	unlink(path);
	free(path);

	assert_int_equal(lm_source_open(&src, "/nonexistent/dir/x.log", 0, &opts), -ENOENT);
	lm_source_close(&src);
}

static void test_source_flush_error(void **state)
{
	(void)state;
	/* A partial record flushed at end of input that turns out malformed:
	 * counted, with the line of its first piece. */
	char *path = write_temp("plain one\n"
				"2025-03-11T10:00:01Z stdout P {\"msg\":\n"
				"2025-03-11T10:00:02Z stdout P \"cut");
	struct lm_source src;
	struct lm_source_opts opts = { 0 };
	assert_int_equal(lm_source_open(&src, path, 0, &opts), 0);
	assert_int_equal(lm_source_next(&src), 1);
	assert_int_equal(src.ev.line_no, 1);
	assert_int_equal(src.dec.errors, 0);
	assert_int_equal(lm_source_next(&src), 1);
	assert_event(&src, 2, S(T0 + 1), true, "{\"msg\":\"cut");
	assert_int_equal(src.dec.errors, 1);
	assert_int_equal(src.dec.error_column, strlen("{\"msg\":\"cut") + 1);
	assert_int_equal(lm_source_next(&src), 0);
	lm_source_close(&src);
	unlink(path);
	free(path);
}

static void test_source_k8s_path_fields(void **state)
{
	(void)state;
	/* Fields from the path are on every event, under the record's own. */
	char dir[] = "/tmp/test_decode_dir_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[128], path[192];
	snprintf(sub, sizeof(sub), "%s/pods", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/pods/ns1_pod1_uid", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/pods/ns1_pod1_uid/ctr", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/0.log", sub);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("2025-03-11T10:00:01Z stderr F one\n{\"msg\":\"two\",\"pod\":\"other\"}\n", f);
	fclose(f);

	struct lm_source src;
	struct lm_source_opts opts = { 0 };
	assert_int_equal(lm_source_open(&src, path, 0, &opts), 0);
	assert_int_equal(lm_source_next(&src), 1);
	assert_bytes("text", src.ev.text, src.ev.text_len, "one");
	assert_field(src.ev.fields, "namespace", "ns1");
	assert_field(src.ev.fields, "pod", "pod1");
	assert_field(src.ev.fields, "container", "ctr");
	assert_field(src.ev.fields, "stream", "stderr");
	assert_int_equal(lm_source_next(&src), 1);
	assert_field(src.ev.fields, "namespace", "ns1");
	assert_field(src.ev.fields, "msg", "two");
	assert_int_equal(lm_source_next(&src), 0);
	lm_source_close(&src);

	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/pods/ns1_pod1_uid", dir);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/pods", dir);
	rmdir(sub);
	rmdir(dir);
}

/* Pieces of stdout and stderr never mix, and a word starting with P or F
 * after the stream is no CRI tag. */
static void test_cri_streams_apart(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_false(decode(&x, "2025-03-11T10:00:01Z stdout P lookup db.examp"));
	assert_true(decode(&x, "2025-03-11T10:00:02Z stderr F unrelated stderr line"));
	assert_text(&x, "unrelated stderr line");
	assert_true(decode(&x, "2025-03-11T10:00:03Z stdout F le.com on 10.96.0.10:53"));
	assert_text(&x, "lookup db.example.com on 10.96.0.10:53");
	assert_time(&x, S(T0 + 1));
	/* "Processing" is not a P tag: the whole line is plain text. */
	assert_true(decode(&x, "2025-03-11T10:00:04Z stderr Processing batch 1"));
	assert_text(&x, "2025-03-11T10:00:04Z stderr Processing batch 1");
	assert_true(decode(&x, "2025-03-11T10:00:05Z stderr F:x tagged"));
	assert_text(&x, "tagged");
	fx_fini(&x);
}

/* Docker pieces are joined per stream; a JSON record with only time and
 * log is an application record, never a piece. */
static void test_docker_streams_and_app_records(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	assert_false(decode(&x, "{\"log\":\"out \",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:01Z\"}"));
	assert_true(decode(&x, "{\"log\":\"err\\n\",\"stream\":\"stderr\",\"time\":\"2025-03-11T10:00:02Z\"}"));
	assert_text(&x, "err");
	assert_true(decode(&x, "{\"log\":\"done\\n\",\"stream\":\"stdout\",\"time\":\"2025-03-11T10:00:03Z\"}"));
	assert_text(&x, "out done");
	assert_time(&x, S(T0 + 1));
	assert_true(decode(&x, "{\"time\":\"2025-03-11T10:00:04Z\",\"log\":\"app says hi\"}"));
	assert_text(&x, "app says hi");
	assert_true(decode(&x, "{\"time\":\"2025-03-11T10:00:05Z\",\"log\":\"and again\"}"));
	assert_text(&x, "and again");
	assert_int_equal(PARTIAL_LEN(&x), 0);
	fx_fini(&x);
}

/* A Filebeat record with more labels than an event holds keeps its message:
 * the envelope is still peeled, and the crowding is counted. */
static void test_crowded_envelope(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x, NULL);
	char rec[8192];
	size_t n = (size_t)snprintf(rec, sizeof(rec), "{\"@timestamp\":\"2025-03-11T10:00:00Z\",\"kubernetes\":{\"labels\":{");
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(rec + n, sizeof(rec) - n, "%s\"l%d\":\"v%d\"", i ? "," : "", i, i);
	snprintf(rec + n, sizeof(rec) - n,
		 "}},\"message\":\"dial tcp: lookup db on 10.96.0.10:53: no such host\"}");
	assert_true(decode(&x, rec));
	assert_text(&x, "dial tcp: lookup db on 10.96.0.10:53: no such host");
	assert_time(&x, S(T0));
	assert_int_equal(x.ctx.crowded, 1);
	fx_fini(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cri_full),
		cmocka_unit_test(test_cri_partial_join),
		cmocka_unit_test(test_cri_partial_flush),
		cmocka_unit_test(test_cri_partial_bounded),
		cmocka_unit_test(test_cri_streams_apart),
		cmocka_unit_test(test_crowded_envelope),
		cmocka_unit_test(test_docker_streams_and_app_records),
		cmocka_unit_test(test_docker_line),
		cmocka_unit_test(test_docker_split),
		cmocka_unit_test(test_docker_json_app),
		cmocka_unit_test(test_fluent_bit),
		cmocka_unit_test(test_filebeat),
		cmocka_unit_test(test_json_app_times),
		cmocka_unit_test(test_json_nested),
		cmocka_unit_test(test_json_deep_keys),
		cmocka_unit_test(test_json_very_deep),
		cmocka_unit_test(test_json_very_wide),
		cmocka_unit_test(test_json_duplicate_keys),
		cmocka_unit_test(test_json_not_one_object),
		cmocka_unit_test(test_json_broken),
		cmocka_unit_test(test_kubectl_prefix),
		cmocka_unit_test(test_kubectl_timestamps_json),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_plain_leading_time),
		cmocka_unit_test(test_logfmt),
		cmocka_unit_test(test_logfmt_prose),
		cmocka_unit_test(test_forced_plain),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_k8s_path),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_source_no_time_yet),
		cmocka_unit_test(test_source_flush_error),
		cmocka_unit_test(test_source_k8s_path_fields),
	};
	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
