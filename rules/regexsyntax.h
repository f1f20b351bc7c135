/*
 * regexsyntax: pieces of PCRE2 pattern syntax read by more than one reader
 * of a pattern's text: the literal prefilter (rules/prefilter.h) and the
 * nested-quantifier lint (rules/regexlint.h).
 */
#ifndef LM_REGEXSYNTAX_H
#define LM_REGEXSYNTAX_H

#include <stdbool.h>

/* A repeat's maximum when it has none. */
#define LM_REGEX_UNBOUNDED 0xffffffffu

struct lm_regex_quantifier {
	unsigned min, max; /* max is LM_REGEX_UNBOUNDED for *, + and {n,} */
	bool possessive;   /* *+, ++, ?+, {n,m}+: never gives back what it matched */
};

/* At p: a quantifier (*, +, ?, {n}, {n,}, {n,m}, each maybe followed by ?
 * for lazy or + for possessive); returns the position after it, or NULL
 * when there is none (a "{" that starts no count is a literal). */
const char *lm_regex_quantifier(const char *p, struct lm_regex_quantifier *q);

/* At "[": the position after the character class's "]"; NULL when it has
 * no end, holds \Q or \E, or something like a POSIX class ([:alpha:]) that
 * is not a plain one. */
const char *lm_regex_class_end(const char *p);

#endif
