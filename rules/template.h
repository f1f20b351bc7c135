/*
 * template: remediation commands filled in with what the logs named.
 *
 * A template is text with {name} placeholders (name: a letter or '_', then
 * letters, digits, '_' or '.'); any other '{' is literal, so JSON in a command
 * needs no escaping.  Each value is shell-quoted when inserted, so a pod named
 * x$(reboot) comes out as 'x$(reboot)': inert.  A placeholder with no value,
 * or whose value starts with '-' (it would be read as an option, quoted or
 * not), is left as <name> for the operator to fill in.  Write placeholders outside
 * quotes in templates: the value brings its own quoting.
 */
#ifndef LM_TEMPLATE_H
#define LM_TEMPLATE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/event.h"

/* Appends s quoted for POSIX shells: unchanged when made only of safe
 * characters, else in single quotes; with control characters, as $'...'. */
void lm_shell_quote(struct lm_buf *out, const char *s, size_t n);

/* Appends tmpl rendered with values from sets, searched in order. */
void lm_template_render(struct lm_buf *out, const char *tmpl,
			const struct lm_fields *const *sets, unsigned n_sets);

/* Calls fn for every placeholder name in tmpl (for lint). */
void lm_template_each_placeholder(const char *tmpl,
				  void (*fn)(void *arg, const char *name, size_t len), void *arg);

#endif
