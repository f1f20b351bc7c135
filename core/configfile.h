/*
 * configfile: the configuration file (`-c logmedic.yml`), read into the same
 * options the command line sets.  docs/config.md describes it.
 *
 * Every setting is a long option's name with `_` for `-` (state_interval:
 * 5s is --state-interval 5s), applied through lm_options_apply, so a value
 * is checked exactly as on the command line and an error names the file,
 * line and column.  Lists (rules, follow, files), the kafka mapping and the
 * outputs mapping have shapes of their own.  The command line, read after,
 * overrides single values and adds to lists.
 */
#ifndef LM_CONFIGFILE_H
#define LM_CONFIGFILE_H

struct lm_options;

/* Returns 0, or 2 after reporting every problem found. */
int lm_config_load(struct lm_options *o, const char *path);

#endif
