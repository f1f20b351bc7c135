/*
 * prefilter: literal extraction from PCRE2 sources, and the Aho-Corasick
 * automaton that finds those literals in a line.  See prefilter.h.
 *
 * Extraction reads the pattern by recursive descent.  Each part (an atom, a
 * sequence, an alternation) yields a struct node:
 *  - exact: the part always consumes one string of a small set x ("abc",
 *    (?:GET|HEAD), "x?" as {"", "x"}, an assertion as {""}), so adjacent
 *    exact parts multiply into longer literals ("\" " (?<s>401) " " gives
 *    "\" 401 ");
 *  - req: a set of strings one of which every match of the part contains
 *    (empty: nothing is required).
 * Every part of a sequence must match, so a sequence's requirement is the
 * best of its parts' and of its exact runs'; an alternation's is the union of
 * its branches' when each branch has one.  A quantifier with minimum 0 drops
 * the requirement; one with minimum 1 or more keeps it but ends the run.
 * Classes, dots, \d and the like, and non-ASCII characters end a run; parts
 * that consume nothing (anchors, \b, lookarounds) keep it.  Anything not
 * understood gives the whole pattern up: it is then always run.
 *
 * The automaton finds literals without regard to ASCII case, so the
 * case-insensitive parts of a pattern ((?i), (?i:...)) yield literals too,
 * except for k and s: without case, PCRE2 in UTF mode also matches them
 * with the Kelvin sign and the long s, which no byte literal can stand for.
 */
#include "rules/prefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "rules/regexsyntax.h"

/* Groups nested deeper than this give the pattern up. */
#define LM_PREFILTER_MAX_DEPTH 64

/* ---- Literal sets ------------------------------------------------------ */

static void lits_push(struct lm_prefilter_lits *l, const char *s, size_t len)
{
	char *copy = lm_xmalloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	l->v = lm_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct lm_prefilter_lit){ copy, len };
}

static bool lits_has(const struct lm_prefilter_lits *l, const char *s, size_t len)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->v[i].len == len && memcmp(l->v[i].s, s, len) == 0)
			return true;
	return false;
}

static void lits_add(struct lm_prefilter_lits *l, const char *s, size_t len)
{
	if (!lits_has(l, s, len))
		lits_push(l, s, len);
}

void lm_prefilter_lits_free(struct lm_prefilter_lits *l)
{
	for (unsigned i = 0; i < l->n; i++)
		free(l->v[i].s);
	free(l->v);
	*l = (struct lm_prefilter_lits){ 0 };
}

/* Replaces dst by src, which is left empty. */
static void lits_move(struct lm_prefilter_lits *dst, struct lm_prefilter_lits *src)
{
	lm_prefilter_lits_free(dst);
	*dst = *src;
	*src = (struct lm_prefilter_lits){ 0 };
}

static void lits_copy(struct lm_prefilter_lits *dst, const struct lm_prefilter_lits *src)
{
	lm_prefilter_lits_free(dst);
	for (unsigned i = 0; i < src->n; i++)
		lits_push(dst, src->v[i].s, src->v[i].len);
}

/* dst gets the strings of src too; false when the union holds more than
 * LM_PREFILTER_MAX_SET strings (the caller then drops dst). */
static bool lits_union(struct lm_prefilter_lits *dst, const struct lm_prefilter_lits *src)
{
	for (unsigned i = 0; i < src->n; i++)
		lits_add(dst, src->v[i].s, src->v[i].len);
	return dst->n <= LM_PREFILTER_MAX_SET;
}

/* run becomes every string of run followed by every string of x; false (run
 * unchanged) when that would hold more than LM_PREFILTER_MAX_SET strings. */
static bool lits_extend(struct lm_prefilter_lits *run, const struct lm_prefilter_lits *x)
{
	if ((size_t)run->n * x->n > LM_PREFILTER_MAX_SET)
		return false;
	struct lm_prefilter_lits out = { 0 };
	struct lm_buf b;
	lm_buf_init(&b);
	for (unsigned i = 0; i < run->n; i++)
		for (unsigned j = 0; j < x->n; j++) {
			lm_buf_reset(&b);
			lm_buf_append(&b, run->v[i].s, run->v[i].len);
			lm_buf_append(&b, x->v[j].s, x->v[j].len);
			lits_add(&out, b.data, b.len);
		}
	lm_buf_fini(&b);
	lits_move(run, &out);
	return true;
}

static size_t lits_min_len(const struct lm_prefilter_lits *l)
{
	size_t min = SIZE_MAX;
	for (unsigned i = 0; i < l->n; i++)
		if (l->v[i].len < min)
			min = l->v[i].len;
	return min;
}

/* Whether l->v[i] contains another string of the set (and is redundant in a
 * requirement: wherever it occurs, the shorter one occurs too). */
static bool lits_redundant(const struct lm_prefilter_lits *l, unsigned i)
{
	for (unsigned j = 0; j < l->n; j++)
		if (j != i && l->v[j].len <= l->v[i].len &&
		    memmem(l->v[i].s, l->v[i].len, l->v[j].s, l->v[j].len))
			return true;
	return false;
}

/* Drops the strings that contain another one (sets hold no duplicates). */
static void lits_minimize(struct lm_prefilter_lits *l)
{
	unsigned i = 0;
	while (i < l->n) {
		if (!lits_redundant(l, i)) {
			i++;
			continue;
		}
		free(l->v[i].s);
		l->v[i] = l->v[--l->n];
	}
}

/* ---- What a part of a pattern consumes and requires -------------------- */

struct node {
	bool exact;                   /* every match consumes one string of x */
	struct lm_prefilter_lits x;
	struct lm_prefilter_lits req; /* every match contains one of these; empty: none */
};

static void node_free(struct node *a)
{
	lm_prefilter_lits_free(&a->x);
	lm_prefilter_lits_free(&a->req);
	a->exact = false;
}

/* A part that consumes nothing: an anchor or another assertion. */
static void node_empty(struct node *a)
{
	node_free(a);
	a->exact = true;
	lits_push(&a->x, "", 0);
}

static void node_char(struct node *a, unsigned char c)
{
	node_free(a);
	a->exact = true;
	lits_push(&a->x, (const char *)&c, 1);
}

/* The byte gates are built from: ASCII letters in lower case. */
static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Keeps cand as the requirement if it is better than best: its shortest
 * string is longer, or as long with fewer strings.  Too short: ignored. */
static void req_offer(struct lm_prefilter_lits *best, const struct lm_prefilter_lits *cand)
{
	if (!cand->n || lits_min_len(cand) < LM_PREFILTER_MIN_LITERAL)
		return;
	struct lm_prefilter_lits c = { 0 };
	lits_copy(&c, cand);
	lits_minimize(&c);
	size_t len = lits_min_len(&c), best_len = best->n ? lits_min_len(best) : 0;
	if (!best->n || len > best_len || (len == best_len && c.n < best->n))
		lits_move(best, &c);
	lm_prefilter_lits_free(&c);
}

/* ---- The parser ---------------------------------------------------------- */

struct parser {
	const char *p;
	bool fail;   /* gave up: the pattern is always run */
	bool nocase; /* what is parsed now matches without case */
	unsigned depth;
};

/* A character that matches itself, or without case its other case too (k
 * and s also match a non-ASCII character: no literal, like a class). */
static void literal_char(const struct parser *ps, struct node *a, unsigned char c)
{
	if (!ps->nocase)
		node_char(a, c);
	else if (fold(c) == 'k' || fold(c) == 's')
		node_free(a);
	else
		node_char(a, fold(c));
}

static void parse_alt(struct parser *ps, struct node *out);

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* After "\x": \xH or \xHH, or \x{H...}.  ASCII is a literal byte;
 * a larger code point is a multi-byte character, which ends a run. */
static void parse_hex(struct parser *ps, struct node *a)
{
	unsigned long v = 0;
	const unsigned char *q = (const unsigned char *)ps->p;
	if (*q == '{') {
		unsigned digits = 0;
		for (q++; hex_value(*q) >= 0; q++, digits++)
			if (v < 0x110000)
				v = v * 16 + (unsigned long)hex_value(*q);
		if (*q != '}' || !digits) {
			ps->fail = true;
			return;
		}
		q++;
	} else {
		if (hex_value(*q) < 0) {
			ps->fail = true; /* a bare \x: NUL, but not worth the doubt */
			return;
		}
		for (int i = 0; i < 2 && hex_value(*q) >= 0; i++, q++)
			v = v * 16 + (unsigned long)hex_value(*q);
	}
	ps->p = (const char *)q;
	if (v < 0x80)
		literal_char(ps, a, (unsigned char)v);
}

/* After "\p" or "\P": a one-letter or braced property; consumes a character. */
static void skip_property(struct parser *ps)
{
	if (*ps->p == '{') {
		const char *end = strchr(ps->p, '}');
		if (!end) {
			ps->fail = true;
			return;
		}
		ps->p = end + 1;
	} else if (*ps->p) {
		ps->p++;
	} else {
		ps->fail = true;
	}
}

/* After "\": an escaped character, a type (\d, \w...), an assertion (\b...).
 * Backreferences, octal, \Q..\E, \c and unknown letters give up. */
static void parse_escape(struct parser *ps, struct node *a)
{
	unsigned char c = (unsigned char)*ps->p;
	if (c == '\0' || c >= 0x80) {
		ps->fail = true;
		return;
	}
	ps->p++;
	if (!is_alpha(c) && !is_digit(c)) {
		literal_char(ps, a, c); /* escaped punctuation is itself */
		return;
	}
	switch (c) {
	case 't': node_char(a, '\t'); return;
	case 'n': node_char(a, '\n'); return;
	case 'r': node_char(a, '\r'); return;
	case 'f': node_char(a, '\f'); return;
	case 'e': node_char(a, 0x1b); return;
	case 'a': node_char(a, 0x07); return;
	case 'x': parse_hex(ps, a); return;
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
	case 'h': case 'H': case 'v': case 'V': case 'R': case 'X': case 'C':
		return; /* a class of characters: no literal */
	case 'N':
		if (*ps->p == '{')
			ps->fail = true; /* \N{U+...} */
		return;
	case 'p': case 'P': skip_property(ps); return;
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		node_empty(a);
		return;
	default:
		ps->fail = true;
	}
}

enum group_kind {
	GROUP_PLAIN,   /* its content is matched: (...), (?:...), (?i:...), (?<n>...), (?>...) */
	GROUP_ASSERT,  /* a lookaround: consumes nothing */
	GROUP_OPTIONS, /* (?s) and the like, already consumed through ")" */
};

/* What a group's options do to case: nothing, or turn it off or on. */
enum case_change { CASE_KEEP, CASE_SENSITIVE, CASE_INSENSITIVE };

/* From the first character of a group's name: skips the name and its end. */
static bool skip_group_name(struct parser *ps, const char *p, char end, enum group_kind *kind)
{
	const char *start = p;
	while (is_alpha((unsigned char)*p) || is_digit((unsigned char)*p) || *p == '_')
		p++;
	if (p == start || *p != end)
		return false;
	ps->p = p + 1;
	*kind = GROUP_PLAIN;
	return true;
}

/* After "(?": option letters, then ")" (they reach the rest of the
 * enclosing group, later branches included) or ":" (they reach the group
 * they open).  Options that change what literals mean give up: x (extended
 * syntax), ^ (a reset); so do comments, conditions, recursion, callouts. */
static bool read_options(struct parser *ps, const char *p, enum group_kind *kind,
			 enum case_change *cc)
{
	bool negate = false;
	for (;; p++) {
		switch (*p) {
		case '-':
			if (negate)
				return false;
			negate = true;
			break;
		case 'i':
			*cc = negate ? CASE_SENSITIVE : CASE_INSENSITIVE;
			break;
		case 'm': case 's': case 'n': case 'U': case 'J':
			break;
		case ')': case ':':
			ps->p = p + 1;
			*kind = *p == ')' ? GROUP_OPTIONS : GROUP_PLAIN;
			return true;
		default:
			return false;
		}
	}
}

/* After "(": what kind of group this is and what it does to case; false
 * gives up (verbs, unknown). */
static bool read_group_kind(struct parser *ps, enum group_kind *kind, enum case_change *cc)
{
	const char *p = ps->p;
	*cc = CASE_KEEP;
	if (*p != '?') {
		*kind = GROUP_PLAIN;
		return *p != '*'; /* (*VERB), (*napla:...) */
	}
	p++;
	switch (*p) {
	case ':': case '|': case '>':
		ps->p = p + 1;
		*kind = GROUP_PLAIN;
		return true;
	case '=': case '!':
		ps->p = p + 1;
		*kind = GROUP_ASSERT;
		return true;
	case '<':
		if (p[1] == '=' || p[1] == '!') {
			ps->p = p + 2;
			*kind = GROUP_ASSERT;
			return true;
		}
		return skip_group_name(ps, p + 1, '>', kind);
	case 'P':
		return p[1] == '<' && skip_group_name(ps, p + 2, '>', kind);
	case '\'':
		return skip_group_name(ps, p + 1, '\'', kind);
	default:
		return read_options(ps, p, kind, cc);
	}
}

/* After "(": a group, through its ")".  Options set inside a group end
 * with it. */
static void parse_group(struct parser *ps, struct node *a)
{
	enum group_kind kind;
	enum case_change cc;
	if (ps->depth >= LM_PREFILTER_MAX_DEPTH || !read_group_kind(ps, &kind, &cc)) {
		ps->fail = true;
		return;
	}
	bool outer_nocase = ps->nocase;
	if (cc != CASE_KEEP)
		ps->nocase = cc == CASE_INSENSITIVE;
	if (kind == GROUP_OPTIONS) {
		node_empty(a);
		return;
	}
	struct node inner = { 0 };
	ps->depth++;
	parse_alt(ps, &inner);
	ps->depth--;
	ps->nocase = outer_nocase;
	if (*ps->p == ')')
		ps->p++;
	else
		ps->fail = true;
	if (kind == GROUP_PLAIN) {
		node_free(a);
		*a = inner;
		return;
	}
	node_free(&inner);
	if (kind == GROUP_ASSERT)
		node_empty(a);
}

/* One atom, without its quantifier.  A default node (not exact, requiring
 * nothing) stands for anything that consumes characters of no known value. */
static void parse_atom(struct parser *ps, struct node *a)
{
	unsigned char c = (unsigned char)*ps->p;
	switch (c) {
	case '(':
		ps->p++;
		parse_group(ps, a);
		return;
	case '[': {
		const char *end = lm_regex_class_end(ps->p);
		if (end)
			ps->p = end;
		else
			ps->fail = true;
		return;
	}
	case '\\':
		ps->p++;
		parse_escape(ps, a);
		return;
	case '.':
		ps->p++;
		return;
	case '^': case '$':
		ps->p++;
		node_empty(a);
		return;
	case '*': case '+': case '?': case '{':
		ps->fail = true; /* a quantifier of nothing, or a literal { */
		return;
	}
	ps->p++;
	if (c < 0x80) {
		literal_char(ps, a, c);
		return;
	}
	while (((unsigned char)*ps->p & 0xC0) == 0x80)
		ps->p++; /* the rest of a multi-byte character */
}

/* What a quantifier leaves of an atom's exact strings and requirement. */
static void apply_quantifier(struct node *a, unsigned min, unsigned max)
{
	if (min == 1 && max == 1)
		return;
	if (min == 0 && max == 1 && a->exact && a->x.n < LM_PREFILTER_MAX_SET) {
		lits_add(&a->x, "", 0); /* x? is x or nothing */
		lm_prefilter_lits_free(&a->req);
		return;
	}
	a->exact = false;
	lm_prefilter_lits_free(&a->x);
	if (min == 0)
		lm_prefilter_lits_free(&a->req);
}

/* A sequence of atoms, up to "|", ")" or the end. */
static void parse_seq(struct parser *ps, struct node *out)
{
	struct lm_prefilter_lits run = { 0 }, best = { 0 };
	bool exact = true;
	lits_push(&run, "", 0);
	while (!ps->fail && *ps->p && *ps->p != '|' && *ps->p != ')') {
		struct node a = { 0 };
		struct lm_regex_quantifier q;
		parse_atom(ps, &a);
		/* lazy or possessive, the same strings can match */
		const char *after = lm_regex_quantifier(ps->p, &q);
		if (after) {
			ps->p = after;
			apply_quantifier(&a, q.min, q.max);
		}
		req_offer(&best, &a.req);
		if (!a.exact || !lits_extend(&run, &a.x)) {
			/* the run ends here: it is one candidate requirement */
			req_offer(&best, &run);
			exact = false;
			lm_prefilter_lits_free(&run);
			if (a.exact)
				lits_move(&run, &a.x);
			else
				lits_push(&run, "", 0);
		}
		node_free(&a);
	}
	req_offer(&best, &run);
	node_free(out);
	out->exact = exact;
	out->req = best;
	if (exact)
		out->x = run;
	else
		lm_prefilter_lits_free(&run);
}

/* Folds one more branch b of an alternation into acc. */
static void merge_branch(struct node *acc, const struct node *b)
{
	if (!acc->exact || !b->exact || !lits_union(&acc->x, &b->x)) {
		acc->exact = false;
		lm_prefilter_lits_free(&acc->x);
	}
	if (!acc->req.n || !b->req.n || !lits_union(&acc->req, &b->req))
		lm_prefilter_lits_free(&acc->req);
	else
		lits_minimize(&acc->req);
}

/* Branches separated by "|", up to ")" or the end. */
static void parse_alt(struct parser *ps, struct node *out)
{
	parse_seq(ps, out);
	while (!ps->fail && *ps->p == '|') {
		struct node b = { 0 };
		ps->p++;
		parse_seq(ps, &b);
		merge_branch(out, &b);
		node_free(&b);
	}
}

bool lm_prefilter_extract(const char *source, struct lm_prefilter_lits *out)
{
	struct parser ps = { .p = source };
	struct node root = { 0 };
	parse_alt(&ps, &root);
	*out = (struct lm_prefilter_lits){ 0 };
	bool gated = !ps.fail && *ps.p == '\0' && root.req.n > 0;
	if (gated)
		lits_move(out, &root.req);
	node_free(&root);
	return gated;
}

/* ---- Gates and the automaton ------------------------------------------- */

/* States are 16-bit; literals that would need more are left out of the
 * automaton, and the gates holding them stay open (always run). */
#define LM_PREFILTER_MAX_STATES UINT16_MAX

struct lm_prefilter {
	struct lm_prefilter_lits lits; /* distinct literals; an id is an index */
	unsigned *gate_lits;           /* the literal ids of every gate, in gate order */
	unsigned n_gate_lits;
	unsigned *gate_end;            /* gate g's ids are [gate_end[g - 1], gate_end[g]) */
	unsigned n_gates;
	/* Built: a deterministic automaton over byte classes. */
	uint16_t cls[256];             /* a byte's class; 0 for bytes in no literal */
	unsigned n_cls;
	uint16_t *delta;               /* [state * n_cls + class]: the next state */
	int32_t *out;                  /* the literal a state spells, or -1 */
	int32_t *report;               /* the first state on a state's failure chain
					* (itself included) that spells a literal, or -1 */
	int32_t *link;                 /* for such a state, the next one after it */
	unsigned n_states;
	unsigned *lit_gates;           /* the gates of every literal, in literal order */
	unsigned *lit_gates_at;        /* literal l's are [lit_gates_at[l], lit_gates_at[l + 1]) */
	/* Per scan. */
	uint64_t *seen;                /* literals of the last scanned text */
	uint64_t *open;                /* gates open on it */
	unsigned *opened;              /* the same gates, in the order they opened */
	unsigned n_opened;
	uint64_t *open_init;           /* gates open on any text (literals left out) */
	unsigned *opened_init;         /* the same gates, listed */
	unsigned n_opened_init;
	size_t seen_words, open_words;
};

struct lm_prefilter *lm_prefilter_new(void)
{
	return lm_xcalloc(1, sizeof(struct lm_prefilter));
}

void lm_prefilter_free(struct lm_prefilter *pf)
{
	if (!pf)
		return;
	lm_prefilter_lits_free(&pf->lits);
	free(pf->gate_lits);
	free(pf->gate_end);
	free(pf->delta);
	free(pf->out);
	free(pf->report);
	free(pf->link);
	free(pf->lit_gates);
	free(pf->lit_gates_at);
	free(pf->seen);
	free(pf->open);
	free(pf->opened);
	free(pf->open_init);
	free(pf->opened_init);
	free(pf);
}

/* The id of a literal (folded: the automaton ignores ASCII case). */
static unsigned literal_id(struct lm_prefilter *pf, const struct lm_prefilter_lit *l)
{
	char *folded = lm_xmalloc(l->len + 1);
	for (size_t k = 0; k < l->len; k++)
		folded[k] = (char)fold((unsigned char)l->s[k]);
	unsigned id = 0;
	while (id < pf->lits.n &&
	       (pf->lits.v[id].len != l->len || memcmp(pf->lits.v[id].s, folded, l->len) != 0))
		id++;
	if (id == pf->lits.n)
		lits_push(&pf->lits, folded, l->len);
	free(folded);
	return id;
}

int lm_prefilter_add_literals(struct lm_prefilter *pf, const struct lm_prefilter_lits *lits)
{
	if (!lits->n)
		return LM_PREFILTER_ALWAYS;
	for (unsigned i = 0; i < lits->n; i++)
		if (!lits->v[i].len)
			return LM_PREFILTER_ALWAYS; /* every text contains "" */
	pf->gate_lits = lm_xrealloc(pf->gate_lits, (pf->n_gate_lits + lits->n) * sizeof(unsigned));
	for (unsigned i = 0; i < lits->n; i++)
		pf->gate_lits[pf->n_gate_lits++] = literal_id(pf, &lits->v[i]);
	pf->gate_end = lm_xrealloc(pf->gate_end, (pf->n_gates + 1) * sizeof(unsigned));
	pf->gate_end[pf->n_gates] = pf->n_gate_lits;
	return (int)pf->n_gates++;
}

int lm_prefilter_add(struct lm_prefilter *pf, const char *source)
{
	struct lm_prefilter_lits lits;
	if (!lm_prefilter_extract(source, &lits))
		return LM_PREFILTER_ALWAYS;
	int gate = lm_prefilter_add_literals(pf, &lits);
	lm_prefilter_lits_free(&lits);
	return gate;
}

/* Byte classes: one per byte that occurs in a (folded) literal, 0 for all
 * others; an upper-case letter is in its lower case's class. */
static void build_classes(struct lm_prefilter *pf)
{
	memset(pf->cls, 0, sizeof(pf->cls));
	pf->n_cls = 1;
	for (unsigned i = 0; i < pf->lits.n; i++)
		for (size_t k = 0; k < pf->lits.v[i].len; k++) {
			unsigned char b = (unsigned char)pf->lits.v[i].s[k];
			if (!pf->cls[b])
				pf->cls[b] = (uint16_t)pf->n_cls++;
		}
	for (unsigned c = 'A'; c <= 'Z'; c++)
		pf->cls[c] = pf->cls[fold((unsigned char)c)];
}

/* Adds literal id to the trie, whose missing edges are still 0 (the root
 * is never a target); false when the states would run out. */
static bool trie_insert(struct lm_prefilter *pf, unsigned id)
{
	const struct lm_prefilter_lit *l = &pf->lits.v[id];
	if (pf->n_states + l->len > LM_PREFILTER_MAX_STATES)
		return false;
	unsigned s = 0;
	for (size_t k = 0; k < l->len; k++) {
		uint16_t *edge = &pf->delta[(size_t)s * pf->n_cls + pf->cls[(unsigned char)l->s[k]]];
		if (!*edge) {
			*edge = (uint16_t)pf->n_states;
			pf->out[pf->n_states++] = -1;
		}
		s = *edge;
	}
	pf->out[s] = (int32_t)id;
	return true;
}

/* Breadth first: failure links, the report chains, and every missing edge
 * filled from the failure state's (whose row is complete, being shallower). */
static void link_states(struct lm_prefilter *pf)
{
	uint16_t *fail = lm_xcalloc(pf->n_states, sizeof(*fail));
	uint16_t *queue = lm_xcalloc(pf->n_states, sizeof(*queue));
	unsigned head = 0, tail = 0;
	pf->report[0] = pf->link[0] = -1;
	for (unsigned c = 0; c < pf->n_cls; c++)
		if (pf->delta[c])
			queue[tail++] = pf->delta[c]; /* fails to the root */
	while (head < tail) {
		unsigned s = queue[head++], f = fail[s];
		pf->report[s] = pf->out[s] >= 0 ? (int32_t)s : pf->report[f];
		pf->link[s] = pf->report[f];
		for (unsigned c = 0; c < pf->n_cls; c++) {
			uint16_t *edge = &pf->delta[(size_t)s * pf->n_cls + c];
			uint16_t via_fail = pf->delta[(size_t)f * pf->n_cls + c];
			if (!*edge) {
				*edge = via_fail;
			} else {
				fail[*edge] = via_fail;
				queue[tail++] = *edge;
			}
		}
	}
	free(queue);
	free(fail);
}

/* The trie of every literal that fits, then its links.  Returns which
 * literals were left out (a bitmap the caller frees). */
static uint64_t *build_automaton(struct lm_prefilter *pf)
{
	uint64_t *left_out = lm_xcalloc(pf->seen_words, sizeof(*left_out));
	size_t max_states = 1;
	for (unsigned i = 0; i < pf->lits.n; i++)
		max_states += pf->lits.v[i].len;
	if (max_states > LM_PREFILTER_MAX_STATES)
		max_states = LM_PREFILTER_MAX_STATES;
	pf->delta = lm_xcalloc(max_states * pf->n_cls, sizeof(*pf->delta));
	pf->out = lm_xmalloc(max_states * sizeof(*pf->out));
	pf->out[0] = -1;
	pf->n_states = 1;
	for (unsigned i = 0; i < pf->lits.n; i++)
		if (!trie_insert(pf, i))
			lm_bit_set(left_out, i);
	pf->delta = lm_xrealloc(pf->delta, (size_t)pf->n_states * pf->n_cls * sizeof(*pf->delta));
	pf->report = lm_xmalloc(pf->n_states * sizeof(*pf->report));
	pf->link = lm_xmalloc(pf->n_states * sizeof(*pf->link));
	link_states(pf);
	return left_out;
}

/* Inverts the gates' literal lists into the gates of each literal (a
 * counting sort).  A gate with a literal left out of the automaton is open
 * on every text. */
static void build_postings(struct lm_prefilter *pf, const uint64_t *left_out)
{
	unsigned n = pf->lits.n, *next = lm_xcalloc(n + 1, sizeof(*next));
	pf->lit_gates_at = lm_xcalloc(n + 1, sizeof(*pf->lit_gates_at));
	pf->lit_gates = lm_xcalloc(pf->n_gate_lits + 1, sizeof(*pf->lit_gates));
	for (unsigned i = 0; i < pf->n_gate_lits; i++)
		pf->lit_gates_at[pf->gate_lits[i] + 1]++;
	for (unsigned l = 0; l < n; l++) {
		pf->lit_gates_at[l + 1] += pf->lit_gates_at[l];
		next[l] = pf->lit_gates_at[l];
	}
	for (unsigned g = 0, i = 0; g < pf->n_gates; g++)
		for (; i < pf->gate_end[g]; i++) {
			unsigned l = pf->gate_lits[i];
			pf->lit_gates[next[l]++] = g;
			if (lm_bit_test(left_out, l) && !lm_bit_test(pf->open_init, g)) {
				lm_bit_set(pf->open_init, g);
				pf->opened_init[pf->n_opened_init++] = g;
			}
		}
	free(next);
}

void lm_prefilter_build(struct lm_prefilter *pf)
{
	pf->seen_words = pf->lits.n / 64 + 1;
	pf->open_words = pf->n_gates / 64 + 1;
	pf->seen = lm_xcalloc(pf->seen_words, sizeof(*pf->seen));
	pf->open = lm_xcalloc(pf->open_words, sizeof(*pf->open));
	pf->open_init = lm_xcalloc(pf->open_words, sizeof(*pf->open_init));
	pf->opened = lm_xcalloc(pf->n_gates + 1, sizeof(*pf->opened));
	pf->opened_init = lm_xcalloc(pf->n_gates + 1, sizeof(*pf->opened_init));
	build_classes(pf);
	uint64_t *left_out = build_automaton(pf);
	build_postings(pf, left_out);
	free(left_out);
	memcpy(pf->open, pf->open_init, pf->open_words * sizeof(*pf->open));
}

/* A literal occurs: the first time in a scan, its gates open. */
static void literal_seen(struct lm_prefilter *pf, unsigned id)
{
	if (lm_bit_test(pf->seen, id))
		return;
	lm_bit_set(pf->seen, id);
	for (unsigned i = pf->lit_gates_at[id]; i < pf->lit_gates_at[id + 1]; i++) {
		unsigned g = pf->lit_gates[i];
		if (!lm_bit_test(pf->open, g)) {
			lm_bit_set(pf->open, g);
			pf->opened[pf->n_opened++] = g;
		}
	}
}

void lm_prefilter_scan(struct lm_prefilter *pf, const char *text, size_t len)
{
	memset(pf->seen, 0, pf->seen_words * sizeof(*pf->seen));
	memcpy(pf->open, pf->open_init, pf->open_words * sizeof(*pf->open));
	memcpy(pf->opened, pf->opened_init, pf->n_opened_init * sizeof(*pf->opened));
	pf->n_opened = pf->n_opened_init;
	const unsigned char *p = (const unsigned char *)text;
	const uint16_t *delta = pf->delta;
	size_t n_cls = pf->n_cls, s = 0;
	for (size_t i = 0; i < len; i++) {
		s = delta[s * n_cls + pf->cls[p[i]]];
		for (int32_t r = pf->report[s]; r >= 0; r = pf->link[r])
			literal_seen(pf, (unsigned)pf->out[r]);
	}
}

bool lm_prefilter_candidate(const struct lm_prefilter *pf, int gate)
{
	return gate < 0 || lm_bit_test(pf->open, (unsigned)gate);
}

unsigned lm_prefilter_opened(const struct lm_prefilter *pf, const unsigned **gates)
{
	*gates = pf->opened;
	return pf->n_opened;
}

unsigned lm_prefilter_literals(const struct lm_prefilter *pf)
{
	return pf->lits.n;
}

unsigned lm_prefilter_states(const struct lm_prefilter *pf)
{
	return pf->n_states;
}
