/*
 * test_prefilter: the literal prefilter that gates patterns.  Checked:
 * extraction on a table of patterns (the literal set proved, case-insensitive
 * parts in lower case, or "always run" for what it must not or cannot prove:
 * backreferences, \Q..\E, verbs, comments, extended syntax, short or only
 * optional literals); the Aho-Corasick automaton on overlapping literals,
 * repeated and binary ones, either case of a letter, random ones against a
 * naive search, and more literals than its 16-bit states hold (those gates
 * stay open); and soundness on the shipped rules: for every example line of
 * every rule (as written and as decoded into rule text) and thousands of
 * random mutations of them (byte flips, cuts, joins, repeats, letters in the
 * other case, k and s turned into the Kelvin sign and the long s), a
 * pattern that PCRE2 matches is always a candidate of the prefilter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/event.h"
#include "ingest/decode.h"
#include "rules/loader.h"
#include "rules/prefilter.h"
#include "rules/rule.h"

/* ---- Extraction ---------------------------------------------------------- */

#define MAX_EXPECT 8

struct extract_case {
	const char *pattern;
	const char *lits[MAX_EXPECT]; /* the proved set, NULL-ended; none: always run */
};

static const struct extract_case extract_cases[] = {
	/* plain literals, and the shortest accepted */
	{ "sorry, too many clients already", { "sorry, too many clients already" } },
	{ "abc", { "abc" } },
	{ "ab", { NULL } },
	{ "", { NULL } },
	/* escapes: punctuation and control characters are literals */
	{ "a\\.b\\/c\\-d", { "a.b/c-d" } },
	{ "\\[ERROR\\] plugin", { "[ERROR] plugin" } },
	{ "\\\\server", { "\\server" } },
	{ "tab\\there\\n", { "tab\there\n" } },
	{ "\\x41BC\\x{44}", { "ABCD" } },
	{ "\\x4BCD", { "KCD" } },
	{ "\\xabcd", { NULL } }, /* \xab is not ASCII; "cd" is short */
	{ "\\x{zz}abcd", { NULL } },
	{ "\\xghij", { NULL } },
	{ "connect\\(\\) failed \\(111", { "connect() failed (111" } },
	{ "failed to connect to \\x60host=", { "failed to connect to `host=" } },
	/* character types, classes and dots end a literal */
	{ "fo\\d+barx", { "barx" } },
	{ "abc[de]fghi", { "fghi" } },
	{ "[]x]yzw", { "yzw" } },
	{ "[^]a]bcd", { "bcd" } },
	{ "[[:alpha:]]+ said", { " said" } },
	{ "[a\\]b]cdef", { "cdef" } },
	{ "a.b.c", { NULL } },
	{ "\\w+\\s+\\S+", { NULL } },
	{ "\\p{L}abc\\pLd", { "abc" } },
	/* groups: exact ones join the literal around them */
	{ "\" (?<status>401) ", { "\" 401 " } },
	{ "(?:GET|HEAD) /api", { "GET /api", "HEAD /api" } },
	{ "(?|(?<a>abc)|(?<a>def))", { "abc", "def" } },
	{ "(?>abcd)e", { "abcde" } },
	{ "(?P<x>abc)(?'y'def)", { "abcdef" } },
	{ "(?:(?:foo|bar)baz|qux quux)", { "foobaz", "barbaz", "qux quux" } },
	/* alternation: every branch needs a literal */
	{ "connection refused|timed out", { "connection refused", "timed out" } },
	{ "abc|d", { NULL } },
	{ "abcd|", { NULL } },
	{ "(?:abc|)def", { "def" } },
	{ "x(?:abcd|efg[0-9]ijkl)y", { "abcd", "ijkl" } },
	/* quantifiers */
	{ "colou?r", { "color", "colour" } },
	{ "x*abc", { "abc" } },
	{ "(?:abcd)+ef", { "abcd" } },
	{ "(?:abcd){2,}", { "abcd" } },
	{ "(?:abcd){1}ef", { "abcdef" } },
	{ "(?:abcd){0,3}", { NULL } },
	{ "(?:abc)*", { NULL } },
	{ "(?:abcd)?", { NULL } },
	{ "ab+cdef", { "cdef" } },
	{ "a.*?bcde", { "bcde" } },
	{ "\\d++ items", { " items" } },
	{ "x{2}abc", { "abc" } },
	{ "a{,3}bcd", { NULL } }, /* not a quantifier in PCRE2 10.42: given up */
	{ "{abc}", { NULL } },
	/* assertions consume nothing: the literal goes on */
	{ "^error: \\bdisk$", { "error: disk" } },
	{ "(?<=LOG:  )duration: ", { "duration: " } },
	{ "(?<!foo)barbaz", { "barbaz" } },
	{ "(?!abc)defg", { "defg" } },
	{ "abc(?=\\d)\\d+", { "abc" } },
	{ "(?=literal)", { NULL } },
	/* options */
	{ "(?s)abcd.*ef", { "abcd" } },
	{ "(?J)(?<n>abcd)|(?<n>efgh)", { "abcd", "efgh" } },
	{ "(?-i)abcd", { "abcd" } },
	/* without case: lower case, but k and s match non-ASCII characters too */
	{ "(?i:error) disk full", { "error disk full" } },
	{ "(?i)ERROR", { "error" } },
	{ "foo(?i)BarBaz", { "foobarbaz" } },
	{ "(?i)disk full", { " full" } },
	{ "(?i)Sick", { NULL } },
	{ "(?i)\\x4Bxyz", { "xyz" } },
	{ "(?i:ab)(?-i:CDef)", { "abCDef" } },
	{ "(?i-m:abc)DEF", { "abcDEF" } },
	{ "(?:(?i)ABC|DEF)GHI", { "abcGHI", "defGHI" } },
	{ "(?:(?i)ABC)DEF", { "abcDEF" } },
	{ "(?i)a(?-i)BCD", { "aBCD" } },
	{ "(?x)a b c d", { NULL } },
	{ "(?^)abcd", { NULL } },
	/* what is never proved */
	{ "(abc)\\1", { NULL } },
	{ "(?<n>abc)\\k<n>", { NULL } },
	{ "(?<n>abc)\\g{n}", { NULL } },
	{ "\\Qa.b\\E", { NULL } },
	{ "(*UTF)abcd", { NULL } },
	{ "(?#comment)abcd", { NULL } },
	{ "(?(1)abc|def)", { NULL } },
	{ "(abc)(?1)", { NULL } },
	{ "\\101bcd", { NULL } },
	{ "\\cAabcd", { NULL } },
	{ "abcd)", { NULL } },
	{ "(abcd", { NULL } },
	{ "abc\\", { NULL } },
	/* non-ASCII characters end a literal */
	{ "µs timer", { "s timer" } },
	{ "\\x{e9}tude", { "tude" } },
	/* redundant longer strings are dropped */
	{ "(?:abc|abcd|xabcx)", { "abc" } },
};

static bool lits_contain(const struct lm_prefilter_lits *l, const char *s)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->v[i].len == strlen(s) && memcmp(l->v[i].s, s, l->v[i].len) == 0)
			return true;
	return false;
}

static void check_case(const struct extract_case *c)
{
	struct lm_prefilter_lits l;
	bool gated = lm_prefilter_extract(c->pattern, &l);
	unsigned want = 0;
	while (want < MAX_EXPECT && c->lits[want])
		want++;
	if (gated != (want > 0) || l.n != want)
		fail_msg("%s: %u literals proved, %u expected", c->pattern, l.n, want);
	for (unsigned i = 0; i < want; i++)
		if (!lits_contain(&l, c->lits[i]))
			fail_msg("%s: \"%s\" not proved", c->pattern, c->lits[i]);
	lm_prefilter_lits_free(&l);
}

static void test_extract(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(extract_cases) / sizeof(extract_cases[0]); i++)
		check_case(&extract_cases[i]);
}

/* An alternation of more strings than a set holds is given up. */
static void test_extract_large_set(void **state)
{
	(void)state;
	struct lm_buf b;
	struct lm_prefilter_lits l;
	lm_buf_init(&b);
	lm_buf_puts(&b, "(?:");
	for (int i = 0; i < LM_PREFILTER_MAX_SET + 1; i++)
		lm_buf_printf(&b, "%sword%03d", i ? "|" : "", i);
	lm_buf_puts(&b, ")");
	assert_false(lm_prefilter_extract(b.data, &l));
	assert_int_equal(l.n, 0);
	/* one fewer fits */
	lm_buf_reset(&b);
	lm_buf_puts(&b, "(?:");
	for (int i = 0; i < LM_PREFILTER_MAX_SET; i++)
		lm_buf_printf(&b, "%sword%03d", i ? "|" : "", i);
	lm_buf_puts(&b, ")");
	assert_true(lm_prefilter_extract(b.data, &l));
	assert_int_equal(l.n, LM_PREFILTER_MAX_SET);
	lm_prefilter_lits_free(&l);
	lm_buf_fini(&b);
}

/* ---- The automaton --------------------------------------------------------- */

static int add_gate(struct lm_prefilter *pf, const char *const *strs, unsigned n)
{
	struct lm_prefilter_lits l = { 0 };
	l.v = calloc(n ? n : 1, sizeof(*l.v));
	for (unsigned i = 0; i < n; i++)
		l.v[l.n++] = (struct lm_prefilter_lit){ (char *)strs[i], strlen(strs[i]) };
	int gate = lm_prefilter_add_literals(pf, &l);
	free(l.v); /* the strings are borrowed */
	return gate;
}

static void scan(struct lm_prefilter *pf, const char *s)
{
	lm_prefilter_scan(pf, s, strlen(s));
}

static void test_automaton(void **state)
{
	(void)state;
	struct lm_prefilter *pf = lm_prefilter_new();
	int he = add_gate(pf, (const char *[]){ "he" }, 1);
	int she = add_gate(pf, (const char *[]){ "she" }, 1);
	int his = add_gate(pf, (const char *[]){ "his" }, 1);
	int hers = add_gate(pf, (const char *[]){ "hers" }, 1);
	int a2 = add_gate(pf, (const char *[]){ "aa" }, 1);
	int a3 = add_gate(pf, (const char *[]){ "aaa" }, 1);
	int a4 = add_gate(pf, (const char *[]){ "aaaa" }, 1);
	int either = add_gate(pf, (const char *[]){ "xyz", "she" }, 2);
	int always = add_gate(pf, NULL, 0);
	int empty = add_gate(pf, (const char *[]){ "abc", "" }, 2);
	assert_int_equal(always, LM_PREFILTER_ALWAYS);
	assert_int_equal(empty, LM_PREFILTER_ALWAYS);
	lm_prefilter_build(pf);
	assert_int_equal(lm_prefilter_literals(pf), 8); /* "she" once */
	assert_true(lm_prefilter_states(pf) >= 1);

	scan(pf, "ushers");
	assert_true(lm_prefilter_candidate(pf, he));
	assert_true(lm_prefilter_candidate(pf, she));
	assert_true(lm_prefilter_candidate(pf, hers));
	assert_false(lm_prefilter_candidate(pf, his));
	assert_true(lm_prefilter_candidate(pf, either));
	assert_true(lm_prefilter_candidate(pf, always));

	/* a new scan forgets the last one */
	scan(pf, "this");
	assert_true(lm_prefilter_candidate(pf, his));
	assert_false(lm_prefilter_candidate(pf, he));
	assert_false(lm_prefilter_candidate(pf, she));
	assert_false(lm_prefilter_candidate(pf, either));
	assert_true(lm_prefilter_candidate(pf, always));

	/* overlapping runs of one letter, found through failure links */
	scan(pf, "baaab");
	assert_true(lm_prefilter_candidate(pf, a2));
	assert_true(lm_prefilter_candidate(pf, a3));
	assert_false(lm_prefilter_candidate(pf, a4));
	scan(pf, "aaaaa");
	assert_true(lm_prefilter_candidate(pf, a4));

	/* at the very start and end, and the other literal of a gate */
	scan(pf, "xyz");
	assert_true(lm_prefilter_candidate(pf, either));
	scan(pf, "abcxy");
	assert_false(lm_prefilter_candidate(pf, either));
	scan(pf, "");
	assert_false(lm_prefilter_candidate(pf, he));
	lm_prefilter_free(pf);
}

/* Literals are found in either case, whatever case they were added in. */
static void test_automaton_case(void **state)
{
	(void)state;
	struct lm_prefilter *pf = lm_prefilter_new();
	int get = add_gate(pf, (const char *[]){ "GET /" }, 1);
	int err = add_gate(pf, (const char *[]){ "error:" }, 1);
	int both = add_gate(pf, (const char *[]){ "Get /" }, 1);
	lm_prefilter_build(pf);
	assert_int_equal(lm_prefilter_literals(pf), 2); /* "GET /" and "Get /" are one */
	scan(pf, "get /index");
	assert_true(lm_prefilter_candidate(pf, get));
	assert_true(lm_prefilter_candidate(pf, both));
	assert_false(lm_prefilter_candidate(pf, err));
	scan(pf, "ERROR: Disk");
	assert_true(lm_prefilter_candidate(pf, err));
	assert_false(lm_prefilter_candidate(pf, get));
	scan(pf, "error; GET[");
	assert_false(lm_prefilter_candidate(pf, err));
	assert_false(lm_prefilter_candidate(pf, get));
	lm_prefilter_free(pf);
}

/* Literals with NUL and high bytes, text of bytes in no literal, and a
 * literal of every byte value. */
static void test_automaton_bytes(void **state)
{
	(void)state;
	struct lm_prefilter *pf = lm_prefilter_new();
	struct lm_prefilter_lit v[] = { { "a\0b", 3 }, { "\xff\xfe", 2 } };
	struct lm_prefilter_lits l = { v, 2 };
	int gate = lm_prefilter_add_literals(pf, &l);
	lm_prefilter_build(pf);
	lm_prefilter_scan(pf, "xx\0a\0bx", 7);
	assert_true(lm_prefilter_candidate(pf, gate));
	lm_prefilter_scan(pf, "a\0", 2);
	assert_false(lm_prefilter_candidate(pf, gate));
	lm_prefilter_scan(pf, "\x01\xff\xfe", 3);
	assert_true(lm_prefilter_candidate(pf, gate));
	lm_prefilter_scan(pf, "\xfe\xff", 2);
	assert_false(lm_prefilter_candidate(pf, gate));
	lm_prefilter_free(pf);

	/* every byte value in literals: 256 classes and the one of no literal */
	pf = lm_prefilter_new();
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)(255 - i);
	struct lm_prefilter_lit one = { all, sizeof(all) };
	gate = lm_prefilter_add_literals(pf, &(struct lm_prefilter_lits){ &one, 1 });
	lm_prefilter_build(pf);
	lm_prefilter_scan(pf, all, sizeof(all));
	assert_true(lm_prefilter_candidate(pf, gate));
	lm_prefilter_scan(pf, all + 1, sizeof(all) - 1);
	assert_false(lm_prefilter_candidate(pf, gate));
	lm_prefilter_free(pf);
}

/* A prefilter without literals: every gate is ALWAYS. */
static void test_automaton_empty(void **state)
{
	(void)state;
	struct lm_prefilter *pf = lm_prefilter_new();
	assert_int_equal(lm_prefilter_add(pf, "\\w+ a"), LM_PREFILTER_ALWAYS);
	lm_prefilter_build(pf);
	scan(pf, "abc");
	assert_true(lm_prefilter_candidate(pf, LM_PREFILTER_ALWAYS));
	lm_prefilter_free(pf);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t below(size_t n)
{
	return n ? (size_t)(next_random() % n) : 0;
}

/* Against a naive search: random literals and texts over three letters, so
 * literals overlap and nest in every way. */
static void test_automaton_random(void **state)
{
	(void)state;
	enum { N = 60, TEXTS = 3000 };
	for (int round = 0; round < 5; round++) {
		struct lm_prefilter *pf = lm_prefilter_new();
		char lit[N][8], text[40];
		int gate[N];
		for (int i = 0; i < N; i++) {
			size_t len = 1 + below(6);
			for (size_t k = 0; k < len; k++)
				lit[i][k] = (char)('a' + below(3));
			lit[i][len] = '\0';
			gate[i] = add_gate(pf, (const char *[]){ lit[i] }, 1);
		}
		lm_prefilter_build(pf);
		for (int t = 0; t < TEXTS; t++) {
			size_t len = below(sizeof(text));
			for (size_t k = 0; k < len; k++)
				text[k] = (char)('a' + below(3));
			lm_prefilter_scan(pf, text, len);
			for (int i = 0; i < N; i++) {
				bool found = memmem(text, len, lit[i], strlen(lit[i])) != NULL;
				if (lm_prefilter_candidate(pf, gate[i]) != found)
					fail_msg("literal %s in %.*s: %d", lit[i], (int)len, text, found);
			}
		}
		lm_prefilter_free(pf);
	}
}

/* More literal bytes than 16-bit states: the literals that do not fit are
 * left out, and their gates are open on every text, never closed. */
static void test_automaton_full(void **state)
{
	(void)state;
	enum { N = 300, LEN = 250 };
	struct lm_prefilter *pf = lm_prefilter_new();
	static char lit[N][LEN + 1];
	int gate[N];
	for (int i = 0; i < N; i++) {
		snprintf(lit[i], sizeof(lit[i]), "L%03d", i);
		for (int k = 4; k < LEN; k++)
			lit[i][k] = (char)('a' + (i * 7 + k) % 26);
		lit[i][LEN] = '\0';
		gate[i] = add_gate(pf, (const char *[]){ lit[i] }, 1);
	}
	lm_prefilter_build(pf);
	assert_true(lm_prefilter_states(pf) <= UINT16_MAX);
	scan(pf, "nothing here");
	assert_false(lm_prefilter_candidate(pf, gate[0]));
	assert_true(lm_prefilter_candidate(pf, gate[N - 1]));
	scan(pf, lit[0]);
	assert_true(lm_prefilter_candidate(pf, gate[0]));
	assert_false(lm_prefilter_candidate(pf, gate[1]));
	assert_true(lm_prefilter_candidate(pf, gate[N - 1]));
	lm_prefilter_free(pf);
}

/* ---- Soundness on the shipped rules ---------------------------------------- */

#define MUTATIONS 4000

struct pattern {
	pcre2_code *code;
	int gate;
	const char *source;
	const char *rule;
};

struct corpus {
	struct pattern *pat;
	unsigned n_pat, gated;
	char **lines;
	size_t *lens;
	unsigned n_lines;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	struct lm_prefilter *pf;
	unsigned long matched, skipped; /* (line, pattern) pairs */
};

static void add_pattern(struct corpus *c, const struct lm_rule *r, const struct lm_pattern *p)
{
	if (p->field || r->field)
		return; /* runs on a field, never gated */
	int err;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)p->source, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	assert_non_null(code);
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	c->pat = realloc(c->pat, (c->n_pat + 1) * sizeof(*c->pat));
	int gate = lm_prefilter_add(c->pf, p->source);
	c->pat[c->n_pat++] = (struct pattern){ code, gate, p->source, r->id };
	c->gated += gate != LM_PREFILTER_ALWAYS;
}

static void add_line(struct corpus *c, const char *s, size_t n)
{
	c->lines = realloc(c->lines, (c->n_lines + 1) * sizeof(*c->lines));
	c->lens = realloc(c->lens, (c->n_lines + 1) * sizeof(*c->lens));
	c->lines[c->n_lines] = malloc(n + 1);
	memcpy(c->lines[c->n_lines], s, n);
	c->lines[c->n_lines][n] = '\0';
	c->lens[c->n_lines++] = n;
}

/* An example as written, and as the rule text its decoding gives. */
static void add_example(struct corpus *c, const char *line)
{
	struct lm_fields fields;
	struct lm_decode_ctx dec;
	struct lm_event ev;
	add_line(c, line, strlen(line));
	memset(&ev, 0, sizeof(ev));
	lm_fields_init(&fields);
	ev.fields = &fields;
	lm_decode_ctx_init(&dec, &fields, NULL);
	dec.ref = 1;
	if ((lm_decode_line(&dec, line, strlen(line), &ev) || lm_decode_flush(&dec, &ev)) &&
	    ev.text)
		add_line(c, ev.text, ev.text_len);
	lm_decode_ctx_fini(&dec);
	lm_fields_fini(&fields);
}

/* One random mutation of the corpus' lines, appended to it. */
static void mutate(struct corpus *c, unsigned n_base, struct lm_buf *b)
{
	unsigned i = (unsigned)below(n_base), j = (unsigned)below(n_base);
	const char *s = c->lines[i];
	size_t n = c->lens[i], at = below(n + 1), cut = below(n - at + 1);
	lm_buf_reset(b);
	switch (below(8)) {
	case 0: /* flip bytes */
		lm_buf_append(b, s, n);
		for (int k = 0, flips = 1 + (int)below(3); k < flips && n; k++)
			b->data[below(n)] = (char)below(256);
		break;
	case 1: /* cut the end */
		lm_buf_append(b, s, at);
		break;
	case 2: /* cut the start */
		lm_buf_append(b, s + at, n - at);
		break;
	case 3: /* cut a piece out of the middle */
		lm_buf_append(b, s, at);
		lm_buf_append(b, s + at + cut, n - at - cut);
		break;
	case 4: { /* join two lines, or a line and the end of another */
		size_t from = below(c->lens[j] + 1) / 2;
		lm_buf_append(b, s, n);
		if (below(2))
			lm_buf_putc(b, ' ');
		lm_buf_append(b, c->lines[j] + from, c->lens[j] - from);
		break;
	}
	case 5: /* repeat a piece */
		lm_buf_append(b, s, at + cut);
		lm_buf_append(b, s + at, n - at);
		break;
	case 6: /* letters in the other case */
		lm_buf_append(b, s, n);
		for (size_t k = at; k < at + cut; k++)
			if ((b->data[k] | 0x20) >= 'a' && (b->data[k] | 0x20) <= 'z')
				b->data[k] ^= 0x20;
		break;
	default: /* k and s as the characters they also match without case */
		for (size_t k = 0; k < n; k++) {
			char c = (char)(s[k] | 0x20);
			if (c == 'k' && k >= at)
				lm_buf_append(b, "\xe2\x84\xaa", 3); /* U+212A KELVIN SIGN */
			else if (c == 's' && k >= at)
				lm_buf_append(b, "\xc5\xbf", 2); /* U+017F LATIN SMALL LETTER LONG S */
			else
				lm_buf_putc(b, s[k]);
		}
		break;
	}
	add_line(c, b->data, b->len);
}

static void check_line(struct corpus *c, const char *s, size_t n)
{
	lm_prefilter_scan(c->pf, s, n);
	for (unsigned p = 0; p < c->n_pat; p++) {
		bool cand = lm_prefilter_candidate(c->pf, c->pat[p].gate);
		int rc = pcre2_match(c->pat[p].code, (PCRE2_SPTR)s, n, 0, 0, c->md, c->mctx);
		if (rc >= 0) {
			c->matched++;
			if (!cand)
				fail_msg("rule %s: pattern %s matches but was skipped on: %.*s",
					 c->pat[p].rule, c->pat[p].source, (int)n, s);
		} else if (!cand) {
			c->skipped++;
		}
	}
}

static void test_shipped_rules(void **state)
{
	(void)state;
	const char *srcdir = getenv("SRCDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/rules", srcdir && *srcdir ? srcdir : ".");
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	assert_int_equal(lm_rules_load_path(&rs, path), 0);
	assert_true(rs.n > 0);

	struct corpus c = { .pf = lm_prefilter_new() };
	for (unsigned i = 0; i < rs.n; i++) {
		const struct lm_rule *r = &rs.rules[i];
		for (unsigned j = 0; j < r->n_patterns; j++)
			add_pattern(&c, r, &r->patterns[j]);
		for (unsigned j = 0; j < r->when.n_of; j++)
			add_pattern(&c, r, &r->when.of[j]);
		for (unsigned j = 0; j < r->n_ex_match; j++)
			add_example(&c, r->ex_match[j]);
		for (unsigned j = 0; j < r->n_ex_no_match; j++)
			add_example(&c, r->ex_no_match[j]);
	}
	lm_prefilter_build(c.pf);
	/* Most patterns have a gate: the prefilter is worth having. */
	assert_true(c.gated * 10 >= c.n_pat * 9);

	struct lm_buf b;
	lm_buf_init(&b);
	unsigned n_base = c.n_lines;
	for (int k = 0; k < MUTATIONS; k++)
		mutate(&c, n_base, &b);
	lm_buf_fini(&b);

	c.md = pcre2_match_data_create(64, NULL);
	c.mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(c.mctx, 1000000);
	for (unsigned i = 0; i < c.n_lines; i++)
		check_line(&c, c.lines[i], c.lens[i]);
	/* The check saw matches (every match example matches), and skips. */
	assert_true(c.matched >= n_base / 2);
	assert_true(c.skipped > c.matched);

	for (unsigned i = 0; i < c.n_lines; i++)
		free(c.lines[i]);
	free(c.lines);
	free(c.lens);
	for (unsigned p = 0; p < c.n_pat; p++)
		pcre2_code_free(c.pat[p].code);
	free(c.pat);
	pcre2_match_data_free(c.md);
	pcre2_match_context_free(c.mctx);
	lm_prefilter_free(c.pf);
	lm_ruleset_fini(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_extract_large_set),
		cmocka_unit_test(test_automaton),
		cmocka_unit_test(test_automaton_case),
		cmocka_unit_test(test_automaton_bytes),
		cmocka_unit_test(test_automaton_empty),
		cmocka_unit_test(test_automaton_random),
		cmocka_unit_test(test_automaton_full),
		cmocka_unit_test(test_shipped_rules),
	};
	return cmocka_run_group_tests_name("prefilter", tests, NULL, NULL);
}
