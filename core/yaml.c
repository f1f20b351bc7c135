/*
 * yaml: libyaml's document API with positions in every message.  See
 * yaml.h.  libyaml's marks are 0-based; messages are 1-based.
 */
#include "core/yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

void lm_yaml_problem(struct lm_yaml *y, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lm_log_error("%s:%zu:%zu: %s", y->file, n->start_mark.line + 1, n->start_mark.column + 1,
		     msg);
	y->errors++;
}

static void syntax_error(struct lm_yaml *y, const yaml_parser_t *p)
{
	lm_log_error("%s:%zu:%zu: %s%s%s", y->file, p->problem_mark.line + 1,
		     p->problem_mark.column + 1, p->problem ? p->problem : "invalid YAML",
		     p->context ? " " : "", p->context ? p->context : "");
	y->errors++;
}

int lm_yaml_parse(struct lm_yaml *y, const char *file, const char *kind, const char *text,
		  size_t len)
{
	memset(y, 0, sizeof(*y));
	y->file = file;
	y->kind = kind;
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &y->doc)) {
		syntax_error(y, &parser);
		yaml_parser_delete(&parser);
		return -1;
	}
	y->loaded = true;
	/* One document per file: a second one would be silently ignored. */
	yaml_document_t extra;
	if (!yaml_parser_load(&parser, &extra)) {
		syntax_error(y, &parser);
	} else {
		if (yaml_document_get_root_node(&extra)) {
			lm_log_error("%s:%zu:%zu: only one YAML document is allowed in %s", file,
				     extra.start_mark.line + 1, extra.start_mark.column + 1, kind);
			y->errors++;
		}
		yaml_document_delete(&extra);
	}
	yaml_parser_delete(&parser);
	size_t n = (size_t)(y->doc.nodes.top - y->doc.nodes.start);
	y->seen = lm_xcalloc(n ? n : 1, 1);
	return 0;
}

void lm_yaml_fini(struct lm_yaml *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	free(y->seen);
	y->seen = NULL;
	y->loaded = false;
}

int lm_yaml_read_file(const char *path, struct lm_buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		lm_log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		lm_buf_append(out, chunk, n);
	int err = ferror(f);
	fclose(f);
	if (err) {
		lm_log_error("%s: read error", path);
		return -1;
	}
	return 0;
}

yaml_node_t *lm_yaml_root(struct lm_yaml *y)
{
	yaml_node_t *root = yaml_document_get_root_node(&y->doc);
	if (root)
		y->seen[root - y->doc.nodes.start] = 1;
	return root;
}

yaml_node_t *lm_yaml_node(struct lm_yaml *y, int index)
{
	yaml_node_t *n = yaml_document_get_node(&y->doc, index);
	if (!n)
		return NULL;
	size_t i = (size_t)(n - y->doc.nodes.start);
	if (y->seen[i]) {
		lm_yaml_problem(y, n, "YAML aliases are not allowed in %s", y->kind);
		return NULL;
	}
	y->seen[i] = 1;
	return n;
}

const char *lm_yaml_scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

bool lm_yaml_want(struct lm_yaml *y, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	if (n->type == t)
		return true;
	lm_yaml_problem(y, n, "%s must be %s", what,
			t == YAML_SCALAR_NODE ? "a string" :
			t == YAML_SEQUENCE_NODE ? "a list" : "a mapping");
	return false;
}

void lm_yaml_walk(struct lm_yaml *y, const yaml_node_t *map, const char *what,
		  const char *const *keys, lm_yaml_visit visit, void *target)
{
	unsigned long long seen_keys = 0;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = lm_yaml_node(y, p->key);
		yaml_node_t *v = lm_yaml_node(y, p->value);
		if (!k || !v)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			lm_yaml_problem(y, k, "keys of %s must be strings", what);
			continue;
		}
		int found = -1;
		for (int i = 0; keys[i]; i++)
			if (strcmp(keys[i], lm_yaml_scalar(k)) == 0)
				found = i;
		if (found < 0) {
			struct lm_buf allowed;
			lm_buf_init(&allowed);
			for (int i = 0; keys[i]; i++)
				lm_buf_printf(&allowed, "%s%s", i ? ", " : "", keys[i]);
			lm_yaml_problem(y, k, "unknown key \"%s\" in %s (expected one of: %s)",
					lm_yaml_scalar(k), what, allowed.data);
			lm_buf_fini(&allowed);
			continue;
		}
		if (seen_keys & (1ull << found)) {
			lm_yaml_problem(y, k, "key \"%s\" repeated in %s", lm_yaml_scalar(k), what);
			continue;
		}
		seen_keys |= 1ull << found;
		visit(y, target, lm_yaml_scalar(k), v, k);
	}
}
