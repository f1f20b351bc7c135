/*
 * matcher: runs rules' patterns over events with PCRE2.
 *
 * Patterns are compiled once with JIT, in UTF mode that tolerates invalid
 * UTF-8 (log lines carry any bytes); one match-data block is reused for every
 * match, so matching allocates nothing.  A pattern's named groups become
 * capture fields.  Match and depth limits bound hostile patterns: a line on
 * which a pattern gives up counts as an error for that rule, and the other
 * rules still see the line.
 *
 * Patterns are gated by their required literals (rules/prefilter.h): one
 * scan of an event's text (lm_matcher_prepare) tells which patterns can
 * match it, and so which rules are candidates; the others are not run, so
 * the cost of a line that matches nothing does not grow with the number of
 * rules.  A pattern that is not run on a line cannot match it, nor hit a
 * limit (count an error) there.
 */
#ifndef LM_MATCHER_H
#define LM_MATCHER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "rules/rule.h"

struct lm_matcher;

/* Compiles every pattern of rs.  Bad patterns are reported as
 * FILE:LINE:COLUMN with PCRE2's message and offset; returns NULL if any. */
struct lm_matcher *lm_matcher_new(const struct lm_ruleset *rs);
void lm_matcher_free(struct lm_matcher *m);

/* Scans ev's text for the literals that gate the patterns; call once per
 * event, before matching it against the rules.  Allocates nothing.  An event
 * whose text is not the one last prepared (by address and length) is
 * prepared when matched, but a caller that reuses a buffer for the next
 * event's text must prepare each event. */
void lm_matcher_prepare(struct lm_matcher *m, const struct lm_event *ev);

/* The rules the prepared event may hit, as indexes into the rule set in
 * increasing order: sets *rules and returns their number.  A rule left out
 * would not hit the event, nor select it for a ratio. */
unsigned lm_matcher_candidates(const struct lm_matcher *m, const unsigned **rules);

/* Whether rule hits ev: one of its patterns matches and every condition of
 * match.where holds on the captures (or else the event's fields).  The named
 * captures of the pattern that hit are added to captures (which the caller
 * resets); the first pattern that hits wins. */
bool lm_matcher_match(struct lm_matcher *m, const struct lm_rule *rule,
		      const struct lm_event *ev, struct lm_fields *captures);

/* Whether ev is one of what a ratio rule's share is of (when.ratio.of);
 * the selector's named captures are added to captures. */
bool lm_matcher_select(struct lm_matcher *m, const struct lm_rule *rule,
		       const struct lm_event *ev, struct lm_fields *captures);

/* Lines on which a rule's patterns hit a PCRE2 limit or another match error. */
uint64_t lm_matcher_errors(const struct lm_matcher *m, const struct lm_rule *rule);

/* Named groups of a rule's patterns, for checking templates: calls fn for each. */
void lm_matcher_each_capture(const struct lm_matcher *m, const struct lm_rule *rule,
			     void (*fn)(void *arg, const char *name), void *arg);

#endif
