/*
 * loader: YAML rule files into struct lm_rule.  See loader.h and docs/rules.md.
 *
 * Walks the YAML tree with core/yaml (a table of keys per mapping, aliases
 * refused, file:line:column in every message).
 */
#include "rules/loader.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/yaml.h"
#include "ingest/timestamp.h"

struct loader {
	struct lm_yaml y; /* first: visit callbacks get it and find the loader */
	struct lm_ruleset *rs;
};

static char *get_string(struct loader *ld, const yaml_node_t *n, const char *what)
{
	if (!lm_yaml_want(&ld->y, n, YAML_SCALAR_NODE, what))
		return NULL;
	return lm_xstrdup(lm_yaml_scalar(n));
}

static bool get_uint(struct loader *ld, const yaml_node_t *n, const char *what,
		     unsigned long min, unsigned long max, unsigned long *out)
{
	if (!lm_yaml_want(&ld->y, n, YAML_SCALAR_NODE, what))
		return false;
	char *end;
	errno = 0;
	unsigned long v = strtoul(lm_yaml_scalar(n), &end, 10);
	if (errno || end == lm_yaml_scalar(n) || *end || lm_yaml_scalar(n)[0] == '-' || v < min || v > max) {
		lm_yaml_problem(&ld->y, n, "%s must be a whole number from %lu to %lu, not \"%s\"", what, min,
			max, lm_yaml_scalar(n));
		return false;
	}
	*out = v;
	return true;
}

/* A list of strings; a single string is accepted as a list of one. */
static char **get_strings(struct loader *ld, const yaml_node_t *n, const char *what,
			  unsigned *count)
{
	*count = 0;
	if (n->type == YAML_SCALAR_NODE) {
		char **v = lm_xcalloc(1, sizeof(*v));
		v[0] = lm_xstrdup(lm_yaml_scalar(n));
		*count = 1;
		return v;
	}
	if (!lm_yaml_want(&ld->y, n, YAML_SEQUENCE_NODE, what))
		return NULL;
	size_t len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	char **v = lm_xcalloc(len ? len : 1, sizeof(*v));
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *item = lm_yaml_node(&ld->y, n->data.sequence.items.start[i]);
		if (item && lm_yaml_want(&ld->y, item, YAML_SCALAR_NODE, what))
			v[(*count)++] = lm_xstrdup(lm_yaml_scalar(item));
	}
	return v;
}

/* Bound on every duration a rule gives, so deadlines never overflow. */
#define LM_DURATION_MAX (3650 * 86400 * LM_NS_PER_SEC)

static bool get_duration(struct loader *ld, const yaml_node_t *v, const char *what,
			 lm_time_t *out)
{
	if (!lm_yaml_want(&ld->y, v, YAML_SCALAR_NODE, what))
		return false;
	if (lm_duration_parse(lm_yaml_scalar(v), out) < 0) {
		lm_yaml_problem(&ld->y, v, "%s must be a duration such as 30s, 5m or 1h, not \"%s\"", what,
			lm_yaml_scalar(v));
		return false;
	}
	if (*out > LM_DURATION_MAX) {
		lm_yaml_problem(&ld->y, v, "%s: \"%s\" is longer than ten years", what, lm_yaml_scalar(v));
		return false;
	}
	return true;
}

static void set_pattern(struct lm_pattern *p, const yaml_node_t *n, const char *field)
{
	p->source = lm_xstrdup(lm_yaml_scalar(n));
	p->field = field ? lm_xstrdup(field) : NULL;
	p->line = (unsigned)n->start_mark.line + 1;
	p->column = (unsigned)n->start_mark.column + 1;
}

/* A pattern list item of the form {field: NAME, regex: PATTERN}. */
static bool field_pattern(struct loader *ld, const yaml_node_t *item, const char *what,
			  struct lm_pattern *p)
{
	const yaml_node_t *field = NULL, *regex = NULL;
	for (yaml_node_pair_t *kv = item->data.mapping.pairs.start;
	     kv < item->data.mapping.pairs.top; kv++) {
		yaml_node_t *k = lm_yaml_node(&ld->y, kv->key), *v = lm_yaml_node(&ld->y, kv->value);
		if (!k || !v)
			return false;
		if (k->type == YAML_SCALAR_NODE && strcmp(lm_yaml_scalar(k), "field") == 0 && !field)
			field = v;
		else if (k->type == YAML_SCALAR_NODE && strcmp(lm_yaml_scalar(k), "regex") == 0 && !regex)
			regex = v;
		else {
			lm_yaml_problem(&ld->y, k, "a pattern of %s takes only field and regex, once each", what);
			return false;
		}
	}
	if (!field || !regex || field->type != YAML_SCALAR_NODE || regex->type != YAML_SCALAR_NODE) {
		lm_yaml_problem(&ld->y, item, "a pattern of %s is a string, or {field: NAME, regex: PATTERN}", what);
		return false;
	}
	set_pattern(p, regex, lm_yaml_scalar(field));
	return true;
}

/* A list of patterns (one string, or a list of strings and field patterns),
 * with their positions. */
static struct lm_pattern *get_patterns(struct loader *ld, const yaml_node_t *v, const char *what,
				       unsigned *count)
{
	*count = 0;
	if (v->type == YAML_SCALAR_NODE) {
		struct lm_pattern *p = lm_xcalloc(1, sizeof(*p));
		set_pattern(p, v, NULL);
		*count = 1;
		return p;
	}
	if (!lm_yaml_want(&ld->y, v, YAML_SEQUENCE_NODE, what))
		return NULL;
	size_t len = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	struct lm_pattern *p = lm_xcalloc(len ? len : 1, sizeof(*p));
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *item = lm_yaml_node(&ld->y, v->data.sequence.items.start[i]);
		if (!item)
			continue;
		if (item->type == YAML_SCALAR_NODE)
			set_pattern(&p[(*count)++], item, NULL);
		else if (item->type == YAML_MAPPING_NODE && field_pattern(ld, item, what, &p[*count]))
			(*count)++;
		else if (item->type != YAML_MAPPING_NODE)
			lm_yaml_problem(&ld->y, item, "a pattern of %s is a string, or {field: NAME, regex: PATTERN}", what);
	}
	if (len == 0)
		lm_yaml_problem(&ld->y, v, "%s is an empty list", what);
	return p;
}

static void load_where(struct loader *ld, struct lm_rule *r, const yaml_node_t *map)
{
	if (!lm_yaml_want(&ld->y, map, YAML_MAPPING_NODE, "match.where"))
		return;
	size_t len = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	r->where = lm_xcalloc(len ? len : 1, sizeof(*r->where));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = lm_yaml_node(&ld->y, p->key);
		yaml_node_t *v = lm_yaml_node(&ld->y, p->value);
		if (!k || !v || !lm_yaml_want(&ld->y, k, YAML_SCALAR_NODE, "a match.where field") ||
		    !lm_yaml_want(&ld->y, v, YAML_SCALAR_NODE, "a match.where condition"))
			continue;
		struct lm_condition *c = &r->where[r->n_where];
		if (!lm_condition_parse(lm_yaml_scalar(v), c)) {
			lm_yaml_problem(&ld->y, v, "match.where.%s: \"%s\" is not a condition such as '> 1000', '>= 90%%' or '> 2s'",
				lm_yaml_scalar(k), lm_yaml_scalar(v));
			continue;
		}
		c->field = lm_xstrdup(lm_yaml_scalar(k));
		c->text = lm_xstrdup(lm_yaml_scalar(v));
		r->n_where++;
	}
}

static void visit_match(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
			const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	struct lm_rule *r = target;
	(void)k;
	if (strcmp(key, "field") == 0) {
		r->field = get_string(ld, v, "match.field");
		return;
	}
	if (strcmp(key, "where") == 0) {
		load_where(ld, r, v);
		return;
	}
	r->patterns = get_patterns(ld, v, "match.regex", &r->n_patterns);
}

static void visit_ratio(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
			const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	struct lm_when *w = target;
	struct lm_quantity q;
	unsigned long n;
	(void)k;
	if (strcmp(key, "of") == 0) {
		w->of = get_patterns(ld, v, "when.ratio.of", &w->n_of);
	} else if (strcmp(key, "above") == 0) {
		if (!lm_yaml_want(&ld->y, v, YAML_SCALAR_NODE, "when.ratio.above"))
			return;
		if (!lm_quantity_parse(lm_yaml_scalar(v), strlen(lm_yaml_scalar(v)), &q) ||
		    (q.kind != LM_UNIT_PERCENT && q.kind != LM_UNIT_NONE) || q.value < 0 ||
		    (q.kind == LM_UNIT_PERCENT ? q.value > 100 : q.value > 1))
			lm_yaml_problem(&ld->y, v, "when.ratio.above must be a share such as 10%% or 0.1, not \"%s\"",
				lm_yaml_scalar(v));
		else
			w->share = q.kind == LM_UNIT_PERCENT ? q.value / 100 : q.value;
	} else if (get_uint(ld, v, "when.ratio.min", 1, 100000000, &n)) {
		w->min = (unsigned)n;
	}
}

static void visit_quantile(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
			   const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	struct lm_when *w = target;
	unsigned long n;
	(void)k;
	if (strcmp(key, "field") == 0) {
		w->field = get_string(ld, v, "when.quantile.field");
	} else if (strcmp(key, "q") == 0) {
		if (!lm_yaml_want(&ld->y, v, YAML_SCALAR_NODE, "when.quantile.q"))
			return;
		const char *t = lm_yaml_scalar(v);
		char *end;
		double q = strtod(t[0] == 'p' ? t + 1 : t, &end);
		if (t[0] == 'p')
			q /= 100; /* p95 */
		if (*end || end == t || !(q > 0 && q < 1))
			lm_yaml_problem(&ld->y, v, "when.quantile.q must be between 0 and 1 (0.95) or pNN (p95), not \"%s\"",
				t);
		else
			w->q = q;
	} else if (strcmp(key, "above") == 0) {
		if (lm_yaml_want(&ld->y, v, YAML_SCALAR_NODE, "when.quantile.above") &&
		    !lm_quantity_parse(lm_yaml_scalar(v), strlen(lm_yaml_scalar(v)), &w->above))
			lm_yaml_problem(&ld->y, v, "when.quantile.above must be a number with an optional unit (2s, 200ms), not \"%s\"",
				lm_yaml_scalar(v));
	} else if (get_uint(ld, v, "when.quantile.min", 1, 100000000, &n)) {
		w->min = (unsigned)n;
	}
}

/* Which kind a when mapping declared; more than one is a problem. */
static void set_kind(struct loader *ld, struct lm_when *w, enum lm_when_kind kind,
		     const yaml_node_t *k, bool *kind_seen)
{
	if (*kind_seen)
		lm_yaml_problem(&ld->y, k, "when: %s and %s cannot be combined: a rule has one trigger",
			lm_when_kind_name(w->kind), lm_when_kind_name(kind));
	*kind_seen = true;
	w->kind = kind;
}

struct when_target {
	struct lm_when *w;
	bool kind_seen;
	bool for_seen;
};

static void visit_when(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
		       const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	static const char *const ratio_keys[] = { "of", "above", "min", NULL };
	static const char *const quantile_keys[] = { "field", "q", "above", "min", NULL };
	struct when_target *wt = target;
	struct lm_when *w = wt->w;
	unsigned long n;
	if (strcmp(key, "count") == 0) {
		set_kind(ld, w, LM_WHEN_COUNT, k, &wt->kind_seen);
		if (get_uint(ld, v, "when.count", 1, 1000000, &n))
			w->count = (unsigned)n;
	} else if (strcmp(key, "ratio") == 0) {
		set_kind(ld, w, LM_WHEN_RATIO, k, &wt->kind_seen);
		if (lm_yaml_want(&ld->y, v, YAML_MAPPING_NODE, "when.ratio"))
			lm_yaml_walk(&ld->y, v, "when.ratio", ratio_keys, visit_ratio, w);
	} else if (strcmp(key, "quantile") == 0) {
		set_kind(ld, w, LM_WHEN_QUANTILE, k, &wt->kind_seen);
		if (lm_yaml_want(&ld->y, v, YAML_MAPPING_NODE, "when.quantile"))
			lm_yaml_walk(&ld->y, v, "when.quantile", quantile_keys, visit_quantile, w);
	} else if (strcmp(key, "absent") == 0) {
		set_kind(ld, w, LM_WHEN_ABSENT, k, &wt->kind_seen);
		if (get_duration(ld, v, "when.absent", &w->hold) && w->hold <= 0)
			lm_yaml_problem(&ld->y, v, "when.absent must be longer than 0");
	} else if (strcmp(key, "after") == 0) {
		set_kind(ld, w, LM_WHEN_AFTER, k, &wt->kind_seen);
		w->after = get_string(ld, v, "when.after");
	} else if (strcmp(key, "within") == 0) {
		if (get_duration(ld, v, "when.within", &w->within) && w->within <= 0)
			lm_yaml_problem(&ld->y, v, "when.within must be longer than 0");
	} else if (strcmp(key, "for") == 0) {
		wt->for_seen = true;
		get_duration(ld, v, "when.for", &w->hold);
	} else if (strcmp(key, "resolve_after") == 0) {
		get_duration(ld, v, "when.resolve_after", &w->resolve_after);
	} else if (strcmp(key, "repeat_interval") == 0) {
		if (get_duration(ld, v, "when.repeat_interval", &w->repeat) &&
		    w->repeat < LM_NS_PER_SEC)
			lm_yaml_problem(&ld->y, v, "when.repeat_interval must be at least 1s");
	} else {
		w->by = get_strings(ld, v, "when.by", &w->n_by);
	}
}

static void visit_remedy(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
			 const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	struct lm_remedy *m = target;
	(void)k;
	if (strcmp(key, "title") == 0)
		m->title = get_string(ld, v, "remediation title");
	else
		m->run = get_string(ld, v, "remediation run");
}

static void load_remediation(struct loader *ld, struct lm_rule *r, yaml_node_t *v)
{
	static const char *const keys[] = { "title", "run", NULL };
	if (!lm_yaml_want(&ld->y, v, YAML_SEQUENCE_NODE, "remediation"))
		return;
	size_t len = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	r->remediation = lm_xcalloc(len ? len : 1, sizeof(*r->remediation));
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *item = lm_yaml_node(&ld->y, v->data.sequence.items.start[i]);
		if (!item || !lm_yaml_want(&ld->y, item, YAML_MAPPING_NODE, "a remediation step"))
			continue;
		struct lm_remedy *m = &r->remediation[r->n_remediation++];
		lm_yaml_walk(&ld->y, item, "a remediation step", keys, visit_remedy, m);
		if (!m->title)
			lm_yaml_problem(&ld->y, item, "a remediation step needs a title");
	}
}

static void visit_examples(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
			   const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	struct lm_rule *r = target;
	(void)k;
	if (strcmp(key, "match") == 0)
		r->ex_match = get_strings(ld, v, "examples.match", &r->n_ex_match);
	else
		r->ex_no_match = get_strings(ld, v, "examples.no_match", &r->n_ex_no_match);
}

static void visit_explains(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
			   const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	struct lm_explains *x = target;
	(void)k;
	if (strcmp(key, "rules") == 0)
		x->rules = get_strings(ld, v, "explains.rules", &x->n_rules);
	else if (strcmp(key, "on") == 0)
		x->on = get_strings(ld, v, "explains.on", &x->n_on);
	else if (get_duration(ld, v, "explains.within", &x->within) && x->within <= 0)
		lm_yaml_problem(&ld->y, v, "explains.within must be longer than 0");
}

static void load_explains(struct loader *ld, struct lm_rule *r, const yaml_node_t *v)
{
	static const char *const keys[] = { "rules", "within", "on", NULL };
	if (v->type == YAML_MAPPING_NODE)
		lm_yaml_walk(&ld->y, v, "explains", keys, visit_explains, &r->explains);
	else
		r->explains.rules = get_strings(ld, v, "explains", &r->explains.n_rules);
	if (!r->explains.within)
		r->explains.within = LM_EXPLAINS_WITHIN_DEFAULT;
}

static void visit_aggregate(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
			    const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	struct lm_aggregate *a = target;
	(void)k;
	if (strcmp(key, "sql") == 0) {
		a->sql = get_string(ld, v, "aggregate.sql");
	} else if (strcmp(key, "unit") == 0) {
		/* "ms" is read as one of that unit */
		char one[32];
		snprintf(one, sizeof(one), "1%s", lm_yaml_want(&ld->y, v, YAML_SCALAR_NODE, "aggregate.unit") ? lm_yaml_scalar(v) : "");
		if (!lm_quantity_parse(one, strlen(one), &a->unit) || a->unit.kind == LM_UNIT_NONE)
			lm_yaml_problem(&ld->y, v, "aggregate.unit must be a unit such as ms, s or MiB");
	} else {
		a->value = get_string(ld, v, "aggregate.value");
	}
}

static void visit_rule(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
		       const yaml_node_t *k)
{
	struct loader *ld = (struct loader *)y;
	static const char *const match_keys[] = { "regex", "field", "where", NULL };
	static const char *const when_keys[] = { "count", "ratio", "quantile", "absent", "after",
						 "within", "for", "by", "resolve_after",
						 "repeat_interval", NULL };
	static const char *const example_keys[] = { "match", "no_match", NULL };
	struct lm_rule *r = target;
	unsigned long n;
	(void)k;

	if (strcmp(key, "id") == 0) {
		r->id = get_string(ld, v, "id");
	} else if (strcmp(key, "title") == 0) {
		r->title = get_string(ld, v, "title");
	} else if (strcmp(key, "description") == 0) {
		r->description = get_string(ld, v, "description");
	} else if (strcmp(key, "severity") == 0) {
		enum lm_severity sev;
		if (!lm_yaml_want(&ld->y, v, YAML_SCALAR_NODE, "severity"))
			return;
		if (lm_severity_parse(lm_yaml_scalar(v), &sev) < 0 || sev == LM_SEV_NEVER) {
			lm_yaml_problem(&ld->y, v, "severity must be info, warning, error or critical, not \"%s\"",
				lm_yaml_scalar(v));
			sev = LM_SEV_INFO; /* reported once: the key is there, its value is bad */
		}
		r->severity = sev;
	} else if (strcmp(key, "layer") == 0) {
		r->layer = get_string(ld, v, "layer");
		if (r->layer && !lm_layer_valid(r->layer))
			lm_yaml_problem(&ld->y, v, "layer must be one of %s, not \"%s\"", lm_layer_names(), r->layer);
	} else if (strcmp(key, "escalation") == 0) {
		if (get_uint(ld, v, "escalation", 1, 3, &n))
			r->escalation = (int)n;
	} else if (strcmp(key, "match") == 0) {
		if (lm_yaml_want(&ld->y, v, YAML_MAPPING_NODE, "match"))
			lm_yaml_walk(&ld->y, v, "match", match_keys, visit_match, r);
	} else if (strcmp(key, "when") == 0) {
		struct when_target wt = { &r->when, false, false };
		if (lm_yaml_want(&ld->y, v, YAML_MAPPING_NODE, "when"))
			lm_yaml_walk(&ld->y, v, "when", when_keys, visit_when, &wt);
		/* absent keeps its silence where for keeps its hold: never both */
		if (wt.for_seen && r->when.kind == LM_WHEN_ABSENT)
			lm_yaml_problem(&ld->y, v, "when.for applies to ratio and quantile rules, not absent");
	} else if (strcmp(key, "causes") == 0) {
		r->causes = get_strings(ld, v, "causes", &r->n_causes);
	} else if (strcmp(key, "remediation") == 0) {
		load_remediation(ld, r, v);
	} else if (strcmp(key, "verify") == 0) {
		r->verify = get_string(ld, v, "verify");
	} else if (strcmp(key, "runbook") == 0) {
		r->runbook = get_string(ld, v, "runbook");
	} else if (strcmp(key, "aggregate") == 0) {
		static const char *const aggregate_keys[] = { "sql", "value", "unit", NULL };
		if (lm_yaml_want(&ld->y, v, YAML_MAPPING_NODE, "aggregate"))
			lm_yaml_walk(&ld->y, v, "aggregate", aggregate_keys, visit_aggregate, &r->aggregate);
		if (!r->aggregate.sql)
			lm_yaml_problem(&ld->y, v, "aggregate needs sql: the field holding the statement");
	} else if (strcmp(key, "split") == 0) {
		r->split = get_string(ld, v, "split");
	} else if (strcmp(key, "explains") == 0) {
		load_explains(ld, r, v);
	} else if (strcmp(key, "examples") == 0) {
		if (lm_yaml_want(&ld->y, v, YAML_MAPPING_NODE, "examples"))
			lm_yaml_walk(&ld->y, v, "examples", example_keys, visit_examples, r);
	}
}

static bool id_valid(const char *id)
{
	if (!*id || !((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9')))
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == '_'))
			return false;
	return true;
}

/* The keys each trigger needs, and the defaults. */
static void check_when(struct loader *ld, const yaml_node_t *node, const char *id,
		       struct lm_when *w)
{
	switch (w->kind) {
	case LM_WHEN_COUNT:
		if (w->count == 0)
			w->count = 1;
		if (w->count > 1 && w->within == 0)
			lm_yaml_problem(&ld->y, node, "rule %s: when.count above 1 needs when.within", id);
		break;
	case LM_WHEN_RATIO:
		if (!w->n_of || w->share <= 0 || !w->within)
			lm_yaml_problem(&ld->y, node, "rule %s: when.ratio needs of, above and when.within", id);
		if (!w->min)
			w->min = LM_RATIO_MIN_DEFAULT;
		break;
	case LM_WHEN_QUANTILE:
		if (!w->field || w->q <= 0 || !w->within || w->above.value <= 0)
			lm_yaml_problem(&ld->y, node, "rule %s: when.quantile needs field, q, above and when.within", id);
		if (!w->min)
			w->min = LM_QUANTILE_MIN_DEFAULT;
		break;
	case LM_WHEN_ABSENT:
		break;
	case LM_WHEN_AFTER:
		if (!w->after || !w->within)
			lm_yaml_problem(&ld->y, node, "rule %s: when.after needs a rule id and when.within", id);
		break;
	}
	if (w->hold && w->kind != LM_WHEN_RATIO && w->kind != LM_WHEN_QUANTILE &&
	    w->kind != LM_WHEN_ABSENT) /* absent keeps its silence in hold */
		lm_yaml_problem(&ld->y, node, "rule %s: when.for applies to ratio and quantile rules", id);
	if (w->resolve_after < 0) /* not given: absence ends at the next match */
		w->resolve_after = w->kind == LM_WHEN_ABSENT ? 0
				   : w->within > LM_RESOLVE_AFTER_DEFAULT ? w->within
									  : LM_RESOLVE_AFTER_DEFAULT;
	if (!w->repeat)
		w->repeat = LM_REPEAT_DEFAULT;
}

/* What a rule must have, and what depends on several keys. */
static bool check_rule(struct loader *ld, const yaml_node_t *node, struct lm_rule *r,
		       bool keys_sound)
{
	int before = ld->y.errors;
	if (!r->id)
		lm_yaml_problem(&ld->y, node, "a rule needs an id");
	else if (!id_valid(r->id))
		lm_yaml_problem(&ld->y, node, "rule id \"%s\": use lower-case letters, digits, '.', '-' and '_'", r->id);
	else if (lm_ruleset_find(ld->rs, r->id))
		lm_yaml_problem(&ld->y, node, "rule id \"%s\" is already defined in %s", r->id,
			lm_ruleset_find(ld->rs, r->id)->file);
	const char *id = r->id ? r->id : "?";
	if (!r->title)
		lm_yaml_problem(&ld->y, node, "rule %s needs a title", id);
	if (r->severity == LM_SEV_NEVER)
		lm_yaml_problem(&ld->y, node, "rule %s needs a severity", id);
	if (!r->layer)
		lm_yaml_problem(&ld->y, node, "rule %s needs a layer", id);
	if (!r->n_patterns)
		lm_yaml_problem(&ld->y, node, "rule %s needs match.regex", id);
	if (keys_sound) /* checks across keys only when the keys themselves are sound */
		check_when(ld, node, id, &r->when);
	if (r->escalation == 0)
		r->escalation = 1;
	return ld->y.errors == before;
}

/* A hash of a rule's definition as written (its YAML tree, not its place
 * in the file), so a reload can tell a rule that did not change. */
static uint64_t digest(struct loader *ld, const yaml_node_t *n, uint64_t h)
{
	h = lm_hash(h, &n->type, sizeof(n->type));
	if (n->type == YAML_SCALAR_NODE)
		return lm_hash(h, n->data.scalar.value, n->data.scalar.length + 1);
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = n->data.sequence.items.start;
		     i < n->data.sequence.items.top; i++)
			h = digest(ld, yaml_document_get_node(&ld->y.doc, *i), h);
		return h;
	}
	if (n->type == YAML_MAPPING_NODE)
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			h = digest(ld, yaml_document_get_node(&ld->y.doc, p->key), h);
			h = digest(ld, yaml_document_get_node(&ld->y.doc, p->value), h);
		}
	return h;
}

static void load_rule(struct loader *ld, yaml_node_t *node)
{
	static const char *const keys[] = { "id", "title", "description", "severity", "layer",
					    "escalation", "match", "when", "causes", "remediation",
					    "verify", "runbook", "examples", "explains", "aggregate",
					    "split", NULL };
	struct lm_rule r;
	memset(&r, 0, sizeof(r));
	r.severity = LM_SEV_NEVER; /* unset: a rule cannot declare "never" */
	r.when.resolve_after = -1; /* unset: check_when picks the default */
	int before = ld->y.errors;
	lm_yaml_walk(&ld->y, node, "a rule", keys, visit_rule, &r);
	r.file = lm_xstrdup(ld->y.file);
	r.line = (unsigned)node->start_mark.line + 1;
	r.column = (unsigned)node->start_mark.column + 1;
	/* Problems found while walking the keys (a bad layer, an unknown key)
	 * refuse the rule too, not only those check_rule finds. */
	if (!check_rule(ld, node, &r, ld->y.errors == before) || ld->y.errors != before) {
		lm_rule_fini(&r); /* the problems are reported; the set stays clean */
		return;
	}
	r.digest = digest(ld, node, LM_HASH_SEED); /* no alias by now: a tree */
	struct lm_ruleset *rs = ld->rs;
	rs->rules = lm_xrealloc(rs->rules, (rs->n + 1) * sizeof(*rs->rules));
	r.index = rs->n;
	rs->rules[rs->n++] = r;
}

static void load_document(struct loader *ld)
{
	yaml_node_t *root = lm_yaml_root(&ld->y);
	if (!root)
		return; /* an empty file holds no rules */
	if (!lm_yaml_want(&ld->y, root, YAML_SEQUENCE_NODE, "a rule file (a list of rules)"))
		return;
	for (yaml_node_item_t *it = root->data.sequence.items.start;
	     it < root->data.sequence.items.top; it++) {
		yaml_node_t *node = lm_yaml_node(&ld->y, *it);
		if (node && lm_yaml_want(&ld->y, node, YAML_MAPPING_NODE, "a rule"))
			load_rule(ld, node);
	}
}

int lm_rules_load_string(struct lm_ruleset *rs, const char *name, const char *yaml, size_t len)
{
	struct loader ld = { .rs = rs };
	if (lm_yaml_parse(&ld.y, name, "rule files", yaml, len) == 0)
		load_document(&ld);
	lm_yaml_fini(&ld.y);
	return ld.y.errors;
}

static int load_file(struct lm_ruleset *rs, const char *path)
{
	struct lm_buf b;
	lm_buf_init(&b);
	int problems = lm_yaml_read_file(path, &b) < 0 ? 1 :
		       lm_rules_load_string(rs, path, b.data ? b.data : "", b.len);
	lm_buf_fini(&b);
	return problems;
}

static bool is_rule_file(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.')
		return false;
	return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int lm_rules_load_path(struct lm_ruleset *rs, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		lm_log_error("%s: %s", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(rs, path);
	DIR *d = opendir(path);
	if (!d) {
		lm_log_error("%s: %s", path, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!is_rule_file(e->d_name))
			continue;
		names = lm_xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = lm_xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	int problems = 0;
	struct lm_buf full;
	lm_buf_init(&full);
	for (size_t i = 0; i < n; i++) {
		lm_buf_reset(&full);
		lm_buf_printf(&full, "%s/%s", path, names[i]);
		problems += load_file(rs, full.data);
		free(names[i]);
	}
	lm_buf_fini(&full);
	free(names);
	return problems;
}

static int link_after(struct lm_ruleset *rs, struct lm_rule *r)
{
	const struct lm_rule *other = lm_ruleset_find(rs, r->when.after);
	if (!other || other == r) {
		lm_log_error("%s:%u:%u: rule %s: when.after names %s \"%s\"", r->file, r->line,
			     r->column, r->id, other ? "the rule itself:" : "no loaded rule",
			     r->when.after);
		return 1;
	}
	r->when.after_index = other->index;
	return 0;
}

/* Each rule a cause explains learns the cause's index (causes_of). */
static int link_explains(struct lm_ruleset *rs, struct lm_rule *cause)
{
	int problems = 0;
	struct lm_explains *x = &cause->explains;
	x->index = lm_xcalloc(x->n_rules ? x->n_rules : 1, sizeof(*x->index));
	for (unsigned j = 0; j < x->n_rules; j++) {
		struct lm_rule *effect = (struct lm_rule *)lm_ruleset_find(rs, x->rules[j]);
		if (!effect || effect == cause) {
			lm_log_error("%s:%u:%u: rule %s: explains names %s \"%s\"", cause->file,
				     cause->line, cause->column, cause->id,
				     effect ? "the rule itself:" : "no loaded rule", x->rules[j]);
			problems++;
			continue;
		}
		x->index[j] = effect->index;
		effect->causes_of = lm_xrealloc(effect->causes_of,
						(effect->n_causes_of + 1) * sizeof(unsigned));
		effect->causes_of[effect->n_causes_of++] = cause->index;
	}
	return problems;
}

/* Whether the rule at index from explains, directly or through others, the
 * rule at index target. */
static bool leads_to(const struct lm_ruleset *rs, unsigned from, unsigned target,
		     unsigned char *seen)
{
	if (from == target)
		return true;
	if (seen[from])
		return false;
	seen[from] = 1;
	const struct lm_explains *x = &rs->rules[from].explains;
	for (unsigned j = 0; j < x->n_rules; j++)
		if (leads_to(rs, x->index[j], target, seen))
			return true;
	return false;
}

/* A cause must not end up explaining itself. */
static int check_cycles(const struct lm_ruleset *rs)
{
	int problems = 0;
	unsigned char *seen = lm_xcalloc(rs->n ? rs->n : 1, 1);
	for (unsigned i = 0; i < rs->n; i++) {
		const struct lm_rule *r = &rs->rules[i];
		for (unsigned j = 0; j < r->explains.n_rules; j++) {
			memset(seen, 0, rs->n);
			if (!leads_to(rs, r->explains.index[j], i, seen))
				continue;
			lm_log_error("%s:%u:%u: rule %s: explains %s, which leads back to %s",
				     r->file, r->line, r->column, r->id, r->explains.rules[j], r->id);
			problems++;
		}
	}
	free(seen);
	return problems;
}

int lm_rules_link(struct lm_ruleset *rs)
{
	int problems = 0;
	for (unsigned i = 0; i < rs->n; i++) {
		struct lm_rule *r = &rs->rules[i];
		if (r->when.kind == LM_WHEN_AFTER)
			problems += link_after(rs, r);
		if (r->explains.n_rules)
			problems += link_explains(rs, r);
	}
	return problems ? problems : check_cycles(rs);
}

int lm_rules_load_all(struct lm_ruleset *rs, const char *const *paths, unsigned n_paths)
{
	int problems = 0;
	if (n_paths) {
		for (unsigned i = 0; i < n_paths; i++)
			problems += lm_rules_load_path(rs, paths[i]);
	} else {
		struct stat st;
		problems += lm_rules_load_path(rs, LM_RULES_DIR);
		if (stat(LM_SITE_RULES_DIR, &st) == 0 && S_ISDIR(st.st_mode))
			problems += lm_rules_load_path(rs, LM_SITE_RULES_DIR);
	}
	if (!problems)
		problems += lm_rules_link(rs);
	if (!problems && rs->n == 0) {
		lm_log_error("no rules loaded: give a rule file or folder with --rules");
		problems++;
	}
	return problems;
}
