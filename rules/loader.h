/*
 * loader: rule files (YAML) into a rule set.
 *
 * Checks everything it can without compiling patterns: the shape of each
 * rule, unknown or repeated keys, value types and ranges, duplicate ids.
 * Every problem is reported on stderr as FILE:LINE:COLUMN: message, and
 * loading goes on to find the others.  YAML aliases are refused (an alias bomb
 * would otherwise expand without bound).
 */
#ifndef LM_LOADER_H
#define LM_LOADER_H

#include "rules/rule.h"

/* Load a rule file, or every *.yml / *.yaml file of a folder in name order,
 * appending to rs.  Returns the number of problems reported (0: success). */
int lm_rules_load_path(struct lm_ruleset *rs, const char *path);

/* Load the rules a run uses: each of paths, or when there is none the
 * installed pack plus /etc/logmedic/rules.d if that folder exists.
 * Returns the number of problems reported; an empty set is one. */
int lm_rules_load_all(struct lm_ruleset *rs, const char *const *paths, unsigned n_paths);

/* Ties rules to the rules they name (when.after).  Returns the problems
 * reported; lm_rules_load_all calls it. */
int lm_rules_link(struct lm_ruleset *rs);

/* Load rules from a YAML string (tests); name is used in messages. */
int lm_rules_load_string(struct lm_ruleset *rs, const char *name, const char *yaml, size_t len);

#endif
