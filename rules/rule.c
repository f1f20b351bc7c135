/*
 * rule: names of severities and layers, and freeing rule sets.  See rule.h.
 */
#include "rules/rule.h"

#include <stdlib.h>
#include <string.h>

static const char *const severity_names[] = { "info", "warning", "error", "critical", "never" };

const char *lm_severity_name(enum lm_severity s)
{
	return severity_names[s];
}

int lm_severity_parse(const char *name, enum lm_severity *out)
{
	for (int i = 0; i <= LM_SEV_NEVER; i++)
		if (strcmp(name, severity_names[i]) == 0) {
			*out = (enum lm_severity)i;
			return 0;
		}
	return -1;
}

static const char *const layers[] = { "frontend", "backend", "database", "cache",
				      "network", "infrastructure", "realtime", "streaming" };

bool lm_layer_valid(const char *name)
{
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
		if (strcmp(name, layers[i]) == 0)
			return true;
	return false;
}

const char *lm_layer_names(void)
{
	return "frontend, backend, database, cache, network, infrastructure, realtime, streaming";
}

const char *lm_when_kind_name(enum lm_when_kind k)
{
	static const char *const names[] = { "count", "ratio", "quantile", "absent", "after" };
	return names[k];
}

void lm_ruleset_init(struct lm_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

static void free_strings(char **v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void lm_rule_fini(struct lm_rule *r)
{
	free(r->id);
	free(r->title);
	free(r->description);
	free(r->layer);
	for (unsigned i = 0; i < r->n_patterns; i++) {
		free(r->patterns[i].source);
		free(r->patterns[i].field);
	}
	free(r->patterns);
	free(r->field);
	for (unsigned i = 0; i < r->n_where; i++) {
		free(r->where[i].field);
		free(r->where[i].text);
	}
	free(r->where);
	free_strings(r->when.by, r->when.n_by);
	for (unsigned i = 0; i < r->when.n_of; i++) {
		free(r->when.of[i].source);
		free(r->when.of[i].field);
	}
	free(r->when.of);
	free(r->when.field);
	free(r->when.after);
	free_strings(r->causes, r->n_causes);
	for (unsigned i = 0; i < r->n_remediation; i++) {
		free(r->remediation[i].title);
		free(r->remediation[i].run);
	}
	free(r->remediation);
	free(r->verify);
	free(r->runbook);
	free_strings(r->ex_match, r->n_ex_match);
	free_strings(r->ex_no_match, r->n_ex_no_match);
	free_strings(r->explains.rules, r->explains.n_rules);
	free(r->explains.index);
	free_strings(r->explains.on, r->explains.n_on);
	free(r->causes_of);
	free(r->aggregate.sql);
	free(r->aggregate.value);
	free(r->split);
	free(r->file);
}

void lm_ruleset_fini(struct lm_ruleset *rs)
{
	if (!rs)
		return;
	for (unsigned i = 0; i < rs->n; i++)
		lm_rule_fini(&rs->rules[i]);
	free(rs->rules);
	lm_ruleset_init(rs);
}

const struct lm_rule *lm_ruleset_find(const struct lm_ruleset *rs, const char *id)
{
	for (unsigned i = 0; i < rs->n; i++)
		if (strcmp(rs->rules[i].id, id) == 0)
			return &rs->rules[i];
	return NULL;
}
