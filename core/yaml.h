/*
 * yaml: a YAML document walked with file:line:column messages, for rule
 * files and the configuration file.
 *
 * One document per file (a second one is refused), aliases refused (a
 * billion-laughs bomb cannot expand), each mapping walked against a table
 * of known keys: an unknown or repeated key is a problem, reported with its
 * position.  Problems are counted, not fatal: a caller reports them all.
 */
#ifndef LM_YAML_H
#define LM_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "core/buf.h"

struct lm_yaml {
	const char *file; /* for messages */
	const char *kind; /* "rule files", "the configuration": for messages */
	yaml_document_t doc;
	bool loaded;
	unsigned char *seen; /* node visited: a second visit means an alias */
	int errors;
};

/* Parses text as one document.  Returns 0, or -1 after reporting a syntax
 * error (counted).  An empty document has no root node. */
int lm_yaml_parse(struct lm_yaml *y, const char *file, const char *kind, const char *text,
		  size_t len);
void lm_yaml_fini(struct lm_yaml *y);
/* Reads a whole file into out; -1 after reporting why it cannot. */
int lm_yaml_read_file(const char *path, struct lm_buf *out);

void lm_yaml_problem(struct lm_yaml *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The root node (marked as visited), or NULL for an empty document. */
yaml_node_t *lm_yaml_root(struct lm_yaml *y);
/* The node at index; NULL (reported) when it was visited already: an alias. */
yaml_node_t *lm_yaml_node(struct lm_yaml *y, int index);
const char *lm_yaml_scalar(const yaml_node_t *n);
/* Whether n is of type t; if not, reports "WHAT must be a string/list/mapping". */
bool lm_yaml_want(struct lm_yaml *y, const yaml_node_t *n, yaml_node_type_t t,
		  const char *what);

typedef void (*lm_yaml_visit)(struct lm_yaml *y, void *target, const char *key,
			      yaml_node_t *value, const yaml_node_t *key_node);
/* Walks a mapping: calls visit for each key listed in keys (NULL-ended, at
 * most 64), reports others and repeated keys. */
void lm_yaml_walk(struct lm_yaml *y, const yaml_node_t *map, const char *what,
		  const char *const *keys, lm_yaml_visit visit, void *target);

#endif
