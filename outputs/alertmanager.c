/*
 * alertmanager: diagnoses as Prometheus Alertmanager alerts (API v2),
 * `--output alertmanager=URL`.  See docs/outputs/alertmanager.md.
 *
 * Pipeline thread: each diagnosis becomes one alert object (lm_jw) with
 * labels (alertname = rule id, severity, layer, incident, the key fields),
 * annotations (summary, description, runbook_url, remediation), startsAt
 * and generatorURL, behind a small header line for the worker (what kind of
 * item it is, its times, its identity); it is pushed to the delivery queue.
 *
 * Worker thread (the sink): posts batches as a JSON array to
 * BASE/api/v2/alerts through the shared HTTP code (outputs/http.h).
 * endsAt is added there, at send time: a firing alert ends 3 resend
 * intervals after it was last sent (so one that is no longer re-sent ends
 * by itself, and one that waited in the queue through an outage does not
 * arrive already ended); a resolved one ends at its resolution.  The
 * worker keeps the latest alert of every firing diagnosis (rule and key)
 * and pushes them again every resend interval.
 * Those re-sends count as queued in the delivery counters, not as new
 * diagnoses.  When a diagnosis changes incident (a root cause explained it),
 * the alert under its old incident label is resolved in the same post.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "ingest/timestamp.h"
#include "outputs/delivery.h"
#include "outputs/http.h"
#include "outputs/jsonw.h"
#include "outputs/output.h"

#define AM_NAME "alertmanager"
#define AM_PATH "/api/v2/alerts"
#define AM_RESEND_DEFAULT (60 * LM_NS_PER_SEC)
#define AM_RESOLVE_TIMEOUT (5 * 60 * LM_NS_PER_SEC) /* Alertmanager's default */

/* What an item is: a diagnosis firing, resolved, or a re-send by the tick. */
enum { AM_FIRING = 'F', AM_RESOLVED = 'R', AM_RESEND = 'S' };

/* An item as the worker reads it.  On the wire:
 * "KIND STARTS ENDS GEN INCIDENT KEYLEN\n" KEY BODY, where BODY is the
 * alert object without endsAt. */
struct am_item {
	char kind;
	lm_time_t starts, ends; /* ends: resolved only */
	uint64_t gen;           /* re-send: the generation it re-sends */
	char incident[17];
	struct lm_str key, body;
};

/* The latest alert of a firing diagnosis, in the worker. */
struct am_alert {
	char *key;
	size_t key_len;
	char *body;
	size_t body_len;
	char incident[17];
	lm_time_t starts;
	uint64_t gen;
	struct am_alert *next;
};

/* Worker thread state: owned by the delivery. */
struct am_sink {
	struct lm_http *http;
	lm_time_t resend;
	unsigned queue_max;
	struct am_alert **table;
	unsigned n_buckets, n_alerts;
	uint64_t gen;
	unsigned cursor; /* where the last tick stopped, when the queue was short */
	struct lm_jw *jw; /* endsAt values */
	struct lm_buf post, one;
};

/* Pipeline thread state. */
struct am_out {
	struct lm_delivery *delivery;
	struct lm_jw *jw;
	struct lm_buf item, text, names;
	char *generator_url;
};

/* --- the worker's table of firing alerts, by rule and key */

static struct am_alert **am_slot(struct am_sink *s, struct lm_str key)
{
	uint64_t h = lm_hash(LM_HASH_SEED, key.p, key.n);
	struct am_alert **p = &s->table[h % s->n_buckets];
	while (*p && !((*p)->key_len == key.n && memcmp((*p)->key, key.p, key.n) == 0))
		p = &(*p)->next;
	return p;
}

static void am_grow(struct am_sink *s)
{
	unsigned old_n = s->n_buckets;
	struct am_alert **old = s->table;
	s->n_buckets = old_n ? old_n * 2 : 256;
	s->table = lm_xcalloc(s->n_buckets, sizeof(*s->table));
	for (unsigned i = 0; i < old_n; i++)
		for (struct am_alert *a = old[i], *next; a; a = next) {
			next = a->next;
			struct am_alert **p = am_slot(s, (struct lm_str){ a->key, a->key_len });
			a->next = *p;
			*p = a;
		}
	free(old);
}

static void am_alert_free(struct am_alert *a)
{
	free(a->key);
	free(a->body);
	free(a);
}

static void am_forget(struct am_sink *s, struct lm_str key)
{
	struct am_alert **p = am_slot(s, key), *a = *p;
	if (!a)
		return;
	*p = a->next;
	am_alert_free(a);
	s->n_alerts--;
}

/* Keeps it as the latest alert of its key; returns its generation. */
static uint64_t am_keep(struct am_sink *s, const struct am_item *it)
{
	if (s->n_alerts >= s->n_buckets)
		am_grow(s);
	struct am_alert **p = am_slot(s, it->key), *a = *p;
	if (!a) {
		a = *p = lm_xcalloc(1, sizeof(*a));
		a->key = lm_xstrndup(it->key.p, it->key.n);
		a->key_len = it->key.n;
		s->n_alerts++;
	}
	free(a->body);
	a->body = lm_xstrndup(it->body.p, it->body.n);
	a->body_len = it->body.n;
	memcpy(a->incident, it->incident, sizeof(a->incident));
	a->starts = it->starts;
	return a->gen = ++s->gen;
}

/* --- items */

/* The header and identity of an item; false for bytes that are not one. */
static bool am_parse(const struct lm_delivery_item *di, struct am_item *it)
{
	long long starts, ends;
	unsigned long long gen;
	size_t key_len;
	int used = 0;
	memset(it, 0, sizeof(*it));
	if (sscanf(di->data, "%c %lld %lld %llu %16s %zu\n%n", &it->kind, &starts, &ends, &gen,
		   it->incident, &key_len, &used) != 6 || used <= 0 ||
	    (size_t)used + key_len > di->len)
		return false;
	it->starts = starts;
	it->ends = ends;
	it->gen = gen;
	it->key = (struct lm_str){ di->data + used, key_len };
	it->body = (struct lm_str){ it->key.p + key_len, di->len - (size_t)used - key_len };
	return it->body.n >= 2 && it->body.p[it->body.n - 1] == '}';
}

/* Appends an alert object with its endsAt: body is the object without it. */
static void am_append_alert(struct am_sink *s, struct lm_buf *out, struct lm_str body,
			    lm_time_t starts, lm_time_t ends)
{
	if (ends < starts) /* Alertmanager refuses an end before the start */
		ends = starts;
	lm_jw_reset(s->jw);
	lm_jw_time(s->jw, ends);
	struct lm_str t = lm_jw_text(s->jw);
	if (out->len > 1)
		lm_buf_putc(out, ',');
	lm_buf_append(out, body.p, body.n - 1);
	lm_buf_puts(out, ",\"endsAt\":");
	lm_buf_append(out, t.p, t.n);
	lm_buf_putc(out, '}');
}

/* The alerts one item posts into out ("[" started); false when there is
 * nothing to post (a re-send that a newer state made stale). */
static bool am_prepare(struct am_sink *s, const struct am_item *it, lm_time_t now,
		       struct lm_buf *out)
{
	struct am_alert *a = *am_slot(s, it->key);
	if (it->kind == AM_RESEND) {
		if (!a || a->gen != it->gen)
			return false;
		am_append_alert(s, out, it->body, it->starts, now + 3 * s->resend);
		return true;
	}
	if (a && strcmp(a->incident, it->incident) != 0) /* its old incident ends */
		am_append_alert(s, out, (struct lm_str){ a->body, a->body_len }, a->starts, now);
	if (it->kind == AM_RESOLVED) {
		am_forget(s, it->key);
		am_append_alert(s, out, it->body, it->starts, it->ends);
	} else {
		am_keep(s, it);
		am_append_alert(s, out, it->body, it->starts, now + 3 * s->resend);
	}
	return true;
}

/* --- posting */

/* One POST of a JSON array of alerts; lm_http logs when the outcome
 * changes (an outage once, the recovery once, a refusal with the answer). */
static enum lm_send_result am_post(struct am_sink *s, const struct lm_buf *body)
{
	return lm_http_result(lm_http_post(s->http, AM_PATH, body->data, body->len, NULL));
}

/* A refused batch is posted again alert by alert, so that one alert the
 * server will not take does not take the others down with it. */
static void am_post_each(struct am_sink *s, struct lm_delivery_item *const *items, unsigned n,
			 const bool *included, lm_time_t now, enum lm_send_result *results)
{
	for (unsigned i = 0; i < n; i++) {
		struct am_item it;
		if (!included[i] || !am_parse(items[i], &it))
			continue;
		lm_buf_reset(&s->one);
		lm_buf_putc(&s->one, '[');
		am_prepare(s, &it, now, &s->one);
		lm_buf_putc(&s->one, ']');
		results[i] = am_post(s, &s->one);
		if (results[i] == LM_SEND_FAIL)
			am_forget(s, it.key); /* not re-sent: it would be refused again */
	}
}

static void am_send(void *sink, struct lm_delivery_item *const *items, unsigned n,
		    enum lm_send_result *results)
{
	struct am_sink *s = sink;
	lm_time_t now = lm_clock_wall();
	bool *included = lm_xcalloc(n, sizeof(*included));
	unsigned n_included = 0;
	lm_buf_reset(&s->post);
	lm_buf_putc(&s->post, '[');
	for (unsigned i = 0; i < n; i++) {
		struct am_item it;
		if (!am_parse(items[i], &it))
			results[i] = LM_SEND_FAIL; /* cannot happen: we wrote them */
		else if (!am_prepare(s, &it, now, &s->post))
			results[i] = LM_SEND_OK; /* a stale re-send: nothing to do */
		else {
			included[i] = true;
			n_included++;
		}
	}
	lm_buf_putc(&s->post, ']');
	if (n_included) {
		enum lm_send_result r = am_post(s, &s->post);
		if (r == LM_SEND_FAIL && n_included > 1) {
			am_post_each(s, items, n, included, now, results);
		} else {
			for (unsigned i = 0; i < n; i++)
				if (included[i])
					results[i] = r;
			for (unsigned i = 0; r == LM_SEND_FAIL && i < n; i++) {
				struct am_item it;
				if (included[i] && am_parse(items[i], &it))
					am_forget(s, it.key);
			}
		}
	}
	free(included);
}

/* Every resend interval: the firing alerts go out again, as many as the
 * queue has room for (the next tick goes on from there). */
static lm_time_t am_tick(void *sink, struct lm_delivery *d, lm_time_t now)
{
	struct am_sink *s = sink;
	uint64_t depth = atomic_load(&lm_delivery_stats(d)->depth);
	unsigned room = depth < s->queue_max ? s->queue_max - (unsigned)depth : 0;
	struct lm_buf item;
	lm_buf_init(&item);
	unsigned b = 0;
	for (unsigned k = 0; k < s->n_buckets && room; k++) {
		b = (s->cursor + k) % s->n_buckets;
		struct am_alert *a = s->table[b];
		for (; a && room; a = a->next, room--) {
			lm_buf_reset(&item);
			lm_buf_printf(&item, "%c %lld 0 %" PRIu64 " %s %zu\n", AM_RESEND,
				      (long long)a->starts, a->gen, a->incident, a->key_len);
			lm_buf_append(&item, a->key, a->key_len);
			lm_buf_append(&item, a->body, a->body_len);
			lm_delivery_push(d, item.data, item.len);
		}
		if (a) /* the queue is full: this bucket again at the next tick */
			break;
		s->cursor = (b + 1) % s->n_buckets;
	}
	lm_buf_fini(&item);
	return now + s->resend;
}

static void am_sink_free(void *sink)
{
	struct am_sink *s = sink;
	if (!s)
		return;
	for (unsigned i = 0; i < s->n_buckets; i++)
		for (struct am_alert *a = s->table[i], *next; a; a = next) {
			next = a->next;
			am_alert_free(a);
		}
	free(s->table);
	lm_http_free(s->http);
	lm_jw_free(s->jw);
	lm_buf_fini(&s->post);
	lm_buf_fini(&s->one);
	free(s);
}

static const struct lm_sink_ops am_sink_ops = {
	.send = am_send,
	.tick = am_tick,
	.fini = am_sink_free,
};

/* --- settings (pipeline thread, at init) */

/* Whether s is an absolute URL: Alertmanager takes no other generatorURL. */
static bool am_absolute_url(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	return n > 0 && strncmp(s + n, "://", 3) == 0;
}

static const char *const am_settings[] = {
	"timeout", "tls_verify", "header", "bearer_token", "basic_auth", "resend", "generator_url",
	NULL,
};

static bool am_duration(const struct lm_output_conf *c, const char *key, lm_time_t dflt,
			lm_time_t *out)
{
	const char *v = lm_output_setting(c, key);
	*out = dflt;
	if (v && (lm_duration_parse(v, out) < 0 || *out <= 0)) {
		lm_log_error("--output-opt %s.%s=%s: not a duration (such as 500ms, 5s)", AM_NAME, key, v);
		return false;
	}
	return true;
}

/* The HTTP client from the target and the common settings: the base URL,
 * without its trailing slashes (the path is added at each post). */
static struct lm_http *am_http(const struct lm_output_conf *c)
{
	struct lm_http_opts ho;
	struct lm_http *http = NULL;
	if (lm_http_settings(AM_NAME, c, &ho)) {
		size_t n = strlen(ho.url);
		while (n > 0 && ho.url[n - 1] == '/')
			ho.url[--n] = '\0';
		http = lm_http_new(AM_NAME, &ho, "application/json");
	}
	lm_http_opts_fini(&ho);
	return http;
}

/* The worker's state from the target and settings; NULL after reporting. */
static struct am_sink *am_sink_new(const struct lm_output_conf *c)
{
	lm_time_t resend;
	if (!am_duration(c, "resend", AM_RESEND_DEFAULT, &resend))
		return NULL;
	struct lm_http *http = am_http(c);
	if (!http)
		return NULL;
	if (resend >= AM_RESOLVE_TIMEOUT)
		lm_log_warn("--output-opt %s.resend: alerts are re-sent every %s: keep it below "
			    "Alertmanager's resolve_timeout (5m by default)", AM_NAME,
			    lm_output_setting(c, "resend"));
	struct am_sink *s = lm_xcalloc(1, sizeof(*s));
	s->http = http;
	s->resend = resend;
	s->jw = lm_jw_new();
	lm_buf_init(&s->post);
	lm_buf_init(&s->one);
	s->queue_max = c->delivery.queue_max ? c->delivery.queue_max : LM_DELIVERY_QUEUE_DEFAULT;
	am_grow(s);
	return s;
}

/* --- encoding a diagnosis (pipeline thread) */

/* A key field's name as a label name, [a-zA-Z_][a-zA-Z0-9_]*, into out;
 * false when nothing is left of it. */
static bool am_label_name(struct lm_buf *out, struct lm_str k)
{
	lm_buf_reset(out);
	if (k.n == 0)
		return false;
	if (k.p[0] >= '0' && k.p[0] <= '9')
		lm_buf_putc(out, '_');
	for (size_t i = 0; i < k.n; i++) {
		char ch = k.p[i];
		bool valid = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9') || ch == '_';
		lm_buf_putc(out, valid ? ch : '_');
	}
	return true;
}

/* Whether name is taken among the '\0'-separated names. */
static bool am_name_taken(const struct lm_buf *names, const char *name)
{
	for (size_t at = 0; at < names->len; at += strlen(names->data + at) + 1)
		if (strcmp(names->data + at, name) == 0)
			return true;
	return false;
}

static void am_label(struct am_out *o, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	lm_jw_key(o->jw, name);
	lm_jw_cstr(o->jw, value);
	lm_buf_append(&o->names, name, strlen(name) + 1);
}

static void am_labels(struct am_out *o, const struct lm_diagnosis *d)
{
	struct lm_buf name;
	lm_buf_init(&name);
	lm_buf_reset(&o->names);
	lm_jw_map(o->jw);
	am_label(o, "alertname", d->rule->id);
	am_label(o, "severity", lm_severity_name(d->rule->severity));
	am_label(o, "layer", d->rule->layer);
	am_label(o, "incident", d->incident);
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str v = lm_fields_val(&d->key_fields, i);
		if (!am_label_name(&name, lm_fields_key(&d->key_fields, i)) || v.n == 0 ||
		    am_name_taken(&o->names, name.data))
			continue; /* a name seen before keeps its first value */
		lm_jw_key(o->jw, name.data);
		lm_jw_str(o->jw, v.p, v.n);
		lm_buf_append(&o->names, name.data, name.len + 1);
	}
	lm_jw_end_map(o->jw);
	lm_buf_fini(&name);
}

/* The rule's description, then the first evidence line. */
static void am_description(struct am_out *o, const struct lm_diagnosis *d)
{
	const struct lm_evidence *ev[1];
	lm_buf_reset(&o->text);
	if (d->rule->description)
		lm_buf_puts(&o->text, d->rule->description);
	while (o->text.len && strchr(" \t\n", o->text.data[o->text.len - 1]))
		o->text.data[--o->text.len] = '\0';
	if (lm_diagnosis_evidence(d, ev, 1) == 1 && ev[0]->text.len) {
		if (o->text.len)
			lm_buf_puts(&o->text, "\n\n");
		lm_buf_append(&o->text, ev[0]->text.data, ev[0]->text.len);
	}
}

/* The remediation commands, rendered, one per line. */
static void am_remediation(struct am_out *o, const struct lm_diagnosis *d)
{
	lm_buf_reset(&o->text);
	for (unsigned i = 0; i < d->rule->n_remediation; i++) {
		if (!d->rule->remediation[i].run)
			continue;
		if (o->text.len)
			lm_buf_putc(&o->text, '\n');
		lm_diagnosis_render(d, d->rule->remediation[i].run, &o->text);
	}
}

static void am_annotations(struct am_out *o, const struct lm_diagnosis *d)
{
	lm_jw_map(o->jw);
	lm_jw_key(o->jw, "summary");
	lm_jw_cstr(o->jw, d->rule->title);
	am_description(o, d);
	if (o->text.len) {
		lm_jw_key(o->jw, "description");
		lm_jw_str(o->jw, o->text.data, o->text.len);
	}
	if (d->rule->runbook) {
		lm_jw_key(o->jw, "runbook_url");
		lm_jw_cstr(o->jw, d->rule->runbook);
	}
	am_remediation(o, d);
	if (o->text.len) {
		lm_jw_key(o->jw, "remediation");
		lm_jw_str(o->jw, o->text.data, o->text.len);
	}
	if (d->root_rule) {
		lm_jw_key(o->jw, "root_cause");
		lm_jw_cstr(o->jw, d->root_rule->id);
	}
	lm_jw_end_map(o->jw);
}

static lm_time_t am_starts(const struct lm_diagnosis *d)
{
	return d->fired_at ? d->fired_at : d->first_seen;
}

/* The alert object, without endsAt (the worker adds it). */
static void am_alert(struct am_out *o, const struct lm_diagnosis *d)
{
	const char *generator = o->generator_url;
	if (!generator && d->rule->runbook && am_absolute_url(d->rule->runbook))
		generator = d->rule->runbook;
	lm_jw_reset(o->jw);
	lm_jw_map(o->jw);
	lm_jw_key(o->jw, "labels");
	am_labels(o, d);
	lm_jw_key(o->jw, "annotations");
	am_annotations(o, d);
	lm_jw_key(o->jw, "startsAt");
	lm_jw_time(o->jw, am_starts(d));
	if (generator) {
		lm_jw_key(o->jw, "generatorURL");
		lm_jw_cstr(o->jw, generator);
	}
	lm_jw_end_map(o->jw);
}

static void am_diagnosis(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct am_out *o = state;
	bool resolved = kind == LM_EMIT_RESOLVED;
	am_alert(o, d);
	struct lm_str body = lm_jw_text(o->jw);
	size_t id_len = strlen(d->rule->id), key_len = strlen(d->key);
	lm_buf_reset(&o->item);
	lm_buf_printf(&o->item, "%c %lld %lld 0 %s %zu\n", resolved ? AM_RESOLVED : AM_FIRING,
		      (long long)am_starts(d), (long long)(resolved ? d->resolved_at : 0),
		      d->incident[0] ? d->incident : "-", id_len + 1 + key_len);
	lm_buf_append(&o->item, d->rule->id, id_len);
	lm_buf_putc(&o->item, '\x1e');
	lm_buf_append(&o->item, d->key, key_len);
	lm_buf_append(&o->item, body.p, body.n);
	lm_delivery_push(o->delivery, o->item.data, o->item.len);
}

/* --- the output */

static void am_out_free(struct am_out *o)
{
	lm_jw_free(o->jw);
	lm_buf_fini(&o->item);
	lm_buf_fini(&o->text);
	lm_buf_fini(&o->names);
	free(o->generator_url);
	free(o);
}

static void *am_init(const struct lm_output_conf *c)
{
	const char *gen = lm_output_setting(c, "generator_url");
	if (!lm_output_check_settings(c, AM_NAME, am_settings))
		return NULL;
	if (gen && *gen && !am_absolute_url(gen)) {
		lm_log_error("--output-opt %s.generator_url=%s: not an absolute URL", AM_NAME, gen);
		return NULL;
	}
	struct am_sink *s = am_sink_new(c);
	if (!s)
		return NULL;
	struct am_out *o = lm_xcalloc(1, sizeof(*o));
	o->jw = lm_jw_new();
	lm_buf_init(&o->item);
	lm_buf_init(&o->text);
	lm_buf_init(&o->names);
	o->generator_url = gen && *gen ? lm_xstrdup(gen) : NULL;
	o->delivery = lm_delivery_new(AM_NAME, &am_sink_ops, s, &c->delivery);
	return o;
}

static struct lm_delivery *am_delivery(void *state)
{
	return ((struct am_out *)state)->delivery;
}

static void am_fini(void *state)
{
	struct am_out *o = state;
	if (!o)
		return;
	lm_delivery_free(o->delivery);
	am_out_free(o);
}

const struct lm_output_ops lm_output_alertmanager = {
	.name = AM_NAME,
	.init = am_init,
	.diagnosis = am_diagnosis,
	.delivery = am_delivery,
	.fini = am_fini,
};
