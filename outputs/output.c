/*
 * output: the registry of outputs.  See output.h.
 */
#include "outputs/output.h"

#include <string.h>

static const struct lm_output_ops *const registry[] = { &lm_output_text, &lm_output_json };

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
