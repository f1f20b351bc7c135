/*
 * decode_json: every JSON record, the only decoder that uses yajl.
 *
 *   Docker json-file   {"log":"...\n","stream":"stderr","time":"..."}; a "log"
 *                      without its newline is a piece of a split line, joined
 *   Fluent Bit         {"log":"...","kubernetes":{"pod_name":...}}
 *   Filebeat, Vector   {"message":"...","@timestamp":...,"kubernetes":{...}}
 *   application logs   {"level":"error","msg":"...","ts":1741687200.5,...}
 *
 * Envelopes (the first three) are wrappers: their message is decoded again
 * and only their well-known metadata is kept as fields (stream, namespace,
 * pod, container, host).  An application record is final: every scalar
 * becomes a field (nested keys joined with '.'), and the rule text is its
 * message followed by its other string values.
 *
 * One yajl handle per source parses record after record
 * (yajl_allow_multiple_values), so a record costs no allocation; the handle
 * is replaced only after a malformed record.
 */
#include "ingest/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "ingest/timestamp.h"

#define PATH_DEPTH 16

struct text_slot {
	bool set;
	size_t off, len;
	int field; /* its index among the event's fields, or -1 if it did not fit */
};

struct lm_json_parser {
	yajl_handle h;
	struct lm_decode_ctx *ctx;
	struct lm_buf path;
	size_t path_len[PATH_DEPTH + 1];
	int index[PATH_DEPTH + 1]; /* per level: next array index, or -1 in a map */
	unsigned depth;      /* maps and arrays open */
	unsigned docs;       /* top-level values completed in this record */
	bool top_not_object;
	uint64_t is_string;  /* field indexes holding strings */
	/* The record's top-level "log", "message" and "msg" strings, kept here
	 * too, so a record with more fields than an event holds keeps them. */
	struct lm_buf texts;
	struct text_slot log, message, msg;
	unsigned top_keys, docker_keys;
	bool has_stream;
	bool envelope_hint;
	struct lm_fields kept; /* a wrapper's metadata, while its record is dropped */
};

static bool key_is(const struct lm_json_parser *p, const char *k)
{
	return p->depth == 1 && strcmp(p->path.data, k) == 0;
}

static void note_top_key(struct lm_json_parser *p, const char *k, size_t n)
{
	static const char *const docker[] = { "log", "stream", "time", "attrs", NULL };
	static const char *const hints[] = { "@timestamp", "agent", "ecs", "input",
					     "kubernetes", "source_type", "fields", "host",
					     "@metadata", NULL };
	struct lm_str key = { k, n };
	p->top_keys++;
	for (const char *const *d = docker; *d; d++)
		if (lm_str_eq(key, *d))
			p->docker_keys++;
	if (lm_str_eq(key, "stream"))
		p->has_stream = true;
	for (const char *const *h = hints; *h; h++)
		if (lm_str_eq(key, *h))
			p->envelope_hint = true;
}

/* In an array, an element's path is the array's path and its index
 * ("tags.0", "tags.1"), so every field keeps a name of its own. */
static void array_element(struct lm_json_parser *p)
{
	if (p->depth == 0 || p->depth > PATH_DEPTH || p->index[p->depth] < 0)
		return;
	p->path.len = p->path_len[p->depth];
	lm_buf_printf(&p->path, "%s%d", p->path.len ? "." : "", p->index[p->depth]++);
}

static int add_value(struct lm_json_parser *p, const char *v, size_t n, bool string)
{
	array_element(p);
	if (p->depth == 0) {
		p->top_not_object = true;
		return 1;
	}
	if (p->depth > PATH_DEPTH)
		return 1;
	struct lm_fields *fs = p->ctx->fields;
	unsigned before = fs->count;
	lm_fields_add(fs, p->path.data, p->path.len, v, n);
	bool stored = fs->count > before && before < 64;
	if (stored && string)
		p->is_string |= UINT64_C(1) << before;
	struct text_slot *slot = !string || p->depth != 1 ? NULL
				 : key_is(p, "log") ? &p->log
				 : key_is(p, "message") ? &p->message
				 : key_is(p, "msg") ? &p->msg : NULL;
	if (slot && !slot->set) {
		slot->set = true;
		slot->off = p->texts.len;
		slot->len = n;
		slot->field = stored ? (int)before : -1;
		lm_buf_append(&p->texts, v, n);
	}
	return 1;
}

static int on_null(void *c)
{
	return add_value(c, "null", 4, false);
}

static int on_bool(void *c, int b)
{
	return b ? add_value(c, "true", 4, false) : add_value(c, "false", 5, false);
}

static int on_number(void *c, const char *s, size_t n)
{
	return add_value(c, s, n, false);
}

static int on_string(void *c, const unsigned char *s, size_t n)
{
	return add_value(c, (const char *)s, n, true);
}

static void open_level(struct lm_json_parser *p, bool array)
{
	array_element(p);
	if (p->depth < PATH_DEPTH) {
		p->path_len[p->depth + 1] = p->path.len;
		p->index[p->depth + 1] = array ? 0 : -1;
	}
	p->depth++;
}

static int on_start_map(void *c)
{
	struct lm_json_parser *p = c;
	if (p->depth == 0 && p->docs > 0)
		p->docs++; /* a second value on the same line: rejected later */
	open_level(p, false);
	return 1;
}

static int on_map_key(void *c, const unsigned char *k, size_t n)
{
	struct lm_json_parser *p = c;
	if (p->depth > PATH_DEPTH)
		return 1;
	/* The path is the parent's path plus this key. */
	p->path.len = p->path_len[p->depth];
	if (p->path.len)
		lm_buf_putc(&p->path, '.');
	lm_buf_append(&p->path, k, n);
	if (p->depth == 1)
		note_top_key(p, (const char *)k, n);
	return 1;
}

static int close_level(void *c)
{
	struct lm_json_parser *p = c;
	p->depth--;
	/* path_len[depth + 1] was saved only when the level opened below PATH_DEPTH. */
	if (p->depth < PATH_DEPTH) {
		p->path.len = p->path_len[p->depth + 1];
		if (p->path.cap)
			p->path.data[p->path.len] = '\0';
	}
	if (p->depth == 0)
		p->docs++;
	return 1;
}

static int on_start_array(void *c)
{
	struct lm_json_parser *p = c;
	if (p->depth == 0)
		p->top_not_object = true;
	open_level(p, true);
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = close_level,
	.yajl_start_array = on_start_array,
	.yajl_end_array = close_level,
};

static yajl_handle new_handle(struct lm_json_parser *p)
{
	yajl_handle h = yajl_alloc(&callbacks, NULL, p);
	yajl_config(h, yajl_allow_multiple_values, 1);
	yajl_config(h, yajl_dont_validate_strings, 1);
	return h;
}

struct lm_json_parser *lm_json_parser_new(void)
{
	struct lm_json_parser *p = lm_xcalloc(1, sizeof(*p));
	lm_buf_init(&p->path);
	lm_buf_init(&p->texts);
	lm_fields_init(&p->kept);
	p->h = new_handle(p);
	return p;
}

void lm_json_parser_free(struct lm_json_parser *p)
{
	if (!p)
		return;
	yajl_free(p->h);
	lm_buf_fini(&p->path);
	lm_buf_fini(&p->texts);
	lm_fields_fini(&p->kept);
	free(p);
}

static void reset_record(struct lm_json_parser *p, struct lm_decode_ctx *ctx)
{
	p->ctx = ctx;
	lm_buf_reset(&p->path);
	lm_buf_putc(&p->path, '\0');
	p->path.len = 0;
	p->path_len[0] = p->path_len[1] = 0;
	p->depth = p->docs = 0;
	p->top_not_object = false;
	p->is_string = 0;
	lm_buf_reset(&p->texts);
	p->log.set = p->message.set = p->msg.set = false;
	p->top_keys = p->docker_keys = 0;
	p->has_stream = false;
	p->envelope_hint = false;
}

/* Parse one record; false (with ctx's error set) when it is not one JSON object. */
static bool parse_record(struct lm_json_parser *p, const char *s, size_t n)
{
	yajl_status st = yajl_parse(p->h, (const unsigned char *)s, n);
	/* Where it went wrong: inside the text (yajl stops right after the byte
	 * where it noticed the problem, so the count is that byte's 1-based
	 * column), or at its end (cut short). */
	size_t column = yajl_get_bytes_consumed(p->h);
	if (column == 0)
		column = 1;
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(p->h);
		column = n + 1;
	}
	if (st == yajl_status_ok && p->docs == 1 && !p->top_not_object)
		return true;
	char why[128] = "not a single JSON object";
	if (st != yajl_status_ok && p->ctx->errors == 0) { /* only the first is reported */
		unsigned char *msg = yajl_get_error(p->h, 0, NULL, 0);
		snprintf(why, sizeof(why), "%s", (const char *)msg);
		why[strcspn(why, "\r\n")] = '\0';
		yajl_free_error(p->h, msg);
	}
	lm_decode_error(p->ctx, column, why);
	yajl_free(p->h); /* its state is undefined after an error */
	p->h = new_handle(p);
	return false;
}

static bool field(const struct lm_fields *fs, const char *k, struct lm_str *v)
{
	return lm_fields_get(fs, k, strlen(k), v);
}

/* Well-known metadata under the names rules use. */
static void map_metadata(struct lm_decode_ctx *ctx, const struct lm_fields *from,
			 struct lm_fields *to)
{
	static const char *const map[][2] = {
		{ "stream", "stream" },
		{ "kubernetes.namespace_name", "namespace" },
		{ "kubernetes.namespace", "namespace" },
		{ "kubernetes.pod_namespace", "namespace" },
		{ "kubernetes.pod_name", "pod" },
		{ "kubernetes.pod.name", "pod" },
		{ "kubernetes.container_name", "container" },
		{ "kubernetes.container.name", "container" },
		{ "kubernetes.host", "node" },
		{ "kubernetes.node.name", "node" },
		{ "host.name", "host" },
		{ "hostname", "host" },
		{ "host", "host" },
		{ "level", "level" },
		{ "log.level", "level" },
		{ "severity", "level" },
		{ "lvl", "level" },
		{ "levelname", "level" },
	};
	static const char *const time_keys[] = { "time", "@timestamp", "timestamp", "ts", "t" };
	struct lm_str v;
	lm_time_t t;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct lm_str have;
		if (field(from, map[i][0], &v) && !lm_fields_get(to, map[i][1], strlen(map[i][1]), &have))
			lm_fields_set(to, map[i][1], strlen(map[i][1]), v.p, v.n);
	}
	for (size_t i = 0; i < sizeof(time_keys) / sizeof(time_keys[0]); i++)
		if (field(from, time_keys[i], &v) && lm_time_parse_value(v.p, v.n, ctx->ref, &t)) {
			lm_decode_set_time(ctx, t);
			break;
		}
}

/* A wrapper: keep its metadata, hand its message back to be decoded again. */
static enum lm_decode_status unwrap(struct lm_decode_ctx *ctx, unsigned depth, unsigned before,
				    struct lm_str msg, bool docker, struct lm_decode_result *res)
{
	struct lm_fields *fs = ctx->fields;
	struct lm_buf *inner = &ctx->scratch[depth];
	lm_buf_reset(inner);
	lm_buf_append(inner, msg.p, msg.n);
	/* Keep the fields from before this record, plus the record's metadata
	 * under the names rules use; drop the record's own fields. */
	struct lm_fields *kept = &ctx->json->kept;
	lm_fields_reset(kept);
	for (unsigned i = 0; i < before; i++) {
		struct lm_str k = lm_fields_key(fs, i), v = lm_fields_val(fs, i);
		lm_fields_add(kept, k.p, k.n, v.p, v.n);
	}
	map_metadata(ctx, fs, kept);
	lm_fields_copy(fs, kept);

	bool ends_line = inner->len && inner->data[inner->len - 1] == '\n';
	if (ends_line)
		inner->len--;
	if (inner->len && inner->data[inner->len - 1] == '\r')
		inner->len--;
	if (docker) {
		struct lm_str stream = { "stdout", 6 };
		field(fs, "stream", &stream);
		if (lm_decode_partial(ctx, &lm_decoder_json, lm_decode_stream(stream.p, stream.n),
				      depth, inner->data, inner->len, ends_line, &res->inner))
			return LM_DECODE_INNER;
		if (!ends_line)
			return LM_DECODE_PARTIAL;
	}
	res->inner = (struct lm_str){ inner->data, inner->len };
	return LM_DECODE_INNER;
}

static struct lm_str slot_text(const struct lm_json_parser *p, const struct text_slot *t)
{
	return (struct lm_str){ p->texts.data + t->off, t->len };
}

static bool json_detect(const char *s, size_t n)
{
	return n >= 2 && s[0] == '{';
}

static enum lm_decode_status json_decode(struct lm_decode_ctx *ctx, unsigned depth,
					 const char *s, size_t n,
					 struct lm_decode_result *res)
{
	struct lm_json_parser *p = ctx->json;
	struct lm_fields *fs = ctx->fields;
	unsigned before = fs->count;
	reset_record(p, ctx);
	if (!parse_record(p, s, n)) {
		lm_fields_truncate(fs, before);
		return lm_decoder_plain.decode(ctx, depth, s, n, res);
	}
	if (fs->dropped)
		ctx->crowded++;
	if (p->log.set) {
		/* Docker json-file: log, stream and time, nothing else but attrs. */
		bool docker = p->docker_keys == p->top_keys && p->has_stream;
		return unwrap(ctx, depth, before, slot_text(p, &p->log), docker, res);
	}
	if (p->message.set && p->envelope_hint)
		return unwrap(ctx, depth, before, slot_text(p, &p->message), false, res);

	/* An application record: its message, then its other string values
	 * but time and level. */
	map_metadata(ctx, fs, fs);
	const struct text_slot *msg = p->message.set ? &p->message : p->msg.set ? &p->msg : NULL;
	uint64_t text_fields = p->is_string;
	for (unsigned i = before; i < fs->count && i < 64; i++) {
		struct lm_str k = lm_fields_key(fs, i);
		if (lm_decode_is_time_key(k) || lm_decode_is_level_key(k) ||
		    (msg && msg->field == (int)i))
			text_fields &= ~(UINT64_C(1) << i);
	}
	res->line = (struct lm_str){ s, n };
	res->text = lm_decode_structured_text(ctx, msg ? slot_text(p, msg) : (struct lm_str){ "", 0 },
					      text_fields);
	return LM_DECODE_DONE;
}

const struct lm_decoder lm_decoder_json = {
	.name = "json",
	.detect = json_detect,
	.decode = json_decode,
};
