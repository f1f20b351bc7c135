/*
 * cli: rules list, show, lint and test.  See cli.h and docs/rules.md.
 *
 * `rules test` decodes each example as a log line would be (so an example
 * may be a CRI, Docker or JSON record) and runs the rule's matcher on it.
 */
#include "rules/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "ingest/decode.h"
#include "ingest/timestamp.h"
#include "rules/loader.h"
#include "rules/matcher.h"
#include "rules/regexlint.h"
#include "rules/template.h"

static int list(const struct lm_ruleset *rs)
{
	for (unsigned i = 0; i < rs->n; i++) {
		const struct lm_rule *r = &rs->rules[i];
		printf("%-28s %-8s %-14s %s\n", r->id, lm_severity_name(r->severity), r->layer,
		       r->title);
	}
	return 0;
}

static void show_list(const char *name, char *const *items, unsigned n)
{
	if (!n)
		return;
	printf("%s:\n", name);
	for (unsigned i = 0; i < n; i++)
		printf("  - %s\n", items[i]);
}

static void show_duration(const char *label, lm_time_t d)
{
	char buf[32];
	lm_duration_format(d, buf, sizeof(buf));
	printf("%s %s", label, buf);
}

static void show_patterns(const char *label, const struct lm_pattern *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i].field)
			printf("  %s (on field %s): %s\n", label, p[i].field, p[i].source);
		else
			printf("  %s: %s\n", label, p[i].source);
}

/* when, in the words of the rule file. */
static void show_when(const struct lm_when *w)
{
	printf("when:       ");
	switch (w->kind) {
	case LM_WHEN_COUNT:
		printf("count %u", w->count);
		break;
	case LM_WHEN_RATIO:
		printf("ratio above %g%% of the selected, at least %u", w->share * 100, w->min);
		break;
	case LM_WHEN_QUANTILE:
		printf("quantile p%g of %s above", w->q * 100, w->field);
		if (w->above.kind == LM_UNIT_TIME)
			show_duration("", (lm_time_t)(w->above.value * LM_NS_PER_SEC));
		else
			printf(" %g%s", w->above.value, w->above.kind == LM_UNIT_PERCENT ? "%"
							: w->above.kind == LM_UNIT_SIZE ? " bytes" : "");
		printf(", at least %u values", w->min);
		break;
	case LM_WHEN_ABSENT:
		show_duration("absent for", w->hold);
		break;
	case LM_WHEN_AFTER:
		printf("after %s", w->after);
		break;
	}
	if (w->within)
		show_duration(" within", w->within);
	if (w->hold && w->kind != LM_WHEN_ABSENT)
		show_duration(" for", w->hold);
	for (unsigned i = 0; i < w->n_by; i++)
		printf("%s%s", i ? ", " : " by ", w->by[i]);
	show_duration(", resolve after", w->resolve_after);
	show_duration(", repeat every", w->repeat);
	putchar('\n');
	if (w->n_of)
		show_patterns("of", w->of, w->n_of);
}

static int show(const struct lm_ruleset *rs, const char *id)
{
	const struct lm_rule *r = lm_ruleset_find(rs, id);
	if (!r) {
		lm_log_error("rules show: no rule \"%s\" (see 'logmedic rules list')", id);
		return 2;
	}
	printf("id:         %s\ntitle:      %s\n", r->id, r->title);
	if (r->description)
		printf("description: %.*s\n", (int)strcspn(r->description, "\n"), r->description);
	printf("severity:   %s\nlayer:      %s\nescalation: %d\ndefined:    %s:%u:%u\n",
	       lm_severity_name(r->severity), r->layer, r->escalation, r->file, r->line, r->column);
	printf("match%s:\n", r->field ? " (field)" : "");
	if (r->field)
		printf("  field: %s\n", r->field);
	show_patterns("regex", r->patterns, r->n_patterns);
	for (unsigned i = 0; i < r->n_where; i++)
		printf("  where: %s %s\n", r->where[i].field, r->where[i].text);
	show_when(&r->when);
	if (r->explains.n_rules) {
		printf("explains:  ");
		for (unsigned i = 0; i < r->explains.n_rules; i++)
			printf(" %s", r->explains.rules[i]);
		show_duration(" within", r->explains.within);
		for (unsigned i = 0; i < r->explains.n_on; i++)
			printf("%s%s", i ? ", " : " on ", r->explains.on[i]);
		putchar('\n');
	}
	if (r->aggregate.sql)
		printf("aggregate:  statements in %s, summing %s\n", r->aggregate.sql,
		       r->aggregate.value ? r->aggregate.value : "matches");
	if (r->split)
		printf("split:      by %s\n", r->split);
	show_list("causes", r->causes, r->n_causes);
	if (r->n_remediation)
		puts("remediation:");
	for (unsigned i = 0; i < r->n_remediation; i++) {
		printf("  %u. %s\n", i + 1, r->remediation[i].title);
		if (r->remediation[i].run)
			printf("     $ %s\n", r->remediation[i].run);
	}
	if (r->verify)
		printf("verify:     %s\n", r->verify);
	if (r->runbook)
		printf("runbook:    %s\n", r->runbook);
	show_list("examples that match", r->ex_match, r->n_ex_match);
	show_list("examples that must not match", r->ex_no_match, r->n_ex_no_match);
	return 0;
}

/* Fields every event may carry, besides a rule's own captures. */
static const char *const event_fields[] = { "stream", "namespace", "pod", "container", "host",
					    "node", "level", NULL };

struct lint {
	const struct lm_matcher *m;
	const struct lm_rule *r;
	const char *name;
	size_t len;
	bool found;
	unsigned findings;
};

static void capture_is(void *arg, const char *name)
{
	struct lint *l = arg;
	if (strlen(name) == l->len && memcmp(name, l->name, l->len) == 0)
		l->found = true;
}

/* Prints a finding on the rule being linted, at line of its file. */
__attribute__((format(printf, 3, 4)))
static void lint_finding(struct lint *l, unsigned line, const char *fmt, ...)
{
	va_list ap;
	printf("%s:%u: rule %s: ", l->r->file, line, l->r->id);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	l->findings++;
}

static void check_placeholder(void *arg, const char *name, size_t len)
{
	struct lint *l = arg;
	l->name = name;
	l->len = len;
	l->found = false;
	for (const char *const *f = event_fields; *f; f++)
		if (strlen(*f) == len && memcmp(*f, name, len) == 0)
			l->found = true;
	lm_matcher_each_capture(l->m, l->r, capture_is, l);
	if (!l->found)
		lint_finding(l, l->r->line,
			     "placeholder {%.*s} is neither a named capture nor an event field",
			     (int)len, name);
}

/* Patterns whose repeats nest (rules/regexlint.h): the match limit stops
 * them on a hostile line, but only after a million steps, and the line
 * counts as an error of the rule. */
static void check_nesting(struct lint *l, const struct lm_pattern *p, unsigned n)
{
	struct lm_regex_span s;
	for (unsigned i = 0; i < n; i++)
		if (lm_regexlint_nested(p[i].source, &s))
			lint_finding(l, p[i].line,
				     "nested quantifier %.*s can backtrack catastrophically; "
				     "make a repeat possessive (*+, ++) or atomic (?>...)",
				     (int)s.len, p[i].source + s.at);
}

static int lint(const struct lm_ruleset *rs, const struct lm_matcher *m)
{
	struct lint l = { .m = m };
	for (unsigned i = 0; i < rs->n; i++) {
		const struct lm_rule *r = l.r = &rs->rules[i];
		if (!r->n_causes)
			lint_finding(&l, r->line, "no causes");
		if (!r->n_remediation)
			lint_finding(&l, r->line, "no remediation steps");
		if (!r->verify)
			lint_finding(&l, r->line, "no verify step");
		if (!r->runbook)
			lint_finding(&l, r->line, "no runbook link");
		if (r->n_ex_match < 3)
			lint_finding(&l, r->line, "fewer than 3 examples that match");
		if (r->n_ex_no_match < 2)
			lint_finding(&l, r->line, "fewer than 2 examples that must not match");
		check_nesting(&l, r->patterns, r->n_patterns);
		check_nesting(&l, r->when.of, r->when.n_of);
		for (unsigned s = 0; s < r->n_remediation; s++)
			if (r->remediation[s].run)
				lm_template_each_placeholder(r->remediation[s].run, check_placeholder, &l);
		if (r->verify)
			lm_template_each_placeholder(r->verify, check_placeholder, &l);
		for (unsigned b = 0; b < r->when.n_by; b++)
			if (strcmp(r->when.by[b], "source") != 0) /* the input's name */
				check_placeholder(&l, r->when.by[b], strlen(r->when.by[b]));
	}
	printf("%u rule%s, %u finding%s\n", rs->n, rs->n == 1 ? "" : "s", l.findings,
	       l.findings == 1 ? "" : "s");
	return l.findings ? 1 : 0;
}

struct tester {
	struct lm_matcher *m;
	struct lm_fields fields, captures;
	struct lm_decode_ctx dec;
	unsigned examples, failures;
};

static bool example_hits(struct tester *t, const struct lm_rule *r, const char *line)
{
	struct lm_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.fields = &t->fields;
	ev.source_name = "example";
	lm_fields_reset(&t->fields);
	lm_fields_reset(&t->captures);
	/* A fresh context per example: nothing joins across examples. */
	lm_decode_ctx_fini(&t->dec);
	lm_decode_ctx_init(&t->dec, &t->fields, NULL);
	t->dec.ref = 1; /* year-less timestamps: any year will do */
	if (!lm_decode_line(&t->dec, line, strlen(line), &ev) && !lm_decode_flush(&t->dec, &ev))
		return false;
	lm_matcher_prepare(t->m, &ev);
	return lm_matcher_match(t->m, r, &ev, &t->captures);
}

static void test_examples(struct tester *t, const struct lm_rule *r, char *const *ex,
			  unsigned n, bool want)
{
	for (unsigned i = 0; i < n; i++) {
		t->examples++;
		if (example_hits(t, r, ex[i]) == want)
			continue;
		t->failures++;
		printf("FAIL %s:%u: rule %s: example %s: %s\n", r->file, r->line, r->id,
		       want ? "should match but does not" : "matches but must not", ex[i]);
	}
}

static int test(const struct lm_ruleset *rs, struct lm_matcher *m)
{
	struct tester t = { .m = m };
	lm_fields_init(&t.fields);
	lm_fields_init(&t.captures);
	lm_decode_ctx_init(&t.dec, &t.fields, NULL);
	for (unsigned i = 0; i < rs->n; i++) {
		const struct lm_rule *r = &rs->rules[i];
		test_examples(&t, r, r->ex_match, r->n_ex_match, true);
		test_examples(&t, r, r->ex_no_match, r->n_ex_no_match, false);
	}
	printf("%u rule%s, %u example%s, %u failed\n", rs->n, rs->n == 1 ? "" : "s", t.examples,
	       t.examples == 1 ? "" : "s", t.failures);
	lm_decode_ctx_fini(&t.dec);
	lm_fields_fini(&t.fields);
	lm_fields_fini(&t.captures);
	return t.failures ? 1 : 0;
}

static int dispatch(const struct lm_ruleset *rs, struct lm_matcher *m, unsigned argc,
		    char **args)
{
	const char *cmd = args[0];
	if (strcmp(cmd, "list") == 0 && argc == 1)
		return list(rs);
	if (strcmp(cmd, "show") == 0 && argc == 2)
		return show(rs, args[1]);
	if (strcmp(cmd, "lint") == 0 && argc == 1)
		return lint(rs, m);
	if (strcmp(cmd, "test") == 0 && argc == 1)
		return test(rs, m);
	lm_log_error("rules: usage: logmedic rules list | show ID | lint | test");
	return 2;
}

int lm_rules_cli(const struct lm_options *o, unsigned argc, char **args)
{
	if (argc == 0) {
		lm_log_error("rules: usage: logmedic rules list | show ID | lint | test");
		return 2;
	}
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	int status = 2;
	struct lm_matcher *m = NULL;
	if (lm_rules_load_all(&rs, o->rules, o->n_rules) == 0 && (m = lm_matcher_new(&rs)))
		status = dispatch(&rs, m, argc, args);
	lm_matcher_free(m);
	lm_ruleset_fini(&rs);
	return status;
}
