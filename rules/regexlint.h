/*
 * regexlint: finds nested quantifiers in a PCRE2 pattern, the shape that
 * backtracks catastrophically: a group repeated without bound ((...)*,
 * (...)+, (...){n,}) that holds a repeat without bound itself, as in (a+)+,
 * (\w*)*, (?:x+y?)+ or ((a)+)+.  On a line that almost matches, a
 * backtracking engine tries every way of sharing the characters among the
 * iterations, exponentially many; PCRE2's match limit (rules/matcher.c)
 * bounds that cost per line, and `rules lint` tells the rule's author.
 *
 * A possessive repeat (a++, (...)*+) and the content of an atomic group or
 * a lookaround ((?>...), (?=...), (*...)) never give back what they
 * matched, so they do not count; nor does a bounded repeat (?, {n,m}), on
 * either side.  Overlapping alternatives ((a|aa)+) are not detected, and
 * extended syntax ((?x) spaces and # comments) is read as if it were not.
 */
#ifndef LM_REGEXLINT_H
#define LM_REGEXLINT_H

#include <stdbool.h>
#include <stddef.h>

/* Where a finding stands in the pattern: the outer group, from its "("
 * through its quantifier. */
struct lm_regex_span {
	size_t at, len;
};

/* True, with the first such group (in the order groups close), when
 * pattern nests a repeat without bound in another. */
bool lm_regexlint_nested(const char *pattern, struct lm_regex_span *found);

#endif
