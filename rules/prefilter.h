/*
 * prefilter: required literals gate the patterns, so that a line runs only
 * the patterns that can match it.
 *
 * Extraction reads a pattern's PCRE2 source and proves a set of literal
 * strings, each at least LM_PREFILTER_MIN_LITERAL bytes, such that every
 * possible match contains at least one of them (a disjunction), compared
 * without ASCII case (so case-insensitive parts have literals too).  When it
 * cannot prove one (backreferences, \Q..\E, verbs, comments, options that
 * change the syntax, a pattern whose every part is optional or too short)
 * the pattern is always run: soundness comes first, a pattern is never
 * skipped on a line it would match.
 *
 * A prefilter holds the gates (one per gated pattern, each a list of literal
 * ids) and, once built, one Aho-Corasick automaton over all their literals,
 * a dense table over byte classes in which a letter and its other case are
 * one class.  A scan marks which literals occur in a line in a reusable
 * bitmap: one pass over the line, no allocation.
 */
#ifndef LM_PREFILTER_H
#define LM_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>

/* The gate of a pattern that is always run. */
#define LM_PREFILTER_ALWAYS (-1)
/* Shorter literals occur on too many lines to be worth a gate. */
#define LM_PREFILTER_MIN_LITERAL 3
/* The most strings a set may hold while it is built (a larger one is given up). */
#define LM_PREFILTER_MAX_SET 32

struct lm_prefilter_lit {
	char *s; /* NUL-terminated for convenience; may hold NUL bytes (see len) */
	size_t len;
};

/* A set of literal strings. */
struct lm_prefilter_lits {
	struct lm_prefilter_lit *v;
	unsigned n;
};

/* Proves the required literals of a PCRE2 pattern (compiled as the matcher
 * does: UTF, case-sensitive, no other option), to be looked for without
 * regard to ASCII case (case-insensitive parts give lower case).  Returns
 * true and fills out (which the caller frees) when every match contains one
 * of them; false when the pattern must always run (out is then empty). */
bool lm_prefilter_extract(const char *source, struct lm_prefilter_lits *out);
void lm_prefilter_lits_free(struct lm_prefilter_lits *l);

struct lm_prefilter;

struct lm_prefilter *lm_prefilter_new(void);
void lm_prefilter_free(struct lm_prefilter *pf);

/* Adds a gate that opens when one of lits occurs; returns its id, or
 * LM_PREFILTER_ALWAYS for an empty set or one holding an empty string. */
int lm_prefilter_add_literals(struct lm_prefilter *pf, const struct lm_prefilter_lits *lits);
/* Adds the gate of a pattern (see lm_prefilter_extract); returns its id, or
 * LM_PREFILTER_ALWAYS when the pattern must always run. */
int lm_prefilter_add(struct lm_prefilter *pf, const char *source);
/* Builds the automaton; call once, after the last addition. */
void lm_prefilter_build(struct lm_prefilter *pf);

/* Marks the literals that occur in text (replacing the previous scan's). */
void lm_prefilter_scan(struct lm_prefilter *pf, const char *text, size_t len);
/* Whether the last scanned text may match the gate's pattern: one of its
 * literals occurred, or the gate is LM_PREFILTER_ALWAYS. */
bool lm_prefilter_candidate(const struct lm_prefilter *pf, int gate);
/* The gates open on the last scanned text (never LM_PREFILTER_ALWAYS), each
 * once, in no particular order: sets *gates and returns their number. */
unsigned lm_prefilter_opened(const struct lm_prefilter *pf, const unsigned **gates);

/* Distinct literals and automaton states, for reports and tests. */
unsigned lm_prefilter_literals(const struct lm_prefilter *pf);
unsigned lm_prefilter_states(const struct lm_prefilter *pf);

#endif
