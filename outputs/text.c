/*
 * text: diagnoses as readable blocks, for people at a terminal.
 *
 * One block per diagnosis as it fires: the symptom, where it is (layer and
 * key), when and how often, the evidence, probable causes, remediation
 * commands, how to verify, the runbook.  Updates are left to the summary.
 * Everything that came from a log goes through lm_sanitize_terminal; colour
 * is used only when asked for (a terminal, or --color=always).
 */
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "ingest/timestamp.h"
#include "outputs/output.h"

struct text_out {
	FILE *out;
	bool color;
	struct lm_buf line; /* the block being built */
	struct lm_buf cmd;
};

static const char *severity_color(enum lm_severity s)
{
	switch (s) {
	case LM_SEV_CRITICAL:
		return "\033[1;31m";
	case LM_SEV_ERROR:
		return "\033[31m";
	case LM_SEV_WARNING:
		return "\033[33m";
	default:
		return "\033[36m";
	}
}

static void paint(struct text_out *t, const char *color, const char *s)
{
	if (t->color)
		lm_buf_puts(&t->line, color);
	lm_buf_puts(&t->line, s);
	if (t->color)
		lm_buf_puts(&t->line, "\033[0m");
}

static void label(struct text_out *t, const char *name)
{
	lm_buf_printf(&t->line, "  %-10s", name);
}

static void untrusted(struct text_out *t, const char *s, size_t n)
{
	lm_sanitize_terminal(&t->line, s, n);
}

static void head(struct text_out *t, const struct lm_diagnosis *d)
{
	const struct lm_rule *r = d->rule;
	char sev[16];
	size_t i = 0;
	for (const char *p = lm_severity_name(r->severity); *p && i < sizeof(sev) - 1; p++)
		sev[i++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	sev[i] = '\0';
	paint(t, severity_color(r->severity), sev);
	lm_buf_putc(&t->line, ' ');
	paint(t, "\033[1m", r->title);
	lm_buf_printf(&t->line, "  [%s]\n", r->id);
}

static void where(struct text_out *t, const struct lm_diagnosis *d)
{
	label(t, "where");
	lm_buf_puts(&t->line, d->rule->layer);
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i);
		struct lm_str v = lm_fields_val(&d->key_fields, i);
		lm_buf_puts(&t->line, i ? " " : ", ");
		untrusted(t, k.p, k.n);
		lm_buf_putc(&t->line, '=');
		untrusted(t, v.p, v.n);
	}
	lm_buf_putc(&t->line, '\n');
}

static void when(struct text_out *t, const struct lm_diagnosis *d)
{
	char a[40], b[40];
	lm_time_format(d->first_seen, a, sizeof(a));
	lm_time_format(d->last_seen, b, sizeof(b));
	label(t, "when");
	lm_buf_printf(&t->line, "%s .. %s, %llu match%s\n", a, b, (unsigned long long)d->count,
		      d->count == 1 ? "" : "es");
}

static void split(struct text_out *t, const struct lm_diagnosis *d)
{
	if (!d->rule->split || (!d->n_split && !d->split_other))
		return;
	label(t, "split");
	lm_buf_printf(&t->line, "%s", d->rule->split);
	for (unsigned i = 0; i < d->n_split; i++) {
		lm_buf_putc(&t->line, i ? ',' : ':');
		lm_buf_putc(&t->line, ' ');
		untrusted(t, d->split[i].value, strlen(d->split[i].value));
		lm_buf_printf(&t->line, " x%llu", (unsigned long long)d->split[i].count);
	}
	if (d->split_other)
		lm_buf_printf(&t->line, ", other x%llu", (unsigned long long)d->split_other);
	lm_buf_putc(&t->line, '\n');
}

/* Lines of a joined record (a stack trace) shown under its first one. */
#define EVIDENCE_LINES_SHOWN 12

/* One evidence text; the lines of a joined record each on a line of their
 * own, marked "|" so log text cannot pass for logmedic's own lines. */
static void evidence_text(struct text_out *t, const char *s, size_t n)
{
	unsigned shown = 0;
	for (;;) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;
		if (shown > 0) {
			lm_buf_putc(&t->line, '\n');
			label(t, "");
			lm_buf_puts(&t->line, "| ");
			if (len && s[0] == '\t') { /* Java and Go frames */
				lm_buf_puts(&t->line, "    ");
				s++, len--, n--;
			}
		}
		untrusted(t, s, len);
		if (!nl)
			return;
		n -= len + 1;
		s = nl + 1;
		if (++shown == EVIDENCE_LINES_SHOWN && n) {
			unsigned more = 1;
			for (size_t i = 0; i < n; i++)
				more += s[i] == '\n';
			lm_buf_putc(&t->line, '\n');
			label(t, "");
			lm_buf_printf(&t->line, "| [%u more line%s]", more, more == 1 ? "" : "s");
			return;
		}
	}
}

static void evidence(struct text_out *t, const struct lm_diagnosis *d)
{
	const struct lm_evidence *ev[LM_EVIDENCE_MAX];
	unsigned n = lm_diagnosis_evidence(d, ev, LM_EVIDENCE_MAX);
	for (unsigned i = 0; i < n; i++) {
		label(t, i ? "" : "evidence");
		untrusted(t, ev[i]->source, strlen(ev[i]->source));
		lm_buf_printf(&t->line, ":%llu: ", (unsigned long long)ev[i]->line_no);
		evidence_text(t, ev[i]->text.data ? ev[i]->text.data : "", ev[i]->text.len);
		if (ev[i]->cut)
			lm_buf_puts(&t->line, " [...]");
		lm_buf_putc(&t->line, '\n');
	}
}

static void list(struct text_out *t, const char *name, char *const *items, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		label(t, i ? "" : name);
		lm_buf_printf(&t->line, "- %s\n", items[i]);
	}
}

static void remediation(struct text_out *t, const struct lm_diagnosis *d)
{
	const struct lm_rule *r = d->rule;
	for (unsigned i = 0; i < r->n_remediation; i++) {
		label(t, i ? "" : "fix");
		lm_buf_printf(&t->line, "%u. %s\n", i + 1, r->remediation[i].title);
		if (!r->remediation[i].run)
			continue;
		lm_buf_reset(&t->cmd);
		lm_diagnosis_render(d, r->remediation[i].run, &t->cmd);
		label(t, "");
		lm_buf_puts(&t->line, "   ");
		paint(t, "\033[32m", "$ ");
		untrusted(t, t->cmd.data, t->cmd.len);
		lm_buf_putc(&t->line, '\n');
	}
}

/* One line for a diagnosis already shown: still firing, or resolved. */
static void notice(struct text_out *t, const struct lm_diagnosis *d, enum lm_emit kind)
{
	char at[40];
	lm_time_format(kind == LM_EMIT_RESOLVED ? d->resolved_at : d->last_seen, at, sizeof(at));
	static const char *const words[] = { [LM_EMIT_REPEAT] = "STILL FIRING",
					     [LM_EMIT_RESOLVED] = "RESOLVED",
					     [LM_EMIT_EXPLAINED] = "EXPLAINED" };
	paint(t, kind == LM_EMIT_RESOLVED ? "\033[32m" : severity_color(d->rule->severity),
	      words[kind]);
	lm_buf_printf(&t->line, " %s  [%s]", d->rule->title, d->rule->id);
	for (unsigned i = 0; i < d->key_fields.count; i++) {
		struct lm_str k = lm_fields_key(&d->key_fields, i);
		struct lm_str v = lm_fields_val(&d->key_fields, i);
		lm_buf_putc(&t->line, ' ');
		untrusted(t, k.p, k.n);
		lm_buf_putc(&t->line, '=');
		untrusted(t, v.p, v.n);
	}
	lm_buf_printf(&t->line, " at %s, %llu match%s, incident %s", at,
		      (unsigned long long)d->count, d->count == 1 ? "" : "es", d->incident);
	if (d->root_rule)
		lm_buf_printf(&t->line, ", explained by %s", d->root_rule->id);
	lm_buf_puts(&t->line, "\n\n");
	fwrite(t->line.data, 1, t->line.len, t->out);
	fflush(t->out);
}

static void text_diagnosis(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct text_out *t = state;
	const struct lm_rule *r = d->rule;
	if (kind == LM_EMIT_UPDATE)
		return; /* the summary has the totals */
	lm_buf_reset(&t->line);
	if (kind != LM_EMIT_FIRING) {
		notice(t, d, kind);
		return;
	}
	head(t, d);
	where(t, d);
	when(t, d);
	split(t, d);
	evidence(t, d);
	if (d->root_rule) {
		/* An effect: its cause's block says what to do. */
		label(t, "cause");
		lm_buf_printf(&t->line, "explained by %s, incident %s\n\n", d->root_rule->id,
			      d->incident);
		fwrite(t->line.data, 1, t->line.len, t->out);
		fflush(t->out);
		return;
	}
	list(t, "causes", r->causes, r->n_causes);
	remediation(t, d);
	if (r->verify) {
		label(t, "verify");
		lm_buf_reset(&t->cmd);
		lm_diagnosis_render(d, r->verify, &t->cmd);
		untrusted(t, t->cmd.data, t->cmd.len);
		lm_buf_putc(&t->line, '\n');
	}
	if (r->runbook) {
		label(t, "runbook");
		lm_buf_printf(&t->line, "%s\n", r->runbook);
	}
	label(t, "incident");
	lm_buf_printf(&t->line, "%s, escalation level %d\n\n", d->incident, r->escalation);
	fwrite(t->line.data, 1, t->line.len, t->out);
	fflush(t->out);
}

static void *text_init(const struct lm_output_conf *c)
{
	struct text_out *t = lm_xcalloc(1, sizeof(*t));
	t->out = c->out;
	t->color = c->color;
	lm_buf_init(&t->line);
	lm_buf_init(&t->cmd);
	return t;
}

static void text_fini(void *state)
{
	struct text_out *t = state;
	if (!t)
		return;
	lm_buf_fini(&t->line);
	lm_buf_fini(&t->cmd);
	free(t);
}

const struct lm_output_ops lm_output_text = {
	.name = "text",
	.init = text_init,
	.diagnosis = text_diagnosis,
	.fini = text_fini,
};
