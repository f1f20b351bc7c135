/*
 * json: diagnoses and --matches lines as JSON, one object per line.
 * The only output that uses yajl's generator.  The schema is documented in
 * docs/json.md; keys are written in a fixed order so the same input gives
 * byte-identical output.  Log text is made valid UTF-8 first; yajl escapes
 * control characters.  Diagnoses arrive with their secrets already masked
 * (analyzers/engine.c); --matches fields are masked here.  It also reads
 * one thing: the per-item statuses of an Elasticsearch bulk answer.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "core/redact.h"
#include "core/sanitize.h"
#include "ingest/timestamp.h"
#include "outputs/jsonw.h"
#include "outputs/output.h"

struct json_out {
	FILE *out;
	yajl_gen g;
	struct lm_buf tmp;  /* sanitised strings */
	struct lm_buf cmd;  /* rendered commands */
};

static struct json_out *json_new(FILE *out)
{
	struct json_out *j = lm_xcalloc(1, sizeof(*j));
	j->out = out;
	j->g = yajl_gen_alloc(NULL);
	lm_buf_init(&j->tmp);
	lm_buf_init(&j->cmd);
	return j;
}

static void json_free(struct json_out *j)
{
	if (!j)
		return;
	yajl_gen_free(j->g);
	lm_buf_fini(&j->tmp);
	lm_buf_fini(&j->cmd);
	free(j);
}

static void str(struct json_out *j, const char *s, size_t n)
{
	lm_buf_reset(&j->tmp);
	lm_sanitize_utf8(&j->tmp, s, n);
	yajl_gen_string(j->g, (const unsigned char *)(j->tmp.data ? j->tmp.data : ""), j->tmp.len);
}

static void cstr(struct json_out *j, const char *s)
{
	str(j, s, strlen(s));
}

static void key(struct json_out *j, const char *k)
{
	yajl_gen_string(j->g, (const unsigned char *)k, strlen(k));
}

static void kv(struct json_out *j, const char *k, const char *v)
{
	key(j, k);
	if (v)
		cstr(j, v);
	else
		yajl_gen_null(j->g);
}

static void time_value(struct json_out *j, lm_time_t t)
{
	char buf[40];
	lm_time_format(t, buf, sizeof(buf));
	cstr(j, buf);
}

/* A number with at most `decimals` digits after the point, trailing zeros
 * dropped: yajl's own %.20g shows binary noise (2345.6779999999998836). */
static void number(struct json_out *j, double v, int decimals)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (n <= 0 || n >= (int)sizeof(buf) || !isfinite(v)) {
		yajl_gen_null(j->g);
		return;
	}
	if (strchr(buf, '.')) {
		while (n > 0 && buf[n - 1] == '0')
			n--;
		if (n > 0 && buf[n - 1] == '.')
			n--;
	}
	yajl_gen_number(j->g, buf, (size_t)n);
}

/* Fields as an object; a name seen twice keeps its first value, the one
 * logmedic itself uses (a log line must not override, say, the pod name its
 * file path gave). */
static void fields_object(struct json_out *j, const struct lm_fields *fs)
{
	yajl_gen_map_open(j->g);
	for (unsigned i = 0; i < fs->count; i++) {
		struct lm_str k = lm_fields_key(fs, i), v = lm_fields_val(fs, i), first;
		if (lm_fields_get(fs, k.p, k.n, &first) && first.p != v.p)
			continue;
		str(j, k.p, k.n);
		str(j, v.p, v.n);
	}
	yajl_gen_map_close(j->g);
}

static void flush_line(struct json_out *j)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(j->g, &buf, &len);
	fwrite(buf, 1, len, j->out);
	fputc('\n', j->out);
	fflush(j->out);
	yajl_gen_clear(j->g);
	yajl_gen_reset(j->g, NULL);
}

/* {"field":"status","counts":{"502":12,"503":4},"other":0} for a rule with
 * split: status, else null.  "other" counts the values past the first eight;
 * it stands outside "counts", where a log's own value "other" may be. */
static void split_object(struct json_out *j, const struct lm_diagnosis *d)
{
	if (!d->rule->split) {
		yajl_gen_null(j->g);
		return;
	}
	yajl_gen_map_open(j->g);
	kv(j, "field", d->rule->split);
	key(j, "counts");
	yajl_gen_map_open(j->g);
	for (unsigned i = 0; i < d->n_split; i++) {
		cstr(j, d->split[i].value);
		yajl_gen_integer(j->g, (long long)d->split[i].count);
	}
	yajl_gen_map_close(j->g);
	key(j, "other");
	yajl_gen_integer(j->g, (long long)d->split_other);
	yajl_gen_map_close(j->g);
}

static void evidence_array(struct json_out *j, const struct lm_diagnosis *d)
{
	const struct lm_evidence *ev[LM_EVIDENCE_MAX];
	unsigned n = lm_diagnosis_evidence(d, ev, LM_EVIDENCE_MAX);
	yajl_gen_array_open(j->g);
	for (unsigned i = 0; i < n; i++) {
		yajl_gen_map_open(j->g);
		key(j, "time");
		time_value(j, ev[i]->time);
		kv(j, "source", ev[i]->source);
		key(j, "line");
		yajl_gen_integer(j->g, (long long)ev[i]->line_no);
		key(j, "text");
		str(j, ev[i]->text.data ? ev[i]->text.data : "", ev[i]->text.len);
		key(j, "cut");
		yajl_gen_bool(j->g, ev[i]->cut);
		yajl_gen_map_close(j->g);
	}
	yajl_gen_array_close(j->g);
}

static void remediation_array(struct json_out *j, const struct lm_diagnosis *d)
{
	const struct lm_rule *r = d->rule;
	yajl_gen_array_open(j->g);
	for (unsigned i = 0; i < r->n_remediation; i++) {
		yajl_gen_map_open(j->g);
		kv(j, "title", r->remediation[i].title);
		key(j, "run");
		if (r->remediation[i].run) {
			lm_buf_reset(&j->cmd);
			lm_diagnosis_render(d, r->remediation[i].run, &j->cmd);
			str(j, j->cmd.data, j->cmd.len);
		} else {
			yajl_gen_null(j->g);
		}
		yajl_gen_map_close(j->g);
	}
	yajl_gen_array_close(j->g);
}

static void diagnosis_object(struct json_out *j, const struct lm_diagnosis *d, enum lm_emit kind)
{
	const struct lm_rule *r = d->rule;
	yajl_gen_map_open(j->g);
	kv(j, "type", "diagnosis");
	kv(j, "status", kind == LM_EMIT_RESOLVED ? "resolved" : "firing");
	kv(j, "event", lm_emit_name(kind));
	kv(j, "rule", r->id);
	kv(j, "title", r->title);
	kv(j, "severity", lm_severity_name(r->severity));
	kv(j, "layer", r->layer);
	key(j, "escalation");
	yajl_gen_integer(j->g, r->escalation);
	key(j, "key");
	fields_object(j, &d->key_fields);
	key(j, "first_seen");
	time_value(j, d->first_seen);
	key(j, "last_seen");
	time_value(j, d->last_seen);
	key(j, "resolved_at");
	if (kind == LM_EMIT_RESOLVED)
		time_value(j, d->resolved_at);
	else
		yajl_gen_null(j->g);
	key(j, "count");
	yajl_gen_integer(j->g, (long long)d->count);
	key(j, "value");
	if (d->rule->when.kind == LM_WHEN_RATIO || d->rule->when.kind == LM_WHEN_QUANTILE)
		number(j, d->value, 6);
	else
		yajl_gen_null(j->g);
	key(j, "split");
	split_object(j, d);
	key(j, "evidence");
	evidence_array(j, d);
	key(j, "fields");
	fields_object(j, &d->fields);
	key(j, "causes");
	yajl_gen_array_open(j->g);
	for (unsigned i = 0; i < r->n_causes; i++)
		cstr(j, r->causes[i]);
	yajl_gen_array_close(j->g);
	key(j, "remediation");
	remediation_array(j, d);
	key(j, "verify");
	if (r->verify) {
		lm_buf_reset(&j->cmd);
		lm_diagnosis_render(d, r->verify, &j->cmd);
		str(j, j->cmd.data, j->cmd.len);
	} else {
		yajl_gen_null(j->g);
	}
	kv(j, "runbook", r->runbook);
	kv(j, "incident", d->incident);
	kv(j, "root_cause", d->root_rule ? d->root_rule->id : NULL);
	yajl_gen_map_close(j->g);
}

static void json_diagnosis(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct json_out *j = state;
	diagnosis_object(j, d, kind);
	flush_line(j);
}


static void json_aggregate(void *state, const struct lm_aggregate_row *row, unsigned rank)
{
	struct json_out *j = state;
	yajl_gen_map_open(j->g);
	kv(j, "type", "aggregate");
	kv(j, "rule", row->rule->id);
	key(j, "rank");
	yajl_gen_integer(j->g, rank);
	kv(j, "fingerprint", row->fingerprint);
	kv(j, "value_field", row->rule->aggregate.value);
	key(j, "count");
	yajl_gen_integer(j->g, (long long)row->count);
	key(j, "total");
	number(j, row->total, 3);
	key(j, "max");
	number(j, row->max, 3);
	key(j, "p95");
	number(j, lm_sketch_quantile(&row->sketch, 0.95), 3);
	key(j, "first_seen");
	time_value(j, row->first_seen);
	key(j, "last_seen");
	time_value(j, row->last_seen);
	kv(j, "example", row->example);
	yajl_gen_map_close(j->g);
	flush_line(j);
}

static void *json_init(const struct lm_output_conf *c)
{
	return json_new(c->out);
}

static void json_fini(void *state)
{
	json_free(state);
}

const struct lm_output_ops lm_output_json = {
	.name = "json",
	.init = json_init,
	.diagnosis = json_diagnosis,
	.aggregate = json_aggregate,
	.fini = json_fini,
};

struct lm_matches_writer {
	struct json_out *j;
	bool redact;              /* mask the fields (not under --no-redact) */
	struct lm_fields masked;  /* the fields as written, reused */
	struct lm_buf scratch;
};

struct lm_matches_writer *lm_matches_writer_new(FILE *out, bool redact)
{
	struct lm_matches_writer *w = lm_xcalloc(1, sizeof(*w));
	w->j = json_new(out);
	w->redact = redact;
	lm_fields_init(&w->masked);
	lm_buf_init(&w->scratch);
	return w;
}

void lm_matches_writer_free(struct lm_matches_writer *w)
{
	if (!w)
		return;
	json_free(w->j);
	lm_fields_fini(&w->masked);
	lm_buf_fini(&w->scratch);
	free(w);
}

void lm_matches_write(struct lm_matches_writer *w, const char *source, uint64_t line,
		      const char *const *rule_ids, unsigned n_rules, const struct lm_fields *fields)
{
	struct json_out *j = w->j;
	if (w->redact) {
		lm_redact_fields(&w->masked, fields, NULL, SIZE_MAX, &w->scratch);
		fields = &w->masked;
	}
	yajl_gen_map_open(j->g);
	kv(j, "source", source);
	key(j, "line");
	yajl_gen_integer(j->g, (long long)line);
	key(j, "rules");
	yajl_gen_array_open(j->g);
	for (unsigned i = 0; i < n_rules; i++)
		cstr(j, rule_ids[i]);
	yajl_gen_array_close(j->g);
	key(j, "fields");
	fields_object(j, fields);
	yajl_gen_map_close(j->g);
	flush_line(j);
}

/* The JSON writer of outputs/jsonw.h: the same generator, into memory. */
struct lm_jw {
	struct json_out j;
};

struct lm_jw *lm_jw_new(void)
{
	return (struct lm_jw *)json_new(NULL);
}

void lm_jw_free(struct lm_jw *w)
{
	json_free(w ? &w->j : NULL);
}

void lm_jw_reset(struct lm_jw *w)
{
	yajl_gen_clear(w->j.g);
	yajl_gen_reset(w->j.g, NULL);
}

struct lm_str lm_jw_text(struct lm_jw *w)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(w->j.g, &buf, &len);
	return (struct lm_str){ (const char *)buf, len };
}

void lm_jw_map(struct lm_jw *w)
{
	yajl_gen_map_open(w->j.g);
}

void lm_jw_end_map(struct lm_jw *w)
{
	yajl_gen_map_close(w->j.g);
}

void lm_jw_array(struct lm_jw *w)
{
	yajl_gen_array_open(w->j.g);
}

void lm_jw_end_array(struct lm_jw *w)
{
	yajl_gen_array_close(w->j.g);
}

void lm_jw_key(struct lm_jw *w, const char *k)
{
	key(&w->j, k);
}

void lm_jw_str(struct lm_jw *w, const char *s, size_t n)
{
	str(&w->j, s, n);
}

void lm_jw_cstr(struct lm_jw *w, const char *s)
{
	if (s)
		cstr(&w->j, s);
	else
		yajl_gen_null(w->j.g);
}

void lm_jw_int(struct lm_jw *w, long long v)
{
	yajl_gen_integer(w->j.g, v);
}

void lm_jw_num(struct lm_jw *w, double v, int decimals)
{
	number(&w->j, v, decimals);
}

void lm_jw_time(struct lm_jw *w, lm_time_t t)
{
	time_value(&w->j, t);
}

void lm_jw_fields(struct lm_jw *w, const struct lm_fields *fs)
{
	fields_object(&w->j, fs);
}

void lm_jw_diagnosis(struct lm_jw *w, const struct lm_diagnosis *d, enum lm_emit kind)
{
	diagnosis_object(&w->j, d, kind);
}

/* The status of one item of a bulk answer: {"create": {"status": 201, ...}}
 * (whatever the action's name); 0 when it has none. */
static int bulk_item_status(yajl_val item)
{
	const char *path[] = { "status", NULL };
	if (!YAJL_IS_OBJECT(item) || item->u.object.len == 0)
		return 0;
	yajl_val st = yajl_tree_get(item->u.object.values[0], path, yajl_t_number);
	return st && YAJL_IS_INTEGER(st) ? (int)YAJL_GET_INTEGER(st) : 0;
}

int lm_json_bulk_statuses(const char *body, size_t len, int *statuses, unsigned max)
{
	const char *path[] = { "items", NULL };
	char *text = lm_xstrndup(body, len);
	yajl_val root = yajl_tree_parse(text, NULL, 0);
	free(text);
	yajl_val items = root ? yajl_tree_get(root, path, yajl_t_array) : NULL;
	int n = items ? 0 : -1;
	for (size_t i = 0; items && i < items->u.array.len && (unsigned)n < max; i++)
		statuses[n++] = bulk_item_status(items->u.array.values[i]);
	yajl_tree_free(root);
	return n;
}
