/*
 * elasticsearch: every diagnosis as a document, indexed through the `_bulk`
 * API: a `create` action naming a daily index (the `index` pattern,
 * strftime'd with the diagnosis's time in UTC) and a document with ECS
 * field names, the whole logmedic diagnosis under `logmedic`.  User
 * documentation: docs/outputs/elasticsearch.md.
 *
 * The pair of NDJSON lines is made on the pipeline thread and queued
 * (outputs/delivery.h); the worker joins a batch into one request and reads
 * the answer item by item: a document refused for good (4xx) is counted
 * failed, one throttled (429) or hit by a server error (5xx) is sent again,
 * alone with the others like it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "outputs/http.h"
#include "outputs/jsonw.h"
#include "outputs/output.h"

#define NAME "elasticsearch"
#define INDEX_DEFAULT "logmedic-%Y.%m.%d"
#define INDEX_MAX 255 /* Elasticsearch's limit, in bytes */

struct es {
	char *index;            /* the strftime pattern */
	struct lm_jw *jw;       /* pipeline thread */
	struct lm_buf item;     /* pipeline thread: action and document */
	struct lm_buf text;     /* pipeline thread: index name, message */
	struct lm_delivery *delivery;
};

struct es_sink {
	struct lm_http *http;
	struct lm_buf body;     /* worker thread */
	struct lm_buf answer;
	int *statuses;
	unsigned max;           /* room in statuses */
};

/* The index name for time t (UTC) into out; false when the pattern makes
 * no valid name (empty, too long, upper case, a character Elasticsearch
 * refuses, a leading -, _ or +). */
static bool index_name(const char *pattern, lm_time_t t, struct lm_buf *out)
{
	time_t secs = (time_t)(t / LM_NS_PER_SEC);
	struct tm tm;
	char name[INDEX_MAX + 1];
	gmtime_r(&secs, &tm);
	size_t n = strftime(name, sizeof(name), pattern, &tm);
	lm_buf_reset(out);
	if (n == 0 || strchr("-_+", name[0]) || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((name[i] >= 'A' && name[i] <= 'Z') || strchr("\\/*?\"<>| ,#:", name[i]) ||
		    (unsigned char)name[i] < 0x20)
			return false;
	lm_buf_append(out, name, n);
	return true;
}

/* The value of a field of d into *v: its group key's first, then its
 * latest match's; false when it has none. */
static bool field(const struct lm_diagnosis *d, const char *name, struct lm_str *v)
{
	return lm_fields_get(&d->key_fields, name, strlen(name), v) ||
	       lm_fields_get(&d->fields, name, strlen(name), v);
}

/* "key": {"name": value} */
static void named(struct lm_jw *w, const char *key, struct lm_str v)
{
	lm_jw_key(w, key);
	lm_jw_map(w);
	lm_jw_key(w, "name");
	lm_jw_str(w, v.p, v.n);
	lm_jw_end_map(w);
}

/* kubernetes.{namespace, pod.name, container.name, node.name} and
 * host.name from the diagnosis's fields, when it has them. */
static void ecs_where(struct lm_jw *w, const struct lm_diagnosis *d)
{
	struct lm_str ns, pod, container, node, host;
	bool has_ns = field(d, "namespace", &ns), has_pod = field(d, "pod", &pod),
	     has_container = field(d, "container", &container), has_node = field(d, "node", &node);
	if (has_ns || has_pod || has_container || has_node) {
		lm_jw_key(w, "kubernetes");
		lm_jw_map(w);
		if (has_ns) {
			lm_jw_key(w, "namespace");
			lm_jw_str(w, ns.p, ns.n);
		}
		if (has_pod)
			named(w, "pod", pod);
		if (has_container)
			named(w, "container", container);
		if (has_node)
			named(w, "node", node);
		lm_jw_end_map(w);
	}
	if (field(d, "host", &host))
		named(w, "host", host);
}

/* "title (name=value, name=value)" */
static void message(struct lm_buf *out, const struct lm_diagnosis *d)
{
	lm_buf_reset(out);
	lm_buf_puts(out, d->rule->title);
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i), v = lm_fields_val(&d->key_fields, i);
		lm_buf_puts(out, i ? ", " : " (");
		lm_buf_append(out, k.p, k.n);
		lm_buf_putc(out, '=');
		lm_buf_append(out, v.p, v.n);
	}
	if (d->key_fields.count)
		lm_buf_putc(out, ')');
}

/* event.*: an alert, what happened to it, how bad (1 info to 4 critical),
 * when it began and (resolved) ended. */
static void ecs_event(struct lm_jw *w, const struct lm_diagnosis *d, enum lm_emit kind)
{
	lm_jw_key(w, "event");
	lm_jw_map(w);
	lm_jw_key(w, "kind");
	lm_jw_cstr(w, "alert");
	lm_jw_key(w, "action");
	lm_jw_cstr(w, lm_emit_name(kind));
	lm_jw_key(w, "severity");
	lm_jw_int(w, (long long)d->rule->severity + 1);
	lm_jw_key(w, "dataset");
	lm_jw_cstr(w, "logmedic.diagnosis");
	lm_jw_key(w, "start");
	lm_jw_time(w, d->first_seen);
	if (kind == LM_EMIT_RESOLVED) {
		lm_jw_key(w, "end");
		lm_jw_time(w, d->resolved_at);
	}
	lm_jw_end_map(w);
}

static void ecs_rule(struct lm_jw *w, const struct lm_diagnosis *d)
{
	lm_jw_key(w, "rule");
	lm_jw_map(w);
	lm_jw_key(w, "id");
	lm_jw_cstr(w, d->rule->id);
	lm_jw_key(w, "name");
	lm_jw_cstr(w, d->rule->title);
	lm_jw_key(w, "category");
	lm_jw_cstr(w, d->rule->layer);
	if (d->rule->runbook) {
		lm_jw_key(w, "reference");
		lm_jw_cstr(w, d->rule->runbook);
	}
	lm_jw_end_map(w);
}

static void document(struct es *e, const struct lm_diagnosis *d, enum lm_emit kind, lm_time_t t)
{
	struct lm_jw *w = e->jw;
	lm_jw_reset(w);
	lm_jw_map(w);
	lm_jw_key(w, "@timestamp");
	lm_jw_time(w, t);
	lm_jw_key(w, "message");
	message(&e->text, d);
	lm_jw_str(w, e->text.data, e->text.len);
	ecs_event(w, d, kind);
	ecs_rule(w, d);
	lm_jw_key(w, "labels");
	lm_jw_fields(w, &d->key_fields);
	ecs_where(w, d);
	lm_jw_key(w, "logmedic");
	lm_jw_diagnosis(w, d, kind);
	lm_jw_end_map(w);
}

static void es_diagnosis(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct es *e = state;
	lm_time_t t = kind == LM_EMIT_RESOLVED ? d->resolved_at : d->last_seen;
	if (!index_name(e->index, t, &e->text)) /* checked at init: only an odd time fails */
		index_name(INDEX_DEFAULT, t, &e->text);
	lm_buf_reset(&e->item);
	lm_jw_reset(e->jw);
	lm_jw_map(e->jw);
	lm_jw_key(e->jw, "create");
	lm_jw_map(e->jw);
	lm_jw_key(e->jw, "_index");
	lm_jw_str(e->jw, e->text.data, e->text.len);
	lm_jw_end_map(e->jw);
	lm_jw_end_map(e->jw);
	struct lm_str s = lm_jw_text(e->jw);
	lm_buf_append(&e->item, s.p, s.n);
	lm_buf_putc(&e->item, '\n');
	document(e, d, kind, t);
	s = lm_jw_text(e->jw);
	lm_buf_append(&e->item, s.p, s.n);
	lm_buf_putc(&e->item, '\n');
	lm_delivery_push(e->delivery, e->item.data, e->item.len);
}

/* A 2xx answer, item by item: its status says. */
static void item_results(struct es_sink *s, unsigned n, enum lm_send_result *results)
{
	if (s->max < n) {
		s->statuses = lm_xrealloc(s->statuses, n * sizeof(*s->statuses));
		s->max = n;
	}
	int got = lm_json_bulk_statuses(s->answer.data ? s->answer.data : "", s->answer.len,
					s->statuses, n);
	unsigned refused = 0;
	int refusal = 0;
	for (unsigned i = 0; i < n; i++) {
		int st = (int)i < got ? s->statuses[i] : 0;
		results[i] = st >= 100 ? lm_http_result(st) : LM_SEND_FAIL;
		if (results[i] == LM_SEND_FAIL) {
			refused++;
			refusal = st;
		}
	}
	if (got < 0 || (unsigned)got != n)
		lm_log_error(NAME ": the answer to a bulk request of %u documents does not list them;"
			     " counted as failed", n);
	else if (refused)
		lm_log_error(NAME ": %u of %u documents refused (status %d)", refused, n, refusal);
}

/* Worker thread: one bulk request for the batch. */
static void es_send(void *state, struct lm_delivery_item *const *items, unsigned n,
		    enum lm_send_result *results)
{
	struct es_sink *s = state;
	lm_buf_reset(&s->body);
	for (unsigned i = 0; i < n; i++)
		lm_buf_append(&s->body, items[i]->data, items[i]->len);
	long status = lm_http_post(s->http, "/_bulk", s->body.data, s->body.len, &s->answer);
	if (lm_http_result(status) == LM_SEND_OK) {
		item_results(s, n, results);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		results[i] = lm_http_result(status);
}

static void es_sink_fini(void *state)
{
	struct es_sink *s = state;
	lm_http_free(s->http);
	lm_buf_fini(&s->body);
	lm_buf_fini(&s->answer);
	free(s->statuses);
	free(s);
}

static const struct lm_sink_ops es_sink_ops = {
	.send = es_send,
	.fini = es_sink_fini,
};

/* The HTTP settings, with `api_key` as one more credential; the URL loses
 * its trailing slashes ("/_bulk" follows). */
static bool http_settings(const struct lm_output_conf *c, struct lm_http_opts *o)
{
	if (!lm_http_settings(NAME, c, o))
		return false;
	size_t n = strlen(o->url);
	while (n > 0 && o->url[n - 1] == '/')
		o->url[--n] = '\0';
	return lm_http_auth_setting(NAME, c, "api_key", "ApiKey", o);
}

static bool index_setting(const struct lm_output_conf *c, struct lm_buf *scratch)
{
	const char *v = lm_output_setting(c, "index");
	if (!v || index_name(v, lm_clock_wall(), scratch))
		return true;
	lm_log_error("--output-opt " NAME ".index=%s: not a valid index name once formatted"
		     " (lower case, at most %d bytes, none of \\/*?\"<>| ,#:)", v, INDEX_MAX);
	return false;
}

static void *es_init(const struct lm_output_conf *c)
{
	struct lm_http_opts ho = { 0 };
	struct lm_http *http = NULL;
	struct lm_buf scratch;
	lm_buf_init(&scratch);
	static const char *const known[] = { "index", "timeout", "tls_verify", "header",
					     "bearer_token", "basic_auth", "api_key", NULL };
	if (lm_output_check_settings(c, NAME, known) && index_setting(c, &scratch) &&
	    http_settings(c, &ho))
		http = lm_http_new(NAME, &ho, "application/x-ndjson");
	lm_http_opts_fini(&ho);
	lm_buf_fini(&scratch);
	if (!http)
		return NULL;
	struct es_sink *s = lm_xcalloc(1, sizeof(*s));
	s->http = http;
	lm_buf_init(&s->body);
	lm_buf_init(&s->answer);
	struct es *e = lm_xcalloc(1, sizeof(*e));
	const char *index = lm_output_setting(c, "index");
	e->index = lm_xstrdup(index ? index : INDEX_DEFAULT);
	e->jw = lm_jw_new();
	lm_buf_init(&e->item);
	lm_buf_init(&e->text);
	e->delivery = lm_delivery_new(NAME, &es_sink_ops, s, &c->delivery);
	return e;
}

static struct lm_delivery *es_delivery(void *state)
{
	return ((struct es *)state)->delivery;
}

static void es_fini(void *state)
{
	struct es *e = state;
	if (!e)
		return;
	lm_delivery_free(e->delivery);
	lm_jw_free(e->jw);
	lm_buf_fini(&e->item);
	lm_buf_fini(&e->text);
	free(e->index);
	free(e);
}

const struct lm_output_ops lm_output_elasticsearch = {
	.name = NAME,
	.init = es_init,
	.diagnosis = es_diagnosis,
	.delivery = es_delivery,
	.fini = es_fini,
};
