/*
 * report: `-o report`, one self-contained HTML page on standard output at
 * the end of the run (end of input, or the stop of a live run): the
 * summary, a timeline of the fired diagnoses, each diagnosis in full, and
 * the top statements of aggregating rules (slow queries).
 *
 * The page needs nothing else: the CSS and the SVG chart are inline, there
 * is no script, and a Content-Security-Policy forbids loading anything.
 * Every piece of text, from logs and from rules alike, goes through
 * lm_sanitize_html (control and invisible characters shown as escapes,
 * & < > " ' as character references); secrets were masked when the
 * diagnoses kept their evidence and fields (analyzers/engine.c).
 *
 * It writes nothing as diagnoses come: the page is built from what the
 * engine holds at the end, in the summary's order (outputs/summary.h), each
 * diagnosis as it was last handed out.  Numbers and times come from the
 * events, so the same input gives the same page.
 */
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "ingest/timestamp.h"
#include "outputs/output.h"
#include "outputs/summary.h"

#define REPORT_DIAGNOSES_MAX 1000 /* shown in full; the rest are counted */
#define TIMELINE_ROWS_MAX 100
#define LABEL_MAX 56              /* bytes of a timeline label before it is cut */

/* The chart's geometry, in SVG user units. */
#define CHART_WIDTH 960
#define CHART_LEFT 360  /* where the time axis begins; labels end before it */
#define CHART_RIGHT 940
#define CHART_TOP 28
#define ROW_HEIGHT 22
#define CHART_TICKS 4

struct entry {
	const struct lm_diagnosis *d;
	bool effect; /* explained by the closest entry before it that is not one */
};

struct report {
	FILE *out;
	struct lm_buf page; /* written out after each part */
	struct lm_buf tmp;  /* rendered commands, labels */
	struct entry *entries;
	unsigned n, omitted;
	lm_time_t t0, t1; /* the span the timeline covers */
};

static const char style[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;"
	"color:#222;background:#fff}\n"
	"h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}\n"
	"pre,code{font:12px/1.4 ui-monospace,monospace}\n"
	"pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap;"
	"word-break:break-all;margin:.2em 0}\n"
	"table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;"
	"padding:.2em .6em;border-bottom:1px solid #eee}\n"
	"article{border-left:6px solid #999;padding:.2em 1em;margin:1.5em 0}\n"
	"article.effect{margin-left:2em}\n"
	".badge{color:#fff;padding:.1em .5em;border-radius:3px;font-size:.8em;"
	"text-transform:uppercase}\n"
	"article.critical{border-color:#b00}article.error{border-color:#e33}\n"
	"article.warning{border-color:#d90}article.info{border-color:#29c}\n"
	".badge.critical{background:#b00}.badge.error{background:#e33}\n"
	".badge.warning{background:#d90}.badge.info{background:#29c}\n"
	"svg .critical{fill:#b00}svg .error{fill:#e33}svg .warning{fill:#d90}svg .info{fill:#29c}\n"
	"svg text{font:11px ui-monospace,monospace;fill:#222}svg .axis{stroke:#bbb}\n"
	"svg .ev{fill:#222}svg .resolved{stroke:#2a2;stroke-width:2}\n"
	".src{color:#555;font-size:.9em;margin:.6em 0 0}\n";

/* Text from a log or a rule, escaped. */
static void text(struct report *rep, const char *s, size_t n)
{
	lm_sanitize_html(&rep->page, s, n);
}

static void ctext(struct report *rep, const char *s)
{
	text(rep, s, strlen(s));
}

/* One element holding escaped text: <tag>s</tag>. */
static void element(struct report *rep, const char *tag, const char *s)
{
	lm_buf_printf(&rep->page, "<%s>", tag);
	ctext(rep, s);
	lm_buf_printf(&rep->page, "</%s>", tag);
}

static void time_text(struct report *rep, lm_time_t t)
{
	char at[40];
	lm_time_format(t, at, sizeof(at));
	lm_buf_puts(&rep->page, at);
}

static void flush_page(struct report *rep)
{
	fwrite(rep->page.data, 1, rep->page.len, rep->out);
	lm_buf_reset(&rep->page);
}

/* "k=v k=v" of d's group key, raw, into b. */
static void key_raw(struct lm_buf *b, const struct lm_diagnosis *d)
{
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i);
		struct lm_str v = lm_fields_val(&d->key_fields, i);
		if (i)
			lm_buf_putc(b, ' ');
		lm_buf_append(b, k.p, k.n);
		lm_buf_putc(b, '=');
		lm_buf_append(b, v.p, v.n);
	}
}

/* The end of what d covers: its last match, or its resolution. */
static lm_time_t end_of(const struct lm_diagnosis *d)
{
	return d->status != LM_STATUS_FIRING && d->resolved_at > d->shown_last ? d->resolved_at
										: d->shown_last;
}

static void collect(void *arg, const struct lm_diagnosis *d, bool effect)
{
	struct report *rep = arg;
	if (rep->n == REPORT_DIAGNOSES_MAX) {
		rep->omitted++;
		return;
	}
	rep->entries[rep->n++] = (struct entry){ d, effect };
	if (rep->n == 1 || d->shown_first < rep->t0)
		rep->t0 = d->shown_first;
	if (rep->n == 1 || end_of(d) > rep->t1)
		rep->t1 = end_of(d);
}

static void head(struct report *rep)
{
	lm_buf_printf(&rep->page,
		      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		      "style-src 'unsafe-inline'\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<meta name=\"generator\" content=\"logmedic\">\n"
		      "<title>logmedic report</title>\n<style>\n%s</style>\n</head>\n<body>\n"
		      "<h1>logmedic report</h1>\n",
		      style);
}

/* The summary's first line, the fired diagnoses per severity, its notes. */
static void summary(struct report *rep, const struct lm_run_view *v)
{
	const struct lm_engine_stats *st = lm_engine_stats(v->engine);
	struct lm_buf *b = &rep->tmp;
	lm_buf_reset(b);
	lm_summary_headline(b, v);
	lm_buf_puts(&rep->page, "<section id=\"summary\">\n<h2>Summary</h2>\n");
	element(rep, "p", b->data);
	lm_buf_puts(&rep->page, "\n<table>\n<tr><th>severity</th><th>diagnoses fired</th></tr>\n");
	for (int s = LM_SEV_CRITICAL; s >= LM_SEV_INFO; s--) {
		const char *name = lm_severity_name((enum lm_severity)s);
		lm_buf_printf(&rep->page, "<tr><td><span class=\"badge %s\">%s</span></td><td>%llu</td></tr>\n",
			      name, name, (unsigned long long)st->fired[s]);
	}
	lm_buf_puts(&rep->page, "</table>\n");
	lm_buf_reset(b);
	lm_summary_notes(b, v);
	if (b->len)
		lm_buf_puts(&rep->page, "<ul>\n");
	for (const char *p = b->data; p && *p;) {
		const char *nl = strchr(p, '\n');
		lm_buf_puts(&rep->page, "<li>");
		text(rep, p, (size_t)(nl - p));
		lm_buf_puts(&rep->page, "</li>\n");
		p = nl + 1;
	}
	if (b->len)
		lm_buf_puts(&rep->page, "</ul>\n");
	if (rep->t1 > rep->t0) {
		lm_buf_puts(&rep->page, "<p>Diagnoses from ");
		time_text(rep, rep->t0);
		lm_buf_puts(&rep->page, " to ");
		time_text(rep, rep->t1);
		lm_buf_puts(&rep->page, " (event time, UTC).</p>\n");
	}
	lm_buf_puts(&rep->page, "</section>\n");
}

/* The x coordinate of t on the chart. */
static double chart_x(const struct report *rep, lm_time_t t)
{
	double span = (double)(rep->t1 > rep->t0 ? rep->t1 - rep->t0 : LM_NS_PER_SEC);
	return CHART_LEFT + (double)(t - rep->t0) / span * (CHART_RIGHT - CHART_LEFT);
}

/* Tick labels: the time of day, with milliseconds when the span is short. */
static void axis(struct report *rep, unsigned rows)
{
	lm_time_t span = rep->t1 - rep->t0;
	double bottom = CHART_TOP + rows * ROW_HEIGHT;
	for (int k = 0; k <= (span ? CHART_TICKS : 0); k++) {
		lm_time_t t = rep->t0 + span / CHART_TICKS * k;
		char at[40];
		lm_time_format(t, at, sizeof(at));
		double x = chart_x(rep, t);
		lm_buf_printf(&rep->page,
			      "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>"
			      "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.*s</text>\n",
			      x, CHART_TOP - 4, x, bottom, x, CHART_TOP - 10,
			      span < 10 * LM_NS_PER_SEC ? 12 : 8, at + 11);
	}
}

/* A row's label: rule id and key, cut to LABEL_MAX bytes; the whole of it
 * in a tooltip. */
static void row_label(struct report *rep, const struct entry *e, double y)
{
	struct lm_buf *b = &rep->tmp;
	lm_buf_reset(b);
	lm_buf_puts(b, e->effect ? "-> " : "");
	lm_buf_puts(b, e->d->rule->id);
	if (e->d->key_fields.count)
		lm_buf_putc(b, ' ');
	key_raw(b, e->d);
	size_t cut = lm_utf8_cut(b->data, b->len, LABEL_MAX);
	lm_buf_puts(&rep->page, "<title>");
	text(rep, b->data, b->len);
	lm_buf_printf(&rep->page, "</title><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
		      CHART_LEFT - 8, y + ROW_HEIGHT * 0.65);
	text(rep, b->data, cut);
	lm_buf_printf(&rep->page, "%s</text>", cut < b->len ? "..." : "");
}

/* One diagnosis: a bar from first to last seen, a dot per evidence line, a
 * green tick where it resolved; the row links to its details. */
static void row(struct report *rep, unsigned i, unsigned r)
{
	const struct lm_diagnosis *d = rep->entries[i].d;
	double y = CHART_TOP + r * ROW_HEIGHT, mid = y + ROW_HEIGHT / 2.0;
	double x0 = chart_x(rep, d->shown_first), x1 = chart_x(rep, d->shown_last);
	const char *sev = lm_severity_name(d->rule->severity);
	lm_buf_printf(&rep->page, "<a href=\"#d%u\"><g>", i + 1);
	row_label(rep, &rep->entries[i], y);
	lm_buf_printf(&rep->page,
		      "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>", sev,
		      x0, y + 4, x1 - x0 < 3 ? 3 : x1 - x0, ROW_HEIGHT - 8);
	const struct lm_evidence *ev[LM_EVIDENCE_MAX];
	unsigned n = lm_diagnosis_evidence(d, ev, LM_EVIDENCE_MAX);
	for (unsigned k = 0; k < n; k++)
		if (ev[k]->time >= rep->t0 && ev[k]->time <= rep->t1)
			lm_buf_printf(&rep->page, "<circle class=\"ev\" cx=\"%.1f\" cy=\"%.1f\" r=\"2\"/>",
				      chart_x(rep, ev[k]->time), mid);
	if (d->status != LM_STATUS_FIRING && d->resolved_at >= rep->t0)
		lm_buf_printf(&rep->page,
			      "<line class=\"resolved\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
			      chart_x(rep, d->resolved_at), y + 2, chart_x(rep, d->resolved_at),
			      y + ROW_HEIGHT - 2);
	lm_buf_puts(&rep->page, "</g></a>\n");
}

static void timeline(struct report *rep)
{
	lm_buf_puts(&rep->page, "<section id=\"timeline\">\n<h2>Timeline</h2>\n");
	if (!rep->n) {
		lm_buf_puts(&rep->page, "<p>No diagnosis fired.</p>\n</section>\n");
		return;
	}
	unsigned rows = rep->n < TIMELINE_ROWS_MAX ? rep->n : TIMELINE_ROWS_MAX;
	lm_buf_printf(&rep->page,
		      "<p>One row per diagnosis, in the summary's order: a bar from its first "
		      "to its last match, a dot per evidence line, a green tick where it "
		      "resolved.</p>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"timeline\">\n",
		      CHART_WIDTH, CHART_TOP + rows * ROW_HEIGHT + 8, CHART_WIDTH,
		      CHART_TOP + rows * ROW_HEIGHT + 8);
	axis(rep, rows);
	for (unsigned i = 0; i < rows; i++)
		row(rep, i, i);
	lm_buf_puts(&rep->page, "</svg>\n");
	if (rep->n + rep->omitted > rows)
		lm_buf_printf(&rep->page, "<p>%u more diagnoses not drawn.</p>\n",
			      rep->n + rep->omitted - rows);
	lm_buf_puts(&rep->page, "</section>\n");
}

/* A row of a diagnosis's facts: <tr><th>name</th><td>, to be closed. */
static void fact(struct report *rep, const char *name)
{
	lm_buf_printf(&rep->page, "<tr><th>%s</th><td>", name);
}

static void where(struct report *rep, const struct lm_diagnosis *d)
{
	fact(rep, "where");
	ctext(rep, d->rule->layer);
	if (d->key_fields.count) {
		lm_buf_reset(&rep->tmp);
		key_raw(&rep->tmp, d);
		lm_buf_puts(&rep->page, ", ");
		text(rep, rep->tmp.data, rep->tmp.len);
	}
	lm_buf_puts(&rep->page, "</td></tr>\n");
}

static void when(struct report *rep, const struct lm_diagnosis *d)
{
	fact(rep, "status");
	if (d->status == LM_STATUS_FIRING) {
		lm_buf_puts(&rep->page, "firing");
	} else {
		lm_buf_puts(&rep->page, "resolved at ");
		time_text(rep, d->resolved_at);
	}
	lm_buf_puts(&rep->page, "</td></tr>\n");
	fact(rep, "when");
	time_text(rep, d->shown_first);
	lm_buf_puts(&rep->page, " .. ");
	time_text(rep, d->shown_last);
	lm_buf_printf(&rep->page, ", %llu match%s</td></tr>\n",
		      (unsigned long long)d->emitted_count, d->emitted_count == 1 ? "" : "es");
	if (d->rule->when.kind == LM_WHEN_RATIO || d->rule->when.kind == LM_WHEN_QUANTILE) {
		fact(rep, "value");
		lm_buf_printf(&rep->page, "%.6g</td></tr>\n", d->value);
	}
}

static void split(struct report *rep, const struct lm_diagnosis *d)
{
	if (!d->rule->split || (!d->n_split && !d->split_other))
		return;
	fact(rep, "split");
	ctext(rep, d->rule->split);
	for (unsigned i = 0; i < d->n_split; i++) {
		lm_buf_puts(&rep->page, i ? ", " : ": ");
		ctext(rep, d->split[i].value);
		lm_buf_printf(&rep->page, " x%llu", (unsigned long long)d->split[i].count);
	}
	if (d->split_other)
		lm_buf_printf(&rep->page, ", other x%llu", (unsigned long long)d->split_other);
	lm_buf_puts(&rep->page, "</td></tr>\n");
}

/* A link to entry j's details: its rule id. */
static void link(struct report *rep, unsigned j)
{
	lm_buf_printf(&rep->page, "<a href=\"#d%u\">", j + 1);
	ctext(rep, rep->entries[j].d->rule->id);
	lm_buf_puts(&rep->page, "</a>");
}

/* The root cause that explains entry i, or the diagnoses it explains (the
 * effects listed right after it). */
static void relations(struct report *rep, unsigned i)
{
	const struct lm_diagnosis *d = rep->entries[i].d;
	if (d->root_rule) {
		unsigned c = i;
		while (c > 0 && rep->entries[c].effect)
			c--;
		fact(rep, "root cause");
		lm_buf_puts(&rep->page, "explained by ");
		if (rep->entries[i].effect)
			link(rep, c);
		else
			ctext(rep, d->root_rule->id);
		lm_buf_puts(&rep->page, "</td></tr>\n");
	}
	if (rep->entries[i].effect || i + 1 >= rep->n || !rep->entries[i + 1].effect)
		return;
	fact(rep, "explains");
	for (unsigned j = i + 1; j < rep->n && rep->entries[j].effect; j++) {
		if (j > i + 1)
			lm_buf_puts(&rep->page, ", ");
		link(rep, j);
	}
	lm_buf_puts(&rep->page, "</td></tr>\n");
}

static void facts(struct report *rep, unsigned i)
{
	const struct lm_diagnosis *d = rep->entries[i].d;
	lm_buf_puts(&rep->page, "<table>\n");
	when(rep, d);
	where(rep, d);
	split(rep, d);
	relations(rep, i);
	fact(rep, "incident");
	lm_buf_printf(&rep->page, "%s, escalation level %d</td></tr>\n", d->incident,
		      d->rule->escalation);
	if (d->rule->runbook) {
		fact(rep, "runbook");
		ctext(rep, d->rule->runbook);
		lm_buf_puts(&rep->page, "</td></tr>\n");
	}
	lm_buf_puts(&rep->page, "</table>\n");
}

/* One evidence text; the lines of a joined record (a stack trace) each on
 * a line, a frame's leading tab as four spaces. */
static void evidence_text(struct report *rep, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) + 1 : n;
		if (s[0] == '\t') {
			lm_buf_puts(&rep->page, "    ");
			text(rep, s + 1, (nl ? len - 1 : len) - 1);
		} else {
			text(rep, s, nl ? len - 1 : len);
		}
		if (nl)
			lm_buf_putc(&rep->page, '\n');
		s += len;
		n -= len;
	}
}

static void evidence(struct report *rep, const struct lm_diagnosis *d)
{
	const struct lm_evidence *ev[LM_EVIDENCE_MAX];
	unsigned n = lm_diagnosis_evidence(d, ev, LM_EVIDENCE_MAX);
	if (n)
		lm_buf_puts(&rep->page, "<h4>Evidence</h4>\n");
	for (unsigned i = 0; i < n; i++) {
		lm_buf_puts(&rep->page, "<p class=\"src\">");
		ctext(rep, ev[i]->source);
		lm_buf_printf(&rep->page, ":%llu, ", (unsigned long long)ev[i]->line_no);
		time_text(rep, ev[i]->time);
		lm_buf_puts(&rep->page, ev[i]->cut ? " (cut)</p>\n<pre>" : "</p>\n<pre>");
		evidence_text(rep, ev[i]->text.data ? ev[i]->text.data : "", ev[i]->text.len);
		lm_buf_puts(&rep->page, "</pre>\n");
	}
}

/* The latest match's fields and captures, folded away; a name seen twice
 * keeps its first value, as in the JSON output. */
static void fields(struct report *rep, const struct lm_diagnosis *d)
{
	if (!d->fields.count)
		return;
	lm_buf_puts(&rep->page, "<details><summary>Fields</summary>\n<table>\n");
	for (unsigned i = 0; i < d->fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->fields, i), v = lm_fields_val(&d->fields, i), first;
		if (lm_fields_get(&d->fields, k.p, k.n, &first) && first.p != v.p)
			continue;
		lm_buf_puts(&rep->page, "<tr><th>");
		text(rep, k.p, k.n);
		lm_buf_puts(&rep->page, "</th><td>");
		text(rep, v.p, v.n);
		lm_buf_puts(&rep->page, "</td></tr>\n");
	}
	lm_buf_puts(&rep->page, "</table>\n</details>\n");
}

/* A template of d's rule rendered with its fields, escaped. */
static void rendered(struct report *rep, const struct lm_diagnosis *d, const char *tmpl)
{
	lm_buf_reset(&rep->tmp);
	lm_diagnosis_render(d, tmpl, &rep->tmp);
	text(rep, rep->tmp.data, rep->tmp.len);
}

/* Causes, remediation and verify: what to do. */
static void advice(struct report *rep, const struct lm_diagnosis *d)
{
	const struct lm_rule *r = d->rule;
	if (r->n_causes)
		lm_buf_puts(&rep->page, "<h4>Probable causes</h4>\n<ul>\n");
	for (unsigned i = 0; i < r->n_causes; i++) {
		element(rep, "li", r->causes[i]);
		lm_buf_putc(&rep->page, '\n');
	}
	if (r->n_causes)
		lm_buf_puts(&rep->page, "</ul>\n");
	if (r->n_remediation)
		lm_buf_puts(&rep->page, "<h4>Remediation</h4>\n<ol>\n");
	for (unsigned i = 0; i < r->n_remediation; i++) {
		lm_buf_puts(&rep->page, "<li>");
		ctext(rep, r->remediation[i].title);
		if (r->remediation[i].run) {
			lm_buf_puts(&rep->page, "\n<pre>$ ");
			rendered(rep, d, r->remediation[i].run);
			lm_buf_puts(&rep->page, "</pre>");
		}
		lm_buf_puts(&rep->page, "</li>\n");
	}
	if (r->n_remediation)
		lm_buf_puts(&rep->page, "</ol>\n");
	if (r->verify) {
		lm_buf_puts(&rep->page, "<h4>Verify</h4>\n<p>");
		rendered(rep, d, r->verify);
		lm_buf_puts(&rep->page, "</p>\n");
	}
}

/* Entry i in full.  An effect says what explains it; its cause's details
 * say what to do, as in the text output. */
static void diagnosis(struct report *rep, unsigned i)
{
	const struct lm_diagnosis *d = rep->entries[i].d;
	const char *sev = lm_severity_name(d->rule->severity);
	lm_buf_printf(&rep->page, "<article id=\"d%u\" class=\"%s%s\">\n<h3><span class=\"badge %s\">%s</span> ",
		      i + 1, sev, rep->entries[i].effect ? " effect" : "", sev, sev);
	ctext(rep, d->rule->title);
	lm_buf_puts(&rep->page, " ");
	element(rep, "code", d->rule->id);
	lm_buf_puts(&rep->page, "</h3>\n");
	facts(rep, i);
	evidence(rep, d);
	fields(rep, d);
	if (!d->root_rule)
		advice(rep, d);
	lm_buf_puts(&rep->page, "</article>\n");
}

static void diagnoses(struct report *rep)
{
	lm_buf_puts(&rep->page, "<section id=\"diagnoses\">\n<h2>Diagnoses</h2>\n");
	if (!rep->n)
		lm_buf_puts(&rep->page, "<p>No diagnosis fired.</p>\n");
	for (unsigned i = 0; i < rep->n; i++) {
		diagnosis(rep, i);
		flush_page(rep);
	}
	if (rep->omitted)
		lm_buf_printf(&rep->page, "<p>%u more diagnoses not shown (at most %d are).</p>\n",
			      rep->omitted, REPORT_DIAGNOSES_MAX);
	lm_buf_puts(&rep->page, "</section>\n");
}

static void statement_row(struct report *rep, const struct lm_aggregate_row *row, unsigned rank)
{
	lm_buf_printf(&rep->page,
		      "<tr><td>%u</td><td>%.1f</td><td>%llu</td><td>%.1f</td><td>%.1f</td><td>", rank,
		      row->total, (unsigned long long)row->count, row->max,
		      lm_sketch_quantile(&row->sketch, 0.95));
	time_text(rep, row->first_seen);
	lm_buf_puts(&rep->page, "</td><td>");
	time_text(rep, row->last_seen);
	lm_buf_puts(&rep->page, "</td><td>");
	element(rep, "code", row->fingerprint);
	lm_buf_puts(&rep->page, "\n<details><summary>example</summary><pre>");
	ctext(rep, row->example);
	lm_buf_puts(&rep->page, "</pre></details></td></tr>\n");
}

/* For each aggregating rule, its statements with the largest totals. */
static void statements(struct report *rep, const struct lm_run_view *v)
{
	bool any = false;
	lm_buf_puts(&rep->page, "<section id=\"statements\">\n<h2>Top slow queries</h2>\n");
	for (unsigned i = 0; i < v->rs->n; i++) {
		const struct lm_rule *r = &v->rs->rules[i];
		const struct lm_aggregate_row *top[LM_AGGREGATE_TOP];
		unsigned n = r->aggregate.sql ? lm_engine_top(v->engine, r, top, LM_AGGREGATE_TOP) : 0;
		if (!n)
			continue;
		any = true;
		lm_buf_puts(&rep->page, "<h3>");
		ctext(rep, r->id);
		lm_buf_puts(&rep->page, " by total ");
		ctext(rep, r->aggregate.value ? r->aggregate.value : "count");
		lm_buf_puts(&rep->page, "</h3>\n<table>\n<tr><th>#</th><th>total</th><th>count</th>"
					"<th>max</th><th>p95</th><th>first seen</th><th>last seen</th>"
					"<th>statement</th></tr>\n");
		for (unsigned k = 0; k < n; k++)
			statement_row(rep, top[k], k + 1);
		lm_buf_puts(&rep->page, "</table>\n");
	}
	if (!any)
		lm_buf_puts(&rep->page, "<p>No statement was aggregated.</p>\n");
	lm_buf_puts(&rep->page, "</section>\n");
}

static void report_finish(void *state, const struct lm_run_view *v)
{
	struct report *rep = state;
	lm_summary_each_fired(v->engine, collect, rep);
	head(rep);
	summary(rep, v);
	timeline(rep);
	flush_page(rep);
	diagnoses(rep);
	statements(rep, v);
	lm_buf_puts(&rep->page, "</body>\n</html>\n");
	flush_page(rep);
	fflush(rep->out);
}

static void *report_init(const struct lm_output_conf *c)
{
	struct report *rep = lm_xcalloc(1, sizeof(*rep));
	rep->out = c->out;
	rep->entries = lm_xcalloc(REPORT_DIAGNOSES_MAX, sizeof(*rep->entries));
	lm_buf_init(&rep->page);
	lm_buf_init(&rep->tmp);
	return rep;
}

static void report_fini(void *state)
{
	struct report *rep = state;
	if (!rep)
		return;
	lm_buf_fini(&rep->page);
	lm_buf_fini(&rep->tmp);
	free(rep->entries);
	free(rep);
}

const struct lm_output_ops lm_output_report = {
	.name = "report",
	.init = report_init,
	.finish = report_finish,
	.fini = report_fini,
};
