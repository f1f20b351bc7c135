/*
 * cli: the `logmedic rules` commands: list, show ID, lint, test.
 * For rule authors: they read the same rules a run would (--rules) and
 * print plain text.
 */
#ifndef LM_RULES_CLI_H
#define LM_RULES_CLI_H

#include "core/options.h"

/* args: the words after "rules".  Returns the exit status. */
int lm_rules_cli(const struct lm_options *o, unsigned argc, char **args);

#endif
