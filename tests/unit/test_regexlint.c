/*
 * test_regexlint: nested quantifiers found in a pattern's text.  A table of
 * patterns, each valid PCRE2 (checked by compiling it), with the span
 * expected to be reported or none: nested repeats written many ways (lazy,
 * counted, named groups, groups within groups, escaped or classed
 * parentheses inside); and what must not be reported: adjacent or bounded
 * repeats, possessive ones, atomic groups and lookarounds, parentheses and
 * quantifiers inside classes, escapes, \Q..\E and comments, and overlapping
 * alternatives (not detected, as documented).  Then robustness: every
 * prefix of every pattern in an exactly-sized heap buffer (a sanitizer
 * build catches reads past the end), unterminated classes, and nesting
 * deeper than PCRE2 allows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "rules/regexlint.h"

struct lint_case {
	const char *pattern;
	const char *found; /* the span reported; NULL: none */
};

static const struct lint_case cases[] = {
	/* nested repeats without bound */
	{ "(a+)+", "(a+)+" },
	{ "(\\w*)*", "(\\w*)*" },
	{ "(?:x+y?)+", "(?:x+y?)+" },
	{ "((a)+)+", "((a)+)+" },
	{ "((a+)?)+", "((a+)?)+" },
	{ "(?:(?:a+))+", "(?:(?:a+))+" },
	{ "((a+)b)*c", "((a+)b)*" },
	{ "(a+)+?", "(a+)+?" },
	{ "(a+?)+", "(a+?)+" },
	{ "(?:a{2,})*", "(?:a{2,})*" },
	{ "(a+){3,}", "(a+){3,}" },
	{ "x(?<name>b|c+)*y", "(?<name>b|c+)*" },
	{ "(?i:a+)+", "(?i:a+)+" },
	{ "(?:[)]+)+", "(?:[)]+)+" },
	{ "(?:\\)+)+", "(?:\\)+)+" },
	{ "(?:\\x{41}+)+", "(?:\\x{41}+)+" },
	{ "(?=(a+)+)b", "(a+)+" },
	{ "(?:a+)+(?:b*)*", "(?:a+)+" },
	{ "^(?:[a-z_$][\\w$]*\\.)+[A-Z]", "(?:[a-z_$][\\w$]*\\.)+" },
	/* adjacent or bounded repeats */
	{ "a+b*c+", NULL },
	{ "(a+)", NULL },
	{ "(a+)?", NULL },
	{ "(a+){2}", NULL },
	{ "(a+){1,5}", NULL },
	{ "(?:\\d+\\.){3}\\d+", NULL },
	{ "(?:ab)+(?:c|d)*", NULL },
	{ "(?:[^\"\\\\]|\\\\.)*", NULL },
	/* possessive repeats, atomic groups, lookarounds */
	{ "(a++)+", NULL },
	{ "(a+)++", NULL },
	{ "(?:a+)*+", NULL },
	{ "(?:a{2,}+)*", NULL },
	{ "(?>a+)+", NULL },
	{ "(?:(?=a+)b)+", NULL },
	{ "(?:(?<=a|bc)b)+", NULL },
	{ "(?:(?!a+)b)+", NULL },
	{ "^(?:[a-z_$][\\w$]*+\\.)+[A-Z]", NULL },
	/* what only looks like a group or a repeat */
	{ "[(a+)+]", NULL },
	{ "[]a+(]+", NULL },
	{ "[[:alpha:]+]+", NULL },
	{ "\\(a+\\)+", NULL },
	{ "\\Q(a+)+\\E", NULL },
	{ "(?#(a+)(?:b)+", NULL },
	{ "\\p{L}+\\x{41}+", NULL },
	/* overlapping alternatives: not detected */
	{ "(a|aa)+", NULL },
};

static void test_cases_compile(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err;
		PCRE2_SIZE off;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)cases[i].pattern, PCRE2_ZERO_TERMINATED,
						 PCRE2_UTF, &err, &off, NULL);
		if (!code)
			fail_msg("case %zu does not compile: %s", i, cases[i].pattern);
		pcre2_code_free(code);
	}
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lint_case *c = &cases[i];
		struct lm_regex_span s = { 0 };
		bool found = lm_regexlint_nested(c->pattern, &s);
		if (found != (c->found != NULL))
			fail_msg("%s: %s", c->pattern, found ? "reported" : "not reported");
		if (found && (s.len != strlen(c->found) ||
			      memcmp(c->pattern + s.at, c->found, s.len) != 0))
			fail_msg("%s: reported %.*s, expected %s", c->pattern, (int)s.len,
				 c->pattern + s.at, c->found);
	}
}

/* A finding's span stays within the text it was given. */
static void lint_exact(const char *text, size_t n)
{
	char *p = malloc(n + 1);
	assert_non_null(p);
	memcpy(p, text, n);
	p[n] = '\0';
	struct lm_regex_span s;
	if (lm_regexlint_nested(p, &s))
		assert_true(s.at + s.len <= n);
	free(p);
}

static void test_prefixes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (size_t n = 0; n <= strlen(cases[i].pattern); n++)
			lint_exact(cases[i].pattern, n);
	const char *odd[] = { "[abc", "[[:alpha", "(a+", "a+)+", "\\", "(?#", "\\Qab", "\\x{41",
			      "((((", "))))+", "+*?", "{2,}" };
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		lint_exact(odd[i], strlen(odd[i]));
}

/* Nesting deeper than PCRE2 accepts: given up, never past the stack. */
static void test_deep(void **state)
{
	(void)state;
	enum { DEPTH = 1000 };
	char *p = malloc(2 * DEPTH + 4);
	assert_non_null(p);
	memset(p, '(', DEPTH);
	memcpy(p + DEPTH, "a+", 2);
	memset(p + DEPTH + 2, ')', DEPTH);
	memcpy(p + 2 * DEPTH + 2, "+", 2);
	struct lm_regex_span s;
	assert_false(lm_regexlint_nested(p, &s));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_compile),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_deep),
	};
	return cmocka_run_group_tests_name("regexlint", tests, NULL, NULL);
}
