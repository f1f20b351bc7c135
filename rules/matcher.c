/*
 * matcher: PCRE2 compilation and matching.  See matcher.h.
 *
 * Every pattern on the rule text has a prefilter gate (rules/prefilter.h);
 * lm_matcher_prepare scans an event's text once, and a gated pattern whose
 * required literals did not occur is not run.  Patterns on a field (their
 * own, or the rule's match.field) are always run.  From the gates that
 * opened, prepare also lists the candidate rules (those with a pattern that
 * may match), so that an event costs the rules it may hit, plus one bit per
 * rule, whatever their number.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules/matcher.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "rules/prefilter.h"

/* Bounds on one match attempt (PCRE2's defaults are 10 million and
 * effectively unbounded depth); a healthy log pattern needs far less. */
#define LM_MATCH_LIMIT 1000000u
#define LM_DEPTH_LIMIT 10000u

struct group {
	char *name;
	uint32_t number;
};

struct compiled {
	pcre2_code *code;
	const char *field; /* the pattern's own subject field, or NULL */
	int gate;          /* its prefilter gate, or LM_PREFILTER_ALWAYS */
	struct group *groups;
	unsigned n_groups;
};

/* A list of compiled patterns: a rule's own, or its ratio selector. */
struct pattern_set {
	struct compiled *pat;
	unsigned n_pat;
};

struct rule_state {
	struct pattern_set match, select;
	uint64_t errors;
};

struct lm_matcher {
	struct rule_state *rules;
	unsigned n_rules;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	struct lm_prefilter *pf;
	unsigned *gate_rule;   /* the rule of every prefilter gate */
	unsigned n_gates;
	uint64_t *always;      /* rules with a pattern that is always run */
	uint64_t *cand_bits;   /* candidate rules of the prepared event, */
	unsigned *cand;        /* and the same, listed in rule order */
	unsigned n_cand;
	size_t rule_words;
	const char *scanned;   /* the text the prefilter last scanned, */
	size_t scanned_len;    /* recognised by address and length */
};

static void read_groups(struct compiled *c)
{
	uint32_t count = 0, entry = 0;
	PCRE2_SPTR table;
	pcre2_pattern_info(c->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(c->code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
	pcre2_pattern_info(c->code, PCRE2_INFO_NAMETABLE, &table);
	c->groups = lm_xcalloc(count ? count : 1, sizeof(*c->groups));
	c->n_groups = count;
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *e = table + (size_t)i * entry;
		c->groups[i].number = (uint32_t)(e[0] << 8 | e[1]);
		c->groups[i].name = lm_xstrdup((const char *)e + 2);
	}
}

static bool compile(const struct lm_rule *r, const struct lm_pattern *p, struct compiled *c)
{
	int err;
	PCRE2_SIZE off;
	c->code = pcre2_compile((PCRE2_SPTR)p->source, PCRE2_ZERO_TERMINATED,
				PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (!c->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof(msg));
		lm_log_error("%s:%u:%u: rule %s: bad regex at offset %zu: %s", r->file, p->line,
			     p->column, r->id, (size_t)off, (const char *)msg);
		return false;
	}
	/* Without JIT (an unsupported CPU) matching still works, interpreted. */
	pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE);
	read_groups(c);
	return true;
}

/* The gate of a pattern of rule r (gates are numbered from 0 as added), and
 * which rule it belongs to. */
static int add_gate(struct lm_matcher *m, const struct lm_rule *r, const struct lm_pattern *p)
{
	int gate = p->field || r->field ? LM_PREFILTER_ALWAYS : lm_prefilter_add(m->pf, p->source);
	if (gate == LM_PREFILTER_ALWAYS) {
		lm_bit_set(m->always, r->index);
		return gate;
	}
	m->gate_rule = lm_xrealloc(m->gate_rule, ((size_t)gate + 1) * sizeof(*m->gate_rule));
	m->gate_rule[gate] = r->index;
	m->n_gates = (unsigned)gate + 1;
	return gate;
}

/* Compiles a list of patterns and gates those on the rule text; false if
 * any is bad (each is reported). */
static bool compile_set(struct lm_matcher *m, const struct lm_rule *r,
			const struct lm_pattern *src, unsigned n, struct pattern_set *set,
			uint32_t *max_pairs)
{
	bool ok = true;
	set->pat = lm_xcalloc(n ? n : 1, sizeof(*set->pat));
	for (unsigned j = 0; j < n; j++) {
		set->n_pat = j + 1;
		set->pat[j].field = src[j].field;
		set->pat[j].gate = add_gate(m, r, &src[j]);
		if (!compile(r, &src[j], &set->pat[j])) {
			ok = false;
			continue;
		}
		uint32_t cap = 0;
		pcre2_pattern_info(set->pat[j].code, PCRE2_INFO_CAPTURECOUNT, &cap);
		if (cap + 1 > *max_pairs)
			*max_pairs = cap + 1;
	}
	return ok;
}

static void free_set(struct pattern_set *set)
{
	for (unsigned j = 0; j < set->n_pat; j++) {
		pcre2_code_free(set->pat[j].code);
		for (unsigned g = 0; g < set->pat[j].n_groups; g++)
			free(set->pat[j].groups[g].name);
		free(set->pat[j].groups);
	}
	free(set->pat);
}

struct lm_matcher *lm_matcher_new(const struct lm_ruleset *rs)
{
	struct lm_matcher *m = lm_xcalloc(1, sizeof(*m));
	m->rules = lm_xcalloc(rs->n ? rs->n : 1, sizeof(*m->rules));
	m->n_rules = rs->n;
	m->rule_words = rs->n / 64 + 1;
	m->always = lm_xcalloc(m->rule_words, sizeof(*m->always));
	m->cand_bits = lm_xcalloc(m->rule_words, sizeof(*m->cand_bits));
	m->cand = lm_xcalloc(rs->n ? rs->n : 1, sizeof(*m->cand));
	m->pf = lm_prefilter_new();
	bool ok = true;
	uint32_t max_pairs = 1;
	for (unsigned i = 0; i < rs->n; i++) {
		const struct lm_rule *r = &rs->rules[i];
		struct rule_state *st = &m->rules[i];
		ok &= compile_set(m, r, r->patterns, r->n_patterns, &st->match, &max_pairs);
		ok &= compile_set(m, r, r->when.of, r->when.n_of, &st->select, &max_pairs);
	}
	if (!ok) {
		lm_matcher_free(m);
		return NULL;
	}
	lm_prefilter_build(m->pf);
	m->md = pcre2_match_data_create(max_pairs, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(m->mctx, LM_MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, LM_DEPTH_LIMIT);
	return m;
}

void lm_matcher_free(struct lm_matcher *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->n_rules; i++) {
		free_set(&m->rules[i].match);
		free_set(&m->rules[i].select);
	}
	free(m->rules);
	free(m->gate_rule);
	free(m->always);
	free(m->cand_bits);
	free(m->cand);
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	lm_prefilter_free(m->pf);
	free(m);
}

static void add_captures(struct lm_matcher *m, const struct compiled *c, const char *subject,
			 struct lm_fields *captures)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
	uint32_t pairs = pcre2_get_ovector_count(m->md);
	for (unsigned g = 0; g < c->n_groups; g++) {
		uint32_t n = c->groups[g].number;
		if (n >= pairs || ov[2 * n] == PCRE2_UNSET)
			continue; /* the group did not take part in this match */
		lm_fields_set(captures, c->groups[g].name, strlen(c->groups[g].name),
			      subject + ov[2 * n], ov[2 * n + 1] - ov[2 * n]);
	}
}

/* Every condition of match.where, on a capture or else an event field. */
static bool where_holds(const struct lm_rule *rule, const struct lm_event *ev,
			const struct lm_fields *captures)
{
	for (unsigned i = 0; i < rule->n_where; i++) {
		const struct lm_condition *c = &rule->where[i];
		size_t len = strlen(c->field);
		struct lm_str v;
		if (!lm_fields_get(captures, c->field, len, &v) &&
		    !lm_fields_get(ev->fields, c->field, len, &v))
			return false;
		if (!lm_condition_holds(c, v.p, v.n))
			return false;
	}
	return true;
}

/* What a pattern runs on: its own field, the rule's match.field, or the
 * rule text.  False when the event lacks the field. */
static bool subject_of(const struct lm_rule *rule, const struct compiled *c,
		       const struct lm_event *ev, struct lm_str *s)
{
	const char *field = c->field ? c->field : rule->field;
	*s = (struct lm_str){ ev->text, ev->text_len };
	return !field || lm_fields_get(ev->fields, field, strlen(field), s);
}

/* The candidate rules: those always run, and those of the gates that
 * opened, listed in rule order. */
static void list_candidates(struct lm_matcher *m)
{
	const unsigned *gates;
	unsigned n = lm_prefilter_opened(m->pf, &gates);
	memcpy(m->cand_bits, m->always, m->rule_words * sizeof(*m->cand_bits));
	for (unsigned i = 0; i < n; i++)
		lm_bit_set(m->cand_bits, m->gate_rule[gates[i]]);
	m->n_cand = 0;
	for (size_t w = 0; w < m->rule_words; w++)
		for (uint64_t bits = m->cand_bits[w]; bits; bits &= bits - 1)
			m->cand[m->n_cand++] = (unsigned)(w * 64 + (unsigned)__builtin_ctzll(bits));
}

void lm_matcher_prepare(struct lm_matcher *m, const struct lm_event *ev)
{
	m->scanned = ev->text;
	m->scanned_len = ev->text_len;
	lm_prefilter_scan(m->pf, ev->text, ev->text_len);
	list_candidates(m);
}

unsigned lm_matcher_candidates(const struct lm_matcher *m, const unsigned **rules)
{
	*rules = m->cand;
	return m->n_cand;
}

/* Whether c may match ev: its gate is open on ev's text (scanned now if it
 * is not the text last prepared). */
static bool candidate(struct lm_matcher *m, const struct compiled *c, const struct lm_event *ev)
{
	if (c->gate == LM_PREFILTER_ALWAYS)
		return true;
	if (ev->text != m->scanned || ev->text_len != m->scanned_len)
		lm_matcher_prepare(m, ev);
	return lm_prefilter_candidate(m->pf, c->gate);
}

/* The first pattern of set that matches and passes match.where (if asked). */
static bool match_set(struct lm_matcher *m, struct rule_state *st, const struct pattern_set *set,
		      const struct lm_rule *rule, const struct lm_event *ev,
		      struct lm_fields *captures, bool check_where)
{
	for (unsigned j = 0; j < set->n_pat; j++) {
		const struct compiled *c = &set->pat[j];
		struct lm_str subject;
		if (!candidate(m, c, ev) || !subject_of(rule, c, ev, &subject))
			continue;
		int rc = pcre2_match(c->code, (PCRE2_SPTR)subject.p, subject.n, 0, 0, m->md, m->mctx);
		if (rc >= 0) {
			unsigned before = captures->count;
			add_captures(m, c, subject.p, captures);
			if (!check_where || where_holds(rule, ev, captures))
				return true;
			lm_fields_truncate(captures, before);
			continue; /* another pattern may still match with other values */
		}
		if (rc != PCRE2_ERROR_NOMATCH)
			st->errors++;
	}
	return false;
}

bool lm_matcher_match(struct lm_matcher *m, const struct lm_rule *rule,
		      const struct lm_event *ev, struct lm_fields *captures)
{
	struct rule_state *st = &m->rules[rule->index];
	return match_set(m, st, &st->match, rule, ev, captures, true);
}

bool lm_matcher_select(struct lm_matcher *m, const struct lm_rule *rule,
		       const struct lm_event *ev, struct lm_fields *captures)
{
	struct rule_state *st = &m->rules[rule->index];
	return match_set(m, st, &st->select, rule, ev, captures, false);
}

uint64_t lm_matcher_errors(const struct lm_matcher *m, const struct lm_rule *rule)
{
	return m->rules[rule->index].errors;
}

void lm_matcher_each_capture(const struct lm_matcher *m, const struct lm_rule *rule,
			     void (*fn)(void *arg, const char *name), void *arg)
{
	const struct pattern_set *set = &m->rules[rule->index].match;
	for (unsigned j = 0; j < set->n_pat; j++)
		for (unsigned g = 0; g < set->pat[j].n_groups; g++)
			fn(arg, set->pat[j].groups[g].name);
}
