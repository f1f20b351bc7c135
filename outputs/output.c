/*
 * output: the registry of outputs.  See output.h.
 */
#include "outputs/output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

static const struct lm_output_ops *const registry[] = {
	&lm_output_text,
	&lm_output_json,
	&lm_output_report,
	&lm_output_kafka,
	&lm_output_postgres,
	&lm_output_webhook,
	&lm_output_elasticsearch,
	&lm_output_alertmanager,
};

const struct lm_output_ops *lm_output_find(const char *name)
{
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

const char *lm_emit_name(enum lm_emit kind)
{
	static const char *const names[] = { "fired", "repeat", "update", "resolved", "explained" };
	return names[kind];
}

const char *lm_output_names(void)
{
	static char names[256];
	if (names[0])
		return names;
	size_t len = 0;
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (registry[i]->delivery)
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						len ? ", " : "", registry[i]->name);
	return names;
}

const char *lm_output_setting(const struct lm_output_conf *c, const char *key)
{
	size_t n = strlen(key);
	const char *found = NULL;
	for (unsigned i = 0; i < c->n_settings; i++)
		if (strncmp(c->settings[i], key, n) == 0 && c->settings[i][n] == '=')
			found = c->settings[i] + n + 1;
	return found;
}

char *lm_output_secret(const char *what, const char *value)
{
	if (strncmp(value, "env:", 4) == 0) {
		const char *v = getenv(value + 4);
		if (!v || !*v) {
			lm_log_error("%s: the environment variable %s is not set", what, value + 4);
			return NULL;
		}
		return lm_xstrdup(v);
	}
	if (strncmp(value, "file:", 5) != 0)
		return lm_xstrdup(value);
	FILE *f = fopen(value + 5, "r");
	if (!f) {
		lm_log_error("%s: %s: %s", what, value + 5, strerror(errno));
		return NULL;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	if (n <= 0) {
		free(line);
		lm_log_error("%s: %s is empty", what, value + 5);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

bool lm_output_check_settings(const struct lm_output_conf *c, const char *name,
			      const char *const *known)
{
	static const char *const common[] = { "batch", "retry", "retry_max", "stop_timeout", NULL };
	for (unsigned i = 0; i < c->n_settings; i++) {
		size_t n = strcspn(c->settings[i], "=");
		bool found = false;
		for (const char *const *lists[] = { known, common }, *const **l = lists;
		     l < lists + 2 && !found; l++)
			for (const char *const *k = *l; *k && !found; k++)
				found = strlen(*k) == n && strncmp(*k, c->settings[i], n) == 0;
		if (found)
			continue;
		struct lm_buf names;
		lm_buf_init(&names);
		for (const char *const *k = known; *k; k++)
			lm_buf_printf(&names, "%s, ", *k);
		lm_log_error("--output-opt %s.%.*s: no such setting (%sbatch, retry, retry_max, stop_timeout)",
			     name, (int)n, c->settings[i], names.data ? names.data : "");
		lm_buf_fini(&names);
		return false;
	}
	return true;
}
