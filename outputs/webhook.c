/*
 * webhook: every diagnosis POSTed to a URL, as the object `-o json` writes
 * (one per POST, or a JSON array of up to `batch` of them), or in the shape
 * of a Slack incoming webhook (format=slack: a one-line text and blocks).
 * User documentation: docs/outputs/webhook.md.
 *
 * Payloads are made on the pipeline thread and queued (outputs/delivery.h);
 * the worker posts them through the shared HTTP code (outputs/http.h).
 * Text from logs goes into Slack mrkdwn with its control characters (&, <,
 * >) escaped, so a log line cannot make a link or mention anyone.
 */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/sanitize.h"
#include "ingest/timestamp.h"
#include "outputs/http.h"
#include "outputs/jsonw.h"
#include "outputs/output.h"

#define NAME "webhook"
#define SLACK_HEADER_MAX 150  /* Slack's limit for a header block's text */
#define SLACK_SECTION_MAX 2900 /* under Slack's 3000 for a section's text */

enum webhook_format { FORMAT_JSON, FORMAT_SLACK };

struct webhook {
	enum webhook_format format;
	struct lm_jw *jw;       /* pipeline thread */
	struct lm_buf text;     /* pipeline thread: the mrkdwn being built */
	struct lm_buf piece;    /* pipeline thread: one escaped piece of it */
	struct lm_buf cmd;      /* pipeline thread: a rendered command */
	struct lm_delivery *delivery;
};

struct webhook_sink {
	struct lm_http *http;
	bool array;             /* batch given: a JSON array per POST */
	struct lm_buf body;     /* worker thread */
};

/* Appends s with Slack mrkdwn's control characters escaped. */
static void mrkdwn(struct lm_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			lm_buf_puts(out, "&amp;");
			break;
		case '<':
			lm_buf_puts(out, "&lt;");
			break;
		case '>':
			lm_buf_puts(out, "&gt;");
			break;
		default:
			lm_buf_putc(out, s[i]);
		}
	}
}

/* Cuts escaped mrkdwn to at most max bytes, neither inside a UTF-8
 * character nor inside an entity; true when it cut. */
static bool cut_mrkdwn(struct lm_buf *b, size_t max)
{
	if (b->len <= max)
		return false;
	size_t n = lm_utf8_cut(b->data, b->len, max);
	for (size_t i = n; i > 0 && n - i < 5; i--)
		if (b->data[i - 1] == '&')
			n = i - 1; /* an entity that would be cut: before it */
	b->len = n;
	b->data[n] = '\0';
	return true;
}

/* "name=value, name=value" of the group key, escaped. */
static void where(struct lm_buf *out, const struct lm_diagnosis *d)
{
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i), v = lm_fields_val(&d->key_fields, i);
		if (i)
			lm_buf_puts(out, ", ");
		mrkdwn(out, k.p, k.n);
		lm_buf_putc(out, '=');
		mrkdwn(out, v.p, v.n);
	}
}

/* The mrkdwn built in w->text, as a JSON string. */
static void text_value(struct webhook *w)
{
	lm_jw_str(w->jw, w->text.data ? w->text.data : "", w->text.len);
}

/* {"type": TYPE, "text": {"type": TEXT_TYPE, "text": w->text}} */
static void text_block(struct webhook *w, const char *type, const char *text_type)
{
	lm_jw_map(w->jw);
	lm_jw_key(w->jw, "type");
	lm_jw_cstr(w->jw, type);
	lm_jw_key(w->jw, "text");
	lm_jw_map(w->jw);
	lm_jw_key(w->jw, "type");
	lm_jw_cstr(w->jw, text_type);
	lm_jw_key(w->jw, "text");
	text_value(w);
	lm_jw_end_map(w->jw);
	lm_jw_end_map(w->jw);
}

static void section(struct webhook *w)
{
	text_block(w, "section", "mrkdwn");
}

/* The one-line text: "<severity> <title> (<key>) [resolved]". */
static void slack_text(struct webhook *w, const struct lm_diagnosis *d, enum lm_emit kind)
{
	lm_buf_reset(&w->text);
	lm_buf_printf(&w->text, "%s ", lm_severity_name(d->rule->severity));
	mrkdwn(&w->text, d->rule->title, strlen(d->rule->title));
	if (d->key_fields.count) {
		lm_buf_puts(&w->text, " (");
		where(&w->text, d);
		lm_buf_putc(&w->text, ')');
	}
	if (kind == LM_EMIT_RESOLVED)
		lm_buf_puts(&w->text, " [resolved]");
	text_value(w);
}

static void slack_header(struct webhook *w, const struct lm_diagnosis *d, enum lm_emit kind)
{
	lm_buf_reset(&w->text);
	lm_buf_puts(&w->text, d->rule->title);
	if (kind == LM_EMIT_RESOLVED)
		lm_buf_puts(&w->text, " [resolved]");
	w->text.len = lm_utf8_cut(w->text.data, w->text.len, SLACK_HEADER_MAX);
	text_block(w, "header", "plain_text");
}

/* Severity, event, layer, where, how often and since when. */
static void slack_where(struct webhook *w, const struct lm_diagnosis *d, enum lm_emit kind)
{
	char first[40], last[40];
	lm_time_format(d->first_seen, first, sizeof(first));
	lm_time_format(kind == LM_EMIT_RESOLVED ? d->resolved_at : d->last_seen, last, sizeof(last));
	lm_buf_reset(&w->text);
	lm_buf_printf(&w->text, "*%s* · %s · layer %s\n", lm_severity_name(d->rule->severity),
		      lm_emit_name(kind), d->rule->layer);
	if (d->key_fields.count) {
		lm_buf_puts(&w->text, "*Where:* ");
		where(&w->text, d);
		lm_buf_putc(&w->text, '\n');
	}
	lm_buf_printf(&w->text, "*Seen:* %llu time%s, %s to %s", (unsigned long long)d->count,
		      d->count == 1 ? "" : "s", first, last);
	section(w);
}

/* The first evidence line in a code block. */
static void slack_evidence(struct webhook *w, const struct lm_diagnosis *d)
{
	const struct lm_evidence *ev;
	if (lm_diagnosis_evidence(d, &ev, 1) == 0)
		return;
	lm_buf_reset(&w->piece);
	mrkdwn(&w->piece, ev->text.data ? ev->text.data : "", ev->text.len);
	bool cut = cut_mrkdwn(&w->piece, SLACK_SECTION_MAX - 200);
	lm_buf_reset(&w->text);
	lm_buf_puts(&w->text, "*Evidence* (");
	mrkdwn(&w->text, ev->source, strlen(ev->source));
	lm_buf_printf(&w->text, ":%llu)\n```%s%s```", (unsigned long long)ev->line_no,
		      w->piece.data ? w->piece.data : "", cut || ev->cut ? "…" : "");
	section(w);
}

/* The remediation steps, commands rendered with the diagnosis's fields,
 * each in a code block, as many as fit. */
static void slack_remediation(struct webhook *w, const struct lm_diagnosis *d)
{
	const struct lm_rule *r = d->rule;
	if (!r->n_remediation)
		return;
	lm_buf_reset(&w->text);
	lm_buf_puts(&w->text, "*Remediation*");
	for (unsigned i = 0; i < r->n_remediation; i++) {
		lm_buf_reset(&w->piece);
		lm_buf_puts(&w->piece, "\n• ");
		mrkdwn(&w->piece, r->remediation[i].title, strlen(r->remediation[i].title));
		if (r->remediation[i].run) {
			lm_buf_reset(&w->cmd);
			lm_diagnosis_render(d, r->remediation[i].run, &w->cmd);
			lm_buf_puts(&w->piece, "\n```");
			mrkdwn(&w->piece, w->cmd.data ? w->cmd.data : "", w->cmd.len);
			lm_buf_puts(&w->piece, "```");
		}
		if (w->text.len + w->piece.len > SLACK_SECTION_MAX) {
			lm_buf_printf(&w->text, "\n… %u more step%s", r->n_remediation - i,
				      r->n_remediation - i == 1 ? "" : "s");
			break;
		}
		lm_buf_append(&w->text, w->piece.data, w->piece.len);
	}
	section(w);
}

/* The incident id and the runbook link. */
static void slack_context(struct webhook *w, const struct lm_diagnosis *d)
{
	const char *rb = d->rule->runbook;
	lm_buf_reset(&w->text);
	lm_buf_printf(&w->text, "incident `%s` · rule `%s`", d->incident, d->rule->id);
	if (rb && !strpbrk(rb, "<>| \t\n")) {
		lm_buf_puts(&w->text, " · <");
		mrkdwn(&w->text, rb, strlen(rb));
		lm_buf_puts(&w->text, "|runbook>");
	}
	lm_jw_map(w->jw);
	lm_jw_key(w->jw, "type");
	lm_jw_cstr(w->jw, "context");
	lm_jw_key(w->jw, "elements");
	lm_jw_array(w->jw);
	lm_jw_map(w->jw);
	lm_jw_key(w->jw, "type");
	lm_jw_cstr(w->jw, "mrkdwn");
	lm_jw_key(w->jw, "text");
	text_value(w);
	lm_jw_end_map(w->jw);
	lm_jw_end_array(w->jw);
	lm_jw_end_map(w->jw);
}

static void slack_payload(struct webhook *w, const struct lm_diagnosis *d, enum lm_emit kind)
{
	lm_jw_map(w->jw);
	lm_jw_key(w->jw, "text");
	slack_text(w, d, kind);
	lm_jw_key(w->jw, "blocks");
	lm_jw_array(w->jw);
	slack_header(w, d, kind);
	slack_where(w, d, kind);
	slack_evidence(w, d);
	slack_remediation(w, d);
	slack_context(w, d);
	lm_jw_end_array(w->jw);
	lm_jw_end_map(w->jw);
}

static void webhook_diagnosis(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct webhook *w = state;
	lm_jw_reset(w->jw);
	if (w->format == FORMAT_SLACK)
		slack_payload(w, d, kind);
	else
		lm_jw_diagnosis(w->jw, d, kind);
	struct lm_str s = lm_jw_text(w->jw);
	lm_delivery_push(w->delivery, s.p, s.n);
}

/* Worker thread: one payload, or a JSON array of them. */
static void webhook_send(void *state, struct lm_delivery_item *const *items, unsigned n,
			 enum lm_send_result *results)
{
	struct webhook_sink *s = state;
	lm_buf_reset(&s->body);
	if (s->array)
		lm_buf_putc(&s->body, '[');
	for (unsigned i = 0; i < n; i++) {
		if (i)
			lm_buf_putc(&s->body, ',');
		lm_buf_append(&s->body, items[i]->data, items[i]->len);
	}
	if (s->array)
		lm_buf_putc(&s->body, ']');
	lm_http_post_all(s->http, "", s->body.data, s->body.len, results, n);
}

static void webhook_sink_fini(void *state)
{
	struct webhook_sink *s = state;
	lm_http_free(s->http);
	lm_buf_fini(&s->body);
	free(s);
}

static const struct lm_sink_ops webhook_sink_ops = {
	.send = webhook_send,
	.fini = webhook_sink_fini,
};

static bool format_setting(const struct lm_output_conf *c, enum webhook_format *f)
{
	const char *v = lm_output_setting(c, "format");
	*f = v && strcmp(v, "slack") == 0 ? FORMAT_SLACK : FORMAT_JSON;
	if (v && strcmp(v, "slack") && strcmp(v, "json")) {
		lm_log_error("--output-opt " NAME ".format=%s: not json or slack", v);
		return false;
	}
	if (*f == FORMAT_SLACK && lm_output_setting(c, "batch")) {
		lm_log_error("--output-opt " NAME ".batch: Slack takes one message per POST");
		return false;
	}
	return true;
}

static void *webhook_init(const struct lm_output_conf *c)
{
	enum webhook_format format;
	struct lm_http_opts ho = { 0 };
	struct lm_http *http = NULL;
	static const char *const known[] = { "format", "timeout", "tls_verify", "header",
					     "bearer_token", "basic_auth", NULL };
	if (lm_output_check_settings(c, NAME, known) && format_setting(c, &format) &&
	    lm_http_settings(NAME, c, &ho))
		http = lm_http_new(NAME, &ho, "application/json");
	lm_http_opts_fini(&ho);
	if (!http)
		return NULL;
	struct webhook_sink *s = lm_xcalloc(1, sizeof(*s));
	s->http = http;
	s->array = lm_output_setting(c, "batch") != NULL;
	lm_buf_init(&s->body);
	struct lm_delivery_opts o = c->delivery;
	if (!s->array)
		o.batch_max = 1;
	struct webhook *w = lm_xcalloc(1, sizeof(*w));
	w->format = format;
	w->jw = lm_jw_new();
	lm_buf_init(&w->text);
	lm_buf_init(&w->piece);
	lm_buf_init(&w->cmd);
	w->delivery = lm_delivery_new(NAME, &webhook_sink_ops, s, &o);
	return w;
}

static struct lm_delivery *webhook_delivery(void *state)
{
	return ((struct webhook *)state)->delivery;
}

static void webhook_fini(void *state)
{
	struct webhook *w = state;
	if (!w)
		return;
	lm_delivery_free(w->delivery);
	lm_jw_free(w->jw);
	lm_buf_fini(&w->text);
	lm_buf_fini(&w->piece);
	lm_buf_fini(&w->cmd);
	free(w);
}

const struct lm_output_ops lm_output_webhook = {
	.name = NAME,
	.init = webhook_init,
	.diagnosis = webhook_diagnosis,
	.delivery = webhook_delivery,
	.fini = webhook_fini,
};
