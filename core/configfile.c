/*
 * configfile: the configuration file.  See configfile.h and docs/config.md.
 */
#include "core/configfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/options.h"
#include "core/yaml.h"

struct config {
	struct lm_yaml y; /* first: visit callbacks get it */
	struct lm_options *o;
	int failed;       /* settings refused by lm_options_apply */
};

/* A copy that lives as long as the options. */
static const char *keep(struct config *c, const char *s)
{
	struct lm_options *o = c->o;
	o->owned = lm_xrealloc(o->owned, (o->n_owned + 1) * sizeof(*o->owned));
	return o->owned[o->n_owned++] = lm_xstrdup(s);
}

static const char *where(struct config *c, const yaml_node_t *n, char buf[512])
{
	snprintf(buf, 512, "%s:%zu:%zu", c->y.file, n->start_mark.line + 1,
		 n->start_mark.column + 1);
	return buf;
}

/* Applies option `name` with value (NULL: a flag) given at node n. */
static void apply(struct config *c, const char *name, const char *value, const yaml_node_t *n)
{
	char at[512];
	if (lm_options_apply(c->o, name, value ? keep(c, value) : NULL, where(c, n, at)) != 0)
		c->failed++;
}

/* The option a key names: `_` for `-`. */
static void option_name(const char *key, char out[64])
{
	snprintf(out, 64, "%s", key);
	for (char *p = out; *p; p++)
		if (*p == '_')
			*p = '-';
}

/* A scalar setting: a flag takes true or false, others their value. */
static void scalar_setting(struct config *c, const char *key, const yaml_node_t *v)
{
	char name[64];
	option_name(key, name);
	const char *s = lm_yaml_scalar(v);
	bool flag = strncmp(name, "no-", 3) == 0 || strcmp(name, "from-beginning") == 0 ||
		    strcmp(name, "matches") == 0 || strcmp(name, "quiet") == 0;
	if (!flag) {
		apply(c, name, s, v);
	} else if (strcmp(s, "true") == 0) {
		apply(c, name, NULL, v);
	} else if (strcmp(s, "false") != 0) {
		lm_yaml_problem(&c->y, v, "%s must be true or false, not \"%s\"", key, s);
	}
}

/* A list setting (rules, follow): each item as if given once. */
static void list_setting(struct config *c, const char *key, const yaml_node_t *v)
{
	char name[64];
	option_name(key, name);
	if (!lm_yaml_want(&c->y, v, YAML_SEQUENCE_NODE, key))
		return;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = lm_yaml_node(&c->y, *it);
		if (item && lm_yaml_want(&c->y, item, YAML_SCALAR_NODE, key))
			apply(c, name, lm_yaml_scalar(item), item);
	}
}

static void files_setting(struct config *c, const yaml_node_t *v)
{
	if (!lm_yaml_want(&c->y, v, YAML_SEQUENCE_NODE, "files"))
		return;
	struct lm_options *o = c->o;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = lm_yaml_node(&c->y, *it);
		if (!item || !lm_yaml_want(&c->y, item, YAML_SCALAR_NODE, "files"))
			continue;
		o->config_files = lm_xrealloc(o->config_files,
					      (o->n_config_files + 1) * sizeof(*o->config_files));
		o->config_files[o->n_config_files++] = (char *)keep(c, lm_yaml_scalar(item));
	}
}

/* A mapping of KEY: VALUE strings, each applied as option `name` with
 * "PREFIXKEY=VALUE" (kafka settings as -X, output settings). */
static void pairs_setting(struct config *c, const yaml_node_t *map, const char *what,
			  const char *name, const char *prefix)
{
	if (!lm_yaml_want(&c->y, map, YAML_MAPPING_NODE, what))
		return;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = lm_yaml_node(&c->y, p->key), *v = lm_yaml_node(&c->y, p->value);
		if (!k || !v || !lm_yaml_want(&c->y, k, YAML_SCALAR_NODE, what) ||
		    !lm_yaml_want(&c->y, v, YAML_SCALAR_NODE, what))
			continue;
		struct lm_buf b;
		lm_buf_init(&b);
		lm_buf_printf(&b, "%s%s=%s", prefix, lm_yaml_scalar(k), lm_yaml_scalar(v));
		apply(c, name, b.data, v);
		lm_buf_fini(&b);
	}
}

static void visit_kafka(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
			const yaml_node_t *k)
{
	struct config *c = (struct config *)y;
	(void)target;
	(void)k;
	if (strcmp(key, "settings") == 0) {
		pairs_setting(c, v, "kafka.settings", "kafka-setting", "");
		return;
	}
	if (strcmp(key, "brokers") == 0)
		key = "kafka";
	if (lm_yaml_want(y, v, YAML_SCALAR_NODE, key))
		scalar_setting(c, key, v);
}

/* outputs: NAME: {target: T, KEY: VALUE...} */
static void outputs_setting(struct config *c, const yaml_node_t *map)
{
	if (!lm_yaml_want(&c->y, map, YAML_MAPPING_NODE, "outputs"))
		return;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = lm_yaml_node(&c->y, p->key), *v = lm_yaml_node(&c->y, p->value);
		if (!k || !v || !lm_yaml_want(&c->y, k, YAML_SCALAR_NODE, "an output name") ||
		    !lm_yaml_want(&c->y, v, YAML_MAPPING_NODE, "an output"))
			continue;
		const char *name = lm_yaml_scalar(k);
		const yaml_node_t *target = NULL;
		struct lm_buf prefix;
		lm_buf_init(&prefix);
		lm_buf_printf(&prefix, "%s.", name);
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		     q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *sk = yaml_document_get_node(&c->y.doc, q->key);
			if (sk && sk->type == YAML_SCALAR_NODE &&
			    strcmp(lm_yaml_scalar(sk), "target") == 0)
				target = yaml_document_get_node(&c->y.doc, q->value);
		}
		if (!target || target->type != YAML_SCALAR_NODE) {
			lm_yaml_problem(&c->y, v, "output %s needs a target (a string)", name);
		} else {
			struct lm_buf spec;
			lm_buf_init(&spec);
			lm_buf_printf(&spec, "%s=%s", name, lm_yaml_scalar(target));
			apply(c, "output", spec.data, target);
			lm_buf_fini(&spec);
		}
		/* the other keys are the output's settings (target is skipped) */
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		     q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *sk = lm_yaml_node(&c->y, q->key), *sv = lm_yaml_node(&c->y, q->value);
			if (!sk || !sv || !lm_yaml_want(&c->y, sk, YAML_SCALAR_NODE, "a setting name") ||
			    !lm_yaml_want(&c->y, sv, YAML_SCALAR_NODE, "a setting") ||
			    strcmp(lm_yaml_scalar(sk), "target") == 0)
				continue;
			struct lm_buf b;
			lm_buf_init(&b);
			lm_buf_printf(&b, "%s%s=%s", prefix.data, lm_yaml_scalar(sk), lm_yaml_scalar(sv));
			apply(c, "output-opt", b.data, sv);
			lm_buf_fini(&b);
		}
		lm_buf_fini(&prefix);
	}
}

static void visit_top(struct lm_yaml *y, void *target, const char *key, yaml_node_t *v,
		      const yaml_node_t *k)
{
	static const char *const kafka_keys[] = { "brokers", "topic", "group", "commit_interval",
						  "settings", NULL };
	struct config *c = (struct config *)y;
	(void)target;
	(void)k;
	if (strcmp(key, "rules") == 0 || strcmp(key, "follow") == 0)
		list_setting(c, key, v);
	else if (strcmp(key, "files") == 0)
		files_setting(c, v);
	else if (strcmp(key, "kafka") == 0 && lm_yaml_want(y, v, YAML_MAPPING_NODE, "kafka"))
		lm_yaml_walk(y, v, "kafka", kafka_keys, visit_kafka, NULL);
	else if (strcmp(key, "outputs") == 0)
		outputs_setting(c, v);
	else if (lm_yaml_want(y, v, YAML_SCALAR_NODE, key))
		scalar_setting(c, key, v);
}

int lm_config_load(struct lm_options *o, const char *path)
{
	static const char *const keys[] = {
		"rules", "files", "follow", "kafka", "outputs", "format", "max_line", "read_size",
		"max_keys", "max_evidence", "max_idle", "output", "color", "no_redact", "quiet", "fail_on",
		"matches", "from_beginning", "state", "state_interval", "poll_interval", "no_inotify",
		"rotate_wait", "flush_timeout", "no_multiline", "multiline_max_lines",
		"multiline_max_bytes", "output_queue", "webhook_format", "metrics", NULL,
	};
	struct lm_buf text;
	lm_buf_init(&text);
	struct config c = { .o = o };
	int rc = 2;
	if (lm_yaml_read_file(path, &text) < 0 ||
	    lm_yaml_parse(&c.y, path, "the configuration", text.data ? text.data : "", text.len) < 0)
		goto out;
	yaml_node_t *root = lm_yaml_root(&c.y);
	if (root && lm_yaml_want(&c.y, root, YAML_MAPPING_NODE, "the configuration"))
		lm_yaml_walk(&c.y, root, "the configuration", keys, visit_top, NULL);
	rc = c.y.errors || c.failed ? 2 : 0;
out:
	lm_yaml_fini(&c.y);
	lm_buf_fini(&text);
	return rc;
}
