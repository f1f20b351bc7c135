/*
 * diagnosis: diagnoses, their evidence, and the bounded table that holds them.
 * See diagnosis.h.
 */
#include "analyzers/diagnosis.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/trigger.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "rules/template.h"

/* A list of diagnoses through one pair of their links (at an offset). */
struct chain {
	struct lm_diagnosis *head, *tail;
};

#define LRU offsetof(struct lm_diagnosis, lru)
#define FIRED offsetof(struct lm_diagnosis, fired)
#define IDLE offsetof(struct lm_diagnosis, idle)

static struct lm_diag_links *links(struct lm_diagnosis *d, size_t at)
{
	return (struct lm_diag_links *)((char *)d + at);
}

static void chain_append(struct chain *c, size_t at, struct lm_diagnosis *d)
{
	links(d, at)->prev = c->tail;
	links(d, at)->next = NULL;
	if (c->tail)
		links(c->tail, at)->next = d;
	else
		c->head = d;
	c->tail = d;
}

static void chain_remove(struct chain *c, size_t at, struct lm_diagnosis *d)
{
	struct lm_diag_links *l = links(d, at);
	if (l->prev)
		links(l->prev, at)->next = l->next;
	else
		c->head = l->next;
	if (l->next)
		links(l->next, at)->prev = l->prev;
	else
		c->tail = l->prev;
}

struct lm_diag_table {
	struct lm_diagnosis **buckets;
	size_t n_buckets, size;
	unsigned keys_per_rule;
	unsigned evidence;                    /* records kept per diagnosis */
	unsigned *per_rule;                   /* keys held per rule */
	struct chain *lru;                    /* per rule, least recently matched first */
	struct chain fired, idle;
	unsigned n_idle, max_idle;            /* max_idle 0: no limit */
	struct lm_buf key; /* lookup scratch: a key is copied only for a new diagnosis */
};


/* The line as evidence: masked (the whole line, so a secret straddling the
 * cut is still recognised) when scratch is given, then cut. */
static void evidence_set(struct lm_evidence *e, const struct lm_event *ev, struct lm_buf *scratch)
{
	const char *line = ev->line;
	size_t len = ev->line_len;
	if (scratch) {
		lm_buf_reset(scratch);
		lm_redact(scratch, ev->line, ev->line_len);
		line = scratch->data, len = scratch->len;
	}
	size_t n = lm_utf8_cut(line, len, LM_EVIDENCE_TEXT_MAX);
	lm_buf_reset(&e->text);
	lm_buf_append(&e->text, line, n);
	e->cut = n < len || ev->truncated;
	e->time = ev->time;
	e->source = ev->source_name;
	e->line_no = ev->line_no;
}

void lm_diagnosis_keep_fields(struct lm_diagnosis *d, const struct lm_fields *fields,
			      struct lm_buf *scratch)
{
	if (scratch) {
		lm_redact_fields(&d->fields, fields, NULL, LM_FIELD_VALUE_MAX, scratch);
		return;
	}
	lm_fields_reset(&d->fields);
	for (unsigned i = 0; i < fields->count; i++) {
		struct lm_str k = lm_fields_key(fields, i), v = lm_fields_val(fields, i);
		lm_fields_add(&d->fields, k.p, k.n, v.p, lm_utf8_cut(v.p, v.n, LM_FIELD_VALUE_MAX));
	}
}

/* How many of d's evidence records are the first of the run; the rest are
 * the ring of the latest. */
static unsigned first_max(const struct lm_diagnosis *d)
{
	return (d->evidence_max + 1) / 2;
}

static unsigned latest_max(const struct lm_diagnosis *d)
{
	return d->evidence_max / 2;
}

bool lm_diagnosis_add_evidence(struct lm_diagnosis *d, const struct lm_event *ev,
			       struct lm_buf *scratch)
{
	if (d->n_first < first_max(d)) {
		evidence_set(&d->evidence[d->n_first++], ev, scratch);
		return false;
	}
	unsigned ring = latest_max(d);
	if (!ring)
		return true;
	evidence_set(&d->evidence[first_max(d) + d->latest_next], ev, scratch);
	d->latest_next = (d->latest_next + 1) % ring;
	if (d->n_latest == ring)
		return true;
	d->n_latest++;
	return false;
}

void lm_diagnosis_count_split(struct lm_diagnosis *d)
{
	const char *name = d->rule->split;
	struct lm_str v;
	if (!name || !lm_fields_get(&d->fields, name, strlen(name), &v))
		return;
	size_t n = lm_utf8_cut(v.p, v.n, LM_SPLIT_VALUE_MAX - 1);
	for (unsigned i = 0; i < d->n_split; i++)
		if (strlen(d->split[i].value) == n && memcmp(d->split[i].value, v.p, n) == 0) {
			d->split[i].count++;
			return;
		}
	if (d->n_split == LM_SPLIT_MAX || memchr(v.p, '\0', n)) {
		d->split_other++;
		return;
	}
	if (!d->split)
		d->split = lm_xcalloc(LM_SPLIT_MAX, sizeof(*d->split));
	struct lm_split *sp = &d->split[d->n_split++];
	memcpy(sp->value, v.p, n);
	sp->value[n] = '\0';
	sp->count = 1;
}

void lm_diagnosis_restart(struct lm_diagnosis *d, lm_time_t t)
{
	d->n_split = 0;
	d->split_other = 0;
	d->n_first = d->n_latest = d->latest_next = 0;
	d->count = 0;
	d->first_seen = t;
}

/* The k-th oldest line of the latest ring. */
static const struct lm_evidence *latest_at(const struct lm_diagnosis *d, unsigned k)
{
	unsigned ring = latest_max(d);
	return &d->evidence[first_max(d) + (d->latest_next + ring - d->n_latest + k) % ring];
}

void lm_diagnosis_fire(struct lm_diagnosis *d)
{
	d->status = LM_STATUS_FIRING;
	uint64_t h = lm_hash(LM_HASH_SEED, d->rule->id, strlen(d->rule->id) + 1);
	h = lm_hash(h, d->key, strlen(d->key) + 1);
	char when[24]; /* as text: the id must not depend on the machine's byte order */
	int n = snprintf(when, sizeof(when), "%lld", (long long)d->first_seen);
	h = lm_hash(h, when, (size_t)n);
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++)
		d->incident[i] = hex[(h >> (60 - 4 * i)) & 0xf];
	d->incident[16] = '\0';
}

unsigned lm_diagnosis_evidence(const struct lm_diagnosis *d,
			       const struct lm_evidence **out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < d->n_first && n < max; i++)
		out[n++] = &d->evidence[i];
	for (unsigned k = 0; k < d->n_latest && n < max; k++)
		out[n++] = latest_at(d, k);
	return n;
}

void lm_diagnosis_render(const struct lm_diagnosis *d, const char *tmpl, struct lm_buf *out)
{
	const struct lm_fields *sets[] = { &d->fields, &d->key_fields };
	lm_template_render(out, tmpl, sets, 2);
}

static void diagnosis_free(struct lm_diagnosis *d)
{
	free(d->key);
	lm_fields_fini(&d->key_fields);
	lm_fields_fini(&d->fields);
	for (unsigned i = 0; i < d->evidence_max; i++)
		lm_buf_fini(&d->evidence[i].text);
	free(d->evidence);
	free(d->split);
	const struct lm_trigger *trig = lm_trigger_for(&d->rule->when);
	if (d->trigger && trig->fini)
		trig->fini(d);
	free(d->trigger);
	free(d);
}

struct lm_diag_table *lm_diag_table_new(unsigned n_rules, unsigned keys_per_rule,
					unsigned evidence)
{
	struct lm_diag_table *t = lm_xcalloc(1, sizeof(*t));
	t->n_buckets = 1024;
	t->buckets = lm_xcalloc(t->n_buckets, sizeof(*t->buckets));
	t->keys_per_rule = keys_per_rule ? keys_per_rule : LM_KEYS_PER_RULE_DEFAULT;
	t->evidence = evidence ? evidence : LM_EVIDENCE_DEFAULT;
	t->per_rule = lm_xcalloc(n_rules ? n_rules : 1, sizeof(*t->per_rule));
	t->lru = lm_xcalloc(n_rules ? n_rules : 1, sizeof(*t->lru));
	lm_buf_init(&t->key);
	return t;
}

void lm_diag_table_free(struct lm_diag_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct lm_diagnosis *d = t->buckets[i];
		while (d) {
			struct lm_diagnosis *next = d->hash_next;
			diagnosis_free(d);
			d = next;
		}
	}
	free(t->buckets);
	lm_buf_fini(&t->key);
	free(t->per_rule);
	free(t->lru);
	free(t);
}

static size_t bucket_of(const struct lm_diag_table *t, unsigned rule, const char *key)
{
	uint64_t h = lm_hash(LM_HASH_SEED, &rule, sizeof(rule));
	return (size_t)(lm_hash(h, key, strlen(key)) & (t->n_buckets - 1));
}

static void grow(struct lm_diag_table *t)
{
	size_t old_n = t->n_buckets;
	struct lm_diagnosis **old = t->buckets;
	t->n_buckets *= 2;
	t->buckets = lm_xcalloc(t->n_buckets, sizeof(*t->buckets));
	for (size_t i = 0; i < old_n; i++) {
		struct lm_diagnosis *d = old[i];
		while (d) {
			struct lm_diagnosis *next = d->hash_next;
			size_t b = bucket_of(t, d->rule->index, d->key);
			d->hash_next = t->buckets[b];
			t->buckets[b] = d;
			d = next;
		}
	}
	free(old);
}

/* d matched: it becomes its rule's most recently matched key. */
static void touch(struct lm_diag_table *t, struct lm_diagnosis *d)
{
	struct chain *c = &t->lru[d->rule->index];
	if (c->tail == d)
		return;
	chain_remove(c, LRU, d);
	chain_append(c, LRU, d);
}

void lm_diag_table_wake(struct lm_diag_table *t, struct lm_diagnosis *d)
{
	if (!d->is_idle)
		return;
	chain_remove(&t->idle, IDLE, d);
	d->is_idle = false;
	t->n_idle--;
}

/* Takes d out of the table's hash, recency, fired and idle lists (not freed). */
static void unlink_diag(struct lm_diag_table *t, struct lm_diagnosis *d)
{
	lm_diag_table_wake(t, d);
	struct lm_diagnosis **pp = &t->buckets[bucket_of(t, d->rule->index, d->key)];
	while (*pp != d)
		pp = &(*pp)->hash_next;
	*pp = d->hash_next;
	chain_remove(&t->lru[d->rule->index], LRU, d);
	if (d->listed) {
		chain_remove(&t->fired, FIRED, d);
		d->listed = false;
	}
	t->per_rule[d->rule->index]--;
	t->size--;
}

static void remove_diag(struct lm_diag_table *t, struct lm_diagnosis *d)
{
	unlink_diag(t, d);
	diagnosis_free(d);
}

/* Puts d (its rule and key set) in the table as the most recent of its rule. */
static void link_diag(struct lm_diag_table *t, struct lm_diagnosis *d)
{
	if (t->size >= t->n_buckets)
		grow(t);
	size_t b = bucket_of(t, d->rule->index, d->key);
	d->hash_next = t->buckets[b];
	t->buckets[b] = d;
	chain_append(&t->lru[d->rule->index], LRU, d);
	t->per_rule[d->rule->index]++;
	t->size++;
}

void lm_diag_table_move(struct lm_diag_table *dst, const struct lm_rule *to,
			struct lm_diag_table *src, const struct lm_rule *from)
{
	struct lm_diagnosis *d;
	while ((d = src->lru[from->index].head) != NULL) { /* least recent first */
		unlink_diag(src, d);
		d->rule = to;
		link_diag(dst, d);
	}
}

/* Appends s with the bytes that delimit keys escaped: a value holding a NUL
 * or the separator must not pass for another key. */
static void key_part(struct lm_buf *b, struct lm_str s)
{
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c == '\0')
			lm_buf_append(b, "\\0", 2);
		else if (c == '\x1f')
			lm_buf_append(b, "\\x1f", 4);
		else if (c == '\\')
			lm_buf_append(b, "\\\\", 2);
		else
			lm_buf_putc(b, c);
	}
}

/* The key as one string: name=value pairs joined by 0x1F. */
static const char *make_key(struct lm_buf *b, const struct lm_fields *key_fields)
{
	lm_buf_reset(b);
	lm_buf_putc(b, '\0'); /* an empty key is a valid key */
	b->len = 0;
	for (unsigned i = 0; i < key_fields->count; i++) {
		if (i)
			lm_buf_putc(b, '\x1f');
		key_part(b, lm_fields_key(key_fields, i));
		lm_buf_putc(b, '=');
		key_part(b, lm_fields_val(key_fields, i));
	}
	return b->data;
}

struct lm_diagnosis *lm_diag_table_find(struct lm_diag_table *t, const struct lm_rule *rule,
					const struct lm_fields *key_fields)
{
	const char *key = make_key(&t->key, key_fields);
	size_t b = bucket_of(t, rule->index, key);
	for (struct lm_diagnosis *d = t->buckets[b]; d; d = d->hash_next)
		if (d->rule == rule && strcmp(d->key, key) == 0)
			return d;
	return NULL;
}

struct lm_diagnosis *lm_diag_table_get(struct lm_diag_table *t, const struct lm_rule *rule,
				       const struct lm_fields *key_fields, bool *created,
				       void (*evict_cb)(void *arg, struct lm_diagnosis *d),
				       void *arg)
{
	const char *key = make_key(&t->key, key_fields);
	size_t b = bucket_of(t, rule->index, key);
	for (struct lm_diagnosis *d = t->buckets[b]; d; d = d->hash_next)
		if (d->rule == rule && strcmp(d->key, key) == 0) {
			*created = false;
			touch(t, d);
			return d;
		}
	if (t->per_rule[rule->index] >= t->keys_per_rule) {
		struct lm_diagnosis *old = t->lru[rule->index].head; /* least recent */
		if (evict_cb)
			evict_cb(arg, old);
		remove_diag(t, old);
	}
	struct lm_diagnosis *d = lm_xcalloc(1, sizeof(*d));
	d->rule = rule;
	d->key = lm_xstrndup(key, t->key.len);
	lm_fields_init(&d->key_fields);
	lm_fields_copy(&d->key_fields, key_fields);
	lm_fields_init(&d->fields);
	d->evidence_max = t->evidence;
	d->evidence = lm_xcalloc(d->evidence_max, sizeof(*d->evidence));
	for (unsigned i = 0; i < d->evidence_max; i++)
		lm_buf_init(&d->evidence[i].text);
	link_diag(t, d);
	*created = true;
	return d;
}

void lm_diag_table_set_max_idle(struct lm_diag_table *t, unsigned max)
{
	t->max_idle = max;
}

unsigned lm_diag_table_idle(struct lm_diag_table *t, struct lm_diagnosis *d,
			    void (*retire_cb)(void *arg, struct lm_diagnosis *d), void *arg)
{
	if (d->is_idle)
		return 0;
	d->is_idle = true;
	chain_append(&t->idle, IDLE, d);
	t->n_idle++;
	unsigned retired = 0;
	while (t->max_idle && t->n_idle > t->max_idle) {
		struct lm_diagnosis *old = t->idle.head; /* never d: it is the newest */
		retire_cb(arg, old);
		remove_diag(t, old);
		retired++;
	}
	return retired;
}

void lm_diag_table_fired(struct lm_diag_table *t, struct lm_diagnosis *d)
{
	if (d->listed)
		return;
	d->listed = true;
	chain_append(&t->fired, FIRED, d);
}

struct lm_diagnosis *lm_diag_table_first_fired(const struct lm_diag_table *t)
{
	return t->fired.head;
}
